//! The widgets' registry as plain data: name, title, summary, chapter and URL parameters of
//! every widget. No web types, so the build-time page renderer (`crates/site`) reads the same
//! list as the app (it includes this file by path) and the two cannot disagree.

/// One URL parameter of a widget, as listed on the `/embed` index page.
pub struct ParamInfo {
    pub key: &'static str,
    pub default: &'static str,
    pub help: &'static str,
}

/// A registered widget: its stable name (the embed path), title, one-line summary, the chapter
/// that introduces it and its URL parameters.
pub struct WidgetInfo {
    pub name: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub chapter: &'static str,
    pub params: &'static [ParamInfo],
}

pub static CATALOGUE: &[WidgetInfo] = &[
    WidgetInfo {
        name: "rotation",
        title: "Rotating a molecule",
        summary: "A molecule rotated by drag, keys, Euler angles or axis-angle; its 3×3 matrix, determinant, Euler angles and quaternion.",
        chapter: "00-fundamentals",
        params: &[
            ParamInfo { key: "molecule", default: "water", help: "water | methane | ethanol | benzene" },
            ParamInfo { key: "alpha", default: "0", help: "first Euler angle (radians, e3nn Y-X-Y)" },
            ParamInfo { key: "beta", default: "0", help: "second Euler angle (radians)" },
            ParamInfo { key: "gamma", default: "0", help: "third Euler angle (radians)" },
            ParamInfo { key: "invert", default: "0", help: "1 applies the inversion −R (improper rotation)" },
        ],
    },
    WidgetInfo {
        name: "sh-explorer",
        title: "Real spherical harmonics",
        summary: "The surface |Y_lm| coloured by sign and its φ×θ map, in the e3nn convention.",
        chapter: "00-fundamentals",
        params: &[
            ParamInfo { key: "l", default: "2", help: "degree, 0..=8" },
            ParamInfo { key: "m", default: "1", help: "order, −l..=l" },
            ParamInfo { key: "norm", default: "integral", help: "integral | component | norm" },
        ],
    },
    WidgetInfo {
        name: "equivariance",
        title: "Equivariance of spherical harmonics",
        summary: "Y_l(Rx) and D^l(R) Y_l(x) side by side, their largest difference, and the block-diagonal D of 0⊕1⊕…⊕l.",
        chapter: "00-fundamentals",
        params: &[
            ParamInfo { key: "l", default: "2", help: "degree, 0..=10" },
            ParamInfo { key: "x", default: "0.3", help: "vector x component" },
            ParamInfo { key: "y", default: "0.8", help: "vector y component" },
            ParamInfo { key: "z", default: "0.5", help: "vector z component" },
            ParamInfo { key: "alpha", default: "1.0", help: "Euler angle α (radians, e3nn Y-X-Y)" },
            ParamInfo { key: "beta", default: "1.1", help: "Euler angle β (radians)" },
            ParamInfo { key: "gamma", default: "-0.4", help: "Euler angle γ (radians)" },
        ],
    },
    WidgetInfo {
        name: "clebsch-gordan",
        title: "Coupling two irreps (Clebsch–Gordan / Wigner 3j)",
        summary: "Which L appear in l1 ⊗ l2, the 3j tensor slices, and a live equivariance check of the coupling.",
        chapter: "00-fundamentals",
        params: &[
            ParamInfo { key: "l1", default: "1", help: "first degree, 0..=4" },
            ParamInfo { key: "l2", default: "1", help: "second degree, 0..=4" },
            ParamInfo { key: "p1", default: "o", help: "first parity, e | o" },
            ParamInfo { key: "p2", default: "o", help: "second parity, e | o" },
        ],
    },
    WidgetInfo {
        name: "neighbour-density",
        title: "The neighbour density of one atom",
        summary: "A molecule with a chosen centre and cutoff sphere; the smeared angular density of its neighbours beside its spherical-harmonic expansion to l_max, and the centre's atomic basis A.",
        chapter: "01-atomic-cluster-expansion",
        params: &[
            ParamInfo { key: "molecule", default: "ethanol", help: "water | methane | ethanol | benzene (or load an .xyz file)" },
            ParamInfo { key: "centre", default: "1", help: "index of the central atom (from 0)" },
            ParamInfo { key: "rcut", default: "4", help: "cutoff radius in Å, 1..=8" },
            ParamInfo { key: "lmax", default: "4", help: "expansion degree, 0..=12 (the A bars stop at 6)" },
            ParamInfo { key: "kappa", default: "8", help: "sharpness κ of the smearing, 1..=60" },
        ],
    },
    WidgetInfo {
        name: "radial-basis",
        title: "Radial basis functions",
        summary: "R_n(r) of the Bessel, Chebyshev and Gaussian bases with their cutoff envelope (and derivatives), read off under the pointer.",
        chapter: "01-atomic-cluster-expansion",
        params: &[
            ParamInfo { key: "basis", default: "bessel", help: "bessel | chebyshev | gaussian" },
            ParamInfo { key: "nmax", default: "6", help: "number of functions, 1..=12" },
            ParamInfo { key: "rcut", default: "5", help: "cutoff radius in Å, 2..=8" },
            ParamInfo { key: "deriv", default: "0", help: "1 also plots dR_n/dr" },
        ],
    },
    WidgetInfo {
        name: "ace-invariance",
        title: "A moves, B stays: the ACE pipeline for one atom",
        summary: "Rotate, translate and relabel a molecule: the atomic basis A of one atom moves, its invariants B stay put to rounding error; sizes of A and B per ν.",
        chapter: "01-atomic-cluster-expansion",
        params: &[
            ParamInfo { key: "molecule", default: "ethanol", help: "water | methane | ethanol | benzene (or load an .xyz file)" },
            ParamInfo { key: "centre", default: "1", help: "index of the central atom (from 0)" },
            ParamInfo { key: "nu", default: "3", help: "correlation order ν, 1..=4" },
            ParamInfo { key: "lmax", default: "2", help: "largest degree l, 0..=6" },
            ParamInfo { key: "nmax", default: "2", help: "Bessel radial functions, 1..=6" },
            ParamInfo { key: "rcut", default: "4", help: "cutoff radius in Å, 2..=8" },
        ],
    },
    WidgetInfo {
        name: "incompleteness",
        title: "Two environments the power spectrum cannot tell apart",
        summary: "Four like neighbours at 45° × {0,1,2,5} and {0,1,3,4}: equal ν = 2 invariants, different ν = 3 invariants.",
        chapter: "01-atomic-cluster-expansion",
        params: &[
            ParamInfo { key: "lmax", default: "6", help: "largest degree l, 0..=6" },
            ParamInfo { key: "r", default: "1.5", help: "distance of the neighbours in Å, 1..=3" },
        ],
    },
    WidgetInfo {
        name: "ace-fit",
        title: "Fitting a linear ACE to ethanol",
        summary: "A linear ACE fitted in the page to GFN2-xTB ethanol: basis size, train and test errors, parity plots and a learning curve.",
        chapter: "01-atomic-cluster-expansion",
        params: &[
            ParamInfo { key: "nu", default: "3", help: "correlation order ν, 1..=4" },
            ParamInfo { key: "nmax", default: "3", help: "radial functions, 1..=8" },
            ParamInfo { key: "lmax", default: "2", help: "largest l, 0..=6" },
            ParamInfo { key: "degree", default: "5", help: "keep products with Σ(n + l) ≤ degree; none = no cap" },
            ParamInfo { key: "ntrain", default: "100", help: "training structures, 1..=300" },
            ParamInfo { key: "basis", default: "bessel", help: "bessel | chebyshev | gaussian" },
            ParamInfo { key: "rcut", default: "4", help: "cutoff radius in Å, 2..=6" },
            ParamInfo { key: "ridge", default: "1e-7", help: "ridge strength λ, 1e-12..=1" },
        ],
    },
    WidgetInfo {
        name: "equivariant-layer",
        title: "An equivariant layer versus a plain MLP",
        summary: "One NequIP-style interaction layer with random weights on a molecule: its l = 1 outputs turn with the molecule (error ~1e-15), those of an MLP on raw coordinates do not.",
        chapter: "02-equivariant-neural-networks",
        params: &[
            ParamInfo { key: "molecule", default: "ethanol", help: "water | methane | ethanol | benzene (or load an .xyz file)" },
            ParamInfo { key: "seed", default: "1", help: "seed of the random weights, 0..=999999" },
            ParamInfo { key: "lmax", default: "2", help: "largest degree of the edge harmonics Y, 1..=3" },
            ParamInfo { key: "rcut", default: "4", help: "cutoff radius in Å, 2..=6" },
            ParamInfo { key: "channel", default: "1", help: "which of the 4 l = 1 output channels is drawn, 1..=4" },
            ParamInfo { key: "l2", default: "0", help: "1 also draws the l = 2 outputs as glyphs" },
        ],
    },
    WidgetInfo {
        name: "gate",
        title: "Nonlinearities: ReLU on components versus a gate",
        summary: "Random scalars and vectors through a component-wise ReLU and through e3nn's gate; rotate the input and only the gate's output turns with it.",
        chapter: "02-equivariant-neural-networks",
        params: &[
            ParamInfo { key: "act", default: "silu", help: "activation of the scalars: silu | tanh | relu" },
            ParamInfo { key: "n", default: "3", help: "number of vectors (1o), 1..=5" },
            ParamInfo { key: "seed", default: "1", help: "seed of the random features, 0..=999999" },
            ParamInfo { key: "angle", default: "1", help: "starting rotation angle (radians, −π..=π) about a fixed tilted axis" },
        ],
    },
    WidgetInfo {
        name: "vector-products",
        title: "The three products of two vectors: 1o ⊗ 1o = 0e + 1e + 2e",
        summary: "Drag two unit vectors: their dot product (0e), cross product (1e, a pseudovector) and l = 2 part (2e) from the core's tensor product, with a live equivariance and parity check.",
        chapter: "02-equivariant-neural-networks",
        params: &[
            ParamInfo { key: "a", default: "0.75,0.35,0.56", help: "first vector x,y,z (normalised)" },
            ParamInfo { key: "b", default: "-0.15,0.85,0.5", help: "second vector x,y,z (normalised)" },
            ParamInfo { key: "alpha", default: "0.5", help: "scene rotation, Euler angle α (radians, e3nn Y-X-Y)" },
            ParamInfo { key: "beta", default: "0.35", help: "Euler angle β (radians)" },
            ParamInfo { key: "gamma", default: "0", help: "Euler angle γ (radians)" },
            ParamInfo { key: "invert", default: "0", help: "1 inverts the scene (Q = −R): a and b flip, the cross product does not" },
        ],
    },
    WidgetInfo {
        name: "irreps-calculator",
        title: "Tensor products of irreps",
        summary: "Type two irreps strings: the output irreps of e3nn's full tensor product, every path with its dimension, and with a filter the weight count of a FullyConnectedTensorProduct.",
        chapter: "02-equivariant-neural-networks",
        params: &[
            ParamInfo { key: "a", default: "2x0e+1x1o", help: "first input irreps (e3nn notation; write + as %2B or a space in a URL)" },
            ParamInfo { key: "b", default: "1x1o+1x2e", help: "second input irreps" },
            ParamInfo { key: "filter", default: "", help: "output irreps of a FullyConnectedTensorProduct (empty = none)" },
        ],
    },
    WidgetInfo {
        name: "mace-architecture",
        title: "The MACE model, block by block",
        summary: "The blocks of a MACE model as a diagram (from the model's own summary): click one for its equation and the live shapes of its tensors on a molecule, with site energies and forces.",
        chapter: "03-mace",
        params: &[
            ParamInfo { key: "molecule", default: "ethanol", help: "water | methane | ethanol | benzene | aspirin (or load an .xyz file)" },
            ParamInfo { key: "block", default: "tp-1", help: "selected block: edges | embedding | radial-T | harmonics-T | tp-T | sum-T | skip-T | product-T | update-T | readout-T (T = layer) | energy | forces" },
        ],
    },
    WidgetInfo {
        name: "correlation-order",
        title: "What each correlation order contributes",
        summary: "The shipped MACE model truncated at correlation order k = 1, 2, 3: the per-atom contributions E_i(≤k) − E_i(≤k−1) as bars, their totals, and the check that they add up to the full energy.",
        chapter: "03-mace",
        params: &[
            ParamInfo { key: "molecule", default: "ethanol", help: "water | methane | ethanol | benzene | aspirin (or load an .xyz file)" },
            ParamInfo { key: "atom", default: "0", help: "highlighted atom (index from 0)" },
        ],
    },
    WidgetInfo {
        name: "mace-energy",
        title: "MACE energy and forces, live",
        summary: "The shipped MACE model on a molecule: drag atoms and watch the force arrows, the site-energy colours and the total energy follow; every rotation is re-evaluated and |E(Rx) − E(x)|, max |F(Rx) − R F(x)| printed (~1e-13).",
        chapter: "03-mace",
        params: &[
            ParamInfo { key: "molecule", default: "ethanol", help: "water | methane | ethanol | benzene | aspirin (or load an .xyz file)" },
            ParamInfo { key: "atom", default: "3", help: "selected atom (index from 0; 3 is ethanol's hydroxyl H, other molecules start at 0)" },
            ParamInfo { key: "scale", default: "1", help: "arrow length in Å per eV/Å, 0.05..=5" },
        ],
    },
    WidgetInfo {
        name: "mace-md",
        title: "Molecular dynamics with MACE",
        summary: "Velocity Verlet with the shipped MACE model in the page: a live plot of kinetic, potential and total energy, the temperature, MD steps per second; Langevin, Berendsen or no thermostat.",
        chapter: "03-mace",
        params: &[
            ParamInfo { key: "molecule", default: "ethanol", help: "water | methane | ethanol | benzene | aspirin (or load an .xyz file)" },
            ParamInfo { key: "temperature", default: "300", help: "temperature in K, 0..=2000 (starting velocities and thermostat target)" },
            ParamInfo { key: "dt", default: "0.5", help: "time step in fs, 0.1..=2" },
            ParamInfo { key: "thermostat", default: "langevin", help: "langevin | berendsen | none" },
            ParamInfo { key: "friction", default: "0.01", help: "Langevin friction γ in 1/fs, 0.001..=1 (Berendsen uses τ = 1/γ)" },
            ParamInfo { key: "play", default: "0", help: "1 starts playing at once (not under prefers-reduced-motion)" },
        ],
    },
    WidgetInfo {
        name: "design-space",
        title: "The design space of equivariant potentials",
        summary: "Every axis of the Multi-ACE design space as a control, the eight published models as named points on a map of layers and body order, the derived body orders, receptive field, sizes and cost; \"Run it\" instantiates the point as a random-weight MACE model and checks its rotation invariance.",
        chapter: "04-multi-ace-framework",
        params: &[
            ParamInfo { key: "model", default: "MACE", help: "ACE | SchNet | DimeNet | PaiNN | NequIP | Allegro | BOTNet | MACE | custom (the axes below override it)" },
            ParamInfo { key: "basis", default: "tp", help: "one-particle basis: tp | ace | distance | edge-angle | edge-tp" },
            ParamInfo { key: "layers", default: "2", help: "layers T, 1..=6" },
            ParamInfo { key: "nu", default: "3", help: "correlation order ν, 1..=4: one value for all layers or a list per layer (3,2)" },
            ParamInfo { key: "lmax", default: "3", help: "degree l_max of the spherical harmonics, 0..=6" },
            ParamInfo { key: "L", default: "2", help: "degree L_max of the messages, 0..=3" },
            ParamInfo { key: "update", default: "linear", help: "linear | nonlinear" },
            ParamInfo { key: "readout", default: "nonlinear", help: "linear | nonlinear" },
            ParamInfo { key: "rcut", default: "5", help: "cutoff in Å, 2..=8" },
            ParamInfo { key: "channels", default: "16", help: "channels per irrep, 1..=64" },
            ParamInfo { key: "molecule", default: "ethanol", help: "molecule for \"Run it\": water | methane | ethanol | benzene | aspirin" },
            ParamInfo { key: "seed", default: "1", help: "seed of the random weights, 0..=999999" },
        ],
    },
    WidgetInfo {
        name: "body-order",
        title: "How far and how many: body order and receptive field",
        summary: "The body order 1 + n_T of linear message passing for ν = 1…4 and T = 1…6 with its recursion, and a molecule coloured by the number of layers after which each atom can influence a chosen centre.",
        chapter: "04-multi-ace-framework",
        params: &[
            ParamInfo { key: "nu", default: "2", help: "correlation order ν, 1..=4" },
            ParamInfo { key: "layers", default: "3", help: "layers T, 1..=6" },
            ParamInfo { key: "molecule", default: "ethanol", help: "water | methane | ethanol | benzene | aspirin" },
            ParamInfo { key: "rcut", default: "3", help: "cutoff radius in Å, 1.5..=6" },
            ParamInfo { key: "atom", default: "3", help: "centre atom (index from 0; 3 is ethanol's hydroxyl H, other molecules start at 0)" },
        ],
    },
    WidgetInfo {
        name: "equation-steps",
        title: "The Multi-ACE equations, step by step",
        summary: "The one-particle basis, pooling, the product basis, the message, the update and the readout revealed one at a time as the paper's four equations, each with the widget and the core function that computes it and a live number for ethanol.",
        chapter: "04-multi-ace-framework",
        params: &[
            ParamInfo { key: "step", default: "1", help: "the step shown, 1..=6" },
        ],
    },
    WidgetInfo {
        name: "experiment",
        title: "Correlation order and layers: our ν × T experiment",
        summary: "Six MACE models trained with mace-torch on the book's GFN2-xTB ethanol data, ν = 1…3 × T = 1, 2: parameters, train time and test errors as a table and a plot (our reproduction, not the paper's benchmark).",
        chapter: "04-multi-ace-framework",
        params: &[
            ParamInfo { key: "metric", default: "forces", help: "plotted test error: forces | energy" },
        ],
    },
];

