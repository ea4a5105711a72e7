#!/usr/bin/env bash
# Builds the npm package of crates/wasm for size and prints raw / gzip -9 / brotli -q 11 sizes
# of the .wasm and the JS glue; fails when the compressed total exceeds the budget.
#   scripts/wasm-size.sh [--target web|bundler]   (default web; output in crates/wasm/pkg)
# Profile: [profile.wasm-release] in the workspace Cargo.toml (opt-level z, LTO, one codegen
# unit, panic = abort), then wasm-opt -Oz from tools/ (binaryen; Debian's is too old).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/wasm-env.sh
. scripts/wasm-env.sh

# Budget for .wasm + JS glue after brotli -q 11, in bytes: today's size plus a little room, so a
# dependency that adds tens of kilobytes fails the test command. Lower it as the size goes down.
BROTLI_BUDGET=${BROTLI_BUDGET:-262144}

target=web
[ "${1:-}" = "--target" ] && target="$2"
pkg=crates/wasm/pkg
wasm-pack --log-level warn build --profile wasm-release --mode no-install --no-opt --target "$target" \
  --out-dir pkg crates/wasm >/dev/null
wasm="$pkg/cognito_wasm_bg.wasm"
# The features rustc's wasm32-unknown-unknown target emits by default.
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"

sizes() {
  local raw gz br
  raw=$(wc -c <"$1")
  gz=$(gzip -9c "$1" | wc -c)
  br=$(brotli -q 11 -c "$1" | wc -c)
  printf '%-34s %9d %9d %9d\n' "$(basename "$1")" "$raw" "$gz" "$br"
}
glue=("$pkg/cognito_wasm.js")
while IFS= read -r f; do glue+=("$f"); done < <(find "$pkg/snippets" -name '*.js' 2>/dev/null | sort)
printf '%-34s %9s %9s %9s\n' file raw gzip-9 brotli-11
sizes "$wasm"
for f in "${glue[@]}"; do sizes "$f"; done
total_raw=0 total_gz=0 total_br=0
for f in "$wasm" "${glue[@]}"; do
  total_raw=$((total_raw + $(wc -c <"$f")))
  total_gz=$((total_gz + $(gzip -9c "$f" | wc -c)))
  total_br=$((total_br + $(brotli -q 11 -c "$f" | wc -c)))
done
printf '%-34s %9d %9d %9d\n' "total (.wasm + JS)" "$total_raw" "$total_gz" "$total_br"
if [ "$total_br" -gt "$BROTLI_BUDGET" ]; then
  echo "over the size budget: $total_br > $BROTLI_BUDGET bytes (brotli)" >&2
  exit 1
fi
echo "within the size budget ($total_br <= $BROTLI_BUDGET bytes, brotli)"
