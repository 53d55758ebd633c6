//! `ace-invariance`: the ACE pipeline for one atom of a molecule, live. The reader rotates the
//! molecule (drag, touch, arrow keys), translates it (shift+drag, shift+arrow keys, buttons) and
//! relabels like atoms ("shuffle atoms"); the atomic basis A_{znlm} of the centre moves with every
//! rotation (its l > 0 blocks rotate with D^l) while the invariants B stay where they were, and
//! the widget prints how far B has moved from its value in the starting pose.
//!
//! The science is the core's: `ace::AceBasis` is built once per parameter change (with the
//! starting-pose A₀ and B₀); a frame only forms the centre's neighbour vectors from the moved
//! positions and calls `Evaluator::atomic_basis` and `Evaluator::invariants` for that one atom,
//! into buffers kept across frames. (`Evaluator` borrows its basis, so keeping one beside the
//! basis it borrows would need a self-referential struct; it is re-created per evaluation
//! instead, which costs four allocations of a few numbers each.) Bases whose coupling tensors
//! would make a frame slow are refused before they are built (see [`cost_estimate`]).

use std::f64::consts::PI;
use std::ops::Range;

use crate::number::sig;
use leptos::html;
use leptos::prelude::*;
use multiace_core::ace::{AceBasis, AceSpec, Evaluator, NeighbourTerm, RadialBasis, RadialKind};
use multiace_core::so3::{apply, random_rotation, transpose, Mat3, SplitMix64};
use multiace_core::structure::Structure;
use wasm_bindgen::JsCast;

use super::bars::{self, Strip};
use super::canvas::{Frame, Painter};
use super::controls::{molecule_select, RangeSlider, UPLOAD};
use super::frame::{write_url, DevNotes, WidgetFrame};
use super::molecules::MoleculeChoices;
use super::orbit::{self, DragTracker};
use super::params::{fmt_f64, Params};
use super::upload::{upload_control, upload_label};
use super::view3d::camera::{compose, default_view, draw_axes, Camera};
use super::view3d::molecule::{Molecule, MoleculePainter};

const MOLECULES: [&str; 4] = ["water", "methane", "ethanol", "benzene"];
const IDENTITY: Mat3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
/// Largest translation from the starting pose (Å): the camera leaves room for it.
const MAX_SHIFT: f64 = 1.5;
/// Translation per button press or shift+arrow key (Å).
const SHIFT_STEP: f64 = 0.25;
/// Largest [`cost_estimate`] accepted: about 0.1 s to build natively and well under a
/// millisecond per evaluation (measured: ν = 3, l_max = 5, n_max = 2, three species is 0.93e6).
const MAX_COST: f64 = 1.0e6;
/// Largest molecule whose atoms are numbered in the drawing.
const MAX_NUMBERED: usize = 60;
/// The colour of the ring around the centre atom (the book's focus orange; visible on both themes).
const CENTRE_RING: &str = "#e07b00";

/// The parameters that define the basis and the centre (everything but the pose).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Setup {
    nu: usize,
    lmax: usize,
    nmax: usize,
    rcut: f64,
    centre: usize,
}

const DEFAULT: Setup = Setup {
    nu: 3,
    lmax: 2,
    nmax: 2,
    rcut: 4.0,
    centre: 1,
};

/// A rough cost of building and evaluating a basis: the sum over the channel tuples that can
/// couple to an O(3) invariant (nondecreasing ν-tuples of (z, n, l) with Σ l even, ν = 1..nu) of
/// Π (2l + 1), the size of their coupling tensors. It tracks the core's build time and terms
/// within a small factor (measured natively: 1e6 ≈ 25–100 ms to build, ≈ 0.2–1 ms per
/// evaluation) and is counted in microseconds by a knapsack over the channels, so the widget can
/// refuse a basis before spending seconds building it.
fn cost_estimate(species: usize, s: &Setup) -> f64 {
    // ways[k][p]: Σ Π(2l+1) over multisets of k channels whose Σ l has parity p
    let mut ways = [[0.0f64; 2]; 5];
    ways[0][0] = 1.0;
    let nu = s.nu.min(4);
    for _ in 0..species * s.nmax {
        for l in 0..=s.lmax {
            let w = (2 * l + 1) as f64;
            for k in 1..=nu {
                for p in 0..2 {
                    ways[k][p] += ways[k - 1][p ^ (l % 2)] * w;
                }
            }
        }
    }
    (1..=nu).map(|k| ways[k][0]).sum()
}

/// `s` lowered (ν first, then l_max, then n_max) until its cost is acceptable for `species`
/// species, with a note saying what was lowered, if anything.
fn affordable(species: usize, s: Setup) -> (Setup, Option<String>) {
    let mut t = s;
    while cost_estimate(species, &t) > MAX_COST {
        if t.nu > 2 {
            t.nu -= 1;
        } else if t.lmax > 1 {
            t.lmax -= 1;
        } else if t.nmax > 1 {
            t.nmax -= 1;
        } else if t.nu > 1 {
            t.nu -= 1;
        } else {
            break;
        }
    }
    let note = (t != s).then(|| {
        format!(
            "ν = {}, l_max = {}, n_max = {} with {species} species is too large to recompute at every frame; using ν = {}, l_max = {}, n_max = {}",
            s.nu, s.lmax, s.nmax, t.nu, t.lmax, t.nmax
        )
    });
    (t, note)
}

