//! Matrix-shaped figures: Wigner 3j slices, the block-diagonal Wigner D of a direct sum, and the
//! paired bar charts of the equivariance check. All use the book's diverging map on a symmetric
//! range, so zero is always the neutral colour and the sign is always blue (+) / orange (−).

use multiace_core::so3::{wigner_3j, Tensor3};
use nalgebra::DMatrix;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::colormap::{NEGATIVE, POSITIVE};
use crate::{err, FigStyle};

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// One heatmap panel: `rows × cols` cells, row 0 at the top, coloured by `value(i, j) / vmax`.
fn heat_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    (rows, cols): (usize, usize),
    value: &dyn Fn(usize, usize) -> f64,
    vmax: f64,
    style: &FigStyle,
) -> Result<(), String> {
    let small = ("sans-serif", style.font(11.0))
        .into_font()
        .color(&style.text);
    let (w, h) = area.dim_in_pixel();
    // Square cells: shrink the panel to the aspect ratio of the matrix.
    let cap_h = if caption.is_empty() {
        0
    } else {
        style.px(16.0).max(0) as u32
    };
    let avail_h = h.saturating_sub(cap_h + style.px(4.0) as u32);
    let cell = (w as f64 / cols as f64)
        .min(avail_h as f64 / rows as f64)
        .max(1.0);
    let (pw, ph) = ((cell * cols as f64) as u32, (cell * rows as f64) as u32);
    let left = (w.saturating_sub(pw)) / 2;
    let panel = area.margin(0, 0, left as i32, 0);
    if !caption.is_empty() {
        panel
            .draw_text(
                caption,
                &small,
                (
                    ((pw as i32) / 2 - style.px(3.0) * caption.len() as i32).max(0),
                    0,
                ),
            )
            .map_err(err)?;
    }
    let body = panel.margin(cap_h as i32, 0, 0, 0).shrink((0, 0), (pw, ph));
    let mut chart: Chart<'_, DB> = ChartBuilder::on(&body)
        .build_cartesian_2d(0.0..cols as f64, -(rows as f64)..0.0)
        .map_err(err)?;
    chart
        .draw_series((0..rows * cols).map(|k| {
            let (i, j) = (k / cols, k % cols);
            let v = value(i, j) / vmax;
            Rectangle::new(
                [(j as f64, -(i as f64)), (j as f64 + 1.0, -(i as f64 + 1.0))],
                style.diverging(v).filled(),
            )
        }))
        .map_err(err)?;
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(0.0, 0.0), (cols as f64, -(rows as f64))],
            style.muted.stroke_width(1),
        )))
        .map_err(err)?;
    Ok(())
}

/// A single matrix as a heatmap with a caption (symmetric colour range ±max |a_ij|).
pub fn draw_matrix<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    a: &DMatrix<f64>,
    style: &FigStyle,
) -> Result<(), String> {
    style.fill(area)?;
    let vmax = a.iter().fold(0.0f64, |acc, v| acc.max(v.abs())).max(1e-300);
    heat_panel(
        area,
        caption,
        (a.nrows(), a.ncols()),
        &|i, j| a[(i, j)],
        vmax,
        style,
    )
}

/// The Wigner 3j tensor C^{l1 l2 l3} (e3nn's real basis, unit Frobenius norm) as 2·l3+1 heatmaps,
/// one per M = −l3..l3 (the third index), each with rows m1 = −l1..l1 and columns m2 = −l2..l2,
/// all on one colour scale. Errors if (l1, l2, l3) violates the triangle rule.
pub fn draw_wigner_3j_slices<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    l1: usize,
    l2: usize,
    l3: usize,
    style: &FigStyle,
) -> Result<(), String> {
    let c: Tensor3 = wigner_3j(l1, l2, l3).map_err(|e| e.to_string())?;
    style.fill(area)?;
    let [d1, d2, d3] = c.dims;
    let vmax = c
        .data
        .iter()
        .fold(0.0f64, |acc, v| acc.max(v.abs()))
        .max(1e-300);
    let text = ("sans-serif", style.font(12.0))
        .into_font()
        .color(&style.text);
    let header_h = style.px(38.0) as u32;
    let (header, body) = area.split_vertically(header_h);
    header
        .draw_text(
            &format!("Wigner 3j C({l1},{l2},{l3}): one slice per M (third index); rows m1 = −{l1}..{l1}, columns m2 = −{l2}..{l2}"),
            &text,
            (style.px(4.0), style.px(2.0)),
        )
        .map_err(err)?;
    header
        .draw_text(
            &format!("colour scale ±{vmax:.3}: blue +, orange −, grey 0"),
            &("sans-serif", style.font(11.0))
                .into_font()
                .color(&style.muted),
            (style.px(4.0), style.px(19.0)),
        )
        .map_err(err)?;
    let (w, h) = body.dim_in_pixel();
    let n = d3;
    let aspect = (w as f64 / d2 as f64) / (h.max(1) as f64 / d1 as f64);
    // As many columns as the aspect asks for, then balanced over the rows it needs (5 slices in
    // two rows are 3 + 2, not 4 + 1).
    let wanted = ((n as f64 * aspect).sqrt().round() as usize).clamp(1, n);
    let nrows = n.div_ceil(wanted);
    let ncols = n.div_ceil(nrows);
    let panels = body.split_evenly((nrows, ncols));
    for (k, panel) in panels.iter().enumerate().take(n) {
        let inner = panel.margin(style.px(3.0), style.px(3.0), style.px(3.0), style.px(3.0));
        let mm = k as i64 - l3 as i64;
        let value = |i: usize, j: usize| c.data[(i * d2 + j) * d3 + k];
        heat_panel(&inner, &format!("M = {mm}"), (d1, d2), &value, vmax, style)?;
    }
    Ok(())
}

