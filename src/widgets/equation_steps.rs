//! `equation-steps`: the Multi-ACE equations (Batatia et al. 2025) revealed one step at a time —
//! the one-particle basis, pooling into the atomic basis, the product basis and its symmetrisation,
//! the message, the update and the readout — grouped as chapter 04's four equations (one-particle
//! basis; many-body message; update; readout).
//!
//! Next / Previous buttons, the arrow keys (when the widget has the focus), Home / End and a row of
//! step buttons move through the steps; the steps already seen stay on screen, dimmed. Each step
//! names the widget of the book that computes it (an internal link) and the core function that does
//! (as text with its path), and, once the shipped model has loaded, a live number for ethanol (the
//! shapes of φ, A, B, m and h, the energy E).
//!
//! The equations are MathML written here by a few string helpers from constants (no reader input
//! goes into them): the chapters' LaTeX is rendered at build time, which a widget cannot use.

use std::rc::Rc;

use leptos::prelude::*;
use multiace_core::mace::{EvalOptions, MaceModel};
use multiace_core::so3::Irreps;
use wasm_bindgen::JsCast;

use super::frame::{write_url, WidgetFrame};
use super::mace_architecture::{molecule_structure, now_ms};
use super::mace_model::load_shipped_model;
use super::math_label::prose;
use super::params::Params;

/// Chapter 04's four equations (the book's numbering), and the steps that make each of them.
const GROUPS: [&str; 4] = [
    "one-particle basis",
    "many-body message",
    "update",
    "readout",
];

// ---------------------------------------------------------------------------------------------
// MathML helpers (static strings only)

/// Indices and small expressions in a micro-syntax: letters (Latin or Greek) are `<mi>`, digits
/// `<mn>`, `_x` puts the next character as a subscript of the previous item, `*x` sets a letter in
/// bold italic (a multi-index), `′` primes the previous item, anything else (`,`, `(`, `+`, `∈`) is `<mo>`.
fn ix(s: &str) -> String {
    let mut items: Vec<String> = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '_' => {
                if let (Some(base), Some(n)) = (items.pop(), chars.next()) {
                    items.push(format!("<msub>{base}{}</msub>", atom(n)));
                }
            }
            '*' => {
                if let Some(n) = chars.next() {
                    items.push(format!("<mi>{}</mi>", bold_italic(n)));
                }
            }
            '′' => {
                if let Some(base) = items.pop() {
                    items.push(format!("<msup>{base}<mo>′</mo></msup>"));
                }
            }
            c => items.push(atom(c)),
        }
    }
    if items.len() == 1 {
        items.pop().unwrap_or_default()
    } else {
        format!("<mrow>{}</mrow>", items.concat())
    }
}

/// The Mathematical Bold Italic letter for an ASCII letter (MathML Core has no `mathvariant="bold"`;
/// the book's math font carries these code points); other characters unchanged.
fn bold_italic(c: char) -> char {
    let code = match c {
        'A'..='Z' => 0x1D468 + (c as u32 - 'A' as u32),
        'a'..='z' => 0x1D482 + (c as u32 - 'a' as u32),
        _ => c as u32,
    };
    char::from_u32(code).unwrap_or(c)
}

/// One character as MathML.
fn atom(c: char) -> String {
    if c.is_alphabetic() {
        format!("<mi>{c}</mi>")
    } else if c.is_ascii_digit() {
        format!("<mn>{c}</mn>")
    } else if c == ',' {
        "<mo separator=\"true\">,</mo>".to_string()
    } else {
        format!("<mo>{c}</mo>")
    }
}

fn mo(s: &str) -> String {
    format!("<mo>{s}</mo>")
}

/// `base` with subscript and superscript (either may be empty), in the micro-syntax of [`ix`].
fn sym(base: &str, sub: &str, sup: &str) -> String {
    let b = ix(base);
    match (sub.is_empty(), sup.is_empty()) {
        (true, true) => b,
        (false, true) => format!("<msub>{b}{}</msub>", ix(sub)),
        (true, false) => format!("<msup>{b}{}</msup>", ix(sup)),
        (false, false) => format!("<msubsup>{b}{}{}</msubsup>", ix(sub), ix(sup)),
    }
}

