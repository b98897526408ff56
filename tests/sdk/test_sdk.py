"""Third-party Bitrix24 client libraries, used unchanged, against a running Portico.

Run through tests/sdk/run.sh, which starts Portico (HTTPS with its generated CA),
creates a webhook and sets:

  PORTICO_WEBHOOK      https://127.0.0.1:PORT/rest/1/<secret>/
  SSL_CERT_FILE        Portico's CA (aiohttp / ssl default context)
  REQUESTS_CA_BUNDLE   Portico's CA (requests)

Libraries:
  fast_bitrix24  – popular community client (aiohttp, webhook URL, batches internally)
  b24pysdk       – the official Python SDK (requests, https only)

Each library works on its own leads (title prefixes "fbx" and "pysdk"), so the
two test classes do not see each other's rows.
"""

import asyncio
import os
import re
from urllib.parse import urlsplit

import pytest

WEBHOOK = os.environ.get("PORTICO_WEBHOOK", "")
N = 120  # more than two pages of 50

# Text that must round-trip exactly through every encoding the libraries use.
TRICKY = "A&B=C%D+E [x] #1? a/b \"q\" 'k' <b>Привет</b> 🚀"

pytestmark = [
    pytest.mark.skipif(not WEBHOOK, reason="PORTICO_WEBHOOK is not set (use tests/sdk/run.sh)"),
    # fast_bitrix24 reports pagination mismatches (rows vs `total`) as RuntimeWarning.
    pytest.mark.filterwarnings("error::RuntimeWarning"),
]


def lead_fields(prefix, i):
    return {
        "TITLE": f"{prefix} lead {i:03d}",
        "NAME": f"Name{i}",
        "STATUS_ID": "NEW",
        "OPPORTUNITY": i * 10,
        "CURRENCY_ID": "USD",
        "PHONE": [{"VALUE": f"+1555{i:07d}", "VALUE_TYPE": "WORK"}],
    }


def check_lead(lead, prefix, i, lead_id):
    assert lead["ID"] == str(lead_id)
    assert lead["TITLE"] == f"{prefix} lead {i:03d}"
    assert lead["NAME"] == f"Name{i}"
    assert lead["STATUS_ID"] == "NEW"
    assert lead["OPPORTUNITY"] == f"{i * 10}.00"
    assert lead["CURRENCY_ID"] == "USD"
    phones = lead["PHONE"]
    assert len(phones) == 1, phones
    assert phones[0]["VALUE"] == f"+1555{i:07d}"
    assert phones[0]["VALUE_TYPE"] == "WORK"
    assert phones[0]["TYPE_ID"] == "PHONE"
    assert re.fullmatch(r"[1-9][0-9]*", phones[0]["ID"]), phones[0]


# ---------------------------------------------------------------------------
# fast_bitrix24
# ---------------------------------------------------------------------------


