//! `mace-md`: molecular dynamics with the book's MACE model, in the page. The molecule starts from
//! its shipped geometry with Maxwell–Boltzmann velocities at the chosen temperature (seeded, rescaled
//! to that temperature exactly, centre-of-mass momentum removed) and is integrated with velocity
//! Verlet, with a Langevin (BAOAB) or Berendsen thermostat or none. Every animation frame runs as
//! many steps as fit in an 8 ms budget (at least one), then draws the molecule and a live plot of
//! the kinetic, potential and total energy over the last 2000 steps.
//!
//! Everything numeric is the core's: `md::VelocityVerlet` (state, thermostats, one force call per
//! step), `md::maxwell_boltzmann`, `mace::MaceModel::evaluate` (energy and forces) behind the
//! `md::Potential` seam. A trajectory that blows up (a non-finite energy, an error from the model
//! such as coincident atoms, or an atom 10 Å further from the centre of mass than it started)
//! pauses with a message and a reset button; the integrator leaves the state as it was before the
//! failed step.

use std::collections::VecDeque;
use std::rc::Rc;

use leptos::html;
use leptos::prelude::*;
use multiace_core::mace::{EvalOptions, MaceModel, MaceWorkspace};
use multiace_core::md::{
    maxwell_boltzmann, scale_to_temperature, Potential, Thermostat, VelocityVerlet,
};
use multiace_core::so3::{apply, Mat3, SplitMix64, IDENTITY};
use multiace_core::structure::{atomic_mass, Structure};
use multiace_figures::draw_energy_trace;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use super::canvas::{Frame, Painter};
use super::controls::{molecule_select, RangeSlider, UPLOAD};
use super::frame::{write_url, WidgetFrame};
use super::mace_model::{load_shipped_model, model_upload_control};
use super::molecules::MoleculeChoices;
use super::orbit::{self, DragTracker};
use super::params::{fmt_f64, Params};
use super::upload::{upload_control_checked, upload_label};
use super::view3d::camera::{compose, default_view, Camera};
use super::view3d::molecule::{Element, Molecule, MoleculePainter};
use super::visibility::track_visibility;

const MOLECULES: [&str; 5] = ["water", "methane", "ethanol", "benzene", "aspirin"];
const THERMOSTATS: [&str; 3] = ["langevin", "berendsen", "none"];
/// Largest molecule simulated (a step of 300 atoms would already take tens of ms).
const MAX_ATOMS: usize = 300;
/// Steps kept for the energy plot.
const HISTORY: usize = 2000;
/// Time per animation frame spent integrating (ms); the rest of the frame draws and breathes.
const BUDGET_MS: f64 = 8.0;
/// A frame never runs more steps than this (a tiny molecule would otherwise run thousands).
const MAX_STEPS_PER_FRAME: usize = 400;
/// Seed of the starting velocities (a reset gives the same trajectory).
const VELOCITY_SEED: u64 = 1;
/// An atom this much further from the centre of mass than at the start means the run blew up (Å).
const BLOW_UP: f64 = 10.0;

fn prefers_reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// The reader's settings (the URL state).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Settings {
    temperature: f64,
    dt: f64,
    thermostat: &'static str,
    friction: f64,
}

impl Settings {
    fn thermostat(&self) -> Thermostat {
        match self.thermostat {
            "langevin" => Thermostat::Langevin {
                temperature: self.temperature,
                friction: self.friction,
            },
            // one coupling strength for both: Berendsen's τ = 1/γ
            "berendsen" => Thermostat::Berendsen {
                temperature: self.temperature,
                tau: 1.0 / self.friction,
            },
            _ => Thermostat::None,
        }
    }
}

/// The MACE model as the integrator's potential, with its buffers.
struct ModelPotential {
    model: Rc<MaceModel>,
    ws: MaceWorkspace,
}

