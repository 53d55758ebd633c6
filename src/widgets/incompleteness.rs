//! `incompleteness`: two environments that the power spectrum (ν = 2) cannot tell apart and the
//! bispectrum (ν = 3) can. A central atom with four like neighbours at distance r on a circle in
//! the xy plane, at 45° × {0, 1, 2, 5} (environment I) and 45° × {0, 1, 3, 4} (environment II):
//! the two sets have the same multiset of pairwise angles (a homometric pair), so every ν = 2
//! invariant agrees, but they are not congruent (only I has three consecutive neighbours), and
//! the ν = 3 invariants see it.
//!
//! The invariants come from the core (`ace::AceBasis` with one species, Bessel n_max = 2,
//! r_cut = 4 Å, up to the chosen l_max, and `Evaluator`), computed once per parameter change;
//! the two 3D views share one rotation, which changes no invariant.

use std::f64::consts::{PI, TAU};
use std::ops::Range;

use crate::number::sig;
use leptos::html;
use leptos::prelude::*;
use multiace_core::ace::{AceBasis, AceSpec, Evaluator, NeighbourTerm, RadialBasis, RadialKind};
use multiace_core::so3::{apply, Mat3};

use super::bars::{self, Strip};
use super::canvas::{Frame, Painter};
use super::controls::RangeSlider;
use super::frame::{write_url, WidgetFrame};
use super::math_label::prose;
use super::orbit::{self, DragTracker};
use super::params::{fmt_f64, Params};
use super::view3d::camera::{compose, default_view, draw_axes, Camera};
use super::view3d::molecule::{element, Molecule, MoleculePainter};

/// Positions of the four neighbours on the eight-step circle.
const STEPS: [[usize; 4]; 2] = [[0, 1, 2, 5], [0, 1, 3, 4]];
const NAMES: [&str; 2] = ["I", "II"];
const STEP_LABELS: [&str; 8] = ["0", "1", "2", "3", "4", "5", "6", "7"];
const N_MAX: usize = 2;
const R_CUT: f64 = 4.0;
const IDENTITY: Mat3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
/// Environment colours (Okabe–Ito blue and orange: distinguishable with any colour vision).
const ENV_COLORS: (&str, &str) = ("#0072b2", "#e69f00");
/// The triangle of three consecutive neighbours that only environment I has.
const TRIANGLE: &str = "#cc79a7";

/// Bond vectors of environment `e` with neighbours at distance `r`.
fn neighbours(e: usize, r: f64) -> [[f64; 3]; 4] {
    STEPS[e].map(|k| {
        let t = TAU / 8.0 * k as f64;
        [r * t.cos(), r * t.sin(), 0.0]
    })
}

/// The angles between pairs of neighbours in 45° steps (the shorter way round), sorted.
fn pair_steps(e: usize) -> Vec<usize> {
    let s = STEPS[e];
    let mut out = Vec::with_capacity(6);
    for i in 0..4 {
        for j in i + 1..4 {
            let d = s[j].abs_diff(s[i]);
            out.push(d.min(8 - d));
        }
    }
    out.sort_unstable();
    out
}

/// The invariants of both environments, split by correlation order.
struct Pair {
    /// B of environment I and II.
    b: [Vec<f64>; 2],
    /// B_I − B_II.
    d: Vec<f64>,
    /// Index ranges of ν = 1, 2, 3 in B.
    groups: Vec<Range<usize>>,
    /// Per ν: max |B_I − B_II| and max |B| over both.
    diff: Vec<f64>,
    scale: Vec<f64>,
}

