//! One chapter route as a finished page: the site header, the table of contents, the chapter
//! (text with MathML, exercises, widget placeholders), previous/next links, written into trunk's
//! `index.html` (its `<head>`, with the bootstrap of the wasm, is kept).
//!
//! The markup repeats the classes of the app's components (`src/app.rs`, `src/exercise.rs`,
//! `widgets/frame.rs`), so the stylesheet lays the page out before any script runs and the
//! mounted widgets and exercises take the place of their static forms without moving the text.

use crate::book::LoadedChapter;
use crate::citations;
use crate::exercise_html::exercise;
use crate::markdown::Block;
use crate::slot::WidgetSlot;
use std::fmt::Write as _;

/// The book's name, as the app writes it (`src/util.rs`).
pub const BOOK_TITLE: &str = "Multi-ACE Learning";

/// Escapes text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The whole `<body>` content of chapter `index` (slots: the widget placeholders, in order).
pub fn chapter_body(
    book: &[LoadedChapter],
    index: usize,
    base: &str,
    slots: &[WidgetSlot],
) -> String {
    let mut out = String::new();
    let page = format!("{base}chapter/{}", book[index].slug);
    out.push_str(&header(base, &page));
    out.push_str(
        "<div class=\"layout\">\n<nav id=\"toc\" class=\"toc\" aria-label=\"Table of contents\">\n",
    );
    out.push_str(&toc(book, index, base));
    out.push_str("</nav>\n<main id=\"main\" tabindex=\"-1\">\n");
    out.push_str(&article(book, index, base, slots, false));
    out.push_str("</main>\n</div>\n");
    out
}

/// The whole book in one document (`/print`, as mdBook's print.html): every chapter on new
/// pages, each widget as a figure (its still picture and parameters; nothing mounts into it),
/// and the ids prefixed with the chapter's slug, so they stay unique.
pub fn print_body(book: &[LoadedChapter], base: &str, slots: &[Vec<WidgetSlot>]) -> String {
    let mut out = format!(
        "<main id=\"main\" class=\"print-book\" tabindex=\"-1\">\n<header class=\"print-title\"><h1>{BOOK_TITLE}</h1><p>All chapters in one document, for printing or saving as PDF. The live widgets are at <a href=\"{base}\">the book's pages</a>.</p><button type=\"button\" class=\"print-now js-only\">Print…</button></header>\n"
    );
    for (index, ch) in book.iter().enumerate() {
        let empty = Vec::new();
        let html = article(book, index, base, slots.get(index).unwrap_or(&empty), true);
        let html = html.replace(" id=\"", &format!(" id=\"{}-", ch.slug));
        let _ = writeln!(out, "<section class=\"print-chapter\">{html}</section>");
    }
    out.push_str("</main>\n");
    out
}

/// The whole `<body>` content of a widget's embed page: the widget alone (its placeholder until
/// the wasm mounts it) and a link to the chapter that explains it, as the app's embed route draws.
pub fn embed_body(slot: &WidgetSlot, base: &str) -> String {
    let chapter = slot.info().map(|w| w.chapter).unwrap_or_default();
    let back = if chapter.is_empty() {
        base.to_string()
    } else {
        format!("{base}chapter/{chapter}")
    };
    format!(
        "<main class=\"embed\" id=\"main\">\n{}<p class=\"embed-backlink\"><a href=\"{}\" target=\"_blank\" rel=\"noopener\">Open in {BOOK_TITLE} ↗</a></p>\n</main>\n",
        slot.embed_html(base),
        esc(&back)
    )
}

/// The header of every book page; `shell.js` makes its two buttons work. `page` is the page's
/// own path: a bare `#main` would resolve against `<base href>` and leave the page.
fn header(base: &str, page: &str) -> String {
    format!(
        r##"<a class="skip-link" href="{page}#main">Skip to the text</a>
<header class="site-header">
<button type="button" class="toc-toggle" aria-controls="toc" aria-expanded="false"><span aria-hidden="true">☰</span><span class="toc-word"> Contents</span></button>
<a href="{base}" class="brand"><svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true"><ellipse cx="16" cy="16" rx="13" ry="5.5" transform="rotate(30 16 16)"></ellipse><ellipse cx="16" cy="16" rx="13" ry="5.5" transform="rotate(-30 16 16)"></ellipse><circle cx="16" cy="16" r="3.2"></circle></svg>{BOOK_TITLE}</a>
<button type="button" class="search-open" aria-keyshortcuts="/ s Control+K" title="Search the book (/)"><svg viewBox="0 0 20 20" aria-hidden="true"><circle cx="8.5" cy="8.5" r="5.5"></circle><path d="M13 13l4.5 4.5"></path></svg><span class="search-label">Search</span></button>
<button type="button" class="theme-toggle" aria-label="Switch to the dark theme"><span aria-hidden="true">☾</span><span class="theme-word"> Dark</span></button>
</header>
"##
    )
}