/// A big operator (∑, ∏) with limits below and (optionally) above.
fn big(op: &str, below: &str, above: &str) -> String {
    let o = format!("<mo largeop=\"true\" movablelimits=\"false\">{op}</mo>");
    if above.is_empty() {
        format!("<munder>{o}{}</munder>", ix(below))
    } else {
        format!("<munderover>{o}{}{}</munderover>", ix(below), ix(above))
    }
}

/// `r̂_{ij}`.
fn rhat_ij() -> String {
    format!(
        "<msub><mover accent=\"true\"><mi>r</mi><mo>^</mo></mover>{}</msub>",
        ix("ij")
    )
}

/// `(x)` around MathML.
fn paren(x: &str) -> String {
    format!("<mrow><mo>(</mo>{x}<mo>)</mo></mrow>")
}

/// A display formula.
fn display(parts: &[String]) -> String {
    format!(
        "<math display=\"block\"><mrow>{}</mrow></math>",
        parts.concat()
    )
}

/// The MathML of step `k` (1-based): one or two display formulas.
fn equation(k: usize) -> String {
    let t = "(t)";
    let eq = || mo("=");
    match k {
        1 => display(&[
            sym("φ", "ij,klm", t),
            eq(),
            big("∑", "l_1m_1,l_2m_2", ""),
            sym("C", "l_1m_1,l_2m_2", "lm"),
            sym("R", "kl_1l_2l", t),
            paren(&sym("r", "ij", "")),
            sym("Y", "l_1", "m_1"),
            paren(&rhat_ij()),
            sym("h", "j,kl_2m_2", t),
        ]),
        2 => display(&[
            sym("A", "i,klm", t),
            eq(),
            big("∑", "j∈N(i)", ""),
            sym("φ", "ij,klm", t),
        ]),
        3 => [
            display(&[
                sym("*A", "i,k*l*m", t),
                eq(),
                big("∏", "ξ=1", "ν"),
                sym("A", "i,kl_ξm_ξ", t),
            ]),
            display(&[
                sym("B", "i,η_νkLM", t),
                eq(),
                big("∑", "*l*m", ""),
                sym("C", "η_ν,*l*m", "LM"),
                sym("*A", "i,k*l*m", t),
            ]),
        ]
        .concat(),
        4 => display(&[
            sym("m", "i,kLM", t),
            eq(),
            big("∑", "ν", ""),
            big("∑", "η_ν", ""),
            sym("W", "z_ikL,η_ν", t),
            sym("B", "i,η_νkLM", t),
        ]),
        5 => display(&[
            sym("h", "i,kLM", "(t+1)"),
            eq(),
            big("∑", "k′", ""),
            sym("W", "kL,k′", t),
            sym("m", "i,k′LM", t),
            mo("+"),
            big("∑", "k′", ""),
            sym("W", "z_ikL,k′", t),
            sym("h", "i,k′LM", t),
        ]),
        _ => [
            display(&[
                sym("E", "i", ""),
                eq(),
                big("∑", "t=1", "T"),
                sym("R", "t", ""),
                paren(&sym("h", "i", t)),
            ]),
            display(&[sym("E", "", ""), eq(), big("∑", "i", ""), sym("E", "i", "")]),
        ]
        .concat(),
    }
}

// ---------------------------------------------------------------------------------------------
// The steps

/// One step: its title, the chapter's equation it belongs to (1..=4), the explanation (prose with
/// `$…$` math), the widgets that compute it and the core functions that do.
struct Step {
    title: &'static str,
    group: usize,
    explain: &'static str,
    widgets: &'static [(&'static str, &'static str)],
    code: &'static [(&'static str, &'static str, &'static str)],
}

