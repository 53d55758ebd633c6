//! Form controls shared by the widgets, so every slider looks, reads and behaves the same.

use leptos::prelude::*;

use super::math_label::prose;

/// A labelled range input (the label may hold `$…$` math, see [`prose`]) over real numbers with its formatted value beside it. `on_input` gets
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
    /// The control's stable name for `?controls=` on an embed (`data-control`), if it has one.
    #[prop(optional)]
    control: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label class="ctl" class:wide=wide data-control=control>
            <span class="ctl-name" inner_html=prose(label)></span>
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

/// The value of the molecule menu's entry for the reader's own file.
pub const UPLOAD: &str = "upload";

/// A widget's molecule menu: the shipped molecules `names`, then, while `upload_name` holds one,
/// the reader's uploaded file under its name (value [`UPLOAD`]). `pick` gets the chosen entry —
/// one of `names` or [`UPLOAD`] — and does the widget's own work (load, reset, save the URL).
pub fn molecule_select(
    molecule: RwSignal<&'static str>,
    names: &'static [&'static str],
    upload_name: Option<RwSignal<Option<String>>>,
    testid: &'static str,
    pick: impl Fn(&'static str) + 'static,
) -> impl IntoView {
    let on_change = move |ev| {
        let v = event_target_value(&ev);
        if let Some(n) = names.iter().chain([&UPLOAD]).find(|n| **n == v) {
            pick(n);
        }
    };
    view! {
        <select data-testid=(!testid.is_empty()).then_some(testid)
            prop:value=move || molecule.get() on:change=on_change>
            {names.iter().map(|n| view! { <option value=*n>{*n}</option> }).collect_view()}
            {move || upload_name.and_then(|u| u.get()).map(|f| view! { <option value=UPLOAD>{f}</option> })}
        </select>
    }
}
