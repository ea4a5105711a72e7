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
scripts/demo.sh --in-memory "$@" >"$log" 2>&1 &
demo=$!
cleanup() {
  kill -TERM "$demo" 2>/dev/null || true
  wait "$demo" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT

start=$SECONDS
# The release build of the app is the slow part: allow it 40 minutes on a cold cache.
until grep -q "Ctrl-C stops everything" "$log"; do
  if ! kill -0 "$demo" 2>/dev/null || [ $((SECONDS - start)) -gt 2400 ]; then
    cat "$log" >&2
    echo "the demo stack did not start" >&2
    exit 1
  fi
  sleep 0.5
done
grep -E "demo app built in|^  (demo app|cognito-local|protected API) " "$log" || true
echo "stack up in $((SECONDS - start)) s"

status=0
node --test --test-reporter=spec --test-concurrency=1 tests/demo/*.test.mjs || status=1
if [ $status -ne 0 ]; then
  echo "--- demo.sh log (tail) ---"
  tail -n 40 "$log"
fi
exit $status
