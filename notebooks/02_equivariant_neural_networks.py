# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Equivariant layers, built by hand and checked against e3nn
#
# The companion of chapter 02. We write four layers ourselves, each from e3nn's building blocks
# (`wigner_3j`, `spherical_harmonics`, activations), compare each with e3nn's own module, and test
# each for rotation equivariance and parity with `o3.rand_matrix`:
# `o3.Linear` (and its weight count), a `'uvu'` tensor product, a `Gate`, and a NequIP-style
# message-passing layer on ethanol.

# %%
import warnings

warnings.filterwarnings("ignore")
import numpy as np
import torch
from ase.io import read
from e3nn import nn, o3
from e3nn.math import normalize2mom

from multiace_cli import ROOT, multiace, side_by_side

torch.set_default_dtype(torch.float64)
torch.manual_seed(0)


def equivariance_error(f, irreps_in, irreps_out, x, improper=False):
    """max |f(D_in x) − D_out f(x)| for a random rotation (times the inversion if improper)."""
    R = o3.rand_matrix() * (-1 if improper else 1)
    D_in, D_out = o3.Irreps(irreps_in).D_from_matrix(R), o3.Irreps(irreps_out).D_from_matrix(R)
    return (f(x @ D_in.T) - f(x) @ D_out.T).abs().max().item()


# %% [markdown]
# ## 1. `o3.Linear`: one weight matrix per pair of equal irreps
# For every output irrep, a (mul_in × mul_out) matrix mixes the copies of the same irrep, divided
# by √(fan-in). No path ever joins different irreps: that is what makes it equivariant.

# %%
irreps_in, irreps_out = o3.Irreps("4x0e+2x1o+1x2e"), o3.Irreps("3x0e+5x1o")
lin = o3.Linear(irreps_in, irreps_out)


def my_linear(x, weight, irreps_in, irreps_out):
    """o3.Linear from its flat weight vector, in e3nn's instruction order (input irreps × output irreps)."""
    ins = [(i, j) for i, (_, a) in enumerate(irreps_in) for j, (_, b) in enumerate(irreps_out) if a == b]
    out = torch.zeros(x.shape[0], irreps_out.dim)
    slices_in, slices_out, start = irreps_in.slices(), irreps_out.slices(), 0
    for i, j in ins:
        (m_in, ir), (m_out, _) = irreps_in[i], irreps_out[j]
        W = weight[start:start + m_in * m_out].reshape(m_in, m_out)
        start += m_in * m_out
        fan_in = sum(irreps_in[k].mul for k, l in ins if l == j)
        xi = x[:, slices_in[i]].reshape(-1, m_in, ir.dim)
        out[:, slices_out[j]] += torch.einsum("zui,uw->zwi", xi, W).reshape(-1, m_out * ir.dim) / fan_in**0.5
    return out, start


x = irreps_in.randn(10, -1)
mine, count = my_linear(x, lin.weight, irreps_in, irreps_out)
print("weights: ours", count, "| e3nn", lin.weight_numel, "| 4·3 + 2·5 =", 4 * 3 + 2 * 5)
print("max |ours − e3nn|:", (mine - lin(x)).abs().max().item())
assert count == lin.weight_numel and torch.allclose(mine, lin(x), atol=1e-12)
f = lambda v: my_linear(v, lin.weight, irreps_in, irreps_out)[0]
print("equivariance error, rotation:", equivariance_error(f, irreps_in, irreps_out, x),
      "| with inversion:", equivariance_error(f, irreps_in, irreps_out, x, improper=True))

# %% [markdown]
# ## 2. A `'uvu'` tensor product from `wigner_3j`
# MACE's convolution: each channel u of the first input is coupled with the (single) second input
# through the 3j tensor, with one weight per channel and path:
# out_{u,k} = c · w_u · Σ_ij C_ijk x_{u,i} y_j, with c = √((2l_out + 1) / fan-in) (component
# normalisation, 'element' path normalisation).

# %%
irreps1, irreps2, irreps_o = o3.Irreps("8x1o"), o3.Irreps("1x1o"), o3.Irreps("8x0e+8x1e+8x2e")
instructions = [(0, 0, k, "uvu", True) for k in range(3)]
tp = o3.TensorProduct(irreps1, irreps2, irreps_o, instructions)


def my_uvu(x, y, weight):
    outs, start = [], 0
    for k, (mul, ir) in enumerate(irreps_o):
        C = o3.wigner_3j(1, 1, ir.l)
        fan_in = irreps2[0].mul  # 'uvu': one element per second-input channel
        w = weight[start:start + mul]
        start += mul
        xu = x.reshape(-1, mul, 3)
        outs.append(((2 * ir.l + 1) / fan_in) ** 0.5 * torch.einsum("u,ijk,zui,zj->zuk", w, C, xu, y).reshape(-1, mul * ir.dim))
    return torch.cat(outs, dim=1)


