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
# # 00 · Fundamentals in Python: rotations, spherical harmonics and coupling
#
# The companion of chapter 00. Everything the chapter builds by hand, e3nn 0.4.4 (the version
# mace-torch 0.3.16 pins) has as a function: `o3.spherical_harmonics`, `o3.wigner_D`,
# `o3.wigner_3j`, `o3.Irreps`. We call them, check the chapter's identities numerically, and put
# the book's Rust core (the `multiace` CLI) next to them.
#
# Conventions to keep in mind (chapter 00): y is the polar axis, the l = 1 block is (x, y, z),
# `R = Ry(α) Rx(β) Ry(γ)`.

# %%
import warnings

warnings.filterwarnings("ignore")
import json

import numpy as np
import torch
from e3nn import o3
from sympy.physics.quantum.cg import CG

from multiace_cli import ROOT, multiace, side_by_side

torch.set_default_dtype(torch.float64)
torch.manual_seed(0)

# %% [markdown]
# ## Real spherical harmonics, e3nn against the core
# The same three vectors through `multiace sh` and `o3.spherical_harmonics`, l ≤ 3, component
# normalisation (each degree has mean square 1 over the sphere, per component).

# %%
vectors = [[0.0, 0.0, 1.0], [1.0, 1.0, 0.0], [0.3, -0.8, 0.5]]
core_sh = np.array(multiace("sh", "--lmax", 3, "--normalization", "component", stdin=json.dumps(vectors)))
py_sh = o3.spherical_harmonics(range(4), torch.tensor(vectors), normalize=True, normalization="component").numpy()
print("shape (vectors, (lmax+1)^2):", core_sh.shape, py_sh.shape)
side_by_side([(f"Y[{i}] of vector 2", core_sh[2, i], py_sh[2, i]) for i in range(0, 16, 3)])
print("largest difference over all entries:", np.abs(core_sh - py_sh).max())
assert np.allclose(core_sh, py_sh, atol=1e-12), "the core and e3nn disagree on the spherical harmonics"

# %% [markdown]
# The l = 1 block is the unit vector itself, times √3 in component normalisation, in the order
# (x, y, z): e3nn's real basis for l = 1 is the Cartesian one.

# %%
x = torch.tensor([0.3, -0.8, 0.5])
print(o3.spherical_harmonics(1, x, normalize=True, normalization="component"))
print(np.sqrt(3) * x / x.norm())

# %% [markdown]
# ## Equivariance: Y(R x) = D(R) Y(x)
# A random rotation from `o3.rand_matrix`, its Wigner D for each l, and the largest violation over
# many random vectors.

# %%
R = o3.rand_matrix()
xs = torch.randn(1000, 3)
for l in range(6):
    D = o3.wigner_D(l, *o3.matrix_to_angles(R))
    lhs = o3.spherical_harmonics(l, xs @ R.T, normalize=True)
    rhs = o3.spherical_harmonics(l, xs, normalize=True) @ D.T
    print(f"l = {l}: max |Y(Rx) - D(R) Y(x)| = {(lhs - rhs).abs().max():.2e}")
    assert (lhs - rhs).abs().max() < 1e-10, f"equivariance fails at l = {l}"

# %% [markdown]
# The core's Wigner D for the chapter's angles (α, β, γ) = (0.1, 0.2, 0.3), against e3nn:

# %%
angles = (0.1, 0.2, 0.3)
core_D = np.array(multiace("wigner-d", 2, "--angles", *angles))
py_D = o3.wigner_D(2, *map(torch.tensor, angles)).numpy()
side_by_side([(f"D^2[{i},{j}]", core_D[i, j], py_D[i, j]) for i, j in [(0, 0), (1, 3), (2, 2), (4, 1)]])
assert np.allclose(core_D, py_D, atol=1e-12), "the core and e3nn disagree on D^2"

# %% [markdown]
# ## Irreps
# `o3.Irreps` is the bookkeeping of chapter 00: multiplicities, degrees and parities, and the
# dimension of the flat feature vector.

