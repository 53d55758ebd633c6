"""mace-torch 0.3.16 parity fixtures for the Rust MACE port (chapter 03, issue 5).

Builds small mace-torch models with random (seeded) weights in float64, exports each with
tools/export_mace.py to crates/core/tests/fixtures/mace_model_K.safetensors, and writes
energies, forces, per-atom energies (`node_energy`) and, for the first structure of each model,
the per-layer node features (`node_feats`), on five structures per model, to
crates/core/tests/fixtures/mace_parity.json.

Run from the repository root:
    OMP_NUM_THREADS=1 PYTHONPATH=/opt/macepkgs:/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 \\
        /opt/mavenv/bin/python tools/make_mace_fixtures.py

Models are built as `mace_run_train` would (first layer RealAgnosticInteractionBlock, later layers
RealAgnosticResidualInteractionBlock, use_reduced_cg=False, gate silu, Bessel radial basis), but
with the hyper-parameters below. Sizes are chosen so each safetensors file stays < 500 KB: the
symmetric-contraction U matrices are stored (they are state_dict buffers) and grow as
(max_ell+1)^(2·correlation); that is why max_ell 3 is paired with correlation 2 and the
correlation-3 models use max_ell 2 with scalar hidden features or max_ell 1.
"""
import json
import os
import sys

import ase.io
import numpy as np
import torch
from e3nn import o3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_mace import export  # noqa: E402

from mace import data as mace_data, modules  # noqa: E402
from mace.tools import torch_geometric, utils  # noqa: E402

torch.set_default_dtype(torch.float64)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates/core/tests/fixtures")

E0 = {1: -13.587, 6: -1029.41, 7: -1484.27, 8: -2041.38, 29: -3.51}

MODELS = [
    # name, class, max_ell, correlation, num_interactions, hidden, Z, r_max, num_bessel, p, radial_MLP,
    # avg_num_neighbors per layer, (scale, shift)
    dict(k=1, cls="MACE", max_ell=1, correlation=1, num_interactions=1, hidden="8x0e", Z=[1, 6, 8],
         r_max=4.0, num_bessel=8, p=5, radial_MLP=[16, 16, 16], MLP_irreps="16x0e", avg=[7.5]),
    dict(k=2, cls="MACE", max_ell=2, correlation=2, num_interactions=2, hidden="8x0e+8x1o", Z=[1, 6, 8],
         r_max=4.0, num_bessel=8, p=5, radial_MLP=[32, 32, 32], MLP_irreps="16x0e", avg=[8.0, 6.5]),
    dict(k=3, cls="ScaleShiftMACE", max_ell=3, correlation=2, num_interactions=2, hidden="8x0e+8x1o+8x2e",
         Z=[1, 6, 8], r_max=4.5, num_bessel=6, p=6, radial_MLP=[16, 16, 16], MLP_irreps="8x0e",
         avg=[9.0, 9.0], scale=0.73, shift=-0.21),
    dict(k=4, cls="ScaleShiftMACE", max_ell=2, correlation=3, num_interactions=2, hidden="8x0e",
         Z=[1, 6, 29], r_max=5.0, num_bessel=8, p=5, radial_MLP=[16, 16, 16], MLP_irreps="16x0e",
         avg=[25.0, 25.0], scale=1.3, shift=0.05),
    dict(k=5, cls="MACE", max_ell=1, correlation=3, num_interactions=2, hidden="8x0e+8x1o", Z=[1, 6, 8],
         r_max=4.0, num_bessel=8, p=5, radial_MLP=[16, 16, 16], MLP_irreps="16x0e", avg=[7.0, 8.0]),
    # three layers, l = 3 features in the middle layer (residual skip on non-scalar features), four
    # elements (one absent from every structure)
    dict(k=6, cls="ScaleShiftMACE", max_ell=3, correlation=2, num_interactions=3,
         hidden="4x0e+4x1o+4x2e+4x3o", Z=[1, 6, 7, 8], r_max=4.0, num_bessel=8, p=5,
         radial_MLP=[16, 16, 16], MLP_irreps="8x0e", avg=[8.0, 7.0, 9.5], scale=0.9, shift=0.1),
]


def build(spec):
    torch.manual_seed(1000 + spec["k"])
    common = dict(
        r_max=spec["r_max"],
        num_bessel=spec["num_bessel"],
        num_polynomial_cutoff=spec["p"],
        max_ell=spec["max_ell"],
        interaction_cls=modules.interaction_classes["RealAgnosticResidualInteractionBlock"],
        interaction_cls_first=modules.interaction_classes["RealAgnosticInteractionBlock"],
        num_interactions=spec["num_interactions"],
        num_elements=len(spec["Z"]),
        hidden_irreps=o3.Irreps(spec["hidden"]),
        MLP_irreps=o3.Irreps(spec["MLP_irreps"]),
        atomic_energies=np.array([E0[z] for z in spec["Z"]]),
        avg_num_neighbors=spec["avg"][0],
        atomic_numbers=spec["Z"],
        correlation=spec["correlation"],
        gate=torch.nn.functional.silu,
        use_reduced_cg=False,
        radial_MLP=spec["radial_MLP"],
        radial_type="bessel",
    )
    if spec["cls"] == "ScaleShiftMACE":
        model = modules.ScaleShiftMACE(
            **common, atomic_inter_scale=spec["scale"], atomic_inter_shift=spec["shift"]
        )
    else:
        model = modules.MACE(**common)
    for t, a in enumerate(spec["avg"]):
        model.interactions[t].avg_num_neighbors = a  # per-layer values (a python float, not in state_dict)
    return model.double().eval()


