//! `design-space`: the Multi-ACE design space as a set of controls. Every axis of a
//! [`DesignPoint`] is a control (one-particle basis, layers T, correlation order ν per layer, l_max,
//! L_max, linear or non-linear update and readout, cutoff, channels); the eight published models are
//! named points (chips that set every control); a small scatter shows them by T and by the body
//! order of their features, the current point ringed. The derived quantities ([`Derived`]) update
//! live: body order of the features and of the energy (with the reason when a non-linear map makes
//! it unbounded), receptive field, sizes, parameters and an estimate of the cost.
//!
//! "Run it" instantiates the point as a MACE model with random weights
//! ([`DesignPoint::instantiate`]), evaluates it on a molecule, rotates the molecule by a random
//! rotation and prints |E(Rx) − E(x)| and max |F(Rx) − R F(x)| — or the reason from
//! [`DesignPoint::check_runnable`] why the point does not run. The work happens after the busy state
//! has been painted (one animation frame and a task).

use crate::number::quantity;
use leptos::html;
use leptos::prelude::*;
use multiace_core::mace::EvalOptions;
use multiace_core::multiace::{
    published_models, BodyOrder, Derived, DesignPoint, Nonlinearity, OneParticleBasis,
    PublishedModel,
};
use multiace_core::so3::{apply, random_rotation, SplitMix64};
use multiace_core::structure::Structure;
use multiace_figures::{draw_design_space, DESIGN_MAX_LAYERS, DESIGN_MAX_NU};
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::canvas::{Frame, Painter};
use super::controls::{molecule_select, RangeSlider};
use super::frame::{write_url, DevNotes, WidgetFrame};
use super::mace_architecture::{molecule_structure, now_ms, MOLECULES};
use super::math_label::prose;
use super::params::{fmt_f64, Params};

/// Largest number of layers the controls offer.
const MAX_T: usize = DESIGN_MAX_LAYERS;
/// Largest correlation order the controls offer.
const MAX_NU: usize = DESIGN_MAX_NU;
const L_MAX: usize = 6;
const BIG_L_MAX: usize = 3;
const R_CUT: (f64, f64) = (2.0, 8.0);
const MAX_CHANNELS: usize = 64;
const MAX_SEED: i64 = 999_999;
/// The elements the random-weight models know (the molecules are made of H, C and O).
const ELEMENTS: [u32; 3] = [1, 6, 8];
/// Pause of a slider drag after which the derived quantities catch up (ms).
const SETTLE_MS: u64 = 150;
/// Pass mark of the invariance check.
const TOLERANCE: f64 = 1e-9;

/// The one-particle bases: URL value, core value, label.
const BASES: [(&str, OneParticleBasis, &str); 5] = [
    (
        "tp",
        OneParticleBasis::EquivariantTensorProduct,
        "tensor product R·Y ⊗ h_j",
    ),
    ("ace", OneParticleBasis::Ace, "ACE: R·Y, element only"),
    (
        "distance",
        OneParticleBasis::Distance,
        "distance filter (SchNet)",
    ),
    (
        "edge-angle",
        OneParticleBasis::EdgeAngle,
        "edge + angle (DimeNet)",
    ),
    (
        "edge-tp",
        OneParticleBasis::EdgeTensorProduct,
        "edge features (Allegro)",
    ),
];
const BASIS_KEYS: [&str; 5] = ["tp", "ace", "distance", "edge-angle", "edge-tp"];
const MAPS: [&str; 2] = ["linear", "nonlinear"];

fn basis_key(b: OneParticleBasis) -> &'static str {
    BASES
        .iter()
        .find(|(_, v, _)| *v == b)
        .map_or("tp", |(k, _, _)| k)
}

fn basis_of(key: &str) -> OneParticleBasis {
    BASES
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or(OneParticleBasis::EquivariantTensorProduct, |(_, v, _)| *v)
}

fn map_key(n: Nonlinearity) -> &'static str {
    match n {
        Nonlinearity::Linear => "linear",
        Nonlinearity::NonLinear => "nonlinear",
    }
}

fn map_of(key: &str) -> Nonlinearity {
    if key == "nonlinear" {
        Nonlinearity::NonLinear
    } else {
        Nonlinearity::Linear
    }
}

