#!/usr/bin/env python3
"""Helpers for bench/run.sh and bench/nodes.sh.

  report.py check OUT/NAME.txt NAME "LABEL" CONNECTIONS [key=value ...]
      Reads wrk's output (with the BENCH_JSON line printed by bench/lua/common.lua),
      fails loudly on any non-2xx response or socket error, writes OUT/NAME.json.
  report.py get OUT/NAME.json FIELD
      Prints one field of a result (e.g. rps).
  report.py summarize OUT RESULTS_MD COMMAND
      Prints the markdown table, writes OUT/results.md, OUT/results.json and RESULTS_MD.
  report.py cpu FILE LABEL=PID[,PID…] ...
      Writes a snapshot of the CPU time used so far by each group of processes (with
      their children) and of the machine's busy and total time, to FILE.
  report.py nodes OUT NODES_MD COMMAND
      bench/nodes.sh's table (set-ups × measures, as ratios of the baseline), to
      stdout, OUT/nodes.md and NODES_MD.
"""

import json
import os
import platform
import re
import subprocess
import sys
import time

ORDER = ["baseline", "get", "list", "batch", "deal_list", "get_half", "add"]

TARGET_GET_RATIO = 0.50
TARGET_GET_P99_MS = 5.0
TARGET_ADD_RPS = 5000


NOTES = [
    "- wrk is closed-loop: each connection sends its next request when the previous answer arrives. "
    "The half-peak run paces connections with wrk's `delay()` hook (random pause, mean "
    "`BENCH_PACE_MS`), so its rate is approximate and its latencies are not corrected for "
    "coordinated omission the way wrk2 would; wrk2 is not packaged in Debian.",
    "- Latencies are wrk's (request written → response read), p50/p99 over all requests of the run.",
    "- `batch` answers 50 `crm.lead.get` results per request; its requests/s are batches/s.",
    "- Each `crm.lead.add` carries a title, status, money and one PHONE multi-field, as JSON.",
    "- The `crm.lead.list` run reads one page (50 rows, all standard fields) at a deep offset of a filtered "
    "set with `total` counted: the cost of OFFSET and COUNT over ~70% of the table, on every request.",
]


def fail(msg):
    print(f"\nBENCH FAILED: {msg}\n", file=sys.stderr)
    sys.exit(1)


def check(path, name, label, connections, extra):
    text = open(path, encoding="utf-8", errors="replace").read()
    m = re.search(r"^BENCH_JSON (\{.*\})$", text, re.M)
    if not m:
        fail(f"{name}: no BENCH_JSON line in {path} (did wrk run?)\n{text[-2000:]}")
    r = json.loads(m.group(1))
    errors = {k: r[k] for k in ("connect", "read", "write", "timeout", "status") if r[k]}
    if "Non-2xx or 3xx responses" in text or "Socket errors" in text or errors:
        fail(f"{name}: wrk saw errors {errors} (status = non-2xx/3xx responses)\n{text}")
    if r["requests"] == 0:
        fail(f"{name}: no request completed")
    seconds = r["duration_us"] / 1e6
    r.update(
        name=name,
        label=label,
        connections=int(connections),
        seconds=round(seconds, 2),
        rps=round(r["requests"] / seconds, 1),
    )
    for kv in extra:
        k, v = kv.split("=", 1)
        try:
            v = json.loads(v)
        except ValueError:
            pass
        r[k] = v
    out = os.path.splitext(path)[0] + ".json"
    with open(out, "w") as f:
        json.dump(r, f, indent=1)
    print(
        f"  {label}: {r['rps']:,.0f} req/s, p50 {ms(r['p50_us'])}, p99 {ms(r['p99_us'])}, "
        f"{r['requests']:,} requests, no errors"
    )


def ms(us):
    return f"{us / 1000:.2f} ms"


