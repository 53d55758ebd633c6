//! Form controls shared by the widgets, so every slider looks, reads and behaves the same.

use leptos::prelude::*;

/// A labelled range input over real numbers with its formatted value beside it. `on_input` gets
/// every value while dragging (a redraw), `on_change` fires once on release (the place to write
/// the URL, never every frame). Unparsable input from the element is ignored.
#[component]
pub fn RangeSlider(
    label: &'static str,
    min: f64,
    max: f64,
    #[prop(default = 0.01)] step: f64,
    #[prop(into)] value: Signal<f64>,
    #[prop(into)] on_input: Callback<f64>,
    #[prop(optional, into)] on_change: Option<Callback<()>>,
    format: fn(f64) -> String,
    #[prop(optional)] wide: bool,
) -> impl IntoView {
    view! {
        <label class="ctl" class:wide=wide>
            <span class="ctl-name">{label}</span>
            <input type="range" min=min max=max step=step
                prop:value=move || value.get().to_string()
                on:input=move |ev| {
                    if let Some(v) = crate::number::parse_f64(&event_target_value(&ev)) {
                        on_input.run(v);
                    }
                }
                on:change=move |_| {
                    if let Some(done) = on_change {
                        done.run(());
                    }
                } />
            <span class="ctl-value">{move || format(value.get())}</span>
        </label>
    }
}

/// Radians with three decimals, the unit of e3nn's Euler angles.
pub fn radians(x: f64) -> String {
    format!("{x:.3} rad")
}

/// Degrees with one decimal.
pub fn degrees(x: f64) -> String {
    format!("{:.1}°", x.to_degrees())
}
