//! Benchmarks of the SO(3) kernels, one criterion group per routine so that a filter picks a family:
//! `sh/values/lmax3`, `sh/values+grad/lmax6`, `wigner_3j/2_3_4`, `wigner_d/l6`, …
//!
//! The spherical-harmonics groups mirror `tools/bench_sh_reference.py` (single thread, f64, 100,000
//! vectors with standard-normal components, normalised, values into a preallocated buffer), so that
//! their times compare directly with sphericart's and e3nn's printed by that script. Run both back to
//! back on an idle machine:
//!
//! ```text
//! cargo bench -p multiace-core --bench so3 -- --warm-up-time 1 --measurement-time 3
//! OMP_NUM_THREADS=1 /opt/mavenv/bin/python -W ignore tools/bench_sh_reference.py
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use multiace_core::so3::{self, Normalization, ShCalculator, SplitMix64};

const N: usize = 100_000;

fn vectors() -> Vec<[f64; 3]> {
    let mut rng = SplitMix64::new(42);
    (0..N)
        .map(|_| [rng.normal(), rng.normal(), rng.normal()])
        .collect()
}

fn spherical_harmonics(c: &mut Criterion) {
    let xyz = vectors();
    for lmax in [3usize, 6] {
        let n = so3::sh_len(lmax);
        let mut out = vec![0.0; N * n];
        let mut grad = vec![[0.0; 3]; N * n];
        let mut calc = ShCalculator::new(lmax, Normalization::Component, true);
        c.benchmark_group("sh/values")
            .bench_function(format!("lmax{lmax}"), |b| {
                b.iter(|| calc.compute(black_box(&xyz), black_box(&mut out)))
            });
        c.benchmark_group("sh/values+grad")
            .bench_function(format!("lmax{lmax}"), |b| {
                b.iter(|| {
                    calc.compute_with_grad(
                        black_box(&xyz),
                        black_box(&mut out),
                        black_box(&mut grad),
                    )
                })
            });
    }
}

fn wigner(c: &mut Criterion) {
    let mut group = c.benchmark_group("wigner_3j");
    for (l1, l2, l3) in [(2usize, 3usize, 4usize), (4, 4, 4)] {
        group.bench_function(format!("{l1}_{l2}_{l3}"), |b| {
            b.iter(|| so3::wigner_3j(black_box(l1), black_box(l2), black_box(l3)))
        });
    }
    group.finish();
    let r = so3::angles_to_matrix(0.3, 1.1, -2.0);
    let mut group = c.benchmark_group("wigner_d");
    for l in [3usize, 6] {
        group.bench_function(format!("l{l}"), |b| {
            b.iter(|| so3::wigner_d_from_matrix(black_box(l), black_box(&r)))
        });
    }
    group.finish();
}

criterion_group!(benches, spherical_harmonics, wigner);
criterion_main!(benches);
