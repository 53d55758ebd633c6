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

pub use catalogue::WidgetInfo;
use catalogue::CATALOGUE;

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

/// The widget `name` with its parameters from `query` (a URL query string without '?', e.g.
/// "l=3&m=-2"). `embedded` is true on `/embed/<name>`: the widget then writes its state back to
/// the page URL and shows a link to the book. An unknown name gives a clear message. Never panics.
pub fn widget_view(name: &str, query: &str, embedded: bool) -> AnyView {
    inject_css();
    match name {
        "rotation" => rotation::view(query, embedded),
        "ace-fit" => ace_fit::view(query, embedded),
        "sh-explorer" => sh_explorer::view(query, embedded),
        "equivariance" => equivariance::view(query, embedded),
        "clebsch-gordan" => clebsch_gordan::view(query, embedded),
        "neighbour-density" => neighbour_density::view(query, embedded),
        "radial-basis" => radial_basis::view(query, embedded),
        "ace-invariance" => ace_invariance::view(query, embedded),
        "incompleteness" => incompleteness::view(query, embedded),
        "equivariant-layer" => equivariant_layer::view(query, embedded),
        "gate" => gate::view(query, embedded),
        "vector-products" => vector_products::view(query, embedded),
        "irreps-calculator" => irreps_calculator::view(query, embedded),
        "mace-architecture" => mace_architecture::view(query, embedded),
        "correlation-order" => correlation_order::view(query, embedded),
        "mace-energy" => mace_energy::view(query, embedded),
        "mace-md" => mace_md::view(query, embedded),
        "design-space" => design_space::view(query, embedded),
        "body-order" => body_order::view(query, embedded),
        "equation-steps" => equation_steps::view(query, embedded),
        "experiment" => experiment::view(query, embedded),
        _ => {
            let names = catalogue()
                .iter()
                .map(|w| w.name)
                .collect::<Vec<_>>()
                .join(", ");
            let msg = format!("Unknown widget '{name}'. Known widgets: {names}.");
            view! {
                <div class="widget widget-unknown" data-widget=name.to_string()>
                    <p class="widget-notice" role="status">{msg}</p>
                </div>
            }
            .into_any()
        }
    }
}
