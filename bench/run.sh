#!/usr/bin/env bash
# Portico benchmark: a hello-world axum baseline vs Portico's REST API, with wrk.
#
#   bash bench/run.sh
#
# Installs wrk when missing (apt-get, as root), builds release binaries, starts the
# baseline (crates/web/examples/hello.rs) and Portico on loopback ports with a
# temporary data folder, seeds leads through `batch`, runs wrk (Lua scripts in
# bench/lua/), fails loudly on any non-2xx answer or socket error, writes raw
# outputs and results to bench/out/, prints a markdown table and writes
# bench/RESULTS.md. Reads no stdin; about 2–3 minutes once built.
#
# Env (defaults): BENCH_DURATION (10s), BENCH_CONNECTIONS (64), BENCH_THREADS (2),
# BENCH_LEADS (100000), BENCH_DEALS (100000), BENCH_COMPANIES (200), BENCH_LIST_START (50000), BENCH_PACE_MS (10),
# BENCH_OUT (bench/out), BENCH_RESULTS_MD (bench/RESULTS.md; empty = don't write),
# BENCH_SKIP_BUILD (unset), RUST_LOG (unset = Portico's default, info), CARGO_TARGET_DIR (target).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${BENCH_DURATION:-10s}"
CONNS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
LEADS="${BENCH_LEADS:-100000}"
DEALS="${BENCH_DEALS:-100000}"
COMPANIES="${BENCH_COMPANIES:-200}"
LIST_START="${BENCH_LIST_START:-50000}"
PACE_MS="${BENCH_PACE_MS:-10}"
OUT="${BENCH_OUT:-$ROOT/bench/out}"
RESULTS_MD="${BENCH_RESULTS_MD-$ROOT/bench/RESULTS.md}"
export BENCH_LUA_DIR="$ROOT/bench/lua"

source "$ROOT/bench/lib.sh"
T0=$(date +%s)

# --- wrk -------------------------------------------------------------------
need_wrk

# --- build -----------------------------------------------------------------
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/portico"
HELLO="${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/hello"
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  say "building (cargo build --release -p portico -p portico-web --bin portico --example hello)"
  cargo build --release -p portico -p portico-web --bin portico --example hello </dev/null
fi
[[ -x "$BIN" && -x "$HELLO" ]] || die "missing $BIN or $HELLO"

rm -rf "$OUT"
mkdir -p "$OUT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/portico-bench.XXXXXX")"
DATA="$WORK/data"
HELLO_PID=""
PORTICO_PID=""

