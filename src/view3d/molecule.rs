//! Molecules: element data, bonds by covalent radii, ball-and-stick drawing. Files are read by
//! the core (`multiace_core::structure::read_xyz`); this module only turns a `Structure` into
//! something to draw.

use multiace_core::so3::{apply, Mat3};
use multiace_core::structure::{read_xyz, Structure};
use web_sys::CanvasRenderingContext2d;

use super::camera::Camera;

/// Per-element data: covalent radius (Å, Cordero et al. 2008), drawn ball radius (Å) and the
/// CPK-like colours (base, highlight, rim) of a shaded sphere.
#[derive(Clone, Copy, Debug)]
pub struct Element {
    pub symbol: &'static str,
    pub covalent: f64,
    pub ball: f64,
    pub color: [&'static str; 3],
}

const ELEMENTS: &[Element] = &[
    Element {
        symbol: "H",
        covalent: 0.31,
        ball: 0.24,
        color: ["#e8e8e8", "#ffffff", "#9a9a9a"],
    },
    Element {
        symbol: "C",
        covalent: 0.76,
        ball: 0.36,
        color: ["#555555", "#9a9a9a", "#202020"],
    },
    Element {
        symbol: "N",
        covalent: 0.71,
        ball: 0.35,
        color: ["#3050f8", "#8ea0ff", "#142480"],
    },
    Element {
        symbol: "O",
        covalent: 0.66,
        ball: 0.35,
        color: ["#e0301e", "#ff9a8a", "#7a1008"],
    },
    Element {
        symbol: "F",
        covalent: 0.57,
        ball: 0.32,
        color: ["#7ad04a", "#c2f0a0", "#3a6a1a"],
    },
    Element {
        symbol: "S",
        covalent: 1.05,
        ball: 0.45,
        color: ["#e0c020", "#fff07a", "#7a6400"],
    },
    Element {
        symbol: "B",
        covalent: 0.84,
        ball: 0.36,
        color: ["#f0a0a0", "#ffd6d6", "#8a4a4a"],
    },
    Element {
        symbol: "Si",
        covalent: 1.11,
        ball: 0.46,
        color: ["#d8b890", "#f4e2c8", "#7a6040"],
    },
    Element {
        symbol: "P",
        covalent: 1.07,
        ball: 0.45,
        color: ["#f08000", "#ffc080", "#804000"],
    },
    Element {
        symbol: "Cl",
        covalent: 1.02,
        ball: 0.44,
        color: ["#30c030", "#a0f0a0", "#106010"],
    },
    Element {
        symbol: "Br",
        covalent: 1.20,
        ball: 0.48,
        color: ["#a62929", "#e08080", "#501010"],
    },
];

/// Fallback for symbols not in the table: a mid-grey ball.
const OTHER: Element = Element {
    symbol: "?",
    covalent: 0.75,
    ball: 0.35,
    color: ["#b070c0", "#e0b0f0", "#503060"],
};

/// Element data for a symbol (case-insensitive).
pub fn element(symbol: &str) -> Element {
    ELEMENTS
        .iter()
        .copied()
        .find(|e| e.symbol.eq_ignore_ascii_case(symbol))
        .unwrap_or(OTHER)
}

/// A molecule centred on its centroid, with its bonds.
#[derive(Clone, Debug)]
pub struct Molecule {
    pub name: String,
    pub elements: Vec<Element>,
    pub positions: Vec<[f64; 3]>,
    pub bonds: Vec<(usize, usize)>,
    /// Largest distance of a ball's surface from the centre (Å), to fit the camera.
    pub extent: f64,
}

impl Molecule {
    /// The molecule of a structure read by the core's XYZ reader, recentred on its centroid, with
    /// bonds between atoms closer than the sum of their covalent radii plus 0.35 Å (a common
    /// tolerance). Its name is the free-text comment line, if the file had one.
    pub fn from_structure(s: &Structure) -> Molecule {
        let name = s
            .info
            .iter()
            .find(|(k, _)| k == "comment")
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default();
        let elements: Vec<Element> = s.species.iter().map(|sym| element(sym)).collect();
        let n = s.positions.len();
        let c = s
            .positions
            .iter()
            .fold([0.0; 3], |a, p| [a[0] + p[0], a[1] + p[1], a[2] + p[2]]);
        let inv = 1.0 / n.max(1) as f64;
        let positions: Vec<[f64; 3]> = s
            .positions
            .iter()
            .map(|p| [p[0] - c[0] * inv, p[1] - c[1] * inv, p[2] - c[2] * inv])
            .collect();
        let mut bonds = Vec::new();
        for i in 0..n {
            for j in 0..i {
                let d = dist(positions[i], positions[j]);
                if d < elements[i].covalent + elements[j].covalent + 0.35 {
                    bonds.push((j, i));
                }
            }
        }
        let extent = positions
            .iter()
            .zip(&elements)
            .map(|(p, e)| dist(*p, [0.0; 3]) + e.ball)
            .fold(0.5, f64::max);
        Molecule {
            name,
            elements,
            positions,
            bonds,
            extent,
        }
    }
}

/// The XYZ text of a molecule shipped with the book (`water`, `methane`, `ethanol`, `benzene`); `None`
/// for any other name, so each widget picks its own default.
pub fn builtin_xyz(name: &str) -> Option<&'static str> {
    Some(match name {
        "water" => include_str!("../../assets/molecules/water.xyz"),
        "methane" => include_str!("../../assets/molecules/methane.xyz"),
        "ethanol" => include_str!("../../assets/molecules/ethanol.xyz"),
        "benzene" => include_str!("../../assets/molecules/benzene.xyz"),
        "aspirin" => include_str!("../../assets/molecules/aspirin.xyz"),
        _ => return None,
    })
}

