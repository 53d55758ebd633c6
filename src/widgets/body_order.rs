//! `body-order`: how the body order of message-passing features grows with the correlation order ν
//! and the number of layers T, and how many atoms of a real molecule are actually in reach.
//!
//! With linear updates a layer of correlation order ν turns features of body order 1 + n_{t−1}
//! into features of body order 1 + n_t with n_t = ν (1 + n_{t−1}), n_0 = 0 (the recursion of
//! `multiace_core::multiace::Derived::feature_body_order`): a table of 1 + n_T for ν = 1…4 and
//! T = 1…6, and the recursion written out for the current choice.
//!
//! On a molecule, an atom influences a chosen centre after k layers when it is k hops away in the
//! neighbour graph at cutoff r_cut (the core's `neighbour_list`): the atoms are coloured by that
//! hop count up to T, and the number in reach is set against the body-order bound.

use leptos::html;
use leptos::prelude::*;
use multiace_core::so3::{apply, Mat3, IDENTITY};
use multiace_core::structure::{neighbour_list, Structure};
use wasm_bindgen::{JsCast, JsValue};

use super::canvas::{Frame, Painter};
use super::controls::{molecule_select, RangeSlider};
use super::frame::{write_url, WidgetFrame};
use super::mace_architecture::{molecule_structure, MOLECULES};
use super::math_label::prose;
use super::orbit::{self, DragTracker};
use super::params::{fmt_f64, Params};
use super::view3d::camera::{compose, default_view, Camera};
use super::view3d::molecule::Molecule;

const MAX_NU: usize = 4;
const MAX_T: usize = 6;
const R_CUT: (f64, f64) = (1.5, 6.0);
const R_CUT_DEFAULT: f64 = 3.0;

/// Colours of hop 1…6 (ColorBrewer YlGnBu, dark = near; safe for colour-blind readers), the
/// centre, and atoms out of reach.
const HOP_COLORS: [&str; MAX_T] = [
    "#253494", "#2c7fb8", "#41b6c4", "#7fcdbb", "#c7e9b4", "#edf8b1",
];
const CENTRE: &str = "#e07b00";
const OUT_OF_REACH: &str = "#d4d4d4";

/// 1 + n_T for T layers of correlation order ν (saturating; 4 and 6 give 5461).
fn body_order(nu: usize, layers: usize) -> u64 {
    let mut n: u64 = 0;
    for _ in 0..layers {
        n = (nu as u64).saturating_mul(n.saturating_add(1));
    }
    n.saturating_add(1)
}

/// `one` for a count of 1, `many` otherwise ("1 hop", "2 hops").
fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The first atom shown for a molecule: ethanol's hydroxyl H (two hops from the methyl group at
/// 3 Å), atom 0 otherwise.
fn default_atom(molecule: &str) -> usize {
    if molecule == "ethanol" {
        3
    } else {
        0
    }
}

/// Hops from `centre` in the graph of neighbours closer than `r_cut` (None: not connected).
fn hops(s: &Structure, r_cut: f64, centre: usize) -> Result<Vec<Option<usize>>, String> {
    let nl = neighbour_list(s, r_cut).map_err(|e| e.to_string())?;
    let n = s.len();
    let mut hop = vec![None; n];
    if centre >= n {
        return Ok(hop);
    }
    hop[centre] = Some(0);
    let mut front = vec![centre];
    let mut k = 0;
    while !front.is_empty() {
        k += 1;
        let mut next = Vec::new();
        for &i in &front {
            for nb in nl.of(i) {
                if let Some(h) = hop.get_mut(nb.j) {
                    if h.is_none() {
                        *h = Some(k);
                        next.push(nb.j);
                    }
                }
            }
        }
        front = next;
    }
    Ok(hop)
}

/// The colour class of an atom: "c" (centre), the hop 1…T, or "-" (out of reach in T layers).
fn class_of(h: Option<usize>, layers: usize) -> String {
    match h {
        Some(0) => "c".into(),
        Some(k) if k <= layers => k.to_string(),
        _ => "-".into(),
    }
}

