#!/usr/bin/env python3
"""Reference fixtures for `multiace-core`'s `nn` module (o3.Linear and o3.TensorProduct), from e3nn 0.4.4.

The Rust `nn::Linear` and `nn::TensorProduct` promise e3nn 0.4.4's semantics (the version mace-torch
0.3.16 uses): the same instructions, the same flat weight layout, the same normalisation. This script
builds the e3nn modules with fixed weights (seeded `torch.randn`, float64), evaluates them, and writes
weights, inputs, outputs and autograd vector-Jacobian products into `crates/core/tests/fixtures/`:

    nn_linear.json           o3.Linear: weight_numel, instructions (path weights), weights, a batch of
                             inputs and outputs, and grad_x / grad_w for a random grad_out
    nn_tensor_product.json   FullyConnectedTensorProduct, MACE's 'uvu' convolution TP
                             (mace.modules.irreps_tools.tp_out_irreps_with_instructions, re-implemented
                             below), and a TensorProduct exercising every mode (uvw, uvu, uvv, uuw, uuu,
                             uvuv, with and without weights) under the three normalisation pairs;
                             weights shared over the batch; grad_x1, grad_x2, grad_w by autograd
    nn_tensor_product_cli.json  for `multiace tensor-product`: FullTensorProduct(a, b).irreps_out.simplify(),
                             its instructions as irreps strings, and FullyConnectedTensorProduct(a, b, filter)
                             weight_numel and instructions

Running (from the repository root; about 5 s):

    PYTHONPATH=/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 OMP_NUM_THREADS=1 PYTHONWARNINGS=ignore \\
        /opt/mavenv/bin/python tools/make_nn_fixtures.py

See tools/README.md for the environment (torch, e3nn 0.4.4 in /opt/e3nn044). Numbers are written with
`json.dump` of Python floats, which round-trips an f64 exactly.
"""

import argparse
import json
import os
import sys

import torch

SEED = 20250402
BATCH = 3


def e3nn_044():
    import e3nn
    from e3nn import o3

    if e3nn.__version__ != "0.4.4":
        sys.exit(f"need e3nn 0.4.4 (PYTHONPATH=/opt/e3nn044), got {e3nn.__version__}")
    return e3nn, o3


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def rows(t):
    return [[float(v) for v in r] for r in t.detach().tolist()]


def mace_conv_tp(o3, irreps1, irreps2, target):
    """mace/modules/irreps_tools.py::tp_out_irreps_with_instructions (mace-torch 0.3.16), verbatim logic."""
    irreps1, irreps2, target = o3.Irreps(irreps1), o3.Irreps(irreps2), o3.Irreps(target)
    out_list, instructions = [], []
    for i, (mul, ir_in) in enumerate(irreps1):
        for j, (_, ir_edge) in enumerate(irreps2):
            for ir_out in ir_in * ir_edge:
                if ir_out in target:
                    k = len(out_list)
                    out_list.append((mul, ir_out))
                    instructions.append((i, j, k, "uvu", True))
    irreps_out = o3.Irreps(out_list)
    irreps_out, permut, _ = irreps_out.sort()
    instructions = [(i1, i2, permut[io], m, t) for i1, i2, io, m, t in instructions]
    instructions = sorted(instructions, key=lambda x: x[2])
    return irreps_out, instructions


def linear_case(o3, name, irreps_in, irreps_out):
    lin = o3.Linear(irreps_in, irreps_out)
    w = torch.randn(lin.weight_numel)
    x = torch.randn(BATCH, lin.irreps_in.dim, requires_grad=True)
    wp = w.clone().requires_grad_(True)
    out = lin(x, wp)
    g = torch.randn_like(out)
    gx, gw = torch.autograd.grad(out, [x, wp], g)
    return {
        "name": name,
        "irreps_in": str(lin.irreps_in),
        "irreps_out": str(lin.irreps_out),
        "weight_numel": lin.weight_numel,
        "instructions": [[i.i_in, i.i_out, float(i.path_weight)] for i in lin.instructions],
        "weights": flat(w),
        "x": rows(x),
        "out": rows(out),
        "grad_out": rows(g),
        "grad_x": rows(gx),
        "grad_w": flat(gw),
    }


