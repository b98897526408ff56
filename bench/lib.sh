# Shared by the benchmark scripts (sourced, not run): messages, wrk, stopping
# and waiting for a server, the admin webhook.

say() { printf '\n== %s\n' "$*"; }
die() { printf '\nBENCH FAILED: %s\n\n' "$*" >&2; exit 1; }

# Installs wrk from Debian's packages when missing (as root).
need_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    [[ "$(id -u)" -eq 0 ]] || die "wrk is missing; install it (apt-get install wrk) or run as root"
    say "installing wrk"
    apt-get update -qq </dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk </dev/null >/dev/null
  fi
  command -v wrk >/dev/null || die "wrk did not install"
}

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

# hook_path BIN DATA: adds an admin webhook (scopes crm, user) and prints its path.
hook_path() {
  local hook path
  hook="$("$1" webhook add --data-dir "$2" --user admin --scope crm,user --name bench </dev/null)"
  path="$(printf '%s\n' "$hook" | grep -o '/rest/[0-9]*/[a-z0-9]*/' | head -n1)"
  [[ -n "$path" ]] || die "unexpected 'webhook add' output: $hook"
  echo "$path"
}
