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
# # 04 · The Multi-ACE design space in mace-torch
#
# The companion of chapter 04. A point of the design space (correlation order ν, number of layers
# T, l_max of the one-particle basis, L_max of the hidden features) is, for the points mace-torch
# can build, one constructor call. We build the six points of the book's ν × T experiment, count
# their parameters against `assets/experiments/design_ethanol.json` (what mace-torch counted when
# they were trained), check the body-order recursion n_t = ν_t (1 + n_{t−1}) on a T = 1 model by
# cluster truncation, and look at the experiment's errors.

# %%
import warnings

warnings.filterwarnings("ignore")
import functools
import itertools
import json
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from ase.io import read
from e3nn import o3
from mace import modules
from mace.calculators import MACECalculator

from multiace_cli import ROOT

torch.set_default_dtype(torch.float64)
WORK = Path(tempfile.mkdtemp(prefix="multiace-04-"))
experiment = json.load(open(ROOT / "assets/experiments/design_ethanol.json"))
settings = experiment["settings"]
print(experiment["data"]["level_of_theory"], "|", settings)

# %% [markdown]
# ## Design points as constructor calls
# The experiment's command line (`tools/train_design_experiment.sh`) becomes `ScaleShiftMACE(...)`
# with `mace_run_train`'s defaults for everything it does not set: 5 polynomial-cutoff terms, a
# 16x0e readout MLP, radial MLP [64, 64, 64], SiLU, the residual interaction after the first layer.

# %%
def design_point(nu, T, l_max=settings["max_ell"], hidden=settings["hidden_irreps"], seed=1):
    """mace-torch's model for one point (ν, T, l_max, L_max = the largest l in `hidden`)."""
    torch.manual_seed(seed)
    return modules.ScaleShiftMACE(
        r_max=settings["r_max"], num_bessel=settings["num_radial_basis"], num_polynomial_cutoff=5,
        max_ell=l_max, interaction_cls=modules.interaction_classes["RealAgnosticResidualInteractionBlock"],
        interaction_cls_first=modules.interaction_classes["RealAgnosticInteractionBlock"], num_interactions=T,
        num_elements=3, hidden_irreps=o3.Irreps(hidden), MLP_irreps=o3.Irreps("16x0e"),
        atomic_energies=np.zeros(3), avg_num_neighbors=8.0, atomic_numbers=[1, 6, 8], correlation=nu,
        gate=torch.nn.functional.silu, atomic_inter_scale=1.0, atomic_inter_shift=0.0)


def n_parameters(model):
    return sum(p.numel() for p in model.parameters())


def body_order(nus):
    """1 + n_T with n_t = ν_t (1 + n_{t−1}), n_0 = 0 (chapter 04)."""
    n = 0
    for nu in nus:
        n = nu * (1 + n)
    return 1 + n


print(f"{'ν':>3}{'T':>3}{'L_max':>6}{'params (recorded)':>19}{'params (here)':>15}{'body order (rec.)':>19}{'(here)':>8}")
for run in experiment["runs"]:
    nu, T = run["correlation"], run["num_interactions"]
    here = n_parameters(design_point(nu, T))
    L = o3.Irreps(settings["hidden_irreps"]).lmax
    print(f"{nu:>3}{T:>3}{L:>6}{run['parameters']:>19}{here:>15}{run['body_order']:>19}{body_order([nu] * T):>8}")
    assert here == run["parameters"], f"(ν={nu}, T={T}): {here} parameters, the file says {run['parameters']}"
    assert body_order([nu] * T) == run["body_order"]

# %% [markdown]
# The shipped model of chapter 03 was trained with the same settings at (ν = 3, T = 2): notebook 03
# counts 37840 parameters in it, the count of that point here.

# %%
shipped = json.load(open(ROOT / "assets/models/mace_ethanol.json"))
print("chapter 03's model:", shipped["command"].split("--model")[1].split("--num_radial")[0].strip())
print("parameters of the (3, 2) point:", n_parameters(design_point(3, 2)))

# %% [markdown]
# ## Body order by cluster truncation
# For a centre atom i with neighbours N, the site-energy part that depends on *exactly* the
# neighbours in S ⊆ N is, by inclusion–exclusion, V(S) = Σ_{S' ⊆ S} (−1)^{|S|−|S'|} ε_i(S'), where
# ε_i(S') is i's site energy in the cluster made of i and S'. A model of body order 1 + n has
# V(S) = 0 whenever |S| > n. A T = 1 model with correlation ν has features of body order ν + 1, and
# mace-torch gives a one-layer model a *linear* readout (the MLP readout is reserved for the last of
# several layers), so its energy has body order ν + 1 too. For comparison we swap in an MLP readout
# (`NonLinearReadoutBlock`), which makes the body order unbounded.

# %%
ethanol = read(ROOT / "assets/molecules/ethanol.xyz")
centre = 1  # the carbon bonded to the oxygen, as in the chapter-01 widget
neighbours = [j for j in range(len(ethanol)) if j != centre][:5]