def machine():
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass

    def cmd(*args):
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=10).stdout.strip()
        except Exception:
            return ""

    rev = cmd("git", "rev-parse", "--short", "HEAD") or "uncommitted tree"
    dirty = cmd("git", "status", "--porcelain")
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory": mem,
        "kernel": platform.release(),
        "wrk": (cmd("wrk", "--version") or cmd("sh", "-c", "wrk -v 2>&1")).splitlines()[0:1],
        "rustc": cmd("rustc", "--version"),
        "git": rev + (" (with local changes)" if dirty else ""),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def summarize(out, results_md, command):
    rows = {}
    for name in ORDER:
        p = os.path.join(out, f"{name}.json")
        if os.path.exists(p):
            rows[name] = json.load(open(p))
    if "baseline" not in rows:
        fail("no baseline result")
    base = rows["baseline"]["rps"]
    meta = {}
    for extra in ("seed", "commit", "seed_deals"):
        p = os.path.join(out, f"{extra}.json")
        if os.path.exists(p):
            meta[extra] = json.load(open(p))
    meta["machine"] = machine()
    meta["params"] = json.load(open(os.path.join(out, "params.json")))

    lines = [
        "| Test | Conns | Requests/s | p50 | p99 | vs baseline req/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in rows.items():
        label = r["label"]
        rps = f"{r['rps']:,.0f}"
        if name == "batch":
            rps += f" ({r['rps'] * 50:,.0f} gets/s)"
        lines.append(
            f"| {label} | {r['connections']} | {rps} | {ms(r['p50_us'])} | {ms(r['p99_us'])} | "
            f"{r['rps'] / base * 100:.1f}% |"
        )
    table = "\n".join(lines)

    # Targets
    targets = []
    if "get" in rows:
        ratio = rows["get"]["rps"] / base
        verdict = "met" if ratio >= TARGET_GET_RATIO else "MISSED"
        targets.append(
            f"- `crm.lead.get` throughput ≥ 50% of the baseline: **{ratio * 100:.1f}%** "
            f"({rows['get']['rps']:,.0f} vs {base:,.0f} req/s) — {verdict}, "
            f"{(ratio - TARGET_GET_RATIO) * 100:+.1f} points from the target "
            f"({'needs ×%.2f' % (TARGET_GET_RATIO / ratio) if ratio < TARGET_GET_RATIO else 'margin ×%.2f' % (ratio / TARGET_GET_RATIO)})."
        )
    if "get_half" in rows:
        h = rows["get_half"]
        p99 = h["p99_us"] / 1000
        verdict = "met" if p99 <= TARGET_GET_P99_MS else "MISSED"
        peak = rows["get"]["rps"] if "get" in rows else float("nan")
        targets.append(
            f"- `crm.lead.get` p99 ≤ 5 ms at half of peak: **p99 {p99:.2f} ms** at {h['rps']:,.0f} req/s "
            f"({h['rps'] / peak * 100:.0f}% of the {peak:,.0f} req/s peak; paced by wrk's delay() with "
            f"{h['connections']} connections, mean {h.get('pace_ms', '?')} ms pause) — {verdict}, "
            f"{TARGET_GET_P99_MS - p99:+.2f} ms from the limit."
        )
    if "add" in rows:
        a = rows["add"]["rps"]
        verdict = "met" if a >= TARGET_ADD_RPS else "MISSED"
        targets.append(
            f"- `crm.lead.add` ≥ 5,000/s: **{a:,.0f}/s** — {verdict}, {a - TARGET_ADD_RPS:+,.0f}/s "
            f"(×{a / TARGET_ADD_RPS:.2f} of the target)."
        )
    if "deal_list" in rows:
        d = rows["deal_list"]
        sd = meta.get("seed_deals", {})
        targets.append(
            f"- `crm.deal.list` filtered on a linked company and a user field over "
            f"{sd.get('deals', 0):,} deals ({sd.get('companies', 0):,} companies; one page of "
            f"{d.get('list_total', '?')} matches, `total` counted): **{d['rps']:,.0f} req/s**, p99 "
            f"{d['p99_us'] / 1000:.2f} ms, **{d['rps'] / base * 100:.1f}%** of the baseline (no target set). "
            f"Seeding: {sd.get('seconds', '?')} s ({sd.get('deals_per_s', 0):,} deals/s with their user-field value)."
        )
    c = meta.get("commit")
    if c:
        ok = c["committed"] >= c["acknowledged"] and c["after_kill"] == c["committed"]
        targets.append(
            f"- Each acknowledged add committed: wrk counted **{c['acknowledged']:,}** 2xx answers, the "
            f"store holds **{c['committed']:,}** new leads (≤ {c['connections']} more may be requests in flight "
            f"when wrk stopped), and **{c['after_kill']:,}** after `kill -9` and a restart — "
            f"{'met' if ok else 'FAILED'}. Durability setting: sqlite_synchronous = "
            f"`{c.get('synchronous', 'full')}` (the default; fsync at each group commit)."
        )

    m = meta["machine"]
    p = meta["params"]
    s = meta.get("seed", {})
    md = [
        "# Portico benchmark results",
        "",
        "Generated by `bench/run.sh` (`bench/report.py`); raw wrk outputs are in `bench/out/`.",
        "",
        "## Machine",
        "",
        f"- nproc: {m['nproc']}; CPU: {m['cpu']}; memory: {m['memory']}; kernel {m['kernel']}",
        f"- {' '.join(m['wrk'])}; {m['rustc']}",
        f"- Portico tree: {m['git']}; run at {m['date']}",
        "- wrk, Portico and the baseline share the same 2 cores over loopback (wrk's own CPU use "
        "is part of every figure, for the baseline too).",
        "",
        "## Command",
        "",
        "```",
        command,
        "```",
        "",
        f"Parameters: wrk `-t{p['threads']} -c{p['connections']} -d{p['duration']} --latency --timeout 10s`; "
        f"{p['leads']:,} seeded leads; `crm.lead.list` filter `>OPPORTUNITY=1000`, `STATUS_ID=NEW` "
        f"({p.get('list_total', '?'):,} matches), `start={p['list_start']}`; Portico `serve` over plain HTTP "
        f"with its default settings (log level {p.get('log', 'info')}, SQLite synchronous=FULL), "
        f"logs to a file.",
        "",
    ]
    if s:
        md += [
            f"Seeding: {s['leads']:,} leads in **{s['seconds']} s** ({s['leads_per_s']:,} leads/s) through "
            f"{s['requests']:,} `batch` requests of 50 `crm.lead.add` (JSON body, {s['concurrency']} in flight).",
            "",
        ]
    md += ["## Results", "", table, "", "## Targets", ""] + targets + [""]
    md += ["## Notes", ""] + NOTES
    busy = [(r["label"], r.get("busy", "").split(), r.get("load")) for r in rows.values()]
    if any(b for _, b, _ in busy):
        md.append(
            "- **Other processes were using the CPU during some runs** (figures for those rows are low): "
            + "; ".join(f"{label}: {' '.join(sorted(set(b)))} (load {load})" for label, b, load in busy if b)
            + "."
        )
    else:
        md.append(
            "- No other process used more than 10% CPU at the start or end of any run "
            f"(1-min load averages: {', '.join(str(l) for _, _, l in busy)})."
        )
    md.append("")
    # Hand-written analysis kept across runs.
    history = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ANALYSIS.md")
    if os.path.exists(history):
        md += [open(history, encoding="utf-8").read().rstrip(), ""]
    text = "\n".join(md)

    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(text)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"rows": rows, **meta}, f, indent=1)
    if results_md:
        with open(results_md, "w") as f:
            f.write(text)
    print()
    print(table)
    print()
    print("\n".join(targets))