fn too_large(species: usize, s: &Setup) -> String {
    format!(
        "ν = {}, l_max = {}, n_max = {} with {species} species is too large to recompute at every frame: lower ν, l_max or n_max first.",
        s.nu, s.lmax, s.nmax
    )
}

/// A molecule the widget can show: its species (file order) and its drawing (centred).
struct Entry {
    species: Vec<String>,
    molecule: Molecule,
}

impl Entry {
    fn of(s: &Structure) -> Entry {
        Entry {
            species: s.species.clone(),
            molecule: Molecule::from_structure(s),
        }
    }
}

/// The invariants of one correlation order ν: their index range in B, the scale of their bars
/// (largest |B₀|) and a label.
struct Group {
    range: Range<usize>,
    scale: f64,
    /// "ν=3 · 490", and "ν=3" where the group is narrow.
    label: String,
    short: String,
}

/// What the readouts show after an evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Readout {
    /// max_k |B_k − B₀_k| / max_k |B₀_k|.
    deviation: f64,
    /// max |A − A₀| / max |A₀|.
    a_change: f64,
    /// Where the centre atom sits in the (shuffled) atom list.
    centre_position: usize,
    /// Neighbours of the centre within the cutoff.
    in_cutoff: usize,
}

/// The basis of one setup and molecule, the starting-pose values and the per-frame buffers.
struct Model {
    setup: Setup,
    basis: AceBasis,
    /// The basis species (by atomic number), labels of the A blocks.
    species: Vec<String>,
    /// Basis species index of each atom, file order.
    z: Vec<usize>,
    /// Positions centred on the centroid (Å), file order: the starting pose.
    x0: Vec<[f64; 3]>,
    extent: f64,
    /// List position k holds file atom `perm[k]` (the reader's shuffles).
    perm: Vec<usize>,
    moved: Vec<[f64; 3]>,
    terms: Vec<NeighbourTerm>,
    a0: Vec<f64>,
    b0: Vec<f64>,
    a: Vec<f64>,
    b: Vec<f64>,
    /// Bars of A are scaled by the largest block norm |A_{znl·}| (rotation-invariant, so the
    /// moving bars never leave the strip).
    a_scale: f64,
    groups: Vec<Group>,
    /// "0", "1", … for the atom-number labels (no formatting per frame).
    numbers: Vec<String>,
}

impl Model {
    fn new(entry: &Entry, setup: Setup) -> Result<Model, String> {
        let species =
            Structure::new(entry.species.clone(), entry.molecule.positions.clone()).species_set();
        if cost_estimate(species.len(), &setup) > MAX_COST {
            return Err(too_large(species.len(), &setup));
        }
        let radial = RadialBasis::new(RadialKind::Bessel, setup.nmax, setup.rcut)
            .map_err(|e| e.to_string())?;
        let basis = AceBasis::new(AceSpec {
            species: species.clone(),
            radial,
            l_max: setup.lmax,
            max_order: setup.nu,
            max_degree: None,
        })
        .map_err(|e| e.to_string())?;
        let z = entry
            .species
            .iter()
            .map(|sym| basis.species_index(sym).unwrap_or(0))
            .collect();
        let n = entry.molecule.positions.len();
        let counts = basis.count_by_order();
        let mut m = Model {
            setup,
            species,
            z,
            x0: entry.molecule.positions.clone(),
            extent: entry.molecule.extent,
            perm: (0..n).collect(),
            moved: vec![[0.0; 3]; n],
            terms: Vec::with_capacity(n),
            a0: vec![0.0; basis.a_len()],
            b0: vec![0.0; basis.len()],
            a: vec![0.0; basis.a_len()],
            b: vec![0.0; basis.len()],
            a_scale: 0.0,
            groups: Vec::new(),
            numbers: (0..n).map(|k| k.to_string()).collect(),
            basis,
        };
        m.pose(&IDENTITY, [0.0; 3]);
        m.a0.copy_from_slice(&m.a);
        m.b0.copy_from_slice(&m.b);
        let (nmax, lmax) = (setup.nmax, setup.lmax);
        let mut a_scale = 0.0f64;
        for zi in 0..m.species.len() {
            for nn in 1..=nmax {
                for l in 0..=lmax {
                    let i0 = m.basis.a_index(zi, nn, l, -(l as i64));
                    let norm = m.a0[i0..i0 + 2 * l + 1]
                        .iter()
                        .map(|v| v * v)
                        .sum::<f64>()
                        .sqrt();
                    a_scale = a_scale.max(norm);
                }
            }
        }
        m.a_scale = a_scale;
        let mut start = 0;
        for (k, &c) in counts.iter().enumerate() {
            let range = start..start + c;
            let scale = m.b0[range.clone()]
                .iter()
                .fold(0.0f64, |acc, v| acc.max(v.abs()));
            m.groups.push(Group {
                range,
                scale,
                label: format!("ν={} · {c}", k + 1),
                short: format!("ν={}", k + 1),
            });
            start += c;
        }
        Ok(m)
    }

