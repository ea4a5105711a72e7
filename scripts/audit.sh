#!/usr/bin/env bash
# cargo audit against the RustSec advisory database (a local copy of its git repository).
#   scripts/audit.sh              audit; fails on any advisory not accepted in .cargo/audit.toml
#   scripts/audit.sh --check-db   only says (exit status) whether a database is available
# Database: $CARGO_AUDIT_DB (a local clone of the RustSec advisory-db repository, used as is) if
# set, else the copy in ~/.cargo/advisory-db. It is never fetched here: this project's machines
# reach only the package registries, so the database is brought in by hand (and may be stale;
# the date of its last commit is printed). Without one the test command skips this step.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

db="${CARGO_AUDIT_DB:-$HOME/.cargo/advisory-db}"
if [ ! -d "$db/crates" ]; then
  echo "audit: no advisory database at $db (set CARGO_AUDIT_DB to a clone of RustSec's advisory-db)" >&2
  exit 3
fi
args=(--db "$db" --no-fetch)
echo "audit: advisory database $db, last commit $(git -C "$db" log -1 --format=%cs 2>/dev/null || echo '?')" >&2
[ "${1:-}" = "--check-db" ] && exit 0
exec cargo audit --deny warnings "${args[@]}"
