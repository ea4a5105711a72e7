#!/usr/bin/env bash
# The browser benchmark of issue 10, in one command: builds everything it measures and writes
# bench/RESULTS.md (and bench/dist/results.json).
#
#   scripts/bench.sh            (BENCH_RUNS=n timed runs per implementation, default 31;
#                                BENCH_NAV=n start-up navigations each, default 15;
#                                BENCH_SIGNINS=n cold sign-ins per rate each, default 10;
#                                BENCH_ONLY=speed,signin,startup: those sections only, building
#                                only what they need; writes bench/dist/RESULTS-partial.md and
#                                leaves bench/RESULTS.md alone;
#                                COGNITO_LOCAL_BIN=path: a cognito-local binary to sign in
#                                against instead of building target/release/cognito-local)
#
# What it does: installs its tools (scripts/install.sh wasm browser, npm ci in bench/), builds
# the release package (scripts/wasm-size.sh: [profile.wasm-release], wasm-opt -Oz) and the same
# package with the `bench` feature (BenchSrp), the native SRP benchmark (cargo bench -p
# cognito-srp, which bench/run.mjs runs just before and after the browser's SRP timings), the
# fixture (crates/srp/examples/bench_fixture.rs: one PASSWORD_VERIFIER challenge from
# cognito-srp's server side), cognito-local (the real sign-ins), esbuild bundles of the pages
# and of the peers, sizes and a per-crate breakdown (twiggy), then bench/run.mjs drives
# Debian's Chromium (playwright-core, never a downloaded browser) through every page in one run.
# Not part of scripts/test.sh: these are measurements, not tests.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
log() { printf '[bench] %s\n' "$*" >&2; }

./scripts/install.sh wasm browser
# shellcheck source=scripts/wasm-env.sh
. scripts/wasm-env.sh
stamp=bench/node_modules/.lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s bench/package-lock.json "$stamp"; then
  log "npm ci in bench/"
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
  cp bench/package-lock.json "$stamp"
fi
if [[ -z ${BENCH_ONLY:-} ]] && ! command -v twiggy >/dev/null; then
  log "cargo install twiggy"
  env -u CARGO_TARGET_DIR cargo install --quiet twiggy --version 0.8.0 --locked || log "no twiggy: no per-crate breakdown"
fi

dist=bench/dist
only=",${BENCH_ONLY:-speed,signin,startup},"
wants() { [[ $only == *",$1,"* ]]; }
full=0
if wants speed && wants signin && wants startup; then full=1; fi
rm -rf "$dist" && mkdir -p "$dist"
# As scripts/wasm-size.sh (SIMD: cognito-srp's kernel).
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-reference-types --enable-multivalue --enable-mutable-globals --enable-simd)

log "release package (scripts/wasm-size.sh; its budget is the test command's business, not the benchmark's)"
BROTLI_BUDGET=999999999 ./scripts/wasm-size.sh --target web | tee "$dist/wasm-size.txt" >&2
cp -r crates/wasm/pkg "$dist/pkg"
# The npm package as published (index.js around the glue), for the pages that load it the way an
# app does (app-ours, signin-ours: `import { Auth } from 'cognito-wasm'`, bundled by esbuild). Its
# index.js finds the .wasm with `new URL('./cognito_wasm_bg.wasm', import.meta.url)`, which
# esbuild leaves as it is: its users copy the file next to the bundle, and so does this.
./scripts/package.sh --reuse-build --out "$ROOT/$dist/npm" >/dev/null
cp "$dist/npm/cognito-wasm/cognito_wasm_bg.wasm" "$dist/"

if wants speed; then
  log "package with the bench feature"
  wasm-pack --log-level warn build --profile wasm-release --mode no-install --no-opt --target web \
    --out-dir "$ROOT/$dist/pkg-bench" crates/wasm -- --features bench >/dev/null
  wasm-opt -Oz "${WASM_OPT_FEATURES[@]}" "$dist/pkg-bench/cognito_wasm_bg.wasm" -o "$dist/bench.opt.wasm"
  mv "$dist/bench.opt.wasm" "$dist/pkg-bench/cognito_wasm_bg.wasm"
fi

if wants signin && [ -z "${COGNITO_LOCAL_BIN:-}" ]; then
  log "cognito-local (release), for the real sign-ins of section 2"
  cargo build -q --release --locked -p cognito-local
  export COGNITO_LOCAL_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/cognito-local"
