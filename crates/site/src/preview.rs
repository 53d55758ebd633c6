//! Static previews of the widgets, drawn at build time from the core: the figure a widget shows
//! (with the `multiace-figures` function the widget itself calls on its canvas), or the molecule
//! it starts with. A widget with neither gets no picture (its placeholder shows title, summary and
//! parameters only).

use multiace_core::ace::{RadialBasis, RadialKind};
use multiace_core::multiace::{parse_experiment, published_models, ErrorMetric};
use multiace_core::nn::Activation;
use multiace_core::so3::{angles_to_matrix, triangle, wigner_d_from_matrix, Normalization};
use multiace_core::structure::read_xyz;
use multiace_figures::{
    draw_activations, draw_d_blocks, draw_design_space, draw_experiment, draw_radial_basis,
    draw_sh_map_with, draw_wigner_3j_slices, FigStyle, ShGrid,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::fmt::Write as _;

/// A drawn preview: the SVG text and its size in pixels.
pub struct Preview {
    pub svg: String,
    pub width: u32,
    pub height: u32,
}

const EXPERIMENT: &str = include_str!("../../../assets/experiments/design_ethanol.json");

/// The molecules the widgets offer by name (`src/widgets/molecules.rs`).
fn molecule_xyz(name: &str) -> Option<&'static str> {
    Some(match name {
        "water" => include_str!("../../../assets/molecules/water.xyz"),
        "methane" => include_str!("../../../assets/molecules/methane.xyz"),
        "ethanol" => include_str!("../../../assets/molecules/ethanol.xyz"),
        "benzene" => include_str!("../../../assets/molecules/benzene.xyz"),
        "aspirin" => include_str!("../../../assets/molecules/aspirin.xyz"),
        _ => return None,
    })
}

/// The preview of widget `name` with its parameters `get(key)` (query value, else the
/// catalogue default). `Ok(None)`: this widget has no static picture.
pub fn draw(name: &str, get: &dyn Fn(&str) -> String) -> Result<Option<Preview>, String> {
    let style = FigStyle::light();
    let num = |key: &str, default: f64| get(key).parse::<f64>().unwrap_or(default);
    let preview = match name {
        "sh-explorer" => {
            let l = (num("l", 2.0) as usize).min(8);
            let m = (num("m", 1.0) as i64).clamp(-(l as i64), l as i64);
            // A coarse grid: the preview is a picture of the map, not the map (the widget's
            // 48 × 96 grid makes a 400 KB SVG).
            figure((720, 380), |a| {
                let grid = &mut ShGrid::default();
                draw_sh_map_with(a, l, m, Normalization::Component, &style, (18, 36), grid)
            })?
        }
        "clebsch-gordan" => {
            let l1 = (num("l1", 1.0) as usize).min(4);
            let l2 = (num("l2", 1.0) as usize).min(4);
            let l3 = l1 + l2;
            if !triangle(l1, l2, l3) {
                return Ok(None);
            }
            figure((720, 70 + 165 * (2 * l3 + 1).div_ceil(5) as u32), |a| {
                draw_wigner_3j_slices(a, l1, l2, l3, &style)
            })?
        }
        "equivariance" => {
            let r = angles_to_matrix(num("alpha", 1.0), num("beta", 1.1), num("gamma", -0.4));
            let l = (num("l", 2.0) as usize).min(4);
            let blocks: Vec<_> = (0..=l).map(|k| wigner_d_from_matrix(k, &r)).collect();
            figure((560, 580), |a| draw_d_blocks(a, &blocks, &style))?
        }
        "radial-basis" => {
            let kind = match get("basis").as_str() {
                "chebyshev" => RadialKind::Chebyshev,
                "gaussian" => RadialKind::Gaussian,
                _ => RadialKind::Bessel,
            };
            let n = (num("nmax", 6.0) as usize).clamp(1, 12);
            let basis = RadialBasis::new(kind, n, num("rcut", 5.0).clamp(2.0, 8.0))
                .map_err(|e| e.to_string())?;
            figure((720, 420), |a| {
                draw_radial_basis(a, &basis, false, None, &style).map(|_| ())
            })?
        }
        "gate" => figure((720, 420), |a| {
            let acts = [
                Activation::Silu,
                Activation::Tanh,
                Activation::Sigmoid,
                Activation::Abs,
            ];
            draw_activations(a, &acts, 3.0, &style)
        })?,
        "design-space" => figure((720, 440), |a| {
            draw_design_space(a, &published_models(), None, None, &style).map(|_| ())
        })?,
        "experiment" => {
            let exp = parse_experiment(EXPERIMENT)?;
            let metric = if get("metric") == "energy" {
                ErrorMetric::Energy
            } else {
                ErrorMetric::Forces
            };
            figure((640, 400), |a| {
                draw_experiment(a, &exp, metric, None, &style).map(|_| ())
            })?
        }
        _ => match molecule_xyz(&get("molecule")) {
            Some(xyz) => molecule(xyz)?,
            None => return Ok(None),
        },
    };
    Ok(Some(preview))
}

/// One figure drawn into an SVG string.
fn figure(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>,
) -> Result<Preview, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root)?;
        root.present().map_err(|e| format!("drawing failed: {e}"))?;
    }
    Ok(Preview {
        svg,
        width: size.0,
        height: size.1,
    })
}

/// A molecule as ball-and-stick, looked at along z (atoms sorted back to front).
fn molecule(xyz: &str) -> Result<Preview, String> {
    let s = read_xyz(xyz)
        .map_err(|e| e.to_string())?
        .into_iter()
        .next()
        .ok_or("the molecule file has no frame")?;
    let (w, h) = (480.0_f64, 300.0_f64);
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in &s.positions {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    let span = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1.0);
    let scale = (h - 60.0) / span;
    let at = |p: &[f64; 3]| {
        (
            w / 2.0 + (p[0] - (lo[0] + hi[0]) / 2.0) * scale,
            h / 2.0 - (p[1] - (lo[1] + hi[1]) / 2.0) * scale,
        )
    };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\"><rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>"
    );
    let n = s.positions.len();
    for i in 0..n {
        for j in i + 1..n {
            let d: f64 = (0..3)
                .map(|k| (s.positions[i][k] - s.positions[j][k]).powi(2))
                .sum::<f64>()
                .sqrt();
            if d < 1.6 {
                let (a, b) = (at(&s.positions[i]), at(&s.positions[j]));
                let _ = write!(
                    svg,
                    "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#8a8f98\" stroke-width=\"5\"/>",
                    a.0, a.1, b.0, b.1
                );
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| s.positions[a][2].total_cmp(&s.positions[b][2]));
    for i in order {
        let (x, y) = at(&s.positions[i]);
        let (fill, r) = match s.species[i].as_str() {
            "H" => ("#e8e8e8", 0.32),
            "C" => ("#505560", 0.55),
            "O" => ("#e0483b", 0.55),
            "N" => ("#3b6fe0", 0.55),
            _ => ("#c08a3e", 0.6),
        };
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{:.1}\" fill=\"{fill}\" stroke=\"#30343b\" stroke-width=\"1.5\"/>",
            r * scale
        );
    }
    svg.push_str("</svg>");
    Ok(Preview {
        svg,
        width: w as u32,
        height: h as u32,
    })
}
