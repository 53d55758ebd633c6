#!/usr/bin/env python3
"""Reference fixtures for `multiace-core`'s `so3` module, computed with e3nn and sympy.

The Rust core promises to reproduce e3nn's conventions (real spherical harmonics with y as the
polar axis, Y-X-Y Euler angles, Wigner D and Wigner 3j in e3nn's real basis) and sympy's
Clebsch-Gordan coefficients.  This script writes the numbers the core's tests compare against,
into `crates/core/tests/fixtures/`:

    sh_e3nn.json                  e3nn 0.4.4  o3.spherical_harmonics, lmax 8, 3 normalisations x normalize on/off
    wigner_3j_e3nn_0.4.4.json     e3nn 0.4.4  o3.wigner_3j for every triangle-valid (l1,l2,l3), l <= 5 (111)
    wigner_3j_e3nn_0.6.0.json     e3nn 0.6.0  o3.wigner_3j, same triples (16 of them differ in overall sign)
    wigner_d_e3nn.json            e3nn 0.4.4  o3.wigner_D for l = 0..6 and o3.angles_to_matrix
    rotations_e3nn.json           e3nn 0.4.4  o3.angles_to_matrix and o3.matrix_to_angles
    cg_sympy.json                 sympy       CG(j1,m1,j2,m2,j,m).doit(), half-integer j allowed

Why two e3nn versions: mace-torch models in the wild are built with e3nn 0.4.4, whose Wigner 3j
table (`constants.pt`) fixes the overall sign of each tensor differently from e3nn >= 0.5, which
computes it from Condon-Shortley Clebsch-Gordan coefficients.  The core follows 0.4.4 (the sign
rule is documented in `--check-sign-rule` below and in the core's wigner_3j.rs); the 0.6.0 file
lets the core test its Condon-Shortley construction before the sign fix.

One Python process can import only one e3nn, so the script is run once per version.

Environment (exact commands; PyPI only)
---------------------------------------
    python3 -m venv /opt/mavenv
    /opt/mavenv/bin/pip install torch e3nn==0.6.0 sympy numpy sphericart
    /opt/mavenv/bin/pip install --no-deps --target /opt/e3nn044 e3nn==0.4.4 opt_einsum_fx
    # or pin exactly what the fixtures were made with:
    /opt/mavenv/bin/pip install -r tools/requirements-fixtures.txt
    #   (then the --target line above for 0.4.4)

e3nn 0.4.4 loads `constants.pt` with a bare `torch.load`; torch >= 2.6 defaults to
`weights_only=True` and refuses it, hence TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 below.

Running (from the repository root; `tools/make_so3_fixtures.sh /opt/mavenv /opt/e3nn044` does all)
-----------------------------------------------------------------------------------------------
    # e3nn 0.4.4 files (+ the sympy file):
    PYTHONPATH=/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 /opt/mavenv/bin/python \\
        tools/make_so3_fixtures.py --e3nn-version-check 0.4.4 --sympy --out crates/core/tests/fixtures
    # e3nn 0.6.0 file, then check the 0.4.4 sign rule against both tables (l <= 5 from the JSON,
    # l <= 11 from 0.4.4's own constants.pt, read with torch.load, no e3nn 0.4.4 import needed):
    /opt/mavenv/bin/python tools/make_so3_fixtures.py --e3nn-version-check 0.6.0 \\
        --out crates/core/tests/fixtures --check-sign-rule /opt/e3nn044/e3nn/o3/constants.pt

Everything is float64 (torch.set_default_dtype), seeds are fixed, and numbers are written with
`json.dump` of Python floats, which round-trips an f64 exactly.  Each run ends by re-reading every
fixture present in `--out` and checking its shapes.
"""

import argparse
import itertools
import json
import math
import os
import sys
from fractions import Fraction

SEED = 20240611
LMAX_SH = 8
LMAX_3J = 5
LMAX_D = 6
N_3J_EXPECTED = 111  # triangle-valid ordered triples with every l <= 5