/// The axes as the controls hold them (ν for all six possible layers, so that lowering T and
/// raising it again restores the values).
#[derive(Clone, Debug, PartialEq)]
struct Axes {
    basis: OneParticleBasis,
    layers: usize,
    nus: [usize; MAX_T],
    /// One ν for every layer (the first entry of `nus`).
    uniform: bool,
    l_max: usize,
    big_l: usize,
    update: Nonlinearity,
    readout: Nonlinearity,
    r_cut: f64,
    channels: usize,
}

impl Axes {
    fn of(p: &DesignPoint) -> Axes {
        let mut nus = [1; MAX_T];
        let last = p.correlation.last().copied().unwrap_or(1).clamp(1, MAX_NU);
        for (k, v) in nus.iter_mut().enumerate() {
            *v = p
                .correlation
                .get(k)
                .copied()
                .unwrap_or(last)
                .clamp(1, MAX_NU);
        }
        let layers = p.correlation.len().clamp(1, MAX_T);
        Axes {
            basis: p.one_particle,
            layers,
            uniform: nus.iter().take(layers).all(|&v| v == nus[0]),
            nus,
            l_max: p.l_max.min(L_MAX),
            big_l: p.big_l_max.min(BIG_L_MAX),
            update: p.update,
            readout: p.readout,
            r_cut: p.r_cut.clamp(R_CUT.0, R_CUT.1),
            channels: p.channels.clamp(1, MAX_CHANNELS),
        }
    }

    fn correlation(&self) -> Vec<usize> {
        let t = self.layers.clamp(1, MAX_T);
        if self.uniform {
            vec![self.nus[0]; t]
        } else {
            self.nus.iter().take(t).copied().collect()
        }
    }

    fn point(&self) -> DesignPoint {
        DesignPoint {
            one_particle: self.basis,
            correlation: self.correlation(),
            l_max: self.l_max,
            big_l_max: self.big_l,
            update: self.update,
            readout: self.readout,
            r_cut: self.r_cut,
            channels: self.channels,
        }
    }

