#!/usr/bin/env python3
"""The table of scripts/bench-mace.sh: ours (criterion medians under target/criterion) against mace-torch
(the JSON of tools/bench_mace_torch.py in the same run), in ms per energy + forces, with ratios.
    python3 tools/bench_mace_table.py target/bench-mace
"""
import json
import os
import sys

OUT = sys.argv[1]
CRITERION = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "criterion")


def ours(group, what):
    """Median of one criterion benchmark in ms, or None when it was not run."""
    p = os.path.join(CRITERION, group, what, "new", "estimates.json")
    if not os.path.exists(p):
        return None
    return json.load(open(p))["median"]["point_estimate"] / 1e6


def torch_rows(name):
    p = os.path.join(OUT, name)
    if not os.path.exists(p):
        return None
    doc = json.load(open(p))
    return {(r["system"], r["dtype"], r["threads"]): r["median_ms"] for r in doc["results"] if r["mode"] == "model"}


def fmt(x):
    return f"{x:8.2f}" if x is not None else "       -"


def table(title, systems, group_of, torch):
    print(f"\n{title}")
    print(f"{'system':14} {'atoms':>5} | ours f64 1t    2t | mace-torch f64 1t    2t  f32 1t    2t | torch/ours: f64 1t vs 1t, best vs best")
    for name, atoms in systems:
        o1, o2 = (ours(group_of(name), f"energy_forces_{t}t") for t in (1, 2))
        t = [torch.get((name, d, n)) for d in ("float64", "float32") for n in (1, 2)]
        best_o = min(x for x in (o1, o2) if x is not None)
        tt = [x for x in t if x is not None]
        r1 = f"{t[0] / o1:5.2f}x" if t[0] and o1 else "    -"
        rb = f"{min(tt) / best_o:5.2f}x" if tt else "    -"
        per_atom = f"  ({1e3 * best_o / atoms:6.1f} µs/atom ours, {1e3 * min(tt) / atoms:6.1f} torch)" if tt else ""
        print(f"{name:14} {atoms:5d} | {fmt(o1)} {fmt(o2)} | {' '.join(fmt(x) for x in t)} | {r1}  {rb}{per_atom}")


main = torch_rows("mace_torch.json")
if main:
    table("Energy + forces, ms (medians; same run)",
          [("ethanol", 9), ("aspirin", 21), ("cu_64", 64), ("cu_512", 512)], lambda n: f"mace_{n}", main)
scaling = torch_rows("mace_torch_scaling.json")
if scaling:
    sizes = sorted({s for (s, _, _) in scaling}, key=lambda s: int(s.rsplit("_", 1)[1]))
    table("Scaling: cu_64 tiled (ms; cost per atom should stay flat)",
          [(s, int(s.rsplit("_", 1)[1])) for s in sizes], lambda n: f"mace_scaling_{n}", scaling)
