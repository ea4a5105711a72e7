#!/usr/bin/env bash
# Builds the npm package of crates/wasm for size and prints raw / gzip -9 / brotli -q 11 sizes
# of what a browser loads: the .wasm, wasm-bindgen's JS glue and its snippet (minified here, in
# the package), and the entry module crates/wasm/npm/index.js, minified into the package
# directory for scripts/package.sh (--target web only: it wraps that glue); fails when the
# compressed total exceeds the budget.
#   scripts/wasm-size.sh [--target web|bundler] [--breakdown]   (default web; output in crates/wasm/pkg)
# Profile: [profile.wasm-release] in the workspace Cargo.toml (opt-level z, LTO, one codegen
# unit, panic = abort), then wasm-opt -Oz --converge from tools/ (binaryen; Debian's is too old).
# --breakdown also prints where the bytes go, per crate and the largest functions, from a copy
# optimised the same way but keeping the name section; it needs twiggy (`cargo install twiggy`,
# not part of scripts/install.sh: the test command does not use it). Data segments (string
# literals, tables) cannot be attributed to a crate and are one row.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/wasm-env.sh
. scripts/wasm-env.sh

# Budget for .wasm + JS glue after brotli -q 11, in bytes: today's size plus a little room, so a
# dependency that adds tens of kilobytes fails the test command. Lower it as the size goes down.
# History (bytes, brotli, .wasm + glue): 249 434 with the url crate (2026-12-01), 181 633
# without it and without std's float and IPv6 parsers, 181 178 with --converge.
# 2026-12-02: 188 179 with the SRP precompute/yields and the cause/timeout/lease work, 192 325
# with the stale-read fix between tabs (session fingerprints and what each tab heard, ≈ 4 KB):
# budget raised by that, deliberately, from 186 to 192 KiB. 170 136 with core's own JSON
# (crates/core/src/json.rs) instead of serde / serde_json: budget 169.5 KiB (+2 %). 161 396
# with that, the SIMD SRP kernel (+1.8 KB) and the wasm/client trims (no f64 or Debug
# formatting, fetch and the JWT payload in one inline JS module, shared boxed futures):
# budget 161 KiB. 151 543 with cognito-srp's own integer instead of num-bigint, 150 454 with
# core's JSON readers and JWT decoding trimmed: budget 150 KiB.
# 2026-12-02 (session 14), now also counting the entry module index.js (2 097 B brotli as it
# was, unminified): 152 656 before; 137 152 without the stable sort, hashbrown, i128 Display, the
# Two-Way searcher and the base64 crate, with one SHA-256/HMAC each (cognito_srp::hashes,
# ::base64); 134 924 with core's shared JSON field reader; 131 137 with the package's JavaScript
# minified by esbuild: budget 131 KiB.
# 2026-12-02 (session 15): 129 032 with talc as the allocator instead of std's dlmalloc;
# 124 835 without str Debug in error messages and without panicking str slicing (which
# brought char/Range Debug and std's Unicode tables): budget 124 KiB.
# 2026-12-03 (session 16): 123 889 without the 32-bit limbs' own multiply and square, which
# the browser build never runs (it always has the SIMD multiplier), 123 520 with one hex
# encoder instead of four, 123 321 with core's own percent-encoder: budget 123 KiB.
# 2026-12-03 (session 17): 123 156 with Web Storage opened at its first use, 119 078 with
# core's sorted-list Map instead of BTreeMap (its node code was 6 KB of .wasm): budget 120 KiB.
BROTLI_BUDGET=${BROTLI_BUDGET:-122880}

target=web
breakdown=
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target="$2"; shift 2 ;;
    --breakdown) breakdown=1; shift ;;
    *) echo "usage: $0 [--target web|bundler] [--breakdown]" >&2; exit 2 ;;
  esac
done
pkg=crates/wasm/pkg
# wasm-pack leaves the snippets of an earlier build in place: gone, they would still be
# measured here and packed into the tarball.
rm -rf "$pkg/snippets" "$pkg/index.js"
wasm-pack --log-level warn build --profile wasm-release --mode no-install --no-opt --target "$target" \
  --out-dir pkg crates/wasm >/dev/null
wasm="$pkg/cognito_wasm_bg.wasm"
# The features rustc's wasm32-unknown-unknown target emits by default, and SIMD: cognito-srp's
# kernel multiplies with wasm SIMD (#[target_feature(enable = "simd128")] on its hot loop,
# crates/srp/src/big/r28.rs), so the module needs an engine with SIMD (Chrome 91, Firefox 89,
# Safari 16.4). --converge repeats -Oz while it still shrinks the module (about 0.5 KB brotli).
opt=(-Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-reference-types --enable-multivalue --enable-mutable-globals --enable-simd)
if [ -n "$breakdown" ]; then
  # Outside the package directory, so that it never gets packed.
  named="$ROOT/target/wasm-size/cognito_wasm_bg.named.wasm"
  mkdir -p "$(dirname "$named")"
  wasm-opt "${opt[@]}" -g "$wasm" -o "$named"
