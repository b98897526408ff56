"""A real client meeting Bitrix24's cloud limits at Portico.

Run through tests/sdk/run.sh, which starts a second Portico with
`--limits cloud` (the enterprise plan's leaky bucket: 250 requests at once,
drained 5 per second, per client address) and sets PORTICO_LIMITED_WEBHOOK.

b24pysdk, unchanged, makes 300 single calls in a row: past the burst Portico
answers 503 QUERY_LIMIT_EXCEEDED (with Retry-After), the SDK waits and tries
again, and the job completes without an error. The test counts the 503
answers the SDK received (observing requests' transport, not changing the SDK),
so it fails if the limit never applied.
"""

import os
from urllib.parse import urlsplit

import pytest
import requests

WEBHOOK = os.environ.get("PORTICO_LIMITED_WEBHOOK", "")

pytestmark = pytest.mark.skipif(
    not WEBHOOK, reason="PORTICO_LIMITED_WEBHOOK is not set (use tests/sdk/run.sh)"
)


def test_a_300_call_job_completes_under_cloud_limits(monkeypatch):
    from b24pysdk import BitrixWebhook, Client

    answers = []
    send = requests.sessions.Session.send

    def counting_send(self, request, **kwargs):
        response = send(self, request, **kwargs)
        answers.append((response.status_code, response.headers.get("Retry-After")))
        return response

    monkeypatch.setattr(requests.sessions.Session, "send", counting_send)
    url = urlsplit(WEBHOOK)
    token = url.path.strip("/").split("/", 1)[1]  # "1/<secret>"
    client = Client(BitrixWebhook(domain=url.netloc, webhook_token=token))

    ids = [client.crm.lead.add(fields={"TITLE": f"limited {i:03d}"}).result for i in range(300)]
    assert len(set(ids)) == 300

    refused = [retry for status, retry in answers if status == 503]
    assert refused, "the burst of 250 was never exceeded"
    assert all(retry and int(retry) >= 1 for retry in refused), refused
    assert sum(1 for status, _ in answers if status == 200) == 300
