"""Writes assets/molecules/aspirin.xyz: the 21-atom molecule of the ACE benchmark.

Geometry: RDKit ETKDG embedding (seed 7) of the SMILES CC(=O)OC1=CC=CC=C1C(=O)O, MMFF clean-up, then a
GFN2-xTB (tblite) BFGS minimisation to fmax 0.01 eV/Å.

    OMP_NUM_THREADS=1 /opt/mavenv/bin/python tools/make_aspirin.py   # needs rdkit, ase, tblite
"""
import os

from ase import Atoms
from ase.optimize import BFGS
from rdkit import Chem
from rdkit.Chem import AllChem
from tblite.ase import TBLite

OUT = os.path.join(os.path.dirname(__file__), "..", "assets", "molecules", "aspirin.xyz")

mol = Chem.AddHs(Chem.MolFromSmiles("CC(=O)OC1=CC=CC=C1C(=O)O"))
AllChem.EmbedMolecule(mol, randomSeed=7)
AllChem.MMFFOptimizeMolecule(mol)
pos = mol.GetConformer().GetPositions()
atoms = Atoms([a.GetSymbol() for a in mol.GetAtoms()], positions=pos - pos.mean(0))
atoms.calc = TBLite(method="GFN2-xTB", verbosity=0)
BFGS(atoms, logfile=None).run(fmax=0.01)
with open(OUT, "w") as f:
    f.write(f"{len(atoms)}\n")
    f.write("aspirin C9H8O4, GFN2-xTB minimum (RDKit ETKDG seed 7 + MMFF, then tblite BFGS fmax 0.01 eV/A)\n")
    for s, p in zip(atoms.get_chemical_symbols(), atoms.positions):
        f.write(f"{s:2s} {p[0]:12.6f} {p[1]:12.6f} {p[2]:12.6f}\n")
print(f"wrote {OUT}: {len(atoms)} atoms, E = {atoms.get_potential_energy():.6f} eV")
