#!/usr/bin/env bash
# Third-party client test: real Bitrix24 client libraries from PyPI, used unchanged,
# against a Portico started here (HTTPS with its generated CA, free loopback port,
# temporary data folder).
#
#   bash tests/sdk/run.sh            # exits non-zero on any failure
#
# Env:
#   PORTICO_BIN   the binary (default target/release/portico; built when missing)
#   SDK_VENV      the virtualenv (default target/sdk-venv; reused when present)
#   PYTEST_ARGS   extra pytest arguments (e.g. "-k fast -x")
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

BIN="${PORTICO_BIN:-$ROOT/target/release/portico}"
VENV="${SDK_VENV:-$ROOT/target/sdk-venv}"
REQ="$ROOT/tests/sdk/requirements.txt"

log() { printf '[sdk] %s\n' "$*" >&2; }

# --- Python environment ----------------------------------------------------
source "$ROOT/tests/sdk/venv.sh"
ensure_sdk_venv "$VENV" "$REQ" log

# --- Portico binary --------------------------------------------------------
if [[ ! -x "$BIN" ]]; then
  log "building portico (cargo build --release -p portico)"
  cargo build --release -p portico
  BIN="$ROOT/target/release/portico"
fi

# --- Start Portico ---------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/portico-sdk.XXXXXX")"
DATA="$WORK/data"
LIMITED_DATA="$WORK/limited"
SERVER_PIDS=()
cleanup() {
  local rc=$?
  for pid in "${SERVER_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  if [[ $rc -ne 0 ]]; then
    for f in "$WORK"/*.log; do
      [[ -f "$f" ]] || continue
      log "$(basename "$f") (last 40 lines):"
      tail -n 40 "$f" >&2 || true
    done
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT INT TERM

# start_portico NAME DATA_DIR [serve options…]: starts a Portico on a free loopback
# port (port 0: the kernel picks, Portico prints the address it got) and sets ADDR.
start_portico() {
  local name="$1" data="$2"; shift 2
  : > "$WORK/$name.log"
  "$BIN" serve --data-dir "$data" --listen 127.0.0.1:0 --tls --admin-password "$ADMIN_PASSWORD" "$@" \
    > "$WORK/$name.log" 2>&1 &
  local pid=$!
  SERVER_PIDS+=("$pid")
  ADDR=""
  for _ in $(seq 300); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "portico ($name) exited before listening"; cat "$WORK/$name.log" >&2; exit 1
    fi
    ADDR="$(sed -n 's#.*Portico listening on https://\([0-9.:]*\).*#\1#p' "$WORK/$name.log" | head -n1)"
    [[ -n "$ADDR" ]] && break
    sleep 0.1
  done
  [[ -n "$ADDR" ]] || { log "portico ($name) did not report its address in 30 s"; exit 1; }
  log "portico ($name) listening on https://$ADDR (pid $pid)"
}

# add_webhook DATA_DIR ADDR: prints the webhook URL of a new crm/user/task webhook.
add_webhook() {
  local out path
  out="$("$BIN" webhook add --data-dir "$1" --user admin --scope crm,user,task --name sdk-test)"
  path="$(printf '%s\n' "$out" | grep -o '/rest/[0-9]*/[a-z0-9]*/' | head -n1)"
  [[ -n "$path" ]] || { log "unexpected 'webhook add' output: $out"; exit 1; }
  printf 'https://%s%s' "$2" "$path"
}

ADMIN_PASSWORD="sdk-test-password-$$"
TOKEN_TTL=3   # short-lived OAuth access tokens, so a client's refresh can be seen
PORTICO_OAUTH__ACCESS_TOKEN_TTL="$TOKEN_TTL" start_portico server "$DATA"
CA="$DATA/tls/ca.pem"
[[ -f "$CA" ]] || { log "no CA at $CA"; exit 1; }
MAIN_ADDR="$ADDR"

# A second Portico applying Bitrix24's cloud limits, with the first one's
# certificate so the same CA is trusted.
start_portico limited "$LIMITED_DATA" --limits cloud \
  --tls-cert "$DATA/tls/cert.pem" --tls-key "$DATA/tls/key.pem"