impl Potential for ModelPotential {
    fn energy_forces(&mut self, s: &Structure) -> Result<(f64, Vec<[f64; 3]>), String> {
        let out = self
            .model
            .evaluate(s, &mut self.ws, EvalOptions::default())
            .map_err(|e| e.to_string())?;
        Ok((out.energy, out.forces))
    }
}

/// One point of the plot: time (fs), kinetic, potential and total energy (eV, the last two
/// relative to the first potential energy).
type Sample = [f64; 4];

/// A trajectory with its history.
struct Sim {
    md: VelocityVerlet,
    pot: ModelPotential,
    /// Each atom's starting distance from the centre of mass (Å).
    r0: Vec<f64>,
    /// The first potential energy (eV): the plot's zero.
    e_ref: f64,
    hist: VecDeque<Sample>,
    /// Total energy when the drift measurement (re)started, the largest |ΔE| since, and the steps.
    drift_ref: f64,
    drift_max: f64,
    drift_steps: u64,
    thermostat_seed: u64,
}

fn centre_of_mass(masses: &[f64], x: &[[f64; 3]]) -> [f64; 3] {
    let total: f64 = masses.iter().sum();
    let mut c = [0.0; 3];
    for (m, p) in masses.iter().zip(x) {
        for k in 0..3 {
            c[k] += m * p[k];
        }
    }
    if total > 0.0 {
        c.map(|v| v / total)
    } else {
        c
    }
}

fn dist(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

impl Sim {
    fn new(start: &Structure, model: Rc<MaceModel>, set: &Settings) -> Result<Sim, String> {
        let masses = start
            .species
            .iter()
            .enumerate()
            .map(|(i, sp)| {
                atomic_mass(sp).ok_or_else(|| {
                    format!("atom {i} is '{sp}', which has no atomic mass in the table")
                })
            })
            .collect::<Result<Vec<f64>, String>>()?;
        let mut v = maxwell_boltzmann(
            &masses,
            set.temperature,
            &mut SplitMix64::new(VELOCITY_SEED),
        )
        .map_err(|e| e.to_string())?;
        scale_to_temperature(&masses, &mut v, set.temperature).map_err(|e| e.to_string())?;
        let mut pot = ModelPotential {
            model,
            ws: MaceWorkspace::default(),
        };
        let mut md = VelocityVerlet::new(start.clone(), v, &mut pot).map_err(|e| e.to_string())?;
        md.set_thermostat(set.thermostat(), 7)
            .map_err(|e| e.to_string())?;
        let c = centre_of_mass(&masses, &start.positions);
        let r0 = start.positions.iter().map(|p| dist(*p, c)).collect();
        let e_ref = md.potential_energy();
        let mut sim = Sim {
            drift_ref: md.total_energy(),
            md,
            pot,
            r0,
            e_ref,
            hist: VecDeque::with_capacity(HISTORY + 1),
            drift_max: 0.0,
            drift_steps: 0,
            thermostat_seed: 7,
        };
        sim.record();
        Ok(sim)
    }

    fn record(&mut self) {
        if self.hist.len() >= HISTORY {
            self.hist.pop_front();
        }
        let ke = self.md.kinetic_energy();
        let pe = self.md.potential_energy() - self.e_ref;
        self.hist.push_back([self.md.time_fs(), ke, pe, ke + pe]);
    }

    /// Restarts the drift measurement (after a change of thermostat or time step).
    fn rebase_drift(&mut self) {
        self.drift_ref = self.md.total_energy();
        self.drift_max = 0.0;
        self.drift_steps = 0;
    }

    fn set_thermostat(&mut self, th: Thermostat) -> Result<(), String> {
        if th == self.md.thermostat() {
            return Ok(());
        }
        self.thermostat_seed += 1;
        self.md
            .set_thermostat(th, self.thermostat_seed)
            .map_err(|e| e.to_string())?;
        self.rebase_drift();
        Ok(())
    }

    /// One step, then the blow-up checks.
    fn step(&mut self, dt: f64) -> Result<(), String> {
        self.md.step(&mut self.pot, dt).map_err(|e| e.to_string())?;
        let x = &self.md.structure().positions;
        let c = centre_of_mass(self.md.masses(), x);
        for (i, (p, r0)) in x.iter().zip(&self.r0).enumerate() {
            let r = dist(*p, c);
            if !(r.is_finite() && r - r0 <= BLOW_UP) {
                return Err(format!(
                    "atom {i} is now {r:.1} Å from the centre of mass, {BLOW_UP} Å further than it started: the molecule has come apart (too large a time step or too high a temperature?)"
                ));
            }
        }
        let e = self.md.total_energy();
        if !e.is_finite() {
            return Err("the total energy is no longer finite: the trajectory blew up".into());
        }
        self.drift_steps += 1;
        self.drift_max = self.drift_max.max((e - self.drift_ref).abs());
        self.record();
        Ok(())
    }
}

/// What the readouts show, refreshed once per frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Stats {
    steps: u64,
    time_fs: f64,
    temperature: f64,
    ke: f64,
    pe: f64,
    total: f64,
    drift_max: f64,
    drift_steps: u64,
    /// Steps per second of wall time while playing, over the last second or so.
    rate: Option<f64>,
    /// Integration time per step (ms), averaged.
    step_ms: f64,
    /// Steps in the last frame.
    per_frame: usize,
}

