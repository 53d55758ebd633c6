//! Chapter 00's worked example, checked: e3nn's real 3j tensor for (1, 1, 1) rebuilt by hand from
//! sympy's complex Clebsch–Gordan coefficients through the complex-to-real change of basis printed in
//! the chapter, `C_{abc} = Σ Q[μ₁,a] Q[μ₂,b] conj(Q[μ₃,c]) ⟨1 μ₁ 1 μ₂ | 1 μ₃⟩`, normalised. Nothing
//! of the core's so3 module is used: the matrix is written out, the coefficients are sympy's, the
//! targets are e3nn's own tables (`tests/fixtures/`, written by `tools/make_so3_fixtures.py`).

use serde_json::Value;

/// A complex number as (re, im).
type C64 = (f64, f64);

fn mul(a: C64, b: C64) -> C64 {
    (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
}

fn conj(a: C64) -> C64 {
    (a.0, -a.1)
}

/// e3nn's `change_basis_real_to_complex(1)` including its phase (−i)¹: rows are the complex
/// μ = −1, 0, 1, columns the real components a = 0, 1, 2 in e3nn's order (s = 1/√2).
fn q1() -> [[C64; 3]; 3] {
    let s = std::f64::consts::FRAC_1_SQRT_2;
    [
        [(-s, 0.0), (0.0, 0.0), (0.0, -s)],
        [(0.0, 0.0), (0.0, -1.0), (0.0, 0.0)],
        [(-s, 0.0), (0.0, 0.0), (0.0, s)],
    ]
}

fn load(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// sympy's ⟨1 m₁ 1 m₂ | 1 m₃⟩ (0 when the fixture has no entry: m₁ + m₂ ≠ m₃).
fn sympy_cg(cg: &Value, m1: i64, m2: i64, m3: i64) -> f64 {
    cg["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            [
                ("j1", 1.0),
                ("m1", m1 as f64),
                ("j2", 1.0),
                ("m2", m2 as f64),
                ("j", 1.0),
                ("m", m3 as f64),
            ]
            .iter()
            .all(|(k, v)| e[*k].as_f64() == Some(*v))
        })
        .map_or(0.0, |e| e["value"].as_f64().unwrap())
}

/// e3nn's table entry for (1, 1, 1), row-major 3 × 3 × 3.
fn e3nn_111(file: &str) -> Vec<f64> {
    let v = load(file);
    let entry = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["l1"] == 1 && e["l2"] == 1 && e["l3"] == 1)
        .unwrap()
        .clone();
    entry["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn e3nn_real_3j_111_is_sympys_complex_cg_in_the_real_basis() {
    let cg = load("cg_sympy.json");
    let q = q1();
    let mut real = vec![0.0; 27];
    let mut largest_imaginary: f64 = 0.0;
    for a in 0..3 {
        for b in 0..3 {
            for c in 0..3 {
                let mut sum = (0.0, 0.0);
                for m1 in -1i64..=1 {
                    for m2 in -1i64..=1 {
                        let m3 = m1 + m2;
                        if m3.abs() > 1 {
                            continue;
                        }
                        let w = sympy_cg(&cg, m1, m2, m3);
                        let z = mul(
                            mul(q[(m1 + 1) as usize][a], q[(m2 + 1) as usize][b]),
                            conj(q[(m3 + 1) as usize][c]),
                        );
                        sum = (sum.0 + w * z.0, sum.1 + w * z.1);
                    }
                }
                real[(a * 3 + b) * 3 + c] = sum.0;
                largest_imaginary = largest_imaginary.max(sum.1.abs());
            }
        }
    }
    // With the phase (−i)^l in Q the result is real; without it, it would be purely imaginary.
    assert!(
        largest_imaginary < 1e-15,
        "imaginary part {largest_imaginary:e}"
    );
    let norm = real.iter().map(|x| x * x).sum::<f64>().sqrt();
    real.iter_mut().for_each(|x| *x /= norm);
    // The tensor is the Levi-Civita symbol over √6: C[0,1,2] = +1/√6.
    assert!(
        (real[5] - 1.0 / 6f64.sqrt()).abs() < 1e-15,
        "C[0,1,2] = {}",
        real[5]
    );
    for file in ["wigner_3j_e3nn_0.4.4.json", "wigner_3j_e3nn_0.6.0.json"] {
        let want = e3nn_111(file);
        let err = real
            .iter()
            .zip(&want)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max);
        assert!(err < 1e-15, "{file}: max difference {err:e}");
    }
}
