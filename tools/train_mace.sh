#!/usr/bin/env bash
# Train a small MACE (mace-torch 0.3.16) on assets/datasets/ethanol_train.xyz, test on ethanol_test.xyz.
# Usage (from the repository root): tools/train_mace.sh [EPOCHS] [WORKDIR]
# Writes assets/models/mace_ethanol.json and assets/models/mace_ethanol.safetensors at the end.
#   EPOCHS  default 400 (what made the committed model, ~2.5 s per epoch on one busy core);  WORKDIR default /tmp/mace_train (checkpoints, logs, results, the .model files)
# Environment: see tools/README.md, section "mace-torch". float64, CPU, seed 1, OMP_NUM_THREADS default 2.
set -euo pipefail
EPOCHS=${1:-400}
WORK=${2:-/tmp/mace_train}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-/opt/mavenv/bin/python}
mkdir -p "$WORK"
cd "$WORK"
export PYTHONPATH=/opt/macepkgs:/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}  # 1 when other jobs share the 2 cores (libgomp barriers spin under oversubscription)
START=$(date +%s)
"$PY" -m mace.cli.run_train \
    --name mace_ethanol --seed 1 --device cpu --default_dtype float64 \
    --train_file "$ROOT/assets/datasets/ethanol_train.xyz" --valid_fraction 0.1 \
    --test_file "$ROOT/assets/datasets/ethanol_test.xyz" \
    --energy_key energy --forces_key forces --E0s average \
    --model MACE --hidden_irreps "16x0e+16x1o" --r_max 4.0 --max_ell 2 --correlation 3 \
    --num_interactions 2 --num_radial_basis 8 --num_cutoff_basis 5 \
    --batch_size 10 --valid_batch_size 20 --max_num_epochs "$EPOCHS" --eval_interval 1 \
    --error_table PerAtomRMSE \
    --model_dir "$WORK" --log_dir "$WORK/logs" --checkpoints_dir "$WORK/checkpoints" --results_dir "$WORK/results"
END=$(date +%s)

# errors (training log + mace_eval_configs), assets/models/mace_ethanol.{json,safetensors}
cd "$ROOT"
"$PY" tools/record_mace_training.py "$WORK" "$EPOCHS" $((END - START))
