//! `clebsch-gordan`: which irreps appear in l1 ⊗ l2 (with parity), the Wigner 3j tensor of a
//! chosen L sliced along its third index, and a live check that the coupling
//! z_M = Σ_ij C_ijM x1_i x2_j is equivariant: z(D¹x1, D²x2) = D^L(R) z(x1, x2).
//!
//! e3nn convention (`so3::wigner_3j`, unit Frobenius norm; `so3::wigner_d_from_matrix`);
//! the irreps and their product rule (`Irrep::mul`, parity p1·p2) come from the core.

use crate::number::sig;
use leptos::html;
use leptos::prelude::*;
use multiace_core::so3::{
    axis_angle_to_matrix, wigner_3j, wigner_d_from_matrix, Irrep, Mat3, Parity, SplitMix64, Tensor3,
};
use multiace_figures::draw_wigner_3j_slices;
use nalgebra::DMatrix;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;

use super::canvas::Painter;
use super::controls::RangeSlider;
use super::frame::{write_url, WidgetFrame};
use super::math_label::prose;
use super::params::Params;
use super::visibility::track_visibility;

const LMAX: i64 = 4;

fn parity(s: &str) -> Parity {
    if s == "e" {
        Parity::Even
    } else {
        Parity::Odd
    }
}

/// Inputs of the live check: fixed random vectors and a fixed random axis; R = rotation by the
/// animated angle about that axis.
struct Check {
    x1: Vec<f64>,
    x2: Vec<f64>,
    axis: [f64; 3],
    c: Option<Tensor3>,
    z: Vec<f64>,
    z_rot: Vec<f64>,
    y1: Vec<f64>,
    y2: Vec<f64>,
}

fn mat_vec(d: &DMatrix<f64>, x: &[f64], out: &mut Vec<f64>) {
    out.clear();
    out.extend((0..d.nrows()).map(|i| (0..d.ncols()).map(|j| d[(i, j)] * x[j]).sum::<f64>()));
}

/// z_M = Σ_ij C_ijM a_i b_j.
fn couple(c: &Tensor3, a: &[f64], b: &[f64], out: &mut Vec<f64>) {
    let [d1, d2, d3] = c.dims;
    out.clear();
    out.resize(d3, 0.0);
    for (i, ai) in a.iter().enumerate().take(d1) {
        for (j, bj) in b.iter().enumerate().take(d2) {
            let ab = ai * bj;
            let base = (i * d2 + j) * d3;
            for (k, o) in out.iter_mut().enumerate() {
                *o += c.data[base + k] * ab;
            }
        }
    }
}

impl Check {
    fn new(seed: u64) -> Check {
        let mut rng = SplitMix64::new(seed);
        let axis = [rng.normal(), rng.normal(), rng.normal()];
        Check {
            x1: Vec::new(),
            x2: Vec::new(),
            axis,
            c: None,
            z: Vec::new(),
            z_rot: Vec::new(),
            y1: Vec::new(),
            y2: Vec::new(),
        }
        .with_inputs(seed.wrapping_add(17), 0, 0)
    }

    fn with_inputs(mut self, seed: u64, l1: usize, l2: usize) -> Check {
        self.reseed(seed, l1, l2);
        self
    }

    fn reseed(&mut self, seed: u64, l1: usize, l2: usize) {
        let mut rng = SplitMix64::new(seed);
        self.x1.clear();
        self.x1.extend((0..2 * l1 + 1).map(|_| rng.normal()));
        self.x2.clear();
        self.x2.extend((0..2 * l2 + 1).map(|_| rng.normal()));
    }

    /// max_M |z(D¹x1, D²x2)_M − (D^L z(x1, x2))_M| for R = rotation by `angle` about the axis.
    fn error(&mut self, l1: usize, l2: usize, l: usize, angle: f64) -> Result<f64, String> {
        let need = self
            .c
            .as_ref()
            .map(|c| c.dims != [2 * l1 + 1, 2 * l2 + 1, 2 * l + 1])
            .unwrap_or(true);
        if need {
            self.c = Some(wigner_3j(l1, l2, l).map_err(|e| e.to_string())?);
        }
        if self.x1.len() != 2 * l1 + 1 || self.x2.len() != 2 * l2 + 1 {
            self.reseed(0x5eed, l1, l2);
        }
        let Some(c) = self.c.as_ref() else {
            return Err("no 3j tensor".into());
        };
        let r: Mat3 = axis_angle_to_matrix(self.axis, angle);
        mat_vec(&wigner_d_from_matrix(l1, &r), &self.x1, &mut self.y1);
        mat_vec(&wigner_d_from_matrix(l2, &r), &self.x2, &mut self.y2);
        couple(c, &self.y1, &self.y2, &mut self.z_rot);
        couple(c, &self.x1, &self.x2, &mut self.z);
        let dl = wigner_d_from_matrix(l, &r);
        let mut err = 0.0f64;
        for m in 0..2 * l + 1 {
            let dz: f64 = (0..2 * l + 1).map(|k| dl[(m, k)] * self.z[k]).sum();
            err = err.max((self.z_rot[m] - dz).abs());
        }
        Ok(err)
    }
}

