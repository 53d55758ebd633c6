//! Figures of a fitted potential: parity plots (predicted against reference values, train and test
//! sets in two colours) and learning curves (test error against training-set size, log-log).
//!
//! The colours are the book's blue and orange, so "test" reads the same in every plot; the points
//! are small squares, which a canvas fills far faster than circles (a force parity plot of a few
//! hundred molecules has ~10⁴ points).

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::colormap::{NEGATIVE, POSITIVE};
use crate::style::book_mesh;
use crate::{err, FigStyle};

/// Colour of the training set in the fit figures.
pub const TRAIN_COLOR: RGBColor = POSITIVE;
/// Colour of the test set in the fit figures.
pub const TEST_COLOR: RGBColor = NEGATIVE;

/// One set of (reference, predicted) pairs for [`draw_parity`].
pub struct ParitySet<'a> {
    pub label: &'a str,
    pub pairs: &'a [(f64, f64)],
    pub color: RGBColor,
}

/// One curve of [`draw_learning_curve`]: (training-set size, error) points, drawn as a line with
/// markers; `dashed` for a secondary curve (e.g. the training error beside the test error).
pub struct CurveSeries<'a> {
    pub label: &'a str,
    pub points: &'a [(f64, f64)],
    pub color: RGBColor,
    pub dashed: bool,
}

/// The common range of both axes of a parity plot (finite values only), padded by 5 %.
fn parity_range(sets: &[ParitySet]) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for s in sets {
        for &(a, b) in s.pairs {
            for v in [a, b] {
                if v.is_finite() {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
    }
    if !(lo.is_finite() && hi.is_finite()) {
        return (-1.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(1e-9);
    (lo - pad, hi + pad)
}

/// Tick labels with as many decimals as the range needs.
fn tick_format(span: f64) -> impl Fn(&f64) -> String {
    let decimals = if span >= 20.0 {
        0
    } else if span >= 2.0 {
        1
    } else {
        2
    };
    move |v: &f64| {
        let s = format!("{v:.decimals$}");
        if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
            s[1..].to_string()
        } else {
            s
        }
    }
}

/// A parity plot: predicted (vertical) against reference (horizontal) on equal ranges, with the
/// diagonal y = x, one colour per set (drawn in order, so put the test set last to keep it on top)
/// and a legend. `quantity` names the axes, e.g. "force component (eV/Å)".
pub fn draw_parity<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    quantity: &str,
    sets: &[ParitySet],
    style: &FigStyle,
) -> Result<(), String> {
    style.fill(area)?;
    let (lo, hi) = parity_range(sets);
    let label = ("sans-serif", style.font(11.0))
        .into_font()
        .color(&style.text);
    let mut chart = ChartBuilder::on(area)
        .caption(
            title,
            ("sans-serif", style.font(13.0))
                .into_font()
                .color(&style.text),
        )
        .margin(style.px(6.0))
        .margin_right(style.px(12.0))
        .x_label_area_size(style.px(36.0))
        .y_label_area_size(style.px(46.0))
        .build_cartesian_2d(lo..hi, lo..hi)
        .map_err(err)?;
    let fmt = tick_format(hi - lo);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(5)
        .y_labels(5)
        .x_label_style(label.clone())
        .y_label_style(label.clone())
        .axis_style(style.muted)
        .axis_desc_style(label.clone())
        .x_desc(format!("reference {quantity}"))
        .y_desc(format!("predicted {quantity}"))
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(lo, lo), (hi, hi)],
            style.muted.stroke_width(style.px(1.0).max(1) as u32),
        )))
        .map_err(err)?;
    // a square of about 3 CSS pixels, in data units
    let (w, _) = chart.plotting_area().dim_in_pixel();
    let half = (hi - lo) / (w.max(1) as f64) * style.font(1.5);
    for set in sets {
        let color = set.color.mix(0.55).filled();
        chart
            .draw_series(
                set.pairs
                    .iter()
                    .filter(|(a, b)| a.is_finite() && b.is_finite())
                    .map(|&(a, b)| {
                        Rectangle::new([(a - half, b - half), (a + half, b + half)], color)
                    }),
            )
            .map_err(err)?
            .label(set.label)
            .legend(move |(x, y)| {
                Rectangle::new([(x - 4, y - 4), (x + 4, y + 4)], set.color.filled())
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(label)
        .border_style(style.muted)
        .background_style(TRANSPARENT)
        .draw()
        .map_err(err)?;
    Ok(())
}

/// Tick values for a log axis over [lo, hi]: 1, 2, 5 × 10^k (only 10^k over more than three
/// decades), or lo and hi themselves when fewer than two fall inside.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mantissas: &[f64] = if hi / lo > 2e3 {
        &[1.0]
    } else {
        &[1.0, 2.0, 5.0]
    };
    let mut out = Vec::new();
    let mut e = lo.log10().floor() as i32;
    while e <= hi.log10().ceil() as i32 {
        for m in mantissas {
            let v = m * 10f64.powi(e);
            if v >= lo * 0.999 && v <= hi * 1.001 {
                out.push(v);
            }
        }
        e += 1;
    }
    if out.len() < 2 {
        out = vec![lo, hi];
    }
    out
}

