#!/usr/bin/env bash
# Notifications and live updates: how many notifications per second
# im.notify.system.add takes, and how long one takes from the call until a
# connected browser's /live stream delivers it, with many streams open.
#
#   bash bench/live.sh
#
# Builds the release binary and the live_bench example, creates BENCH_USERS
# users with a password (CLI), starts `portico serve --limits off` on a
# temporary data folder (SQLite), then:
#   1. baseline: GET / of the hello example (wrk, bench/lua/path.lua);
#   2. im.notify.system.add to a random user (wrk, bench/lua/notify.lua), as
#      the administrator's webhook (each call also writes the recipient's live
#      row; no stream is open yet);
#   3. latency (crates/web/examples/live_bench.rs): signs the users in through
#      the sign-in page, opens BENCH_CLIENTS /live streams spread over them,
#      sends BENCH_NOTIFICATIONS notifications at BENCH_RATE/s, each to the
#      next user, and measures for every stream of the recipient the time from
#      the call's start to the update read off the stream: p50/p90/p99/max,
#      and updates lost.
# Fails loudly on any non-2xx answer, socket error or lost update. Writes raw
# outputs to OUT and the report to bench/LIVE.md. Reads no stdin.
#
# Env (defaults): BENCH_USERS (100), BENCH_CLIENTS (1000), BENCH_NOTIFICATIONS
# (2000), BENCH_RATE (100), BENCH_DURATION (10s), BENCH_CONNECTIONS (32),
# BENCH_THREADS (2), BENCH_OUT (bench/out-live), BENCH_RESULTS_MD
# (bench/LIVE.md; empty = don't write), BENCH_SKIP_BUILD (unset).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
USERS="${BENCH_USERS:-100}"
CLIENTS="${BENCH_CLIENTS:-1000}"
NOTIFICATIONS="${BENCH_NOTIFICATIONS:-2000}"
RATE="${BENCH_RATE:-100}"
DURATION="${BENCH_DURATION:-10s}"
CONNS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
OUT="${BENCH_OUT:-$ROOT/bench/out-live}"
RESULTS_MD="${BENCH_RESULTS_MD-$ROOT/bench/LIVE.md}"
export BENCH_LUA_DIR="$ROOT/bench/lua"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/portico"
HELLO="$TARGET/release/examples/hello"
CLIENT="$TARGET/release/examples/live_bench"
PASSWORD="bench live password"

source "$ROOT/bench/lib.sh"
need_wrk

if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  say "building (release: portico, examples hello and live_bench)"
  cargo build --release -p portico </dev/null
  cargo build --release -p portico-web --example hello --example live_bench </dev/null
fi
for b in "$BIN" "$HELLO" "$CLIENT"; do [[ -x "$b" ]] || die "missing $b"; done
# 1,000 streams and the bench's own sockets need more than the default 1,024 files.
ulimit -n 65536 2>/dev/null || ulimit -n 8192 2>/dev/null || true

rm -rf "$OUT"; mkdir -p "$OUT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/portico-live.XXXXXX")"
DATA="$WORK/data"
PIDS=()
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  [[ $rc -ne 0 && -f "$WORK/portico.log" ]] && tail -n 20 "$WORK/portico.log" >&2
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT INT TERM

say "starting the baseline and Portico"
"$HELLO" 127.0.0.1:0 </dev/null > "$WORK/hello.log" 2>&1 &
PIDS+=($!)
HELLO_ADDR="$(wait_addr "${PIDS[-1]}" "$WORK/hello.log" 'hello listening on http://')"
RUST_LOG=warn "$BIN" serve --data-dir "$DATA" --listen 127.0.0.1:0 --limits off \
  --admin-password bench-admin-password </dev/null > "$WORK/portico.log" 2>&1 &
PIDS+=($!)
ADDR="$(wait_addr "${PIDS[-1]}" "$WORK/portico.log" 'Portico listening on http://')"
WATCH=("the baseline:${PIDS[0]}" "Portico:${PIDS[1]}")
hook="$("$BIN" webhook add --data-dir "$DATA" --user admin --scope im,user --name bench </dev/null)"
HOOK_PATH="$(printf '%s\n' "$hook" | grep -o '/rest/[0-9]*/[a-z0-9]*/' | head -n1)"
[[ -n "$HOOK_PATH" ]] || die "unexpected 'webhook add' output: $hook"

