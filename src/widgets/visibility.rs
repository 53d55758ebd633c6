//! Whether a widget's element is on screen, for animations that pause off screen (the CG live
//! check, MD): one IntersectionObserver per element, disconnected when the widget goes away.

use leptos::html::ElementType;
use leptos::prelude::*;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;

type IoCallback = Closure<dyn FnMut(js_sys::Array)>;

/// Keeps `visible` equal to "`node` intersects the viewport". Without IntersectionObserver the
/// element counts as visible, so animations still run.
pub fn track_visibility<E>(node: NodeRef<E>, visible: RwSignal<bool>)
where
    E: ElementType + 'static,
    E::Output: JsCast + Clone + 'static,
{
    let observer: StoredValue<Option<(web_sys::IntersectionObserver, IoCallback)>, LocalStorage> =
        StoredValue::new_local(None);
    node.on_load(move |el| {
        let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Some(e) = entries
                .iter()
                .filter_map(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
                .next_back()
            {
                let _ = visible.try_set(e.is_intersecting());
            }
        });
        if let Ok(obs) = web_sys::IntersectionObserver::new(cb.as_ref().unchecked_ref()) {
            obs.observe(el.unchecked_ref());
            observer.set_value(Some((obs, cb)));
        } else {
            visible.set(true);
        }
    });
    on_cleanup(move || {
        observer.try_update_value(|o| {
            if let Some((obs, _)) = o.take() {
                obs.disconnect();
            }
        });
    });
}