/// The first frame of an XYZ text (the molecules shipped with the book), read by the core's
/// reader; errors name the line.
pub fn first_frame(text: &str) -> Result<Structure, String> {
    read_xyz(text)
        .map_err(|e| format!("XYZ {e}"))?
        .into_iter()
        .next()
        .ok_or_else(|| "XYZ: no molecule in the file".to_string())
}

fn dist(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// Something to paint, sorted back to front (painter's algorithm).
#[derive(Clone, Copy, Debug)]
enum Item {
    Atom(usize),
    /// Half of bond `b` next to its end `end` (0 or 1), coloured like that atom.
    HalfBond(usize, u8),
}

/// Reusable buffers for drawing a molecule: nothing is allocated per frame once warmed up.
#[derive(Default)]
pub struct MoleculePainter {
    screen: Vec<[f64; 3]>,
    /// Drawn ball radius of each atom (device pixels), kept for [`MoleculePainter::pick`].
    radius: Vec<f64>,
    items: Vec<(f64, Item)>,
}

/// How to emphasise atoms: a ring around `highlight`, and atoms with `faded[i]` drawn pale
/// (e.g. outside a cutoff). An empty `faded` fades nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct AtomStyle<'a> {
    pub highlight: Option<usize>,
    pub faded: &'a [bool],
    /// Colour of the highlight ring (CSS).
    pub ring: &'a str,
}

impl MoleculePainter {
    /// Draws `mol` transformed by `m` (any 3×3 matrix: a rotation, or −R for an inverted one)
    /// as ball and stick, depth-sorted, with shaded spheres.
    pub fn draw(&mut self, ctx: &CanvasRenderingContext2d, cam: &Camera, mol: &Molecule, m: &Mat3) {
        self.draw_styled(ctx, cam, mol, m, &AtomStyle::default());
    }

