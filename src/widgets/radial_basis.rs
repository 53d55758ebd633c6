//! `radial-basis`: the radial functions R_n(r), n = 1..n_max, of the three bases of the core
//! (Bessel × polynomial envelope, Chebyshev × cosine, Gaussian × cosine) with their envelope,
//! from r = 0 to r_cut + 0.5 Å; optionally their derivatives. A pointer (or touch, or the arrow
//! keys on the focused plot) reads off (r, R_n(r)).
//!
//! Every value comes from `multiace_core::ace::RadialBasis::evaluate`; the plot is
//! `multiace_figures::draw_radial_basis`, the function the CLI uses for SVG.

use leptos::html;
use leptos::prelude::*;
use multiace_core::ace::{RadialBasis, RadialKind};
use multiace_figures::{draw_radial_basis, radial_color, RadialAxis};
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;

use super::canvas::Painter;
use super::controls::RangeSlider;
use super::frame::{write_url, WidgetFrame};
use super::math_label::prose;
use super::params::{fmt_f64, Params};

const BASES: [&str; 3] = ["bessel", "chebyshev", "gaussian"];
const N_MAX: i64 = 12;
const R_CUT: (f64, f64) = (2.0, 8.0);

fn kind_of(name: &str) -> RadialKind {
    name.parse().unwrap_or(RadialKind::Bessel)
}

/// What each basis is, in one line (shown under the plot).
fn describe(name: &str) -> &'static str {
    match name {
        "chebyshev" => "Chebyshev $T_{n−1}(s(r))$ of the exponentially scaled distance ($λ$ = 5.25) × cosine envelope $½(1 + cos(πr/r_{cut}))$: pacemaker's ChebExpCos.",
        "gaussian" => "Gaussians centred at $(n−1) r_{cut}/n_{max}$ with width $r_{cut}/n_{max}$ × cosine envelope.",
        _ => "$√(2/r_{cut}) sin(nπr/r_{cut})/r$ × MACE's polynomial envelope ($p$ = 6): mace-torch's BesselBasis × PolynomialCutoff.",
    }
}

/// Numbers for the read-out: shortest round-trip form, so the hook can be compared exactly.
fn join_e(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| format!("{:e}", v + 0.0))
        .collect::<Vec<_>>()
        .join(",")
}