/// A learning curve: every series' error against the training-set size, both axes logarithmic, with
/// markers at the measured sizes and a legend. Non-positive or non-finite points are skipped (they
/// have no place on a log axis).
pub fn draw_learning_curve<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    series: &[CurveSeries],
    style: &FigStyle,
) -> Result<(), String> {
    style.fill(area)?;
    let ok = |&(x, y): &(f64, f64)| x.is_finite() && y.is_finite() && x > 0.0 && y > 0.0;
    let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, 0.0f64, f64::INFINITY, 0.0f64);
    for s in series {
        for p in s.points.iter().filter(|p| ok(p)) {
            x0 = x0.min(p.0);
            x1 = x1.max(p.0);
            y0 = y0.min(p.1);
            y1 = y1.max(p.1);
        }
    }
    if !(x0.is_finite() && y0.is_finite()) {
        (x0, x1, y0, y1) = (1.0, 10.0, 1.0, 10.0);
    }
    let (x0, x1) = (x0 / 1.25, x1 * 1.25);
    // room above the data for the legend
    let (y0, y1) = (y0 / 1.6, y1 * 6.0);
    let label = ("sans-serif", style.font(11.0))
        .into_font()
        .color(&style.text);
    let (xt, yt) = (log_ticks(x0, x1), log_ticks(y0, y1));
    let mut chart = ChartBuilder::on(area)
        .caption(
            title,
            ("sans-serif", style.font(13.0))
                .into_font()
                .color(&style.text),
        )
        .margin(style.px(6.0))
        .margin_right(style.px(12.0))
        .x_label_area_size(style.px(36.0))
        .y_label_area_size(style.px(46.0))
        .build_cartesian_2d(
            (x0..x1).log_scale().with_key_points(xt),
            (y0..y1).log_scale().with_key_points(yt),
        )
        .map_err(err)?;
    let fmt = |v: &f64| {
        if *v >= 1.0 {
            format!("{v:.0}")
        } else {
            format!("{v}")
        }
    };
    book_mesh(&mut chart, style, 11.0)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .draw()
        .map_err(err)?;
    let width = style.px(2.0).max(1) as u32;
    let r = style.px(3.5).max(2);
    for s in series {
        let pts: Vec<(f64, f64)> = s.points.iter().copied().filter(ok).collect();
        let line = s.color.stroke_width(width);
        if s.dashed {
            chart
                .draw_series(DashedLineSeries::new(
                    pts.iter().copied(),
                    style.px(6.0).max(2) as u32,
                    style.px(4.0).max(2) as u32,
                    line,
                ))
                .map_err(err)?;
        } else {
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), line))
                .map_err(err)?;
        }
        let marker = if s.dashed {
            s.color.stroke_width(width)
        } else {
            s.color.filled()
        };
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, r, marker)))
            .map_err(err)?
            .label(s.label)
            .legend(move |(x, y)| {
                // the key shows what the curve looks like: dashed with hollow markers, or solid
                // with filled ones (three segments that join when solid)
                let gap = if s.dashed { 2 } else { 0 };
                let seg = |a: i32, b: i32| {
                    PathElement::new(vec![(a, 0), (b, 0)], s.color.stroke_width(width))
                };
                EmptyElement::at((x, y))
                    + seg(-14, -5 - gap)
                    + seg(-5 + gap, 5 - gap)
                    + seg(5 + gap, 14)
                    + Circle::new((0, 0), r, marker)
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(label)
        .border_style(style.muted)
        .background_style(TRANSPARENT)
        .draw()
        .map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parity_and_learning_curve_draw_to_svg() {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (640, 360)).into_drawing_area();
            let (left, right) = root.split_horizontally(320);
            let train = [(0.0, 0.1), (1.0, 0.9), (2.0, 2.2)];
            let test = [(0.5, 0.4), (f64::NAN, 1.0)];
            let sets = [
                ParitySet {
                    label: "train",
                    pairs: &train,
                    color: TRAIN_COLOR,
                },
                ParitySet {
                    label: "test",
                    pairs: &test,
                    color: TEST_COLOR,
                },
            ];
            draw_parity(&left, "forces", "(eV/Å)", &sets, &FigStyle::light()).unwrap();
            let curve = [(10.0, 300.0), (100.0, 120.0), (300.0, 90.0), (0.0, 1.0)];
            let series = [CurveSeries {
                label: "test",
                points: &curve,
                color: TEST_COLOR,
                dashed: false,
            }];
            draw_learning_curve(
                &right,
                "learning curve",
                "N",
                "RMSE",
                &series,
                &FigStyle::dark(),
            )
            .unwrap();
        }
        assert!(svg.contains("predicted (eV/Å)"));
        assert!(svg.contains("learning curve"));
        // nothing is drawn for empty input either
        let mut empty = String::new();
        let root = SVGBackend::with_string(&mut empty, (200, 200)).into_drawing_area();
        draw_parity(&root, "", "", &[], &FigStyle::light()).unwrap();
        draw_learning_curve(&root, "", "", "", &[], &FigStyle::light()).unwrap();
    }

    #[test]
    fn log_ticks_are_1_2_5_decades() {
        assert_eq!(log_ticks(8.0, 300.0), vec![10.0, 20.0, 50.0, 100.0, 200.0]);
        assert_eq!(log_ticks(0.5, 5000.0), vec![1.0, 10.0, 100.0, 1000.0]);
        assert_eq!(log_ticks(3.0, 4.0), vec![3.0, 4.0]);
    }
}
