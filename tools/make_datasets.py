#!/usr/bin/env python3
"""Training and test sets for the ACE chapter, written to `assets/datasets/` as extended XYZ.

    ethanol_train.xyz   300 frames  ethanol, GFN2-xTB (tblite), Langevin MD 400 K, seed 1
    ethanol_test.xyz    100 frames  same protocol, an independent trajectory, seed 2
    cu_bulk.xyz          60 frames  fcc Cu 2x2x2 conventional (32 atoms, a = 3.61 A), strained +-3 %
                                    and rattled (sigma 0.05-0.1 A), periodic, EMT, seed 3
    cu_cluster.xyz       40 frames  Cu icosahedron with 3 shells (55 atoms), rattled (sigma 0.05-0.1 A),
                                    non-periodic (no cell), EMT, seed 4

Why these: ethanol is the molecule of the chapter (small, three species, a few soft torsions that
400 K MD explores); test frames come from a second trajectory with its own seed, so a model cannot
score well by interpolating between neighbouring frames of the training run.  The two copper sets
are cheap (EMT) and cover periodic cells and a finite cluster, the two cases the neighbour list
and the descriptors must handle.

Every frame stores the potential energy (`energy=`, eV) and the forces (`forces:R:3`, eV/A) of the
same calculator call, through a SinglePointCalculator, plus simple info keys naming where it came
from (`config_type`, `seed`, and `step` or `frame`).  ASE writes positions and forces with 8
decimals, which is plenty; energies are written in full.  Every file is read back with
`ase.io.read(path, ":")` and checked before the script finishes.

Run from the repository root (see tools/README.md for the environment):

    OMP_NUM_THREADS=1 /opt/mavenv/bin/python tools/make_datasets.py

Deterministic: all randomness comes from numpy Generators seeded below.  The MD uses tblite's
self-consistent charges, so bitwise reproducibility across tblite/BLAS builds is not promised,
but the statistics are.
"""

import argparse
import os
import sys
import time
from importlib.metadata import version

import numpy as np
from ase import Atoms, units
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.calculators.singlepoint import SinglePointCalculator
from ase.constraints import FixCom
from ase.cluster import Icosahedron
from ase.io import read, write
from ase.md.langevin import Langevin
from ase.md.velocitydistribution import Stationary, ZeroRotation, thermalize_momenta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ETHANOL = os.path.join(ROOT, "assets", "molecules", "ethanol.xyz")

# MD protocol (brief of issue 3)
TEMPERATURE_K = 400.0
TIMESTEP_FS = 0.5
FRICTION_PER_FS = 0.01
EQUILIBRATION_STEPS = 500
SAMPLE_EVERY = 50  # 25 fs between frames: the torsions of ethanol are sampled, not one basin

SEED_ETHANOL_TRAIN = 1
SEED_ETHANOL_TEST = 2
SEED_CU_BULK = 3
SEED_CU_CLUSTER = 4

CU_A = 3.61
STRAIN_MAX = 0.03
RATTLE_SIGMA = (0.05, 0.10)


def snapshot(atoms, calc, info):
    """A copy of `atoms` carrying energy and forces from `calc`, and only the given info keys."""
    energy = float(calc.get_potential_energy(atoms))
    forces = np.array(calc.get_forces(atoms), dtype=float)
    frame = Atoms(
        symbols=atoms.get_chemical_symbols(),
        positions=atoms.get_positions(),
        cell=atoms.get_cell(),
        pbc=atoms.get_pbc(),
    )
    frame.info.update(info)
    frame.calc = SinglePointCalculator(frame, energy=energy, forces=forces)
    return frame


def ethanol_md(seed, n_frames):
    """Langevin MD of ethanol with GFN2-xTB; returns n_frames snapshots after equilibration."""
    from tblite.ase import TBLite

    rng = np.random.default_rng(seed)
    atoms = read(ETHANOL)
    atoms.info.clear()
    atoms.calc = TBLite(method="GFN2-xTB", verbosity=0)
    thermalize_momenta(atoms, TEMPERATURE_K, rng=rng)
    Stationary(atoms)
    ZeroRotation(atoms)
    # ASE >= 3.28: fix the centre of mass with a constraint, not Langevin's deprecated fixcm.
    atoms.set_constraint(FixCom())
    dyn = Langevin(
        atoms,
        timestep=TIMESTEP_FS * units.fs,
        temperature_K=TEMPERATURE_K,
        friction=FRICTION_PER_FS / units.fs,
        fixcm=False,
        rng=rng,
    )
    dyn.run(EQUILIBRATION_STEPS)
    frames = []
    temperatures = []
    for k in range(n_frames):
        dyn.run(SAMPLE_EVERY)
        temperatures.append(atoms.get_temperature())
        step = EQUILIBRATION_STEPS + (k + 1) * SAMPLE_EVERY
        info = {"config_type": "md400K", "seed": seed, "step": step}
        frames.append(snapshot(atoms, atoms.calc, info))
    print(f"  seed {seed}: mean kinetic temperature of the sampled frames {np.mean(temperatures):.0f} K")
    return frames