/// Four decimals without a "−0.0000" for values that are zero up to rounding.
fn fixed4(x: f64) -> String {
    if x.abs() < 5e-5 {
        "0.0000".into()
    } else {
        format!("{x:.4}")
    }
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let basis0 = p.choice("basis", "bessel", &BASES);
    let nmax0 = p.int("nmax", 6, 1, N_MAX) as usize;
    let rcut0 = p.float("rcut", 5.0, R_CUT.0, R_CUT.1);
    let deriv0 = p.flag("deriv", false);
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();

    let basis_name = RwSignal::new(basis0);
    let nmax = RwSignal::new(nmax0);
    let rcut = RwSignal::new(rcut0);
    let deriv = RwSignal::new(deriv0);
    // the distance under the pointer (None: no read-out)
    let hover = RwSignal::new(None::<f64>);

    let state = Signal::derive(move || {
        format!(
            "basis={}&nmax={}&rcut={}&deriv={}{pass}",
            basis_name.get(),
            nmax.get(),
            fmt_f64(rcut.get()),
            u8::from(deriv.get())
        )
    });
    let save = move || write_url(embedded, &state.get_untracked());

    // The basis for the current parameters; the sliders keep them inside the core's limits, so
    // an error here cannot happen, but it is shown rather than unwrapped.
    let basis = Memo::new(move |_| {
        RadialBasis::new(kind_of(basis_name.get()), nmax.get(), rcut.get())
            .map_err(|e| e.to_string())
    });

    let canvas = NodeRef::<html::Canvas>::new();
    let axis = StoredValue::new_local(None::<(RadialAxis, f64)>);
    let painter = StoredValue::new_local(Painter::new(canvas, dpr, move |f| {
        let Ok(b) = basis.get_untracked() else { return };
        let Some(backend) = CanvasBackend::with_canvas_object(f.canvas.clone()) else {
            return;
        };
        let area = backend.into_drawing_area();
        let style = f.fig_style();
        match draw_radial_basis(
            &area,
            &b,
            deriv.get_untracked(),
            hover.get_untracked(),
            &style,
        ) {
            Ok(ax) => axis.set_value(Some((ax, f.width))),
            Err(e) => leptos::logging::warn!("radial-basis: {e}"),
        }
    }));
    Effect::new(move |_| {
        basis.track();
        deriv.track();
        hover.track();
        painter.try_with_value(Painter::request);
    });

    // pointer x (CSS px on the canvas) → r, through the axis of the last drawing
    let r_at = move |css_x: f64, client_w: f64| -> Option<f64> {
        let (ax, backing_w) = axis.get_value()?;
        let scale = if client_w > 0.0 {
            backing_w / client_w
        } else {
            1.0
        };
        Some(ax.r_at(css_x * scale))
    };
    let on_pointer = move |ev: web_sys::PointerEvent| {
        use wasm_bindgen::JsCast;
        let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        if let Some(r) = r_at(ev.offset_x() as f64, el.client_width() as f64) {
            hover.set(Some(r));
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let r_max = rcut.get_untracked() + 0.5;
        let step = r_max / 100.0;
        let r = hover.get_untracked().unwrap_or(rcut.get_untracked() / 2.0);
        let next = match ev.key().as_str() {
            "ArrowLeft" => r - step,
            "ArrowRight" => r + step,
            "Escape" => {
                hover.set(None);
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        hover.set(Some(next.clamp(0.0, r_max)));
    };

    // R_n and dR_n/dr at the pointer, interleaved. Both are always read out, whether or not the
    // derivative panel is drawn, so the checkbox changes the plot but not the widget's height.
    let values_at = move |r: f64| -> Vec<f64> {
        basis.with(|b| match b {
            Ok(b) => {
                let (mut v, mut d) = (vec![0.0; b.n_max()], vec![0.0; b.n_max()]);
                b.evaluate(r, &mut v, &mut d);
                v.iter().zip(&d).flat_map(|(a, b)| [*a, *b]).collect()
            }
            Err(_) => Vec::new(),
        })
    };
    let hook_values = move || {
        let r = rcut.get() / 2.0;
        basis.with(|b| match b {
            Ok(b) => {
                let (mut v, mut d) = (vec![0.0; b.n_max()], vec![0.0; b.n_max()]);
                b.evaluate(r, &mut v, &mut d);
                join_e(&v)
            }
            Err(_) => String::new(),
        })
    };
    // The read-out always shows the same items (at the pointer, or at r_cut / 2 until the plot
    // is pointed at), so pointing at the plot does not change the widget's height.
    let readout = move || {
        let pointed = hover.get();
        let r = pointed.unwrap_or_else(|| rcut.get() / 2.0);
        let vals = values_at(r);
        let env = basis.with(|b| b.as_ref().map(|b| b.envelope(r).0).unwrap_or(0.0));
        let n_max = nmax.get();
        let items = (1..=n_max)
            .map(|n| {
                let c = radial_color(n, n_max);
                let text = format!(
                    "$R_{n}$ = {}, $R′_{n}$ = {}",
                    fixed4(vals.get(2 * (n - 1)).copied().unwrap_or(0.0)),
                    fixed4(vals.get(2 * (n - 1) + 1).copied().unwrap_or(0.0))
                );
                view! {
                    <span class="rb-item">
                        <span class="swatch" style=format!("background: rgb({}, {}, {})", c.0, c.1, c.2)></span>
                        <span inner_html=prose(&text)></span>
                    </span>
                }
            })
            .collect_view();
        view! {
            <p class="readout rb-readout" data-testid=pointed.map(|_| "rb-hover") data-r=format!("{r:e}")>
                <strong>{format!("r = {r:.3} Å")}</strong>
                {format!(" · envelope {env:.4} · ")}
                {items}
            </p>
        }
    };
    let legend = move || {
        let n_max = nmax.get();
        (1..=n_max)
            .map(|n| {
                let c = radial_color(n, n_max);
                view! {
                    <span><span class="swatch" style=format!("background: rgb({}, {}, {})", c.0, c.1, c.2)></span><span inner_html=prose(&format!("$R_{n}$"))></span></span>
                }
            })
            .collect_view()
    };

    view! {
        <WidgetFrame name="radial-basis" title="Radial basis functions" notices=notices state=state>
            <div class="legend">
                {legend}
                <span><span class="swatch dash"></span><span inner_html=prose("envelope $f_{cut}$")></span></span>
            </div>
            <canvas node_ref=canvas class="plot radial" tabindex="0"
                role="img"
                aria-label=move || format!(
                    "Plot of the {} {} radial functions and their cutoff envelope from 0 to r_cut = {:.1} Å{}; point at it, or focus it and use the arrow keys, to read values",
                    nmax.get(), basis_name.get(), rcut.get(),
                    if deriv.get() { ", with their derivatives below" } else { "" }
                )
                on:pointermove=on_pointer on:pointerdown=on_pointer
                on:pointerleave=move |ev: web_sys::PointerEvent| {
                    // a finger lifted keeps its read-out; a mouse leaving clears it
                    if ev.pointer_type() == "mouse" { hover.set(None); }
                }
                on:keydown=on_key></canvas>
            {readout}
            <p class="widget-hint" inner_html=prose("Hover (or touch) the plot to read $R_n(r)$ · focus it and use ←/→ · the grey vertical line is $r_{cut}$")></p>
            <p class="convention" inner_html=move || prose(describe(basis_name.get()))></p>
            {move || basis.with(|b| b.as_ref().err().map(|e| view! { <p class="widget-error" role="alert">{e.clone()}</p> }))}
            <p class="readout small" data-testid="rb-values"
                data-r=move || format!("{:e}", rcut.get() / 2.0)
                data-values=hook_values>
                <span inner_html=move || prose(&format!("at $r = r_{{cut}}/2$ = {:.3} Å: $R_n$ = ", rcut.get() / 2.0))></span>
                {move || {
                    let v = hook_values();
                    v.split(',').filter_map(crate::number::parse_f64).map(fixed4).collect::<Vec<_>>().join(", ")
                }}
            </p>
            <div class="widget-controls">
                <fieldset class="ctl-group">
                    <legend>"basis"</legend>
                    <div class="chips" role="radiogroup" aria-label="radial basis" data-control="basis">
                        {BASES.iter().map(|b| view! {
                            <button type="button" class="chip" role="radio"
                                aria-checked=move || (basis_name.get() == *b).to_string()
                                on:click=move |_| { basis_name.set(b); save(); }>{*b}</button>
                        }).collect_view()}
                    </div>
                    <label class="ctl-check" data-control="deriv">
                        <input type="checkbox" prop:checked=move || deriv.get() on:change=move |ev| {
                            deriv.set(event_target_checked(&ev));
                            save();
                        } />
                        <span inner_html=prose(" show derivatives $dR_n/dr$")></span>
                    </label>
                </fieldset>
                <fieldset class="ctl-group">
                    <legend>"size and cutoff"</legend>
                    <RangeSlider label="$n_{max}$" control="nmax" min=1.0 max=N_MAX as f64 step=1.0
                        value=Signal::derive(move || nmax.get() as f64)
                        on_input=move |v: f64| nmax.set((v.round() as usize).clamp(1, N_MAX as usize))
                        on_change=move |_| save()
                        format=|v| format!("{}", v.round()) />
                    <RangeSlider label="$r_{cut}$" control="rcut" min=R_CUT.0 max=R_CUT.1 step=0.1
                        value=Signal::derive(move || rcut.get())
                        on_input=move |v: f64| rcut.set(v.clamp(R_CUT.0, R_CUT.1))
                        on_change=move |_| save()
                        format=|v| format!("{v:.1} Å") />
                </fieldset>
            </div>
        </WidgetFrame>
    }
    .into_any()
}
