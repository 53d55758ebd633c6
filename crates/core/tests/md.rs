//! Molecular dynamics: energy conservation and time reversibility of velocity Verlet (a Lennard-Jones
//! argon cluster, and a linear ACE fitted to ethanol), the Maxwell–Boltzmann draw, the Langevin and
//! Berendsen thermostats on a harmonic system, and the errors a widget can provoke.

use multiace_core::ace::{fit, AceBasis, AceSpec, FitOptions, RadialBasis, RadialKind};
use multiace_core::md::{
    kinetic_energy, maxwell_boltzmann, scale_to_temperature, temperature, MdError, Potential,
    Thermostat, VelocityVerlet,
};
use multiace_core::so3::SplitMix64;
use multiace_core::structure::{atomic_mass, read_xyz, Structure};

/// Lennard-Jones over all pairs, no cutoff (an isolated cluster, so the energy is smooth everywhere).
struct LennardJones {
    epsilon: f64,
    sigma: f64,
}

impl Potential for LennardJones {
    fn energy_forces(&mut self, s: &Structure) -> Result<(f64, Vec<[f64; 3]>), String> {
        let n = s.len();
        let mut e = 0.0;
        let mut f = vec![[0.0; 3]; n];
        for i in 0..n {
            for j in i + 1..n {
                let d: [f64; 3] = std::array::from_fn(|c| s.positions[j][c] - s.positions[i][c]);
                let r2 = d.iter().map(|x| x * x).sum::<f64>();
                let sr6 = (self.sigma * self.sigma / r2).powi(3);
                e += 4.0 * self.epsilon * (sr6 * sr6 - sr6);
                // F_j = −dE/dr_j = 24 ε (2 sr¹² − sr⁶) d / r².
                let g = 24.0 * self.epsilon * (2.0 * sr6 * sr6 - sr6) / r2;
                for c in 0..3 {
                    f[j][c] += g * d[c];
                    f[i][c] -= g * d[c];
                }
            }
        }
        Ok((e, f))
    }
}

/// Harmonic springs ½ k (r − r₀)² between listed pairs.
struct Springs {
    k: f64,
    bonds: Vec<(usize, usize, f64)>,
}

impl Potential for Springs {
    fn energy_forces(&mut self, s: &Structure) -> Result<(f64, Vec<[f64; 3]>), String> {
        let mut e = 0.0;
        let mut f = vec![[0.0; 3]; s.len()];
        for &(i, j, r0) in &self.bonds {
            let d: [f64; 3] = std::array::from_fn(|c| s.positions[j][c] - s.positions[i][c]);
            let r = d.iter().map(|x| x * x).sum::<f64>().sqrt();
            e += 0.5 * self.k * (r - r0).powi(2);
            let g = self.k * (r - r0) / r;
            for c in 0..3 {
                f[j][c] -= g * d[c];
                f[i][c] += g * d[c];
            }
        }
        Ok((e, f))
    }
}

/// Ar₁₃: a centred icosahedron of radius 3.7 Å (near the LJ minimum), slightly rattled.
fn argon13(seed: u64) -> Structure {
    let phi = (1.0 + 5f64.sqrt()) / 2.0;
    let scale = 3.7 / (1.0 + phi * phi).sqrt();
    let mut p = vec![[0.0; 3]];
    for a in [-1.0, 1.0] {
        for b in [-phi, phi] {
            p.push([0.0, a * scale, b * scale]);
            p.push([a * scale, b * scale, 0.0]);
            p.push([b * scale, 0.0, a * scale]);
        }
    }
    let mut rng = SplitMix64::new(seed);
    for r in p.iter_mut() {
        for c in r.iter_mut() {
            *c += 0.05 * rng.normal();
        }
    }
    Structure::new(vec!["Ar".into(); 13], p)
}

fn argon() -> LennardJones {
    LennardJones {
        epsilon: 0.0104,
        sigma: 3.40,
    }
}

/// A 2×2×2 cube of carbon atoms (edge 1.5 Å) with springs on all 28 pairs at their rest lengths: a
/// rigid, translation-invariant harmonic system.
fn spring_cube() -> (Structure, Springs) {
    let mut p = Vec::new();
    for i in 0..2 {
        for j in 0..2 {
            for k in 0..2 {
                p.push([1.5 * i as f64, 1.5 * j as f64, 1.5 * k as f64]);
            }
        }
    }
    let mut bonds = Vec::new();
    for i in 0..8 {
        for j in i + 1..8 {
            let r = (0..3)
                .map(|c| (p[j][c] - p[i][c]) * (p[j][c] - p[i][c]))
                .sum::<f64>()
                .sqrt();
            bonds.push((i, j, r));
        }
    }
    (
        Structure::new(vec!["C".into(); 8], p),
        Springs { k: 5.0, bonds },
    )
}