class TestFastBitrix24:
    """fast_bitrix24: call() (auto-batched), get_all(), get_by_ID(), call_batch()."""

    prefix = "fbx"
    ids = {}  # i -> lead id, shared by the tests of this class (run in order)

    @pytest.fixture
    def b(self):
        from fast_bitrix24 import Bitrix

        # A fresh event loop per test, so the sync wrapper never meets a closed loop.
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        # requests_per_second only speeds up the client-side leaky bucket once its
        # 50-request pool is used up; Portico does not rate-limit.
        client = Bitrix(WEBHOOK, verbose=False, requests_per_second=50.0)
        yield client
        loop.close()
        asyncio.set_event_loop(None)

    def test_01_add_many(self, b):
        items = [{"fields": lead_fields(self.prefix, i)} for i in range(N)]
        # call() packs the 120 adds into batches of 50 commands (GET-style query strings).
        result = b.call("crm.lead.add", items)
        assert isinstance(result, tuple)
        assert len(result) == N
        assert all(isinstance(x, int) and x > 0 for x in result), result
        assert len(set(result)) == N
        # Batches may complete in any order, so map ids to leads through get_all below.
        leads = b.get_all("crm.lead.list", {"filter": {"%TITLE": f"{self.prefix} lead"}, "select": ["ID", "TITLE"]})
        assert sorted(int(x["ID"]) for x in leads) == sorted(result)
        for x in leads:
            i = int(x["TITLE"].rsplit(" ", 1)[1])
            type(self).ids[i] = int(x["ID"])
        assert sorted(self.ids) == list(range(N))

    def test_02_get(self, b):
        i = 7
        # Two ids in one get_by_ID() → {id: lead} (library quirk: one id alone returns the bare lead).
        got = b.get_by_ID("crm.lead.get", [self.ids[i], self.ids[i + 1]])
        assert isinstance(got, dict)
        assert sorted(int(k) for k in got) == sorted([self.ids[i], self.ids[i + 1]])
        check_lead(got[str(self.ids[i])], self.prefix, i, self.ids[i])
        check_lead(got[str(self.ids[i + 1])], self.prefix, i + 1, self.ids[i + 1])
        # Single, non-batched call: raw=True returns the whole envelope.
        raw = b.call("crm.lead.get", {"ID": self.ids[i]}, raw=True)
        check_lead(raw["result"], self.prefix, i, self.ids[i])
        for key in ("start", "finish", "duration", "processing", "date_start", "date_finish"):
            assert key in raw["time"], raw["time"]

    def test_03_update(self, b):
        i = 3
        lead_id = self.ids[i]
        before = b.call("crm.lead.get", {"ID": lead_id}, raw=True)["result"]
        phone_id = before["PHONE"][0]["ID"]
        ok = b.call(
            "crm.lead.update",
            {
                "ID": lead_id,
                "fields": {
                    "NAME": TRICKY,
                    "OPPORTUNITY": 1234.5,
                    # existing entry changed by ID, a new one appended
                    "PHONE": [
                        {"ID": phone_id, "VALUE": "+15550000999", "VALUE_TYPE": "MOBILE"},
                        {"VALUE": "+15550000888", "VALUE_TYPE": "HOME"},
                    ],
                },
            },
        )
        assert ok is True
        after = b.call("crm.lead.get", {"ID": lead_id}, raw=True)["result"]
        assert after["NAME"] == TRICKY
        assert after["TITLE"] == f"{self.prefix} lead {i:03d}"
        assert after["OPPORTUNITY"] == "1234.50"
        phones = sorted((p["VALUE"], p["VALUE_TYPE"]) for p in after["PHONE"])
        assert phones == [("+15550000888", "HOME"), ("+15550000999", "MOBILE")]
        assert phone_id in [p["ID"] for p in after["PHONE"]]

    def test_04_get_all_pagination(self, b):
        # get_all: first page by a plain call, the rest as batched crm.lead.list?start=…
        leads = b.get_all(
            "crm.lead.list",
            {"filter": {"%TITLE": f"{self.prefix} lead", "STATUS_ID": "NEW"}, "select": ["ID", "TITLE", "OPPORTUNITY"]},
        )
        assert len(leads) == N
        assert sorted(int(x["ID"]) for x in leads) == sorted(self.ids.values())
        by_id = {int(x["ID"]): x for x in leads}
        for i, lead_id in self.ids.items():
            assert by_id[lead_id]["TITLE"] == f"{self.prefix} lead {i:03d}"
            expected = "1234.50" if i == 3 else f"{i * 10}.00"
            assert by_id[lead_id]["OPPORTUNITY"] == expected

    def test_05_filters(self, b):
        # >OPPORTUNITY: i*10 > 595 → i = 60..119 (60 rows, still paginated), plus lead 3 (1234.50)
        leads = b.get_all(
            "crm.lead.list",
            {"filter": {">OPPORTUNITY": 595, "%TITLE": f"{self.prefix} lead"}, "select": ["ID"]},
        )
        expected = sorted([self.ids[i] for i in range(60, N)] + [self.ids[3]])
        assert sorted(int(x["ID"]) for x in leads) == expected
        # %TITLE LIKE: "fbx lead 10" → 100..109
        leads = b.get_all("crm.lead.list", {"filter": {"%TITLE": f"{self.prefix} lead 10"}, "select": ["ID", "TITLE"]})
        assert sorted(x["TITLE"] for x in leads) == [f"{self.prefix} lead {i}" for i in range(100, 110)]
        # combined with <= and a select of a multi-field
        leads = b.get_all(
            "crm.lead.list",
            {"filter": {"<=OPPORTUNITY": 20, "%TITLE": f"{self.prefix} lead"}, "select": ["ID", "PHONE"]},
        )
        assert sorted(int(x["ID"]) for x in leads) == sorted(self.ids[i] for i in range(3))
        for x in leads:
            i = next(k for k, v in self.ids.items() if v == int(x["ID"]))
            assert [p["VALUE"] for p in x["PHONE"]] == [f"+1555{i:07d}"]

    def test_06_batch(self, b):
        result = b.call_batch(
            {
                "halt": 0,
                "cmd": {
                    "get": f"crm.lead.get?ID={self.ids[10]}",
                    "list": f"crm.lead.list?filter[%25TITLE]={self.prefix}%20lead%2011&select[]=ID&select[]=TITLE",
                    "add": "crm.lead.add?fields[TITLE]=fbx%20batch%20%26%20more&fields[OPPORTUNITY]=5",
                    "again": "crm.lead.get?ID=$result[add]",
                },
            }
        )
        assert set(result) == {"get", "list", "add", "again"}
        check_lead(result["get"], self.prefix, 10, self.ids[10])
        assert sorted(x["TITLE"] for x in result["list"]) == [f"{self.prefix} lead {i}" for i in range(110, 120)]
        assert isinstance(result["add"], int)
        assert result["again"]["ID"] == str(result["add"])
        assert result["again"]["TITLE"] == "fbx batch & more"
        assert result["again"]["OPPORTUNITY"] == "5.00"
        type(self).batch_added = result["add"]

    def test_07_delete_and_not_found(self, b):
        from aiohttp import ClientResponseError
        from fast_bitrix24.server_response import ErrorInServerResponseException

        gone = self.ids[5]
        assert b.call("crm.lead.delete", {"ID": gone}) is True
        assert b.call("crm.lead.delete", {"ID": self.batch_added}) is True
        # batched get → the library raises on result_error
        with pytest.raises(ErrorInServerResponseException) as err:
            b.get_by_ID("crm.lead.get", [gone])
        errors = err.value.args[0]
        assert list(errors) == [str(gone)]
        assert errors[str(gone)] == {"error": "", "error_description": "Not found"}
        # plain call → HTTP 400 from the server (Bitrix24 legacy CRM "Not found")
        with pytest.raises(ClientResponseError) as err:
            b.call("crm.lead.get", {"ID": gone}, raw=True)
        assert err.value.status == 400
        # the list no longer has it
        leads = b.get_all("crm.lead.list", {"filter": {"%TITLE": f"{self.prefix} lead"}, "select": ["ID"]})
        assert len(leads) == N - 1
        assert gone not in {int(x["ID"]) for x in leads}


