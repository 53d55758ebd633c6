//! The book's own ν × T experiment as data: six MACE models trained with mace-torch on the
//! GFN2-xTB ethanol data, differing only in the correlation order ν and the number of layers T
//! (`tools/train_design_experiment.sh` writes `assets/experiments/design_ethanol.json`; the schema
//! is in tools/README.md). Read by the `experiment` widget and by `multiace figures`.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::point::{mace_readout, BodyOrder, DesignPoint, Nonlinearity, OneParticleBasis};

/// Most runs shown.
const MAX_RUNS: usize = 200;

/// Energy and force errors of one split (meV/atom, meV/Å).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Metrics {
    #[serde(rename = "rmse_e_meV_per_atom")]
    pub rmse_e: f64,
    #[serde(rename = "rmse_f_meV_per_A")]
    pub rmse_f: f64,
    #[serde(rename = "mae_e_meV_per_atom")]
    pub mae_e: f64,
    #[serde(rename = "mae_f_meV_per_A")]
    pub mae_f: f64,
}

/// One trained model.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Run {
    pub correlation: usize,
    pub num_interactions: usize,
    pub body_order: Option<usize>,
    pub parameters: Option<u64>,
    pub train_seconds: Option<f64>,
    pub epochs: Option<usize>,
    pub train: Option<Metrics>,
    pub valid: Option<Metrics>,
    pub test: Metrics,
}

impl Run {
    /// Body order of the trained model's energy. mace-torch reads a one-layer model out linearly,
    /// so its energy has the body order of its features; with two or more layers the last readout
    /// is a small non-linear network and the energy's body order is unbounded.
    pub fn energy_body_order(&self) -> BodyOrder {
        let layers = self.num_interactions;
        DesignPoint {
            one_particle: OneParticleBasis::EquivariantTensorProduct,
            correlation: vec![self.correlation; layers],
            l_max: 2,
            big_l_max: 1,
            update: Nonlinearity::Linear,
            readout: mace_readout(layers),
            r_cut: 4.0,
            channels: 16,
        }
        .derived()
        .energy_body_order
    }
}

/// Where the data came from.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct DataInfo {
    pub train: String,
    pub test: String,
    pub n_train: Option<u64>,
    pub n_valid: Option<u64>,
    pub n_test: Option<u64>,
    pub level_of_theory: String,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    placeholder: bool,
    #[serde(default)]
    description: String,
    #[serde(default)]
    command: String,
    #[serde(default)]
    versions: Map<String, Value>,
    #[serde(default)]
    data: DataInfo,
    #[serde(default)]
    settings: Map<String, Value>,
    runs: Vec<Run>,
}

/// The whole file.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    pub placeholder: bool,
    pub description: String,
    pub command: String,
    pub versions: Vec<(String, String)>,
    pub data: DataInfo,
    pub settings: Vec<(String, String)>,
    pub runs: Vec<Run>,
}

fn pairs(map: Map<String, Value>) -> Vec<(String, String)> {
    map.into_iter()
        .map(|(k, v)| {
            let shown = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, shown)
        })
        .collect()
}

fn check(m: &Metrics, at: &str) -> Result<(), String> {
    for (key, v) in [
        ("rmse_e_meV_per_atom", m.rmse_e),
        ("rmse_f_meV_per_A", m.rmse_f),
        ("mae_e_meV_per_atom", m.mae_e),
        ("mae_f_meV_per_A", m.mae_f),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(format!("{at}.{key}: expected a number ≥ 0, found {v}"));
        }
    }
    Ok(())
}

/// Reads `design_ethanol.json` (schema in tools/README.md).
pub fn parse_experiment(text: &str) -> Result<Experiment, String> {
    let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if file.runs.is_empty() {
        return Err("runs: the list is empty".into());
    }
    if file.runs.len() > MAX_RUNS {
        return Err(format!(
            "runs: {} runs; at most {MAX_RUNS} are shown",
            file.runs.len()
        ));
    }
    for (k, r) in file.runs.iter().enumerate() {
        let at = format!("runs[{k}]");
        for (key, v) in [
            ("correlation", r.correlation),
            ("num_interactions", r.num_interactions),
        ] {
            if !(1..=16).contains(&v) {
                return Err(format!(
                    "{at}.{key}: expected an integer from 1 to 16, found {v}"
                ));
            }
        }
        check(&r.test, &format!("{at}.test"))?;
        for (name, m) in [("train", &r.train), ("valid", &r.valid)] {
            if let Some(m) = m {
                check(m, &format!("{at}.{name}"))?;
            }
        }
        if r.train_seconds
            .is_some_and(|t| !(t.is_finite() && t >= 0.0))
        {
            return Err(format!("{at}.train_seconds: expected a number ≥ 0"));
        }
    }
    Ok(Experiment {
        placeholder: file.placeholder,
        description: file.description,
        command: file.command,
        versions: pairs(file.versions),
        data: file.data,
        settings: pairs(file.settings),
        runs: file.runs,
    })
}

/// Which error a table column or a plot shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorMetric {
    Forces,
    Energy,
}

impl ErrorMetric {
    /// The URL / command-line spelling.
    pub fn key(self) -> &'static str {
        match self {
            ErrorMetric::Forces => "forces",
            ErrorMetric::Energy => "energy",
        }
    }

    pub fn rmse(self, m: &Metrics) -> f64 {
        match self {
            ErrorMetric::Forces => m.rmse_f,
            ErrorMetric::Energy => m.rmse_e,
        }
    }

    pub fn mae(self, m: &Metrics) -> f64 {
        match self {
            ErrorMetric::Forces => m.mae_f,
            ErrorMetric::Energy => m.mae_e,
        }
    }

    /// The axis title of a plot of the test RMSE.
    pub fn axis(self) -> &'static str {
        match self {
            ErrorMetric::Forces => "test force RMSE (meV/Å)",
            ErrorMetric::Energy => "test energy RMSE (meV/atom)",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            ErrorMetric::Forces => "meV/Å",
            ErrorMetric::Energy => "meV/atom",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../../assets/experiments/design_ethanol.json");

    #[test]
    fn the_shipped_results_parse() {
        let e = parse_experiment(SHIPPED).unwrap();
        assert!(!e.placeholder);
        assert_eq!(e.runs.len(), 6);
        assert!(e
            .runs
            .iter()
            .all(|r| r.test.rmse_f > 0.0 && r.test.rmse_e > 0.0));
        // One layer: linear readout, the energy is (ν + 1)-body like the features; two layers: a
        // non-linear last readout.
        let energy: Vec<(usize, usize, BodyOrder)> = e
            .runs
            .iter()
            .map(|r| (r.correlation, r.num_interactions, r.energy_body_order()))
            .collect();
        assert!(energy.contains(&(3, 1, BodyOrder::Finite(4))));
        assert!(energy.contains(&(1, 1, BodyOrder::Finite(2))));
        assert!(energy.contains(&(1, 2, BodyOrder::Unbounded)));
        for r in &e.runs {
            if r.num_interactions == 1 {
                assert_eq!(
                    r.energy_body_order(),
                    BodyOrder::Finite(r.body_order.unwrap() as u64)
                );
            }
        }
    }

    #[test]
    fn malformed_results_name_the_field() {
        let bad = SHIPPED.replacen("\"correlation\": 1", "\"correlation\": 0", 1);
        assert!(parse_experiment(&bad)
            .unwrap_err()
            .contains("runs[0].correlation"));
        assert!(parse_experiment("{\"runs\": []}")
            .unwrap_err()
            .contains("empty"));
        assert!(parse_experiment("not json").is_err());
    }
}
