#!/usr/bin/env python3
"""Seed leads through Portico's REST API: `batch` requests of 50 `crm.lead.add`
commands, several in flight at once, each answer checked.

    python3 bench/seed.py WEBHOOK_URL COUNT [CONCURRENCY [IDS_FILE]]

Lead i (1-based): TITLE "Lead i", STATUS_ID NEW (IN_PROCESS when i % 5 == 4),
OPPORTUNITY (i * 7919) % 10000, CURRENCY_ID USD, one WORK phone.
So `filter[>OPPORTUNITY]=1000 & filter[STATUS_ID]=NEW` matches 72% of the rows.

With IDS_FILE, writes the new leads' ids there, one a line, in ascending order.

Prints one line: SEED_JSON {"leads":…, "seconds":…, "leads_per_s":…, "requests":…}
"""

import http.client
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlsplit

BATCH = 50


def lead_query(i):
    status = "IN_PROCESS" if i % 5 == 4 else "NEW"
    parts = [
        ("fields[TITLE]", f"Lead {i}"),
        ("fields[NAME]", f"Name{i % 1000}"),
        ("fields[STATUS_ID]", status),
        ("fields[OPPORTUNITY]", str((i * 7919) % 10000)),
        ("fields[CURRENCY_ID]", "USD"),
        ("fields[PHONE][0][VALUE]", f"+1555{i:07d}"),
        ("fields[PHONE][0][VALUE_TYPE]", "WORK"),
    ]
    return "crm.lead.add?" + "&".join(f"{quote(k, safe='[]')}={quote(v)}" for k, v in parts)


def main():
    url = urlsplit(sys.argv[1])
    count = int(sys.argv[2])
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    ids_file = sys.argv[4] if len(sys.argv) > 4 else None
    path = url.path.rstrip("/") + "/batch"
    local = threading.local()

    def connection():
        if getattr(local, "conn", None) is None:
            local.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        return local.conn

    def send(first):
        last = min(first + BATCH, count + 1)
        body = json.dumps({"halt": 0, "cmd": {f"a{i}": lead_query(i) for i in range(first, last)}})
        for attempt in range(2):
            conn = connection()
            try:
                conn.request("POST", path, body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                break
            except (ConnectionError, http.client.HTTPException):
                local.conn = None
                if attempt:
                    raise
        if resp.status != 200:
            raise RuntimeError(f"batch {first}: HTTP {resp.status}: {data[:300]!r}")
        result = json.loads(data)["result"]
        if result["result_error"]:
            raise RuntimeError(f"batch {first}: errors {json.dumps(result['result_error'])[:300]}")
        ids = result["result"]
        if len(ids) != last - first or not all(isinstance(v, int) for v in ids.values()):
            raise RuntimeError(f"batch {first}: unexpected result {json.dumps(ids)[:300]}")
        return list(ids.values())

    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        new_ids = sorted(i for ids in pool.map(send, range(1, count + 1, BATCH)) for i in ids)
    seconds = time.monotonic() - started
    added = len(new_ids)
    if len(set(new_ids)) != added:
        raise RuntimeError(f"{added - len(set(new_ids))} ids answered twice")
    if ids_file:
        with open(ids_file, "w") as f:
            f.write("".join(f"{i}\n" for i in new_ids))
    if added != count:
        raise RuntimeError(f"added {added} leads, wanted {count}")
    report = {
        "leads": added,
        "seconds": round(seconds, 2),
        "leads_per_s": round(added / seconds),
        "requests": (count + BATCH - 1) // BATCH,
        "concurrency": concurrency,
    }
    print("SEED_JSON " + json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