fi

if [ $full = 1 ]; then
  log "per-crate breakdown: the release .wasm again, names kept (wasm-opt -Oz -g)"
  wasm-pack --log-level warn build --profile wasm-release --mode no-install --no-opt --target web \
    --out-dir "$ROOT/$dist/pkg-names" crates/wasm >/dev/null
  wasm-opt -Oz -g "${WASM_OPT_FEATURES[@]}" "$dist/pkg-names/cognito_wasm_bg.wasm" -o "$dist/names.wasm"
  rm -rf "$dist/pkg-names"
  if command -v twiggy >/dev/null; then
    twiggy top -n 1000000 --format csv "$dist/names.wasm" >"$dist/twiggy.csv"
  fi
fi

if wants speed; then
  log "native SRP benchmark (cargo bench -p cognito-srp; bench/run.mjs runs it beside section 1)"
  cargo bench -q --locked --no-run -p cognito-srp --bench srp_kernel
  log "fixture (cognito-srp's server side)"
  cargo run -q --release -p cognito-srp --example bench_fixture >"$dist/fixture.json"
fi

log "esbuild bundles"
esb=bench/node_modules/.bin/esbuild
# global: amazon-cognito-identity-js (its Buffer polyfill) reads `global`, which apps define as their bundlers tell them.
common=(--bundle --minify --format=esm --platform=browser --target=es2022 --define:global=globalThis --log-level=warning
  "--alias:cognito-wasm=./$dist/npm/cognito-wasm")
if wants speed; then
  for x in ours acij amplify bigint; do
    "$esb" "bench/src/page-$x.js" "${common[@]}" --outfile="$dist/page-$x.js"
  done
fi
for x in ours acij amplify; do
  "$esb" "bench/src/signin-$x.js" "${common[@]}" --outfile="$dist/signin-$x.js"
  printf '<!doctype html><meta charset="utf-8"><title>%s</title><script type="module" src="signin-%s.js"></script>\n' "$x" "$x" >"$dist/signin-$x.html"
done
for x in ours acij amplify; do
  "$esb" "bench/src/app-$x.js" "${common[@]}" --outfile="$dist/app-$x.js"
done
if wants speed; then
  for x in ours acij amplify bigint; do
    printf '<!doctype html><meta charset="utf-8"><title>%s</title><script type="module" src="page-%s.js"></script>\n' "$x" "$x" >"$dist/page-$x.html"
  done
fi
for x in ours acij amplify; do
  printf '<!doctype html><meta charset="utf-8"><title>%s</title><script type="module" src="app-%s.js"></script>\n' "$x" "$x" >"$dist/app-$x.html"
done
# The same start-up page with the .wasm preloaded, as crates/wasm/README.md tells a page to do:
# its download then runs beside the JavaScript's instead of after it.
printf '<!doctype html><meta charset="utf-8"><title>ours-preload</title><link rel="preload" href="cognito_wasm_bg.wasm" as="fetch" type="application/wasm" crossorigin><script type="module" src="app-ours.js"></script>\n' >"$dist/app-ours-preload.html"

log "sizes (raw, gzip -9, brotli -q 11)"
{
  sz() { printf '%s\t%s\t%d\t%d\t%d\n' "$1" "$2" "$(wc -c <"$2")" "$(gzip -9c "$2" | wc -c)" "$(brotli -q 11 -c "$2" | wc -c)"; }
  sz ours-wasm "$dist/pkg/cognito_wasm_bg.wasm"
  sz ours-entry "$dist/npm/cognito-wasm/index.js"
  sz ours-glue "$dist/pkg/cognito_wasm.js"
  while IFS= read -r f; do sz ours-snippet "$f"; done < <(find "$dist/pkg/snippets" -name '*.js' 2>/dev/null | sort)
  sz ours-app-min "$dist/app-ours.js"
  if wants speed; then sz ours-bench-wasm "$dist/pkg-bench/cognito_wasm_bg.wasm"; fi
  sz acij-app-min "$dist/app-acij.js"
  sz amplify-app-min "$dist/app-amplify.js"
} >"$dist/sizes.tsv"

log "Chromium run"
node bench/run.mjs
if [ $full = 1 ]; then log "wrote bench/RESULTS.md"; fi