/// The table of contents, with the sections of the current chapter.
fn toc(book: &[LoadedChapter], current: usize, base: &str) -> String {
    let mut out =
        String::from("<p class=\"toc-heading\">Chapters</p>\n<ol class=\"toc-chapters\">\n");
    for (i, ch) in book.iter().enumerate() {
        let href = format!("{base}chapter/{}", ch.slug);
        let is_current = i == current;
        let planned = if ch.chapter.planned {
            "<span class=\"tag\">planned</span>"
        } else {
            ""
        };
        // The chapter's exercises, for the reader's progress (shell.js counts the solved ones).
        let exercises: Vec<&str> = ch
            .chapter
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Exercise(e) => Some(e.id.as_str()),
                _ => None,
            })
            .collect();
        let _ = write!(
            out,
            "<li{}{}><a href=\"{href}\"{}><span class=\"toc-num\">{}</span><span class=\"toc-title\">{}{planned}</span></a>",
            if is_current { " class=\"current\"" } else { "" },
            if exercises.is_empty() {
                String::new()
            } else {
                format!(" data-exercises=\"{}\"", esc(&exercises.join(" ")))
            },
            if is_current { " aria-current=\"page\"" } else { "" },
            ch.number,
            esc(&ch.chapter.title),
        );
        if is_current && !ch.chapter.sections.is_empty() {
            out.push_str("<ol class=\"toc-sections\">");
            for s in &ch.chapter.sections {
                let _ = write!(
                    out,
                    "<li><a href=\"{href}#{}\"><span>{}</span></a></li>",
                    s.id, s.title_html
                );
            }
            out.push_str("</ol>");
        }
        out.push_str("</li>\n");
    }
    let _ = write!(
        out,
        r#"</ol>
<p class="toc-heading">Tools</p>
<ul class="toc-tools">
<li><a href="{base}embed">Widget catalogue (for slides)</a></li>
<li><a href="{base}figures">Figures (SVG and PNG)</a></li>
<li><a href="{base}slides/index.html" rel="external">Example slides (reveal.js)</a></li>
<li><a href="{base}print">The whole book, for printing</a></li>
</ul>
"#
    );
    out
}

/// The chapter itself: head, planned banner, blocks, previous/next, source note.
/// `print`: widgets as figures, no previous/next links (the `/print` page).
fn article(
    book: &[LoadedChapter],
    index: usize,
    base: &str,
    slots: &[WidgetSlot],
    print: bool,
) -> String {
    let ch = &book[index];
    let mut out = format!(
        "<article class=\"chapter\" data-slug=\"{}\">\n<header class=\"chapter-head\"><p class=\"chapter-number\">Chapter {}</p><h1>{}</h1></header>\n",
        ch.slug,
        ch.number,
        esc(&ch.chapter.title)
    );
    if ch.chapter.planned {
        let why = if ch.missing {
            "Its text has not been written yet."
        } else {
            "The sections below are the plan: what each will cover, not the full text yet."
        };
        let _ = writeln!(
            out,
            "<aside class=\"planned-banner\" role=\"note\"><strong>Planned chapter. </strong>{why}</aside>"
        );
    }
    let mut slots = slots.iter();
    let page = format!("{base}chapter/{}", ch.slug);
    let references: Vec<_> = ch
        .chapter
        .blocks
        .iter()
        .flat_map(|b| match b {
            Block::Html(html) => citations::entries(html),
            _ => Vec::new(),
        })
        .collect();
    for block in &ch.chapter.blocks {
        match block {
            Block::Html(html) => {
                let html =
                    citations::link(&citations::anchor_entries(html, &references), &references);
                let _ = writeln!(
                    out,
                    "<div class=\"prose\">{}</div>",
                    on_this_page(&html, &page)
                );
            }
            Block::Widget { .. } => {
                if let Some(slot) = slots.next() {
                    out.push_str(&if print {
                        slot.figure_html(base)
                    } else {
                        slot.html(base)
                    });
                }
            }
            Block::Exercise(e) => out.push_str(&exercise(e)),
        }
    }
    if print {
        out.push_str("</article>\n");
        return out;
    }
    out.push_str("<nav class=\"chapter-nav\" aria-label=\"Previous and next chapter\">\n");
    let link = |ch: &LoadedChapter, class: &str, dir: &str| {
        format!(
            "<a href=\"{base}chapter/{}\" class=\"{class}\" rel=\"{class}\"><span class=\"dir\">{dir}</span><span class=\"name\">{} {}</span></a>\n",
            ch.slug,
            ch.number,
            esc(&ch.chapter.title)
        )
    };
    if let Some(prev) = index.checked_sub(1).and_then(|i| book.get(i)) {
        out.push_str(&link(prev, "prev", "← Previous"));
    }
    if let Some(next) = book.get(index + 1) {
        out.push_str(&link(next, "next", "Next →"));
    }
    let _ = write!(
        out,
        "</nav>\n<p class=\"chapter-source\">This chapter is plain Markdown: <a href=\"{base}chapters/{file}\"><code>chapters/{file}</code></a></p>\n</article>\n",
        file = ch.file
    );
    out
}