    /// A and B of the centre with every atom at R x + t, in the shuffled order.
    fn pose(&mut self, r: &Mat3, t: [f64; 3]) -> usize {
        for (slot, &o) in self.moved.iter_mut().zip(&self.perm) {
            let p = apply(r, self.x0[o]);
            *slot = [p[0] + t[0], p[1] + t[1], p[2] + t[2]];
        }
        let centre = self.setup.centre;
        let c = self.perm.iter().position(|&o| o == centre).unwrap_or(0);
        let pc = self.moved[c];
        self.terms.clear();
        let mut in_cutoff = 0;
        for (k, (&o, p)) in self.perm.iter().zip(&self.moved).enumerate() {
            if k == c {
                continue;
            }
            let v = [p[0] - pc[0], p[1] - pc[1], p[2] - pc[2]];
            let d = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
            if d > 0.0 && d < self.setup.rcut {
                in_cutoff += 1;
            }
            self.terms.push(NeighbourTerm {
                vector: v,
                z: self.z[o],
            });
        }
        let mut ev = Evaluator::new(&self.basis);
        ev.atomic_basis(&self.terms, &mut self.a);
        ev.invariants(&self.a, &mut self.b);
        in_cutoff
    }

    fn evaluate(&mut self, r: &Mat3, t: [f64; 3]) -> Readout {
        let in_cutoff = self.pose(r, t);
        let rel = |now: &[f64], start: &[f64]| {
            let top = start.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let diff = now
                .iter()
                .zip(start)
                .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
            if top > 0.0 {
                diff / top
            } else {
                diff
            }
        };
        Readout {
            deviation: rel(&self.b, &self.b0),
            a_change: rel(&self.a, &self.a0),
            centre_position: self
                .perm
                .iter()
                .position(|&o| o == self.setup.centre)
                .unwrap_or(0),
            in_cutoff,
        }
    }

    /// A random relabelling of like atoms: each species' list positions get a random permutation
    /// of that species' atoms.
    fn shuffle(&mut self, rng: &mut SplitMix64) {
        let n = self.perm.len();
        for zi in 0..self.species.len() {
            let slots: Vec<usize> = (0..n).filter(|&k| self.z[self.perm[k]] == zi).collect();
            // Fisher–Yates over the atoms in those slots
            for i in (1..slots.len()).rev() {
                let j = (rng.next_u64() % (i as u64 + 1)) as usize;
                self.perm.swap(slots[i], slots[j]);
            }
        }
    }
}

/// Browser-side state: the molecules, the current model and the drawing scratch.
struct Scene {
    molecules: MoleculeChoices<Entry>,
    model: Option<Model>,
    /// The molecule the model was built for.
    model_of: &'static str,
    /// A copy of the molecule whose positions are overwritten with the moved ones per frame.
    shown: Option<Molecule>,
    painter: MoleculePainter,
    /// CSS pixels per Å in the last drawing (for shift+drag).
    px_per_angstrom: f64,
    zoom: f64,
}

impl Scene {
    /// Builds the model for `setup` on molecule `name` (the centre clamped to the molecule).
    /// `strict`: refuse a basis that is too large instead of lowering it. On success returns the
    /// setup used and a note if it had to be lowered; on error the previous model stays.
    fn rebuild(
        &mut self,
        name: &'static str,
        setup: Setup,
        strict: bool,
    ) -> Result<(Setup, Option<String>), String> {
        let entry = self
            .molecules
            .get(name)
            .ok_or_else(|| format!("molecule '{name}' is not available"))?;
        let n = entry.molecule.positions.len();
        let mut s = setup;
        s.centre = s.centre.min(n.saturating_sub(1));
        let species = {
            let mut v = entry.species.clone();
            v.sort();
            v.dedup();
            v.len()
        };
        let (s, note) = if strict {
            (s, None)
        } else {
            affordable(species, s)
        };
        let mut model = Model::new(entry, s)?;
        let same_molecule = name == self.model_of && name != UPLOAD;
        if let Some(old) = self.model.as_ref().filter(|_| same_molecule) {
            if old.perm.len() == model.perm.len() {
                model.perm.clone_from(&old.perm);
            }
        }
        if !same_molecule || self.shown.is_none() {
            self.shown = Some(entry.molecule.clone());
        }
        self.model = Some(model);
        self.model_of = name;
        Ok((s, note))
    }
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let mol0 = p.choice("molecule", "ethanol", &MOLECULES);
    let molecules = MoleculeChoices::new(&MOLECULES, |s| Entry::of(&s));
    let atoms = molecules
        .get(mol0)
        .map_or(1, |e| e.molecule.positions.len());
    let requested = Setup {
        centre: p.int("centre", DEFAULT.centre as i64, 0, atoms as i64 - 1) as usize,
        nu: p.int("nu", DEFAULT.nu as i64, 1, 4) as usize,
        lmax: p.int("lmax", DEFAULT.lmax as i64, 0, 6) as usize,
        nmax: p.int("nmax", DEFAULT.nmax as i64, 1, 6) as usize,
        rcut: p.float("rcut", DEFAULT.rcut, 2.0, 8.0),
    };
    let dpr = p.dpr();
    let pass = p.passthrough();

