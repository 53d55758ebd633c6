#!/usr/bin/env python3
"""Reference fixtures for `multiace-core`'s `structure` and `ace` modules (issue 3), computed with
mace-torch, e3nn, sympy and ASE.  Written to `crates/core/tests/fixtures/`:

    radial_reference.json          radial bases R_n(r) f_cut(r) and d/dr on ~40 radii:
                                   bessel (p = 6) and bessel_p5 = mace-torch BesselBasis x PolynomialCutoff
                                   (torch float64, derivatives by autograd); polynomial_cutoff = the
                                   envelope alone; chebyshev and gaussian = the contract's definitions
                                   evaluated exactly with sympy (diff for the derivative, evalf(30)).
    atomic_basis_reference.json    A_{i,z,n,l,m} = sum_j d(z_j,z) R_n(r_ij) Y_lm(r_ij) for ethanol and a
                                   rattled periodic Cu cell (ASE neighbour list, mace Bessel radial,
                                   e3nn spherical harmonics, component normalisation).
    neighbours_ase.json            ase.neighborlist.neighbor_list("ijSd") for four structures.
    ase_frames.extxyz / .json      frames written by ase.io.write and what ase.io.read gives back.

Why: the Rust core promises mace-torch's radial basis, e3nn's spherical harmonics and ASE's
neighbour list and extended-XYZ conventions; these files are the numbers its tests compare against.

Run from the repository root (environment in tools/README.md):

    OMP_NUM_THREADS=1 PYTHONPATH=/opt/macepkgs:/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 \\
        /opt/mavenv/bin/python tools/make_ace_fixtures.py

mace-torch 0.3.16 needs e3nn 0.4.4 (from /opt/e3nn044, so the venv keeps e3nn 0.6.0); the spherical
harmonics then come from e3nn 0.4.4, identical to 0.6.0's.  Everything is float64, seeds are
fixed, numbers are written with `json.dump` of Python floats (round-trips an f64 exactly).
"""

import argparse
import json
import os
import sys
from importlib.metadata import version

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ETHANOL = os.path.join(ROOT, "assets", "molecules", "ethanol.xyz")
SEED = 20250301

R_CUT = 5.0
N_MAX = 8
CHEB_LAMBDA = 5.25


def versions():
    import ase
    import e3nn
    import sympy
    import torch

    return (
        f"mace-torch {version('mace-torch')}, e3nn {e3nn.__version__}, torch {torch.__version__}, "
        f"sympy {sympy.__version__}, ase {ase.__version__}, numpy {np.__version__}, "
        f"python {sys.version.split()[0]}"
    )


def generator():
    return f"tools/make_ace_fixtures.py ({versions()})"


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


def floats(a):
    """Array -> nested lists of Python floats."""
    return np.asarray(a, dtype=float).tolist()


# ---------------------------------------------------------------------------------------------
# radial bases
# ---------------------------------------------------------------------------------------------


def radii():
    """~40 radii in (0, 6]: near zero, a spread, and dense around and beyond r_cut = 5."""
    spread = np.linspace(0.15, 4.8, 32)
    special = [1e-3, 0.05, 4.9, 4.99, 4.999, 4.999999, 5.0, 5.000001, 5.01, 5.5, 6.0]
    return sorted(float(r) for r in np.concatenate([spread, special]))


def mace_radial(r_cut, n_max, p):
    """mace-torch BesselBasis x PolynomialCutoff, as a function of a 1-D float64 tensor."""
    from mace.modules.radial import BesselBasis, PolynomialCutoff

    bessel = BesselBasis(r_max=r_cut, num_basis=n_max)
    cutoff = PolynomialCutoff(r_max=r_cut, p=p)

    def f(r):  # r: [N] -> [N, n_max]
        x = r.unsqueeze(-1)
        return bessel(x) * cutoff(x)

    return f, cutoff


def values_and_derivs(f, rs, n_out):
    """Evaluate f on radii and d/dr by autograd (each output depends on its own r only)."""
    import torch

    r = torch.tensor(rs, dtype=torch.float64, requires_grad=True)
    v = f(r).reshape(len(rs), n_out)
    derivs = []
    for n in range(n_out):
        (g,) = torch.autograd.grad(v[:, n].sum(), r, retain_graph=True)
        derivs.append(g)
    d = torch.stack(derivs, dim=1)
    return v.detach().numpy(), d.detach().numpy()