/// Browser-side state.
struct Scene {
    molecules: MoleculeChoices<Structure>,
    model: Option<Rc<MaceModel>>,
    /// The starting structure of the current molecule (centred on its centroid).
    start: Option<Structure>,
    sim: Option<Sim>,
    mol: Molecule,
    elements: Vec<Element>,
    painter: MoleculePainter,
    extent: f64,
    zoom: f64,
    /// Throughput: (wall time, steps) at the start of the current measurement window.
    rate_mark: Option<(f64, u64)>,
    rate: Option<f64>,
    step_ms: f64,
    per_frame: usize,
}

impl Scene {
    /// Makes `name` the molecule (not yet simulated: see [`Scene::restart`]).
    fn load(&mut self, name: &str) -> Result<(), String> {
        let s = self
            .molecules
            .get(name)
            .cloned()
            .ok_or_else(|| format!("molecule '{name}' is not available"))?;
        if s.is_empty() {
            return Err("the molecule has no atoms".into());
        }
        if s.len() > MAX_ATOMS {
            return Err(format!(
                "{} atoms: this widget simulates molecules of at most {MAX_ATOMS} atoms",
                s.len()
            ));
        }
        let mol = Molecule::from_structure(&s);
        self.start = Some(Structure::new(s.species.clone(), mol.positions.clone()));
        self.elements = mol.elements.clone();
        self.extent = mol.extent.max(1.5) + 0.8;
        self.mol = mol;
        self.sim = None;
        self.zoom = 1.0;
        Ok(())
    }

    /// A new trajectory from the starting structure at the current settings.
    fn restart(&mut self, set: &Settings) -> Result<Stats, String> {
        self.sim = None;
        self.rate_mark = None;
        self.rate = None;
        let (Some(start), Some(model)) = (self.start.as_ref(), self.model.clone()) else {
            return Err("the model is not loaded yet".into());
        };
        self.sim = Some(Sim::new(start, model, set)?);
        Ok(self.stats())
    }

    fn stats(&self) -> Stats {
        let Some(sim) = self.sim.as_ref() else {
            return Stats::default();
        };
        let ke = sim.md.kinetic_energy();
        let pe = sim.md.potential_energy() - sim.e_ref;
        Stats {
            steps: sim.md.steps(),
            time_fs: sim.md.time_fs(),
            temperature: sim.md.temperature(),
            ke,
            pe,
            total: ke + pe,
            drift_max: sim.drift_max,
            drift_steps: sim.drift_steps,
            rate: self.rate,
            step_ms: self.step_ms,
            per_frame: self.per_frame,
        }
    }

