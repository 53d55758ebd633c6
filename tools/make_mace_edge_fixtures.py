"""mace-torch 0.3.16 parity fixtures at the edges of the architectures the Rust loader accepts (issue 12).

Six random-weight float64 models, each at one edge: a single interaction (so a linear readout only),
scalar features with max_ell 1 (mace-torch cannot build max_ell 0), correlation 1, radial networks of width 1 to 4, odd and even l = 1 features together, and
four elements evaluated on periodic cells. Plus one model whose finite weights overflow float64 (mace_overflow_model.safetensors). Written, in the format
of tools/make_mace_fixtures.py, to
crates/core/tests/fixtures/mace_edge_model_K.safetensors and mace_edge_parity.json; the Rust test
crates/core/tests/mace_parity.rs reads both fixture files.

Run from the repository root with the notebooks' venv (scripts/notebooks.sh makes it):
    OMP_NUM_THREADS=1 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 VENV/bin/python tools/make_mace_edge_fixtures.py
"""
import json
import os
import sys

import ase
import ase.io
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_mace import export  # noqa: E402
from make_mace_fixtures import E0, ROOT, build, evaluate  # noqa: E402

OUT = os.path.join(ROOT, "crates/core/tests/fixtures")

MODELS = [
    # one interaction: mace-torch keeps all hidden irreps and reads them with a linear readout
    dict(k=1, cls="ScaleShiftMACE", max_ell=1, correlation=2, num_interactions=1, hidden="8x0e+8x1o",
         Z=[1, 6, 8], r_max=4.0, num_bessel=5, p=5, radial_MLP=[8, 8], MLP_irreps="8x0e", avg=[6.0],
         scale=0.8, shift=-0.1, edge="num_interactions 1"),
    # mace-torch 0.3.16 cannot build max_ell 0 (its SymmetricContraction indexes a U matrix dimension
    # that l = 0 does not have: IndexError), so the nearest edge it builds: scalar features, max_ell 1,
    # three Bessel functions, a one-layer radial network. (max_ell 0 is covered by the Rust property tests.)
    dict(k=2, cls="MACE", max_ell=1, correlation=2, num_interactions=2, hidden="4x0e", Z=[1, 6, 8],
         r_max=4.0, num_bessel=3, p=5, radial_MLP=[4], MLP_irreps="4x0e", avg=[6.0, 7.0],
         edge="scalar features, max_ell 1 (mace-torch cannot build max_ell 0)"),
    dict(k=3, cls="MACE", max_ell=2, correlation=1, num_interactions=2, hidden="4x0e+4x1o", Z=[1, 6, 8],
         r_max=4.5, num_bessel=4, p=6, radial_MLP=[2, 2], MLP_irreps="4x0e", avg=[8.0, 8.0],
         edge="correlation 1, radial widths 2"),
    dict(k=4, cls="ScaleShiftMACE", max_ell=2, correlation=2, num_interactions=2, hidden="4x0e+4x1o",
         Z=[1, 6, 8], r_max=4.0, num_bessel=4, p=5, radial_MLP=[1], MLP_irreps="2x0e", avg=[5.0, 6.0],
         scale=1.2, shift=0.3, edge="radial width 1"),
    dict(k=5, cls="MACE", max_ell=2, correlation=2, num_interactions=2, hidden="3x0e+3x1o+3x1e",
         Z=[1, 6, 8], r_max=4.0, num_bessel=5, p=5, radial_MLP=[3, 4], MLP_irreps="4x0e", avg=[7.0, 7.5],
         edge="1o and 1e features, radial widths 3 and 4"),
    dict(k=6, cls="ScaleShiftMACE", max_ell=2, correlation=2, num_interactions=2, hidden="4x0e+4x1o",
         Z=[1, 6, 7, 8], r_max=4.0, num_bessel=6, p=5, radial_MLP=[8, 8], MLP_irreps="8x0e", avg=[8.0, 8.0],
         scale=0.9, shift=0.05, edge="four elements, periodic cells"),
]


def atoms(a, cell=None):
    b = ase.Atoms(numbers=a.get_atomic_numbers(), positions=a.get_positions())
    if cell is not None:
        b.set_cell(cell)
        b.set_pbc(True)
    return b


