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
# # 01 · The atomic cluster expansion in numpy
#
# The companion of chapter 01. We write a small ACE ourselves: the radial basis R_n(r), the atomic
# basis A_{i,znlm} (the projected neighbour density), and the invariants B for ν = 1, 2, 3. Then we
# reproduce every number of `multiace descriptors` on ethanol, test invariance, and fit a linear
# ACE to the book's GFN2-xTB ethanol data next to `multiace fit-ace`.

# %%
import warnings

warnings.filterwarnings("ignore")
import re
import numpy as np
import torch
from ase.io import read
from e3nn import o3

from multiace_cli import ROOT, multiace, side_by_side

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20250301)

# %% [markdown]
# ## The radial basis
# The book's default: MACE's Bessel functions √(2/r_c) sin(nπr/r_c)/r times the polynomial
# envelope with p = 6, which takes value and slope to zero at r_c.

# %%
def bessel(r, n_max, r_cut):
    n = np.arange(1, n_max + 1)
    return np.sqrt(2 / r_cut) * np.sin(n[None, :] * np.pi * r[:, None] / r_cut) / r[:, None]


def envelope(r, r_cut, p=6):
    x = r / r_cut
    e = 1 - (p + 1) * (p + 2) / 2 * x**p + p * (p + 2) * x ** (p + 1) - p * (p + 1) / 2 * x ** (p + 2)
    return np.where(x < 1, e, 0.0)


def radial(r, n_max, r_cut):
    return bessel(r, n_max, r_cut) * envelope(r, r_cut)[:, None]


r = np.linspace(0.5, 4.0, 5)
print(np.round(radial(r, 3, 4.0), 6))

# %% [markdown]
# ## The atomic basis A and the invariants B
# A_{i,znlm} = Σ_{j ∈ z} R_n(r_ij) Y_lm(r̂_ij), with e3nn's harmonics in component normalisation.
# B is a product of ν blocks of A coupled to an invariant: ν = 1 is A_{zn00}; ν = 2 is the dot
# product of two blocks of equal l divided by √(2l + 1) (e3nn's (l, l, 0) 3j tensor); ν = 3 is the
# contraction with `o3.wigner_3j(l1, l2, l3)`.

# %%
def atomic_basis(positions, symbols, species, r_cut, n_max, l_max):
    """A[i, z, n, (l, m)] for a molecule (no periodic images)."""
    A = np.zeros((len(positions), len(species), n_max, (l_max + 1) ** 2))
    z_of = np.array([species.index(s) for s in symbols])
    for i in range(len(positions)):
        d = positions - positions[i]
        dist = np.linalg.norm(d, axis=1)
        near = (dist > 0) & (dist < r_cut)
        R = radial(dist[near], n_max, r_cut)
        Y = o3.spherical_harmonics(range(l_max + 1), torch.tensor(d[near]), normalize=True, normalization="component").numpy()
        for z in range(len(species)):
            mine = z_of[near] == z
            A[i, z] = R[mine].T @ Y[mine]
    return A


CHANNEL = re.compile(r"([A-Z][a-z]?)\(n(\d+),l(\d+)\)")


def invariant(A_i, label, species):
    """B of one atom for one basis function named like the core's labels, e.g. 'ν=3 C(n1,l1) H(n1,l1) H(n2,l2)'."""
    channels = [(species.index(z), int(n) - 1, int(l)) for z, n, l in CHANNEL.findall(label)]
    blocks = [A_i[z, n, l * l:(l + 1) ** 2] for z, n, l in channels]
    ls = [l for _, _, l in channels]
    if len(blocks) == 1:
        return blocks[0][0]
    if len(blocks) == 2:
        return blocks[0] @ blocks[1] / np.sqrt(2 * ls[0] + 1)
    return np.einsum("abc,a,b,c->", o3.wigner_3j(*ls).numpy(), *blocks)


# %% [markdown]
# ## `multiace descriptors` on ethanol, reproduced
# The README's command: r_c = 4 Å, l_max = 2, n_max = 3, ν ≤ 3. The core names each of its 1689
# basis functions; we compute each from its name.

