//! The design space as a picture: published models placed by their number of layers T and the
//! body order of their features (log scale, with a band for "unbounded"), the curves 1 + n_T of
//! uniform linear models for ν = 1…4 behind them, and the reader's current point ringed.

use multiace_core::multiace::{BodyOrder, PublishedModel};
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::FigStyle;

/// Layers on the horizontal axis (the design-space widget's largest T).
pub const DESIGN_MAX_LAYERS: usize = 6;
/// Curves 1 + n_T are drawn for ν = 1…this.
pub const DESIGN_MAX_NU: usize = 4;
const MAX_T: usize = DESIGN_MAX_LAYERS;
const MAX_NU: usize = DESIGN_MAX_NU;

/// Colours: finite body order, unbounded, the current point (Okabe–Ito).
const FINITE: RGBColor = RGBColor(0x00, 0x72, 0xb2);
const UNBOUNDED: RGBColor = RGBColor(0xe6, 0x9f, 0x00);
const CURRENT: RGBColor = RGBColor(0xd5, 0x5e, 0x00);

/// The vertical coordinate of a body order in the scatter (log10), and of "unbounded".
fn y_of(b: BodyOrder) -> f64 {
    match b {
        BodyOrder::Finite(n) => (n.max(1) as f64).log10(),
        BodyOrder::Unbounded => Y_INF,
    }
}
/// Top of the finite range (ν = 4, T = 6 gives 5461).
const Y_FINITE_TOP: f64 = 3.85;
const Y_INF: f64 = 4.25;
const Y_TOP: f64 = 4.5;
const Y_BOTTOM: f64 = 0.15;