impl Pair {
    fn new(lmax: usize, r: f64) -> Result<Pair, String> {
        let basis = AceBasis::new(AceSpec {
            species: vec!["H".into()],
            radial: RadialBasis::new(RadialKind::Bessel, N_MAX, R_CUT)
                .map_err(|e| e.to_string())?,
            l_max: lmax,
            max_order: 3,
            max_degree: None,
        })
        .map_err(|e| e.to_string())?;
        let mut ev = Evaluator::new(&basis);
        let mut a = vec![0.0; basis.a_len()];
        let b = [0, 1].map(|e| {
            let terms = neighbours(e, r).map(|v| NeighbourTerm { vector: v, z: 0 });
            let mut out = vec![0.0; basis.len()];
            ev.atomic_basis(&terms, &mut a);
            ev.invariants(&a, &mut out);
            out
        });
        let mut groups = Vec::new();
        let mut start = 0;
        for c in basis.count_by_order() {
            groups.push(start..start + c);
            start += c;
        }
        let diff = groups
            .iter()
            .map(|g| {
                b[0][g.clone()]
                    .iter()
                    .zip(&b[1][g.clone()])
                    .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
            })
            .collect();
        let scale = groups
            .iter()
            .map(|g| {
                b[0][g.clone()]
                    .iter()
                    .chain(&b[1][g.clone()])
                    .fold(0.0f64, |m, v| m.max(v.abs()))
            })
            .collect();
        let d = b[0].iter().zip(&b[1]).map(|(x, y)| x - y).collect();
        Ok(Pair {
            b,
            d,
            groups,
            diff,
            scale,
        })
    }

    fn count(&self, nu: usize) -> usize {
        self.groups.get(nu - 1).map_or(0, |g| g.len())
    }
    fn diff(&self, nu: usize) -> f64 {
        self.diff.get(nu - 1).copied().unwrap_or(0.0)
    }
    /// Whether the two environments differ at order ν beyond rounding.
    fn differ(&self, nu: usize) -> bool {
        let s = self.scale.get(nu - 1).copied().unwrap_or(0.0);
        self.diff(nu) > 1e-9 * s.max(1e-300)
    }
}

/// The central C atom and its four H neighbours, as a molecule to draw.
fn environment(e: usize, r: f64) -> Molecule {
    let mut positions = vec![[0.0; 3]];
    positions.extend(neighbours(e, r));
    let mut elements = vec![element("C")];
    elements.extend([element("H"); 4]);
    Molecule {
        name: format!("environment {}", NAMES[e]),
        extent: r + elements[1].ball,
        bonds: (1..5).map(|j| (0, j)).collect(),
        elements,
        positions,
    }
}

struct Scene {
    pair: Option<Pair>,
    mols: [Molecule; 2],
    painters: [MoleculePainter; 2],
    zoom: f64,
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let lmax0 = p.int("lmax", 6, 0, 6) as usize;
    let r0 = p.float("r", 1.5, 1.0, 3.0);
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();

    let lmax = RwSignal::new(lmax0);
    let radius = RwSignal::new(r0);
    let rot = RwSignal::new(IDENTITY);
    let error = RwSignal::new(None::<String>);
    let version = RwSignal::new(0u32);
    let state =
        Signal::derive(move || format!("lmax={}&r={}{pass}", lmax.get(), fmt_f64(radius.get())));
    let save = move || write_url(embedded, &state.get_untracked());

    let scene = StoredValue::new_local(Scene {
        pair: None,
        mols: [environment(0, r0), environment(1, r0)],
        painters: Default::default(),
        zoom: 1.0,
    });
    let view_m = default_view();
    let canvases = [
        NodeRef::<html::Canvas>::new(),
        NodeRef::<html::Canvas>::new(),
    ];
    let plot = NodeRef::<html::Canvas>::new();
    let painters = [0, 1].map(|e| {
        StoredValue::new_local(Painter::new(canvases[e], dpr, move |f| {
            let (r, rad) = (rot.get_untracked(), radius.get_untracked());
            scene.try_update_value(|sc| draw_environment(f, sc, e, &view_m, &r, rad));
        }))
    });
    let plot_painter = StoredValue::new_local(Painter::new(plot, dpr, move |f| {
        scene.try_with_value(|sc| {
            if let Some(pair) = sc.pair.as_ref() {
                draw_plot(f, pair);
            }
        });
    }));
    let redraw3d = move || {
        for pt in painters {
            pt.try_with_value(Painter::request);
        }
    };

