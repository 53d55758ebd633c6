#!/usr/bin/env bash
# The site under a sub-path, as GitHub Pages serves a project site: a release build with
# `--public-url /multiace/` (the command .github/workflows/pages.yml runs, with the repository's
# name), served under /multiace/ with GitHub Pages' 404.html behaviour, then the sub-path test of
# tests/e2e/hosting.test.mjs (landing, chapter and embed deep links, figures, slides, a 404, the
# service worker's scope). The last step of scripts/test.sh; the second build reruns wasm-bindgen
# and wasm-opt (~2–3 minutes on 2 cores) for a difference of one index.html.
#   scripts/test-subpath.sh [base=/multiace/]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
base="${1:-/multiace/}"
dist="$PWD/target/e2e-dist-subpath"
trunk build --release --offline=true --public-url "$base" --dist "$dist"
E2E_DIST="$dist" E2E_DIST_SUB="$dist" E2E_BASE="$base" \
  node --test --test-name-pattern "sub-path" tests/e2e/hosting.test.mjs tests/e2e/notebooks.test.mjs
