//! `vector-products`: the three paths of `1o ⊗ 1o = 0e + 1e + 2e` for two unit vectors the reader
//! drags on a sphere, with a live equivariance check.
//!
//! The products come from the core's `nn::TensorProduct::full(1x1o, 1x1o)` (e3nn 0.4.4's
//! `FullTensorProduct`, component normalisation): the `0e` part is `a·b/√3`, the `1e` part
//! `(a×b)/√2` (drawn as an arrow), the `2e` part five numbers (drawn as the surface
//! `r(n̂) = |Σ_m c_m Y_2m(n̂)|`, coloured by sign, and as bars). The scene transform is
//! `Q = R` or, with "invert", `Q = −R` (`R = R_y(α) R_x(β) R_y(γ)`, e3nn): the vectors shown are
//! `Q a`, `Q b` and the products shown are `TP(Q a, Q b)`. The check compares them with
//! `D(Q) TP(a, b)`, `D` from `so3::wigner_d_all` and parities applied by `nn::apply_o3`, per part.
//! The parity readout compares the `1e` part of `TP(−Q a, −Q b)` with that of `TP(Q a, Q b)`: the
//! cross product is a pseudovector and does not flip.
//!
//! Interaction: drag a vector's tip (the nearer one is picked; mouse, pen or touch), drag anywhere
//! else to rotate the scene (arcball), or use the Euler sliders. With the canvas focused: arrow
//! keys move the selected vector by 5°, Shift + arrows rotate the scene, Tab / Shift+Tab switch
//! between a and b (Tab from b leaves the canvas, so the keyboard is never trapped), Escape leaves.

use std::f64::consts::PI;

use crate::number::sig;
use leptos::html;
use leptos::prelude::*;
use multiace_core::nn::{apply_o3, TensorProduct};
use multiace_core::so3::{
    angles_to_matrix, apply, matrix_to_angles, random_rotation, spherical_harmonics, transpose,
    wigner_d_all, Irreps, Mat3, Normalization, SplitMix64, IDENTITY,
};
use multiace_figures::colormap::{NEGATIVE, POSITIVE};
use wasm_bindgen::JsCast;

use super::arrows::{self, arrow, arrow_open, PALETTE};
use super::bars::{self, paired_bars, Strip};
use super::canvas::{Frame, Painter};
use super::controls::{radians, RangeSlider};
use super::frame::{write_url, WidgetFrame};
use super::math_label::prose;
use super::message::for_reader;
use super::orbit::DragTracker;
use super::params::{fmt_f64, Params};
use super::view3d::camera::{compose, default_view, draw_axes, key_rotation, Camera};
use super::view3d::raster::{Raster, Vertex};
use super::view3d::vec3::{cross, dot, normalize, sub};

const COL_A: &str = PALETTE[0];
const COL_B: &str = PALETTE[2];
const COL_X: &str = PALETTE[3];
/// Bars: the product of the transformed inputs, and the transformed product.
const COL_FG: &str = "#2166ac";
const COL_GF: &str = "#e66101";
const DEFAULT_A: [f64; 3] = [0.75, 0.35, 0.56];
const DEFAULT_B: [f64; 3] = [-0.15, 0.85, 0.5];
const DEFAULT_ANGLES: (f64, f64, f64) = (0.5, 0.35, 0.0);
/// Sphere mesh of the quadrupole surface.
const N_THETA: usize = 24;
const N_PHI: usize = 48;

fn len(v: [f64; 3]) -> f64 {
    dot(v, v).sqrt()
}

fn scaled(v: [f64; 3], s: f64) -> [f64; 3] {
    [v[0] * s, v[1] * s, v[2] * s]
}

/// The scene transform Q = ±R.
fn q_of(r: &Mat3, invert: bool) -> Mat3 {
    let s = if invert { -1.0 } else { 1.0 };
    r.map(|row| row.map(|c| s * c))
}

/// A unit vector from the URL (`x,y,z`); anything else → the default with a notice.
fn vec_param(p: &mut Params, key: &str, default: [f64; 3]) -> [f64; 3] {
    let Some(raw) = p.raw(key).map(str::to_owned) else {
        return normalize(default);
    };
    let parts: Vec<Option<f64>> = raw
        .split(',')
        .map(|s| crate::number::parse_f64(s.trim()).filter(|x| x.is_finite()))
        .collect();
    if let [Some(x), Some(y), Some(z)] = parts[..] {
        let v = [x, y, z];
        if len(v) > 1e-9 && len(v).is_finite() {
            return normalize(v);
        }
    }
    let d = normalize(default);
    p.notice(format!(
        "{key}: '{}' is not a nonzero vector x,y,z; using {},{},{}",
        raw.chars().take(24).collect::<String>(),
        fmt_f64(d[0]),
        fmt_f64(d[1]),
        fmt_f64(d[2])
    ));
    d
}

fn vec_query(v: [f64; 3]) -> String {
    format!("{},{},{}", fmt_f64(v[0]), fmt_f64(v[1]), fmt_f64(v[2]))
}

