#!/usr/bin/env bash
# Install whatever the book needs that is missing; quick and silent when all is there.
#   scripts/setup.sh          tools to build and serve the site
#   scripts/setup.sh --test   also what the tests need (Debian chromium + chromedriver, playwright-core)
# Only the package registries are reachable here (crates.io, npm, Debian, PyPI): every tool comes
# from one of them, pinned, and trunk is configured never to download anything itself.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

TRUNK_VERSION=0.21.14   # 0.22 needs rustc >= 1.96
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# 1. The wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. trunk, pinned (LTO off: the install takes half the time and trunk's speed does not matter).
if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (about 5 minutes, once)"
  CARGO_PROFILE_RELEASE_LTO=false cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# 3. wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock. Without --locked:
#    its own lockfile pins a crate the registry lacks.
wb_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version (about 2 minutes, once)"
  CARGO_PROFILE_RELEASE_LTO=false cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

# 4. Node tools: wasm-opt from npm's binaryen@132 (Debian's binaryen 108 breaks the page) and,
#    for the tests, playwright-core (it drives Debian's chromium; it never downloads a browser).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing node and npm from Debian"
  $(command -v sudo || true) apt-get install -y nodejs npm
fi
#    reveal.js is vendored into the example slides by the post-build hook (never a CDN).
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -f node_modules/reveal.js/dist/reveal.js ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing node tools (binaryen, playwright-core, reveal.js)"
  npm ci --no-audit --no-fund
fi

# 5. The crates, so trunk can build with --offline.
cargo fetch --locked >/dev/null 2>&1 || cargo fetch --locked

# 6. For the tests: Debian's chromium and chromedriver.
if [ "$want_test" = 1 ] && { ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; }; then
  say "installing chromium and chromium-driver from Debian"
  sudo_cmd=$(command -v sudo || true)
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y chromium chromium-driver \
    || { $sudo_cmd apt-get update && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y chromium chromium-driver; }
fi
exit 0