def random_strain(rng):
    """Symmetric strain tensor with entries uniform in [-STRAIN_MAX, STRAIN_MAX]."""
    e = rng.uniform(-STRAIN_MAX, STRAIN_MAX, size=(3, 3))
    return 0.5 * (e + e.T)


def cu_bulk(seed, n_frames):
    rng = np.random.default_rng(seed)
    ideal = bulk("Cu", "fcc", a=CU_A, cubic=True).repeat((2, 2, 2))
    calc = EMT()
    frames = []
    for k in range(n_frames):
        atoms = ideal.copy()
        atoms.set_cell(ideal.cell.array @ (np.eye(3) + random_strain(rng)), scale_atoms=True)
        sigma = rng.uniform(*RATTLE_SIGMA)
        atoms.positions += rng.normal(0.0, sigma, size=atoms.positions.shape)
        atoms.wrap()
        info = {"config_type": "cu_bulk", "seed": seed, "frame": k}
        frames.append(snapshot(atoms, calc, info))
    return frames


def cu_cluster(seed, n_frames):
    rng = np.random.default_rng(seed)
    ideal = Icosahedron("Cu", 3)
    ideal.set_cell(np.zeros((3, 3)))
    ideal.set_pbc(False)
    ideal.center(about=(0.0, 0.0, 0.0))
    calc = EMT()
    frames = []
    for k in range(n_frames):
        atoms = ideal.copy()
        sigma = rng.uniform(*RATTLE_SIGMA)
        atoms.positions += rng.normal(0.0, sigma, size=atoms.positions.shape)
        info = {"config_type": "cu_cluster", "seed": seed, "frame": k}
        frames.append(snapshot(atoms, calc, info))
    return frames


def write_and_check(path, frames):
    write(path, frames, format="extxyz")
    back = read(path, ":")
    assert len(back) == len(frames), path
    for a, b in zip(frames, back):
        assert a.get_chemical_symbols() == b.get_chemical_symbols(), path
        assert np.allclose(a.positions, b.positions, atol=1e-7), path
        assert (a.pbc == b.pbc).all(), path
        assert np.allclose(a.cell.array, b.cell.array, atol=1e-7), path
        e, f = b.get_potential_energy(), b.get_forces()
        assert abs(e - a.get_potential_energy()) < 1e-9, path
        assert np.allclose(f, a.get_forces(), atol=1e-7), path
    energies = np.array([b.get_potential_energy() for b in back])
    fmax = max(np.abs(b.get_forces()).max() for b in back)
    print(
        f"wrote {os.path.relpath(path, ROOT)}: {len(back)} frames x {len(back[0])} atoms, "
        f"{os.path.getsize(path)} bytes; E in [{energies.min():.4f}, {energies.max():.4f}] eV, "
        f"max |F| component {fmax:.3f} eV/A"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "assets", "datasets"))
    parser.add_argument(
        "--only",
        choices=["ethanol", "cu"],
        help="make only the ethanol (tblite) or only the copper (EMT) sets",
    )
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    print(
        f"python {sys.version.split()[0]}, ase {version('ase')}, tblite {version('tblite')}, "
        f"numpy {np.__version__}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}"
    )

    if args.only in (None, "ethanol"):
        for name, seed, n in (
            ("ethanol_train.xyz", SEED_ETHANOL_TRAIN, 300),
            ("ethanol_test.xyz", SEED_ETHANOL_TEST, 100),
        ):
            t0 = time.perf_counter()
            frames = ethanol_md(seed, n)
            steps = EQUILIBRATION_STEPS + n * SAMPLE_EVERY
            print(f"{name}: {steps} MD steps in {time.perf_counter() - t0:.1f} s wall")
            write_and_check(os.path.join(args.out, name), frames)

    if args.only in (None, "cu"):
        write_and_check(os.path.join(args.out, "cu_bulk.xyz"), cu_bulk(SEED_CU_BULK, 60))
        write_and_check(os.path.join(args.out, "cu_cluster.xyz"), cu_cluster(SEED_CU_CLUSTER, 40))

    total = sum(
        os.path.getsize(os.path.join(args.out, f))
        for f in os.listdir(args.out)
        if f.endswith(".xyz")
    )
    print(f"total {total} bytes in {os.path.relpath(args.out, ROOT)}/*.xyz")


if __name__ == "__main__":
    main()
