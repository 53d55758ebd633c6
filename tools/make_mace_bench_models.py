#!/usr/bin/env python3
"""Model and structures for the Rust MACE benches on bulk copper (chapter 03), in crates/core/benches/data/:

    mace_cu.safetensors   a mace-torch 0.3.16 ScaleShiftMACE with random weights (torch seed 29) and the
                          hyper-parameters of the shipped assets/models/mace_ethanol.safetensors (hidden
                          16x0e+16x1o, max_ell 2, correlation 3, 2 interactions, RealAgnosticInteractionBlock
                          then RealAgnosticResidualInteractionBlock, r_max 4.0, 8 Bessel, p 5, radial MLP
                          [64, 64, 64], MLP_irreps 16x0e, silu gate, float64), for the single species Cu
                          (Z = 29): E0(Cu) = -3.0 eV, scale 1.0, shift 0.0, avg_num_neighbors = the mean
                          neighbour count of ideal fcc Cu (a = 3.61 A) within r_max (ase neighbor_list: 18).
                          Exported with tools/export_mace.py (`export`, the same code as its command line).
    cu_64.xyz, cu_512.xyz fcc Cu, a = 3.61 A, 2x2x4 and 4x4x8 conventional cells (64 and 512 atoms), periodic,
                          rattled with sigma 0.05 A (numpy seeds 64 and 512), ase.io.write(format="extxyz").
    mace_cu_model.json    what was built (hyper-parameters, seeds, file sizes, sha256).

The pickled torch module goes to /tmp/multiace_bench/mace_cu.model (not committed; the safetensors file is
enough: tools/bench_mace_torch.py rebuilds the module from it with `load_mace_safetensors` and this script
checks that the rebuilt module gives the same energies bit for bit). Energies of the bench systems are
written by tools/bench_mace_torch.py (crates/core/benches/data/energies.json).

Run from the repository root (a few seconds):
    OMP_NUM_THREADS=1 PYTHONPATH=/opt/macepkgs:/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 \\
        /opt/mavenv/bin/python -W ignore tools/make_mace_bench_models.py
"""
import hashlib
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_mace_torch import load_mace_safetensors, make_batch, evaluate, read_metadata  # noqa: E402
from export_mace import export  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "core", "benches", "data")
TMP = "/tmp/multiace_bench"
ETHANOL = os.path.join(ROOT, "assets", "models", "mace_ethanol.safetensors")

A_CU = 3.61
E0_CU = -3.0
TORCH_SEED = 29
RATTLE = 0.05
SUPERCELLS = {"cu_64": ((2, 2, 4), 64), "cu_512": ((4, 4, 8), 512)}  # name: (repeat, numpy seed)


def fcc_cu():
    from ase.build import bulk

    return bulk("Cu", "fcc", a=A_CU, cubic=True)


def mean_neighbours(r_max):
    from ase.neighborlist import neighbor_list

    atoms = fcc_cu()
    i = neighbor_list("i", atoms, r_max, self_interaction=False)
    return len(i) / len(atoms)


def build(avg):
    from e3nn import o3

    from mace import modules

    eth = read_metadata(ETHANOL)
    inter = eth["interactions"]
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(TORCH_SEED)
    hp = dict(
        r_max=eth["r_max"],
        num_bessel=eth["num_bessel"],
        num_polynomial_cutoff=eth["num_polynomial_cutoff"],
        max_ell=eth["max_ell"],
        interaction_cls=modules.interaction_classes[inter[1]["class"]],
        interaction_cls_first=modules.interaction_classes[inter[0]["class"]],
        num_interactions=eth["num_interactions"],
        hidden_irreps=o3.Irreps(inter[0]["hidden_irreps"]),
        MLP_irreps=o3.Irreps(eth["MLP_irreps"]),
        correlation=eth["correlation"][0],
        gate=torch.nn.functional.silu,
        use_reduced_cg=eth["use_reduced_cg"],
        radial_MLP=inter[0]["radial_mlp"][1:-1],
        radial_type="bessel",
    )
    expected = dict(r_max=4.0, num_bessel=8, num_polynomial_cutoff=5, max_ell=2, num_interactions=2, correlation=3,
                    radial_MLP=[64, 64, 64], use_reduced_cg=False)
    assert all(hp[k] == v for k, v in expected.items()), hp
    assert str(hp["hidden_irreps"]) == "16x0e+16x1o" and str(hp["MLP_irreps"]) == "16x0e", hp
    model = modules.ScaleShiftMACE(
        **hp,
        num_elements=1,
        atomic_energies=np.array([[E0_CU]]),
        avg_num_neighbors=avg,
        atomic_numbers=[29],
        atomic_inter_scale=[1.0],
        atomic_inter_shift=[0.0],
        heads=["Default"],
    )
    for blk in model.interactions:
        blk.avg_num_neighbors = avg
    return model.double().eval(), {k: str(v) if hasattr(v, "lmax") else getattr(v, "__name__", v)
                                   for k, v in hp.items()}


