//! `neighbour-density`: the neighbours of one atom seen as a density on the unit sphere.
//!
//! Left, the molecule (drag, touch or arrow keys rotate; a click or tap on an atom makes it the
//! centre) with the centre ringed and the cutoff sphere around it; atoms outside it are pale.
//! Right, the smeared angular density ρ(r̂) = Σ_j w_j exp(κ(r̂·r̂_j − 1)) of the neighbours within
//! r_cut, each weighted by the cutoff envelope w_j = f_cut(r_ij), beside its spherical-harmonic
//! expansion truncated at l ≤ l_max (`multiace_core::ace::angular_density`): both drawn as spheres
//! pushed out where the density is large and coloured by it, turning with the molecule. Below,
//! the atomic basis A_{z n l m} of the centre (`ace::Evaluator::atomic_basis`, Bessel radial basis,
//! n_max = 4, l ≤ min(l_max, 6)), grouped by neighbour species and n.
//!
//! Everything the reader can change rebuilds one [`Analysis`] (neighbours, the density on the
//! sphere grid, A); a drag only rotates and redraws what was computed.

use std::sync::OnceLock;

use crate::number::sig;
use leptos::html;
use leptos::prelude::*;
use multiace_core::ace::{
    angular_density, AceBasis, AceSpec, Evaluator, NeighbourTerm, RadialBasis, RadialKind,
};
use multiace_core::so3::{apply, mat_mul, sh_len, Mat3};
use multiace_core::structure::{neighbour_list, Structure};
use multiace_figures::colormap::diverging_rgb;
use wasm_bindgen::JsCast;

use super::bars::{self, Strip};
use super::canvas::{Frame, Painter};
use super::controls::{molecule_select, RangeSlider, UPLOAD};
use super::frame::{write_url, WidgetFrame};
use super::math_label::prose;
use super::orbit::{self, DragTracker};
use super::params::{fmt_f64, Params};
use super::upload::{upload_control, upload_label};
use super::view3d::camera::{compose, default_view, Camera};
use super::view3d::molecule::{
    builtin_xyz, element, first_frame, AtomStyle, Molecule, MoleculePainter,
};
use super::view3d::raster::{Raster, Vertex};
use super::view3d::vec3::{cross, dot, normalize, sub};

const MOLECULES: [&str; 4] = ["water", "methane", "ethanol", "benzene"];
const LMAX: i64 = 12;
const RCUT: (f64, f64) = (1.0, 8.0);
const KAPPA: (f64, f64) = (1.0, 60.0);
/// The atomic-basis bars: Bessel radial basis with this many functions, l capped at 6.
const A_NMAX: usize = 4;
const A_LMAX_CAP: usize = 6;
/// The sphere grid: (N_THETA + 1) × (N_PHI + 1) vertices; the truncation error is measured on it.
const N_THETA: usize = 40;
const N_PHI: usize = 80;
/// Ring around the centre atom and the cutoff sphere (the book's orange).
const CENTRE_COLOR: &str = "#e66101";
const IDENTITY: Mat3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

fn xyz(name: &str) -> &'static str {
    builtin_xyz(name).unwrap_or_else(|| builtin_xyz("ethanol").unwrap_or_default())
}

/// A shipped molecule (they parse: the files are part of the build and tested by the e2e suite;
/// an error would show as an empty structure and a message, never a panic).
fn builtin(name: &str) -> Result<Structure, String> {
    first_frame(xyz(name))
}

/// Unit vectors of the sphere grid, θ from +y (the e3nn polar axis), φ about y from +z.
fn grid() -> &'static [[f64; 3]] {
    static GRID: OnceLock<Vec<[f64; 3]>> = OnceLock::new();
    GRID.get_or_init(|| {
        let mut dirs = Vec::with_capacity((N_THETA + 1) * (N_PHI + 1));
        for i in 0..=N_THETA {
            let t = std::f64::consts::PI * i as f64 / N_THETA as f64;
            for j in 0..=N_PHI {
                let p = -std::f64::consts::PI + std::f64::consts::TAU * j as f64 / N_PHI as f64;
                dirs.push([t.sin() * p.sin(), t.cos(), t.sin() * p.cos()]);
            }
        }
        dirs
    })
}

