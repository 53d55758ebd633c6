"""Record the ν × T experiment of tools/train_design_experiment.sh: assets/experiments/design_ethanol.json.

Usage (from the repository root, same environment as train_design_experiment.sh):
    python tools/record_design_experiment.py WORKDIR EPOCHS [OUT]

For each of the six runs WORKDIR/nu{ν}_T{T} (ν = correlation order 1..3, T = number of interactions 1..2):
the number of trainable parameters of the saved model (Σ numel over parameters with requires_grad), the
wall time of mace_run_train (WORKDIR/nu{ν}_T{T}/wall.txt, written by the shell script), and the energy
and force errors of the final model (mace keeps the lowest-validation-loss checkpoint) re-evaluated with
mace's own `mace_eval_configs` (mace.cli.eval_configs) on the train and valid frames (the split of
design_nu{ν}_T{T}_valid_indices_1.txt, which must be the same for all six runs) and the test set, as in
tools/record_mace_training.py: RMSE and MAE of E per atom (meV/atom) and of the force components
(meV/Å). Body order 1 + n_T with n_0 = 0, n_t = ν (1 + n_{t-1}).
Writes OUT (default assets/experiments/design_ethanol.json) and prints a table.
"""
import json
import os
import subprocess
import sys

import ase.io
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRID = [(nu, t) for t in (1, 2) for nu in (1, 2, 3)]  # ordered by T, then ν


def body_order(nu, t):
    n = 0
    for _ in range(t):
        n = nu * (1 + n)
    return 1 + n


def errors(ref, pred):
    e = np.array([(a.info["MACE_energy"] - r.get_potential_energy()) / len(a) for a, r in zip(pred, ref)])
    f = np.concatenate([(a.arrays["MACE_forces"] - r.get_forces()).ravel() for a, r in zip(pred, ref)])
    return {"rmse_e_meV_per_atom": 1000 * float(np.sqrt(np.mean(e**2))),
            "rmse_f_meV_per_A": 1000 * float(np.sqrt(np.mean(f**2))),
            "mae_e_meV_per_atom": 1000 * float(np.mean(np.abs(e))),
            "mae_f_meV_per_A": 1000 * float(np.mean(np.abs(f)))}