    /// One animation frame of dynamics: steps until the budget is spent (at least one).
    fn advance(&mut self, dt: f64) -> Result<Stats, String> {
        let Some(sim) = self.sim.as_mut() else {
            return Err("nothing to simulate".into());
        };
        let t0 = now_ms();
        let mut n = 0usize;
        let mut failure = None;
        loop {
            if let Err(e) = sim.step(dt) {
                failure = Some(e);
                break;
            }
            n += 1;
            let spent = now_ms() - t0;
            // stop before a step that would overrun the budget
            if spent + spent / n as f64 > BUDGET_MS || n >= MAX_STEPS_PER_FRAME {
                break;
            }
        }
        let t1 = now_ms();
        if n > 0 {
            let per = (t1 - t0) / n as f64;
            self.step_ms = if self.step_ms > 0.0 {
                0.8 * self.step_ms + 0.2 * per
            } else {
                per
            };
        }
        self.per_frame = n;
        let steps = sim.md.steps();
        match self.rate_mark {
            None => self.rate_mark = Some((t0, steps - n as u64)),
            Some((tm, sm)) if t1 - tm >= 1000.0 => {
                self.rate = Some((steps - sm) as f64 * 1000.0 / (t1 - tm));
                self.rate_mark = Some((t1, steps));
            }
            _ => {}
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(self.stats()),
        }
    }
}

/// The animation loop: one `requestAnimationFrame` callback per frame while playing and visible.
#[derive(Clone, Copy)]
struct Runner {
    scene: StoredValue<Scene, LocalStorage>,
    settings: RwSignal<Settings>,
    playing: RwSignal<bool>,
    visible: RwSignal<bool>,
    running: StoredValue<bool>,
    stats: RwSignal<Stats>,
    error: RwSignal<Option<String>>,
    painters: [StoredValue<Painter, LocalStorage>; 2],
}

impl Runner {
    fn start(self) {
        if self.running.try_get_value().unwrap_or(true) {
            return;
        }
        self.running.set_value(true);
        request_animation_frame(move || self.frame());
    }

    fn frame(self) {
        let go = self.playing.try_get_untracked().unwrap_or(false)
            && self.visible.try_get_untracked().unwrap_or(false);
        if !go {
            self.running.try_update_value(|r| *r = false);
            return;
        }
        let Some(set) = self.settings.try_get_untracked() else {
            return;
        };
        match self.scene.try_update_value(|sc| sc.advance(set.dt)) {
            None => return, // the widget is gone
            Some(Ok(s)) => self.stats.set(s),
            Some(Err(e)) => {
                if let Some(s) = self.scene.try_with_value(Scene::stats) {
                    self.stats.set(s);
                }
                self.error.set(Some(e));
                self.playing.set(false);
            }
        }
        for p in self.painters {
            p.try_with_value(Painter::request);
        }
        request_animation_frame(move || self.frame());
    }
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let mol0 = p.choice("molecule", "ethanol", &MOLECULES);
    let settings0 = Settings {
        temperature: p.float("temperature", 300.0, 0.0, 2000.0),
        dt: p.float("dt", 0.5, 0.1, 2.0),
        thermostat: p.choice("thermostat", "langevin", &THERMOSTATS),
        friction: p.float("friction", 0.01, 0.001, 1.0),
    };
    let play0 = p.flag("play", false) && !prefers_reduced_motion();
    let dpr = p.dpr();
    let pass = p.passthrough();

    let molecules = MoleculeChoices::new(&MOLECULES, |s| s);
    let mut scene0 = Scene {
        molecules,
        model: None,
        start: None,
        sim: None,
        mol: Molecule::from_structure(&Structure::new(Vec::new(), Vec::new())),
        elements: Vec::new(),
        painter: MoleculePainter::default(),
        extent: 1.0,
        zoom: 1.0,
        rate_mark: None,
        rate: None,
        step_ms: 0.0,
        per_frame: 0,
    };
    if let Err(e) = scene0.load(mol0) {
        p.notice(format!("{e}; showing ethanol"));
        let _ = scene0.load("ethanol");
    }
    let notices = p.notices();