/// Heights in CSS pixels of each widget as mounted with its chapter's parameters, measured in
/// Chromium on the release build once their data has arrived (`tests/e2e/delivery.test.mjs`
/// prints them when they drift): (name, at 1280 px wide, the larger of 360 and 390 px wide). The
/// main column is at most 72ch wide, so every desktop width gives the first figure; on wider
/// narrow screens a widget may be shorter than the second, and the app lets its slot shrink once
/// the reader has scrolled past it (`src/islands.rs`), where no one sees it.
pub const HEIGHTS: &[(&str, u32, u32)] = &[
    ("rotation", 788, 1225),
    ("sh-explorer", 731, 1144),
    ("equivariance", 849, 1265),
    ("clebsch-gordan", 753, 978),
    ("neighbour-density", 981, 1596),
    ("radial-basis", 882, 769),
    ("ace-invariance", 1120, 1843),
    ("incompleteness", 1137, 1743),
    ("ace-fit", 1156, 1830),
    ("gate", 832, 1686),
    ("vector-products", 1170, 1896),
    ("irreps-calculator", 628, 1141),
    ("equivariant-layer", 928, 1718),
    ("mace-architecture", 1334, 2190),
    ("correlation-order", 1081, 1743),
    ("mace-energy", 991, 1470),
    ("mace-md", 797, 1438),
    ("equation-steps", 819, 1311),
    ("design-space", 1071, 1909),
    ("body-order", 964, 1455),
    ("experiment", 971, 1695),
];

