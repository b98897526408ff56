#!/usr/bin/env python3
"""The markdown report of bench/million.sh.

    python3 bench/million_report.py OUT_DIR RESULTS_MD SECONDS COMMAND

Reads the raw outputs in OUT_DIR (seed.json, api.json, sql.json,
getall_*.json, wrk_deep.json, memory.txt, du.txt, pages.txt, phases.tsv),
prints the report, and writes it to OUT_DIR/million.md and RESULTS_MD (unless
empty).
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import machine  # noqa: E402

# bench/run.sh's figure for the same deep filtered page at 100,000 leads (bench/RESULTS.md).
EARLIER_WRK = "58 req/s (100,000 leads, `start=50000`, `bench/run.sh`)"


def load(out, name):
    with open(os.path.join(out, name)) as f:
        return json.load(f)


def ms(v):
    return f"{v:,.1f} ms" if v >= 10 else f"{v:.2f} ms"


def portico(r):
    return f"**{ms(r['median_ms'])}** ({ms(r['min_ms'])})"


def sql_cell(s):
    page = f"page {ms(s['page_median_ms'])}"
    if s.get("count_median_ms") is None:
        return page
    total = s["count_median_ms"] + s["page_median_ms"]
    return f"{ms(total)}: COUNT {ms(s['count_median_ms'])} + {page}"


def sqlite_bundled():
    """The libsqlite3-sys version Portico links (Cargo.lock)."""
    try:
        text = open(os.path.join(os.path.dirname(__file__), "..", "Cargo.lock")).read()
    except OSError:
        return "?"
    m = re.search(r'name = "libsqlite3-sys"\nversion = "([^"]+)"', text)
    return m.group(1) if m else "?"


def one_client(api, sql):
    cases, sc = api["cases"], sql["cases"]
    rows = []

    def row(label, r, s):
        rows.append(f"| {label} | {portico(r)} | {sql_cell(s)} |")

    def case(name):
        r = cases[name]
        if "after_write" in r:
            row(r["label"] + ", **first call after a write**", r["after_write"], sc[name])
            row(r["label"] + ", repeated (no write between)", r, sc[name])
        else:
            row(r["label"], r, sc[name])

    case("unfiltered_deep")
    case("filtered_first")
    case("filtered_jump")
    count = sc["filtered_first"]["count_median_ms"]
    for w, s in zip(api["walk"]["windows"], sql["walk_windows"]):
        s = dict(s, count_median_ms=count)
        how = "" if w["how"] == "walk" else f"; {w['how']}"
        row(f"the same filter, sequential pages {w['label']} (median of {w['n']} pages{how})", w, s)
    case("title_selective")
    case("title_broad")
    case("title_desc_jump")
    t = api["seq_title_desc"]
    row(f"`order[TITLE]=DESC`, 20 sequential pages from {t['first']:,}",
        t, dict(sql["seq_title_desc"], count_median_ms=sc["title_desc_jump"]["count_median_ms"]))
    u = api["seq_unfiltered"]
    row(f"no filter, 20 sequential pages from {u['first']:,}",
        u, dict(sql["seq_unfiltered"], count_median_ms=sc["unfiltered_deep"]["count_median_ms"]))
    case("cursor")
    case("findbycomm")
    return rows


def walk_text(api):
    w = api["walk"]
    per_page = w["seconds"] * 1000 / max(w["pages"], 1)
    if w["stopped_at"] is None:
        return (f"The walk read all {w['rows']:,} rows of the filter in {w['pages']:,} pages: "
                f"**{w['seconds']:,} s** ({ms(per_page)} a page on average), every page checked "
                f"(`total`, 50 rows, `next`, ids ascending, rows in the filter).")
    rest = (api["filtered"] - w["stopped_at"]) // 50
    return (f"The walk stopped at its budget ({w['budget_s']:.0f} s) at `start={w['stopped_at']:,}` "
            f"after {w['pages']:,} pages ({ms(per_page)} a page on average); {rest:,} pages were left. "
            f"Windows past that point were reached by a jump to the page before them.")


def getall_rows(out):
    rows = []
    for name, label in [("all", "all leads"), ("filtered", "`>OPPORTUNITY=1000` + `STATUS_ID=NEW`")]:
        path = os.path.join(out, f"getall_{name}.json")
        if not os.path.exists(path):
            continue
        g = load(out, f"getall_{name}.json")
        if g.get("skipped"):
            rows.append(f"| {label} | {g['want']:,} | skipped: {g['skipped']} | — | — |")
        elif g["finished"]:
            rows.append(f"| {label} | {g['rows']:,} | **{g['seconds']:,} s** | {g['rows_per_s']:,}/s "
                        f"| {g['client_cpu_s']} s, {g['client_max_rss_mb']:,} MB |")
        else:
            why = (f"the library gave up after {g['seconds']:,} s ({g['gave_up']})" if g.get("gave_up")
                   else f"not finished in {g['timeout_s']:.0f} s")
            rows.append(f"| {label} | {g['rows_received']:,} of {g['want']:,} received | {why} "
                        f"| {g['rows_received'] / g['seconds']:,.0f}/s | {g['client_cpu_s']} s, {g['client_max_rss_mb']:,} MB |")
    return rows, g.get("rps", 0)


def memory(out):
    mem = {}
    for line in open(os.path.join(out, "memory.txt")):
        k, v = line.split(":", 1)
        mem[k] = int(v.split()[0]) / 1024
    sizes = {}
    for line in open(os.path.join(out, "du.txt")):
        size, path = line.split(None, 1)
        sizes["wal" if path.strip().endswith("-wal") else "main"] = int(size)
    pages, page_size = open(os.path.join(out, "pages.txt")).read().split()
    return mem, sizes, int(pages), int(page_size)


def phases(out):
    lines = [l.rstrip("\n").split("\t") for l in open(os.path.join(out, "phases.tsv"))]
    t0 = int(lines[0][1])
    rows = []
    for (name, at, load, busy, rss, hwm), nxt in zip(lines, lines[1:] + [None]):
        took = f"{int(nxt[1]) - int(at)} s" if nxt else ""
        mem = f"{int(rss) / 1024:,.0f} / {int(hwm) / 1024:,.0f} MB" if rss and hwm else "—"
        rows.append(f"| {name} | +{int(at) - t0} s | {took} | {mem} | {load} | {busy.strip() or '—'} |")
    return rows


def report(out, seconds, command):
    seed = load(out, "seed.json")
    api = load(out, "api.json")
    sql = load(out, "sql.json")
    wrk = load(out, "wrk_deep.json")
    m = machine()
    leads = api["leads"]
    g_rows, rps = getall_rows(out)
    mem, sizes, pages, page_size = memory(out)
    pacing = ("fast_bitrix24's client-side pacing lifted (`requests_per_second` and "
              "`operating_time_limit` out of reach: limits are off on this server), up to 50 "
              "`batch` requests in flight"
              if not rps else
              f"fast_bitrix24's pacing on: pool of 50 requests, then {rps:g} requests/s")
    lines = [
        f"# Portico at {leads:,} leads",
        "",
        f"Generated by `{command}` (raw outputs in `bench/out-million/`).",
        "",
        f"- Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']}, **shared with other builds and "
        "benchmarks while this ran** (load and busy processes per phase at the end); Portico, the "
        "python client and wrk share the cores over loopback.",
        f"- Binary: release build of {m['git']}; run at {m['date']}; the whole run took "
        f"{seconds / 60:.0f} min.",
        f"- Portico's SQLite is the one bundled by libsqlite3-sys {sqlite_bundled()}; the SQLite-alone "
        f"column is python's sqlite3 (SQLite {sql['sqlite_version']}) on the same file, read-only.",
        f"- Data: {seed['leads']:,} leads seeded by `bench/seed.py` through `batch` (50 `crm.lead.add` "
        f"each, {seed['concurrency']} in flight): **{seed['seconds']:,} s, {seed['leads_per_s']:,} "
        f"leads/s**. The filter matches {api['filtered']:,} of them.",
        "",
        "## One client",
        "",
        f"Median of {api['repeat']} timed calls (min in brackets): after one untimed call of the "
        "same request, or each right after a write, or (random jumps) one call at each of "
        f"{api['repeat']} starts; sequential rows: median of the window's pages.",
        "",
        "| Request | Portico | the same SQL in SQLite alone |",
        "|---|---:|---:|",
        *one_client(api, sql),
        "",
        walk_text(api),
        "",
        "## fast_bitrix24 `get_all('crm.lead.list')`",
        "",
        f"End to end, from the call to the de-duplicated list, {pacing}; default `select` "
        "(all standard fields).",
        "",
        "| Leads | Rows | Time | Rate | Client CPU, peak memory |",
        "|---|---:|---:|---:|---:|",
        *g_rows,
        "",
        f"## {wrk['connections']} connections",
        "",
        "| Request | Throughput | p50 | p99 | Earlier |",
        "|---|---:|---:|---:|---|",
        f"| {wrk['label']} | **{wrk['rps']:,.0f} req/s** | {ms(wrk['p50_us'] / 1000)} | "
        f"{ms(wrk['p99_us'] / 1000)} | {EARLIER_WRK} |",
        "",
        f"wrk (`-t2 -c{wrk['connections']} -d{wrk['seconds']:.0f}s --timeout 60s`) sends the same URL over and over: "
        "this is one deep page of the filter served again and again, so anything Portico keeps "
        "between calls for an unchanged query (a cached `total`, a remembered page position) "
        "serves every request after the first; it is not many clients each walking their own "
        "sequential pages.",
        "",
        "## Memory and size after all of the above",
        "",
        f"- Server: VmRSS **{mem['VmRSS']:,.0f} MB**, VmHWM {mem['VmHWM']:,.0f} MB "
        f"(RssAnon {mem.get('RssAnon', 0):,.0f} MB, RssFile {mem.get('RssFile', 0):,.0f} MB: "
        "Portico's readers read the database through SQLite's page cache, without a memory map).",
        f"- Database: main file {sizes['main'] / 2**20:,.0f} MB + WAL {sizes.get('wal', 0) / 2**20:,.0f} MB; "
        f"`PRAGMA page_count` {pages:,} × {page_size:,} bytes.",
        "",
        "## How it was measured",
        "",
        "- One keep-alive connection (python `http.client`); time from sending the request to reading "
        "the whole body; decoding the JSON is not timed. Every answer is checked (`total`, rows, order) "
        "and the SQLite-alone pages must list the same ids as Portico's.",
        "- \"First call after a write\": each timed call comes right after a `crm.lead.update` of one "
        "lead's COMMENTS (a write that changes no count). \"Repeated\": the same URL again with no write "
        "between: a cached answer or count may serve it. A random jump asks each of its starts once, "
        "so no page is answered from a previous call of the same page.",
        "- SQLite alone: the plain SQL forms (`COUNT(*)`, `SELECT * … LIMIT 50 OFFSET n`, "
        "`LIKE '%…%'`, `ORDER BY title DESC, id`) on a read-only connection with a 256 MB memory "
        "map, after the single-client part, while the server was idle. Portico answers `total` with "
        "every page, so its column adds the COUNT to the page. A sequential page in plain SQL is an "
        "OFFSET like any other. The duplicate search runs Portico's own candidate query "
        "(the phone's digits in order in a `LIKE`).",
        "- Deep positions scale with the number of leads (`start=950000` at 1,000,000 is 95000 at 100,000). "
        "The deepest window of the filtered walk is its last 20 pages: the 72% filter has no page at 900,000.",
        "",
        "## Phases",
        "",
        "Server memory: VmRSS / VmHWM (peak so far) when the phase started.",
        "",
        "| Phase | Started | Took | Server memory | Load (1, 5, 15 min) | Other busy processes |",
        "|---|---:|---:|---:|---|---|",
        *phases(out),
    ]
    return "\n".join(lines) + "\n"


def main():
    out, results_md, seconds, command = sys.argv[1:5]
    text = report(out, float(seconds), command)
    print(text)
    with open(os.path.join(out, "million.md"), "w") as f:
        f.write(text)
    if results_md:
        with open(results_md, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