    let mut scene0 = Scene {
        molecules,
        model: None,
        model_of: mol0,
        shown: None,
        painter: MoleculePainter::default(),
        px_per_angstrom: 50.0,
        zoom: 1.0,
    };
    let setup0 = match scene0.rebuild(mol0, requested, false) {
        Ok((s, note)) => {
            if let Some(n) = note {
                p.notice(n);
            }
            s
        }
        Err(e) => {
            p.notice(format!("{e}; using the defaults"));
            scene0
                .rebuild(mol0, DEFAULT, false)
                .map(|(s, _)| s)
                .unwrap_or(DEFAULT)
        }
    };
    let notices = p.notices();

    let setup = RwSignal::new(setup0);
    let molecule = RwSignal::new(mol0);
    let rot = RwSignal::new(IDENTITY);
    let trans = RwSignal::new([0.0f64; 3]);
    let version = RwSignal::new(0u32); // bumped when the model or the atom order changes
    let shuffles = RwSignal::new(0u32);
    let readout = RwSignal::new(Readout::default());
    let compute_ms = RwSignal::new(0.0f64);
    let change_error = RwSignal::new(None::<String>);
    let labels_on = RwSignal::new(true);
    let upload_name = RwSignal::new(None::<String>);

    let state = Signal::derive(move || {
        let s = setup.get();
        let mol = match molecule.get() {
            UPLOAD => String::new(),
            name => format!("molecule={name}&centre={}&", s.centre),
        };
        format!(
            "{mol}nu={}&lmax={}&nmax={}&rcut={}{pass}",
            s.nu,
            s.lmax,
            s.nmax,
            fmt_f64(s.rcut)
        )
    });
    let save = move || write_url(embedded, &state.get_untracked());

    let scene = StoredValue::new_local(scene0);
    let view_m = default_view();
    let canvas3d = NodeRef::<html::Canvas>::new();
    let plot = NodeRef::<html::Canvas>::new();

    let painter3d = StoredValue::new_local(Painter::new(canvas3d, dpr, move |f| {
        let (r, t) = (rot.get_untracked(), trans.get_untracked());
        let show_numbers = labels_on.get_untracked();
        scene.try_update_value(|sc| draw_molecule(f, sc, &view_m, &r, t, show_numbers));
    }));
    let painter_plot = StoredValue::new_local(Painter::new(plot, dpr, move |f| {
        scene.try_with_value(|sc| {
            if let Some(m) = sc.model.as_ref() {
                draw_plot(f, m);
            }
        });
    }));
    let redraw3d = move || {
        painter3d.try_with_value(Painter::request);
    };

    // Per frame: A and B of the centre in the current pose, then both canvases.
    Effect::new(move |_| {
        let (r, t) = (rot.get(), trans.get());
        version.track();
        let perf = window().performance();
        let t0 = perf.as_ref().map_or(0.0, |p| p.now());
        let out = scene
            .try_update_value(|sc| sc.model.as_mut().map(|m| m.evaluate(&r, t)))
            .flatten();
        compute_ms.set(perf.as_ref().map_or(0.0, |p| p.now()) - t0);
        if let Some(o) = out {
            readout.set(o);
        }
        painter3d.try_with_value(Painter::request);
        painter_plot.try_with_value(Painter::request);
    });
    Effect::new(move |_| {
        labels_on.track();
        redraw3d();
    });

