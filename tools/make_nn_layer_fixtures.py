#!/usr/bin/env python3
"""Reference fixtures for `multiace-core`'s `nn` activations, gates, fully connected nets and the
NequIP-style interaction layer (issue 4), computed with e3nn 0.4.4 (and mace-torch 0.3.16's radial
basis and instruction builder).  Written to `crates/core/tests/fixtures/`:

    nn_layer_activations.json   e3nn.math.normalize2mom(f).cst for silu, tanh, sigmoid, relu, abs and
                                the identity; the normalised functions and their derivatives (autograd)
                                on a grid; e3nn nn.Activation output irreps (or a parity error) for a few
                                scalar irreps.
    nn_layer_gate.json          e3nn nn.Gate for three irreps combinations (odd scalars, odd gates
                                through an even function, interleaved sorting, gated scalars, l = 3):
                                irreps_in/out, random inputs, outputs and input gradients (autograd).
    nn_layer_fc.json            e3nn nn.FullyConnectedNet for four size lists and activations: per-layer
                                weights, inputs, outputs and input gradients.
    nn_layer_interaction.json   one NequIP-style interaction layer built from e3nn pieces on ethanol
                                (r_cut 3 A): o3.Linear up, o3.SphericalHarmonics (component,
                                normalize=True), mace BesselBasis x PolynomialCutoff, nn.FullyConnectedNet
                                -> per-edge weights of an o3.TensorProduct ('uvu', shared_weights=False,
                                instructions from mace's tp_out_irreps_with_instructions), scatter-sum,
                                / avg_num_neighbors, o3.Linear, + o3.Linear self-connection, nn.Gate
                                (NequIP's construction: silu / tanh for even / odd scalars and gates).
                                Two cases: h0 = one-hot species through o3.Linear; and random mixed-parity
                                input features.  All weights, h', and d(sum_i c . h'_i)/d positions.

Edge convention: receiver i, sender j, edge vector r_j - r_i (the Rust neighbour list's; mace-torch
uses r_i - r_j, which flips every odd-parity feature).

Run from the repository root (environment in tools/README.md):

    OMP_NUM_THREADS=1 PYTHONPATH=/opt/macepkgs:/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 \\
        /opt/mavenv/bin/python tools/make_nn_layer_fixtures.py

Everything is float64 with fixed torch seeds; numbers are written with json.dump of Python floats
(round-trips an f64 exactly).
"""

import argparse
import json
import os
import sys
from importlib.metadata import version

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ETHANOL = os.path.join(ROOT, "assets", "molecules", "ethanol.xyz")
SEED = 20250402


def versions():
    import e3nn
    import torch

    return (
        f"e3nn {e3nn.__version__}, mace-torch {version('mace-torch')}, torch {torch.__version__}, "
        f"python {sys.version.split()[0]}"
    )


def generator():
    return f"tools/make_nn_layer_fixtures.py ({versions()})"


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    size = os.path.getsize(path)
    assert size < 400_000, f"{path} is {size} bytes"
    print(f"wrote {os.path.relpath(path, ROOT)} ({size} bytes)")


def fl(t):
    """Tensor -> nested lists of Python floats."""
    return t.detach().to("cpu").double().tolist()


def act_fn(name):
    import torch
    import torch.nn.functional as F

    return {
        "silu": F.silu,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "relu": F.relu,
        "abs": torch.abs,
        "identity": lambda x: x,
        None: None,
    }[name]


ACTS = ["silu", "tanh", "sigmoid", "relu", "abs", "identity"]


# ---------------------------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------------------------


