//! `irreps-calculator`: the bookkeeping of e3nn tensor products for whole irreps strings, live as
//! the reader types.
//!
//! Two inputs `a`, `b` (and an optional `filter`): the output irreps of e3nn's
//! `FullTensorProduct(a, b)` (`nn::TensorProduct::full`, printed simplified, as
//! `FullTensorProduct(a, b).irreps_out.simplify()` prints), every path `a_i ⊗ b_j → out` with its
//! dimension, the dimensions of inputs and output, a table of which irreps each pair of blocks
//! produces, and with a filter the paths and the weight count of
//! `FullyConnectedTensorProduct(a, b, filter)` (`nn::TensorProduct::fully_connected`). Everything is
//! computed by the core; a malformed input shows the core's message (naming the bad term) under
//! that input and the previous result stays, greyed.
//!
//! URL values: a `+` in a query string means a space, so `a=2x0e+1x1o` arrives as `2x0e 1x1o`; the
//! widget reads blanks between terms of a URL value as `+` (and writes `+` as `%2B`).

use leptos::prelude::*;
use multiace_core::nn::{NnError, TensorProduct};
use multiace_core::so3::{Irrep, Irreps};

use super::frame::{write_url, WidgetFrame};
use super::message::for_reader;
use super::params::{encode, Params};

const DEFAULT_A: &str = "2x0e+1x1o";
const DEFAULT_B: &str = "1x1o+1x2e";
/// Terms per input (and filter): the number of paths grows with the product of the term counts.
const MAX_TERMS: usize = 16;
/// Paths of one product: building each one costs a Wigner 3j tensor walk, and the list must stay
/// readable. (Sixteen terms of degree ≤ 5 on each side stay below it.)
const MAX_PATHS: usize = 1500;
/// The full product has dim(a)·dim(b) components; beyond this the page refuses (and 32-bit wasm
/// indices stay far from overflowing).
const MAX_PRODUCT_DIM: u64 = 100_000_000;
/// Paths listed one per line; the rest are counted.
const MAX_LISTED: usize = 300;

/// Which text field an error belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    A,
    B,
    Filter,
}

impl Field {
    fn key(self) -> &'static str {
        match self {
            Field::A => "a",
            Field::B => "b",
            Field::Filter => "filter",
        }
    }
}

/// One path as listed: `in1 ⊗ in2 → out`, the output block's dimension and (filter) its weights.
#[derive(Clone, Debug, PartialEq)]
struct PathRow {
    in1: String,
    in2: String,
    out: String,
    dim: usize,
    weights: Option<usize>,
}

/// The products of one pair of input blocks: each output irrep (as the full product's block, e.g.
/// `2x1o`) and whether the filter keeps it.
type Cell = Vec<(String, bool)>;

/// With a filter: what `FullyConnectedTensorProduct(a, b, filter)` has.
#[derive(Clone, Debug, PartialEq)]
struct FilterInfo {
    irreps: String,
    dim: usize,
    num_weights: usize,
    n_paths: usize,
    /// Filter blocks that no path reaches (their output stays zero).
    unreached: Vec<String>,
}

/// Everything the widget shows for one valid (a, b, filter).
#[derive(Clone, Debug, PartialEq)]
struct Product {
    in1: String,
    in2: String,
    dim1: usize,
    dim2: usize,
    dim_out: usize,
    irreps_out: String,
    n_paths: usize,
    paths: Vec<PathRow>,
    rows: Vec<String>,
    cols: Vec<String>,
    cells: Vec<Vec<Cell>>,
    filter: Option<FilterInfo>,
}

type Errors = Vec<(Field, String)>;

