//! The app on a pre-rendered chapter page (`crates/site`): the text is already there, so nothing
//! is re-rendered. Each widget placeholder (`.widget-slot[data-widget]`) and each static exercise
//! (`.exercise[data-kind]`) is an island: when it comes within a screen of the viewport, its Leptos
//! component is mounted in its place, one island per task so no task blocks the page for long,
//! the ones in view first.

use crate::exercise::{Exercise, ExerciseData};
use crate::widgets::Registry;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How far outside the viewport an island is mounted: a screen ahead, so it is live when read.
const ROOT_MARGIN: &str = "100% 0px 100% 0px";

/// True when this document is a pre-rendered chapter page.
pub fn prerendered() -> bool {
    document()
        .body()
        .is_some_and(|b| b.has_attribute("data-prerendered"))
}

thread_local! {
    /// The widgets this page's bundle carries.
    static REGISTRY: Cell<Registry> = Cell::new(crate::widgets::none);
    /// Islands that came into range and wait for their turn, the visible ones first.
    static QUEUE: RefCell<Vec<(bool, web_sys::Element)>> = const { RefCell::new(Vec::new()) };
    /// Watches mounted widget slots and lets each shrink to its widget once out of view.
    static RELEASE: Option<web_sys::IntersectionObserver> = release_observer();
}

/// A slot holds the widget's height measured at 1280 or 360 px (`crates/site/src/slot.rs`); at
/// other widths the widget may be shorter. The slot shrinks to its widget once the reader has
/// scrolled past it: above the viewport, scroll anchoring keeps the text in place. Below or in
/// view it keeps its height, which also absorbs a widget that grows as its data arrives.
fn release_observer() -> Option<web_sys::IntersectionObserver> {
    let on_change = Closure::<dyn Fn(js_sys::Array, web_sys::IntersectionObserver)>::new(
        |entries: js_sys::Array, observer: web_sys::IntersectionObserver| {
            for entry in entries.iter() {
                let Ok(entry) = entry.dyn_into::<web_sys::IntersectionObserverEntry>() else {
                    continue;
                };
                if entry.is_intersecting() || entry.bounding_client_rect().bottom() > 0.0 {
                    continue;
                }
                let el = entry.target();
                observer.unobserve(&el);
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.style().set_property("min-height", "0");
                }
            }
        },
    );
    let observer = web_sys::IntersectionObserver::new(on_change.as_ref().unchecked_ref()).ok();
    on_change.forget();
    observer
}

/// Watches every island of the page and mounts each, with the widgets of `registry`, when it
/// comes near the viewport.
pub fn start(registry: Registry) {
    REGISTRY.with(|r| r.set(registry));
    let on_enter = Closure::<dyn Fn(js_sys::Array, web_sys::IntersectionObserver)>::new(
        |entries: js_sys::Array, observer: web_sys::IntersectionObserver| {
            for entry in entries.iter() {
                let Ok(entry) = entry.dyn_into::<web_sys::IntersectionObserverEntry>() else {
                    continue;
                };
                if !entry.is_intersecting() {
                    continue;
                }
                let el = entry.target();
                observer.unobserve(&el);
                let visible = entry.intersection_ratio() > 0.0 && in_viewport(&entry);
                QUEUE.with(|q| q.borrow_mut().push((visible, el)));
            }
            // Stable sort: the visible islands first, then in page order.
            QUEUE.with(|q| q.borrow_mut().sort_by_key(|(visible, _)| !*visible));
            schedule();
        },
    );
    let options = web_sys::IntersectionObserverInit::new();
    options.set_root_margin(ROOT_MARGIN);
    let observer = match web_sys::IntersectionObserver::new_with_options(
        on_enter.as_ref().unchecked_ref(),
        &options,
    ) {
        Ok(o) => o,
        Err(_) => {
            // No IntersectionObserver (very old browser): mount everything, in page order.
            for el in islands() {
                QUEUE.with(|q| q.borrow_mut().push((false, el)));
            }
            schedule();
            return;
        }
    };
    // The observer and its callback live as long as the page.
    on_enter.forget();
    for el in islands() {
        observer.observe(&el);
    }
}

/// Every island of the page, in document order.
fn islands() -> Vec<web_sys::Element> {
    let Ok(list) = document().query_selector_all(".widget-slot[data-widget], .exercise[data-kind]")
    else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .collect()
}

/// True when the entry's element overlaps the viewport itself (not only the margin).
fn in_viewport(entry: &web_sys::IntersectionObserverEntry) -> bool {
    let rect = entry.bounding_client_rect();
    let height = window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    rect.bottom() > 0.0 && rect.top() < height
}

/// Mounts the next queued island in a task of its own, then schedules the rest.
fn schedule() {
    set_timeout(
        || {
            let next = QUEUE.with(|q| {
                let mut q = q.borrow_mut();
                (!q.is_empty()).then(|| q.remove(0).1)
            });
            if let Some(el) = next {
                mount(&el);
                schedule();
            }
        },
        std::time::Duration::ZERO,
    );
}

/// Mounts the island `el`: a widget into its slot (the preview goes), an exercise in place of its
/// static form. A malformed island stays as it is (its static form still reads).
fn mount(el: &web_sys::Element) {
    let Ok(host) = el.clone().dyn_into::<web_sys::HtmlElement>() else {
        return;
    };
    if el.class_list().contains("widget-slot") {
        let name = el.get_attribute("data-widget").unwrap_or_default();
        let preview = el.query_selector(".widget-preview").ok().flatten();
        let registry = REGISTRY.with(Cell::get);
        if let Some(p) = &preview {
            p.remove();
        }
        let _ = el.class_list().add_1("mounted");
        if el.has_attribute("data-embed") {
            // An embed page's widget takes its state from the page's URL and talks to the page
            // that frames it (`embed_protocol.rs`). The embed is the whole page: its height is
            // the widget's (the host sizes the frame).
            let _ = host.style().set_property("min-height", "0");
            crate::embed_protocol::mount(host, name, registry);
            return;
        }
        // A chapter's widget takes its state from its slot.
        let query = el.get_attribute("data-query").unwrap_or_default();
        leptos::mount::mount_to(host.clone(), move || {
            crate::widgets::widget_view(registry, &name, &query, false)
        })
        .forget();
        RELEASE.with(|r| {
            if let Some(r) = r {
                r.observe(el);
            }
        });
        return;
    }
    match ExerciseData::read(el) {
        Ok(ex) => {
            let Ok(wrapper) = document().create_element("div") else {
                return;
            };
            let _ = wrapper.class_list().add_1("exercise-island");
            let _ = el.replace_with_with_node_1(&wrapper);
            if let Ok(wrapper) = wrapper.dyn_into::<web_sys::HtmlElement>() {
                leptos::mount::mount_to(wrapper, move || view! { <Exercise ex=ex/> }).forget();
            }
        }
        Err(e) => leptos::logging::warn!("{e}"),
    }
}