# ---------------------------------------------------------------------------
# b24pysdk (official)
# ---------------------------------------------------------------------------


class TestB24PySDK:
    """b24pysdk: typed wrappers, .as_list() / .as_list_fast(), call_batch(), errors."""

    prefix = "pysdk"
    ids = {}

    @pytest.fixture
    def client(self):
        from b24pysdk import BitrixWebhook, Client

        url = urlsplit(WEBHOOK)
        assert url.scheme == "https", "b24pysdk speaks https only"
        token = url.path.strip("/").split("/", 1)[1]  # "1/<secret>"
        return Client(BitrixWebhook(domain=url.netloc, webhook_token=token))

    def test_01_add_many(self, client):
        # One wrapper request per lead, executed through call_batches() (50 per batch).
        requests = [client.crm.lead.add(fields=lead_fields(self.prefix, i)) for i in range(N)]
        result = client.call_batches(requests).result
        assert not result.result_error
        # More than one batch: sections merged into {"0": …, "119": …} (the keys of
        # the second batch are "50".."99", which the server must keep as keys).
        assert isinstance(result.result, dict)
        assert sorted(result.result, key=int) == [str(k) for k in range(N)]
        ids = [result.result[str(k)] for k in range(N)]
        assert len(ids) == N
        assert all(isinstance(x, int) and x > 0 for x in ids)
        assert ids == sorted(ids) and len(set(ids)) == N
        type(self).ids = dict(enumerate(ids))
        # and a single, non-batched add
        single = client.crm.lead.add(fields=lead_fields(self.prefix, N)).result
        assert isinstance(single, int) and single > ids[-1]
        type(self).single = single

    def test_02_get(self, client):
        i = 7
        request = client.crm.lead.get(bitrix_id=self.ids[i])
        check_lead(request.result, self.prefix, i, self.ids[i])
        assert request.time.duration >= 0
        check_lead(client.crm.lead.get(bitrix_id=self.single).result, self.prefix, N, self.single)

    def test_03_update(self, client):
        i = 4
        lead_id = self.ids[i]
        phone_id = client.crm.lead.get(bitrix_id=lead_id).result["PHONE"][0]["ID"]
        ok = client.crm.lead.update(
            bitrix_id=lead_id,
            fields={
                "NAME": TRICKY,
                "OPPORTUNITY": 99.99,
                "PHONE": [{"ID": phone_id, "VALUE": ""}, {"VALUE": "+15550000777", "VALUE_TYPE": "FAX"}],
            },
        ).result
        assert ok is True
        after = client.crm.lead.get(bitrix_id=lead_id).result
        assert after["NAME"] == TRICKY
        assert after["OPPORTUNITY"] == "99.99"
        assert [(p["VALUE"], p["VALUE_TYPE"]) for p in after["PHONE"]] == [("+15550000777", "FAX")]
        assert after["PHONE"][0]["ID"] != phone_id

    def test_04_as_list(self, client):
        flt = {"%TITLE": f"{self.prefix} lead"}
        first = client.crm.lead.list(select=["ID"], filter=flt, order={"ID": "ASC"})
        assert len(first.result) == 50
        assert first.response.total == N + 1
        assert first.response.next == 50
        request = client.crm.lead.list(select=["ID", "TITLE"], filter=flt, order={"ID": "ASC"}).as_list()
        leads = request.result
        assert [int(x["ID"]) for x in leads] == [*self.ids.values(), self.single]
        assert leads[0]["TITLE"] == f"{self.prefix} lead 000"
        assert leads[-1]["TITLE"] == f"{self.prefix} lead {N:03d}"

    def test_05_as_list_fast(self, client):
        # ID cursor pagination: start=-1, order ID, filter >ID
        request = client.crm.lead.list(select=["ID"], filter={"%TITLE": f"{self.prefix} lead"}).as_list_fast()
        ids = [int(x["ID"]) for x in request.result]
        assert ids == [*self.ids.values(), self.single]
        desc = client.crm.lead.list(select=["ID"], filter={"%TITLE": f"{self.prefix} lead"}).as_list_fast(descending=True)
        assert [int(x["ID"]) for x in desc.result] == ids[::-1]

    def test_06_filters(self, client):
        leads = client.crm.lead.list(
            select=["ID", "OPPORTUNITY"],
            filter={">OPPORTUNITY": 1000, "%TITLE": f"{self.prefix} lead"},
            order={"ID": "ASC"},
        ).as_list().result
        # i*10 > 1000 → 101..120 (lead 4 now has 99.99)
        assert [int(x["ID"]) for x in leads] == [self.ids[i] for i in range(101, N)] + [self.single]
        assert [x["OPPORTUNITY"] for x in leads] == [f"{i * 10}.00" for i in range(101, N + 1)]
        like = client.crm.lead.list(select=["TITLE"], filter={"%TITLE": f"{self.prefix} lead 05"}).as_list().result
        assert sorted(x["TITLE"] for x in like) == [f"{self.prefix} lead 05{d}" for d in range(10)]
        ins = client.crm.lead.list(
            select=["ID"], filter={"@ID": [self.ids[1], self.ids[2], 999999999]}, order={"ID": "DESC"}
        ).result
        assert [int(x["ID"]) for x in ins] == [self.ids[2], self.ids[1]]

    def test_07_batch(self, client):
        batch = client.call_batch(
            {
                "one": client.crm.lead.get(bitrix_id=self.ids[11]),
                "two": client.crm.lead.get(bitrix_id=self.ids[12]),
                "page": client.crm.lead.list(select=["ID"], filter={"%TITLE": f"{self.prefix} lead"}, start=100),
                "bad": client.crm.lead.get(bitrix_id=999999999),
            }
        )
        result = batch.result
        check_lead(result.result["one"], self.prefix, 11, self.ids[11])
        check_lead(result.result["two"], self.prefix, 12, self.ids[12])
        assert len(result.result["page"]) == 21
        assert result.result_total["page"] == N + 1
        assert "page" not in (result.result_next or {})
        assert result.result_error["bad"]["error_description"] == "Not found"
        assert set(result.result_time) >= {"one", "two", "page"}
        # a list of requests comes back in order
        seq = client.call_batch([client.crm.lead.get(bitrix_id=self.ids[k]) for k in (20, 21, 22)]).result
        assert [int(x["ID"]) for x in seq.result] == [self.ids[20], self.ids[21], self.ids[22]]

    def test_08_delete_and_not_found(self, client):
        from b24pysdk.errors import BitrixAPIBadRequest, BitrixAPIError

        gone = self.ids[6]
        assert client.crm.lead.delete(bitrix_id=gone).result is True
        with pytest.raises(BitrixAPIError) as err:
            client.crm.lead.get(bitrix_id=gone).result
        assert isinstance(err.value, BitrixAPIBadRequest), type(err.value)
        assert err.value.status_code == 400
        assert err.value.error == ""
        assert err.value.error_description == "Not found"
        with pytest.raises(BitrixAPIError):
            client.crm.lead.delete(bitrix_id=gone).result
        leads = client.crm.lead.list(select=["ID"], filter={"%TITLE": f"{self.prefix} lead"}).as_list().result
        assert len(leads) == N
        assert gone not in {int(x["ID"]) for x in leads}

    def test_09_user_current(self, client):
        user = client.user.current().result
        assert user["ID"] == "1"
        assert client.profile().result["ID"] == "1"
        server_time = client.server.time().result
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", server_time), server_time