def triangle_triples(lmax):
    """All ordered (l1, l2, l3) with |l1 - l2| <= l3 <= l1 + l2 and each l <= lmax."""
    return [
        (l1, l2, l3)
        for l1 in range(lmax + 1)
        for l2 in range(lmax + 1)
        for l3 in range(abs(l1 - l2), min(l1 + l2, lmax) + 1)
    ]


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def floats(t):
    """Tensor/array -> nested Python floats (json.dump of a float is round-trip exact)."""
    return [float(x) for x in t] if getattr(t, "ndim", 1) == 1 else [floats(r) for r in t]


# --------------------------------------------------------------------------------------------
# e3nn fixtures
# --------------------------------------------------------------------------------------------
def sh_vectors(torch):
    """>= 60 test vectors: axes, e3nn's poles (x = z = 0, polar axis is y), planes, tiny, large, random."""
    g = torch.Generator().manual_seed(SEED)
    v = []
    for i in range(3):  # +-x, +-y, +-z
        for s in (1.0, -1.0):
            e = [0.0, 0.0, 0.0]
            e[i] = s
            v.append(e)
    v += [[0.0, 2.5, 0.0], [0.0, -0.3, 0.0]]  # x = z = 0, non-unit: e3nn's poles
    v += [[0.0, 0.0, 1.7], [0.0, 0.0, -0.4], [0.0, 0.6, -0.8], [0.0, -1.2, 0.5]]  # x = y = 0, x = 0
    v += [[0.3, 0.0, -0.9], [-1.1, 0.0, 0.2], [0.7, -0.7, 0.0], [1.0, 1.0, 1.0], [-1.0, 1.0, -1.0]]
    v += [[1e-9, 0.0, 0.0], [0.0, 1e-9, 0.0], [3e-10, -4e-10, 0.0], [5.773502691896258e-10] * 3]  # norm 1e-9
    v += [[0.0, 0.0, -1e-6], [6e-7, 0.0, 8e-7], [-2e-7, 4e-7, 4e-7 * 2.0]]  # norm 1e-6 and ~1e-6
    v += [[100.0, 0.0, 0.0], [0.0, -100.0, 0.0], [60.0, 0.0, -80.0], [-36.0, 48.0, 80.0]]  # norm 100
    big = torch.randn(4, 3, generator=g)
    v += floats(100.0 * big / big.norm(dim=1, keepdim=True))
    rnd = torch.randn(30, 3, generator=g)  # standard normal components
    v += floats(rnd)
    unit = torch.randn(6, 3, generator=g)
    v += floats(unit / unit.norm(dim=1, keepdim=True))
    return v


def make_sh(torch, o3, version, out):
    vecs = sh_vectors(torch)
    assert len(vecs) >= 60, len(vecs)
    x = torch.tensor(vecs, dtype=torch.float64)
    cases = []
    for normalization in ("integral", "component", "norm"):
        for normalize in (True, False):
            y = o3.spherical_harmonics(list(range(LMAX_SH + 1)), x, normalize=normalize, normalization=normalization)
            assert y.dtype == torch.float64 and y.shape == (len(vecs), (LMAX_SH + 1) ** 2)
            cases.append({"normalization": normalization, "normalize": normalize, "values": floats(y)})
    write_json(os.path.join(out, "sh_e3nn.json"), {"e3nn_version": version, "lmax": LMAX_SH, "vectors": vecs, "cases": cases})


def make_3j(torch, o3, version, out):
    entries = []
    for l1, l2, l3 in triangle_triples(LMAX_3J):
        c = o3.wigner_3j(l1, l2, l3, dtype=torch.float64)
        assert abs(float(c.norm()) - 1.0) < 1e-12
        entries.append({"l1": l1, "l2": l2, "l3": l3, "shape": list(c.shape), "data": floats(c.reshape(-1))})
    assert len(entries) == N_3J_EXPECTED, len(entries)
    write_json(os.path.join(out, f"wigner_3j_e3nn_{version}.json"), {"e3nn_version": version, "entries": entries})


