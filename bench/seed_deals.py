#!/usr/bin/env python3
"""Seed companies and deals through Portico's REST API for the crm.deal.list run.

    python3 bench/seed_deals.py WEBHOOK_URL DEALS COMPANIES [CONCURRENCY]

Creates the deal user field UF_CRM_SEGMENT (string), COMPANIES companies, then DEALS
deals in `batch` requests of 50 `crm.deal.add`: deal i (0-based) belongs to company
i % COMPANIES and has UF_CRM_SEGMENT "S{(i // COMPANIES) % 10}", so one company
holds DEALS / COMPANIES deals, a tenth of them in each segment.

Prints: SEED_DEALS_JSON {"deals":…, "companies":…, "seconds":…, "deals_per_s":…, "company_id":…}
(company_id: the first company, used by the benchmark's filter).
"""

import http.client
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlsplit

BATCH = 50


class Api:
    def __init__(self, url):
        self.url = urlsplit(url)
        self.local = threading.local()

    def call(self, method, body):
        for attempt in range(2):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=60)
            try:
                conn.request("POST", self.url.path.rstrip("/") + "/" + method, json.dumps(body),
                             {"Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                break
            except (ConnectionError, http.client.HTTPException):
                self.local.conn = None
                if attempt:
                    raise
        if resp.status != 200:
            raise RuntimeError(f"{method}: HTTP {resp.status}: {data[:300]!r}")
        return json.loads(data)["result"]

    def batch(self, commands):
        result = self.call("batch", {"halt": 0, "cmd": commands})
        if result["result_error"]:
            raise RuntimeError(f"batch errors {json.dumps(result['result_error'])[:300]}")
        return result["result"]


def query(method, fields):
    return method + "?" + "&".join(f"{quote('fields[' + k + ']', safe='[]')}={quote(str(v))}" for k, v in fields.items())


def main():
    api = Api(sys.argv[1])
    deals, companies = int(sys.argv[2]), int(sys.argv[3])
    concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    started = time.monotonic()
    api.call("crm.deal.userfield.add", {"fields": {"FIELD_NAME": "SEGMENT", "USER_TYPE_ID": "string", "LABEL": "Segment"}})

    def add_companies(first):
        cmds = {f"c{i}": query("crm.company.add", {"TITLE": f"Company {i}"}) for i in range(first, min(first + BATCH, companies))}
        out = api.batch(cmds)
        return [out[f"c{i}"] for i in range(first, min(first + BATCH, companies))]

    with ThreadPoolExecutor(concurrency) as pool:
        company_ids = [cid for chunk in pool.map(add_companies, range(0, companies, BATCH)) for cid in chunk]

    def add_deals(first):
        last = min(first + BATCH, deals)
        cmds = {
            f"d{i}": query("crm.deal.add", {
                "TITLE": f"Deal {i}",
                "COMPANY_ID": company_ids[i % companies],
                "OPPORTUNITY": (i * 7919) % 10000,
                "UF_CRM_SEGMENT": f"S{(i // companies) % 10}",
            })
            for i in range(first, last)
        }
        out = api.batch(cmds)
        if len(out) != last - first:
            raise RuntimeError(f"deals {first}: {len(out)} results")
        return last - first

    with ThreadPoolExecutor(concurrency) as pool:
        added = sum(pool.map(add_deals, range(0, deals, BATCH)))
    seconds = time.monotonic() - started
    report = {"deals": added, "companies": len(company_ids), "seconds": round(seconds, 2),
              "deals_per_s": round(added / seconds), "company_id": company_ids[0]}
    print("SEED_DEALS_JSON " + json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
