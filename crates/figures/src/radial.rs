//! The radial basis of chapter 01: R_n(r) for n = 1..n_max with the cutoff envelope dashed, and
//! optionally their derivatives in a second panel. The `radial-basis` widget draws it on a canvas
//! (with a marker at the reader's pointer), the CLI as SVG.

use multiace_core::ace::RadialBasis;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{err, FigStyle};

/// Points per curve: enough for the 12th Bessel function (11 nodes) to look smooth.
const SAMPLES: usize = 400;

/// Sampled curves: one `(r, value)` polyline per function, the envelope last.
type Curves = Vec<Vec<(f64, f64)>>;
/// One plot panel: where it goes, what it shows, its y-axis label.
type Panel<'a, DB> = (DrawingArea<DB, Shift>, &'a Curves, &'static str);

/// Where the r axis of the last drawing landed on the drawing area, so a pointer position can be
/// turned back into a distance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RadialAxis {
    /// Pixel x (of the drawing area) of r = `r_range.0` and of r = `r_range.1`.
    pub x_px: (i32, i32),
    /// The distances at the two ends of the axis (Å).
    pub r_range: (f64, f64),
}

impl RadialAxis {
    /// The distance under pixel `x`, clamped to the axis.
    pub fn r_at(&self, x: f64) -> f64 {
        let (x0, x1) = (self.x_px.0 as f64, self.x_px.1 as f64);
        let t = if x1 > x0 { (x - x0) / (x1 - x0) } else { 0.0 };
        self.r_range.0 + t.clamp(0.0, 1.0) * (self.r_range.1 - self.r_range.0)
    }
}

/// The colour of curve n (1-based) of `n_max`: hues evenly spread from blue through green to
/// orange and red, mid lightness so that every curve reads on a light and on a dark page.
pub fn radial_color(n: usize, n_max: usize) -> RGBColor {
    let t = if n_max > 1 {
        (n.saturating_sub(1)) as f64 / (n_max - 1) as f64
    } else {
        0.0
    };
    hsl(215.0 - 235.0 * t, 0.72, 0.5)
}

/// HSL → RGB, hue in degrees (any real), saturation and lightness in [0, 1].
fn hsl(h: f64, s: f64, l: f64) -> RGBColor {
    let h = h.rem_euclid(360.0) / 60.0;
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let byte = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    RGBColor(byte(r), byte(g), byte(b))
}

