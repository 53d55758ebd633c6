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
# # 03 · MACE in mace-torch, next to the book's core
#
# The companion of chapter 03. Three things: the book's shipped model
# (`assets/models/mace_ethanol.safetensors`, trained by `tools/train_mace.sh`) loaded into
# mace-torch and compared with `multiace mace`; a tiny MACE trained here for a few epochs,
# exported with `tools/export_mace.py` and evaluated in both; and a few steps of molecular
# dynamics with ASE's `MACECalculator` next to `multiace md`.

# %%
import warnings

warnings.filterwarnings("ignore")
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from ase import units
from ase.io import read, write
from ase.md.verlet import VelocityVerlet
from e3nn import o3
from mace import modules
from mace.calculators import MACECalculator
from safetensors import safe_open
from safetensors.torch import load_file

from multiace_cli import ROOT, multiace, side_by_side

torch.set_default_dtype(torch.float64)
WORK = Path(tempfile.mkdtemp(prefix="multiace-03-"))

# %% [markdown]
# ## The shipped model, rebuilt in mace-torch
# The safetensors file holds every tensor of the model's `state_dict` and, as metadata, what the
# constructor needs (written by `tools/export_mace.py`). We call mace-torch's `ScaleShiftMACE`
# constructor with those settings and load the tensors: nothing may be missing or left over.

# %%
MODEL = ROOT / "assets/models/mace_ethanol.safetensors"


