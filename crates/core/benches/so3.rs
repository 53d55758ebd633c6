//! Benchmarks of the SO(3) kernels. Reference points on the development machine (single thread, f64,
//! 100,000 vectors): sphericart ≈ 0.6 ms at lmax 3 and ≈ 4.3 ms at lmax 6 (`tools/bench_sh_reference.py`).
//!
//! Run: `cargo bench -p multiace-core -- --warm-up-time 1 --measurement-time 3`.

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
        c.bench_function(&format!("sh lmax={lmax} 100k vectors"), |b| {
            b.iter(|| calc.compute(black_box(&xyz), black_box(&mut out)))
        });
        c.bench_function(&format!("sh+grad lmax={lmax} 100k vectors"), |b| {
            b.iter(|| {
                calc.compute_with_grad(black_box(&xyz), black_box(&mut out), black_box(&mut grad))
            })
        });
    }
}

fn wigner(c: &mut Criterion) {
    for (l1, l2, l3) in [(2usize, 3usize, 4usize), (4, 4, 4)] {
        c.bench_function(&format!("wigner_3j({l1},{l2},{l3})"), |b| {
            b.iter(|| so3::wigner_3j(black_box(l1), black_box(l2), black_box(l3)))
        });
    }
    let r = so3::angles_to_matrix(0.3, 1.1, -2.0);
    for l in [3usize, 6] {
        c.bench_function(&format!("wigner_d l={l}"), |b| {
            b.iter(|| so3::wigner_d_from_matrix(black_box(l), black_box(&r)))
        });
    }
}

criterion_group!(benches, spherical_harmonics, wigner);
criterion_main!(benches);