/// R_n(r) (top) and, with `derivatives`, dR_n/dr (bottom) for r from 0 to r_cut + 0.5 Å, the
/// envelope f_cut (and f_cut′) dashed, the cutoff as a vertical line, and a vertical marker at
/// `marker` (Å) if given. Returns where the r axis lies, for pointer read-outs.
pub fn draw_radial_basis<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    basis: &RadialBasis,
    derivatives: bool,
    marker: Option<f64>,
    style: &FigStyle,
) -> Result<RadialAxis, String> {
    style.fill(area)?;
    let n_max = basis.n_max();
    let r_max = basis.r_cut() + 0.5;
    // sample once: values and derivatives of every function, envelope last
    let mut values: Curves = vec![vec![(0.0, 0.0); SAMPLES + 1]; n_max + 1];
    let mut derivs: Curves = vec![vec![(0.0, 0.0); SAMPLES + 1]; n_max + 1];
    let (mut v, mut d) = (vec![0.0; n_max], vec![0.0; n_max]);
    for k in 0..=SAMPLES {
        let r = r_max * k as f64 / SAMPLES as f64;
        basis.evaluate(r, &mut v, &mut d);
        for n in 0..n_max {
            values[n][k] = (r, v[n]);
            derivs[n][k] = (r, d[n]);
        }
        let (f, df) = basis.envelope(r);
        values[n_max][k] = (r, f);
        derivs[n_max][k] = (r, df);
    }
    let (w, h) = area.dim_in_pixel();
    let panels: Vec<Panel<'_, DB>> = if derivatives {
        let (top, bottom) = area.split_vertically(h / 2);
        vec![(top, &values, "Rₙ(r)"), (bottom, &derivs, "dRₙ/dr (Å⁻¹)")]
    } else {
        vec![(area.clone(), &values, "Rₙ(r)")]
    };
    let label = ("sans-serif", style.font(12.0))
        .into_font()
        .color(&style.text);
    let mut axis = RadialAxis {
        x_px: (0, w as i32),
        r_range: (0.0, r_max),
    };
    for (panel, curves, y_desc) in &panels {
        let (lo, hi) = curves
            .iter()
            .flatten()
            .fold((0.0f64, 0.0f64), |(a, b), p| (a.min(p.1), b.max(p.1)));
        let pad = 0.08 * (hi - lo).max(1e-9);
        let (lo, hi) = (lo - pad, hi + pad);
        let mut chart = ChartBuilder::on(panel)
            .margin(style.px(6.0))
            .margin_right(style.px(14.0))
            .x_label_area_size(style.px(34.0))
            .y_label_area_size(style.px(48.0))
            .build_cartesian_2d(0.0..r_max, lo..hi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(style.muted.mix(0.15))
            .bold_line_style(style.muted.mix(0.3))
            .axis_style(style.muted)
            .x_desc("r (Å)")
            .y_desc(*y_desc)
            .x_labels(8)
            .y_labels(6)
            .x_label_style(label.clone())
            .y_label_style(label.clone())
            .axis_desc_style(label.clone())
            .y_label_formatter(&|y| {
                if y.abs() < 1e-9 {
                    "0".into()
                } else {
                    format!("{y:.2}")
                }
            })
            .draw()
            .map_err(err)?;
        let line = style.px(2.0).max(1) as u32;
        // the cutoff, and the zero line
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(basis.r_cut(), lo), (basis.r_cut(), hi)],
                style
                    .text
                    .mix(0.45)
                    .stroke_width(style.px(2.0).max(1) as u32),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (r_max, 0.0)],
                style.muted.mix(0.6).stroke_width(1),
            )))
            .map_err(err)?;
        chart
            .draw_series(DashedLineSeries::new(
                curves[n_max].iter().copied(),
                style.px(6.0),
                style.px(4.0),
                style.text.mix(0.75).stroke_width(line),
            ))
            .map_err(err)?;
        for (n, curve) in curves[..n_max].iter().enumerate() {
            chart
                .draw_series(LineSeries::new(
                    curve.iter().copied(),
                    radial_color(n + 1, n_max).stroke_width(line),
                ))
                .map_err(err)?;
        }
        if let Some(r) = marker.filter(|r| r.is_finite()) {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(r, lo), (r, hi)],
                    style.text.mix(0.6).stroke_width(1),
                )))
                .map_err(err)?;
        }
        let (x0, _) = chart.backend_coord(&(0.0, 0.0));
        let (x1, _) = chart.backend_coord(&(r_max, 0.0));
        axis.x_px = (x0, x1);
    }
    Ok(axis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use multiace_core::ace::RadialKind;

    #[test]
    fn draws_every_basis_and_maps_pixels_back_to_distances() {
        for kind in [
            RadialKind::Bessel,
            RadialKind::Chebyshev,
            RadialKind::Gaussian,
        ] {
            let basis = RadialBasis::new(kind, 6, 5.0).unwrap();
            let mut svg = String::new();
            let axis = {
                let root = SVGBackend::with_string(&mut svg, (640, 480)).into_drawing_area();
                draw_radial_basis(&root, &basis, true, Some(2.5), &FigStyle::light()).unwrap()
            };
            assert!(svg.contains("<polyline"), "{kind:?}: no curves");
            assert!(axis.x_px.1 > axis.x_px.0);
            assert!((axis.r_at(axis.x_px.0 as f64) - 0.0).abs() < 1e-12);
            assert!((axis.r_at(axis.x_px.1 as f64) - 5.5).abs() < 1e-12);
            assert_eq!(axis.r_at(-1e9), 0.0);
        }
    }

    #[test]
    fn colours_run_from_blue_to_red() {
        let first = radial_color(1, 6);
        let last = radial_color(6, 6);
        assert!(first.2 > first.0, "first curve is bluish: {first:?}");
        assert!(last.0 > last.2, "last curve is reddish: {last:?}");
        assert_eq!(radial_color(1, 1), first);
    }
}
