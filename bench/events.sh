#!/usr/bin/env bash
# Event delivery benchmark: how fast the outbox empties into a handler, how long
# an event takes from its write to its handler at a steady rate, and what a
# subscriber costs crm.lead.add.
#
#   bash bench/events.sh
#
# Builds release binaries (portico, the event_bench example of portico-delivery),
# starts `portico serve --allow-private-handlers` on a temporary data folder and
# runs crates/delivery/examples/event_bench.rs against it: a handler on a loopback
# port, an outbound webhook to it (ONCRMLEADADD), then
#   1. deliveries per second: EVENTS leads added through `batch` while the handler
#      holds its answers, then the time for the worker to empty the outbox;
#   2. latency at RATE events/s for SECONDS: crm.lead.add sent → event received;
# with wrk's crm.lead.add (bench/lua/add.lua) before any outbound webhook exists,
# then with the subscriber receiving, and with its handler no longer answering
# (the write path's own cost). Writes bench/out-events/ and
# bench/EVENTS.md. Reads no stdin; about a minute once built.
#
# Env (defaults): BENCH_EVENTS (40000), BENCH_RATE (1000), BENCH_SECONDS (10),
# BENCH_DURATION (10s), BENCH_CONNECTIONS (64), BENCH_THREADS (2),
# BENCH_OUT (bench/out-events), BENCH_RESULTS_MD (bench/EVENTS.md; empty = don't write),
# BENCH_SKIP_BUILD (unset).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
EVENTS="${BENCH_EVENTS:-40000}"
RATE="${BENCH_RATE:-1000}"
SECONDS_PACED="${BENCH_SECONDS:-10}"
DURATION="${BENCH_DURATION:-10s}"
CONNS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
OUT="${BENCH_OUT:-$ROOT/bench/out-events}"
RESULTS_MD="${BENCH_RESULTS_MD-$ROOT/bench/EVENTS.md}"
export BENCH_LUA_DIR="$ROOT/bench/lua"

say() { printf '\n== %s\n' "$*"; }
die() { printf '\nBENCH FAILED: %s\n\n' "$*" >&2; exit 1; }

command -v wrk >/dev/null 2>&1 || {
  [[ "$(id -u)" -eq 0 ]] || die "wrk is missing; install it (apt-get install wrk) or run as root"
  apt-get update -qq </dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk </dev/null >/dev/null
}

BIN="$ROOT/target/release/portico"
EVB="$ROOT/target/release/examples/event_bench"
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  say "building (cargo build --release -p portico --bin portico, -p portico-delivery --example event_bench)"
  cargo build --release -p portico --bin portico </dev/null
  cargo build --release -p portico-delivery --example event_bench </dev/null
fi
[[ -x "$BIN" && -x "$EVB" ]] || die "missing $BIN or $EVB"