const STEPS: [Step; 6] = [
    Step {
        title: "the one-particle basis",
        group: 1,
        explain: "Every neighbour $j$ within the cutoff contributes a learned radial function $R$ of the bond length times a spherical harmonic $Y$ of its direction, coupled by Clebsch–Gordan coefficients $C$ to the neighbour's features $h_j$ from the previous layer. In the first layer $h_j$ only knows the element $z_j$, and $φ$ becomes ACE's $R_{nl}(r) Y_{lm}(r̂)$ per element.",
        widgets: &[
            ("mace-architecture: tensor product of layer 1", "/embed/mace-architecture?block=tp-1"),
            ("radial-basis", "/embed/radial-basis"),
        ],
        code: &[
            ("crates/core/src/mace/conv.rs", "ConvTp::forward", "the 'uvu' tensor product $h̃_j ⊗ Y(r̂_{ij})$, weighted per edge"),
            ("crates/core/src/mace/radial_mlp.rs", "RadialMlp::forward", "$R(r_{ij})$ for all edges"),
            ("crates/core/src/so3/spherical_harmonics.rs", "spherical_harmonics_with_grad", "$Y(r̂_{ij})$"),
            ("crates/core/src/ace/evaluator.rs", "Evaluator::one_particle", "ACE's $φ = R_n Y_{lm}$ (fixed features)"),
        ],
    },
    Step {
        title: "pooling: the atomic basis",
        group: 2,
        explain: "Summing the one-particle functions over the neighbours gives the atomic basis $A_i$: an expansion of the neighbour density of atom $i$, invariant to the order of the neighbours. MACE divides the sum by a fixed average number of neighbours and mixes channels with a linear map.",
        widgets: &[
            ("neighbour-density", "/embed/neighbour-density"),
            ("mace-architecture: sum of layer 1", "/embed/mace-architecture?block=sum-1"),
        ],
        code: &[
            ("crates/core/src/mace/forward.rs", "MaceModel::interaction_forward", "each atom sums the ConvTp outputs of its incoming edges; then IrrepsLinear::forward and $1/N_{avg}$"),
            ("crates/core/src/ace/evaluator.rs", "Evaluator::atomic_basis", "$A_{znlm} = Σ_j φ$ for ACE"),
        ],
    },
    Step {
        title: "the product basis and its symmetrisation",
        group: 2,
        explain: "Products of $ν$ copies of $A$ (the correlation order) are $ν+1$-body functions of the neighbours; contracting them with generalised Clebsch–Gordan coefficients $C$ couples the $l$'s back to one irrep $(L, M)$: the symmetrised basis $B$, invariant for $L = 0$, equivariant otherwise. Computing $A$ first and multiplying afterwards is what makes high body order cheap.",
        widgets: &[
            ("correlation-order", "/embed/correlation-order"),
            ("ace-invariance", "/embed/ace-invariance"),
            ("mace-architecture: product basis of layer 1", "/embed/mace-architecture?block=product-1"),
        ],
        code: &[
            ("crates/core/src/mace/contraction.rs", "SymmetricContraction::forward", "$Π A$ and the coupling in one pass over the distinct monomials"),
            ("crates/core/src/mace/u_matrix.rs", "u_matrix_real", "the coupling tensors $U = C$ of mace-torch"),
            ("crates/core/src/ace/evaluator.rs", "Evaluator::invariants", "$B = Σ c Π A$ for ACE"),
            ("crates/core/src/ace/coupling.rs", "invariant_couplings", "generalised Clebsch–Gordan coefficients"),
        ],
    },
    Step {
        title: "the message",
        group: 2,
        explain: "The message of atom $i$ is a linear combination of its $B$ functions of every order up to $ν$, with weights $W$ that depend on the element $z_i$ of the centre. With one layer and $L = 0$ this is the site energy of a linear ACE.",
        widgets: &[
            ("mace-architecture: product basis of layer 1", "/embed/mace-architecture?block=product-1"),
            ("ace-fit (the linear ACE)", "/embed/ace-fit"),
        ],
        code: &[
            ("crates/core/src/mace/contraction.rs", "SymmetricContraction::forward", "the sum over $ν$ with the weights $W_{z_i}$, folded into the monomial coefficients by SymmetricContraction::new"),
            ("crates/core/src/ace/linear.rs", "LinearAce::energy_forces", "$E_i = Σ c B$ for the one-layer case"),
        ],
    },
    Step {
        title: "the update",
        group: 3,
        explain: "The new features of atom $i$ are a linear map of its message plus an element-dependent linear map of its old features (the residual, or skip, connection). A linear update keeps the model body-ordered; a non-linear one (as in NequIP) does not.",
        widgets: &[
            ("mace-architecture: update of layer 2", "/embed/mace-architecture?block=update-2"),
            ("mace-architecture: skip of layer 2", "/embed/mace-architecture?block=skip-2"),
        ],
        code: &[
            ("crates/core/src/mace/blocks.rs", "IrrepsLinear::forward", "$W m_i$, irrep by irrep"),
            ("crates/core/src/mace/blocks.rs", "SpeciesLinear::forward", "$W_{z_i} h_i$, the skip connection"),
        ],
    },
    Step {
        title: "the readout",
        group: 4,
        explain: "Each layer's features give a share of the site energy through a readout $R_t$ of their scalar channels (linear in MACE's first layer, a small MLP in the last); the total energy is the sum of the site energies, and forces are its negative gradient.",
        widgets: &[
            ("mace-energy", "/embed/mace-energy"),
            ("mace-architecture: readout of layer 2", "/embed/mace-architecture?block=readout-2"),
        ],
        code: &[
            ("crates/core/src/mace/readout.rs", "Readout::forward", "$R_t(h^{(t)}_i)$"),
            ("crates/core/src/mace/model.rs", "MaceModel::evaluate", "$E_i = E_0(z_i) + s Σ_t R_t + b$, $E = Σ_i E_i$"),
        ],
    },
];

