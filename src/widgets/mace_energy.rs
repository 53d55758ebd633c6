//! `mace-energy`: the book's MACE model evaluated live on a molecule. Force arrows on every atom,
//! atoms coloured by their site energy, the total energy and the largest force; the reader drags
//! atoms (or moves the selected one with keys) and every change is re-evaluated in the same frame.
//! Dragging empty space rotates the molecule, and every rotated pose is evaluated afresh, so the
//! widget prints how far the model is from invariance (energy) and equivariance (forces):
//! |E(Rx) − E(x)| and max |F(Rx) − R F(x)|, rounding error (~1e-13).
//!
//! The numbers are the core's (`multiace_core::mace::MaceModel::evaluate`, energy + analytic
//! forces); the model is the shipped one (`mace_model::load_shipped_model`) or one the reader loads.
//! A frame evaluates at most twice: the molecule x as the reader shaped it (only after an atom moved)
//! and the rotated molecule R x that is drawn (skipped while R is the identity). The evaluation runs
//! inside the canvas's draw callback, so however many pointer events arrive, a frame evaluates once.

use std::rc::Rc;

use crate::number::quantity;
use leptos::html;
use leptos::prelude::*;
use multiace_core::mace::{EvalOptions, MaceModel, MaceWorkspace};
use multiace_core::so3::{apply, random_rotation, transpose, Mat3, SplitMix64, IDENTITY};
use multiace_core::structure::{atomic_number, Structure};
use wasm_bindgen::JsCast;

use super::arrows;
use super::bars;
use super::canvas::{Frame, Painter};
use super::controls::{molecule_select, RangeSlider, UPLOAD};
use super::frame::{write_url, DevNotes, WidgetFrame};
use super::mace_model::{load_shipped_model, model_upload_control};
use super::math_label::prose;
use super::molecules::MoleculeChoices;
use super::orbit::{self, DragTracker};
use super::params::{fmt_f64, Params};
use super::upload::{upload_control_checked, upload_label};
use super::view3d::camera::{compose, default_view, draw_axes, Camera};
use super::view3d::molecule::{AtomStyle, Element, Molecule, MoleculePainter};

const MOLECULES: [&str; 5] = ["water", "methane", "ethanol", "benzene", "aspirin"];
/// Largest molecule evaluated at every frame (aspirin, 21 atoms, takes ~2 ms natively).
const MAX_ATOMS: usize = 300;
/// How far an atom may be pulled from its starting position (Å): the camera leaves room for it.
const MAX_MOVE: f64 = 3.0;
/// One key press or button press moves the selected atom this far (Å).
const KEY_STEP: f64 = 0.05;
/// Drawn force arrows are cut at this length (Å) so a squeezed bond does not cover the view.
const MAX_ARROW: f64 = 2.5;
/// Arrow length per force (Å per eV/Å), and its range.
const DEFAULT_SCALE: f64 = 1.0;
const SCALE_RANGE: (f64, f64) = (0.05, 5.0);
/// Pass mark of the rotation check, relative to the size of the numbers compared (|E| and the largest
/// |F|, each at least 1): double-precision rounding gives ~1e-14; a squeezed molecule with forces of
/// hundreds of eV/Å must not fail on rounding alone.
const PASS: f64 = 1e-11;
/// Force arrows: the Dark2 green of the book's vector arrows (distinct from the blue/orange map).
const FORCE_COLOR: &str = "#1b9e77";

/// The book's diverging map (`multiace_figures::colormap`, orange < 0 < blue) at 17 levels
/// t = −1, −7/8, …, 1, each as the three shades of a drawn sphere: base, highlight, rim.
const ENERGY_SHADES: [[&str; 3]; 17] = [
    ["#e66101", "#f4b88d", "#7f3501"],
    ["#ec771a", "#f6c298", "#82410e"],
    ["#f28c32", "#f9cba3", "#854d1c"],
    ["#f7a24a", "#fbd5ae", "#885929"],
    ["#fdb863", "#fedfb9", "#8b6536"],
    ["#fcc888", "#fee6c9", "#8b6e4b"],
    ["#fad8ad", "#fdedda", "#8a775f"],
    ["#f8e7d2", "#fcf4eb", "#887f74"],
    ["#f7f7f7", "#fbfbfb", "#888888"],
    ["#deeaf1", "#f0f6f9", "#7a8185"],
    ["#c4deea", "#e4f0f6", "#6c7a81"],
    ["#abd2e4", "#d9ebf3", "#5e747d"],
    ["#92c5de", "#cee5f0", "#506c7a"],
    ["#76add2", "#c1daeb", "#415f74"],
    ["#5a96c5", "#b5d0e5", "#32526c"],
    ["#3d7eb8", "#a8c5df", "#224565"],
    ["#2166ac", "#9bbada", "#12385f"],
];