# %%
irreps = o3.Irreps("8x0e+4x1o+2x2e")
print(irreps, "dimension", irreps.dim, "| lmax", irreps.lmax, "| (mul, (l, p)):", [(m, (ir.l, ir.p)) for m, ir in irreps])
D_block = irreps.D_from_matrix(-R)  # an improper rotation: odd irreps pick up the parity sign
print("D of an inversion·rotation is block-diagonal with shape", tuple(D_block.shape))

# %% [markdown]
# ## Wigner 3j, and the 0.4.4 vs 0.6.0 sign difference
# `o3.wigner_3j(l1, l2, l3)` is the real coupling tensor. The core reproduces 0.4.4's signs; the
# committed fixtures hold the tensors of both versions (written by `tools/make_so3_fixtures.py`),
# so we can count where they differ without installing 0.6.0.

# %%
core_3j = np.array(multiace("wigner-3j", 1, 1, 2))
py_3j = o3.wigner_3j(1, 1, 2).numpy()
print("max |core - e3nn 0.4.4| for (1, 1, 2):", np.abs(core_3j - py_3j).max())
assert np.allclose(core_3j, py_3j, atol=1e-12)

fixtures = ROOT / "crates/core/tests/fixtures"
old = {(e["l1"], e["l2"], e["l3"]): np.array(e["data"]) for e in json.load(open(fixtures / "wigner_3j_e3nn_0.4.4.json"))["entries"]}
new = {(e["l1"], e["l2"], e["l3"]): np.array(e["data"]) for e in json.load(open(fixtures / "wigner_3j_e3nn_0.6.0.json"))["entries"]}
flipped = sorted(k for k in old if np.allclose(old[k], -new[k], atol=1e-10) and not np.allclose(old[k], 0))
same = [k for k in old if np.allclose(old[k], new[k], atol=1e-10)]
lmax5 = [k for k in flipped if max(k) <= 5]
print(f"{len(old)} triples in the fixtures: {len(same)} equal, {len(flipped)} opposite in sign")
print("opposite with all l <= 5:", len(lmax5), lmax5[:6], "...")
assert len(same) + len(flipped) == len(old), "every tensor is either equal or opposite"
# this live e3nn agrees with the 0.4.4 fixture, sign included
for k in lmax5[:3]:
    assert np.allclose(o3.wigner_3j(*k).numpy().ravel(), old[k], atol=1e-10)

# %% [markdown]
# ## Sympy's complex Clebsch–Gordan coefficients, turned into e3nn's real 3j
# The complex CG ⟨l1 m1 l2 m2 | l3 m3⟩ couples complex harmonics. A unitary change of basis Q_l
# (real → complex, with the phase (−i)^l) on each index turns it into a real invariant tensor;
# normalised, it is e3nn's 3j up to the sign of chapter 00's "sign freedom".

# %%
def real_to_complex(l):
    """Q with Y_complex = Q Y_real, in e3nn's component order m = -l..l."""
    q = np.zeros((2 * l + 1, 2 * l + 1), dtype=complex)
    for m in range(-l, 0):
        q[l + m, l + abs(m)] = 1 / np.sqrt(2)
        q[l + m, l - abs(m)] = -1j / np.sqrt(2)
    q[l, l] = 1
    for m in range(1, l + 1):
        q[l + m, l + abs(m)] = (-1) ** m / np.sqrt(2)
        q[l + m, l - abs(m)] = 1j * (-1) ** m / np.sqrt(2)
    return (-1j) ** l * q


def complex_cg(l1, l2, l3):
    """Sympy's CG as an array C[m1, m2, m3]."""
    c = np.zeros((2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1))
    for m1 in range(-l1, l1 + 1):
        for m2 in range(-l2, l2 + 1):
            m3 = m1 + m2
            if abs(m3) <= l3:
                c[l1 + m1, l2 + m2, l3 + m3] = float(CG(l1, m1, l2, m2, l3, m3).doit())
    return c


