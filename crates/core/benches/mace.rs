//! MACE energy and forces on the systems of `tools/bench_mace_torch.py`, so the two compare directly
//! (same structures, same models, float64):
//!
//! * `ethanol` (9 atoms) and `aspirin` (21 atoms) with the trained model `assets/models/mace_ethanol`;
//! * `cu_64` and `cu_512` (periodic, rattled fcc) with a random copper model of the same
//!   hyperparameters (`benches/data/mace_cu.safetensors`, from `tools/make_mace_bench_models.py`);
//! * `scaling/cu_tiled_N`: `cu_64` repeated along its cell vectors (N = 64 … 4096), as
//!   `ase.Atoms.repeat` tiles it on the Python side, for the cost per atom against N.
//!
//! Each system: `energy` (forward only), `energy_forces` (forward + backward), and `neighbours` (the
//! neighbour list alone, the in-run reference). With the `parallel` feature every evaluation runs
//! inside a rayon pool of a fixed size: `…_1t` on one thread, `…_2t` on two.
//!
//! ```text
//! scripts/bench-mace.sh          # this bench and mace-torch's, in one run, with the table of ratios
//! cargo bench -p multiace-core --features parallel --bench mace -- --warm-up-time 1 --measurement-time 5
//! ```

use criterion::measurement::WallTime;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkGroup, Criterion};
use multiace_core::mace::{EvalOptions, MaceModel};
use multiace_core::structure::{neighbour_list, read_xyz, Structure};

fn read(path: &str) -> Vec<u8> {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// Thread counts to time: one, and two when the pool can run threads.
fn thread_counts() -> Vec<usize> {
    if cfg!(feature = "parallel") {
        vec![1, 2]
    } else {
        vec![1]
    }
}

/// A pool of exactly `threads` threads, so `parallel_for` sees that count. Each timed call goes
/// through `install` (a hand-off of a few µs, below 1 % of the smallest system's time).
#[cfg(feature = "parallel")]
struct Threads(rayon::ThreadPool);
#[cfg(not(feature = "parallel"))]
struct Threads;

impl Threads {
    fn new(threads: usize) -> Self {
        #[cfg(feature = "parallel")]
        {
            Threads(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .expect("thread pool"),
            )
        }
        #[cfg(not(feature = "parallel"))]
        {
            let _ = threads;
            Threads
        }
    }

    fn run<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        #[cfg(feature = "parallel")]
        {
            self.0.install(f)
        }
        #[cfg(not(feature = "parallel"))]
        {
            f()
        }
    }
}

/// `energy` and `energy_forces` of `s`, at every thread count (ids `…_1t`, `…_2t`).
fn bench_model(
    group: &mut BenchmarkGroup<WallTime>,
    model: &MaceModel,
    s: &Structure,
    forward_too: bool,
) {
    let mut ws = model.workspace();
    for threads in thread_counts() {
        let pool = Threads::new(threads);
        for forces in [false, true] {
            if !forces && !forward_too {
                continue;
            }
            let options = EvalOptions {
                forces,
                ..EvalOptions::default()
            };
            let id = if forces { "energy_forces" } else { "energy" };
            group.bench_function(format!("{id}_{threads}t"), |b| {
                b.iter(|| {
                    pool.run(|| model.evaluate(black_box(s), &mut ws, options))
                        .expect("evaluate")
                        .energy
                })
            });
        }
    }
}

/// `s` repeated `k[0] × k[1] × k[2]` times along its cell vectors, atoms in ASE's `repeat` order.
fn tiled(s: &Structure, k: [usize; 3]) -> Structure {
    let cell = s.cell.expect("a periodic cell");
    let mut species = Vec::new();
    let mut positions = Vec::new();
    for i in 0..k[0] {
        for j in 0..k[1] {
            for l in 0..k[2] {
                let shift: [f64; 3] = std::array::from_fn(|d| {
                    i as f64 * cell[0][d] + j as f64 * cell[1][d] + l as f64 * cell[2][d]
                });
                species.extend(s.species.iter().cloned());
                positions.extend(
                    s.positions
                        .iter()
                        .map(|p| std::array::from_fn(|d| p[d] + shift[d])),
                );
            }
        }
    }
    let mut out = Structure::new(species, positions);
    out.cell = Some(std::array::from_fn(|a| {
        std::array::from_fn(|d| cell[a][d] * k[a] as f64)
    }));
    out.pbc = s.pbc;
    out
}

/// The repeats of `cu_64` for the scaling run; tools/bench_mace_torch.py uses the same list.
const TILINGS: [[usize; 3]; 7] = [
    [1, 1, 1],
    [2, 1, 1],
    [2, 2, 1],
    [2, 2, 2],
    [4, 2, 2],
    [4, 4, 2],
    [4, 4, 4],
];

fn read_structure(path: &str) -> Structure {
    let text = String::from_utf8(read(path)).expect("utf-8");
    read_xyz(&text).expect("xyz").remove(0)
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
        let s = read_structure(xyz);
        let mut group = c.benchmark_group(format!("mace/{name}"));
        if name == "cu_512" {
            group.sample_size(20);
        }
        group.bench_function("neighbours", |b| {
            b.iter(|| neighbour_list(black_box(&s), model.r_max()).expect("list"))
        });
        bench_model(&mut group, &model, &s, true);
        group.finish();
    }
}

/// Energy and forces against N, for a cost per atom that must stay flat (linear scaling).
fn scaling(c: &mut Criterion) {
    if std::env::var_os("MACE_BENCH_SCALING").is_none() {
        return;
    }
    let model =
        MaceModel::from_safetensors(&read("benches/data/mace_cu.safetensors")).expect("model");
    let cu = read_structure("benches/data/cu_64.xyz");
    for k in TILINGS {
        let s = tiled(&cu, k);
        let mut group = c.benchmark_group(format!("mace_scaling/cu_tiled_{}", s.positions.len()));
        group.sample_size(10);
        bench_model(&mut group, &model, &s, false);
        group.finish();
    }
}

criterion_group!(benches, bench, scaling);
criterion_main!(benches);
