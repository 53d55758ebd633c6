#!/usr/bin/env bash
# Side by side, in one run: this project's MACE (criterion, f64, on 1 and 2 threads) and mace-torch
# 0.3.16 (tools/bench_mace_torch.py: f64/f32, 1/2 threads) on the same structures and models, then
# the table of medians and ratios. The Python side runs in the pinned venv of scripts/python-venv.sh
# (made on first use). Not part of CI.
#   scripts/bench-mace.sh [--quick] [--scaling]
#     --quick     fewer repeats (a smoke test; nothing is written under tools/)
#     --scaling   also cu_64 tiled to 64 … 4096 atoms: time per atom against N, both codes
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0 SCALING=0
for a in "$@"; do
  case "$a" in
  --quick) QUICK=1 ;;
  --scaling) SCALING=1 ;;
  *) echo "usage: scripts/bench-mace.sh [--quick] [--scaling]" >&2; exit 2 ;;
  esac
done
OUT="${BENCH_OUT:-target/bench-mace}"
mkdir -p "$OUT"
VENV="$(scripts/python-venv.sh)"
export PATH="$HOME/.cargo/bin:$PATH" TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1
MT=3
[ "$QUICK" = 1 ] && MT=1
CRITERION=(--warm-up-time 1 --measurement-time "$MT")
[ "$SCALING" = 1 ] && export MACE_BENCH_SCALING=1
cargo bench -p multiace-core --features parallel --bench mace -- "${CRITERION[@]}" >"$OUT/criterion.txt"

PY=("$VENV/bin/python" -W ignore tools/bench_mace_torch.py --modes model,graph+model)
if [ "$QUICK" = 1 ]; then
  "${PY[@]}" --quick >"$OUT/mace_torch.json"
else
  "${PY[@]}" --json "$OUT/mace_torch.json" >/dev/null
fi
if [ "$SCALING" = 1 ]; then
  SC=("$VENV/bin/python" -W ignore tools/bench_mace_torch.py --scaling)
  [ "$QUICK" = 1 ] && SC+=(--quick)
  "${SC[@]}" --json "$OUT/mace_torch_scaling.json" >"$OUT/mace_torch_scaling_stdout.json"
fi
python3 tools/bench_mace_table.py "$OUT"
