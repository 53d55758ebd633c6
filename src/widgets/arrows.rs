//! Arrows in a 3D view (`equivariant-layer`, `gate`): a shaft from one world point to another and
//! a filled head, projected through a [`Camera`]. Dashed arrows mark where an equivariant output
//! would point ("the rotated output"), solid ones what the model actually gave.
//!
//! Nothing is allocated per arrow; the dash pattern is set once per group with [`dashes`].

use web_sys::CanvasRenderingContext2d;

use super::view3d::camera::Camera;

/// Colours of the l = 1 outputs, one per feature copy (colour-blind-safe Dark2 set, readable on
/// the light and the dark theme).
pub const PALETTE: [&str; 5] = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"];

/// Turns the dash pattern on (`Some(dpr)`) or off (`None`) for the strokes that follow.
pub fn dashes(ctx: &CanvasRenderingContext2d, dpr: Option<f64>) {
    let pattern = match dpr {
        Some(d) => js_sys::Array::of2(&(5.0 * d).into(), &(4.0 * d).into()),
        None => js_sys::Array::new(),
    };
    let _ = ctx.set_line_dash(&pattern);
}

/// An arrow from world point `from` to `to`, `width` device pixels wide, in the current stroke
/// and fill colour (set by the caller). Degenerate arrows (shorter than a pixel on screen) draw
/// nothing; a head never exceeds half the arrow.
pub fn arrow(
    ctx: &CanvasRenderingContext2d,
    cam: &Camera,
    from: [f64; 3],
    to: [f64; 3],
    width: f64,
) {
    let a = cam.project(from);
    let b = cam.project(to);
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len = (dx * dx + dy * dy).sqrt();
    if !(len.is_finite() && len > 1.0) {
        return;
    }
    let (ux, uy) = (dx / len, dy / len);
    let head = (4.0 * width).max(5.0).min(0.5 * len);
    let (sx, sy) = (b[0] - ux * head * 0.8, b[1] - uy * head * 0.8);
    ctx.set_line_width(width);
    ctx.begin_path();
    ctx.move_to(a[0], a[1]);
    ctx.line_to(sx, sy);
    ctx.stroke();
    ctx.begin_path();
    ctx.move_to(b[0], b[1]);
    ctx.line_to(
        b[0] - ux * head - uy * head * 0.42,
        b[1] - uy * head + ux * head * 0.42,
    );
    ctx.line_to(
        b[0] - ux * head + uy * head * 0.42,
        b[1] - uy * head - ux * head * 0.42,
    );
    ctx.close_path();
    ctx.fill();
}

/// The outline of an arrow head only (for dashed "expected" arrows, whose filled head would hide
/// the solid one drawn on top of it).
pub fn arrow_open(
    ctx: &CanvasRenderingContext2d,
    cam: &Camera,
    from: [f64; 3],
    to: [f64; 3],
    width: f64,
) {
    let a = cam.project(from);
    let b = cam.project(to);
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len = (dx * dx + dy * dy).sqrt();
    if !(len.is_finite() && len > 1.0) {
        return;
    }
    let (ux, uy) = (dx / len, dy / len);
    let head = (5.0 * width).max(6.0).min(0.5 * len);
    ctx.set_line_width(width);
    ctx.begin_path();
    ctx.move_to(a[0], a[1]);
    ctx.line_to(b[0], b[1]);
    ctx.move_to(
        b[0] - ux * head - uy * head * 0.42,
        b[1] - uy * head + ux * head * 0.42,
    );
    ctx.line_to(b[0], b[1]);
    ctx.line_to(
        b[0] - ux * head + uy * head * 0.42,
        b[1] - uy * head - ux * head * 0.42,
    );
    ctx.stroke();
}
