//! Correlation orders as a picture: for every atom a group of bars, one per order ν, each the
//! order's contribution to the atom's site energy (`multiace_core::mace::OrderContributions`), and
//! a bar-wide tick at their sum `E_i − E0(z_i)`.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

use crate::FigStyle;

/// Colours of the orders ν = 1, 2, 3, 4 (Okabe–Ito: blue, orange, green, purple).
pub const ORDER_COLORS: [RGBColor; 4] = [
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xcc, 0x79, 0xa7),
];
/// The band behind the selected (and hovered) atom: the book's focus orange.
const RING: RGBColor = RGBColor(0xe0, 0x7b, 0x00);
/// Margins around the bars (CSS pixels): the y labels on the left, the atom labels below.
const LEFT: f64 = 56.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 30.0;

/// Which groups to mark, and whether to draw a legend inside the figure (the widget has its own).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BarMarks {
    pub selected: Option<usize>,
    pub hover: Option<usize>,
    pub legend: bool,
}

/// Where the groups were drawn (backend pixels): group i spans `x0 + i·group … x0 + (i+1)·group`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BarGeometry {
    pub x0: f64,
    pub group: f64,
    pub n: usize,
}

/// A round step for about `target` ticks over `range`.
fn nice_step(range: f64, target: f64) -> f64 {
    if !(range.is_finite() && range > 0.0) {
        return 1.0;
    }
    let raw = range / target;
    let mag = 10f64.powf(raw.log10().floor());
    let m = match raw / mag {
        f if f < 1.5 => 1.0,
        f if f < 3.0 => 2.0,
        f if f < 7.0 => 5.0,
        _ => 10.0,
    };
    m * mag
}