/// The shade of a site energy `e` on a map spanning ±`scale`.
fn shade(e: f64, scale: f64) -> [&'static str; 3] {
    let t = if scale > 0.0 && e.is_finite() {
        (e / scale).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let k = ((t + 1.0) * 8.0).round().clamp(0.0, 16.0) as usize;
    ENERGY_SHADES[k]
}

/// The smallest of 1, 2, 5 × 10^k that is ≥ `v` (the colour map's range), at least 0.01.
fn nice_ceil(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.01) {
        return 0.01;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|c| *c >= v * (1.0 - 1e-12))
        .unwrap_or(10.0 * p)
}

/// `x` rounded to three decimals, without a minus sign on a rounded zero ("-0.000").
fn tidy(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0 + 0.0
}

fn norm(v: [f64; 3]) -> f64 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

/// One evaluation: total energy, site energies minus E0 of their element, forces.
#[derive(Clone, Debug, Default)]
struct Eval {
    energy: f64,
    site: Vec<f64>,
    forces: Vec<[f64; 3]>,
    edges: usize,
}

/// What the readouts show after a frame's evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Readout {
    energy: f64,
    /// E − Σ E0: the part of the energy the network predicts.
    interaction: f64,
    fmax: f64,
    edges: usize,
    atoms: usize,
    /// |E(Rx) − E(x)| and max |F(Rx) − R F(x)|, when R is not the identity.
    check: Option<(f64, f64)>,
    /// Wall time of the frame's evaluations (ms) and how many there were.
    eval_ms: f64,
    evals: usize,
    /// The colour map spans ±this (eV).
    colour_scale: f64,
}

/// The molecules, the model and everything a frame needs, reused from frame to frame.
struct Scene {
    molecules: MoleculeChoices<Structure>,
    model: Option<Rc<MaceModel>>,
    ws: MaceWorkspace,
    /// E0 of each atom's element (0 where the model does not know the element).
    e0: Vec<f64>,
    /// Starting positions (centred on the centroid) and the reader's current ones (Å).
    x0: Vec<[f64; 3]>,
    x: Vec<[f64; 3]>,
    /// The structure handed to the model (positions overwritten per evaluation).
    s: Structure,
    /// Bumped whenever `x` changes.
    version: u64,
    /// What `base` (at x) and `rotated` (at R x) were computed for.
    base_for: Option<u64>,
    shown_for: Option<(u64, Mat3)>,
    base: Option<Eval>,
    rotated: Option<Eval>,
    last_error: Option<String>,
    colour_scale: f64,
    colour_pending: bool,
    /// The drawing: positions overwritten with R x, bonds redrawn after a move.
    mol: Molecule,
    elements: Vec<Element>,
    labels: Vec<String>,
    bonds_for: Option<u64>,
    painter: MoleculePainter,
    extent: f64,
    zoom: f64,
    /// CSS pixels per Å in the last drawing (turns pointer motion into atom motion).
    px_per_angstrom: f64,
    /// The selected atom's position on the canvas in CSS pixels (the browser tests read it).
    sel_xy: (f64, f64),
}

impl Scene {
    fn new(molecules: MoleculeChoices<Structure>) -> Scene {
        Scene {
            molecules,
            model: None,
            ws: MaceWorkspace::default(),
            e0: Vec::new(),
            x0: Vec::new(),
            x: Vec::new(),
            s: Structure::new(Vec::new(), Vec::new()),
            version: 0,
            base_for: None,
            shown_for: None,
            base: None,
            rotated: None,
            last_error: None,
            colour_scale: 0.5,
            colour_pending: true,
            mol: Molecule::from_structure(&Structure::new(Vec::new(), Vec::new())),
            elements: Vec::new(),
            labels: Vec::new(),
            bonds_for: None,
            painter: MoleculePainter::default(),
            extent: 1.0,
            zoom: 1.0,
            px_per_angstrom: 50.0,
            sel_xy: (0.0, 0.0),
        }
    }

    /// Shows molecule `name` in its starting geometry; on error the current one stays.
    fn load(&mut self, name: &str) -> Result<usize, String> {
        let s = self
            .molecules
            .get(name)
            .cloned()
            .ok_or_else(|| format!("molecule '{name}' is not available"))?;
        let n = s.len();
        if n == 0 {
            return Err("the molecule has no atoms".into());
        }
        if n > MAX_ATOMS {
            return Err(format!(
                "{n} atoms: this widget evaluates the model at every frame and takes molecules of at most {MAX_ATOMS} atoms"
            ));
        }
        let mol = Molecule::from_structure(&s);
        self.s = Structure::new(s.species.clone(), mol.positions.clone());
        self.labels = s
            .species
            .iter()
            .enumerate()
            .map(|(i, sym)| format!("{sym}{i}"))
            .collect();
        self.x0 = mol.positions.clone();
        self.x = mol.positions.clone();
        self.elements = mol.elements.clone();
        self.extent = mol.extent.max(1.5) + 0.4;
        self.mol = mol;
        self.zoom = 1.0;
        self.colour_pending = true;
        self.refresh_e0();
        self.touch();
        Ok(n)
    }