    let model = RwSignal::new_local(None::<Rc<MaceModel>>);
    let model_error = RwSignal::new(None::<String>);
    load_shipped_model(model, model_error);

    let molecule = RwSignal::new(mol0);
    let settings = RwSignal::new(settings0);
    let playing = RwSignal::new(play0);
    let visible = RwSignal::new(false);
    let ready = RwSignal::new(false); // a trajectory exists
    let stats = RwSignal::new(Stats::default());
    let error = RwSignal::new(None::<String>);
    let change_error = RwSignal::new(None::<String>);
    let upload_name = RwSignal::new(None::<String>);
    let rot = RwSignal::new(IDENTITY);

    let state = Signal::derive(move || {
        let s = settings.get();
        let mol = match molecule.get() {
            UPLOAD => String::new(),
            name => format!("molecule={name}&"),
        };
        format!(
            "{mol}temperature={}&dt={}&thermostat={}&friction={}{pass}",
            fmt_f64(s.temperature),
            fmt_f64(s.dt),
            s.thermostat,
            fmt_f64(s.friction)
        )
    });
    let save = move || write_url(embedded, &state.get_untracked());

    let scene = StoredValue::new_local(scene0);
    let view_m = default_view();
    let canvas3d = NodeRef::<html::Canvas>::new();
    let plot = NodeRef::<html::Canvas>::new();
    let painter3d = StoredValue::new_local(Painter::new(canvas3d, dpr, move |f| {
        let r = rot.get_untracked();
        scene.try_update_value(|sc| draw_molecule(f, sc, &view_m, &r));
    }));
    let painter_plot = StoredValue::new_local(Painter::new(plot, dpr, move |f| {
        scene.try_with_value(|sc| draw_energies(f, sc.sim.as_ref()));
    }));
    let redraw = move || {
        painter3d.try_with_value(Painter::request);
        painter_plot.try_with_value(Painter::request);
    };
    let runner = Runner {
        scene,
        settings,
        playing,
        visible,
        running: StoredValue::new(false),
        stats,
        error,
        painters: [painter3d, painter_plot],
    };

    let restart = move || {
        let set = settings.get_untracked();
        match scene.try_update_value(|sc| sc.restart(&set)) {
            Some(Ok(s)) => {
                stats.set(s);
                error.set(None);
                ready.set(true);
            }
            Some(Err(e)) => {
                stats.set(Stats::default());
                error.set(Some(e));
                ready.set(false);
                playing.set(false);
            }
            None => {}
        }
        redraw();
    };

    // The model arrived (or the reader loaded another): a fresh trajectory.
    Effect::new(move |_| {
        if let Some(m) = model.get() {
            scene.try_update_value(|sc| sc.model = Some(m));
            restart();
        }
    });
    // Play while playing, visible and ready.
    Effect::new(move |_| {
        if playing.get() && visible.get() && ready.get() {
            runner.start();
        }
    });
    Effect::new(move |_| {
        rot.track();
        painter3d.try_with_value(Painter::request);
    });

    // Settings that apply to the running trajectory.
    let apply_thermostat = move || {
        let th = settings.get_untracked().thermostat();
        if let Some(Err(e)) = scene
            .try_update_value(|sc| sc.sim.as_mut().map_or(Ok(()), |sim| sim.set_thermostat(th)))
        {
            change_error.set(Some(e));
        }
    };
    let set_temperature = move |t: f64| {
        settings.update(|s| s.temperature = t.clamp(0.0, 2000.0));
        apply_thermostat();
    };
    let set_dt = move |dt: f64| {
        let dt = dt.clamp(0.1, 2.0);
        if dt != settings.get_untracked().dt {
            settings.update(|s| s.dt = dt);
            scene.try_update_value(|sc| {
                if let Some(sim) = sc.sim.as_mut() {
                    sim.rebase_drift();
                }
            });
        }
    };

