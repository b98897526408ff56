#!/usr/bin/env bash
# Portico on SQLite vs PostgreSQL with one node vs two nodes behind nginx, each
# figure a ratio of the hello-world baseline measured in the same run.
#
#   bash bench/nodes.sh
#
# Measures, on three set-ups — (a) `sqlite`: the data folder's SQLite file (the
# default); (b) `pg1`: one node on a PostgreSQL database; (c) `pg2`: two nodes on
# one PostgreSQL database behind nginx (an upstream of both, round robin) —
#   1. crm.lead.get of a random seeded lead: req/s and p99 (wrk, bench/lua/get.lua);
#   2. crm.lead.add: req/s (wrk, bench/lua/add.lua);
#   3. deliveries/s: an outbound webhook (ONCRMLEADADD) to a local receiver (the
#      hello example's POST /events), then BENCH_EVENTS leads added through
#      `batch` (bench/seed.py); from the first lead sent until the receiver holds
#      every lead's event.
# The baseline (GET / of crates/web/examples/hello.rs, wrk bench/lua/path.lua) is
# measured just before each set-up, and each figure given as a ratio of it.
# Each set-up starts empty, is seeded with BENCH_LEADS leads through `batch`, and
# runs `portico serve --limits off` (HTTP, default settings, logs to a file).
# PostgreSQL is a throw-away cluster from .ci/postgres (fsync and
# synchronous_commit off, as in CI), one database per set-up; nginx comes from
# Debian's packages (installed when missing, as root, like wrk) and runs from a
# config generated into the temporary folder (copied to OUT/nginx.conf). Fails
# loudly on any non-2xx answer or socket error; stops every process it started
# (the cluster too) and removes its temporary folders. Writes raw outputs to
# OUT and the report to bench/NODES.md (bench/report.py nodes). Reads no stdin;
# about 4 minutes once built.
#
# Env (defaults): BENCH_SETUPS ("sqlite pg1 pg2"), BENCH_DURATION (10s),
# BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_LEADS (20000), BENCH_EVENTS
# (20000), BENCH_OUT (bench/out-nodes), BENCH_RESULTS_MD (bench/NODES.md; empty =
# don't write), BENCH_SKIP_BUILD (unset), CARGO_TARGET_DIR (target).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SETUPS="${BENCH_SETUPS:-sqlite pg1 pg2}"
DURATION="${BENCH_DURATION:-10s}"
CONNS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
LEADS="${BENCH_LEADS:-20000}"
EVENTS="${BENCH_EVENTS:-20000}"
OUT="${BENCH_OUT:-$ROOT/bench/out-nodes}"
RESULTS_MD="${BENCH_RESULTS_MD-$ROOT/bench/NODES.md}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
export BENCH_LUA_DIR="$ROOT/bench/lua"

source "$ROOT/bench/lib.sh"
T0=$(date +%s)

for s in $SETUPS; do
  [[ "$s" =~ ^(sqlite|pg1|pg2)$ ]] || die "unknown set-up '$s' in BENCH_SETUPS (sqlite, pg1, pg2)"
done
uses() { [[ " $SETUPS " == *" $1 "* ]]; }
uses_pg() { uses pg1 || uses pg2; }

# --- tools and binaries ------------------------------------------------------
need_wrk
if uses pg2; then need_package nginx; fi
if uses_pg; then need_package psql postgresql-client; fi

BIN="$TARGET/release/portico"
HELLO="$TARGET/release/examples/hello"
if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  say "building (cargo build --release -p portico -p portico-web --bin portico --example hello)"
  cargo build --release -p portico -p portico-web --bin portico --example hello </dev/null
fi
[[ -x "$BIN" && -x "$HELLO" ]] || die "missing $BIN or $HELLO"

rm -rf "$OUT"
mkdir -p "$OUT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/portico-nodes.XXXXXX")"
# nginx's workers (another account when started as root) reach their temporary
# folder inside; the data folders stay private (Portico makes them 0700).
chmod 711 "$WORK"
HELLO_PID=""
NODE_PIDS=()
NGINX_PID=""
PG_STOP=()
PG_DIR=""

