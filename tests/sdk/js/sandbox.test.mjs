// Two JavaScript Bitrix24 clients, used unchanged, against one Portico sandbox
// (`portico sandbox --tls --json`), reset to its seeded state before each test.
//
//   PORTICO_SANDBOX='<the JSON line>' NODE_EXTRA_CA_CERTS=<ca_file> node --test
//
// This file is also the `node:test` example of the README's "Testing your
// integration against Portico".
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { B24Hook } from '@bitrix24/b24jssdk';
import { Bitrix } from '@2bad/bitrix';

const sandbox = JSON.parse(process.env.PORTICO_SANDBOX ?? '{}');

/** A call to the sandbox API (`POST /sandbox/PATH` with the sandbox key). */
async function sandboxApi(path, body = {}, method = 'POST') {
  const res = await fetch(`${sandbox.sandbox_url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${sandbox.sandbox_key}`,
      'Content-Type': 'application/json',
    },
    body: method === 'GET' ? undefined : JSON.stringify(body),
  });
  const answer = await res.json();
  assert.equal(res.status, 200, JSON.stringify(answer));
  return answer;
}

beforeEach(async () => {
  await sandboxApi('reset');
});

test('b24jssdk: batch adds, cursor lists, updates and errors', async () => {
  const b24 = B24Hook.fromWebhookUrl(sandbox.webhook_url);
  b24.offClientSideWarning();

  const calls = Array.from({ length: 50 }, (_, i) => [
    'crm.lead.add',
    { fields: { TITLE: `JS lead ${i + 1}`, OPPORTUNITY: 100 + i } },
  ]);
  for (let round = 0; round < 3; round++) {
    const added = await b24.actions.v2.batch.make({ calls, options: { isHaltOnError: true } });
    assert.ok(added.isSuccess, JSON.stringify(added.getErrorMessages()));
  }
  const all = await b24.actions.v2.callList.make({
    method: 'crm.lead.list',
    params: { select: ['ID', 'TITLE', 'OPPORTUNITY'] },
  });
  assert.ok(all.isSuccess);
  const leads = all.getData();
  assert.equal(leads.length, 150);
  // After a reset ids start where the seed left them: the first lead is 1.
  assert.deepEqual(
    leads.slice(0, 2).map((l) => [l.ID, l.TITLE]),
    [['1', 'JS lead 1'], ['2', 'JS lead 2']],
  );

  let pages = 0;
  let seen = 0;
  for await (const page of b24.actions.v2.fetchList.make({
    method: 'crm.lead.list',
    params: { filter: { '>OPPORTUNITY': 140 }, select: ['ID'] },
  })) {
    pages += 1;
    seen += page.length;
  }
  assert.equal(seen, 27);
  assert.ok(pages >= 1);

  const updated = await b24.actions.v2.call.make({
    method: 'crm.lead.update',
    params: { id: 2, fields: { TITLE: 'Renamed & <b>bold</b> ☕' } },
  });
  assert.equal(updated.getData().result, true);
  const lead = await b24.actions.v2.call.make({ method: 'crm.lead.get', params: { id: 2 } });
  assert.equal(lead.getData().result.TITLE, 'Renamed & <b>bold</b> ☕');

  await assert.rejects(
    b24.actions.v2.call.make({ method: 'crm.lead.nothing', params: {} }),
    (err) => /ERROR_METHOD_NOT_FOUND|not found/i.test(`${err.code} ${err.message}`),
  );
});

test('@2bad/bitrix: services, paging and batch', async () => {
  const bitrix = Bitrix(sandbox.webhook_url.replace(/\/$/, ''));

  const company = await bitrix.companies.create({ TITLE: 'Acme' });
  assert.equal(company.result, 1, 'the first company after a reset is 1');
  const contact = await bitrix.contacts.create({ NAME: 'Ana', COMPANY_ID: company.result });
  const deal = await bitrix.deals.create({ TITLE: 'Big deal', CONTACT_ID: contact.result });
  assert.equal(deal.result, 1);
  // The client queues its calls at Bitrix24's two per second: 60 adds go as
  // one batch, which it splits into commands of 50.
  const adds = Object.fromEntries(
    Array.from({ length: 60 }, (_, i) => [
      `lead${i}`,
      { method: 'crm.lead.add', params: { fields: { TITLE: `2bad lead ${i}` } } },
    ]),
  );
  const added = await bitrix.batch(adds);
  assert.equal(added.result.result.lead59, 60);
  const listed = await bitrix.leads.list({ select: ['ID', 'TITLE'] });
  assert.equal(listed.result.length, 60);
  assert.equal(listed.total, 60);

  const got = await bitrix.deals.get(String(deal.result));
  assert.equal(got.result.TITLE, 'Big deal');
  assert.equal(got.result.CONTACT_ID, String(contact.result));

  const batch = await bitrix.batch({
    one: { method: 'crm.lead.get', params: { id: 1 } },
    two: { method: 'crm.lead.get', params: { id: 2 } },
  });
  assert.equal(batch.result.result.one.TITLE, '2bad lead 0');
  assert.equal(batch.result.result.two.TITLE, '2bad lead 1');
});

test('a fault armed through the sandbox API reaches the client as Bitrix24 sends it', async () => {
  const b24 = B24Hook.fromWebhookUrl(sandbox.webhook_url);
  b24.offClientSideWarning();
  await sandboxApi('faults', { method: 'crm.lead.add', error: 'ACCESS_DENIED' });
  await assert.rejects(
    b24.actions.v2.call.make({ method: 'crm.lead.add', params: { fields: { TITLE: 'no' } } }),
    (err) => /ACCESS_DENIED|Access denied/i.test(`${err.code} ${err.message}`),
  );
  const added = await b24.actions.v2.call.make({
    method: 'crm.lead.add',
    params: { fields: { TITLE: 'yes' } },
  });
  assert.equal(added.getData().result, 1, 'the fault answered once, the next call ran');
});
