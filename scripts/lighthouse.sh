#!/usr/bin/env bash
# Lighthouse figures for a release build: an optional measurement, not part of scripts/test.sh.
# Installs lighthouse 12 into target/lighthouse if missing (outside package.json; 13 needs node
# >= 22.19), serves the build gzipped like GitHub Pages, runs scripts/lighthouse.mjs (desktop preset
# and default mobile emulation, simulated throttling, `runs` runs each), prints a markdown table
# of medians and the failing audits, and writes every JSON report to target/lighthouse/reports/.
# Build first (~5 min):  trunk build --release --offline=true --dist target/e2e-dist-lh
#   scripts/lighthouse.sh [dist=target/e2e-dist-lh] [runs=3] [paths...]
# Env: CHROME_PATH (default /usr/bin/chromium), LH_PORT (default 8192).
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:-target/e2e-dist-lh}"
runs="${2:-3}"
shift $(( $# < 2 ? $# : 2 ))
port="${LH_PORT:-8192}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

[ -f "$dist/index.html" ] || { echo "no build in $dist: run the trunk build above" >&2; exit 1; }
[ -d target/lighthouse/node_modules/lighthouse ] ||
  npm install --prefix target/lighthouse --no-audit --no-fund lighthouse@12.8.2
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is taken: set LH_PORT" >&2; exit 1; fi

node scripts/static-server.mjs "$dist" "$port" / --gzip &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

rm -rf target/lighthouse/reports
node scripts/lighthouse.mjs "http://127.0.0.1:$port" "$runs" target/lighthouse/reports "$@"