/// Used for a widget not in [`HEIGHTS`] (a new one, before it is measured).
pub const DEFAULT_HEIGHT: (u32, u32) = (560, 720);

/// (height at 1280 px, at 360/390 px) of widget `name`: the chapter placeholders' heights
/// (`crates/site/src/slot.rs`).
pub fn heights(name: &str) -> (u32, u32) {
    HEIGHTS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|&(_, w, n)| (w, n))
        .unwrap_or(DEFAULT_HEIGHT)
}

/// What an embed page adds to a widget's chapter height: the page's padding and the "Open in …"
/// link below (~45 px), and the margin a frame wider than the chapter's column needs, since
/// pictures keep their proportions (measured in a 960 px course page, `tests/e2e/lecture.test.mjs`:
/// the widgets sized 0.89–1.16 × their chapter heights + 40 px).
pub const EMBED_EXTRA: u32 = 80;

/// The initial `height` of widget `name`'s `<iframe>` snippet, for the `/embed` catalogue and the
/// widgets' own "Copy embed code" alike: its wide height plus the embed page's own. The host
/// script (`assets/embed.js`) then sizes the frame to what the widget reports.
pub fn embed_height(name: &str) -> u32 {
    heights(name).0 + EMBED_EXTRA
}

/// The wasm bundle (`src/bundles/<name>.rs`) that carries the widgets introduced in `chapter`:
/// one family per chapter, so a chapter page downloads one bundle. The app's registries
/// (`widgets::so3`, …) list the same widgets by name.
pub fn bundle_of(chapter: &str) -> &'static str {
    match chapter {
        "00-fundamentals" => "so3",
        "01-atomic-cluster-expansion" => "ace",
        "02-equivariant-neural-networks" => "networks",
        "03-mace" => "mace",
        "04-multi-ace-framework" => "multiace",
        _ => "reader",
    }
}
