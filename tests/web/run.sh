#!/usr/bin/env bash
# The example app (web/) on the packed npm package, end to end:
#   1. scripts/package.sh builds the release package and `npm pack`s it;
#   2. the tarball is installed into web/ as a user's app gets it (npm copies it into
#      node_modules; --no-save: the tarball changes with every build, so it is not pinned in
#      web/package-lock.json, which pins Vite and TypeScript; --offline: nothing else is fetched);
#   3. tsc on tests/web/types/entry.ts (the entry module's declarations; misuses must fail),
#      `tsc --noEmit --strict` and `vite build` (no Vite plugin) on the app, and a Vite build of
#      the interop page (tests/web/interop/: amazon-cognito-identity-js next to our package);
#   4. Playwright (playwright-core, Debian's /usr/bin/chromium) on the built app, the interop page
#      and a plain page importing the installed files unbundled (tests/web/plain/), each test
#      file starting its own cognito-local on a free port (tests/web/stack.mjs).
#   tests/web/run.sh [--no-build | --reuse-build] [node --test args...]
#   --no-build: test the last packed tarball; --reuse-build: pack the crates/wasm/pkg that
#   scripts/wasm-size.sh built (scripts/test.sh runs that step just before).
# Needs: scripts/install.sh node wasm browser web.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/wasm-env.sh
. scripts/wasm-env.sh

pack_args=()
build=1
case "${1:-}" in
  --no-build) build=0; shift ;;
  --reuse-build) pack_args=(--reuse-build); shift ;;
esac

target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
version="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).packages.find(p=>p.name==="cognito-wasm").version))')"
if [ $build = 1 ]; then scripts/package.sh --out "$target_dir/npm" "${pack_args[@]}"; fi
tarball="$target_dir/npm/cognito-wasm-$version.tgz"
[ -f "$tarball" ] || { echo "no $tarball: run scripts/package.sh" >&2; exit 1; }

echo "==> npm install $tarball into web/"
(cd web && npm install --no-save --offline --no-audit --no-fund --loglevel=error "$tarball")
[ -L web/node_modules/cognito-wasm ] && { echo "web/node_modules/cognito-wasm is a link, not the packed copy" >&2; exit 1; }
# The entry module's declarations add to the hand-written ones (checked by tests/wasm/typecheck.sh)
# and must not bring an `any` either.
if grep -nwE 'any' web/node_modules/cognito-wasm/index.d.ts | grep -vE '^[0-9]+:\s*(//|/?\*)'; then
  echo "'any' in the package's index.d.ts" >&2
  exit 1
fi
echo "==> tsc: the entry module's types, with deliberate misuses (tests/web/types)"
web/node_modules/.bin/tsc -p tests/web/types
echo "==> tsc --noEmit --strict (web/)"
(cd web && node_modules/.bin/tsc --noEmit --strict -p .)
echo "==> vite build (web/)"
(cd web && node_modules/.bin/vite build --logLevel warn)
echo "==> vite build (tests/web/interop/)"
web/node_modules/.bin/vite build --config tests/web/interop/vite.config.js

cargo build --locked -q -p cognito-local --bin cognito-local
export COGNITO_LOCAL_BIN="$target_dir/debug/cognito-local"
# playwright-core comes from tests/node_modules (the test files live under tests/).
# WEB_TESTS: other test files, or only some (e.g. WEB_TESTS=tests/web/tabs.test.mjs).
read -r -a files <<<"${WEB_TESTS:-tests/web/app.test.mjs tests/web/tabs.test.mjs tests/web/interop.test.mjs}"
node --test --test-reporter=spec --test-concurrency=1 "$@" "${files[@]}"