def special_angles(torch, o3):
    """Named special rotations as e3nn Y-X-Y angles (alpha, beta, gamma)."""
    pi = math.pi
    named = [
        (0.0, 0.0, 0.0),  # identity
        (0.7, 0.0, -0.3),  # beta = 0: a pure y rotation by alpha + gamma (gimbal lock)
        (1.1, pi, 0.4),  # beta = pi
        (pi / 2, 0.9, pi / 2),  # alpha = gamma = pi/2
        (pi / 2, 0.0, 0.0),  # 90 deg about y
        (0.0, pi / 2, 0.0),  # 90 deg about x
    ]
    # 90 deg about z has no short Y-X-Y form: take e3nn's own angles for it.
    rz = torch.tensor([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], dtype=torch.float64)
    a, b, c = o3.matrix_to_angles(rz)
    named.append((float(a), float(b), float(c)))
    named += [(pi, pi / 2, -pi), (-0.4, 2.0, 7.5), (3 * pi / 2, pi / 3, pi / 4)]  # angles outside [0, 2pi) too
    return named


def make_wigner_d(torch, o3, version, out):
    g = torch.Generator().manual_seed(SEED + 1)
    angles = special_angles(torch, o3)
    for _ in range(8):  # Haar-random: alpha, gamma uniform, cos(beta) uniform
        a, c = (float(t) for t in 2 * math.pi * torch.rand(2, generator=g))
        b = math.acos(float(torch.rand(1, generator=g)) * 2 - 1)
        angles.append((a, b, c))
    rots = []
    for a, b, c in angles:
        ta, tb, tc = (torch.tensor(t, dtype=torch.float64) for t in (a, b, c))
        r = o3.angles_to_matrix(ta, tb, tc)
        ds = [floats(o3.wigner_D(l, ta, tb, tc)) for l in range(LMAX_D + 1)]
        rots.append({"angles": [a, b, c], "matrix": floats(r), "D": ds})
    assert len(rots) >= 12
    write_json(os.path.join(out, "wigner_d_e3nn.json"), {"e3nn_version": version, "rotations": rots})


def make_rotations(torch, o3, version, out):
    g = torch.Generator().manual_seed(SEED + 2)
    pi = math.pi
    angles = special_angles(torch, o3)
    angles += [(0.0, 0.0, 1.3), (-2.0, 0.5, 0.0), (0.0, -0.8, 0.0), (10.0, -4.0, -7.0)]
    for _ in range(12):
        a, b, c = (float(t) for t in (torch.rand(3, generator=g) * torch.tensor([2 * pi, pi, 2 * pi]) - torch.tensor([pi, 0.0, pi])))
        angles.append((a, b, c))
    entries = []
    for a, b, c in angles:
        r = o3.angles_to_matrix(*(torch.tensor(t, dtype=torch.float64) for t in (a, b, c)))
        entries.append({"angles": [a, b, c], "matrix": floats(r)})
    # matrix -> angles: exact axis rotations (90 and 180 deg about x, y, z), the special rotations above,
    # and Haar-random matrices.  At beta = 0 or pi the angles are not unique; e3nn's choice is recorded,
    # compare angles_to_matrix(angles) with the matrix for those.
    mats = []
    for i in range(3):
        for k in (1, 2, 3):  # 90, 180, 270 deg
            cs, sn = float(round(math.cos(k * pi / 2))), float(round(math.sin(k * pi / 2)))
            m = [[0.0] * 3 for _ in range(3)]
            j, l = (i + 1) % 3, (i + 2) % 3
            m[i][i] = 1.0
            m[j][j], m[j][l], m[l][j], m[l][l] = cs, -sn, sn, cs
            mats.append(m)
    mats += [e["matrix"] for e in entries[: len(special_angles(torch, o3))]]
    gm = torch.Generator().manual_seed(SEED + 3)
    for _ in range(10):
        q = torch.randn(4, generator=gm)
        q = q / q.norm()
        w, x, y, z = (float(t) for t in q)
        mats.append([
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ])
    m2a = []
    for m in mats:
        a, b, c = o3.matrix_to_angles(torch.tensor(m, dtype=torch.float64))
        m2a.append({"matrix": m, "angles": [float(a), float(b), float(c)]})
    assert len(entries) >= 20 and len(m2a) >= 20
    write_json(os.path.join(out, "rotations_e3nn.json"), {"e3nn_version": version, "entries": entries, "matrix_to_angles": m2a})


