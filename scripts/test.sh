#!/usr/bin/env bash
# The one test command (README; .ci/run calls exactly this).
# Installs what it needs (scripts/install.sh, idempotent), then runs every check and test suite.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

./scripts/install.sh rust node python wasm trunk browser web audit

passed=0
failed=0
failures=()
step() {
  # step NAME CMD... : runs one check, records the outcome, keeps going so one run shows all.
  local name="$1"; shift
  printf '\n==> %s\n' "$name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    printf '<== %s: ok (%ss)\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf '<== %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
  fi
}

step "cargo fmt --check" cargo fmt --all -- --check
step "cargo clippy -D warnings" cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo test" cargo test --workspace --locked
step "wasm32 check (srp, core, client)" cargo check --locked --target wasm32-unknown-unknown -p cognito-srp -p cognito-core -p cognito-client
step "wasm32 clippy (cognito-wasm)" cargo clippy --locked --target wasm32-unknown-unknown -p cognito-wasm --all-targets -- -D warnings
step "wasm32 clippy (cognito-demo)" cargo clippy --locked --target wasm32-unknown-unknown -p cognito-demo --all-targets -- -D warnings
step "browser tests: cognito-wasm in headless Chromium" tests/wasm/run.sh
# cognito-srp's kernel multiplies with wasm SIMD in wasm32 only: its tests there, under Node.
step "cognito-srp kernel in wasm32: tests against num-bigint (Node)" crates/srp/wasm-harness/run.sh test
step "npm package size (release, wasm-opt -Oz)" scripts/wasm-size.sh
step "TypeScript: the package's .d.ts under tsc --strict" tests/wasm/typecheck.sh
# The packed package (npm pack of the build above) in the example app: tsc --strict, vite build,
# Playwright on the built app, and amazon-cognito-identity-js interop in one origin.
step "example app on the packed npm package: tsc, vite build, Playwright (tests/web)" tests/web/run.sh --reuse-build
# The demo as demo.sh starts it (trunk release build included: the slow part), in Chromium.
step "demo app end to end: Playwright in Chromium (tests/demo)" tests/demo/run.sh
if [ -f tests/vectors/srp/generate.mjs ]; then
  step "SRP vectors match amazon-cognito-identity-js" node tests/vectors/srp/generate.mjs --check
fi
if ./scripts/audit.sh --check-db; then
  step "cargo audit (RustSec advisories)" ./scripts/audit.sh
else
  printf '\n==> cargo audit: skipped (no advisory database; see scripts/audit.sh)\n'
fi
if [ -x tests/interop/run.sh ]; then
  step "interop: reference clients against the local server" tests/interop/run.sh
fi

printf '\n'
for f in "${failures[@]}"; do printf 'failed: %s\n' "$f"; done
printf 'checks: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