def cpu_snapshot(path, groups):
    """CPU ticks of each group (pids and their children) and of the machine."""
    procs = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = open(f"/proc/{pid}/stat").read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        f = stat[stat.rindex(")") + 2 :].split()
        procs[int(pid)] = (int(f[1]), comm, int(f[11]) + int(f[12]))  # ppid, comm, utime+stime
    snap = {"time": time.time()}
    for g in groups:
        label, pids = g.split("=", 1)
        roots = {int(p) for p in pids.split(",") if p}
        snap[label] = sum(t for pid, (ppid, _, t) in procs.items() if pid in roots or ppid in roots)
    cpu = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    snap["machine_busy"] = sum(cpu) - cpu[3] - cpu[4]  # all but idle and iowait
    snap["machine_total"] = sum(cpu)
    json.dump(snap, open(path, "w"))


def cpu_between(out, first, second):
    """Cores each group used between two snapshots, and the machine's busy cores."""
    try:
        a = json.load(open(os.path.join(out, f"{first}.cpu.json")))
        b = json.load(open(os.path.join(out, f"{second}.cpu.json")))
    except OSError:
        return None
    hz = os.sysconf("SC_CLK_TCK")
    secs = b["time"] - a["time"]
    cores = {k: (b[k] - a[k]) / hz / secs for k in a if k not in ("time", "machine_total")}
    return cores


