//! `equivariant-layer`: one NequIP-style interaction layer with fixed random weights on a molecule,
//! beside a non-equivariant baseline. Left: an l = 1 output channel of every atom after the layer,
//! as arrows. Right: the 3-vector a multilayer perceptron computes for every atom from the raw
//! Cartesian coordinates of its nearest neighbours. The reader rotates the molecule (drag, touch,
//! arrow keys); the left arrows turn with it, the right ones do not, and both equivariance errors
//! max |f(Rx) − D(R) f(x)| are printed live.
//!
//! Everything numeric is the core's: `nn::SpeciesEmbedding` (one-hot species → `8x0e`),
//! `nn::InteractionLayer` (`8x0e` → `8x0e+4x1o(+2x2e+2x3o)`, seeded N(0, 1) weights),
//! `structure::neighbour_list`, `so3::wigner_d_all` for D(R), and `nn::FullyConnectedNet`
//! (`[12, 32, 32, 3]`, silu, seeded weights) for the baseline.
//!
//! Per rotation: the layer is evaluated **on the rotated positions** (a fresh neighbour list of R x;
//! the species embedding, the layer and f(x) at the starting pose are kept), so the check compares
//! two independent evaluations. The solid arrows are f(Rx), what the layer computes for the rotated
//! molecule; the dashed arrows are D(R) f(x), the starting output rotated. The baseline's inputs are
//! the relative coordinates r_j − r_i of each atom's four nearest neighbours (nearest first; the
//! order is fixed once, distances do not change under rotation), zero-padded for small molecules.

use crate::number::sig;
use leptos::html;
use leptos::prelude::*;
use multiace_core::nn::{
    Activation, FullyConnectedNet, InteractionLayer, InteractionSpec, InteractionWorkspace,
    SpeciesEmbedding,
};
use multiace_core::so3::{
    apply, random_rotation, spherical_harmonics, transpose, wigner_d_all, Irrep, Irreps, Mat3,
    MulIr, Normalization, Parity, SplitMix64, IDENTITY,
};
use multiace_core::structure::{neighbour_list, Structure};

use super::arrows;
use super::bars;
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
/// Largest molecule evaluated at every frame.
const MAX_ATOMS: usize = 300;
/// Largest number of directed edges evaluated at every frame: one edge costs about 1.3 µs in a
/// release build (measured: 228 edges of aspirin 0.4 ms, 3826 edges 5 ms, 14674 edges 17 ms for
/// both models and the check), so 3000 edges keep a frame near the 4 ms budget.
const MAX_EDGES: usize = 3000;
/// Neighbours whose coordinates the baseline sees.
const K_NN: usize = 4;
/// Channels of the species embedding.
const EMBED: usize = 8;
/// Copies of 1o in the layer's output (the channel slider's range).
const VECTORS: usize = 4;
/// Longest arrow at the starting pose (Å).
const ARROW: f64 = 1.2;
/// Largest possible radius of an l = 2 glyph at the starting pose (Å).
const GLYPH: f64 = 0.75;
/// Directions sampled around an l = 2 glyph.
const GLYPH_STEPS: usize = 36;
/// Colours of the layer's and the baseline's arrows.
const LAYER_COLOR: &str = "#1b9e77";
const MLP_COLOR: &str = "#d95f02";

/// Everything that defines the two models (not the pose).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Setup {
    seed: u64,
    lmax: usize,
    rcut: f64,
}

const DEFAULT: Setup = Setup {
    seed: 1,
    lmax: 2,
    rcut: 4.0,
};

/// The layer's hidden irreps for edge harmonics up to `lmax`: `8x0e+4x1o`, plus `2x2e` and `2x3o`
/// when the harmonics reach them (from `0e` inputs, Y^l gives exactly the irrep `l` with parity (−1)^l).
fn hidden(lmax: usize) -> Irreps {
    let mut t = vec![
        MulIr {
            mul: 8,
            ir: Irrep::new(0, Parity::Even),
        },
        MulIr {
            mul: VECTORS,
            ir: Irrep::new(1, Parity::Odd),
        },
    ];
    if lmax >= 2 {
        t.push(MulIr {
            mul: 2,
            ir: Irrep::new(2, Parity::Even),
        });
    }
    if lmax >= 3 {
        t.push(MulIr {
            mul: 2,
            ir: Irrep::new(3, Parity::Odd),
        });
    }
    Irreps(t)
}