    fn set_model(&mut self, m: Rc<MaceModel>) {
        self.model = Some(m);
        self.ws = MaceWorkspace::default();
        self.colour_pending = true;
        self.refresh_e0();
        self.base_for = None;
        self.shown_for = None;
    }

    /// E0 of every atom's element from the model's summary.
    fn refresh_e0(&mut self) {
        let Some(m) = self.model.as_ref() else {
            return;
        };
        let e0 = m.summary().e0;
        let zs = m.atomic_numbers();
        self.e0 = self
            .s
            .species
            .iter()
            .map(|sym| {
                atomic_number(sym)
                    .and_then(|z| zs.iter().position(|&a| a == u32::from(z)))
                    .and_then(|k| e0.get(k).copied())
                    .unwrap_or(0.0)
            })
            .collect();
    }

    /// The geometry changed.
    fn touch(&mut self) {
        self.version += 1;
    }

    /// Moves atom `i` by `d` (Å, molecule frame), at most `MAX_MOVE` from its start.
    fn move_atom(&mut self, i: usize, d: [f64; 3]) {
        let (Some(p), Some(p0)) = (self.x.get(i).copied(), self.x0.get(i).copied()) else {
            return;
        };
        let mut off = [0, 1, 2].map(|c| p[c] + d[c] - p0[c]);
        let len = norm(off);
        if len > MAX_MOVE {
            off = off.map(|c| c * MAX_MOVE / len);
        }
        self.x[i] = [0, 1, 2].map(|c| p0[c] + off[c]);
        self.touch();
    }

    fn reset(&mut self) {
        self.x.clone_from(&self.x0);
        self.zoom = 1.0;
        self.touch();
    }

    fn evaluate_at(&mut self, r: &Mat3) -> Result<Eval, String> {
        let Some(model) = self.model.clone() else {
            return Err("the model is not loaded yet".into());
        };
        for (p, x) in self.s.positions.iter_mut().zip(&self.x) {
            *p = apply(r, *x);
        }
        let out = model
            .evaluate(&self.s, &mut self.ws, EvalOptions::default())
            .map_err(|e| e.to_string())?;
        let site = out
            .energies
            .iter()
            .zip(&self.e0)
            .map(|(e, e0)| e - e0)
            .collect();
        Ok(Eval {
            energy: out.energy,
            site,
            forces: out.forces,
            edges: out.edges,
        })
    }

    /// Evaluates what changed since the last frame (the molecule as shaped, then the rotated one).
    /// `None` when nothing changed or there is no model yet.
    fn refresh(&mut self, r: &Mat3) -> Option<Result<Readout, String>> {
        self.model.as_ref()?;
        if self.shown_for == Some((self.version, *r)) {
            return None;
        }
        self.shown_for = Some((self.version, *r));
        let perf = window().performance();
        let t0 = perf.as_ref().map_or(0.0, |p| p.now());
        let mut evals = 0;
        if self.base_for != Some(self.version) {
            evals += 1;
            match self.evaluate_at(&IDENTITY) {
                Ok(e) => {
                    if self.colour_pending {
                        let top = e.site.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                        self.colour_scale = nice_ceil(top);
                        self.colour_pending = false;
                    }
                    self.base = Some(e);
                    self.base_for = Some(self.version);
                }
                Err(e) => return Some(self.fail(e)),
            }
        }
        let rotated = *r != IDENTITY;
        let now = if rotated {
            evals += 1;
            match self.evaluate_at(r) {
                Ok(e) => e,
                Err(e) => return Some(self.fail(e)),
            }
        } else {
            self.base.clone().unwrap_or_default()
        };
        let base = self.base.as_ref()?;
        let check = rotated.then(|| {
            let de = (now.energy - base.energy).abs();
            let df = now
                .forces
                .iter()
                .zip(&base.forces)
                .flat_map(|(f, f0)| {
                    let want = apply(r, *f0);
                    (0..3).map(move |c| (f[c] - want[c]).abs())
                })
                .fold(0.0f64, f64::max);
            (de, df)
        });
        let eval_ms = perf.as_ref().map_or(0.0, |p| p.now()) - t0;
        let out = Readout {
            energy: now.energy,
            interaction: now.energy - self.e0.iter().sum::<f64>(),
            fmax: now.forces.iter().map(|f| norm(*f)).fold(0.0, f64::max),
            edges: now.edges,
            atoms: self.x.len(),
            check,
            eval_ms,
            evals,
            colour_scale: self.colour_scale,
        };
        self.rotated = Some(now);
        self.last_error = None;
        Some(Ok(out))
    }

    fn fail(&mut self, e: String) -> Result<Readout, String> {
        self.base = None;
        self.base_for = None;
        self.rotated = None;
        self.last_error = Some(e.clone());
        Err(e)
    }

