//! The widget registry: maps a widget name (as written in a chapter's ```widget block or in
//! `/embed/<name>`) to its component, and lists every widget with its URL parameters
//! (the `/embed` index page and the chapter renderer read [`catalogue`]).
//!
//! One file per widget; shared pieces: [`params`] (typed, clamped URL parameters with notices)
//! and [`frame`] (title, notices, "copy embed code", back link in embedded mode).

use leptos::prelude::*;

mod ace_fit;
mod ace_invariance;
mod arrows;
mod bars;
mod body_order;
mod canvas;
mod catalogue;
mod clebsch_gordan;
mod controls;
mod correlation_order;
mod design_space;
mod equation_steps;
mod equivariance;
mod equivariant_layer;
mod experiment;
mod frame;
mod gate;
mod incompleteness;
mod irreps_calculator;
mod mace_architecture;
mod mace_energy;
mod mace_md;
mod mace_model;
mod math_label;
mod message;
mod molecules;
mod neighbour_density;
mod orbit;
mod params;
mod radial_basis;
mod rotation;
mod sh_explorer;
mod upload;
mod vector_products;
mod visibility;

/// The 3D viewer lives beside the widgets (src/view3d) and is used only by them.
#[path = "../view3d/mod.rs"]
mod view3d;

use catalogue::CATALOGUE;
pub use catalogue::{embed_height, WidgetInfo};
pub use params::PAGE_KEYS;

/// Adds the widgets' stylesheet to `<head>` once (the site's CSP allows inline styles).
fn inject_css() {
    const ID: &str = "multiace-widgets-css";
    let doc = document();
    if doc.get_element_by_id(ID).is_some() {
        return;
    }
    if let (Ok(style), Some(head)) = (doc.create_element("style"), doc.head()) {
        style.set_id(ID);
        style.set_text_content(Some(include_str!("widgets.css")));
        let _ = head.append_child(&style);
    }
}

/// All widgets, in the order the `/embed` index lists them.
pub fn catalogue() -> &'static [WidgetInfo] {
    CATALOGUE
}

/// A family's widgets: the component of the widget `name` with its parameters from `query` (a URL
/// query string without '?', e.g. "l=3&m=-2"), or `None` when the family has no such widget.
/// `embedded` is true on `/embed/<name>`: the widget then writes its state back to the page URL.
/// A bundle names one of these, so the linker keeps only that family's widgets.
pub type Registry = fn(name: &str, query: &str, embedded: bool) -> Option<AnyView>;

/// Chapter 00: rotations, spherical harmonics, Clebsch–Gordan coefficients.
pub fn so3(name: &str, query: &str, embedded: bool) -> Option<AnyView> {
    Some(match name {
        "rotation" => rotation::view(query, embedded),
        "sh-explorer" => sh_explorer::view(query, embedded),
        "equivariance" => equivariance::view(query, embedded),
        "clebsch-gordan" => clebsch_gordan::view(query, embedded),
        _ => return None,
    })
}

/// Chapter 01: the atomic cluster expansion.
pub fn ace(name: &str, query: &str, embedded: bool) -> Option<AnyView> {
    Some(match name {
        "neighbour-density" => neighbour_density::view(query, embedded),
        "radial-basis" => radial_basis::view(query, embedded),
        "ace-invariance" => ace_invariance::view(query, embedded),
        "incompleteness" => incompleteness::view(query, embedded),
        "ace-fit" => ace_fit::view(query, embedded),
        _ => return None,
    })
}

/// Chapter 02: equivariant neural networks.
pub fn networks(name: &str, query: &str, embedded: bool) -> Option<AnyView> {
    Some(match name {
        "equivariant-layer" => equivariant_layer::view(query, embedded),
        "gate" => gate::view(query, embedded),
        "vector-products" => vector_products::view(query, embedded),
        "irreps-calculator" => irreps_calculator::view(query, embedded),
        _ => return None,
    })
}

/// Chapter 03: MACE.
pub fn mace(name: &str, query: &str, embedded: bool) -> Option<AnyView> {
    Some(match name {
        "mace-architecture" => mace_architecture::view(query, embedded),
        "correlation-order" => correlation_order::view(query, embedded),
        "mace-energy" => mace_energy::view(query, embedded),
        "mace-md" => mace_md::view(query, embedded),
        _ => return None,
    })
}

/// Chapter 04: the Multi-ACE design space.
pub fn multiace(name: &str, query: &str, embedded: bool) -> Option<AnyView> {
    Some(match name {
        "design-space" => design_space::view(query, embedded),
        "body-order" => body_order::view(query, embedded),
        "equation-steps" => equation_steps::view(query, embedded),
        "experiment" => experiment::view(query, embedded),
        _ => return None,
    })
}

/// No widgets: the bundle of pages that show none.
pub fn none(_name: &str, _query: &str, _embedded: bool) -> Option<AnyView> {
    None
}

/// Every widget (the whole app's registry).
pub fn all(name: &str, query: &str, embedded: bool) -> Option<AnyView> {
    so3(name, query, embedded)
        .or_else(|| ace(name, query, embedded))
        .or_else(|| networks(name, query, embedded))
        .or_else(|| mace(name, query, embedded))
        .or_else(|| multiace(name, query, embedded))
}

/// The widget `name` from `registry`, or a clear message when the registry has no such widget
/// (an unknown name, or a page that loaded the wrong bundle). Never panics.
pub fn widget_view(registry: Registry, name: &str, query: &str, embedded: bool) -> AnyView {
    inject_css();
    if let Some(view) = registry(name, query, embedded) {
        return view;
    }
    let msg = if let Some(info) = catalogue().iter().find(|w| w.name == name) {
        let bundle = catalogue::bundle_of(info.chapter);
        format!(
            "The widget '{name}' is in the '{bundle}' bundle, which this page did not load: reload the page."
        )
    } else {
        let names = catalogue()
            .iter()
            .map(|w| w.name)
            .collect::<Vec<_>>()
            .join(", ");
        format!("Unknown widget '{name}'. Known widgets: {names}.")
    };
    view! {
        <div class="widget widget-unknown" data-widget=name.to_string()>
            <p class="widget-notice" role="status">{msg}</p>
        </div>
    }
    .into_any()
}