cleanup() {
  local rc=$?
  stop "$PORTICO_PID"
  stop "$HELLO_PID"
  if [[ $rc -ne 0 && -f "$WORK/portico.log" ]]; then
    echo "--- last lines of the Portico log:" >&2
    tail -n 20 "$WORK/portico.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT INT TERM

start_portico() { # listen address
  : >> "$WORK/portico.log"
  "$BIN" serve --data-dir "$DATA" --listen "$1" --admin-password "bench-admin-password" \
    </dev/null >> "$WORK/portico.log" 2>&1 &
  PORTICO_PID=$!
}

# --- servers ---------------------------------------------------------------
say "starting the baseline and Portico"
: > "$WORK/hello.log"
"$HELLO" 127.0.0.1:0 </dev/null > "$WORK/hello.log" 2>&1 &
HELLO_PID=$!
HELLO_ADDR="$(wait_addr "$HELLO_PID" "$WORK/hello.log" 'hello listening on http://')"

start_portico 127.0.0.1:0
PORTICO_ADDR="$(wait_addr "$PORTICO_PID" "$WORK/portico.log" 'Portico listening on http://')"
HOOK_PATH="$(hook_path "$BIN" "$DATA")"
API="http://$PORTICO_ADDR$HOOK_PATH"
WATCH=("Portico:$PORTICO_PID" "the baseline:$HELLO_PID")
echo "baseline http://$HELLO_ADDR/  portico http://$PORTICO_ADDR (pid $PORTICO_PID)"

# --- seed ------------------------------------------------------------------
say "seeding $LEADS leads (batch of 50 crm.lead.add, 8 in flight)"
seed_leads "$LEADS" "$OUT/seed"

say "seeding $DEALS deals over $COMPANIES companies with a user field (batch of 50 crm.deal.add)"
python3 bench/seed_deals.py "$API" "$DEALS" "$COMPANIES" 8 </dev/null | tee "$OUT/seed_deals.txt"
sed -n 's/^SEED_DEALS_JSON //p' "$OUT/seed_deals.txt" > "$OUT/seed_deals.json"
COMPANY_ID="$(python3 bench/report.py get "$OUT/seed_deals.json" company_id)"
# One company's deals in one of the ten segments: DEALS / COMPANIES / 10 rows.
DEAL_QUERY="filter%5BCOMPANY_ID%5D=$COMPANY_ID&filter%5BUF_CRM_SEGMENT%5D=S3"
DEAL_TOTAL="$(api "crm.deal.list?$DEAL_QUERY&select%5B%5D=ID" | json 'd["total"]')"
[[ "$DEAL_TOTAL" == "$((DEALS / COMPANIES / 10))" ]] || die "crm.deal.list matched $DEAL_TOTAL deals, expected $((DEALS / COMPANIES / 10))"
echo "deals: $DEALS, company $COMPANY_ID segment S3: $DEAL_TOTAL deals"

# --- pre-flight: each request shape answers correctly once ------------------
LIST_QUERY="filter%5B%3EOPPORTUNITY%5D=1000&filter%5BSTATUS_ID%5D=NEW&start=$LIST_START"
LIST_TOTAL="$(python3 -c "print(sum(1 for i in range(1, $LEADS + 1) if i % 5 != 4 and (i * 7919) % 10000 > 1000))")"
api "crm.lead.get?ID=$MAX_ID" | json 'd["result"]["ID"]' | grep -qx "$MAX_ID" || die "crm.lead.get pre-flight"
list_check="$(api "crm.lead.list?$LIST_QUERY" | json 'len(d["result"]), d["total"], d.get("next")')"
want_rows=$(( LIST_TOTAL - LIST_START >= 50 ? 50 : (LIST_TOTAL - LIST_START > 0 ? LIST_TOTAL - LIST_START : 0) ))
[[ "$list_check" == "$want_rows $LIST_TOTAL "* ]] || die "crm.lead.list pre-flight: got (rows, total, next) = $list_check, want ($want_rows, $LIST_TOTAL, …)"
batch_body="$(python3 -c "import json; print(json.dumps({'halt': 0, 'cmd': {f'g{i}': f'crm.lead.get?ID={$MIN_ID + i * 997 % $LEADS}' for i in range(50)}}))")"
batch_check="$(curl -sS --fail-with-body -H 'Content-Type: application/json' -d "$batch_body" "${API}batch" \
  | json 'len(d["result"]["result"]), len(d["result"]["result_error"])')"
[[ "$batch_check" == "50 0" ]] || die "batch pre-flight: (results, errors) = $batch_check"
echo "pre-flight ok: get, list (rows, total, next) = $list_check, batch = $batch_check"

python3 - "$OUT/params.json" <<EOF
import json, sys
json.dump({"threads": $THREADS, "connections": $CONNS, "duration": "$DURATION", "leads": $LEADS,
           "list_start": $LIST_START, "list_total": $LIST_TOTAL, "pace_ms": $PACE_MS,
           "log": "${RUST_LOG:-info}"}, open(sys.argv[1], "w"))
EOF

# --- wrk runs (bench in bench/lib.sh) ---------------------------------------
P="http://$PORTICO_ADDR/"
bench baseline "baseline GET / (hello)" "$CONNS" "http://$HELLO_ADDR/" path.lua /
bench get "crm.lead.get, random id" "$CONNS" "$P" get.lua "$HOOK_PATH" "$MIN_ID" "$MAX_ID"
bench list "crm.lead.list, filter + start=$LIST_START" "$CONNS" "$P" path.lua "${HOOK_PATH}crm.lead.list?$LIST_QUERY"
bench batch "batch of 50 crm.lead.get" "$CONNS" "$P" batch.lua "$HOOK_PATH" "$MIN_ID" "$MAX_ID"
bench deal_list "crm.deal.list, COMPANY_ID + UF_CRM_SEGMENT filter" "$CONNS" "$P" path.lua \
  "${HOOK_PATH}crm.deal.list?$DEAL_QUERY" -- "list_total=$DEAL_TOTAL"

# Half of the peak get rate: wrk has no rate limit (wrk2 is not packaged), so each
# connection pauses a random 0..2×PACE_MS ms between requests (delay() hook);
# connections = rate × (pause + ~0.3 ms service time).
# A 3-second calibration run corrects the connection count for wrk's own timer
# and scheduling overhead.
peak="$(python3 bench/report.py get "$OUT/get.json" rps)"
conns_for() { # wanted rps, measured rps per connection → even connection count
  python3 -c "import math; c = math.ceil(($1) / ($2)); print(max($THREADS, c + (-c % $THREADS)))"
}
half_conns="$(conns_for "$peak / 2" "1000 / ($PACE_MS + 0.3)")"
DURATION_SAVED="$DURATION"; DURATION=3s
bench get_half_calibration "calibration of the paced run" "$half_conns" "$P" get.lua "$HOOK_PATH" "$MIN_ID" "$MAX_ID" "$PACE_MS"
DURATION="$DURATION_SAVED"
cal="$(python3 bench/report.py get "$OUT/get_half_calibration.json" rps)"
half_conns="$(conns_for "$peak / 2" "$cal / $half_conns")"
bench get_half "crm.lead.get at ~half of peak (paced)" "$half_conns" "$P" get.lua "$HOOK_PATH" "$MIN_ID" "$MAX_ID" "$PACE_MS" \
  -- "pace_ms=$PACE_MS" "target_rps=$(python3 -c "print(round($peak / 2))")"

bench add "crm.lead.add (JSON)" "$CONNS" "$P" add.lua "$HOOK_PATH"

# --- every acknowledged add is committed, and survives kill -9 ---------------
say "commit check"
acked="$(python3 bench/report.py get "$OUT/add.json" requests)"
count_new() { api 'crm.lead.list?select%5B%5D=ID&filter%5B%25TITLE%5D=bench%20add' | json 'd["total"]'; }
committed="$(count_new)"
kill -KILL "$PORTICO_PID"
wait "$PORTICO_PID" 2>/dev/null || true
start_portico "$PORTICO_ADDR"
for _ in $(seq 300); do
  [[ "$(grep -c 'Portico listening on' "$WORK/portico.log")" -ge 2 ]] && break
  kill -0 "$PORTICO_PID" 2>/dev/null || die "Portico did not restart after kill -9"
  sleep 0.1
done
after_kill="$(count_new)"
echo "acknowledged $acked, committed $committed, after kill -9 + restart $after_kill"
python3 - "$OUT/commit.json" <<EOF
import json, sys
json.dump({"acknowledged": $acked, "committed": $committed, "after_kill": $after_kill,
           "connections": $CONNS, "synchronous": "full"}, open(sys.argv[1], "w"))
EOF
[[ "$committed" -ge "$acked" ]] || die "only $committed of $acked acknowledged adds are in the store"
[[ "$committed" -le $((acked + CONNS)) ]] || die "$committed adds committed, more than $acked acknowledged + $CONNS in flight"
[[ "$after_kill" -eq "$committed" ]] || die "$committed adds before kill -9, $after_kill after the restart"

# --- report ----------------------------------------------------------------
say "results (bench/out/)"
python3 bench/report.py summarize "$OUT" "$RESULTS_MD" "bash bench/run.sh"
echo
echo "total time: $(( $(date +%s) - T0 )) s"