/// What the readouts show (copied out of [`Calc`] after each change).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Readout {
    /// The shown vectors Q a, Q b.
    qa: [f64; 3],
    qb: [f64; 3],
    /// 0e, 1e and 2e parts of TP(Q a, Q b).
    s0: f64,
    v1: [f64; 3],
    q2: [f64; 5],
    /// max |TP(Q a, Q b) − D(Q) TP(a, b)| per part (0e, 1e, 2e) and over all.
    err: [f64; 3],
    max_err: f64,
    /// 1e part of TP(−Q a, −Q b) and its largest difference from the 1e part of TP(Q a, Q b).
    v1_inv: [f64; 3],
    parity: f64,
}

/// The tensor product and the buffers of one evaluation (reused).
struct Calc {
    tp: Result<TensorProduct, String>,
    /// (l, offset) of each output block, in the order of `irreps_out`.
    blocks: Vec<(usize, usize)>,
    f: Vec<f64>,
    fg: Vec<f64>,
    gf: Vec<f64>,
    finv: Vec<f64>,
}

impl Calc {
    fn new() -> Calc {
        let tp = "1x1o"
            .parse::<Irreps>()
            .map_err(|e| e.to_string())
            .and_then(|one| TensorProduct::full(&one, &one).map_err(|e| e.to_string()));
        let (blocks, dim) = match &tp {
            Ok(tp) => {
                let mut off = 0;
                let b = tp
                    .irreps_out()
                    .0
                    .iter()
                    .map(|t| {
                        let o = off;
                        off += t.dim();
                        (t.ir.l, o)
                    })
                    .collect();
                (b, tp.irreps_out().dim())
            }
            Err(_) => (Vec::new(), 0),
        };
        Calc {
            tp,
            blocks,
            f: vec![0.0; dim],
            fg: vec![0.0; dim],
            gf: vec![0.0; dim],
            finv: vec![0.0; dim],
        }
    }

    /// The part of degree `l` of `x` (empty if there is none).
    fn part<'a>(&self, x: &'a [f64], l: usize) -> &'a [f64] {
        self.blocks
            .iter()
            .find(|(bl, _)| *bl == l)
            .and_then(|&(bl, o)| x.get(o..o + 2 * bl + 1))
            .unwrap_or(&[])
    }

    fn compute(&mut self, a: [f64; 3], b: [f64; 3], r: &Mat3, invert: bool) -> Readout {
        let mut out = Readout::default();
        let q = q_of(r, invert);
        let (qa, qb) = (apply(&q, a), apply(&q, b));
        out.qa = qa;
        out.qb = qb;
        let Ok(tp) = &self.tp else { return out };
        tp.forward(&a, &b, &[], &mut self.f);
        tp.forward(&qa, &qb, &[], &mut self.fg);
        tp.forward(&scaled(qa, -1.0), &scaled(qb, -1.0), &[], &mut self.finv);
        let lmax = tp.irreps_out().lmax().unwrap_or(0);
        let ds = wigner_d_all(lmax, r);
        if apply_o3(tp.irreps_out(), &ds, invert, &self.f, &mut self.gf).is_err() {
            self.gf.fill(f64::NAN);
        }
        let max_diff = |x: &[f64], y: &[f64]| {
            x.iter()
                .zip(y)
                .fold(0.0f64, |m, (p, q)| m.max((p - q).abs()))
        };
        for l in 0..3 {
            out.err[l] = max_diff(self.part(&self.fg, l), self.part(&self.gf, l));
        }
        out.max_err = max_diff(&self.fg, &self.gf);
        if self.gf.iter().any(|v| !v.is_finite()) {
            out.max_err = f64::NAN;
        }
        out.s0 = self.part(&self.fg, 0).first().copied().unwrap_or(0.0);
        out.v1
            .iter_mut()
            .zip(self.part(&self.fg, 1))
            .for_each(|(o, v)| *o = *v);
        out.q2
            .iter_mut()
            .zip(self.part(&self.fg, 2))
            .for_each(|(o, v)| *o = *v);
        out.v1_inv
            .iter_mut()
            .zip(self.part(&self.finv, 1))
            .for_each(|(o, v)| *o = *v);
        out.parity = max_diff(self.part(&self.finv, 1), self.part(&self.fg, 1));
        out
    }
}

/// The surface r(n̂) = |Σ_m c_m Y_2m(n̂)| on a (N_THETA+1) × (N_PHI+1) grid.
#[derive(Default)]
struct Quad {
    dirs: Vec<[f64; 3]>,
    y2: Vec<[f64; 5]>,
    pos: Vec<[f64; 3]>,
    normal: Vec<[f64; 3]>,
    positive: Vec<bool>,
    screen: Vec<Vertex>,
    raster: Raster,
}

impl Quad {
    fn idx(i: usize, j: usize) -> usize {
        i * (N_PHI + 1) + j
    }