fn masses(s: &Structure) -> Vec<f64> {
    s.species.iter().map(|x| atomic_mass(x).unwrap()).collect()
}

/// Largest |E(t) − E(0)| over a run, and |E(end) − E(0)|.
fn nve_drift<P: Potential>(md: &mut VelocityVerlet, pot: &mut P, dt: f64, n: usize) -> (f64, f64) {
    let e0 = md.total_energy();
    let mut max = 0.0f64;
    for _ in 0..n {
        md.step(pot, dt).unwrap();
        max = max.max((md.total_energy() - e0).abs());
    }
    (max, (md.total_energy() - e0).abs())
}

#[test]
fn velocity_verlet_conserves_the_energy_of_an_argon_cluster() {
    let s = argon13(1);
    let v = maxwell_boltzmann(&masses(&s), 20.0, &mut SplitMix64::new(2)).unwrap();
    let mut pot = argon();
    let mut md = VelocityVerlet::new(s, v, &mut pot).unwrap();
    let ke0 = md.kinetic_energy();
    // 10,000 steps of 2 fs = 20 ps, about 20 vibrational periods of Ar₁₃ at 20 K.
    let (max, end) = nve_drift(&mut md, &mut pot, 2.0, 10_000);
    eprintln!("Ar13 NVE dt=2 fs 10k steps: KE0 {ke0:.3e} eV, max |ΔE| {max:.3e} eV, end |ΔE| {end:.3e} eV");
    // Velocity Verlet has no secular drift, only an O(dt²) oscillation: measured 3.0e-7 eV (1.6e-5 of
    // the initial kinetic energy); the bound leaves a factor ~7.
    assert!(max < 2e-6, "max |ΔE| = {max:e} eV");
    let p: [f64; 3] = std::array::from_fn(|c| {
        md.velocities()
            .iter()
            .zip(md.masses())
            .map(|(v, m)| m * v[c])
            .sum::<f64>()
    });
    assert!(p.iter().all(|x| x.abs() < 1e-12), "momentum {p:?}");
}

#[test]
fn velocity_verlet_is_time_reversible() {
    let s = argon13(3);
    let start = s.positions.clone();
    let v0 = maxwell_boltzmann(&masses(&s), 20.0, &mut SplitMix64::new(4)).unwrap();
    let mut pot = argon();
    let mut md = VelocityVerlet::new(s, v0.clone(), &mut pot).unwrap();
    let n = 2_000;
    md.run(&mut pot, 2.0, n).unwrap();
    let moved = max_diff(&md.structure().positions, &start);
    for v in md.velocities_mut() {
        for c in v.iter_mut() {
            *c = -*c;
        }
    }
    md.run(&mut pot, 2.0, n).unwrap();
    let dx = max_diff(&md.structure().positions, &start);
    let back: Vec<[f64; 3]> = md
        .velocities()
        .iter()
        .map(|v| [-v[0], -v[1], -v[2]])
        .collect();
    let dv = max_diff(&back, &v0);
    eprintln!("Ar13 reversibility, {n}+{n} steps of 2 fs: moved {moved:.3} Å, |Δr| {dx:.1e} Å, |Δv| {dv:.1e} Å/fs");
    assert!(moved > 0.1);
    assert!(dx < 1e-9 && dv < 1e-9, "|Δr| {dx:e}, |Δv| {dv:e}");
}

fn max_diff(a: &[[f64; 3]], b: &[[f64; 3]]) -> f64 {
    a.iter()
        .zip(b)
        .flat_map(|(x, y)| (0..3).map(move |c| (x[c] - y[c]).abs()))
        .fold(0.0, f64::max)
}

