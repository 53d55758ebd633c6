#!/usr/bin/env python3
"""Reference timings of mace-torch 0.3.16 energy + forces, for the Rust MACE benches (chapter 03).

Systems (the Rust benches use the same files, in crates/core/benches/data/ unless said otherwise):
  ethanol    assets/molecules/ethanol.xyz (9 atoms)    + assets/models/mace_ethanol.safetensors (shipped model)
  aspirin    assets/molecules/aspirin.xyz (21 atoms)   + assets/models/mace_ethanol.safetensors
  cu_64      cu_64.xyz  (fcc Cu 2x2x4, periodic)       + mace_cu.safetensors (random weights)
  cu_512     cu_512.xyz (fcc Cu 4x4x8, periodic)       + mace_cu.safetensors
(cu_64.xyz, cu_512.xyz and mace_cu.safetensors are written by tools/make_mace_bench_models.py.) Both models
have the same hyper-parameters (16x0e+16x1o, max_ell 2, correlation 3, 2 interactions, r_max 4, 8 Bessel, p 5).

Settings: float64 and float32 (a deep copy of the model `.to(dtype)`, the batch's floating tensors cast to
the same dtype, as mace's MACECalculator does), torch.set_num_threads(1) and (2).

Modes, per system and setting:
  model        the batch is built once (mace.data.config_from_atoms -> AtomicData.from_config, i.e. mace's
               matscipy neighbour list -> torch_geometric Batch -> to_dict(), what MACECalculator does);
               timed: `model(batch, compute_force=True, training=False)` (prepare_graph sets
               positions.requires_grad_; forces = -dE/dpos by torch.autograd.grad), plus reading the
               energy and forces back as float (forces to numpy), which synchronises nothing on the CPU
               but is what a user does.
  graph+model  the same, but every repeat also builds the graph from the ase.Atoms (config, neighbour list,
               AtomicData, Batch): the cost of MACECalculator.calculate for a structure that changed
               (minus ASE bookkeeping and the stress, which the calculator also computes for periodic cells).
  graph        the graph construction alone (measured on its own).
  calculator   mace.calculators.MACECalculator(models=model).calculate(atoms): what an ASE user runs; like
               graph+model plus a batch clone, ASE bookkeeping and, for periodic cells, the stress (mace
               computes it for model_type "MACE" whenever the cell is non-zero).
In every mode the model's parameters have requires_grad False, as MACECalculator sets them.
Each figure: warm-up (a tenth of the repeats, at least 3), then N repeats (500 for the molecules, 200 for
cu_64, 50 for cu_512 by default);
median and 10th/90th percentiles of the wall time (time.perf_counter), in ms. The machine has 2 cores and
may be shared (the load average before and after each measurement is recorded in the JSON): treat figures
as +-20 % and the 2-thread figures as a lower bound of what 2 idle cores would give.

Also: every system's float64 energy (and a few force numbers) goes to crates/core/benches/data/energies.json,
so the Rust side can check it computes the same numbers; the ethanol model, rebuilt here from its safetensors
file (`load_mace_safetensors`), is first checked against assets/models/mace_ethanol.json
(`reference_predictions_test_0_2`, mace_eval_configs of the original .model).

Run through scripts/bench-mace.sh (it makes the pinned venv and runs the Rust bench in the same run), or
from the repository root in that venv (about 5 min on 2 cores):
    TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 "$(scripts/python-venv.sh)/bin/python" \\
        tools/bench_mace_torch.py [--quick] [--systems ethanol,aspirin,cu_64,cu_512] [--threads 1,2] \\
        [--dtypes float64,float32] [--modes model,graph+model,graph,calculator] [--scaling] \\
        [--json tools/bench_mace_torch.json]
Writes the JSON to stdout and to --json (default tools/bench_mace_torch.json); progress goes to stderr.
`load_mace_safetensors(path)` is importable (tools/make_mace_bench_models.py uses it).
"""

