#!/usr/bin/env bash
# Side by side, in one run: this project's MACE (criterion, one thread, f64) and mace-torch 0.3.16
# (tools/bench_mace_torch.py: f64/f32, 1/2 threads) on the same structures and models; prints the
# table of medians and ratios. Needs the Python environment of tools/README.md; not part of CI.
#   scripts/bench-mace.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK="${1:-}"
OUT="${BENCH_OUT:-target/bench-mace}"
mkdir -p "$OUT"
MT=3
[ "$QUICK" = "--quick" ] && MT=1
cargo bench -p multiace-core --bench mace -- --warm-up-time 1 --measurement-time "$MT" >"$OUT/criterion.txt"
PY_ARGS=(--modes model,graph+model --json "$OUT/mace_torch.json")
[ "$QUICK" = "--quick" ] && PY_ARGS=(--modes model,graph+model --quick)
PYTHONPATH=/opt/macepkgs:/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 \
  /opt/mavenv/bin/python -W ignore tools/bench_mace_torch.py "${PY_ARGS[@]}" >"$OUT/mace_torch_stdout.json"
python3 - "$OUT" <<'PY'
import json, os, sys
out = sys.argv[1]
torch = json.load(open(os.path.join(out, "mace_torch_stdout.json")))
rows = torch["results"] if isinstance(torch, dict) and "results" in torch else torch
def ours(system, what):
    p = os.path.join("target", "criterion", "mace_" + system, what, "new", "estimates.json")
    return json.load(open(p))["median"]["point_estimate"] / 1e6  # ns -> ms
print(f"{'system':8} {'ours E+F':>9} {'ours +nl':>9} | mace-torch model (ms) f64/1t f64/2t f32/1t f32/2t | ratio torch/ours (f64 1t, best)")
for system in ["ethanol", "aspirin", "cu_64", "cu_512"]:
    ef = ours(system, "energy_forces")
    nl = ours(system, "neighbours")
    t = {(r["dtype"], r["threads"]): r["median_ms"] for r in rows
         if r["system"] == system and r["mode"] == "model"}
    cells = [t.get((d, n)) for d in ("float64", "float32") for n in (1, 2)]
    best = min(c for c in cells if c is not None)
    print(f"{system:8} {ef:9.3f} {ef + nl:9.3f} | " + " ".join(f"{c:6.2f}" for c in cells)
          + f" | {cells[0] / ef:6.1f}x {best / ef:6.1f}x")
PY