/// `current` (layers, body order) is ringed when given. Returns where each published model's
/// marker was drawn (backend pixels), with its index.
/// The scatter: published models by T and feature body order (log), the lines 1 + n_T of uniform
/// linear models for ν = 1…4 behind them, the current point ringed.
pub fn draw_design_space<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    models: &[PublishedModel],
    current: Option<(usize, BodyOrder)>,
    selected: Option<usize>,
    style: &FigStyle,
) -> Result<Vec<(usize, f64, f64)>, String> {
    let fail = |e: &dyn std::fmt::Debug| format!("drawing failed: {e:?}");
    style.fill(area)?;
    let places: Vec<(f64, f64)> = models
        .iter()
        .map(|m| {
            let d = m.point.derived();
            (d.layers as f64, y_of(d.feature_body_order))
        })
        .collect();
    let text = style.text;
    let muted = style.muted;
    let font = |px: f64| ("sans-serif", style.font(px)).into_font().color(&text);
    let mut chart = ChartBuilder::on(area)
        .margin(style.px(8.0))
        .margin_right(style.px(16.0))
        .x_label_area_size(style.px(34.0))
        .y_label_area_size(style.px(52.0))
        .build_cartesian_2d(0.5f64..(MAX_T as f64 + 0.5), Y_BOTTOM..Y_TOP)
        .map_err(|e| fail(&e))?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(MAX_T)
        .y_labels(0)
        .x_label_style(font(11.0))
        .axis_style(muted)
        .axis_desc_style(font(11.0))
        .x_desc("layers T")
        .x_label_formatter(&|v: &f64| format!("{}", v.round()))
        .draw()
        .map_err(|e| fail(&e))?;
    let coord = chart.as_coord_spec().clone();
    let px = move |x: f64, y: f64| coord.translate(&(x, y));
    // y ticks (log) and the "unbounded" band
    for v in [2.0f64, 5.0, 10.0, 50.0, 100.0, 500.0, 1000.0, 5000.0] {
        let (x0, y0) = px(0.5, v.log10());
        area.draw(&PathElement::new(
            vec![(x0 - style.px(4.0), y0), (x0, y0)],
            muted.stroke_width(1),
        ))
        .map_err(|e| fail(&e))?;
        area.draw(&Text::new(
            format!("{v}"),
            (x0 - style.px(6.0), y0),
            font(11.0).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(|e| fail(&e))?;
    }
    let (x0, yi) = px(0.5, Y_INF);
    area.draw(&Text::new(
        "∞",
        (x0 - style.px(6.0), yi),
        font(14.0).pos(Pos::new(HPos::Right, VPos::Center)),
    ))
    .map_err(|e| fail(&e))?;
    let sep = (Y_FINITE_TOP + Y_INF) / 2.0 - 0.05;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.5, sep), (MAX_T as f64 + 0.5, sep)],
            muted.mix(0.6).stroke_width(1),
        )))
        .map_err(|e| fail(&e))?;
    let (_, ys) = px(0.5, sep);
    area.draw(&Text::new(
        "features' body order (log)",
        (style.px(4.0), ys + style.px(2.0)),
        font(10.0)
            .color(&muted)
            .pos(Pos::new(HPos::Left, VPos::Top)),
    ))
    .map_err(|e| fail(&e))?;
    // 1 + n_T of uniform linear models
    for nu in 1..=MAX_NU {
        let mut n: u64 = 0;
        let pts: Vec<(f64, f64)> = (1..=MAX_T)
            .map(|t| {
                n = (nu as u64) * (1 + n);
                (t as f64, ((1 + n) as f64).log10())
            })
            .collect();
        chart
            .draw_series(std::iter::once(PathElement::new(
                pts.clone(),
                muted.mix(0.45).stroke_width(style.px(1.0).max(1) as u32),
            )))
            .map_err(|e| fail(&e))?;
        if let Some(&(x, y)) = pts.iter().rev().find(|p| p.1 < Y_FINITE_TOP) {
            let (bx, by) = px(x, y);
            area.draw(&Text::new(
                format!("ν={nu}"),
                (bx + style.px(4.0), by),
                font(10.0)
                    .color(&muted)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(|e| fail(&e))?;
        }
    }
    // published models: markers spread where several share a place
    let mut hits = Vec::new();
    let r = style.px(5.0).max(2);
    for (k, m) in models.iter().enumerate() {
        let Some(&(x, y)) = places.get(k) else {
            continue;
        };
        let dx = spread(&places, k);
        let (bx, by) = px(x + dx, y);
        let color = if y >= Y_INF - 1e-9 { UNBOUNDED } else { FINITE };
        area.draw(&Circle::new((bx, by), r, color.filled()))
            .map_err(|e| fail(&e))?;
        if selected == Some(k) {
            area.draw(&Circle::new(
                (bx, by),
                r + style.px(3.0),
                text.stroke_width(style.px(1.5).max(1) as u32),
            ))
            .map_err(|e| fail(&e))?;
        }
        // labels alternate above and below along each row (left to right), so neighbours in a
        // row never print into each other on a narrow canvas ("Allegro" beside "SchNet")
        let above = row_order(&places, k).is_multiple_of(2);
        area.draw(&Text::new(
            m.name.to_string(),
            (
                bx,
                if above {
                    by - r - style.px(3.0)
                } else {
                    by + r + style.px(3.0)
                },
            ),
            font(11.0).pos(Pos::new(
                HPos::Center,
                if above { VPos::Bottom } else { VPos::Top },
            )),
        ))
        .map_err(|e| fail(&e))?;
        hits.push((k, bx as f64, by as f64));
    }
    // the current point (the widget's), ringed
    if let Some((layers, body)) = current {
        let (cx, cy) = px(layers as f64, y_of(body));
        area.draw(&Circle::new(
            (cx, cy),
            r + style.px(7.0),
            CURRENT.stroke_width(style.px(2.5).max(1) as u32),
        ))
        .map_err(|e| fail(&e))?;
        if selected.is_none() {
            area.draw(&Text::new(
                "your point",
                (cx + r + style.px(9.0), cy),
                font(11.0)
                    .color(&CURRENT)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(|e| fail(&e))?;
        }
    }
    area.present().map_err(|e| fail(&e))?;
    Ok(hits)
}

/// The horizontal offset of model `k`'s marker (in units of T) when several share its place.
fn spread(places: &[(f64, f64)], k: usize) -> f64 {
    let (x, y) = places[k];
    let same: Vec<usize> = (0..places.len())
        .filter(|&j| (places[j].0 - x).abs() < 1e-9 && (places[j].1 - y).abs() < 1e-9)
        .collect();
    let rank = same.iter().position(|&j| j == k).unwrap_or(0) as f64;
    (rank - (same.len() as f64 - 1.0) / 2.0) * 0.32
}

/// The position of model `k` from the left among the markers on its row (same y).
fn row_order(places: &[(f64, f64)], k: usize) -> usize {
    let y = places[k].1;
    let key = places[k].0 + spread(places, k);
    (0..places.len())
        .filter(|&j| j != k && (places[j].1 - y).abs() < 1e-9)
        .filter(|&j| {
            let kj = places[j].0 + spread(places, j);
            kj < key - 1e-9 || ((kj - key).abs() <= 1e-9 && j < k)
        })
        .count()
}