# --------------------------------------------------------------------------------------------
# sympy Clebsch-Gordan
# --------------------------------------------------------------------------------------------
def make_cg(out):
    import sympy
    from sympy import Rational
    from sympy.physics.quantum.cg import CG

    def cg(j1, m1, j2, m2, j, m):
        return float(CG(j1, m1, j2, m2, j, m).doit().evalf(30))

    halves = [Rational(k, 2) for k in range(0, 7)]  # 0, 1/2, ..., 3
    entries = []

    def add(j1, m1, j2, m2, j, m):
        entries.append({"j1": float(j1), "m1": float(m1), "j2": float(j2), "m2": float(m2), "j": float(j), "m": float(m),
                        "value": cg(j1, m1, j2, m2, j, m)})

    def ms(j):
        return [-j + k for k in range(int(2 * j) + 1)]

    for j1 in halves:  # every valid entry (m = m1 + m2, |m| <= j): 2,408 of them
        for j2 in halves:
            j = abs(j1 - j2)
            while j <= j1 + j2:
                for m1 in ms(j1):
                    for m2 in ms(j2):
                        if abs(m1 + m2) <= j:
                            add(j1, m1, j2, m2, j, m1 + m2)
                j += 1
    n_valid = len(entries)
    h = Rational(1, 2)
    zeros = [
        (1, 0, 1, 1, 1, 0), (1, 1, 1, 0, 2, 0), (h, h, h, h, 1, 0), (2, -1, 1, 1, 3, 1),  # m != m1 + m2
        (3, 2, 2, -2, 1, 1), (3 * h, h, h, h, 2, 0),
        (1, 0, 1, 0, 3, 0), (h, h, h, -h, 2, 0), (3, 0, 1, 0, 1, 0), (0, 0, 2, 1, 1, 1),  # triangle violated
        (2, 1, 1, 0, 4, 1), (5 * h, h, h, h, 0, 0),
        (1, 0, 1, 0, 1, 0), (2, 0, 3, 0, 2, 0),  # allowed but zero (l1+l2+l odd with all m = 0)
    ]
    for args in zeros:
        add(*args)
        assert entries[-1]["value"] == 0.0, args
    write_json(os.path.join(out, "cg_sympy.json"), {"sympy_version": sympy.__version__, "entries": entries})
    print(f"cg_sympy: {n_valid} valid + {len(zeros)} zero entries")


# --------------------------------------------------------------------------------------------
# e3nn 0.4.4 Wigner 3j sign rule (reference implementation, checked against both tables)
# --------------------------------------------------------------------------------------------
def sign_rule_044(np, l1, l2, l3, sorted_tensor, tol=1e-10):
    """e3nn 0.4.4's wigner_3j(l1, l2, l3) from a unit-norm 3j tensor of the SORTED triple with any sign.

    Rule (e3nn 0.4.4 `_generate_wigner_3j`, which made constants.pt for a <= b <= c, and `wigner_3j`):
      - for (a, b, c) = sorted(l1, l2, l3): if a + b + c is even, make the centre element C[a, b, c]
        (m1 = m2 = m3 = 0) positive; else make the first element (row-major) with |x| > tol positive;
      - transpose the axes into (l1, l2, l3) order and multiply by (-1)^(l1+l2+l3) if that permutation is odd.
    """
    a, b, c = sorted((l1, l2, l3))
    t = np.asarray(sorted_tensor)
    if (a + b + c) % 2 == 0:
        s = t[a, b, c]
    else:
        flat = t.reshape(-1)
        s = flat[np.nonzero(np.abs(flat) > tol)[0][0]]
    t = t * (1.0 if s > 0 else -1.0)
    srt = (a, b, c)
    for p in itertools.permutations(range(3)):
        if tuple(srt[i] for i in p) == (l1, l2, l3):
            break
    out = np.transpose(t, p)
    inversions = sum(1 for i in range(3) for j in range(i + 1, 3) if p[i] > p[j])
    if inversions % 2 == 1:
        out = out * (-1) ** (l1 + l2 + l3)
    return out


