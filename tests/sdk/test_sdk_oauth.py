"""Third-party clients calling Portico as a local application, with OAuth tokens.

Run through tests/sdk/run.sh, which also creates a script-only application with
`portico app add` and starts Portico with access tokens living
PORTICO_OAUTH__ACCESS_TOKEN_TTL seconds, and sets:

  PORTICO_BASE            https://127.0.0.1:PORT
  PORTICO_CLIENT_ID       the application's client_id
  PORTICO_CLIENT_SECRET   its client_secret
  PORTICO_ADMIN_PASSWORD  the administrator's password (to allow the application)
  PORTICO_TOKEN_TTL       the access-token lifetime in seconds

Tokens come from Portico's own authorization-code flow (sign in, allow, code,
/oauth/token/), driven here with requests as a browser would.

- fast_bitrix24 takes a `token_func` that it calls again when the server rejects
  the token (401): the function refreshes at Portico's /oauth/token/, so the
  library refreshes against Portico unchanged.
- b24pysdk calls Portico's REST with the token (`auth` in the body); its refresh
  goes to the cloud host it hard-codes (`https://oauth.bitrix24.tech`), so only
  the calls are tested with it.
"""

import asyncio
import os
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

BASE = os.environ.get("PORTICO_BASE", "")
CLIENT_ID = os.environ.get("PORTICO_CLIENT_ID", "")
CLIENT_SECRET = os.environ.get("PORTICO_CLIENT_SECRET", "")
ADMIN_PASSWORD = os.environ.get("PORTICO_ADMIN_PASSWORD", "")
TTL = int(os.environ.get("PORTICO_TOKEN_TTL", "0") or 0)

pytestmark = pytest.mark.skipif(
    not (BASE and CLIENT_ID and CLIENT_SECRET and ADMIN_PASSWORD),
    reason="the OAuth settings are not set (use tests/sdk/run.sh)",
)


def csrf_of(html):
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, html[:500]
    return m.group(1)


def authorize():
    """The administrator allows the application; returns the token answer."""
    s = requests.Session()
    login = s.get(f"{BASE}/login")
    r = s.post(
        f"{BASE}/login",
        data={"csrf": csrf_of(login.text), "login": "admin", "password": ADMIN_PASSWORD},
        allow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    page = s.get(f"{BASE}/oauth/authorize/", params={"client_id": CLIENT_ID, "state": "sdk"})
    assert page.status_code == 200, page.text[:500]
    r = s.post(
        f"{BASE}/oauth/authorize/",
        data={"csrf": csrf_of(page.text), "client_id": CLIENT_ID, "state": "sdk", "decision": "allow"},
        allow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    query = parse_qs(urlsplit(r.headers["Location"]).query)
    assert query["state"] == ["sdk"]
    token = requests.get(
        f"{BASE}/oauth/token/",
        params={
            "grant_type": "authorization_code",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code": query["code"][0],
        },
    )
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["client_endpoint"] == f"{BASE}/rest/"
    return body


def refresh(refresh_token):
    """Renews the tokens at Portico, as CRest does it (POST form)."""
    r = requests.post(
        f"{BASE}/oauth/token/",
        data={
            "grant_type": "refresh_token",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": refresh_token,
        },
    )
    assert r.status_code == 200, r.text
    return r.json()


class TestFastBitrix24OAuth:
    def test_calls_with_a_token_and_refreshes_it_at_portico_when_it_expires(self):
        from fast_bitrix24 import Bitrix

        tokens = authorize()
        issued = []
        spent = []

        async def token_func():
            # The first call gets the token just issued; later ones renew it.
            nonlocal tokens
            if issued:
                spent.append(tokens["refresh_token"])
                tokens = refresh(tokens["refresh_token"])
            issued.append(tokens["access_token"])
            return tokens["access_token"]

        asyncio.set_event_loop(asyncio.new_event_loop())
        b = Bitrix(tokens["client_endpoint"], token_func=token_func, verbose=False)
        lead = b.call("crm.lead.add", {"fields": {"TITLE": "oauth fbx"}}, raw=True)["result"]
        assert int(lead) > 0
        assert len(issued) == 1

        time.sleep(TTL + 1.5)
        expired = requests.post(f"{BASE}/rest/profile.json", json={"auth": issued[0]})
        assert expired.status_code == 401
        assert expired.json()["error"] == "expired_token"

        got = b.call("crm.lead.get", {"ID": lead}, raw=True)["result"]
        assert got["TITLE"] == "oauth fbx"
        assert len(issued) == 2, "the rejected token was renewed once, at Portico"
        assert issued[1] != issued[0]
        # The spent refresh token is refused.
        old = requests.post(
            f"{BASE}/oauth/token/",
            data={"grant_type": "refresh_token", "client_id": CLIENT_ID,
                  "client_secret": CLIENT_SECRET, "refresh_token": spent[0]},
        )
        assert old.status_code == 400 and old.json()["error"] == "invalid_grant"


class TestB24PySDKOAuth:
    def test_the_official_sdk_calls_with_an_application_token(self):
        from b24pysdk import Client
        from b24pysdk.credentials import BitrixApp, BitrixToken

        tokens = authorize()
        domain = urlsplit(BASE).netloc
        token = BitrixToken(
            domain=domain,
            auth_token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
            expires_in=tokens["expires_in"],
            bitrix_app=BitrixApp(client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
        )
        assert not token.is_webhook
        client = Client(token)
        lead_id = client.crm.lead.add(fields={"TITLE": "oauth pysdk"}).result
        lead = client.crm.lead.get(bitrix_id=lead_id).result
        assert lead["TITLE"] == "oauth pysdk"
