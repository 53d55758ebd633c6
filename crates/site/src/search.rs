//! The search index (`search-index.json`), built with the pages and read by `assets/search.js`
//! when the reader opens search: one entry per section (h2 or h3) of every chapter, with its
//! plain text, plus one per exercise question and per widget. Math is left out of the text (its
//! MathML reads as a string of single letters) but kept in the headings' words.

use crate::book::LoadedChapter;
use crate::markdown::Block;
use crate::slot::WidgetSlot;
use std::fmt::Write as _;

/// One searchable piece of a chapter: where it is (`id`, empty for the chapter's opening) and
/// what it says.
#[derive(Debug, PartialEq)]
pub struct Entry {
    pub slug: String,
    pub chapter: String,
    pub id: String,
    pub heading: String,
    pub kind: &'static str,
    pub text: String,
}

/// Every entry of the book, in reading order. `slots[i]` are chapter `i`'s widgets.
pub fn entries(book: &[LoadedChapter], slots: &[Vec<WidgetSlot>]) -> Vec<Entry> {
    let mut out = Vec::new();
    for (index, ch) in book.iter().enumerate() {
        let chapter = format!("{} {}", ch.number, ch.chapter.title);
        let mut current = Entry {
            slug: ch.slug.clone(),
            chapter: chapter.clone(),
            id: String::new(),
            heading: ch.chapter.title.clone(),
            kind: "text",
            text: String::new(),
        };
        let mut widgets = slots.get(index).map(|s| s.iter()).into_iter().flatten();
        for block in &ch.chapter.blocks {
            match block {
                Block::Html(html) => {
                    for piece in split_at_headings(html) {
                        if let Some((id, heading)) = piece.heading {
                            let next = Entry {
                                id,
                                heading,
                                text: String::new(),
                                ..current_like(&current)
                            };
                            push_text(&mut out, std::mem::replace(&mut current, next));
                        }
                        append(&mut current.text, &plain_text(&piece.body));
                    }
                }
                Block::Exercise(e) => out.push(Entry {
                    id: e.id.clone(),
                    heading: format!("Exercise in “{}”", current.heading),
                    kind: "exercise",
                    text: plain_text(&e.question_html),
                    ..current_like(&current)
                }),
                Block::Widget { .. } => {
                    if let Some(info) = widgets.next().and_then(|s| s.info()) {
                        out.push(Entry {
                            id: current.id.clone(),
                            heading: info.title.to_string(),
                            kind: "widget",
                            text: info.summary.to_string(),
                            ..current_like(&current)
                        });
                    }
                }
            }
        }
        push_text(&mut out, current);
    }
    out
}

/// The same chapter, empty text: the start of the next entry.
fn current_like(e: &Entry) -> Entry {
    Entry {
        slug: e.slug.clone(),
        chapter: e.chapter.clone(),
        id: e.id.clone(),
        heading: e.heading.clone(),
        kind: "text",
        text: String::new(),
    }
}

fn push_text(out: &mut Vec<Entry>, entry: Entry) {
    if !entry.text.is_empty() || !entry.id.is_empty() {
        out.push(entry);
    }
}

fn append(text: &mut String, more: &str) {
    if more.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(more);
}

struct Piece {
    /// The heading that starts this piece: (id, text).
    heading: Option<(String, String)>,
    body: String,
}

/// Cuts rendered HTML at its `<h2 id=…>` and `<h3 id=…>` headings.
fn split_at_headings(html: &str) -> Vec<Piece> {
    let mut pieces = vec![Piece {
        heading: None,
        body: String::new(),
    }];
    let mut rest = html;
    loop {
        let next = ["<h2 id=\"", "<h3 id=\""]
            .iter()
            .filter_map(|tag| rest.find(tag).map(|i| (i, tag.len())))
            .min();
        let Some((start, tag_len)) = next else {
            break;
        };
        let last = pieces.len() - 1;
        pieces[last].body.push_str(&rest[..start]);
        let after = &rest[start + tag_len..];
        let (Some(id_end), Some(close)) = (after.find('"'), after.find("</h")) else {
            break;
        };
        let id = after[..id_end].to_string();
        let inner = after[..close].split_once('>').map(|(_, t)| t).unwrap_or("");
        let heading = plain_text(&keep_math(
            inner.split("<a class=\"permalink\"").next().unwrap_or(""),
        ));
        let end = after[close..]
            .find('>')
            .map(|i| close + i + 1)
            .unwrap_or(after.len());
        pieces.push(Piece {
            heading: Some((id, heading)),
            body: String::new(),
        });
        rest = &after[end..];
    }
    let last = pieces.len() - 1;
    pieces[last].body.push_str(rest);
    pieces
}