def tp_case(o3, name, tp, kind):
    w = torch.randn(tp.weight_numel)
    x1 = torch.randn(BATCH, tp.irreps_in1.dim, requires_grad=True)
    x2 = torch.randn(BATCH, tp.irreps_in2.dim, requires_grad=True)
    wp = w.clone().requires_grad_(True)
    out = tp(x1, x2, wp) if tp.weight_numel > 0 else tp(x1, x2)
    g = torch.randn_like(out)
    inputs = [x1, x2] + ([wp] if tp.weight_numel > 0 else [])
    grads = torch.autograd.grad(out, inputs, g)
    gw = grads[2] if tp.weight_numel > 0 else torch.zeros(0)
    return {
        "name": name,
        "kind": kind,
        "irreps_in1": str(tp.irreps_in1),
        "irreps_in2": str(tp.irreps_in2),
        "irreps_out": str(tp.irreps_out),
        "irrep_normalization": None,
        "path_normalization": None,
        "weight_numel": tp.weight_numel,
        "instructions": [
            [i.i_in1, i.i_in2, i.i_out, i.connection_mode, bool(i.has_weight), float(i.path_weight)]
            for i in tp.instructions
        ],
        "weights": flat(w),
        "x1": rows(x1),
        "x2": rows(x2),
        "out": rows(out),
        "grad_out": rows(g),
        "grad_x1": rows(grads[0]),
        "grad_x2": rows(grads[1]),
        "grad_w": flat(gw),
    }


# Every mode, weighted and not, several instructions into one output block (mixed modes), a user
# path_weight, l up to 3, odd and even parity.
MODES_IN1 = "2x0e+2x1o+3x2e"
MODES_IN2 = "2x1o+3x1e+2x0e"
MODES_OUT = "2x1o+2x2e+3x1o+2x1e+9x2e+9x3e+1x0e+2x0e"
MODES_INSTR = [
    (0, 0, 0, "uvu", True, 1.0),   # 0e(2) x 1o(2) -> 1o(2)
    (1, 0, 1, "uvv", True, 1.0),   # 1o(2) x 1o(2) -> 2e(2)
    (1, 2, 2, "uuw", True, 1.0),   # 1o(2) x 0e(2) -> 1o(3)
    (1, 0, 3, "uuu", False, 1.0),  # 1o(2) x 1o(2) -> 1e(2)
    (2, 1, 3, "uvw", True, 1.0),   # 2e(3) x 1e(3) -> 1e(2), same output block as the uuu one
    (2, 1, 4, "uvuv", False, 1.0),  # 2e(3) x 1e(3) -> 2e(9)
    (2, 1, 5, "uvuv", True, 1.0),   # 2e(3) x 1e(3) -> 3e(9)
    (0, 2, 6, "uuw", False, 1.0),  # 0e(2) x 0e(2) -> 0e(1)
    (1, 0, 7, "uvu", True, 0.5),   # 1o(2) x 1o(2) -> 0e(2), path_weight 0.5
    (0, 2, 7, "uvu", True, 1.0),   # 0e(2) x 0e(2) -> 0e(2)
    (1, 1, 0, "uvu", False, 1.0),  # 1o(2) x 1e(3) -> 1o(2), unweighted uvu
]