/// Same-page links (`href="#id"`: permalinks, equation and citation links) made absolute, since
/// the page's `<base href>` would otherwise send them to the landing page.
fn on_this_page(html: &str, page: &str) -> String {
    html.replace("href=\"#", &format!("href=\"{page}#"))
}

/// The first paragraph's text, shortened: the page's `<meta name="description">` (link
/// previews, search results).
pub fn description(chapter: &LoadedChapter) -> String {
    let first = chapter.chapter.blocks.iter().find_map(|b| match b {
        Block::Html(h) => {
            let start = h.find("<p>")?;
            let end = h[start..].find("</p>")? + start;
            Some(&h[start + 3..end])
        }
        _ => None,
    });
    let text = crate::html_text::strip_tags(first.unwrap_or(""));
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= 200 {
        return text;
    }
    let cut: String = text.chars().take(197).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::render_chapter;

    fn book() -> Vec<LoadedChapter> {
        let sources = [
            "# 00 · First\n\nOpening text with $x^2$.\n\n## A section\n\n```widget\nrotation molecule=water\n```\n\n```exercise\nid: t-1\nquestion: Which?\nchoices: one | two*\n```\n",
            "# 01 · Second\n\nMore.\n",
        ];
        sources
            .iter()
            .enumerate()
            .map(|(i, src)| {
                let slug = format!("0{i}-x");
                let mut problems = Vec::new();
                let mut chapter = render_chapter(src, &slug, &mut problems);
                assert!(problems.is_empty(), "{problems:?}");
                chapter.title = crate::book::strip_number(&chapter.title, ["00", "01"][i]).into();
                LoadedChapter {
                    slug,
                    number: ["00", "01"][i],
                    file: format!("0{i}_x.md"),
                    missing: false,
                    chapter,
                }
            })
            .collect()
    }

    #[test]
    fn a_chapter_page_has_text_contents_exercise_slot_and_links() {
        let book = book();
        let slot = WidgetSlot::new("rotation", "molecule=water", "00-x-1").unwrap();
        let html = chapter_body(&book, 0, "/sub/", &[slot]);
        assert!(html.contains("<h1>First</h1>"), "{html}");
        assert!(html.contains("<math"), "math rendered");
        assert!(html.contains("<h2 id=\"a-section\">"), "anchored heading");
        assert!(
            html.contains(
                "href=\"/sub/chapter/00-x#a-section\" aria-label=\"Link to this section\""
            ),
            "a permalink that survives <base href>: {html}"
        );
        assert!(html.contains("class=\"skip-link\" href=\"/sub/chapter/00-x#main\""));
        assert!(
            html.contains("href=\"/sub/chapters/00_x.md\""),
            "the Markdown source"
        );
        assert!(
            html.contains("href=\"/sub/chapter/00-x#a-section\""),
            "contents link the section"
        );
        assert!(html.contains("aria-current=\"page\""));
        assert!(
            html.contains("data-exercises=\"t-1\""),
            "the chapter's exercises in the contents"
        );
        assert!(html.contains("rel=\"next\"") && !html.contains("rel=\"prev\""));
        assert!(html.contains(
            "class=\"widget-slot\" data-widget=\"rotation\" data-query=\"molecule=water\""
        ));
        assert!(
            html.contains("src=\"/sub/previews/00-x-1.svg\""),
            "the preview picture"
        );
        assert!(
            html.contains("data-kind=\"choices\" data-correct=\"1\""),
            "{html}"
        );
        assert!(
            html.contains("value=\"1\" data-right"),
            "no-JS check of the right option"
        );
    }

    #[test]
    fn the_description_is_the_first_paragraph_as_text() {
        let d = description(&book()[0]);
        assert!(d.starts_with("Opening text with"), "{d}");
        assert!(!d.contains('<'), "{d}");
    }

    #[test]
    fn an_embed_page_is_the_widget_and_a_link_to_its_chapter() {
        let slot = WidgetSlot::new("rotation", "", "embed-rotation").unwrap();
        let html = embed_body(&slot, "/sub/");
        assert!(html.contains("data-embed"), "{html}");
        assert!(
            html.contains("<h1 class=\"widget-name\">"),
            "the widget's title is the page's heading"
        );
        assert!(
            html.contains("href=\"/sub/chapter/00-fundamentals\""),
            "{html}"
        );
        assert!(!html.contains("class=\"toc\""), "no book chrome");
    }

    #[test]
    fn the_print_page_holds_every_chapter_with_widgets_as_figures() {
        let book = book();
        let slot = WidgetSlot::new("rotation", "molecule=water", "00-x-1").unwrap();
        let html = print_body(&book, "/", &[vec![slot], vec![]]);
        assert_eq!(html.matches("class=\"print-chapter\"").count(), 2);
        assert!(html.contains("<h1>First</h1>") && html.contains("<h1>Second</h1>"));
        assert!(
            html.contains("id=\"00-x-a-section\""),
            "ids unique across chapters"
        );
        assert!(html.contains("class=\"print-widget\""), "{html}");
        assert!(
            !html.contains("widget-slot"),
            "nothing for the wasm to mount"
        );
        assert!(!html.contains("rel=\"next\""));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