fn gidx(i: usize, j: usize) -> usize {
    i * (N_PHI + 1) + j
}

/// One neighbour of the centre, for the read-out and the direction markers.
#[derive(Clone, Debug, PartialEq)]
struct Neighbour {
    atom: usize,
    species: String,
    vector: [f64; 3],
    distance: f64,
    weight: f64,
}

/// Everything computed from (structure, centre, r_cut, l_max, κ).
#[derive(Clone, Debug, Default, PartialEq)]
struct Analysis {
    neighbours: Vec<Neighbour>,
    /// Per atom: within r_cut of the centre (any periodic image), or the centre itself.
    inside: Vec<bool>,
    /// ρ and its truncated expansion on the grid.
    exact: Vec<f64>,
    truncated: Vec<f64>,
    /// max ρ on the grid (the colour scale of both spheres).
    vmax: f64,
    /// max |ρ − ρ_≤l_max| on the grid.
    max_error: f64,
    /// The centre's atomic basis, its species and the l it goes to.
    a: Vec<f64>,
    a_species: Vec<String>,
    a_lmax: usize,
    /// Why A could not be computed (e.g. more than 10 species).
    a_error: Option<String>,
    /// Why nothing could be computed (e.g. coincident atoms).
    error: Option<String>,
}

fn analyse(s: &Structure, centre: usize, rcut: f64, lmax: usize, kappa: f64) -> Analysis {
    let mut out = Analysis {
        inside: vec![false; s.len()],
        ..Analysis::default()
    };
    if centre >= s.len() {
        out.error = Some("no atom to centre on".into());
        return out;
    }
    out.inside[centre] = true;
    let radial = match RadialBasis::new(RadialKind::Bessel, A_NMAX, rcut) {
        Ok(r) => r,
        Err(e) => {
            out.error = Some(e.to_string());
            return out;
        }
    };
    let list = match neighbour_list(s, rcut) {
        Ok(l) => l,
        Err(e) => {
            out.error = Some(e.to_string());
            return out;
        }
    };
    for nb in list.of(centre) {
        out.inside[nb.j] = true;
        out.neighbours.push(Neighbour {
            atom: nb.j,
            species: s.species[nb.j].clone(),
            vector: nb.vector,
            distance: nb.distance,
            weight: radial.envelope(nb.distance).0,
        });
    }
    let weighted: Vec<([f64; 3], f64)> = out
        .neighbours
        .iter()
        .map(|n| (n.vector, n.weight))
        .collect();
    let density = angular_density(&weighted, kappa, lmax);
    let mut scratch = vec![0.0; sh_len(density.l_max())];
    let dirs = grid();
    out.exact = dirs.iter().map(|&u| density.exact(u)).collect();
    out.truncated = dirs
        .iter()
        .map(|&u| density.truncated(u, lmax, &mut scratch))
        .collect();
    out.vmax = out.exact.iter().fold(0.0f64, |m, &v| m.max(v));
    out.max_error = out
        .exact
        .iter()
        .zip(&out.truncated)
        .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));

    let species = s.species_set();
    let a_lmax = lmax.min(A_LMAX_CAP);
    out.a_lmax = a_lmax;
    let spec = AceSpec {
        species: species.clone(),
        radial,
        l_max: a_lmax,
        max_order: 1,
        max_degree: None,
    };
    match AceBasis::new(spec) {
        Ok(basis) => {
            let terms: Vec<NeighbourTerm> = out
                .neighbours
                .iter()
                .filter_map(|n| {
                    basis.species_index(&n.species).map(|z| NeighbourTerm {
                        vector: n.vector,
                        z,
                    })
                })
                .collect();
            let mut a = vec![0.0; basis.a_len()];
            Evaluator::new(&basis).atomic_basis(&terms, &mut a);
            out.a = a;
            out.a_species = species;
        }
        Err(e) => out.a_error = Some(e.to_string()),
    }
    out
}

