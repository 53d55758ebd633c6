//! `ace-fit`: a linear ACE fitted in the page to the book's ethanol data (GFN2-xTB molecular
//! dynamics, `datasets/ethanol_{train,test}.xyz`), with its errors, parity plots and a learning curve.
//!
//! All the science is `multiace_core::ace`: the basis ([`AceBasis::with_limit`], which refuses a
//! basis too large for a page without building it), the least-squares problem ([`LinearFit`], filled
//! one structure at a time) and the model's predictions ([`LinearAce::parity`]). This file schedules
//! that work so the page never freezes: structures are added in slices of about [`SLICE_MS`], with a
//! yield to the browser (a `setTimeout(0)` task) between slices, so the progress bar moves and
//! clicks are answered during a fit. The data are fetched once per page and shared by every copy of
//! the widget. The first fit starts when the widget first scrolls into view (a chapter mounts all its
//! widgets at once; a fit nobody looks at would only slow the others down).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use crate::number::sig;
use leptos::html;
use leptos::prelude::*;
use multiace_core::ace::{
    AceBasis, AceError, AceSpec, FitErrors, FitOptions, LinearAce, LinearFit, Parity, RadialBasis,
    RadialKind, L_MAX_SUPPORTED,
};
use multiace_core::so3::SplitMix64;
use multiace_core::structure::{read_xyz, Structure};
use multiace_figures::{
    draw_learning_curve, draw_parity, CurveSeries, ParitySet, TEST_COLOR, TRAIN_COLOR,
};
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::canvas::Painter;
use super::controls::RangeSlider;
use super::frame::{write_url, WidgetFrame};
use super::params::{fmt_f64, Params};
use crate::util::fetch_text;

/// The elements of the data set, in the order of the basis' species channels.
const SPECIES: [&str; 3] = ["C", "H", "O"];
/// Largest least-squares problem the page solves: beyond this a fit takes too long in a browser.
const MAX_COLUMNS: usize = 1500;
/// Work between two yields to the browser (ms): short enough for smooth input, long enough that
/// the ≥ 4 ms clamp of nested timers costs little.
const SLICE_MS: f64 = 40.0;
/// Training-set sizes of the learning curve.
const CURVE_SIZES: [usize; 6] = [10, 25, 50, 100, 200, 300];
const N_MAX: usize = 8;
const N_TRAIN_MAX: usize = 300;
/// Slider position of the degree control that means "no cap" (any cap this high keeps every function
/// of a basis small enough to fit here).
const DEGREE_NONE: usize = 24;
const RIDGE_RANGE: (f64, f64) = (1e-12, 1.0);
const R_CUT: (f64, f64) = (2.0, 6.0);
const BASES: [&str; 3] = ["bessel", "chebyshev", "gaussian"];
const TRAIN_URL: &str = "/datasets/ethanol_train.xyz";
const TEST_URL: &str = "/datasets/ethanol_test.xyz";

/// Defaults (the chapter's block uses them; a fit with them takes well under 2 s in a browser).
const DEFAULT_NU: usize = 3;
const DEFAULT_NMAX: usize = 3;
const DEFAULT_LMAX: usize = 2;
const DEFAULT_DEGREE: usize = 5;
const DEFAULT_NTRAIN: usize = 100;
const DEFAULT_RCUT: f64 = 4.0;
const DEFAULT_RIDGE: f64 = 1e-7;

/// Everything a fit depends on.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Settings {
    nu: usize,
    nmax: usize,
    lmax: usize,
    /// Cap on Σ (n + l) over the factors of a product; `None` keeps every product.
    degree: Option<usize>,
    ntrain: usize,
    radial: &'static str,
    rcut: f64,
    ridge: f64,
}

impl Settings {
    fn spec(&self) -> Result<AceSpec, AceError> {
        let kind: RadialKind = self.radial.parse()?;
        Ok(AceSpec {
            species: SPECIES.iter().map(|s| s.to_string()).collect(),
            radial: RadialBasis::new(kind, self.nmax, self.rcut)?,
            l_max: self.lmax,
            max_order: self.nu,
            max_degree: self.degree,
        })
    }

    /// The basis, or why the page will not fit it.
    fn basis(&self) -> Result<AceBasis, String> {
        let ns = SPECIES.len();
        let max_functions = (MAX_COLUMNS - ns) / ns;
        match AceBasis::with_limit(self.spec().map_err(|e| e.to_string())?, max_functions) {
            Ok(b) => Ok(b),
            Err(AceError::BasisTooLarge { .. }) => Err(format!(
                "This basis has more than {MAX_COLUMNS} unknowns ({ns} elements × more than \
                 {max_functions} invariants): too many to fit in a page. Lower ν, n_max, l_max or the degree."
            )),
            Err(e) => Err(e.to_string()),
        }
    }

    fn degree_text(&self) -> String {
        self.degree.map_or("none".into(), |d| d.to_string())
    }

