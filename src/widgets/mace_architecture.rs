//! `mace-architecture`: the blocks of a MACE model as a diagram of focusable buttons — the
//! neighbour list and the element embedding, then for every interaction layer the radial network,
//! the spherical harmonics, the tensor product, the sum over neighbours, the skip connection, the
//! symmetric contraction, the linear update and the readout, and finally the energy and the forces
//! as the backward pass. Clicking a block (or Enter / Space on it; arrow keys move between blocks)
//! shows its equation, one sentence on what it does and the shapes of its tensors for the current
//! molecule, with the numbers it produces where there are any (site energies, forces).
//!
//! The layers come from [`MaceModel::summary`], so a model loaded by the reader with one or three
//! layers, other irreps or another correlation order draws its own diagram. The live shapes use
//! one evaluation of the model on the molecule (energy and forces: `E` edges within `r_max`,
//! `N` atoms), repeated whenever the model or the molecule changes.

use std::rc::Rc;

use crate::number::sig;
use leptos::prelude::*;
use multiace_core::mace::{EvalOptions, LayerSummary, MaceModel, ModelSummary};
use multiace_core::so3::{Irreps, Parity};
use multiace_core::structure::{atomic_number, Structure};
use wasm_bindgen::JsCast;

use super::controls::{molecule_select, UPLOAD};
use super::frame::{write_url, DevNotes, WidgetFrame};
use super::mace_model::{load_shipped_model, model_upload_control};
use super::math_label::{math, prose};
use super::params::Params;
use super::upload::{upload_control_checked, upload_label};
use super::view3d::molecule::{builtin_xyz, first_frame};

/// The molecules of the chapter-03 widgets (all made of H, C and O, the shipped model's elements).
pub(super) const MOLECULES: [&str; 5] = ["water", "methane", "ethanol", "benzene", "aspirin"];
/// Rows of the per-atom tables in a panel (an uploaded molecule may have thousands of atoms).
const MAX_ROWS: usize = 40;
/// Largest layer number a `block` parameter may name.
const MAX_LAYER: usize = 9;

/// The first frame of a shipped molecule.
pub(super) fn molecule_structure(name: &str) -> Result<Structure, String> {
    let text = builtin_xyz(name)
        .ok_or_else(|| format!("molecule '{name}' is not shipped with the book"))?;
    first_frame(text)
}

/// The reference energy E0 of every atom (eV), from the model's table; 0 for an element the model
/// does not know (such a structure fails to evaluate anyway).
pub(super) fn reference_energies(model: &MaceModel, e0: &[f64], s: &Structure) -> Vec<f64> {
    s.species
        .iter()
        .map(|sym| {
            atomic_number(sym)
                .and_then(|z| {
                    model
                        .atomic_numbers()
                        .iter()
                        .position(|&a| a == u32::from(z))
                })
                .and_then(|k| e0.get(k).copied())
                .unwrap_or(0.0)
        })
        .collect()
}

/// Milliseconds since the page loaded (for timings).
pub(super) fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Irreps as HTML that may break after each `+`.
fn irreps_html(s: &str) -> String {
    s.split('+')
        .map(|part| {
            part.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("+<wbr>")
}

/// "[9, 144]".
fn shape(dims: &[usize]) -> String {
    let parts: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
    format!("[{}]", parts.join(", "))
}

/// Energies in eV with a sign and fixed decimals.
fn fmt_ev(x: f64) -> String {
    format!("{x:+.6}")
}

/// The blocks of the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Edges,
    Embedding,
    Radial,
    Harmonics,
    Tp,
    Sum,
    Skip,
    Product,
    Update,
    Readout,
    Energy,
    Forces,
}

const LAYER_KINDS: [Kind; 8] = [
    Kind::Radial,
    Kind::Harmonics,
    Kind::Tp,
    Kind::Sum,
    Kind::Skip,
    Kind::Product,
    Kind::Update,
    Kind::Readout,
];
const MODEL_KINDS: [Kind; 4] = [Kind::Edges, Kind::Embedding, Kind::Energy, Kind::Forces];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Edges => "edges",
            Kind::Embedding => "embedding",
            Kind::Radial => "radial",
            Kind::Harmonics => "harmonics",
            Kind::Tp => "tp",
            Kind::Sum => "sum",
            Kind::Skip => "skip",
            Kind::Product => "product",
            Kind::Update => "update",
            Kind::Readout => "readout",
            Kind::Energy => "energy",
            Kind::Forces => "forces",
        }
    }

    fn per_layer(self) -> bool {
        LAYER_KINDS.contains(&self)
    }

    /// The colour family of the block: per edge, per atom, the product basis, the outputs.
    fn family(self) -> &'static str {
        match self {
            Kind::Radial | Kind::Harmonics | Kind::Tp | Kind::Edges => "fam-edge",
            Kind::Product => "fam-product",
            Kind::Energy | Kind::Forces | Kind::Readout => "fam-out",
            _ => "fam-node",
        }
    }
}

/// One block: its kind and, for the per-layer kinds, the layer (from 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct BlockId {
    kind: Kind,
    layer: usize,
}

impl BlockId {
    const DEFAULT: BlockId = BlockId {
        kind: Kind::Tp,
        layer: 1,
    };

    /// The stable slug used in the URL: `edges`, `tp-1`, `product-2`, `energy`, ….
    fn slug(self) -> String {
        if self.kind.per_layer() {
            format!("{}-{}", self.kind.name(), self.layer)
        } else {
            self.kind.name().to_string()
        }
    }

