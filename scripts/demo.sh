#!/usr/bin/env bash
# The one demo command (README). Installs what it needs, builds and starts on loopback:
#   - the demo app (crates/demo, a release build by trunk)    http://127.0.0.1:8080
#   - cognito-local, the local Cognito-compatible server      http://127.0.0.1:9229
#   - cognito-api, the protected API (verifies ID tokens)     http://127.0.0.1:8081
# prints the URLs and the demo credentials, and stops everything on Ctrl-C.
#
#   scripts/demo.sh [--in-memory] [--no-build] [--app-port N] [--cognito-port N] [--api-port N]
#     --in-memory:      a throw-away user store and notes database
#     --no-build:       serve the app already in dist/ (the last build)
#     --app-port N, --cognito-port N, --api-port N (or APP_PORT, COGNITO_PORT, API_PORT):
#                       other ports than the defaults above; 0 lets the system pick free ones
#                       (the tests do), and the printed URLs say which
#     COGNITO_CONFIG=FILE: another cognito-local configuration (default crates/server/cognito-local.toml)
#
# One build serves any ports: the app reads its pool, client and URLs from a JSON block that
# scripts/serve-spa.py puts into index.html (crates/demo/src/config.rs), written here once the
# servers have said where they listen; cognito-local gets its configuration with the app
# client's callback and sign-out URLs (http://127.0.0.1:8080/, http://localhost:8080/) moved to
# the app's port.
#
# Against a real Cognito pool, run the API alone:
#   cargo run -p cognito-api -- --pool-id <region>_<id> --client-id <app client> \
#       --allow-origin <your app's origin>
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

APP_PORT="${APP_PORT:-8080}"
COGNITO_PORT="${COGNITO_PORT:-9229}"
API_PORT="${API_PORT:-8081}"
POOL_ID="us-east-1_LocalPool1"
CLIENT_ID="localspaclient000000000001"

store_args=(--data-dir "$ROOT/.cognito-local")
notes_args=(--db "$ROOT/.cognito-local/notes.sqlite3")
build_app=1
while [ $# -gt 0 ]; do
  case "$1" in
    --in-memory) store_args=(--in-memory); notes_args=() ;;
    --no-build) build_app=0 ;;
    --app-port) APP_PORT="${2:?--app-port needs a port}"; shift ;;
    --app-port=*) APP_PORT="${1#*=}" ;;
    --cognito-port) COGNITO_PORT="${2:?--cognito-port needs a port}"; shift ;;
    --cognito-port=*) COGNITO_PORT="${1#*=}" ;;
    --api-port) API_PORT="${2:?--api-port needs a port}"; shift ;;
    --api-port=*) API_PORT="${1#*=}" ;;
    -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p;}' "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

for port in "$APP_PORT" "$COGNITO_PORT" "$API_PORT"; do
  case "$port" in
    ''|*[!0-9]*) echo "not a port: '$port'" >&2; exit 2 ;;
  esac
  [ "$port" -eq 0 ] && continue
  if python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', int(sys.argv[1]))) != 0)" "$port"; then
    echo "port $port is in use (another demo running?): stop it first, or pick others (--help)" >&2
    exit 1
  fi
done
base_config="${COGNITO_CONFIG:-$ROOT/crates/server/cognito-local.toml}"
[ -f "$base_config" ] || { echo "no cognito-local configuration at $base_config" >&2; exit 2; }

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
run="$(mktemp -d)"
pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$run"
}
trap stop EXIT
trap 'exit 130' INT TERM

# listening_on PID FILE PATTERN: waits until FILE has a line matching PATTERN (an extended
# regular expression whose first group is host:port) and prints that host:port.
listening_on() {
  local pid=$1 file=$2 pattern=$3 addr=""
  for _ in $(seq 1 300); do
    addr="$(sed -E 's/\x1b\[[0-9;]*m//g' "$file" 2>/dev/null | sed -nE "s#.*$pattern.*#\\1#p" | head -n 1)"
    [ -n "$addr" ] && { echo "$addr"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "a server did not start (see the messages above; no '$pattern' in its output)" >&2
  return 1
}

bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release"

# 1. The app first: its port goes into cognito-local's callback URLs and the API's CORS origins.
#    It answers 503 until its configuration (below) is written.
python3 scripts/serve-spa.py "$ROOT/dist" --bind 127.0.0.1 --port "$APP_PORT" \
  --config "$run/app-config.json" >"$run/app.out" &
pids+=($!)
app_addr="$(listening_on "$!" "$run/app.out" 'demo app on http://([0-9.]+:[0-9]+)')"
APP_PORT="${app_addr##*:}"
APP_ORIGIN="http://127.0.0.1:$APP_PORT"

# 2. cognito-local, with the app client's URLs on the app's port.
sed -E "s#http://(127\\.0\\.0\\.1|localhost):8080/#http://\\1:$APP_PORT/#g" "$base_config" >"$run/cognito-local.toml"
"$bin/cognito-local" --config "$run/cognito-local.toml" "${store_args[@]}" \
  --bind "127.0.0.1:$COGNITO_PORT" >"$run/cognito.out" &
pids+=($!)
cognito_addr="$(listening_on "$!" "$run/cognito.out" 'cognito-local listening on http://([0-9.]+:[0-9]+)')"
COGNITO_URL="http://$cognito_addr"

# 3. The API, verifying that pool's tokens. Its log goes to the terminal as well.
NO_COLOR=1 "$bin/cognito-api" --issuer "$COGNITO_URL/$POOL_ID" --client-id "$CLIENT_ID" \
  --allow-origin "$APP_ORIGIN" --allow-origin "http://localhost:$APP_PORT" \
  --listen "127.0.0.1:$API_PORT" "${notes_args[@]}" > >(tee "$run/api.out") &
pids+=($!)
api_addr="$(listening_on "$!" "$run/api.out" 'cognito-api on http://([0-9.]+:[0-9]+)')"
API_URL="http://$api_addr"

# 4. The app's configuration (written whole, then renamed: never read half-written).
cat >"$run/app-config.json.new" <<EOF
{"userPoolId": "$POOL_ID", "clientId": "$CLIENT_ID", "endpoint": "$COGNITO_URL/",
 "hostedUiDomain": "$COGNITO_URL", "apiBase": "$API_URL"}
EOF
mv "$run/app-config.json.new" "$run/app-config.json"

# Wait until all three answer.
for url in "$COGNITO_URL/$POOL_ID/.well-known/jwks.json" "$API_URL/health" "$APP_ORIGIN/"; do
  for _ in $(seq 1 100); do
    python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$url" 2>/dev/null && break
    sleep 0.1
  done
done

cat <<EOF

  demo app        $APP_ORIGIN/      <- open this
  cognito-local   $COGNITO_URL   (codes it would email: $COGNITO_URL/_dev/outbox)
  protected API   $API_URL       (GET/POST /notes, DELETE /notes/{id}, GET /me; Bearer <ID token>)
  demo user       demo / DemoPassw0rd!
  pool / client   $POOL_ID / $CLIENT_ID

  Sign up with any email address: the confirmation code is in the outbox above.
  Ctrl-C stops everything.
EOF
wait -n "${pids[@]}"