def structures(spec):
    mol = lambda name: ase.io.read(os.path.join(ROOT, "assets/molecules", name))  # noqa: E731
    train = ase.io.read(os.path.join(ROOT, "assets/datasets/ethanol_train.xyz"), ":2")
    out = [("ethanol_train_0", atoms(train[0])), ("benzene", atoms(mol("benzene.xyz"))),
           ("aspirin", atoms(mol("aspirin.xyz"))),
           ("ethanol_triclinic", atoms(train[1], [[7.0, 0, 0], [1.0, 6.5, 0], [0.5, 0.8, 6.8]]))]
    if 7 in spec["Z"]:
        # Nitrogen in place of one carbon, in a small and in a large cell (neighbours across faces).
        for name, a, cell in [("ethanol_N_cubic_5", train[0], [[5.0, 0, 0], [0, 5.0, 0], [0, 0, 5.0]]),
                              ("aspirin_N_triclinic", mol("aspirin.xyz"),
                               [[9.0, 0, 0], [1.5, 8.5, 0], [-0.7, 1.1, 8.0]])]:
            b = atoms(a, cell)
            z = b.get_atomic_numbers()
            z[list(z).index(6)] = 7
            b.set_atomic_numbers(z)
            out.append((name, b))
    return out


def overflow_model():
    """A model whose finite weights overflow float64 on any molecule (the first radial layer scaled by
    1e200): mace-torch's own energy is not finite, and the Rust port must refuse it by name."""
    spec = dict(MODELS[0], k=7)
    model = build(spec)
    with torch.no_grad():
        model.interactions[0].conv_tp_weights.layer0.weight.mul_(1e200)
    path = os.path.join(OUT, "mace_overflow_model.safetensors")
    export(model, path)
    name, a = structures(spec)[0]
    e = float(evaluate(model, spec, a)[0]["energy"].detach()[0])
    print(f"overflow model on {name}: mace-torch gives E = {e}")
    assert not torch.isfinite(torch.tensor(e))
    return {"file": os.path.relpath(path, ROOT), "structure": name, "mace_torch_energy": str(e)}


def main():
    fixtures = {
        "description": "mace-torch 0.3.16 (e3nn 0.4.4, torch float64) random-weight models at the edges of "
        "the accepted architectures; same fields as mace_parity.json.",
        "script": "tools/make_mace_edge_fixtures.py",
        "models": [],
    }
    for spec in MODELS:
        model = build(spec)
        path = os.path.join(OUT, f"mace_edge_model_{spec['k']}.safetensors")
        meta = export(model, path)
        entry = {"k": spec["k"], "file": os.path.relpath(path, ROOT), "bytes": os.path.getsize(path),
                 "model_class": meta["model_class"], "edge": spec["edge"],
                 "readouts": [type(r).__name__ for r in model.readouts],
                 "hyperparameters": {k: v for k, v in spec.items() if k not in ("k", "edge")},
                 "structures": []}
        for name, a in structures(spec):
            res, n_edges = evaluate(model, spec, a)
            e = float(res["energy"].detach()[0])
            ne = res["node_energy"].detach()
            e0 = torch.tensor([E0[int(z)] for z in a.get_atomic_numbers()])
            entry["structures"].append({
                "name": name, "numbers": a.get_atomic_numbers().tolist(),
                "positions": a.get_positions().tolist(), "cell": a.get_cell().array.tolist(),
                "pbc": [bool(x) for x in a.get_pbc()], "num_edges": n_edges, "energy": e,
                "interaction_energy": float((ne - e0).sum()), "forces": res["forces"].detach().tolist(),
                "node_energy": ne.tolist()})
            print(f"edge model {spec['k']} ({spec['edge']}) {name}: {len(a)} atoms, {n_edges} edges, E = {e:.10f}")
        fixtures["models"].append(entry)
    fixtures["overflow"] = overflow_model()
    jp = os.path.join(OUT, "mace_edge_parity.json")
    with open(jp, "w") as f:
        json.dump(fixtures, f)
        f.write("\n")
    print(f"wrote {jp} ({os.path.getsize(jp)} bytes)")


if __name__ == "__main__":
    main()