    fn parse(s: &str) -> Option<BlockId> {
        let s = s.trim().to_ascii_lowercase();
        if let Some(kind) = MODEL_KINDS.iter().find(|k| k.name() == s) {
            return Some(BlockId {
                kind: *kind,
                layer: 0,
            });
        }
        let (name, layer) = s.rsplit_once('-')?;
        let layer: usize = layer.parse().ok()?;
        let kind = LAYER_KINDS.iter().find(|k| k.name() == name)?;
        (1..=MAX_LAYER)
            .contains(&layer)
            .then_some(BlockId { kind: *kind, layer })
    }

    /// The same block in a model of `layers` layers (a layer beyond the last becomes the last).
    fn clamped(self, layers: usize) -> BlockId {
        if self.kind.per_layer() && self.layer > layers {
            BlockId {
                kind: self.kind,
                layer: layers.max(1),
            }
        } else {
            self
        }
    }
}

/// Sizes of one layer, from the summary's irreps strings.
#[derive(Clone, Debug)]
struct LayerInfo {
    s: LayerSummary,
    node_dim: usize,
    message_dim: usize,
    target_dim: usize,
    out_dim: usize,
    /// Scalar (0e) components of the output: what the readout sees.
    out_scalars: usize,
    /// Hidden width of an MLP readout.
    readout_hidden: Option<usize>,
}

fn dim(irreps: &str) -> usize {
    irreps.parse::<Irreps>().map(|i| i.dim()).unwrap_or(0)
}

fn scalars(irreps: &str) -> usize {
    irreps
        .parse::<Irreps>()
        .map(|i| {
            i.0.iter()
                .filter(|t| t.ir.l == 0 && t.ir.p == Parity::Even)
                .map(|t| t.mul)
                .sum()
        })
        .unwrap_or(0)
}

/// What the diagram needs to know about a model.
struct Arch {
    model: Rc<MaceModel>,
    summary: ModelSummary,
    layers: Vec<LayerInfo>,
    sh_irreps: String,
    sh_dim: usize,
    emb_dim: usize,
    species: usize,
}

impl Arch {
    fn of(model: Rc<MaceModel>) -> Arch {
        let summary = model.summary();
        let layers = summary
            .layers
            .iter()
            .map(|l| LayerInfo {
                node_dim: dim(&l.node_irreps),
                message_dim: dim(&l.message_irreps),
                target_dim: dim(&l.target_irreps),
                out_dim: dim(&l.output_irreps),
                out_scalars: scalars(&l.output_irreps),
                readout_hidden: l.readout.strip_prefix("MLP ").map(|h| dim(h.trim())),
                s: l.clone(),
            })
            .collect();
        let sh = Irreps::spherical_harmonics(summary.sh_lmax);
        Arch {
            sh_irreps: sh.to_string(),
            sh_dim: sh.dim(),
            emb_dim: dim(&summary.embedding_irreps),
            species: model.atomic_numbers().len(),
            layers,
            summary,
            model,
        }
    }

    /// Every block in diagram order (the order the arrow keys follow).
    fn blocks(&self) -> Vec<BlockId> {
        let mut v = vec![
            BlockId {
                kind: Kind::Edges,
                layer: 0,
            },
            BlockId {
                kind: Kind::Embedding,
                layer: 0,
            },
        ];
        for (k, l) in self.layers.iter().enumerate() {
            let t = k + 1;
            let kinds: &[Kind] = if l.s.residual {
                &[
                    Kind::Radial,
                    Kind::Harmonics,
                    Kind::Tp,
                    Kind::Sum,
                    Kind::Product,
                    Kind::Skip,
                    Kind::Update,
                    Kind::Readout,
                ]
            } else {
                &LAYER_KINDS
            };
            v.extend(kinds.iter().map(|&kind| BlockId { kind, layer: t }));
        }
        v.push(BlockId {
            kind: Kind::Energy,
            layer: 0,
        });
        v.push(BlockId {
            kind: Kind::Forces,
            layer: 0,
        });
        v
    }

    fn layer(&self, t: usize) -> Option<&LayerInfo> {
        t.checked_sub(1).and_then(|k| self.layers.get(k))
    }
}

/// One evaluation of the model on the molecule.
#[derive(Clone, Debug, PartialEq)]
struct Live {
    symbols: Vec<String>,
    edges: usize,
    energy: f64,
    interaction: f64,
    e0: Vec<f64>,
    site: Vec<f64>,
    layer_energies: Vec<Vec<f64>>,
    forces: Vec<[f64; 3]>,
    ms: f64,
}

impl Live {
    fn n(&self) -> usize {
        self.symbols.len()
    }
}

fn evaluate(model: &MaceModel, e0: &[f64], s: &Structure) -> Result<Live, String> {
    let t0 = now_ms();
    let out = model
        .evaluate(s, &mut model.workspace(), EvalOptions::default())
        .map_err(|e| e.to_string())?;
    Ok(Live {
        symbols: s.species.clone(),
        edges: out.edges,
        energy: out.energy,
        interaction: out.interaction_energy,
        e0: reference_energies(model, e0, s),
        site: out.energies,
        layer_energies: out.layer_energies,
        forces: out.forces,
        ms: now_ms() - t0,
    })
}

