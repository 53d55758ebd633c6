//! MACE against mace-torch 0.3.16: six random-weight float64 models (max_ell 1–3, correlation 1–3,
//! one to three layers, MACE and ScaleShiftMACE, four species sets) on five structures each,
//! molecules and periodic cells (`tools/make_mace_fixtures.py`), and six more at the edges of what
//! the loader accepts: one interaction, scalar features, correlation 1, radial networks of width 1–4,
//! 1o and 1e features together, four elements on periodic cells (`tools/make_mace_edge_fixtures.py`).

use multiace_core::mace::{EvalOptions, MaceModel};
use multiace_core::structure::{chemical_symbol, Structure};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    models: Vec<ModelCase>,
}

#[derive(Deserialize)]
struct ModelCase {
    k: usize,
    file: String,
    structures: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    numbers: Vec<u8>,
    positions: Vec<[f64; 3]>,
    cell: Option<[[f64; 3]; 3]>,
    pbc: [bool; 3],
    num_edges: usize,
    energy: f64,
    interaction_energy: f64,
    forces: Vec<[f64; 3]>,
    node_energy: Vec<f64>,
}

fn read_fixture(name: &str) -> Fixture {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Both fixture files' models, each with its file name for messages.
fn fixture() -> Fixture {
    let mut models = read_fixture("mace_parity.json").models;
    models.extend(read_fixture("mace_edge_parity.json").models);
    Fixture { models }
}

fn structure(c: &Case) -> Structure {
    let species = c
        .numbers
        .iter()
        .map(|&z| chemical_symbol(z).unwrap().to_string())
        .collect();
    let mut s = Structure::new(species, c.positions.clone());
    if c.pbc.iter().any(|&p| p) {
        s.cell = c.cell;
        s.pbc = c.pbc;
    }
    s
}

#[test]
fn energies_and_forces_match_mace_torch() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
    let mut worst = (0.0f64, 0.0f64, 0.0f64);
    for m in fixture().models {
        let bytes = std::fs::read(format!("{root}{}", m.file)).unwrap();
        let model =
            MaceModel::from_safetensors(&bytes).unwrap_or_else(|e| panic!("model {}: {e}", m.k));
        let mut ws = model.workspace();
        for c in &m.structures {
            let out = model
                .evaluate(&structure(c), &mut ws, EvalOptions::default())
                .unwrap();
            let tag = format!("{} / {}", m.file, c.name);
            assert_eq!(out.edges, c.num_edges, "{tag}: edges");
            let e_rel = (out.energy - c.energy).abs() / c.energy.abs();
            let ei_rel = (out.interaction_energy - c.interaction_energy).abs()
                / c.interaction_energy.abs().max(1e-3);
            let f_scale = c
                .forces
                .iter()
                .flatten()
                .fold(0.0f64, |a, b| a.max(b.abs()));
            let f_err = out
                .forces
                .iter()
                .flatten()
                .zip(c.forces.iter().flatten())
                .fold(0.0f64, |a, (x, y)| a.max((x - y).abs()));
            let f_rel = f_err / f_scale;
            let n_err = out
                .energies
                .iter()
                .zip(&c.node_energy)
                .fold(0.0f64, |a, (x, y)| a.max((x - y).abs()));
            println!(
                "{tag}: E {:.3e}  E_int {:.3e}  F {:.3e}  node {:.3e}",
                e_rel, ei_rel, f_rel, n_err
            );
            assert!(
                e_rel < 1e-12,
                "{tag}: energy {} vs {}",
                out.energy,
                c.energy
            );
            assert!(
                ei_rel < 1e-8,
                "{tag}: interaction energy {} vs {}",
                out.interaction_energy,
                c.interaction_energy
            );
            assert!(
                f_rel < 1e-8,
                "{tag}: forces off by {f_err} (max |F| {f_scale})"
            );
            assert!(n_err < 1e-8, "{tag}: site energies off by {n_err}");
            worst = (worst.0.max(e_rel), worst.1.max(ei_rel), worst.2.max(f_rel));
        }
    }
    println!(
        "worst relative: energy {:.2e}, interaction energy {:.2e}, forces {:.2e}",
        worst.0, worst.1, worst.2
    );
}

#[derive(Deserialize)]
struct BenchSystem {
    structure: String,
    model: String,
    edges: usize,
    energy: f64,
    forces_atom0: [f64; 3],
    sum_forces_squared: f64,
}

#[derive(Deserialize)]
struct BenchEnergies {
    systems: std::collections::BTreeMap<String, BenchSystem>,
}

