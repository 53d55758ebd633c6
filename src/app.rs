//! Router and layout: the book pages share a header and a table of contents; the embed pages
//! (`/embed/:name`, for lecturers' slides) show a widget alone with a link back to the book;
//! `/embed` is the catalogue of widgets (parameters, live preview, iframe snippet) and `/figures`
//! the gallery of the CLI's figures (`gallery.rs`).

use crate::chapter::{self, CHAPTERS};
use crate::landing::Landing;
use crate::util::{
    base_path, path as site_path, set_title, site_url, storage_set, Theme, BOOK_TITLE, THEME_KEY,
};
use crate::widgets::{catalogue, widget_view};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::{use_location, use_params_map};
use leptos_router::path;
use wasm_bindgen::JsValue;

/// The figures gallery lives beside the app (src/gallery.rs) and is used only by its route.
#[path = "gallery.rs"]
mod gallery;
use gallery::FiguresPage;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router base=base_path()>
            <Routes fallback=|| view! { <Shell><NotFound/></Shell> }>
                <Route path=path!("/") view=|| view! { <Shell><Landing/></Shell> }/>
                <Route path=path!("/chapter/:slug") view=ChapterRoute/>
                <Route path=path!("/embed") view=EmbedCatalogue/>
                <Route path=path!("/figures") view=|| view! { <Shell><FiguresPage/></Shell> }/>
                <Route path=path!("/embed/:name") view=EmbedWidget/>
            </Routes>
        </Router>
    }
}

/// `/chapter/:slug` reached inside the app (a link the router caught): a chapter is its own static
/// page (`crates/site`), so load it. Reached by loading this very URL, the host had no page for
/// it (it served the app's 404.html): say so instead of reloading in a loop.
#[component]
fn ChapterRoute() -> impl IntoView {
    let params = use_params_map();
    let slug = params.read_untracked().get("slug").unwrap_or_default();
    let here = window().location().href().unwrap_or_default();
    let known = chapter::find(&slug).is_some();
    if known && FIRST_URL.with(|first| *first != here) {
        let _ = window().location().assign(&here);
        return view! { <p class="loading-line">"Opening the chapter…"</p> }.into_any();
    }
    view! { <Shell><NotFound/></Shell> }.into_any()
}

thread_local! {
    /// The URL this document was loaded at: in-app navigation changes the location, not this.
    static FIRST_URL: String = window().location().href().unwrap_or_default();
}

/// Remembers the URL the document was loaded at (call before the router runs).
pub fn note_first_url() {
    FIRST_URL.with(|_| {});
}

/// Header, table of contents and main column of every book page.
#[component]
fn Shell(children: Children) -> impl IntoView {
    let theme = RwSignal::new(Theme::initial());
    Effect::new(move |_| theme.get().apply());
    let toc_open = RwSignal::new(false);
    // Escape closes the drawer wherever the focus is.
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && toc_open.get_untracked() {
            toc_open.set(false);
        }
    });
    on_cleanup(move || escape.remove());
    let toggle_theme = move |_| {
        let next = theme.get_untracked().toggled();
        storage_set(THEME_KEY, next.as_str());
        theme.set(next);
    };
    // The page's own path before `#main`: a bare fragment resolves against `<base href>`.
    let location = use_location();
    let skip_href = move || {
        location.pathname.track();
        let path = window().location().pathname().unwrap_or_default();
        format!("{path}#main")
    };
    view! {
        <a class="skip-link" href=skip_href>"Skip to the text"</a>
        <header class="site-header">
            <button
                type="button"
                class="toc-toggle"
                aria-controls="toc"
                aria-expanded=move || toc_open.get().to_string()
                on:click=move |_| toc_open.update(|o| *o = !*o)
            >
                <span aria-hidden="true">"☰"</span>
                <span class="toc-word">" Contents"</span>
            </button>
            <A href=site_path("/") attr:class="brand">
                <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
                    <ellipse cx="16" cy="16" rx="13" ry="5.5" transform="rotate(30 16 16)"></ellipse>
                    <ellipse cx="16" cy="16" rx="13" ry="5.5" transform="rotate(-30 16 16)"></ellipse>
                    <circle cx="16" cy="16" r="3.2"></circle>
                </svg>
                {BOOK_TITLE}
            </A>
            // shell.js opens search (assets/search.js) on a click here, as on the static pages.
            <button type="button" class="search-open" aria-keyshortcuts="/ s Control+K" title="Search the book (/)">
                <svg viewBox="0 0 20 20" aria-hidden="true"><circle cx="8.5" cy="8.5" r="5.5"></circle><path d="M13 13l4.5 4.5"></path></svg>
                <span class="search-label">"Search"</span>
            </button>
            <button
                type="button"
                class="theme-toggle"
                on:click=toggle_theme
                aria-label=move || match theme.get() {
                    Theme::Light => "Switch to the dark theme",
                    Theme::Dark => "Switch to the light theme",
                }
            >
                {move || {
                    let (icon, word) = match theme.get() {
                        Theme::Light => ("☾", " Dark"),
                        Theme::Dark => ("☀", " Light"),
                    };
                    view! { <span aria-hidden="true">{icon}</span><span class="theme-word">{word}</span> }
                }}
            </button>
        </header>
        <div class="layout">
            <nav
                id="toc"
                class="toc"
                class:open=move || toc_open.get()
                aria-label="Table of contents"
                on:click=move |ev| {
                    // Close the drawer on narrow screens after following a link.
                    let is_link = event_target::<web_sys::Element>(&ev)
                        .closest("a")
                        .ok()
                        .flatten()
                        .is_some();
                    if is_link {
                        toc_open.set(false);
                    }
                }
            >
                <Toc/>
            </nav>
            <main id="main" tabindex="-1">{children()}</main>
        </div>
    }
}