def site_energy_fn(model):
    path = WORK / f"m{id(model)}.model"
    torch.save(model, path)
    calc = MACECalculator(model_paths=str(path), device="cpu", default_dtype="float64")

    @functools.cache
    def cached(subset):
        cluster = ethanol[[centre, *subset]]
        cluster.calc = calc
        cluster.get_potential_energy()
        return float(calc.results["node_energy"][0])
    return lambda subset: cached(tuple(sorted(subset)))


def exact_contribution(site_energy, S):
    return sum((-1) ** (len(S) - k) * site_energy(list(sub)) for k in range(len(S) + 1) for sub in itertools.combinations(S, k))


for nu in (1, 2, 3):
    model = design_point(nu, 1)
    linear = site_energy_fn(model)
    model.readouts[0] = modules.NonLinearReadoutBlock(model.readouts[0].linear.irreps_in, o3.Irreps("16x0e"), torch.nn.functional.silu)
    nonlinear = site_energy_fn(model)
    sizes = range(1, nu + 3)
    v_lin = [max(abs(exact_contribution(linear, list(S))) for S in itertools.combinations(neighbours, s)) for s in sizes]
    v_nl = [max(abs(exact_contribution(nonlinear, list(S))) for S in itertools.combinations(neighbours, s)) for s in sizes]
    print(f"ν = {nu}: max |V(S)| for |S| = {list(sizes)}")
    print("   linear readout:   ", "  ".join(f"{v:.1e}" for v in v_lin))
    print("   MLP readout:      ", "  ".join(f"{v:.1e}" for v in v_nl))
    assert v_lin[nu - 1] > 1e-8 and max(v_lin[nu:]) < 1e-14, f"ν = {nu}: terms beyond {nu + 1} bodies should vanish"
    assert v_nl[nu] > 1e-11, "with an MLP readout the next order should not vanish"

# %% [markdown]
# With the linear readout the contributions stop exactly after ν neighbours (body order ν + 1,
# to rounding error); with the MLP readout they do not stop.
#
# ## The book's ν × T experiment
# Six models trained on the same data, same seed, 250 epochs (see the file's description for what
# the numbers can and cannot say).

# %%
runs = experiment["runs"]
fig, ax = plt.subplots(1, 2, figsize=(9, 3.4))
for T, marker in ((1, "o"), (2, "s")):
    mine = [r for r in runs if r["num_interactions"] == T]
    nus = [r["correlation"] for r in mine]
    ax[0].plot(nus, [r["test"]["rmse_f_meV_per_A"] for r in mine], marker=marker, label=f"T = {T}")
    ax[1].plot([r["body_order"] for r in mine], [r["test"]["rmse_f_meV_per_A"] for r in mine], marker=marker, label=f"T = {T}")
ax[0].set(xlabel="correlation order ν", ylabel="test force RMSE (meV/Å)", xticks=[1, 2, 3])
ax[1].set(xlabel="body order of the features", xscale="log")
for a in ax:
    a.set_yscale("log")
    a.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Your turn
# **Exercise 04.1.** Chapter 04's exercise: store in `bo_mixed` the body orders of the two-layer
# models (ν₁, ν₂) = (1, 3) and (3, 1), as a tuple, using the recursion (not `body_order`).

# %%
bo_mixed = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
bo_mixed = (1 + 3 * (1 + 1 * (1 + 0)), 1 + 1 * (1 + 3 * (1 + 0)))

# %%
assert bo_mixed == (body_order([1, 3]), body_order([3, 1])), f"{bo_mixed}: apply n_t = ν_t (1 + n_(t−1)) layer by layer"

# %% [markdown]
# **Exercise 04.2.** Count by hand: store in `n_embedding` the number of weights of the node
# embedding (a linear map from the one-hot of 3 elements to the 16 scalar channels) of any design
# point above, and let the model check you.

# %%
n_embedding = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
n_embedding = 3 * 16

# %%
assert n_embedding == design_point(1, 1).node_embedding.linear.weight.numel(), "one weight per (element, channel) pair"

# %% [markdown]
# **Exercise 04.3.** Parameters per layer: store in `extra_per_layer` how many parameters the second
# layer adds at ν = 3, from the recorded counts in `experiment["runs"]`.

# %%
extra_per_layer = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
count = {(r["correlation"], r["num_interactions"]): r["parameters"] for r in runs}
extra_per_layer = count[(3, 2)] - count[(3, 1)]

# %%
assert extra_per_layer == n_parameters(design_point(3, 2)) - n_parameters(design_point(3, 1)), \
    "subtract the T = 1 count from the T = 2 count at the same ν"

# %% [markdown]
# **Exercise 04.4.** Which point of the experiment has the lowest test force RMSE? Store its
# (ν, T) in `best`.

# %%
best = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
winner = min(runs, key=lambda r: r["test"]["rmse_f_meV_per_A"])
best = (winner["correlation"], winner["num_interactions"])

# %%
assert best == min(((r["correlation"], r["num_interactions"]) for r in runs),
                   key=lambda k: next(r["test"]["rmse_f_meV_per_A"] for r in runs if (r["correlation"], r["num_interactions"]) == k)), \
    "look at run['test']['rmse_f_meV_per_A'] for each run"
