"""Python Bitrix24 clients, used unchanged, against one Portico sandbox, reset
to its seeded state before each test (the `sandbox` fixture of conftest.py):

- fast_bitrix24 and b24pysdk scenarios that rely on the ids a reset gives back;
- fast_bitrix24 meeting an injected QUERY_LIMIT_EXCEEDED and finishing its job
  through its own retry;
- an OAuth client refreshing its token after the test clock moved an hour;
- a handler whose deliveries are set to `fail` getting the retries on the
  schedule, read from the captured deliveries.
"""

import asyncio
from urllib.parse import parse_qs, urlsplit

import requests

from conftest import sandbox_api

N = 120


def fast_client(info, **kwargs):
    from fast_bitrix24 import Bitrix

    asyncio.set_event_loop(asyncio.new_event_loop())
    return Bitrix(info["webhook_url"], verbose=False, **kwargs)


def oauth_tokens(info):
    """Tokens for the sandbox's application: a sandbox authorization code,
    exchanged at the real token endpoint."""
    code = sandbox_api(info, "oauth/code", {"client_id": info["client_id"]})["code"]
    r = requests.post(
        info["oauth_token_url"],
        data={
            "grant_type": "authorization_code",
            "client_id": info["client_id"],
            "client_secret": info["client_secret"],
            "code": code,
        },
    )
    assert r.status_code == 200, r.text
    return r.json()


class TestFastBitrix24:
    def test_batched_adds_get_the_seeded_ids_and_page_back(self, sandbox):
        b = fast_client(sandbox)
        ids = b.call("crm.lead.add", [{"fields": {"TITLE": f"fbx {i}"}} for i in range(N)])
        assert sorted(int(x) for x in ids) == list(range(1, N + 1)), "ids start at 1 after a reset"
        leads = b.get_all("crm.lead.list", {"select": ["ID", "TITLE"]})
        titles = {lead["ID"]: lead["TITLE"] for lead in leads}
        assert sorted(titles.values()) == sorted(f"fbx {i}" for i in range(N))
        by_id = b.get_by_ID("crm.lead.get", [5, 77])
        assert {str(k): v["TITLE"] for k, v in by_id.items()} == {"5": titles["5"], "77": titles["77"]}

    def test_an_injected_query_limit_is_retried_by_the_library(self, sandbox):
        b = fast_client(sandbox)
        b.call("crm.lead.add", [{"fields": {"TITLE": f"limited {i}"}} for i in range(60)])
        armed = sandbox_api(
            sandbox,
            "faults",
            {"method": "crm.lead.list", "times": 2, "error": "QUERY_LIMIT_EXCEEDED"},
        )
        assert armed["fault"]["remaining"] == 2
        leads = b.get_all("crm.lead.list", {"select": ["ID"]})
        assert len(leads) == 60, "the job finished"
        left = sandbox_api(sandbox, "faults", method="GET")["faults"]
        assert left == [], "both injected 503 answers were met and retried"


class TestB24PySDK:
    def client(self, info):
        from b24pysdk import BitrixWebhook, Client

        url = urlsplit(info["webhook_url"])
        token = url.path.strip("/").split("/", 1)[1]
        return Client(BitrixWebhook(domain=url.netloc, webhook_token=token))

    def test_batches_lists_and_cursor_after_a_reset(self, sandbox):
        client = self.client(sandbox)
        requests_ = [client.crm.deal.add(fields={"TITLE": f"deal {i}", "OPPORTUNITY": i}) for i in range(N)]
        result = client.call_batches(requests_).result
        assert not result.result_error
        assert [result.result[str(k)] for k in range(N)] == list(range(1, N + 1))
        listed = client.crm.deal.list(select=["ID", "TITLE"], order={"ID": "ASC"}).as_list().result
        assert [int(d["ID"]) for d in listed] == list(range(1, N + 1))
        fast = client.crm.deal.list(select=["ID"], filter={">OPPORTUNITY": 99}).as_list_fast().result
        assert len(list(fast)) == 20
        assert client.crm.deal.delete(bitrix_id=3).result is True
        assert client.crm.deal.list(select=["ID"]).response.total == N - 1