def sympy_basis(kind, rs, r_cut, n_max, lam=None):
    """Chebyshev or Gaussian basis (contract definitions) evaluated exactly, 0 for r >= r_cut."""
    import sympy as sp

    r = sp.Symbol("r", positive=True)
    rc = sp.Integer(r_cut) if float(r_cut).is_integer() else sp.Rational(r_cut)
    fcut = sp.Rational(1, 2) * (1 + sp.cos(sp.pi * r / rc))
    exprs = []
    if kind == "chebyshev":
        lam = sp.Rational(lam)
        s = 1 - 2 * (sp.exp(-lam * (r / rc - 1)) - 1) / (sp.exp(lam) - 1)
        for n in range(1, n_max + 1):
            exprs.append(sp.chebyshevt(n - 1, s) * fcut)
    elif kind == "gaussian":
        sigma = rc / n_max
        for n in range(1, n_max + 1):
            mu = (n - 1) * rc / n_max
            exprs.append(sp.exp(-((r - mu) ** 2) / (2 * sigma**2)) * fcut)
    else:
        raise ValueError(kind)
    derivs = [sp.diff(e, r) for e in exprs]
    vals, ders = [], []
    for x in rs:
        if x >= r_cut:
            vals.append([0.0] * n_max)
            ders.append([0.0] * n_max)
            continue
        xr = sp.Rational(x)  # the exact binary value of the f64 radius
        vals.append([float(e.subs(r, xr).evalf(30)) for e in exprs])
        ders.append([float(e.subs(r, xr).evalf(30)) for e in derivs])
    return vals, ders


def radial_reference(out):
    rs = radii()
    obj = {"generator": generator(), "r": rs}
    for key, p in (("bessel", 6), ("bessel_p5", 5)):
        f, _ = mace_radial(R_CUT, N_MAX, p)
        v, d = values_and_derivs(f, rs, N_MAX)
        obj[key] = {"r_cut": R_CUT, "n_max": N_MAX, "p": p, "values": floats(v), "derivs": floats(d)}
    _, cutoff = mace_radial(R_CUT, N_MAX, 6)
    v, d = values_and_derivs(lambda r: cutoff(r.unsqueeze(-1)), rs, 1)
    obj["polynomial_cutoff"] = {
        "r_cut": R_CUT,
        "p": 6,
        "values": floats(v[:, 0]),
        "derivs": floats(d[:, 0]),
    }
    v, d = sympy_basis("chebyshev", rs, R_CUT, N_MAX, CHEB_LAMBDA)
    obj["chebyshev"] = {"r_cut": R_CUT, "n_max": N_MAX, "lambda": CHEB_LAMBDA, "values": v, "derivs": d}
    v, d = sympy_basis("gaussian", rs, R_CUT, N_MAX)
    obj["gaussian"] = {"r_cut": R_CUT, "n_max": N_MAX, "values": v, "derivs": d}

    # cross-checks: mace Bessel against its closed form; envelope 1 at 0, 0 beyond r_cut
    r = np.array(rs)
    k = np.arange(1, N_MAX + 1) * np.pi / R_CUT
    u = r / R_CUT
    env = 1 - 28 * u**6 + 48 * u**7 - 21 * u**8
    closed = np.sqrt(2 / R_CUT) * np.sin(np.outer(r, k)) / r[:, None] * (env * (r < R_CUT))[:, None]
    assert np.allclose(obj["bessel"]["values"], closed, rtol=1e-12, atol=1e-14)
    assert all(x == 0.0 for x, rr in zip(obj["polynomial_cutoff"]["values"], rs) if rr >= R_CUT)
    dump(os.path.join(out, "radial_reference.json"), obj)


# ---------------------------------------------------------------------------------------------
# structures shared by the fixtures below
# ---------------------------------------------------------------------------------------------


def ethanol():
    from ase.io import read

    atoms = read(ETHANOL)
    atoms.info.clear()  # ASE turns the words of a plain-XYZ comment into boolean info keys
    return atoms