#[test]
fn velocity_verlet_conserves_the_energy_of_a_linear_ace_for_ethanol() {
    let train = read_xyz(include_str!("../../../assets/datasets/ethanol_train.xyz")).unwrap();
    let basis = AceBasis::new(AceSpec {
        species: vec!["H".into(), "C".into(), "O".into()],
        radial: RadialBasis::new(RadialKind::Bessel, 4, 4.5).unwrap(),
        l_max: 2,
        max_order: 2,
        max_degree: None,
    })
    .unwrap();
    let mut model = fit(basis, &train, FitOptions::default()).unwrap();
    let mol = read_xyz(include_str!("../../../assets/molecules/ethanol.xyz"))
        .unwrap()
        .remove(0);
    let v = maxwell_boltzmann(&masses(&mol), 300.0, &mut SplitMix64::new(5)).unwrap();
    let mut md = VelocityVerlet::new(mol.clone(), v.clone(), &mut model).unwrap();
    let ke0 = md.kinetic_energy();
    let (max, end) = nve_drift(&mut md, &mut model, 0.25, 2_000);
    eprintln!(
        "ethanol linear ACE NVE dt=0.25 fs 2k steps: KE0 {ke0:.3e} eV, T_end {:.0} K, max |ΔE| {max:.3e} eV, end |ΔE| {end:.3e} eV",
        md.temperature()
    );
    // Measured 2.6e-4 eV over 500 fs (0.09 % of the initial kinetic energy), no visible trend.
    assert!(max < 1e-3, "max |ΔE| = {max:e} eV");
    // The same 500 fs at half the step: Verlet's energy error is O(dt²), so ~4× smaller — a check that
    // the forces are the gradient of the energy, not just that both are smooth.
    let mut half = VelocityVerlet::new(mol, v, &mut model).unwrap();
    let (max_half, _) = nve_drift(&mut half, &mut model, 0.125, 4_000);
    eprintln!(
        "ethanol dt=0.125 fs: max |ΔE| {max_half:.3e} eV, ratio {:.2}",
        max / max_half
    );
    assert!(max / max_half > 3.0 && max / max_half < 5.0);
}

#[test]
fn maxwell_boltzmann_has_the_target_temperature_and_no_net_momentum() {
    let species = ["H", "C", "O", "Cu", "Au", "H", "N", "Ar", "Pt", "H"];
    let m: Vec<f64> = species.iter().map(|s| atomic_mass(s).unwrap()).collect();
    let mut rng = SplitMix64::new(6);
    let draws = 4000;
    let target = 300.0;
    let mut sum = 0.0;
    for _ in 0..draws {
        let v = maxwell_boltzmann(&m, target, &mut rng).unwrap();
        for c in 0..3 {
            let p: f64 = v.iter().zip(&m).map(|(v, m)| m * v[c]).sum();
            assert!(p.abs() < 1e-12);
        }
        sum += temperature(&m, &v);
    }
    let mean = sum / draws as f64;
    // One draw's temperature has relative spread √(2/27) = 0.27 (27 degrees of freedom); the mean of
    // 4000 draws, 0.43 %. Allow 4σ.
    let bound = 4.0 * target * (2.0 / 27.0f64).sqrt() / (draws as f64).sqrt();
    eprintln!("MB mean T over {draws} draws: {mean:.2} K (bound ±{bound:.2} K)");
    assert!((mean - target).abs() < bound, "{mean}");

    let mut v = maxwell_boltzmann(&m, target, &mut rng).unwrap();
    scale_to_temperature(&m, &mut v, 450.0).unwrap();
    assert!((temperature(&m, &v) - 450.0).abs() < 1e-9);
    // K = (N_f/2) k_B T with N_f = 27.
    let k = kinetic_energy(&m, &v);
    assert!((k - 13.5 * 8.617_333_262e-5 * 450.0).abs() < 1e-9 * k);
}

#[test]
fn langevin_equilibrates_a_harmonic_system_to_the_target_temperature() {
    let (s, mut pot) = spring_cube();
    let v = vec![[0.0; 3]; s.len()];
    let mut md = VelocityVerlet::new(s, v, &mut pot).unwrap();
    md.set_thermostat(
        Thermostat::Langevin {
            temperature: 300.0,
            friction: 0.05,
        },
        7,
    )
    .unwrap();
    md.run(&mut pot, 1.0, 2_000).unwrap();
    let n = 40_000;
    let mut sum = 0.0;
    for _ in 0..n {
        md.step(&mut pot, 1.0).unwrap();
        sum += md.temperature();
    }
    let mean = sum / n as f64;
    eprintln!("Langevin cube: <T> over {n} steps = {mean:.1} K (target 300)");
    assert!((mean - 300.0).abs() < 0.03 * 300.0, "{mean}");
}

