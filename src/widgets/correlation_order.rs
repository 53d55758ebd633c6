//! `correlation-order`: what the terms of each correlation order ν contribute to the site energies
//! of a MACE model. The model is evaluated with its product basis truncated at order k
//! (`EvalOptions::max_correlation = k`, applied in every layer) for k = 1..ν_max; the contribution of
//! order k to atom i is `E_i(≤k) − E_i(≤k−1)`, with `E_i(≤0) = E0(z_i)`, the element's reference
//! energy. Because the readout of the last layer is non-linear, the energy does not split additively
//! into orders: the contributions are defined by truncation, and they add up (telescoping) to
//! `E_i − E0(z_i)` of the full model, which the widget checks.
//!
//! Bars per atom (grouped by ν, with a tick at their sum) on a canvas, a table of totals per ν, and
//! a small 3D view of the molecule: hovering or selecting a bar rings its atom, and dragging an atom
//! in the view changes the geometry (everything is re-evaluated as it moves).

use std::rc::Rc;

use super::bars;
use super::controls::{molecule_select, UPLOAD};
use crate::number::quantity;
use leptos::html;
use leptos::prelude::*;
use multiace_core::mace::{MaceModel, MaceWorkspace};
use multiace_core::so3::{apply, mat_mul, transpose, Mat3, IDENTITY};
use multiace_core::structure::Structure;
use multiace_figures::{draw_order_bars, BarGeometry, BarMarks, ORDER_COLORS};
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;

use super::canvas::{Frame, Painter};
use super::frame::{write_url, DevNotes, WidgetFrame};
use super::mace_architecture::{molecule_structure, now_ms, MOLECULES};
use super::mace_model::{load_shipped_model, model_upload_control};
use super::math_label::prose;
use super::orbit::{self, DragTracker};
use super::params::Params;
use super::upload::{upload_control_checked, upload_label};
use super::view3d::camera::{compose, default_view, Camera};
use super::view3d::molecule::{AtomStyle, Molecule, MoleculePainter};

/// Ring around the highlighted atom (the book's focus orange).
const RING: &str = "#e07b00";
/// Largest molecule: every bar is an atom, and a drag re-evaluates the model ν + 1 times.
const MAX_ATOMS: usize = 300;
/// Largest molecule whose atoms are numbered in the 3D view.
const MAX_NUMBERED: usize = 60;
/// Step of shift+arrow keys moving the selected atom (Å).
const KEY_STEP: f64 = 0.05;

/// A loaded model and its number of layers.
struct Loaded {
    model: Rc<MaceModel>,
    layers: usize,
}

impl Loaded {
    fn of(model: Rc<MaceModel>) -> Loaded {
        Loaded {
            layers: model.num_interactions(),
            model,
        }
    }
}

/// The contributions of every order on one geometry.
#[derive(Clone, Debug, PartialEq)]
struct Contrib {
    symbols: Vec<String>,
    /// `contrib[k][i]`: order k + 1 on atom i (eV).
    contrib: Vec<Vec<f64>>,
    /// Σ_i per order (eV).
    totals: Vec<f64>,
    e0_sum: f64,
    /// The full model's energy (eV).
    full: f64,
    /// Σ_k Σ_i contrib + Σ E0 − full (eV).
    check: f64,
    /// Wall time of the ν_max + 1 evaluations (ms).
    ms: f64,
    layers: usize,
}

impl Contrib {
    fn n(&self) -> usize {
        self.symbols.len()
    }

    /// Σ_k contrib[k][i] = E_i − E0(z_i).
    fn atom_sum(&self, i: usize) -> f64 {
        self.contrib.iter().filter_map(|c| c.get(i)).sum()
    }
}

fn contributions(m: &Loaded, s: &Structure, ws: &mut MaceWorkspace) -> Result<Contrib, String> {
    let t0 = now_ms();
    let oc = m
        .model
        .order_contributions(s, ws)
        .map_err(|e| e.to_string())?;
    let totals = oc.totals();
    let e0_sum: f64 = oc.e0.iter().sum();
    let check = totals.iter().sum::<f64>() + e0_sum - oc.energy;
    Ok(Contrib {
        symbols: s.species.clone(),
        contrib: oc.per_order,
        totals,
        e0_sum,
        full: oc.energy,
        check,
        ms: now_ms() - t0,
        layers: m.layers,
    })
}