/// The label of a block and its shape line (live where it depends on the molecule).
fn label(a: &Arch, id: BlockId, live: Option<&Live>) -> (String, String) {
    let n = live.map_or("N".to_string(), |l| l.n().to_string());
    let e = live.map_or("E".to_string(), |l| l.edges.to_string());
    let l = a.layer(id.layer);
    let text = match id.kind {
        Kind::Edges => "neighbour list".to_string(),
        Kind::Embedding => "node embedding".to_string(),
        Kind::Radial => "radial basis + MLP".to_string(),
        Kind::Harmonics => "spherical harmonics $Y$".to_string(),
        Kind::Tp => "tensor product (message)".to_string(),
        Kind::Sum => "Σ neighbours / $N_{avg}$ + linear → $A$".to_string(),
        Kind::Skip => {
            if l.is_some_and(|l| l.s.residual) {
                "skip connection (residual)".to_string()
            } else {
                "skip (element-dependent)".to_string()
            }
        }
        Kind::Product => format!(
            "product basis $B$ ($ν$ = {})",
            l.map_or(0, |l| l.s.correlation)
        ),
        Kind::Update => {
            if l.is_some_and(|l| l.s.residual) {
                "linear update + residual".to_string()
            } else {
                "linear update".to_string()
            }
        }
        Kind::Readout => {
            let how = l.map_or("", |l| {
                if l.readout_hidden.is_some() {
                    "MLP"
                } else {
                    "linear"
                }
            });
            format!("readout $ψ_{}$ ({how}) → $E$", id.layer)
        }
        Kind::Energy => "energy $E$ = Σ site energies".to_string(),
        Kind::Forces => "forces $F = −∂E/∂r$".to_string(),
    };
    let dims = match (id.kind, l) {
        (Kind::Edges, _) => format!("E = {e} edges, N = {n} atoms"),
        (Kind::Embedding, _) => format!("[{n}, {}]", a.emb_dim),
        (Kind::Radial, Some(l)) => format!(
            "[{e}, {}]",
            l.s.radial_mlp.last().copied().unwrap_or_default()
        ),
        (Kind::Harmonics, _) => format!("[{e}, {}]", a.sh_dim),
        (Kind::Tp, Some(l)) => format!("[{e}, {}]", l.message_dim),
        (Kind::Sum, Some(l)) => format!("[{n}, {}]", l.target_dim),
        (Kind::Skip, Some(l)) => {
            if l.s.residual {
                format!("[{n}, {}]", l.out_dim)
            } else {
                format!("[{n}, {}]", l.target_dim)
            }
        }
        (Kind::Product | Kind::Update, Some(l)) => format!("[{n}, {}]", l.out_dim),
        (Kind::Readout, _) => format!("[{n}]"),
        (Kind::Energy, _) => live.map_or("[1]".into(), |l| format!("{:.4} eV", l.energy)),
        (Kind::Forces, _) => format!("[{n}, 3]"),
        _ => String::new(),
    };
    (text, dims)
}

/// The panel of one block: title, equation (HTML), explanation, shape rows
/// (tensor as math, irreps, shape) and, for some blocks, per-atom numbers.
struct Panel {
    title: String,
    equation: String,
    explain: String,
    rows: Vec<(String, String, String)>,
    numbers: Option<Numbers>,
}

/// A table of per-atom numbers with a summary line.
struct Numbers {
    caption: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    more: usize,
    summary: Vec<(String, String)>,
}

fn per_atom(live: &Live, cols: impl Fn(usize) -> Vec<String>) -> (Vec<Vec<String>>, usize) {
    let n = live.n();
    let rows = (0..n.min(MAX_ROWS))
        .map(|i| {
            let mut r = vec![format!("{i} · {}", live.symbols[i])];
            r.extend(cols(i));
            r
        })
        .collect();
    (rows, n.saturating_sub(MAX_ROWS))
}

