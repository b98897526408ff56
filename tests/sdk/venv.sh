# Sourced by tests/sdk/run.sh and bench/million.sh: ensure_sdk_venv VENV REQ LOG
# makes the virtualenv VENV with the pinned packages of REQ, reinstalling only
# when REQ changed; LOG is the function that prints progress.
ensure_sdk_venv() {
  local venv="$1" req="$2" log="$3" stamp want
  if [[ ! -x "$venv/bin/python" ]]; then
    "$log" "creating virtualenv $venv"
    python3 -m venv "$venv"
  fi
  stamp="$venv/.requirements.sha256"
  want="$(sha256sum "$req" | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    "$log" "installing $(grep -c . "$req") pinned packages"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" </dev/null
    echo "$want" > "$stamp"
  fi
}