x1, x2 = irreps1.randn(5, -1), irreps2.randn(5, -1)
print("paths' weights in e3nn:", [ins.path_weight for ins in tp.instructions])
print("max |ours − e3nn|:", (my_uvu(x1, x2, tp.weight) - tp(x1, x2)).abs().max().item())
assert torch.allclose(my_uvu(x1, x2, tp.weight), tp(x1, x2), atol=1e-12), "our 'uvu' product differs from e3nn's"

# %% [markdown]
# Parity: 1o ⊗ 1o gives even outputs. Under inversion both inputs flip, their product does not;
# so the outputs must be declared `e`, and the equivariance test with inversion confirms it.

# %%
R = -o3.rand_matrix()
lhs = my_uvu(x1 @ irreps1.D_from_matrix(R).T, x2 @ irreps2.D_from_matrix(R).T, tp.weight)
rhs = my_uvu(x1, x2, tp.weight) @ irreps_o.D_from_matrix(R).T
print("O(3) equivariance error of the 'uvu' product:", (lhs - rhs).abs().max().item())
assert (lhs - rhs).abs().max() < 1e-12

# %% [markdown]
# The core counts paths and weights of e3nn's fully connected product the same way (the
# README's `multiace tensor-product` example):

# %%
core_tp = multiace("tensor-product", "2x0e+1x1o", "1x1o+1x2e", "--filter", "3x1o+2x2e")
fctp = o3.FullyConnectedTensorProduct("2x0e+1x1o", "1x1o+1x2e", "3x1o+2x2e")
side_by_side([("weights", core_tp["num_weights"], fctp.weight_numel),
              ("paths", len(core_tp["paths"]), len(fctp.instructions))])
assert core_tp["num_weights"] == fctp.weight_numel

# %% [markdown]
# ## 3. A gate
# Nonlinearities act on scalars only: the scalars pass through an activation, and each non-scalar
# block is multiplied by an activated extra scalar (its gate). Activations are normalised to unit
# second moment (`normalize2mom`), as in e3nn.

# %%
gate = nn.Gate("4x0e", [torch.tanh], "2x0e", [torch.sigmoid], "2x1o")
act, act_gate = normalize2mom(torch.tanh), normalize2mom(torch.sigmoid)


def my_gate(x):
    scalars, gates, gated = x[:, :4], x[:, 4:6], x[:, 6:].reshape(-1, 2, 3)
    return torch.cat([act(scalars), (act_gate(gates)[:, :, None] * gated).reshape(-1, 6)], dim=1)


xg = gate.irreps_in.randn(7, -1)
print("irreps in", gate.irreps_in, "→ out", gate.irreps_out)
print("max |ours − e3nn|:", (my_gate(xg) - gate(xg)).abs().max().item())
assert torch.allclose(my_gate(xg), gate(xg), atol=1e-12)
print("gate equivariance (O(3)):", equivariance_error(my_gate, gate.irreps_in, gate.irreps_out, xg, improper=True))
relu = lambda v: torch.relu(v)
print("component-wise ReLU, for comparison:", equivariance_error(relu, gate.irreps_in, gate.irreps_in, xg))

# %% [markdown]
# ## 4. A NequIP-style message-passing layer on ethanol
# Edges within 4 Å; each edge carries Y(r̂_ij) and radial features; a small MLP of the distance
# gives the per-edge weights of a 'uvu' product of the neighbour's features with Y; messages are
# summed, mixed by a linear layer and gated. The book's `equivariant-layer` widget runs the same
# kind of layer.

# %%
ethanol = read(ROOT / "assets/molecules/ethanol.xyz")
pos0 = torch.tensor(ethanol.positions)
species = sorted(set(ethanol.get_chemical_symbols()))
one_hot = torch.nn.functional.one_hot(torch.tensor([species.index(s) for s in ethanol.get_chemical_symbols()])).double()

irreps_node, irreps_sh = o3.Irreps(f"{len(species)}x0e"), o3.Irreps.spherical_harmonics(2)
irreps_msg = o3.Irreps("3x0e+3x1o+3x2e")
conv = o3.TensorProduct(irreps_node, irreps_sh, irreps_msg, [(0, k, k, "uvu", True) for k in range(3)],
                        shared_weights=False, internal_weights=False)