fn fill_of(h: Option<usize>, layers: usize) -> &'static str {
    match h {
        Some(0) => CENTRE,
        Some(k) if k <= layers => HOP_COLORS.get(k - 1).copied().unwrap_or(OUT_OF_REACH),
        _ => OUT_OF_REACH,
    }
}

/// Browser-side drawing state.
struct Scene {
    mol: Option<Molecule>,
    /// Screen x, y, depth and radius of every atom in the last drawing (device pixels).
    screen: Vec<[f64; 4]>,
    items: Vec<(f64, usize, bool)>,
    zoom: f64,
}

impl Scene {
    fn pick(&self, x: f64, y: f64) -> Option<usize> {
        self.screen
            .iter()
            .enumerate()
            .filter(|(_, s)| (s[0] - x).powi(2) + (s[1] - y).powi(2) <= (s[3] * 1.15).powi(2))
            .max_by(|a, b| a.1[2].total_cmp(&b.1[2]))
            .map(|(i, _)| i)
    }
}

#[allow(clippy::too_many_arguments)]
fn draw(
    f: &Frame,
    sc: &mut Scene,
    view_m: &Mat3,
    r: &Mat3,
    hop: &[Option<usize>],
    layers: usize,
    centre: usize,
    r_cut: f64,
) {
    let Scene {
        mol,
        screen,
        items,
        zoom,
    } = sc;
    let Some(m) = mol.as_ref() else { return };
    let ctx = f.ctx;
    let dpr = f.dpr;
    let mut cam = Camera::fit(f.width, f.height, m.extent.max(1.6) + 0.4, *view_m);
    cam.scale *= *zoom;
    screen.clear();
    for (p, e) in m.positions.iter().zip(&m.elements) {
        let s = cam.project(apply(r, *p));
        screen.push([s[0], s[1], s[2], cam.pixels(e.ball * 1.3, s[2])]);
    }
    // the cutoff sphere around the centre, as a dashed circle
    if let Some(c) = screen.get(centre) {
        let rad = cam.pixels(r_cut, c[2]);
        if rad.is_finite() && rad > 0.0 {
            let color = f.text_color();
            ctx.set_stroke_style_str(&color);
            ctx.set_global_alpha(0.45);
            ctx.set_line_width(1.2 * dpr);
            let dash = js_sys::Array::of2(&JsValue::from(5.0 * dpr), &JsValue::from(4.0 * dpr));
            let _ = ctx.set_line_dash(&dash);
            ctx.begin_path();
            let _ = ctx.arc(c[0], c[1], rad, 0.0, std::f64::consts::TAU);
            ctx.stroke();
            let _ = ctx.set_line_dash(&js_sys::Array::new());
            ctx.set_global_alpha(1.0);
        }
    }
    items.clear();
    for (i, s) in screen.iter().enumerate() {
        items.push((s[2], i, true));
    }
    for (b, &(i, j)) in m.bonds.iter().enumerate() {
        if let (Some(a), Some(c)) = (screen.get(i), screen.get(j)) {
            items.push(((a[2] + c[2]) / 2.0 - 1e-3, b, false));
        }
    }
    items.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let stroke = f.text_color();
    ctx.set_line_cap("round");
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    for &(_, k, atom) in items.iter() {
        if atom {
            let Some(s) = screen.get(k) else { continue };
            let h = hop.get(k).copied().flatten();
            let fill = fill_of(h, layers);
            let reach = fill != OUT_OF_REACH;
            ctx.set_global_alpha(if reach { 1.0 } else { 0.55 });
            ctx.set_fill_style_str(fill);
            ctx.begin_path();
            let _ = ctx.arc(s[0], s[1], s[3], 0.0, std::f64::consts::TAU);
            ctx.fill();
            ctx.set_stroke_style_str(&stroke);
            ctx.set_line_width(if k == centre { 3.0 * dpr } else { 1.0 * dpr });
            ctx.stroke();
            // dark fills get light letters
            let light_text = matches!(h, Some(1) | Some(2)) && reach;
            ctx.set_fill_style_str(if light_text { "#ffffff" } else { "#1a1a1a" });
            ctx.set_font(&format!(
                "{}px sans-serif",
                (s[3] * 0.95).clamp(7.0 * dpr, 16.0 * dpr).round()
            ));
            let sym = m.elements.get(k).map_or("?", |e| e.symbol);
            let _ = ctx.fill_text(sym, s[0], s[1]);
            ctx.set_global_alpha(1.0);
        } else if let Some(&(i, j)) = m.bonds.get(k) {
            let (Some(a), Some(c)) = (screen.get(i), screen.get(j)) else {
                continue;
            };
            ctx.set_global_alpha(0.8);
            ctx.set_stroke_style_str("#8a8a8a");
            ctx.set_line_width(cam.pixels(0.12, (a[2] + c[2]) / 2.0).max(1.5 * dpr));
            ctx.begin_path();
            ctx.move_to(a[0], a[1]);
            ctx.line_to(c[0], c[1]);
            ctx.stroke();
            ctx.set_global_alpha(1.0);
        }
    }
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let nu0 = p.int("nu", 2, 1, MAX_NU as i64) as usize;
    let t0 = p.int("layers", 3, 1, MAX_T as i64) as usize;
    let mol0 = p.choice("molecule", "ethanol", &MOLECULES);
    let rcut0 = p.float("rcut", R_CUT_DEFAULT, R_CUT.0, R_CUT.1);
    let s0 = molecule_structure(mol0);
    let n0 = s0.as_ref().map_or(1, |s| s.len()).max(1);
    let atom0 = p.int(
        "atom",
        default_atom(mol0).min(n0 - 1) as i64,
        0,
        n0 as i64 - 1,
    ) as usize;
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();

    let nu = RwSignal::new(nu0);
    let layers = RwSignal::new(t0);
    let molecule = RwSignal::new(mol0);
    let rcut = RwSignal::new(rcut0);
    let atom = RwSignal::new(atom0);
    let structure = RwSignal::new(s0);
    let rot = RwSignal::new(IDENTITY);
    let scene = StoredValue::new_local(Scene {
        mol: structure
            .get_untracked()
            .ok()
            .map(|s| Molecule::from_structure(&s)),
        screen: Vec::new(),
        items: Vec::new(),
        zoom: 1.0,
    });

    let state = Signal::derive(move || {
        format!(
            "nu={}&layers={}&molecule={}&rcut={}&atom={}{pass}",
            nu.get(),
            layers.get(),
            molecule.get(),
            fmt_f64(rcut.get()),
            atom.get()
        )
    });
    let save = move || write_url(embedded, &state.get_untracked());

    let hop = Memo::new(move |_| {
        let r = rcut.get();
        let c = atom.get();
        structure.with(|s| match s {
            Ok(s) => hops(s, r, c),
            Err(e) => Err(e.clone()),
        })
    });
    let n_atoms = Memo::new(move |_| structure.with(|s| s.as_ref().map_or(0, Structure::len)));

    let view_m = default_view();
    let canvas = NodeRef::<html::Canvas>::new();
    let painter = StoredValue::new_local(Painter::new(canvas, dpr, move |f| {
        let r = rot.get_untracked();
        let t = layers.get_untracked();
        let c = atom.get_untracked();
        let rc = rcut.get_untracked();
        hop.with_untracked(|h| {
            let h: &[Option<usize>] = h.as_ref().map_or(&[], |v| v.as_slice());
            scene.try_update_value(|sc| draw(f, sc, &view_m, &r, h, t, c, rc));
        });
    }));
    let redraw = move || {
        painter.try_with_value(Painter::request);
    };
    Effect::new(move |_| {
        hop.track();
        layers.track();
        rot.track();
        redraw();
    });

    let set_molecule = move |name: &'static str| {
        let s = molecule_structure(name);
        let mol = s.as_ref().ok().map(Molecule::from_structure);
        let n = s.as_ref().map_or(1, |s| s.len()).max(1);
        scene.try_update_value(|sc| {
            sc.mol = mol;
            sc.zoom = 1.0;
        });
        atom.set(default_atom(name).min(n - 1));
        molecule.set(name);
        structure.set(s);
        rot.set(IDENTITY);
        save();
    };
    let step_atom = move |delta: i64| {
        let n = n_atoms.get_untracked();
        if n == 0 {
            return;
        }
        let cur = atom.get_untracked() as i64;
        let next = (cur + delta).rem_euclid(n as i64) as usize;
        atom.set(next);
        save();
    };

    // canvas: press on an atom to make it the centre, drag elsewhere to turn the molecule
    let drag = StoredValue::new_local(DragTracker::default());
    let on_down = move |ev: web_sys::PointerEvent| {
        let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        let k = f64::from(el.client_width()).max(1.0);
        let cw = el
            .dyn_ref::<web_sys::HtmlCanvasElement>()
            .map_or(k, |c| f64::from(c.width()));
        let s = cw / k;
        let (x, y) = (ev.offset_x() as f64 * s, ev.offset_y() as f64 * s);
        if let Some(i) = scene.try_with_value(|sc| sc.pick(x, y)).flatten() {
            crate::util::focus_no_scroll(&el);
            ev.prevent_default();
            if atom.get_untracked() != i {
                atom.set(i);
                save();
            }
            return;
        }
        drag.try_update_value(|d| d.down(&ev));
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        if let Some(dr) = drag.try_update_value(|d| d.moved(&ev, &view_m)).flatten() {
            rot.set(compose(&dr, &rot.get_untracked()));
        }
    };
    let on_up = move |ev: web_sys::PointerEvent| {
        drag.try_update_value(|d| d.up(&ev));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        if !ev.shift_key() {
            let delta = match key.as_str() {
                "ArrowRight" | "ArrowDown" => Some(1),
                "ArrowLeft" | "ArrowUp" => Some(-1),
                _ => None,
            };
            if let Some(d) = delta {
                ev.prevent_default();
                step_atom(d);
                return;
            }
            match key.as_str() {
                "Home" => {
                    ev.prevent_default();
                    atom.set(0);
                    save();
                    return;
                }
                "End" => {
                    ev.prevent_default();
                    atom.set(n_atoms.get_untracked().saturating_sub(1));
                    save();
                    return;
                }
                _ => {}
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

    // the table: a click or the arrow keys choose (ν, T)
    let choose = move |v: usize, t: usize| {
        nu.set(v.clamp(1, MAX_NU));
        layers.set(t.clamp(1, MAX_T));
        save();
    };
    let on_table_key = move |ev: web_sys::KeyboardEvent| {
        let (v, t) = (nu.get_untracked(), layers.get_untracked());
        let (nv, nt) = match ev.key().as_str() {
            "ArrowRight" => (v, (t + 1).min(MAX_T)),
            "ArrowLeft" => (v, t.saturating_sub(1).max(1)),
            "ArrowDown" => ((v + 1).min(MAX_NU), t),
            "ArrowUp" => (v.saturating_sub(1).max(1), t),
            "Home" => (v, 1),
            "End" => (v, MAX_T),
            _ => return,
        };
        ev.prevent_default();
        choose(nv, nt);
        let target = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("table").ok().flatten())
            .and_then(|tb| {
                tb.query_selector(&format!("button[data-nu=\"{nv}\"][data-t=\"{nt}\"]"))
                    .ok()
                    .flatten()
            })
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(el) = target {
            crate::util::focus_no_scroll(&el);
        }
    };
    let table = move || {
        let head = (1..=MAX_T)
            .map(|t| view! { <th scope="col">{t.to_string()}</th> })
            .collect_view();
        let rows = (1..=MAX_NU)
            .map(|v| {
                let cells = (1..=MAX_T)
                    .map(|t| {
                        let on = move || nu.get() == v && layers.get() == t;
                        view! {
                            <td>
                                <button type="button" class="bo-cell" data-nu=v.to_string() data-t=t.to_string()
                                    aria-pressed=move || on().to_string()
                                    tabindex=move || if on() { "0" } else { "-1" }
                                    aria-label=format!("ν = {v}, T = {t}: body order {}", body_order(v, t))
                                    on:click=move |_| choose(v, t)
                                    on:keydown=on_table_key>
                                    {body_order(v, t).to_string()}
                                </button>
                            </td>
                        }
                    })
                    .collect_view();
                view! { <tr><th scope="row" inner_html=prose(&format!("$ν$ = {v}"))></th>{cells}</tr> }
            })
            .collect_view();
        view! {
            <div class="bo-table-wrap">
                <table class="bo-table" data-testid="bo-table">
                    <caption inner_html=prose("body order 1 + $n_T$ of the features (linear updates); rows: $ν$, columns: layers $T$")></caption>
                    <thead><tr><th scope="col" class="bo-corner">"ν \\ T"</th>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    };

    let recursion_view = move || {
        let (v, t) = (nu.get(), layers.get());
        let mut n: u64 = 0;
        let mut steps = Vec::new();
        for k in 1..=t {
            let prev = n;
            n = (v as u64).saturating_mul(prev.saturating_add(1));
            steps.push(if k == 1 {
                format!("$n_1$ = $ν$ = {n}")
            } else {
                format!("$n_{k}$ = {v} · (1 + {prev}) = {n}")
            });
        }
        let bo = body_order(v, t);
        view! {
            <p class="readout bo-recursion" data-testid="bo-recursion" data-value=bo.to_string()
                inner_html=format!(
                    "{}<strong>{bo}</strong>",
                    prose(&format!(
                        "$n_t$ = $ν$ (1 + $n_{{t−1}}$): {} ⇒ body order 1 + $n_{t}$ = ",
                        steps.join("; ")
                    ))
                )>
            </p>
        }
    };

    let reach_view = move || {
        let t = layers.get();
        let bo = body_order(nu.get(), t);
        let n = n_atoms.get();
        let c = atom.get();
        match hop.get() {
            Ok(h) => {
                let reach = h.iter().filter(|x| x.is_some_and(|k| k <= t)).count();
                let classes = h
                    .iter()
                    .map(|&x| class_of(x, t))
                    .collect::<Vec<_>>()
                    .join(",");
                let far = h.iter().filter_map(|x| *x).max().unwrap_or(0);
                let sym = structure.with(|s| {
                    s.as_ref()
                        .ok()
                        .and_then(|s| s.species.get(c).cloned())
                        .unwrap_or_default()
                });
                let unconnected = h.iter().filter(|x| x.is_none()).count();
                let more = if reach < n {
                    let extra = if unconnected > 0 {
                        format!(" ({unconnected} not connected to it at this cutoff)")
                    } else {
                        format!(" (all {n} after {far} {})", plural(far, "layer", "layers"))
                    };
                    let far_off = n - reach;
                    format!(
                        "{far_off} {} further than {t} {}{extra}.",
                        plural(far_off, "atom is", "atoms are"),
                        plural(t, "hop", "hops")
                    )
                } else {
                    format!(
                        "The whole molecule is in reach (the farthest atom is {far} {} away).",
                        plural(far, "hop", "hops")
                    )
                };
                let limit = if bo as usize >= reach {
                    format!("Here the molecule, not the body order, is the limit: a term can touch at most the {reach} atoms in reach.")
                } else {
                    format!("Here the body order is the limit: no single term couples more than {bo} of the {reach} atoms in reach.")
                };
                view! {
                    <div class="readout-block" data-testid="bo-reach" data-reach=reach.to_string()
                        data-bound=bo.to_string() data-classes=classes data-atoms=n.to_string()>
                        <p class="readout">
                            "centre: atom "{c.to_string()}" ("{sym}") · a term can involve at most "<strong>{bo.to_string()}</strong>
                            " atoms (centre included, indices may repeat); "<strong>{reach.to_string()}</strong>
                            {format!(" of {n} atoms are in reach within T = {t} layer{}.", if t == 1 { "" } else { "s" })}
                        </p>
                        <p class="readout small">{more}" "{limit}</p>
                    </div>
                }
                .into_any()
            }
            Err(e) => view! { <p class="widget-error" role="alert" data-testid="bo-error">{e}</p> }
                .into_any(),
        }
    };

    let legend = move || {
        let t = layers.get();
        view! {
            <div class="legend" data-testid="bo-legend">
                <span><span class="swatch" style=format!("background:{CENTRE}")></span>"centre"</span>
                {(1..=t.min(MAX_T)).map(|k| view! {
                    <span><span class="swatch" style=format!("background:{}", HOP_COLORS[k - 1])></span>
                        {format!("after {k} layer{}", if k == 1 { "" } else { "s" })}</span>
                }).collect_view()}
                <span><span class="swatch bo-out" style=format!("background:{OUT_OF_REACH}")></span>{format!("beyond {t} layers")}</span>
                <span><span class="swatch line bo-dash"></span>"cutoff sphere of the centre"</span>
            </div>
        }
    };

    let atom_options = move || {
        structure.with(|s| match s {
            Ok(s) => s
                .species
                .iter()
                .enumerate()
                .map(|(i, sym)| view! { <option value=i.to_string() selected=move || atom.get() == i>{format!("{i} · {sym}")}</option> })
                .collect_view()
                .into_any(),
            Err(_) => ().into_any(),
        })
    };

    view! {
        <WidgetFrame name="body-order" title="How far and how many: body order and receptive field" notices=notices state=state>
            <p class="convention" inner_html=prose("Linear updates: each layer of correlation order $ν$ multiplies $ν$ pooled neighbour features, each already a $(1 + n)$-body function. Pick $(ν, T)$ in the table; on the molecule, an atom $k$ hops from the centre in the graph of neighbours within $r_{cut}$ can influence it after $k$ layers.")></p>
            {table}
            {recursion_view}
            <div class="widget-row">
                <div class="widget-canvas-wrap">
                    <canvas role="img" node_ref=canvas class="view3d bo-view" tabindex="0" data-testid="bo-canvas"
                        aria-label="The molecule coloured by the number of layers after which each atom can influence the centre. Click an atom to make it the centre; arrow keys choose the previous or next atom, shift+arrow keys turn the molecule; Escape leaves."
                        on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                        on:pointercancel=on_up on:keydown=on_key on:wheel=on_wheel></canvas>
                    <p class="widget-hint">"Click an atom to make it the centre · drag to turn · arrow keys: previous / next atom · shift+arrows: turn"</p>
                </div>
                <div class="widget-readout">
                    {reach_view}
                    {legend}
                </div>
            </div>
            <div class="widget-controls">
                <fieldset class="ctl-group">
                    <legend>"model"</legend>
                    <div data-testid="bo-nu">
                        <RangeSlider label="$ν$" min=1.0 max=MAX_NU as f64 step=1.0
                            value=Signal::derive(move || nu.get() as f64)
                            on_input=move |v: f64| nu.set((v.round().max(1.0) as usize).clamp(1, MAX_NU))
                            on_change=move |_| save()
                            format=|v| format!("{}", v.round()) />
                    </div>
                    <div data-testid="bo-layers">
                        <RangeSlider label="layers $T$" min=1.0 max=MAX_T as f64 step=1.0
                            value=Signal::derive(move || layers.get() as f64)
                            on_input=move |v: f64| layers.set((v.round().max(1.0) as usize).clamp(1, MAX_T))
                            on_change=move |_| save()
                            format=|v| format!("{}", v.round()) />
                    </div>
                </fieldset>
                <fieldset class="ctl-group">
                    <legend>"molecule"</legend>
                    <label class="ctl">
                        <span class="ctl-name">"molecule"</span>
                        {molecule_select(molecule, &MOLECULES, None, "bo-molecule", set_molecule)}
                        <span></span>
                    </label>
                    <label class="ctl">
                        <span class="ctl-name">"centre atom"</span>
                        <select data-testid="bo-atom" prop:value=move || atom.get().to_string() on:change=move |ev| {
                            if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                                if i < n_atoms.get_untracked() {
                                    atom.set(i);
                                    save();
                                }
                            }
                        }>
                            {atom_options}
                        </select>
                        <span></span>
                    </label>
                    <div data-testid="bo-rcut">
                        <RangeSlider label="$r_{cut}$" min=R_CUT.0 max=R_CUT.1 step=0.1
                            value=Signal::derive(move || rcut.get())
                            on_input=move |v: f64| rcut.set(v.clamp(R_CUT.0, R_CUT.1))
                            on_change=move |_| save()
                            format=|v| format!("{v:.1} Å") />
                    </div>
                </fieldset>
            </div>
        </WidgetFrame>
    }
    .into_any()
}
