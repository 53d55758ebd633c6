//! `equivariance`: Y_l(R x) next to D^l(R) Y_l(x), their largest difference, and the
//! block-diagonal D(R) of 0 ⊕ 1 ⊕ … ⊕ l.
//!
//! The identity shown is the defining property of the spherical harmonics as a representation:
//! Y_l(R x) = D^l(R) Y_l(x) (e3nn convention: R = Ry(α) Rx(β) Ry(γ), integral normalisation,
//! Y evaluated at x/|x|). Everything is computed by `multiace_core::so3`.

use std::f64::consts::PI;

use crate::number::{sig, subscript, superscript};
use leptos::html;
use leptos::prelude::*;
use multiace_core::so3::{
    angles_to_matrix, apply, matrix_to_angles, random_rotation, sh_len, spherical_harmonics,
    transpose, wigner_d_from_matrix, Normalization, SplitMix64, LMAX_SUPPORTED,
};
use multiace_figures::{draw_bar_pair, draw_d_blocks};
use nalgebra::DMatrix;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;

use super::canvas::{Frame, Painter};
use super::controls::{radians, RangeSlider};
use super::frame::{write_url, WidgetFrame};
use super::math_label::prose;
use super::params::{fmt_f64, Params};
use super::view3d::camera::{default_view, Camera};

const LMAX: i64 = 10;

/// Buffers reused across recomputations (the D blocks are allocated by the core).
#[derive(Default)]
struct Eq {
    sh_x: Vec<f64>,
    sh_rx: Vec<f64>,
    y_rx: Vec<f64>,
    dy: Vec<f64>,
    blocks: Vec<DMatrix<f64>>,
}

impl Eq {
    /// Fills the two sides of Y(Rx) = D(R) Y(x) for degree `l`; returns max |difference|.
    fn compute(&mut self, l: usize, x: [f64; 3], angles: (f64, f64, f64)) -> f64 {
        let r = angles_to_matrix(angles.0, angles.1, angles.2);
        let n = sh_len(l);
        self.sh_x.resize(n, 0.0);
        self.sh_rx.resize(n, 0.0);
        spherical_harmonics(l, x, Normalization::Integral, true, &mut self.sh_x);
        spherical_harmonics(
            l,
            apply(&r, x),
            Normalization::Integral,
            true,
            &mut self.sh_rx,
        );
        self.blocks.clear();
        self.blocks
            .extend((0..=l).map(|k| wigner_d_from_matrix(k, &r)));
        let off = l * l;
        let d = &self.blocks[l];
        self.y_rx.clear();
        self.y_rx.extend_from_slice(&self.sh_rx[off..n]);
        self.dy.clear();
        self.dy.extend((0..2 * l + 1).map(|i| {
            (0..2 * l + 1)
                .map(|j| d[(i, j)] * self.sh_x[off + j])
                .sum::<f64>()
        }));
        self.y_rx
            .iter()
            .zip(&self.dy)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max)
    }
}

fn draw_plot(
    f: &Frame,
    what: impl FnOnce(
        &plotters::drawing::DrawingArea<CanvasBackend, plotters::coord::Shift>,
        &multiace_figures::FigStyle,
    ) -> Result<(), String>,
) {
    let Some(backend) = CanvasBackend::with_canvas_object(f.canvas.clone()) else {
        return;
    };
    let area = backend.into_drawing_area();
    if let Err(e) = what(&area, &f.fig_style()) {
        leptos::logging::warn!("equivariance plot: {e}");
    }
}