/// A density surface: grid positions pushed out by the value, normals, colours; rebuilt when the
/// analysis changes, only rotated and shaded per frame.
#[derive(Default)]
struct Surface {
    pos: Vec<[f64; 3]>,
    normal: Vec<[f64; 3]>,
    rgb: Vec<[f64; 3]>,
}

impl Surface {
    fn build(&mut self, values: &[f64], vmax: f64) {
        let dirs = grid();
        let vmax = vmax.max(1e-12);
        self.pos.clear();
        self.rgb.clear();
        self.normal.clear();
        if values.len() != dirs.len() {
            return; // nothing computed (an error is shown instead): draw nothing
        }
        for (d, &v) in dirs.iter().zip(values) {
            let t = v / vmax;
            let r = 0.5 + 0.5 * t.clamp(0.0, 1.0);
            self.pos.push([d[0] * r, d[1] * r, d[2] * r]);
            let c = diverging_rgb(t);
            self.rgb.push([c[0] as f64, c[1] as f64, c[2] as f64]);
        }
        self.normal.clear();
        for i in 0..=N_THETA {
            for j in 0..=N_PHI {
                let (ia, ib) = (i.saturating_sub(1), (i + 1).min(N_THETA));
                let (ja, jb) = (
                    if j == 0 { N_PHI - 1 } else { j - 1 },
                    if j == N_PHI { 1 } else { j + 1 },
                );
                let dt = sub(self.pos[gidx(ib, j)], self.pos[gidx(ia, j)]);
                let dp = sub(self.pos[gidx(i, jb)], self.pos[gidx(i, ja)]);
                let n = cross(dt, dp);
                let len = dot(n, n).sqrt();
                let p = self.pos[gidx(i, j)];
                let nrm = if len < 1e-12 {
                    normalize(p)
                } else {
                    let s = if dot(n, p) < 0.0 { -1.0 } else { 1.0 };
                    [s * n[0] / len, s * n[1] / len, s * n[2] / len]
                };
                self.normal.push(nrm);
            }
        }
    }
}

/// Browser-side state of the widget: what is drawn and the buffers to draw it.
struct Scene {
    molecule: Option<Molecule>,
    painter: MoleculePainter,
    faded: Vec<bool>,
    exact: Surface,
    truncated: Surface,
    /// Neighbour directions (unit) and their element colour, for markers on the spheres.
    markers: Vec<([f64; 3], &'static str)>,
    screen: Vec<Vertex>,
    raster: Raster,
    zoom: f64,
}

impl Scene {
    /// Rotates, shades and rasterises one surface into the shared raster, centred at `cam`.
    fn raster_surface(
        raster: &mut Raster,
        screen: &mut Vec<Vertex>,
        s: &Surface,
        cam: &Camera,
        vm: &Mat3,
    ) {
        let light = normalize([-0.45, 0.6, 0.75]);
        let half = normalize([light[0], light[1], light[2] + 1.0]);
        screen.clear();
        for k in 0..s.pos.len() {
            let v = apply(vm, s.pos[k]);
            let p = cam.project_view(v);
            let n = apply(vm, s.normal[k]);
            let diff = dot(n, light).max(0.0);
            let spec = dot(n, half).max(0.0).powi(30) * 0.3 * 255.0;
            let shade = 0.45 + 0.55 * diff;
            let c = s.rgb[k];
            screen.push(Vertex {
                x: p[0] as f32,
                y: p[1] as f32,
                z: p[2] as f32,
                rgb: [
                    (c[0] * shade + spec) as f32,
                    (c[1] * shade + spec) as f32,
                    (c[2] * shade + spec) as f32,
                ],
            });
        }
        raster.grid(screen, N_THETA, N_PHI);
    }