/// The readouts after an evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Readout {
    layer: f64,
    mlp: f64,
    /// Wall time of one evaluation of both models on the rotated molecule, with the check (ms).
    ms: f64,
}

/// One block of the output: offset in a row, multiplicity, degree.
#[derive(Clone, Copy, Debug)]
struct Block {
    offset: usize,
    mul: usize,
    l: usize,
}

/// The two models on one molecule, their outputs at the starting pose and per-frame buffers.
struct Model {
    setup: Setup,
    layer: InteractionLayer,
    ws: InteractionWorkspace,
    /// The molecule whose positions are overwritten with R x per frame.
    structure: Structure,
    /// Positions centred on the centroid (Å): the starting pose.
    x0: Vec<[f64; 3]>,
    h0: Vec<f64>,
    dout: usize,
    blocks: Vec<Block>,
    /// Offset of the 1o block in a row.
    l1: usize,
    /// Offset and multiplicity of the 2e block, if the output has one.
    l2: Option<(usize, usize)>,
    /// Å per unit of the l = 2 function (largest glyph = `GLYPH` Å at the start).
    glyph_scale: f64,
    lmax_out: usize,
    /// f(x) at the starting pose and f(Rx) now.
    out0: Vec<f64>,
    out: Vec<f64>,
    /// D(R) f(x).
    rot0: Vec<f64>,
    edges: usize,
    avg: f64,
    /// Å per unit of each 1o channel (longest arrow = `ARROW` Å at the start).
    layer_scale: [f64; VECTORS],
    // the baseline
    mlp: FullyConnectedNet,
    mlp_w: Vec<f64>,
    /// `K_NN` neighbours per atom, nearest first; `usize::MAX` pads.
    knn: Vec<usize>,
    mlp_in: Vec<f64>,
    mlp_scratch: Vec<f64>,
    mlp0: Vec<[f64; 3]>,
    mlp_now: Vec<[f64; 3]>,
    mlp_scale: f64,
}