def rattled_cu(rng, sigma=0.05):
    from ase.build import bulk

    atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat((2, 2, 2))
    atoms.positions += rng.normal(0.0, sigma, size=atoms.positions.shape)
    return atoms


def random_triclinic(rng):
    """3 atoms in a random triclinic cell, pbc T T F, no two atoms closer than 1.2 A."""
    from ase import Atoms

    cell = np.diag([3.3, 3.8, 4.4]) + rng.uniform(-1.0, 1.0, size=(3, 3)) * (1 - np.eye(3))
    while True:
        frac = rng.uniform(0.0, 1.0, size=(3, 3))
        atoms = Atoms("SiCO", scaled_positions=frac, cell=cell, pbc=[True, True, False])
        d = atoms.get_all_distances(mic=True)
        if d[np.triu_indices(3, 1)].min() > 1.2:
            return atoms


def structure_json(name, atoms):
    has_cell = bool(np.any(atoms.cell.array != 0.0))
    return {
        "name": name,
        "species": atoms.get_chemical_symbols(),
        "positions": floats(atoms.positions),
        "cell": floats(atoms.cell.array) if has_cell else None,
        "pbc": [bool(b) for b in atoms.pbc],
    }


# ---------------------------------------------------------------------------------------------
# atomic basis A
# ---------------------------------------------------------------------------------------------


def atomic_basis(atoms, species_order, r_cut, n_max, l_max, p):
    import torch
    from ase.neighborlist import neighbor_list
    from e3nn import o3

    radial, _ = mace_radial(r_cut, n_max, p)
    i, j, S = neighbor_list("ijS", atoms, r_cut)
    vec = atoms.positions[j] + S @ atoms.cell.array - atoms.positions[i]
    dist = np.linalg.norm(vec, axis=1)
    assert (dist < r_cut).all() and (dist > 0).all()
    with torch.no_grad():
        rb = radial(torch.tensor(dist, dtype=torch.float64)).numpy()  # [pairs, n_max]
        ylm = o3.spherical_harmonics(
            list(range(l_max + 1)),
            torch.tensor(vec, dtype=torch.float64),
            normalize=True,
            normalization="component",
        ).numpy()  # [pairs, (l_max+1)^2], index l^2 + (m + l)
    z_of = np.array([species_order.index(s) for s in atoms.get_chemical_symbols()])
    n_lm = (l_max + 1) ** 2
    A = np.zeros((len(atoms), len(species_order), n_max, n_lm))
    for pair in range(len(i)):
        A[i[pair], z_of[j[pair]]] += np.outer(rb[pair], ylm[pair])
    # flat index ((z n_max + (n-1)) (l_max+1)^2 + l^2 + (m + l)) is C order of [z, n-1, lm]
    return A.reshape(len(atoms), -1)


def atomic_basis_reference(out, rng):
    cases = [
        ("ethanol", ethanol(), ["H", "C", "O"], 4.0, 4, 3, 6),
        ("cu_fcc_2x2x2_rattled", rattled_cu(rng), ["Cu"], 4.5, 3, 4, 6),
    ]
    obj = []
    for name, atoms, order, r_cut, n_max, l_max, p in cases:
        A = atomic_basis(atoms, order, r_cut, n_max, l_max, p)
        entry = structure_json(name, atoms)
        entry.update(
            {
                "species_order": order,
                "r_cut": r_cut,
                "n_max": n_max,
                "l_max": l_max,
                "p": p,
                "A": floats(A),
            }
        )
        obj.append(entry)
        # rotation-invariant check: sum_m A_{nlm}^2 is unchanged when the structure is rotated
        R = rotation_matrix(rng)
        rot = atoms.copy()
        rot.positions = atoms.positions @ R.T
        rot.set_cell(atoms.cell.array @ R.T, scale_atoms=False)
        B = atomic_basis(rot, order, r_cut, n_max, l_max, p)
        assert np.allclose(power_spectrum(A, l_max), power_spectrum(B, l_max), atol=1e-10)
    dump(os.path.join(out, "atomic_basis_reference.json"), obj)


def rotation_matrix(rng):
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q = q @ np.diag(np.sign(np.diag(r)))
    return q if np.linalg.det(q) > 0 else -q


