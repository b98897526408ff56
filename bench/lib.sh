# Shared by the benchmark scripts (sourced, not run): messages, Debian packages
# (wrk, nginx), stopping and waiting for a server, free ports, the admin webhook,
# API calls, seeding leads and the wrk runs.
#
# The wrk runs read ROOT, OUT, DURATION, THREADS and WATCH: the processes under
# test, as "label:pid" (each run fails when one of them died, and leaves them
# and their children out of the note on other busy processes).

WATCH=()

say() { printf '\n== %s\n' "$*"; }
die() { printf '\nBENCH FAILED: %s\n\n' "$*" >&2; exit 1; }

# need_package COMMAND [PACKAGE]: installs PACKAGE (default COMMAND) from Debian's
# packages when COMMAND is missing (as root).
need_package() {
  local cmd="$1" pkg="${2:-$1}"
  if ! command -v "$cmd" >/dev/null 2>&1; then
    [[ "$(id -u)" -eq 0 ]] || die "$cmd is missing; install it (apt-get install $pkg) or run as root"
    say "installing $pkg"
    apt-get update -qq </dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" </dev/null >/dev/null
  fi
  command -v "$cmd" >/dev/null || die "$pkg did not install"
}
need_wrk() { need_package wrk; }

# stop PID: SIGTERM, up to 10 s to exit, then SIGKILL.
stop() {
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# wait_addr PID LOG PATTERN: prints the address after PATTERN in LOG once it appears.
wait_addr() {
  local pid="$1" log="$2" pattern="$3" addr=""
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "server $pid exited"; }
    addr="$(sed -n "s#.*$pattern\\([0-9.:]*\\).*#\\1#p" "$log" | head -n1)"
    [[ -n "$addr" ]] && { echo "$addr"; return 0; }
    sleep 0.1
  done
  die "no '$pattern' line in $log after 30 s"
}

# free_port: a loopback TCP port free right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# hook_path BIN DATA [portico flags...]: adds an admin webhook (scopes crm, user)
# and prints its path.
hook_path() {
  local hook path
  hook="$("$1" webhook add --data-dir "$2" "${@:3}" --user admin --scope crm,user --name bench </dev/null)"
  path="$(printf '%s\n' "$hook" | grep -o '/rest/[0-9]*/[a-z0-9]*/' | head -n1)"
  [[ -n "$path" ]] || die "unexpected 'webhook add' output: $hook"
  echo "$path"
}

# api METHOD?QUERY: GETs an API method under $API; prints the body, fails on non-2xx.
api() { curl -sS --fail-with-body --max-time 30 "$API$1"; }
# json EXPR: evaluates a Python expression over the JSON document `d` read from stdin.
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# seed_leads COUNT FILE [gaps]: adds COUNT leads to an empty portal through $API
# (bench/seed.py: batch of 50 crm.lead.add, 8 in flight), its output in FILE.txt
# and FILE.json, their ids in FILE.ids; sets MIN_ID and MAX_ID. Checks the ids
# are consecutive, unless "gaps" (PostgreSQL: a transaction run again after a
# serialization conflict leaves its sequence values unused).
seed_leads() {
  local count="$1" file="$2" gaps="${3:-}" total
  python3 "$ROOT/bench/seed.py" "$API" "$count" 8 "$file.ids" </dev/null | tee "$file.txt"
  sed -n 's/^SEED_JSON //p' "$file.txt" > "$file.json"
  total="$(api 'crm.lead.list?select%5B%5D=ID' | json 'd["total"]')"
  [[ "$total" == "$count" ]] || die "crm.lead.list total is $total after seeding $count leads"
  MIN_ID="$(api 'crm.lead.list?select%5B%5D=ID&order%5BID%5D=ASC' | json 'd["result"][0]["ID"]')"
  MAX_ID="$(api 'crm.lead.list?select%5B%5D=ID&order%5BID%5D=DESC' | json 'd["result"][0]["ID"]')"
  [[ "$MIN_ID" == "$(head -n1 "$file.ids")" && "$MAX_ID" == "$(tail -n1 "$file.ids")" ]] \
    || die "lead ids $MIN_ID..$MAX_ID, the seeding was answered $(head -n1 "$file.ids")..$(tail -n1 "$file.ids")"
  [[ -n "$gaps" || $((MAX_ID - MIN_ID + 1)) -eq $count ]] || die "lead ids $MIN_ID..$MAX_ID are not $count consecutive ids"
  echo "leads: $total, ids $MIN_ID..$MAX_ID ($((MAX_ID - MIN_ID + 1 - count)) unused)"
}

# busy: names of other processes using more than 10% CPU right now (compilers,
# tests…), leaving out this script, wrk and the WATCH processes and their children.
busy() {
  local skip=" $$ ${WATCH[*]##*:} "
  ps -eo pid=,ppid=,pcpu=,comm= | awk -v skip="$skip" \
    '$3 > 10 && index(skip, " " $1 " ") == 0 && index(skip, " " $2 " ") == 0 && $4 != "wrk" && $4 != "ps" { printf "%s ", $4 }'
}

# bench NAME LABEL CONNECTIONS URL SCRIPT [script args...] [-- key=value...]:
# one wrk run with bench/lua/SCRIPT, raw output in OUT/NAME.txt, checked (any
# non-2xx answer or socket error fails) into OUT/NAME.json by bench/report.py,
# with the key=value pairs and the other busy processes noted.
bench() {
  local name="$1" label="$2" conns="$3" url="$4" script="$5"
  shift 5
  local args=() extra=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do args+=("$1"); shift; done
  [[ $# -gt 0 ]] && { shift; extra=("$@"); }
  say "$label ($conns connections, $DURATION)"
  # Other CPU-heavy work on this 2-core machine (e.g. someone's cargo build) skews
  # every figure: note it with each result.
  local busy_before busy_after w
  busy_before="$(busy)"
  wrk -t"$THREADS" -c"$conns" -d"$DURATION" --latency --timeout 10s \
    -s "$ROOT/bench/lua/$script" "$url" -- "${args[@]}" </dev/null > "$OUT/$name.txt" 2>&1 \
    || { cat "$OUT/$name.txt" >&2; die "wrk failed for $name"; }
  busy_after="$(busy)"
  for w in "${WATCH[@]}"; do
    kill -0 "${w##*:}" 2>/dev/null || die "${w%:*} (pid ${w##*:}) died during $name"
  done
  python3 "$ROOT/bench/report.py" check "$OUT/$name.txt" "$name" "$label" "$conns" "${extra[@]}" \
    "busy=\"$busy_before$busy_after\"" "load=\"$(cut -d' ' -f1 /proc/loadavg)\""
}