cleanup() {
  local rc=$? pid log stopped
  stop "$NGINX_PID"
  for pid in "${NODE_PIDS[@]}"; do stop "$pid"; done
  stop "$HELLO_PID"
  if [[ $rc -ne 0 ]]; then
    for log in "$WORK"/*.log "$WORK"/nginx/error.log; do
      [[ -s "$log" ]] || continue
      echo "--- last lines of $log:" >&2
      tail -n 15 "$log" >&2 || true
    done
  fi
  if [[ ${#PG_STOP[@]} -gt 0 ]]; then
    if ! stopped="$("${PG_STOP[@]}" </dev/null 2>&1)"; then
      echo "could not stop PostgreSQL (${PG_STOP[*]}): $stopped" >&2
      PG_DIR=""  # left for a look
    fi
    PG_STOP=()
  fi
  [[ -n "$PG_DIR" ]] && rm -rf "$PG_DIR"
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the baseline, which is also the events' receiver --------------------------
say "starting the baseline (hello, also the receiver of outbound events)"
"$HELLO" 127.0.0.1:0 </dev/null > "$WORK/hello.log" 2>&1 &
HELLO_PID=$!
HELLO_ADDR="$(wait_addr "$HELLO_PID" "$WORK/hello.log" 'hello listening on http://')"
RECEIVER="http://$HELLO_ADDR/events"
WATCH=("the baseline:$HELLO_PID")

# --- PostgreSQL: a throw-away cluster -----------------------------------------
if uses_pg; then
  say "starting a throw-away PostgreSQL cluster (.ci/postgres)"
  pg_env="$(bash .ci/postgres </dev/null)"
  eval "$pg_env"
  PG_STOP=(bash -c "$PORTICO_TEST_POSTGRES_STOP")
  PG_DATA="$PORTICO_TEST_POSTGRES_DATA"
  [[ -f "$PG_DATA/postmaster.pid" ]] || die "unexpected .ci/postgres output: $pg_env"
  PG_DIR="$(dirname "$PG_DATA")"
  PG_PID="$(head -n1 "$PG_DATA/postmaster.pid")"
  PG_VERSION="$(psql "$PORTICO_TEST_POSTGRES_URL" -Atqc 'SHOW server_version' </dev/null)"
  WATCH+=("PostgreSQL:$PG_PID")
  echo "PostgreSQL $PG_VERSION at ${PORTICO_TEST_POSTGRES_URL%/*} (postmaster pid $PG_PID); stop: ${PG_STOP[*]}"
fi

# new_database NAME: creates a database on the cluster, prints its URL.
new_database() {
  psql "$PORTICO_TEST_POSTGRES_URL" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $1" </dev/null >&2
  echo "${PORTICO_TEST_POSTGRES_URL%/*}/$1"
}

# start_node LOG_NAME DATA [portico flags...]: `portico serve` on a free loopback
# port; appends to NODE_PIDS and NODE_ADDRS.
start_node() {
  local name="$1" log="$WORK/$1.log" data="$2" pid
  shift 2
  "$BIN" serve --data-dir "$data" "$@" --listen 127.0.0.1:0 --limits off \
    --admin-password bench-admin-password --allow-private-handlers </dev/null > "$log" 2>&1 &
  pid=$!
  NODE_PIDS+=("$pid")
  NODE_ADDRS+=("$(wait_addr "$pid" "$log" 'Portico listening on http://')")
  WATCH+=("Portico ($name):$pid")
}

# start_nginx: nginx on a free port in front of NODE_ADDRS; sets ENTRY.
start_nginx() {
  local dir="$WORK/nginx" port addr
  port="$(free_port)"
  mkdir -p "$dir/tmp"
  {
    cat <<EOF
# nginx in front of the Portico nodes that share one PostgreSQL database.
#   nginx -p $dir -c $dir/nginx.conf -e $dir/error.log
daemon off;
# One worker: here nginx shares 2 cores with the nodes, PostgreSQL and wrk (a
# second worker made the tail latency worse); "auto" on a machine of its own.
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;

events {
    worker_connections 4096;
}

http {
    access_log off;
    # temporary files here rather than in /var/lib/nginx
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;

    upstream portico {
        # round robin over the nodes
EOF
    for addr in "${NODE_ADDRS[@]}"; do
      printf '        server %s;\n' "$addr"
    done
    cat <<EOF
        # idle connections each nginx worker keeps open to the nodes
        keepalive 64;
    }

    server {
        listen 127.0.0.1:$port;
        client_max_body_size 10m;
        # batch bodies (tens of KB) stay in memory rather than in temporary files
        client_body_buffer_size 256k;

        location / {
            proxy_pass http://portico;
            # keep-alive to the nodes: HTTP/1.1 without "Connection: close"
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            # the nodes believe it from 127.0.0.1 (PORTICO_TRUSTED_PROXIES)
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
        }
    }
}
EOF
  } > "$dir/nginx.conf"
  cp "$dir/nginx.conf" "$OUT/nginx.conf"
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" </dev/null > "$WORK/nginx.log" 2>&1 &
  NGINX_PID=$!
  for _ in $(seq 100); do
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$WORK/nginx.log" "$dir/error.log" >&2 2>/dev/null; die "nginx exited"; }
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "nginx does not listen on 127.0.0.1:$port"
  WATCH+=("nginx:$NGINX_PID")
  ENTRY="127.0.0.1:$port"
}

# stop_setup: stops nginx and the nodes of the set-up.
stop_setup() {
  local pid
  stop "$NGINX_PID"
  NGINX_PID=""
  for pid in "${NODE_PIDS[@]}"; do stop "$pid"; done
  NODE_PIDS=()
  WATCH=("${WATCH_IDLE[@]}")
}

# receiver: the receiver's counts as "events requests last_us".
receiver() {
  curl -sS --fail-with-body --max-time 10 "$RECEIVER" | json 'd["events"], d["requests"], d["last_us"]'
}

# deliveries NAME: an outbound webhook to the receiver, one lead through each node
# to see it deliver, then EVENTS leads through ENTRY; writes OUT/NAME_deliveries.json.
deliveries() {
  local name="$1" addr t0 counts events requests last_us seen=-1 still=0 w
  say "deliveries: outbound webhook (ONCRMLEADADD) to $RECEIVER, $EVENTS leads through batch"
  "$BIN" outbound add --data-dir "$DATA" "${DB_FLAGS[@]}" --user admin --url "$RECEIVER" \
    --allow-private --event ONCRMLEADADD --name bench </dev/null > "$WORK/${name}_outbound.txt"
  curl -sS --fail-with-body -X DELETE "$RECEIVER" >/dev/null
  for addr in "${NODE_ADDRS[@]}"; do
    curl -sS --fail-with-body --max-time 30 -H 'Content-Type: application/json' \
      -d '{"fields":{"TITLE":"bench warm-up"}}' "http://$addr${HOOK_PATH}crm.lead.add" >/dev/null
  done
  for _ in $(seq 300); do
    counts="$(receiver)"
    read -r events requests last_us <<< "$counts"
    [[ "$events" -ge "${#NODE_ADDRS[@]}" ]] && break
    sleep 0.1
  done
  [[ "$events" -eq "${#NODE_ADDRS[@]}" ]] || die "$events of ${#NODE_ADDRS[@]} warm-up events delivered in 30 s"
  curl -sS --fail-with-body -X DELETE "$RECEIVER" >/dev/null

  cpu "${name}_deliveries.0"
  t0="$(date +%s%6N)"
  python3 bench/seed.py "$API" "$EVENTS" 8 </dev/null | tee "$OUT/${name}_events_seed.txt"
  # Every event delivered; fails when no new one arrives for 60 s.
  while :; do
    counts="$(receiver)"
    read -r events requests last_us <<< "$counts"
    [[ "$events" -ge "$EVENTS" ]] && break
    if [[ "$events" -eq "$seen" ]]; then
      still=$((still + 1))
      [[ $still -lt 1200 ]] || die "deliveries stalled at $events of $EVENTS events"
    else
      seen="$events"; still=0
    fi
    for w in "${WATCH[@]}"; do
      kill -0 "${w##*:}" 2>/dev/null || die "${w%:*} (pid ${w##*:}) died while delivering"
    done
    sleep 0.05
  done
  cpu "${name}_deliveries.1"
  [[ "$events" -eq "$EVENTS" ]] || die "the receiver holds $events events, $EVENTS leads were added"
  python3 - "$OUT/${name}_deliveries.json" "$OUT/${name}_events_seed.txt" "$t0" "$events" "$requests" "$last_us" <<'PY'
import json, re, sys
out, seed, t0, events, requests, last_us = sys.argv[1:]
s = json.loads(re.search(r"^SEED_JSON (\{.*\})$", open(seed).read(), re.M).group(1))
took = (int(last_us) - int(t0)) / 1e6
r = {"events": int(events), "requests": int(requests), "seconds": round(took, 2),
     "deliveries_per_s": round(int(events) / took, 1), "adding_s": s["seconds"],
     "adding_per_s": s["leads_per_s"]}
json.dump(r, open(out, "w"), indent=1)
print(f"  {r['events']:,} events delivered in {r['seconds']} s from the first lead sent: "
      f"{r['deliveries_per_s']:,.0f}/s (adding took {r['adding_s']} s; {r['requests'] - r['events']} repeated deliveries)")
PY
}

# cpu NAME: a snapshot of the CPU time used so far by the processes under test
# (each with its children) and by the whole machine, in OUT/NAME.cpu.json;
# bench/report.py turns two snapshots into the cores each used in between.
cpu() {
  python3 bench/report.py cpu "$OUT/$1.cpu.json" "Portico=$(IFS=,; echo "${NODE_PIDS[*]}")" \
    "PostgreSQL=${PG_PID:-}" "nginx=$NGINX_PID" "hello=$HELLO_PID"
}

# measure NAME LABEL: seeding, get, add and deliveries on the running set-up
# (ENTRY, NODE_ADDRS, DATA, DB_FLAGS).
measure() {
  local name="$1" label="$2"
  HOOK_PATH="$(hook_path "$BIN" "$DATA" "${DB_FLAGS[@]}")"
  API="http://$ENTRY$HOOK_PATH"
  say "$label: seeding $LEADS leads (batch of 50 crm.lead.add, 8 in flight) through $ENTRY"
  seed_leads "$LEADS" "$OUT/${name}_seed" gaps
  api "crm.lead.get?ID=$MAX_ID" | json 'd["result"]["ID"]' | grep -qx "$MAX_ID" || die "crm.lead.get pre-flight"
  cpu "${name}_get.0"
  bench "${name}_get" "$label: crm.lead.get, random id" "$CONNS" "http://$ENTRY/" get.lua "$HOOK_PATH" "@$OUT/${name}_seed.ids"
  cpu "${name}_get.1"
  bench "${name}_add" "$label: crm.lead.add (JSON)" "$CONNS" "http://$ENTRY/" add.lua "$HOOK_PATH"
  cpu "${name}_add.1"
  deliveries "$name"
}

# --- the set-ups ---------------------------------------------------------------
WATCH_IDLE=("${WATCH[@]}")
for setup in $SETUPS; do
  # The baseline just before each set-up: the ratios stay fair when other work
  # on the machine comes and goes during the run.
  bench "${setup}_baseline" "baseline GET / (hello), before $setup" "$CONNS" "http://$HELLO_ADDR/" path.lua /
  NODE_ADDRS=()
  DB_FLAGS=()
  DATA="$WORK/$setup-a"
  case "$setup" in
    sqlite)
      label="SQLite"
      say "$label: one node on the data folder's SQLite file"
      start_node sqlite "$DATA"
      ENTRY="${NODE_ADDRS[0]}"
      ;;
    pg1)
      label="PostgreSQL, one node"
      DB_FLAGS=(--database-url "$(new_database bench_pg1)")
      say "$label"
      start_node pg1 "$DATA" "${DB_FLAGS[@]}"
      ENTRY="${NODE_ADDRS[0]}"
      ;;
    pg2)
      label="PostgreSQL, two nodes"
      DB_FLAGS=(--database-url "$(new_database bench_pg2)")
      say "$label behind nginx"
      # The second node gets a copy of the portal's key, written by the first.
      export PORTICO_TRUSTED_PROXIES=127.0.0.1
      start_node pg2-a "$DATA" "${DB_FLAGS[@]}"
      mkdir -m 700 "$WORK/pg2-b"
      cp -p "$DATA/secret.key" "$WORK/pg2-b/secret.key"
      start_node pg2-b "$WORK/pg2-b" "${DB_FLAGS[@]}"
      unset PORTICO_TRUSTED_PROXIES
      start_nginx
      ;;
  esac
  echo "$label: nodes ${NODE_ADDRS[*]}, entry http://$ENTRY/"
  measure "$setup" "$label"
  stop_setup
done

# --- report ----------------------------------------------------------------------
python3 - "$OUT/params.json" <<EOF
import json, sys
json.dump({"setups": "$SETUPS".split(), "threads": $THREADS, "connections": $CONNS,
           "duration": "$DURATION", "leads": $LEADS, "events": $EVENTS,
           "postgres": "${PG_VERSION:-}",
           "nginx": "$(if uses pg2; then nginx -v 2>&1 | sed 's#.*nginx/##'; fi)"},
          open(sys.argv[1], "w"))
EOF
say "results ($OUT)"
# The command as run: the settings given in the environment, then the script.
command="bash bench/nodes.sh"
for v in BENCH_OUT BENCH_RESULTS_MD BENCH_SKIP_BUILD BENCH_EVENTS BENCH_LEADS BENCH_THREADS \
  BENCH_CONNECTIONS BENCH_DURATION BENCH_SETUPS CARGO_TARGET_DIR; do
  [[ -n "${!v+x}" ]] && command="$v=${!v} $command"
done
python3 bench/report.py nodes "$OUT" "$RESULTS_MD" "$command"
echo
echo "total time: $(( $(date +%s) - T0 )) s"
