//! ACE descriptors (ν = 3, l_max = 3, n_max = 8, Bessel, r_cut 5 Å) of aspirin (21 atoms) and of a 256-atom
//! periodic fcc copper cell, without and with forces (forces of a linear model with random coefficients,
//! by the adjoint), against the atomic basis A alone measured in the same run; plus building the basis.
//!
//! `cargo bench -p multiace-core --bench ace -- --warm-up-time 1 --measurement-time 5`

use criterion::{criterion_group, criterion_main, Criterion};
use multiace_core::ace::{
    atomic_basis_of_structure, descriptors, AceBasis, AceSpec, LinearAce, RadialBasis, RadialKind,
};
use multiace_core::so3::SplitMix64;
use multiace_core::structure::{read_xyz, Structure};
use std::hint::black_box;

fn basis(species: Vec<String>) -> AceBasis {
    AceBasis::new(AceSpec {
        species,
        radial: RadialBasis::new(RadialKind::Bessel, 8, 5.0).unwrap(),
        l_max: 3,
        max_order: 3,
        max_degree: None,
    })
    .unwrap()
}

fn copper_256() -> Structure {
    let a = 3.61;
    let mut rng = SplitMix64::new(5);
    let mut pos = Vec::new();
    for i in 0..4 {
        for j in 0..4 {
            for k in 0..4 {
                for p in [
                    [0.0, 0.0, 0.0],
                    [0.5, 0.5, 0.0],
                    [0.5, 0.0, 0.5],
                    [0.0, 0.5, 0.5],
                ] {
                    pos.push([
                        a * (i as f64 + p[0]) + 0.05 * rng.normal(),
                        a * (j as f64 + p[1]) + 0.05 * rng.normal(),
                        a * (k as f64 + p[2]) + 0.05 * rng.normal(),
                    ]);
                }
            }
        }
    }
    let mut s = Structure::new(vec!["Cu".into(); pos.len()], pos);
    s.cell = Some([
        [4.0 * a, 0.0, 0.0],
        [0.0, 4.0 * a, 0.0],
        [0.0, 0.0, 4.0 * a],
    ]);
    s.pbc = [true; 3];
    s
}

fn random_model(b: &AceBasis) -> LinearAce {
    let mut rng = SplitMix64::new(1);
    let ns = b.spec().species.len();
    LinearAce::new(
        b.clone(),
        vec![0.0; ns],
        (0..ns * b.len()).map(|_| rng.normal()).collect(),
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let aspirin = read_xyz(include_str!("../../../assets/molecules/aspirin.xyz"))
        .unwrap()
        .remove(0);
    let copper = copper_256();
    for (name, s) in [("aspirin21", &aspirin), ("cu256", &copper)] {
        let b = basis(s.species_set());
        eprintln!(
            "{name}: {} invariants per atom ({:?} by order)",
            b.len(),
            b.count_by_order()
        );
        let model = random_model(&b);
        let mut g = c.benchmark_group(format!("ace_nu3_l3_n8/{name}"));
        g.sample_size(10);
        // the in-run reference: the atomic basis A alone (neighbour list + one-particle basis)
        g.bench_function("atomic_basis_only", |bch| {
            bch.iter(|| atomic_basis_of_structure(&b, black_box(s)).unwrap())
        });
        g.bench_function("descriptors", |bch| {
            bch.iter(|| descriptors(&b, black_box(s)).unwrap())
        });
        g.bench_function("energy_forces", |bch| {
            bch.iter(|| model.energy_forces(black_box(s)).unwrap())
        });
        g.finish();
    }
    let mut g = c.benchmark_group("ace_basis_construction");
    g.sample_size(10);
    g.bench_function("cu_nu3_l3_n8", |bch| bch.iter(|| basis(vec!["Cu".into()])));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