    /// Directions and Y_2m there (e3nn basis, component normalisation), once.
    fn init(&mut self) {
        if !self.dirs.is_empty() {
            return;
        }
        let mut y = [0.0; 9];
        for i in 0..=N_THETA {
            let t = PI * i as f64 / N_THETA as f64;
            for j in 0..=N_PHI {
                let p = -PI + 2.0 * PI * j as f64 / N_PHI as f64;
                let d = [t.sin() * p.sin(), t.cos(), t.sin() * p.cos()];
                spherical_harmonics(2, d, Normalization::Component, true, &mut y);
                self.dirs.push(d);
                self.y2.push([y[4], y[5], y[6], y[7], y[8]]);
            }
        }
    }

    /// Positions (scaled so the largest |f| is 1), normals and signs for the coefficients `c`.
    /// Returns false when `c` is (numerically) zero.
    fn build(&mut self, c: &[f64; 5]) -> bool {
        self.init();
        let f = |y: &[f64; 5]| y.iter().zip(c).map(|(a, b)| a * b).sum::<f64>();
        let vmax = self.y2.iter().map(|y| f(y).abs()).fold(0.0, f64::max);
        if vmax.is_nan() || vmax <= 1e-9 {
            return false;
        }
        self.pos.clear();
        self.positive.clear();
        for (d, y) in self.dirs.iter().zip(&self.y2) {
            let v = f(y);
            self.pos.push(scaled(*d, v.abs() / vmax));
            self.positive.push(v >= 0.0);
        }
        self.normal.clear();
        for i in 0..=N_THETA {
            for j in 0..=N_PHI {
                let (ia, ib) = (i.saturating_sub(1), (i + 1).min(N_THETA));
                let ja = if j == 0 { N_PHI - 1 } else { j - 1 };
                let jb = if j == N_PHI { 1 } else { j + 1 };
                let dt = sub(self.pos[Self::idx(ib, j)], self.pos[Self::idx(ia, j)]);
                let dp = sub(self.pos[Self::idx(i, jb)], self.pos[Self::idx(i, ja)]);
                let n = cross(dt, dp);
                let k = Self::idx(i, j);
                let nl = len(n);
                self.normal.push(if nl < 1e-12 {
                    self.dirs[k]
                } else if dot(n, self.pos[k]) < 0.0 {
                    scaled(n, -1.0 / nl)
                } else {
                    scaled(n, 1.0 / nl)
                });
            }
        }
        true
    }

    fn draw(&mut self, f: &Frame, c: &[f64; 5], qa: [f64; 3], qb: [f64; 3]) {
        let ctx = f.ctx;
        let cam = Camera::fit(f.width, f.height, 1.12, default_view());
        let color = f.text_color();
        if !self.build(c) {
            bars::font(ctx, 12.0, f.dpr, "center");
            ctx.set_fill_style_str(&color);
            bars::text(ctx, "2e part = 0", f.width / 2.0, f.height / 2.0);
            return;
        }
        let light = normalize([-0.45, 0.6, 0.75]);
        let half = normalize([light[0], light[1], light[2] + 1.0]);
        let pos_rgb = [POSITIVE.0 as f64, POSITIVE.1 as f64, POSITIVE.2 as f64];
        let neg_rgb = [NEGATIVE.0 as f64, NEGATIVE.1 as f64, NEGATIVE.2 as f64];
        self.screen.clear();
        for k in 0..self.pos.len() {
            let s = cam.project(self.pos[k]);
            let n = cam.view_of(self.normal[k]);
            let diff = dot(n, light).abs();
            let spec = dot(n, half).abs().powi(30) * 0.35 * 255.0;
            let base = if self.positive[k] { pos_rgb } else { neg_rgb };
            let shade = 0.32 + 0.68 * diff;
            self.screen.push(Vertex {
                x: s[0] as f32,
                y: s[1] as f32,
                z: s[2] as f32,
                rgb: [
                    (base[0] * shade + spec) as f32,
                    (base[1] * shade + spec) as f32,
                    (base[2] * shade + spec) as f32,
                ],
            });
        }
        let (w, h) = (f.width as usize, f.height as usize);
        self.raster.begin(w, h);
        self.raster.grid(&self.screen, N_THETA, N_PHI);
        self.raster.blit(ctx);
        // the two input directions, as thin lines through the surface
        ctx.set_line_width(1.5 * f.dpr);
        for (v, col) in [(qa, COL_A), (qb, COL_B)] {
            let (p, m) = (cam.project(scaled(v, 1.1)), cam.project(scaled(v, -1.1)));
            ctx.set_stroke_style_str(col);
            ctx.begin_path();
            ctx.move_to(m[0], m[1]);
            ctx.line_to(p[0], p[1]);
            ctx.stroke();
        }
        draw_axes(ctx, &cam, &IDENTITY, 1.05, &color, f.dpr * 0.8);
    }
}