/// The block-diagonal matrix D(R) = D⁰ ⊕ D¹ ⊕ … ⊕ D^lmax acting on 0 ⊕ 1 ⊕ … ⊕ lmax, given its
/// blocks (`blocks[l]` is the (2l+1)×(2l+1) Wigner D^l). Off-block entries are exactly zero and
/// left empty (page background) inside a thin frame; each block is outlined and labelled with its l when it fits.
pub fn draw_d_blocks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    blocks: &[DMatrix<f64>],
    style: &FigStyle,
) -> Result<(), String> {
    style.fill(area)?;
    let n: usize = blocks.iter().map(|b| b.nrows()).sum();
    if n == 0 {
        return Ok(());
    }
    let text = ("sans-serif", style.font(12.0))
        .into_font()
        .color(&style.text);
    let header_h = style.px(20.0) as u32;
    let (header, body) = area.split_vertically(header_h);
    let lmax = blocks.len() - 1;
    let title = if lmax == 0 {
        "D(R) on 0 (a 1×1 block: scalars do not rotate)".to_string()
    } else {
        format!("D(R) on 0 ⊕ 1 ⊕ … ⊕ {lmax}: blocks D^l, zeros elsewhere")
    };
    header
        .draw_text(&title, &text, (style.px(4.0), style.px(2.0)))
        .map_err(err)?;
    let (w, h) = body.dim_in_pixel();
    let side = w.min(h);
    let left = (w - side) / 2;
    let square = body
        .margin(0, 0, left as i32, 0)
        .shrink((0, 0), (side, side));
    let mut chart: Chart<'_, DB> = ChartBuilder::on(&square)
        .build_cartesian_2d(0.0..n as f64, -(n as f64)..0.0)
        .map_err(err)?;
    let nf = n as f64;
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(0.0, 0.0), (nf, -nf)],
            style.muted.stroke_width(1),
        )))
        .map_err(err)?;
    let mut off = 0usize;
    for b in blocks {
        let d = b.nrows();
        let vmax = 1.0; // entries of an orthogonal matrix lie in [−1, 1]
        chart
            .draw_series((0..d * d).map(|k| {
                let (i, j) = (k / d, k % d);
                let (x, y) = ((off + j) as f64, (off + i) as f64);
                Rectangle::new(
                    [(x, -y), (x + 1.0, -(y + 1.0))],
                    style.diverging(b[(i, j)] / vmax).filled(),
                )
            }))
            .map_err(err)?;
        off += d;
    }
    let mut off = 0usize;
    let cell_px = side as f64 / nf;
    for (l, b) in blocks.iter().enumerate() {
        let d = b.nrows() as f64;
        let o = off as f64;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(o, -o), (o + d, -(o + d))],
                style.text.stroke_width(1),
            )))
            .map_err(err)?;
        if d * cell_px > style.font(14.0) && off + b.nrows() < n {
            // the label sits just right of the block, in the empty off-block area
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("l={l}"),
                    (o + d + 0.2, -o),
                    ("sans-serif", style.font(10.0))
                        .into_font()
                        .color(&style.muted),
                )))
                .map_err(err)?;
        }
        off += b.nrows();
    }
    Ok(())
}

/// Two bar charts on one vertical scale, for components indexed m = −l..l: the equivariance
/// widget shows Y_l(Rx) on the left and D^l(R) Y_l(x) on the right.
pub fn draw_bar_pair<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    left: &[f64],
    right: &[f64],
    titles: (&str, &str),
    style: &FigStyle,
) -> Result<(), String> {
    style.fill(area)?;
    let ymax = left
        .iter()
        .chain(right)
        .fold(0.0f64, |a, v| a.max(v.abs()))
        .max(1e-12)
        * 1.1;
    let (w, _) = area.dim_in_pixel();
    let halves = area.split_horizontally(w / 2);
    let label = ("sans-serif", style.font(11.0))
        .into_font()
        .color(&style.text);
    for (half, vals, title) in [(&halves.0, left, titles.0), (&halves.1, right, titles.1)] {
        let l = (vals.len().max(1) - 1) as f64 / 2.0;
        let mut chart = ChartBuilder::on(half)
            .caption(
                title,
                ("sans-serif", style.font(12.0))
                    .into_font()
                    .color(&style.text),
            )
            .margin(style.px(4.0))
            .x_label_area_size(style.px(22.0))
            .y_label_area_size(style.px(40.0))
            .build_cartesian_2d(-l - 0.5..l + 0.5, -ymax..ymax)
            .map_err(err)?;
        let nx = vals.len().min(11);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(style.muted.mix(0.25))
            .bold_line_style(style.muted.mix(0.4))
            .x_labels(nx + 1)
            .y_labels(5)
            .x_label_style(label.clone())
            .y_label_style(label.clone())
            .axis_style(style.muted)
            .x_label_formatter(&|v| {
                if (v - v.round()).abs() < 1e-6 {
                    format!("{:.0}", v.round())
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| {
                if v.abs() < 5e-3 {
                    "0".to_string()
                } else {
                    format!("{v:.2}")
                }
            })
            .draw()
            .map_err(err)?;
        chart
            .draw_series(vals.iter().enumerate().map(|(k, &v)| {
                let x = k as f64 - l;
                let c = if v >= 0.0 { POSITIVE } else { NEGATIVE };
                Rectangle::new([(x - 0.35, 0.0), (x + 0.35, v)], c.filled())
            }))
            .map_err(err)?;
    }
    Ok(())
}