def activations(out):
    import torch
    from e3nn import nn
    from e3nn.math import normalize2mom

    xs = torch.cat([torch.linspace(-6.0, 6.0, 49), torch.tensor([-30.0, -1e-3, 1e-3, 30.0])])
    functions = []
    for name in ACTS:
        f = normalize2mom(act_fn(name))
        x = xs.clone().requires_grad_(True)
        y = f(x)
        (dy,) = torch.autograd.grad(y.sum(), x)
        functions.append(
            {"name": name, "constant": f.cst, "is_id": bool(f._is_id), "values": fl(y), "derivatives": fl(dy)}
        )
    parity_cases = []
    for irreps, acts in [
        ("2x0o+1x0e", ["tanh", "abs"]),
        ("3x0o", ["abs"]),
        ("1x0o+2x0e", ["identity", "relu"]),
        ("2x0e+1x0o+1x1o", ["sigmoid", None, None]),
        ("1x0o", ["silu"]),
        ("1x0o", ["sigmoid"]),
        ("2x0o", ["relu"]),
    ]:
        case = {"irreps_in": irreps, "acts": acts}
        try:
            a = nn.Activation(irreps, [act_fn(n) for n in acts])
            case["irreps_out"] = str(a.irreps_out)
        except ValueError as e:
            case["error"] = str(e)
        parity_cases.append(case)
    dump(
        os.path.join(out, "nn_layer_activations.json"),
        {
            "generator": generator(),
            "e3nn_version": "0.4.4",
            "x": fl(xs),
            "functions": functions,
            "parity_cases": parity_cases,
        },
    )


# ---------------------------------------------------------------------------------------------
# gate
# ---------------------------------------------------------------------------------------------


def gates(out):
    import torch
    from e3nn import nn

    torch.manual_seed(SEED)
    cases = []
    for scalars, act_s, gates_, act_g, gated in [
        ("4x0e+2x0o", ["silu", "tanh"], "3x0e+2x0o", ["sigmoid", "abs"], "2x1o+1x2e+2x3o"),
        ("2x0e+3x0o", [None, "abs"], "2x0e+1x0o", ["sigmoid", "tanh"], "1x0e+2x3o"),
        ("8x0e", ["relu"], "4x0e+2x0o", ["silu", "identity"], "2x1e+1x3o+1x2o+2x1o"),
    ]:
        g = nn.Gate(scalars, [act_fn(a) for a in act_s], gates_, [act_fn(a) for a in act_g], gated)
        x = torch.randn(3, g.irreps_in.dim, requires_grad=True)
        y = g(x)
        go = torch.randn_like(y)
        (gx,) = torch.autograd.grad((y * go).sum(), x)
        cases.append(
            {
                "irreps_scalars": scalars,
                "act_scalars": act_s,
                "irreps_gates": gates_,
                "act_gates": act_g,
                "irreps_gated": gated,
                "irreps_in": str(g.irreps_in),
                "irreps_out": str(g.irreps_out),
                "x": fl(x),
                "out": fl(y),
                "grad_out": fl(go),
                "grad_x": fl(gx),
            }
        )
    dump(
        os.path.join(out, "nn_layer_gate.json"),
        {"generator": generator(), "e3nn_version": "0.4.4", "cases": cases},
    )


# ---------------------------------------------------------------------------------------------
# fully connected net
# ---------------------------------------------------------------------------------------------


def fully_connected(out):
    import torch
    from e3nn import nn

    torch.manual_seed(SEED + 1)
    cases = []
    for hs, act in [([5, 7, 6, 3], "silu"), ([4, 8, 2], "tanh"), ([8, 16, 12], "silu"), ([3, 4, 5, 2], None)]:
        net = nn.FullyConnectedNet(hs, act_fn(act))
        weights = [getattr(net, f"layer{k}").weight for k in range(len(hs) - 1)]
        x = torch.randn(4, hs[0], requires_grad=True)
        y = net(x)
        go = torch.randn_like(y)
        (gx,) = torch.autograd.grad((y * go).sum(), x)
        cases.append(
            {
                "hs": hs,
                "act": act,
                "weights": [fl(w.reshape(-1)) for w in weights],
                "x": fl(x),
                "out": fl(y),
                "grad_out": fl(go),
                "grad_x": fl(gx),
            }
        )
    dump(
        os.path.join(out, "nn_layer_fc.json"),
        {"generator": generator(), "e3nn_version": "0.4.4", "cases": cases},
    )