import argparse
import contextlib
import copy
import datetime
import json
import os
import platform
import sys
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "crates", "core", "benches", "data")
ETHANOL_MODEL = os.path.join(ROOT, "assets", "models", "mace_ethanol.safetensors")
CU_MODEL = os.path.join(DATA, "mace_cu.safetensors")

SYSTEMS = {
    # name: (structure file, model file, default repeats)
    "ethanol": (os.path.join(ROOT, "assets", "molecules", "ethanol.xyz"), ETHANOL_MODEL, 500),
    "aspirin": (os.path.join(ROOT, "assets", "molecules", "aspirin.xyz"), ETHANOL_MODEL, 500),
    "cu_64": (os.path.join(DATA, "cu_64.xyz"), CU_MODEL, 200),
    "cu_512": (os.path.join(DATA, "cu_512.xyz"), CU_MODEL, 50),
}
DTYPES = {"float64": torch.float64, "float32": torch.float32}
# --scaling: cu_64 repeated along its cell vectors, the tilings of crates/core/benches/mace.rs (TILINGS).
TILINGS = [(1, 1, 1), (2, 1, 1), (2, 2, 1), (2, 2, 2), (4, 2, 2), (4, 4, 2), (4, 4, 4)]


def system(name):
    """(ase.Atoms, model path, default repeats) of a named system; `cu_tiled_N` is cu_64 repeated to N atoms."""
    if name in SYSTEMS:
        xyz, mpath, reps = SYSTEMS[name]
        return plain_atoms(xyz), mpath, reps
    if name.startswith("cu_tiled_"):
        n = int(name[len("cu_tiled_"):])
        for k in TILINGS:
            if 64 * k[0] * k[1] * k[2] == n:
                return plain_atoms(SYSTEMS["cu_64"][0]).repeat(k), CU_MODEL, max(5, 12800 // n)
    raise SystemExit(f"unknown system {name}")


def read_metadata(path):
    from safetensors import safe_open

    with safe_open(path, "pt") as f:
        return json.loads(f.metadata()["multiace"])


def load_mace_safetensors(path):
    """Rebuild a mace-torch ScaleShiftMACE / MACE (float64, eval mode) from a file of tools/export_mace.py.

    The module is built as mace_run_train builds it (first interaction RealAgnosticInteractionBlock, later
    ones as recorded, Bessel radial, use_reduced_cg as recorded) with the metadata's hyper-parameters; then
    every tensor (weights and the U-matrix buffers) is loaded from the file and the per-layer
    avg_num_neighbors (python floats, not in the state_dict) are set from the metadata.
    Returns (model, metadata)."""
    from e3nn import o3
    from safetensors.torch import load_file

    from mace import modules

    meta = read_metadata(path)
    assert meta["radial_type"] == "BesselBasis" and meta["distance_transform"] in (None, "NoneType"), meta
    assert not meta["pair_repulsion"] and not meta["use_so3"] and not meta["use_agnostic_product"]
    inter = meta["interactions"]
    classes = {d["class"] for d in inter[1:]}
    assert len(classes) <= 1, classes
    prev = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        common = dict(
            r_max=meta["r_max"],
            num_bessel=meta["num_bessel"],
            num_polynomial_cutoff=meta["num_polynomial_cutoff"],
            max_ell=meta["max_ell"],
            interaction_cls=modules.interaction_classes[inter[-1]["class"]],
            interaction_cls_first=modules.interaction_classes[inter[0]["class"]],
            num_interactions=meta["num_interactions"],
            num_elements=len(meta["atomic_numbers"]),
            hidden_irreps=o3.Irreps(inter[0]["hidden_irreps"]),
            MLP_irreps=o3.Irreps(meta["MLP_irreps"]),
            atomic_energies=np.array(meta["atomic_energies"]),  # (heads, elements), as mace_run_train passes it
            avg_num_neighbors=meta["avg_num_neighbors"][0],
            atomic_numbers=meta["atomic_numbers"],
            correlation=meta["correlation"][0],
            gate=modules.gate_dict[meta["gate"]],
            use_reduced_cg=meta["use_reduced_cg"],
            radial_MLP=inter[0]["radial_mlp"][1:-1],
            radial_type="bessel",
            heads=meta["heads"],
            apply_cutoff=meta["apply_cutoff"],
            use_last_readout_only=meta["use_last_readout_only"],
        )
        if meta["model_class"] == "ScaleShiftMACE":
            scale, shift = meta["scale"], meta["shift"]
            model = modules.ScaleShiftMACE(
                **common,
                atomic_inter_scale=scale[0] if len(scale) == 1 else scale,
                atomic_inter_shift=shift[0] if len(shift) == 1 else shift,
            )
        else:
            assert meta["model_class"] == "MACE", meta["model_class"]
            model = modules.MACE(**common)
    finally:
        torch.set_default_dtype(prev)
    model = model.double()
    missing, unexpected = model.load_state_dict(load_file(path), strict=True)
    assert not missing and not unexpected
    for t, a in enumerate(meta["avg_num_neighbors"]):
        model.interactions[t].avg_num_neighbors = a
    return model.eval(), meta


def plain_atoms(path):
    """Numbers, positions, cell, pbc of the first frame (no calculator, no info/arrays: nothing mace could pick
    up as labels)."""
    import ase
    import ase.io

    a = ase.io.read(path, index=0)
    return ase.Atoms(numbers=a.get_atomic_numbers(), positions=a.get_positions(), cell=a.get_cell(), pbc=a.get_pbc())


def make_batch(atoms, meta, dtype):
    """What MACECalculator._atoms_to_batch does (no padding, no compile), with the default dtype set to the
    model's; floating tensors cast to `dtype` as MACECalculator.calculate does. Returns (dict, num_edges)."""
    from mace import data as mace_data
    from mace.tools import torch_geometric, utils

    prev = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        config = mace_data.config_from_atoms(atoms, head_name=meta["heads"][0])
        graph = mace_data.AtomicData.from_config(
            config, z_table=utils.AtomicNumberTable(meta["atomic_numbers"]), cutoff=meta["r_max"],
            heads=meta["heads"],
        )
    finally:
        torch.set_default_dtype(prev)
    batch = torch_geometric.Batch.from_data_list([graph])
    for key in batch.keys:
        v = batch[key]
        if torch.is_tensor(v) and torch.is_floating_point(v):
            batch[key] = v.to(dtype=dtype)
    return batch.to_dict(), int(graph["edge_index"].shape[1])


def evaluate(model, batch):
    out = model(batch, compute_force=True, training=False)
    return float(out["energy"].detach()[0]), out["forces"].detach().numpy()


def loadavg():
    try:
        return [float(x) for x in open("/proc/loadavg").read().split()[:3]]
    except OSError:
        return None


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def timed(fn, repeats, warmup):
    for _ in range(warmup):
        fn()
    ts = np.empty(repeats)
    for k in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts[k] = time.perf_counter() - t0
    ts *= 1e3
    return {
        "median_ms": float(np.median(ts)),
        "p10_ms": float(np.percentile(ts, 10)),
        "p90_ms": float(np.percentile(ts, 90)),
        "min_ms": float(ts.min()),
        "repeats": repeats,
        "warmup": warmup,
    }


def check_ethanol_model(model, meta):
    """Energy/forces of ethanol test frame 0 vs mace_eval_configs on the original .model (mace_ethanol.json)."""
    ref = json.load(open(os.path.join(ROOT, "assets", "models", "mace_ethanol.json")))["reference_predictions_test_0_2"]
    import ase

    out = []
    for k, r in enumerate(ref):
        atoms = ase.Atoms(numbers=r["numbers"], positions=r["positions"])
        batch, _ = make_batch(atoms, meta, torch.float64)
        e, f = evaluate(model, batch)
        de, df = abs(e - r["energy"]), float(np.abs(f - np.array(r["forces"])).max())
        # the reference forces were written by ase.io (8 decimals), energies in full
        assert de < 1e-9 and df < 1e-7, (k, e, r["energy"], df)
        out.append({"frame": k, "energy": e, "reference": r["energy"], "abs_diff_energy": de,
                    "max_abs_diff_forces": df})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--dtypes", default="float64,float32")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--modes", default="model,graph+model,graph,calculator")
    ap.add_argument("--quick", action="store_true", help="10 %% of the repeats (smoke test); writes nothing")
    ap.add_argument("--json", default=os.path.join(ROOT, "tools", "bench_mace_torch.json"))
    ap.add_argument("--scaling", action="store_true",
                    help="time cu_64 tiled to 64 ... 4096 atoms instead (mode 'model'; writes only --json)")
    args = ap.parse_args()
    if args.scaling:
        args.systems = ",".join(f"cu_tiled_{64 * k[0] * k[1] * k[2]}" for k in TILINGS)
        args.modes = "model"
    log = lambda *a: print(*a, file=sys.stderr, flush=True)  # noqa: E731

    import ase
    import e3nn

    with contextlib.redirect_stdout(sys.stderr):  # `import mace` prints a cuequivariance notice on stdout
        import mace
        import mace.calculators  # noqa: F401
        import mace.modules  # noqa: F401

    try:
        from importlib.metadata import version

        mace_version = version("mace-torch")
    except Exception:  # noqa: BLE001
        mace_version = getattr(mace, "__version__", "?")

    models = {}
    for name in args.systems.split(","):
        path = system(name)[1]
        if path not in models:
            models[path] = load_mace_safetensors(path)
    checks = check_ethanol_model(*models[ETHANOL_MODEL]) if ETHANOL_MODEL in models else None
    if checks:
        log("ethanol model rebuilt from safetensors reproduces mace_ethanol.json test frames 0-2:",
            ", ".join(f"dE={c['abs_diff_energy']:.1e} dF={c['max_abs_diff_forces']:.1e}" for c in checks))

    # float64 energies for the Rust side
    energies = {}
    for name in args.systems.split(","):
        atoms, mpath, _ = system(name)
        model, meta = models[mpath]
        batch, n_edges = make_batch(atoms, meta, torch.float64)
        e, f = evaluate(model, batch)
        from mace.calculators import MACECalculator

        calc = MACECalculator(models=copy.deepcopy(model), default_dtype="float64", device="cpu")
        calc.calculate(atoms)
        e_calc, f_calc = float(calc.results["energy"]), calc.results["forces"]
        assert abs(e_calc - e) <= 1e-12 * abs(e) and np.abs(f_calc - f).max() < 1e-12, (name, e, e_calc)
        energies[name] = {
            "structure": os.path.relpath(SYSTEMS[name][0], ROOT) if name in SYSTEMS else f"cu_64.xyz repeated to {name}",
            "model": os.path.relpath(mpath, ROOT),
            "atoms": len(atoms),
            "edges": n_edges,
            "energy": e,
            "forces_atom0": f[0].tolist(),
            "sum_forces_squared": float((f**2).sum()),
            "max_abs_force": float(np.abs(f).max()),
            "MACECalculator_energy": e_calc,
        }
        log(f"{name}: {len(atoms)} atoms, {n_edges} edges, E(float64) = {e!r} eV")

    results = []
    threads = [int(t) for t in args.threads.split(",")]
    for name in args.systems.split(","):
        atoms, mpath, reps = system(name)
        model64, meta = models[mpath]
        if args.quick:
            reps = max(3, reps // 10)
        warmup = max(3, reps // 10)
        for dname in args.dtypes.split(","):
            dtype = DTYPES[dname]
            model = copy.deepcopy(model64).to(dtype).eval()
            for p in model.parameters():  # as MACECalculator does: only the positions need a gradient
                p.requires_grad_(False)
            calc = None
            for nt in threads:
                torch.set_num_threads(nt)
                for mode in args.modes.split(","):
                    batch, n_edges = make_batch(atoms, meta, dtype)
                    if mode == "model":
                        fn = lambda: evaluate(model, batch)  # noqa: E731
                    elif mode == "graph+model":
                        fn = lambda: evaluate(model, make_batch(atoms, meta, dtype)[0])  # noqa: E731
                    elif mode == "graph":
                        fn = lambda: make_batch(atoms, meta, dtype)  # noqa: E731
                    elif mode == "calculator":
                        if calc is None:
                            from mace.calculators import MACECalculator

                            calc = MACECalculator(models=model, default_dtype=dname, device="cpu")
                        fn = lambda: calc.calculate(atoms)  # noqa: E731  (always recomputes; also the stress)
                    else:
                        raise SystemExit(f"unknown mode {mode}")
                    e, _ = evaluate(model, batch)
                    la0 = loadavg()
                    t = timed(fn, reps, warmup)
                    rec = {"system": name, "atoms": len(atoms), "edges": n_edges, "dtype": dname, "threads": nt,
                           "mode": mode, **t, "energy": e, "loadavg_before": la0, "loadavg_after": loadavg()}
                    if mode == "calculator":
                        rec["energy"] = float(calc.results["energy"])
                    results.append(rec)
                    log(f"{name:8s} {dname} threads={nt} {mode:11s} median {t['median_ms']:9.3f} ms "
                        f"(p10 {t['p10_ms']:.3f}, p90 {t['p90_ms']:.3f}; {reps} repeats) E={e:.6f} "
                        f"load {la0}")
    torch.set_num_threads(1)

    doc = {
        "description": "mace-torch energy+forces wall time per call (ms); 'model' = model(batch, compute_force=True) "
        "on a prebuilt batch, 'graph+model' = also config_from_atoms + AtomicData.from_config (matscipy "
        "neighbour list) + Batch every call, 'graph' = that graph construction alone, 'calculator' = "
        "MACECalculator(models=model).calculate(atoms) (adds the stress for periodic cells). Medians and 10/90 "
        "percentiles over 'repeats' after 'warmup' calls.",
        "script": "tools/bench_mace_torch.py",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "versions": {"torch": torch.__version__, "mace_torch": mace_version, "e3nn": e3nn.__version__,
                     "ase": ase.__version__, "numpy": np.__version__, "python": platform.python_version()},
        "torch_config": {"num_interop_threads": torch.get_num_interop_threads(),
                         "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS")},
        "noise_note": "2-core machine shared with a Rust build while measured; loadavg_before/after per record",
        "ethanol_model_check": checks,
        "energies_float64": energies,
        "results": results,
    }
    text = json.dumps(doc, indent=1)
    print(text)
    if args.quick:
        log("--quick: nothing written")
        return
    with open(args.json, "w") as f:
        f.write(text + "\n")
    ep = os.path.join(DATA, "energies.json")
    if set(energies) == set(SYSTEMS) and not args.scaling:
        with open(ep, "w") as f:
            json.dump({
                "description": "mace-torch 0.3.16 float64 energies (eV) and forces (eV/A) of the bench systems, "
                "from tools/bench_mace_torch.py (model rebuilt from the safetensors file; structure = first "
                "frame of the xyz file as read by ase.io.read; mace's neighbour list, strict r < r_max).",
                "versions": doc["versions"],
                "systems": energies,
            }, f, indent=1)
            f.write("\n")
        log(f"wrote {ep} ({os.path.getsize(ep)} bytes)")
    log(f"wrote {args.json} ({os.path.getsize(args.json)} bytes)")


if __name__ == "__main__":
    main()