/// The chapters (each an ordinary page load: see [`chapter::href`]) and the tools.
#[component]
fn Toc() -> impl IntoView {
    let items = CHAPTERS
        .iter()
        .map(|ch| {
            view! {
                <li>
                    <a href=chapter::href(ch) rel="external">
                        <span class="toc-num">{ch.number}</span>
                        <span class="toc-title">
                            {ch.title}
                            {ch.planned.then(|| view! { <span class="tag">"planned"</span> })}
                        </span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <p class="toc-heading">"Chapters"</p>
        <ol class="toc-chapters">{items}</ol>
        <p class="toc-heading">"Tools"</p>
        <ul class="toc-tools">
            <li><A href=site_path("/embed")>"Widget catalogue (for slides)"</A></li>
            <li><A href=site_path("/figures")>"Figures (SVG and PNG)"</A></li>
            // A static page, not a route of the app: `rel=external` keeps the router out of it.
            <li><a href=site_path("/slides/index.html") rel="external">"Example slides (reveal.js)"</a></li>
            <li><a href=site_path("/print") rel="external">"The whole book, for printing"</a></li>
        </ul>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    set_title(&format!("Page not found · {BOOK_TITLE}"));
    let path = use_location().pathname.get_untracked();
    view! {
        <section class="not-found">
            <h1>"Page not found"</h1>
            <p>"There is no page at " <code>{path}</code> "."</p>
            <p><A href=site_path("/") attr:class="button primary">"Go to the start of the book"</A></p>
        </section>
    }
}

/// The `<iframe>` snippet for a widget at `src` (absolute URL), as the widgets' own "copy embed
/// code" button writes it (`widgets/frame.rs`).
fn iframe_snippet(src: &str, title: &str, height: u32) -> String {
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
    };
    format!(
        "<iframe src=\"{}\" width=\"100%\" height=\"{height}\" loading=\"lazy\" allow=\"fullscreen\" title=\"{}\"></iframe>",
        esc(src),
        esc(title)
    )
}

/// `navigator.clipboard.writeText`, where the browser offers it (not on plain http).
async fn copy_to_clipboard(text: &str) -> bool {
    let nav = window().navigator();
    let has = js_sys::Reflect::get(&nav, &JsValue::from_str("clipboard"))
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    has && wasm_bindgen_futures::JsFuture::from(nav.clipboard().write_text(text))
        .await
        .is_ok()
}

/// One widget of the catalogue: parameters, a live preview (lazy iframe of its embed page with
/// the defaults) and the iframe snippet with a copy button.
#[component]
fn CatalogueItem(info: &'static crate::widgets::WidgetInfo) -> impl IntoView {
    let embed = site_path(&format!("/embed/{}", info.name));
    let defaults: Vec<String> = info
        .params
        .iter()
        .map(|p| format!("{}={}", p.key, p.default))
        .collect();
    let example = if defaults.is_empty() {
        embed.clone()
    } else {
        format!("{embed}?{}", defaults.join("&"))
    };
    let absolute = format!(
        "{}{}",
        window().location().origin().unwrap_or_default(),
        example
    );
    // One table of heights for the catalogue and the widgets' own "Copy embed code".
    let height = crate::widgets::embed_height(info.name);
    let snippet = iframe_snippet(&absolute, info.title, height);
    let preview = iframe_snippet(&example, &format!("Preview: {}", info.title), height);
    let chapter_link = chapter::find(info.chapter).map(
        |(_, ch)| view! { <a href=chapter::href(ch) rel="external">"Chapter " {ch.number}</a> },
    );
    let params = info
        .params
        .iter()
        .map(|p| {
            view! {
                <tr><td><code>{p.key}</code></td><td><code>{p.default}</code></td><td>{p.help}</td></tr>
            }
        })
        .collect_view();
    let copied = RwSignal::new(None::<bool>);
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let on_copy = {
        let snippet = snippet.clone();
        move |_| {
            let snippet = snippet.clone();
            leptos::task::spawn_local(async move {
                let ok = copy_to_clipboard(&snippet).await;
                if !ok {
                    // No clipboard here: select the text so Ctrl+C copies it.
                    if let Some(t) = textarea.get_untracked() {
                        let _ = t.focus();
                        t.select();
                    }
                }
                copied.set(Some(ok));
                set_timeout(
                    move || copied.set(None),
                    std::time::Duration::from_millis(2500),
                );
            });
        }
    };
    let rows = snippet.len().div_ceil(70).clamp(2, 5).to_string();
    view! {
        <li class="catalogue-item" data-widget=info.name>
            <h2><A href=embed.clone()>{info.title}</A></h2>
            <p class="catalogue-meta"><code>{info.name}</code> " · " {chapter_link}</p>
            <p>{info.summary}</p>
            {(!info.params.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table>
                        <thead><tr><th>"Parameter"</th><th>"Default"</th><th>"Meaning"</th></tr></thead>
                        <tbody>{params}</tbody>
                    </table>
                </div>
            })}
            <p class="catalogue-url">
                "Embed URL: " <A href=example.clone()><code>{example.clone()}</code></A>
            </p>
            // Raw HTML: leptos has no typed `loading` attribute on <iframe>, and it must be set
            // before `src` for the browser to defer the load. Both values are escaped.
            <div class="catalogue-preview" inner_html=preview></div>
            <div class="catalogue-snippet">
                <label>
                    <span>"Embed code"</span>
                    <textarea node_ref=textarea readonly rows=rows spellcheck="false"
                        on:focus=move |_| {
                            if let Some(t) = textarea.get_untracked() {
                                t.select();
                            }
                        }
                    >{snippet.clone()}</textarea>
                </label>
                <button type="button" class="copy-snippet" on:click=on_copy>
                    {move || match copied.get() {
                        Some(true) => "Copied ✓",
                        Some(false) => "Press Ctrl+C to copy",
                        None => "Copy embed code",
                    }}
                </button>
            </div>
        </li>
    }
}

/// The page-level parameters of every embed (compact mode, controls, theme, resolution) and the
/// host script: what a lecturer needs besides a widget's own parameters.
#[component]
fn EmbedOptions() -> impl IntoView {
    let script = site_url("/embed.js");
    let script_tag = format!("<script src=\"{script}\" defer></script>");
    let controls = crate::embed::CONTROLS
        .iter()
        .map(|(name, names)| {
            view! { <li><code>{*name}</code> ": " <code>{names.join(", ")}</code></li> }
        })
        .collect_view();
    view! {
        <section class="embed-options" aria-labelledby="embed-options">
            <h2 id="embed-options">"For slides and course pages"</h2>
            <p>"Every embed URL also takes these parameters, besides the widget's own:"</p>
            <div class="table-wrap">
                <table>
                    <thead><tr><th>"Parameter"</th><th>"Meaning"</th></tr></thead>
                    <tbody>
                        <tr><td><code>"chrome=0"</code></td><td>"Compact mode: no title bar, no “Copy embed code”, no notes and no back link; the picture and its controls only."</td></tr>
                        <tr><td><code>"controls=a,b"</code>" · "<code>"controls=none"</code></td><td>"Keeps only the named controls (the URL keys they set), or none. The widgets that name their controls are listed below; every widget hides its controls panel with "<code>"none"</code>"."</td></tr>
                        <tr><td><code>"theme=light|dark"</code></td><td>"Fixes the colours (otherwise the reader's system theme)."</td></tr>
                        <tr><td><code>"dpr=2"</code></td><td>"Canvas resolution (0.5–4), for slides that reveal.js scales up."</td></tr>
                    </tbody>
                </table>
            </div>
            <p>"Controls by name: "</p>
            <ul class="embed-controls">{controls}</ul>
            <p>
                "Each snippet above has an initial height that shows its widget whole in a page about 1000 px wide, with no script. With the host script, included once on the page, "
                "each frame takes its widget's height as it changes, "<kbd>"Esc"</kbd>" in a widget gives the keyboard back to the page (reveal.js then hears the next arrow key), "
                "keys a widget does not use (PageUp/PageDown, N/P, Space) go to the deck, and a slide can drive a widget with "
                <code>"MultiAce.set(frame, \"l=3&m=-2\")"</code>" or a fragment's "<code>"data-multiace-set=\"l=3&m=-2\""</code>":"
            </p>
            <pre class="embed-script"><code>{script_tag}</code></pre>
            <p class="small">
                "The protocol, for your own host code: the widget posts "<code>"{ns: \"multiace\", v: 1, type}"</code>" messages to its parent — "
                <code>"ready"</code>", "<code>"resize {height}"</code>", "<code>"state {query}"</code>" (the reader changed it), "<code>"blur"</code>" and "<code>"key {key}"</code>" — and accepts "
                <code>"set {query}"</code>" from its parent window."
            </p>
        </section>
    }
}

/// `/embed`: every widget with its parameters, a live preview and its iframe snippet.
#[component]
fn EmbedCatalogue() -> impl IntoView {
    set_title(&format!("Widget catalogue · {BOOK_TITLE}"));
    let rows = catalogue()
        .iter()
        .map(|w| view! { <CatalogueItem info=w/> })
        .collect_view();
    let empty = catalogue().is_empty();
    view! {
        <Shell>
            <section class="catalogue">
                <h1>"Widget catalogue"</h1>
                <p class="lead">
                    "Every widget of the book has a stable address that shows it alone, without the book around it, "
                    "ready for an " <code>"<iframe>"</code> " in slides or a course page. Its state is set in the query "
                    "string; add " <code>"theme=dark"</code> " or " <code>"theme=light"</code>
                    " to fix the colours, " <code>"chrome=0"</code> " and " <code>"controls=…"</code> " to fit a slide (see " <a href=format!("{}#embed-options", site_path("/embed"))>"for slides and course pages"</a> " at the end, with the host script " <code>"embed.js"</code> "). Below each widget: a live preview with its defaults and the embed code. "
                    "An example deck: " <a href=site_path("/slides/index.html") rel="external">"reveal.js slides with three widgets"</a> "."
                </p>
                    {empty.then(|| view! { <p>"No widgets are registered yet."</p> })}
                <ul class="catalogue-list">{rows}</ul>
            <EmbedOptions/>
            </section>
        </Shell>
    }
}

/// `/embed/:name?…`: the widget alone (no site chrome), theme from `?theme=`.
#[component]
fn EmbedWidget() -> impl IntoView {
    let params = use_params_map();
    let query = crate::embed::page_query();
    crate::embed::prepare(&query);
    move || {
        let name = params.read().get("name").unwrap_or_default();
        let info = catalogue().iter().find(|w| w.name == name);
        let title = info.map(|w| w.title).unwrap_or("Widget");
        set_title(&format!("{title} · {BOOK_TITLE}"));
        let back = match info.and_then(|w| chapter::find(w.chapter)) {
            Some((_, ch)) => site_url(&chapter::route(ch)),
            None => site_url("/"),
        };
        view! {
            <main class="embed" id="main">
                {widget_view(crate::widgets::all, &name, &query, true)}
                <p class="embed-backlink">
                    <a href=back target="_blank" rel="noopener">"Open in " {BOOK_TITLE} " ↗"</a>
                </p>
            </main>
        }
    }
}