impl Model {
    fn new(species: &[String], x0: &[[f64; 3]], setup: Setup) -> Result<Model, String> {
        let n = x0.len();
        if n == 0 {
            return Err("the molecule has no atoms".into());
        }
        if n > MAX_ATOMS {
            return Err(format!(
                "{n} atoms: this widget evaluates the layer at every frame and takes molecules of at most {MAX_ATOMS} atoms"
            ));
        }
        let structure = Structure::new(species.to_vec(), x0.to_vec());
        let set = structure.species_set();
        let z: Vec<usize> = species
            .iter()
            .map(|s| set.iter().position(|t| t == s).unwrap_or(0))
            .collect();
        let nl = neighbour_list(&structure, setup.rcut).map_err(|e| e.to_string())?;
        let edges = nl.num_pairs();
        if edges > MAX_EDGES {
            return Err(format!(
                "{edges} directed edges within r_cut = {} Å: too many to re-evaluate the layer at every frame (at most {MAX_EDGES}); lower r_cut or load a smaller molecule",
                fmt_f64(setup.rcut)
            ));
        }
        let avg = (edges as f64 / n as f64).max(1.0);
        let embed_irreps = Irreps(vec![MulIr {
            mul: EMBED,
            ir: Irrep::new(0, Parity::Even),
        }]);
        let embed = SpeciesEmbedding::new(set.len(), &embed_irreps, setup.seed ^ 0x5eed_e3b0)
            .map_err(|e| e.to_string())?;
        let mut h0 = vec![0.0; n * EMBED];
        embed.forward(&z, &mut h0).map_err(|e| e.to_string())?;
        let spec = InteractionSpec::new(
            embed_irreps,
            hidden(setup.lmax),
            setup.lmax,
            setup.rcut,
            avg,
        );
        let layer = InteractionLayer::new(spec, setup.seed).map_err(|e| e.to_string())?;
        let irreps_out = layer.irreps_out().clone();
        let dout = irreps_out.dim();
        let mut blocks = Vec::new();
        let mut off = 0;
        let mut l1 = None;
        let mut l2 = None;
        for t in &irreps_out.0 {
            if t.ir.l == 1 && l1.is_none() {
                l1 = Some(off);
            }
            if t.ir.l == 2 && l2.is_none() {
                l2 = Some((off, t.mul));
            }
            blocks.push(Block {
                offset: off,
                mul: t.mul,
                l: t.ir.l,
            });
            off += t.dim();
        }
        let l1 = l1.ok_or_else(|| format!("the layer's output {irreps_out} has no l = 1 part"))?;
        let lmax_out = irreps_out.lmax().unwrap_or(0);
        let mut ws = layer.workspace();
        let mut out0 = vec![0.0; n * dout];
        layer
            .forward(&mut ws, &nl, &h0, &mut out0)
            .map_err(|e| e.to_string())?;

        // the baseline: nearest neighbours by distance (rotation-invariant, fixed once)
        let mut knn = vec![usize::MAX; n * K_NN];
        let mut order: Vec<(f64, usize)> = Vec::with_capacity(n);
        for i in 0..n {
            order.clear();
            order.extend((0..n).filter(|&j| j != i).map(|j| {
                let d = [0, 1, 2].map(|c| x0[j][c] - x0[i][c]);
                (d[0] * d[0] + d[1] * d[1] + d[2] * d[2], j)
            }));
            order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for (k, &(_, j)) in order.iter().take(K_NN).enumerate() {
                knn[i * K_NN + k] = j;
            }
        }
        let mlp = FullyConnectedNet::new(&[3 * K_NN, 32, 32, 3], Some(Activation::Silu))
            .map_err(|e| e.to_string())?;
        let mut rng = SplitMix64::new(setup.seed ^ 0x00b1_a5e1_14e5);
        let mlp_w = (0..mlp.weight_numel()).map(|_| rng.normal()).collect();
        let mut m = Model {
            setup,
            ws,
            structure,
            x0: x0.to_vec(),
            h0,
            dout,
            blocks,
            l1,
            l2,
            glyph_scale: 0.0,
            lmax_out,
            rot0: out0.clone(),
            out: out0.clone(),
            out0,
            edges,
            avg,
            layer_scale: [0.0; VECTORS],
            knn,
            mlp_in: vec![0.0; 3 * K_NN],
            mlp_scratch: vec![0.0; mlp.scratch_len()],
            mlp0: vec![[0.0; 3]; n],
            mlp_now: vec![[0.0; 3]; n],
            mlp_scale: 0.0,
            mlp,
            mlp_w,
            layer,
        };
        m.baseline(&IDENTITY);
        m.mlp0.copy_from_slice(&m.mlp_now);
        for c in 0..VECTORS {
            let top = (0..n)
                .map(|i| norm(m.vector(&m.out0, i, c)))
                .fold(0.0, f64::max);
            m.layer_scale[c] = if top > 1e-12 { ARROW / top } else { 0.0 };
        }
        if let Some((off, _)) = m.l2 {
            // |Σ_m c_m Y_2m(n)| ≤ √5 |c| with component-normalised harmonics
            let top = (0..n)
                .map(|i| {
                    let o = i * m.dout + off;
                    m.out0[o..o + 5].iter().map(|v| v * v).sum::<f64>().sqrt()
                })
                .fold(0.0, f64::max);
            m.glyph_scale = if top > 1e-12 {
                GLYPH / (5f64.sqrt() * top)
            } else {
                0.0
            };
        }
        let top = m.mlp0.iter().map(|v| norm(*v)).fold(0.0, f64::max);
        m.mlp_scale = if top > 1e-12 { ARROW / top } else { 0.0 };
        Ok(m)
    }

