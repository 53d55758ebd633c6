//! Molecular dynamics as a picture: kinetic, potential and total energy against time. In NVE the
//! total stays flat while the other two trade energy, which is how a reader sees that the forces
//! are the exact gradient of the energy.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::style::{book_legend, book_mesh};
use crate::FigStyle;

/// One sample: time (fs), kinetic, potential and total energy (eV).
pub type EnergySample = [f64; 4];

/// Series colours (ColorBrewer Dark2): kinetic, potential, total.
pub const KINETIC_COLOR: RGBColor = RGBColor(0xd9, 0x5f, 0x02);
pub const POTENTIAL_COLOR: RGBColor = RGBColor(0x75, 0x70, 0xb3);
pub const TOTAL_COLOR: RGBColor = RGBColor(0x1b, 0x9e, 0x77);
/// Points drawn per series (a longer history is thinned to about this many).
const PLOT_POINTS: usize = 600;

/// Draws the samples of `history`, given as the two halves of a ring buffer
/// (`VecDeque::as_slices`) so a live widget need not copy them. The time axis spans at least
/// 50 fs. An empty history draws nothing but the background. `legend` draws the series' names in
/// the figure (the widget has its own legend beside the canvas).
pub fn draw_energy_trace<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    history: (&[EnergySample], &[EnergySample]),
    legend: bool,
    style: &FigStyle,
) -> Result<(), String> {
    style.fill(area)?;
    let samples = || history.0.iter().chain(history.1);
    let n = history.0.len() + history.1.len();
    let (Some(first), Some(last)) = (samples().next(), samples().last()) else {
        return Ok(());
    };
    let (t0, t1) = (first[0], last[0].max(first[0] + 50.0));
    let (lo, hi) = samples()
        .flat_map(|s| &s[1..])
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if !(lo.is_finite() && hi.is_finite()) {
        return Err("the energies are not finite".into());
    }
    let pad = ((hi - lo) * 0.08).max(0.002);
    let mut chart = ChartBuilder::on(area)
        .margin(style.px(6.0))
        .margin_right(style.px(12.0))
        .x_label_area_size(style.px(34.0))
        .y_label_area_size(style.px(52.0))
        .build_cartesian_2d(t0..t1, (lo - pad)..(hi + pad))
        .map_err(crate::err)?;
    book_mesh(&mut chart, style, 11.0)
        .x_desc("time (fs)")
        .y_desc("energy (eV)")
        .x_labels(6)
        .y_labels(6)
        .y_label_formatter(&|v| format!("{v:.2}"))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .draw()
        .map_err(crate::err)?;
    let stride = n.div_ceil(PLOT_POINTS).max(1);
    let width = style.px(2.0).max(1) as u32;
    for (k, color, name) in [
        (2usize, POTENTIAL_COLOR, "potential (from the first step)"),
        (1, KINETIC_COLOR, "kinetic"),
        (3, TOTAL_COLOR, "total"),
    ] {
        let pts = samples()
            .step_by(stride)
            .chain(std::iter::once(last))
            .map(|s| (s[0], s[k]));
        chart
            .draw_series(LineSeries::new(pts, color.stroke_width(width)))
            .map_err(crate::err)?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(3))
            });
    }
    if legend {
        book_legend(&mut chart, SeriesLabelPosition::LowerRight, style, 11.0)?;
    }
    area.present().map_err(crate::err)
}