    /// The two spheres side by side, titles above, neighbour directions as dots.
    fn draw_density(&mut self, f: &Frame, model: &Mat3, titles: (&str, &str)) {
        let view = default_view();
        let vm = mat_mul(&view, model);
        let top = 26.0 * f.dpr;
        let half_w = f.width / 2.0;
        let mut cams = [
            Camera::fit(half_w, f.height - top, 1.12, view),
            Camera::fit(half_w, f.height - top, 1.12, view),
        ];
        cams[0].cy += top;
        cams[1].cy += top;
        cams[1].cx += half_w;
        let (w, h) = (f.width as usize, f.height as usize);
        self.raster.begin(w, h);
        if self.exact.pos.is_empty() || self.truncated.pos.is_empty() {
            return;
        }
        for (surface, cam) in [(&self.exact, &cams[0]), (&self.truncated, &cams[1])] {
            Self::raster_surface(&mut self.raster, &mut self.screen, surface, cam, &vm);
        }
        self.raster.blit(f.ctx);
        // neighbour directions: dots just outside the sphere, on the visible side only
        for cam in &cams {
            for &(u, color) in &self.markers {
                let v = apply(&vm, [u[0] * 1.08, u[1] * 1.08, u[2] * 1.08]);
                if v[2] < 0.15 {
                    continue;
                }
                let p = cam.project_view(v);
                f.ctx.set_fill_style_str(color);
                f.ctx.set_stroke_style_str("#333333");
                f.ctx.set_line_width(f.dpr);
                f.ctx.begin_path();
                let _ = f
                    .ctx
                    .arc(p[0], p[1], 4.0 * f.dpr, 0.0, std::f64::consts::TAU);
                f.ctx.fill();
                f.ctx.stroke();
            }
        }
        let text = f.text_color();
        f.ctx.set_fill_style_str(&text);
        bars::font(f.ctx, 13.0, f.dpr, "center");
        bars::text(f.ctx, titles.0, half_w / 2.0, top / 2.0);
        bars::text(f.ctx, titles.1, half_w * 1.5, top / 2.0);
    }
}

/// The atomic basis as bars, one group per (species, n), labelled under the strip.
fn draw_a_bars(f: &Frame, a: &[f64], species: &[String], lmax: usize) {
    let dpr = f.dpr;
    let text = f.text_color();
    let (left, right) = (8.0 * dpr, 8.0 * dpr);
    let label_h = 34.0 * dpr;
    let strip = Strip {
        x: left,
        y_mid: (f.height - label_h) / 2.0 + 4.0 * dpr,
        width: (f.width - left - right).max(1.0),
        half: ((f.height - label_h) / 2.0 - 8.0 * dpr).max(1.0),
    };
    let scale = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let ctx = f.ctx;
    strip.baseline(ctx, &text, dpr);
    bars::bars(ctx, &strip, a, scale);
    let block = (lmax + 1) * (lmax + 1);
    let groups = species.len() * A_NMAX;
    if groups == 0 || a.len() != groups * block {
        return;
    }
    let gw = strip.width / groups as f64;
    let y0 = strip.y_mid - strip.half;
    let y1 = strip.y_mid + strip.half;
    ctx.set_stroke_style_str(&text);
    for g in 0..=groups {
        let x = strip.x + g as f64 * gw;
        let species_edge = g % A_NMAX == 0;
        ctx.set_global_alpha(if species_edge { 0.7 } else { 0.25 });
        ctx.set_line_width(if species_edge { 1.5 * dpr } else { dpr });
        ctx.begin_path();
        ctx.move_to(x, y0);
        ctx.line_to(x, y1 + if species_edge { 24.0 * dpr } else { 6.0 * dpr });
        ctx.stroke();
    }
    ctx.set_global_alpha(1.0);
    ctx.set_fill_style_str(&text);
    if gw > 26.0 * dpr {
        bars::font(ctx, 10.0, dpr, "center");
        for g in 0..groups {
            let x = strip.x + (g as f64 + 0.5) * gw;
            bars::text(ctx, &format!("n={}", g % A_NMAX + 1), x, y1 + 9.0 * dpr);
        }
    }
    bars::font(ctx, 12.0, dpr, "center");
    for (z, sym) in species.iter().enumerate() {
        let x = strip.x + (z as f64 + 0.5) * A_NMAX as f64 * gw;
        bars::text(ctx, &format!("z = {sym}"), x, y1 + 24.0 * dpr);
    }
    bars::font(ctx, 11.0, dpr, "left");
    ctx.set_global_alpha(0.75);
    bars::text(
        ctx,
        &format!("max |A| = {scale:.3}"),
        strip.x + 4.0 * dpr,
        y0 + 6.0 * dpr,
    );
    ctx.set_global_alpha(1.0);
}

/// Canvas pixels per CSS pixel of the element an event happened on.
fn backing_scale(ev: &web_sys::PointerEvent) -> Option<(f64, f64)> {
    let el = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlCanvasElement>().ok())?;
    let cw = el.client_width() as f64;
    if cw <= 0.0 {
        return None;
    }
    let s = el.width() as f64 / cw;
    Some((ev.offset_x() as f64 * s, ev.offset_y() as f64 * s))
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let mol0 = p.choice("molecule", "ethanol", &MOLECULES);
    let s0 = builtin(mol0);
    let n0 = s0.as_ref().map(|s| s.len()).unwrap_or(1).max(1);
    let centre0 = p.int("centre", 1.min(n0 as i64 - 1), 0, n0 as i64 - 1) as usize;
    let rcut0 = p.float("rcut", 4.0, RCUT.0, RCUT.1);
    let lmax0 = p.int("lmax", 4, 0, LMAX) as usize;
    let kappa0 = p.float("kappa", 8.0, KAPPA.0, KAPPA.1);
    let dpr = p.dpr();
    let pass = p.passthrough();
    let mut notices = p.notices();
    if let Err(e) = &s0 {
        notices.push(format!("molecule {mol0}: {e}"));
    }

