//! The book's ν × T experiment as a chart: test RMSE against the correlation order ν, one line per
//! number of layers T (log scale when the errors span more than a factor of eight).

use multiace_core::multiace::{ErrorMetric, Experiment};
use plotters::coord::combinators::BindKeyPoints;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::style::book_mesh;
use crate::FigStyle;

/// One colour per number of layers T (Okabe–Ito: blue, orange, green, purple).
pub const T_COLORS: [RGBColor; 4] = [
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xcc, 0x79, 0xa7),
];

/// The colour of T (1-based) in [`T_COLORS`].
pub fn t_color(t: usize) -> RGBColor {
    T_COLORS[t.saturating_sub(1) % T_COLORS.len()]
}

/// Ticks 1, 2, 3, 5 × 10^k inside `lo..hi` (plotters' own log ticks leave a range like 20–450
/// with labels at 100–400 only).
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut decade = 10f64.powf(lo.log10().floor());
    while decade <= hi && out.len() < 40 {
        for m in [1.0, 2.0, 3.0, 5.0] {
            let v = m * decade;
            if (lo..=hi).contains(&v) {
                out.push(v);
            }
        }
        decade *= 10.0;
    }
    out
}

/// The chart: test RMSE of `metric` against ν, one line per T, `selected` (an index into
/// `exp.runs`) ringed. Returns where each point was drawn (backend pixels) and its run index.
pub fn draw_experiment<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exp: &Experiment,
    metric: ErrorMetric,
    selected: Option<usize>,
    style: &FigStyle,
) -> Result<Vec<(f64, f64, usize)>, String> {
    style.fill(area)?;
    let vals: Vec<f64> = exp
        .runs
        .iter()
        .map(|r| metric.rmse(&r.test))
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let (lo, hi) = vals
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if !(lo.is_finite() && hi.is_finite()) {
        return Err("no positive errors to plot".into());
    }
    let nu_max = exp.runs.iter().map(|r| r.correlation).max().unwrap_or(1);
    let x_range = 0.6..(nu_max as f64 + 0.4);
    let mut ts: Vec<usize> = exp.runs.iter().map(|r| r.num_interactions).collect();
    ts.sort_unstable();
    ts.dedup();
    let mut geom = Vec::new();
    let x_fmt = |v: &f64| {
        if (v - v.round()).abs() < 1e-6 {
            format!("{}", v.round())
        } else {
            String::new()
        }
    };
    let width = style.px(2.0).max(1) as u32;
    let radius = style.px(4.5).max(2);
    macro_rules! series {
        ($chart:expr) => {{
            for &t in &ts {
                let color = t_color(t);
                let mut pts: Vec<(f64, f64, usize)> = exp
                    .runs
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.num_interactions == t)
                    .map(|(k, r)| (r.correlation as f64, metric.rmse(&r.test), k))
                    .filter(|(_, v, _)| v.is_finite() && *v > 0.0)
                    .collect();
                pts.sort_by(|a, b| a.0.total_cmp(&b.0));
                let _ = $chart.draw_series(LineSeries::new(
                    pts.iter().map(|p| (p.0, p.1)),
                    color.stroke_width(width),
                ));
                let _ = $chart.draw_series(
                    pts.iter()
                        .map(|p| Circle::new((p.0, p.1), radius, color.filled())),
                );
                for p in &pts {
                    let (px, py) = $chart.backend_coord(&(p.0, p.1));
                    geom.push((px as f64, py as f64, p.2));
                }
                // the label of the line, right of its last point
                if let Some(last) = pts.last() {
                    let (px, py) = $chart.backend_coord(&(last.0, last.1));
                    let _ = area.draw(&Text::new(
                        format!("T = {t}"),
                        (px + style.px(9.0), py - style.px(7.0)),
                        ("sans-serif", style.font(12.0)).into_font().color(&color),
                    ));
                }
            }
            if let Some(r) = selected.and_then(|k| exp.runs.get(k)) {
                let v = metric.rmse(&r.test);
                if v.is_finite() && v > 0.0 {
                    let _ = $chart.draw_series(std::iter::once(Circle::new(
                        (r.correlation as f64, v),
                        radius + style.px(4.0),
                        style.text.stroke_width(width),
                    )));
                }
            }
        }};
    }
    let log = hi / lo > 8.0;
    if log {
        let mut chart = ChartBuilder::on(area)
            .margin(style.px(8.0))
            .margin_right(style.px(48.0))
            .x_label_area_size(style.px(40.0))
            .y_label_area_size(style.px(58.0))
            .build_cartesian_2d(
                x_range,
                (lo / 1.5..hi * 1.5)
                    .log_scale()
                    .with_key_points(log_ticks(lo / 1.5, hi * 1.5)),
            )
            .map_err(crate::err)?;
        book_mesh(&mut chart, style, 12.0)
            .x_desc("correlation order ν")
            .y_desc(format!("{} · log scale", metric.axis()))
            .x_labels(nu_max + 1)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&|v| crate::fmt_f64(*v))
            .draw()
            .map_err(crate::err)?;
        series!(chart);
    } else {
        let mut chart = ChartBuilder::on(area)
            .margin(style.px(8.0))
            .margin_right(style.px(48.0))
            .x_label_area_size(style.px(40.0))
            .y_label_area_size(style.px(58.0))
            .build_cartesian_2d(x_range, 0.0..hi * 1.15)
            .map_err(crate::err)?;
        book_mesh(&mut chart, style, 12.0)
            .x_desc("correlation order ν")
            .y_desc(metric.axis())
            .x_labels(nu_max + 1)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&|v| crate::fmt_f64(*v))
            .draw()
            .map_err(crate::err)?;
        series!(chart);
    }
    area.present().map_err(crate::err)?;
    Ok(geom)
}