fn prefers_reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let l1_0 = p.int("l1", 1, 0, LMAX);
    let l2_0 = p.int("l2", 1, 0, LMAX);
    let p1_0 = p.choice("p1", "o", &["e", "o"]);
    let p2_0 = p.choice("p2", "o", &["e", "o"]);
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();

    let l1 = RwSignal::new(l1_0 as usize);
    let l2 = RwSignal::new(l2_0 as usize);
    let p1 = RwSignal::new(p1_0);
    let p2 = RwSignal::new(p2_0);
    let big_l = RwSignal::new((l1_0 + l2_0) as usize);
    let angle = RwSignal::new(0.6f64);
    let playing = RwSignal::new(!prefers_reduced_motion());
    let error = RwSignal::new(0.0f64);
    let check_msg = RwSignal::new(None::<String>);
    let state = Signal::derive(move || {
        format!(
            "l1={}&l2={}&p1={}&p2={}{pass}",
            l1.get(),
            l2.get(),
            p1.get(),
            p2.get()
        )
    });
    let save = move || write_url(embedded, &state.get_untracked());

    let irrep = move |l: usize, p: &str| Irrep::new(l, parity(p));
    let products = Memo::new(move |_| {
        irrep(l1.get(), p1.get())
            .mul(&irrep(l2.get(), p2.get()))
            .collect::<Vec<_>>()
    });
    // keep the selected L allowed when l1/l2 change
    Effect::new(move |_| {
        let (a, b) = (l1.get(), l2.get());
        let lo = a.abs_diff(b);
        let cur = big_l.get_untracked();
        if cur < lo || cur > a + b {
            big_l.set(a + b);
        }
    });

    let slices = NodeRef::<html::Canvas>::new();
    let slices_painter = StoredValue::new_local(Painter::new(slices, dpr, move |f| {
        let Some(backend) = CanvasBackend::with_canvas_object(f.canvas.clone()) else {
            return;
        };
        let area = backend.into_drawing_area();
        let (a, b, c) = (
            l1.get_untracked(),
            l2.get_untracked(),
            big_l.get_untracked(),
        );
        if let Err(e) = draw_wigner_3j_slices(&area, a, b, c, &f.fig_style()) {
            leptos::logging::warn!("3j slices: {e}");
        }
    }));
    Effect::new(move |_| {
        l1.track();
        l2.track();
        big_l.track();
        slices_painter.try_with_value(Painter::request);
    });

    let check = StoredValue::new_local(Check::new(0x00c0_ffee));
    Effect::new(move |_| {
        let (a, b, c, t) = (l1.get(), l2.get(), big_l.get(), angle.get());
        if c < a.abs_diff(b) || c > a + b {
            return; // the effect above fixes L first
        }
        match check.try_update_value(|ch| ch.error(a, b, c, t)) {
            Some(Ok(e)) => {
                error.set(e);
                check_msg.set(None);
            }
            Some(Err(msg)) => check_msg.set(Some(msg)),
            None => {}
        }
    });
    // Pause off screen, as the MD widget does: an observer on the check's box.
    let check_box = NodeRef::<html::Div>::new();
    let visible = RwSignal::new(false);
    track_visibility(check_box, visible);
    // Slow animation of the rotation angle while playing and on screen (an interval, cleared on
    // pause).
    let timer = StoredValue::new_local(None::<leptos::prelude::IntervalHandle>);
    Effect::new(move |_| {
        let on = playing.get() && visible.get();
        timer.try_update_value(|t| {
            if let Some(h) = t.take() {
                h.clear();
            }
            if on {
                *t = set_interval_with_handle(
                    move || angle.update(|a| *a = (*a + 0.02) % std::f64::consts::TAU),
                    std::time::Duration::from_millis(50),
                )
                .ok();
            }
        });
    });
    on_cleanup(move || {
        timer.try_update_value(|t| {
            if let Some(h) = t.take() {
                h.clear();
            }
        });
    });

    let l_select = move |label: &'static str, which: usize| {
        let (ls, ps) = if which == 1 { (l1, p1) } else { (l2, p2) };
        let control = if which == 1 { "l1" } else { "l2" };
        view! {
            <label class="ctl" data-control=control>
                <span class="ctl-name" inner_html=prose(label)></span>
                <input type="range" min="0" max=LMAX step="1" prop:value=move || ls.get().to_string()
                    on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<usize>() { ls.set(v.min(LMAX as usize)); } }
                    on:change=move |_| save() />
                <span class="stepper">
                    <span class="ctl-value">{move || ls.get().to_string()}</span>
                    <button type="button" class="chip" aria-pressed=move || (ps.get() == "e").to_string()
                        on:click=move |_| { ps.set("e"); save(); }>"e"</button>
                    <button type="button" class="chip" aria-pressed=move || (ps.get() == "o").to_string()
                        on:click=move |_| { ps.set("o"); save(); }>"o"</button>
                </span>
            </label>
        }
    };

    view! {
        <WidgetFrame name="clebsch-gordan" title="Coupling two irreps (Clebsch–Gordan / Wigner 3j)" notices=notices state=state>
            <div class="widget-controls">
                <fieldset class="ctl-group">
                    <legend inner_html=prose("inputs $l_1 p_1 ⊗ l_2 p_2$ (parity $p$: e even, o odd)")></legend>
                    {l_select("$l_1$, $p_1$", 1)}
                    {l_select("$l_2$, $p_2$", 2)}
                </fieldset>
            </div>
            <p class="readout">
                <strong>{move || {
                    let prods = products.get();
                    let rhs = prods.iter().map(|ir| ir.to_string()).collect::<Vec<_>>().join(" ⊕ ");
                    format!("{} ⊗ {} = {rhs}", irrep(l1.get(), p1.get()), irrep(l2.get(), p2.get()))
                }}</strong>
            </p>
            <div class="chips" role="group" aria-label="choose the output irrep L" data-control="L">
                "show L: "
                {move || products.get().into_iter().map(|ir| {
                    let l = ir.l;
                    view! {
                        <button type="button" class="chip" aria-pressed=move || (big_l.get() == l).to_string()
                            on:click=move |_| big_l.set(l)>{ir.to_string()}</button>
                    }
                }).collect_view()}
            </div>
            <p class="convention" inner_html=prose("Triangle rule $|l_1 − l_2| ≤ L ≤ l_1 + l_2$; parity of the output = $p_1 p_2$. Heatmaps: e3nn's real Wigner 3j $C(l_1, l_2, L)$, unit Frobenius norm.")></p>
            <canvas node_ref=slices class="plot slices" role="img"
                aria-label=move || format!("Heatmaps of the Wigner 3j tensor C({}, {}, {}): {} slices, one per M, each {} × {}", l1.get(), l2.get(), big_l.get(), 2 * big_l.get() + 1, 2 * l1.get() + 1, 2 * l2.get() + 1)></canvas>
            <div class="ctl-group" node_ref=check_box>
                <p class="readout" data-testid="cg-check" data-value=move || format!("{:e}", error.get())>
                    <span inner_html=prose("live check, random $x_1 ∈ ℝ^{2l_1+1}$, $x_2 ∈ ℝ^{2l_2+1}$, $R$ = rotation by $ω$ about a random axis: $max |z(Dx_1, Dx_2) − D^L z(x_1, x_2)|$ = ")></span>
                    <strong>{move || sig(error.get(), 2)}</strong>
                </p>
                {move || check_msg.get().map(|m| view! { <p class="widget-notice" role="status">{m}</p> })}
                <div class="ctl-line">
                    <button type="button" class="chip" data-control="play" data-testid="cg-play" aria-pressed=move || playing.get().to_string()
                        on:click=move |_| playing.update(|p| *p = !*p)>
                        {move || if playing.get() { "pause" } else { "play" }}
                    </button>
                    <span class="small" role="status" data-testid="cg-motion"
                        data-running=move || (playing.get() && visible.get()).to_string()>
                        {move || match (playing.get(), visible.get()) {
                            (false, _) => "paused: drag ω, or press play",
                            (true, true) => "turning: ω advances on its own",
                            (true, false) => "paused while off screen",
                        }}
                    </span>
                    <RangeSlider label="$ω$" control="omega" min=0.0 max=std::f64::consts::TAU wide=true format=whole_degrees
                        value=Signal::derive(move || angle.get())
                        on_input=move |v| {
                            playing.set(false);
                            angle.set(v);
                        } />
                </div>
                <p class="small" inner_html=prose("$z_M = Σ_{ij} C_{ijM} x_{1,i} x_{2,j}$ is equivariant: rotating the inputs rotates the output by $D^L(R)$.")></p>
            </div>
        </WidgetFrame>
    }
    .into_any()
}

/// The animation angle in whole degrees: the slider moves continuously, the label need not.
fn whole_degrees(x: f64) -> String {
    format!("{:.0}°", x.to_degrees())
}
