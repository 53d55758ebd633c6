//! Maps of real spherical harmonics on the sphere (e3nn convention).
//!
//! The sphere is sampled on an equirectangular grid in the angles of e3nn's `angles_to_xyz`:
//! `r̂ = (sin θ sin φ, cos θ, sin θ cos φ)`, θ ∈ [0, π] measured from the polar axis **+y**,
//! φ ∈ [−π, π) the azimuth about y measured from +z towards +x. The values are
//! `multiace_core::so3::spherical_harmonics` at those points; nothing is recomputed here.

use multiace_core::so3::{sh_index, sh_len, spherical_harmonics, Normalization, LMAX_SUPPORTED};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::colormap::{diverging, NEGATIVE, POSITIVE};
use crate::{err, FigStyle};

/// Y_lm sampled on an `n_theta × n_phi` grid (row-major, row = θ), with its range.
/// Kept by the caller and refilled by [`sample_sh_grid`] so that redraws allocate nothing new.
#[derive(Clone, Debug, Default)]
pub struct ShGrid {
    pub n_theta: usize,
    pub n_phi: usize,
    pub values: Vec<f64>,
    pub min: f64,
    pub max: f64,
    sh: Vec<f64>,
}

impl ShGrid {
    /// Largest |Y| on the grid (at least a tiny positive number, so it can scale a colour map).
    pub fn abs_max(&self) -> f64 {
        self.min.abs().max(self.max.abs()).max(1e-300)
    }
}

/// The unit vector at polar angle `theta` (from +y) and azimuth `phi` (about y, from +z to +x),
/// e3nn's `angles_to_xyz(alpha = phi, beta = theta)`.
pub fn direction(theta: f64, phi: f64) -> [f64; 3] {
    let (st, ct) = theta.sin_cos();
    let (sp, cp) = phi.sin_cos();
    [st * sp, ct, st * cp]
}

/// Check a user-chosen (l, m) before sampling: the core documents that callers check l.
fn check_lm(l: usize, m: i64) -> Result<(), String> {
    if l > LMAX_SUPPORTED {
        return Err(format!(
            "l = {l} is larger than the supported maximum {LMAX_SUPPORTED}"
        ));
    }
    if m.unsigned_abs() as usize > l {
        return Err(format!("m = {m} is outside −l..=l for l = {l}"));
    }
    Ok(())
}

/// Samples Y_lm (cell centres) into `grid`, reusing its buffers.
pub fn sample_sh_grid(
    l: usize,
    m: i64,
    norm: Normalization,
    n_theta: usize,
    n_phi: usize,
    grid: &mut ShGrid,
) -> Result<(), String> {
    check_lm(l, m)?;
    if n_theta == 0 || n_phi == 0 {
        return Err("the grid needs at least one cell".into());
    }
    grid.n_theta = n_theta;
    grid.n_phi = n_phi;
    grid.values.clear();
    grid.sh.resize(sh_len(l), 0.0);
    let k = sh_index(l, m);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for i in 0..n_theta {
        let theta = (i as f64 + 0.5) * std::f64::consts::PI / n_theta as f64;
        for j in 0..n_phi {
            let phi =
                -std::f64::consts::PI + (j as f64 + 0.5) * std::f64::consts::TAU / n_phi as f64;
            spherical_harmonics(l, direction(theta, phi), norm, true, &mut grid.sh);
            let v = grid.sh[k];
            lo = lo.min(v);
            hi = hi.max(v);
            grid.values.push(v);
        }
    }
    grid.min = lo;
    grid.max = hi;
    Ok(())
}

fn norm_name(norm: Normalization) -> &'static str {
    match norm {
        Normalization::Integral => "integral",
        Normalization::Component => "component",
        Normalization::Norm => "norm",
    }
}

/// Paints the cells of `grid` into a chart whose x is φ in degrees and y is −θ in degrees.
fn paint_cells<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    grid: &ShGrid,
) -> Result<(), String> {
    let vmax = grid.abs_max();
    let dt = 180.0 / grid.n_theta as f64;
    let dp = 360.0 / grid.n_phi as f64;
    chart
        .draw_series(grid.values.iter().enumerate().map(|(idx, v)| {
            let (i, j) = (idx / grid.n_phi, idx % grid.n_phi);
            let (t0, p0) = (i as f64 * dt, -180.0 + j as f64 * dp);
            Rectangle::new(
                [(p0, -t0), (p0 + dp, -(t0 + dt))],
                diverging(v / vmax).filled(),
            )
        }))
        .map_err(err)?;
    Ok(())
}

/// A vertical colour bar for the symmetric range [−vmax, vmax], blue (+) at the top.
fn draw_colorbar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    vmax: f64,
    style: &FigStyle,
) -> Result<(), String> {
    let font = ("sans-serif", style.font(11.0))
        .into_font()
        .color(&style.text);
    let mut chart = ChartBuilder::on(area)
        .margin_top(style.px(28.0))
        .margin_bottom(style.px(40.0))
        .margin_right(style.px(4.0))
        .y_label_area_size(style.px(44.0))
        .build_cartesian_2d(0.0..1.0, -vmax..vmax)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(5)
        .y_label_style(font)
        .axis_style(style.muted)
        .y_label_formatter(&|v| {
            if v.abs() < 5e-3 {
                "0".to_string()
            } else {
                format!("{v:+.2}")
            }
        })
        .draw()
        .map_err(err)?;
    let n = 64;
    chart
        .draw_series((0..n).map(|k| {
            let a = -vmax + 2.0 * vmax * k as f64 / n as f64;
            let b = -vmax + 2.0 * vmax * (k + 1) as f64 / n as f64;
            Rectangle::new(
                [(0.0, a), (1.0, b)],
                diverging((a + b) / (2.0 * vmax)).filled(),
            )
        }))
        .map_err(err)?;
    Ok(())
}