    let structure = RwSignal::new(s0.unwrap_or_else(|_| Structure::new(Vec::new(), Vec::new())));
    let molecule = RwSignal::new(mol0);
    let upload_name = RwSignal::new(None::<String>);
    let centre = RwSignal::new(centre0);
    let rcut = RwSignal::new(rcut0);
    let lmax = RwSignal::new(lmax0);
    let kappa = RwSignal::new(kappa0);
    let model = RwSignal::new(IDENTITY);

    let state = Signal::derive(move || {
        let mol = match molecule.get() {
            UPLOAD => String::new(),
            name => format!("molecule={name}&"),
        };
        format!(
            "{mol}centre={}&rcut={}&lmax={}&kappa={}{pass}",
            centre.get(),
            fmt_f64(rcut.get()),
            lmax.get(),
            fmt_f64(kappa.get())
        )
    });
    let save = move || write_url(embedded, &state.get_untracked());

    let analysis = Memo::new(move |_| {
        structure.with(|s| analyse(s, centre.get(), rcut.get(), lmax.get(), kappa.get()))
    });

    let scene = StoredValue::new_local(Scene {
        molecule: None,
        painter: MoleculePainter::default(),
        faded: Vec::new(),
        exact: Surface::default(),
        truncated: Surface::default(),
        markers: Vec::new(),
        screen: Vec::new(),
        raster: Raster::default(),
        zoom: 1.0,
    });