    // A new setup or molecule from a control: refused (with a message) when too large.
    let change = move |name: &'static str, s: Setup, strict: bool| -> bool {
        let res = scene
            .try_update_value(|sc| sc.rebuild(name, s, strict))
            .unwrap_or_else(|| Err("the widget is gone".into()));
        match res {
            Ok((used, note)) => {
                if name != molecule.get_untracked() || name == UPLOAD {
                    shuffles.set(0);
                }
                change_error.set(note);
                setup.set(used);
                molecule.set(name);
                version.update(|v| *v += 1);
                true
            }
            Err(e) => {
                change_error.set(Some(e));
                setup.update(|_| {}); // re-render the controls with the kept values
                false
            }
        }
    };

    let screen_shift = move |dx: f64, dy: f64| {
        // a screen-space step (right, up) in Å → world space through the view
        let w = apply(&transpose(&view_m), [dx, dy, 0.0]);
        trans.update(|t| {
            let mut n = [t[0] + w[0], t[1] + w[1], t[2] + w[2]];
            let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
            if len > MAX_SHIFT {
                n = n.map(|c| c * MAX_SHIFT / len);
            }
            *t = n;
        });
    };

    let drag = StoredValue::new_local(DragTracker::default());
    let last = StoredValue::new(None::<(f64, f64)>);
    let press = StoredValue::new(None::<(f64, f64)>);
    let on_down = move |ev: web_sys::PointerEvent| {
        drag.try_update_value(|d| d.down(&ev));
        if ev.button() == 0 {
            let at = (ev.offset_x() as f64, ev.offset_y() as f64);
            last.set_value(Some(at));
            press.set_value(Some(at));
        }
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let dr = drag.try_update_value(|d| d.moved(&ev, &view_m)).flatten();
        let Some((x0, y0)) = last.get_value() else {
            return;
        };
        let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
        last.set_value(Some((x, y)));
        if ev.shift_key() {
            let k = scene
                .try_with_value(|s| s.px_per_angstrom)
                .unwrap_or(50.0)
                .max(1e-3);
            screen_shift((x - x0) / k, -(y - y0) / k);
        } else if let Some(dr) = dr {
            rot.set(compose(&dr, &rot.get_untracked()));
        }
    };
    // A click (press and release within a few pixels) on an atom makes it the centre.
    let on_up = move |ev: web_sys::PointerEvent| {
        drag.try_update_value(|d| d.up(&ev));
        last.set_value(None);
        let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
        let clicked = press
            .get_value()
            .is_some_and(|(x0, y0)| (x - x0).hypot(y - y0) < 4.0);
        press.set_value(None);
        let canvas = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        let (true, Some(el)) = (clicked, canvas) else {
            return;
        };
        let k = el.width() as f64 / (el.client_width() as f64).max(1.0);
        let hit = scene
            .try_with_value(|s| s.painter.pick(x * k, y * k))
            .flatten();
        let mut s = setup.get_untracked();
        if let Some(atom) = hit.filter(|a| *a != s.centre) {
            s.centre = atom;
            if change(molecule.get_untracked(), s, false) {
                save();
            }
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.shift_key() {
            let step = match ev.key().as_str() {
                "ArrowLeft" => Some((-SHIFT_STEP, 0.0)),
                "ArrowRight" => Some((SHIFT_STEP, 0.0)),
                "ArrowUp" => Some((0.0, SHIFT_STEP)),
                "ArrowDown" => Some((0.0, -SHIFT_STEP)),
                _ => None,
            };
            if let Some((dx, dy)) = step {
                ev.prevent_default();
                screen_shift(dx, dy);
                return;
            }
        }
        if let Some(dr) = orbit::key(&ev, &view_m) {
            rot.set(compose(&dr, &rot.get_untracked()));
        }
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        if let Some(z) = orbit::wheel_zoom(&ev) {
            scene.try_update_value(|s| s.zoom = (s.zoom * z).clamp(0.4, 4.0));
            redraw3d();
        }
    };
    let seed = move || {
        window()
            .performance()
            .map_or(1, |p| (p.now() * 1000.0) as u64)
            ^ 0x9e37_79b9_7f4a_7c15
    };
    let shuffle = move |_| {
        let mut rng = SplitMix64::new(seed());
        scene.try_update_value(|s| {
            if let Some(m) = s.model.as_mut() {
                m.shuffle(&mut rng);
            }
        });
        shuffles.update(|n| *n += 1);
        version.update(|v| *v += 1);
    };

    let on_upload = Callback::new(move |st: Structure| {
        let entry = Entry::of(&st);
        let label = upload_label(&st);
        let previous = scene
            .try_update_value(|s| s.molecules.replace_upload(Some(entry)))
            .flatten();
        let mut s = setup.get_untracked();
        if molecule.get_untracked() != UPLOAD {
            s.centre = 0;
        }
        if change(UPLOAD, s, false) {
            upload_name.set(Some(label));
            save();
        } else {
            // keep the molecule shown before (and the previous upload, if that was shown)
            scene.try_update_value(|s| s.molecules.replace_upload(previous));
        }
    });

    let int_slider = move |label: &'static str,
                           min: usize,
                           max: usize,
                           get: fn(&Setup) -> usize,
                           put: fn(&mut Setup, usize)| {
        view! {
            <label class="ctl">
                <span class="ctl-name">{label}</span>
                <input type="range" min=min max=max step="1"
                    prop:value=move || get(&setup.get()).to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                            let mut s = setup.get_untracked();
                            put(&mut s, v.clamp(min, max));
                            if s != setup.get_untracked() {
                                change(molecule.get_untracked(), s, true);
                            }
                        }
                    }
                    on:change=move |_| save() />
                <span class="ctl-value">{move || get(&setup.get()).to_string()}</span>
            </label>
        }
    };

    let centre_options = move || {
        let name = molecule.get();
        version.track();
        scene
            .try_with_value(|s| {
                s.molecules.get(name).map(|e| {
                    e.species
                        .iter()
                        .enumerate()
                        .map(|(k, sym)| {
                            view! { <option value=k.to_string() prop:selected=move || setup.get().centre == k>{format!("{k} · {sym}")}</option> }
                        })
                        .collect_view()
                })
            })
            .flatten()
    };
    let centre_symbol = move || {
        let name = molecule.get();
        let c = setup.get().centre;
        scene
            .try_with_value(|s| {
                s.molecules
                    .get(name)
                    .and_then(|e| e.species.get(c).cloned())
            })
            .flatten()
            .unwrap_or_default()
    };
    let counts_text = move || {
        version.track();
        scene
            .try_with_value(|s| {
                s.model.as_ref().map(|m| {
                    let counts = m.basis.count_by_order();
                    let s = m.setup;
                    (
                        m.basis.a_len(),
                        format!(
                            "A has {} species × {} radial (n) × {} angular (l, m) entries; B counts every coupled product of ν of them.",
                            m.species.len(),
                            s.nmax,
                            (s.lmax + 1) * (s.lmax + 1)
                        ),
                        counts,
                    )
                })
            })
            .flatten()
    };

    view! {
        <WidgetFrame name="ace-invariance" title="A moves, B stays: the ACE pipeline for one atom" notices=notices state=state>
            <div class="widget-row">
                <div class="widget-canvas-wrap">
                    <canvas role="img" node_ref=canvas3d class="view3d" tabindex="0"
                        aria-label="Molecule: drag to rotate, shift+drag to translate; arrow keys rotate and shift+arrow keys translate when focused; Escape leaves"
                        on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                        on:pointercancel=on_up on:keydown=on_key on:wheel=on_wheel></canvas>
                    <p class="widget-hint">"Drag (or touch) to rotate · shift+drag or the buttons translate · click an atom to make it the centre · arrow keys rotate once focused (shift: translate) · dashed: the cutoff sphere"</p>
                </div>
                <div class="widget-readout">
                    <p class="readout" data-testid="ace-invariance-deviation"
                        data-value=move || format!("{:e}", readout.get().deviation)
                        data-compute-ms=move || format!("{:.3}", compute_ms.get())>
                        "B: largest change since the starting pose "
                        <strong>{move || sig(readout.get().deviation, 2)}</strong>
                        <span class="small">" (relative to max |B|; about 10⁻¹⁶ is double-precision rounding)"</span>
                    </p>
                    <p class="readout" data-testid="ace-a-change" data-value=move || format!("{:e}", readout.get().a_change)>
                        "A: largest change since the starting pose "
                        <strong>{move || format!("{:.3}", readout.get().a_change)}</strong>
                        <span class="small">" (relative to max |A|: the l > 0 blocks rotate)"</span>
                    </p>
                    <p class="readout" data-testid="ace-centre"
                        data-value=move || readout.get().centre_position.to_string()
                        data-atom=move || setup.get().centre.to_string()>
                        {move || {
                            let o = readout.get();
                            let c = setup.get().centre;
                            let sym = centre_symbol();
                            if o.centre_position == c {
                                format!("centre: atom {c} ({sym}), {} neighbours within r_cut", o.in_cutoff)
                            } else {
                                format!("centre: the same {sym} atom (atom {c} of the file), now number {} in the shuffled list; {} neighbours within r_cut", o.centre_position, o.in_cutoff)
                            }
                        }}
                    </p>
                    {move || counts_text().map(|(a_len, how, counts)| {
                        let data_b = counts.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(",");
                        let total: usize = counts.iter().sum();
                        view! {
                            <div class="readout-block" data-testid="ace-counts" data-a=a_len.to_string() data-b=data_b>
                                <span class="readout-label">"sizes for this atom"</span>
                                <table class="counts">
                                    <tbody>
                                        <tr><td>"A"</td><td class="num">{a_len}</td></tr>
                                        {counts.iter().enumerate().map(|(k, c)| view! {
                                            <tr><td>{format!("B, ν = {}", k + 1)}</td><td class="num">{*c}</td></tr>
                                        }).collect_view()}
                                        <tr><td>"B, all"</td><td class="num">{total}</td></tr>
                                    </tbody>
                                </table>
                                <span class="small">{how}</span>
                            </div>
                        }
                    })}
                    <DevNotes>
                        <p class="readout small">{move || format!("shuffles: {} · A and B computed in {:.2} ms", shuffles.get(), compute_ms.get())}</p>
                    </DevNotes>
                </div>
            </div>
            <canvas role="img" node_ref=plot class="plot ace-bars" aria-label="Bars of the atomic basis A of the centre (top) and of the invariants B (bottom)"></canvas>
            <div class="legend">
                <span><span class="swatch pos"></span>"positive"</span>
                <span><span class="swatch neg"></span>"negative"</span>
                <span>"outlines: A in the starting pose"</span>
            </div>
            {move || change_error.get().map(|e| view! { <p class="widget-notice" role="status">{e}</p> })}
            <div class="widget-controls">
                <label class="ctl">
                    <span class="ctl-name">"molecule"</span>
                    {molecule_select(molecule, &MOLECULES, Some(upload_name), "", move |n| {
                        let mut s = setup.get_untracked();
                        if n != molecule.get_untracked() {
                            s.centre = if n == "ethanol" { 1 } else { 0 };
                        }
                        if change(n, s, false) {
                            save();
                        }
                    })}
                </label>
                <label class="ctl">
                    <span class="ctl-name">"centre atom"</span>
                    <select prop:value=move || { version.track(); setup.get().centre.to_string() } on:change=move |ev| {
                        if let Ok(c) = event_target_value(&ev).parse::<usize>() {
                            let mut s = setup.get_untracked();
                            s.centre = c;
                            if change(molecule.get_untracked(), s, false) {
                                save();
                            }
                        }
                    }>
                        {centre_options}
                    </select>
                </label>
                {upload_control(on_upload)}
                <fieldset class="ctl-group">
                    <legend>"basis (Bessel radial functions)"</legend>
                    {int_slider("ν (order)", 1, 4, |s| s.nu, |s, v| s.nu = v)}
                    {int_slider("l_max", 0, 6, |s| s.lmax, |s, v| s.lmax = v)}
                    {int_slider("n_max", 1, 6, |s| s.nmax, |s, v| s.nmax = v)}
                    <RangeSlider label="$r_{cut}$" min=2.0 max=8.0 step=0.1 format=|v| format!("{v:.1} Å")
                        value=Signal::derive(move || setup.get().rcut)
                        on_input=move |v: f64| {
                            let mut s = setup.get_untracked();
                            s.rcut = v.clamp(2.0, 8.0);
                            change(molecule.get_untracked(), s, true);
                        }
                        on_change=move |_| save() />
                </fieldset>
                <fieldset class="ctl-group">
                    <legend>"move the molecule"</legend>
                    <div class="chips">
                        <button type="button" class="chip" on:click=move |_| {
                            let mut rng = SplitMix64::new(seed());
                            rot.set(random_rotation(&mut rng));
                        }>"random rotation"</button>
                        <button type="button" class="chip" data-testid="ace-shuffle" on:click=shuffle>"shuffle atoms"</button>
                        <button type="button" class="chip" on:click=move |_| {
                            rot.set(IDENTITY);
                            trans.set([0.0; 3]);
                            scene.try_update_value(|s| {
                                s.zoom = 1.0;
                                if let Some(m) = s.model.as_mut() {
                                    m.perm = (0..m.perm.len()).collect();
                                }
                            });
                            shuffles.set(0);
                            version.update(|v| *v += 1);
                        }>"starting pose"</button>
                    </div>
                    <div class="chips">"translate: "
                        <button type="button" class="chip" aria-label="translate left" on:click=move |_| screen_shift(-SHIFT_STEP, 0.0)>"←"</button>
                        <button type="button" class="chip" aria-label="translate right" on:click=move |_| screen_shift(SHIFT_STEP, 0.0)>"→"</button>
                        <button type="button" class="chip" aria-label="translate up" on:click=move |_| screen_shift(0.0, SHIFT_STEP)>"↑"</button>
                        <button type="button" class="chip" aria-label="translate down" on:click=move |_| screen_shift(0.0, -SHIFT_STEP)>"↓"</button>
                        <span class="small">{move || { let t = trans.get(); format!("t = ({:.2}, {:.2}, {:.2}) Å", t[0] + 0.0, t[1] + 0.0, t[2] + 0.0) }}</span>
                    </div>
                    <label class="ctl-check">
                        <input type="checkbox" prop:checked=move || labels_on.get() on:change=move |ev| labels_on.set(event_target_checked(&ev)) />
                        " atom numbers (list order)"
                    </label>
                </fieldset>
            </div>
        </WidgetFrame>
    }
    .into_any()
}