    /// ν as the URL writes it: one number when all layers share it, else a list.
    fn nu_text(&self) -> String {
        if self.uniform {
            return self.nus[0].to_string();
        }
        self.correlation()
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Reads the axes from the URL: the named model (default MACE), then any axis given directly.
fn read_axes(p: &mut Params, models: &[PublishedModel]) -> Axes {
    let mut names: Vec<&'static str> = models.iter().map(|m| m.name).collect();
    names.push("custom");
    let name = p.choice("model", "MACE", &names);
    let base = models
        .iter()
        .find(|m| m.name == name)
        .or_else(|| models.iter().find(|m| m.name == "MACE"))
        .map(|m| m.point.clone());
    let mut a = match base {
        Some(pt) => Axes::of(&pt),
        None => Axes {
            basis: OneParticleBasis::EquivariantTensorProduct,
            layers: 2,
            nus: [3; MAX_T],
            uniform: true,
            l_max: 3,
            big_l: 2,
            update: Nonlinearity::Linear,
            readout: Nonlinearity::NonLinear,
            r_cut: 5.0,
            channels: 16,
        },
    };
    if p.raw("basis").is_some() {
        a.basis = basis_of(p.choice("basis", basis_key(a.basis), &BASIS_KEYS));
    }
    let layers_given = p.raw("layers").is_some();
    if layers_given {
        a.layers = p.int("layers", a.layers as i64, 1, MAX_T as i64) as usize;
    }
    if let Some(raw) = p.raw("nu").map(str::to_owned) {
        let mut values = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match part.parse::<i64>() {
                Ok(v) if (1..=MAX_NU as i64).contains(&v) => values.push(v as usize),
                Ok(v) => {
                    let c = v.clamp(1, MAX_NU as i64) as usize;
                    p.notice(format!("nu: {v} is outside 1..{MAX_NU}; using {c}"));
                    values.push(c);
                }
                Err(_) => {
                    let shown: String = part.chars().take(12).collect();
                    p.notice(format!("nu: '{shown}' is not an integer; ignored"));
                }
            }
        }
        if values.len() > MAX_T {
            p.notice(format!(
                "nu: {} layers given; the controls go up to {MAX_T}",
                values.len()
            ));
            values.truncate(MAX_T);
        }
        match values.as_slice() {
            [] => {}
            [v] => {
                a.nus = [*v; MAX_T];
                a.uniform = true;
            }
            list => {
                if !layers_given {
                    a.layers = list.len();
                } else if list.len() != a.layers {
                    p.notice(format!(
                        "nu: {} values for {} layers; the last value fills the rest",
                        list.len(),
                        a.layers
                    ));
                }
                let last = list.last().copied().unwrap_or(1);
                for (k, v) in a.nus.iter_mut().enumerate() {
                    *v = list.get(k).copied().unwrap_or(last);
                }
                a.uniform = a.nus.iter().take(a.layers).all(|&v| v == a.nus[0]);
            }
        }
    }
    if p.raw("lmax").is_some() {
        a.l_max = p.int("lmax", a.l_max as i64, 0, L_MAX as i64) as usize;
    }
    if p.raw("L").is_some() {
        a.big_l = p.int("L", a.big_l as i64, 0, BIG_L_MAX as i64) as usize;
    }
    if p.raw("update").is_some() {
        a.update = map_of(p.choice("update", map_key(a.update), &MAPS));
    }
    if p.raw("readout").is_some() {
        a.readout = map_of(p.choice("readout", map_key(a.readout), &MAPS));
    }
    if p.raw("rcut").is_some() {
        a.r_cut = p.float("rcut", a.r_cut, R_CUT.0, R_CUT.1);
    }
    if p.raw("channels").is_some() {
        a.channels = p.int("channels", a.channels as i64, 1, MAX_CHANNELS as i64) as usize;
    }
    a
}

/// "13" or "unbounded".
fn body_text(b: BodyOrder) -> String {
    match b {
        BodyOrder::Finite(n) => n.to_string(),
        BodyOrder::Unbounded => "unbounded".into(),
    }
}

/// The recursion n_t = ν_t (1 + n_{t−1}) for the point, as text.
fn recursion(correlation: &[usize]) -> String {
    let mut n: u64 = 0;
    let mut parts = Vec::new();
    for (t, &nu) in correlation.iter().enumerate() {
        n = (nu as u64).saturating_mul(1 + n);
        parts.push(format!("$n_{}$ = {n}", t + 1));
    }
    parts.join(", ")
}

/// Why the body order of the features and of the energy is what it is (one line each).
fn reasons(pt: &DesignPoint, d: &Derived) -> (String, String) {
    let t = pt.correlation.len();
    let features = match d.feature_body_order {
        BodyOrder::Finite(n) => format!(
            "linear updates keep features polynomial: $n_t$ = $ν_t$(1 + $n_{{t−1}}$) gives {}, so a feature depends on at most {n} atoms",
            recursion(&pt.correlation)
        ),
        BodyOrder::Unbounded if pt.update == Nonlinearity::NonLinear => {
            "a non-linear update (a gate or an MLP) acts on many-body features between layers; its Taylor series has terms of every order".into()
        }
        BodyOrder::Unbounded => "the recursion overflows".into(),
    };
    let energy = match (d.energy_body_order, d.feature_body_order) {
        (BodyOrder::Finite(n), _) => {
            format!("a linear readout keeps the body order of the features ({n})")
        }
        (BodyOrder::Unbounded, BodyOrder::Finite(n)) => format!(
            "the non-linear readout of layer {t} acts on {n}-body features: a non-linear function of them has terms of every body order"
        ),
        (BodyOrder::Unbounded, BodyOrder::Unbounded) => {
            "the features are already of unbounded body order".into()
        }
    };
    (features, energy)
}

/// 2.1 × 10⁶.
fn sci(x: f64) -> String {
    if !(x.is_finite() && x > 0.0) {
        return "0".into();
    }
    let e = x.log10().floor() as i32;
    let m = x / 10f64.powi(e);
    let sup: String = e
        .to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect();
    format!("{m:.1} × 10{sup}")
}

/// Thousands separated by thin spaces.
fn grouped(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (k, c) in s.chars().enumerate() {
        if k > 0 && (s.len() - k).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// What the "Run it" button produced.
#[derive(Clone, Debug, PartialEq)]
struct RunResult {
    molecule: &'static str,
    atoms: usize,
    energy: f64,
    de: f64,
    df: f64,
    /// Building the model (U matrices, random weights), ms.
    build_ms: f64,
    /// Two evaluations with forces, ms.
    eval_ms: f64,
    /// Trainable weights (from the derived quantities).
    params: Option<usize>,
}

fn run_point(
    pt: &DesignPoint,
    s: &Structure,
    molecule: &'static str,
    seed: u64,
    turn: u64,
) -> Result<RunResult, String> {
    let t0 = now_ms();
    let model = pt.instantiate(&ELEMENTS, seed)?;
    let t1 = now_ms();
    let mut ws = model.workspace();
    let a = model
        .evaluate(s, &mut ws, EvalOptions::default())
        .map_err(|e| e.to_string())?;
    let r = random_rotation(&mut SplitMix64::new(
        seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ turn,
    ));
    let mut rs = s.clone();
    rs.positions.iter_mut().for_each(|p| *p = apply(&r, *p));
    let b = model
        .evaluate(&rs, &mut ws, EvalOptions::default())
        .map_err(|e| e.to_string())?;
    let t2 = now_ms();
    let df = b
        .forces
        .iter()
        .zip(&a.forces)
        .flat_map(|(x, y)| {
            let ry = apply(&r, *y);
            (0..3).map(move |c| (x[c] - ry[c]).abs())
        })
        .fold(0.0, f64::max);
    Ok(RunResult {
        molecule,
        atoms: s.len(),
        energy: a.energy,
        de: (b.energy - a.energy).abs(),
        df,
        build_ms: t1 - t0,
        eval_ms: t2 - t1,
        params: None,
    })
}

/// One animation frame (the busy state gets painted), then one task.
async fn after_paint() {
    let raf = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window().request_animation_frame(&resolve);
    });
    let _ = JsFuture::from(raf).await;
    let task = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window().set_timeout_with_callback(&resolve);
    });
    let _ = JsFuture::from(task).await;
}

