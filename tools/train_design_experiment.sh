#!/usr/bin/env bash
# The ν × T experiment of chapter 04: six mace-torch 0.3.16 models on assets/datasets/ethanol_train.xyz
# that differ only in correlation order ν ∈ {1, 2, 3} and number of interactions T ∈ {1, 2}; everything
# else (data split, seed, irreps, radial basis, epochs, ...) is what tools/train_mace.sh uses.
# Usage (from the repository root): tools/train_design_experiment.sh [EPOCHS] [WORKDIR] [RUNS]
#   EPOCHS   default 250 (what made assets/experiments/design_ethanol.json: 40 min of training for the six
#            runs on one core shared with other jobs, ~30 min estimated idle; then ~6 min of mace_eval_configs)
#   WORKDIR  default /tmp/design_train (one directory per run, nu{ν}_T{T}: logs, checkpoints, the .model file)
#   RUNS     default "1:1 2:1 3:1 1:2 2:2 3:2" (ν:T pairs, trained one after the other in this order);
#            record_design_experiment.py is only run when all six are trained.
# Writes assets/experiments/design_ethanol.json at the end (tools/record_design_experiment.py; OUT=FILE in
# the environment writes FILE instead). The .model files stay in WORKDIR.
# Environment: see tools/README.md, section "mace-torch". float64, CPU, seed 1, OMP_NUM_THREADS default 1.
set -euo pipefail
EPOCHS=${1:-250}
WORK=${2:-/tmp/design_train}
RUNS=${3:-"1:1 2:1 3:1 1:2 2:2 3:2"}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-/opt/mavenv/bin/python}
mkdir -p "$WORK"
export PYTHONPATH=/opt/macepkgs:/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}  # libgomp barriers spin when the 2 cores are shared (see README)
for run in $RUNS; do
    NU=${run%%:*}
    T=${run##*:}
    NAME=design_nu${NU}_T${T}
    DIR="$WORK/nu${NU}_T${T}"
    rm -rf "$DIR"   # no restart from an old checkpoint
    mkdir -p "$DIR"
    cd "$DIR"
    START=$(date +%s.%N)
    "$PY" -m mace.cli.run_train \
        --name "$NAME" --seed 1 --device cpu --default_dtype float64 \
        --train_file "$ROOT/assets/datasets/ethanol_train.xyz" --valid_fraction 0.1 \
        --test_file "$ROOT/assets/datasets/ethanol_test.xyz" \
        --energy_key energy --forces_key forces --E0s average \
        --model MACE --hidden_irreps "16x0e+16x1o" --r_max 4.0 --max_ell 2 --correlation "$NU" \
        --num_interactions "$T" --num_radial_basis 8 --num_cutoff_basis 5 \
        --batch_size 10 --valid_batch_size 20 --max_num_epochs "$EPOCHS" --eval_interval 1 \
        --error_table PerAtomRMSE \
        --model_dir "$DIR" --log_dir "$DIR/logs" --checkpoints_dir "$DIR/checkpoints" --results_dir "$DIR/results" \
        > "$DIR/stdout.log" 2>&1
    END=$(date +%s.%N)
    echo "$NU $T $EPOCHS $START $END" > "$DIR/wall.txt"
    echo "nu=$NU T=$T: $(echo "$END - $START" | bc) s"
done

cd "$ROOT"
if [ "$RUNS" = "1:1 2:1 3:1 1:2 2:2 3:2" ]; then
    "$PY" tools/record_design_experiment.py "$WORK" "$EPOCHS" ${OUT:+"$OUT"}
fi