def supercell(rep, seed):
    atoms = fcc_cu().repeat(rep)
    atoms.rattle(stdev=RATTLE, seed=seed)
    atoms.pbc = True
    return atoms


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def main():
    import ase.io

    os.makedirs(OUT, exist_ok=True)
    os.makedirs(TMP, exist_ok=True)
    avg = mean_neighbours(4.0)
    print(f"fcc Cu a={A_CU}: mean neighbour count within 4.0 A = {avg}")
    model, hp = build(avg)
    tmp_model = os.path.join(TMP, "mace_cu.model")
    torch.save(model, tmp_model)
    path = os.path.join(OUT, "mace_cu.safetensors")
    meta = export(model, path)
    os.chmod(path, 0o644)  # safetensors writes 0600
    print(f"wrote {path} ({os.path.getsize(path)} bytes, {len(meta['state_dict_keys'])} tensors); torch module: "
          f"{tmp_model}")

    rebuilt, rmeta = load_mace_safetensors(path)
    files = {}
    for name, (rep, seed) in SUPERCELLS.items():
        atoms = supercell(rep, seed)
        xyz = os.path.join(OUT, f"{name}.xyz")
        ase.io.write(xyz, atoms, format="extxyz")
        back = ase.io.read(xyz)
        assert len(back) == len(atoms) and np.abs(back.positions - atoms.positions).max() < 1e-7
        assert np.allclose(back.cell.array, atoms.cell.array) and all(back.pbc)
        batch, n_edges = make_batch(back, meta, torch.float64)
        e, _ = evaluate(model, batch)
        batch, _ = make_batch(back, rmeta, torch.float64)
        e2, _ = evaluate(rebuilt, batch)
        assert e == e2, (e, e2)
        files[name] = {"file": os.path.relpath(xyz, ROOT), "bytes": os.path.getsize(xyz), "sha256": sha256(xyz),
                       "atoms": len(back), "edges": n_edges, "repeat": list(rep), "rattle_seed": seed}
        print(f"wrote {xyz} ({os.path.getsize(xyz)} bytes): {len(back)} atoms, {n_edges} edges, "
              f"E(float64) = {e!r} eV (module rebuilt from the safetensors: identical)")

    info = {
        "description": "Random-weight mace-torch ScaleShiftMACE for Cu and the fcc Cu bench structures "
        "(tools/make_mace_bench_models.py). Energies: crates/core/benches/data/energies.json "
        "(tools/bench_mace_torch.py).",
        "model": {"file": os.path.relpath(path, ROOT), "bytes": os.path.getsize(path), "sha256": sha256(path),
                  "class": "ScaleShiftMACE", "atomic_numbers": [29], "E0": {"29": E0_CU}, "scale": 1.0,
                  "shift": 0.0, "avg_num_neighbors": avg,
                  "avg_num_neighbors_from": f"ase.neighborlist.neighbor_list on ideal fcc Cu, a = {A_CU} A, r = 4.0 A",
                  "torch_seed": TORCH_SEED, "hyperparameters": hp,
                  "hyperparameters_from": "assets/models/mace_ethanol.safetensors metadata"},
        "structures": files,
        "lattice_constant_A": A_CU,
        "rattle_stdev_A": RATTLE,
        "versions": meta["source"],
    }
    jp = os.path.join(OUT, "mace_cu_model.json")
    with open(jp, "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    print(f"wrote {jp} ({os.path.getsize(jp)} bytes)")


if __name__ == "__main__":
    main()