# ---------------------------------------------------------------------------
# A deal user field (b24pysdk)
# ---------------------------------------------------------------------------


class TestUserFieldB24PySDK:
    """b24pysdk: a deal user field created with crm.deal.userfield.add, written and
    read on deals, filtered and sorted on, and listed by crm.deal.fields."""

    prefix = "sdk uf"

    @pytest.fixture
    def client(self):
        from b24pysdk import BitrixWebhook, Client

        url = urlsplit(WEBHOOK)
        token = url.path.strip("/").split("/", 1)[1]  # "1/<secret>"
        return Client(BitrixWebhook(domain=url.netloc, webhook_token=token))

    def test_01_user_field_on_deals(self, client):
        field_id = client.crm.deal.userfield.add(
            fields={"FIELD_NAME": "SDK_SCORE", "USER_TYPE_ID": "integer", "LABEL": "Score"}
        ).result
        assert isinstance(field_id, int) and field_id > 0
        field = client.crm.deal.userfield.get(bitrix_id=field_id).result
        assert field["FIELD_NAME"] == "UF_CRM_SDK_SCORE"
        assert field["EDIT_FORM_LABEL"]["en"] == "Score"
        listed = client.crm.deal.userfield.list(filter={"USER_TYPE_ID": "integer"}).result
        assert str(field_id) in [f["ID"] for f in listed]
        described = client.crm.deal.fields().result["UF_CRM_SDK_SCORE"]
        assert described["isDynamic"] is True and described["type"] == "integer"

        requests = [
            client.crm.deal.add(fields={"TITLE": f"{self.prefix} {i}", "UF_CRM_SDK_SCORE": i * 10})
            for i in range(3)
        ]
        ids = [requests[i].result for i in range(3)]
        assert client.crm.deal.get(bitrix_id=ids[2]).result["UF_CRM_SDK_SCORE"] == "20"
        assert client.crm.deal.update(bitrix_id=ids[0], fields={"UF_CRM_SDK_SCORE": 99}).result is True
        assert client.crm.deal.get(bitrix_id=ids[0]).result["UF_CRM_SDK_SCORE"] == "99"

        rows = client.crm.deal.list(
            select=["ID", "UF_CRM_SDK_SCORE"],
            filter={">UF_CRM_SDK_SCORE": 15, "%TITLE": self.prefix},
            order={"UF_CRM_SDK_SCORE": "DESC"},
        ).as_list().result
        assert [(int(r["ID"]), r["UF_CRM_SDK_SCORE"]) for r in rows] == [(ids[0], "99"), (ids[2], "20")]
        # Without select: * + UF_* (the user field comes with the standard fields).
        rows = client.crm.deal.list(filter={"UF_CRM_SDK_SCORE": 10}).result
        assert [(int(r["ID"]), r["TITLE"], r["UF_CRM_SDK_SCORE"]) for r in rows] == [
            (ids[1], f"{self.prefix} 1", "10")
        ]

        assert client.crm.deal.userfield.delete(bitrix_id=field_id).result is True
        assert "UF_CRM_SDK_SCORE" not in client.crm.deal.get(bitrix_id=ids[0]).result