def structures(spec):
    if 29 in spec["Z"]:
        bulk = ase.io.read(os.path.join(ROOT, "assets/datasets/cu_bulk.xyz"), ":4")
        cluster = ase.io.read(os.path.join(ROOT, "assets/datasets/cu_cluster.xyz"), "0")
        mixed = bulk[3].copy()
        z = mixed.get_atomic_numbers()
        z[0], z[5], z[17] = 6, 1, 1
        mixed.set_atomic_numbers(z)
        out = [("cu_bulk_0", bulk[0]), ("cu_bulk_1", bulk[1]), ("cu_bulk_2", bulk[2]),
               ("cu_cluster_0", cluster), ("cu_bulk_3_with_C_H", mixed)]
    else:
        tr = ase.io.read(os.path.join(ROOT, "assets/datasets/ethanol_train.xyz"), ":")
        te = ase.io.read(os.path.join(ROOT, "assets/datasets/ethanol_test.xyz"), ":2")
        asp = ase.io.read(os.path.join(ROOT, "assets/molecules/aspirin.xyz"))
        per = te[1].copy()
        per.set_cell([[7.0, 0.0, 0.0], [1.0, 6.5, 0.0], [0.5, 0.8, 6.8]])
        per.set_pbc(True)
        out = [("ethanol_train_0", tr[0]), ("ethanol_train_150", tr[150]), ("ethanol_test_0", te[0]),
               ("aspirin", asp), ("ethanol_test_1_periodic_triclinic", per)]
    res = []
    for name, a in out:
        b = ase.Atoms(numbers=a.get_atomic_numbers(), positions=a.get_positions(), cell=a.get_cell(),
                      pbc=a.get_pbc())
        res.append((name, b))
    return res


def evaluate(model, spec, atoms):
    z_table = utils.AtomicNumberTable(spec["Z"])
    config = mace_data.config_from_atoms(atoms)
    d = mace_data.AtomicData.from_config(config, z_table=z_table, cutoff=spec["r_max"])
    batch = next(iter(torch_geometric.dataloader.DataLoader([d], batch_size=1, shuffle=False)))
    out = model(batch.to_dict(), compute_force=True, training=False)
    return out, int(d.edge_index.shape[1])


def main():
    fixtures = {
        "description": "mace-torch 0.3.16 (e3nn 0.4.4, torch float64) random-weight models; energies eV, "
        "forces eV/A, node_energy = E0(z_i) + scale*readouts + shift (per atom, sums to energy); node_feats "
        "(first structure only) = mace's concatenation of per-layer node features, e3nn layout. Neighbour "
        "list: mace get_neighborhood (matscipy), strict r < r_max, edge vector = pos[receiver]-pos[sender]+shift.",
        "script": "tools/make_mace_fixtures.py",
        "models": [],
    }
    for spec in MODELS:
        model = build(spec)
        path = os.path.join(OUT, f"mace_model_{spec['k']}.safetensors")
        meta = export(model, path)
        entry = {
            "k": spec["k"],
            "file": os.path.relpath(path, ROOT),
            "bytes": os.path.getsize(path),
            "model_class": meta["model_class"],
            "hyperparameters": {k: v for k, v in spec.items() if k != "k"},
            "structures": [],
        }
        for i, (name, atoms) in enumerate(structures(spec)):
            out, n_edges = evaluate(model, spec, atoms)
            e = float(out["energy"].detach()[0])
            ne = out["node_energy"].detach()
            e0 = torch.tensor([E0[int(z)] for z in atoms.get_atomic_numbers()])
            assert abs(ne.sum().item() - e) < 1e-8 * max(1.0, abs(e)), (ne.sum().item(), e)
            s = {
                "name": name,
                "numbers": atoms.get_atomic_numbers().tolist(),
                "positions": atoms.get_positions().tolist(),
                "cell": atoms.get_cell().array.tolist(),
                "pbc": [bool(x) for x in atoms.get_pbc()],
                "num_edges": n_edges,
                "energy": e,
                # energy minus sum of E0(z_i) (derived here in float64; MACE has no such output)
                "interaction_energy": float((ne - e0).sum()),
                "forces": out["forces"].detach().tolist(),
                "node_energy": ne.tolist(),
            }
            if i == 0:
                s["node_feats"] = out["node_feats"].detach().tolist()
            entry["structures"].append(s)
            print(f"model {spec['k']} {name}: {len(atoms)} atoms, {n_edges} edges, E = {e:.10f}")
        # round trip: a fresh model (other seed) + the exported tensors + metadata avg_num_neighbors
        # must reproduce the energies bit for bit
        from safetensors.torch import load_file

        fresh = build(dict(spec, k=spec["k"] + 100))
        fresh.load_state_dict(load_file(path))
        for t, a in enumerate(meta["avg_num_neighbors"]):
            fresh.interactions[t].avg_num_neighbors = a
        for s, (name, atoms) in zip(entry["structures"], structures(spec)):
            assert float(evaluate(fresh, spec, atoms)[0]["energy"].detach()[0]) == s["energy"], name
        fixtures["models"].append(entry)
        print(f"wrote {path} ({entry['bytes']} bytes)")
    jp = os.path.join(OUT, "mace_parity.json")
    with open(jp, "w") as f:
        json.dump(fixtures, f, indent=None)
        f.write("\n")
    print(f"wrote {jp} ({os.path.getsize(jp)} bytes)")


if __name__ == "__main__":
    main()
