//! The embed's side of the postMessage protocol with the page that frames it (a reveal.js deck, a
//! course page), whose side is `assets/embed.js`. Every message is an object
//! `{ns: "multiace", v: 1, type, …}`:
//!
//! | direction | type | fields | when |
//! |---|---|---|---|
//! | embed → host | `ready` | `widget` | the widget has mounted |
//! | embed → host | `resize` | `height` (CSS px) | the page's height changed (ResizeObserver) |
//! | embed → host | `state` | `query` | the reader changed a parameter (the URL was rewritten) |
//! | embed → host | `blur` | | Esc: the embed gives the keyboard back |
//! | embed → host | `key` | `key` | a key the widget does not use (PageUp/PageDown, N/P, Space) |
//! | host → embed | `set` | `query` | drive the widget: re-mount it with this state |
//!
//! Messages to the host go to `window.parent` with target origin `"*"`: none carries anything
//! but the widget's own public state. A `set` is accepted only when its `event.source` is
//! `window.parent` (whatever the parent's origin: any page may frame a widget), and only its
//! `query` string is read. The page-level keys (`theme`, `dpr`, `chrome`, `controls`, `v`) of the
//! current URL are kept unless the `set` names them.

use crate::widgets::Registry;
use leptos::prelude::*;
use std::any::Any;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The protocol's namespace and version.
const NS: &str = "multiace";
const VERSION: u32 = 1;

/// The longest query a `set` may carry (a widget's state is a few dozen characters).
const MAX_QUERY: usize = 4096;

struct Mounted {
    host: web_sys::HtmlElement,
    name: String,
    registry: Registry,
    /// The Leptos mount (its `UnmountHandle`): dropping it unmounts the widget.
    handle: Option<Box<dyn Any>>,
}

thread_local! {
    static MOUNTED: RefCell<Option<Mounted>> = const { RefCell::new(None) };
    static LISTENING: Cell<bool> = const { Cell::new(false) };
    static LAST_HEIGHT: Cell<i32> = const { Cell::new(-1) };
}

/// The parent window, when this page is framed (`None` when it is the top window).
fn parent() -> Option<web_sys::Window> {
    let w = window();
    let parent = w.parent().ok().flatten()?;
    (!js_sys::Object::is(&parent, &w)).then_some(parent)
}

/// Posts `{ns, v, type, …fields}` to the parent, if there is one.
fn post(kind: &str, fields: &[(&str, JsValue)]) {
    let Some(parent) = parent() else {
        return;
    };
    let msg = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(&msg, &JsValue::from_str(k), v);
    };
    set("ns", &JsValue::from_str(NS));
    set("v", &JsValue::from(VERSION));
    set("type", &JsValue::from_str(kind));
    for (k, v) in fields {
        set(k, v);
    }
    let _ = parent.post_message(&msg, "*");
}

/// The widget wrote its state to the URL (`widgets/frame.rs` `write_url`): tell the host.
pub fn state_changed(query: &str) {
    post("state", &[("query", JsValue::from_str(query))]);
}

/// Mounts the embed page's widget `name` into its slot `host` with the state of the page's URL,
/// and starts the protocol (once per page).
pub fn mount(host: web_sys::HtmlElement, name: String, registry: Registry) {
    let query = crate::embed::page_query();
    crate::embed::prepare(&query);
    let handle = mount_widget(&host, &name, registry, &query);
    MOUNTED.with(|m| {
        *m.borrow_mut() = Some(Mounted {
            host,
            name: name.clone(),
            registry,
            handle: Some(handle),
        })
    });
    if !LISTENING.with(|l| l.replace(true)) {
        listen();
    }
    post("ready", &[("widget", JsValue::from_str(&name))]);
    report_height();
}

fn mount_widget(
    host: &web_sys::HtmlElement,
    name: &str,
    registry: Registry,
    query: &str,
) -> Box<dyn Any> {
    let (name, query) = (name.to_string(), query.to_string());
    Box::new(leptos::mount::mount_to(host.clone(), move || {
        crate::widgets::widget_view(registry, &name, &query, true)
    }))
}

/// The host's `set {query}`: the URL takes the new state (keeping the page-level keys it does
/// not name), and the widget is mounted afresh with it.
fn set(query: &str) {
    let query = merged(query.trim_start_matches('?'), &crate::embed::page_query());
    replace_url(&query);
    crate::embed::prepare(&query);
    let Some((host, name, registry, old)) = MOUNTED.with(|m| {
        m.borrow_mut()
            .as_mut()
            .map(|m| (m.host.clone(), m.name.clone(), m.registry, m.handle.take()))
    }) else {
        return;
    };
    // Unmount the old widget (its effects, timers and nodes) before the new one mounts.
    drop(old);
    let handle = mount_widget(&host, &name, registry, &query);
    MOUNTED.with(|m| {
        if let Some(m) = m.borrow_mut().as_mut() {
            m.handle = Some(handle);
        }
    });
    state_changed(&query);
}

/// `query` plus the page-level keys of `current` that `query` does not set.
fn merged(query: &str, current: &str) -> String {
    let key_of = |kv: &str| kv.split_once('=').map_or(kv, |(k, _)| k).to_string();
    let named: Vec<String> = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(key_of)
        .collect();
    let mut out: Vec<&str> = query.split('&').filter(|kv| !kv.is_empty()).collect();
    for kv in current.split('&').filter(|kv| !kv.is_empty()) {
        let k = key_of(kv);
        if crate::widgets::PAGE_KEYS.contains(&k.as_str()) && !named.contains(&k) {
            out.push(kv);
        }
    }
    out.join("&")
}