# ---------------------------------------------------------------------------
# Deals, contacts and companies (fast_bitrix24)
# ---------------------------------------------------------------------------


def single(b, method, params):
    """One plain (not batched) call through fast_bitrix24's raw mode; its `result`."""
    answer = b.call(method, params, raw=True)
    return answer["result"] if isinstance(answer, dict) and "result" in answer else answer


class TestFastBitrix24CrmEntities:
    """fast_bitrix24 on companies, contacts and deals and the links between them:
    add (auto-batched), get_by_ID, get_all with filters, update, link methods, delete."""

    prefix = "fbx crm"

    @pytest.fixture
    def b(self):
        from fast_bitrix24 import Bitrix

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        client = Bitrix(WEBHOOK, verbose=False, requests_per_second=50.0)
        yield client
        loop.close()
        asyncio.set_event_loop(None)

    def test_01_companies_contacts_deals(self, b):
        companies = b.call(
            "crm.company.add",
            [{"fields": {"TITLE": f"{self.prefix} company {i}", "INDUSTRY": "IT", "REVENUE": 1000 * i}} for i in range(3)],
        )
        assert len(companies) == 3 and all(isinstance(c, int) for c in companies)
        company = b.get_by_ID("crm.company.get", [companies[1]])
        company = company.get(str(companies[1]), company) if isinstance(company, dict) and "ID" not in company else company
        assert company["TITLE"] == f"{self.prefix} company 1"
        assert company["REVENUE"] == "1000.00" and company["INDUSTRY"] == "IT"

        contact = b.call(
            "crm.contact.add",
            {"fields": {"NAME": "Ana", "LAST_NAME": TRICKY, "COMPANY_IDS": [companies[0], companies[2]],
                        "EMAIL": [{"VALUE": "ana@example.com", "VALUE_TYPE": "WORK"}]}},
        )
        assert isinstance(contact, int)
        got = single(b, "crm.contact.get", {"id": contact})
        assert got["LAST_NAME"] == TRICKY
        assert got["COMPANY_IDS"] == [str(companies[0]), str(companies[2])]
        assert got["EMAIL"][0]["VALUE"] == "ana@example.com"

        deals = b.call(
            "crm.deal.add",
            [{"fields": {"TITLE": f"{self.prefix} deal {i}", "COMPANY_ID": companies[i % 3], "OPPORTUNITY": 100 * (i + 1),
                         "CONTACT_IDS": [contact]}} for i in range(60)],
        )
        assert len(deals) == 60
        mine = b.get_all("crm.deal.list", {"filter": {"COMPANY_ID": companies[1], "%TITLE": self.prefix},
                                           "select": ["ID", "TITLE", "COMPANY_ID", "STAGE_ID", "OPPORTUNITY"]})
        assert len(mine) == 20
        assert all(d["COMPANY_ID"] == str(companies[1]) and d["STAGE_ID"] == "NEW" for d in mine)
        big = b.get_all("crm.deal.list", {"filter": {">=OPPORTUNITY": 5500, "%TITLE": self.prefix}, "select": ["ID"]})
        assert len(big) == 6

        one = int(mine[0]["ID"])
        assert single(b, "crm.deal.update", {"id": one, "fields": {"STAGE_ID": "WON"}}) is True
        won = single(b, "crm.deal.get", {"id": one})
        assert won["STAGE_ID"] == "WON" and won["STAGE_SEMANTIC_ID"] == "S" and won["CLOSED"] == "Y"
        items = single(b, "crm.deal.contact.items.get", {"id": one})
        assert [(i["CONTACT_ID"], i["IS_PRIMARY"]) for i in items] == [(contact, "Y")]

        # Deleting the contact removes its links; deleting a company answers true.
        assert single(b, "crm.contact.delete", {"id": contact}) is True
        assert single(b, "crm.deal.contact.items.get", {"id": one}) == []
        assert single(b, "crm.company.delete", {"id": companies[2]}) is True


