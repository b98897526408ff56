#!/usr/bin/env python3
"""fast_bitrix24's `get_all('crm.lead.list')`, timed end to end, for bench/million.sh.

    python bench/million_getall.py WEBHOOK_URL NAME WANT TIMEOUT_S RPS OUT_DIR [filtered]

Runs in the SDK virtualenv (tests/sdk/requirements.txt pins fast_bitrix24).
get_all asks for the first page, reads `total`, then sends every other page
(`start` = 50, 100, …) in `batch` requests of 50 `crm.lead.list` commands, up
to 50 requests in flight, and de-duplicates the rows. The time runs from the
call to the returned list, the library's own work included (its CPU seconds
are reported apart). With `filtered` the filter is
`>OPPORTUNITY=1000` + `STATUS_ID=NEW`.

RPS 0 lifts the library's client-side pacing (request-rate bucket and
operating-time budget set out of reach): Portico runs with limits off, so the
time is the server's and the client's. RPS > 0 keeps the library's pacing with
that many requests per second after its pool of 50 (2 is its default).

The result must hold WANT distinct leads; past TIMEOUT_S seconds the run is
abandoned and reported as not finished. Writes OUT_DIR/getall_NAME.json.
"""

import asyncio
import json
import resource
import sys
import time
import warnings

from fast_bitrix24 import BitrixAsync, mult_request

# Rows received so far, counted as the library's batch handler extracts them
# (observation only: the library's own method runs unchanged).
PROGRESS = {"rows": 0}
_extract = mult_request.MultipleServerRequestHandler.process_done_tasks


def _counting_extract(self, done):
    n = _extract(self, done)
    PROGRESS["rows"] += n
    return n


mult_request.MultipleServerRequestHandler.process_done_tasks = _counting_extract


def fail(msg):
    print(f"\nBENCH FAILED: {msg}\n", file=sys.stderr)
    sys.exit(1)


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run(webhook, params, rps):
    if rps > 0:
        b24 = BitrixAsync(webhook, verbose=False, requests_per_second=rps)
    else:
        # `respect_velocity_policy=False` fails in fast_bitrix24 1.8.14 (its
        # per-method throttler is then never created): the policy stays on with
        # limits too high to reach.
        b24 = BitrixAsync(webhook, verbose=False, requests_per_second=1e9,
                          operating_time_limit=10**9)
    return await b24.get_all("crm.lead.list", params)


def main():
    webhook, name, want, timeout, rps, out_dir = sys.argv[1:7]
    filtered = len(sys.argv) > 7 and sys.argv[7] == "filtered"
    want, timeout, rps = int(want), float(timeout), float(rps)
    params = {"filter": {">OPPORTUNITY": 1000, "STATUS_ID": "NEW"}} if filtered else None
    report = {"name": name, "want": want, "timeout_s": timeout, "rps": rps,
              "filter": params["filter"] if params else None}
    cpu0 = cpu_seconds()
    started = time.monotonic()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gave_up = None
        try:
            rows = asyncio.run(asyncio.wait_for(run(webhook, params, rps), timeout))
        except asyncio.TimeoutError:
            rows = None
        except RuntimeError as err:
            # The library gives up after 10 failed attempts in a row; an error
            # answer from Portico stops the bench, its own time-outs are a result.
            cause = err.__cause__
            if cause is None or "ServerError" in type(cause).__name__:
                raise
            rows, gave_up = None, f"{err} ({type(cause).__name__}: {cause})"
    seconds = time.monotonic() - started
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report.update(seconds=round(seconds, 1), client_cpu_s=round(cpu_seconds() - cpu0, 1),
                  client_max_rss_mb=round(max_rss_mb),
                  warnings=[str(w.message) for w in caught])
    if rows is None:
        report.update(finished=False, gave_up=gave_up, rows_received=PROGRESS["rows"])
        why = f"gave up: {gave_up}" if gave_up else f"not finished in {timeout:.0f} s"
        print(f"  get_all {name}: {why}; {PROGRESS['rows']:,} rows received", flush=True)
    else:
        ids = {int(r["ID"]) for r in rows}
        if len(rows) != want or len(ids) != want:
            fail(f"get_all {name}: {len(rows)} rows, {len(ids)} distinct ids, want {want}")
        report.update(finished=True, rows=len(rows), rows_per_s=round(len(rows) / seconds))
        print(f"  get_all {name}: {len(rows):,} leads in {seconds:.1f} s "
              f"({report['rows_per_s']:,} leads/s, client CPU {report['client_cpu_s']} s)",
              flush=True)
    with open(f"{out_dir}/getall_{name}.json", "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
