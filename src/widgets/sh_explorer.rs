//! `sh-explorer`: the surface r(θ, φ) = |Y_lm(r̂)| coloured by sign, rotatable, beside the φ × θ
//! map of Y_lm (drawn by `multiace_figures::draw_sh_map_with`, the function the CLI uses for SVG).
//!
//! e3nn convention: y is the polar axis, r̂ = (sin θ sin φ, cos θ, sin θ cos φ). Values come from
//! `multiace_core::so3::spherical_harmonics`, one direction at a time. The batch `ShCalculator`
//! gives the same values bit for bit, but its kernels, unrolled once per `lmax`, added 50–110 KB
//! (raw; ~10 KB brotli) to the wasm, while the 4,753 directions evaluated per (l, m) change are
//! cheap either way. The mesh (48 × 96 quads) is evaluated once per
//! (l, m, normalisation); a frame only rotates, shades and rasterises it into reused buffers.

use std::f64::consts::PI;

use crate::number::sig;
use leptos::html;
use leptos::prelude::*;
use multiace_core::so3::{
    apply, mat_mul, sh_index, sh_len, spherical_harmonics, Mat3, Normalization,
};
use multiace_figures::colormap::{NEGATIVE, POSITIVE};
use multiace_figures::{draw_sh_map_with, ShGrid};
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;

use super::canvas::Painter;
use super::frame::{write_url, WidgetFrame};
use super::math_label::prose;
use super::orbit::{self, DragTracker};
use super::params::Params;
use super::view3d::camera::{compose, default_view, draw_axes, Camera};
use super::view3d::raster::{Raster, Vertex};
use super::view3d::vec3::{cross, dot, normalize, sub};

const N_THETA: usize = 48;
const N_PHI: usize = 96;
const LMAX: i64 = 8;
const IDENTITY: Mat3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

fn norm_of(s: &str) -> Normalization {
    match s {
        "component" => Normalization::Component,
        "norm" => Normalization::Norm,
        _ => Normalization::Integral,
    }
}

fn norm_help(s: &str) -> &'static str {
    match s {
        "component" => "component: $Σ_m Y_{lm}(r̂)^2 = 2l + 1$",
        "norm" => "norm: $Σ_m Y_{lm}(r̂)^2 = 1$",
        _ => "integral: $∫ Y_{lm}^2 dΩ = 1$",
    }
}

/// Text minus sign for display ("m = −2").
fn signed(m: i64) -> String {
    if m < 0 {
        format!("−{}", -m)
    } else {
        m.to_string()
    }
}

/// The surface mesh: vertices on an (N_THETA+1) × (N_PHI+1) grid, positions r̂·|Y|/max|Y|,
/// outward normals and the sign of Y; plus per-frame buffers.
#[derive(Default)]
struct Mesh {
    dirs: Vec<[f64; 3]>,
    values: Vec<f64>,
    pos: Vec<[f64; 3]>,
    normal: Vec<[f64; 3]>,
    positive: Vec<bool>,
    key: Option<(usize, i64, Normalization)>,
    /// per-frame: projected vertices (reused)
    screen: Vec<Vertex>,
    raster: Raster,
    zoom: f64,
}

impl Mesh {
    fn idx(i: usize, j: usize) -> usize {
        i * (N_PHI + 1) + j
    }

