#!/usr/bin/env bash
# End-to-end tests of the demo app: starts the stack exactly as the README's ./scripts/demo.sh
# does (with --in-memory stores; the app's release build included), then drives Debian's
# Chromium through it with playwright-core (tests/demo/*.test.mjs). Screenshots of the main
# screens go to tests/demo/artifacts/. Stops everything at exit.
# Every server gets a free port from the system (demo.sh --*-port 0; other test runs and
# other programs may hold the default ones), and the tests get the URLs demo.sh prints:
# DEMO_APP_URL, DEMO_COGNITO_URL, DEMO_API_URL.
#   tests/demo/run.sh [--no-build] [TEST FILE...]
#     --no-build: test the app already in dist/
#     TEST FILE:  run only these of tests/demo/*.test.mjs (default: all, as below)
#   DEMO_TEST_PATTERN=REGEX runs only the tests whose names match (node --test-name-pattern).
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
  scripts/demo.sh --in-memory --app-port 0 --cognito-port 0 --api-port 0 "$@" >"$log" 2>&1 &
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
  DEMO_APP_URL="$(sed -nE 's#^  demo app +(http://[0-9.:]+)/ .*#\1#p' "$log")"
  DEMO_COGNITO_URL="$(sed -nE 's#^  cognito-local +(http://[0-9.:]+) .*#\1#p' "$log")"
  DEMO_API_URL="$(sed -nE 's#^  protected API +(http://[0-9.:]+) .*#\1#p' "$log")"
  if [ -z "$DEMO_APP_URL" ] || [ -z "$DEMO_COGNITO_URL" ] || [ -z "$DEMO_API_URL" ]; then
    cat "$log" >&2
    echo "demo.sh did not print its URLs" >&2
    exit 1
  fi
  export DEMO_APP_URL DEMO_COGNITO_URL DEMO_API_URL
  echo "stack up in $((SECONDS - start)) s: app $DEMO_APP_URL, cognito-local $DEMO_COGNITO_URL, API $DEMO_API_URL"
}

run_tests() {
  local filter=()
  [ -n "${DEMO_TEST_PATTERN:-}" ] && filter=(--test-name-pattern "$DEMO_TEST_PATTERN")
  if ! node --test --test-reporter=spec --test-concurrency=1 "${filter[@]}" "$@"; then
    echo "--- demo.sh log (tail) ---"
    tail -n 40 "$log"
    return 1
  fi
}

build_args=()
files=()
for a in "$@"; do
  case "$a" in
    --no-build) build_args=(--no-build) ;;
    *.mjs) files+=("$a") ;;
    *) echo "unknown argument $a" >&2; exit 2 ;;
  esac
done
wants() { # wants FILE: whether FILE is to run
  [ ${#files[@]} -eq 0 ] && return 0
  local f
  for f in "${files[@]}"; do [ "$(basename "$f")" = "$(basename "$1")" ] && return 0; done
  return 1
}
main_files=()
for f in tests/demo/*.test.mjs; do
  [ "$(basename "$f")" = short-tokens.test.mjs ] && continue
  wants "$f" && main_files+=("$f")
done

status=0
if [ ${#main_files[@]} -gt 0 ]; then
  start_demo "${build_args[@]}"
  build_args=(--no-build)
  run_tests "${main_files[@]}" || status=1
  stop_demo
fi
wants tests/demo/short-tokens.test.mjs || exit $status

# Again with 70-second ID and access tokens (the client refreshes 60 s before expiry), on the
# same build: the session must refresh silently while the user stays on the notes page.
sed -E 's/^(id|access)_token_validity_seconds = [0-9]+/\1_token_validity_seconds = 70/' \
  crates/server/cognito-local.toml >"$short_config"
grep -q '^id_token_validity_seconds = 70' "$short_config" || { echo "could not shorten the token lifetime" >&2; exit 1; }
export COGNITO_CONFIG="$short_config"
start_demo "${build_args[@]}"
run_tests tests/demo/short-tokens.test.mjs || status=1
exit $status
