#!/usr/bin/env python3
"""Reference timings for the Rust spherical-harmonics benches: e3nn (torch) and sphericart (numpy).

What is timed (single thread, float64, 100,000 vectors with standard-normal components, numpy seed 12345):
  - e3nn  o3.spherical_harmonics(range(lmax+1), x, normalize=True, normalization="integral")
      * "values": forward under torch.no_grad()
      * "with grad": forward + one backward pass with a fixed random grad_output (a vector-Jacobian
        product, which is what forces in an interatomic potential need; it does NOT build the full
        Jacobian dY_k/dx)
  - sphericart SphericalHarmonics(lmax): compute(xyz) and compute_with_gradients(xyz), the latter
    returning the full Jacobian (n, 3, (lmax+1)^2).  sphericart uses z as polar axis and its own
    ordering; that does not matter for timing.
  - e3nn o3.wigner_3j(l1, l2, l3) and o3.wigner_D(l, a, b, c) construction (cold = caches cleared,
    for e3nn >= 0.5 which caches its Clebsch-Gordan tensors; 0.4.4 reads a precomputed table).
Each figure is the median over --runs runs (default 25) after 10 warm-up runs (TorchScript specialises during the first calls).  The machine is shared,
so treat them as +-20 %.

Run (venv as in tools/make_so3_fixtures.py):
    /opt/mavenv/bin/python tools/bench_sh_reference.py                      # e3nn 0.6.0
    PYTHONPATH=/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 \\
        /opt/mavenv/bin/python tools/bench_sh_reference.py --skip-sphericart  # e3nn 0.4.4
Prints a table and, with --json PATH, writes the figures as JSON.
"""

import os

# Single thread for every backend; must be set before numpy / torch / sphericart are imported.
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

N_VECTORS = 100_000
SEED = 12345


def median_time(fn, runs, warmup=10):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main():
    ap = argparse.ArgumentParser(description="e3nn / sphericart spherical-harmonics timings")
    ap.add_argument("--runs", type=int, default=25)
    ap.add_argument("--skip-sphericart", action="store_true")
    ap.add_argument("--json", help="also write the results to this path")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    import e3nn
    from e3nn import o3

    rng = np.random.default_rng(SEED)
    xyz = rng.standard_normal((N_VECTORS, 3))
    results = {
        "machine": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "e3nn": e3nn.__version__,
        "n_vectors": N_VECTORS,
        "distribution": f"standard normal components, numpy default_rng({SEED})",
        "threads": 1,
        "runs": args.runs,
        "sh": [],
        "wigner": [],
    }

    x = torch.from_numpy(xyz.copy())
    for lmax in (3, 6):
        ls = list(range(lmax + 1))
        with torch.no_grad():
            t = median_time(lambda: o3.spherical_harmonics(ls, x, normalize=True, normalization="integral"), args.runs)
        results["sh"].append({"lib": f"e3nn {e3nn.__version__}", "lmax": lmax, "grad": False, "ms": t * 1e3})

        xg = x.clone().requires_grad_(True)
        gout = torch.from_numpy(np.random.default_rng(SEED + lmax).standard_normal((N_VECTORS, (lmax + 1) ** 2)))

        def fwd_bwd():
            y = o3.spherical_harmonics(ls, xg, normalize=True, normalization="integral")
            (g,) = torch.autograd.grad(y, xg, gout)
            return g

        t = median_time(fwd_bwd, args.runs)
        results["sh"].append({"lib": f"e3nn {e3nn.__version__}", "lmax": lmax, "grad": "vjp", "ms": t * 1e3})

    if not args.skip_sphericart:
        import sphericart

        from importlib.metadata import version

        results["sphericart"] = version("sphericart")
        for lmax in (3, 6):
            calc = sphericart.SphericalHarmonics(lmax)
            t = median_time(lambda: calc.compute(xyz), args.runs)
            results["sh"].append({"lib": "sphericart", "lmax": lmax, "grad": False, "ms": t * 1e3})
            t = median_time(lambda: calc.compute_with_gradients(xyz), args.runs)
            results["sh"].append({"lib": "sphericart", "lmax": lmax, "grad": "jacobian", "ms": t * 1e3})

    import importlib

    wig = importlib.import_module("e3nn.o3._wigner")

    def clear():
        for name in ("_so3_clebsch_gordan", "_su2_clebsch_gordan"):
            f = getattr(wig, name, None)
            if f is not None and hasattr(f, "cache_clear"):
                f.cache_clear()

    for l1, l2, l3 in ((1, 1, 2), (3, 3, 6), (5, 5, 5), (8, 8, 8)):
        def cold():
            clear()
            return o3.wigner_3j(l1, l2, l3)

        t_cold = median_time(cold, args.runs)
        t_warm = median_time(lambda: o3.wigner_3j(l1, l2, l3), args.runs)
        results["wigner"].append({"what": f"wigner_3j({l1},{l2},{l3})", "cold_ms": t_cold * 1e3, "warm_ms": t_warm * 1e3})
    a, b, c = (torch.tensor(v) for v in (0.3, 1.2, -2.1))
    ab = [torch.from_numpy(np.random.default_rng(SEED + i).uniform(0, 6.28, 1000)) for i in range(3)]
    for l in (2, 6, 11):
        t1 = median_time(lambda: o3.wigner_D(l, a, b, c), args.runs)
        t2 = median_time(lambda: o3.wigner_D(l, *ab), max(5, args.runs // 5))
        results["wigner"].append({"what": f"wigner_D(l={l})", "one_rotation_ms": t1 * 1e3, "1000_rotations_ms": t2 * 1e3})

    print(f"e3nn {results['e3nn']}, torch {results['torch']}, {N_VECTORS} vectors, 1 thread, median of {args.runs}")
    print(f"{'library':<16}{'lmax':>5}{'grad':>10}{'ms':>10}{'ns/vector':>11}")
    for r in results["sh"]:
        print(f"{r['lib']:<16}{r['lmax']:>5}{str(r['grad']):>10}{r['ms']:>10.2f}{r['ms'] * 1e6 / N_VECTORS:>11.1f}")
    for r in results["wigner"]:
        print("  " + r["what"] + ": " + ", ".join(f"{k} {v:.4g}" for k, v in r.items() if k != "what"))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