# ---------------------------------------------------------------------------
# Tasks (fast_bitrix24)
# ---------------------------------------------------------------------------


class TestFastBitrix24Tasks:
    """fast_bitrix24 on tasks.task.*: 1,000 tasks added through call() (packed into
    batches of 50), then get_all('tasks.task.list') pages through them (first page by
    a plain call, the rest as batched `start` commands) and sees each exactly once."""

    prefix = "fbx task"
    count = 1000

    @pytest.fixture
    def b(self):
        from fast_bitrix24 import Bitrix

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        client = Bitrix(WEBHOOK, verbose=False, requests_per_second=50.0)
        yield client
        loop.close()
        asyncio.set_event_loop(None)

    def test_01_get_all_returns_each_task_once(self, b):
        added = b.call(
            "tasks.task.add",
            [{"fields": {"TITLE": f"{self.prefix} {i:04d}", "RESPONSIBLE_ID": 1, "PRIORITY": i % 3}}
             for i in range(self.count)],
        )
        assert len(added) == self.count
        # Each answer is {"task": {…}}; the library passes it on as it is.
        added_ids = {int(x["task"]["id"]) if "task" in x else int(x["id"]) for x in added}
        assert len(added_ids) == self.count

        tasks = b.get_all(
            "tasks.task.list",
            {"filter": {"%TITLE": self.prefix}, "select": ["ID", "TITLE", "PRIORITY"]},
        )
        ids = [int(t["id"]) for t in tasks]
        assert len(ids) == self.count, f"{len(ids)} rows, {len(set(ids))} distinct"
        assert len(set(ids)) == self.count
        assert set(ids) == added_ids
        by_title = {t["title"]: t for t in tasks}
        assert sorted(by_title) == [f"{self.prefix} {i:04d}" for i in range(self.count)]
        assert by_title[f"{self.prefix} 0005"]["priority"] == "2"

        # A narrower filter pages the same way: PRIORITY 1 is every third task.
        medium = b.get_all(
            "tasks.task.list", {"filter": {"%TITLE": self.prefix, "PRIORITY": 1}, "select": ["ID"]}
        )
        medium_ids = [int(t["id"]) for t in medium]
        assert len(medium_ids) == len(set(medium_ids)) == len(range(1, self.count, 3))


