#!/usr/bin/env bash
# The 1,000,000-lead benchmark: crm.lead.list at a million records, through the
# public REST API only, beside the same SQL in SQLite alone.
#
#   bash bench/million.sh
#
# Builds the release binary (unless BENCH_SKIP_BUILD), starts `portico serve` on
# a loopback port with a temporary data folder (REST limits off, an admin
# webhook), seeds the leads through `batch` (bench/seed.py, timed), then:
#   1. single-client latencies (bench/million_api.py): deep pages, the 72%
#      filter's first page (after a write and repeated), a random jump, the
#      sequential walk of the whole filtered set, %TITLE searches, an ordered
#      deep page and its sequential pages, cursor paging, a duplicate search;
#   2. the same SQL on the same file in python's sqlite3, read-only
#      (bench/million_sql.py), checking it lists the same rows;
#   3. fast_bitrix24's get_all over all leads and over the filter
#      (bench/million_getall.py, in the SDK virtualenv of tests/sdk/run.sh);
#   4. wrk with 64 connections on the filtered page at a deep start;
#   5. the server's resident memory and the database's size.
# Fails loudly on any error answer or wrong result. Writes raw outputs to
# bench/out-million/ and the report to bench/MILLION.md. Reads no stdin.
# About 3 minutes at 100,000 leads once built; at 1,000,000 the run is bounded by
# the budgets below (the filtered walk and each get_all), about an hour on
# a list engine whose pages cost OFFSET + COUNT.
#
# Env (defaults): BENCH_LEADS (1000000), BENCH_REPEAT (7), BENCH_SEED_CONCURRENCY (32),
# BENCH_WALK_BUDGET (900 s; 0 = no cap), BENCH_GETALL_TIMEOUT (900 s),
# BENCH_GETALL_RPS (0 = fast_bitrix24's pacing off; 2 = its default pacing),
# BENCH_DURATION (10s), BENCH_CONNECTIONS (64), BENCH_THREADS (2),
# BENCH_OUT (bench/out-million), BENCH_RESULTS_MD (bench/MILLION.md; empty = don't write),
# BENCH_SKIP_BUILD (unset), SDK_VENV (target/sdk-venv), RUST_LOG (unset = info).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LEADS="${BENCH_LEADS:-1000000}"
REPEAT="${BENCH_REPEAT:-7}"
SEED_CONCURRENCY="${BENCH_SEED_CONCURRENCY:-32}"
WALK_BUDGET="${BENCH_WALK_BUDGET:-900}"
GETALL_TIMEOUT="${BENCH_GETALL_TIMEOUT:-900}"
GETALL_RPS="${BENCH_GETALL_RPS:-0}"
DURATION="${BENCH_DURATION:-10s}"
CONNS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
OUT="${BENCH_OUT:-$ROOT/bench/out-million}"
RESULTS_MD="${BENCH_RESULTS_MD-$ROOT/bench/MILLION.md}"
VENV="${SDK_VENV:-$ROOT/target/sdk-venv}"
export BENCH_LUA_DIR="$ROOT/bench/lua"
export PYTHONDONTWRITEBYTECODE=1

source "$ROOT/bench/lib.sh"
T0=$(date +%s)

# --- tools -----------------------------------------------------------------
need_wrk

BIN="$ROOT/target/release/portico"
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  say "building (cargo build --release -p portico --bin portico)"
  cargo build --release -p portico --bin portico </dev/null
fi
[[ -x "$BIN" ]] || die "missing $BIN"

# The SDK virtualenv, as tests/sdk/run.sh makes it (pinned packages from PyPI).
source "$ROOT/tests/sdk/venv.sh"
ensure_sdk_venv "$VENV" "$ROOT/tests/sdk/requirements.txt" say

rm -rf "$OUT"
mkdir -p "$OUT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/portico-million.XXXXXX")"
DATA="$WORK/data"
PORTICO_PID=""