fn panel(a: &Arch, id: BlockId, live: Option<&Live>) -> Panel {
    let n = live.map_or("N".to_string(), |l| l.n().to_string());
    let e = live.map_or("E".to_string(), |l| l.edges.to_string());
    let nn = |d: usize| format!("[{n}, {d}]");
    let ee = |d: usize| format!("[{e}, {d}]");
    let s = &a.summary;
    let t = id.layer;
    let tm1 = t.saturating_sub(1);
    let row = |name: &str, irreps: &str, sh: String| (prose(name), irreps.to_string(), sh);
    let (title, _) = label(a, id, live);
    let title = if id.kind.per_layer() {
        format!("layer {t}: {title}")
    } else {
        title
    };
    let l = a.layer(t);
    let mut numbers = None;
    let (equation, explain, rows) = match (id.kind, l) {
        (Kind::Edges, _) => {
            if let Some(lv) = live {
                let avg = lv.edges as f64 / lv.n().max(1) as f64;
                numbers = Some(Numbers {
                    caption: String::new(),
                    header: Vec::new(),
                    rows: Vec::new(),
                    more: 0,
                    summary: vec![
                        ("edges $E$".into(), lv.edges.to_string()),
                        ("neighbours per atom here".into(), format!("{avg:.2}")),
                        (
                            "$N_{avg}$ of the training set".into(),
                            s.layers
                                .first()
                                .map_or("–".into(), |l| format!("{:.3}", l.avg_num_neighbors)),
                        ),
                    ],
                });
            }
            (
                math(&format!("N(i) = \\{{ j ≠ i : |r_{{ij}}| < r_{{max}} \\}},   r_{{ij}} = r_i − r_j   (r_{{max}} = {} Å)", s.r_max)),
                "Every ordered pair of atoms closer than the cutoff is an edge $j → i$ that carries a message; the edge vector is mace-torch's $r_i − r_j$, from the neighbour to the centre.".to_string(),
                vec![
                    row("positions $r$", "", nn(3)),
                    row("elements $z$", "", format!("[{n}]")),
                    row("edges (receiver $i$, sender $j$)", "", format!("[{e}, 2]")),
                    row("edge vectors $r_{ij}$", "1x1o", ee(3)),
                ],
            )
        }
        (Kind::Embedding, _) => (
            math("h^{(0)}_i = W_{z_i} / √S"),
            format!("Each of the $S$ = {} elements ({}) has a learned vector of scalar channels: the first features know only the atom's own element.", a.species, s.elements),
            vec![
                row("one-hot element", "", nn(a.species)),
                row("$W$", "", shape(&[a.species, a.emb_dim])),
                row("$h^{(0)}$", &s.embedding_irreps, nn(a.emb_dim)),
            ],
        ),
        (Kind::Radial, Some(l)) => {
            let sizes: Vec<String> = l.s.radial_mlp.iter().map(|d| d.to_string()).collect();
            let w = l.s.radial_mlp.last().copied().unwrap_or_default();
            (
                math(&format!(
                    "R^{{({t})}}(r_{{ij}}) = MLP_{t}(b_1(r_{{ij}}), …, b_{{{nb}}}(r_{{ij}})),   b_n(r) = √(2/r_{{max}}) · sin(nπr/r_{{max}}) / r · f_{{{p}}}(r/r_{{max}})",
                    nb = s.num_bessel,
                    p = s.polynomial_p
                )),
                format!("A learned function of the bond length gives one weight per tensor-product path and channel ({} paths × {} channels = {w}); it vanishes smoothly at $r_{{max}}$. The {} Bessel functions are computed once per edge and shared by the layers.", l.s.tp_paths, w / l.s.tp_paths.max(1), s.num_bessel),
                vec![
                    row("distances $r_{ij}$", "", format!("[{e}]")),
                    row("Bessel basis $b(r_{ij})$", "", ee(s.num_bessel)),
                    row("MLP widths", "", format!("[{}]", sizes.join(", "))),
                    row(&format!("weights $R^{{({t})}}$"), "", ee(w)),
                ],
            )
        }
        (Kind::Harmonics, _) => (
            math(&format!("Y_{{lm}}(r̂_{{ij}}),   l = 0 … {},   r̂_{{ij}} = r_{{ij}} / |r_{{ij}}|", s.sh_lmax)),
            "The direction of each bond in real spherical harmonics (e3nn's convention, component normalisation); computed once per edge and shared by every layer.".to_string(),
            vec![
                row("$r̂_{ij}$", "1x1o", ee(3)),
                row("$Y(r̂_{ij})$", &a.sh_irreps, ee(a.sh_dim)),
            ],
        ),
        (Kind::Tp, Some(l)) => (
            math(&format!("h̃_j = Linear(h^{{({tm1})}}_j),   φ^{{({t})}}_{{ij,pc}} = R^{{({t})}}_{{pc}}(r_{{ij}}) · (h̃_{{j,c}} ⊗ Y(r̂_{{ij}}))_p")),
            format!("A channel-wise ('uvu') tensor product of the neighbour's features with the bond's harmonics, one term per path $p = (l_1 ⊗ l_2 → l_3)$ kept by the target irreps ({} paths here), each weighted per channel by the radial network: the one-particle basis of this layer.", l.s.tp_paths),
            vec![
                row(&format!("$h^{{({tm1})}}$"), &l.s.node_irreps, nn(l.node_dim)),
                row("$h̃ = Linear(h)$", &l.s.node_irreps, nn(l.node_dim)),
                row("$Y(r̂_{ij})$", &a.sh_irreps, ee(a.sh_dim)),
                row(&format!("$R^{{({t})}}$"), "", ee(l.s.radial_mlp.last().copied().unwrap_or_default())),
                row(&format!("messages $φ^{{({t})}}_{{ij}}$"), &l.s.message_irreps, ee(l.message_dim)),
            ],
        ),
        (Kind::Sum, Some(l)) => (
            math(&format!("A^{{({t})}}_i = Linear( (1/N_{{avg}}) Σ_{{j∈N(i)}} φ^{{({t})}}_{{ij}} )")),
            format!("Pooling the edges on their receiving atom gives the atomic basis $A$; the constant $N_{{avg}}$ = {:.3} (fixed from the training set) keeps the sum of order one, and the linear map mixes the copies that different paths produce of the same irrep.", l.s.avg_num_neighbors),
            vec![
                row("$Σ_j φ_{ij}$", &l.s.message_irreps, nn(l.message_dim)),
                row(&format!("$A^{{({t})}}$"), &l.s.target_irreps, nn(l.target_dim)),
            ],
        ),
        (Kind::Skip, Some(l)) => {
            if l.s.residual {
                (
                    math(&format!("sc^{{({t})}}_i = W̃^{{({t})}}_{{z_i}} h^{{({tm1})}}_i")),
                    "An element-dependent linear map of the atom's incoming features, added to the update: information passes to the next layer without going through the products.".to_string(),
                    vec![
                        row(&format!("$h^{{({tm1})}}$"), &l.s.node_irreps, nn(l.node_dim)),
                        row(&format!("$sc^{{({t})}}$"), &l.s.output_irreps, nn(l.out_dim)),
                    ],
                )
            } else {
                (
                    math(&format!("m^{{({t})}}_i = W^{{({t})}}_{{z_i}} A^{{({t})}}_i")),
                    "mace-torch's first layer has no residual: an element-dependent linear map (one channel-mixing matrix per element of the centre) acts on the pooled message before the product.".to_string(),
                    vec![
                        row(&format!("$A^{{({t})}}$"), &l.s.target_irreps, nn(l.target_dim)),
                        row(&format!("$m^{{({t})}}$"), &l.s.target_irreps, nn(l.target_dim)),
                    ],
                )
            }
        }
        (Kind::Product, Some(l)) => {
            let nu = l.s.correlation;
            let mono: Vec<String> = l
                .s
                .monomials
                .iter()
                .enumerate()
                .map(|(k, m)| format!("ν = {}: {m}", k + 1))
                .collect();
            (
                math(&format!("B^{{({t})}}_{{i,cLM}} = Σ_{{ν=1}}^{{{nu}}} Σ_η W^ν_{{z_i,η,c}} Σ_{{α_1…α_ν}} U^{{ν,L}}_{{M,α_1…α_ν,η}} ∏_{{ξ=1}}^ν A^{{({t})}}_{{i,cα_ξ}}")),
                format!("Products of up to $ν$ = {nu} copies of the atomic basis within each channel, coupled back to irreps by mace-torch's generalised Clebsch–Gordan tensors $U$ and weighted per element of the centre: the product basis, {}-body in the first layer.", nu + 1),
                vec![
                    row(&format!("$A^{{({t})}}$ (in)"), &l.s.target_irreps, nn(l.target_dim)),
                    row(&format!("$B^{{({t})}}$ (out)"), &l.s.output_irreps, nn(l.out_dim)),
                    row("distinct monomials per channel", "", mono.join(", ")),
                ],
            )
        }
        (Kind::Update, Some(l)) => {
            let eq = if l.s.residual {
                format!("h^{{({t})}}_i = Linear(B^{{({t})}}_i) + sc^{{({t})}}_i")
            } else {
                format!("h^{{({t})}}_i = Linear(B^{{({t})}}_i)")
            };
            let last = t == a.layers.len();
            (
                math(&eq),
                if last {
                    "A linear map of the product basis gives the atom's new features; in the last layer they are scalars only, since only the energy readout follows.".to_string()
                } else {
                    "A linear map (mixing channels, irrep by irrep) of the product basis gives the atom's new features, the input of the next layer.".to_string()
                },
                vec![
                    row(&format!("$B^{{({t})}}$"), &l.s.output_irreps, nn(l.out_dim)),
                    row(&format!("$h^{{({t})}}$"), &l.s.output_irreps, nn(l.out_dim)),
                ],
            )
        }
        (Kind::Readout, Some(l)) => {
            let c = l.out_scalars;
            let (eq, how) = match l.readout_hidden {
                Some(hid) => (
                    format!("ψ_{t}(h_i) = (1/√{hid}) Σ_k w′_k φ_{{SiLU}}( Σ_c W″_{{kc}} h^{{({t})}}_{{i,c}} / √{c} ),   φ_{{SiLU}}(x) = 1.679 · x / (1 + e^{{−x}})"),
                    format!("A small MLP with {hid} hidden units (SiLU, e3nn-normalised) maps the {c} scalar channels to one number per atom: the only non-polynomial function of the features in the model."),
                ),
                None => (
                    format!("ψ_{t}(h_i) = Σ_c w_c h^{{({t})}}_{{i,c}} / √{c}"),
                    format!("A linear map of the {c} scalar channels gives this layer's share of the site energy; the non-scalar channels cannot enter a linear map to a scalar."),
                ),
            };
            let mut rows = vec![
                row(&format!("scalars of $h^{{({t})}}$"), &format!("{c}x0e"), nn(c)),
            ];
            if let Some(hid) = l.readout_hidden {
                rows.push(row("hidden", &format!("{hid}x0e"), nn(hid)));
            }
            rows.push(row(&format!("$ψ_{t}$"), "1x0e", format!("[{n}]")));
            if let Some(lv) = live {
                let vals = lv.layer_energies.get(t - 1);
                let (r, more) = per_atom(lv, |i| {
                    let v = vals.and_then(|v| v.get(i)).copied().unwrap_or(f64::NAN);
                    vec![format!("{v:+.6}"), fmt_ev(s.scale * v)]
                });
                let sum: f64 = vals.map_or(0.0, |v| v.iter().sum());
                numbers = Some(Numbers {
                    caption: format!("$ψ_{t}$ per atom (before and after the scale $s$ = {:.6} eV)", s.scale),
                    header: vec!["atom".into(), format!("$ψ_{t}$"), format!("$s·ψ_{t}$ (eV)")],
                    rows: r,
                    more,
                    summary: vec![(format!("$Σ_i s·ψ_{t}$ (eV)"), fmt_ev(s.scale * sum))],
                });
            }
            (math(&eq), how, rows)
        }
        (Kind::Energy, _) => {
            if let Some(lv) = live {
                let (r, more) = per_atom(lv, |i| {
                    let e0 = lv.e0.get(i).copied().unwrap_or(0.0);
                    let si = lv.site.get(i).copied().unwrap_or(0.0);
                    vec![format!("{e0:.6}"), fmt_ev(si - e0), format!("{si:.6}")]
                });
                let e0sum: f64 = lv.e0.iter().sum();
                numbers = Some(Numbers {
                    caption: "site energies $E_i$ (eV)".into(),
                    header: vec!["atom".into(), "$E_0(z_i)$".into(), "$E_i − E_0$".into(), "$E_i$".into()],
                    rows: r,
                    more,
                    summary: vec![
                        ("$E$ (eV)".into(), format!("{:.6}", lv.energy)),
                        ("$Σ_i E_0(z_i)$ (eV)".into(), format!("{e0sum:.6}")),
                        ("interaction energy $E − Σ_i E_0(z_i)$ (eV)".into(), fmt_ev(lv.interaction)),
                    ],
                });
            }
            let sum_t = if a.layers.len() == 1 { "ψ_1(h^{(1)}_i)".to_string() } else { "Σ_t ψ_t(h^{(t)}_i)".to_string() };
            (
                math(&format!("E = Σ_i E_i,   E_i = E_0(z_i) + s · {sum_t} + b")),
                format!("The site energies add each layer's readout, scaled by $s$ = {:.6} eV and shifted by $b$ = {:.6} eV, to a fixed reference energy per element; only their sum $E$ is fitted to data.", s.scale, s.shift),
                vec![
                    row("$E_i$", "", format!("[{n}]")),
                    row("$E$", "", "[1]".into()),
                ],
            )
        }
        (Kind::Forces, _) => {
            if let Some(lv) = live {
                let (r, more) = per_atom(lv, |i| {
                    let f = lv.forces.get(i).copied().unwrap_or([f64::NAN; 3]);
                    let m = (f[0] * f[0] + f[1] * f[1] + f[2] * f[2]).sqrt();
                    vec![format!("{:+.4}", f[0]), format!("{:+.4}", f[1]), format!("{:+.4}", f[2]), format!("{m:.4}")]
                });
                let max = lv
                    .forces
                    .iter()
                    .map(|f| (f[0] * f[0] + f[1] * f[1] + f[2] * f[2]).sqrt())
                    .fold(0.0, f64::max);
                let tot = (0..3)
                    .map(|c| lv.forces.iter().map(|f| f[c]).sum::<f64>().powi(2))
                    .sum::<f64>()
                    .sqrt();
                numbers = Some(Numbers {
                    caption: "forces (eV/Å)".into(),
                    header: vec!["atom".into(), "$F_x$".into(), "$F_y$".into(), "$F_z$".into(), "$|F|$".into()],
                    rows: r,
                    more,
                    summary: vec![
                        ("max $|F_a|$ (eV/Å)".into(), format!("{max:.4}")),
                        ("$|Σ_a F_a|$ (eV/Å; zero: $E$ does not change under translation)".into(), sig(tot, 2)),
                    ],
                });
            }
            (
                math("F_a = −∂E/∂r_a"),
                "A backward pass written by hand carries $∂E/∂x$ from the energy back through every block (readouts, update, product, sum, tensor product, radial network and harmonics) to the edge vectors, then to the atoms.".to_string(),
                vec![
                    row("$∂E/∂r_{ij}$", "1x1o", ee(3)),
                    row("$F$", "1x1o", nn(3)),
                ],
            )
        }
        _ => (String::new(), "This block is not in the loaded model.".to_string(), Vec::new()),
    };
    Panel {
        title,
        equation,
        explain,
        rows,
        numbers,
    }
}

