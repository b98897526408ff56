#!/usr/bin/env bash
# Task list benchmark: tasks.task.list against crm.lead.list over the same number
# of rows with a comparable filter, first page and a deep page.
#
#   bash bench/tasks.sh
#
# Builds the release binary, starts `portico serve` on a temporary data folder,
# seeds USERS users, COUNT tasks and COUNT leads through `batch`
# (bench/seed_tasks.py: each user owns COUNT / USERS of each, half of them
# pending tasks / NEW leads), checks the filtered totals, then runs wrk
# (bench/lua/path.lua, one fixed GET each) on
#   tasks.task.list  filter[RESPONSIBLE_ID]=U & filter[STATUS]=2        start 0 and START
#   crm.lead.list    filter[ASSIGNED_BY_ID]=U & filter[STATUS_ID]=NEW   start 0 and START
# as the webhook's administrator, default order and select. Writes
# bench/out-tasks/ and bench/TASKS.md. Reads no stdin.
#
# Env (defaults): BENCH_COUNT (100000), BENCH_USERS (20), BENCH_START (1000),
# BENCH_DURATION (10s), BENCH_CONNECTIONS (16), BENCH_THREADS (2),
# BENCH_OUT (bench/out-tasks), BENCH_RESULTS_MD (bench/TASKS.md; empty = don't write),
# BENCH_SKIP_BUILD (unset), BENCH_BIN (target/release/portico).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
COUNT="${BENCH_COUNT:-100000}"
USERS="${BENCH_USERS:-20}"
START="${BENCH_START:-1000}"
DURATION="${BENCH_DURATION:-10s}"
CONNS="${BENCH_CONNECTIONS:-16}"
THREADS="${BENCH_THREADS:-2}"
OUT="${BENCH_OUT:-$ROOT/bench/out-tasks}"
RESULTS_MD="${BENCH_RESULTS_MD-$ROOT/bench/TASKS.md}"
export BENCH_LUA_DIR="$ROOT/bench/lua"

say() { printf '\n== %s\n' "$*"; }
die() { printf '\nBENCH FAILED: %s\n\n' "$*" >&2; exit 1; }

command -v wrk >/dev/null 2>&1 || {
  [[ "$(id -u)" -eq 0 ]] || die "wrk is missing; install it (apt-get install wrk) or run as root"
  apt-get update -qq </dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk </dev/null >/dev/null
}

BIN="${BENCH_BIN:-$ROOT/target/release/portico}"
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  say "building (cargo build --release -p portico)"
  cargo build --release -p portico </dev/null
fi
[[ -x "$BIN" ]] || die "missing $BIN"

rm -rf "$OUT"; mkdir -p "$OUT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/portico-tasks.XXXXXX")"
DATA="$WORK/data"
PORTICO_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$PORTICO_PID" ]]; then
    kill -TERM "$PORTICO_PID" 2>/dev/null || true
    wait "$PORTICO_PID" 2>/dev/null || true
  fi
  [[ $rc -ne 0 && -f "$WORK/portico.log" ]] && tail -n 20 "$WORK/portico.log" >&2
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT INT TERM

say "starting Portico"
RUST_LOG=warn "$BIN" serve --data-dir "$DATA" --listen 127.0.0.1:0 --admin-password bench-admin-password \
  </dev/null > "$WORK/portico.log" 2>&1 &
PORTICO_PID=$!
ADDR=""
for _ in $(seq 300); do
  ADDR="$(sed -n 's#.*Portico listening on http://\([0-9.:]*\).*#\1#p' "$WORK/portico.log" | head -n1)"
  [[ -n "$ADDR" ]] && break
  kill -0 "$PORTICO_PID" 2>/dev/null || die "portico exited"
  sleep 0.1
done
[[ -n "$ADDR" ]] || die "portico did not start"
hook="$("$BIN" webhook add --data-dir "$DATA" --user admin --scope crm,task,user --name bench </dev/null)"
HOOK_PATH="$(printf '%s\n' "$hook" | grep -o '/rest/[0-9]*/[a-z0-9]*/' | head -n1)"
API="http://$ADDR$HOOK_PATH"

say "seeding $USERS users, $COUNT tasks and $COUNT leads (batch of 50, 8 in flight)"
python3 bench/seed_tasks.py "$API" "$COUNT" "$USERS" 8 </dev/null | tee "$OUT/seed.txt"
sed -n 's/^SEED_TASKS_JSON //p' "$OUT/seed.txt" > "$OUT/seed.json"
OWNER="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["users"][5])' "$OUT/seed.json")"

TASK_QUERY="tasks.task.list?filter%5BRESPONSIBLE_ID%5D=$OWNER&filter%5BSTATUS%5D=2"
LEAD_QUERY="crm.lead.list?filter%5BASSIGNED_BY_ID%5D=$OWNER&filter%5BSTATUS_ID%5D=NEW"
declare -A PATHS=(
  [tasks_first]="${HOOK_PATH}${TASK_QUERY}"
  [tasks_deep]="${HOOK_PATH}${TASK_QUERY}&start=$START"
  [leads_first]="${HOOK_PATH}${LEAD_QUERY}"
  [leads_deep]="${HOOK_PATH}${LEAD_QUERY}&start=$START"
)
NAMES=(tasks_first tasks_deep leads_first leads_deep)