/// The scene camera: orthographic (so picking inverts it exactly), the unit sphere plus the axis
/// labels fitting the canvas.
fn scene_cam(w: f64, h: f64) -> Camera {
    let mut cam = Camera::fit(w, h, 1.12, default_view());
    cam.eye = 1e9;
    cam
}

/// Great circles and two latitude circles of the sphere, turned with the scene (front solid, back
/// faint).
fn draw_grid(
    ctx: &web_sys::CanvasRenderingContext2d,
    cam: &Camera,
    q: &Mat3,
    color: &str,
    dpr: f64,
) {
    const N: usize = 64;
    let circles: [(usize, f64); 5] = [(1, 0.0), (0, 0.0), (2, 0.0), (1, 0.5), (1, -0.5)];
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(0.8 * dpr);
    for front in [false, true] {
        ctx.set_global_alpha(if front { 0.28 } else { 0.1 });
        ctx.begin_path();
        for &(axis, h) in &circles {
            let rad = (1.0 - h * h).sqrt();
            let point = |k: usize| {
                let t = 2.0 * PI * k as f64 / N as f64;
                let (c, s) = (rad * t.cos(), rad * t.sin());
                let p = match axis {
                    0 => [h, c, s],
                    1 => [c, h, s],
                    _ => [c, s, h],
                };
                cam.project(apply(q, p))
            };
            let mut prev = point(0);
            for k in 1..=N {
                let cur = point(k);
                if ((prev[2] + cur[2]) >= 0.0) == front {
                    ctx.move_to(prev[0], prev[1]);
                    ctx.line_to(cur[0], cur[1]);
                }
                prev = cur;
            }
        }
        ctx.stroke();
    }
    ctx.set_global_alpha(1.0);
}

/// The main scene: sphere, axes, the angle between a and b, the arrows a, b and 1e, the handles.
fn draw_scene(f: &Frame, rd: &Readout, r: &Mat3, invert: bool, selected: usize) {
    let ctx = f.ctx;
    let dpr = f.dpr;
    let cam = scene_cam(f.width, f.height);
    let color = f.text_color();
    let q = q_of(r, invert);
    // silhouette
    ctx.set_stroke_style_str(&color);
    ctx.set_global_alpha(0.4);
    ctx.set_line_width(dpr);
    ctx.begin_path();
    let _ = ctx.arc(cam.cx, cam.cy, cam.scale, 0.0, 2.0 * PI);
    ctx.stroke();
    ctx.set_global_alpha(1.0);
    draw_grid(ctx, &cam, &q, &color, dpr);
    draw_axes(ctx, &cam, &IDENTITY, 1.28, &color, dpr);

    // the angle θ between a and b, as an arc at radius 0.3
    let (qa, qb) = (rd.qa, rd.qb);
    let cos = dot(qa, qb).clamp(-1.0, 1.0);
    let theta = cos.acos();
    if theta.sin() > 1e-6 {
        let perp = normalize(sub(qb, scaled(qa, cos)));
        ctx.set_stroke_style_str(&color);
        ctx.set_line_width(dpr);
        ctx.set_global_alpha(0.7);
        ctx.begin_path();
        for k in 0..=24 {
            let t = theta * k as f64 / 24.0;
            let p = [
                0.3 * (qa[0] * t.cos() + perp[0] * t.sin()),
                0.3 * (qa[1] * t.cos() + perp[1] * t.sin()),
                0.3 * (qa[2] * t.cos() + perp[2] * t.sin()),
            ];
            let s = cam.project(p);
            if k == 0 {
                ctx.move_to(s[0], s[1]);
            } else {
                ctx.line_to(s[0], s[1]);
            }
        }
        ctx.stroke();
        ctx.set_global_alpha(1.0);
    }

    // with the inversion: where a and b would be without it (dashed)
    if invert {
        arrows::dashes(ctx, Some(dpr));
        ctx.set_global_alpha(0.45);
        for (v, col) in [(qa, COL_A), (qb, COL_B)] {
            ctx.set_stroke_style_str(col);
            arrow_open(ctx, &cam, [0.0; 3], scaled(v, -1.0), 1.5 * dpr);
        }
        arrows::dashes(ctx, None);
        ctx.set_global_alpha(1.0);
    }

    // arrows, far ones first and faded
    let items = [(qa, COL_A, "a"), (qb, COL_B, "b"), (rd.v1, COL_X, "1e")];
    let mut order = [0usize, 1, 2];
    order.sort_by(|&i, &j| {
        let (zi, zj) = (cam.view_of(items[i].0)[2], cam.view_of(items[j].0)[2]);
        zi.total_cmp(&zj)
    });
    bars::font(ctx, 13.0, dpr, "center");
    for &i in &order {
        let (v, col, label) = items[i];
        let s = cam.project(v);
        ctx.set_global_alpha(if s[2] < -0.05 { 0.55 } else { 1.0 });
        ctx.set_stroke_style_str(col);
        ctx.set_fill_style_str(col);
        arrow(
            ctx,
            &cam,
            [0.0; 3],
            v,
            if i == 2 { 3.0 * dpr } else { 2.5 * dpr },
        );
        if len(v) > 0.05 {
            let o = cam.project([0.0; 3]);
            let (dx, dy) = (s[0] - o[0], s[1] - o[1]);
            let d = (dx * dx + dy * dy).sqrt().max(1e-9);
            let _ = ctx.fill_text(
                label,
                s[0] + dx / d * 14.0 * dpr,
                s[1] + dy / d * 14.0 * dpr,
            );
        }
        if i < 2 {
            // the handle
            ctx.begin_path();
            let _ = ctx.arc(s[0], s[1], 6.0 * dpr, 0.0, 2.0 * PI);
            ctx.fill();
            ctx.set_stroke_style_str(&color);
            ctx.set_line_width(1.2 * dpr);
            ctx.stroke();
            if i == selected {
                ctx.set_stroke_style_str(col);
                ctx.set_line_width(2.0 * dpr);
                ctx.begin_path();
                let _ = ctx.arc(s[0], s[1], 11.0 * dpr, 0.0, 2.0 * PI);
                ctx.stroke();
            }
        }
    }
    ctx.set_global_alpha(1.0);
    // tip positions in CSS pixels, for tests and tools
    for (v, key) in [(qa, "data-tip-a"), (qb, "data-tip-b")] {
        let s = cam.project(v);
        let _ = f
            .canvas
            .set_attribute(key, &format!("{:.1},{:.1}", s[0] / dpr, s[1] / dpr));
    }
}