# %%
core = multiace("descriptors", "assets/molecules/ethanol.xyz", "--rcut", 4, "--lmax", 2, "--nmax", 3, "--order", 3)
species = core["basis"]["species"]
print("species order", species, "| functions per order", core["basis"]["functions_per_order"])
ethanol = read(ROOT / "assets/molecules/ethanol.xyz")
A = atomic_basis(ethanol.positions, ethanol.get_chemical_symbols(), species, 4.0, 3, 2)
B_py = np.array([[invariant(A[i], lab, species) for lab in core["labels"]] for i in range(len(ethanol))])
B_core = np.array([a["B"] for a in core["atoms"]])
side_by_side([(f"atom {i} {core['labels'][k]}"[:33], B_core[i, k], B_py[i, k]) for i, k in [(0, 0), (1, 20), (2, 500), (8, 1688)]])
print("largest |difference| over all", B_core.size, "numbers:", np.abs(B_core - B_py).max())
assert np.allclose(B_core, B_py, atol=1e-10), "our numpy ACE and the core disagree"

# %% [markdown]
# ## The invariance test
# Rotate (or rotate and invert) the molecule, translate it and relabel its atoms: the B of each atom
# must stay put, while A changes with D(R).

# %%
def all_B(positions, symbols):
    A = atomic_basis(positions, symbols, species, 4.0, 3, 2)
    return np.array([[invariant(A[i], lab, species) for lab in core["labels"]] for i in range(len(positions))])


Q = o3.rand_matrix().numpy() * -1  # an improper rotation
perm = rng.permutation(len(ethanol))
moved = (ethanol.positions @ Q.T + rng.normal(size=3))[perm]
B_moved = all_B(moved, np.array(ethanol.get_chemical_symbols())[perm])
error = np.abs(B_moved - B_py[perm]).max() / np.abs(B_py).max()
print(f"relative change of B under an O(3) element + translation + permutation: {error:.1e}")
assert error < 1e-12

# %% [markdown]
# ## A linear ACE on the book's GFN2-xTB data
# E = Σ_i [E0(z_i) + Σ_k c_{z_i,k} B_{i,k}]: linear in the unknowns, so a least-squares problem. To
# keep the problem small (fewer unknowns than the 300 training energies) we fit on energies only
# with ν ≤ 2, r_c = 4.5 Å, n_max = 2, l_max = 1, and ask
# the core for the same fit (`--force-weight 0`). The core standardises its columns and adds a tiny
# ridge (1e-7 on standardised columns), so the two solutions are not identical: the test errors
# agree to a few per cent, the training errors less well (the ridge trades training error away).

# %%
train = read(ROOT / "assets/datasets/ethanol_train.xyz", ":")
test = read(ROOT / "assets/datasets/ethanol_test.xyz", ":")
fit_labels = multiace("descriptors", "assets/molecules/ethanol.xyz", "--rcut", 4.5, "--lmax", 1, "--nmax", 2, "--order", 2)["labels"]


def design_row(atoms):
    """Counts per species, then Σ_{i of species z} B_i for each z: one row of the linear system."""
    syms = atoms.get_chemical_symbols()
    A = atomic_basis(atoms.positions, syms, species, 4.5, 2, 1)
    B = np.array([[invariant(A[i], lab, species) for lab in fit_labels] for i in range(len(atoms))])
    z = np.array([species.index(s) for s in syms])
    counts = [np.sum(z == k) for k in range(len(species))]
    return np.concatenate([counts] + [B[z == k].sum(axis=0) for k in range(len(species))])


X_train = np.array([design_row(a) for a in train])
X_test = np.array([design_row(a) for a in test])
y_train = np.array([a.get_potential_energy() for a in train])
y_test = np.array([a.get_potential_energy() for a in test])
keep = np.abs(X_train).sum(axis=0) > 0  # O centres never see another O within 4.5 Å: empty columns
coef, *_ = np.linalg.lstsq(X_train[:, keep], y_train, rcond=None)
n_atoms = len(train[0])
rmse = lambda X, y: np.sqrt(np.mean(((X[:, keep] @ coef - y) / n_atoms) ** 2))
py_train, py_test = rmse(X_train, y_train), rmse(X_test, y_test)

fit = multiace("fit-ace", "assets/datasets/ethanol_train.xyz", "--test", "assets/datasets/ethanol_test.xyz",
               "--rcut", 4.5, "--nmax", 2, "--lmax", 1, "--order", 2, "--force-weight", 0)