    fn query(&self) -> String {
        format!(
            "nu={}&nmax={}&lmax={}&degree={}&ntrain={}&basis={}&rcut={}&ridge={:e}",
            self.nu,
            self.nmax,
            self.lmax,
            self.degree_text(),
            self.ntrain,
            self.radial,
            fmt_f64(self.rcut),
            self.ridge
        )
    }

    fn describe(&self) -> String {
        format!(
            "ν = {}, n_max = {}, l_max = {}, degree {}, {} r_cut = {} Å, ridge {}, {} training structures",
            self.nu,
            self.nmax,
            self.lmax,
            self.degree_text(),
            self.radial,
            fmt_f64(self.rcut),
            sig(self.ridge, 2),
            self.ntrain
        )
    }
}

/// The basis size shown before fitting.
#[derive(Clone, Debug, PartialEq)]
struct BasisSize {
    per_order: Vec<usize>,
    functions: usize,
    columns: usize,
}

fn basis_size(s: &Settings) -> Result<BasisSize, String> {
    let b = s.basis()?;
    Ok(BasisSize {
        per_order: b.count_by_order(),
        functions: b.len(),
        columns: SPECIES.len() * (1 + b.len()),
    })
}

/// The shipped data, parsed once per page. The training frames are kept in a fixed shuffled order:
/// a training set of N is the first N, so it spans the whole trajectory, and a larger set contains
/// every smaller one (the learning curve adds to one problem).
struct Dataset {
    train: Vec<Structure>,
    test: Vec<Structure>,
}

thread_local! {
    static DATA: RefCell<Option<Rc<Dataset>>> = const { RefCell::new(None) };
}

async fn load_data() -> Result<Rc<Dataset>, String> {
    if let Some(d) = DATA.with(|d| d.borrow().clone()) {
        return Ok(d);
    }
    let parse = |name: &str, text: String| {
        read_xyz(&text).map_err(|e| format!("{}: {e}", name.trim_start_matches('/')))
    };
    let mut train = parse(TRAIN_URL, fetch_text(TRAIN_URL).await?)?;
    let test = parse(TEST_URL, fetch_text(TEST_URL).await?)?;
    // Fisher–Yates with a fixed seed: the same subsets on every visit
    let mut rng = SplitMix64::new(2025);
    for i in (1..train.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        train.swap(i, j);
    }
    let data = Rc::new(Dataset { train, test });
    DATA.with(|d| *d.borrow_mut() = Some(data.clone()));
    Ok(data)
}

fn now() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

/// Lets the browser run its queued tasks (input, layout, paint) before the next slice of work.
async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window().set_timeout_with_callback(&resolve);
    });
    let _ = JsFuture::from(promise).await;
}

/// Runs a job in slices: [`Slicer::tick`] yields once the current slice is long enough and says
/// whether the job is still wanted (not cancelled, not replaced, widget not unmounted).
struct Slicer {
    job: RwSignal<u64>,
    id: u64,
    start: f64,
    busy_ms: f64,
}

impl Slicer {
    fn new(job: RwSignal<u64>, id: u64) -> Self {
        Slicer {
            job,
            id,
            start: now(),
            busy_ms: 0.0,
        }
    }
    fn alive(&self) -> bool {
        self.job.try_get_untracked() == Some(self.id)
    }
    async fn tick(&mut self) -> bool {
        let t = now();
        if t - self.start >= SLICE_MS {
            self.busy_ms += t - self.start;
            yield_to_browser().await;
            self.start = now();
        }
        self.alive()
    }
    /// Time spent computing (wall time minus the time given back to the browser).
    fn busy(&self) -> f64 {
        self.busy_ms + (now() - self.start)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    Loading,
    Fitting,
    Done,
    Error,
}

impl Phase {
    fn as_str(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Loading => "loading",
            Phase::Fitting => "fitting",
            Phase::Done => "done",
            Phase::Error => "error",
        }
    }
}

/// A fit's outcome, for the table and the plots.
#[derive(Clone, Debug, PartialEq)]
struct FitOutcome {
    settings: Settings,
    columns: usize,
    equations: usize,
    fit_ms: f64,
    compute_ms: f64,
    eval_ms: f64,
    train: FitErrors,
    test: FitErrors,
    parity_train: Parity,
    parity_test: Parity,
    /// Mean reference energy per atom of the training set (eV/atom): parity plots show E/N minus it.
    e_shift: f64,
}

/// One point of the learning curve (errors in eV/atom and eV/Å).
#[derive(Clone, Copy, Debug, PartialEq)]
struct CurvePoint {
    n: usize,
    train: FitErrors,
    test: FitErrors,
}

/// The signals a job reports to.
#[derive(Clone, Copy)]
struct Ui {
    job: RwSignal<u64>,
    phase: RwSignal<Phase>,
    message: RwSignal<String>,
    progress: RwSignal<(usize, usize)>,
    outcome: RwSignal<Option<Arc<FitOutcome>>>,
    curve_phase: RwSignal<Phase>,
    curve_message: RwSignal<String>,
    curve_progress: RwSignal<(usize, usize)>,
    curve: RwSignal<Vec<CurvePoint>>,
    curve_settings: RwSignal<Option<Settings>>,
}

