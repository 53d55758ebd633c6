//! The landing page: what the book is, the learning route 00 → 04, the learning goals.

use crate::chapter::{self, CHAPTERS};
use crate::exercise::progress;
use crate::util::{
    path, set_title, storage_get, storage_prefixed, storage_remove_prefixed, BOOK_TITLE,
};
use leptos::prelude::*;
use leptos_router::components::A;

/// One line per chapter for the learning route, in chapter order.
const ROUTE_LINES: [&str; 5] = [
    "Rotations, parity, real spherical harmonics, Wigner D matrices and Clebsch–Gordan coupling: the symmetry toolkit.",
    "Atomic environments as sums of one-particle basis functions, and invariant many-body features from their products.",
    "Message passing with features that rotate with the molecule: irreps, tensor products, gates.",
    "Higher-order equivariant messages: how MACE combines ACE products with message passing.",
    "One design space for ACE, NequIP, MACE and their relatives: correlation order, number of layers, maximum degree, equivariance of the messages.",
];

const GOALS: [&str; 5] = [
    "Explain why an interatomic potential must be invariant, and its forces equivariant, under rotations, translations, permutations and inversion — and check it numerically.",
    "Compute real spherical harmonics, Wigner D matrices and Clebsch–Gordan coefficients in the e3nn convention, and couple two irreps with the triangle and parity rules.",
    "Build the Atomic Cluster Expansion from a one-particle basis to invariant B features, and relate the correlation order ν to the body order.",
    "Read an equivariant message-passing layer and MACE as operations on irreps, and count what each layer computes.",
    "Place published models as points in the Multi-ACE design space and reason about their receptive field, body order and cost.",
];

#[component]
pub fn Landing() -> impl IntoView {
    set_title(&format!(
        "{BOOK_TITLE} · an interactive textbook on the Multi-ACE framework"
    ));
    let first = CHAPTERS
        .first()
        .map(chapter::href)
        .unwrap_or_else(|| path("/"));
    let steps = CHAPTERS
        .iter()
        .zip(ROUTE_LINES)
        .map(|(ch, line)| {
            view! {
                <li class="route-step" class:planned=ch.planned>
                    <a href=chapter::href(ch) rel="external">
                        <span class="route-num" aria-hidden="true">{ch.number}</span>
                        <span class="route-body">
                            <span class="route-title">
                                {ch.title}
                                {ch.planned.then(|| view! { <span class="tag">"planned"</span> })}
                            </span>
                            <span class="route-line">{line}</span>
                        </span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let goals = GOALS.iter().map(|g| view! { <li>{*g}</li> }).collect_view();
    view! {
        <section class="landing">
            <div class="hero">
                <p class="eyebrow">"An interactive textbook"</p>
                <h1>{BOOK_TITLE}</h1>
                <p class="lead">
                    "The theory behind modern machine-learned interatomic potentials, from rotations and "
                    "spherical harmonics, through the Atomic Cluster Expansion and equivariant neural networks, "
                    "to MACE and the unified Multi-ACE design space (Batatia et al., 2025). Every equation you meet "
                    "can be turned in a widget, and every widget shows the numbers that prove it right."
                </p>
                <Continue/>
                <p class="actions">
                    <a href=first class="button primary" rel="external">"Start with chapter 00"</a>
                    <A href=path("/embed") attr:class="button">"Browse the widgets"</A>
                    <A href=path("/figures") attr:class="button">"Figures"</A>
                </p>
            </div>
            <h2>"The learning route"</h2>
            <ol class="route">{steps}</ol>
            <h2>"What you will be able to do"</h2>
            <ol class="goals">{goals}</ol>
            <h2>"How to read it"</h2>
            <p>
                "Read the chapters in order: each builds on the symmetry tools of the one before. Drag the "
                "widgets, change their parameters, and try the exercises at the end of each section — they check "
                "your answer at once and explain it. The same Rust code that draws the widgets is available "
                "from the command line, so the numbers you see here can be reproduced on your own structures."
            </p>
            <p>
                "Teaching with it: every widget has its own address whose query sets its state, and "
                <A href=path("/embed")>"the widget catalogue"</A>
                " gives the snippet to put it in a slide. "
                <A href=path("/figures")>"The figures"</A>
                " of every chapter are there as SVG and PNG, drawn by the same code from the book's own data."
            </p>
        </section>
    }
}

/// Where the reader left off (`shell.js` stores the chapter page and the section in view under
/// `multiace-last-place`), how many exercises they solved, and a way to forget both.
#[component]
fn Continue() -> impl IntoView {
    let read = || {
        let place = storage_get(LAST_PLACE).and_then(|p| {
            let mut lines = p.lines();
            let (path, hash, title) = (lines.next()?, lines.next()?, lines.next()?);
            // Only a chapter page of this site, and only a section anchor.
            let ours = path.starts_with(&crate::util::path("/chapter/"));
            let hash_ok = hash.is_empty()
                || (hash.starts_with('#')
                    && hash[1..]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-'));
            (ours && hash_ok).then(|| (format!("{path}{hash}"), title.to_string()))
        });
        let solved = storage_prefixed(progress::PREFIX)
            .iter()
            .filter(|(_, v)| v.starts_with("ok|"))
            .count();
        (place, solved)
    };
    let state = RwSignal::new(read());
    let forget = move |_| {
        let sure = window()
            .confirm_with_message("Forget your answers to the exercises and the place you left off? This cannot be undone.")
            .unwrap_or(false);
        if sure {
            storage_remove_prefixed(progress::PREFIX);
            storage_remove_prefixed(LAST_PLACE);
            state.set(read());
        }
    };
    move || {
        let (place, solved) = state.get();
        (place.is_some() || solved > 0).then(|| {
            let solved_text = match solved {
                0 => String::new(),
                1 => "You have solved 1 exercise. ".to_string(),
                n => format!("You have solved {n} exercises. "),
            };
            view! {
                <p class="continue" data-testid="continue">
                    {place.map(|(href, title)| view! {
                        <a href=href class="button primary" rel="external">"Continue: " {title}</a>
                        " "
                    })}
                    <span class="continue-note">{solved_text}"Your progress is kept in this browser only. "</span>
                    <button type="button" class="link-button" on:click=forget>"Forget it"</button>
                </p>
            }
        })
    }
}

const LAST_PLACE: &str = "multiace-last-place";