/// Paired bars: TP(Q a, Q b) and D(Q) TP(a, b), component by component, grouped 0e | 1e | 2e.
fn draw_bars(f: &Frame, fg: &[f64], gf: &[f64], blocks: &[(usize, usize)]) {
    let ctx = f.ctx;
    let dpr = f.dpr;
    let color = f.text_color();
    let pad = 8.0 * dpr;
    let label_h = 18.0 * dpr;
    let strip = Strip {
        x: pad,
        y_mid: (f.height - label_h) / 2.0,
        width: f.width - 2.0 * pad,
        half: (f.height - label_h) / 2.0 - pad,
    };
    let scale = fg.iter().chain(gf).fold(
        1.0f64,
        |m, v| if v.is_finite() { m.max(v.abs()) } else { m },
    );
    strip.baseline(ctx, &color, dpr);
    paired_bars(ctx, &strip, fg, gf, scale, (COL_FG, COL_GF), dpr);
    // block separators and labels
    let n = fg.len().max(1) as f64;
    let w = strip.width / n;
    bars::font(ctx, 12.0, dpr, "center");
    ctx.set_fill_style_str(&color);
    ctx.set_stroke_style_str(&color);
    ctx.set_line_width(dpr);
    for &(l, off) in blocks {
        let x0 = strip.x + off as f64 * w;
        let x1 = x0 + (2 * l + 1) as f64 * w;
        if off > 0 {
            ctx.set_global_alpha(0.4);
            ctx.begin_path();
            ctx.move_to(x0, pad * 0.5);
            ctx.line_to(x0, f.height - label_h);
            ctx.stroke();
            ctx.set_global_alpha(1.0);
        }
        let name = match l {
            0 => "0e",
            1 => "1e",
            _ => "2e",
        };
        bars::text(ctx, name, (x0 + x1) / 2.0, f.height - label_h / 2.0);
    }
}