def main():
    work, epochs = sys.argv[1], int(sys.argv[2])
    out = sys.argv[3] if len(sys.argv) > 3 else os.path.join(ROOT, "assets/experiments/design_ethanol.json")
    import e3nn
    import torch

    import mace

    train = ase.io.read(os.path.join(ROOT, "assets/datasets/ethanol_train.xyz"), ":")
    test = ase.io.read(os.path.join(ROOT, "assets/datasets/ethanol_test.xyz"), ":")
    runs, split, offsets = [], None, {}
    for nu, t in GRID:
        d = os.path.join(work, f"nu{nu}_T{t}")
        name = f"design_nu{nu}_T{t}"
        model = os.path.join(d, name + ".model")
        vidx = [int(x) for x in open(os.path.join(d, name + "_valid_indices_1.txt")).read().split()]
        if split is None:
            split = vidx
        assert vidx == split, f"{name}: a different train/valid split"
        tidx = [i for i in range(len(train)) if i not in set(vidx)]
        w = open(os.path.join(d, "wall.txt")).read().split()
        assert (int(w[0]), int(w[1]), int(w[2])) == (nu, t, epochs), (d, w)
        m = torch.load(model, map_location="cpu", weights_only=False)
        corr = [int(p.symmetric_contractions.contractions[0].correlation) for p in m.products]
        assert int(m.num_interactions) == t and corr == [nu] * t, (name, corr)
        params = sum(p.numel() for p in m.parameters() if p.requires_grad)
        row = {"correlation": nu, "num_interactions": t, "body_order": body_order(nu, t), "parameters": params,
               "train_seconds": round(float(w[4]) - float(w[3]), 1), "epochs": epochs}
        for split_name, frames in [("train", [train[i] for i in tidx]), ("valid", [train[i] for i in vidx]),
                                   ("test", test)]:
            src = os.path.join(d, f"eval_{split_name}_in.xyz")
            dst = os.path.join(d, f"eval_{split_name}_out.xyz")
            ase.io.write(src, frames, format="extxyz")
            subprocess.run([sys.executable, "-m", "mace.cli.eval_configs", "--configs", src, "--model", model,
                            "--output", dst, "--device", "cpu", "--default_dtype", "float64", "--batch_size", "20"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            pred = ase.io.read(dst, ":")
            row[split_name] = errors(frames, pred)
            de = 1000 * np.array([(a.info["MACE_energy"] - r.get_potential_energy()) / len(a) for a, r in zip(pred, frames)])
            offsets[(nu, t, split_name)] = (float(de.mean()), float(de.std()))
        runs.append(row)
        print(f"nu={nu} T={t}: {params} parameters, {row['train_seconds']} s", flush=True)

    info = {
        "description": "Our own small ablation in the spirit of the design-space study of Batatia et al. "
        "(2025), not a reproduction of their numbers: six mace-torch models trained on our GFN2-xTB ethanol "
        "data (300 frames of a 400 K Langevin trajectory, a 270/30 train/valid split, tested on 100 frames of "
        "an independent trajectory) that differ only in the correlation order nu (1, 2, 3) and the number of "
        f"interactions T (1, 2). Same seed, split, architecture otherwise and {epochs} epochs for every run, "
        "float64, one CPU thread shared with other jobs (train_seconds is the wall time of mace_run_train, "
        "training plus its final evaluation). The model kept is mace's lowest-validation-loss checkpoint; "
        "errors are recomputed from mace_eval_configs predictions, energies per atom, forces per component. "
        "At this length of training the energy errors are mostly a constant offset per atom (mace weights "
        "forces 100 : 1 over energies and the offset still drifts from epoch to epoch), so the force errors "
        "are the cleaner comparison. One seed and one small data set: differences of a few percent are noise.",
        "command": f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '1')} tools/train_design_experiment.sh "
        f"{epochs} {work}",
        "versions": {"mace_torch": getattr(mace, "__version__", "0.3.16"), "e3nn": e3nn.__version__,
                     "torch": torch.__version__},
        "data": {"train": "assets/datasets/ethanol_train.xyz", "test": "assets/datasets/ethanol_test.xyz",
                 "n_train": len(train) - len(split), "n_valid": len(split), "n_test": len(test),
                 "level_of_theory": "GFN2-xTB (tblite 0.8.0)"},
        "settings": {"hidden_irreps": "16x0e+16x1o", "max_ell": 2, "r_max": 4.0, "num_radial_basis": 8,
                     "epochs": epochs, "seed": 1, "threads": int(os.environ.get("OMP_NUM_THREADS", "1"))},
        "runs": runs,
    }
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    print(f"wrote {out}")
    print("| ν | T | body order | parameters | s | train E / F | valid E / F | test E / F (RMSE, meV/atom, meV/Å) |")
    for r in runs:
        print("| %d | %d | %d | %d | %.0f | %s |" % (
            r["correlation"], r["num_interactions"], r["body_order"], r["parameters"], r["train_seconds"],
            " | ".join("%.2f / %.1f" % (r[s]["rmse_e_meV_per_atom"], r[s]["rmse_f_meV_per_A"])
                       for s in ("train", "valid", "test"))))
    print("energy error per atom = mean offset ± spread (meV/atom; printed only, not in the JSON):")
    for r in runs:
        print("  nu=%d T=%d  " % (r["correlation"], r["num_interactions"]) + "  ".join(
            "%s %+.2f ± %.2f" % ((s,) + offsets[(r["correlation"], r["num_interactions"], s)])
            for s in ("train", "valid", "test")))


if __name__ == "__main__":
    main()