/// The benchmark systems (`tools/bench_mace_torch.py`): the trained model on ethanol and aspirin, a
/// random one-species copper model of the same hyperparameters on 64- and 512-atom periodic cells.
#[test]
fn benchmark_systems_match_mace_torch() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/data/energies.json");
    let data: BenchEnergies =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(data.systems.len(), 4);
    for (name, sys) in data.systems {
        let model =
            MaceModel::from_safetensors(&std::fs::read(format!("{root}{}", sys.model)).unwrap())
                .unwrap();
        let text = std::fs::read_to_string(format!("{root}{}", sys.structure)).unwrap();
        let s = multiace_core::structure::read_xyz(&text).unwrap().remove(0);
        let out = model
            .evaluate(&s, &mut model.workspace(), EvalOptions::default())
            .unwrap();
        assert_eq!(out.edges, sys.edges, "{name}");
        assert!(
            (out.energy - sys.energy).abs() < 1e-12 * sys.energy.abs(),
            "{name}: {} vs {}",
            out.energy,
            sys.energy
        );
        let f2: f64 = out.forces.iter().flatten().map(|f| f * f).sum();
        assert!(
            (f2 - sys.sum_forces_squared).abs() < 1e-9 * sys.sum_forces_squared,
            "{name}: Σ F² {f2}"
        );
        for c in 0..3 {
            assert!(
                (out.forces[0][c] - sys.forces_atom0[c]).abs() < 1e-12,
                "{name}: F_0"
            );
        }
    }
}

/// The generalised Clebsch–Gordan tensors rebuilt in Rust equal mace-torch's `U_matrix_real`, as
/// stored in every fixture model (ν = 1–3, l up to 3, outputs 0e to 3o).
#[test]
fn u_matrices_equal_mace_torch() {
    use multiace_core::mace::u_matrix_real;
    use multiace_core::so3::{Irrep, Irreps};
    use safetensors::SafeTensors;
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
    let mut compared = 0;
    for m in fixture().models {
        let bytes = std::fs::read(format!("{root}{}", m.file)).unwrap();
        let (_, header) = SafeTensors::read_metadata(&bytes).unwrap();
        let meta: serde_json::Value =
            serde_json::from_str(&header.metadata().as_ref().unwrap()["multiace"]).unwrap();
        let st = SafeTensors::deserialize(&bytes).unwrap();
        for product in meta["products"].as_array().unwrap() {
            let coupling: Irreps = product["irreps_in"].as_str().unwrap().parse().unwrap();
            let coupling: Vec<Irrep> = coupling.0.iter().map(|t| t.ir).collect();
            for c in product["contractions"].as_array().unwrap() {
                let ir_out: Irrep = c["irrep_out"].as_str().unwrap().parse().unwrap();
                for (nu, u) in c["U_matrices"].as_object().unwrap() {
                    let name = u["tensor"].as_str().unwrap();
                    let view = st.tensor(name).unwrap();
                    let expected: Vec<f64> = view
                        .data()
                        .chunks_exact(8)
                        .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
                        .collect();
                    let (ours, shape) = u_matrix_real(&coupling, ir_out, nu.parse().unwrap());
                    assert_eq!(shape, view.shape(), "{name}");
                    let err = ours
                        .iter()
                        .zip(&expected)
                        .fold(0.0f64, |a, (x, y)| a.max((x - y).abs()));
                    assert!(err < 1e-13, "{name}: {err:e}");
                    compared += 1;
                }
            }
        }
    }
    assert!(compared >= 40, "{compared}");
}

#[derive(Deserialize)]
struct Overflow {
    file: String,
    mace_torch_energy: String,
}

#[derive(Deserialize)]
struct EdgeFixture {
    overflow: Overflow,
}

/// A model whose finite weights overflow float64 (mace-torch gives a NaN energy): evaluation is an
/// error that says so, with or without forces, never a non-finite `Ok`.
#[test]
fn an_overflowing_model_is_an_error_not_a_number() {
    use multiace_core::mace::MaceError;
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/mace_edge_parity.json"
    );
    let f: EdgeFixture = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(f
        .overflow
        .mace_torch_energy
        .parse::<f64>()
        .is_ok_and(|e| !e.is_finite()));
    let model =
        MaceModel::from_safetensors(&std::fs::read(format!("{root}{}", f.overflow.file)).unwrap())
            .unwrap();
    let s = structure(&fixture().models[6].structures[0]);
    for forces in [false, true] {
        let opts = EvalOptions {
            forces,
            ..EvalOptions::default()
        };
        match model.evaluate(&s, &mut model.workspace(), opts) {
            Err(e @ MaceError::NonFinite(_)) => assert!(e.to_string().contains("non-finite")),
            other => panic!("expected a non-finite error, got {other:?}"),
        }
    }
}

/// With threads (the `parallel` feature, as the command line builds the core), a 512-atom cell gives
/// the numbers of one thread: the per-atom sums only change order, so they agree to rounding.
#[cfg(feature = "parallel")]
#[test]
fn threads_give_the_numbers_of_one_thread() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    let model = MaceModel::from_safetensors(
        &std::fs::read(format!("{root}benches/data/mace_cu.safetensors")).unwrap(),
    )
    .unwrap();
    let text = std::fs::read_to_string(format!("{root}benches/data/cu_512.xyz")).unwrap();
    let s = multiace_core::structure::read_xyz(&text).unwrap().remove(0);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| model.evaluate(&s, &mut model.workspace(), EvalOptions::default()))
            .unwrap()
    };
    let (one, four) = (run(1), run(4));
    assert!((one.energy - four.energy).abs() < 1e-12 * one.energy.abs());
    for (a, b) in one
        .forces
        .iter()
        .flatten()
        .zip(four.forces.iter().flatten())
    {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }
    for (a, b) in one.energies.iter().zip(&four.energies) {
        assert!((a - b).abs() < 1e-12);
    }
}