/// The core's parser, plus the page's own limits; an empty field is an error (not the empty sum)
/// except for the filter, where it means "no filter".
fn parse_field(field: Field, s: &str) -> Result<Option<Irreps>, String> {
    if s.trim().is_empty() {
        return match field {
            Field::Filter => Ok(None),
            _ => Err("empty: type irreps such as 2x0e+1x1o".into()),
        };
    }
    let irreps: Irreps = s.parse().map_err(|e| format!("{e}"))?;
    if irreps.0.len() > MAX_TERMS {
        return Err(format!(
            "{} terms; this page takes at most {MAX_TERMS} (merge equal irreps: 2x0e instead of 0e+0e)",
            irreps.0.len()
        ));
    }
    Ok(Some(irreps))
}

/// Dimension in 64-bit arithmetic (user multiplicities can reach 10⁶).
fn dim64(irreps: &Irreps) -> u64 {
    irreps
        .0
        .iter()
        .map(|t| t.mul as u64 * t.ir.dim() as u64)
        .sum()
}

/// The field a core error is about (the core names the argument).
fn field_of(e: &NnError, default: Field) -> Field {
    match e {
        NnError::Argument { name, .. } => match *name {
            "irreps_in1" => Field::A,
            "irreps_in2" => Field::B,
            "irreps_out" => Field::Filter,
            _ => default,
        },
        NnError::Unsupported(_) => default,
    }
}