impl Ui {
    fn new_job(&self) -> u64 {
        let id = self.job.get_untracked() + 1;
        self.job.set(id);
        id
    }
}

/// Adds `data` to `parity`, one structure at a time, in slices. Ok(false) when cancelled.
async fn predict(
    model: &LinearAce,
    data: &[Structure],
    parity: &mut Parity,
    slicer: &mut Slicer,
    mut done: impl FnMut(),
) -> Result<bool, AceError> {
    for s in data {
        let p = model.parity(std::slice::from_ref(s))?;
        parity.energy_per_atom.extend(p.energy_per_atom);
        parity.forces.extend(p.forces);
        done();
        if !slicer.tick().await {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The data (fetched once) and an empty least-squares problem for the settings: what a fit and a
/// learning curve both start from.
async fn prepare(s: &Settings) -> Result<(Rc<Dataset>, LinearFit), String> {
    let data = load_data().await?;
    let options = FitOptions {
        ridge: s.ridge,
        ..FitOptions::default()
    };
    let problem = LinearFit::new(s.basis()?, options).map_err(|e| e.to_string())?;
    Ok((data, problem))
}

/// Fetches the data if needed, fits, predicts, and reports to `ui`; stops quietly when replaced.
async fn run_fit(ui: Ui, s: Settings, id: u64) {
    let fail = move |msg: String| {
        if ui.job.try_get_untracked() == Some(id) {
            ui.phase.set(Phase::Error);
            ui.message.set(msg);
        }
    };
    ui.phase.set(Phase::Loading);
    ui.message.set("Loading the ethanol data…".into());
    let (data, mut problem) = match prepare(&s).await {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    if ui.job.try_get_untracked() != Some(id) {
        return;
    }
    let train = &data.train[..s.ntrain.min(data.train.len())];
    let test = &data.test[..];
    let total = 2 * train.len() + test.len();
    ui.phase.set(Phase::Fitting);
    ui.progress.set((0, total));
    let t0 = now();
    let mut slicer = Slicer::new(ui.job, id);
    let mut equations = 0;
    for (k, st) in train.iter().enumerate() {
        if let Err(e) = problem.add(st) {
            return fail(e.to_string());
        }
        equations += 1 + st.forces.as_ref().map_or(0, |f| 3 * f.len());
        ui.progress.set((k + 1, total));
        ui.message.set(format!(
            "Adding structure {} of {} to the least-squares problem…",
            k + 1,
            train.len()
        ));
        if !slicer.tick().await {
            return;
        }
    }
    ui.message
        .set(format!("Solving for {} unknowns…", problem.columns()));
    let model = match problem.solve() {
        Ok(m) => m,
        Err(e) => return fail(e.to_string()),
    };
    let fit_ms = now() - t0;
    let compute_ms = slicer.busy();
    let t1 = now();
    let (mut parity_train, mut parity_test) = (Parity::default(), Parity::default());
    let mut done = train.len();
    ui.message
        .set("Predicting the training and test sets…".into());
    let mut step = || {
        done += 1;
        ui.progress.set((done, total));
    };
    match predict(&model, train, &mut parity_train, &mut slicer, &mut step).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => return fail(e.to_string()),
    }
    match predict(&model, test, &mut parity_test, &mut slicer, &mut step).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => return fail(e.to_string()),
    }
    let eval_ms = now() - t1;
    let refs = &parity_train.energy_per_atom;
    let e_shift = refs.iter().map(|p| p.0).sum::<f64>() / refs.len().max(1) as f64;
    let outcome = FitOutcome {
        settings: s,
        columns: problem.columns(),
        equations,
        fit_ms,
        compute_ms,
        eval_ms,
        train: parity_train.errors(),
        test: parity_test.errors(),
        parity_train,
        parity_test,
        e_shift,
    };
    ui.outcome.set(Some(Arc::new(outcome)));
    ui.phase.set(Phase::Done);
    ui.message.set(format!(
        "Fitted in {:.2} s ({} structures); predictions {:.2} s.",
        fit_ms / 1e3,
        train.len(),
        eval_ms / 1e3
    ));
}

/// The learning curve: one problem to which structures are added in order; at each size of
/// [`CURVE_SIZES`] it is solved and the model's errors recorded.
async fn run_curve(ui: Ui, s: Settings, id: u64) {
    let fail = move |msg: String| {
        if ui.job.try_get_untracked() == Some(id) {
            ui.curve_phase.set(Phase::Error);
            ui.curve_message.set(msg);
        }
    };
    ui.curve_phase.set(Phase::Loading);
    ui.curve_message.set("Loading the ethanol data…".into());
    ui.curve.set(Vec::new());
    ui.curve_settings.set(Some(s));
    let (data, mut problem) = match prepare(&s).await {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    if ui.job.try_get_untracked() != Some(id) {
        return;
    }
    let sizes: Vec<usize> = CURVE_SIZES
        .iter()
        .copied()
        .filter(|&n| n <= data.train.len())
        .collect();
    let largest = sizes.last().copied().unwrap_or(0);
    // adding dominates; each point also predicts its training set and the test set (~1/10 each)
    let total = largest
        + sizes
            .iter()
            .map(|n| (n + data.test.len()) / 10)
            .sum::<usize>();
    let mut done = 0;
    ui.curve_phase.set(Phase::Fitting);
    ui.curve_progress.set((0, total));
    let mut slicer = Slicer::new(ui.job, id);
    let mut points = Vec::new();
    for &n in &sizes {
        for st in &data.train[problem.len()..n] {
            if let Err(e) = problem.add(st) {
                return fail(e.to_string());
            }
            done += 1;
            ui.curve_progress.set((done, total));
            ui.curve_message.set(format!(
                "Training set of {n}: adding structure {}…",
                problem.len()
            ));
            if !slicer.tick().await {
                return;
            }
        }
        let model = match problem.solve() {
            Ok(m) => m,
            Err(e) => return fail(e.to_string()),
        };
        ui.curve_message
            .set(format!("Training set of {n}: predicting…"));
        let (mut p_train, mut p_test) = (Parity::default(), Parity::default());
        for (set, out) in [
            (&data.train[..n], &mut p_train),
            (&data.test[..], &mut p_test),
        ] {
            match predict(&model, set, out, &mut slicer, || {}).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => return fail(e.to_string()),
            }
        }
        done += (n + data.test.len()) / 10;
        ui.curve_progress.set((done, total));
        points.push(CurvePoint {
            n,
            train: p_train.errors(),
            test: p_test.errors(),
        });
        ui.curve.set(points.clone());
    }
    ui.curve_phase.set(Phase::Done);
    ui.curve_message.set(format!(
        "Learning curve done ({:.1} s).",
        slicer.busy() / 1e3
    ));
}

/// A number in meV with a sensible number of digits.
fn mev(x_ev: f64) -> String {
    let v = 1e3 * x_ev;
    if !v.is_finite() {
        "—".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Thousands separated by a thin space (2 800, 1 302).
fn grouped(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// An integer control: a range input with − / + buttons and the value beside them.
fn int_control(
    label: &'static str,
    value: RwSignal<usize>,
    min: usize,
    max: usize,
    show: fn(usize) -> String,
    save: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let set = move |v: i64| value.set(v.clamp(min as i64, max as i64) as usize);
    view! {
        <label class="ctl">
            <span class="ctl-name">{label}</span>
            <input type="range" step="1" min=min max=max
                prop:value=move || value.get().to_string()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<i64>() {
                        set(v);
                    }
                }
                on:change=move |_| save() />
            <span class="stepper">
                <button type="button" aria-label=format!("decrease {label}")
                    on:click=move |_| { set(value.get_untracked() as i64 - 1); save(); }>"−"</button>
                <span class="ctl-value">{move || show(value.get())}</span>
                <button type="button" aria-label=format!("increase {label}")
                    on:click=move |_| { set(value.get_untracked() as i64 + 1); save(); }>"+"</button>
            </span>
        </label>
    }
}

fn plain(v: usize) -> String {
    v.to_string()
}

fn degree_show(v: usize) -> String {
    if v >= DEGREE_NONE {
        "none".into()
    } else {
        v.to_string()
    }
}

/// Reads `ridge` (a positive number, often written 1e-7) with a notice in the same notation.
fn read_ridge(p: &mut Params) -> f64 {
    let Some(raw) = p.raw("ridge").map(str::to_owned) else {
        return DEFAULT_RIDGE;
    };
    match crate::number::parse_f64(&raw) {
        Some(x) if (RIDGE_RANGE.0..=RIDGE_RANGE.1).contains(&x) => x,
        Some(x) if x.is_finite() => {
            let c = x.clamp(RIDGE_RANGE.0, RIDGE_RANGE.1);
            p.notice(format!(
                "ridge: {} is outside [{}, {}]; using {}",
                sig(x, 3),
                sig(RIDGE_RANGE.0, 1),
                sig(RIDGE_RANGE.1, 1),
                sig(c, 3)
            ));
            c
        }
        _ => {
            let shown: String = raw.chars().take(24).collect();
            p.notice(format!(
                "ridge: '{shown}' is not a number; using {}",
                sig(DEFAULT_RIDGE, 1)
            ));
            DEFAULT_RIDGE
        }
    }
}

/// Reads `degree`: a number, or `none` / `0` for no cap.
fn read_degree(p: &mut Params, nu: usize) -> Option<usize> {
    if p.raw("degree")
        .is_some_and(|v| v.eq_ignore_ascii_case("none"))
    {
        return None;
    }
    let d = p.int("degree", DEFAULT_DEGREE as i64, 0, 64) as usize;
    if d == 0 || d >= DEGREE_NONE {
        None
    } else if d < nu {
        p.notice(format!(
            "degree: {d} is below ν = {nu} (every factor has n ≥ 1); using {nu}"
        ));
        Some(nu)
    } else {
        Some(d)
    }
}

/// Draws the energy or force parity plot of `outcome` (nothing before the first fit).
fn draw_parity_of(f: &super::canvas::Frame, outcome: Option<&FitOutcome>, forces: bool) {
    let Some(o) = outcome else { return };
    let Some(backend) = CanvasBackend::with_canvas_object(f.canvas.clone()) else {
        return;
    };
    let area = backend.into_drawing_area();
    let style = f.fig_style();
    let shift = |v: &[(f64, f64)]| -> Vec<(f64, f64)> {
        v.iter()
            .map(|(a, b)| (1e3 * (a - o.e_shift), 1e3 * (b - o.e_shift)))
            .collect()
    };
    let (train, test, title, quantity);
    if forces {
        train = o.parity_train.forces.clone();
        test = o.parity_test.forces.clone();
        title = "forces";
        quantity = "force component (eV/Å)";
    } else {
        train = shift(&o.parity_train.energy_per_atom);
        test = shift(&o.parity_test.energy_per_atom);
        title = "energies";
        quantity = "E/N − ⟨E/N⟩ (meV/atom)";
    }
    let sets = [
        ParitySet {
            label: "train",
            pairs: &train,
            color: TRAIN_COLOR,
        },
        ParitySet {
            label: "test",
            pairs: &test,
            color: TEST_COLOR,
        },
    ];
    if let Err(e) = draw_parity(&area, title, quantity, &sets, &style) {
        leptos::logging::warn!("ace-fit parity: {e}");
    }
}

fn draw_curve(f: &super::canvas::Frame, points: &[CurvePoint]) {
    if points.is_empty() {
        return;
    }
    let Some(backend) = CanvasBackend::with_canvas_object(f.canvas.clone()) else {
        return;
    };
    let area = backend.into_drawing_area();
    let style = f.fig_style();
    let pick = |g: fn(&CurvePoint) -> f64| -> Vec<(f64, f64)> {
        points.iter().map(|p| (p.n as f64, 1e3 * g(p))).collect()
    };
    let test_f = pick(|p| p.test.force_rmse);
    let train_f = pick(|p| p.train.force_rmse);
    let test_e = pick(|p| p.test.energy_rmse);
    let train_e = pick(|p| p.train.energy_rmse);
    let series = [
        CurveSeries {
            label: "test forces (meV/Å)",
            points: &test_f,
            color: TEST_COLOR,
            dashed: false,
        },
        CurveSeries {
            label: "train forces",
            points: &train_f,
            color: TEST_COLOR,
            dashed: true,
        },
        CurveSeries {
            label: "test energies (meV/atom)",
            points: &test_e,
            color: TRAIN_COLOR,
            dashed: false,
        },
        CurveSeries {
            label: "train energies",
            points: &train_e,
            color: TRAIN_COLOR,
            dashed: true,
        },
    ];
    if let Err(e) = draw_learning_curve(
        &area,
        "learning curve",
        "training structures",
        "RMSE",
        &series,
        &style,
    ) {
        leptos::logging::warn!("ace-fit learning curve: {e}");
    }
}

type IoCallback = Closure<dyn FnMut(js_sys::Array)>;

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let nu0 = p.int("nu", DEFAULT_NU as i64, 1, 4) as usize;
    let nmax0 = p.int("nmax", DEFAULT_NMAX as i64, 1, N_MAX as i64) as usize;
    let lmax0 = p.int("lmax", DEFAULT_LMAX as i64, 0, L_MAX_SUPPORTED as i64) as usize;
    let degree0 = read_degree(&mut p, nu0);
    let ntrain0 = p.int("ntrain", DEFAULT_NTRAIN as i64, 1, N_TRAIN_MAX as i64) as usize;
    let radial0 = p.choice("basis", "bessel", &BASES);
    let rcut0 = p.float("rcut", DEFAULT_RCUT, R_CUT.0, R_CUT.1);
    let ridge0 = read_ridge(&mut p);
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();

    let nu = RwSignal::new(nu0);
    let nmax = RwSignal::new(nmax0);
    let lmax = RwSignal::new(lmax0);
    let degree = RwSignal::new(degree0.unwrap_or(DEGREE_NONE));
    let ntrain = RwSignal::new(ntrain0);
    let radial = RwSignal::new(radial0);
    let rcut = RwSignal::new(rcut0);
    let log_ridge = RwSignal::new(ridge0.log10());

    let settings = Memo::new(move |_| Settings {
        nu: nu.get(),
        nmax: nmax.get(),
        lmax: lmax.get(),
        degree: Some(degree.get()).filter(|&d| d < DEGREE_NONE),
        ntrain: ntrain.get(),
        radial: radial.get(),
        rcut: rcut.get(),
        ridge: 10f64.powf(log_ridge.get()),
    });
    let size = Memo::new(move |_| basis_size(&settings.get()));
    let state = Signal::derive(move || format!("{}{pass}", settings.get().query()));
    let save = move || write_url(embedded, &state.get_untracked());

    let ui = Ui {
        job: RwSignal::new(0),
        phase: RwSignal::new(Phase::Idle),
        message: RwSignal::new("The fit starts when the widget comes into view.".into()),
        progress: RwSignal::new((0, 1)),
        outcome: RwSignal::new(None),
        curve_phase: RwSignal::new(Phase::Idle),
        curve_message: RwSignal::new(String::new()),
        curve_progress: RwSignal::new((0, 1)),
        curve: RwSignal::new(Vec::new()),
        curve_settings: RwSignal::new(None),
    };
    let busy = Signal::derive(move || {
        matches!(ui.phase.get(), Phase::Loading | Phase::Fitting)
            || matches!(ui.curve_phase.get(), Phase::Loading | Phase::Fitting)
    });
    let started = StoredValue::new(false);
    let start_fit = move || {
        started.set_value(true);
        if ui.curve_phase.get_untracked() == Phase::Fitting
            || ui.curve_phase.get_untracked() == Phase::Loading
        {
            ui.curve_phase.set(Phase::Idle);
            ui.curve_message.set("Stopped.".into());
        }
        let id = ui.new_job();
        leptos::task::spawn_local(run_fit(ui, settings.get_untracked(), id));
    };
    let start_curve = move || {
        started.set_value(true);
        if matches!(ui.phase.get_untracked(), Phase::Loading | Phase::Fitting) {
            ui.phase.set(Phase::Idle);
            ui.message.set("Stopped.".into());
        }
        let id = ui.new_job();
        leptos::task::spawn_local(run_curve(ui, settings.get_untracked(), id));
    };
    let stop = move || {
        ui.new_job();
        if matches!(ui.phase.get_untracked(), Phase::Loading | Phase::Fitting) {
            ui.phase.set(Phase::Idle);
            let kept = ui.outcome.with_untracked(Option::is_some);
            ui.message.set(if kept {
                "Stopped: the results below are those of the last fit that finished.".into()
            } else {
                "Stopped before the fit finished: press Fit to start again.".into()
            });
        }
        if matches!(
            ui.curve_phase.get_untracked(),
            Phase::Loading | Phase::Fitting
        ) {
            ui.curve_phase.set(Phase::Idle);
            ui.curve_message.set("Stopped.".into());
        }
    };
    // a replaced widget (new page, new query) stops its job at the next slice
    on_cleanup(move || {
        ui.job.try_update(|j| *j += 1);
    });

    // First fit when the widget first shows on screen.
    let root = NodeRef::<html::Div>::new();
    let observer: StoredValue<Option<(web_sys::IntersectionObserver, IoCallback)>, LocalStorage> =
        StoredValue::new_local(None);
    root.on_load(move |el| {
        let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let visible = entries.iter().any(|e| {
                e.dyn_into::<web_sys::IntersectionObserverEntry>()
                    .map(|e| e.is_intersecting())
                    .unwrap_or(false)
            });
            if visible {
                observer.try_with_value(|o| {
                    if let Some((obs, _)) = o {
                        obs.disconnect();
                    }
                });
                if !started.try_get_value().unwrap_or(true) && size.get_untracked().is_ok() {
                    start_fit();
                }
            }
        });
        if let Ok(obs) = web_sys::IntersectionObserver::new(cb.as_ref().unchecked_ref()) {
            obs.observe(&el);
            observer.set_value(Some((obs, cb)));
        }
    });
    on_cleanup(move || {
        observer.try_update_value(|o| {
            if let Some((obs, _)) = o.take() {
                obs.disconnect();
            }
        });
    });

    let energy_canvas = NodeRef::<html::Canvas>::new();
    let force_canvas = NodeRef::<html::Canvas>::new();
    let curve_canvas = NodeRef::<html::Canvas>::new();
    let energy_painter = StoredValue::new_local(Painter::new(energy_canvas, dpr, move |f| {
        let o = ui.outcome.try_get_untracked().flatten();
        draw_parity_of(f, o.as_deref(), false);
    }));
    let force_painter = StoredValue::new_local(Painter::new(force_canvas, dpr, move |f| {
        let o = ui.outcome.try_get_untracked().flatten();
        draw_parity_of(f, o.as_deref(), true);
    }));
    let curve_painter = StoredValue::new_local(Painter::new(curve_canvas, dpr, move |f| {
        ui.curve.try_with_untracked(|c| draw_curve(f, c));
    }));
    Effect::new(move |_| {
        ui.outcome.track();
        energy_painter.try_with_value(Painter::request);
        force_painter.try_with_value(Painter::request);
    });
    Effect::new(move |_| {
        ui.curve.track();
        curve_painter.try_with_value(Painter::request);
    });

    let size_text = move || match size.get() {
        Ok(b) => {
            let orders = b
                .per_order
                .iter()
                .enumerate()
                .map(|(k, c)| format!("ν = {}: {c}", k + 1))
                .collect::<Vec<_>>()
                .join(" · ");
            format!(
                "{orders} → {} invariants per element; {} unknowns ({} elements × {} + {} reference energies)",
                b.functions,
                grouped(b.columns),
                SPECIES.len(),
                b.functions,
                SPECIES.len()
            )
        }
        Err(e) => e,
    };
    let stale = move || {
        ui.outcome
            .with(|o| o.as_ref().is_some_and(|o| o.settings != settings.get()))
    };
    let row = move |name: &'static str, test: bool| {
        let errs = move || {
            ui.outcome.with(|o| {
                o.as_ref().map(|o| {
                    if test {
                        (o.test, o.parity_test.energy_per_atom.len())
                    } else {
                        (o.train, o.parity_train.energy_per_atom.len())
                    }
                })
            })
        };
        let cell = move |pick: fn(&FitErrors) -> f64, id: &'static str| {
            view! {
                <td data-testid=id data-value=move || errs().map(|(e, _)| format!("{:e}", pick(&e))).unwrap_or_default()>
                    {move || errs().map(|(e, _)| mev(pick(&e))).unwrap_or_else(|| "—".into())}
                </td>
            }
        };
        let prefix = if test { "fit-test" } else { "fit-train" };
        let ids: [&'static str; 4] = if test {
            [
                "fit-test-energy-mae",
                "fit-test-energy-rmse",
                "fit-test-force-mae",
                "fit-test-force-rmse",
            ]
        } else {
            [
                "fit-train-energy-mae",
                "fit-train-energy-rmse",
                "fit-train-force-mae",
                "fit-train-force-rmse",
            ]
        };
        view! {
            <tr data-testid=prefix>
                <th scope="row">{name}" "<span class="small">{move || errs().map(|(_, n)| format!("({n})")).unwrap_or_default()}</span></th>
                {cell(|e| e.energy_mae, ids[0])}
                {cell(|e| e.energy_rmse, ids[1])}
                {cell(|e| e.force_mae, ids[2])}
                {cell(|e| e.force_rmse, ids[3])}
            </tr>
        }
    };
    let fraction = |p: (usize, usize)| p.0 as f64 / p.1.max(1) as f64;

    view! {
        <WidgetFrame name="ace-fit" title="Fitting a linear ACE to ethanol" notices=notices state=state>
            <div node_ref=root class="ace-fit">
            <p class="readout" data-testid="fit-basis"
                data-columns=move || size.get().map(|b| b.columns.to_string()).unwrap_or_default()
                data-state=move || if size.get().is_ok() { "ok" } else { "refused" }>
                <span class="readout-label">"basis size (invariants per element by correlation order ν)"</span>
                {size_text}
            </p>
            <div class="widget-controls">
                <fieldset class="ctl-group">
                    <legend>"basis"</legend>
                    {int_control("ν (order)", nu, 1, 4, plain, save)}
                    {int_control("n_max", nmax, 1, N_MAX, plain, save)}
                    {int_control("l_max", lmax, 0, L_MAX_SUPPORTED, plain, save)}
                    {int_control("degree", degree, 1, DEGREE_NONE, degree_show, save)}
                    <p class="small">"degree: keep products with Σ(n + l) ≤ this; the rightmost position keeps all."</p>
                </fieldset>
                <fieldset class="ctl-group">
                    <legend>"radial functions and data"</legend>
                    <label class="ctl">
                        <span class="ctl-name">"radial basis"</span>
                        <select prop:value=move || radial.get() on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(b) = BASES.into_iter().find(|b| *b == v) {
                                radial.set(b);
                                save();
                            }
                        }>
                            <option value="bessel">"Bessel"</option>
                            <option value="chebyshev">"Chebyshev"</option>
                            <option value="gaussian">"Gaussian"</option>
                        </select>
                        <span></span>
                    </label>
                    <RangeSlider label="$r_{cut}$" min=R_CUT.0 max=R_CUT.1 step=0.1
                        value=rcut on_input=move |v: f64| rcut.set(v) on_change=Callback::new(move |_| save())
                        format=|v| format!("{v:.1} Å") />
                    {int_control("training set", ntrain, 1, N_TRAIN_MAX, plain, save)}
                    <RangeSlider label="ridge $λ$" min=RIDGE_RANGE.0.log10() max=RIDGE_RANGE.1.log10() step=0.5
                        value=log_ridge on_input=move |v: f64| log_ridge.set(v) on_change=Callback::new(move |_| save())
                        format=|v| sig(10f64.powf(v), 1) />
                </fieldset>
            </div>
            <div class="fit-actions">
                <button type="button" class="fit-run" data-testid="fit-run"
                    disabled=move || busy.get() || size.get().is_err()
                    on:click=move |_| start_fit()>"Fit"</button>
                <button type="button" data-testid="fit-curve-run"
                    disabled=move || busy.get() || size.get().is_err()
                    on:click=move |_| start_curve()>"Learning curve"</button>
                <button type="button" data-testid="fit-stop" disabled=move || !busy.get()
                    on:click=move |_| stop()>"Stop"</button>
            </div>
            <p class="readout fit-status" data-testid="fit-status" role="status"
                data-state=move || ui.phase.get().as_str()
                class:widget-error=move || ui.phase.get() == Phase::Error>
                {move || ui.message.get()}
            </p>
            <progress data-testid="fit-progress" max="1"
                value=move || format!("{:.4}", fraction(ui.progress.get()))
                class:hidden=move || ui.phase.get() == Phase::Idle>
            </progress>
            <div class="fit-results" class:stale=stale>
                <p class="small" data-testid="fit-settings">{move || ui.outcome.with(|o| o.as_ref().map(|o| {
                    // Fit is disabled while the basis is too large, so the note must not ask for it
                    let note = match (o.settings != settings.get(), size.with(Result::is_ok)) {
                        (false, _) => "",
                        (true, true) => " — the controls have changed since: press Fit",
                        (true, false) => " — the controls have changed since, to a basis too large to fit here (see above)",
                    };
                    format!("Fitted with {}{note}.", o.settings.describe())
                }).unwrap_or_default())}</p>
                <div class="table-scroll">
                    <table class="fit-errors">
                        <thead>
                            <tr>
                                <th rowspan="2" scope="col">"data"</th>
                                <th scope="colgroup" colspan="2">"energy "<span class="small">"meV/atom"</span></th>
                                <th scope="colgroup" colspan="2">"force "<span class="small">"meV/Å"</span></th>
                            </tr>
                            <tr>
                                <th scope="col">"MAE"</th>
                                <th scope="col">"RMSE"</th>
                                <th scope="col">"MAE"</th>
                                <th scope="col">"RMSE"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {row("train", false)}
                            {row("test", true)}
                        </tbody>
                    </table>
                </div>
                <p class="readout small" data-testid="fit-ms"
                    data-value=move || ui.outcome.with(|o| o.as_ref().map(|o| format!("{:.1}", o.fit_ms)).unwrap_or_default())>
                    {move || ui.outcome.with(|o| o.as_ref().map(|o| format!(
                        "Fit: {:.2} s wall time ({:.2} s computing) for {} equations in {} unknowns; predicting {} + {} structures: {:.2} s.",
                        o.fit_ms / 1e3,
                        o.compute_ms / 1e3,
                        grouped(o.equations),
                        grouped(o.columns),
                        o.parity_train.energy_per_atom.len(),
                        o.parity_test.energy_per_atom.len(),
                        o.eval_ms / 1e3
                    )).unwrap_or_default())}
                </p>
                <div class="widget-row">
                    <div class="widget-canvas-wrap">
                        <canvas role="img" node_ref=energy_canvas class="plot parity" aria-label="Parity plot of energies per atom: predicted against reference, train and test"></canvas>
                    </div>
                    <div class="widget-canvas-wrap">
                        <canvas role="img" node_ref=force_canvas class="plot parity" aria-label="Parity plot of force components: predicted against reference, train and test"></canvas>
                    </div>
                </div>
            </div>
            <p class="readout small fit-status" data-testid="curve-status" role="status"
                data-state=move || ui.curve_phase.get().as_str()
                class:widget-error=move || ui.curve_phase.get() == Phase::Error>
                {move || {
                    let m = ui.curve_message.get();
                    if m.is_empty() { "The learning curve fits training sets of 10, 25, 50, 100, 200 and 300 structures with the settings above.".to_string() } else { m }
                }}
            </p>
            <progress data-testid="curve-progress" max="1"
                value=move || format!("{:.4}", fraction(ui.curve_progress.get()))
                class:hidden=move || ui.curve_phase.get() == Phase::Idle>
            </progress>
            <div class="widget-canvas-wrap wide" class:hidden=move || ui.curve.with(Vec::is_empty)>
                <canvas role="img" node_ref=curve_canvas class="plot curve" aria-label="Learning curve: RMSE against training-set size, log-log"
                    data-testid="fit-curve"
                    data-value=move || ui.curve.with(|c| c.iter().map(|p| format!("{}:{:e}:{:e}", p.n, p.test.force_rmse, p.test.energy_rmse)).collect::<Vec<_>>().join(";"))></canvas>
                <p class="small">{move || ui.curve_settings.get().map(|s| format!("Basis: {}.", Settings { ntrain: 0, ..s }.describe().replace(", 0 training structures", ""))).unwrap_or_default()}</p>
            </div>
            </div>
        </WidgetFrame>
    }
    .into_any()
}