    let view_m = default_view();
    let mol_canvas = NodeRef::<html::Canvas>::new();
    let mol_painter = StoredValue::new_local(Painter::new(mol_canvas, dpr, move |f| {
        let m = model.get_untracked();
        let c = centre.get_untracked();
        let rc = rcut.get_untracked();
        scene.try_update_value(|s| {
            let Scene {
                molecule,
                painter,
                faded,
                zoom,
                ..
            } = s;
            let Some(mol) = molecule.as_ref() else { return };
            let Some(&pc) = mol.positions.get(c) else {
                return;
            };
            // fit the molecule and as much of the cutoff sphere as keeps the molecule legible
            let reach = (pc[0] * pc[0] + pc[1] * pc[1] + pc[2] * pc[2]).sqrt() + rc;
            let extent = mol.extent.max(reach.min(1.8 * mol.extent)).max(1.6);
            let mut cam = Camera::fit(f.width, f.height, extent, view_m);
            cam.scale *= *zoom;
            let sc = cam.project(apply(&m, pc));
            let radius = cam.pixels(rc, sc[2]);
            let ctx = f.ctx;
            ctx.set_fill_style_str(CENTRE_COLOR);
            ctx.set_global_alpha(0.07);
            ctx.begin_path();
            let _ = ctx.arc(sc[0], sc[1], radius, 0.0, std::f64::consts::TAU);
            ctx.fill();
            ctx.set_global_alpha(1.0);
            painter.draw_styled(
                ctx,
                &cam,
                mol,
                &m,
                &AtomStyle {
                    highlight: Some(c),
                    faded: faded.as_slice(),
                    ring: CENTRE_COLOR,
                },
            );
            ctx.set_stroke_style_str(CENTRE_COLOR);
            ctx.set_global_alpha(0.8);
            ctx.set_line_width(1.5 * f.dpr);
            let dash = js_sys::Array::of2(&(6.0 * f.dpr).into(), &(5.0 * f.dpr).into());
            let _ = ctx.set_line_dash(&dash);
            ctx.begin_path();
            let _ = ctx.arc(sc[0], sc[1], radius, 0.0, std::f64::consts::TAU);
            ctx.stroke();
            let _ = ctx.set_line_dash(&js_sys::Array::new());
            ctx.set_global_alpha(1.0);
        });
    }));
    let density_canvas = NodeRef::<html::Canvas>::new();
    let density_painter = StoredValue::new_local(Painter::new(density_canvas, dpr, move |f| {
        let m = model.get_untracked();
        let t0 = format!("smeared ρ(r̂), κ = {}", fmt_f64(kappa.get_untracked()));
        let t1 = format!("expansion to l ≤ {}", lmax.get_untracked());
        scene.try_update_value(|s| s.draw_density(f, &m, (&t0, &t1)));
    }));
    let bars_canvas = NodeRef::<html::Canvas>::new();
    let bars_painter = StoredValue::new_local(Painter::new(bars_canvas, dpr, move |f| {
        analysis.with_untracked(|an| {
            if an.a_error.is_none() {
                draw_a_bars(f, &an.a, &an.a_species, an.a_lmax);
            }
        });
    }));
    let redraw_views = move || {
        mol_painter.try_with_value(Painter::request);
        density_painter.try_with_value(Painter::request);
    };

    // a new structure: a new molecule to draw
    Effect::new(move |_| {
        let mol = structure.with(Molecule::from_structure);
        scene.try_update_value(|s| s.molecule = Some(mol));
        redraw_views();
    });
    // a new analysis: rebuild the surfaces and markers, redraw everything
    Effect::new(move |_| {
        analysis.with(|an| {
            scene.try_update_value(|s| {
                s.faded = an.inside.iter().map(|i| !i).collect();
                s.exact.build(&an.exact, an.vmax);
                s.truncated.build(&an.truncated, an.vmax);
                s.markers = an
                    .neighbours
                    .iter()
                    .map(|n| (normalize(n.vector), element(&n.species).color[0]))
                    .collect();
            });
        });
        redraw_views();
        bars_painter.try_with_value(Painter::request);
    });
    Effect::new(move |_| {
        model.track();
        redraw_views();
    });

    // rotation by drag (either canvas), keys; a click or tap without motion picks the centre
    let drag = StoredValue::new_local(DragTracker::default());
    let press = StoredValue::new_local(None::<(f64, f64)>);
    let rotate = move |ev: &web_sys::PointerEvent| {
        if let Some(dr) = drag.try_update_value(|d| d.moved(ev, &view_m)).flatten() {
            model.set(compose(&dr, &model.get_untracked()));
        }
    };
    let set_centre = move |i: usize| {
        if i < structure.with_untracked(Structure::len) && i != centre.get_untracked() {
            centre.set(i);
            save();
        }
    };
    let on_mol_down = move |ev: web_sys::PointerEvent| {
        press.set_value(Some((ev.client_x() as f64, ev.client_y() as f64)));
        drag.try_update_value(|d| d.down(&ev));
    };
    let on_mol_up = move |ev: web_sys::PointerEvent| {
        let dragged = drag.try_update_value(|d| d.up(&ev)).unwrap_or(false);
        let start = press.get_value();
        press.set_value(None);
        let still = start
            .is_some_and(|(x, y)| (ev.client_x() as f64 - x).hypot(ev.client_y() as f64 - y) < 6.0);
        if still {
            if let Some((x, y)) = backing_scale(&ev) {
                if let Some(i) = scene.try_with_value(|s| s.painter.pick(x, y)).flatten() {
                    set_centre(i);
                }
            }
        } else if dragged {
            save();
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if let Some(dr) = orbit::key(&ev, &view_m) {
            model.set(compose(&dr, &model.get_untracked()));
        }
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        if let Some(z) = orbit::wheel_zoom(&ev) {
            scene.try_update_value(|s| s.zoom = (s.zoom * z).clamp(0.4, 4.0));
            mol_painter.try_with_value(Painter::request);
        }
    };

    let on_upload = Callback::new(move |s: Structure| {
        let n = s.len();
        let label = upload_label(&s);
        if centre.get_untracked() >= n {
            centre.set(0);
        }
        structure.set(s);
        upload_name.set(Some(label));
        molecule.set(UPLOAD);
        save();
    });
    let choose_molecule = move |name: &'static str| {
        if name == UPLOAD {
            return; // the uploaded structure is already the current one or gone
        }
        match builtin(name) {
            Ok(s) => {
                if centre.get_untracked() >= s.len() {
                    centre.set(0);
                }
                structure.set(s);
                molecule.set(name);
                upload_name.set(None);
                save();
            }
            Err(e) => leptos::logging::warn!("neighbour-density: {e}"),
        }
    };