cleanup() {
  local rc=$?
  stop "$PORTICO_PID"
  if [[ $rc -ne 0 && -f "$WORK/portico.log" ]]; then
    echo "--- last lines of the Portico log:" >&2
    tail -n 20 "$WORK/portico.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT INT TERM

# Other processes using more than 10% CPU now (compilers, tests…): noted per phase.
busy() {
  ps -eo pid=,pcpu=,comm= | awk -v a="$PORTICO_PID" -v me="$$" \
    '$2 > 10 && $1 != a && $1 != me && $3 != "ps" && $3 != "wrk" && $3 != "python3" && $3 != "python" { printf "%s ", $3 }'
}
# kB of one /proc/PID/status field of the server (VmRSS, VmHWM, …).
server_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PORTICO_PID/status" 2>/dev/null || true; }
# phase NAME: records when a phase starts, the load average, the busy processes and
# the server's resident memory so far (current, peak).
phase() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$(date +%s)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(busy)" \
    "$(server_kb VmRSS)" "$(server_kb VmHWM)" >> "$OUT/phases.tsv"
}
# enough_memory ROWS: whether MemAvailable leaves room for fast_bitrix24 holding ROWS
# leads (about 10 kB each in python, de-duplication included) and 1 GiB to spare.
enough_memory() {
  local avail
  avail="$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)"
  (( avail > $1 * 10 + 1048576 ))
}
# getall NAME ROWS [filtered]: times fast_bitrix24's get_all, unless memory is short.
getall() {
  if enough_memory "$2"; then
    "$VENV/bin/python" bench/million_getall.py "$API" "$1" "$2" "$GETALL_TIMEOUT" "$GETALL_RPS" "$OUT" \
      ${3:+"$3"} </dev/null | tee "$OUT/getall_$1.txt"
  else
    echo "  skipped: $(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo) kB available" \
      | tee "$OUT/getall_$1.txt"
    printf '{"name": "%s", "want": %s, "skipped": "MemAvailable below %s kB"}\n' \
      "$1" "$2" "$(( $2 * 10 + 1048576 ))" > "$OUT/getall_$1.json"
  fi
}

# --- server ----------------------------------------------------------------
say "starting Portico"
: > "$WORK/portico.log"
"$BIN" serve --data-dir "$DATA" --listen 127.0.0.1:0 --limits off \
  --admin-password "bench-admin-password" </dev/null >> "$WORK/portico.log" 2>&1 &
PORTICO_PID=$!
ADDR="$(wait_addr "$PORTICO_PID" "$WORK/portico.log" 'Portico listening on http://')"
HOOK_PATH="$(hook_path "$BIN" "$DATA")"
API="http://$ADDR$HOOK_PATH"
DB="$DATA/portico.sqlite3"
[[ -f "$DB" ]] || die "no database at $DB"
echo "portico http://$ADDR (pid $PORTICO_PID), database $DB"

