"""pytest fixtures for testing against a Portico sandbox.

`portico_sandbox` starts `portico sandbox --json --tls` once per session (or
uses the one described by the PORTICO_SANDBOX environment variable, the JSON
line a sandbox prints) and yields what it printed; `sandbox` resets it to its
seeded state before each test that uses it. Copy this file into an
integration's own test suite to run its tests against Portico.
"""

import json
import os
import subprocess

import pytest
import requests


def sandbox_api(info, path, body=None, method="POST", timeout=30):
    """Calls the sandbox API (`/sandbox/PATH`) with the sandbox key; its JSON answer."""
    r = requests.request(
        method,
        info["sandbox_url"] + path,
        json=body if method != "GET" else None,
        params=body if method == "GET" else None,
        headers={"Authorization": "Bearer " + info["sandbox_key"]},
        verify=info.get("ca_file") or True,
        timeout=timeout,
    )
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture(scope="session")
def portico_sandbox():
    """The sandbox's credentials: base_url, webhook_url, client_id, client_secret…"""
    given = os.environ.get("PORTICO_SANDBOX")
    if given:
        yield json.loads(given)
        return
    binary = os.environ.get("PORTICO_BIN", "portico")
    proc = subprocess.Popen(
        [binary, "sandbox", "--json", "--tls"],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        info = None
        for line in proc.stdout:
            if line.startswith("{"):
                info = json.loads(line)
                break
        assert info, "portico sandbox printed no JSON line"
        # Python's ssl and requests trust the sandbox's certificate authority.
        os.environ.setdefault("SSL_CERT_FILE", info["ca_file"])
        os.environ.setdefault("REQUESTS_CA_BUNDLE", info["ca_file"])
        yield info
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def sandbox(portico_sandbox):
    """The sandbox, back in its seeded state (same ids, no faults, real time)."""
    sandbox_api(portico_sandbox, "reset")
    return portico_sandbox
