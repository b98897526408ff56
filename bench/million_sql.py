#!/usr/bin/env python3
"""The same questions in SQLite alone, for bench/million.sh.

    python3 bench/million_sql.py DATABASE LEADS MIN_ID REPEAT OUT_DIR

Opens Portico's database file read-only (`mode=ro` URI) with python's sqlite3
while the server is idle, and times the plain SQL of each case of
million_cases.py: the COUNT and the page query apart, each one untimed run then
REPEAT timed ones (statement prepared, rows fetched; a random jump's page at
each of its starts once, as Portico was asked). The page query's ids
must equal those Portico answered (OUT_DIR/api.json); any difference stops
the bench. The sequential windows run the page query at each of their 20
offsets once (plain SQL has no continuation: each page is an OFFSET).
Writes OUT_DIR/sql.json.
"""

import json
import sqlite3
import statistics
import sys
import time

import million_cases as mc

# As Portico's reader connections (crates/store-sqlite/src/connection.rs).
MMAP_SIZE = 256 * 1024 * 1024


def fail(msg):
    print(f"\nBENCH FAILED: {msg}\n", file=sys.stderr)
    sys.exit(1)


def timed(db, sql):
    """(milliseconds, rows) of one run of `sql`."""
    started = time.perf_counter()
    rows = db.execute(sql).fetchall()
    return (time.perf_counter() - started) * 1000, rows


def repeated(db, sql, repeat):
    """One untimed run, then `repeat` timed ones: (median, min, rows)."""
    _, rows = timed(db, sql)
    samples = [timed(db, sql)[0] for _ in range(repeat)]
    return round(statistics.median(samples), 2), round(min(samples), 2), rows


def window_sql(base, first):
    """The page query of one window page at `first`."""
    return f"{base} LIMIT {mc.PAGE} OFFSET {first}"


def main():
    path, leads, min_id, repeat, out_dir = sys.argv[1:6]
    leads, min_id, repeat = int(leads), int(min_id), int(repeat)
    api = json.load(open(f"{out_dir}/api.json"))
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")
    out = {"sqlite_version": sqlite3.sqlite_version, "cases": {}}

    for case in mc.cases(leads, min_id, repeat):
        r = {"page_sql": case.page_sql, "count_sql": case.count_sql}
        if case.kind == "jump":
            _, rows = timed(db, case.sql_at(case.starts[0]))
            samples = [timed(db, case.sql_at(start))[0] for start in case.starts]
            r["page_median_ms"] = round(statistics.median(samples), 2)
            r["page_min_ms"] = round(min(samples), 2)
        else:
            r["page_median_ms"], r["page_min_ms"], rows = repeated(db, case.page_sql, repeat)
        ids = sorted({row[0] for row in rows}) if case.method != "crm.lead.list" else [row[0] for row in rows]
        if ids != api["cases"][case.name]["ids"]:
            fail(f"{case.name}: SQLite lists {ids[:5]}…, Portico {api['cases'][case.name]['ids'][:5]}…")
        if case.count_sql:
            r["count_median_ms"], r["count_min_ms"], rows = repeated(db, case.count_sql, repeat)
            if rows[0][0] != case.total:
                fail(f"{case.name}: SQLite counts {rows[0][0]}, want {case.total}")
        out["cases"][case.name] = r
        print(f"  {case.label}: page {r['page_median_ms']} ms"
              + (f", COUNT {r['count_median_ms']} ms" if case.count_sql else ""), flush=True)

    bases = {
        "seq_unfiltered": "SELECT * FROM crm_leads ORDER BY id",
        "seq_title_desc": "SELECT * FROM crm_leads ORDER BY title DESC, id",
    }
    for name, base in bases.items():
        w = api[name]
        samples, ids = [], []
        for k in range(20):
            ms, rows = timed(db, window_sql(base, w["first"] + k * mc.PAGE))
            samples.append(ms)
            ids += [row[0] for row in rows]
        if ids != w["ids"][mc.PAGE:]:
            fail(f"{name}: SQLite's pages differ from Portico's")
        out[name] = {"page_median_ms": round(statistics.median(samples), 2),
                     "page_min_ms": round(min(samples), 2), "sql": window_sql(base, "n")}
        print(f"  {name}: page {out[name]['page_median_ms']} ms", flush=True)

    base = f"SELECT * FROM crm_leads WHERE {mc.FILTER_SQL} ORDER BY id"
    out["walk_windows"] = []
    for w in api["walk"]["windows"]:
        samples = [timed(db, window_sql(base, w["first"] + k * mc.PAGE))[0]
                   for k in range(w["n"])]
        out["walk_windows"].append({"label": w["label"],
                                    "page_median_ms": round(statistics.median(samples), 2),
                                    "page_min_ms": round(min(samples), 2)})
        print(f"  walk {w['label']}: page {out['walk_windows'][-1]['page_median_ms']} ms", flush=True)

    with open(f"{out_dir}/sql.json", "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