def real_3j_from_sympy(l1, l2, l3):
    q1, q2, q3 = real_to_complex(l1), real_to_complex(l2), real_to_complex(l3)
    c = np.einsum("ij,kl,mn,ikn->jlm", q1, q2, np.conj(q3.T), complex_cg(l1, l2, l3))
    c = c.real if np.abs(c.real).max() > np.abs(c.imag).max() else c.imag
    return c / np.linalg.norm(c)


for triple in [(1, 1, 0), (1, 1, 1), (1, 1, 2), (1, 2, 3), (2, 2, 2)]:
    ours, e3 = real_3j_from_sympy(*triple), o3.wigner_3j(*triple).numpy()
    overlap = float(np.sum(ours * e3))
    print(f"{triple}: <sympy-derived, e3nn> = {overlap:+.12f}")
    assert abs(abs(overlap) - 1) < 1e-10, f"{triple}: not the same tensor up to sign"

# %% [markdown]
# ## Your turn
# Three exercises. Write your code in the empty cell under each question; the `assert` cell after
# it checks it. The solutions are folded below each check (click to unfold): try first.
#
# **Exercise 00.1.** Store in `dim` the dimension of the irreps `3x0e+2x1o+1x2e+1x3o`, computed by
# hand from 2l + 1 (do not call `.dim`).

# %%
dim = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
dim = 3 * 1 + 2 * 3 + 1 * 5 + 1 * 7

# %%
assert dim == o3.Irreps("3x0e+2x1o+1x2e+1x3o").dim, f"dim = {dim}: count 2l + 1 per copy, times the multiplicity"

# %% [markdown]
# **Exercise 00.2.** D is a representation: D(R1 R2) = D(R1) D(R2). Build `D12` = D²(R1 R2) and
# `D1D2` = D²(R1) D²(R2) from two random rotations (use `o3.matrix_to_angles` and `o3.wigner_D`).

# %%
R1, R2 = o3.rand_matrix(), o3.rand_matrix()
D12 = D1D2 = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
D12 = o3.wigner_D(2, *o3.matrix_to_angles(R1 @ R2))
D1D2 = o3.wigner_D(2, *o3.matrix_to_angles(R1)) @ o3.wigner_D(2, *o3.matrix_to_angles(R2))

# %%
assert D12 is not None and torch.allclose(D12, D1D2, atol=1e-10), "D(R1 R2) should equal D(R1) D(R2)"

# %% [markdown]
# **Exercise 00.3.** Parity: Y_l(−x) = (−1)^l Y_l(x). Store in `parity_signs` the list of
# Y_l(−x) / Y_l(x) (one number per l = 0..4, from any component that is not zero) for x = (0.3, −0.8, 0.5).

# %%
parity_signs = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
x = torch.tensor([0.3, -0.8, 0.5])
parity_signs = [float(o3.spherical_harmonics(l, -x, True)[l] / o3.spherical_harmonics(l, x, True)[l]) for l in range(5)]

# %%
assert parity_signs is not None and np.allclose(parity_signs, [(-1) ** l for l in range(5)]), \
    f"got {parity_signs}: harmonics of degree l have parity (-1)^l"

# %% [markdown]
# **Exercise 00.4.** The 3j tensor is invariant: contracting it with D(R) on all three indices gives
# it back. Compute `rotated` = Σ D¹ᵢᵢ' D¹ⱼⱼ' D²ₖₖ' C_{i'j'k'} for C = `o3.wigner_3j(1, 1, 2)` and any rotation.

# %%
rotated = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
a, b, c = o3.matrix_to_angles(o3.rand_matrix())
C = o3.wigner_3j(1, 1, 2)
rotated = torch.einsum("ia,jb,kc,abc->ijk", o3.wigner_D(1, a, b, c), o3.wigner_D(1, a, b, c), o3.wigner_D(2, a, b, c), C)

# %%
assert rotated is not None and torch.allclose(rotated, o3.wigner_3j(1, 1, 2), atol=1e-10), "the 3j tensor should be unchanged by D ⊗ D ⊗ D"