/// The molecule at R x + t with the centre ringed, its cutoff circle and (optionally) every
/// atom's position in the current list order.
fn draw_molecule(f: &Frame, sc: &mut Scene, view_m: &Mat3, r: &Mat3, t: [f64; 3], numbers: bool) {
    let Scene {
        model,
        shown,
        painter,
        px_per_angstrom,
        zoom,
        ..
    } = sc;
    let (Some(m), Some(mol)) = (model.as_ref(), shown.as_mut()) else {
        return;
    };
    if mol.positions.is_empty() || mol.positions.len() != m.x0.len() {
        return;
    }
    for (p, x) in mol.positions.iter_mut().zip(&m.x0) {
        let q = apply(r, *x);
        *p = [q[0] + t[0], q[1] + t[1], q[2] + t[2]];
    }
    let extent = m.extent.max(1.6) + MAX_SHIFT;
    let mut cam = Camera::fit(f.width, f.height, extent, *view_m);
    cam.scale *= *zoom;
    *px_per_angstrom = cam.scale / f.dpr;
    let ctx = f.ctx;
    let color = f.text_color();
    ctx.set_global_alpha(0.55);
    draw_axes(ctx, &cam, &IDENTITY, extent * 0.8, &color, f.dpr);
    ctx.set_global_alpha(1.0);

    let c = m.setup.centre.min(mol.positions.len() - 1);
    let pc = cam.project(mol.positions[c]);
    // the cutoff sphere's outline (dashed)
    let rad = cam.pixels(m.setup.rcut, pc[2]);
    ctx.save();
    ctx.set_stroke_style_str(CENTRE_RING);
    ctx.set_global_alpha(0.55);
    ctx.set_line_width(1.2 * f.dpr);
    let dash = js_sys::Array::of2(&(6.0 * f.dpr).into(), &(5.0 * f.dpr).into());
    let _ = ctx.set_line_dash(&dash);
    ctx.begin_path();
    let _ = ctx.arc(pc[0], pc[1], rad, 0.0, 2.0 * PI);
    ctx.stroke();
    ctx.restore();

    painter.draw(ctx, &cam, mol, &IDENTITY);

    let ball = cam.pixels(mol.elements[c].ball, pc[2]);
    ctx.set_stroke_style_str(CENTRE_RING);
    ctx.set_line_width(2.5 * f.dpr);
    ctx.begin_path();
    let _ = ctx.arc(pc[0], pc[1], ball + 3.0 * f.dpr, 0.0, 2.0 * PI);
    ctx.stroke();

    // numbers beside a few hundred atoms would hide the molecule (and cost a text draw each)
    if numbers && m.perm.len() <= MAX_NUMBERED {
        bars::font(ctx, 11.0, f.dpr, "left");
        ctx.set_fill_style_str(&color);
        for (k, &o) in m.perm.iter().enumerate() {
            let s = cam.project(mol.positions[o]);
            let off = cam.pixels(mol.elements[o].ball, s[2]) * 0.75;
            bars::text(ctx, &m.numbers[k], s[0] + off, s[1] - off);
        }
    }
}