/// The φ × θ map of Y_lm with a colour bar, sampled at `n_theta × n_phi` cells into `grid`
/// (pass a kept `ShGrid` to avoid reallocating). Returns nothing but draws on `area`; the range
/// is left in `grid.min`/`grid.max` for the caller to print.
pub fn draw_sh_map_with<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    l: usize,
    m: i64,
    norm: Normalization,
    style: &FigStyle,
    (n_theta, n_phi): (usize, usize),
    grid: &mut ShGrid,
) -> Result<(), String> {
    sample_sh_grid(l, m, norm, n_theta, n_phi, grid)?;
    style.fill(area)?;
    let (w, _) = area.dim_in_pixel();
    let bar_w = (style.px(64.0) as u32).min(w / 4);
    let (map_area, bar_area) = area.split_horizontally(w.saturating_sub(bar_w));
    let label = ("sans-serif", style.font(11.0))
        .into_font()
        .color(&style.text);
    let caption = format!("Y(l={l}, m={m}) · {}", norm_name(norm));
    let mut chart = ChartBuilder::on(&map_area)
        .caption(
            caption,
            ("sans-serif", style.font(13.0))
                .into_font()
                .color(&style.text),
        )
        .margin(style.px(6.0))
        .x_label_area_size(style.px(34.0))
        .y_label_area_size(style.px(40.0))
        .build_cartesian_2d(-180.0..180.0, -180.0..0.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(5)
        .y_labels(5)
        .x_label_style(label.clone())
        .y_label_style(label.clone())
        .axis_style(style.muted)
        .axis_desc_style(label)
        .x_desc("φ (deg, azimuth about y)")
        .y_desc("θ (deg, from +y)")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{:.0}", -v + 0.0))
        .draw()
        .map_err(err)?;
    paint_cells(&mut chart, grid)?;
    draw_colorbar(&bar_area, grid.abs_max(), style)?;
    Ok(())
}

/// The φ × θ map of Y_lm (96 × 48 cells) with a colour bar: the figure of the `sh-explorer`
/// widget and of `multiace figures`.
pub fn draw_sh_map<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    l: usize,
    m: i64,
    norm: Normalization,
    style: &FigStyle,
) -> Result<(), String> {
    let mut grid = ShGrid::default();
    draw_sh_map_with(area, l, m, norm, style, (48, 96), &mut grid)
}

/// A table of maps of every real Y_lm with l ≤ `lmax` (rows l, columns m = −lmax..lmax), each map
/// scaled to its own largest |Y|, with the convention and the +/− legend in a header line.
pub fn draw_sh_gallery<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lmax: usize,
    norm: Normalization,
    style: &FigStyle,
) -> Result<(), String> {
    if lmax > LMAX_SUPPORTED {
        return Err(format!(
            "lmax = {lmax} is larger than the supported maximum {LMAX_SUPPORTED}"
        ));
    }
    style.fill(area)?;
    let header_h = style.px(44.0) as u32;
    let (header, body) = area.split_vertically(header_h);
    let title = ("sans-serif", style.font(15.0))
        .into_font()
        .color(&style.text);
    let small = ("sans-serif", style.font(11.0))
        .into_font()
        .color(&style.text);
    header
        .draw_text(
            &format!(
                "Real spherical harmonics Y(l, m), l ≤ {lmax} — e3nn convention: y is the polar axis; {} normalisation",
                norm_name(norm)
            ),
            &title,
            (style.px(8.0), style.px(6.0)),
        )
        .map_err(err)?;
    header
        .draw_text(
            "maps over φ ∈ [−180°, 180°] (x) and θ ∈ [0°, 180°] from +y (down);",
            &small,
            (style.px(8.0), style.px(26.0)),
        )
        .map_err(err)?;
    let legend_x = style.px(420.0);
    for (k, (c, s)) in [(POSITIVE, "positive"), (NEGATIVE, "negative")]
        .into_iter()
        .enumerate()
    {
        let x = legend_x + k as i32 * style.px(90.0);
        header
            .draw(&Rectangle::new(
                [(x, style.px(27.0)), (x + style.px(12.0), style.px(39.0))],
                c.filled(),
            ))
            .map_err(err)?;
        header
            .draw_text(s, &small, (x + style.px(16.0), style.px(26.0)))
            .map_err(err)?;
    }
    let cols = 2 * lmax + 1;
    let cells = body.split_evenly((lmax + 1, cols));
    let mut grid = ShGrid::default();
    for (idx, cell) in cells.iter().enumerate() {
        let (l, col) = (idx / cols, idx % cols);
        let m = col as i64 - lmax as i64;
        if m.unsigned_abs() as usize > l {
            continue;
        }
        let mut chart = ChartBuilder::on(cell)
            .caption(format!("l={l}, m={m}"), small.clone())
            .margin(style.px(3.0))
            .build_cartesian_2d(-180.0..180.0, -180.0..0.0)
            .map_err(err)?;
        sample_sh_grid(l, m, norm, 18, 36, &mut grid)?;
        paint_cells(&mut chart, &grid)?;
    }
    Ok(())
}