def mace_from_safetensors(path):
    """A mace-torch ScaleShiftMACE with the architecture and the weights of an exported file."""
    with safe_open(path, "pt") as f:
        meta = json.loads(f.metadata()["multiace"])
    cls = modules.interaction_classes
    model = modules.ScaleShiftMACE(
        r_max=meta["r_max"], num_bessel=meta["num_bessel"], num_polynomial_cutoff=meta["num_polynomial_cutoff"],
        max_ell=meta["max_ell"], interaction_cls=cls[meta["interaction_classes"][-1]],
        interaction_cls_first=cls[meta["interaction_classes"][0]], num_interactions=meta["num_interactions"],
        num_elements=len(meta["atomic_numbers"]), hidden_irreps=o3.Irreps(meta["hidden_irreps"][0]),
        MLP_irreps=o3.Irreps(meta["MLP_irreps"]), atomic_energies=np.array(meta["atomic_energies"][0]),
        avg_num_neighbors=meta["avg_num_neighbors"][0], atomic_numbers=meta["atomic_numbers"],
        correlation=meta["correlation"][0], gate=torch.nn.functional.silu,
        atomic_inter_scale=meta["scale"][0], atomic_inter_shift=meta["shift"][0])
    own = model.state_dict()
    state = {k: v.reshape(own[k].shape) if k in own else v for k, v in load_file(path).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not missing and not unexpected, f"missing {missing}, unexpected {unexpected}"
    return model, meta


def calculator(model):
    """ASE's MACECalculator reads a pickled model file: save ours to one."""
    path = WORK / f"model-{id(model)}.model"
    torch.save(model, path)
    return MACECalculator(model_paths=str(path), device="cpu", default_dtype="float64")


shipped, meta = mace_from_safetensors(MODEL)
print(meta["model_class"], "| hidden", meta["hidden_irreps"], "| correlation", meta["correlation"],
      "| parameters", sum(p.numel() for p in shipped.parameters()))
calc = calculator(shipped)

# %% [markdown]
# Ethanol (`assets/molecules/ethanol.xyz`), as the `mace-energy` widget shows it:

# %%
ethanol = read(ROOT / "assets/molecules/ethanol.xyz")
ethanol.calc = calc
core = multiace("mace", MODEL, "assets/molecules/ethanol.xyz")
forces_py = ethanol.get_forces()
side_by_side([("energy (eV)", core["energy"], ethanol.get_potential_energy()),
              ("force on atom 0, x (eV/Å)", core["forces"][0][0], forces_py[0, 0]),
              ("force on atom 2, z (eV/Å)", core["forces"][2][2], forces_py[2, 2]),
              ("sum of site energies (eV)", sum(core["energies"]), ethanol.get_potential_energy())])
print("largest force difference:", np.abs(np.array(core["forces"]) - forces_py).max(), "eV/Å")
assert abs(core["energy"] - ethanol.get_potential_energy()) < 1e-9 * abs(core["energy"])

# %% [markdown]
# The errors on the 100 test frames, from both, next to those `mace_eval_configs` recorded when the
# model was trained (`assets/models/mace_ethanol.json`):

# %%
test = read(ROOT / "assets/datasets/ethanol_test.xyz", ":")
e_ref = np.array([a.get_potential_energy() for a in test])
f_ref = np.array([a.get_forces() for a in test])
e_py, f_py, e_core, f_core = [], [], [], []
for k, atoms in enumerate(test):
    a = atoms.copy()
    a.calc = calc
    e_py.append(a.get_potential_energy())
    f_py.append(a.get_forces())
    out = multiace("mace", MODEL, "assets/datasets/ethanol_test.xyz", "--frame", k)
    e_core.append(out["energy"])
    f_core.append(out["forces"])
n = len(test[0])
rmse_e = lambda e: 1e3 * np.sqrt(np.mean(((np.array(e) - e_ref) / n) ** 2))
rmse_f = lambda f: 1e3 * np.sqrt(np.mean((np.array(f) - f_ref) ** 2))
recorded = json.load(open(ROOT / "assets/models/mace_ethanol.json"))["errors_eval_configs"]["test"]
side_by_side([("test RMSE E (meV/atom)", rmse_e(e_core), rmse_e(e_py)),
              ("test RMSE F (meV/Å)", rmse_f(f_core), rmse_f(f_py))])
print(f"recorded by mace_eval_configs: {recorded['rmse_e_meV_per_atom']:.6f} meV/atom, {recorded['rmse_f_meV_per_A']:.6f} meV/Å")
assert abs(rmse_f(f_core) - recorded["rmse_f_meV_per_A"]) < 1e-6 and abs(rmse_f(f_py) - recorded["rmse_f_meV_per_A"]) < 1e-6

# %% [markdown]
# ## Train a tiny MACE, export it, evaluate it in both
# `mace_run_train` with a small model (8 channels, l_max = 1, ν = 2, T = 2) on the first 120
# training frames for 5 epochs, seed 1, float64: about a minute on two cores. It will not be
# accurate; the point is the round trip.

# %%
train = read(ROOT / "assets/datasets/ethanol_train.xyz", ":")
write(WORK / "train.xyz", train[:120])
command = [str(Path(sys.executable).parent / "mace_run_train"), "--name", "tiny", "--seed", "1", "--device", "cpu",
           "--default_dtype", "float64", "--train_file", str(WORK / "train.xyz"), "--valid_fraction", "0.1",
           "--energy_key", "energy", "--forces_key", "forces", "--E0s", "average", "--model", "MACE",
           "--hidden_irreps", "8x0e+8x1o", "--r_max", "4.0", "--max_ell", "1", "--correlation", "2",
           "--num_interactions", "2", "--num_radial_basis", "6", "--batch_size", "10", "--valid_batch_size", "30",
           "--max_num_epochs", "5", "--model_dir", str(WORK), "--log_dir", str(WORK / "logs"),
           "--checkpoints_dir", str(WORK / "ckpt"), "--results_dir", str(WORK / "results")]
start = time.monotonic()
done = subprocess.run(command, cwd=WORK, capture_output=True, text=True)
assert done.returncode == 0, done.stderr[-2000:]
print(f"trained in {time.monotonic() - start:.0f} s")
print("\n".join(l for l in (done.stdout + done.stderr).splitlines() if "Epoch" in l)[-800:])

# %%
tiny_file = WORK / "tiny.safetensors"
done = subprocess.run([sys.executable, str(ROOT / "tools/export_mace.py"), str(WORK / "tiny.model"), str(tiny_file)],
                      capture_output=True, text=True)
assert done.returncode == 0, done.stderr[-2000:]
print(done.stdout.strip()[-300:])
tiny_torch = torch.load(WORK / "tiny.model", map_location="cpu", weights_only=False)
tiny_calc = calculator(tiny_torch)
rows = []
for k in (0, 50, 99):
    a = test[k].copy()
    a.calc = tiny_calc
    out = multiace("mace", tiny_file, "assets/datasets/ethanol_test.xyz", "--frame", k)
    rows.append((f"tiny model, test frame {k}: E (eV)", out["energy"], a.get_potential_energy()))
    assert np.allclose(out["forces"], a.get_forces(), atol=1e-9), "forces of the exported tiny model differ"
side_by_side(rows)

# %% [markdown]
# ## A few steps of molecular dynamics
# `multiace md` without a thermostat (NVE), 20 steps of 0.5 fs from Maxwell–Boltzmann velocities at
# 300 K (seed 1), every frame written. We read its first two frames back to recover the starting
# velocities (velocity Verlet: x₁ = x₀ + v₀ dt + F₀/(2m) dt²), then run ASE's `VelocityVerlet`
# with `MACECalculator` from the same state and compare the trajectories step by step.

# %%
steps, dt = 20, 0.5
summary = multiace("md", MODEL, "assets/molecules/ethanol.xyz", "--steps", steps, "--dt", dt, "--temperature", 300,
                   "--thermostat", "none", "--seed", 1, "--out", WORK / "traj.xyz")
core_traj = read(WORK / "traj.xyz", ":")
masses = ethanol.get_masses()[:, None]
x0, x1, f0 = core_traj[0].positions, core_traj[1].positions, core_traj[0].get_forces()
acc = f0 / masses * (units.fs**2)  # eV/Å/amu in Å/fs² (ASE's time unit is units.fs^-1 fs)
v0 = (x1 - x0 - 0.5 * acc * dt**2) / dt  # Å/fs

atoms = ethanol.copy()
atoms.calc = calc
atoms.set_velocities(v0 / units.fs)
dyn = VelocityVerlet(atoms, timestep=dt * units.fs)
gaps = []
for k in range(1, steps + 1):
    dyn.run(1)
    gaps.append(np.abs(atoms.positions - core_traj[k].positions).max())
e_tot_core = [a.get_potential_energy() + float(a.info["kinetic_energy"]) for a in core_traj]
side_by_side([("kinetic energy at step 0 (eV)", float(core_traj[0].info["kinetic_energy"]), 0.5 * np.sum(masses * v0**2) / units.fs**2),
              (f"potential energy at step {steps} (eV)", summary["potential_energy"], atoms.get_potential_energy()),
              ("total energy change (eV)", summary["total_energy_change"], atoms.get_total_energy() - e_tot_core[0])])
print(f"largest position difference over the {steps} steps: {max(gaps):.1e} Å")
print("ASE masses vs the core's (IUPAC 2021 abridged) may differ in the last digits; that shows here.")
assert max(gaps) < 1e-6, "the two trajectories should coincide"

# %% [markdown]
# ## Your turn
# **Exercise 03.1.** Invariance: store in `E_rot` the shipped model's energy (via `calc`) of ethanol
# rotated and inverted by `-o3.rand_matrix()`.

# %%
E_rot = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
Q = -o3.rand_matrix().numpy()
turned = ethanol.copy()
turned.positions = ethanol.positions @ Q.T
turned.calc = calc
E_rot = turned.get_potential_energy()

# %%
assert E_rot is not None and abs(E_rot - core["energy"]) < 1e-9, f"E changed by {E_rot - core['energy'] if E_rot else None}: the energy is O(3)-invariant"

# %% [markdown]
# **Exercise 03.2.** Forces are −∂E/∂x. Store in `fd_force` the central difference
# −(E(x + h) − E(x − h)) / 2h, h = 1e-4 Å, for the x coordinate of atom 0, using the core
# (`multiace mace` on a displaced copy written with `ase.io.write`).

# %%
fd_force = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
def core_energy(atoms):
    path = WORK / "displaced.xyz"
    write(path, atoms)
    return multiace("mace", MODEL, path)["energy"]


h = 1e-4
plus, minus = ethanol.copy(), ethanol.copy()
plus.positions[0, 0] += h
minus.positions[0, 0] -= h
fd_force = -(core_energy(plus) - core_energy(minus)) / (2 * h)

# %%
assert fd_force is not None and abs(fd_force - core["forces"][0][0]) < 1e-6, \
    f"{fd_force} vs {core['forces'][0][0]}: check the sign and the step"

# %% [markdown]
# **Exercise 03.3.** Energy conservation: store in `drift` the largest |E_tot(t) − E_tot(0)| (eV)
# over the core's NVE trajectory `core_traj` (total = potential + the `kinetic_energy` in each
# frame's info). With dt = 0.5 fs it must stay below 5 meV.

# %%
drift = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
drift = max(abs(e - e_tot_core[0]) for e in e_tot_core)

# %%
assert drift is not None and drift < 5e-3, f"drift {drift}: velocity Verlet with 0.5 fs should conserve energy well"

# %% [markdown]
# **Exercise 03.4.** Site energies: the core also prints each atom's energy (E0 included). Store in
# `lowest_site` the chemical symbol of the atom with the lowest site energy in ethanol.

# %%
lowest_site = None  # your answer

# %% tags=["solution"] jupyter={"source_hidden": true}
lowest_site = ethanol.get_chemical_symbols()[int(np.argmin(core["energies"]))]

# %%
assert lowest_site == ethanol.get_chemical_symbols()[int(np.argmin(core["energies"]))], "look for the smallest entry of core['energies']"
