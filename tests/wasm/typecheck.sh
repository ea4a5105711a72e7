#!/usr/bin/env bash
# Type-checks tests/wasm/types/consumer.ts against the package's .d.ts with tsc --strict: every
# method used as documented must pass, every `@ts-expect-error` misuse must fail. Also checks
# that our hand-written declarations contain no `any` (wasm-bindgen's own InitOutput interface
# of the raw exports does, and is left out of the check).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
dts=crates/wasm/pkg/cognito_wasm.d.ts
[ -f "$dts" ] || scripts/wasm-size.sh >/dev/null
tools/node_modules/.bin/tsc -p tests/wasm/types
if sed '/^export interface InitOutput {/,/^}/d' "$dts" | grep -nwE 'any' | grep -v '^\s*[0-9]*:\s*\*\|/\*\*'; then
  echo "'any' in the public declarations of $dts" >&2
  exit 1
fi
echo "types ok: consumer.ts type-checks, every deliberate misuse is rejected, no 'any'"