    /// Channel `c` of the 1o block of atom `i` in `out`.
    fn vector(&self, out: &[f64], i: usize, c: usize) -> [f64; 3] {
        let o = i * self.dout + self.l1 + 3 * c;
        [out[o], out[o + 1], out[o + 2]]
    }

    /// The baseline on the molecule rotated by `r`, into `mlp_now`.
    fn baseline(&mut self, r: &Mat3) {
        let n = self.x0.len();
        for i in 0..n {
            for k in 0..K_NN {
                let j = self.knn[i * K_NN + k];
                let d = if j == usize::MAX {
                    [0.0; 3]
                } else {
                    apply(r, [0, 1, 2].map(|c| self.x0[j][c] - self.x0[i][c]))
                };
                self.mlp_in[3 * k..3 * k + 3].copy_from_slice(&d);
            }
            let mut y = [0.0; 3];
            self.mlp
                .forward(&self.mlp_w, &self.mlp_in, &mut y, &mut self.mlp_scratch);
            self.mlp_now[i] = y;
        }
    }

    /// Both models on the molecule rotated by `r`, and both equivariance errors.
    fn evaluate(&mut self, r: &Mat3) -> Result<(f64, f64), String> {
        for (p, x) in self.structure.positions.iter_mut().zip(&self.x0) {
            *p = apply(r, *x);
        }
        let nl = neighbour_list(&self.structure, self.setup.rcut).map_err(|e| e.to_string())?;
        self.layer
            .forward(&mut self.ws, &nl, &self.h0, &mut self.out)
            .map_err(|e| e.to_string())?;
        // D(R) f(x), block by block (D¹ = R; D⁰ = 1)
        let d = wigner_d_all(self.lmax_out, r);
        let mut err = 0.0f64;
        for i in 0..self.x0.len() {
            let row = i * self.dout;
            for b in &self.blocks {
                let dim = 2 * b.l + 1;
                let Some(dl) = d.get(b.l) else { continue };
                for u in 0..b.mul {
                    let base = row + b.offset + u * dim;
                    for a in 0..dim {
                        let want: f64 = (0..dim).map(|k| dl[(a, k)] * self.out0[base + k]).sum();
                        self.rot0[base + a] = want;
                        err = err.max((self.out[base + a] - want).abs());
                    }
                }
            }
        }
        self.baseline(r);
        let mut err_mlp = 0.0f64;
        for (now, start) in self.mlp_now.iter().zip(&self.mlp0) {
            let want = apply(r, *start);
            for c in 0..3 {
                err_mlp = err_mlp.max((now[c] - want[c]).abs());
            }
        }
        Ok((err, err_mlp))
    }
}

fn norm(v: [f64; 3]) -> f64 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

/// A molecule the widget can show.
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

/// Browser-side state.
struct Scene {
    molecules: MoleculeChoices<Entry>,
    model: Option<Model>,
    /// The molecule drawn (centred starting pose; the rotation is applied when drawing).
    shown: Option<Molecule>,
    painters: [MoleculePainter; 2],
    zoom: f64,
}

impl Scene {
    /// Builds both models for molecule `name`; on error the previous ones stay.
    fn rebuild(&mut self, name: &str, setup: Setup) -> Result<(), String> {
        let entry = self
            .molecules
            .get(name)
            .ok_or_else(|| format!("molecule '{name}' is not available"))?;
        let model = Model::new(&entry.species, &entry.molecule.positions, setup)?;
        self.shown = Some(entry.molecule.clone());
        self.model = Some(model);
        Ok(())
    }
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let mol0 = p.choice("molecule", "ethanol", &MOLECULES);
    let requested = Setup {
        seed: p.int("seed", DEFAULT.seed as i64, 0, 999_999) as u64,
        lmax: p.int("lmax", DEFAULT.lmax as i64, 1, 3) as usize,
        rcut: p.float("rcut", DEFAULT.rcut, 2.0, 6.0),
    };
    let channel0 = p.int("channel", 1, 1, VECTORS as i64) as usize - 1;
    let l2_0 = p.flag("l2", false);
    let dpr = p.dpr();
    let pass = p.passthrough();

