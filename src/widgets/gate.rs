//! `gate`: the same random features through two nonlinearities, side by side: a ReLU applied to
//! every component of the l = 1 features (which does not commute with rotations) and e3nn's gate,
//! which multiplies each vector by an activated scalar (which does). The reader turns the input
//! (drag, touch, arrow keys or the slider); each column draws, for every vector, the output of the
//! rotated input f(Rx) (solid) over the rotated output D(R) f(x) (dashed), and prints the largest
//! difference between the two.
//!
//! The features are `2x0e` scalars, `n` gate scalars `0e` and `nx1o` vectors, drawn from a seeded
//! generator, in the layout e3nn's `Gate` expects (`(2+n)x0e+nx1o`, scalars first). The scalars
//! pass through the activation `act` in both columns, so the columns differ only in what happens to
//! the vectors. Both columns are computed by the core: `nn::Gate` (scalars: `act`, gates: sigmoid)
//! and `nn::Activation` (e3nn's normalised ReLU on each vector component, `act` on the scalars).

use std::f64::consts::PI;

use crate::number::sig;
use leptos::html;
use leptos::prelude::*;
use multiace_core::nn::{Activation, Gate};
use multiace_core::so3::{
    apply, axis_angle_to_matrix, mat_mul, random_rotation, transpose, Irrep, Irreps, Mat3, MulIr,
    Parity, SplitMix64, IDENTITY,
};

use super::arrows::{self, PALETTE};
use super::bars;
use super::canvas::{Frame, Painter};
use super::controls::{degrees, RangeSlider};
use super::frame::{write_url, WidgetFrame};
use super::orbit::{self, DragTracker};
use super::params::{fmt_f64, Params};
use super::view3d::camera::{compose, default_view, draw_axes, Camera};

const ACTS: [&str; 3] = ["silu", "tanh", "relu"];
/// Scalars that pass through `act` (the same in both columns).
const N_SCALARS: usize = 2;
const MAX_VECTORS: i64 = 5;
/// The axis the rotation slider turns about (a general direction: a quarter turn about a
/// coordinate axis would only permute components, which a ReLU partly survives).
const SLIDER_AXIS: [f64; 3] = [0.32, 0.86, 0.4];
/// Grey of the input vectors.
const INPUT: &str = "#8a8a8a";

/// The random features and both nonlinearities applied to them, before and after the rotation.
struct Model {
    n: usize,
    act: Activation,
    gate: Gate,
    /// Input in the gate's layout: scalars, gates, then the n vectors (3 components each).
    x: Vec<f64>,
    rx: Vec<f64>,
    gate_x: Vec<f64>,
    gate_rx: Vec<f64>,
    relu_x: Vec<f64>,
    relu_rx: Vec<f64>,
    /// Half-width of the view (the longest arrow any rotation can produce, with a margin).
    extent: f64,
}

/// What the readouts show after an evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Errors {
    relu: f64,
    gate: f64,
}

fn scalars(mul: usize) -> Irreps {
    Irreps(vec![MulIr {
        mul,
        ir: Irrep::new(0, Parity::Even),
    }])
}