    let change = move |name: &'static str| -> bool {
        match scene.try_update_value(|sc| sc.load(name)) {
            Some(Ok(())) => {
                change_error.set(None);
                molecule.set(name);
                rot.set(IDENTITY);
                restart();
                true
            }
            Some(Err(e)) => {
                change_error.set(Some(e));
                false
            }
            None => false,
        }
    };
    let on_upload = Callback::new(move |st: Structure| {
        let label = upload_label(&st);
        let previous = scene
            .try_update_value(|s| s.molecules.replace_upload(Some(st)))
            .flatten();
        if change(UPLOAD) {
            upload_name.set(Some(label));
            save();
            true
        } else {
            scene.try_update_value(|s| s.molecules.replace_upload(previous));
            false
        }
    });
    let on_model = Callback::new(move |m: Rc<MaceModel>| model.set(Some(m)));
    // after a blow-up the trajectory is stuck where it failed: Reset first
    let can_play = move || ready.get() && error.with(Option::is_none);
    let toggle = move || {
        if playing.get_untracked() {
            playing.set(false);
        } else if ready.get_untracked() && error.with_untracked(Option::is_none) {
            playing.set(true);
        }
    };

    // Pause off screen: an observer on the widget's 3D view.
    track_visibility(canvas3d, visible);

    let drag = StoredValue::new_local(DragTracker::default());
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == " " {
            ev.prevent_default();
            toggle();
        } else if let Some(dr) = orbit::key(&ev, &view_m) {
            rot.set(compose(&dr, &rot.get_untracked()));
        }
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        if let Some(z) = orbit::wheel_zoom(&ev) {
            scene.try_update_value(|s| s.zoom = (s.zoom * z).clamp(0.4, 4.0));
            painter3d.try_with_value(Painter::request);
        }
    };

    let thermostat_note = move || {
        let s = settings.get();
        match s.thermostat {
            "langevin" => format!(
                "Langevin (BAOAB), friction γ = {} /fs: samples the canonical ensemble at {} K.",
                fmt_f64(s.friction),
                fmt_f64(s.temperature)
            ),
            "berendsen" => format!(
                "Berendsen, τ = 1/γ = {} fs: relaxes the temperature towards {} K (not a canonical ensemble).",
                fmt_f64(1.0 / s.friction),
                fmt_f64(s.temperature)
            ),
            _ => "None (NVE): the total energy is conserved; the temperature only sets the starting velocities (press Reset).".to_string(),
        }
    };

    view! {
        <WidgetFrame name="mace-md" title="Molecular dynamics with MACE" notices=notices state=state>
            <p class="convention">"Velocity Verlet with the book's MACE model, in your browser. Energies in eV relative to the first potential energy; time in fs; the temperature is kinetic, over 3N − 3 degrees of freedom."</p>
            {move || {
                if let Some(e) = model_error.get() {
                    Some(view! { <p class="widget-error" role="alert" data-testid="model-load-error">{e}</p> }.into_any())
                } else if model.with(Option::is_none) {
                    Some(view! { <p class="widget-hint mace-loading" data-testid="model-loading" role="status">"loading model…"</p> }.into_any())
                } else {
                    None
                }
            }}
            {move || change_error.get().map(|e| view! { <p class="widget-notice" role="status">{e}</p> })}
            {move || error.get().map(|e| view! {
                <div class="widget-error md-error" role="alert" data-testid="md-error">
                    <span>{e}" The simulation is paused. "</span>
                    <button type="button" class="chip" on:click=move |_| restart()>"Reset"</button>
                </div>
            })}
            <div class="widget-row">
                <div class="widget-canvas-wrap">
                    <canvas role="img" node_ref=canvas3d class="view3d" tabindex="0"
                        aria-label="The molecule in motion: drag to rotate the view; when focused, space plays or pauses, arrow keys rotate, Escape leaves"
                        on:pointerdown=move |ev| { drag.try_update_value(|d| d.down(&ev)); }
                        on:pointermove=move |ev| {
                            if let Some(dr) = drag.try_update_value(|d| d.moved(&ev, &view_m)).flatten() {
                                rot.set(compose(&dr, &rot.get_untracked()));
                            }
                        }
                        on:pointerup=move |ev| { drag.try_update_value(|d| d.up(&ev)); }
                        on:pointercancel=move |ev| { drag.try_update_value(|d| d.up(&ev)); }
                        on:keydown=on_key on:wheel=on_wheel></canvas>
                    <p class="widget-hint">"Drag to rotate the view · once focused: space plays or pauses, arrow keys rotate"</p>
                </div>
                <div class="widget-readout md-side">
                    <canvas node_ref=plot class="plot md-plot" role="img"
                        aria-label="Kinetic, potential and total energy over the last 2000 steps"></canvas>
                    <div class="legend">
                        <span><span class="swatch md-ke"></span>"kinetic"</span>
                        <span><span class="swatch md-pe"></span>"potential"</span>
                        <span><span class="swatch md-total"></span>"total"</span>
                    </div>
                    <p class="readout" data-testid="md-state"
                        data-steps=move || stats.get().steps.to_string()
                        data-time=move || format!("{}", stats.get().time_fs)
                        data-temperature=move || format!("{:e}", stats.get().temperature)
                        data-etot=move || format!("{:e}", stats.get().total)
                        data-drift=move || format!("{:e}", stats.get().drift_max)
                        data-drift-steps=move || stats.get().drift_steps.to_string()>
                        {move || {
                            let s = stats.get();
                            format!("t = {:.1} fs ({} steps) · T = {:.0} K · E_kin = {:.3} eV · E_pot = {:+.3} eV · E_total = {:+.4} eV", s.time_fs, s.steps, s.temperature, s.ke, s.pe, s.total)
                        }}
                    </p>
                    <p class="readout" data-testid="md-drift">
                        {move || {
                            let s = stats.get();
                            if settings.get().thermostat == "none" {
                                format!("total energy: largest change {:.2} meV over the last {} steps (same time step, no thermostat)", s.drift_max * 1e3, s.drift_steps)
                            } else {
                                "total energy: not conserved with a thermostat (it exchanges energy with a heat bath)".to_string()
                            }
                        }}
                    </p>
                    <p class="readout small" data-testid="md-rate"
                        data-value=move || stats.get().rate.map(|r| format!("{r:.1}")).unwrap_or_default()
                        data-step-ms=move || format!("{:.3}", stats.get().step_ms)>
                        {move || {
                            let s = stats.get();
                            match s.rate {
                                Some(r) if playing.get() => format!("{r:.0} MD steps per second ({:.2} ms per step, {} steps in the last frame)", s.step_ms, s.per_frame),
                                _ if playing.get() => "measuring speed…".to_string(),
                                Some(r) => format!("paused (last measured: {r:.0} MD steps per second, {:.2} ms per step)", s.step_ms),
                                None => "paused".to_string(),
                            }
                        }}
                    </p>
                </div>
            </div>
            <div class="widget-controls">
                <div class="chips md-buttons">
                    <button type="button" class="chip md-play" data-testid="md-play"
                        aria-pressed=move || if playing.get() { "true" } else { "false" }
                        prop:disabled=move || !can_play()
                        on:click=move |_| toggle()>
                        {move || if playing.get() { "Pause" } else { "Play" }}
                    </button>
                    <button type="button" class="chip" data-testid="md-reset" on:click=move |_| restart()>"Reset"</button>
                </div>
                <fieldset class="ctl-group md-dynamics">
                    <legend>"dynamics"</legend>
                    <RangeSlider label="temperature" min=0.0 max=2000.0 step=10.0
                        format=|v| format!("{v:.0} K")
                        value=Signal::derive(move || settings.get().temperature)
                        on_input=set_temperature
                        on_change=move |_| save() />
                    <RangeSlider label="time step" min=0.1 max=2.0 step=0.1
                        format=|v| format!("{v:.1} fs")
                        value=Signal::derive(move || settings.get().dt)
                        on_input=set_dt
                        on_change=move |_| save() />
                    <label class="ctl">
                        <span class="ctl-name">"thermostat"</span>
                        <select data-testid="md-thermostat" prop:value=move || settings.get().thermostat on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(t) = THERMOSTATS.iter().find(|t| **t == v) {
                                settings.update(|s| s.thermostat = t);
                                apply_thermostat();
                                save();
                            }
                        }>
                            <option value="langevin">"Langevin"</option>
                            <option value="berendsen">"Berendsen"</option>
                            <option value="none">"none (NVE)"</option>
                        </select>
                        <span></span>
                    </label>
                    <p class="widget-hint">{thermostat_note}</p>
                </fieldset>
                <fieldset class="ctl-group">
                    <legend>"molecule"</legend>
                    <label class="ctl">
                        <span class="ctl-name">"molecule"</span>
                        {molecule_select(molecule, &MOLECULES, Some(upload_name), "", move |n| {
                        if change(n) {
                            save();
                        }
                    })}
                        <span></span>
                    </label>
                    {upload_control_checked(on_upload)}
                    {model_upload_control(on_model)}
                </fieldset>
            </div>
        </WidgetFrame>
    }
    .into_any()
}