    let molecules = MoleculeChoices::new(&MOLECULES, |s| Entry::of(&s));
    let mut scene0 = Scene {
        molecules,
        model: None,
        shown: None,
        painters: Default::default(),
        zoom: 1.0,
    };
    let setup0 = match scene0.rebuild(mol0, requested) {
        Ok(()) => requested,
        Err(e) => {
            p.notice(format!("{e}; using the defaults"));
            let _ = scene0.rebuild(mol0, DEFAULT);
            DEFAULT
        }
    };
    let notices = p.notices();

    let setup = RwSignal::new(setup0);
    let molecule = RwSignal::new(mol0);
    let channel = RwSignal::new(channel0);
    let show_l2 = RwSignal::new(l2_0);
    let rot = RwSignal::new(IDENTITY);
    let version = RwSignal::new(0u32);
    let readout = RwSignal::new(Readout::default());
    let change_error = RwSignal::new(None::<String>);
    let upload_name = RwSignal::new(None::<String>);

    let state = Signal::derive(move || {
        let s = setup.get();
        let mol = match molecule.get() {
            UPLOAD => String::new(),
            name => format!("molecule={name}&"),
        };
        format!(
            "{mol}seed={}&lmax={}&rcut={}&channel={}&l2={}{pass}",
            s.seed,
            s.lmax,
            fmt_f64(s.rcut),
            channel.get() + 1,
            u8::from(show_l2.get())
        )
    });
    let save = move || write_url(embedded, &state.get_untracked());

    let scene = StoredValue::new_local(scene0);
    let view_m = default_view();
    let canvases = [
        NodeRef::<html::Canvas>::new(),
        NodeRef::<html::Canvas>::new(),
    ];
    let painters = [0usize, 1].map(|side| {
        StoredValue::new_local(Painter::new(canvases[side], dpr, move |f| {
            let r = rot.get_untracked();
            let c = channel.get_untracked();
            let l2 = show_l2.get_untracked();
            scene.try_update_value(|sc| draw_side(f, sc, side, &view_m, &r, c, l2));
        }))
    });
    let redraw = move || {
        for pt in painters {
            pt.try_with_value(Painter::request);
        }
    };

    // Per rotation (and per new model): both models on the rotated molecule, the check, the views.
    Effect::new(move |_| {
        let r = rot.get();
        version.track();
        let perf = window().performance();
        let t0 = perf.as_ref().map_or(0.0, |p| p.now());
        let res = scene
            .try_update_value(|sc| sc.model.as_mut().map(|m| m.evaluate(&r)))
            .flatten();
        let ms = perf.as_ref().map_or(0.0, |p| p.now()) - t0;
        match res {
            Some(Ok((layer, mlp))) => readout.set(Readout { layer, mlp, ms }),
            Some(Err(e)) => change_error.set(Some(e)),
            None => {}
        }
        redraw();
    });
    Effect::new(move |_| {
        channel.track();
        show_l2.track();
        redraw();
    });