def check_sign_rule(torch, o3, out, constants_path):
    import numpy as np

    path = os.path.join(out, "wigner_3j_e3nn_0.4.4.json")
    with open(path) as f:
        ref = {(e["l1"], e["l2"], e["l3"]): np.array(e["data"]).reshape(e["shape"]) for e in json.load(f)["entries"]}
    flips, worst = [], 0.0
    for (l1, l2, l3), t044 in ref.items():
        t060 = o3.wigner_3j(l1, l2, l3, dtype=torch.float64).numpy()
        if (t044 * t060).sum() < 0:
            flips.append((l1, l2, l3))
        a, b, c = sorted((l1, l2, l3))
        pred = sign_rule_044(np, l1, l2, l3, o3.wigner_3j(a, b, c, dtype=torch.float64).numpy())
        worst = max(worst, float(np.abs(pred - t044).max()))
    print(f"sign rule, l <= {LMAX_3J} ({len(ref)} triples): 0.4.4 vs 0.6.0 opposite sign for {len(flips)}: {flips}")
    print(f"  rule applied to 0.6.0 reproduces 0.4.4 JSON: max abs diff {worst:.3g}")
    assert len(flips) == 16 and worst < 1e-14
    if constants_path:
        _, flat, idx = torch.load(constants_path, weights_only=False)
        worst, n, nflip = 0.0, 0, 0
        for (a, b, c), sl in idx.items():  # only sorted a <= b <= c are stored
            t044 = flat[sl].reshape(2 * a + 1, 2 * b + 1, 2 * c + 1).double().numpy()
            t060 = o3.wigner_3j(a, b, c, dtype=torch.float64).numpy()
            pred = sign_rule_044(np, a, b, c, t060)
            worst = max(worst, float(np.abs(pred - t044).max()))
            n += 1
            nflip += int((t044 * t060).sum() < 0)
        print(f"  constants.pt: {n} sorted triples (l <= {max(max(k) for k in idx)}), {nflip} sign flips, "
              f"rule max abs diff {worst:.3g}")
        assert worst < 1e-14


# --------------------------------------------------------------------------------------------
# self-check: every fixture present loads and has the promised shapes
# --------------------------------------------------------------------------------------------
def validate(out):
    def load(name):
        p = os.path.join(out, name)
        if not os.path.exists(p):
            return None
        with open(p) as f:
            return json.load(f)

    def is_num(x):
        return isinstance(x, (int, float)) and math.isfinite(x)

    checked = []
    d = load("sh_e3nn.json")
    if d is not None:
        n = (d["lmax"] + 1) ** 2
        assert len(d["vectors"]) >= 60 and all(len(v) == 3 for v in d["vectors"])
        combos = {(c["normalization"], c["normalize"]) for c in d["cases"]}
        assert combos == {(a, b) for a in ("integral", "component", "norm") for b in (True, False)}
        for c in d["cases"]:
            assert len(c["values"]) == len(d["vectors"]) and all(len(r) == n and all(map(is_num, r)) for r in c["values"])
        checked.append("sh_e3nn.json")
    for ver in ("0.4.4", "0.6.0"):
        d = load(f"wigner_3j_e3nn_{ver}.json")
        if d is None:
            continue
        assert d["e3nn_version"] == ver and len(d["entries"]) == N_3J_EXPECTED
        assert {(e["l1"], e["l2"], e["l3"]) for e in d["entries"]} == set(triangle_triples(LMAX_3J))
        for e in d["entries"]:
            assert e["shape"] == [2 * e["l1"] + 1, 2 * e["l2"] + 1, 2 * e["l3"] + 1]
            assert len(e["data"]) == math.prod(e["shape"])
            assert abs(math.fsum(x * x for x in e["data"]) - 1.0) < 1e-12
        checked.append(f"wigner_3j_e3nn_{ver}.json")
    d = load("wigner_d_e3nn.json")
    if d is not None:
        assert len(d["rotations"]) >= 12
        for r in d["rotations"]:
            assert len(r["angles"]) == 3 and len(r["matrix"]) == 3 and all(len(x) == 3 for x in r["matrix"])
            assert len(r["D"]) == LMAX_D + 1
            for l, m in enumerate(r["D"]):
                assert len(m) == 2 * l + 1 and all(len(x) == 2 * l + 1 for x in m)
            # D^1 equals the rotation matrix itself in e3nn's (x, y, z) basis
            assert max(abs(r["D"][1][i][j] - r["matrix"][i][j]) for i in range(3) for j in range(3)) < 1e-12
        checked.append("wigner_d_e3nn.json")
    d = load("rotations_e3nn.json")
    if d is not None:
        assert len(d["entries"]) >= 20 and len(d["matrix_to_angles"]) >= 20
        for e in d["entries"] + d["matrix_to_angles"]:
            assert len(e["angles"]) == 3 and len(e["matrix"]) == 3 and all(len(x) == 3 for x in e["matrix"])
        checked.append("rotations_e3nn.json")
    d = load("cg_sympy.json")
    if d is not None:
        keys = {"j1", "m1", "j2", "m2", "j", "m", "value"}
        assert all(set(e) == keys and all(map(is_num, e.values())) for e in d["entries"])
        # spot check: <1/2 1/2 1/2 -1/2 | 1 0> = 1/sqrt(2)
        e = next(e for e in d["entries"] if (e["j1"], e["m1"], e["j2"], e["m2"], e["j"], e["m"]) == (0.5, 0.5, 0.5, -0.5, 1.0, 0.0))
        assert abs(e["value"] - math.sqrt(0.5)) < 1e-16
        checked.append("cg_sympy.json")
    total = sum(os.path.getsize(os.path.join(out, f)) for f in checked)
    print(f"validated {checked}; total {total} bytes")