fn is_zero(v: [f64; 3]) -> bool {
    v.iter().map(|c| c * c).sum::<f64>().sqrt() < 1e-12
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let l0 = p.int("l", 2, 0, LMAX.min(LMAX_SUPPORTED as i64));
    let mut x0 = [
        p.float("x", 0.3, -1e6, 1e6),
        p.float("y", 0.8, -1e6, 1e6),
        p.float("z", 0.5, -1e6, 1e6),
    ];
    if is_zero(x0) {
        p.notice("x, y, z: the zero vector has no direction, so Y(x/|x|) is undefined; using (0.3, 0.8, 0.5)".into());
        x0 = [0.3, 0.8, 0.5];
    }
    let a0 = p.float("alpha", 1.0, -2.0 * PI, 2.0 * PI);
    let b0 = p.float("beta", 1.1, -2.0 * PI, 2.0 * PI);
    let g0 = p.float("gamma", -0.4, -2.0 * PI, 2.0 * PI);
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();

    let l = RwSignal::new(l0);
    let vec = RwSignal::new(x0);
    let angles = RwSignal::new((a0, b0, g0));
    let vec_notice = RwSignal::new(None::<String>);
    let error = RwSignal::new(0.0f64);
    let state = Signal::derive(move || {
        let (a, b, g) = angles.get();
        let v = vec.get();
        format!(
            "l={}&x={}&y={}&z={}&alpha={}&beta={}&gamma={}{pass}",
            l.get(),
            fmt_f64(v[0]),
            fmt_f64(v[1]),
            fmt_f64(v[2]),
            fmt_f64(a),
            fmt_f64(b),
            fmt_f64(g)
        )
    });
    let save = move || write_url(embedded, &state.get_untracked());

    let eq = StoredValue::new_local(Eq::default());
    let bars = NodeRef::<html::Canvas>::new();
    let blocks = NodeRef::<html::Canvas>::new();
    let sphere = NodeRef::<html::Canvas>::new();
    let bars_painter = StoredValue::new_local(Painter::new(bars, dpr, move |f| {
        let lv = l.get_untracked();
        let (y, d) = (subscript(lv as i32), superscript(lv as i32));
        let (left, right) = (format!("Y{y}(Rx)"), format!("D{d}(R) Y{y}(x)"));
        eq.try_with_value(|e| {
            draw_plot(f, |area, st| {
                draw_bar_pair(area, &e.y_rx, &e.dy, (&left, &right), st)
            })
        });
    }));
    let blocks_painter = StoredValue::new_local(Painter::new(blocks, dpr, move |f| {
        eq.try_with_value(|e| draw_plot(f, |area, st| draw_d_blocks(area, &e.blocks, st)));
    }));
    let view_m = default_view();
    let sphere_painter = StoredValue::new_local(Painter::new(sphere, dpr, move |f| {
        draw_direction_sphere(f, &view_m, vec.get_untracked(), angles.get_untracked());
    }));
    Effect::new(move |_| {
        let (lv, v, ang) = (l.get() as usize, vec.get(), angles.get());
        if let Some(err) = eq.try_update_value(|e| e.compute(lv, v, ang)) {
            error.set(err);
        }
        bars_painter.try_with_value(Painter::request);
        blocks_painter.try_with_value(Painter::request);
        sphere_painter.try_with_value(Painter::request);
    });

    let angle_slider = move |k: usize, label: &'static str, min: f64, max: f64| {
        view! {
            <RangeSlider label min max format=radians
                value=Signal::derive(move || {
                    let a = angles.get();
                    [a.0, a.1, a.2][k]
                })
                on_input=move |v| angles.update(|a| match k { 0 => a.0 = v, 1 => a.1 = v, _ => a.2 = v })
                on_change=move |_| save() />
        }
    };
    let coord_input = move |k: usize, label: &'static str| {
        view! {
            <label>{label} " "
                <input type="number" step="0.1" prop:value=move || fmt_f64(vec.get()[k])
                    on:change=move |ev| {
                        let raw = event_target_value(&ev);
                        match crate::number::parse_f64(raw.trim()) {
                            Some(c) if c.is_finite() => {
                                let mut v = vec.get_untracked();
                                v[k] = c;
                                if is_zero(v) {
                                    vec_notice.set(Some("The zero vector has no direction: Y(x/|x|) is undefined. Keeping the previous vector.".into()));
                                    vec.update(|_| {}); // re-render the inputs with the kept vector
                                } else {
                                    vec_notice.set(None);
                                    vec.set(v);
                                    save();
                                }
                            }
                            _ => {
                                vec_notice.set(Some(format!("{label}: '{raw}' is not a number; keeping {}", fmt_f64(vec.get_untracked()[k]))));
                                vec.update(|_| {});
                            }
                        }
                    } />
            </label>
        }
    };
    let drag_on = StoredValue::new(false);
    let sphere_pick = move |ev: &web_sys::PointerEvent| {
        let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        let (w, h) = (el.client_width() as f64, el.client_height() as f64);
        let rad = 0.42 * w.min(h);
        let px = (ev.offset_x() as f64 - w / 2.0) / rad;
        let py = -(ev.offset_y() as f64 - h / 2.0) / rad;
        let d2 = px * px + py * py;
        let vv = if d2 >= 1.0 {
            [px / d2.sqrt(), py / d2.sqrt(), 0.0]
        } else {
            [px, py, (1.0 - d2).sqrt()]
        };
        let world = apply(&transpose(&view_m), vv);
        let len = vec
            .get_untracked()
            .iter()
            .map(|c| c * c)
            .sum::<f64>()
            .sqrt()
            .max(1e-6);
        vec_notice.set(None);
        vec.set([world[0] * len, world[1] * len, world[2] * len]);
    };

    view! {
        <WidgetFrame name="equivariance" title="Equivariance of spherical harmonics" notices=notices state=state>
            <p class="convention">"e3nn convention (y polar, R = Ry(α) Rx(β) Ry(γ)), integral normalisation; Y is evaluated at x/|x|. The bars are the 2l+1 components m = −l..l."</p>
            <p class="readout" data-testid="equivariance-error" data-value=move || format!("{:e}", error.get())>
                <span inner_html=prose("$max |Y_l(Rx) − D^l(R) Y_l(x)|$ = ")></span>
                <strong>{move || sig(error.get(), 2)}</strong>
                <span class="small">" (in double precision, about 10⁻¹⁶ means equal)"</span>
            </p>
            {move || vec_notice.get().map(|n| view! { <p class="widget-notice" role="status">{n}</p> })}
            <canvas node_ref=bars class="plot bars" role="img" aria-label=move || format!("Bar charts of the {} components of Y(Rx) and D(R) Y(x); they agree to {}", 2 * l.get() + 1, sig(error.get(), 2))></canvas>
            <div class="legend"><span><span class="swatch pos"></span>"positive"</span><span><span class="swatch neg"></span>"negative"</span></div>
            <div class="widget-row">
                <div class="widget-canvas-wrap">
                    <canvas role="img" node_ref=blocks class="plot blocks" aria-label="Block-diagonal Wigner D matrix"></canvas>
                </div>
                <div class="widget-readout">
                    <fieldset class="ctl-group">
                        <legend>"degree"</legend>
                        <label class="ctl">
                            <span class="ctl-name">"l"</span>
                            <input type="range" min="0" max=LMAX step="1" prop:value=move || l.get().to_string()
                                on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<i64>() { l.set(v.clamp(0, LMAX)); } }
                                on:change=move |_| save() />
                            <span class="ctl-value">{move || l.get().to_string()}</span>
                        </label>
                    </fieldset>
                    <fieldset class="ctl-group">
                        <legend>"rotation R (Euler angles)"</legend>
                        {angle_slider(0, "α", -PI, PI)}
                        {angle_slider(1, "β", 0.0, PI)}
                        {angle_slider(2, "γ", -PI, PI)}
                        <button type="button" class="chip" on:click=move |_| {
                            let seed = window().performance().map(|p| (p.now() * 1000.0) as u64).unwrap_or(1);
                            let mut rng = SplitMix64::new(seed ^ 0x9e37_79b9_7f4a_7c15);
                            let r = random_rotation(&mut rng);
                            angles.set(matrix_to_angles(&r));
                            save();
                        }>"random rotation"</button>
                    </fieldset>
                    <fieldset class="ctl-group">
                        <legend>"vector x (drag on the sphere or type)"</legend>
                        <div class="widget-row">
                            <canvas role="img" node_ref=sphere class="view3d picker" tabindex="0"
                                aria-label="Direction of x: drag to move it; the orange dot is R x"
                                on:pointerdown=move |ev| {
                                    if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                                        let _ = el.set_pointer_capture(ev.pointer_id());
                                    }
                                    drag_on.set_value(true);
                                    sphere_pick(&ev);
                                }
                                on:pointermove=move |ev| { if drag_on.get_value() { sphere_pick(&ev); } }
                                on:pointerup=move |_| { if drag_on.get_value() { drag_on.set_value(false); save(); } }
                                on:pointercancel=move |_| drag_on.set_value(false)></canvas>
                            <div class="vec-inputs">{coord_input(0, "x")}{coord_input(1, "y")}{coord_input(2, "z")}</div>
                        </div>
                    </fieldset>
                </div>
            </div>
        </WidgetFrame>
    }
    .into_any()
}