fn product(a: &Irreps, b: &Irreps, filter: Option<&Irreps>) -> Result<Product, Errors> {
    let big = dim64(a).saturating_mul(dim64(b));
    if big > MAX_PRODUCT_DIM {
        return Err(vec![(
            Field::B,
            format!(
                "the full product would have {} × {} = {big} components, more than this page computes (10⁸)",
                dim64(a),
                dim64(b)
            ),
        )]);
    }
    // the number of paths before building them (each pair of blocks gives |l1 − l2| ..= l1 + l2)
    let n_est: usize =
        a.0.iter()
            .map(|x| b.0.iter().map(|y| x.ir.mul(&y.ir).count()).sum::<usize>())
            .sum();
    if n_est > MAX_PATHS {
        return Err(vec![(
            Field::B,
            format!("about {n_est} paths, more than this page lists ({MAX_PATHS}); use fewer or lower-degree terms"),
        )]);
    }
    let full =
        TensorProduct::full(a, b).map_err(|e| vec![(field_of(&e, Field::B), e.to_string())])?;
    let fc = match filter {
        Some(f) => Some(
            TensorProduct::fully_connected(a, b, f)
                .map_err(|e| vec![(field_of(&e, Field::Filter), e.to_string())])?,
        ),
        None => None,
    };
    let (in1, in2, out) = (full.irreps_in1(), full.irreps_in2(), full.irreps_out());
    // (ir1, ir2, ir_out) triples the fully connected product keeps
    let kept: Vec<(Irrep, Irrep, Irrep)> = fc
        .as_ref()
        .map(|fc| {
            fc.instructions()
                .iter()
                .map(|i| {
                    (
                        fc.irreps_in1().0[i.i_in1].ir,
                        fc.irreps_in2().0[i.i_in2].ir,
                        fc.irreps_out().0[i.i_out].ir,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut cells = vec![vec![Cell::new(); in2.0.len()]; in1.0.len()];
    for ins in full.instructions() {
        let (x, y, z) = (in1.0[ins.i_in1], in2.0[ins.i_in2], out.0[ins.i_out]);
        let keep = fc.is_none() || kept.contains(&(x.ir, y.ir, z.ir));
        cells[ins.i_in1][ins.i_in2].push((z.to_string(), keep));
    }
    let listed = |tp: &TensorProduct, weighted: bool| -> Vec<PathRow> {
        tp.instructions()
            .iter()
            .take(MAX_LISTED)
            .map(|ins| {
                let (x, y, z) = (
                    tp.irreps_in1().0[ins.i_in1],
                    tp.irreps_in2().0[ins.i_in2],
                    tp.irreps_out().0[ins.i_out],
                );
                PathRow {
                    in1: x.to_string(),
                    in2: y.to_string(),
                    out: z.to_string(),
                    dim: z.dim(),
                    // 'uvw': one weight per (u, v, w)
                    weights: weighted.then(|| x.mul.saturating_mul(y.mul).saturating_mul(z.mul)),
                }
            })
            .collect()
    };
    let (paths, n_paths) = match &fc {
        Some(fc) => (listed(fc, true), fc.instructions().len()),
        None => (listed(&full, false), full.instructions().len()),
    };
    let filter_info = match (&fc, filter) {
        (Some(fc), Some(f)) => Some(FilterInfo {
            irreps: f.to_string(),
            dim: fc.irreps_out().dim(),
            num_weights: fc.weight_numel(),
            n_paths: fc.instructions().len(),
            unreached: f
                .0
                .iter()
                .enumerate()
                .filter(|(o, _)| !fc.instructions().iter().any(|i| i.i_out == *o))
                .map(|(_, t)| t.to_string())
                .collect(),
        }),
        _ => None,
    };
    Ok(Product {
        in1: in1.to_string(),
        in2: in2.to_string(),
        dim1: in1.dim(),
        dim2: in2.dim(),
        dim_out: out.dim(),
        irreps_out: out.simplify().to_string(),
        n_paths,
        paths,
        rows: in1.0.iter().map(|t| t.to_string()).collect(),
        cols: in2.0.iter().map(|t| t.to_string()).collect(),
        cells,
        filter: filter_info,
    })
}

/// Parses and multiplies the three fields; the errors are listed per field.
fn evaluate(a: &str, b: &str, filter: &str) -> Result<Product, Errors> {
    let pa = parse_field(Field::A, a);
    let pb = parse_field(Field::B, b);
    let pf = parse_field(Field::Filter, filter);
    let mut errors = Errors::new();
    for (f, r) in [(Field::A, &pa), (Field::B, &pb), (Field::Filter, &pf)] {
        if let Err(e) = r {
            errors.push((f, e.clone()));
        }
    }
    match (pa, pb, pf) {
        (Ok(Some(a)), Ok(Some(b)), Ok(f)) => product(&a, &b, f.as_ref()),
        _ => Err(errors),
    }
}

/// A URL value: blanks between terms stand for `+` (see the module documentation).
fn url_irreps(raw: &str) -> String {
    raw.split('+')
        .map(|part| part.split_whitespace().collect::<Vec<_>>().join("+"))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("+")
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let mut a0 = p
        .raw("a")
        .map(url_irreps)
        .unwrap_or_else(|| DEFAULT_A.into());
    let mut b0 = p
        .raw("b")
        .map(url_irreps)
        .unwrap_or_else(|| DEFAULT_B.into());
    let mut f0 = p.raw("filter").map(url_irreps).unwrap_or_default();
    for (field, value, default) in [
        (Field::A, &mut a0, DEFAULT_A),
        (Field::B, &mut b0, DEFAULT_B),
        (Field::Filter, &mut f0, ""),
    ] {
        if let Err(e) = parse_field(field, value) {
            let shown = if default.is_empty() {
                "no filter"
            } else {
                default
            };
            p.notice(format!("{}: {e}; using {shown}", field.key()));
            *value = default.to_string();
        }
    }
    let first = match evaluate(&a0, &b0, &f0) {
        Ok(prod) => Some(prod),
        Err(errs) => {
            for (field, e) in errs {
                p.notice(format!(
                    "{}: {e}; using a = {DEFAULT_A}, b = {DEFAULT_B}, no filter",
                    field.key()
                ));
            }
            a0 = DEFAULT_A.into();
            b0 = DEFAULT_B.into();
            f0.clear();
            evaluate(&a0, &b0, &f0).ok()
        }
    };
    let pass = p.passthrough();
    let notices = p.notices();

    let a_text = RwSignal::new(a0);
    let b_text = RwSignal::new(b0);
    let f_text = RwSignal::new(f0);
    let result = Memo::new(move |_| evaluate(&a_text.get(), &b_text.get(), &f_text.get()));
    // the last valid result: shown (greyed) while an input is malformed
    let shown = RwSignal::new(first);
    Effect::new(move |_| {
        if let Ok(prod) = result.get() {
            shown.set(Some(prod));
        }
    });
    let stale = Memo::new(move |_| result.with(|r| r.is_err()));
    let error_of = move |field: Field| {
        Memo::new(move |_| {
            result.with(|r| match r {
                Err(errs) => errs
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, e)| e.clone()),
                Ok(_) => None,
            })
        })
    };

    let state = Signal::derive(move || {
        let f = f_text.get();
        let filt = if f.trim().is_empty() {
            String::new()
        } else {
            format!("&filter={}", encode(f.trim()))
        };
        format!(
            "a={}&b={}{filt}{pass}",
            encode(a_text.get().trim()),
            encode(b_text.get().trim())
        )
    });
    let save = move || {
        if result.with_untracked(|r| r.is_ok()) {
            write_url(embedded, &state.get_untracked());
        }
    };

    let field_view = move |field: Field,
                           label: &'static str,
                           sig: RwSignal<String>,
                           placeholder: &'static str| {
        let err = error_of(field);
        let id = format!("tp-input-{}", field.key());
        view! {
            <div class="tp-field">
                <label class="tp-label" for=id.clone()>{label}</label>
                <input id=id type="text" class="tp-input" spellcheck="false" autocomplete="off"
                    autocapitalize="off" placeholder=placeholder data-field=field.key()
                    class:invalid=move || err.with(Option::is_some)
                    prop:value=move || sig.get()
                    on:input=move |ev| sig.set(event_target_value(&ev))
                    on:change=move |_| save() />
                {move || err.get().map(|e| view! {
                    <p class="widget-error" role="alert" data-testid="tp-error" data-input=field.key()>{for_reader(&e)}</p>
                })}
            </div>
        }
    };
    let preset = move |label: &'static str, a: &'static str, b: &'static str, f: &'static str| {
        view! {
            <button type="button" class="chip" on:click=move |_| {
                a_text.set(a.into());
                b_text.set(b.into());
                f_text.set(f.into());
                save();
            }>{label}</button>
        }
    };

    let results = move || {
        shown.get().map(|prod| {
            let Product {
                in1,
                in2,
                dim1,
                dim2,
                dim_out,
                irreps_out,
                n_paths,
                paths,
                rows,
                cols,
                cells,
                filter,
            } = prod;
            let more = n_paths.saturating_sub(paths.len());
            let filtered = filter.is_some();
            let weights = filter.as_ref().map(|f| f.num_weights).unwrap_or(0);
            let table = view! {
                <div class="tp-table-wrap">
                    <table class="tp-table">
                        <thead><tr><th scope="col" class="tp-corner">"a ⊗ b"</th>
                            {cols.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().zip(cells).map(|(r, row)| view! {
                                <tr><th scope="row">{r}</th>
                                    {row.into_iter().map(|cell| view! {
                                        <td>{cell.into_iter().map(|(ir, keep)| view! {
                                            <span class="tp-ir" class:dropped=!keep>{ir}</span>
                                        }).collect_view()}</td>
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            };
            let path_list = paths
                .into_iter()
                .map(|p| {
                    let extra = match p.weights {
                        Some(w) => format!("dim {} · {} weight{}", p.dim, w, if w == 1 { "" } else { "s" }),
                        None => format!("dim {}", p.dim),
                    };
                    view! {
                        <li><span class="tp-path">{format!("{} ⊗ {} → {}", p.in1, p.in2, p.out)}</span>
                            " " <span class="small">{extra}</span></li>
                    }
                })
                .collect_view();
            view! {
                <p class="readout tp-out">
                    <span class="readout-label">"full tensor product a ⊗ b (e3nn FullTensorProduct, simplified)"</span>
                    <code class="value" data-testid="tp-irreps-out">{irreps_out}</code>
                </p>
                <p class="readout small" data-testid="tp-dims" data-a=dim1 data-b=dim2 data-out=dim_out>
                    {format!("dimensions: a = {in1} has {dim1}, b = {in2} has {dim2}; the output has {dim_out} = {dim1} × {dim2}")}
                </p>
                {table}
                <p class="legend">
                    {if filtered {
                        "Each cell lists what a block of a times a block of b gives; struck-out irreps are not in the filter, so the fully connected product drops them."
                    } else {
                        "Each cell lists what a block of a times a block of b gives (multiplicity mul_a · mul_b): |l_a − l_b| ≤ l ≤ l_a + l_b, parity p_a · p_b."
                    }}
                </p>
                {filter.map(|f| {
                    let unreached = (!f.unreached.is_empty()).then(|| view! {
                        <p class="readout small">{format!(
                            "No path reaches {}: {} stays zero.",
                            f.unreached.join(", "),
                            if f.unreached.len() == 1 { "that output block" } else { "those output blocks" }
                        )}</p>
                    });
                    view! {
                        <p class="readout">{format!(
                            "FullyConnectedTensorProduct(a, b, {}): {} path{}, output dimension {}",
                            f.irreps, f.n_paths, if f.n_paths == 1 { "" } else { "s" }, f.dim
                        )}</p>
                        {unreached}
                    }
                })}
                <p class="readout" data-testid="tp-num-weights" data-value=weights>
                    {if filtered {
                        format!("weights: {weights} (Σ over paths of mul_a · mul_b · mul_out, mode 'uvw')")
                    } else {
                        "weights: 0 — the full tensor product has none; add a filter to count the weights of a FullyConnectedTensorProduct".to_string()
                    }}
                </p>
                <p class="readout-label">{if filtered {
                    format!("{n_paths} path{} of the fully connected product (in1 ⊗ in2 → out)", if n_paths == 1 { "" } else { "s" })
                } else {
                    format!("{n_paths} path{} of the full product (in1 ⊗ in2 → out, mode 'uvuv')", if n_paths == 1 { "" } else { "s" })
                }}</p>
                <ul class="tp-paths" data-testid="tp-paths" data-count=n_paths>{path_list}</ul>
                {(more > 0).then(|| view! { <p class="readout small">{format!("… and {more} more paths (not listed)")}</p> })}
                {(n_paths == 0).then(|| view! { <p class="readout small">"No path: the filter contains none of the irreps of a ⊗ b."</p> })}
            }
        })
    };

    view! {
        <WidgetFrame name="irreps-calculator" title="Tensor products of irreps" notices=notices state=state>
            <p class="convention">"e3nn 0.4.4 notation: 'mul x l p', p = e (even) or o (odd), terms joined by +. Computed by the book's core (nn::TensorProduct), the same code as "<code>"multiace tensor-product"</code>"."</p>
            <div class="tp-fields">
                {field_view(Field::A, "first input a", a_text, "e.g. 2x0e+1x1o")}
                <span class="tp-times" aria-hidden="true">"⊗"</span>
                {field_view(Field::B, "second input b", b_text, "e.g. 1x1o+1x2e")}
                {field_view(Field::Filter, "filter (output irreps; optional)", f_text, "e.g. 3x1o")}
            </div>
            <div class="chips">"examples: "
                {preset("two vectors", "1x1o", "1x1o", "")}
                {preset("the chapter's", DEFAULT_A, DEFAULT_B, "")}
                {preset("exercise: filter 3x1o", "2x0e+1x1o", "1x1o", "3x1o")}
                {preset("features ⊗ SH", "8x0e+8x1o", "1x0e+1x1o+1x2e", "8x0e+8x1o+8x1e")}
            </div>
            <div class="tp-results" class:stale=move || stale.get() aria-live="polite">
                {results}
            </div>
        </WidgetFrame>
    }
    .into_any()
}
