"""The notebooks' one link to the book's Rust core: run the `multiace` CLI and read its JSON.

scripts/notebooks.sh builds the CLI and sets MULTIACE_BIN (and MULTIACE_ROOT, the repository);
without them, the binary is looked for on PATH and in target/release, and the repository is the
parent of notebooks/.
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(os.environ.get("MULTIACE_ROOT", Path(__file__).resolve().parent.parent))


def binary():
    """The path of the `multiace` executable, or a clear error saying how to build it."""
    candidates = [os.environ.get("MULTIACE_BIN"), shutil.which("multiace"),
                  str(ROOT / "target" / "release" / "multiace")]
    for c in candidates:
        if c and Path(c).is_file():
            return c
    raise FileNotFoundError(
        "no multiace binary: run scripts/notebooks.sh, or `cargo build --release -p multiace-cli` "
        "and set MULTIACE_BIN")


def multiace(*args, stdin=None):
    """Runs `multiace ARGS` in the repository root and returns its JSON output as Python objects."""
    done = subprocess.run([binary(), *map(str, args)], input=stdin, capture_output=True,
                          text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"multiace {' '.join(map(str, args))}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def side_by_side(rows):
    """Prints (quantity, core, python) rows as a table with the absolute difference."""
    print(f"{'quantity':<34}{'multiace (Rust core)':>24}{'Python':>24}{'|difference|':>14}")
    for name, core, py in rows:
        print(f"{name:<34}{core:>24.12g}{py:>24.12g}{abs(core - py):>14.2e}")