CLI_PAIRS = [
    ("1x1o", "1x1o", "1x0e+1x2e"),
    ("2x0e+3x1o+1x2e", "1x1o+2x2o", "4x0e+3x1e+2x2e+1x3o"),
    ("8x0e+4x1o", "1x0e+1x1o+1x2e+1x3o", "8x0e+8x1o+8x2e+8x3o"),
    ("1x1e+1x1o", "1x1o", "0e+0o+1e+1o+2e+2o"),
    ("2x0e+2x0e+1x1o", "1x0e+1x1o", "3x0e+2x1o"),
    ("1x2e", "1x2e", "1x0e+2x2e+1x4e"),
    ("3x0o+1x3o", "1x1o+1x2e", "2x1e+1x2o+1x3e+1x5o"),
    ("1x0e+1x1o+1x2e+1x3o", "1x0e+1x1o+1x2e+1x3o", "16x0e"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "core", "tests", "fixtures")))
    args = ap.parse_args()
    e3nn, o3 = e3nn_044()
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(SEED)
    meta = {
        "generator": "tools/make_nn_fixtures.py",
        "e3nn": e3nn.__version__,
        "torch": torch.__version__,
        "seed": SEED,
        "dtype": "float64",
        "layout": "features flat, e3nn order: block i = mul_i x (2l_i+1), multiplicity-major; weights flat, e3nn order",
    }

    linear = {
        "meta": meta,
        "cases": [
            linear_case(o3, "brief: 0o output has no input", "16x0e+8x1o+4x2e", "8x0e+8x1o+2x2e+3x0o"),
            linear_case(o3, "repeated irreps in and out", "3x0e+2x1o+5x0e+1x3o", "4x0e+2x1o+3x3o+1x1o"),
            linear_case(o3, "l up to 3", "8x0e+8x1o+8x2e+8x3o", "4x0e+4x1o+4x2e+4x3o"),
        ],
    }

    cases = []
    fc = [
        ("8x0e+4x1o", "1x0e+1x1o+1x2e+1x3o", "8x0e+8x1o+8x2e+8x3o"),
        ("2x0e+3x1o+1x2e", "1x1o+2x2o", "4x0e+3x1e+2x2e+1x3o"),
        ("2x1e+1x0o+1x3o", "2x1o+1x3e", "2x0e+1x0o+2x1o+2x2e+1x3e+1x2o"),
    ]
    for a, b, c in fc:
        tp = o3.FullyConnectedTensorProduct(a, b, c)
        cases.append(tp_case(o3, f"FullyConnectedTensorProduct({a}, {b}, {c})", tp, "fully_connected"))
    uvu = [
        ("8x0e+4x1o", "1x0e+1x1o+1x2e+1x3o", "8x0e+8x1o+8x2e+8x3o"),
        ("2x0e+3x1o+1x2e", "1x1o+2x2o", "4x0e+3x1e+2x2e+1x3o"),
        ("4x0e+3x1o+2x2e+2x3o", "1x0e+1x1o+1x2e+1x3o", "1x0e+1x1o+1x2e+1x3o+1x0o+1x1e+1x2o+1x3e"),
    ]
    for a, b, target in uvu:
        irreps_mid, instr = mace_conv_tp(o3, a, b, target)
        tp = o3.TensorProduct(a, b, irreps_mid, instr, shared_weights=True, internal_weights=False)
        c = tp_case(o3, f"MACE conv_tp {a} x {b} -> target {target}", tp, "channelwise")
        c["target"] = target
        cases.append(c)
    for irrep_norm, path_norm in [("component", "element"), ("norm", "path"), ("none", "none")]:
        tp = o3.TensorProduct(MODES_IN1, MODES_IN2, MODES_OUT, MODES_INSTR,
                              irrep_normalization=irrep_norm, path_normalization=path_norm,
                              shared_weights=True, internal_weights=False)
        c = tp_case(o3, f"every mode, {irrep_norm}/{path_norm}", tp, "general")
        c["irrep_normalization"] = irrep_norm
        c["path_normalization"] = path_norm
        c["input_path_weights"] = [ins[5] for ins in MODES_INSTR]
        cases.append(c)
    full = o3.FullTensorProduct("2x0e+1x1o", "1x1o+1x2e")
    cases.append(tp_case(o3, "FullTensorProduct(2x0e+1x1o, 1x1o+1x2e)", full, "full"))
    tps = {"meta": meta, "cases": cases}

    cli = []
    for a, b, filt in CLI_PAIRS:
        full = o3.FullTensorProduct(a, b)
        fctp = o3.FullyConnectedTensorProduct(a, b, filt)

        def paths(tp):
            return [
                {"in1": str(tp.irreps_in1[i.i_in1]), "in2": str(tp.irreps_in2[i.i_in2]), "out": str(tp.irreps_out[i.i_out])}
                for i in tp.instructions
            ]

        cli.append({
            "in1": a,
            "in2": b,
            "full": {"irreps_out": str(full.irreps_out.simplify()), "paths": paths(full), "num_weights": 0},
            "filter": filt,
            "filtered": {"irreps_out": str(full.irreps_out.simplify()), "paths": paths(fctp), "num_weights": fctp.weight_numel},
        })
    clij = {"meta": meta, "cases": cli}

    os.makedirs(args.out, exist_ok=True)
    for fname, obj in [("nn_linear.json", linear), ("nn_tensor_product.json", tps), ("nn_tensor_product_cli.json", clij)]:
        path = os.path.join(args.out, fname)
        with open(path, "w") as f:
            json.dump(obj, f, indent=None, separators=(",", ":"))
            f.write("\n")
        size = os.path.getsize(path)
        assert size < 400_000, f"{fname} is {size} bytes (limit 400 KB)"
        print(f"wrote {path} ({size} bytes, {len(obj['cases'])} cases)")


if __name__ == "__main__":
    main()