/// The small direction picker: the unit sphere seen through the default camera, the axes, x̂
/// (blue) and R x̂ (orange).
fn draw_direction_sphere(
    f: &Frame,
    view: &multiace_core::so3::Mat3,
    x: [f64; 3],
    ang: (f64, f64, f64),
) {
    let ctx = f.ctx;
    let (w, h) = (f.width, f.height);
    let rad = 0.42 * w.min(h);
    let mut cam = Camera::fit(w, h, 1.0, *view);
    cam.eye = 1e9; // orthographic, so that the picking above inverts it exactly
    cam.scale = rad;
    let color = f.text_color();
    ctx.set_stroke_style_str(&color);
    ctx.set_fill_style_str(&color);
    ctx.set_line_width(f.dpr);
    ctx.set_global_alpha(0.5);
    ctx.begin_path();
    let _ = ctx.arc(w / 2.0, h / 2.0, rad, 0.0, 2.0 * PI);
    ctx.stroke();
    ctx.set_global_alpha(1.0);
    super::view3d::camera::draw_axes(
        ctx,
        &cam,
        &[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        1.0,
        &color,
        f.dpr,
    );
    let len = x.iter().map(|c| c * c).sum::<f64>().sqrt();
    if len < 1e-12 {
        return;
    }
    let u = [x[0] / len, x[1] / len, x[2] / len];
    let r = angles_to_matrix(ang.0, ang.1, ang.2);
    for (v, col, label) in [(u, "#2166ac", "x"), (apply(&r, u), "#e66101", "Rx")] {
        let s = cam.project(v);
        let behind = s[2] < 0.0;
        ctx.set_global_alpha(if behind { 0.45 } else { 1.0 });
        ctx.set_fill_style_str(col);
        ctx.begin_path();
        let _ = ctx.arc(s[0], s[1], 5.0 * f.dpr, 0.0, 2.0 * PI);
        ctx.fill();
        ctx.set_font(&format!("{}px sans-serif", (12.0 * f.dpr).round()));
        let _ = ctx.fill_text(label, s[0] + 7.0 * f.dpr, s[1] - 6.0 * f.dpr);
    }
    ctx.set_global_alpha(1.0);
}