const N_STEPS: usize = STEPS.len();

// ---------------------------------------------------------------------------------------------
// Live numbers for ethanol

/// What the shipped model gives for ethanol: the sizes and the energy behind each step.
#[derive(Clone, Debug, PartialEq)]
struct Live {
    atoms: usize,
    edges: usize,
    /// Per layer: (message dim before the linear map, A dim, B dim, correlation, monomials).
    layers: Vec<(usize, usize, usize, usize, Vec<usize>)>,
    energy: f64,
    ms: f64,
}

fn dim(irreps: &str) -> usize {
    irreps.parse::<Irreps>().map(|i| i.dim()).unwrap_or(0)
}

fn live_numbers(model: &MaceModel) -> Result<Live, String> {
    let s = molecule_structure("ethanol")?;
    let t0 = now_ms();
    let out = model
        .evaluate(
            &s,
            &mut model.workspace(),
            EvalOptions {
                forces: false,
                ..EvalOptions::default()
            },
        )
        .map_err(|e| e.to_string())?;
    let summary = model.summary();
    Ok(Live {
        atoms: s.len(),
        edges: out.edges,
        layers: summary
            .layers
            .iter()
            .map(|l| {
                (
                    dim(&l.message_irreps),
                    dim(&l.target_irreps),
                    dim(&l.output_irreps),
                    l.correlation,
                    l.monomials.clone(),
                )
            })
            .collect(),
        energy: out.energy,
        ms: now_ms() - t0,
    })
}