api() { curl -sS --fail-with-body --max-time 600 "$API$1"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# --- seed ------------------------------------------------------------------
phase seed
say "seeding $LEADS leads (batch of 50 crm.lead.add, $SEED_CONCURRENCY in flight)"
python3 bench/seed.py "$API" "$LEADS" "$SEED_CONCURRENCY" </dev/null | tee "$OUT/seed.txt"
sed -n 's/^SEED_JSON //p' "$OUT/seed.txt" > "$OUT/seed.json"
total="$(api 'crm.lead.list?select%5B%5D=ID' | json 'd["total"]')"
[[ "$total" == "$LEADS" ]] || die "crm.lead.list total is $total after seeding $LEADS leads"
MIN_ID="$(api 'crm.lead.list?select%5B%5D=ID&order%5BID%5D=ASC' | json 'd["result"][0]["ID"]')"
MAX_ID="$(api 'crm.lead.list?select%5B%5D=ID&order%5BID%5D=DESC' | json 'd["result"][0]["ID"]')"
[[ $((MAX_ID - MIN_ID + 1)) -eq $LEADS ]] || die "lead ids $MIN_ID..$MAX_ID are not $LEADS consecutive ids"
echo "leads: $total, ids $MIN_ID..$MAX_ID"

# --- 1. single client ------------------------------------------------------
phase api
say "single client, $REPEAT timed calls per request (bench/million_api.py)"
python3 bench/million_api.py "$API" "$LEADS" "$MIN_ID" "$REPEAT" "$WALK_BUDGET" "$OUT" </dev/null \
  | tee "$OUT/api.txt"

# --- 2. SQLite alone -------------------------------------------------------
sleep 2
phase sql
say "the same SQL in SQLite alone, read-only (bench/million_sql.py)"
python3 bench/million_sql.py "$DB" "$LEADS" "$MIN_ID" "$REPEAT" "$OUT" </dev/null | tee "$OUT/sql.txt"

# --- 3. fast_bitrix24 get_all ----------------------------------------------
FILTERED="$(python3 -c "import json; print(json.load(open('$OUT/api.json'))['filtered'])")"
phase getall_all
say "fast_bitrix24 get_all('crm.lead.list') over $LEADS leads"
getall all "$LEADS"
phase getall_filtered
say "fast_bitrix24 get_all('crm.lead.list') with the filter ($FILTERED leads)"
getall filtered "$FILTERED" filtered
kill -0 "$PORTICO_PID" 2>/dev/null || die "Portico died during get_all"

# --- 4. 64 connections -----------------------------------------------------
JUMP="$(python3 -c "import sys; sys.path.insert(0, 'bench'); import million_cases as m; print(m.scaled($LEADS, 500000))")"
DEEP_PATH="${HOOK_PATH}crm.lead.list?filter%5B%3EOPPORTUNITY%5D=1000&filter%5BSTATUS_ID%5D=NEW&start=$JUMP"
check="$(curl -sS --fail-with-body "http://$ADDR$DEEP_PATH" | json 'len(d["result"]), d["total"]')"
[[ "$check" == "50 $FILTERED" ]] || die "deep page pre-flight: (rows, total) = $check"
phase wrk
say "wrk: the filtered page at start=$JUMP ($CONNS connections, $DURATION)"
# A deep page may take seconds under 64 connections: wrk waits up to 60 s for an answer.
wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency --timeout 60s \
  -s "$ROOT/bench/lua/path.lua" "http://$ADDR/" -- "$DEEP_PATH" </dev/null > "$OUT/wrk_deep.txt" 2>&1 \
  || { cat "$OUT/wrk_deep.txt" >&2; die "wrk failed"; }
kill -0 "$PORTICO_PID" 2>/dev/null || die "Portico died during wrk"
python3 bench/report.py check "$OUT/wrk_deep.txt" wrk_deep "crm.lead.list, filter + start=$JUMP" "$CONNS" \
  "load=\"$(cut -d' ' -f1 /proc/loadavg)\""

# --- 5. memory and size ----------------------------------------------------
phase memory
say "resident memory and database size"
grep -E '^(VmRSS|VmHWM|RssAnon|RssFile|RssShmem):' "/proc/$PORTICO_PID/status" | tee "$OUT/memory.txt"
du -b "$DB" "$DB-wal" 2>/dev/null | tee "$OUT/du.txt"
python3 -c "import sqlite3, sys; db = sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True); \
print(db.execute('PRAGMA page_count').fetchone()[0], db.execute('PRAGMA page_size').fetchone()[0])" \
  "$DB" | tee "$OUT/pages.txt"
phase end

# --- report ----------------------------------------------------------------
say "report"
python3 bench/million_report.py "$OUT" "$RESULTS_MD" "$(( $(date +%s) - T0 ))" \
  "BENCH_LEADS=$LEADS BENCH_REPEAT=$REPEAT bash bench/million.sh"
