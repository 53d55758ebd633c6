//! What an embed page (`/embed/<name>?…`, a widget alone for slides and course pages) does before
//! its widget mounts, shared by the pre-rendered embed pages (`islands.rs`) and the router's route
//! for names no page exists for (`app.rs`).

use crate::util::Theme;
use leptos::prelude::*;

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

/// Applies `?theme=light|dark` (otherwise the reader's system theme) and marks the document as an
/// embed, which hides the book's chrome.
pub fn prepare(query: &str) {
    let theme = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "theme")
        .and_then(|(_, v)| Theme::parse(v));
    if let Some(root) = document().document_element() {
        let _ = match theme {
            Some(t) => root.set_attribute("data-theme", t.as_str()),
            None => root.remove_attribute("data-theme"),
        };
        let _ = root.class_list().add_1("embedded");
    }
}