# ---------------------------------------------------------------------------------------------
# interaction layer
# ---------------------------------------------------------------------------------------------


def read_xyz(path):
    with open(path) as f:
        lines = f.read().splitlines()
    n = int(lines[0])
    species, pos = [], []
    for line in lines[2 : 2 + n]:
        parts = line.split()
        species.append(parts[0])
        pos.append([float(v) for v in parts[1:4]])
    return species, pos


def tp_path_exists(irreps_in1, irreps_in2, ir_out):
    from e3nn import o3

    ir_out = o3.Irrep(ir_out)
    for _, ir1 in o3.Irreps(irreps_in1).simplify():
        for _, ir2 in o3.Irreps(irreps_in2).simplify():
            if ir_out in ir1 * ir2:
                return True
    return False


class Interaction:
    """The layer, from e3nn modules (NequIP's gate construction, mace's TP instruction builder)."""

    def __init__(self, irreps_in, irreps_hidden, l_max, r_cut, n_radial, radial_hidden, p, avg):
        import torch
        from e3nn import nn, o3
        from mace.modules.irreps_tools import tp_out_irreps_with_instructions
        from mace.modules.radial import BesselBasis, PolynomialCutoff

        irreps_in = o3.Irreps(irreps_in)
        irreps_hidden = o3.Irreps(irreps_hidden)
        self.sh_irreps = o3.Irreps.spherical_harmonics(l_max)
        acts = {1: act_fn("silu"), -1: act_fn("tanh")}
        scalars = o3.Irreps(
            [(m, ir) for m, ir in irreps_hidden if ir.l == 0 and tp_path_exists(irreps_in, self.sh_irreps, ir)]
        )
        gated = o3.Irreps(
            [(m, ir) for m, ir in irreps_hidden if ir.l > 0 and tp_path_exists(irreps_in, self.sh_irreps, ir)]
        )
        gate_ir = "0e" if tp_path_exists(irreps_in, self.sh_irreps, "0e") else "0o"
        gates_ = o3.Irreps([(m, gate_ir) for m, _ in gated])
        self.gate = nn.Gate(
            scalars, [acts[ir.p] for _, ir in scalars], gates_, [acts[ir.p] for _, ir in gates_], gated
        )
        gate_in = self.gate.irreps_in
        self.linear_up = o3.Linear(irreps_in, irreps_in)
        irreps_mid, instructions = tp_out_irreps_with_instructions(irreps_in, self.sh_irreps, gate_in)
        self.irreps_mid, self.instructions = irreps_mid, instructions
        self.tp = o3.TensorProduct(
            irreps_in, self.sh_irreps, irreps_mid, instructions, shared_weights=False, internal_weights=False
        )
        self.fc = nn.FullyConnectedNet([n_radial, radial_hidden, self.tp.weight_numel], torch.nn.functional.silu)
        self.linear_out = o3.Linear(irreps_mid, gate_in)
        self.self_connection = o3.Linear(irreps_in, gate_in)
        self.sh = o3.SphericalHarmonics(self.sh_irreps, normalize=True, normalization="component")
        self.bessel = BesselBasis(r_max=r_cut, num_basis=n_radial)
        self.cutoff = PolynomialCutoff(r_max=r_cut, p=p)
        self.avg = avg

    def __call__(self, pos, senders, receivers, h):
        import torch

        vec = pos[senders] - pos[receivers]
        d = vec.norm(dim=-1, keepdim=True)
        y = self.sh(vec)
        radial = self.bessel(d) * self.cutoff(d)
        w = self.fc(radial)
        hu = self.linear_up(h)
        msg = self.tp(hu[senders], y, w)
        m = torch.zeros(h.shape[0], msg.shape[1]).index_add_(0, receivers, msg)
        a = self.linear_out(m) / self.avg + self.self_connection(h)
        return self.gate(a), a

    def weights(self):
        fc = [getattr(self.fc, f"layer{k}").weight.reshape(-1) for k in range(2)]
        import torch

        return {
            "linear_up": fl(self.linear_up.weight),
            "radial": fl(torch.cat(fc)),
            "linear_out": fl(self.linear_out.weight),
            "self_connection": fl(self.self_connection.weight),
        }