rm -rf "$OUT"; mkdir -p "$OUT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/portico-events.XXXXXX")"
DATA="$WORK/data"
PORTICO_PID=""; EVB_PID=""
cleanup() {
  local rc=$?
  exec 9>&- 2>/dev/null || true
  for pid in $EVB_PID $PORTICO_PID; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [[ $rc -ne 0 && -f "$WORK/portico.log" ]] && tail -n 20 "$WORK/portico.log" >&2
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT INT TERM

say "starting Portico"
"$BIN" serve --data-dir "$DATA" --listen 127.0.0.1:0 --admin-password bench-admin-password \
  --allow-private-handlers </dev/null > "$WORK/portico.log" 2>&1 &
PORTICO_PID=$!
ADDR=""
for _ in $(seq 300); do
  ADDR="$(sed -n 's#.*Portico listening on http://\([0-9.:]*\).*#\1#p' "$WORK/portico.log" | head -n1)"
  [[ -n "$ADDR" ]] && break
  kill -0 "$PORTICO_PID" 2>/dev/null || die "portico exited"
  sleep 0.1
done
[[ -n "$ADDR" ]] || die "portico did not start"
hook="$("$BIN" webhook add --data-dir "$DATA" --user admin --scope crm --name bench </dev/null)"
HOOK_PATH="$(printf '%s\n' "$hook" | grep -o '/rest/[0-9]*/[a-z0-9]*/' | head -n1)"
API="http://$ADDR$HOOK_PATH"

run_add() { # name
  say "crm.lead.add, $1 ($CONNS connections, $DURATION)"
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency --timeout 10s \
    -s "$ROOT/bench/lua/add.lua" "http://$ADDR/" -- "$HOOK_PATH" </dev/null > "$OUT/add_$1.txt" 2>&1 \
    || { cat "$OUT/add_$1.txt" >&2; die "wrk failed"; }
  grep -E 'Requests/sec|Non-2xx|Socket errors|^ +(50|99)%' "$OUT/add_$1.txt" || true
  if grep -qE 'Non-2xx|Socket errors' "$OUT/add_$1.txt"; then die "errors during add_$1"; fi
}
# Without any outbound webhook first: the write path as it is without events.
run_add unsubscribed

say "deliveries/s ($EVENTS events) and latency ($RATE events/s for ${SECONDS_PACED}s)"
mkfifo "$WORK/evb.in"
"$EVB" "$BIN" "$DATA" "$API" "$EVENTS" "$RATE" "$SECONDS_PACED" < "$WORK/evb.in" > "$OUT/event_bench.txt" 2>&1 &
EVB_PID=$!
exec 9> "$WORK/evb.in"
for _ in $(seq 3000); do
  grep -q '^READY' "$OUT/event_bench.txt" && break
  kill -0 "$EVB_PID" 2>/dev/null || { cat "$OUT/event_bench.txt" >&2; die "event_bench exited"; }
  sleep 0.1
done
grep -q '^READY' "$OUT/event_bench.txt" || die "event_bench did not finish in 300 s"
head -n1 "$OUT/event_bench.txt" > "$OUT/event_bench.json"
cat "$OUT/event_bench.json"

run_add subscribed
# Let the backlog drain, then count what the handler got during the run.
sleep 5
echo count >&9
sleep 0.5
tail -n1 "$OUT/event_bench.txt" > "$OUT/drained.json"
# The write path alone: the handler stops answering, deliveries queue up.
echo hold >&9
run_add held
exec 9>&-
wait "$EVB_PID" || true
EVB_PID=""

python3 - "$OUT" "$RESULTS_MD" "$EVENTS" "$RATE" "$SECONDS_PACED" "$CONNS" "$DURATION" <<'PY'
import json, re, subprocess, sys, datetime
out, md, events, rate, secs, conns, duration = sys.argv[1:]
r = json.load(open(f"{out}/event_bench.json"))
drained = json.load(open(f"{out}/drained.json"))["answered_after_ready"]
def wrk(name):
    t = open(f"{out}/add_{name}.txt").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    total = int(re.search(r"(\d+) requests in", t).group(1))
    p = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", t, re.M))
    return rps, total, p
sub, sub_total, sub_p = wrk("subscribed")
held, _, held_p = wrk("held")
uns, _, uns_p = wrk("unsubscribed")
t, l = r["throughput"], r["latency"]
tree = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True).stdout.strip()
lines = [
 "# Portico event delivery benchmark",
 "",
 "Generated by `bash bench/events.sh` (raw outputs in `bench/out-events/`).",
 "",
 f"- Machine: {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores; Portico, the handler and the load generators share them over loopback.",
 f"- Tree {tree}{' (with local changes)' if dirty else ''}; run at {datetime.datetime.utcnow():%Y-%m-%d %H:%M:%S} UTC; SQLite synchronous=FULL (the default).",
 "",
 "| Measure | Figure | Target |",
 "|---|---:|---|",
 f"| Deliveries per second, outbox of {int(events):,} events emptied into a local handler | **{t['deliveries_per_s']:,.0f}/s** ({t['drained_s']} s) | ≥ 5,000/s |",
 f"| Commit→receipt at {l['achieved_rate']:,.0f} events/s ({l['arrived']:,}/{l['events']:,} arrived), from sending `crm.lead.add` | p50 **{l['send_to_receipt_ms']['p50']} ms**, p99 **{l['send_to_receipt_ms']['p99']} ms**, max {l['send_to_receipt_ms']['max']} ms | p99 ≤ 50 ms |",
 f"| — the same, from its answer | p50 {l['answer_to_receipt_ms']['p50']} ms, p99 {l['answer_to_receipt_ms']['p99']} ms | |",
 f"| `crm.lead.add` (wrk, {conns} connections, {duration}), no subscriber | {uns:,.0f}/s (p50 {uns_p.get('50')}, p99 {uns_p.get('99')}) | |",
 f"| `crm.lead.add`, one subscriber receiving every add | {sub:,.0f}/s (p50 {sub_p.get('50')}, p99 {sub_p.get('99')}); {sub/uns*100:.1f}% of the unsubscribed rate (sending shares the 2 cores) | |",
 f"| Deliveries received during and 5 s after that run | {drained:,} of {sub_total:,} adds (the rest were still queued) | |",
 f"| `crm.lead.add`, one subscriber whose handler stopped answering (the outbox's cost on the write path: event and delivery rows, no sending) | {held:,.0f}/s (p50 {held_p.get('50')}, p99 {held_p.get('99')}); {held/uns*100:.1f}% of the unsubscribed rate | ≤ 10% drop |",
 "",
 "The commit→receipt figure is measured from the moment the client sent `crm.lead.add` (the commit happens before its answer, so this is an upper bound) to the handler reading the delivery; the second line starts at the answer instead, and is negative when the event arrived before the answer did.",
]
text = "\n".join(lines) + "\n"
print(text)
if md:
    open(md, "w").write(text)
PY
