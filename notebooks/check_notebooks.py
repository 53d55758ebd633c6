"""Pairing test and headless execution of the companion notebooks (run by scripts/notebooks.sh).

--check: every NN_*.py (jupytext percent format) and NN_*.ipynb must hold the same cells (type,
         source, tags and folding), then every notebook is executed with nbclient; any error fails.
--write: each .ipynb is regenerated from its .py, executed, and saved with its outputs.
"""
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
STEMS = [
    "00_fundamentals",
    "01_atomic_cluster_expansion",
    "02_equivariant_neural_networks",
    "03_mace",
    "04_multi_ace_framework",
]
TIMEOUT_S = 600


def cell_signature(cell):
    """What must agree between the script and the notebook: outputs and ids are ignored."""
    meta = cell.get("metadata", {})
    hidden = meta.get("jupyter", {}).get("source_hidden", False)
    return (cell["cell_type"], cell["source"].strip(), tuple(meta.get("tags", [])), hidden)


def pairing_errors(stem):
    script = jupytext.read(HERE / f"{stem}.py")
    notebook = nbformat.read(HERE / f"{stem}.ipynb", as_version=4)
    a = [cell_signature(c) for c in script.cells]
    b = [cell_signature(c) for c in notebook.cells]
    if len(a) != len(b):
        return [f"{stem}: the .py has {len(a)} cells, the .ipynb {len(b)}"]
    return [
        f"{stem}: cell {i} differs between .py and .ipynb ({x[0]}: {x[1][:60]!r}...)"
        for i, (x, y) in enumerate(zip(a, b))
        if x != y
    ]


def execute(nb):
    client = NotebookClient(
        nb, timeout=TIMEOUT_S, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(HERE)}},
    )
    client.execute()
    return nb


def main(mode):
    failures = []
    if mode == "--check":
        for stem in STEMS:
            failures += pairing_errors(stem)
        if failures:
            print("\n".join(failures), file=sys.stderr)
            return 1
        print(f"pairing: {len(STEMS)} notebooks hold the same cells as their scripts")
    total = 0.0
    for stem in STEMS:
        start = time.monotonic()
        if mode == "--write":
            nb = jupytext.read(HERE / f"{stem}.py")
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        else:
            nb = nbformat.read(HERE / f"{stem}.ipynb", as_version=4)
        try:
            execute(nb)
        except Exception as err:  # nbclient's CellExecutionError carries the traceback
            print(f"{stem}: execution failed\n{err}", file=sys.stderr)
            return 1
        seconds = time.monotonic() - start
        total += seconds
        if mode == "--write":
            nbformat.write(nb, HERE / f"{stem}.ipynb")
        print(f"{stem}: executed in {seconds:.1f} s")
    print(f"all notebooks: {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "--check"))