    // The invariants, once per (l_max, r).
    Effect::new(move |_| {
        let (l, r) = (lmax.get(), radius.get());
        let res = Pair::new(l, r);
        scene.try_update_value(|sc| {
            sc.mols = [environment(0, r), environment(1, r)];
            match res {
                Ok(pair) => {
                    sc.pair = Some(pair);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
        version.update(|v| *v += 1);
        plot_painter.try_with_value(Painter::request);
        redraw3d();
    });
    Effect::new(move |_| {
        rot.track();
        redraw3d();
    });

    let drags = [0, 1].map(|_| StoredValue::new_local(DragTracker::default()));
    let canvas3d = move |e: usize| {
        let drag = drags[e];
        view! {
            <figure class="env-figure">
                <canvas role="img" node_ref=canvases[e] class="view3d" tabindex="0"
                    aria-label=format!("Environment {}: drag to rotate both environments; arrow keys rotate when focused", NAMES[e])
                    on:pointerdown=move |ev| { drag.try_update_value(|d| d.down(&ev)); }
                    on:pointermove=move |ev| {
                        if let Some(dr) = drag.try_update_value(|d| d.moved(&ev, &view_m)).flatten() {
                            rot.set(compose(&dr, &rot.get_untracked()));
                        }
                    }
                    on:pointerup=move |ev| { drag.try_update_value(|d| d.up(&ev)); }
                    on:pointercancel=move |ev| { drag.try_update_value(|d| d.up(&ev)); }
                    on:keydown=move |ev| {
                        if let Some(dr) = orbit::key(&ev, &view_m) {
                            rot.set(compose(&dr, &rot.get_untracked()));
                        }
                    }
                    on:wheel=move |ev| {
                        if let Some(z) = orbit::wheel_zoom(&ev) {
                            scene.try_update_value(|s| s.zoom = (s.zoom * z).clamp(0.4, 4.0));
                            redraw3d();
                        }
                    }></canvas>
                <figcaption>
                    <span class="swatch" style=format!("background:{}", if e == 0 { ENV_COLORS.0 } else { ENV_COLORS.1 })></span>
                    {format!("environment {}: 45° × {{{}}}", NAMES[e], STEPS[e].map(|k| k.to_string()).join(", "))}
                    <span class="small">{format!(" · pair angles (45° steps) {{{}}}", pair_steps(e).iter().map(|k| k.to_string()).collect::<Vec<_>>().join(", "))}</span>
                </figcaption>
            </figure>
        }
    };

    let readout = move |nu: usize| {
        move || {
            version.track();
            scene
                .try_with_value(|sc| {
                    sc.pair.as_ref().map(|pair| {
                        let d = pair.diff(nu);
                        let n = pair.count(nu);
                        let (what, verdict) = match nu {
                            1 => ("ν = 1 (pair terms)", if pair.differ(1) { "different" } else { "the same for I and II" }),
                            2 => ("ν = 2 (power spectrum)", if pair.differ(2) { "different" } else { "the same for I and II: the power spectrum cannot tell them apart" }),
                            _ => ("ν = 3 (bispectrum)", if pair.differ(3) { "different: the bispectrum tells them apart" } else { "the same (it needs l ≥ 2 to see the triangles: raise l_max)" }),
                        };
                        (format!("{d:e}"), format!("{what}, {n} invariants: {verdict}"), format!("largest |B_I − B_II| = {}", sig(d, 2)))
                    })
                })
                .flatten()
        }
    };
    let nu_line = move |nu: usize, testid: &'static str| {
        let r = readout(nu);
        view! {
            <p class="readout" data-testid=testid data-value=move || r().map(|x| x.0).unwrap_or_default()>
                {move || r().map(|x| x.1).unwrap_or_default()}
                " — "<strong>{move || r().map(|x| x.2).unwrap_or_default()}</strong>
            </p>
        }
    };

    view! {
        <WidgetFrame name="incompleteness" title="Two environments the power spectrum cannot tell apart" notices=notices state=state>
            <div class="widget-row env-pair">
                {canvas3d(0)}
                {canvas3d(1)}
            </div>
            <p class="widget-hint">"A C atom with four H neighbours at distance r on a circle in the xy plane; the dots mark the eight 45° steps. Shaded: the triangle of three consecutive neighbours that only environment I has. Drag either view to rotate both."</p>
            {move || error.get().map(|e| view! { <p class="widget-notice" role="status">{e}</p> })}
            {nu_line(2, "incompleteness-nu2")}
            {nu_line(3, "incompleteness-nu3")}
            {nu_line(1, "incompleteness-nu1")}
            <canvas role="img" node_ref=plot class="plot env-bars" aria-label="The ν = 2 and ν = 3 invariants of both environments as paired bars, with their differences"></canvas>
            <div class="legend">
                <span><span class="swatch" style=format!("background:{}", ENV_COLORS.0)></span>"environment I"</span>
                <span><span class="swatch" style=format!("background:{}", ENV_COLORS.1)></span>"environment II"</span>
                <span><span class="swatch pos"></span><span class="swatch neg"></span>"B_I − B_II (same scale)"</span>
            </div>
            <div class="widget-controls">
                <fieldset class="ctl-group">
                    <legend inner_html=prose("invariants (one species, Bessel $n_{max}$ = 2, $r_{cut}$ = 4 Å); $r$ deforms both environments")></legend>
                    <label class="ctl">
                        <span class="ctl-name" inner_html=prose("$l_{max}$")></span>
                        <input type="range" min="0" max="6" step="1" prop:value=move || lmax.get().to_string()
                            on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<usize>() { lmax.set(v.min(6)); } }
                            on:change=move |_| save() />
                        <span class="ctl-value">{move || lmax.get().to_string()}</span>
                    </label>
                    <RangeSlider label="$r$" min=1.0 max=3.0 step=0.05 format=|v| format!("{v:.2} Å")
                        value=Signal::derive(move || radius.get())
                        on_input=move |v: f64| radius.set(v.clamp(1.0, 3.0))
                        on_change=move |_| save() />
                    <button type="button" class="chip" on:click=move |_| {
                        rot.set(IDENTITY);
                        scene.try_update_value(|s| s.zoom = 1.0);
                        redraw3d();
                    }>"reset view"</button>
                </fieldset>
            </div>
        </WidgetFrame>
    }
    .into_any()
}

/// One environment under the shared rotation: the circle and its eight steps, the triangle of
/// consecutive neighbours (environment I), the atoms.
fn draw_environment(f: &Frame, sc: &mut Scene, e: usize, view_m: &Mat3, r: &Mat3, radius: f64) {
    let Scene {
        mols,
        painters,
        zoom,
        ..
    } = sc;
    let ctx = f.ctx;
    let dpr = f.dpr;
    let mut cam = Camera::fit(f.width, f.height, radius + 0.6, *view_m);
    cam.scale *= *zoom;
    let color = f.text_color();
    ctx.set_global_alpha(0.45);
    draw_axes(ctx, &cam, r, radius + 0.4, &color, dpr);

    // the circle
    ctx.set_stroke_style_str(&color);
    ctx.set_line_width(dpr);
    ctx.begin_path();
    for k in 0..=64 {
        let t = TAU * k as f64 / 64.0;
        let s = cam.project(apply(r, [radius * t.cos(), radius * t.sin(), 0.0]));
        if k == 0 {
            ctx.move_to(s[0], s[1]);
        } else {
            ctx.line_to(s[0], s[1]);
        }
    }
    ctx.stroke();
    ctx.set_global_alpha(1.0);

    // the triangle 0-1-2 of environment I
    if e == 0 {
        ctx.set_fill_style_str(TRIANGLE);
        ctx.set_global_alpha(0.35);
        ctx.begin_path();
        for (i, k) in [0usize, 1, 2].iter().enumerate() {
            let t = TAU / 8.0 * *k as f64;
            let s = cam.project(apply(r, [radius * t.cos(), radius * t.sin(), 0.0]));
            if i == 0 {
                ctx.move_to(s[0], s[1]);
            } else {
                ctx.line_to(s[0], s[1]);
            }
        }
        ctx.close_path();
        ctx.fill();
        ctx.set_global_alpha(1.0);
    }

    // the eight steps: dots on the circle (hidden by the atoms drawn next), labels outside it
    ctx.set_fill_style_str(&color);
    ctx.set_global_alpha(0.7);
    for k in 0..8 {
        let t = TAU / 8.0 * k as f64;
        let dot = cam.project(apply(r, [radius * t.cos(), radius * t.sin(), 0.0]));
        ctx.begin_path();
        let _ = ctx.arc(dot[0], dot[1], 2.0 * dpr, 0.0, 2.0 * PI);
        ctx.fill();
    }
    ctx.set_global_alpha(1.0);

    painters[e].draw(ctx, &cam, &mols[e], r);

    bars::font(ctx, 10.0, dpr, "center");
    ctx.set_fill_style_str(&color);
    for (k, label) in STEP_LABELS.iter().enumerate() {
        let t = TAU / 8.0 * k as f64;
        let out = cam.project(apply(
            r,
            [(radius + 0.42) * t.cos(), (radius + 0.42) * t.sin(), 0.0],
        ));
        bars::text(ctx, label, out[0], out[1]);
    }
    bars::font(ctx, 13.0, dpr, "left");
    bars::text(ctx, NAMES[e], 8.0 * dpr, 14.0 * dpr);
}

/// ν = 2 above ν = 3: paired bars (I, II) and beneath each the difference B_I − B_II on the same
/// scale (flat for ν = 2).
fn draw_plot(f: &Frame, pair: &Pair) {
    let ctx = f.ctx;
    let dpr = f.dpr;
    let color = f.text_color();
    let (w, h) = (f.width, f.height);
    let pad = 6.0 * dpr;
    let title = 16.0 * dpr;
    let x = pad;
    let width = (w - 2.0 * pad).max(1.0);
    let panel_h = h / 2.0;
    for (panel, nu) in [2usize, 3].iter().enumerate() {
        let Some(g) = pair.groups.get(nu - 1) else {
            continue;
        };
        let top = panel as f64 * panel_h;
        let scale = pair.scale.get(nu - 1).copied().unwrap_or(0.0);
        let body = (panel_h - pad - title).max(4.0);
        let main = Strip {
            x,
            y_mid: top + title + body * 0.36,
            width,
            half: body * 0.34,
        };
        let diff = Strip {
            x,
            y_mid: top + title + body * 0.86,
            width,
            half: body * 0.12,
        };
        ctx.set_fill_style_str(&color);
        bars::font(ctx, 12.0, dpr, "left");
        let heading = if *nu == 2 {
            "ν = 2 (power spectrum): I and II, then B_I − B_II"
        } else {
            "ν = 3 (bispectrum): I and II, then B_I − B_II"
        };
        bars::text(ctx, heading, x, top + title / 2.0);
        ctx.set_global_alpha(0.5);
        main.baseline(ctx, &color, dpr);
        diff.baseline(ctx, &color, dpr);
        ctx.set_global_alpha(1.0);
        let (b1, b2) = (&pair.b[0][g.clone()], &pair.b[1][g.clone()]);
        bars::paired_bars(ctx, &main, b1, b2, scale, ENV_COLORS, dpr);
        // the difference on the main strip's scale (so that it reads as small or not)
        bars::bars(
            ctx,
            &diff,
            &pair.d[g.clone()],
            scale * diff.half / main.half,
        );
    }
}