def power_spectrum(A, l_max):
    n_lm = (l_max + 1) ** 2
    A = A.reshape(A.shape[0], -1, n_lm)
    return np.stack([(A[:, :, l * l : (l + 1) ** 2] ** 2).sum(-1) for l in range(l_max + 1)], -1)


# ---------------------------------------------------------------------------------------------
# neighbour lists
# ---------------------------------------------------------------------------------------------


def neighbours_ase(out, rng):
    from ase.build import bulk
    from ase.neighborlist import neighbor_list

    cases = [
        ("ethanol", ethanol(), 3.0),
        ("cu_fcc_primitive", bulk("Cu"), 5.0),
        ("triclinic_pbc_TTF", random_triclinic(rng), 4.0),
        ("cu_fcc_2x2x2_rattled", rattled_cu(rng), 4.0),
    ]
    obj = []
    for name, atoms, cutoff in cases:
        i, j, S, d = neighbor_list("ijSd", atoms, cutoff, self_interaction=False)
        pairs = sorted(
            [int(a), int(b), int(s[0]), int(s[1]), int(s[2]), float(x)]
            for a, b, s, x in zip(i, j, S, d)
        )
        entry = structure_json(name, atoms)
        entry.update({"cutoff": cutoff, "pairs": pairs})
        obj.append(entry)
        print(f"  {name}: {len(atoms)} atoms, {len(pairs)} pairs within {cutoff} A")
    dump(os.path.join(out, "neighbours_ase.json"), obj)


# ---------------------------------------------------------------------------------------------
# extended XYZ round trip
# ---------------------------------------------------------------------------------------------


def ase_frames(out, rng):
    from ase import Atoms
    from ase.build import bulk
    from ase.calculators.emt import EMT
    from ase.calculators.singlepoint import SinglePointCalculator
    from ase.io import read, write

    water = Atoms("OH2", positions=[[0.0, 0.0, 0.119], [0.0, 0.763, -0.477], [0.0, -0.763, -0.477]])
    water.calc = SinglePointCalculator(
        water, energy=-14.2231, forces=rng.normal(0.0, 0.5, size=(3, 3))
    )

    cu = bulk("Cu", "fcc", a=3.61, cubic=True)
    cu.positions += rng.normal(0.0, 0.05, size=cu.positions.shape)
    emt = EMT()
    cu.calc = SinglePointCalculator(
        cu, energy=emt.get_potential_energy(cu), forces=emt.get_forces(cu)
    )

    slab = random_triclinic(rng)
    slab.info.update({"label": "slab with vacuum", "step": 42, "temperature": 300.5, "relaxed": True})
    slab.calc = SinglePointCalculator(
        slab, energy=-7.25, forces=rng.normal(0.0, 0.5, size=(3, 3))
    )

    plain = Atoms("CH4", positions=[
        [0.0, 0.0, 0.0],
        [0.629118, 0.629118, 0.629118],
        [-0.629118, -0.629118, 0.629118],
        [0.629118, -0.629118, -0.629118],
        [-0.629118, 0.629118, -0.629118],
    ])

    path = os.path.join(out, "ase_frames.extxyz")
    write(path, [water, cu, slab, plain], format="extxyz")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")

    obj = []
    for atoms in read(path, ":"):
        has_cell = bool(np.any(atoms.cell.array != 0.0))
        calc = atoms.calc
        energy = calc.results.get("energy") if calc is not None else None
        forces = calc.results.get("forces") if calc is not None else None
        obj.append(
            {
                "species": atoms.get_chemical_symbols(),
                "positions": floats(atoms.positions),
                "cell": floats(atoms.cell.array) if has_cell else None,
                "pbc": [bool(b) for b in atoms.pbc],
                "energy": None if energy is None else float(energy),
                "forces": None if forces is None else floats(forces),
                "info": {k: str(v) for k, v in atoms.info.items()},
            }
        )
    dump(os.path.join(out, "ase_frames.json"), obj)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "crates", "core", "tests", "fixtures"))
    args = parser.parse_args()
    import torch

    torch.set_default_dtype(torch.float64)
    print(versions())
    rng = np.random.default_rng(SEED)
    radial_reference(args.out)
    atomic_basis_reference(args.out, rng)
    neighbours_ase(args.out, rng)
    ase_frames(args.out, rng)


if __name__ == "__main__":
    main()