    /// Bonds between atoms closer than the sum of their covalent radii + 0.35 Å (as
    /// `Molecule::from_structure` draws them), for the current geometry.
    fn rebond(&mut self) {
        if self.bonds_for == Some(self.version) {
            return;
        }
        self.bonds_for = Some(self.version);
        self.mol.bonds.clear();
        for i in 0..self.x.len() {
            for j in 0..i {
                let d = norm([0, 1, 2].map(|c| self.x[i][c] - self.x[j][c]));
                let limit = self.elements[i].covalent + self.elements[j].covalent + 0.35;
                if d < limit {
                    self.mol.bonds.push((j, i));
                }
            }
        }
    }
}

/// What the drawing shows besides the molecule.
#[derive(Clone, Copy)]
struct Look {
    sel: usize,
    scale: f64,
    labels: bool,
    colour: bool,
}

/// A pointer drag in progress: rotating the view or moving an atom.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Grab {
    None,
    Orbit,
    Atom(usize, f64, f64),
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let mol0 = p.choice("molecule", "ethanol", &MOLECULES);
    let molecules = MoleculeChoices::new(&MOLECULES, |s| s);
    let mut scene0 = Scene::new(molecules);
    let atoms0 = match scene0.load(mol0) {
        Ok(n) => n,
        Err(e) => {
            p.notice(format!("{e}; showing ethanol"));
            scene0.load("ethanol").unwrap_or(1)
        }
    };
    // ethanol: the hydroxyl hydrogen, the atom the chapter asks the reader to pull
    let default_atom = if mol0 == "ethanol" { 3 } else { 0 };
    let atom0 = p.int(
        "atom",
        default_atom.min(atoms0 as i64 - 1),
        0,
        atoms0 as i64 - 1,
    ) as usize;
    let scale0 = p.float("scale", DEFAULT_SCALE, SCALE_RANGE.0, SCALE_RANGE.1);
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();

    let model = RwSignal::new_local(None::<Rc<MaceModel>>);
    let model_error = RwSignal::new(None::<String>);
    load_shipped_model(model, model_error);

    let molecule = RwSignal::new(mol0);
    let sel = RwSignal::new(atom0);
    let scale = RwSignal::new(scale0);
    let rot = RwSignal::new(IDENTITY);
    let version = RwSignal::new(0u64); // bumped with every geometry or molecule change
    let labels_on = RwSignal::new(true);
    let colour_on = RwSignal::new(true);
    let readout = RwSignal::new(None::<Readout>);
    let eval_error = RwSignal::new(None::<String>);
    let change_error = RwSignal::new(None::<String>);
    let upload_name = RwSignal::new(None::<String>);
    let atom_count = RwSignal::new(atoms0);
    let molecules_loaded = RwSignal::new(0u32); // bumped when another molecule is shown

    let state = Signal::derive(move || {
        let mol = match molecule.get() {
            UPLOAD => String::new(),
            name => format!("molecule={name}&atom={}&", sel.get()),
        };
        format!("{mol}scale={}{pass}", fmt_f64(scale.get()))
    });
    let save = move || write_url(embedded, &state.get_untracked());

    let scene = StoredValue::new_local(scene0);
    let view_m = default_view();
    let canvas = NodeRef::<html::Canvas>::new();

    // One frame: evaluate what changed, then draw (so a frame evaluates at most twice).
    let painter = StoredValue::new_local(Painter::new(canvas, dpr, move |f| {
        let r = rot.get_untracked();
        let look = Look {
            sel: sel.get_untracked(),
            scale: scale.get_untracked(),
            labels: labels_on.get_untracked(),
            colour: colour_on.get_untracked(),
        };
        let res = scene.try_update_value(|sc| sc.refresh(&r)).flatten();
        match res {
            Some(Ok(o)) => {
                readout.set(Some(o));
                eval_error.set(None);
            }
            Some(Err(e)) => {
                readout.set(None);
                eval_error.set(Some(e));
            }
            None => {}
        }
        scene.try_update_value(|sc| draw_scene(f, sc, &view_m, &r, look));
        if let Some((x, y)) = scene.try_with_value(|sc| sc.sel_xy) {
            let _ = f.canvas.set_attribute("data-sel-x", &format!("{x:.1}"));
            let _ = f.canvas.set_attribute("data-sel-y", &format!("{y:.1}"));
        }
    }));
    let redraw = move || {
        painter.try_with_value(Painter::request);
    };
    Effect::new(move |_| {
        rot.track();
        sel.track();
        scale.track();
        labels_on.track();
        colour_on.track();
        version.track();
        redraw();
    });
    Effect::new(move |_| {
        if let Some(m) = model.get() {
            scene.try_update_value(|sc| sc.set_model(m));
            version.update(|v| *v += 1);
        }
    });

    let bump = move || version.update(|v| *v += 1);
    let move_selected = move |d_view: [f64; 3]| {
        // a step in view space (right, up, towards the viewer) → world → the molecule's own frame
        let world = apply(&transpose(&view_m), d_view);
        let body = apply(&transpose(&rot.get_untracked()), world);
        let i = sel.get_untracked();
        scene.try_update_value(|sc| sc.move_atom(i, body));
        bump();
    };
    let reset = move || {
        scene.try_update_value(Scene::reset);
        rot.set(IDENTITY);
        bump();
    };
    let seed = move || {
        window()
            .performance()
            .map_or(1, |p| (p.now() * 1000.0) as u64)
            ^ 0x9e37_79b9_7f4a_7c15
    };
    let rotate_random = move || {
        let mut rng = SplitMix64::new(seed());
        rot.set(random_rotation(&mut rng));
    };
    let select = move |i: usize| {
        if i < atom_count.get_untracked() && i != sel.get_untracked() {
            sel.set(i);
            save();
        }
    };

    let change = move |name: &'static str| -> bool {
        let res = scene
            .try_update_value(|sc| sc.load(name))
            .unwrap_or_else(|| Err("the widget is gone".into()));
        match res {
            Ok(n) => {
                change_error.set(None);
                atom_count.set(n);
                molecules_loaded.update(|k| *k += 1);
                let keep = sel.get_untracked();
                sel.set(if name == "ethanol" {
                    3
                } else if keep < n && name == molecule.get_untracked() {
                    keep
                } else {
                    0
                });
                molecule.set(name);
                rot.set(IDENTITY);
                bump();
                true
            }
            Err(e) => {
                change_error.set(Some(e));
                false
            }
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

    // Pointer: a press on an atom grabs it (and selects it); elsewhere it rotates the molecule.
    let drag = StoredValue::new_local(DragTracker::default());
    let grab = StoredValue::new(Grab::None);
    let on_down = move |ev: web_sys::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
        let el = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        let hit = el.as_ref().and_then(|el| {
            let k = el.width() as f64 / (el.client_width() as f64).max(1.0);
            scene
                .try_with_value(|s| s.painter.pick(x * k, y * k))
                .flatten()
        });
        match (hit, el) {
            (Some(i), Some(el)) => {
                crate::util::focus_no_scroll(&el);
                let _ = el.set_pointer_capture(ev.pointer_id());
                ev.prevent_default();
                grab.set_value(Grab::Atom(i, x, y));
                if i != sel.get_untracked() {
                    sel.set(i);
                }
            }
            _ => {
                drag.try_update_value(|d| d.down(&ev));
                grab.set_value(Grab::Orbit);
            }
        }
    };
    let on_move = move |ev: web_sys::PointerEvent| match grab.get_value() {
        Grab::None => {}
        Grab::Orbit => {
            if let Some(dr) = drag.try_update_value(|d| d.moved(&ev, &view_m)).flatten() {
                rot.set(compose(&dr, &rot.get_untracked()));
            }
        }
        Grab::Atom(i, x0, y0) => {
            let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
            if (x, y) == (x0, y0) {
                return;
            }
            grab.set_value(Grab::Atom(i, x, y));
            let k = scene
                .try_with_value(|s| s.px_per_angstrom)
                .unwrap_or(50.0)
                .max(1e-3);
            if i == sel.get_untracked() {
                move_selected([(x - x0) / k, -(y - y0) / k, 0.0]);
            }
        }
    };
    let on_up = move |ev: web_sys::PointerEvent| {
        let g = grab.get_value();
        grab.set_value(Grab::None);
        drag.try_update_value(|d| d.up(&ev));
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        {
            if el.has_pointer_capture(ev.pointer_id()) {
                let _ = el.release_pointer_capture(ev.pointer_id());
            }
        }
        if matches!(g, Grab::Atom(..)) {
            save();
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        let n = atom_count.get_untracked();
        let s = sel.get_untracked();
        if key == "Tab" {
            // cycle through the atoms; past the last (or first) one, Tab leaves the canvas
            if ev.shift_key() && s > 0 {
                ev.prevent_default();
                select(s - 1);
            } else if !ev.shift_key() && s + 1 < n {
                ev.prevent_default();
                select(s + 1);
            }
            return;
        }
        if let Some(d) = key.chars().next().and_then(|c| c.to_digit(10)) {
            if key.len() == 1 && (d as usize) < n {
                ev.prevent_default();
                select(d as usize);
            }
            return;
        }
        let lower = key.to_ascii_lowercase();
        let shifted_arrow = |k: &str| ev.shift_key() && key == k;
        let step = if lower == "a" || shifted_arrow("ArrowLeft") {
            Some([-KEY_STEP, 0.0, 0.0])
        } else if lower == "d" || shifted_arrow("ArrowRight") {
            Some([KEY_STEP, 0.0, 0.0])
        } else if lower == "w" || shifted_arrow("ArrowUp") {
            Some([0.0, KEY_STEP, 0.0])
        } else if lower == "s" || shifted_arrow("ArrowDown") {
            Some([0.0, -KEY_STEP, 0.0])
        } else if lower == "q" {
            Some([0.0, 0.0, KEY_STEP])
        } else if lower == "e" {
            Some([0.0, 0.0, -KEY_STEP])
        } else {
            None
        };
        if let Some(d) = step {
            ev.prevent_default();
            move_selected(d);
            return;
        }
        match lower.as_str() {
            "r" => {
                ev.prevent_default();
                rotate_random();
            }
            "home" => {
                ev.prevent_default();
                reset();
            }
            _ => {
                if let Some(dr) = orbit::key(&ev, &view_m) {
                    rot.set(compose(&dr, &rot.get_untracked()));
                }
            }
        }
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        if let Some(z) = orbit::wheel_zoom(&ev) {
            scene.try_update_value(|s| s.zoom = (s.zoom * z).clamp(0.4, 4.0));
            redraw();
        }
    };

    let atom_options = move || {
        molecules_loaded.track();
        let n = atom_count.get();
        let species = scene
            .try_with_value(|s| s.s.species.clone())
            .unwrap_or_default();
        (0..n)
            .map(|k| {
                let sym = species.get(k).cloned().unwrap_or_default();
                view! { <option value=k.to_string() prop:selected=move || sel.get() == k>{format!("{k} · {sym}")}</option> }
            })
            .collect_view()
    };
    let selected_info = move || {
        readout.track();
        let i = sel.get();
        scene
            .try_with_value(|s| {
                let e = s.rotated.as_ref()?;
                let f = *e.forces.get(i)?;
                let site = *e.site.get(i)?;
                let sym = s.s.species.get(i)?.clone();
                Some((i, sym, f, site))
            })
            .flatten()
    };

    view! {
        <WidgetFrame name="mace-energy" title="MACE energy and forces, live" notices=notices state=state>
            <p class="convention" inner_html=prose("The book's MACE model (trained on GFN2-xTB ethanol; elements H, C, O) evaluated in the page at every change. Arrows: forces $F = −∂E/∂r$. Colours: site energies $E_i − E_0(z_i)$, the model's share of the energy per atom.")></p>
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
            <div class="widget-row">
                <div class="widget-canvas-wrap wide">
                    <canvas role="img" node_ref=canvas class="view3d mace-energy-view" tabindex="0"
                        aria-label=move || format!("{}: the molecule{} with its force arrows, atoms coloured by site energy. Drag an atom to move it,",
                            readout.get().map_or("MACE energy and forces".into(), |o| format!("E = {:.4} eV, largest force {:.3} eV/Å", o.energy, o.fmax)),
                            if molecule.get() == UPLOAD { String::new() } else { format!(" ({})", molecule.get()) })
                            + " drag elsewhere to rotate; when focused: Tab or 0–9 select an atom, W A S D (or shift+arrows) move it in the screen plane, Q and E towards and away from you, arrows rotate, R rotates at random, Home resets, Escape leaves"
                        on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                        on:pointercancel=on_up on:keydown=on_key on:wheel=on_wheel></canvas>
                    <div class="legend mace-legend" data-testid="energy-legend">
                        <span inner_html=prose("site energy $E_i − E_0$")></span>
                        <span class="mace-ramp-end">{move || format!("−{}", fmt_f64(readout.get().map_or(0.5, |o| o.colour_scale)))}</span>
                        <span class="mace-ramp" aria-hidden="true"></span>
                        <span class="mace-ramp-end">{move || format!("+{} eV", fmt_f64(readout.get().map_or(0.5, |o| o.colour_scale)))}</span>
                        <span><span class="swatch mace-force-swatch"></span>{move || format!("force: 1 eV/Å ↦ {} Å (cut at {MAX_ARROW} Å)", fmt_f64(scale.get()))}</span>
                    </div>
                    <p class="widget-hint">"Drag an atom to move it · drag elsewhere to rotate · once focused: Tab or 0–9 select an atom, W A S D or shift+arrows move it, Q/E towards/away from you, arrows rotate, R random rotation, Home reset"</p>
                </div>
                <div class="widget-readout">
                    <p class="readout" data-testid="energy-total"
                        data-value=move || readout.get().map(|o| format!("{:e}", o.energy)).unwrap_or_default()
                        data-eval-ms=move || readout.get().map(|o| format!("{:.3}", o.eval_ms)).unwrap_or_default()>
                        "energy E = "<strong>{move || readout.get().map_or("—".into(), |o| format!("{:.4} eV", o.energy))}</strong>
                        <span class="small">{move || readout.get().map(|o| format!(
                            " (E − ΣE0 = {:.4} eV; {} atoms, {} neighbour pairs within r_max)",
                            o.interaction, o.atoms, o.edges
                        ))}</span>
                    </p>
                    <p class="readout" data-testid="energy-fmax"
                        data-value=move || readout.get().map(|o| format!("{:e}", o.fmax)).unwrap_or_default()>
                        "largest force |F| = "<strong>{move || readout.get().map_or("—".into(), |o| format!("{:.3} eV/Å", o.fmax))}</strong>
                    </p>
                    <p class="readout" data-testid="energy-selected"
                        data-atom=move || sel.get().to_string()
                        data-force=move || selected_info().map(|(_, _, f, _)| format!("{:e},{:e},{:e}", f[0], f[1], f[2])).unwrap_or_default()
                        data-site=move || selected_info().map(|(_, _, _, e)| format!("{e:e}")).unwrap_or_default()>
                        {move || match selected_info() {
                            Some((i, sym, f, site)) => format!(
                                "atom {i} ({sym}): F = ({:.3}, {:.3}, {:.3}) eV/Å, |F| = {:.3} eV/Å; site energy E_i − E0 = {:+.4} eV",
                                tidy(f[0]), tidy(f[1]), tidy(f[2]), norm(f), site
                            ),
                            None => format!("atom {}", sel.get()),
                        }}
                    </p>
                    <div class="readout-block" data-testid="rotation-check"
                        data-rotated=move || readout.get().map_or("0", |o| if o.check.is_some() { "1" } else { "0" })
                        data-energy-diff=move || readout.get().and_then(|o| o.check).map(|c| format!("{:e}", c.0)).unwrap_or_default()
                        data-force-diff=move || readout.get().and_then(|o| o.check).map(|c| format!("{:e}", c.1)).unwrap_or_default()
                        data-energy=move || readout.get().map(|o| format!("{:e}", o.energy)).unwrap_or_default()
                        data-fmax=move || readout.get().map(|o| format!("{:e}", o.fmax)).unwrap_or_default()>
                        <span class="readout-label">"rotation check (R: the rotation you see)"</span>
                        {move || match readout.get().and_then(|o| o.check) {
                            Some((de, df)) => {
                                let (e_scale, f_scale) = readout.get().map_or((1.0, 1.0), |o| (o.energy.abs().max(1.0), o.fmax.max(1.0)));
                                let ok = de <= PASS * e_scale && df <= PASS * f_scale;
                                view! {
                                    <p class="readout">"|E(Rx) − E(x)| = "<strong>{quantity(de, 2, "eV")}</strong></p>
                                    <p class="readout">"max |F(Rx) − R F(x)| = "<strong>{quantity(df, 2, "eV/Å")}</strong></p>
                                    <p class="readout small">
                                        {if ok {
                                            view! { <span class="check-ok">"✓ both below 10⁻¹¹ of |E| and of the largest |F|: "</span> }.into_any()
                                        } else {
                                            view! { <span class="widget-error">"✗ above 10⁻¹¹ of |E| or of the largest |F|: "</span> }.into_any()
                                        }}
                                        "the energy is invariant and the forces turn with the molecule, to double-precision rounding."
                                    </p>
                                }.into_any()
                            }
                            None => view! {
                                <p class="readout small">"R is the identity: drag empty space, press an arrow key or "<em>"Rotate molecule"</em>" to evaluate the rotated molecule and compare."</p>
                            }.into_any(),
                        }}
                    </div>
                    {move || eval_error.get().map(|e| view! { <p class="widget-error" role="alert" data-testid="energy-error">{e}</p> })}
                    <DevNotes>
                        <p class="readout small" data-testid="energy-timing">{move || readout.get().map(|o| format!(
                            "{} evaluation{} of energy and forces in {:.2} ms",
                            o.evals, if o.evals == 1 { "" } else { "s" }, o.eval_ms
                        ))}</p>
                    </DevNotes>
                </div>
            </div>
            <div class="widget-controls">
                <label class="ctl">
                    <span class="ctl-name">"molecule"</span>
                    {molecule_select(molecule, &MOLECULES, Some(upload_name), "", move |n| {
                        if change(n) {
                            save();
                        }
                    })}
                    <span></span>
                </label>
                <label class="ctl">
                    <span class="ctl-name">"selected atom"</span>
                    <select data-testid="energy-atom-select" on:change=move |ev| {
                        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                            select(i);
                        }
                    }>
                        {atom_options}
                    </select>
                    <span></span>
                </label>
                <fieldset class="ctl-group">
                    <legend>"move the selected atom (0.05 Å per press)"</legend>
                    <div class="chips">
                        <button type="button" class="chip" aria-label="move left" on:click=move |_| move_selected([-KEY_STEP, 0.0, 0.0])>"←"</button>
                        <button type="button" class="chip" aria-label="move right" on:click=move |_| move_selected([KEY_STEP, 0.0, 0.0])>"→"</button>
                        <button type="button" class="chip" aria-label="move up" on:click=move |_| move_selected([0.0, KEY_STEP, 0.0])>"↑"</button>
                        <button type="button" class="chip" aria-label="move down" on:click=move |_| move_selected([0.0, -KEY_STEP, 0.0])>"↓"</button>
                        <button type="button" class="chip" aria-label="move towards you" on:click=move |_| move_selected([0.0, 0.0, KEY_STEP])>"towards"</button>
                        <button type="button" class="chip" aria-label="move away from you" on:click=move |_| move_selected([0.0, 0.0, -KEY_STEP])>"away"</button>
                    </div>
                    <div class="chips">
                        <button type="button" class="chip" data-testid="energy-rotate" on:click=move |_| rotate_random()>"Rotate molecule"</button>
                        <button type="button" class="chip" data-testid="energy-reset" on:click=move |_| reset()>"Reset geometry"</button>
                    </div>
                </fieldset>
                <fieldset class="ctl-group">
                    <legend>"drawing"</legend>
                    <RangeSlider label="arrows" min=SCALE_RANGE.0.log10() max=SCALE_RANGE.1.log10() step=0.01
                        format=|v| format!("{} Å per eV/Å", fmt_f64(10f64.powf(v)))
                        value=Signal::derive(move || scale.get().log10())
                        on_input=move |v: f64| scale.set(10f64.powf(v).clamp(SCALE_RANGE.0, SCALE_RANGE.1))
                        on_change=move |_| save() />
                    <label class="ctl-check">
                        <input type="checkbox" prop:checked=move || colour_on.get() on:change=move |ev| colour_on.set(event_target_checked(&ev)) />
                        " colour atoms by site energy (off: by element)"
                    </label>
                    <label class="ctl-check">
                        <input type="checkbox" prop:checked=move || labels_on.get() on:change=move |ev| labels_on.set(event_target_checked(&ev)) />
                        " atom labels"
                    </label>
                </fieldset>
                {upload_control_checked(on_upload)}
                {model_upload_control(on_model)}
            </div>
        </WidgetFrame>
    }
    .into_any()
}

