#!/usr/bin/env bash
# cargo audit against the RustSec advisory database (a git repository on GitHub).
#   scripts/audit.sh              audit; fails on any advisory not accepted in .cargo/audit.toml
#   scripts/audit.sh --check-db   only says (exit status) whether a database is available
# Database: $CARGO_AUDIT_DB (a local clone of github.com/rustsec/advisory-db, used as is) if set;
# else a fresh fetch from GitHub; else, when GitHub is unreachable, the copy cargo audit fetched
# last time (~/.cargo/advisory-db), with a warning that it may be stale.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

if [ -n "${CARGO_AUDIT_DB:-}" ]; then
  args=(--db "$CARGO_AUDIT_DB" --no-fetch)
elif timeout 20 git ls-remote -q https://github.com/RustSec/advisory-db.git HEAD >/dev/null 2>&1; then
  args=()
elif [ -d "$HOME/.cargo/advisory-db/crates" ]; then
  echo "audit: GitHub unreachable; using the local advisory database $HOME/.cargo/advisory-db" \
    "(last commit $(git -C "$HOME/.cargo/advisory-db" log -1 --format=%cs 2>/dev/null || echo '?'))" >&2
  args=(--no-fetch)
else
  echo "audit: no advisory database (GitHub unreachable); set CARGO_AUDIT_DB to a clone of" \
    "https://github.com/rustsec/advisory-db" >&2
  exit 3
fi
[ "${1:-}" = "--check-db" ] && exit 0
exec cargo audit --deny warnings "${args[@]}"
