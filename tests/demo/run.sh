#!/usr/bin/env bash
# End-to-end tests of the demo app: starts the stack exactly as the README's ./scripts/demo.sh
# does (with --in-memory stores; the app's release build included), then drives Debian's
# Chromium through it with playwright-core (tests/demo/*.test.mjs). Screenshots of the main
# screens go to tests/demo/artifacts/. Stops everything at exit.
# The app's URLs are compiled in (crates/demo/src/config.rs), so the ports are demo.sh's fixed
# ones: 8080 (app), 9229 (cognito-local), 8081 (API); they must be free.
#   tests/demo/run.sh [--no-build]     --no-build: test the app already in dist/
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"

log="$(mktemp)"
short_config="$(mktemp --suffix .toml)"
demo=""
stop_demo() {
  [ -n "$demo" ] || return 0
  kill -TERM "$demo" 2>/dev/null || true
  wait "$demo" 2>/dev/null || true
  demo=""
}
cleanup() {
  stop_demo
  rm -f "$log" "$short_config"
}
trap cleanup EXIT

start_demo() {
  # start_demo DEMO.SH-ARGS... : starts the stack and waits until it is up.
  : >"$log"
  scripts/demo.sh --in-memory "$@" >"$log" 2>&1 &
  demo=$!
  local start=$SECONDS
  # The release build of the app is the slow part: allow it 40 minutes on a cold cache.
  until grep -q "Ctrl-C stops everything" "$log"; do
    if ! kill -0 "$demo" 2>/dev/null || [ $((SECONDS - start)) -gt 2400 ]; then
      cat "$log" >&2
      echo "the demo stack did not start" >&2
      exit 1
    fi
    sleep 0.5
  done
  grep -E "demo app built in" "$log" || true
  echo "stack up in $((SECONDS - start)) s"
}

run_tests() {
  if ! node --test --test-reporter=spec --test-concurrency=1 "$@"; then
    echo "--- demo.sh log (tail) ---"
    tail -n 40 "$log"
    return 1
  fi
}

status=0
start_demo "$@"
run_tests tests/demo/demo.test.mjs || status=1
stop_demo

# Again with 70-second ID and access tokens (the client refreshes 60 s before expiry), on the
# same build: the session must refresh silently while the user stays on the notes page.
sed -E 's/^(id|access)_token_validity_seconds = [0-9]+/\1_token_validity_seconds = 70/' \
  crates/server/cognito-local.toml >"$short_config"
grep -q '^id_token_validity_seconds = 70' "$short_config" || { echo "could not shorten the token lifetime" >&2; exit 1; }
export COGNITO_CONFIG="$short_config"
start_demo --no-build
run_tests tests/demo/short-tokens.test.mjs || status=1
exit $status