    /// Re-evaluates Y_lm on the grid (only when (l, m, norm) changed). Returns (min, max) of Y.
    fn build(&mut self, l: usize, m: i64, norm: Normalization) -> (f64, f64) {
        let nv = (N_THETA + 1) * (N_PHI + 1);
        if self.dirs.len() != nv {
            self.dirs.clear();
            for i in 0..=N_THETA {
                let t = PI * i as f64 / N_THETA as f64;
                for j in 0..=N_PHI {
                    let p = -PI + 2.0 * PI * j as f64 / N_PHI as f64;
                    self.dirs
                        .push([t.sin() * p.sin(), t.cos(), t.sin() * p.cos()]);
                }
            }
        }
        let mut y = vec![0.0; sh_len(l)];
        let k = sh_index(l, m);
        self.values.clear();
        self.values.extend(self.dirs.iter().map(|&d| {
            spherical_harmonics(l, d, norm, true, &mut y);
            y[k]
        }));
        let (lo, hi) = self
            .values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        let vmax = lo.abs().max(hi.abs()).max(1e-300);
        self.pos.clear();
        self.pos
            .extend(self.dirs.iter().zip(&self.values).map(|(d, v)| {
                let r = v.abs() / vmax;
                [d[0] * r, d[1] * r, d[2] * r]
            }));
        self.positive.clear();
        self.positive.extend(self.values.iter().map(|v| *v >= 0.0));
        self.normal.clear();
        for i in 0..=N_THETA {
            for j in 0..=N_PHI {
                let (ia, ib) = (i.saturating_sub(1), (i + 1).min(N_THETA));
                let (ja, jb) = (
                    if j == 0 { N_PHI - 1 } else { j - 1 },
                    if j == N_PHI { 1 } else { j + 1 },
                );
                let dt = sub(self.pos[Self::idx(ib, j)], self.pos[Self::idx(ia, j)]);
                let dp = sub(self.pos[Self::idx(i, jb)], self.pos[Self::idx(i, ja)]);
                let mut nrm = cross(dt, dp);
                let d = self.dirs[Self::idx(i, j)];
                let len = dot(nrm, nrm).sqrt();
                if len < 1e-12 {
                    nrm = d;
                } else {
                    let s = if dot(nrm, self.pos[Self::idx(i, j)]) < 0.0 {
                        -1.0
                    } else {
                        1.0
                    };
                    nrm = [s * nrm[0] / len, s * nrm[1] / len, s * nrm[2] / len];
                }
                self.normal.push(nrm);
            }
        }
        self.key = Some((l, m, norm));
        (lo, hi)
    }

    /// Rotates, shades and rasterises the mesh; draws the axes on top.
    fn draw(&mut self, f: &super::canvas::Frame, model: &Mat3) {
        let view = default_view();
        let mut cam = Camera::fit(f.width, f.height, 1.25, view);
        cam.scale *= if self.zoom > 0.0 { self.zoom } else { 1.0 };
        let vm = mat_mul(&view, model);
        let light = normalize([-0.45, 0.6, 0.75]);
        let half = normalize([light[0], light[1], light[2] + 1.0]);
        let pos_rgb = [POSITIVE.0 as f64, POSITIVE.1 as f64, POSITIVE.2 as f64];
        let neg_rgb = [NEGATIVE.0 as f64, NEGATIVE.1 as f64, NEGATIVE.2 as f64];
        self.screen.clear();
        for k in 0..self.pos.len() {
            let v = apply(&vm, self.pos[k]);
            let s = cam.project_view(v);
            let nrm = apply(&vm, self.normal[k]);
            let diff = dot(nrm, light).abs();
            let spec = dot(nrm, half).abs().powi(30) * 0.35 * 255.0;
            let base = if self.positive[k] { pos_rgb } else { neg_rgb };
            let shade = 0.32 + 0.68 * diff;
            let rgb = [
                (base[0] * shade + spec) as f32,
                (base[1] * shade + spec) as f32,
                (base[2] * shade + spec) as f32,
            ];
            self.screen.push(Vertex {
                x: s[0] as f32,
                y: s[1] as f32,
                z: s[2] as f32,
                rgb,
            });
        }
        let (w, h) = (f.width as usize, f.height as usize);
        self.raster.begin(w, h);
        self.raster.grid(&self.screen, N_THETA, N_PHI);
        self.raster.blit(f.ctx);
        let color = f.text_color();
        draw_axes(f.ctx, &cam, model, 1.18, &color, f.dpr);
    }
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let l0 = p.int("l", 2, 0, LMAX);
    let m_default = 1.min(l0);
    let m0 = p.int("m", m_default, -l0, l0);
    let norm0 = p.choice("norm", "integral", &["integral", "component", "norm"]);
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();