def cpu_text(cores):
    if not cores:
        return ""
    parts = [f"{k} {v:.2f}" for k, v in cores.items() if k != "machine_busy" and v >= 0.005]
    ours = sum(v for k, v in cores.items() if k != "machine_busy")
    other = cores["machine_busy"] - ours
    return ", ".join(parts + [f"everything else {other:.2f}"]) + f" (machine busy {cores['machine_busy']:.2f} of {os.cpu_count()})"


NODE_SETUPS = {
    "sqlite": "(a) SQLite, one node",
    "pg1": "(b) PostgreSQL, one node",
    "pg2": "(c) PostgreSQL, two nodes behind nginx",
}


def nodes(out, md_path, command):
    params = json.load(open(os.path.join(out, "params.json")))
    rows, details, cpu_lines, busy = [], [], [], []
    for name in params["setups"]:
        base = json.load(open(os.path.join(out, f"{name}_baseline.json")))
        b_rps, b_p99 = base["rps"], base["p99_us"]
        get = json.load(open(os.path.join(out, f"{name}_get.json")))
        add = json.load(open(os.path.join(out, f"{name}_add.json")))
        dl = json.load(open(os.path.join(out, f"{name}_deliveries.json")))
        seed = json.load(open(os.path.join(out, f"{name}_seed.json")))
        label = NODE_SETUPS[name]
        ids = [int(i) for i in open(os.path.join(out, f"{name}_seed.ids"))]
        unused = ids[-1] - ids[0] + 1 - len(ids)
        rows.append(
            f"| {label} | {b_rps:,.0f}, p99 {ms(b_p99)} | "
            f"**{get['rps']:,.0f}** ({get['rps'] / b_rps * 100:.1f}%) | "
            f"**{ms(get['p99_us'])}** (×{get['p99_us'] / b_p99:.1f}) | "
            f"**{add['rps']:,.0f}** ({add['rps'] / b_rps * 100:.1f}%) | "
            f"**{dl['deliveries_per_s']:,.0f}** ({dl['deliveries_per_s'] / b_rps * 100:.1f}%) |"
        )
        details.append(
            f"- {label}: seeding {seed['leads']:,} leads took {seed['seconds']} s ({seed['leads_per_s']:,}/s; "
            f"{unused} ids left unused in {ids[0]}..{ids[-1]}); "
            f"`crm.lead.get` p50 {ms(get['p50_us'])}; `crm.lead.add` p50 {ms(add['p50_us'])}, p99 {ms(add['p99_us'])}; "
            f"the {dl['events']:,} events' leads were added in {dl['adding_s']} s ({dl['adding_per_s']:,}/s) and the "
            f"last event arrived {dl['seconds']} s after the first lead was sent "
            f"({dl['requests'] - dl['events']} repeated deliveries)."
        )
        for what, a, b in (("get", "get.0", "get.1"), ("add", "get.1", "add.1"),
                           ("deliveries", "deliveries.0", "deliveries.1")):
            cores = cpu_between(out, f"{name}_{a}", f"{name}_{b}")
            if cores:
                cpu_lines.append(f"| {label} | {what} | {cpu_text(cores)} |")
        busy += [(f"{label} baseline", base.get("busy", ""), base.get("load")),
                 (f"{label} get", get.get("busy", ""), get.get("load")),
                 (f"{label} add", add.get("busy", ""), add.get("load"))]
    # The machine as it was at the run (kept when the report is made again).
    saved = os.path.join(out, "machine.json")
    if os.path.exists(saved):
        m = json.load(open(saved))
    else:
        m = machine()
        json.dump(m, open(saved, "w"))
    md = [
        "# Portico on SQLite vs PostgreSQL, one node vs two",
        "",
        f"Generated by `{command}` (`bench/report.py nodes`); raw outputs in `bench/out-nodes/`.",
        "",
        "## Machine",
        "",
        f"- nproc: {m['nproc']}; CPU: {m['cpu']}; memory: {m['memory']}; kernel {m['kernel']}",
        f"- {' '.join(m['wrk'])}; {m['rustc']}; PostgreSQL {params.get('postgres') or '—'}; "
        f"nginx {params.get('nginx') or '—'}",
        f"- Portico tree: {m['git']}; run at {m['date']}",
        "- wrk, nginx, PostgreSQL, the Portico nodes and the baseline (also the events' receiver) "
        "share the same cores over loopback.",
        "",
        "## Command",
        "",
        "```",
        command,
        "```",
        "",
        f"wrk `-t{params['threads']} -c{params['connections']} -d{params['duration']} --latency --timeout 10s`; "
        f"each set-up starts empty and is seeded with {params['leads']:,} leads (`batch` of 50 `crm.lead.add`, "
        f"8 in flight); `portico serve --limits off`, default settings otherwise (SQLite synchronous=FULL). "
        f"Deliveries: an outbound webhook for `ONCRMLEADADD` to the baseline server's `POST /events`, one lead "
        f"through each node to see it deliver, then {params['events']:,} leads through `batch`; timed from the "
        f"first of those sent until the receiver holds all {params['events']:,} leads' events.",
        "",
        "## Results",
        "",
        "Each figure with its ratio to the hello-world baseline (`GET /`, same wrk settings) measured "
        "just before the set-up in the same run (req/s: percentage of the baseline's req/s; p99: "
        "multiple of the baseline's p99).",
        "",
        "| Set-up | baseline req/s | `crm.lead.get` req/s | `crm.lead.get` p99 | `crm.lead.add` req/s | deliveries/s |",
        "|---|---:|---:|---:|---:|---:|",
    ] + rows + ["", "## Details", ""] + details
    if cpu_lines:
        md += [
            "",
            "CPU used during each measure, in cores (each group with its child processes: "
            "PostgreSQL's backends, nginx's workers); 'everything else' is wrk or the seeding "
            "script, the bench script itself and any other work on the machine:",
            "",
            "| Set-up | Measure | Cores |",
            "|---|---|---|",
        ] + cpu_lines
    md += ["", "## Set-ups", "",
           "- PostgreSQL: a throw-away cluster started by `.ci/postgres` (as in CI: `fsync=off`, "
           "`synchronous_commit=off`, `full_page_writes=off`, so commits do not wait for the disk, "
           "unlike SQLite's synchronous=FULL), one database per set-up, Portico's default pool "
           "(4 connections per core, at least 8) per node.",
           "- Two nodes: each `portico serve --database-url …` with its own data folder holding a copy "
           "of the first node's `secret.key`, `PORTICO_TRUSTED_PROXIES=127.0.0.1`, behind nginx:"]
    conf = os.path.join(out, "nginx.conf")
    if os.path.exists(conf):
        md += ["", "```nginx", open(conf).read().rstrip(), "```"]
    md += [""]
    busy_rows = [(l, b.split(), load) for l, b, load in busy]
    if any(b for _, b, _ in busy_rows):
        md.append(
            "- **Other processes were using the CPU during some runs** (figures for those rows are low): "
            + "; ".join(f"{l}: {' '.join(sorted(set(b)))} (load {load})" for l, b, load in busy_rows if b)
            + "."
        )
    else:
        md.append(
            "- No other process used more than 10% CPU at the start or end of any wrk run "
            f"(1-min load averages: {', '.join(str(l) for _, _, l in busy_rows)})."
        )
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NODES-ANALYSIS.md")
    if os.path.exists(notes):
        md += ["", open(notes, encoding="utf-8").read().rstrip()]
    text = "\n".join(md) + "\n"
    with open(os.path.join(out, "nodes.md"), "w") as f:
        f.write(text)
    if md_path:
        with open(md_path, "w") as f:
            f.write(text)
    print(text)


def main():
    if len(sys.argv) < 2:
        fail(__doc__)
    cmd = sys.argv[1]
    if cmd == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:])
    elif cmd == "get":
        print(json.load(open(sys.argv[2]))[sys.argv[3]])
    elif cmd == "summarize":
        summarize(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "cpu":
        cpu_snapshot(sys.argv[2], sys.argv[3:])
    elif cmd == "nodes":
        nodes(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        fail(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