    let change = move |name: &'static str, s: Setup| -> bool {
        let res = scene
            .try_update_value(|sc| sc.rebuild(name, s))
            .unwrap_or_else(|| Err("the widget is gone".into()));
        match res {
            Ok(()) => {
                change_error.set(None);
                setup.set(s);
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

    let on_upload = Callback::new(move |st: Structure| {
        let entry = Entry::of(&st);
        let label = upload_label(&st);
        let previous = scene
            .try_update_value(|s| s.molecules.replace_upload(Some(entry)))
            .flatten();
        if change(UPLOAD, setup.get_untracked()) {
            upload_name.set(Some(label));
            rot.set(IDENTITY);
            save();
        } else {
            scene.try_update_value(|s| s.molecules.replace_upload(previous));
        }
    });

    let drags = [0, 1].map(|_| StoredValue::new_local(DragTracker::default()));
    let side_view = move |side: usize| {
        let drag = drags[side];
        let (caption, testid, what, note) = if side == 0 {
            (
                "equivariant interaction layer",
                "layer-equivariance",
                "max |f(Rx) − D(R) f(x)| over all outputs",
                " (rounding error: the arrows turn with the molecule)",
            )
        } else {
            (
                "MLP on neighbour coordinates",
                "mlp-equivariance",
                "max |f(Rx) − R f(x)|",
                " (of the order of the outputs: the arrows do not turn with it)",
            )
        };
        view! {
            <figure class="nn-figure">
                <canvas role="img" node_ref=canvases[side] class="view3d" tabindex="0"
                    aria-label=format!("{caption}: drag to rotate the molecule in both views; arrow keys rotate when focused")
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
                            redraw();
                        }
                    }></canvas>
                <figcaption>
                    <strong>{caption}</strong>
                    <p class="readout" data-testid=testid
                        data-value=move || { let o = readout.get(); format!("{:e}", if side == 0 { o.layer } else { o.mlp }) }
                        data-compute-ms=move || format!("{:.3}", readout.get().ms)>
                        {what}" = "
                        <strong>{move || { let o = readout.get(); sig(if side == 0 { o.layer } else { o.mlp }, 2) }}</strong>
                        <span class="small">{note}</span>
                    </p>
                </figcaption>
            </figure>
        }
    };

