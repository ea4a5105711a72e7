#!/usr/bin/env bash
# cognito-srp in wasm32 under Node.js (V8): the kernel's tests there, and its benchmark.
#   crates/srp/wasm-harness/run.sh test                 wasm-pack test --node (a scripts/test.sh step)
#   crates/srp/wasm-harness/run.sh bench [--before REV] [label=dir ...]
#       builds the harness in release (opt-level 3, LTO, as the npm package builds this crate)
#       and runs bench.mjs on it ("after"); --before REV also builds it against crates/srp at
#       git revision REV (e.g. main) and interleaves the two in one process. BENCH_RUNS (31),
#       BENCH_CASES and BENCH_BACKENDS (kernel,reference) as bench.mjs reads them.
# Needs: scripts/install.sh wasm (wasm-pack, wasm-bindgen-cli at the pinned version, node).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
# shellcheck source=scripts/wasm-env.sh
. "$ROOT/scripts/wasm-env.sh"
out="${CARGO_TARGET_DIR:-$ROOT/target}/srp-wasm"

build() {
  # build SRC_DIR LABEL: the release harness in SRC_DIR (a crates/srp/wasm-harness) into $out/LABEL.
  local dir="$1" label="$2"
  (cd "$dir" && cargo build -q --locked --release --target wasm32-unknown-unknown --target-dir "$out/target-$label")
  wasm-bindgen --target nodejs --out-dir "$out/$label" \
    "$out/target-$label/wasm32-unknown-unknown/release/cognito_srp_wasm_harness.wasm"
}

case "${1:-}" in
  test)
    shift
    cd "$HERE"
    CARGO_TARGET_DIR="$out/target-test" wasm-pack --log-level warn test --node --mode no-install . --locked "$@"
    ;;
  bench)
    shift
    builds=()
    if [ "${1:-}" = --before ]; then
      rev="$2"; shift 2
      tmp="$(mktemp -d)"
      trap 'rm -rf "$tmp"' EXIT
      # The crate at REV with today's harness beside it (the hazmat API it uses is older).
      git -C "$ROOT" archive "$rev" Cargo.toml crates/srp | tar -x -C "$tmp"
      rm -rf "$tmp/crates/srp/wasm-harness"
      cp -r "$HERE" "$tmp/crates/srp/wasm-harness"
      build "$tmp/crates/srp/wasm-harness" before
      builds+=("before=$out/before")
    fi
    build "$HERE" after
    builds+=("after=$out/after")
    uptime
    node "$HERE/bench.mjs" "${builds[@]}" "$@"
    ;;
  *)
    echo "usage: $0 test | bench [--before REV] [label=dir ...]" >&2
    exit 2
    ;;
esac
