//! Benchmarks of the neighbour lists: cell lists (what `neighbour_list` picks for these sizes) against
//! the brute force, on a 256-atom fcc Cu cell (a = 3.61 Å, 4×4×4 conventional cells, 5 Å: 42
//! neighbours per atom) and a random periodic 4000-atom box at the density of liquid argon-like
//! matter (0.085 Å⁻³, 5 Å). The `small` group finds the size below which the brute force wins,
//! which sets `BRUTE_FORCE_PAIRS` in `neighbours.rs`.
//!
//! ```text
//! cargo bench -p multiace-core --bench structure -- --warm-up-time 1 --measurement-time 3
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use multiace_core::so3::SplitMix64;
use multiace_core::structure::{neighbour_list, neighbour_list_brute_force, Structure};

fn fcc_cu(reps: usize) -> Structure {
    let a = 3.61;
    let basis = [
        [0.0, 0.0, 0.0],
        [0.5, 0.5, 0.0],
        [0.5, 0.0, 0.5],
        [0.0, 0.5, 0.5],
    ];
    let mut positions = Vec::new();
    for x in 0..reps {
        for y in 0..reps {
            for z in 0..reps {
                for b in basis {
                    positions.push([
                        (x as f64 + b[0]) * a,
                        (y as f64 + b[1]) * a,
                        (z as f64 + b[2]) * a,
                    ]);
                }
            }
        }
    }
    let n = positions.len();
    let l = reps as f64 * a;
    let mut s = Structure::new(vec!["Cu".into(); n], positions);
    s.cell = Some([[l, 0.0, 0.0], [0.0, l, 0.0], [0.0, 0.0, l]]);
    s.pbc = [true; 3];
    s
}

fn random_box(n: usize, density: f64, periodic: bool, seed: u64) -> Structure {
    let mut rng = SplitMix64::new(seed);
    let l = (n as f64 / density).cbrt();
    let positions = (0..n).map(|_| [0; 3].map(|_| l * rng.next_f64())).collect();
    let mut s = Structure::new(vec!["Ar".into(); n], positions);
    if periodic {
        s.cell = Some([[l, 0.0, 0.0], [0.0, l, 0.0], [0.0, 0.0, l]]);
        s.pbc = [true; 3];
    }
    s
}

fn large(c: &mut Criterion) {
    for (name, s) in [
        ("fcc256", fcc_cu(4)),
        ("box4000", random_box(4000, 0.085, true, 7)),
    ] {
        let mut group = c.benchmark_group(format!("neighbours/{name}"));
        group.sample_size(10);
        group.bench_function("cell_list", |b| {
            b.iter(|| neighbour_list(black_box(&s), 5.0).expect("valid"))
        });
        group.bench_function("brute_force", |b| {
            b.iter(|| neighbour_list_brute_force(black_box(&s), 5.0).expect("valid"))
        });
        group.finish();
    }
}

fn small(c: &mut Criterion) {
    let mut group = c.benchmark_group("neighbours/small");
    for n in [8usize, 16, 32, 64, 128] {
        let molecule = random_box(n, 0.1, false, n as u64);
        group.bench_function(format!("molecule{n}/auto"), |b| {
            b.iter(|| neighbour_list(black_box(&molecule), 4.0).expect("valid"))
        });
        group.bench_function(format!("molecule{n}/brute_force"), |b| {
            b.iter(|| neighbour_list_brute_force(black_box(&molecule), 4.0).expect("valid"))
        });
    }
    for n in [32usize, 64, 128, 256] {
        let periodic = random_box(n, 0.085, true, n as u64);
        group.bench_function(format!("box{n}/auto"), |b| {
            b.iter(|| neighbour_list(black_box(&periodic), 5.0).expect("valid"))
        });
        group.bench_function(format!("box{n}/brute_force"), |b| {
            b.iter(|| neighbour_list_brute_force(black_box(&periodic), 5.0).expect("valid"))
        });
    }
    for reps in [1usize, 2, 3] {
        let cu = fcc_cu(reps);
        group.bench_function(format!("fcc{}/auto", cu.len()), |b| {
            b.iter(|| neighbour_list(black_box(&cu), 5.0).expect("valid"))
        });
        group.bench_function(format!("fcc{}/brute_force", cu.len()), |b| {
            b.iter(|| neighbour_list_brute_force(black_box(&cu), 5.0).expect("valid"))
        });
    }
    group.finish();
}

criterion_group!(benches, large, small);
criterion_main!(benches);