/// Browser-side state: the molecule (centred; the reader's drags move its atoms), its starting
/// geometry, the drawing scratch and the model's buffers.
struct Scene {
    species: Vec<String>,
    mol: Option<Molecule>,
    base: Option<Molecule>,
    painter: MoleculePainter,
    /// CSS pixels per Å in the last 3D drawing.
    px_per_angstrom: f64,
    zoom: f64,
    ws: MaceWorkspace,
    chart: BarGeometry,
    numbers: Vec<String>,
}

impl Scene {
    fn set(&mut self, s: &Structure) {
        let mol = Molecule::from_structure(s);
        self.species = s.species.clone();
        self.numbers = (0..s.len()).map(|k| k.to_string()).collect();
        self.base = Some(mol.clone());
        self.mol = Some(mol);
    }

    fn structure(&self) -> Option<Structure> {
        self.mol
            .as_ref()
            .map(|m| Structure::new(self.species.clone(), m.positions.clone()))
    }
}

/// "+0.0123".
fn fmt_ev(x: f64) -> String {
    format!("{x:+.4}")
}

/// The CSS colour of order ν = k + 1, as the chart draws it.
fn order_css(k: usize) -> String {
    let c = ORDER_COLORS[k % ORDER_COLORS.len()];
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The bars (`multiace_figures::draw_order_bars`): one group per atom, one bar per order, a tick
/// at the group's sum.
fn draw_chart(f: &Frame, c: &Contrib, selected: usize, hover: Option<usize>) -> BarGeometry {
    let Some(backend) = CanvasBackend::with_canvas_object(f.canvas.clone()) else {
        return BarGeometry::default();
    };
    let labels: Vec<String> = c
        .symbols
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{s}{i}"))
        .collect();
    let marks = BarMarks {
        selected: Some(selected),
        hover,
        legend: false,
    };
    draw_order_bars(
        &backend.into_drawing_area(),
        &labels,
        &c.contrib,
        marks,
        &f.fig_style(),
    )
    .unwrap_or_else(|e| {
        leptos::logging::warn!("correlation-order: {e}");
        BarGeometry::default()
    })
}

/// The molecule with the highlighted atom ringed and (small molecules) numbered.
fn draw_molecule(f: &Frame, sc: &mut Scene, view_m: &Mat3, r: &Mat3, highlight: Option<usize>) {
    let Scene {
        mol,
        base,
        painter,
        px_per_angstrom,
        zoom,
        numbers,
        ..
    } = sc;
    let Some(m) = mol.as_ref() else { return };
    let extent = base.as_ref().map_or(m.extent, |b| b.extent).max(1.6) + 0.4;
    let mut cam = Camera::fit(f.width, f.height, extent, *view_m);
    cam.scale *= *zoom;
    *px_per_angstrom = cam.scale / f.dpr;
    painter.draw_styled(
        f.ctx,
        &cam,
        m,
        r,
        &AtomStyle {
            highlight,
            faded: &[],
            ring: RING,
        },
    );
    if m.positions.len() <= MAX_NUMBERED {
        let color = f.text_color();
        bars::font(f.ctx, 11.0, f.dpr, "left");
        f.ctx.set_fill_style_str(&color);
        for (i, p) in m.positions.iter().enumerate() {
            let s = cam.project(apply(r, *p));
            let off = cam.pixels(m.elements[i].ball, s[2]) * 0.75;
            if let Some(t) = numbers.get(i) {
                bars::text(f.ctx, t, s[0] + off, s[1] - off);
            }
        }
    }
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let mol0 = p.choice("molecule", "ethanol", &MOLECULES);
    let s0 = molecule_structure(mol0);
    let n0 = s0.as_ref().map_or(1, |s| s.len());
    let atom0 = p.int("atom", 0, 0, n0 as i64 - 1) as usize;
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();

    let mut scene0 = Scene {
        species: Vec::new(),
        mol: None,
        base: None,
        painter: MoleculePainter::default(),
        px_per_angstrom: 50.0,
        zoom: 1.0,
        ws: MaceWorkspace::default(),
        chart: BarGeometry::default(),
        numbers: Vec::new(),
    };
    if let Ok(s) = &s0 {
        scene0.set(s);
    }
    let scene = StoredValue::new_local(scene0);

    let model = RwSignal::new_local(None::<Rc<MaceModel>>);
    let load_error = RwSignal::new(None::<String>);
    load_shipped_model(model, load_error);
    let loaded = RwSignal::new_local(None::<Rc<Loaded>>);
    let molecule = RwSignal::new(mol0);
    let upload_name = RwSignal::new(None::<String>);
    let atom = RwSignal::new(atom0);
    let hover = RwSignal::new(None::<usize>);
    let rot = RwSignal::new(IDENTITY);
    let version = RwSignal::new(0u32);
    let result = RwSignal::new(None::<Contrib>);
    let eval_error = RwSignal::new(None::<String>);
    let molecule_error = RwSignal::new(None::<String>);
    let last_model = StoredValue::new_local(None::<Rc<Loaded>>);
    let uploaded = StoredValue::new_local(None::<Structure>);

    let state = Signal::derive(move || {
        let mol = match molecule.get() {
            UPLOAD => String::new(),
            name => format!("molecule={name}&"),
        };
        format!("{mol}atom={}{pass}", atom.get())
    });
    let save = move || write_url(embedded, &state.get_untracked());

    Effect::new(move |_| {
        if let Some(m) = model.get() {
            loaded.set(Some(Rc::new(Loaded::of(m))));
        }
    });

    let view_m = default_view();
    let canvas3d = NodeRef::<html::Canvas>::new();
    let chart = NodeRef::<html::Canvas>::new();
    let painter3d = StoredValue::new_local(Painter::new(canvas3d, dpr, move |f| {
        let r = rot.get_untracked();
        let hl = hover.get_untracked().or(Some(atom.get_untracked()));
        scene.try_update_value(|sc| draw_molecule(f, sc, &view_m, &r, hl));
    }));
    let painter_chart = StoredValue::new_local(Painter::new(chart, dpr, move |f| {
        let sel = atom.get_untracked();
        let hv = hover.get_untracked();
        result.with_untracked(|res| {
            if let Some(c) = res {
                let g = draw_chart(f, c, sel, hv);
                scene.try_update_value(|sc| sc.chart = g);
            }
        });
    }));
    let redraw = move || {
        painter3d.try_with_value(Painter::request);
        painter_chart.try_with_value(Painter::request);
    };

    // The model, the molecule or its geometry changed: ν_max + 1 evaluations.
    Effect::new(move |_| {
        version.track();
        let Some(m) = loaded.get() else { return };
        let res = scene
            .try_update_value(|sc| {
                let s = sc.structure()?;
                Some(contributions(&m, &s, &mut sc.ws))
            })
            .flatten();
        match res {
            Some(Ok(c)) => {
                eval_error.set(None);
                let n = c.n();
                result.set(Some(c));
                if atom.get_untracked() >= n {
                    atom.set(0);
                }
            }
            Some(Err(e)) => {
                // after a new model the old numbers would mislead; after a drag they are the last good state
                let same = last_model.with_value(|l| l.as_ref().is_some_and(|l| Rc::ptr_eq(l, &m)));
                if !same {
                    result.set(None);
                }
                eval_error.set(Some(e));
            }
            None => {}
        }
        last_model.set_value(Some(m));
        redraw();
    });
    Effect::new(move |_| {
        atom.track();
        hover.track();
        rot.track();
        redraw();
    });

    let change_molecule = move |name: &'static str, s: &Structure| -> bool {
        if s.len() > MAX_ATOMS {
            molecule_error.set(Some(format!(
                "{} atoms: this widget draws one group of bars per atom and takes molecules of at most {MAX_ATOMS} atoms — the previous molecule is kept.",
                s.len()
            )));
            return false;
        }
        if let Some(m) = loaded.get_untracked() {
            let mut ws = MaceWorkspace::default();
            if let Err(e) = contributions(&m, s, &mut ws) {
                molecule_error.set(Some(format!("{e} — the previous molecule is kept.")));
                return false;
            }
        }
        molecule_error.set(None);
        scene.try_update_value(|sc| {
            sc.set(s);
            sc.zoom = 1.0;
        });
        molecule.set(name);
        atom.set(0);
        hover.set(None);
        rot.set(IDENTITY);
        version.update(|v| *v += 1);
        true
    };
    let on_upload = Callback::new(move |st: Structure| {
        let label = upload_label(&st);
        if !change_molecule(UPLOAD, &st) {
            return false;
        }
        uploaded.set_value(Some(st));
        upload_name.set(Some(label));
        save();
        true
    });
    let on_model = Callback::new(move |m: Rc<MaceModel>| model.set(Some(m)));

    // Moving an atom by a screen-space step (right, up) in Å.
    let move_atom = move |i: usize, dx: f64, dy: f64| {
        let r = rot.get_untracked();
        let back = mat_mul(&transpose(&r), &transpose(&view_m));
        let d = apply(&back, [dx, dy, 0.0]);
        let moved = scene
            .try_update_value(|sc| {
                let p = sc.mol.as_mut()?.positions.get_mut(i)?;
                *p = [p[0] + d[0], p[1] + d[1], p[2] + d[2]];
                Some(())
            })
            .flatten()
            .is_some();
        if moved {
            version.update(|v| *v += 1);
        }
    };

    let drag = StoredValue::new_local(DragTracker::default());
    let dragging = StoredValue::new(None::<(usize, f64, f64)>);
    let on_down = move |ev: web_sys::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
        let canvas = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        let hit = canvas.and_then(|el| {
            let k = el.width() as f64 / (el.client_width() as f64).max(1.0);
            crate::util::focus_no_scroll(&el);
            scene
                .try_with_value(|s| s.painter.pick(x * k, y * k))
                .flatten()
        });
        match hit {
            Some(i) => {
                if let Some(el) = ev
                    .current_target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                {
                    let _ = el.set_pointer_capture(ev.pointer_id());
                }
                ev.prevent_default();
                dragging.set_value(Some((i, x, y)));
                atom.set(i);
            }
            None => drag.try_update_value(|d| d.down(&ev)).unwrap_or(()),
        }
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        if let Some((i, x0, y0)) = dragging.get_value() {
            let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
            dragging.set_value(Some((i, x, y)));
            let k = scene
                .try_with_value(|s| s.px_per_angstrom)
                .unwrap_or(50.0)
                .max(1e-3);
            move_atom(i, (x - x0) / k, -(y - y0) / k);
            return;
        }
        if let Some(dr) = drag.try_update_value(|d| d.moved(&ev, &view_m)).flatten() {
            rot.set(compose(&dr, &rot.get_untracked()));
        }
    };
    let on_up = move |ev: web_sys::PointerEvent| {
        if dragging.get_value().is_some() {
            dragging.set_value(None);
            if let Some(el) = ev
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            {
                if el.has_pointer_capture(ev.pointer_id()) {
                    let _ = el.release_pointer_capture(ev.pointer_id());
                }
            }
            save();
            return;
        }
        drag.try_update_value(|d| d.up(&ev));
    };
    let on_key3d = move |ev: web_sys::KeyboardEvent| {
        if ev.shift_key() {
            let step = match ev.key().as_str() {
                "ArrowLeft" => Some((-KEY_STEP, 0.0)),
                "ArrowRight" => Some((KEY_STEP, 0.0)),
                "ArrowUp" => Some((0.0, KEY_STEP)),
                "ArrowDown" => Some((0.0, -KEY_STEP)),
                _ => None,
            };
            if let Some((dx, dy)) = step {
                ev.prevent_default();
                move_atom(atom.get_untracked(), dx, dy);
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
            redraw();
        }
    };

    // The chart: hover shows an atom, a click or the arrow keys select it.
    let bar_at = move |ev: &web_sys::MouseEvent| -> Option<usize> {
        let el = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlCanvasElement>().ok())?;
        let k = el.width() as f64 / (el.client_width() as f64).max(1.0);
        let x = ev.offset_x() as f64 * k;
        let g = scene.try_with_value(|s| s.chart)?;
        if g.n == 0 || g.group <= 0.0 || x < g.x0 {
            return None;
        }
        let i = ((x - g.x0) / g.group).floor() as usize;
        (i < g.n).then_some(i)
    };
    let on_chart_move = move |ev: web_sys::PointerEvent| {
        let i = bar_at(&ev);
        if hover.get_untracked() != i {
            hover.set(i);
        }
    };
    let on_chart_leave = move |_: web_sys::PointerEvent| hover.set(None);
    let on_chart_click = move |ev: web_sys::MouseEvent| {
        if let Some(i) = bar_at(&ev) {
            atom.set(i);
            save();
        }
    };
    let on_chart_key = move |ev: web_sys::KeyboardEvent| {
        let n = result.with_untracked(|r| r.as_ref().map_or(0, Contrib::n));
        if n == 0 {
            return;
        }
        let cur = atom.get_untracked().min(n - 1);
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => (cur + 1).min(n - 1),
            "ArrowLeft" | "ArrowUp" => cur.saturating_sub(1),
            "Home" => 0,
            "End" => n - 1,
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
        if next != cur {
            atom.set(next);
            save();
        }
    };

    let reset = move |_| {
        scene.try_update_value(|sc| {
            sc.mol.clone_from(&sc.base);
            sc.zoom = 1.0;
        });
        rot.set(IDENTITY);
        version.update(|v| *v += 1);
    };

    let selected_view = move || {
        let c = result.get()?;
        let i = atom.get().min(c.n().saturating_sub(1));
        let parts: Vec<String> = c
            .contrib
            .iter()
            .enumerate()
            .map(|(k, v)| {
                format!(
                    "ν = {}: {} eV",
                    k + 1,
                    fmt_ev(v.get(i).copied().unwrap_or(0.0))
                )
            })
            .collect();
        let values: Vec<String> = c
            .contrib
            .iter()
            .map(|v| format!("{:e}", v.get(i).copied().unwrap_or(0.0)))
            .collect();
        Some(view! {
            <p class="readout" data-testid="corr-atom" data-atom=i.to_string() data-values=values.join(",")>
                <strong>{format!("atom {i} ({})", c.symbols.get(i).cloned().unwrap_or_default())}</strong>
                ": "{parts.join(" · ")}
                <span class="small" inner_html=prose(&format!(" · $E_i − E_0$ = {} eV", fmt_ev(c.atom_sum(i))))></span>
            </p>
        })
    };
    let totals_view = move || {
        let c = result.get()?;
        let rows = c
            .totals
            .iter()
            .enumerate()
            .map(|(k, t)| {
                let nu = k + 1;
                view! {
                    <tr data-nu=nu.to_string() data-value=format!("{t:e}")>
                        <td><span class="swatch" style=format!("background:{}", order_css(k))></span>
                            "order "<i>"ν"</i>{format!(" = {nu}")}</td>
                        <td class="num">{fmt_ev(*t)}</td>
                    </tr>
                }
            })
            .collect_view();
        let all: f64 = c.totals.iter().sum();
        let ok = c.check.abs() < 1e-9;
        let values = c
            .totals
            .iter()
            .map(|t| format!("{t:e}"))
            .collect::<Vec<_>>()
            .join(",");
        Some(view! {
            <div class="readout-block">
                <span class="readout-label">"totals over the atoms (eV)"</span>
                <table class="counts corr-totals" data-testid="corr-totals"
                    data-nu=c.totals.len().to_string()
                    data-values=values>
                    <tbody>
                        {rows}
                        <tr class="corr-sum"><td inner_html=prose("all orders, $Σ_i (E_i − E_0)$")></td><td class="num">{fmt_ev(all)}</td></tr>
                        <tr><td inner_html=prose("$Σ_i E_0(z_i)$")></td><td class="num">{format!("{:.4}", c.e0_sum)}</td></tr>
                        <tr><td inner_html=prose("full model $E$")></td><td class="num" data-testid="corr-full" data-value=format!("{:e}", c.full)>{format!("{:.4}", c.full)}</td></tr>
                    </tbody>
                </table>
                <p class="readout" data-testid="corr-check" data-value=format!("{:e}", c.check)>
                    <span inner_html=prose("check: Σ contributions + $Σ_i E_0 − E$ = ")></span>
                    <strong>{quantity(c.check, 2, "eV")}</strong>
                    {ok.then(|| view! { <span class="check-ok">" ✓"</span> })}
                </p>
                <DevNotes>
                    <p class="readout small" data-testid="corr-timing" data-compute-ms=format!("{:.3}", c.ms)>
                        {format!("{} evaluations (k = 1…{}, and the full model) in {:.2} ms", c.contrib.len() + 1, c.contrib.len(), c.ms)}
                    </p>
                </DevNotes>
            </div>
        })
    };
    let legend = move || {
        let nu = result.with(|r| r.as_ref().map_or(0, |c| c.contrib.len()));
        view! {
            <div class="legend" data-testid="corr-legend">
                {(0..nu).map(|k| view! {
                    <span><span class="swatch" style=format!("background:{}", order_css(k))></span>
                        <span inner_html=prose(&format!("$ν$ = {}: $E_i(≤{}) − E_i(≤{})$", k + 1, k + 1, k))></span></span>
                }).collect_view()}
                <span><span class="swatch line"></span><span inner_html=prose("sum over $ν$: $E_i − E_0(z_i)$")></span></span>
            </div>
        }
    };
    let per_atom_table = move || {
        let c = result.get()?;
        let head = (1..=c.contrib.len())
            .map(|k| view! { <th scope="col"><i>"ν"</i>{format!(" = {k}")}</th> })
            .collect_view();
        let body = (0..c.n())
            .map(|i| {
                let cells = c
                    .contrib
                    .iter()
                    .map(|v| view! { <td class="num">{fmt_ev(v.get(i).copied().unwrap_or(0.0))}</td> })
                    .collect_view();
                view! {
                    <tr><th scope="row">{format!("{i} · {}", c.symbols[i])}</th>{cells}<td class="num">{fmt_ev(c.atom_sum(i))}</td></tr>
                }
            })
            .collect_view();
        Some(view! {
            <details class="corr-details">
                <summary>"the numbers per atom (eV)"</summary>
                <div class="arch-table-wrap">
                    <table class="arch-numbers" data-testid="corr-table">
                        <thead><tr><th scope="col">"atom"</th>{head}<th scope="col">"sum"</th></tr></thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
            </details>
        })
    };
    let note = move || {
        let layers = result.with(|r| r.as_ref().map_or(0, |c| c.layers));
        let where_ = match layers {
            0 | 1 => "in the layer".to_string(),
            2 => "in both layers".to_string(),
            k => format!("in all {k} layers"),
        };
        prose(&format!(
            "The product basis is truncated at order $k$ {where_}; because the readout of the last layer is non-linear, the energy is not a sum of separate terms per order, so the contribution of order $k$ is defined by truncation, $E_i(≤k) − E_i(≤k−1)$ (with $E_i(≤0) = E_0(z_i)$), rather than by an additive split."
        ))
    };

    view! {
        <WidgetFrame name="correlation-order" title="What each correlation order contributes" notices=notices state=state>
            <p class="convention">"The shipped MACE model with its products cut at correlation order k. Bars: how much order ν adds to each atom's site energy. Hover or click a group of bars to ring the atom; drag an atom in the 3D view to change the geometry, drag elsewhere to turn the molecule."</p>
            {move || (loaded.get().is_none() && load_error.get().is_none()).then(|| view! {
                <p class="readout small" data-testid="model-loading" role="status">"loading model…"</p>
            })}
            {move || load_error.get().map(|e| view! { <p class="widget-error" role="alert">{e}</p> })}
            {move || eval_error.get().map(|e| view! { <p class="widget-error" role="alert" data-testid="corr-eval-error">{e}</p> })}
            <div class="widget-row">
                <div class="widget-canvas-wrap corr-view">
                    <canvas role="img" node_ref=canvas3d class="view3d" tabindex="0"
                        aria-label="The molecule: drag an atom to move it, drag elsewhere to rotate; arrow keys rotate and shift+arrow keys move the selected atom when focused; Escape leaves"
                        on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                        on:pointercancel=on_up on:keydown=on_key3d on:wheel=on_wheel></canvas>
                    <p class="widget-hint">"Drag an atom to move it · drag elsewhere to rotate · shift+arrow keys move the ringed atom"</p>
                </div>
                <div class="widget-readout">
                    {selected_view}
                    {totals_view}
                </div>
            </div>
            <canvas role="img" node_ref=chart class="plot corr-bars" tabindex="0"
                aria-label="Bars: the contribution of each correlation order to each atom's site energy. Arrow keys select an atom."
                on:pointermove=on_chart_move on:pointerleave=on_chart_leave on:click=on_chart_click
                on:keydown=on_chart_key></canvas>
            {legend}
            <p class="corr-note" inner_html=note></p>
            {per_atom_table}
            <div class="widget-controls">
                <label class="ctl">
                    <span class="ctl-name">"molecule"</span>
                    {molecule_select(molecule, &MOLECULES, Some(upload_name), "", move |n| {
                        let s = if n == UPLOAD {
                            uploaded.get_value().ok_or_else(|| "no file loaded".to_string())
                        } else {
                            molecule_structure(n)
                        };
                        match s {
                            Ok(s) => {
                                if change_molecule(n, &s) {
                                    save();
                                }
                            }
                            Err(e) => molecule_error.set(Some(e)),
                        }
                    })}
                    <span></span>
                </label>
                <div class="chips">
                    <button type="button" class="chip" data-testid="corr-reset" on:click=reset>"starting geometry"</button>
                </div>
                {upload_control_checked(on_upload)}
                {model_upload_control(on_model)}
            </div>
            {move || molecule_error.get().map(|e| view! {
                <p class="widget-error" role="alert" data-testid="molecule-error">{e}</p>
            })}
        </WidgetFrame>
    }
    .into_any()
}