#[test]
fn berendsen_moves_the_temperature_towards_the_target() {
    for (start, target) in [(50.0, 300.0), (600.0, 300.0)] {
        let (s, mut pot) = spring_cube();
        let m = masses(&s);
        let mut v = maxwell_boltzmann(&m, start, &mut SplitMix64::new(8)).unwrap();
        scale_to_temperature(&m, &mut v, start).unwrap();
        let mut md = VelocityVerlet::new(s, v, &mut pot).unwrap();
        md.set_thermostat(
            Thermostat::Berendsen {
                temperature: target,
                tau: 50.0,
            },
            0,
        )
        .unwrap();
        // Total energy E = 2·(N_f/2)k_B T at equilibrium; average T over the last 1000 of 3000 fs.
        md.run(&mut pot, 1.0, 2_000).unwrap();
        let mut sum = 0.0;
        for _ in 0..1_000 {
            md.step(&mut pot, 1.0).unwrap();
            sum += md.temperature();
        }
        let mean = sum / 1000.0;
        eprintln!("Berendsen {start} K → {target} K: <T> over 2–3 ps = {mean:.1} K");
        assert!((mean - target).abs() < 0.1 * target, "{start} → {mean}");
    }
}

/// A potential that fails when any atom crosses x = 1 Å.
struct Wall;

impl Potential for Wall {
    fn energy_forces(&mut self, s: &Structure) -> Result<(f64, Vec<[f64; 3]>), String> {
        match s.positions.iter().position(|p| p[0] > 1.0) {
            Some(i) => Err(format!("atom {i} crossed the wall")),
            None => Ok((0.0, vec![[0.0; 3]; s.len()])),
        }
    }
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let s = Structure::new(
        vec!["H".into(), "H".into()],
        vec![[0.0; 3], [0.5, 0.0, 0.0]],
    );
    let v = vec![[0.1, 0.0, 0.0], [0.1, 0.0, 0.0]];
    let mut md = VelocityVerlet::new(s.clone(), v.clone(), &mut Wall).unwrap();
    for dt in [0.0, -1.0, 10.5, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            md.step(&mut Wall, dt),
            Err(MdError::Parameter { name: "dt", .. })
        ));
    }
    // 0.5 + 5 × 0.1 = 1.0: the sixth step crosses the wall; the error passes through, the state is kept.
    md.run(&mut Wall, 1.0, 4).unwrap();
    let before = md.structure().positions.clone();
    let err = md.run(&mut Wall, 1.0, 10).unwrap_err();
    assert_eq!(err, MdError::Potential("atom 1 crossed the wall".into()));
    assert_eq!(md.steps(), 5);
    assert!(md.structure().positions[1][0] <= 1.0);
    assert!(max_diff(&md.structure().positions, &before) < 0.11);

    for t in [
        Thermostat::Langevin {
            temperature: f64::NAN,
            friction: 0.1,
        },
        Thermostat::Langevin {
            temperature: 300.0,
            friction: -0.1,
        },
        Thermostat::Berendsen {
            temperature: 300.0,
            tau: 0.0,
        },
        Thermostat::Berendsen {
            temperature: -1.0,
            tau: 10.0,
        },
    ] {
        assert!(md.set_thermostat(t, 0).is_err(), "{t:?}");
    }
    assert_eq!(md.thermostat(), Thermostat::None);

    let mut x = s.clone();
    x.species[1] = "Tc".into();
    let err = VelocityVerlet::new(x, v.clone(), &mut Wall).unwrap_err();
    assert_eq!(
        err,
        MdError::UnknownMass {
            atom: 1,
            species: "Tc".into()
        }
    );
    assert!(err.to_string().contains("atom 1"));
    assert!(matches!(
        VelocityVerlet::new(s.clone(), vec![[0.0; 3]], &mut Wall),
        Err(MdError::Shape { .. })
    ));
    assert!(maxwell_boltzmann(&[1.0, 2.0], f64::NAN, &mut SplitMix64::new(0)).is_err());
    assert!(maxwell_boltzmann(&[1.0, 0.0], 300.0, &mut SplitMix64::new(0)).is_err());

    let mut lj = argon();
    let close = Structure::new(vec!["Ar".into(); 2], vec![[0.0; 3], [0.0; 3]]);
    assert!(matches!(
        VelocityVerlet::new(close, vec![[0.0; 3]; 2], &mut lj),
        Err(MdError::NonFinite { .. })
    ));
}
