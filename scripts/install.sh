#!/usr/bin/env bash
# Installs what the tests and the demo need, idempotently: every step checks first and skips
# what is already there at the right version, so repeat runs take seconds.
#
#   scripts/install.sh [rust] [node] [python] [wasm] [trunk] [browser] [web] [audit] ...
#   (no argument: rust node python)
#
# Nothing here downloads from outside the package registries (crates.io, npm, PyPI, Debian).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

log() { printf '[install] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_install() {
  # apt_install PKG... : installs the Debian packages that are missing.
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated = 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq >/dev/null
    apt_updated=1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_rust() {
  command -v cargo >/dev/null || { log "cargo not found: this project needs the machine's Rust toolchain"; exit 1; }
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown >/dev/null
  fi
  for c in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$c"; then
      log "rustup component add $c"
      rustup component add "$c" >/dev/null
    fi
  done
}

CARGO_AUDIT_VERSION=0.22.2
install_audit() {
  # cargo-audit from crates.io (pinned; --locked): a few minutes to build, once.
  if cargo audit --version 2>/dev/null | grep -qx "cargo-audit-audit $CARGO_AUDIT_VERSION\|cargo-audit $CARGO_AUDIT_VERSION"; then
    return 0
  fi
  log "cargo install cargo-audit $CARGO_AUDIT_VERSION"
  cargo install --locked --quiet cargo-audit --version "$CARGO_AUDIT_VERSION"
}

install_node() {
  command -v node >/dev/null || apt_install nodejs npm
  # tests/ holds the Node tests' dependencies, pinned by tests/package-lock.json.
  local stamp="tests/node_modules/.lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s tests/package-lock.json "$stamp"; then
    log "npm ci in tests/"
    (cd tests && npm ci --no-audit --no-fund --loglevel=error)
    cp tests/package-lock.json "$stamp"
  fi
}

# web/: the example app's Vite and TypeScript, pinned by web/package-lock.json. The app's
# cognito-wasm is the packed tarball, added by tests/web/run.sh after each build (it changes
# with every build, so no lockfile can pin it).
install_web() {
  install_node
  local stamp="web/node_modules/.lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s web/package-lock.json "$stamp"; then
    log "npm ci in web/"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    cp web/package-lock.json "$stamp"
  fi
}

PY_VENV="$ROOT/.venv"
install_python() {
  local stamp="$PY_VENV/.requirements-stamp"
  command -v python3 >/dev/null || apt_install python3
  if [ ! -x "$PY_VENV/bin/python" ]; then
    # Debian's python3 ships venv/ensurepip separately (python3-venv).
    python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
    log "python3 -m venv .venv"
    python3 -m venv "$PY_VENV"
  fi
  if [ ! -f "$stamp" ] || ! cmp -s tests/requirements.txt "$stamp"; then
    log "pip install -r tests/requirements.txt"
    "$PY_VENV/bin/pip" install -q --disable-pip-version-check -r tests/requirements.txt
    cp tests/requirements.txt "$stamp"
  fi
}

# The version of wasm-bindgen-cli must equal the wasm-bindgen crate's: read the pin from the
# workspace Cargo.toml (`wasm-bindgen = "=X.Y.Z"`) so it is written once.
wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml
}
WASM_PACK_VERSION=0.15.1

cargo_install() {
  # cargo_install CRATE VERSION BINARY [ARGS...] : installs CRATE@VERSION into ~/.cargo/bin unless
  # `BINARY --version` already reports VERSION. Builds in cargo's own temporary directory, never in
  # the project's target dir (which a concurrent build may be holding).
  local crate="$1" version="$2" bin="$3"; shift 3
  if command -v "$bin" >/dev/null && "$bin" --version 2>/dev/null | grep -qw "$version"; then
    return 0
  fi
  log "cargo install $crate $version"
  env -u CARGO_TARGET_DIR cargo install --quiet "$crate" --version "$version" "$@"
}

# Tools for the browser crate: the wasm32 target, wasm-bindgen-cli (same version as the crate),
# wasm-pack, and a current wasm-opt from npm's `binaryen` (pinned by tools/package-lock.json).
# Callers put tools/node_modules/.bin on PATH (scripts/wasm-env.sh does that).
install_wasm() {
  install_rust
  local wbv
  wbv="$(wasm_bindgen_version)"
  [ -n "$wbv" ] || { log "no exact wasm-bindgen pin in Cargo.toml"; exit 1; }
  # wasm-bindgen-cli is not installed --locked: its lockfile does not build with this toolchain.
  cargo_install wasm-bindgen-cli "$wbv" wasm-bindgen
  cargo_install wasm-pack "$WASM_PACK_VERSION" wasm-pack --locked
  command -v npm >/dev/null || apt_install nodejs npm
  local stamp="tools/node_modules/.lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s tools/package-lock.json "$stamp"; then
    log "npm ci in tools/ (binaryen, esbuild, typescript)"
    (cd tools && npm ci --no-audit --no-fund --loglevel=error)
    cp tools/package-lock.json "$stamp"
  fi
}

# trunk builds the demo app (crates/demo). 0.21: 0.22 needs a newer rustc than this toolchain.
# It finds wasm-bindgen and wasm-opt on PATH (the `wasm` target's; Trunk.toml sets offline mode,
# so a missing or mismatched tool is an error, never a download).
TRUNK_VERSION=0.21.14
install_trunk() {
  install_wasm
  cargo_install trunk "$TRUNK_VERSION" trunk --locked
}

# A browser for the wasm-bindgen tests: Debian's chromium and its chromedriver (never a
# downloaded browser), plus brotli to report compressed sizes.
install_browser() {
  apt_install chromium chromium-driver brotli
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(rust node python audit)
for t in "${targets[@]}"; do
  "install_$t"
done
