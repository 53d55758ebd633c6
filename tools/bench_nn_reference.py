#!/usr/bin/env python3
"""Reference timings for the Rust `nn` benches (crates/core/benches/nn.rs): e3nn 0.4.4 in float64, one thread.

What is timed (same sizes as the Rust bench; inputs standard normal, torch seed 0):
  - tp_uvu: MACE's convolution tensor product (mace-torch 0.3.16 irreps_tools.tp_out_irreps_with_instructions
    + o3.TensorProduct(..., shared_weights=False, internal_weights=False)):
    32x0e+32x1o+32x2e (x) 1x0e+1x1o+1x2e+1x3o, target 32x0e+32x1o+32x2e+32x3o, 1000 edges, one weight
    vector per edge.
      * "forward": under torch.no_grad()
      * "forward+backward": forward, then torch.autograd.grad w.r.t. both inputs for a fixed grad_output
        (the vector-Jacobian product the Rust `backward` computes; e3nn cannot do it without the forward)
  - linear: o3.Linear(32x0e+32x1o+32x2e+32x3o -> same), shared weights, 1000 nodes, same two figures.
Each figure is the median over --runs runs (default 50) after 10 warm-up runs (TorchScript/fx code is
specialised during the first calls). The machine may be shared: treat figures as +-20 %.

Run:
    PYTHONPATH=/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 /opt/mavenv/bin/python -W ignore \\
        tools/bench_nn_reference.py [--runs 50] [--json PATH]
"""

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

N = 1000


def median_time(fn, runs, warmup=10):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def mace_conv_tp(o3, irreps1, irreps2, target):
    """mace/modules/irreps_tools.py::tp_out_irreps_with_instructions (mace-torch 0.3.16)."""
    irreps1, irreps2, target = o3.Irreps(irreps1), o3.Irreps(irreps2), o3.Irreps(target)
    out_list, instructions = [], []
    for i, (mul, ir_in) in enumerate(irreps1):
        for j, (_, ir_edge) in enumerate(irreps2):
            for ir_out in ir_in * ir_edge:
                if ir_out in target:
                    k = len(out_list)
                    out_list.append((mul, ir_out))
                    instructions.append((i, j, k, "uvu", True))
    irreps_out, permut, _ = o3.Irreps(out_list).sort()
    instructions = [(i1, i2, permut[io], m, t) for i1, i2, io, m, t in instructions]
    return irreps_out, sorted(instructions, key=lambda x: x[2])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(0)
    import e3nn
    from e3nn import o3

    results = {}

    irreps_mid, instr = mace_conv_tp(o3, "32x0e+32x1o+32x2e", "1x0e+1x1o+1x2e+1x3o", "32x0e+32x1o+32x2e+32x3o")
    tp = o3.TensorProduct("32x0e+32x1o+32x2e", "1x0e+1x1o+1x2e+1x3o", irreps_mid, instr,
                          shared_weights=False, internal_weights=False)
    x1 = torch.randn(N, tp.irreps_in1.dim)
    x2 = torch.randn(N, tp.irreps_in2.dim)
    w = torch.randn(N, tp.weight_numel)
    g = torch.randn(N, tp.irreps_out.dim)

    def tp_fwd():
        with torch.no_grad():
            tp(x1, x2, w)

    x1g, x2g = x1.clone().requires_grad_(True), x2.clone().requires_grad_(True)

    def tp_fwd_bwd():
        out = tp(x1g, x2g, w)
        torch.autograd.grad(out, [x1g, x2g], g)

    results["tp_uvu/forward"] = median_time(tp_fwd, args.runs)
    results["tp_uvu/forward+backward"] = median_time(tp_fwd_bwd, args.runs)
    print(f"tp_uvu: {len(tp.instructions)} paths, {tp.weight_numel} weights per edge, irreps_mid {irreps_mid}")

    irreps = "32x0e+32x1o+32x2e+32x3o"
    lin = o3.Linear(irreps, irreps)
    x = torch.randn(N, lin.irreps_in.dim)
    gl = torch.randn(N, lin.irreps_out.dim)

    def lin_fwd():
        with torch.no_grad():
            lin(x)

    xg = x.clone().requires_grad_(True)

    def lin_fwd_bwd():
        out = lin(xg)
        torch.autograd.grad(out, [xg], gl)

    results["linear/forward"] = median_time(lin_fwd, args.runs)
    results["linear/forward+backward"] = median_time(lin_fwd_bwd, args.runs)

    print(f"e3nn {e3nn.__version__}, torch {torch.__version__}, {platform.processor() or platform.machine()}, "
          f"threads {torch.get_num_threads()}, float64, N = {N}")
    for k, v in results.items():
        print(f"  {k:28s} {v * 1e3:9.3f} ms")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"e3nn": e3nn.__version__, "torch": torch.__version__, "n": N,
                       "seconds": results}, f, indent=1)


if __name__ == "__main__":
    main()
