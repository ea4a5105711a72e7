#!/usr/bin/env bash
# Builds the publishable npm package of crates/wasm and packs it:
#   scripts/package.sh [--out DIR] [--reuse-build]
#   DIR defaults to <cargo target dir>/npm; --reuse-build packs the crates/wasm/pkg that
#   scripts/wasm-size.sh left (scripts/test.sh has just run it) instead of building again.
# → DIR/cognito-wasm/ (the package as published) and DIR/cognito-wasm-<version>.tgz (`npm pack`),
#   and prints the raw / gzip -9 / brotli -q 11 sizes of what a browser loads (.wasm + JS).
#
# The release build is scripts/wasm-size.sh's (profile wasm-release, wasm-opt -Oz from tools/,
# `--target web`, with its size budget). Around wasm-bindgen's glue goes a hand-written entry
# module (crates/wasm/npm/index.js) that loads the module itself, so neither `init()` nor a
# bundler plugin is needed; package.json is written here from the crate's metadata (name,
# version, license, repository) so it is never out of step with Cargo.toml.
# Needs: scripts/install.sh wasm browser (wasm-pack, wasm-bindgen, tools/node_modules, brotli).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
out="$target_dir/npm"
reuse=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --reuse-build) reuse=1; shift ;;
    *) echo "usage: scripts/package.sh [--out DIR] [--reuse-build]" >&2; exit 2 ;;
  esac
done

pkg_build=crates/wasm/pkg
# wasm-size.sh builds --target web (the glue index.js wraps) and leaves the minified entry
# module beside it; after a bundler-target build there is none, so it builds again.
if [ $reuse = 0 ] || [ ! -f "$pkg_build/index.js" ]; then
  scripts/wasm-size.sh --target web
fi
pkg="$out/cognito-wasm"
rm -rf "$pkg"
mkdir -p "$pkg"
cp "$pkg_build/cognito_wasm.js" "$pkg_build/cognito_wasm.d.ts" "$pkg_build/cognito_wasm_bg.wasm" "$pkg/"
[ -d "$pkg_build/snippets" ] && cp -r "$pkg_build/snippets" "$pkg/"
# The entry module as wasm-size.sh minified and measured it (the readable source is
# crates/wasm/npm/index.js).
cp "$pkg_build/index.js" crates/wasm/npm/index.d.ts "$pkg/"
cp crates/wasm/README.md "$pkg/README.md"

# package.json from `cargo metadata` (the crate's version, license, repository, description).
# shellcheck disable=SC2016 # a JavaScript program, not shell expansions
cargo metadata --format-version 1 --no-deps | node -e '
let s = "";
process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const crate = JSON.parse(s).packages.find((p) => p.name === "cognito-wasm");
  const { readdirSync, writeFileSync } = require("node:fs");
  const dir = process.argv[1];
  const files = readdirSync(dir).filter((f) => f !== "package.json").sort();
  const pkg = {
    name: "cognito-wasm",
    version: crate.version,
    description: crate.description,
    license: crate.license,
    repository: { type: "git", url: `git+${crate.repository}.git`, directory: "crates/wasm" },
    keywords: ["cognito", "aws", "auth", "srp", "oauth", "webassembly", "amplify"],
    type: "module",
    main: "./index.js",
    module: "./index.js",
    types: "./index.d.ts",
    exports: {
      ".": { types: "./index.d.ts", default: "./index.js" },
      "./cognito_wasm_bg.wasm": "./cognito_wasm_bg.wasm",
      "./package.json": "./package.json",
    },
    // Importing the package changes nothing until an Auth is made: bundlers may drop it.
    sideEffects: false,
    files: files.map((f) => (f === "snippets" ? "snippets/" : f)),
  };
  writeFileSync(`${dir}/package.json`, JSON.stringify(pkg, null, 2) + "\n");
});' "$pkg"

tarball="$(cd "$pkg" && npm pack --silent --pack-destination "$out")"
echo "packed $out/$tarball"

sizes() {
  local raw gz br
  raw=$(wc -c <"$1")
  gz=$(gzip -9c "$1" | wc -c)
  br=$(brotli -q 11 -c "$1" | wc -c)
  printf '%-52s %9d %9d %9d\n' "${1#"$pkg"/}" "$raw" "$gz" "$br"
}
loaded=("$pkg/cognito_wasm_bg.wasm" "$pkg/index.js" "$pkg/cognito_wasm.js")
while IFS= read -r f; do loaded+=("$f"); done < <(find "$pkg/snippets" -name '*.js' 2>/dev/null | sort)
printf '\nwhat a browser loads from the package:\n%-52s %9s %9s %9s\n' file raw gzip-9 brotli-11
total_raw=0 total_gz=0 total_br=0
for f in "${loaded[@]}"; do
  sizes "$f"
  total_raw=$((total_raw + $(wc -c <"$f")))
  total_gz=$((total_gz + $(gzip -9c "$f" | wc -c)))
  total_br=$((total_br + $(brotli -q 11 -c "$f" | wc -c)))
done
printf '%-52s %9d %9d %9d\n' "total" "$total_raw" "$total_gz" "$total_br"
printf '%-52s %9d\n' "tarball $tarball" "$(wc -c <"$out/$tarball")"