def interaction(out):
    import torch
    from e3nn import o3

    species, pos = read_xyz(ETHANOL)
    table = ["H", "C", "O"]
    z = [table.index(s) for s in species]
    r_cut = 3.0
    n = len(species)
    pos_t = torch.tensor(pos)
    receivers, senders = [], []
    for i in range(n):
        for j in range(n):
            if i != j and float((pos_t[j] - pos_t[i]).norm()) < r_cut:
                receivers.append(i)
                senders.append(j)
    receivers_t, senders_t = torch.tensor(receivers), torch.tensor(senders)
    degree = torch.bincount(receivers_t, minlength=n).double()
    avg = float(degree[degree > 0].mean())

    cases = []
    torch.manual_seed(SEED + 2)
    for name, irreps_in, irreps_hidden, l_max, p in [
        ("embedding", "4x0e", "4x0e+4x1o+2x2e+1x3o", 3, 5),
        ("mixed_parity", "3x0e+2x0o+2x1o+2x1e+1x2e", "4x0e+2x0o+2x1o+2x1e+2x2e+1x3o", 2, 6),
    ]:
        layer = Interaction(irreps_in, irreps_hidden, l_max, r_cut, 8, 16, p, avg)
        case = {
            "name": name,
            "irreps_in": irreps_in,
            "irreps_hidden": irreps_hidden,
            "l_max": l_max,
            "envelope_p": p,
            "irreps_gate_in": str(layer.gate.irreps_in),
            "irreps_out": str(layer.gate.irreps_out),
            "irreps_mid": str(layer.irreps_mid),
            "instructions": [[i1, i2, o] for i1, i2, o, _, _ in layer.instructions],
            "tp_weight_numel": layer.tp.weight_numel,
            "weights": layer.weights(),
        }
        if name == "embedding":
            embedding = o3.Linear(f"{len(table)}x0e", irreps_in)
            onehot = torch.nn.functional.one_hot(torch.tensor(z), len(table)).double()
            h0 = embedding(onehot)
            case["embedding_weights"] = fl(embedding.weight)
        else:
            h0 = torch.randn(n, o3.Irreps(irreps_in).dim)
        h0 = h0.detach()
        p_t = pos_t.clone().requires_grad_(True)
        h_out, a = layer(p_t, senders_t, receivers_t, h0)
        c = torch.randn(h_out.shape[1])
        (grad,) = torch.autograd.grad((h_out * c).sum(), p_t)
        case.update(
            {"h_in": fl(h0), "gate_in": fl(a), "h_out": fl(h_out), "readout": fl(c), "grad_positions": fl(grad)}
        )
        cases.append(case)

    dump(
        os.path.join(out, "nn_layer_interaction.json"),
        {
            "generator": generator(),
            "e3nn_version": "0.4.4",
            "molecule": "assets/molecules/ethanol.xyz",
            "species_table": table,
            "species_index": z,
            "positions": pos,
            "r_cut": r_cut,
            "n_radial": 8,
            "radial_hidden": 16,
            "avg_num_neighbors": avg,
            "edges": [receivers, senders],
            "cases": cases,
        },
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "crates", "core", "tests", "fixtures"))
    args = parser.parse_args()
    import torch

    torch.set_default_dtype(torch.float64)
    print(versions())
    activations(args.out)
    gates(args.out)
    fully_connected(args.out)
    interaction(args.out)


if __name__ == "__main__":
    main()