class TestOAuthAndTheClock:
    def test_a_token_is_refreshed_after_the_clock_moves_an_hour(self, sandbox):
        tokens = oauth_tokens(sandbox)
        issued = []

        async def token_func():
            nonlocal tokens
            if issued:
                r = requests.post(
                    sandbox["oauth_token_url"],
                    data={
                        "grant_type": "refresh_token",
                        "client_id": sandbox["client_id"],
                        "client_secret": sandbox["client_secret"],
                        "refresh_token": tokens["refresh_token"],
                    },
                )
                assert r.status_code == 200, r.text
                tokens = r.json()
            issued.append(tokens["access_token"])
            return tokens["access_token"]

        from fast_bitrix24 import Bitrix

        asyncio.set_event_loop(asyncio.new_event_loop())
        b = Bitrix(tokens["client_endpoint"], token_func=token_func, verbose=False)
        lead = b.call("crm.lead.add", {"fields": {"TITLE": "before"}}, raw=True)["result"]
        assert len(issued) == 1

        clock = sandbox_api(sandbox, "clock", {"advance": "3600s"})
        assert clock["shift_ms"] == 3_600_000
        expired = requests.post(f"{sandbox['base_url']}/rest/profile.json", json={"auth": issued[0]})
        assert (expired.status_code, expired.json()["error"]) == (401, "expired_token")

        got = b.call("crm.lead.get", {"ID": lead}, raw=True)["result"]
        assert got["TITLE"] == "before"
        assert len(issued) == 2, "the library refreshed once, at Portico"
        assert tokens["expires"] >= clock["now"] + 3600 - 5


class TestCapturedDeliveries:
    HANDLER = "http://127.0.0.1:9/always-failing"

    def next_attempts(self, info, since, wait):
        found = sandbox_api(
            info,
            "deliveries",
            {"event": "ONCRMLEADADD", "since": since, "wait": wait},
            method="GET",
        )
        return found["deliveries"], found["next_since"]

    def test_a_failing_handler_gets_its_retries_on_the_schedule(self, sandbox):
        tokens = oauth_tokens(sandbox)
        bound = requests.post(
            f"{sandbox['base_url']}/rest/event.bind.json",
            json={"auth": tokens["access_token"], "event": "ONCRMLEADADD", "handler": self.HANDLER},
        )
        assert bound.status_code == 200, bound.text
        sandbox_api(sandbox, "handlers", {"handler": self.HANDLER, "mode": "fail"}, method="PUT")
        fast_client(sandbox).call("crm.lead.add", {"fields": {"TITLE": "to a failing handler"}}, raw=True)

        first, since = self.next_attempts(sandbox, 0, "10s")
        assert [(d["attempt"], d["mode"], d["handler"]) for d in first] == [(1, "fail", self.HANDLER)]
        assert "event=ONCRMLEADADD" in first[0]["body"]
        assert "auth%5Bapplication_token%5D" in first[0]["body"]

        # The default schedule: 5 s (±20 %), then 5 min (±20 %). Nothing comes
        # before its time; each retry comes once the clock passes it.
        early, _ = self.next_attempts(sandbox, since, "1500ms")
        assert early == [], "no retry before the schedule's delay"
        sandbox_api(sandbox, "clock", {"advance": "7s"})
        second, since = self.next_attempts(sandbox, since, "10s")
        assert [d["attempt"] for d in second] == [2]
        assert second[0]["at"] - first[0]["at"] >= 4_000

        sandbox_api(sandbox, "clock", {"advance": "230s"})
        early, _ = self.next_attempts(sandbox, since, "1500ms")
        assert early == [], "the third attempt waits at least 4 minutes"
        sandbox_api(sandbox, "clock", {"advance": "140s"})
        third, _ = self.next_attempts(sandbox, since, "10s")
        assert [d["attempt"] for d in third] == [3]
        assert third[0]["at"] - second[0]["at"] >= 240_000
        fields = [parse_qs(d["body"]) for d in (first[0], third[0])]
        assert [(f["event"], f["data[FIELDS][ID]"]) for f in fields] == [(["ONCRMLEADADD"], ["1"])] * 2
        # An application's event carries tokens fresh at each attempt.
        assert fields[0]["auth[access_token]"] != fields[1]["auth[access_token]"]
