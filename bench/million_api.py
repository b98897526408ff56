#!/usr/bin/env python3
"""Single-client latencies of Portico's REST API for bench/million.sh.

    python3 bench/million_api.py WEBHOOK_URL LEADS MIN_ID REPEAT WALK_BUDGET_S OUT_DIR

One keep-alive `http.client` connection; each time runs from sending the
request to reading the whole body (parsing the JSON is not timed). Every
answer is checked (status 200, `total`, row count, rows of the filter, ids in
order) and the first one that is wrong stops the bench. Writes
OUT_DIR/api.json (summaries) and OUT_DIR/walk_pages.json (every page of the
filtered walk: start, ms).

Steps:
- each case of million_cases.cases(), by its kind: REPEAT calls each right
  after a write (`crm.lead.update` of one lead's COMMENTS, which changes no
  count), then one untimed call and REPEAT timed ones of the same request, for
  a first page with `total`; the untimed and timed calls alone for the others;
  one call at each of REPEAT distinct starts for a random jump;
- 20 sequential pages after a jump: no filter near 900,000 and
  `order[TITLE]=DESC` after 500,000;
- the filtered walk, start = 0, 50, 100, … to the end; past WALK_BUDGET_S
  seconds it stops and reaches the remaining windows by a jump to the page
  before each (0 = no budget).
"""

import http.client
import json
import statistics
import sys
import time
from urllib.parse import urlencode, urlsplit

import million_cases as mc

WINDOW_PAGES = 20


def fail(msg):
    print(f"\nBENCH FAILED: {msg}\n", file=sys.stderr)
    sys.exit(1)


def summary(samples_ms):
    """Median, min and the samples (ms, 2 decimals)."""
    return {
        "median_ms": round(statistics.median(samples_ms), 2),
        "min_ms": round(min(samples_ms), 2),
        "max_ms": round(max(samples_ms), 2),
        "n": len(samples_ms),
        "samples_ms": [round(s, 2) for s in samples_ms],
    }


class Client:
    """One keep-alive connection to the webhook."""

    def __init__(self, webhook):
        url = urlsplit(webhook)
        self.host, self.port = url.hostname, url.port
        self.base = url.path.rstrip("/") + "/"
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=600)

    def call(self, method, pairs):
        """(milliseconds, decoded answer); any non-200 answer stops the bench."""
        path = self.base + method + ("?" + urlencode(pairs) if pairs else "")
        started = time.perf_counter()
        self.conn.request("GET", path)
        resp = self.conn.getresponse()
        body = resp.read()
        ms = (time.perf_counter() - started) * 1000
        if resp.status != 200:
            fail(f"{method} {pairs}: HTTP {resp.status}: {body[:500]!r}")
        try:
            doc = json.loads(body)
        except ValueError:
            fail(f"{method} {pairs}: not JSON: {body[:500]!r}")
        if "error" in doc:
            fail(f"{method} {pairs}: error answer {doc}")
        return ms, doc


def check_answer(case, doc):
    """Checks one answer of `case`; returns the ids it lists."""
    if case.method == "crm.duplicate.findbycomm":
        # One lead carries the phone (million_sql.py checks which one).
        found = doc.get("result")
        if not isinstance(found, dict) or list(found) != ["LEAD"] or len(found["LEAD"]) != 1:
            fail(f"{case.name}: result {found}, want one lead")
        return found["LEAD"]
    rows = doc.get("result")
    if not isinstance(rows, list):
        fail(f"{case.name}: result is not a list: {str(doc)[:300]}")
    if case.total is not None and doc.get("total") != case.total:
        fail(f"{case.name}: total {doc.get('total')}, want {case.total}")
    if len(rows) > mc.PAGE or not rows:
        fail(f"{case.name}: {len(rows)} rows")
    return [int(r["ID"]) for r in rows]


def timed_case(client, case, repeat):
    """One untimed call, then `repeat` timed ones of the same request."""
    ms, doc = client.call(case.method, case.query)
    ids = check_answer(case, doc)
    samples = []
    for _ in range(repeat):
        ms, doc = client.call(case.method, case.query)
        if check_answer(case, doc) != ids:
            fail(f"{case.name}: the same request listed other rows")
        samples.append(ms)
    out = summary(samples)
    out.update(label=case.label, ids=ids, total=doc.get("total"))
    return out


def jump_case(client, case):
    """One timed call at each of the case's starts, each start asked once."""
    samples, ids, seen = [], None, set()
    for start in case.starts:
        ms, doc = client.call(case.method, case.query_at(start))
        page = check_answer(case, doc)
        if len(page) != mc.PAGE or seen & set(page):
            fail(f"{case.name} start={start}: {len(page)} rows, or rows of another start")
        seen |= set(page)
        ids = ids or page
        samples.append(ms)
    out = summary(samples)
    out.update(label=case.label, ids=ids, starts=case.starts, total=doc.get("total"))
    return out


def after_write(client, case, repeat, lead_id):
    """`repeat` calls of `case`, each right after a write (not timed)."""
    samples = []
    for k in range(repeat):
        _, doc = client.call("crm.lead.update",
                             [("ID", lead_id), ("fields[COMMENTS]", f"bench write {k} {time.time()}")])
        if doc.get("result") is not True:
            fail(f"crm.lead.update: {doc}")
        ms, doc = client.call(case.method, case.query)
        check_answer(case, doc)
        samples.append(ms)
    return summary(samples)


def check_filtered_rows(rows, after_id, start):
    """Rows of the filtered walk: in the filter, ids ascending past `after_id`."""
    last = after_id
    for r in rows:
        i = int(r["ID"])
        if i <= last:
            fail(f"walk start={start}: id {i} after {last}")
        if r.get("STATUS_ID") != "NEW" or float(r.get("OPPORTUNITY") or 0) <= 1000:
            fail(f"walk start={start}: lead {i} is outside the filter: {r}")
        last = i
    return last


