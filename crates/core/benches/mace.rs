//! MACE energy and forces on the systems of `tools/bench_mace_torch.py`, so the two compare directly
//! (same structures, same models, float64, one thread here):
//!
//! * `ethanol` (9 atoms) and `aspirin` (21 atoms) with the trained model `assets/models/mace_ethanol`;
//! * `cu_64` and `cu_512` (periodic, rattled fcc) with a random copper model of the same
//!   hyperparameters (`benches/data/mace_cu.safetensors`, from `tools/make_mace_bench_models.py`).
//!
//! Each system: `energy` (forward only), `energy_forces` (forward + backward), and `neighbours` (the
//! neighbour list alone, the in-run reference).
//!
//! ```text
//! cargo bench -p multiace-core --bench mace -- --warm-up-time 1 --measurement-time 5
//! PYTHONPATH=/opt/macepkgs:/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 /opt/mavenv/bin/python -W ignore tools/bench_mace_torch.py
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use multiace_core::mace::{EvalOptions, MaceModel};
use multiace_core::structure::{neighbour_list, read_xyz};

fn read(path: &str) -> Vec<u8> {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn bench(c: &mut Criterion) {
    let systems = [
        (
            "ethanol",
            "../../assets/molecules/ethanol.xyz",
            "../../assets/models/mace_ethanol.safetensors",
        ),
        (
            "aspirin",
            "../../assets/molecules/aspirin.xyz",
            "../../assets/models/mace_ethanol.safetensors",
        ),
        (
            "cu_64",
            "benches/data/cu_64.xyz",
            "benches/data/mace_cu.safetensors",
        ),
        (
            "cu_512",
            "benches/data/cu_512.xyz",
            "benches/data/mace_cu.safetensors",
        ),
    ];
    for (name, xyz, model) in systems {
        let model = MaceModel::from_safetensors(&read(model)).expect("model");
        let text = String::from_utf8(read(xyz)).expect("utf-8");
        let s = read_xyz(&text).expect("xyz").remove(0);
        let mut ws = model.workspace();
        let mut group = c.benchmark_group(format!("mace/{name}"));
        if name == "cu_512" {
            group.sample_size(20);
        }
        group.bench_function("neighbours", |b| {
            b.iter(|| neighbour_list(black_box(&s), model.r_max()).expect("list"))
        });
        let energy_only = EvalOptions {
            forces: false,
            ..EvalOptions::default()
        };
        group.bench_function("energy", |b| {
            b.iter(|| {
                model
                    .evaluate(black_box(&s), &mut ws, energy_only)
                    .expect("energy")
                    .energy
            })
        });
        group.bench_function("energy_forces", |b| {
            b.iter(|| {
                model
                    .evaluate(black_box(&s), &mut ws, EvalOptions::default())
                    .expect("forces")
                    .energy
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