/// The molecule at the current time step, bonds by distance (so a bond that breaks shows it).
fn draw_molecule(f: &Frame, sc: &mut Scene, view_m: &Mat3, r: &Mat3) {
    let positions: &[[f64; 3]] = match (sc.sim.as_ref(), sc.start.as_ref()) {
        (Some(sim), _) => &sim.md.structure().positions,
        (None, Some(s)) => &s.positions,
        _ => return,
    };
    if positions.len() != sc.elements.len() || sc.mol.positions.len() != positions.len() {
        return;
    }
    for (p, x) in sc.mol.positions.iter_mut().zip(positions) {
        *p = apply(r, *x);
    }
    sc.mol.bonds.clear();
    for i in 0..positions.len() {
        for j in 0..i {
            let limit = sc.elements[i].covalent + sc.elements[j].covalent + 0.35;
            if dist(positions[i], positions[j]) < limit {
                sc.mol.bonds.push((j, i));
            }
        }
    }
    let mut cam = Camera::fit(f.width, f.height, sc.extent, *view_m);
    cam.scale *= sc.zoom;
    sc.painter.draw(f.ctx, &cam, &sc.mol, &IDENTITY);
}

/// Kinetic, potential and total energy against time over the kept history
/// (`multiace_figures::draw_energy_trace`), with a hint before the first step.
fn draw_energies(f: &Frame, sim: Option<&Sim>) {
    let Some(backend) = CanvasBackend::with_canvas_object(f.canvas.clone()) else {
        return;
    };
    let area = backend.into_drawing_area();
    let style = f.fig_style();
    let hist = match sim {
        Some(s) if !s.hist.is_empty() => &s.hist,
        _ => {
            let label = ("sans-serif", style.font(11.0))
                .into_font()
                .color(&style.text);
            let _ = area.draw(&Text::new(
                "loading the model…",
                (style.px(12.0), style.px(20.0)),
                label,
            ));
            return;
        }
    };
    if let Err(e) = draw_energy_trace(&area, hist.as_slices(), false, &style) {
        leptos::logging::warn!("mace-md: {e}");
    }
    if hist.len() < 2 {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        let hint = ("sans-serif", style.font(13.0))
            .into_font()
            .color(&style.muted)
            .pos(Pos::new(HPos::Center, VPos::Center));
        let (w, h) = area.dim_in_pixel();
        let _ = area.draw(&Text::new(
            "press Play to start",
            (w as i32 / 2, h as i32 / 2 - style.px(16.0)),
            hint,
        ));
    }
}