side_by_side([("train energy RMSE (eV/atom)", fit["train"]["energy_rmse_per_atom"], py_train),
              ("test energy RMSE (eV/atom)", fit["test"]["energy_rmse_per_atom"], py_test)])
assert abs(fit["test"]["energy_rmse_per_atom"] - py_test) < 0.05 * py_test, "the two fits should agree to a few per cent"

# %% [markdown]
# The README's full fit (energies and forces, ν ≤ 3, degree cap 6) is the core's job; its errors:

# %%
full = multiace("fit-ace", "assets/datasets/ethanol_train.xyz", "--test", "assets/datasets/ethanol_test.xyz",
                "--rcut", 4.5, "--nmax", 3, "--lmax", 2, "--order", 3, "--degree", 6)
print({k: full["test"][k] for k in ("energy_rmse_per_atom", "force_rmse")}, "columns", full["columns"])

# %% [markdown]
# ## Your turn
# **Exercise 01.1.** The chapter's count: one element, n_max = 2, l_max = 1. Store in `n_power`
# the number of ν = 2 invariants (unordered pairs (n1, n2) per l). The check asks the core for the
# count on a structure with one element (three hydrogens).

# %%
n_power = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
n_power = 2 * 3  # for each l in {0, 1}: (n1, n2) = (1,1), (1,2), (2,2)

# %%
import os
import tempfile

with tempfile.NamedTemporaryFile("w", suffix=".xyz", delete=False) as f:
    f.write("3\n\nH 0 0 0\nH 0.9 0 0\nH 0 1.1 0.2\n")
counts = multiace("descriptors", f.name, "--nmax", 2, "--lmax", 1, "--order", 2)["basis"]["functions_per_order"]
os.unlink(f.name)
assert n_power == counts[1], f"you have {n_power}; the core counts {counts[1]} ν = 2 functions"

# %% [markdown]
# **Exercise 01.2.** Rotate ethanol with `R = o3.rand_matrix()` and store in `A_rot` the atomic
# basis of the rotated molecule. Its l = 1 blocks rotate with D¹(R) = R (for the (x, y, z) basis);
# the check compares A_rot's l = 1 block of atom 0 with R applied to the original.

# %%
R = o3.rand_matrix().numpy()
A_rot = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
A_rot = atomic_basis(ethanol.positions @ R.T, ethanol.get_chemical_symbols(), species, 4.0, 3, 2)

# %%
D1 = o3.wigner_D(1, *o3.matrix_to_angles(torch.tensor(R))).numpy()
assert A_rot is not None and np.allclose(A_rot[0, :, :, 1:4], A[0, :, :, 1:4] @ D1.T, atol=1e-10), \
    "A's l = 1 block should turn with D¹(R)"

# %% [markdown]
# **Exercise 01.3.** Check the envelope: store in `value_at_cut` and `slope_at_cut` the value of
# `envelope(r, 4.0)` and its numerical derivative (central differences, h = 1e-6) at r = 4 − 1e-5.

# %%
value_at_cut = slope_at_cut = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
r0, h = 4 - 1e-5, 1e-6
value_at_cut = float(envelope(np.array([r0]), 4.0)[0])
slope_at_cut = float((envelope(np.array([r0 + h]), 4.0) - envelope(np.array([r0 - h]), 4.0))[0] / (2 * h))

# %%
assert value_at_cut is not None and abs(value_at_cut) < 1e-9 and abs(slope_at_cut) < 1e-6, \
    "the envelope and its slope should vanish at the cutoff"

# %% [markdown]
# **Exercise 01.4.** ν = 1 is a pair potential: show that the ν ≤ 1 fit is worse. Store in
# `test_rmse_nu1` the core's test energy RMSE (eV/atom) of `fit-ace` with `--order 1` and otherwise
# the options of the energies-only fit above.

# %%
test_rmse_nu1 = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
test_rmse_nu1 = multiace("fit-ace", "assets/datasets/ethanol_train.xyz", "--test", "assets/datasets/ethanol_test.xyz",
                         "--rcut", 4.5, "--nmax", 2, "--lmax", 1, "--order", 1, "--force-weight", 0)["test"]["energy_rmse_per_atom"]

# %%
assert test_rmse_nu1 is not None and test_rmse_nu1 > fit["test"]["energy_rmse_per_atom"], \
    "pair terms alone should fit worse than ν ≤ 2"