/// Replaces the page URL's query (`history.replaceState`: no new history entry).
pub fn replace_url(query: &str) {
    let loc = window().location();
    let path = loc.pathname().unwrap_or_default();
    let url = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// The page's rendered height in CSS pixels, rounded up: the `<html>` element's box (its content,
/// not the frame's viewport, so a frame too tall for its widget shrinks to it), or the extent of
/// `<body>`'s content when something overflows that box. Neither depends on the frame's own
/// height, so sizing the frame never feeds back into the next report.
fn page_height() -> Option<i32> {
    let doc = document();
    let boxed = doc
        .document_element()?
        .get_bounding_client_rect()
        .height()
        .ceil() as i32;
    let overflow = doc.body().map_or(0, |b| b.scroll_height());
    Some(boxed.max(overflow))
}

fn report_height() {
    let Some(h) = page_height() else {
        return;
    };
    if LAST_HEIGHT.with(|l| l.replace(h)) != h {
        post("resize", &[("height", JsValue::from(h))]);
    }
}

/// True for elements where Space or letters are typed or activate something.
fn uses_keys(target: Option<web_sys::EventTarget>, letters: bool) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    if el
        .closest("[contenteditable]:not([contenteditable=\"false\"])")
        .ok()
        .flatten()
        .is_some()
    {
        return true;
    }
    match tag.as_str() {
        "textarea" | "select" => true,
        "input" => {
            let kind = el
                .get_attribute("type")
                .unwrap_or_default()
                .to_ascii_lowercase();
            // Letters change only text-like inputs; Space also toggles checkboxes and buttons.
            !letters || !matches!(kind.as_str(), "range" | "checkbox" | "radio" | "button")
        }
        "button" | "summary" | "a" => !letters,
        _ => !letters && el.get_attribute("role").as_deref() == Some("button"),
    }
}

/// Esc hands the keyboard back to the host; keys no widget uses go to it as `key`.
fn on_key(ev: &web_sys::KeyboardEvent) {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    let key = ev.key();
    match key.as_str() {
        "Escape" => {
            if let Some(el) = document()
                .active_element()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.blur();
            }
            post("blur", &[]);
            if let Some(parent) = parent() {
                // Allowed across origins; the browser may decline, the host script then blurs
                // the frame when it gets `blur`.
                let _ = parent.focus();
            }
        }
        // A presenter's clicker: always the deck's.
        "PageUp" | "PageDown" => {
            ev.prevent_default();
            post("key", &[("key", JsValue::from_str(&key))]);
        }
        "n" | "N" | "p" | "P" if !ev.default_prevented() && !uses_keys(ev.target(), true) => {
            post("key", &[("key", JsValue::from_str(&key))]);
        }
        // Space, unless the widget used it (a Play toggle) or a control takes it.
        " " if !ev.default_prevented() && !uses_keys(ev.target(), false) => {
            ev.prevent_default();
            post("key", &[("key", JsValue::from_str(&key))]);
        }
        _ => {}
    }
}

fn listen() {
    let w = window();
    // `set` from the parent window only.
    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(|ev: web_sys::MessageEvent| {
        let Some(parent) = parent() else {
            return;
        };
        if !ev.source().is_some_and(|s| js_sys::Object::is(&s, &parent)) {
            return;
        }
        let data = ev.data();
        let get = |k: &str| js_sys::Reflect::get(&data, &JsValue::from_str(k)).ok();
        let is = |k: &str, v: &JsValue| get(k).is_some_and(|x| js_sys::Object::is(&x, v));
        if !data.is_object()
            || !is("ns", &JsValue::from_str(NS))
            || !is("v", &JsValue::from(VERSION))
            || !is("type", &JsValue::from_str("set"))
        {
            return;
        }
        if let Some(query) = get("query").and_then(|q| q.as_string()) {
            if query.len() <= MAX_QUERY {
                set(&query);
            }
        }
    });
    let _ = w.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget();

    // Bubbling phase: a widget's own handler (arrow keys, Space on Play) has run first.
    let on_keydown =
        Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(|ev: web_sys::KeyboardEvent| on_key(&ev));
    let _ = w.add_event_listener_with_callback("keydown", on_keydown.as_ref().unchecked_ref());
    on_keydown.forget();

    // Every size change of the page (the widget mounting, data arriving, a control hidden).
    let on_resize =
        Closure::<dyn Fn(js_sys::Array, web_sys::ResizeObserver)>::new(|_, _| report_height());
    // The widget's own box too: a part of it may overflow the page's box without resizing it.
    if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
        let doc = document();
        for el in [doc.document_element(), doc.body().map(Into::into)]
            .into_iter()
            .flatten()
        {
            observer.observe(&el);
        }
        MOUNTED.with(|m| {
            if let Some(m) = m.borrow().as_ref() {
                observer.observe(&m.host);
            }
        });
        std::mem::forget(observer);
    }
    on_resize.forget();
    // The frame itself resized (a host that sets a height, a scrollbar that came or went).
    let on_frame = Closure::<dyn Fn()>::new(report_height);
    let _ = w.add_event_listener_with_callback("resize", on_frame.as_ref().unchecked_ref());
    on_frame.forget();
}