/// The live line of step `k` (prose with `$…$` math).
fn live_line(k: usize, l: &Live) -> String {
    let (n, e) = (l.atoms, l.edges);
    let first = l.layers.first();
    let last = l.layers.len();
    match (k, first) {
        (1, Some(f)) => format!(
            "Ethanol, shipped model, layer 1: $φ$ for $E$ = {e} directed edges, shape [{e}, {}].",
            f.0
        ),
        (2, Some(f)) => format!(
            "Ethanol, layer 1: $A$ for $N$ = {n} atoms, shape [{n}, {}] (before the linear map [{n}, {}]).",
            f.1, f.0
        ),
        (3, Some(f)) => format!(
            "Ethanol, layer 1: $ν$ = {}, distinct monomials per channel {} (orders 1…{}).",
            f.3,
            f.4.iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            f.3
        ),
        (4, Some(f)) => format!("Ethanol, layer 1: $m$ has shape [{n}, {}].", f.2),
        (5, Some(_)) => {
            let shapes: Vec<String> = l
                .layers
                .iter()
                .enumerate()
                .map(|(t, x)| format!("$h^{{({})}}$: [{n}, {}]", t + 1, x.2))
                .collect();
            format!("Ethanol, {last} layer(s): {}.", shapes.join(", "))
        }
        (6, _) => format!(
            "Ethanol: $E$ = {:.4} eV from {n} site energies (evaluated in {:.1} ms).",
            l.energy, l.ms
        ),
        _ => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let step0 = p.int("step", 1, 1, N_STEPS as i64) as usize;
    let pass = p.passthrough();
    let notices = p.notices();

    let step = RwSignal::new(step0);
    let model = RwSignal::new_local(None::<Rc<MaceModel>>);
    let load_error = RwSignal::new(None::<String>);
    load_shipped_model(model, load_error);
    let live = RwSignal::new(None::<Result<Live, String>>);
    Effect::new(move |_| {
        if let Some(m) = model.get() {
            live.set(Some(live_numbers(&m)));
        }
    });

    let state = Signal::derive(move || format!("step={}{pass}", step.get()));
    let go = move |k: usize| {
        let k = k.clamp(1, N_STEPS);
        if k != step.get_untracked() {
            step.set(k);
            write_url(embedded, &state.get_untracked());
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        // keys typed into a link or a control inside the widget keep their meaning
        let cur = step.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" | "PageDown" => cur + 1,
            "ArrowLeft" | "ArrowUp" | "PageUp" => cur.saturating_sub(1),
            "Home" => 1,
            "End" => N_STEPS,
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
        go(next.max(1));
    };

    let indicator = move || {
        let cur = step.get();
        STEPS
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let k = i + 1;
                let cls = if k == cur {
                    "eqs-dot current"
                } else if k < cur {
                    "eqs-dot seen"
                } else {
                    "eqs-dot"
                };
                view! {
                    <button type="button" class=cls data-step=k.to_string()
                        aria-current=move || (step.get() == k).then_some("step")
                        aria-label=format!("step {k}: {} (equation {} of chapter 04)", s.title, s.group)
                        on:click=move |_| go(k)>
                        {k.to_string()}
                    </button>
                }
            })
            .collect_view()
    };
    let groups_legend = move || {
        let cur_group = STEPS
            .get(step.get().saturating_sub(1))
            .map_or(1, |s| s.group);
        GROUPS
            .iter()
            .enumerate()
            .map(|(g, name)| {
                let g = g + 1;
                let steps: Vec<String> = STEPS
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.group == g)
                    .map(|(i, _)| (i + 1).to_string())
                    .collect();
                let range = match (steps.first(), steps.last()) {
                    (Some(a), Some(b)) if a != b => format!("steps {a}–{b}"),
                    (Some(a), _) => format!("step {a}"),
                    _ => String::new(),
                };
                view! {
                    <li class:current=move || g == cur_group data-group=g.to_string()>
                        <strong>{format!("({g}) {name}")}</strong>
                        <span class="small">{format!(" · {range}")}</span>
                    </li>
                }
            })
            .collect_view()
    };

    // The cards live in a region of fixed height (widgets.css), so stepping never moves the text
    // below the widget: the region scrolls its current card to the top instead.
    let cards_box = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let k = step.get();
        request_animation_frame(move || {
            let Some(region) = cards_box.get_untracked() else {
                return;
            };
            let sel = format!("[data-testid=eqs-step][data-step=\"{k}\"]");
            if let Ok(Some(card)) = region.query_selector(&sel) {
                // the group heading right above a card that opens a group stays in view with it
                let anchor = card
                    .previous_element_sibling()
                    .filter(|h| h.class_list().contains("eqs-group"))
                    .unwrap_or(card);
                let top = anchor.get_bounding_client_rect().top()
                    - region.get_bounding_client_rect().top()
                    + f64::from(region.scroll_top());
                region.set_scroll_top((top - 4.0).max(0.0) as i32);
            }
        });
    });

    let cards = move || {
        let cur = step.get();
        let lv = live.get();
        let mut out = Vec::new();
        let mut last_group = 0;
        for (i, s) in STEPS.iter().enumerate().take(cur) {
            let k = i + 1;
            let is_cur = k == cur;
            if s.group != last_group {
                last_group = s.group;
                let name = GROUPS
                    .get(s.group.saturating_sub(1))
                    .copied()
                    .unwrap_or_default();
                out.push(
                    view! {
                        <p class="eqs-group" data-group=s.group.to_string()>
                            {format!("Equation ({}) of chapter 04: the {name}", s.group)}
                        </p>
                    }
                    .into_any(),
                );
            }
            let details = is_cur.then(|| {
                let links = s
                    .widgets
                    .iter()
                    .map(|(label, href)| {
                        view! { <li><a href=crate::util::path(href) data-testid="eqs-widget-link">{*label}</a></li> }
                    })
                    .collect_view();
                let code = s
                    .code
                    .iter()
                    .map(|(path, item, what)| {
                        view! {
                            <li data-testid="eqs-code">
                                <code>{format!("{path}: {item}")}</code>
                                <span class="small" inner_html=format!(" — {}", prose(what))></span>
                            </li>
                        }
                    })
                    .collect_view();
                let live_line = match &lv {
                    Some(Ok(l)) => Some(view! {
                        <p class="readout eqs-live" data-testid="eqs-live" inner_html=prose(&live_line(k, l))></p>
                    }.into_any()),
                    Some(Err(e)) => Some(view! {
                        <p class="widget-error" role="alert">{format!("live numbers unavailable: {e}")}</p>
                    }.into_any()),
                    None => None,
                };
                view! {
                    <p class="eqs-explain" inner_html=prose(s.explain)></p>
                    {live_line}
                    <div class="eqs-refs">
                        <div>
                            <span class="readout-label">"computed in the book by"</span>
                            <ul class="eqs-links">{links}</ul>
                        </div>
                        <div>
                            <span class="readout-label">"computed in the core by"</span>
                            <ul class="eqs-code-list">{code}</ul>
                        </div>
                    </div>
                }
            });
            out.push(
                view! {
                    <section class="eqs-step" class:current=is_cur data-testid="eqs-step"
                        data-step=k.to_string() aria-current=is_cur.then_some("step")>
                        {super::frame::sub_heading("eqs-title", super::frame::escape_html(&format!("{k}. {}", s.title)))}
                        <div class="eqs-math display-math" inner_html=equation(k)></div>
                        {details}
                    </section>
                }
                .into_any(),
            );
        }
        out
    };

    view! {
        <WidgetFrame name="equation-steps" title="The Multi-ACE equations, step by step" notices=notices state=state>
            <div class="eqs" tabindex="0" data-testid="eqs" data-step=move || step.get().to_string()
                aria-label="The Multi-ACE equations. Left and right arrow keys move between the steps; Escape leaves."
                on:keydown=on_key>
                <p class="convention">"Indices: atom i and its neighbours j, channel k, degrees l, m of each factor and L, M of the result, layer t, correlation order ν. Six steps make the paper's four equations:"</p>
                <ol class="eqs-groups" role="list">{groups_legend}</ol>
                <div class="eqs-nav">
                    <button type="button" class="chip" data-testid="eqs-prev"
                        disabled=move || { step.get() <= 1 } on:click=move |_| go(step.get_untracked().saturating_sub(1).max(1))>
                        "← Previous"
                    </button>
                    <span class="eqs-dots" role="group" aria-label="steps">{indicator}</span>
                    <span class="eqs-count" data-testid="eqs-indicator" aria-live="polite">
                        {move || format!("step {} of {N_STEPS}", step.get())}
                    </span>
                    <button type="button" class="chip" data-testid="eqs-next"
                        disabled=move || { step.get() >= N_STEPS } on:click=move |_| go(step.get_untracked() + 1)>
                        "Next →"
                    </button>
                </div>
                <div class="eqs-cards" node_ref=cards_box>{cards}</div>
                {move || load_error.get().map(|e| view! {
                    <p class="readout small">{format!("(live numbers unavailable: {e})")}</p>
                })}
                <p class="widget-hint">"Click the widget, then ← / → (Home, End) to step; the links open the widget that computes each step."</p>
            </div>
        </WidgetFrame>
    }
    .into_any()
}