# ---------------------------------------------------------------------------
# A deal pipeline round trip (b24pysdk)
# ---------------------------------------------------------------------------


class TestPipelineB24PySDK:
    """b24pysdk: a deal pipeline created with crm.category.add, its stages from
    crm.status.list (DEAL_STAGE_{n}), a deal in it moved through two stages with
    crm.deal.update, and the moves read back with crm.stagehistory.list."""

    @pytest.fixture
    def client(self):
        from b24pysdk import BitrixWebhook, Client

        url = urlsplit(WEBHOOK)
        token = url.path.strip("/").split("/", 1)[1]  # "1/<secret>"
        return Client(BitrixWebhook(domain=url.netloc, webhook_token=token))

    def test_01_pipeline_round_trip(self, client):
        category = client.crm.category.add(fields={"name": "SDK pipeline", "sort": 300}, entity_type_id=2).result
        category = category["category"]
        n = int(category["id"])
        assert n > 0 and category["name"] == "SDK pipeline"
        listed = client.crm.category.list(entity_type_id=2).result["categories"]
        assert n in [int(c["id"]) for c in listed]

        stages = client.crm.status.list(filter={"ENTITY_ID": f"DEAL_STAGE_{n}"}, order={"SORT": "ASC"}).result
        stage_ids = [s["STATUS_ID"] for s in stages]
        assert stage_ids[0] == f"C{n}:NEW", stage_ids
        assert all(s.startswith(f"C{n}:") for s in stage_ids), stage_ids
        assert {f"C{n}:WON", f"C{n}:LOSE"} <= set(stage_ids)

        deal = client.crm.deal.add(fields={"TITLE": "sdk pipeline deal", "CATEGORY_ID": n}).result
        assert isinstance(deal, int) and deal > 0
        got = client.crm.deal.get(bitrix_id=deal).result
        assert got["CATEGORY_ID"] == str(n) and got["STAGE_ID"] == f"C{n}:NEW"

        second, won = stage_ids[1], f"C{n}:WON"
        assert client.crm.deal.update(bitrix_id=deal, fields={"STAGE_ID": second}).result is True
        assert client.crm.deal.update(bitrix_id=deal, fields={"STAGE_ID": won}).result is True
        got = client.crm.deal.get(bitrix_id=deal).result
        assert got["STAGE_ID"] == won and got["CLOSED"] == "Y"

        history = client.crm.stagehistory.list(
            entity_type_id=2, filter={"OWNER_ID": deal}, order={"ID": "ASC"}
        ).result["items"]
        assert [(h["OWNER_ID"], h["CATEGORY_ID"], h["STAGE_ID"], h["TYPE_ID"]) for h in history] == [
            (deal, n, f"C{n}:NEW", 1),
            (deal, n, second, 2),
            (deal, n, won, 3),
        ]
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", h["CREATED_TIME"]) for h in history)

        # A stage of another pipeline is ignored, as Bitrix24 does: the deal stays put.
        assert client.crm.deal.update(bitrix_id=deal, fields={"STAGE_ID": "NEW"}).result is True
        assert client.crm.deal.get(bitrix_id=deal).result["STAGE_ID"] == won