def walk(client, filtered, budget_s, windows):
    """The filtered walk (see the module doc); returns (summary, pages)."""
    pages = []
    after_id = 0
    seen = 0
    started = time.monotonic()
    stopped_at = None
    start = 0
    while start < filtered:
        if budget_s and time.monotonic() - started > budget_s:
            stopped_at = start
            break
        ms, doc = client.call("crm.lead.list", mc.FILTER + [("start", start)])
        rows = doc["result"]
        if doc.get("total") != filtered:
            fail(f"walk start={start}: total {doc.get('total')}, want {filtered}")
        want_rows = min(mc.PAGE, filtered - start)
        if len(rows) != want_rows:
            fail(f"walk start={start}: {len(rows)} rows, want {want_rows}")
        want_next = start + mc.PAGE if start + mc.PAGE < filtered else None
        if doc.get("next") != want_next:
            fail(f"walk start={start}: next {doc.get('next')}, want {want_next}")
        after_id = check_filtered_rows(rows, after_id, start)
        seen += len(rows)
        pages.append([start, round(ms, 2)])
        start += mc.PAGE
    seconds = time.monotonic() - started
    out = {"pages": len(pages), "rows": seen, "seconds": round(seconds, 1),
           "stopped_at": stopped_at, "budget_s": budget_s, "windows": []}
    if stopped_at is None and seen != filtered:
        fail(f"the walk listed {seen} rows, the filter has {filtered}")
    by_start = dict((s, ms) for s, ms in pages)
    for label, first in windows:
        samples = [by_start[s] for s in range(first, first + WINDOW_PAGES * mc.PAGE, mc.PAGE)
                   if s in by_start]
        how = "walk"
        if len(samples) < WINDOW_PAGES:
            # Past the budget: a jump to the page before the window, then its pages.
            jumped = window(client, mc.FILTER, max(first - mc.PAGE, 0), filtered)
            samples = jumped["pages_ms"]
            how = f"jump to {max(first - mc.PAGE, 0):,}, then sequential"
        w = summary(samples)
        w.update(label=label, first=first, how=how)
        out["windows"].append(w)
    return out, pages


def window(client, pairs, jump, total):
    """A jump to `jump`, then WINDOW_PAGES sequential pages; the jump is timed apart."""
    ms, doc = client.call("crm.lead.list", pairs + [("start", jump)])
    if total is not None and doc.get("total") != total:
        fail(f"window at {jump}: total {doc.get('total')}, want {total}")
    jump_ms = ms
    seen = [int(r["ID"]) for r in doc["result"]]
    pages_ms = []
    for k in range(1, WINDOW_PAGES + 1):
        start = jump + k * mc.PAGE
        ms, doc = client.call("crm.lead.list", pairs + [("start", start)])
        if len(doc["result"]) != mc.PAGE:
            fail(f"window page start={start}: {len(doc['result'])} rows")
        if total is not None and doc.get("total") != total:
            fail(f"window page start={start}: total {doc.get('total')}, want {total}")
        ids = [int(r["ID"]) for r in doc["result"]]
        if set(ids) & set(seen):
            fail(f"window page start={start}: a row listed twice")
        seen += ids
        pages_ms.append(ms)
    return {"jump_ms": round(jump_ms, 2), "pages_ms": pages_ms, "ids": seen}


def main():
    webhook, leads, min_id, repeat, budget, out_dir = sys.argv[1:7]
    leads, min_id, repeat, budget = int(leads), int(min_id), int(repeat), float(budget)
    client = Client(webhook)
    all_cases = mc.cases(leads, min_id, repeat)
    filtered = next(c.total for c in all_cases if c.name == "filtered_first")
    result = {"cases": {}, "leads": leads, "min_id": min_id, "repeat": repeat,
              "filtered": filtered}

    for case in all_cases:
        if case.kind == "jump":
            r = jump_case(client, case)
        else:
            if case.kind == "first":
                w = after_write(client, case, repeat, min_id)
                print(f"  {case.label}, first call after a write: median {w['median_ms']} ms, "
                      f"min {w['min_ms']} ms", flush=True)
            r = timed_case(client, case, repeat)
            if case.kind == "first":
                r["after_write"] = w
        result["cases"][case.name] = r
        print(f"  {case.label}: median {r['median_ms']} ms, min {r['min_ms']} ms", flush=True)

    for name, pairs, jump, total in [
        ("seq_unfiltered", [], mc.scaled(leads, 900_000) - mc.PAGE, leads),
        ("seq_title_desc", [("order[TITLE]", "DESC")], mc.scaled(leads, 500_000), leads),
    ]:
        w = window(client, pairs, jump, total)
        r = summary(w["pages_ms"])
        r.update(first=jump + mc.PAGE, jump_ms=w["jump_ms"], ids=w["ids"], pairs=pairs)
        result[name] = r
        print(f"  {name}: {WINDOW_PAGES} pages from {jump + mc.PAGE:,}: median {r['median_ms']} ms",
              flush=True)

    print(f"  filtered walk over {filtered:,} rows (budget {budget:.0f} s; 0 = none)", flush=True)
    summary_walk, pages = walk(client, filtered, budget, mc.windows(leads, filtered))
    result["walk"] = summary_walk
    for w in summary_walk["windows"]:
        print(f"    {w['label']}: median {w['median_ms']} ms ({w['how']})", flush=True)
    print(f"    {summary_walk['pages']:,} pages in {summary_walk['seconds']} s", flush=True)

    with open(f"{out_dir}/walk_pages.json", "w") as f:
        json.dump(pages, f)
    with open(f"{out_dir}/api.json", "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