/// The atomic basis of the centre (top: bars, outlines at the starting pose) above its invariants
/// (bottom: grouped by ν, each group scaled to its own largest |B₀|).
fn draw_plot(f: &Frame, m: &Model) {
    let ctx = f.ctx;
    let dpr = f.dpr;
    let color = f.text_color();
    let (w, h) = (f.width, f.height);
    let pad = 6.0 * dpr;
    let title = 16.0 * dpr;
    let below = 15.0 * dpr;
    let half_h = h / 2.0;
    let x0 = pad;
    let width = (w - 2.0 * pad).max(1.0);

    // A
    let a_strip = Strip {
        x: x0,
        y_mid: pad + title + (half_h - pad - title - below) / 2.0,
        width,
        half: ((half_h - pad - title - below) / 2.0).max(1.0),
    };
    ctx.set_fill_style_str(&color);
    bars::font(ctx, 12.0, dpr, "left");
    bars::text(
        ctx,
        "atomic basis A of the centre: moves with every rotation",
        x0,
        pad + title / 2.0,
    );
    ctx.set_global_alpha(0.5);
    a_strip.baseline(ctx, &color, dpr);
    ctx.set_global_alpha(1.0);
    bars::bars(ctx, &a_strip, &m.a, m.a_scale);
    ctx.set_global_alpha(0.6);
    bars::outlines(ctx, &a_strip, &m.a0, m.a_scale, &color, dpr);
    ctx.set_global_alpha(1.0);
    // species blocks
    let n_a = m.a.len().max(1) as f64;
    let block = m.a.len() / m.species.len().max(1);
    bars::font(ctx, 11.0, dpr, "center");
    ctx.set_fill_style_str(&color);
    for (zi, sym) in m.species.iter().enumerate() {
        let xa = x0 + width * (zi * block) as f64 / n_a;
        let xb = x0 + width * ((zi + 1) * block) as f64 / n_a;
        bars::text(ctx, sym, (xa + xb) / 2.0, half_h - below / 2.0);
        if zi > 0 {
            separator(ctx, xa, a_strip, &color, dpr);
        }
    }

    // B
    let top = half_h;
    let b_strip = |x: f64, wd: f64| Strip {
        x,
        y_mid: top + pad + title + (h - top - pad - title - below) / 2.0,
        width: wd,
        half: ((h - top - pad - title - below) / 2.0).max(1.0),
    };
    ctx.set_fill_style_str(&color);
    bars::font(ctx, 12.0, dpr, "left");
    bars::text(
        ctx,
        "invariants B: stay put (each ν scaled to its largest |B|)",
        x0,
        top + pad + title / 2.0,
    );
    let total: usize = m.groups.iter().map(|g| g.range.len()).sum();
    let share = |g: &Group| g.range.len().max(total * 3 / 25).max(1) as f64;
    let sum: f64 = m.groups.iter().map(share).sum();
    let mut x = x0;
    for (k, g) in m.groups.iter().enumerate() {
        let wd = width * share(g) / sum;
        let s = b_strip(x + 2.0 * dpr, (wd - 4.0 * dpr).max(1.0));
        ctx.set_global_alpha(0.5);
        s.baseline(ctx, &color, dpr);
        ctx.set_global_alpha(1.0);
        bars::bars(ctx, &s, &m.b[g.range.clone()], g.scale);
        if k > 0 {
            separator(ctx, x, s, &color, dpr);
        }
        ctx.set_fill_style_str(&color);
        bars::font(ctx, 11.0, dpr, "center");
        let label = if wd > 70.0 * dpr { &g.label } else { &g.short };
        bars::text(ctx, label, x + wd / 2.0, h - below / 2.0);
        x += wd;
    }
}

/// A faint vertical line at `x` across a strip.
fn separator(ctx: &web_sys::CanvasRenderingContext2d, x: f64, s: Strip, color: &str, dpr: f64) {
    ctx.set_global_alpha(0.35);
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(dpr);
    ctx.begin_path();
    ctx.move_to(x, s.y_mid - s.half);
    ctx.line_to(x, s.y_mid + s.half);
    ctx.stroke();
    ctx.set_global_alpha(1.0);
}
