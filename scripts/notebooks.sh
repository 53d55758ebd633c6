#!/usr/bin/env bash
# The Python companions (notebooks/): make their venv if it is missing, build the `multiace` CLI
# the notebooks compare against, then either open JupyterLab on notebooks/ or, with --check,
# execute every notebook headless and check that each .ipynb holds the same cells as its paired
# jupytext script.
#
#   scripts/notebooks.sh           # JupyterLab on notebooks/
#   scripts/notebooks.sh --check   # execute all notebooks (nbclient) + pairing test; non-zero on failure
#   scripts/notebooks.sh --write   # regenerate every .ipynb from its .py, execute it and save the outputs
#
# The venv (scripts/python-venv.sh) lives outside the clone, keyed by the requirements file (torch's
# wheels are ~3 GB, so only the first run pays for them): ~/.cache/multiace/notebooks-venv-<hash>.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
MODE="${1:-lab}"
case "$MODE" in lab | --check | --write) ;; *)
  echo "usage: scripts/notebooks.sh [--check|--write]" >&2
  exit 2
  ;;
esac

VENV="$(scripts/python-venv.sh)"

export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release -p multiace-cli --locked
MULTIACE_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/multiace"
[ -x "$MULTIACE_BIN" ] || { echo "no multiace binary at $MULTIACE_BIN" >&2; exit 1; }
export MULTIACE_BIN MULTIACE_ROOT="$ROOT"
# e3nn 0.4.4 torch.loads its constants.pt, which torch >= 2.6 refuses under weights_only=True.
export TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
# no __pycache__ in notebooks/: the site build copies that folder as it is
export PYTHONDONTWRITEBYTECODE=1

if [ "$MODE" = lab ]; then
  exec "$VENV/bin/jupyter" lab --notebook-dir="$ROOT/notebooks"
fi
exec "$VENV/bin/python" "$ROOT/notebooks/check_notebooks.py" "$MODE"