say "checking the answers (total, 50 rows, what the deep page starts with)"
for name in "${NAMES[@]}"; do
  curl -sS --fail "http://$ADDR${PATHS[$name]}" > "$OUT/$name.json" || die "$name answered an error"
done
python3 - "$OUT" "$COUNT" "$USERS" "$START" <<'PY' || die "unexpected list answers"
import json, sys
out, count, users, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
want = count // users // 2
for name in ("tasks_first", "tasks_deep", "leads_first", "leads_deep"):
    r = json.load(open(f"{out}/{name}.json"))
    rows = r["result"]["tasks"] if name.startswith("tasks") else r["result"]
    print(f"{name}: total {r['total']}, {len(rows)} rows, next {r.get('next')}")
    assert r["total"] == want, (name, r["total"], want)
    assert len(rows) == 50, (name, len(rows))
first = lambda n: json.load(open(f"{out}/{n}.json"))
assert first("tasks_first")["result"]["tasks"][0]["id"] != first("tasks_deep")["result"]["tasks"][0]["id"]
assert first("leads_first")["result"][0]["ID"] != first("leads_deep")["result"][0]["ID"]
PY

for name in "${NAMES[@]}"; do
  say "$name ($CONNS connections, $DURATION)"
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency --timeout 10s \
    -s "$ROOT/bench/lua/path.lua" "http://$ADDR/" -- "${PATHS[$name]}" </dev/null > "$OUT/$name.txt" 2>&1 \
    || { cat "$OUT/$name.txt" >&2; die "wrk failed"; }
  grep -E 'Requests/sec|Non-2xx|Socket errors|^ +(50|99)%' "$OUT/$name.txt" || true
  if grep -qE 'Non-2xx|Socket errors' "$OUT/$name.txt"; then die "errors during $name"; fi
done

python3 - "$OUT" "$RESULTS_MD" "$COUNT" "$USERS" "$START" "$CONNS" "$DURATION" <<'PY'
import datetime, json, re, subprocess, sys
out, md, count, users, start, conns, duration = sys.argv[1:]
seed = json.load(open(f"{out}/seed.json"))
def wrk(name):
    t = open(f"{out}/{name}.txt").read()
    j = json.loads(re.search(r"^BENCH_JSON (.*)$", t, re.M).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    return rps, j["p50_us"] / 1000, j["p99_us"] / 1000
r = {n: wrk(n) for n in ("tasks_first", "tasks_deep", "leads_first", "leads_deep")}
want = int(count) // int(users) // 2
tree = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
dirty = subprocess.run(["git", "status", "--porcelain", "--", "crates"], capture_output=True, text=True).stdout.strip()
cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
row = lambda label, n: f"| {label} | {r[n][0]:,.0f}/s | {r[n][1]:.1f} ms | {r[n][2]:.1f} ms |"
lines = [
 "# Portico task list benchmark",
 "",
 "Generated by `bash bench/tasks.sh` (raw outputs in `bench/out-tasks/`).",
 "",
 f"- Machine: {cores} cores, shared with other work while this ran; Portico (release build) and wrk share them over loopback.",
 f"- Tree {tree}{' (with local changes)' if dirty else ''}; run at {datetime.datetime.utcnow():%Y-%m-%d %H:%M:%S} UTC; SQLite in WAL mode.",
 f"- Data: {int(count):,} tasks and {int(count):,} leads over {users} users, seeded through `batch` "
 f"({seed['tasks_per_s']:,} tasks/s, {seed['leads_per_s']:,} leads/s, 8 batches of 50 in flight).",
 f"- Filters, each matching {want:,} rows: `tasks.task.list` `filter[RESPONSIBLE_ID]=U&filter[STATUS]=2`, "
 f"`crm.lead.list` `filter[ASSIGNED_BY_ID]=U&filter[STATUS_ID]=NEW`; default order and select; "
 f"the deep page is `start={start}`. wrk: {conns} connections, {duration} each, as the administrator's webhook.",
 "",
 "| Request | Throughput | p50 | p99 |",
 "|---|---:|---:|---:|",
 row("`tasks.task.list`, first page", "tasks_first"),
 row(f"`tasks.task.list`, `start={start}`", "tasks_deep"),
 row("`crm.lead.list`, first page", "leads_first"),
 row(f"`crm.lead.list`, `start={start}`", "leads_deep"),
 "",
 f"Tasks against leads: first page {r['tasks_first'][0] / r['leads_first'][0]:.2f}×, "
 f"deep page {r['tasks_deep'][0] / r['leads_deep'][0]:.2f}× the lead list's throughput.",
]
text = "\n".join(lines) + "\n"
print(text)
if md:
    open(md, "w").write(text)
PY