    let centre_label = move || {
        let c = centre.get();
        let sym = structure.with(|s| s.species.get(c).cloned().unwrap_or_default());
        let (count, rc) = (analysis.with(|a| a.neighbours.len()), rcut.get());
        format!("centre: atom {c} ({sym}) · {count} neighbours within {rc:.2} Å")
    };
    let neighbour_list_view = move || {
        analysis.with(|an| {
            let mut items: Vec<String> = an
                .neighbours
                .iter()
                .take(12)
                .map(|n| {
                    format!(
                        "{}{} {:.2} Å (w {:.2})",
                        n.species, n.atom, n.distance, n.weight
                    )
                })
                .collect();
            if an.neighbours.len() > 12 {
                items.push(format!("… {} more", an.neighbours.len() - 12));
            }
            items.join(" · ")
        })
    };
    let atom_options = move || {
        structure.with(|s| {
            s.species
                .iter()
                .enumerate()
                .map(|(i, sym)| {
                    view! { <option value=i.to_string()>{format!("{i} · {sym}")}</option> }
                })
                .collect_view()
        })
    };

    view! {
        <WidgetFrame name="neighbour-density" title="The neighbour density of one atom" notices=notices state=state>
            <p class="readout" data-testid="nd-centre" data-value=move || centre.get().to_string()>
                <strong>{centre_label}</strong>
            </p>
            {move || analysis.with(|a| a.error.clone()).map(|e| view! { <p class="widget-error" role="alert">{e}</p> })}
            <div class="widget-row">
                <div class="widget-canvas-wrap">
                    <canvas role="img" node_ref=mol_canvas class="view3d" tabindex="0"
                        aria-label="Molecule: drag to rotate, click an atom to make it the centre; arrow keys rotate when focused; Escape leaves"
                        on:pointerdown=on_mol_down on:pointermove=move |ev| rotate(&ev) on:pointerup=on_mol_up
                        on:pointercancel=move |ev| { drag.try_update_value(|d| d.up(&ev)); press.set_value(None); }
                        on:keydown=on_key on:wheel=on_wheel></canvas>
                    <p class="widget-hint">"Drag (or touch) to rotate · click or tap an atom to centre on it · dashed circle: the cutoff sphere"</p>
                </div>
                <div class="widget-canvas-wrap wide">
                    <canvas role="img" node_ref=density_canvas class="view3d density" tabindex="0"
                        aria-label="Angular density of the neighbours and its truncated expansion: drag to rotate"
                        on:pointerdown=move |ev| { drag.try_update_value(|d| d.down(&ev)); }
                        on:pointermove=move |ev| rotate(&ev)
                        on:pointerup=move |ev| { drag.try_update_value(|d| d.up(&ev)); }
                        on:pointercancel=move |ev| { drag.try_update_value(|d| d.up(&ev)); }
                        on:keydown=on_key></canvas>
                    <div class="legend">
                        <span><span class="swatch pos"></span>"ρ > 0 (radius and colour grow with ρ)"</span>
                        <span><span class="swatch neg"></span>"expansion < 0 (ringing)"</span>
                        <span>"dots: neighbour directions"</span>
                    </div>
                    <p class="readout" data-testid="nd-truncation-error"
                        data-value=move || analysis.with(|a| format!("{:e}", a.max_error))
                        inner_html=move || analysis.with(|a| {
                            let rel = if a.vmax > 0.0 { a.max_error / a.vmax } else { 0.0 };
                            prose(&format!("$max |ρ − ρ_{{l≤{}}}|$ on the grid = {} ({:.1} % of $max ρ$)", lmax.get(), sig(a.max_error, 4), 100.0 * rel))
                        })>
                    </p>
                </div>
            </div>
            <p class="readout small"><span inner_html=prose("neighbours (weight $w = f_{cut}(r)$): ")></span>{neighbour_list_view}</p>
            <div class="readout-block">
                <span class="readout-label" inner_html=move || analysis.with(|a| prose(&format!(
                    "atomic basis $A_{{znlm}}$ of the centre: Bessel, $n_{{max}}$ = {A_NMAX}, $l ≤ {}$ — {} species × {A_NMAX} × {} = {} numbers{}",
                    a.a_lmax,
                    a.a_species.len(),
                    (a.a_lmax + 1) * (a.a_lmax + 1),
                    a.a.len(),
                    if lmax.get() > A_LMAX_CAP { " ($l$ capped at 6 for the bars)" } else { "" }
                )))></span>
                <canvas role="img" node_ref=bars_canvas class="plot bars" aria-label="Bars of the atomic basis, grouped by species and n; within a group l and m increase to the right"></canvas>
                {move || analysis.with(|a| a.a_error.clone()).map(|e| view! { <p class="widget-error" role="alert">{e}</p> })}
                <p class="widget-hint">"Within each group: l = 0, 1, 1, 1, 2, … (m from −l to l). Blue up: positive; orange down: negative."</p>
            </div>
            <div class="widget-controls">
                <fieldset class="ctl-group">
                    <legend>"molecule and centre"</legend>
                    <label class="ctl">
                        <span class="ctl-name">"molecule"</span>
                        {molecule_select(molecule, &MOLECULES, Some(upload_name), "", choose_molecule)}
                    </label>
                    <label class="ctl">
                        <span class="ctl-name">"centre"</span>
                        <select data-testid="nd-centre-select" prop:value=move || centre.get().to_string() on:change=move |ev| {
                            if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                                set_centre(i);
                            }
                        }>
                            {atom_options}
                        </select>
                    </label>
                    {upload_control(on_upload)}
                </fieldset>
                <fieldset class="ctl-group">
                    <legend>"cutoff, smearing, truncation"</legend>
                    <RangeSlider label="$r_{cut}$" min=RCUT.0 max=RCUT.1 step=0.1
                        value=Signal::derive(move || rcut.get())
                        on_input=move |v: f64| rcut.set(v.clamp(RCUT.0, RCUT.1))
                        on_change=move |_| save()
                        format=|v| format!("{v:.1} Å") />
                    <RangeSlider label="$κ$" min=KAPPA.0 max=KAPPA.1 step=0.5
                        value=Signal::derive(move || kappa.get())
                        on_input=move |v: f64| kappa.set(v.clamp(KAPPA.0, KAPPA.1))
                        on_change=move |_| save()
                        format=|v| format!("{v:.1}") />
                    <RangeSlider label="$l_{max}$" min=0.0 max=LMAX as f64 step=1.0
                        value=Signal::derive(move || lmax.get() as f64)
                        on_input=move |v: f64| lmax.set((v.round() as usize).min(LMAX as usize))
                        on_change=move |_| save()
                        format=|v| format!("{}", v.round()) />
                    <button type="button" class="reset" on:click=move |_| {
                        model.set(IDENTITY);
                        scene.try_update_value(|s| s.zoom = 1.0);
                        redraw_views();
                    }>"reset view"</button>
                </fieldset>
            </div>
        </WidgetFrame>
    }
    .into_any()
}