    let info = move || {
        version.track();
        scene
            .try_with_value(|sc| {
                sc.model.as_ref().map(|m| {
                    format!(
                        "{} atoms, {} directed edges within r_cut = {} Å (N_avg = {:.2}); features 8x0e (species embedding) → {} ; Y up to l = {}. Baseline: MLP [12, 32, 32, 3] (silu) on the coordinates of the {K_NN} nearest neighbours.",
                        m.x0.len(),
                        m.edges,
                        fmt_f64(m.setup.rcut),
                        m.avg,
                        m.layer.irreps_out(),
                        m.setup.lmax
                    )
                })
            })
            .flatten()
            .unwrap_or_default()
    };

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
                                change(molecule.get_untracked(), s);
                            }
                        }
                    }
                    on:change=move |_| save() />
                <span class="ctl-value">{move || get(&setup.get()).to_string()}</span>
            </label>
        }
    };

    view! {
        <WidgetFrame name="equivariant-layer" title="An equivariant layer versus a plain MLP" notices=notices state=state>
            <p class="convention">"Left: the l = 1 output (one channel) of every atom after one interaction layer with fixed random weights. Right: a 3-vector per atom from an ordinary MLP fed with raw coordinates. Solid: the output for the rotated molecule, f(Rx). Dashed: the starting output rotated, D(R) f(x). Drag either view to rotate the molecule."</p>
            {move || change_error.get().map(|e| view! { <p class="widget-notice" role="status">{e}</p> })}
            <div class="widget-row nn-pair">
                {side_view(0)}
                {side_view(1)}
            </div>
            <p class="readout small" data-testid="layer-info">{info}</p>
            <DevNotes>
                <p class="readout small">{move || format!("both models and the check on the rotated molecule: {:.2} ms per rotation", readout.get().ms)}</p>
            </DevNotes>
            <div class="widget-controls">
                <label class="ctl">
                    <span class="ctl-name">"molecule"</span>
                    {molecule_select(molecule, &MOLECULES, Some(upload_name), "", move |name| {
                        if change(name, setup.get_untracked()) {
                            rot.set(IDENTITY);
                            save();
                        }
                    })}
                    <span></span>
                </label>
                {upload_control(on_upload)}
                <fieldset class="ctl-group">
                    <legend>"the layer"</legend>
                    {int_slider("l_max of Y", 1, 3, |s| s.lmax, |s, v| s.lmax = v)}
                    <RangeSlider label="$r_{cut}$" min=2.0 max=6.0 step=0.1 format=|v| format!("{v:.1} Å")
                        value=Signal::derive(move || setup.get().rcut)
                        on_input=move |v: f64| {
                            let mut s = setup.get_untracked();
                            s.rcut = v.clamp(2.0, 6.0);
                            change(molecule.get_untracked(), s);
                        }
                        on_change=move |_| save() />
                    <label class="ctl">
                        <span class="ctl-name">"channel"</span>
                        <input type="range" min="1" max=VECTORS step="1" prop:value=move || (channel.get() + 1).to_string()
                            on:input=move |ev| {
                                if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                                    channel.set(v.clamp(1, VECTORS) - 1);
                                }
                            }
                            on:change=move |_| save() />
                        <span class="ctl-value">{move || format!("{} of {VECTORS}", channel.get() + 1)}</span>
                    </label>
                    <label class="ctl-check">
                        <input type="checkbox" prop:checked=move || show_l2.get()
                            prop:disabled=move || setup.get().lmax < 2
                            on:change=move |ev| { show_l2.set(event_target_checked(&ev)); save(); } />
                        " l = 2 glyphs (first 2e channel, sliced in the screen plane; needs l_max ≥ 2)"
                    </label>
                    <div class="chips">
                        <button type="button" class="chip" on:click=move |_| {
                            let mut s = setup.get_untracked();
                            s.seed = (s.seed + 1) % 1_000_000;
                            if change(molecule.get_untracked(), s) {
                                save();
                            }
                        }>"new random weights"</button>
                        <span class="small">{move || format!("seed {}", setup.get().seed)}</span>
                    </div>
                </fieldset>
                <fieldset class="ctl-group">
                    <legend>"rotate"</legend>
                    <div class="chips">
                        <button type="button" class="chip" on:click=move |_| {
                            let s = window().performance().map_or(1, |p| (p.now() * 1000.0) as u64);
                            let mut rng = SplitMix64::new(s ^ 0x9e37_79b9_7f4a_7c15);
                            rot.set(random_rotation(&mut rng));
                        }>"random rotation"</button>
                        <button type="button" class="chip" on:click=move |_| {
                            rot.set(IDENTITY);
                            scene.try_update_value(|s| s.zoom = 1.0);
                        }>"starting pose"</button>
                    </div>
                    <p class="widget-hint">"Drag (or touch) either view; arrow keys rotate once a view has focus; the wheel zooms a focused view."</p>
                </fieldset>
            </div>
        </WidgetFrame>
    }
    .into_any()
}

