#!/usr/bin/env bash
# The one demo command (README). Installs what it needs, builds and starts the local
# Cognito-compatible server on loopback, and prints where it listens. Ctrl-C stops it.
# (The Leptos SPA and the protected API join this script when their crates land.)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
./scripts/install.sh rust
cargo build --locked --release -p cognito-local --bin cognito-local
exec cargo run --locked --release -q -p cognito-local --bin cognito-local -- --data-dir "$ROOT/.cognito-local" "$@"