/// Grouped bars of `per_order[k][i]` (order k + 1 on atom i, eV) labelled by `labels[i]`.
pub fn draw_order_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[String],
    per_order: &[Vec<f64>],
    marks: BarMarks,
    style: &FigStyle,
) -> Result<BarGeometry, String> {
    style.fill(area)?;
    let n = labels.len();
    if n == 0 || per_order.is_empty() {
        return Ok(BarGeometry::default());
    }
    let value = |k: usize, i: usize| per_order[k].get(i).copied().unwrap_or(0.0);
    let sum = |i: usize| (0..per_order.len()).map(|k| value(k, i)).sum::<f64>();
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for i in 0..n {
        for v in (0..per_order.len()).map(|k| value(k, i)).chain([sum(i)]) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !(lo.is_finite() && hi.is_finite()) {
        return Err("the contributions are not finite".into());
    }
    let step = nice_step((hi - lo).max(1e-6), 5.0);
    let (lo, hi) = ((lo / step).floor() * step, (hi / step).ceil() * step);
    let mut chart = ChartBuilder::on(area)
        .margin_top(style.px(TOP))
        .margin_right(style.px(RIGHT))
        .y_label_area_size(style.px(LEFT))
        .x_label_area_size(style.px(BOTTOM))
        .build_cartesian_2d(0f64..n as f64, lo..hi)
        .map_err(crate::err)?;
    let font = |px: f64| {
        ("sans-serif", style.font(px))
            .into_font()
            .color(&style.text)
    };

    // bands behind the selected and the hovered atom
    for (i, alpha) in [(marks.selected, 0.16), (marks.hover, 0.08)] {
        if let Some(i) = i.filter(|i| *i < n) {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(i as f64, lo), (i as f64 + 1.0, hi)],
                    RING.mix(alpha).filled(),
                )))
                .map_err(crate::err)?;
        }
    }
    // grid lines with their values; the zero line darker
    let digits = if step >= 1.0 {
        0
    } else {
        (-step.log10()).ceil() as usize
    };
    let ticks = ((hi - lo) / step).round().clamp(0.0, 40.0) as usize;
    for t in 0..=ticks {
        let v = lo + step * t as f64;
        let zero = v.abs() < step * 1e-6;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, v), (n as f64, v)],
                style.text.mix(if zero { 0.8 } else { 0.18 }),
            )))
            .map_err(crate::err)?;
        let (x, y) = chart.backend_coord(&(0.0, v));
        let v = if zero { 0.0 } else { v };
        area.draw(&Text::new(
            format!("{v:.digits$}"),
            (x - style.px(5.0), y),
            font(11.0).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(crate::err)?;
    }
    area.draw(&Text::new(
        "eV",
        (style.px(4.0), style.px(TOP).max(style.px(8.0))),
        font(11.0).pos(Pos::new(HPos::Left, VPos::Center)),
    ))
    .map_err(crate::err)?;

    // the bars, then each atom's sum as a bar-wide tick
    let nu = per_order.len();
    let (inner, pad) = (0.8, 0.1);
    let bw = inner / nu as f64;
    for (k, color) in (0..nu).zip(ORDER_COLORS.iter().cycle()) {
        chart
            .draw_series((0..n).map(|i| {
                let x = i as f64 + pad + bw * k as f64;
                Rectangle::new(
                    [(x + 0.06 * bw, 0.0), (x + 0.94 * bw, value(k, i))],
                    color.filled(),
                )
            }))
            .map_err(crate::err)?;
    }
    let tick = style.text.stroke_width(style.px(2.0).max(1) as u32);
    chart
        .draw_series((0..n).map(|i| {
            let x = i as f64 + pad;
            PathElement::new(vec![(x, sum(i)), (x + inner, sum(i))], tick)
        }))
        .map_err(crate::err)?;

    // atom labels (every m-th where they would overlap; the selected one always, in bold)
    let (x0, _) = chart.backend_coord(&(0.0, lo));
    let (x1, y_axis) = chart.backend_coord(&(n as f64, lo));
    let group = (x1 - x0) as f64 / n as f64;
    let every = (style.font(26.0) / group).ceil().max(1.0) as usize;
    for (i, label) in labels.iter().enumerate() {
        let bold = marks.selected == Some(i);
        if i % every != 0 && !bold {
            continue;
        }
        let face = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        area.draw(&Text::new(
            label.clone(),
            (
                x0 + (group * (i as f64 + 0.5)).round() as i32,
                y_axis + style.px(BOTTOM / 2.0),
            ),
            ("sans-serif", style.font(11.0), face)
                .into_font()
                .color(&style.text)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(crate::err)?;
    }
    if marks.legend {
        draw_legend(area, nu, style)?;
    }
    area.present().map_err(crate::err)?;
    Ok(BarGeometry {
        x0: x0 as f64,
        group,
        n,
    })
}

/// "■ ν = 1  ■ ν = 2 … ▬ sum" in the top-right corner.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    nu: usize,
    style: &FigStyle,
) -> Result<(), String> {
    let (w, _) = area.dim_in_pixel();
    let entry = style.px(64.0);
    let mut x = w as i32 - style.px(RIGHT) - entry * (nu as i32 + 1) - style.px(24.0);
    let y = style.px(TOP / 2.0 + 1.0);
    let s = style.px(9.0);
    let font = ("sans-serif", style.font(11.0))
        .into_font()
        .color(&style.text)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (k, color) in (0..nu).zip(ORDER_COLORS.iter().cycle()) {
        area.draw(&Rectangle::new(
            [(x, y - s / 2), (x + s, y + s / 2)],
            color.filled(),
        ))
        .map_err(crate::err)?;
        area.draw(&Text::new(
            format!("ν = {}", k + 1),
            (x + s + style.px(4.0), y),
            font.clone(),
        ))
        .map_err(crate::err)?;
        x += entry;
    }
    area.draw(&PathElement::new(
        vec![(x, y), (x + s + style.px(3.0), y)],
        style.text.stroke_width(style.px(2.0).max(1) as u32),
    ))
    .map_err(crate::err)?;
    area.draw(&Text::new(
        "sum: E_i − E0(z_i)",
        (x + s + style.px(8.0), y),
        font,
    ))
    .map_err(crate::err)
}