def cross_check_060(torch, o3, out):
    """In the 0.6.0 run: SH, Wigner D and rotations from 0.6.0 must equal the 0.4.4 fixtures."""
    sh = os.path.join(out, "sh_e3nn.json")
    if os.path.exists(sh):
        with open(sh) as f:
            d = json.load(f)
        x = torch.tensor(d["vectors"], dtype=torch.float64)
        worst = 0.0
        for c in d["cases"]:
            y = o3.spherical_harmonics(list(range(d["lmax"] + 1)), x, normalize=c["normalize"], normalization=c["normalization"])
            ref = torch.tensor(c["values"], dtype=torch.float64)
            row_max = ref.abs().max(dim=1, keepdim=True).values
            worst = max(worst, float(((y - ref).abs() / row_max).max()))
        print(f"cross-check sh 0.6.0 vs 0.4.4 fixture: max abs diff / max |Y| of the vector {worst:.3g}")
    wd = os.path.join(out, "wigner_d_e3nn.json")
    if os.path.exists(wd):
        with open(wd) as f:
            d = json.load(f)
        worst = 0.0
        for r in d["rotations"]:
            a, b, c = (torch.tensor(t, dtype=torch.float64) for t in r["angles"])
            for l, ref in enumerate(r["D"]):
                worst = max(worst, float((o3.wigner_D(l, a, b, c) - torch.tensor(ref, dtype=torch.float64)).abs().max()))
        print(f"cross-check wigner_D 0.6.0 vs 0.4.4 fixture: max abs diff {worst:.3g}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--e3nn-version-check", choices=["0.4.4", "0.6.0"], help="which e3nn this process must import")
    ap.add_argument("--out", required=True, help="fixture directory, e.g. crates/core/tests/fixtures")
    ap.add_argument("--sympy", action="store_true", help="also write cg_sympy.json")
    ap.add_argument("--check-sign-rule", nargs="?", const="", default=None, metavar="CONSTANTS_PT",
                    help="(0.6.0 run) check the 0.4.4 sign rule against the 0.4.4 JSON and, if given, "
                         "e3nn 0.4.4's constants.pt")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    if args.e3nn_version_check:
        import torch
        torch.set_default_dtype(torch.float64)
        torch.manual_seed(SEED)
        import e3nn
        from e3nn import o3

        if e3nn.__version__ != args.e3nn_version_check:
            sys.exit(f"imported e3nn {e3nn.__version__} from {e3nn.__file__}, expected {args.e3nn_version_check} "
                     "(for 0.4.4 set PYTHONPATH to the --target directory)")
        ver = e3nn.__version__
        make_3j(torch, o3, ver, args.out)
        if ver == "0.4.4":
            make_sh(torch, o3, ver, args.out)
            make_wigner_d(torch, o3, ver, args.out)
            make_rotations(torch, o3, ver, args.out)
        else:
            cross_check_060(torch, o3, args.out)
            if args.check_sign_rule is not None:
                check_sign_rule(torch, o3, args.out, args.check_sign_rule or None)
    if args.sympy:
        make_cg(args.out)
    validate(args.out)


if __name__ == "__main__":
    main()
