"""Record the result of tools/train_mace.sh: assets/models/mace_ethanol.{json,safetensors}.

Usage (from the repository root, same environment as train_mace.sh):
    python tools/record_mace_training.py WORKDIR EPOCHS WALL_SECONDS

Reads WORKDIR/logs/mace_ethanol_run-1.log (the error tables mace_run_train prints at the end, on the
final model: train / valid / test, RMSE E in meV/atom and RMSE F in meV/A, 1 decimal), re-evaluates
the same model with mace's own `mace_eval_configs` (mace.cli.eval_configs) on the train, valid
(mace_ethanol_valid_indices_1.txt) and test frames to get the same RMSEs in full precision, writes
assets/models/mace_ethanol.json and exports the model with tools/export_mace.py to
assets/models/mace_ethanol.safetensors.
"""
import json
import os
import re
import subprocess
import sys

import ase.io
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tables(log):
    out = {}
    for line in open(log):
        m = re.match(r"\|\s*(\w+?)_Default\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|", line)
        if m:
            name = {"md400K": "test"}.get(m.group(1), m.group(1))
            out[name] = {"rmse_e_meV_per_atom": float(m.group(2)), "rmse_f_meV_per_A": float(m.group(3)),
                         "rel_rmse_f_percent": float(m.group(4))}
    return out


def ckpt_epoch(log):
    """The final model is the lowest-validation-loss checkpoint; its epoch (0-based)."""
    ep = None
    for line in open(log):
        m = re.search(r"Loaded Stage one model from epoch (\d+)", line)
        if m:
            ep = int(m.group(1))
    return ep


def rmse(ref, pred):
    e = np.array([(a.info["MACE_energy"] - r.get_potential_energy()) / len(a) for a, r in zip(pred, ref)])
    f = np.concatenate([(a.arrays["MACE_forces"] - r.get_forces()).ravel() for a, r in zip(pred, ref)])
    return {"rmse_e_meV_per_atom": 1000 * float(np.sqrt(np.mean(e**2))),
            "rmse_f_meV_per_A": 1000 * float(np.sqrt(np.mean(f**2))), "n_configs": len(ref)}


def main():
    work, epochs, wall = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    model = os.path.join(work, "mace_ethanol.model")
    train = ase.io.read(os.path.join(ROOT, "assets/datasets/ethanol_train.xyz"), ":")
    test = ase.io.read(os.path.join(ROOT, "assets/datasets/ethanol_test.xyz"), ":")
    vidx = [int(x) for x in open(os.path.join(work, "mace_ethanol_valid_indices_1.txt")).read().split()]
    tidx = [i for i in range(len(train)) if i not in set(vidx)]
    precise = {}
    for name, frames in [("train", [train[i] for i in tidx]), ("valid", [train[i] for i in vidx]), ("test", test)]:
        src = os.path.join(work, f"eval_{name}_in.xyz")
        dst = os.path.join(work, f"eval_{name}_out.xyz")
        ase.io.write(src, frames, format="extxyz")
        subprocess.run([sys.executable, "-m", "mace.cli.eval_configs", "--configs", src, "--model", model,
                        "--output", dst, "--device", "cpu", "--default_dtype", "float64", "--batch_size", "20"],
                       check=True)
        precise[name] = rmse(frames, ase.io.read(dst, ":"))
    import e3nn
    import torch

    import mace

    info = {
        "model": "assets/models/mace_ethanol.safetensors",
        "trained_with": "tools/train_mace.sh " + str(epochs),
        "command": "OMP_NUM_THREADS=%s python -m " % os.environ.get("OMP_NUM_THREADS", "")
        + open(os.path.join(ROOT, "tools/train_mace.sh")).read().split("\n\"$PY\" -m ", 1)[-1].split("\nEND=", 1)[0],
        "versions": {"mace_torch": getattr(mace, "__version__", "0.3.16"), "e3nn": e3nn.__version__,
                     "torch": torch.__version__, "numpy": np.__version__, "ase": ase.__version__},
        "seed": 1,
        "epochs": epochs,
        "wall_time_s": wall,
        "wall_time_note": "mace_run_train from start to exit (training + final evaluation), 1 thread, "
        "the 2 cores shared with other jobs",
        "threads": int(os.environ.get("OMP_NUM_THREADS", "0")),
        "E0s": "average (least-squares fit of per-element energies to the training energies, mace --E0s average)",
        "train_valid_split": {"n_train": len(tidx), "n_valid": len(vidx), "valid_indices": vidx},
        "checkpoint_epoch": ckpt_epoch(os.path.join(work, "logs/mace_ethanol_run-1.log")),
        "errors_training_log": tables(os.path.join(work, "logs/mace_ethanol_run-1.log")),
        "errors_eval_configs": precise,
    }
    pred = ase.io.read(os.path.join(work, "eval_test_out.xyz"), ":3")
    info["reference_predictions_test_0_2"] = [
        {"numbers": a.get_atomic_numbers().tolist(), "positions": a.get_positions().tolist(),
         "energy": float(a.info["MACE_energy"]), "forces": a.arrays["MACE_forces"].tolist()}
        for a in pred
    ]
    os.makedirs(os.path.join(ROOT, "assets/models"), exist_ok=True)
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    from export_mace import export

    m = torch.load(model, map_location="cpu", weights_only=False)
    meta = export(m, os.path.join(ROOT, info["model"]))
    info["model_bytes"] = os.path.getsize(os.path.join(ROOT, info["model"]))
    info["avg_num_neighbors"] = meta["avg_num_neighbors"]
    info["scale_shift"] = [meta["scale"], meta["shift"]]
    info["atomic_energies"] = meta["atomic_energies"]
    with open(os.path.join(ROOT, "assets/models/mace_ethanol.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    print(json.dumps({k: info[k] for k in ["errors_training_log", "errors_eval_configs", "model_bytes"]}, indent=1))


if __name__ == "__main__":
    main()
