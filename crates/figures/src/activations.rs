//! e3nn's normalised activations as a picture: c·φ(x) for each activation, over the standard normal
//! density that defines c (E[(c φ(z))²] = 1 for z ~ N(0, 1)), with c and the function's parity in
//! the legend — the two facts a gate needs from its activation (chapter 02).

use multiace_core::nn::{Activation, FunctionParity};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::style::{book_legend, book_mesh};
use crate::FigStyle;

/// Line colours (Okabe–Ito), one per activation in the order given.
const COLORS: [RGBColor; 6] = [
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xcc, 0x79, 0xa7),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0x56, 0xb4, 0xe9),
];
/// Samples per curve.
const SAMPLES: usize = 241;

/// Draws c·φ(x) for `x` in ±`x_max` for each of `activations`.
pub fn draw_activations<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    activations: &[Activation],
    x_max: f64,
    style: &FigStyle,
) -> Result<(), String> {
    style.fill(area)?;
    let x_max = if x_max.is_finite() && x_max > 0.0 {
        x_max
    } else {
        3.0
    };
    let xs: Vec<f64> = (0..SAMPLES)
        .map(|k| -x_max + 2.0 * x_max * k as f64 / (SAMPLES - 1) as f64)
        .collect();
    let curves: Vec<Vec<(f64, f64)>> = activations
        .iter()
        .map(|a| xs.iter().map(|&x| (x, a.eval(x))).collect())
        .collect();
    let (lo, hi) = curves
        .iter()
        .flatten()
        .fold((0.0f64, 1.0f64), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let mut chart = ChartBuilder::on(area)
        .margin(style.px(10.0))
        .x_label_area_size(style.px(36.0))
        .y_label_area_size(style.px(44.0))
        .build_cartesian_2d(-x_max..x_max, (lo - 0.2)..(hi + 0.2))
        .map_err(crate::err)?;
    book_mesh(&mut chart, style, 12.0)
        .x_desc("x")
        .y_desc("c · φ(x)")
        .draw()
        .map_err(crate::err)?;
    // the standard normal density, scaled to the plot, under which c is defined
    let top = hi + 0.2;
    let density = |x: f64| (-0.5 * x * x).exp();
    chart
        .draw_series(AreaSeries::new(
            xs.iter()
                .map(|&x| (x, (lo - 0.2) + 0.35 * (top - lo) * density(x))),
            lo - 0.2,
            style.muted.mix(0.15),
        ))
        .map_err(crate::err)?
        .label("N(0, 1) density (shape)")
        .legend(|(x, y)| {
            Rectangle::new(
                [(x, y - 5), (x + 14, y + 5)],
                RGBColor(0x99, 0x99, 0x99).mix(0.3).filled(),
            )
        });
    let width = style.px(2.0).max(1) as u32;
    for ((a, pts), color) in activations.iter().zip(curves).zip(COLORS.iter().cycle()) {
        let parity = match a.parity() {
            FunctionParity::Even => "even",
            FunctionParity::Odd => "odd",
            FunctionParity::Neither => "neither even nor odd",
        };
        let color = *color;
        chart
            .draw_series(LineSeries::new(pts, color.stroke_width(width)))
            .map_err(crate::err)?
            .label(format!("{} · c = {:.4} · {parity}", a.name(), a.constant()))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(3))
            });
    }
    book_legend(&mut chart, SeriesLabelPosition::UpperLeft, style, 12.0)?;
    area.present().map_err(crate::err)
}