fn fmt_vec(v: &[f64]) -> String {
    let parts: Vec<String> = v.iter().map(|x| format!("{:.3}", x + 0.0)).collect();
    format!("({})", parts.join(", "))
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let a0 = vec_param(&mut p, "a", DEFAULT_A);
    let b0 = vec_param(&mut p, "b", DEFAULT_B);
    let al0 = p.float("alpha", DEFAULT_ANGLES.0, -2.0 * PI, 2.0 * PI);
    let be0 = p.float("beta", DEFAULT_ANGLES.1, -2.0 * PI, 2.0 * PI);
    let ga0 = p.float("gamma", DEFAULT_ANGLES.2, -2.0 * PI, 2.0 * PI);
    let inv0 = p.flag("invert", false);
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();

    let va = RwSignal::new(a0);
    let vb = RwSignal::new(b0);
    let r = RwSignal::new(angles_to_matrix(al0, be0, ga0));
    let euler = RwSignal::new((al0, be0, ga0));
    let invert = RwSignal::new(inv0);
    let selected = RwSignal::new(0usize);
    let readout = RwSignal::new(Readout::default());

    let state = Signal::derive(move || {
        let (al, be, ga) = euler.get();
        format!(
            "a={}&b={}&alpha={}&beta={}&gamma={}&invert={}{pass}",
            vec_query(va.get()),
            vec_query(vb.get()),
            fmt_f64(al),
            fmt_f64(be),
            fmt_f64(ga),
            u8::from(invert.get())
        )
    });
    let save = move || write_url(embedded, &state.get_untracked());

    let calc = StoredValue::new_local(Calc::new());
    let tp_error = calc
        .try_with_value(|c| c.tp.as_ref().err().cloned())
        .flatten();
    let quad = StoredValue::new_local(Quad::default());
    let scene_el = NodeRef::<html::Canvas>::new();
    let quad_el = NodeRef::<html::Canvas>::new();
    let bars_el = NodeRef::<html::Canvas>::new();
    let scene_painter = StoredValue::new_local(Painter::new(scene_el, dpr, move |f| {
        draw_scene(
            f,
            &readout.get_untracked(),
            &r.get_untracked(),
            invert.get_untracked(),
            selected.get_untracked(),
        );
    }));
    let quad_painter = StoredValue::new_local(Painter::new(quad_el, dpr, move |f| {
        let rd = readout.get_untracked();
        quad.try_update_value(|q| q.draw(f, &rd.q2, rd.qa, rd.qb));
    }));
    let bars_painter = StoredValue::new_local(Painter::new(bars_el, dpr, move |f| {
        calc.try_with_value(|c| draw_bars(f, &c.fg, &c.gf, &c.blocks));
    }));
    let redraw_scene = move || {
        scene_painter.try_with_value(Painter::request);
    };
    Effect::new(move |_| {
        let (a, b, m, inv) = (va.get(), vb.get(), r.get(), invert.get());
        if let Some(rd) = calc.try_update_value(|c| c.compute(a, b, &m, inv)) {
            readout.set(rd);
        }
        redraw_scene();
        quad_painter.try_with_value(Painter::request);
        bars_painter.try_with_value(Painter::request);
    });
    Effect::new(move |_| {
        selected.track();
        redraw_scene();
    });

    let set_r = move |m: Mat3| {
        r.set(m);
        euler.set(matrix_to_angles(&m));
    };
    // a shown direction w (world, unit) → the vector before the scene transform: Qᵀ w
    let set_shown = move |k: usize, w: [f64; 3]| {
        let q = q_of(&r.get_untracked(), invert.get_untracked());
        let v = normalize(apply(&transpose(&q), w));
        if k == 0 {
            va.set(v);
        } else {
            vb.set(v);
        }
    };

    // --- pointer: grab the nearer tip, or rotate the scene ---
    #[derive(Default)]
    struct Grab {
        tip: Option<usize>,
        /// +1: the tip moves on the front hemisphere, −1: on the back one (where it was grabbed).
        side: f64,
    }
    let grab = StoredValue::new_local(Grab::default());
    let drag = StoredValue::new_local(DragTracker::default());
    let over_tip = RwSignal::new(false);
    let view_m = default_view();
    let element = |ev: &web_sys::PointerEvent| {
        ev.current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    };
    // the tip under the pointer (nearer one on screen; the front one on a tie) and its depth
    let tip_at = move |el: &web_sys::HtmlElement, x: f64, y: f64, touch: bool| {
        let cam = scene_cam(el.client_width() as f64, el.client_height() as f64);
        let rd = readout.get_untracked();
        let reach = if touch { 30.0 } else { 18.0 };
        let mut best: Option<(usize, f64, f64)> = None;
        for (k, v) in [rd.qa, rd.qb].into_iter().enumerate() {
            let s = cam.project(v);
            let d = ((s[0] - x).powi(2) + (s[1] - y).powi(2)).sqrt();
            if d > reach {
                continue;
            }
            let better = match best {
                None => true,
                Some((_, bd, bz)) => d + 3.0 < bd || ((d - bd).abs() <= 3.0 && s[2] > bz),
            };
            if better {
                best = Some((k, d, s[2]));
            }
        }
        best.map(|(k, _, z)| (k, z))
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        let Some(el) = element(&ev) else { return };
        if ev.button() != 0 {
            return;
        }
        let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
        if let Some((k, z)) = tip_at(&el, x, y, ev.pointer_type() == "touch") {
            crate::util::focus_no_scroll(&el);
            let _ = el.set_pointer_capture(ev.pointer_id());
            ev.prevent_default();
            selected.set(k);
            grab.set_value(Grab {
                tip: Some(k),
                side: if z >= 0.0 { 1.0 } else { -1.0 },
            });
        } else {
            drag.try_update_value(|d| d.down(&ev));
        }
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let Some(el) = element(&ev) else { return };
        let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
        let g = grab.with_value(|g| g.tip.map(|k| (k, g.side)));
        if let Some((k, side)) = g {
            let cam = scene_cam(el.client_width() as f64, el.client_height() as f64);
            let (px, py) = ((x - cam.cx) / cam.scale, -(y - cam.cy) / cam.scale);
            let d2 = px * px + py * py;
            let v = if d2 >= 1.0 {
                [px / d2.sqrt(), py / d2.sqrt(), 0.0]
            } else {
                [px, py, side * (1.0 - d2).sqrt()]
            };
            set_shown(k, apply(&transpose(&view_m), v));
            return;
        }
        if let Some(dr) = drag.try_update_value(|d| d.moved(&ev, &view_m)).flatten() {
            set_r(compose(&dr, &r.get_untracked()));
            return;
        }
        let hover = tip_at(&el, x, y, ev.pointer_type() == "touch").is_some();
        if hover != over_tip.get_untracked() {
            over_tip.set(hover);
        }
    };
    let on_up = move |ev: web_sys::PointerEvent| {
        let was_tip = grab.with_value(|g| g.tip.is_some());
        if was_tip {
            if let Some(el) = element(&ev) {
                if el.has_pointer_capture(ev.pointer_id()) {
                    let _ = el.release_pointer_capture(ev.pointer_id());
                }
            }
            grab.set_value(Grab::default());
            save();
        } else if drag.try_update_value(|d| d.up(&ev)).unwrap_or(false) {
            save();
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        match key.as_str() {
            "Tab" => {
                // a → b on Tab, b → a on Shift+Tab; otherwise the focus moves on (no trap)
                let k = selected.get_untracked();
                if !ev.shift_key() && k == 0 {
                    selected.set(1);
                    ev.prevent_default();
                } else if ev.shift_key() && k == 1 {
                    selected.set(0);
                    ev.prevent_default();
                }
            }
            "a" | "A" | "1" => selected.set(0),
            "b" | "B" | "2" => selected.set(1),
            "Escape" => {
                if let Some(el) = ev
                    .current_target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = el.blur();
                }
            }
            _ => {
                let Some(m) = key_rotation(&view_m, &key) else {
                    return;
                };
                ev.prevent_default();
                if ev.shift_key() {
                    set_r(compose(&m, &r.get_untracked()));
                } else {
                    let k = selected.get_untracked();
                    let rd = readout.get_untracked();
                    let shown = if k == 0 { rd.qa } else { rd.qb };
                    set_shown(k, apply(&m, shown));
                }
                save();
            }
        }
    };

    let euler_slider = move |k: usize, label: &'static str, min: f64, max: f64| {
        view! {
            <RangeSlider label min max format=radians
                value=Signal::derive(move || {
                    let e = euler.get();
                    [e.0, e.1, e.2][k]
                })
                on_input=move |v| {
                    let mut e = euler.get_untracked();
                    match k { 0 => e.0 = v, 1 => e.1 = v, _ => e.2 = v }
                    euler.set(e);
                    r.set(angles_to_matrix(e.0, e.1, e.2));
                }
                on_change=move |_| save() />
        }
    };
    let select_chip = move |k: usize, label: &'static str| {
        view! {
            <button type="button" class="chip" aria-pressed=move || (selected.get() == k).to_string()
                on:click=move |_| selected.set(k)>{label}</button>
        }
    };
    // b relative to a: the extreme cases of the three parts
    let b_preset = move |label: &'static str, kind: u8| {
        view! {
            <button type="button" class="chip" on:click=move |_| {
                let a = va.get_untracked();
                let b = match kind {
                    0 => a,
                    1 => scaled(a, -1.0),
                    _ => {
                        let b = vb.get_untracked();
                        let mut perp = sub(b, scaled(a, dot(a, b)));
                        if len(perp) < 1e-6 {
                            perp = cross(a, if a[0].abs() < 0.9 { [1.0, 0.0, 0.0] } else { [0.0, 1.0, 0.0] });
                        }
                        normalize(perp)
                    }
                };
                vb.set(b);
                save();
            }>{label}</button>
        }
    };

    let rd = move || readout.get();
    view! {
        <WidgetFrame name="vector-products" title="The three products of two vectors: 1o ⊗ 1o = 0e + 1e + 2e" notices=notices state=state>
            <p class="convention">"Computed by the core's FullTensorProduct(1x1o, 1x1o) (e3nn 0.4.4, component normalisation). The scene transform is Q = R = Ry(α) Rx(β) Ry(γ), or Q = −R with “invert”; the shown vectors are Qa and Qb."</p>
            {tp_error.map(|e| view! { <p class="widget-error" role="alert">{for_reader(&e)}</p> })}
            <div class="widget-row">
                <div class="widget-canvas-wrap">
                    <canvas role="img" node_ref=scene_el class="view3d vp-scene" class:over-tip=move || over_tip.get() tabindex="0"
                        aria-label="Two unit vectors a and b on a sphere and their cross-product part 1e. Drag a tip to move it, drag elsewhere to rotate the scene; with focus: arrow keys move the selected vector, Shift+arrows rotate the scene, Tab switches from a to b, Escape leaves."
                        on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                        on:pointercancel=on_up on:keydown=on_key></canvas>
                    <p class="widget-hint">"Drag a tip (a or b) along the sphere · drag elsewhere to rotate the scene · click, then arrows move the selected vector, Shift+arrows rotate, Tab switches a → b"</p>
                    <div class="legend">
                        <span><span class="swatch" style=format!("background:{COL_A}")></span>"a (1o)"</span>
                        <span><span class="swatch" style=format!("background:{COL_B}")></span>"b (1o)"</span>
                        <span><span class="swatch" style=format!("background:{COL_X}")></span>"1e part ∝ a × b"</span>
                    </div>
                </div>
                <div class="widget-readout vp-readout">
                    <p class="readout" data-testid="vp-dot" data-value=move || format!("{:e}", rd().s0)>
                        <span class="readout-label">"0e part (a scalar)"</span>
                        <strong>{move || format!("{:.4}", rd().s0 + 0.0)}</strong>
                        {move || {
                            let d = (3f64.sqrt() * rd().s0).clamp(-1.0, 1.0);
                            format!(" = a·b/√3;  a·b = cos θ = {:.4}, θ = {:.1}°", d + 0.0, d.acos().to_degrees())
                        }}
                    </p>
                    <p class="readout" data-testid="vp-cross" data-value=move || { let v = rd().v1; format!("{:e},{:e},{:e}", v[0], v[1], v[2]) }>
                        <span class="readout-label">"1e part (a pseudovector, the arrow), components (x, y, z)"</span>
                        <strong>{move || fmt_vec(&rd().v1)}</strong>
                        {move || format!(" = (a × b)/√2;  |1e|·√2 = sin θ = {:.4}", len(rd().v1) * 2f64.sqrt())}
                    </p>
                    <div class="readout">
                        <span class="readout-label" inner_html=prose("2e part (five numbers, $m = −2 … 2$; the surface $|Σ_m c_m Y_{2m}|$, blue > 0, orange < 0)")></span>
                        <div class="vp-quad-row">
                            <canvas role="img" node_ref=quad_el class="view3d vp-quad" aria-label="The 2e part drawn as an l = 2 surface, with the directions of a and b"></canvas>
                            <strong class="vp-quad-values">{move || fmt_vec(&rd().q2)}</strong>
                        </div>
                    </div>
                    <canvas role="img" node_ref=bars_el class="plot vp-bars" aria-label="The nine components of TP(Qa, Qb) beside those of D(Q) TP(a, b)"></canvas>
                    <div class="legend">
                        <span><span class="swatch" style=format!("background:{COL_FG}")></span>"TP(Qa, Qb)"</span>
                        <span><span class="swatch" style=format!("background:{COL_GF}")></span>"D(Q) TP(a, b)"</span>
                    </div>
                    <table class="counts vp-errors">
                        <tbody>
                            {["0e", "1e", "2e"].into_iter().enumerate().map(|(l, name)| view! {
                                <tr><td>{format!("{name}: max |TP(Qa, Qb) − D(Q) TP(a, b)|")}</td>
                                    <td class="num">{move || sig(rd().err[l], 2)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="readout" data-testid="vp-equivariance" data-value=move || format!("{:e}", rd().max_err)>
                        <strong>{move || format!("max |TP(Qa, Qb) − D(Q) TP(a, b)| = {}", sig(rd().max_err, 2))}</strong>
                        <span class="small">" (in double precision, about 10⁻¹⁶ means equal)"</span>
                    </p>
                    <p class="readout" data-testid="vp-parity" data-value=move || format!("{:e}", rd().parity)>
                        {move || format!(
                            "Invert both inputs (a → −a, b → −b): the 1e part becomes {}, a change of {}. It does not flip: a pseudovector (parity (−1)·(−1) = +1), while a and b do.",
                            fmt_vec(&rd().v1_inv), sig(rd().parity, 2)
                        )}
                    </p>
                </div>
            </div>
            <div class="widget-controls">
                <fieldset class="ctl-group">
                    <legend>"vectors"</legend>
                    <div class="chips">"move: " {select_chip(0, "a")} {select_chip(1, "b")}</div>
                    <div class="chips">"set b: " {b_preset("b = a", 0)} {b_preset("b = −a", 1)} {b_preset("b ⟂ a", 2)}</div>
                    <label class="ctl-check">
                        <input type="checkbox" prop:checked=move || invert.get() on:change=move |ev| {
                            invert.set(event_target_checked(&ev));
                            save();
                        } />
                        " invert (Q = −R: a → −a, b → −b)"
                    </label>
                </fieldset>
                <fieldset class="ctl-group">
                    <legend>"scene rotation R = Ry(α) Rx(β) Ry(γ)"</legend>
                    {euler_slider(0, "α", -PI, PI)}
                    {euler_slider(1, "β", 0.0, PI)}
                    {euler_slider(2, "γ", -PI, PI)}
                    <div class="chips">
                        <button type="button" class="chip" on:click=move |_| {
                            let seed = window().performance().map(|p| (p.now() * 1000.0) as u64).unwrap_or(1);
                            let mut rng = SplitMix64::new(seed ^ 0x9e37_79b9_7f4a_7c15);
                            set_r(random_rotation(&mut rng));
                            save();
                        }>"random rotation"</button>
                        <button type="button" class="chip" on:click=move |_| { set_r(IDENTITY); save(); }>"R = identity"</button>
                    </div>
                </fieldset>
            </div>
        </WidgetFrame>
    }
    .into_any()
}