say "creating $USERS users"
LOGINS=(); IDS=()
for i in $(seq "$USERS"); do
  line="$("$BIN" user add --data-dir "$DATA" --login "reader$i" --name "Reader $i" --password "$PASSWORD" </dev/null)"
  LOGINS+=("reader$i"); IDS+=("$(printf '%s' "$line" | grep -o 'id [0-9]*' | grep -o '[0-9]*')")
done
LOGIN_LIST="$(IFS=,; echo "${LOGINS[*]}")"
ID_LIST="$(IFS=,; echo "${IDS[*]}")"

bench baseline "baseline GET /" "$CONNS" "http://$HELLO_ADDR/" path.lua "/"
bench notify "im.notify.system.add" "$CONNS" "http://$ADDR/" notify.lua "$HOOK_PATH" "$ID_LIST"

say "latency: $CLIENTS streams over $USERS users, $NOTIFICATIONS notifications at $RATE/s"
"$CLIENT" --base "http://$ADDR" --hook "$HOOK_PATH" --users "$LOGIN_LIST" \
  --user-ids "$ID_LIST" --password "$PASSWORD" --clients "$CLIENTS" \
  --notifications "$NOTIFICATIONS" --rate "$RATE" </dev/null | tee "$OUT/latency.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(1 if d["lost"] else 0)' \
  "$OUT/latency.json" || die "updates were lost"

python3 - "$OUT" "$RESULTS_MD" "$USERS" "$CLIENTS" "$NOTIFICATIONS" "$RATE" "$CONNS" "$DURATION" <<'PY'
import datetime, json, re, subprocess, sys
out, md, users, clients, notifications, rate, conns, duration = sys.argv[1:]
def wrk(name):
    t = open(f"{out}/{name}.txt").read()
    j = json.loads(re.search(r"^BENCH_JSON (.*)$", t, re.M).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    return rps, j["p50_us"] / 1000, j["p99_us"] / 1000
base, notify = wrk("baseline"), wrk("notify")
lat = json.load(open(f"{out}/latency.json"))
tree = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
dirty = subprocess.run(["git", "status", "--porcelain", "--", "crates"], capture_output=True, text=True).stdout.strip()
cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
lines = [
 "# Portico notifications and live updates",
 "",
 "Generated by `bash bench/live.sh` (raw outputs in `bench/out-live/`).",
 "",
 f"- Machine: {cores} cores; Portico (release build, SQLite in WAL mode, `--limits off`), wrk and the stream client share them over loopback.",
 f"- Tree {tree}{' (with local changes)' if dirty else ''}; run at {datetime.datetime.utcnow():%Y-%m-%d %H:%M:%S} UTC.",
 f"- wrk: {conns} connections, {duration}; the baseline is `GET /` of the hello example (a bare axum server) measured in the same run.",
 "",
 "| Request | Throughput | vs baseline | p50 | p99 |",
 "|---|---:|---:|---:|---:|",
 f"| baseline `GET /` | {base[0]:,.0f}/s | 100% | {base[1]:.2f} ms | {base[2]:.2f} ms |",
 f"| `im.notify.system.add` (JSON, random recipient of {users}) | {notify[0]:,.0f}/s | {100 * notify[0] / base[0]:.1f}% | {notify[1]:.2f} ms | {notify[2]:.2f} ms |",
 "",
 f"Call to browser: {lat['clients']:,} `/live` streams open ({lat['users']} signed-in users, "
 f"{lat['clients'] // lat['users']} streams each, opened in {lat['streams_open_s']:.1f} s); "
 f"{lat['notifications']:,} notifications at {rate}/s, each to the next user; "
 f"{lat['arrived']:,} of {lat['expected']:,} updates arrived ({lat['lost']} lost).",
 "",
 "| From the call's start to the update read off a stream | p50 | p90 | p99 | max |",
 "|---|---:|---:|---:|---:|",
 f"| {lat['clients']:,} streams | {lat['p50_ms']:.1f} ms | {lat['p90_ms']:.1f} ms | {lat['p99_ms']:.1f} ms | {lat['max_ms']:.1f} ms |",
]
text = "\n".join(lines) + "\n"
print(text)
if md:
    open(md, "w").write(text)
PY