/// Headings keep their math as words: `<math>` tags become spaces before the tags go.
fn keep_math(html: &str) -> String {
    html.replace("<math", " <span")
        .replace("</math>", "</span> ")
}

/// The text of an HTML fragment: tags and math removed, entities decoded, spaces collapsed.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tag = &rest[lt..];
        if tag.starts_with("<math") {
            let end = tag
                .find("</math>")
                .map(|i| i + "</math>".len())
                .unwrap_or(tag.len());
            out.push(' ');
            rest = &tag[end..];
        } else {
            let end = tag.find('>').map(|i| i + 1).unwrap_or(tag.len());
            out.push(' ');
            rest = &tag[end..];
        }
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let words: Vec<&str> = decoded.split_whitespace().collect();
    let mut text = words.join(" ");
    for p in [" ,", " .", " ;", " :", " )"] {
        text = text.replace(p, &p[1..]);
    }
    text.replace("( ", "(")
}

/// The index as JSON: `[{"s": slug, "c": chapter, "i": id, "h": heading, "k": kind, "t": text}]`.
pub fn to_json(entries: &[Entry]) -> String {
    let mut out = String::from("[\n");
    for (n, e) in entries.iter().enumerate() {
        let _ = writeln!(
            out,
            "{{\"s\":{},\"c\":{},\"i\":{},\"h\":{},\"k\":{},\"t\":{}}}{}",
            json(&e.slug),
            json(&e.chapter),
            json(&e.id),
            json(&e.heading),
            json(e.kind),
            json(&e.text),
            if n + 1 < entries.len() { "," } else { "" }
        );
    }
    out.push(']');
    out.push('\n');
    out
}

/// A JSON string literal.
fn json(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::render_chapter;

    fn chapter(src: &str) -> LoadedChapter {
        let mut problems = Vec::new();
        let mut chapter = render_chapter(src, "00-x", &mut problems);
        chapter.title = crate::book::strip_number(&chapter.title, "00").into();
        assert!(problems.is_empty(), "{problems:?}");
        LoadedChapter {
            slug: "00-x".into(),
            number: "00",
            file: "00_x.md".into(),
            missing: false,
            chapter,
        }
    }

    #[test]
    fn sections_exercises_and_widgets_are_entries() {
        let book = [chapter(
            "# 00 · First\n\nOpening words.\n\n## Rotations of $\\mathbb{R}^3$\n\nA matrix $R$ with det 1 &amp; more.\n\n### Small print\n\nDetails.\n\n```widget\nrotation molecule=water\n```\n\n```exercise\nid: t-1\nquestion: Which one?\nchoices: one | two*\n```\n",
        )];
        let slot = WidgetSlot::new("rotation", "molecule=water", "00-x-1").unwrap();
        let e = entries(&book, &[vec![slot]]);
        let kinds: Vec<_> = e.iter().map(|e| (e.kind, e.id.as_str())).collect();
        assert_eq!(
            kinds,
            [
                ("text", ""),
                ("text", "rotations-of-mathbb-r-3"),
                ("widget", "small-print"),
                ("exercise", "t-1"),
                ("text", "small-print"),
            ],
            "{e:#?}"
        );
        assert_eq!(e[0].text, "Opening words.");
        assert_eq!(e[0].chapter, "00 First");
        assert!(e[1].heading.starts_with("Rotations of"), "{}", e[1].heading);
        assert!(
            !e[1].heading.contains('#'),
            "no permalink sign: {}",
            e[1].heading
        );
        assert_eq!(e[1].text, "A matrix with det 1 & more.");
        assert_eq!(e[3].text, "Which one?");
        assert_eq!(e[4].text, "Details.");
        let json = to_json(&e);
        assert!(
            json.contains("\"i\":\"t-1\",\"h\":\"Exercise in “Small print”\",\"k\":\"exercise\""),
            "{json}"
        );
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    #[test]
    fn plain_text_survives_broken_html() {
        assert_eq!(plain_text("a <b"), "a");
        assert_eq!(plain_text("x <math><mi>y"), "x");
        assert_eq!(plain_text(""), "");
    }
}