LIMITED_WEBHOOK="$(add_webhook "$LIMITED_DATA" "$ADDR")"
ADDR="$MAIN_ADDR"

# --- Webhook -----------------------------------------------------------------
WEBHOOK="$(add_webhook "$DATA" "$ADDR")"
log "webhook https://$ADDR/rest/1/<secret>/ created"

# --- Local application (OAuth) ----------------------------------------------
out="$("$BIN" app add --data-dir "$DATA" --name sdk-app --handler https://app.example.com/handler \
  --scope crm,user --script-only)"
CLIENT_ID="$(printf '%s\n' "$out" | sed -n 's/^client_id: *//p' | head -n1)"
CLIENT_SECRET="$(printf '%s\n' "$out" | sed -n 's/^client_secret: *//p' | head -n1)"
[[ -n "$CLIENT_ID" && -n "$CLIENT_SECRET" ]] || { log "unexpected 'app add' output"; exit 1; }
log "application $CLIENT_ID created"

# --- Tests -----------------------------------------------------------------
export PORTICO_WEBHOOK="$WEBHOOK"
export PORTICO_LIMITED_WEBHOOK="$LIMITED_WEBHOOK"
export PORTICO_BASE="https://$ADDR"
export PORTICO_CLIENT_ID="$CLIENT_ID"
export PORTICO_CLIENT_SECRET="$CLIENT_SECRET"
export PORTICO_ADMIN_PASSWORD="$ADMIN_PASSWORD"
export PORTICO_TOKEN_TTL="$TOKEN_TTL"
export SSL_CERT_FILE="$CA"        # aiohttp (fast_bitrix24): ssl.create_default_context()
export REQUESTS_CA_BUNDLE="$CA"   # requests (b24pysdk)
export PYTHONDONTWRITEBYTECODE=1

# shellcheck disable=SC2086
"$VENV/bin/python" -m pytest -p no:cacheprovider -q -ra ${PYTEST_ARGS:-} \
  "$ROOT/tests/sdk/test_sdk.py" "$ROOT/tests/sdk/test_sdk_oauth.py" "$ROOT/tests/sdk/test_sdk_limits.py"

# --- One sandbox for the four libraries, reset before each scenario ---------
SANDBOX_DATA="$WORK/sandbox"
"$BIN" sandbox --tls --json --data-dir "$SANDBOX_DATA" > "$WORK/sandbox.log" 2>&1 &
SERVER_PIDS+=("$!")
SANDBOX_JSON=""
for _ in $(seq 300); do
  SANDBOX_JSON="$(grep -m1 '^{' "$WORK/sandbox.log" || true)"
  [[ -n "$SANDBOX_JSON" ]] && break
  sleep 0.1
done
[[ -n "$SANDBOX_JSON" ]] || { log "the sandbox printed no credentials in 30 s"; exit 1; }
SANDBOX_CA="$SANDBOX_DATA/tls/ca.pem"
log "sandbox listening ($(printf '%s' "$SANDBOX_JSON" | sed -n 's/.*"base_url":"\([^"]*\)".*/\1/p'))"

# shellcheck disable=SC2086
PORTICO_SANDBOX="$SANDBOX_JSON" SSL_CERT_FILE="$SANDBOX_CA" REQUESTS_CA_BUNDLE="$SANDBOX_CA" \
  "$VENV/bin/python" -m pytest -p no:cacheprovider -q -ra ${PYTEST_ARGS:-} \
  "$ROOT/tests/sdk/test_sdk_sandbox.py"

JS="$ROOT/tests/sdk/js"
if [[ ! -d "$JS/node_modules" || "$JS/package-lock.json" -nt "$JS/node_modules" ]]; then
  log "installing the JavaScript clients (npm ci)"
  (cd "$JS" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$JS/node_modules"
fi
(cd "$JS" && PORTICO_SANDBOX="$SANDBOX_JSON" NODE_EXTRA_CA_CERTS="$SANDBOX_CA" node --test)