/// Markers of the published models in device pixels (for clicks).
#[derive(Clone, Debug, Default)]
struct Hits {
    models: Vec<(usize, f64, f64)>,
}

/// The scatter (`multiace_figures::draw_design_space`) on the widget's canvas.
fn draw_scatter(
    f: &Frame,
    models: &[PublishedModel],
    current: (usize, BodyOrder),
    selected: Option<usize>,
) -> Result<Hits, String> {
    let backend = CanvasBackend::with_canvas_object(f.canvas.clone())
        .ok_or_else(|| "no canvas".to_string())?;
    let area = backend.into_drawing_area();
    let models = draw_design_space(&area, models, Some(current), selected, &f.fig_style())?;
    Ok(Hits { models })
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let models = published_models();
    let mut p = Params::parse(query);
    let axes0 = read_axes(&mut p, &models);
    let mol0 = p.choice("molecule", "ethanol", &MOLECULES);
    let seed0 = p.int("seed", 1, 0, MAX_SEED) as u64;
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();
    let models = StoredValue::new(models);
    let derive_ms = StoredValue::new(0.0f64);

    let axes = RwSignal::new(axes0);
    let molecule = RwSignal::new(mol0);
    let seed = RwSignal::new(seed0);
    let point = Memo::new(move |_| axes.with(Axes::point));
    // The derived quantities follow a settled copy of the point: the parameter count builds the
    // U matrices (up to ~160 ms for T = 3, ν = 3, l = L = 3), so a slider drag updates them when
    // the pointer pauses or is released, not at every input event.
    let settled = RwSignal::new(point.get_untracked());
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let pt = point.get();
        let g = generation.with_value(|g| g + 1);
        generation.set_value(g);
        set_timeout(
            move || {
                if generation.try_get_value() == Some(g)
                    && settled.try_with_untracked(|s| s != &pt) == Some(true)
                {
                    settled.set(pt);
                }
            },
            std::time::Duration::from_millis(SETTLE_MS),
        );
    });
    let commit = move || {
        let pt = point.get_untracked();
        if settled.with_untracked(|s| s != &pt) {
            settled.set(pt);
        }
    };
    let derived = Memo::new(move |_| {
        let t0 = now_ms();
        let d = settled.with(DesignPoint::derived);
        derive_ms.set_value(now_ms() - t0);
        d
    });
    let runnable = Memo::new(move |_| point.with(DesignPoint::check_runnable));
    let selected = Memo::new(move |_| {
        let pt = point.get();
        models.with_value(|ms| ms.iter().position(|m| m.point == pt))
    });
    let run = RwSignal::new(None::<Result<RunResult, String>>);
    let busy = RwSignal::new(false);
    let turns = StoredValue::new(0u64);
    let hits = StoredValue::new(Hits::default());

    let state = Signal::derive(move || {
        let head = match selected.get() {
            Some(k) => format!(
                "model={}",
                models.with_value(|ms| ms.get(k).map_or("MACE", |m| m.name))
            ),
            None => axes.with(|a| {
                format!(
                    "model=custom&basis={}&layers={}&nu={}&lmax={}&L={}&update={}&readout={}&rcut={}&channels={}",
                    basis_key(a.basis),
                    a.layers,
                    a.nu_text(),
                    a.l_max,
                    a.big_l,
                    map_key(a.update),
                    map_key(a.readout),
                    fmt_f64(a.r_cut),
                    a.channels
                )
            }),
        };
        format!(
            "{head}&molecule={}&seed={}{pass}",
            molecule.get(),
            seed.get()
        )
    });
    let save = move || {
        commit();
        write_url(embedded, &state.get_untracked());
    };

    // a result belongs to the point, molecule and seed it was run with
    Effect::new(move |_| {
        point.track();
        molecule.track();
        seed.track();
        run.set(None);
    });

    let canvas = NodeRef::<html::Canvas>::new();
    let painter = StoredValue::new_local(Painter::new(canvas, dpr, move |f| {
        let here = derived.with_untracked(|d| (d.layers, d.feature_body_order));
        let sel = selected.get_untracked();
        let res = models.with_value(|ms| draw_scatter(f, ms, here, sel));
        match res {
            Ok(h) => hits.set_value(h),
            Err(e) => leptos::logging::warn!("design-space: {e}"),
        }
    }));
    Effect::new(move |_| {
        derived.track();
        selected.track();
        painter.try_with_value(Painter::request);
    });

    let choose = move |k: usize| {
        if let Some(pt) = models.with_value(|ms| ms.get(k).map(|m| m.point.clone())) {
            axes.set(Axes::of(&pt));
            save();
        }
    };
    let edit = move |f: &dyn Fn(&mut Axes)| {
        axes.update(|a| f(a));
    };

    // clicks on the scatter pick the nearest published model
    let on_click = move |ev: web_sys::MouseEvent| {
        let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            return;
        };
        let k = el.width() as f64 / (el.client_width() as f64).max(1.0);
        let (x, y) = (ev.offset_x() as f64 * k, ev.offset_y() as f64 * k);
        let best = hits.with_value(|h| {
            h.models
                .iter()
                .map(|&(i, mx, my)| (i, (mx - x).hypot(my - y)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
        });
        if let Some((i, d)) = best {
            if d < 18.0 * k {
                choose(i);
            }
        }
    };
    // arrow keys on the scatter step through the published models
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let n = models.with_value(Vec::len);
        if n == 0 {
            return;
        }
        let cur = selected.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => cur.map_or(0, |c| (c + 1) % n),
            "ArrowLeft" | "ArrowUp" => cur.map_or(n - 1, |c| (c + n - 1) % n),
            "Home" => 0,
            "End" => n - 1,
            "Escape" => {
                if let Some(el) = ev
                    .current_target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = el.blur();
                }
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        choose(next);
    };

    let on_run = move |_| {
        if busy.get_untracked() {
            return;
        }
        let pt = point.get_untracked();
        if let Err(why) = pt.check_runnable() {
            run.set(Some(Err(why)));
            return;
        }
        let mol = molecule.get_untracked();
        let sd = seed.get_untracked();
        let turn = turns.with_value(|t| *t);
        turns.set_value(turn + 1);
        busy.set(true);
        run.set(None);
        leptos::task::spawn_local(async move {
            after_paint().await;
            let params = derived.try_get_untracked().and_then(|d| d.parameters);
            let res = molecule_structure(mol)
                .and_then(|s| run_point(&pt, &s, mol, sd, turn))
                .map(|r| RunResult { params, ..r });
            // the point may have changed while the page painted: then the result is dropped
            if point.try_get_untracked().as_ref() == Some(&pt) {
                let _ = run.try_set(Some(res));
            }
            let _ = busy.try_set(false);
        });
    };

    let chips = move || {
        models.with_value(|ms| {
            ms.iter()
                .enumerate()
                .map(|(k, m)| {
                    let name = m.name;
                    view! {
                        <button type="button" class="chip" data-model=name
                            aria-pressed=move || (selected.get() == Some(k)).to_string()
                            on:click=move |_| choose(k)>{name}</button>
                    }
                })
                .collect_view()
        })
    };

    let model_note = move || {
        let k = selected.get();
        let m = k.and_then(|k| models.with_value(|ms| ms.get(k).cloned()));
        match m {
            Some(m) => view! {
                <p class="ds-note" data-testid="ds-note" data-model=m.name>
                    <strong>{m.name}</strong>": "{m.note}". "
                    <a href=m.url target="_blank" rel="noopener noreferrer">{m.reference}</a>
                </p>
            }
            .into_any(),
            None => view! {
                <p class="ds-note small" data-testid="ds-note">
                    "A point of your own: no published model sits exactly here. Click a chip or a marker to jump to one."
                </p>
            }
            .into_any(),
        }
    };

    let derived_view = move || {
        let d = derived.get();
        let pt = settled.get();
        let stale = point.with(|p| p != &pt);
        let (why_f, why_e) = reasons(&pt, &d);
        let rf_note = match pt.one_particle {
            OneParticleBasis::EdgeTensorProduct => {
                " (edge features never pass between atoms: one cutoff)".to_string()
            }
            OneParticleBasis::EdgeAngle => format!(
                " ((T + 1) · r_cut = {} × {} Å: the edge embedding spans one cutoff)",
                d.layers + 1,
                fmt_f64(pt.r_cut)
            ),
            _ => format!(" (T · r_cut = {} × {} Å)", d.layers, fmt_f64(pt.r_cut)),
        };
        let (params, params_note) = match (d.parameters, pt.check_runnable()) {
            (Some(n), _) => (grouped(n), "as a MACE model for H, C and O".to_string()),
            (None, Err(why)) => ("—".to_string(), format!("not built here: {why}")),
            (None, Ok(())) => ("—".to_string(), String::new()),
        };
        let fb = body_text(d.feature_body_order);
        let eb = body_text(d.energy_body_order);
        view! {
            <table class="counts ds-derived" class:ds-stale=stale data-testid="ds-derived" data-derive-ms=format!("{:.2}", derive_ms.get_value())>
                <tbody>
                    <tr data-testid="ds-feature-body" data-value=fb.clone()>
                        <td>"body order of the features"</td>
                        <td class="num">{fb.clone()}</td>
                    </tr>
                    <tr class="ds-why"><td colspan="2" inner_html=prose(&why_f)></td></tr>
                    <tr data-testid="ds-energy-body" data-value=eb.clone()>
                        <td>"body order of the energy"</td>
                        <td class="num">{eb.clone()}</td>
                    </tr>
                    <tr class="ds-why"><td colspan="2" inner_html=prose(&why_e)></td></tr>
                    <tr data-testid="ds-receptive" data-value=fmt_f64(d.receptive_field)>
                        <td>"receptive field"<span class="small">{rf_note}</span></td>
                        <td class="num">{format!("{} Å", fmt_f64(d.receptive_field))}</td>
                    </tr>
                    <tr data-testid="ds-features" data-value=d.features_per_atom.to_string()>
                        <td inner_html=prose("features per atom, $c · Σ_{L ≤ L_{max}} (2L + 1)$")></td>
                        <td class="num">{grouped(d.features_per_atom)}</td>
                    </tr>
                    <tr data-testid="ds-message" data-value=d.message_per_atom.to_string()>
                        <td inner_html=prose("pooled basis $A$ per atom, $c · (l_{max} + 1)^2$")></td>
                        <td class="num">{grouped(d.message_per_atom)}</td>
                    </tr>
                    <tr data-testid="ds-params" data-value=d.parameters.map(|n| n.to_string()).unwrap_or_default()>
                        <td>"parameters"<span class="small">{params_note}</span></td>
                        <td class="num">{params}</td>
                    </tr>
                    <tr data-testid="ds-flops" data-value=format!("{:e}", d.flops_per_atom)>
                        <td>"FLOPs per atom"<span class="small">" (estimate: 12 neighbours, order of magnitude)"</span></td>
                        <td class="num">{format!("≈ {}", sci(d.flops_per_atom))}</td>
                    </tr>
                </tbody>
            </table>
        }
    };

    let run_view = move || {
        if busy.get() {
            return Some(
                view! {
                    <p class="readout ds-busy" data-testid="ds-busy" role="status">
                        "building the model and evaluating it…"
                    </p>
                }
                .into_any(),
            );
        }
        match run.get()? {
            Ok(r) => {
                let ok = r.de < TOLERANCE && r.df < TOLERANCE;
                Some(
                    view! {
                        <div class="readout-block" data-testid="ds-run" data-energy=format!("{:e}", r.energy)
                            data-de=format!("{:e}", r.de) data-df=format!("{:e}", r.df)
                            data-pass=ok.to_string()
                            data-build-ms=format!("{:.1}", r.build_ms) data-eval-ms=format!("{:.1}", r.eval_ms)>
                            <p class="readout">
                                {format!("{} ({} atoms), random weights: ", r.molecule, r.atoms)}
                                <strong>{format!("E = {:.6} eV", r.energy)}</strong>
                            </p>
                            <p class="readout">
                                "after a random rotation R: |E(Rx) − E(x)| = "<strong>{quantity(r.de, 2, "eV")}</strong>
                                ", max |F(Rx) − R F(x)| = "<strong>{quantity(r.df, 2, "eV/Å")}</strong>
                                {if ok {
                                    view! { <span class="check-ok">" ✓ invariant (< 1e-9)"</span> }.into_any()
                                } else {
                                    view! { <span class="widget-error">" ✗ above 1e-9"</span> }.into_any()
                                }}
                            </p>
                            <p class="readout small">{format!("{} weights", r.params.map_or("?".into(), grouped))}</p>
                            <DevNotes>
                                <p class="readout small">{format!("built in {:.0} ms, two evaluations with forces in {:.0} ms", r.build_ms, r.eval_ms)}</p>
                            </DevNotes>
                        </div>
                    }
                    .into_any(),
                )
            }
            Err(why) => Some(
                view! {
                    <p class="widget-error" role="alert" data-testid="ds-run-error">"Not run: "{why}</p>
                }
                .into_any(),
            ),
        }
    };

    let int_slider = move |label: &'static str,
                           min: usize,
                           max: usize,
                           get: fn(&Axes) -> usize,
                           set: fn(&mut Axes, usize)| {
        view! {
            <RangeSlider label=label min=min as f64 max=max as f64 step=1.0
                value=Signal::derive(move || axes.with(get) as f64)
                on_input=move |v: f64| {
                    let v = (v.round().max(0.0) as usize).clamp(min, max);
                    if axes.with_untracked(get) != v {
                        edit(&|a: &mut Axes| set(a, v));
                    }
                }
                on_change=move |_| save()
                format=|v| format!("{}", v.round()) />
        }
    };

    let nu_controls = move || {
        let (uniform, layers) = axes.with(|a| (a.uniform, a.layers));
        if uniform {
            int_slider(
                "ν (all layers)",
                1,
                MAX_NU,
                |a| a.nus[0],
                |a, v| a.nus = [v; MAX_T],
            )
            .into_any()
        } else {
            view! {
                <div class="ds-nus" role="group" aria-label="correlation order of each layer">
                    {(0..layers.min(MAX_T)).map(|t| {
                        view! {
                            <label class="ds-nu">
                                <span inner_html=prose(&format!("$ν_{}$", t + 1))></span>
                                <select data-layer=(t + 1).to_string()
                                    prop:value=move || axes.with(|a| a.nus.get(t).copied().unwrap_or(1)).to_string()
                                    on:change=move |ev| {
                                        if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                                            let v = v.clamp(1, MAX_NU);
                                            axes.update(|a| if let Some(x) = a.nus.get_mut(t) { *x = v });
                                            save();
                                        }
                                    }>
                                    {(1..=MAX_NU).map(|v| view! { <option value=v.to_string()>{v.to_string()}</option> }).collect_view()}
                                </select>
                            </label>
                        }
                    }).collect_view()}
                </div>
            }
            .into_any()
        }
    };

    let map_select = move |label: &'static str,
                           testid: &'static str,
                           get: fn(&Axes) -> Nonlinearity,
                           set: fn(&mut Axes, Nonlinearity)| {
        view! {
            <label class="ctl">
                <span class="ctl-name">{label}</span>
                <select data-testid=testid prop:value=move || map_key(axes.with(get)) on:change=move |ev| {
                    let v = map_of(&event_target_value(&ev));
                    axes.update(|a| set(a, v));
                    save();
                }>
                    <option value="linear">"linear"</option>
                    <option value="nonlinear">"non-linear"</option>
                </select>
                <span></span>
            </label>
        }
    };

    view! {
        <WidgetFrame name="design-space" title="The design space of equivariant potentials" notices=notices state=state>
            <p class="convention">"Each control is one axis of the design space. Pick a published model to set them all, or move them and watch what follows: the body order, how far an atom sees, sizes and cost. Positions of the published models follow our reading of Batatia et al. (2025), with typical hyperparameters."</p>
            <div class="chips ds-models" role="group" aria-label="published models" data-testid="ds-models">
                <span class="small">"published models:"</span>
                {chips}
            </div>
            <div class="widget-row">
                <div class="widget-canvas-wrap wide">
                    <canvas role="img" node_ref=canvas class="plot ds-scatter" tabindex="0" data-testid="ds-scatter"
                        aria-label="Published models by number of layers T and body order of their features; the current point is ringed. Click a marker or use the arrow keys to select a model."
                        on:click=on_click on:keydown=on_key></canvas>
                    <p class="widget-hint">"Click a marker, or focus the plot and use the arrow keys · blue: finite body order · orange: unbounded · ring: your point · grey lines: 1 + n_T with the same ν in every layer"</p>
                </div>
                <div class="widget-readout">
                    {model_note}
                    {derived_view}
                </div>
            </div>
            <div class="widget-controls">
                <fieldset class="ctl-group">
                    <legend>"the one-particle basis and the layers"</legend>
                    <label class="ctl">
                        <span class="ctl-name">"basis φ"</span>
                        <select data-testid="ds-basis" prop:value=move || basis_key(axes.with(|a| a.basis)) on:change=move |ev| {
                            let b = basis_of(&event_target_value(&ev));
                            axes.update(|a| a.basis = b);
                            save();
                        }>
                            {BASES.iter().map(|(k, _, label)| view! { <option value=*k>{*label}</option> }).collect_view()}
                        </select>
                        <span></span>
                    </label>
                    <div data-testid="ds-layers">{int_slider("layers T", 1, MAX_T, |a| a.layers, |a, v| a.layers = v)}</div>
                    <div data-testid="ds-nu">{nu_controls}</div>
                    <label class="ctl-check">
                        <input type="checkbox" data-testid="ds-uniform" prop:checked=move || axes.with(|a| a.uniform)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                axes.update(|a| {
                                    if on {
                                        a.nus = [a.nus[0]; MAX_T];
                                    }
                                    a.uniform = on;
                                });
                                save();
                            } />
                        "same ν in all layers"
                    </label>
                </fieldset>
                <fieldset class="ctl-group">
                    <legend>"degrees, maps, size"</legend>
                    <div data-testid="ds-lmax">{int_slider("l_max", 0, L_MAX, |a| a.l_max, |a, v| a.l_max = v)}</div>
                    <div data-testid="ds-bigl">{int_slider("L_max", 0, BIG_L_MAX, |a| a.big_l, |a, v| a.big_l = v)}</div>
                    {map_select("update", "ds-update", |a| a.update, |a, v| a.update = v)}
                    {map_select("readout", "ds-readout", |a| a.readout, |a, v| a.readout = v)}
                    <div data-testid="ds-rcut">
                        <RangeSlider label="$r_{cut}$" min=R_CUT.0 max=R_CUT.1 step=0.1
                            value=Signal::derive(move || axes.with(|a| a.r_cut))
                            on_input=move |v: f64| axes.update(|a| a.r_cut = v.clamp(R_CUT.0, R_CUT.1))
                            on_change=move |_| save()
                            format=|v| format!("{v:.1} Å") />
                    </div>
                    <div data-testid="ds-channels">{int_slider("channels", 1, MAX_CHANNELS, |a| a.channels, |a, v| a.channels = v)}</div>
                </fieldset>
            </div>
            <div class="ds-run-bar">
                <button type="button" class="ds-run-button" data-testid="ds-run-button" on:click=on_run
                    prop:disabled=move || busy.get()>
                    {move || if busy.get() { "running…" } else { "Run it" }}
                </button>
                <label class="ds-inline">
                    "on "
                    {molecule_select(molecule, &MOLECULES, None, "ds-molecule", move |n| {
                        molecule.set(n);
                        save();
                    })}
                </label>
                <label class="ds-inline">
                    "seed "
                    <input type="number" min="0" max=MAX_SEED.to_string() step="1" class="ds-seed" data-testid="ds-seed"
                        prop:value=move || seed.get().to_string()
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).trim().parse::<i64>() {
                                seed.set(v.clamp(0, MAX_SEED) as u64);
                                save();
                            }
                        } />
                </label>
                <span class="small">{move || match runnable.get() {
                    Ok(()) => "instantiates the point as a MACE model with random weights".to_string(),
                    Err(_) => "this point does not run as a MACE model; the button says why".to_string(),
                }}</span>
            </div>
            <div aria-live="polite">{run_view}</div>
        </WidgetFrame>
    }
    .into_any()
}
