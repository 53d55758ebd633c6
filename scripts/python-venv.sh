#!/usr/bin/env bash
# The pinned Python environment of the notebooks and of the mace-torch bench: a venv made from
# notebooks/requirements.txt (PyPI only: torch, e3nn 0.4.4, mace-torch 0.3.16, ase, …), outside
# the clone and keyed by the file's hash, so only the first run on a machine pays for torch's
# wheels (~3 GB). Prints the venv's path; MULTIACE_NOTEBOOKS_VENV overrides it.
#   VENV="$(scripts/python-venv.sh)"
set -euo pipefail
cd "$(dirname "$0")/.."
REQ="$PWD/notebooks/requirements.txt"
KEY="$(sha256sum "$REQ" | cut -c1-12)"
VENV="${MULTIACE_NOTEBOOKS_VENV:-$HOME/.cache/multiace/notebooks-venv-$KEY}"
# Complete when its marker is there or what the notebooks import imports; otherwise (re)install.
if [ ! -f "$VENV/.complete" ] && ! "$VENV/bin/python" -c "import torch, e3nn, mace, ase, jupytext, nbclient" 2>/dev/null; then
  echo "making the Python venv in $VENV (PyPI; torch's wheels make the first time slow)" >&2
  mkdir -p "$(dirname "$VENV")"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --upgrade pip >&2
  "$VENV/bin/pip" install --quiet -r "$REQ" >&2
fi
touch "$VENV/.complete"
echo "$VENV"