impl Model {
    fn new(n: usize, act: Activation, seed: u64) -> Result<Model, String> {
        let vectors = Irreps(vec![MulIr {
            mul: n,
            ir: Irrep::new(1, Parity::Odd),
        }]);
        let gate = Gate::new(
            &scalars(N_SCALARS),
            &[Some(act)],
            &scalars(n),
            &[Some(Activation::Sigmoid)],
            &vectors,
        )
        .map_err(|e| e.to_string())?;
        let dim = N_SCALARS + 4 * n;
        if gate.irreps_in().dim() != dim || gate.irreps_out().dim() != N_SCALARS + 3 * n {
            return Err(format!(
                "unexpected gate layout {} → {}",
                gate.irreps_in(),
                gate.irreps_out()
            ));
        }
        let mut rng = SplitMix64::new(seed);
        let mut x = vec![0.0; dim];
        for v in x[..N_SCALARS + n].iter_mut() {
            *v = rng.normal();
        }
        for k in 0..n {
            // a random direction with a length between 0.6 and 1.4, so every arrow is visible
            let mut v = [rng.normal(), rng.normal(), rng.normal()];
            let len = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt().max(1e-9);
            let want = 0.6 + 0.8 * rng.next_f64();
            v.iter_mut().for_each(|c| *c *= want / len);
            x[N_SCALARS + n + 3 * k..N_SCALARS + n + 3 * k + 3].copy_from_slice(&v);
        }
        let dout = N_SCALARS + 3 * n;
        let mut m = Model {
            n,
            act,
            gate,
            rx: x.clone(),
            x,
            gate_x: vec![0.0; dout],
            gate_rx: vec![0.0; dout],
            relu_x: vec![0.0; dout],
            relu_rx: vec![0.0; dout],
            extent: 1.0,
        };
        m.gate.forward(&m.x, &mut m.gate_x);
        relu_column(act, n, &m.x, &mut m.relu_x);
        // |gate output| is rotation-invariant; a ReLU output is at most c_relu |v|
        let mut ext = 0.5f64;
        for k in 0..n {
            ext = ext
                .max(norm(m.vector_in(&m.x, k)) * Activation::Relu.constant())
                .max(norm(m.vector_out(&m.gate_x, k)));
        }
        m.extent = 1.08 * ext;
        Ok(m)
    }

    fn vector_in(&self, x: &[f64], k: usize) -> [f64; 3] {
        let o = N_SCALARS + self.n + 3 * k;
        [x[o], x[o + 1], x[o + 2]]
    }

    fn vector_out(&self, y: &[f64], k: usize) -> [f64; 3] {
        let o = N_SCALARS + 3 * k;
        [y[o], y[o + 1], y[o + 2]]
    }

    /// Both columns for the input rotated by `r`; the largest |f(Rx) − D(R) f(x)| of each.
    fn evaluate(&mut self, r: &Mat3) -> Errors {
        let n = self.n;
        // D(R) x: scalars and gates stay, vectors turn (D¹ = R in e3nn's basis)
        for k in 0..n {
            let o = N_SCALARS + n + 3 * k;
            let v = apply(r, [self.x[o], self.x[o + 1], self.x[o + 2]]);
            self.rx[o..o + 3].copy_from_slice(&v);
        }
        self.gate.forward(&self.rx, &mut self.gate_rx);
        relu_column(self.act, n, &self.rx, &mut self.relu_rx);
        Errors {
            relu: self.error(&self.relu_x, &self.relu_rx, r),
            gate: self.error(&self.gate_x, &self.gate_rx, r),
        }
    }

    /// max |y_rot − D(R) y| over the output (scalars and vectors).
    fn error(&self, y: &[f64], y_rot: &[f64], r: &Mat3) -> f64 {
        let mut e = 0.0f64;
        for s in 0..N_SCALARS {
            e = e.max((y_rot[s] - y[s]).abs());
        }
        for k in 0..self.n {
            let want = apply(r, self.vector_out(y, k));
            let got = self.vector_out(y_rot, k);
            for c in 0..3 {
                e = e.max((got[c] - want[c]).abs());
            }
        }
        e
    }
}

/// The non-equivariant column: `act` on the scalars, e3nn's (normalised) ReLU on every component of
/// every vector. The gates are not used.
fn relu_column(act: Activation, n: usize, x: &[f64], out: &mut [f64]) {
    for s in 0..N_SCALARS {
        out[s] = act.eval(x[s]);
    }
    let vin = &x[N_SCALARS + n..N_SCALARS + 4 * n];
    for (o, &v) in out[N_SCALARS..N_SCALARS + 3 * n].iter_mut().zip(vin) {
        *o = Activation::Relu.eval(v);
    }
}

fn norm(v: [f64; 3]) -> f64 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

