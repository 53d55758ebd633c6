//! A chapter = Markdown blocks rendered at build time (`build.rs` → `$OUT_DIR/chapters.rs`) plus
//! widget and exercise slots filled in here. The wasm carries only the finished HTML/MathML.

use crate::exercise::Exercise;
use crate::util::{set_title, BOOK_TITLE};
use leptos::prelude::*;
use leptos_router::components::A;

/// One `## ` heading of a chapter; `id` is the slug on the `<h2>`.
pub struct SectionData {
    pub id: &'static str,
    pub title_html: &'static str,
}

/// How an exercise's answer is checked.
pub enum AnswerData {
    /// Integers compared as a set (sorted, deduplicated at build time).
    Set(&'static [i64]),
    Number {
        value: f64,
        tolerance: f64,
    },
    /// Option texts (inline HTML) and the index of the correct one.
    Choices {
        options: &'static [&'static str],
        correct: usize,
    },
}

pub struct ExerciseData {
    pub id: &'static str,
    pub question_html: &'static str,
    pub answer: AnswerData,
    pub explain_html: &'static str,
    pub hint_html: Option<&'static str>,
}

pub enum BlockData {
    Html(&'static str),
    /// `query` in URL form ("l=2&m=1"), converted from the block's "l=2 m=1" at build time.
    Widget {
        name: &'static str,
        query: &'static str,
    },
    Exercise(ExerciseData),
}

pub struct ChapterData {
    /// URL slug, e.g. "00-fundamentals".
    pub slug: &'static str,
    /// "00" … "04".
    pub number: &'static str,
    /// Source file name under chapters/.
    pub file: &'static str,
    pub title: &'static str,
    /// The chapter says `*Planned chapter.*`: its sections are a plan, not text yet.
    pub planned: bool,
    /// The Markdown file did not exist at build time.
    pub missing: bool,
    pub sections: &'static [SectionData],
    pub blocks: &'static [BlockData],
}

include!(concat!(env!("OUT_DIR"), "/chapters.rs"));

pub fn find(slug: &str) -> Option<(usize, &'static ChapterData)> {
    CHAPTERS.iter().enumerate().find(|(_, c)| c.slug == slug)
}

/// The chapter's route, without the base path (see [`href`]).
pub fn route(ch: &ChapterData) -> String {
    format!("/chapter/{}", ch.slug)
}

/// The chapter's link target, with the base path.
pub fn href(ch: &ChapterData) -> String {
    crate::util::path(&route(ch))
}

/// The chapter page: title, planned banner, the blocks, previous/next links.
#[component]
pub fn ChapterPage(index: usize, chapter: &'static ChapterData) -> impl IntoView {
    set_title(&format!(
        "{} {} · {BOOK_TITLE}",
        chapter.number, chapter.title
    ));
    // The router scrolls to `#id` after in-app navigation; on a fresh load (or reload) the
    // browser looked for the id before the chapter existed, so scroll once it is mounted.
    Effect::new(move |_| {
        let hash = window().location().hash().unwrap_or_default();
        let id = hash.trim_start_matches('#');
        if !id.is_empty() {
            if let Some(el) = document().get_element_by_id(id) {
                el.scroll_into_view();
            }
        }
    });
    let prev = index.checked_sub(1).and_then(|i| CHAPTERS.get(i));
    let next = CHAPTERS.get(index + 1);
    let blocks = chapter
        .blocks
        .iter()
        .map(|b| match b {
            BlockData::Html(html) => {
                view! { <div class="prose" inner_html=*html></div> }.into_any()
            }
            BlockData::Widget { name, query } => crate::widgets::widget_view(name, query, false),
            BlockData::Exercise(ex) => view! { <Exercise ex=ex/> }.into_any(),
        })
        .collect_view();
    view! {
        <article class="chapter" data-slug=chapter.slug>
            <header class="chapter-head">
                <p class="chapter-number">"Chapter " {chapter.number}</p>
                <h1>{chapter.title}</h1>
            </header>
            {chapter.planned.then(|| view! {
                <aside class="planned-banner" role="note">
                    <strong>"Planned chapter. "</strong>
                    {if chapter.missing {
                        "Its text has not been written yet."
                    } else {
                        "The sections below are the plan: what each will cover, not the full text yet."
                    }}
                </aside>
            })}
            {blocks}
            <nav class="chapter-nav" aria-label="Previous and next chapter">
                {prev.map(|p| view! {
                    <A href=href(p) attr:class="prev" attr:rel="prev">
                        <span class="dir">"← Previous"</span>
                        <span class="name">{p.number} " " {p.title}</span>
                    </A>
                })}
                {next.map(|n| view! {
                    <A href=href(n) attr:class="next" attr:rel="next">
                        <span class="dir">"Next →"</span>
                        <span class="name">{n.number} " " {n.title}</span>
                    </A>
                })}
            </nav>
            <p class="chapter-source">"This chapter is plain Markdown: " <code>"chapters/" {chapter.file}</code></p>
        </article>
    }
}