/// One side: the molecule at R x and one arrow per atom, the dashed D(R) f(x) under the solid f(Rx).
fn draw_side(
    f: &Frame,
    sc: &mut Scene,
    side: usize,
    view_m: &Mat3,
    r: &Mat3,
    channel: usize,
    l2: bool,
) {
    let Scene {
        model,
        shown,
        painters,
        zoom,
        ..
    } = sc;
    let (Some(m), Some(mol)) = (model.as_ref(), shown.as_ref()) else {
        return;
    };
    if mol.positions.len() != m.x0.len() {
        return;
    }
    let ctx = f.ctx;
    let dpr = f.dpr;
    let extent = mol.extent.max(1.2) + 0.5 * ARROW;
    let mut cam = Camera::fit(f.width, f.height, extent, *view_m);
    cam.scale *= *zoom;
    let color = f.text_color();
    ctx.set_global_alpha(0.4);
    draw_axes(ctx, &cam, &IDENTITY, extent * 0.85, &color, dpr);
    ctx.set_global_alpha(1.0);
    painters[side].draw(ctx, &cam, mol, r);
    if side == 0 && l2 {
        draw_glyphs(ctx, &cam, m, view_m, r);
    }

    let c = channel.min(VECTORS - 1);
    let (col, scale) = if side == 0 {
        (LAYER_COLOR, m.layer_scale[c])
    } else {
        (MLP_COLOR, m.mlp_scale)
    };
    // an arrow of the baseline may grow under rotation: keep it inside the view
    let clamp = |v: [f64; 3]| {
        let s = v.map(|x| x * scale);
        let l = norm(s);
        if l > 2.0 * ARROW {
            s.map(|x| x * 2.0 * ARROW / l)
        } else {
            s
        }
    };
    ctx.set_line_cap("round");
    for pass in 0..2 {
        if pass == 0 {
            arrows::dashes(ctx, Some(dpr));
            ctx.set_stroke_style_str(&color);
            ctx.set_global_alpha(0.75);
        } else {
            arrows::dashes(ctx, None);
            ctx.set_stroke_style_str(col);
            ctx.set_fill_style_str(col);
            ctx.set_global_alpha(0.9);
        }
        for (i, x) in m.x0.iter().enumerate() {
            let base = apply(r, *x);
            let v = match (side, pass) {
                (0, 0) => m.vector(&m.rot0, i, c),
                (0, _) => m.vector(&m.out, i, c),
                (_, 0) => apply(r, m.mlp0[i]),
                _ => m.mlp_now[i],
            };
            let d = clamp(v);
            let tip = [base[0] + d[0], base[1] + d[1], base[2] + d[2]];
            if pass == 0 {
                arrows::arrow_open(ctx, &cam, base, tip, 1.4 * dpr);
            } else {
                arrows::arrow(ctx, &cam, base, tip, 2.6 * dpr);
            }
        }
    }
    ctx.set_global_alpha(1.0);
    bars::font(ctx, 12.0, dpr, "left");
    ctx.set_fill_style_str(&color);
    bars::text(
        ctx,
        if side == 0 {
            "equivariant layer"
        } else {
            "MLP baseline"
        },
        8.0 * dpr,
        14.0 * dpr,
    );
}

/// The l = 2 output f(Rx) of every atom (its first `2e` channel, coefficients c_m) as the polar
/// plot of f(n) = Σ_m c_m Y_2m(n) over the directions n in the screen plane through the atom:
/// blue lobes where f > 0, orange where f < 0. A slice of the function, not of the molecule: it
/// turns rigidly with the molecule because D²(R) turns the coefficients.
fn draw_glyphs(
    ctx: &web_sys::CanvasRenderingContext2d,
    cam: &Camera,
    m: &Model,
    view_m: &Mat3,
    r: &Mat3,
) {
    let Some((off, _)) = m.l2 else {
        return;
    };
    if m.glyph_scale <= 0.0 {
        return;
    }
    let back = transpose(view_m);
    let mut y = [0.0; 9];
    ctx.set_global_alpha(0.6);
    for (sign, color) in [(1.0, bars::POSITIVE), (-1.0, bars::NEGATIVE)] {
        ctx.set_fill_style_str(color);
        ctx.begin_path();
        for (i, x) in m.x0.iter().enumerate() {
            let base = apply(r, *x);
            let o = i * m.dout + off;
            let c = &m.out[o..o + 5];
            for k in 0..=GLYPH_STEPS {
                let t = std::f64::consts::TAU * k as f64 / GLYPH_STEPS as f64;
                let n = apply(&back, [t.cos(), t.sin(), 0.0]);
                spherical_harmonics(2, n, Normalization::Component, true, &mut y);
                let f: f64 = c.iter().zip(&y[4..9]).map(|(a, b)| a * b).sum();
                let rad = m.glyph_scale * (sign * f).max(0.0);
                let s = cam.project([
                    base[0] + n[0] * rad,
                    base[1] + n[1] * rad,
                    base[2] + n[2] * rad,
                ]);
                if k == 0 {
                    ctx.move_to(s[0], s[1]);
                } else {
                    ctx.line_to(s[0], s[1]);
                }
            }
            ctx.close_path();
        }
        ctx.fill();
    }
    ctx.set_global_alpha(1.0);
}