radial_mlp = nn.FullyConnectedNet([8, 16, conv.weight_numel], torch.nn.functional.silu)
layer_gate = nn.Gate("4x0e", [torch.tanh], "2x0e", [torch.sigmoid], "2x1o")
mix = o3.Linear(irreps_msg, layer_gate.irreps_in)


def message_passing(pos, r_cut=4.0):
    i, j = torch.triu_indices(len(pos), len(pos), 1)
    i, j = torch.cat([i, j]), torch.cat([j, i])
    vec = pos[i] - pos[j]
    keep = vec.norm(dim=1) < r_cut
    i, j, vec = i[keep], j[keep], vec[keep]
    r = vec.norm(dim=1)
    n = torch.arange(1, 9)
    radial = (2 / r_cut) ** 0.5 * torch.sin(n * torch.pi * r[:, None] / r_cut) / r[:, None]
    Y = o3.spherical_harmonics(irreps_sh, vec, normalize=True, normalization="component")
    messages = conv(one_hot[j], Y, radial_mlp(radial))
    summed = torch.zeros(len(pos), irreps_msg.dim).index_add_(0, i, messages)
    return layer_gate(mix(summed))


out = message_passing(pos0)
for improper in (False, True):
    R = o3.rand_matrix() * (-1 if improper else 1)
    err = (message_passing(pos0 @ R.T) - out @ layer_gate.irreps_out.D_from_matrix(R).T).abs().max().item()
    print(("O(3) with inversion" if improper else "SO(3) rotation") + f": equivariance error {err:.1e}")
    assert err < 1e-12
perm = torch.randperm(len(pos0))
one_hot_saved, one_hot = one_hot, one_hot[perm]
err_perm = (message_passing(pos0[perm]) - out[perm]).abs().max().item()
one_hot = one_hot_saved
print(f"permutation of the atoms: error {err_perm:.1e}")

# %% [markdown]
# ## Your turn
# **Exercise 02.1.** Store in `n_linear` the number of weights of
# `o3.Linear("4x0e+2x1o+3x2e", "3x0e+5x1o+1x1e")`, counted by hand.

# %%
n_linear = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
n_linear = 4 * 3 + 2 * 5  # 0e→0e and 1o→1o; 2e and 1e have no partner

# %%
assert n_linear == o3.Linear("4x0e+2x1o+3x2e", "3x0e+5x1o+1x1e").weight_numel, \
    f"{n_linear}: one mul_in × mul_out matrix per pair of equal irreps, nothing else"

# %% [markdown]
# **Exercise 02.2.** The chapter's exercise, checked by the core: store in `n_fctp` the weights of
# `FullyConnectedTensorProduct("2x0e+1x1o", "1x1o", "3x1o")`, counted by hand (one mul1 · mul2 ·
# mul_out block per allowed path).

# %%
n_fctp = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
n_fctp = 2 * 1 * 3  # only 0e ⊗ 1o → 1o; 1o ⊗ 1o gives even irreps

# %%
assert n_fctp == multiace("tensor-product", "2x0e+1x1o", "1x1o", "--filter", "3x1o")["num_weights"], \
    "count the paths in1 ⊗ in2 → out with matching parity, each with mul1 · mul2 · mul_out weights"

# %% [markdown]
# **Exercise 02.3.** Break equivariance on purpose: write `bad_gate(x)`, the gate above but with
# the gated vectors multiplied by the activated *first component of each vector* instead of by a
# scalar gate. Its equivariance error must be large.

# %%
def bad_gate(x):
    return None  # your answer


# %% tags=["solution"] jupyter={"source_hidden": true}
def bad_gate(x):
    scalars, gated = x[:, :4], x[:, 6:].reshape(-1, 2, 3)
    return torch.cat([act(scalars), x[:, 4:6], (act_gate(gated[:, :, :1]) * gated).reshape(-1, 6)], dim=1)


# %%
err_bad = equivariance_error(bad_gate, gate.irreps_in, gate.irreps_in, xg)
assert err_bad > 1e-3, f"error {err_bad:.1e}: a gate computed from a vector component should not be equivariant"

# %% [markdown]
# **Exercise 02.4.** Which irreps does `1o ⊗ 1o` contain? Store them as a string in `tp_out`, in
# e3nn's notation (for example `"1x0o+1x1o"`), and let e3nn's `FullTensorProduct` check you.

# %%
tp_out = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
tp_out = "1x0e+1x1e+1x2e"

# %%
assert tp_out is not None and o3.Irreps(tp_out) == o3.FullTensorProduct("1o", "1o").irreps_out.simplify(), \
    "the degrees run from |1 − 1| to 1 + 1, the parity is (−1)·(−1)"
