//! The frame around every widget: title, parameter notices, the widget body, "copy embed code".
//!
//! Also the URL write-back: in embedded mode (`/embed/<name>`) a widget replaces the page URL
//! with its current state on pointer-up / change (`history.replaceState`, never per drag frame),
//! so a lecturer can copy the address bar, and tells a framing page (`state`, see
//! `src/embed_protocol.rs`); inside a chapter the page URL is left alone.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::util::site_url;

/// Replaces the page URL's query with `query` (embedded mode only).
pub fn write_url(embedded: bool, query: &str) {
    if !embedded {
        return;
    }
    crate::embed_protocol::replace_url(query);
    // A framing page (a deck, a course page) hears of it: `src/embed_protocol.rs`.
    crate::embed_protocol::state_changed(query);
}

/// True on a widget's embed page (`<html class="embedded">`), where its title is the page's h1
/// (and a widget's own sub-headings are level 2, not 4).
pub fn embed_page() -> bool {
    document()
        .document_element()
        .is_some_and(|e| e.class_list().contains("embedded"))
}

/// A heading inside a widget, one level below the widget's title: h4 in a chapter (the title is
/// an h3), h2 on the widget's embed page (the title is the h1). `html` is trusted markup.
pub fn sub_heading(class: &'static str, html: String) -> AnyView {
    if embed_page() {
        view! { <h2 class=class inner_html=html></h2> }.into_any()
    } else {
        view! { <h4 class=class inner_html=html></h4> }.into_any()
    }
}

/// Text made safe to pass as `inner_html`.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The `<iframe>` snippet a lecturer pastes into a slide.
fn embed_snippet(name: &str, title: &str, query: &str, height: u32) -> String {
    let base = site_url(&format!("/embed/{name}"));
    let src = if query.is_empty() {
        base
    } else {
        format!("{base}?{query}")
    };
    let src = src.replace('&', "&amp;").replace('"', "&quot;");
    format!(
        "<iframe src=\"{src}\" width=\"100%\" height=\"{height}\" loading=\"lazy\" allow=\"fullscreen\" title=\"{title}\"></iframe>"
    )
}

/// `navigator.clipboard.writeText`, if the browser offers it here (it is missing on plain http
/// and in some iframes): Ok(()) once written.
async fn copy_text(text: &str) -> Result<(), ()> {
    let nav = window().navigator();
    let has = js_sys::Reflect::get(&nav, &JsValue::from_str("clipboard"))
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if !has {
        return Err(());
    }
    let promise = nav.clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|_| ())
}

/// The widget frame. `state` is the widget's current query string (for the embed snippet, whose
/// height is the widget's entry in the one table of heights, [`super::catalogue::embed_height`]).
#[component]
pub fn WidgetFrame(
    name: &'static str,
    title: &'static str,
    notices: Vec<String>,
    state: Signal<String>,
    children: Children,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let fallback = RwSignal::new(None::<String>);
    let on_copy = move |_| {
        let height = super::catalogue::embed_height(name);
        let snippet = embed_snippet(name, title, &state.get_untracked(), height);
        leptos::task::spawn_local(async move {
            match copy_text(&snippet).await {
                Ok(()) => {
                    fallback.set(None);
                    copied.set(true);
                    set_timeout(
                        move || copied.set(false),
                        std::time::Duration::from_millis(1800),
                    );
                }
                Err(()) => fallback.set(Some(snippet)),
            }
        });
    };
    view! {
        <div class="widget" data-widget=name>
            <div class="widget-titlebar">
                {if embed_page() {
                    view! { <h1 class="widget-name">{title}</h1> }.into_any()
                } else {
                    view! { <h3 class="widget-name">{title}</h3> }.into_any()
                }}
                <button class="copy-embed" type="button" on:click=on_copy title="Copy an <iframe> snippet for slides or a course page">
                    {move || if copied.get() { "Copied ✓" } else { "Copy embed code" }}
                </button>
            </div>
            {notices
                .into_iter()
                .map(|n| view! { <p class="widget-notice" role="status">{n}</p> })
                .collect_view()}
            {move || {
                fallback
                    .get()
                    .map(|s| {
                        view! {
                            <label class="embed-fallback">
                                "Copy this snippet (the clipboard is not available here):"
                                <textarea readonly rows="3" on:focus=|ev| {
                                    use wasm_bindgen::JsCast;
                                    if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                                        t.select();
                                    }
                                }>{s}</textarea>
                            </label>
                        }
                    })
            }}
            <div class="widget-body">{children()}</div>
            // Paper shows the state the controls set (the controls themselves are not printed).
            <p class="widget-print-params">
                {move || {
                    let q = state.get();
                    if q.is_empty() { String::new() } else { format!("Parameters: {}", q.replace('&', ", ")) }
                }}
            </p>
        </div>
    }
}

/// Notes for developers and for checking the numbers (timings, commands, versions): folded away
/// so the widget reads like a figure, one click from anyone who wants them.
#[component]
pub fn DevNotes(children: Children) -> impl IntoView {
    view! {
        <details class="dev-notes">
            <summary>"How this was computed"</summary>
            {children()}
        </details>
    }
}
