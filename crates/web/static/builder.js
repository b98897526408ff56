// Portico's request builder. It lists the methods the ticked permissions allow,
// turns parameter inputs into a Bitrix24 bracket-syntax URL as you type, runs the
// request with the webhook, and writes the same call as PHP (CRest), curl,
// JavaScript (b24jssdk) and Python (b24pysdk). No inline code: the page's CSP
// allows scripts from this origin only.
(() => {
  'use strict';

  const copyText = (text) =>
    navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text)
      : new Promise((resolve) => {
          const area = document.createElement('textarea');
          area.value = text;
          area.setAttribute('readonly', '');
          area.style.position = 'absolute';
          area.style.left = '-9999px';
          document.body.appendChild(area);
          area.select();
          document.execCommand('copy');
          area.remove();
          resolve();
        });

  // Copy buttons anywhere on the page: data-copy holds the selector of the source.
  document.addEventListener('click', (event) => {
    const button = event.target.closest('button.copy');
    if (!button) return;
    const source = document.querySelector(button.dataset.copy);
    if (!source) return;
    const text = source.tagName === 'INPUT' ? source.value : source.textContent;
    copyText(text).then(() => {
      const label = button.textContent;
      button.textContent = (texts && texts.copied) || label;
      setTimeout(() => { button.textContent = label; }, 1500);
    });
  });

  const root = document.getElementById('builder');
  const texts = root ? JSON.parse(root.dataset.i18n || '{}') : null;
  if (!root) return;

  const byId = (id) => document.getElementById(id);
  const search = byId('method-search');
  const select = byId('builder-method');
  const paramsBox = byId('builder-params');
  const urlInput = byId('builder-url');
  const executeButton = byId('builder-execute');
  const base = root.dataset.base;
  const user = root.dataset.user;
  const key = root.dataset.key;
  let methods = [];
  let current = null;
  let fieldNames = [];

  const hookBase = () => `${base}/rest/${user}/${key || 'YOUR_KEY'}/`;

  const make = (tag, attrs = {}, children = []) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  };

  const checkedScopes = () =>
    [...document.querySelectorAll('#webhook-form input[name=scope]:checked')].map((i) => i.value);
  const allowed = (m, scopes) => m.scope === 'basic' || m.grantedBy.some((s) => scopes.includes(s));

  function renderList() {
    const query = search.value.trim().toLowerCase();
    const scopes = checkedScopes();
    const visible = methods.filter((m) => allowed(m, scopes) &&
      (!query || m.name.toLowerCase().includes(query) || m.description.toLowerCase().includes(query)));
    select.replaceChildren(...visible.map((m) => {
      const option = new Option(m.name, m.name, false, current && m.name === current.name);
      option.title = m.description;
      return option;
    }));
    byId('method-description').textContent = visible.length ? (current ? current.description : '') : texts.noMethods;
    if (visible.length && (!current || !visible.some((m) => m.name === current.name))) {
      choose(visible[0].name);
    }
  }

  // One row of an object (key/value) or array (value) parameter.
  function row(param, isObject) {
    const label = param.name;
    const inputs = isObject
      ? [make('input', { type: 'text', class: 'param-key', placeholder: texts.key, 'aria-label': `${label}: ${texts.key}`, list: 'builder-field-names' }),
         make('input', { type: 'text', class: 'param-value', placeholder: texts.value, 'aria-label': `${label}: ${texts.value}` })]
      : [make('input', { type: 'text', class: 'param-item', placeholder: texts.item, 'aria-label': `${label}: ${texts.item}`, list: 'builder-field-names' })];
    const remove = make('button', { type: 'button', class: 'remove-row', text: texts.remove });
    const line = make('div', { class: 'kv' }, [...inputs, remove]);
    remove.addEventListener('click', () => { line.remove(); update(); });
    return line;
  }

  function renderParams() {
    paramsBox.replaceChildren();
    for (const param of current.params) {
      const box = make('div', { class: 'param', 'data-param': param.name, 'data-kind': param.kind });
      const id = `param-${param.name}`;
      const title = make('label', { for: id }, [make('code', { text: param.name })]);
      if (param.required) title.append(` (${texts.required})`);
      box.append(title, make('div', { class: 'muted', text: param.description }));
      if (param.kind === 'object' || param.kind === 'array') {
        const isObject = param.kind === 'object';
        const rows = make('div', { class: 'rows' }, [row(param, isObject)]);
        rows.querySelector('input').id = id;
        const add = make('button', { type: 'button', class: 'add-row', 'data-param': param.name, text: `+ ${texts.addRow}` });
        add.addEventListener('click', () => { rows.append(row(param, isObject)); rows.lastElementChild.querySelector('input').focus(); update(); });
        box.append(rows, add);
      } else {
        box.append(make('input', { type: 'text', class: 'param-input', id, 'data-param': param.name }));
      }
      paramsBox.append(box);
    }
  }

  // "A[b][c]" typed as a key becomes "[A][b][c]" after the parameter's name.
  const keyPath = (typed) => {
    const at = typed.indexOf('[');
    return at < 0 ? `[${typed}]` : `[${typed.slice(0, at)}]${typed.slice(at)}`;
  };

  // The request as bracket-syntax name/value pairs, in input order.
  function pairs() {
    const out = [];
    for (const box of paramsBox.querySelectorAll('.param')) {
      const name = box.dataset.param;
      if (box.dataset.kind === 'object') {
        for (const line of box.querySelectorAll('.kv')) {
          const k = line.querySelector('.param-key').value.trim();
          if (k) out.push([name + keyPath(k), line.querySelector('.param-value').value]);
        }
      } else if (box.dataset.kind === 'array') {
        for (const item of box.querySelectorAll('.param-item')) {
          if (item.value.trim()) out.push([`${name}[]`, item.value.trim()]);
        }
      } else {
        const value = box.querySelector('.param-input').value;
        if (value !== '') out.push([name, value]);
      }
    }
    return out;
  }

  const encode = (s) => encodeURIComponent(s).replace(/%5B/gi, '[').replace(/%5D/gi, ']');

  // The pairs as nested objects and arrays (what the server decodes them into).
  function toObject(list) {
    const root = {};
    for (const [name, value] of list) {
      const parts = name.replace(/\]/g, '').split('[');
      let node = root;
      parts.forEach((part, i) => {
        const last = i === parts.length - 1;
        if (part === '') {
          if (last) node.push(value); else { const child = {}; node.push(child); node = child; }
          return;
        }
        if (last) { node[part] = value; return; }
        if (node[part] === undefined || typeof node[part] !== 'object') {
          node[part] = parts[i + 1] === '' ? [] : {};
        }
        node = node[part];
      });
    }
    return root;
  }

  const phpString = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  function php(value, indent) {
    const pad = '    '.repeat(indent + 1);
    const end = '    '.repeat(indent);
    if (Array.isArray(value)) {
      return value.length ? `[\n${value.map((v) => `${pad}${php(v, indent + 1)},`).join('\n')}\n${end}]` : '[]';
    }
    if (value && typeof value === 'object') {
      const entries = Object.entries(value);
      return entries.length
        ? `[\n${entries.map(([k, v]) => `${pad}${phpString(k)} => ${php(v, indent + 1)},`).join('\n')}\n${end}]`
        : '[]';
    }
    return phpString(value);
  }

  const phpExample = (method, params) => `<?php
// ${method} through CRest (https://github.com/bitrix24/crest).
// Put crest.php next to this file and set the webhook in settings.php:
//   define('C_REST_WEB_HOOK_URL', '${hookBase()}');
require_once __DIR__ . '/crest.php';

$result = CRest::call(
    ${phpString(method)},
    ${php(params, 1)}
);

echo '<pre>';
print_r($result);
echo '</pre>';
`;

  const shellQuote = (s) => `'${s.replace(/'/g, "'\\''")}'`;

  function update() {
    if (!current) return;
    const list = pairs();
    const query = list.map(([n, v]) => `${encode(n)}=${encode(v)}`).join('&');
    urlInput.value = `${hookBase()}${current.name}.json${query ? `?${query}` : ''}`;
    const params = toObject(list);
    const json = JSON.stringify(params, null, 2);
    const host = base.replace(/^https?:\/\//, '');
    byId('code-curl').textContent =
      `curl -X POST ${shellQuote(`${hookBase()}${current.name}.json`)} \\\n` +
      `  -H 'Content-Type: application/json' \\\n  -d ${shellQuote(JSON.stringify(params))}`;
    byId('code-js').textContent =
      `import { B24Hook } from '@bitrix24/b24jssdk';\n\n` +
      `const $b24 = B24Hook.fromWebhookUrl('${hookBase()}');\n` +
      `const response = await $b24.callMethod('${current.name}', ${json});\n` +
      `console.log(response.getData().result);\n`;
    byId('code-python').textContent =
      `from b24pysdk import BitrixWebhook\n\n` +
      `webhook = BitrixWebhook(domain=${JSON.stringify(host)}, webhook_token=${JSON.stringify(`${user}/${key || 'YOUR_KEY'}`)})\n` +
      `response = webhook.call_method(${JSON.stringify(current.name)}, ${json})\n` +
      `print(response["result"])\n`;
  }

  // Field names of the method's entity (crm.lead.add → crm.lead.fields) as suggestions.
  function loadFieldNames(method) {
    const list = byId('builder-field-names') || root.appendChild(make('datalist', { id: 'builder-field-names' }));
    list.replaceChildren();
    const prefix = method.split('.').slice(0, -1).join('.');
    const fieldsMethod = `${prefix}.fields`;
    if (!key || !methods.some((m) => m.name === fieldsMethod) || fieldsMethod === method) return;
    fetch(`${hookBase()}${fieldsMethod}.json`, { credentials: 'omit', cache: 'no-store' })
      .then((r) => (r.ok ? r.json() : null))
      .then((body) => {
        if (!body || !body.result || current.name !== method) return;
        fieldNames = Object.keys(body.result);
        list.replaceChildren(...fieldNames.map((name) => make('option', { value: name })));
      })
      .catch(() => {});
  }

  function choose(name) {
    const found = methods.find((m) => m.name === name);
    if (!found) return;
    current = found;
    select.value = name;
    byId('method-name').textContent = found.name;
    byId('method-description').textContent = found.description;
    renderParams();
    loadFieldNames(name);
    update();
  }

  async function execute() {
    const box = byId('response');
    const status = byId('response-status');
    const time = byId('response-time');
    const body = byId('response-body');
    box.hidden = false;
    status.textContent = '…';
    time.textContent = '';
    body.textContent = '';
    try {
      const response = await fetch(urlInput.value, { credentials: 'omit', cache: 'no-store' });
      const text = await response.text();
      status.textContent = `${response.status} ${response.statusText}`;
      status.className = response.ok ? 'status-ok' : 'status-error';
      try {
        const parsed = JSON.parse(text);
        if (parsed.time) {
          time.textContent = `${parsed.time.duration} s (${parsed.time.processing} s), ${parsed.time.date_start}`;
        }
        body.textContent = JSON.stringify(parsed, null, 2);
      } catch (_) {
        body.textContent = text;
      }
    } catch (error) {
      status.textContent = texts.failed;
      status.className = 'status-error';
      body.textContent = String(error);
    }
  }

  function downloadPhp() {
    if (!current) return;
    const blob = new Blob([phpExample(current.name, toObject(pairs()))], { type: 'application/x-php' });
    const link = make('a', { href: URL.createObjectURL(blob), download: `${current.name}.php` });
    document.body.append(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  search.addEventListener('input', renderList);
  select.addEventListener('change', () => choose(select.value));
  paramsBox.addEventListener('input', update);
  document.querySelectorAll('#webhook-form input[name=scope]').forEach((box) => box.addEventListener('change', renderList));
  executeButton.addEventListener('click', execute);
  byId('download-php').addEventListener('click', downloadPhp);

  fetch('/developer/methods.json', { credentials: 'same-origin', cache: 'no-store' })
    .then((r) => r.json())
    .then((list) => {
      methods = list;
      const wanted = methods.find((m) => m.name === root.dataset.method);
      if (wanted) choose(wanted.name);
      renderList();
      root.dataset.ready = 'true';
    });
})();