fn unit(v: [f64; 3]) -> [f64; 3] {
    let l = norm(v).max(1e-300);
    [v[0] / l, v[1] / l, v[2] / l]
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let act0 = p.choice("act", "silu", &ACTS);
    let n0 = p.int("n", 3, 1, MAX_VECTORS) as usize;
    let seed0 = p.int("seed", 1, 0, 999_999) as u64;
    let angle0 = p.float("angle", 1.0, -PI, PI);
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();

    let act = RwSignal::new(act0);
    let n = RwSignal::new(n0);
    let seed = RwSignal::new(seed0);
    let angle = RwSignal::new(angle0);
    // the rotation is A(angle) · drag, so the slider and the drags compose
    let drag_r = RwSignal::new(IDENTITY);
    let errors = RwSignal::new(Errors::default());
    let failure = RwSignal::new(None::<String>);
    let version = RwSignal::new(0u32);

    let state = Signal::derive(move || {
        format!(
            "act={}&n={}&seed={}&angle={}{pass}",
            act.get(),
            n.get(),
            seed.get(),
            fmt_f64(angle.get())
        )
    });
    let save = move || write_url(embedded, &state.get_untracked());
    let rotation = move || {
        mat_mul(
            &axis_angle_to_matrix(unit(SLIDER_AXIS), angle.get()),
            &drag_r.get(),
        )
    };

    let model = StoredValue::new_local(None::<Model>);
    let view_m = default_view();
    let canvases = [
        NodeRef::<html::Canvas>::new(),
        NodeRef::<html::Canvas>::new(),
    ];
    let painters = [0usize, 1].map(|col| {
        StoredValue::new_local(Painter::new(canvases[col], dpr, move |f| {
            let r = mat_mul(
                &axis_angle_to_matrix(unit(SLIDER_AXIS), angle.get_untracked()),
                &drag_r.get_untracked(),
            );
            model.try_with_value(|m| {
                if let Some(m) = m.as_ref() {
                    draw_column(f, m, col, &view_m, &r);
                }
            });
        }))
    });
    let redraw = move || {
        for pt in painters {
            pt.try_with_value(Painter::request);
        }
    };

    // New features when act, n or the seed change.
    Effect::new(move |_| {
        let a = act.get().parse::<Activation>().unwrap_or(Activation::Silu);
        match Model::new(n.get(), a, seed.get()) {
            Ok(m) => {
                model.set_value(Some(m));
                failure.set(None);
            }
            Err(e) => failure.set(Some(e)),
        }
        version.update(|v| *v += 1);
    });
    // Per rotation: both columns and their errors.
    Effect::new(move |_| {
        version.track();
        let r = rotation();
        if let Some(e) = model
            .try_update_value(|m| m.as_mut().map(|m| m.evaluate(&r)))
            .flatten()
        {
            errors.set(e);
        }
        redraw();
    });

    let turn = move |dr: Mat3| {
        // R' = dR · A · D  ⇔  D' = Aᵀ dR A D
        let a = axis_angle_to_matrix(unit(SLIDER_AXIS), angle.get_untracked());
        let d = mat_mul(&transpose(&a), &mat_mul(&dr, &a));
        drag_r.set(compose(&d, &drag_r.get_untracked()));
    };
    let drags = [0, 1].map(|_| StoredValue::new_local(DragTracker::default()));
    let column = move |col: usize| {
        let drag = drags[col];
        let (caption, testid, what) = if col == 0 {
            (
                "ReLU on every component",
                "gate-relu-error",
                "of the order of the features: the output does not turn with the input",
            )
        } else {
            (
                "gate: sigmoid of a scalar times the vector",
                "gate-gate-error",
                "rounding error: the output turns with the input",
            )
        };
        view! {
            <figure class="nn-figure">
                <canvas role="img" node_ref=canvases[col] class="view3d" tabindex="0"
                    aria-label=format!("{caption}: drag to rotate the input of both columns; arrow keys rotate when focused")
                    on:pointerdown=move |ev| { drag.try_update_value(|d| d.down(&ev)); }
                    on:pointermove=move |ev| {
                        if let Some(dr) = drag.try_update_value(|d| d.moved(&ev, &view_m)).flatten() {
                            turn(dr);
                        }
                    }
                    on:pointerup=move |ev| { drag.try_update_value(|d| d.up(&ev)); }
                    on:pointercancel=move |ev| { drag.try_update_value(|d| d.up(&ev)); }
                    on:keydown=move |ev| {
                        if let Some(dr) = orbit::key(&ev, &view_m) {
                            turn(dr);
                        }
                    }></canvas>
                <figcaption>
                    <strong>{caption}</strong>
                    <p class="readout" data-testid=testid
                        data-value=move || { let e = errors.get(); format!("{:e}", if col == 0 { e.relu } else { e.gate }) }>
                        "max |f(Rx) − D(R) f(x)| = "
                        <strong>{move || { let e = errors.get(); sig(if col == 0 { e.relu } else { e.gate }, 2) }}</strong>
                        <span class="small">{format!(" ({what})")}</span>
                    </p>
                </figcaption>
            </figure>
        }
    };

    let scalars_text = move || {
        version.track();
        errors.track();
        model
            .try_with_value(|m| {
                m.as_ref().map(|m| {
                    let list = |v: &[f64]| {
                        v.iter()
                            .map(|x| format!("{x:.2}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    let gates: Vec<f64> = m.x[N_SCALARS..N_SCALARS + m.n]
                        .iter()
                        .map(|&g| Activation::Sigmoid.eval(g))
                        .collect();
                    (
                        format!(
                            "scalars s = ({}) → {}(s) = ({}), the same in both columns and for every rotation",
                            list(&m.x[..N_SCALARS]),
                            m.act,
                            list(&m.gate_rx[..N_SCALARS])
                        ),
                        format!(
                            "gates g = ({}) → factors c·σ(g) = ({}) with c = {:.4} (e3nn's normalize2mom): invariant, so each vector is only rescaled",
                            list(&m.x[N_SCALARS..N_SCALARS + m.n]),
                            list(&gates),
                            Activation::Sigmoid.constant()
                        ),
                    )
                })
            })
            .flatten()
    };

    view! {
        <WidgetFrame name="gate" title="Nonlinearities: ReLU on components versus a gate" notices=notices state=state>
            <p class="convention">"The same random input in both columns: 2 scalars (0e), one gate scalar per vector, and vectors (1o) drawn as numbered arrows from the origin. The axes stay fixed; dragging turns the input. Solid: the output for the rotated input, f(Rx). Dashed: the rotated output, D(R) f(x). An equivariant map draws them on top of each other."</p>
            {move || failure.get().map(|e| view! { <p class="widget-notice" role="status">{e}</p> })}
            <div class="widget-row nn-pair">
                {column(0)}
                {column(1)}
            </div>
            <div class="legend">
                <span><span class="swatch" style=format!("background:{INPUT}")></span>"input R v (grey)"</span>
                <span><span class="swatch" style=format!("background:{}", PALETTE[0])></span>"f(Rx): solid, one colour per vector"</span>
                <span><span class="swatch dash"></span>"D(R) f(x), dashed"</span>
            </div>
            {move || scalars_text().map(|(s, g)| view! {
                <p class="readout small">{s}</p>
                <p class="readout small">{g}</p>
            })}
            <div class="widget-controls">
                <fieldset class="ctl-group">
                    <legend>"rotate the input"</legend>
                    <RangeSlider label="angle" min=-PI max=PI step=0.01 format=degrees
                        value=Signal::derive(move || angle.get())
                        on_input=move |v: f64| angle.set(v.clamp(-PI, PI))
                        on_change=move |_| save() />
                    <div class="chips">
                        <button type="button" class="chip" on:click=move |_| {
                            let s = window().performance().map_or(1, |p| (p.now() * 1000.0) as u64);
                            let mut rng = SplitMix64::new(s ^ 0x9e37_79b9_7f4a_7c15);
                            drag_r.set(random_rotation(&mut rng));
                        }>"random rotation"</button>
                        <button type="button" class="chip" on:click=move |_| {
                            drag_r.set(IDENTITY);
                            angle.set(0.0);
                            save();
                        }>"no rotation"</button>
                    </div>
                    <p class="widget-hint">"Or drag either view (touch works), or focus one and use the arrow keys."</p>
                </fieldset>
                <fieldset class="ctl-group">
                    <legend>"features"</legend>
                    <label class="ctl">
                        <span class="ctl-name">"scalar act"</span>
                        <select prop:value=move || act.get() on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(a) = ACTS.iter().find(|a| **a == v) {
                                act.set(a);
                                save();
                            }
                        }>
                            {ACTS.iter().map(|a| view! { <option value=*a>{*a}</option> }).collect_view()}
                        </select>
                        <span></span>
                    </label>
                    <label class="ctl">
                        <span class="ctl-name">"vectors"</span>
                        <input type="range" min="1" max=MAX_VECTORS step="1" prop:value=move || n.get().to_string()
                            on:input=move |ev| {
                                if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                                    n.set(v.clamp(1, MAX_VECTORS as usize));
                                }
                            }
                            on:change=move |_| save() />
                        <span class="ctl-value">{move || n.get().to_string()}</span>
                    </label>
                    <div class="chips">
                        <button type="button" class="chip" on:click=move |_| {
                            seed.update(|s| *s = (*s + 1) % 1_000_000);
                            save();
                        }>"new random features"</button>
                        <span class="small">{move || format!("seed {}", seed.get())}</span>
                    </div>
                </fieldset>
            </div>
        </WidgetFrame>
    }
    .into_any()
}

/// One column: the fixed axes, the rotated input vectors (grey), and per vector the rotated output
/// D(R) f(x) (dashed) under the output of the rotated input f(Rx) (solid).
fn draw_column(f: &Frame, m: &Model, col: usize, view_m: &Mat3, r: &Mat3) {
    let ctx = f.ctx;
    let dpr = f.dpr;
    let cam = Camera::fit(f.width, f.height, m.extent, *view_m);
    let color = f.text_color();
    ctx.set_global_alpha(0.45);
    draw_axes(ctx, &cam, &IDENTITY, m.extent * 0.92, &color, dpr);
    ctx.set_global_alpha(1.0);
    let (y, y_rot) = if col == 0 {
        (&m.relu_x, &m.relu_rx)
    } else {
        (&m.gate_x, &m.gate_rx)
    };
    let o = [0.0; 3];
    ctx.set_line_cap("round");
    // inputs
    ctx.set_stroke_style_str(INPUT);
    ctx.set_fill_style_str(INPUT);
    for k in 0..m.n {
        arrows::arrow(ctx, &cam, o, m.vector_in(&m.rx, k), 1.5 * dpr);
    }
    // expected (dashed)
    arrows::dashes(ctx, Some(dpr));
    for k in 0..m.n {
        let c = PALETTE[k % PALETTE.len()];
        ctx.set_stroke_style_str(c);
        arrows::arrow_open(ctx, &cam, o, apply(r, m.vector_out(y, k)), 1.6 * dpr);
    }
    arrows::dashes(ctx, None);
    // actual (solid)
    for k in 0..m.n {
        let c = PALETTE[k % PALETTE.len()];
        ctx.set_stroke_style_str(c);
        ctx.set_fill_style_str(c);
        ctx.set_global_alpha(0.85);
        arrows::arrow(ctx, &cam, o, m.vector_out(y_rot, k), 3.0 * dpr);
    }
    ctx.set_global_alpha(1.0);
    // numbers at the input tips
    bars::font(ctx, 11.0, dpr, "center");
    ctx.set_fill_style_str(&color);
    for k in 0..m.n {
        let v = m.vector_in(&m.rx, k);
        let s = cam.project([v[0] * 1.12, v[1] * 1.12, v[2] * 1.12]);
        bars::text(ctx, LABELS[k % LABELS.len()], s[0], s[1]);
    }
    bars::font(ctx, 12.0, dpr, "left");
    bars::text(
        ctx,
        if col == 0 { "ReLU" } else { "gate" },
        8.0 * dpr,
        14.0 * dpr,
    );
}

const LABELS: [&str; 5] = ["1", "2", "3", "4", "5"];