    let l = RwSignal::new(l0);
    let m = RwSignal::new(m0);
    let norm = RwSignal::new(norm0);
    let model = RwSignal::new(IDENTITY);
    let range = RwSignal::new((0.0f64, 0.0f64));
    let state =
        Signal::derive(move || format!("l={}&m={}&norm={}{pass}", l.get(), m.get(), norm.get()));
    let save = move || write_url(embedded, &state.get_untracked());

    let mesh = StoredValue::new_local(Mesh {
        zoom: 1.0,
        ..Mesh::default()
    });
    let surface = NodeRef::<html::Canvas>::new();
    let map = NodeRef::<html::Canvas>::new();
    let surface_painter = StoredValue::new_local(Painter::new(surface, dpr, move |f| {
        let r = model.get_untracked();
        mesh.try_update_value(|ms| ms.draw(f, &r));
    }));
    let grid = StoredValue::new_local(ShGrid::default());
    let map_painter = StoredValue::new_local(Painter::new(map, dpr, move |f| {
        let Some(backend) = CanvasBackend::with_canvas_object(f.canvas.clone()) else {
            return;
        };
        let area = backend.into_drawing_area();
        let style = f.fig_style();
        let (lv, mv, nv) = (
            l.get_untracked() as usize,
            m.get_untracked(),
            norm_of(norm.get_untracked()),
        );
        grid.try_update_value(|g| {
            if let Err(e) = draw_sh_map_with(&area, lv, mv, nv, &style, (N_THETA, N_PHI), g) {
                leptos::logging::warn!("sh map: {e}");
            }
        });
    }));
    let redraw_surface = move || {
        surface_painter.try_with_value(Painter::request);
    };
    // (l, m, norm) changed: rebuild the mesh once, then redraw both canvases.
    Effect::new(move |_| {
        let (lv, mv, nv) = (l.get() as usize, m.get(), norm_of(norm.get()));
        if let Some(rg) = mesh.try_update_value(|ms| ms.build(lv, mv, nv)) {
            range.set(rg);
        }
        redraw_surface();
        map_painter.try_with_value(Painter::request);
    });
    Effect::new(move |_| {
        model.track();
        redraw_surface();
    });