fi
wasm-opt "${opt[@]}" "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
# The glue is generated code nobody reads in the package (the types are in the .d.ts files), so
# it ships minified, as the peers' bundles are measured (esbuild --minify, from tools/): its
# JSDoc copies of the Rust docs and long local names were about 2.6 KB brotli. Export names,
# import keys and `import.meta.url` are kept; tests/web runs the packed package in Chromium.
# The entry module keeps its names (--keep-names: `Auth.name` is "Auth"); in the glue that
# costs 0.6 KB brotli, so there the classes' names are minified (its `Auth` is internal, behind
# index.js; `TotpSetupDetails` objects work the same, only their constructor's name is short).
minify() { esbuild "$@" --minify --format=esm --log-level=warning; }
for f in "$pkg/cognito_wasm.js" $(find "$pkg/snippets" -name '*.js' 2>/dev/null); do
  minify "$f" --outfile="$f.min" && mv "$f.min" "$f"
done
# Measured for either target; left in the package directory only beside the glue it wraps, so
# that scripts/package.sh --reuse-build knows a --target web build by it.
entry="$pkg/index.js"
[ "$target" = web ] || entry="$ROOT/target/wasm-size/index.js"
mkdir -p "$(dirname "$entry")"
minify crates/wasm/npm/index.js --keep-names --outfile="$entry"

sizes() {
  local raw gz br
  raw=$(wc -c <"$1")
  gz=$(gzip -9c "$1" | wc -c)
  br=$(brotli -q 11 -c "$1" | wc -c)
  printf '%-34s %9d %9d %9d\n' "$(basename "$1")" "$raw" "$gz" "$br"
}
glue=("$entry" "$pkg/cognito_wasm.js")
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
if [ -n "$breakdown" ]; then
  # Each function is attributed to the crate of its path (`<a::T as b::Trait>::f` to `a`);
  # sizes are raw bytes of the optimised module (brotli compresses the code about 3:1).
  csv="$ROOT/target/wasm-size/twiggy.csv"
  twiggy top -n 1000000 --format csv "$named" >"$csv"
  echo
  echo "where the bytes go (raw, optimised, names section excluded):"
  awk -F, 'NR > 1 {
      size = $(NF - 3); name = $0; sub(/,[^,]*,[^,]*,[^,]*,[^,]*$/, "", name); gsub(/"/, "", name)
      if (name ~ /^data segment/) c = "(data segments: strings, tables)"
      else if (name ~ /subsection$|^custom section/) next
      else {
        n = name; sub(/^<(&(mut )?)?/, "", n)
        # <f64 as core::fmt::Display>::fmt counts for the crate of the trait.
        if (n ~ /^[^ :]+ as /) sub(/^[^ :]+ as (&(mut )?)?/, "", n)
        if (n ~ /^(bool|char|str|[iuf](8|16|32|64|128|size))>::/) c = "core"
        else if (match(n, /^[A-Za-z_][A-Za-z0-9_]*(\[[0-9a-f]+\])?::/)) { c = substr(n, 1, RLENGTH - 2); sub(/\[.*/, "", c) }
        else c = "(wasm-bindgen shims, other)"
      }
      by[c] += size; total += size
    } END {
      for (c in by) printf "%9d %5.1f%%  %s\n", by[c], 100 * by[c] / total, c
      printf "%9d %5.1f%%  %s\n", total, 100, "total" > "/dev/stderr"
    }' "$csv" 2>&1 | sort -rn | sed -n 1,30p
  echo
  echo "largest functions (raw):"
  awk -F, 'NR > 1 { size = $(NF - 3); name = $0; sub(/,[^,]*,[^,]*,[^,]*,[^,]*$/, "", name); gsub(/"/, "", name)
      if (name !~ /subsection$/) printf "%9d  %s\n", size, substr(name, 1, 110) }' "$csv" | sort -rn | sed -n 1,25p
fi
if [ "$total_br" -gt "$BROTLI_BUDGET" ]; then
  echo "over the size budget: $total_br > $BROTLI_BUDGET bytes (brotli)" >&2
  exit 1
fi
echo "within the size budget ($total_br <= $BROTLI_BUDGET bytes, brotli)"