/// The molecule at R x, coloured by site energy, the selected atom ringed, force arrows F(Rx).
fn draw_scene(f: &Frame, sc: &mut Scene, view_m: &Mat3, r: &Mat3, look: Look) {
    if sc.x.is_empty() || sc.mol.positions.len() != sc.x.len() {
        return;
    }
    sc.rebond();
    for (p, x) in sc.mol.positions.iter_mut().zip(&sc.x) {
        *p = apply(r, *x);
    }
    let colours = sc
        .rotated
        .as_ref()
        .filter(|e| look.colour && e.site.len() == sc.x.len());
    for (i, el) in sc.mol.elements.iter_mut().enumerate() {
        let base = sc.elements.get(i).copied().unwrap_or(*el);
        *el = base;
        if let Some(e) = colours {
            el.color = shade(e.site[i], sc.colour_scale);
        }
    }
    let ctx = f.ctx;
    let dpr = f.dpr;
    let mut cam = Camera::fit(f.width, f.height, sc.extent, *view_m);
    cam.scale *= sc.zoom;
    sc.px_per_angstrom = cam.scale / dpr;
    let color = f.text_color();
    ctx.set_global_alpha(0.45);
    draw_axes(ctx, &cam, &IDENTITY, sc.extent * 0.8, &color, dpr);
    ctx.set_global_alpha(1.0);
    let sel = look.sel.min(sc.x.len() - 1);
    let style = AtomStyle {
        highlight: Some(sel),
        faded: &[],
        ring: &color,
    };
    sc.painter
        .draw_styled(ctx, &cam, &sc.mol, &IDENTITY, &style);
    let s = cam.project(sc.mol.positions[sel]);
    sc.sel_xy = (s[0] / dpr, s[1] / dpr);

    if let Some(e) = sc.rotated.as_ref().filter(|e| e.forces.len() == sc.x.len()) {
        ctx.set_line_cap("round");
        arrows::dashes(ctx, None);
        ctx.set_stroke_style_str(FORCE_COLOR);
        ctx.set_fill_style_str(FORCE_COLOR);
        ctx.set_global_alpha(0.95);
        for (p, fi) in sc.mol.positions.iter().zip(&e.forces) {
            let mut d = fi.map(|c| c * look.scale);
            let len = norm(d);
            if len > MAX_ARROW {
                d = d.map(|c| c * MAX_ARROW / len);
            }
            let tip = [p[0] + d[0], p[1] + d[1], p[2] + d[2]];
            arrows::arrow(ctx, &cam, *p, tip, 2.4 * dpr);
        }
        ctx.set_global_alpha(1.0);
    }

    if look.labels && sc.x.len() <= 60 {
        bars::font(ctx, 11.0, dpr, "left");
        ctx.set_fill_style_str(&color);
        for (i, p) in sc.mol.positions.iter().enumerate() {
            let s = cam.project(*p);
            let off = cam.pixels(sc.mol.elements[i].ball, s[2]) * 0.75;
            bars::text(ctx, &sc.labels[i], s[0] + off, s[1] - off);
        }
    }
}
