#!/usr/bin/env bash
# Installs what the tests and the demo need, idempotently: every step checks first and skips
# what is already there at the right version, so repeat runs take seconds.
#
#   scripts/install.sh [rust] [node] [python] ...   (no argument: all of the test prerequisites)
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

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(rust node python audit)
for t in "${targets[@]}"; do
  "install_$t"
done
