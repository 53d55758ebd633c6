//! Molecules: plain XYZ parsing, element data, bonds by covalent radii, ball-and-stick drawing.

use multiace_core::so3::{apply, Mat3};
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

/// Parses plain XYZ (count line, comment line, then `symbol x y z` in Å). Errors name the line.
pub fn parse_xyz(text: &str) -> Result<Molecule, String> {
    let mut lines = text.lines();
    let n: usize = lines
        .next()
        .and_then(|s| s.trim().parse().ok())
        .ok_or("XYZ line 1: expected the number of atoms")?;
    let name = lines.next().unwrap_or("").trim().to_string();
    let mut elements = Vec::with_capacity(n);
    let mut positions = Vec::with_capacity(n);
    for k in 0..n {
        let line =
            lines
                .next()
                .ok_or(format!("XYZ line {}: missing atom {} of {n}", k + 3, k + 1))?;
        let mut f = line.split_whitespace();
        let sym = f.next().ok_or(format!("XYZ line {}: empty", k + 3))?;
        let mut p = [0.0; 3];
        for c in &mut p {
            *c = f
                .next()
                .and_then(crate::number::parse_f64)
                .ok_or(format!("XYZ line {}: expected three coordinates", k + 3))?;
        }
        elements.push(element(sym));
        positions.push(p);
    }
    let c = positions
        .iter()
        .fold([0.0; 3], |a, p| [a[0] + p[0], a[1] + p[1], a[2] + p[2]]);
    let inv = 1.0 / n.max(1) as f64;
    for p in &mut positions {
        for i in 0..3 {
            p[i] -= c[i] * inv;
        }
    }
    // bonded if closer than the sum of covalent radii plus 0.35 Å (a common tolerance)
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
    Ok(Molecule {
        name,
        elements,
        positions,
        bonds,
        extent,
    })
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
    items: Vec<(f64, Item)>,
}

impl MoleculePainter {
    /// Draws `mol` transformed by `m` (any 3×3 matrix: a rotation, or −R for an inverted one)
    /// as ball and stick, depth-sorted, with shaded spheres.
    pub fn draw(&mut self, ctx: &CanvasRenderingContext2d, cam: &Camera, mol: &Molecule, m: &Mat3) {
        self.screen.clear();
        self.screen
            .extend(mol.positions.iter().map(|p| cam.project(apply(m, *p))));
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
        ctx.set_line_cap("round");
        for &(_, item) in &self.items {
            match item {
                Item::Atom(i) => {
                    let s = self.screen[i];
                    let r = cam.pixels(mol.elements[i].ball, s[2]);
                    sphere(ctx, s[0], s[1], r, &mol.elements[i].color);
                }
                Item::HalfBond(b, end) => {
                    let (i, j) = mol.bonds[b];
                    let (a, o) = if end == 0 { (i, j) } else { (j, i) };
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
