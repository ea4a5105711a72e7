#!/usr/bin/env bash
# The one demo command (README). Installs what it needs, builds and starts on loopback:
#   - the demo app (crates/demo, a release build by trunk)    http://127.0.0.1:8080
#   - cognito-local, the local Cognito-compatible server      http://127.0.0.1:9229
#   - cognito-api, the protected API (verifies ID tokens)     http://127.0.0.1:8081
# prints the URLs and the demo credentials, and stops everything on Ctrl-C.
# The app's pool, client and URLs are compiled in from crates/demo/src/config.rs, so the ports
# are fixed (cognito-local's default client lists http://127.0.0.1:8080/ as its callback).
#
#   scripts/demo.sh [--in-memory] [--no-build]
#     --in-memory: a throw-away user store and notes database
#     --no-build:  serve the app already in dist/ (the last build)
#
# Against a real Cognito pool, run the API alone:
#   cargo run -p cognito-api -- --pool-id <region>_<id> --client-id <app client> \
#       --allow-origin <your app's origin>
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

COGNITO_PORT="${COGNITO_PORT:-9229}"
API_PORT="${API_PORT:-8081}"
APP_ORIGIN="${APP_ORIGIN:-http://127.0.0.1:8080}"
POOL_ID="us-east-1_LocalPool1"
CLIENT_ID="localspaclient000000000001"

APP_PORT="${APP_ORIGIN##*:}"

store_args=(--data-dir "$ROOT/.cognito-local")
notes_args=(--db "$ROOT/.cognito-local/notes.sqlite3")
build_app=1
for a in "$@"; do
  case "$a" in
    --in-memory) store_args=(--in-memory); notes_args=() ;;
    --no-build) build_app=0 ;;
    *) echo "unknown argument $a" >&2; exit 2 ;;
  esac
done

for port in "$APP_PORT" "$COGNITO_PORT" "$API_PORT"; do
  if python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', int(sys.argv[1]))) != 0)" "$port"; then
    echo "port $port is in use (another demo running?): stop it first" >&2
    exit 1
  fi
done

./scripts/install.sh rust wasm trunk
# shellcheck source=scripts/wasm-env.sh
. scripts/wasm-env.sh
cargo build --locked --release -p cognito-local -p cognito-api
if [ $build_app = 1 ]; then
  start=$SECONDS
  echo "building the demo app (trunk build --release)..." >&2
  # Trunk.toml runs trunk (and its cargo) offline: fetch the crates first.
  cargo fetch --locked >/dev/null
  trunk build --release
  echo "demo app built in $((SECONDS - start)) s" >&2
fi

mkdir -p "$ROOT/.cognito-local"
pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release"
config_args=()
# COGNITO_CONFIG: another cognito-local configuration (the tests shorten token lifetimes).
[ -n "${COGNITO_CONFIG:-}" ] && config_args=(--config "$COGNITO_CONFIG")
"$bin/cognito-local" "${config_args[@]}" "${store_args[@]}" --bind "127.0.0.1:$COGNITO_PORT" &
pids+=($!)
"$bin/cognito-api" --issuer "http://127.0.0.1:$COGNITO_PORT/$POOL_ID" --client-id "$CLIENT_ID" \
  --allow-origin "$APP_ORIGIN" --allow-origin "http://localhost:${APP_ORIGIN##*:}" \
  --listen "127.0.0.1:$API_PORT" "${notes_args[@]}" &
pids+=($!)
python3 scripts/serve-spa.py "$ROOT/dist" --bind 127.0.0.1 --port "$APP_PORT" >/dev/null &
pids+=($!)

# Wait until all three answer.
for url in "http://127.0.0.1:$COGNITO_PORT/$POOL_ID/.well-known/jwks.json" "http://127.0.0.1:$API_PORT/health" "http://127.0.0.1:$APP_PORT/"; do
  for _ in $(seq 1 100); do
    python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$url" 2>/dev/null && break
    sleep 0.1
  done
done

cat <<EOF

  demo app        $APP_ORIGIN/      <- open this
  cognito-local   http://127.0.0.1:$COGNITO_PORT   (codes it would email: http://127.0.0.1:$COGNITO_PORT/_dev/outbox)
  protected API   http://127.0.0.1:$API_PORT       (GET/POST /notes, DELETE /notes/{id}, GET /me; Bearer <ID token>)
  demo user       demo / DemoPassw0rd!
  pool / client   $POOL_ID / $CLIENT_ID

  Sign up with any email address: the confirmation code is in the outbox above.
  Ctrl-C stops everything.
EOF
wait -n "${pids[@]}"