    /// [`MoleculePainter::draw`] with a highlighted atom and faded atoms.
    pub fn draw_styled(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        cam: &Camera,
        mol: &Molecule,
        m: &Mat3,
        style: &AtomStyle,
    ) {
        self.screen.clear();
        self.screen
            .extend(mol.positions.iter().map(|p| cam.project(apply(m, *p))));
        self.radius.clear();
        self.radius.extend(
            self.screen
                .iter()
                .zip(&mol.elements)
                .map(|(s, e)| cam.pixels(e.ball, s[2])),
        );
        self.items.clear();
        for i in 0..mol.positions.len() {
            self.items.push((self.screen[i][2], Item::Atom(i)));
        }
        for (b, &(i, j)) in mol.bonds.iter().enumerate() {
            let (zi, zj) = (self.screen[i][2], self.screen[j][2]);
            // each half sits between its atom and the midpoint; nudge it behind its own atom
            self.items
                .push(((3.0 * zi + zj) / 4.0 - 1e-3, Item::HalfBond(b, 0)));
            self.items
                .push(((zi + 3.0 * zj) / 4.0 - 1e-3, Item::HalfBond(b, 1)));
        }
        self.items.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let faded = |i: usize| style.faded.get(i).copied().unwrap_or(false);
        ctx.set_line_cap("round");
        for &(_, item) in &self.items {
            match item {
                Item::Atom(i) => {
                    let s = self.screen[i];
                    let r = self.radius[i];
                    ctx.set_global_alpha(if faded(i) { 0.3 } else { 1.0 });
                    sphere(ctx, s[0], s[1], r, &mol.elements[i].color);
                    if style.highlight == Some(i) && r.is_finite() && r > 0.0 {
                        ctx.set_global_alpha(1.0);
                        ctx.set_stroke_style_str(style.ring);
                        ctx.set_line_width((0.18 * r).max(2.0));
                        ctx.begin_path();
                        let _ = ctx.arc(s[0], s[1], r * 1.22, 0.0, std::f64::consts::TAU);
                        ctx.stroke();
                    }
                }
                Item::HalfBond(b, end) => {
                    let (i, j) = mol.bonds[b];
                    let (a, o) = if end == 0 { (i, j) } else { (j, i) };
                    ctx.set_global_alpha(if faded(a) { 0.3 } else { 1.0 });
                    let (pa, po) = (self.screen[a], self.screen[o]);
                    let mid = [(pa[0] + po[0]) / 2.0, (pa[1] + po[1]) / 2.0];
                    let w = cam.pixels(0.16, (pa[2] + po[2]) / 2.0);
                    let col = &mol.elements[a].color;
                    ctx.set_stroke_style_str(col[2]);
                    ctx.set_line_width(w + 2.0);
                    stick(ctx, pa[0], pa[1], mid[0], mid[1]);
                    ctx.set_stroke_style_str(col[0]);
                    ctx.set_line_width(w);
                    stick(ctx, pa[0], pa[1], mid[0], mid[1]);
                }
            }
        }
        ctx.set_global_alpha(1.0);
    }

    /// The atom drawn under canvas pixel (x, y) by the last draw (the nearest one where balls
    /// overlap), if any. Pixels are the canvas's backing-store pixels.
    pub fn pick(&self, x: f64, y: f64) -> Option<usize> {
        self.screen
            .iter()
            .zip(&self.radius)
            .enumerate()
            .filter(|(_, (s, r))| (s[0] - x).powi(2) + (s[1] - y).powi(2) <= (**r * 1.15).powi(2))
            .max_by(|a, b| a.1 .0[2].total_cmp(&b.1 .0[2]))
            .map(|(i, _)| i)
    }
}

fn stick(ctx: &CanvasRenderingContext2d, x0: f64, y0: f64, x1: f64, y1: f64) {
    ctx.begin_path();
    ctx.move_to(x0, y0);
    ctx.line_to(x1, y1);
    ctx.stroke();
}

/// A shaded sphere: a radial gradient from a highlight up and left of the centre to a dark rim.
fn sphere(ctx: &CanvasRenderingContext2d, x: f64, y: f64, r: f64, color: &[&'static str; 3]) {
    if !(r.is_finite() && r > 0.0) {
        return;
    }
    let hx = x - 0.35 * r;
    let hy = y - 0.35 * r;
    match ctx.create_radial_gradient(hx, hy, 0.05 * r, x, y, r) {
        Ok(g) => {
            let _ = g.add_color_stop(0.0, color[1]);
            let _ = g.add_color_stop(0.55, color[0]);
            let _ = g.add_color_stop(1.0, color[2]);
            ctx.set_fill_style_canvas_gradient(&g);
        }
        Err(_) => ctx.set_fill_style_str(color[0]),
    }
    ctx.begin_path();
    let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
    ctx.fill();
}
