#!/usr/bin/env bash
# Regenerate crates/core/tests/fixtures/*.json (so3 reference numbers from e3nn 0.4.4, e3nn 0.6.0, sympy).
# Usage: tools/make_so3_fixtures.sh VENV [E3NN044_DIR]
#   VENV         venv with torch, e3nn==0.6.0, sympy, numpy (see tools/requirements-fixtures.txt)
#   E3NN044_DIR  `pip install --no-deps --target DIR e3nn==0.4.4 opt_einsum_fx` (default /opt/e3nn044)
# See the docstring of tools/make_so3_fixtures.py for how to create both.
set -euo pipefail
venv=${1:?usage: tools/make_so3_fixtures.sh VENV [E3NN044_DIR]}
e3nn044=${2:-/opt/e3nn044}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/crates/core/tests/fixtures"
py="$venv/bin/python"
# e3nn 0.4.4 torch.load()s its constants.pt, which torch >= 2.6 refuses under weights_only=True.
PYTHONPATH="$e3nn044" TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 PYTHONWARNINGS=ignore \
  "$py" "$root/tools/make_so3_fixtures.py" --e3nn-version-check 0.4.4 --sympy --out "$out"
PYTHONWARNINGS=ignore "$py" "$root/tools/make_so3_fixtures.py" --e3nn-version-check 0.6.0 --out "$out" \
  --check-sign-rule "$e3nn044/e3nn/o3/constants.pt"
ls -l "$out"/*.json
