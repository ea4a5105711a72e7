# Sourced by the scripts that run wasm-pack: puts the tools of `scripts/install.sh wasm browser`
# where wasm-pack looks (PATH: wasm-bindgen, wasm-opt from tools/node_modules) and points it at
# Debian's chromedriver, so it never downloads anything.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$_root/tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
unset _root