    let drag = StoredValue::new_local(DragTracker::default());
    let view_m = default_view();
    let set_l = move |v: i64| {
        let v = v.clamp(0, LMAX);
        l.set(v);
        m.set(m.get_untracked().clamp(-v, v));
    };
    let set_m = move |v: i64| {
        let lv = l.get_untracked();
        m.set(v.clamp(-lv, lv));
    };
    let stepper = move |label: &'static str, is_l: bool| {
        let get = move || if is_l { l.get() } else { m.get() };
        let set = move |v: i64| {
            if is_l {
                set_l(v)
            } else {
                set_m(v)
            }
            save();
        };
        view! {
            <label class="ctl" data-control=label>
                <span class="ctl-name">{label}</span>
                <input type="range" step="1"
                    min=move || if is_l { 0 } else { -l.get() }
                    max=move || if is_l { LMAX } else { l.get() }
                    prop:value=move || get().to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<i64>() {
                            if is_l { set_l(v) } else { set_m(v) }
                        }
                    }
                    on:change=move |_| save() />
                <span class="stepper">
                    <button type="button" aria-label=format!("decrease {label}") on:click=move |_| set(get() - 1)>"−"</button>
                    <span class="ctl-value">{move || signed(get())}</span>
                    <button type="button" aria-label=format!("increase {label}") on:click=move |_| set(get() + 1)>"+"</button>
                </span>
            </label>
        }
    };

    view! {
        <WidgetFrame name="sh-explorer" title="Real spherical harmonics" notices=notices state=state>
            <p class="readout" data-testid="sh-lm" data-l=move || l.get().to_string() data-m=move || m.get().to_string()>
                <strong>{move || format!("l = {}, m = {}", l.get(), signed(m.get()))}</strong>
                <span inner_html=move || prose(&format!(" · normalisation {}", norm_help(norm.get())))></span>
            </p>
            <p class="convention" inner_html=prose("e3nn convention: $y$ is the polar axis, $r̂ = (sin θ sin φ, cos θ, sin θ cos φ)$. The surface has radius $|Y_{lm}(r̂)|$ (scaled to its maximum); colour = sign.")></p>
            <div class="legend">
                <span><span class="swatch pos"></span><span inner_html=prose("$Y > 0$")></span></span>
                <span><span class="swatch neg"></span><span inner_html=prose("$Y < 0$")></span></span>
                <span inner_html=move || { let (a, b) = range.get(); prose(&format!("range of $Y$ on the sphere: [{}, {}]", sig(a, 4), sig(b, 4))) }></span>
            </div>
            <div class="widget-row">
                <div class="widget-canvas-wrap">
                    <canvas node_ref=surface class="view3d" tabindex="0"
                        role="img"
                        aria-label=move || format!("Surface of |Y| for l = {}, m = {}, coloured by sign; drag to rotate, arrow keys rotate when focused, Escape leaves", l.get(), signed(m.get()))
                        on:pointerdown=move |ev| { drag.try_update_value(|d| d.down(&ev)); }
                        on:pointermove=move |ev| {
                            if let Some(dr) = drag.try_update_value(|d| d.moved(&ev, &view_m)).flatten() {
                                model.set(compose(&dr, &model.get_untracked()));
                            }
                        }
                        on:pointerup=move |ev| { drag.try_update_value(|d| d.up(&ev)); }
                        on:pointercancel=move |ev| { drag.try_update_value(|d| d.up(&ev)); }
                        on:keydown=move |ev| {
                            if let Some(dr) = orbit::key(&ev, &view_m) {
                                model.set(compose(&dr, &model.get_untracked()));
                            }
                        }
                        on:wheel=move |ev| {
                            if let Some(z) = orbit::wheel_zoom(&ev) {
                                mesh.try_update_value(|ms| ms.zoom = (ms.zoom * z).clamp(0.4, 4.0));
                                redraw_surface();
                            }
                        }></canvas>
                    <p class="widget-hint">"Drag (or touch) to rotate · click, then arrow keys · wheel zooms after a click"</p>
                </div>
                <div class="widget-canvas-wrap wide">
                    <canvas node_ref=map class="plot map" role="img"
                        aria-label=move || { let (a, b) = range.get(); format!("Map of Y for l = {}, m = {} over φ (horizontal) and θ (vertical), from {a:.3} to {b:.3}", l.get(), signed(m.get())) }></canvas>
                </div>
            </div>
            <div class="widget-controls">
                <fieldset class="ctl-group">
                    <legend>"degree and order"</legend>
                    {stepper("l", true)}
                    {stepper("m", false)}
                </fieldset>
                <fieldset class="ctl-group">
                    <legend>"normalisation"</legend>
                    <label class="ctl" data-control="norm">
                        <span class="ctl-name">"norm"</span>
                        <select prop:value=move || norm.get() on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(n) = ["integral", "component", "norm"].into_iter().find(|n| *n == v) {
                                norm.set(n);
                                save();
                            }
                        }>
                            <option value="integral">"integral"</option>
                            <option value="component">"component"</option>
                            <option value="norm">"norm"</option>
                        </select>
                    </label>
                    <p class="small" data-control="norm" inner_html=prose("integral: $∫ Y_{lm}^2 dΩ = 1$ · component: $Σ_m Y_{lm}^2 = 2l + 1$ · norm: $Σ_m Y_{lm}^2 = 1$")></p>
                    <button type="button" class="reset" data-control="reset" on:click=move |_| {
                        model.set(IDENTITY);
                        mesh.try_update_value(|ms| ms.zoom = 1.0);
                        redraw_surface();
                    }>"reset view"</button>
                </fieldset>
            </div>
        </WidgetFrame>
    }
    .into_any()
}
