#!/usr/bin/env bash
# Interop: clients nobody here wrote, against our local server.
#   - amazon-cognito-identity-js (npm, Node): sign-up, confirm, SRP sign-in, refresh, change
#     password, global sign-out, wrong password; NEW_PASSWORD_REQUIRED (AdminCreateUser), TOTP
#     set-up and SOFTWARE_TOKEN_MFA, forgot password.
#   - Amplify JS v6 (aws-amplify, npm, Node): sign-up/confirm/autoSignIn, SRP and USER_PASSWORD_AUTH
#     sign-in, fetchAuthSession and forced refresh (GetTokensFromRefreshToken), user attributes and
#     verification, updatePassword, global sign-out, new-password and TOTP challenges, reset
#     password, deleteUser.
#   - pycognito (PyPI): SRP sign-in with token verification against our JWKS, wrong password,
#     confidential client (SECRET_HASH), new-password challenge, forgot password, TOTP MFA.
#   - a plain-HTTP OAuth 2.0 client: authorization code + PKCE through the hosted UI.
# Starts one cognito-local on a free loopback port with an in-memory store, stops it at exit.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"

cargo build --locked -q -p cognito-local --bin cognito-local
target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
log="$(mktemp)"
"$target_dir/debug/cognito-local" --in-memory --bind 127.0.0.1:0 >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT

endpoint=""
for _ in $(seq 1 300); do
  endpoint="$(sed -n 's/^cognito-local listening on \(http:[^ ]*\).*/\1/p' "$log" | head -n 1)"
  [ -n "$endpoint" ] && break
  kill -0 $server 2>/dev/null || { cat "$log"; echo "cognito-local exited early" >&2; exit 1; }
  sleep 0.1
done
[ -n "$endpoint" ] || { cat "$log"; echo "cognito-local did not report its address" >&2; exit 1; }
export COGNITO_ENDPOINT="$endpoint"
echo "cognito-local at $COGNITO_ENDPOINT"

status=0
node --test --test-reporter=spec tests/interop/*.test.mjs || status=1
.venv/bin/python -m pytest -q tests/interop || status=1
if [ $status -ne 0 ]; then
  echo "--- cognito-local log (tail) ---"
  tail -n 60 "$log"
fi
exit $status
