//! What an embed page (`/embed/<name>?…`, a widget alone for slides and course pages) does before
//! its widget mounts, shared by the pre-rendered embed pages (`islands.rs`, `embed_protocol.rs`)
//! and the router's route for names no page exists for (`app.rs`).
//!
//! Page-level parameters, besides the widget's own:
//! - `theme=light|dark` fixes the colours (otherwise the reader's system theme);
//! - `chrome=0` is the compact mode: no title bar, no "Copy embed code", no notes, no back link
//!   (`html.compact` in book.css; `assets/shell.js` sets it before the first paint too);
//! - `controls=a,b` keeps only the controls named `a` and `b` (their `data-control` names, the
//!   URL keys they set), `controls=none` none of them. Widgets that name their controls are listed
//!   in [`CONTROLS`].
//! - `dpr=` (read by each widget's canvases) sets the canvas resolution.

use crate::util::Theme;
use leptos::prelude::*;

/// The widgets whose controls have stable `data-control` names, with those names, for
/// `?controls=` (documented on `/embed` and in the README). Other widgets honour
/// `controls=none` (their `.widget-controls` panel goes) but not a list.
pub const CONTROLS: &[(&str, &[&str])] = &[
    ("sh-explorer", &["l", "m", "norm", "reset"]),
    ("clebsch-gordan", &["l1", "l2", "L", "play", "omega"]),
    ("radial-basis", &["basis", "deriv", "nmax", "rcut"]),
];

/// The page's query without '?': the widget's state, read once (the widget owns it after mount
/// and may write it back to the URL).
pub fn page_query() -> String {
    window()
        .location()
        .search()
        .unwrap_or_default()
        .trim_start_matches('?')
        .to_string()
}

/// The raw value of `key` in `query`, percent-decoding left out (page keys are plain words).
fn value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .rsplit('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// The stylesheet that hides every control `controls` (a `?controls=` value) does not keep, or
/// `None` for "keep them all". Names are letters, digits, '-' and '_'; others are dropped.
pub fn controls_css(controls: Option<&str>) -> Option<String> {
    let raw = controls?.replace("%2C", ",").replace("%2c", ",");
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if raw.eq_ignore_ascii_case("none") {
        return Some(
            ".widget .widget-controls, .widget [data-control] { display: none !important; }"
                .to_string(),
        );
    }
    let kept: Vec<String> = raw
        .split(',')
        .map(str::trim)
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(|n| format!("[data-control=\"{n}\"]"))
        .collect();
    if kept.is_empty() {
        return None;
    }
    let kept = kept.join(", ");
    Some(format!(
        ".widget [data-control]:not({kept}) {{ display: none !important; }}\n\
         .widget fieldset.ctl-group:not(:has({kept})) {{ display: none !important; }}"
    ))
}

/// Applies the page-level parameters of `query` (theme, compact mode, controls kept) to the
/// document and marks it as an embed, which hides the book's chrome. Called again with the new
/// query when a host sets the widget's state.
pub fn prepare(query: &str) {
    let theme = value(query, "theme").and_then(Theme::parse);
    let compact = value(query, "chrome").is_some_and(|v| v == "0" || v == "false");
    let doc = document();
    if let Some(root) = doc.document_element() {
        let _ = match theme {
            Some(t) => root.set_attribute("data-theme", t.as_str()),
            None => root.remove_attribute("data-theme"),
        };
        let classes = root.class_list();
        let _ = classes.add_1("embedded");
        let _ = if compact {
            classes.add_1("compact")
        } else {
            classes.remove_1("compact")
        };
    }
    const ID: &str = "multiace-controls-css";
    let css = controls_css(value(query, "controls"));
    let existing = doc.get_element_by_id(ID);
    match (css, existing) {
        (None, Some(el)) => el.remove(),
        (None, None) => {}
        (Some(css), Some(el)) => el.set_text_content(Some(&css)),
        (Some(css), None) => {
            if let (Ok(style), Some(head)) = (doc.create_element("style"), doc.head()) {
                style.set_id(ID);
                style.set_text_content(Some(&css));
                let _ = head.append_child(&style);
            }
        }
    }
}
