#!/usr/bin/env bash
# The browser tests of crates/wasm: wasm-bindgen-test in Debian's headless Chromium, against a
# cognito-local started here on a free loopback port (in memory, stopped at exit).
#   tests/wasm/run.sh [extra wasm-pack test args...]
# Needs: scripts/install.sh wasm browser.
# The endpoint reaches the tests at compile time (option_env!("COGNITO_LOCAL_URL")), and so
# does a small relay (tests/wasm/relay.mjs): cognito-local serves the dev outbox to its own
# origin only, and the test page is on another port; the relay also fills in the hosted UI's form.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/wasm-env.sh
. scripts/wasm-env.sh

cargo build --locked -q -p cognito-local --bin cognito-local
target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
log="$(mktemp)"
relay_log="$(mktemp)"
"$target_dir/debug/cognito-local" --in-memory --bind 127.0.0.1:0 >"$log" 2>&1 &
server=$!
relay=""
cleanup() {
  kill "$server" 2>/dev/null || true
  [ -n "$relay" ] && kill "$relay" 2>/dev/null || true
  rm -f "$log" "$relay_log"
}
trap cleanup EXIT

wait_for() {
  # wait_for FILE SED-EXPR PID : prints the first match of SED-EXPR in FILE, waiting up to 30 s.
  local out=""
  for _ in $(seq 1 300); do
    out="$(sed -n "$2" "$1" | head -n 1)"
    [ -n "$out" ] && { echo "$out"; return 0; }
    kill -0 "$3" 2>/dev/null || { cat "$1" >&2; return 1; }
    sleep 0.1
  done
  cat "$1" >&2
  return 1
}

endpoint="$(wait_for "$log" 's/^cognito-local listening on \(http:[^ ]*\).*/\1/p' $server)" \
  || { echo "cognito-local did not start" >&2; exit 1; }
node tests/wasm/relay.mjs "$endpoint" >"$relay_log" 2>&1 &
relay=$!
relay_url="$(wait_for "$relay_log" 's/^outbox relay on \(http:[^ ]*\).*/\1/p' $relay)" \
  || { echo "outbox relay did not start" >&2; exit 1; }
echo "cognito-local at $endpoint, outbox relay at $relay_url"

export COGNITO_LOCAL_URL="$endpoint" OUTBOX_RELAY_URL="$relay_url"
status=0
wasm-pack test --headless --chrome --mode no-install crates/wasm --test browser --test event_loop "$@" || status=1
if [ $status -ne 0 ]; then
  echo "--- cognito-local log (tail) ---"
  tail -n 40 "$log"
fi
exit $status