/// After a click on a block, scrolls the page so that the block's panel shows, if it is entirely
/// below the window (on a phone the diagram is taller than the screen).
fn reveal_panel(ev: &web_sys::MouseEvent) {
    let panel = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(".widget").ok().flatten());
    let Some(widget) = panel else { return };
    // An embed never scrolls on a click (its frame is a slide's or a course page's, and the host
    // script sizes it to the whole widget).
    if document()
        .document_element()
        .is_some_and(|r| r.class_list().contains("embedded"))
    {
        return;
    }
    request_animation_frame(move || {
        let Some(p) = widget.query_selector(".arch-panel").ok().flatten() else {
            return;
        };
        let top = p.get_bounding_client_rect().top();
        let vh = window()
            .inner_height()
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        if vh > 0.0 && top > vh - 40.0 {
            window().scroll_by_with_x_and_y(0.0, top - 0.25 * vh);
        }
    });
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let mol0 = p.choice("molecule", "ethanol", &MOLECULES);
    let block0 = match p.raw("block").map(str::to_owned) {
        None => BlockId::DEFAULT,
        Some(v) => BlockId::parse(&v).unwrap_or_else(|| {
            let shown: String = v.chars().take(24).collect();
            p.notice(format!(
                "block: '{shown}' is not a block of the diagram (edges, embedding, radial-1, harmonics-1, tp-1, sum-1, skip-1, product-1, update-1, readout-1, …, energy, forces); using {}",
                BlockId::DEFAULT.slug()
            ));
            BlockId::DEFAULT
        }),
    };
    let pass = p.passthrough();
    let notices = p.notices();

    let model = RwSignal::new_local(None::<Rc<MaceModel>>);
    let load_error = RwSignal::new(None::<String>);
    load_shipped_model(model, load_error);
    let arch = RwSignal::new_local(None::<Rc<Arch>>);
    let molecule = RwSignal::new(mol0);
    let structure = RwSignal::new_local(molecule_structure(mol0).ok().map(Rc::new));
    let uploaded = StoredValue::new_local(None::<Rc<Structure>>);
    let upload_name = RwSignal::new(None::<String>);
    let live = RwSignal::new(None::<Result<Live, String>>);
    let upload_refused = RwSignal::new(None::<String>);
    let selected = RwSignal::new(block0);
    let layer_note = RwSignal::new(None::<String>);

    let state = Signal::derive(move || {
        let mol = match molecule.get() {
            UPLOAD => String::new(),
            name => format!("molecule={name}&"),
        };
        format!("{mol}block={}{pass}", selected.get().slug())
    });
    let save = move || write_url(embedded, &state.get_untracked());

    // A new model: its diagram, and the selected block moved into it if it named a missing layer.
    Effect::new(move |_| {
        let Some(m) = model.get() else { return };
        let a = Rc::new(Arch::of(m));
        let layers = a.layers.len();
        let sel = selected.get_untracked();
        let c = sel.clamped(layers);
        if c != sel {
            layer_note.set(Some(format!(
                "This model has {layers} layer(s): showing {} instead of {}.",
                c.slug(),
                sel.slug()
            )));
            selected.set(c);
        }
        arch.set(Some(a));
    });
    // Model or molecule changed: one evaluation gives the live shapes and numbers.
    Effect::new(move |_| {
        let (Some(a), Some(s)) = (arch.get(), structure.get()) else {
            return;
        };
        live.set(Some(evaluate(&a.model, &a.summary.e0, &s)));
    });

    let select_molecule = move |name: &'static str| {
        let s = if name == UPLOAD {
            uploaded.get_value()
        } else {
            molecule_structure(name).ok().map(Rc::new)
        };
        if let Some(s) = s {
            upload_refused.set(None);
            structure.set(Some(s));
            molecule.set(name);
            save();
        }
    };
    let on_upload = Callback::new(move |st: Structure| {
        let label = upload_label(&st);
        // a molecule the current model cannot evaluate is refused, the previous one kept
        if let Some(a) = arch.get_untracked() {
            if let Err(e) = evaluate(&a.model, &a.summary.e0, &st) {
                upload_refused.set(Some(format!("{e} — the previous molecule is kept.")));
                return false;
            }
        }
        upload_refused.set(None);
        let st = Rc::new(st);
        uploaded.set_value(Some(st.clone()));
        upload_name.set(Some(label));
        structure.set(Some(st));
        molecule.set(UPLOAD);
        save();
        true
    });
    let on_model = Callback::new(move |m: Rc<MaceModel>| {
        model.set(Some(m));
    });

    let select = move |id: BlockId| {
        layer_note.set(None);
        selected.set(id);
        save();
    };
    // Arrow keys / Home / End move the selection (and the focus) along the diagram.
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let Some(a) = arch.get_untracked() else {
            return;
        };
        let order = a.blocks();
        let cur = order
            .iter()
            .position(|b| *b == selected.get_untracked())
            .unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowDown" | "ArrowRight" => (cur + 1).min(order.len().saturating_sub(1)),
            "ArrowUp" | "ArrowLeft" => cur.saturating_sub(1),
            "Home" => 0,
            "End" => order.len().saturating_sub(1),
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
        let Some(id) = order.get(next).copied() else {
            return;
        };
        select(id);
        let target = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(".arch-diagram").ok().flatten())
            .and_then(|d| {
                d.query_selector(&format!("[data-block=\"{}\"]", id.slug()))
                    .ok()
                    .flatten()
            })
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(el) = target {
            crate::util::focus_no_scroll(&el);
        }
    };

    let live_ok = move || live.get().and_then(Result::ok);
    let block_button = move |id: BlockId| {
        // The button is named by what it shows (axe: label-content-name-mismatch); only the layer,
        // which the stage title shows once for all its blocks, is added for screen readers.
        let layer = id.kind.per_layer().then(
            || view! { <span class="visually-hidden">{format!("layer {}: ", id.layer)}</span> },
        );
        let text = move || {
            arch.get()
                .map(|a| label(&a, id, live_ok().as_ref()))
                .unwrap_or_default()
        };
        view! {
            <button type="button" class=format!("arch-block {}", id.kind.family())
                data-block=id.slug()
                aria-pressed=move || (selected.get() == id).to_string()
                tabindex=move || if selected.get() == id { "0" } else { "-1" }
                on:click=move |ev| {
                    select(id);
                    reveal_panel(&ev);
                }
                on:keydown=on_key>
                {layer}
                <span class="arch-label" inner_html=move || prose(&text().0)></span>
                <span class="arch-shape">{move || text().1}</span>
            </button>
        }
    };
    let arrow = |s: &'static str| view! { <span class="arch-arrow" aria-hidden="true">{s}</span> };

    let diagram = move || {
        let a = arch.get()?;
        let stages = a
            .layers
            .iter()
            .enumerate()
            .map(|(k, l)| {
                let t = k + 1;
                let b = |kind| block_button(BlockId { kind, layer: t });
                let head = format!(
                    "layer {t} · ν = {} · {}",
                    l.s.correlation,
                    if l.s.residual { "residual" } else { "no residual" }
                );
                let middle = if l.s.residual {
                    view! {
                        {b(Kind::Sum)}
                        {arrow("↓")}
                        <div class="arch-pair">{b(Kind::Product)}{b(Kind::Skip)}</div>
                        {arrow("↓")}
                    }
                    .into_any()
                } else {
                    view! {
                        {b(Kind::Sum)}
                        {arrow("↓")}
                        {b(Kind::Skip)}
                        {arrow("↓")}
                        {b(Kind::Product)}
                        {arrow("↓")}
                    }
                    .into_any()
                };
                view! {
                    <div class="arch-stage arch-layer" role="group" aria-label=format!("interaction layer {t}")>
                        <p class="arch-stage-title">{head}</p>
                        <div class="arch-pair">{b(Kind::Radial)}{b(Kind::Harmonics)}</div>
                        {arrow("↓")}
                        {b(Kind::Tp)}
                        {arrow("↓")}
                        {middle}
                        {b(Kind::Update)}
                        {arrow("↓")}
                        {b(Kind::Readout)}
                    </div>
                }
            })
            .collect_view();
        let m = |kind| block_button(BlockId { kind, layer: 0 });
        Some(view! {
            <div class="arch-diagram" role="group" aria-label="The blocks of the MACE model, in the order they run">
                <div class="arch-stage" role="group" aria-label="input">
                    <p class="arch-stage-title">"input"</p>
                    {m(Kind::Edges)}
                    {arrow("↓")}
                    {m(Kind::Embedding)}
                    <span class="arch-arrow arch-next" aria-hidden="true">"→ layer 1"</span>
                </div>
                {stages}
                <div class="arch-stage" role="group" aria-label="output">
                    <p class="arch-stage-title">"output"</p>
                    {m(Kind::Energy)}
                    {arrow("↑ backward pass ↓")}
                    {m(Kind::Forces)}
                </div>
            </div>
        })
    };

    let panel_view = move || {
        let a = arch.get()?;
        let id = selected.get();
        let lv = live.get();
        let ok = lv.as_ref().and_then(|r| r.as_ref().ok());
        let pn = panel(&a, id, ok);
        let rows = pn
            .rows
            .into_iter()
            .map(|(name, irreps, sh)| {
                view! {
                    <tr>
                        <td inner_html=name></td>
                        <td class="irreps" inner_html=irreps_html(&irreps)></td>
                        <td class="num">{sh}</td>
                    </tr>
                }
            })
            .collect_view();
        let numbers = pn.numbers.map(|nb| {
            let summary = nb
                .summary
                .into_iter()
                .map(|(k, v)| view! { <tr><td inner_html=prose(&k)></td><td class="num">{v}</td></tr> })
                .collect_view();
            let table = (!nb.rows.is_empty()).then(|| {
                let header = nb
                    .header
                    .into_iter()
                    .map(|h| view! { <th scope="col" inner_html=prose(&h)></th> })
                    .collect_view();
                let body = nb
                    .rows
                    .into_iter()
                    .map(|r| {
                        let cells = r
                            .into_iter()
                            .enumerate()
                            .map(|(k, c)| {
                                if k == 0 {
                                    view! { <th scope="row">{c}</th> }.into_any()
                                } else {
                                    view! { <td class="num">{c}</td> }.into_any()
                                }
                            })
                            .collect_view();
                        view! { <tr>{cells}</tr> }
                    })
                    .collect_view();
                let more = (nb.more > 0).then(|| {
                    view! { <p class="small">{format!("… and {} more atoms", nb.more)}</p> }
                });
                view! {
                    <div class="arch-table-wrap">
                        <table class="arch-numbers">
                            <caption inner_html=prose(&nb.caption)></caption>
                            <thead><tr>{header}</tr></thead>
                            <tbody>{body}</tbody>
                        </table>
                        {more}
                    </div>
                }
            });
            view! {
                <table class="counts arch-summary" data-testid="arch-numbers"><tbody>{summary}</tbody></table>
                {table}
            }
        });
        let err = lv.and_then(Result::err).map(|e| {
            view! { <p class="widget-error" role="alert" data-testid="arch-eval-error">{e}</p> }
        });
        Some(view! {
            <div class="arch-panel" role="region" tabindex="0" aria-live="polite" aria-label="the selected block"
                data-testid="arch-panel" data-block=id.slug()>
                {super::frame::sub_heading("arch-panel-title", prose(&pn.title))}
                <p class="arch-eq" data-testid="arch-equation" tabindex="0" inner_html=pn.equation></p>
                <p class="arch-explain" inner_html=prose(&pn.explain)></p>
                {err}
                <table class="counts arch-shapes" data-testid="arch-shapes">
                    <thead><tr><th scope="col">"tensor"</th><th scope="col">"irreps"</th><th scope="col">"shape"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                {numbers}
            </div>
        })
    };

    let model_line = move || {
        let a = arch.get()?;
        let s = &a.summary;
        Some(format!(
            "{}: elements {}, $r_{{max}}$ = {} Å, {} Bessel functions ($p$ = {}), $Y$ up to $l$ = {}, {} layer{}, $ν$ = {}",
            s.model_class,
            s.elements,
            s.r_max,
            s.num_bessel,
            s.polynomial_p,
            s.sh_lmax,
            s.layers.len(),
            if s.layers.len() == 1 { "" } else { "s" },
            s.layers
                .iter()
                .map(|l| l.correlation.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ))
    };

    view! {
        <WidgetFrame name="mace-architecture" title="The MACE model, block by block" notices=notices state=state>
            <p class="convention" inner_html=prose("Click a block (or Tab to the diagram, move with the arrow keys, Home and End) to see its equation and the shapes of its tensors for the current molecule: $N$ atoms, $E$ directed edges within $r_{max}$. Blue: per edge; green: per atom; orange: the product basis; purple: energy and forces.")></p>
            {move || {
                (arch.get().is_none() && load_error.get().is_none()).then(|| view! {
                    <p class="readout small" data-testid="model-loading" role="status">"loading model…"</p>
                })
            }}
            {move || load_error.get().map(|e| view! { <p class="widget-error" role="alert">{e}</p> })}
            {move || layer_note.get().map(|e| view! { <p class="widget-notice" role="status">{e}</p> })}
            {diagram}
            {panel_view}
            <p class="readout small" data-testid="arch-model"
                data-edges=move || live.get().and_then(Result::ok).map(|l| l.edges.to_string())
                data-atoms=move || live.get().and_then(Result::ok).map(|l| l.n().to_string())
                data-energy=move || live.get().and_then(Result::ok).map(|l| format!("{:e}", l.energy))
                data-compute-ms=move || live.get().and_then(Result::ok).map(|l| format!("{:.3}", l.ms))
                inner_html=move || model_line().map(|l| prose(&l))>
            </p>
            <DevNotes>
                <p class="readout small">{move || live.get().and_then(Result::ok).map(|l| format!("energy and forces of {} atoms in {:.2} ms", l.n(), l.ms))}</p>
            </DevNotes>
            <div class="widget-controls">
                <label class="ctl">
                    <span class="ctl-name">"molecule"</span>
                    {molecule_select(molecule, &MOLECULES, Some(upload_name), "", select_molecule)}
                    <span></span>
                </label>
                {upload_control_checked(on_upload)}
                {model_upload_control(on_model)}
            </div>
            {move || upload_refused.get().map(|e| view! {
                <p class="widget-error" role="alert" data-testid="molecule-error">{e}</p>
            })}
        </WidgetFrame>
    }
    .into_any()
}
