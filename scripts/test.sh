#!/usr/bin/env bash
# Install what the tests need, then run every test: formatting and lints, native `cargo test` for
# the workspace, the core's tests inside headless Chromium (wasm32), and the end-to-end browser
# tests against a release build of the site. Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p multiace-book --target wasm32-unknown-unknown --locked -- -D warnings

step "native tests (cargo test --workspace)"
cargo test --workspace --locked

step "the Python companions: every notebook executed headless, each paired with its script"
scripts/notebooks.sh --check

step "in-browser tests (the core compiled to wasm32, run in headless Chromium)"
cargo test -p multiace-core --target wasm32-unknown-unknown --locked --test browser

step "release build of the site"
E2E_DIST="$PWD/target/e2e-dist"
trunk build --release --offline=true --dist "$E2E_DIST"

step "end-to-end tests (playwright-core driving Debian's chromium)"
E2E_DIST="$E2E_DIST" node --test --test-concurrency=1 tests/e2e/

step "the site under a sub-path, as GitHub Pages serves it (--public-url /multiace/)"
scripts/test-subpath.sh
