//! Mouse, touch and keyboard rotation of a 3D canvas (shared by `rotation` and `sh-explorer`).
//!
//! Pointer events cover mouse, pen and touch; the canvas captures the pointer on press so a drag
//! that leaves it keeps rotating. Arrow keys rotate only while the canvas has focus (reveal.js
//! needs them otherwise); `Escape` gives focus back to the page. The wheel zooms only once the
//! canvas has focus, so scrolling past a widget never hijacks the page.

use multiace_core::so3::Mat3;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent, PointerEvent, WheelEvent};

use super::view3d::camera::{drag_rotation, key_rotation};

/// The state of a drag in progress.
#[derive(Default)]
pub struct DragTracker {
    last: Option<(f64, f64)>,
}

fn target(ev: &web_sys::Event) -> Option<HtmlElement> {
    ev.current_target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
}

impl DragTracker {
    /// Starts a drag: focus the canvas (so keys and wheel work next) and capture the pointer.
    pub fn down(&mut self, ev: &PointerEvent) {
        if ev.button() != 0 {
            return;
        }
        if let Some(el) = target(ev) {
            crate::util::focus_no_scroll(&el);
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        ev.prevent_default();
        self.last = Some((ev.offset_x() as f64, ev.offset_y() as f64));
    }

    /// The world rotation for the motion since the last event, if dragging.
    pub fn moved(&mut self, ev: &PointerEvent, view: &Mat3) -> Option<Mat3> {
        let last = self.last?;
        let el = target(ev)?;
        let now = (ev.offset_x() as f64, ev.offset_y() as f64);
        if now == last {
            return None;
        }
        self.last = Some(now);
        let (w, h) = (el.client_width() as f64, el.client_height() as f64);
        Some(drag_rotation(view, last, now, w, h))
    }

    /// Ends the drag; true if one was in progress (time to write the URL).
    pub fn up(&mut self, ev: &PointerEvent) -> bool {
        if let Some(el) = target(ev) {
            if el.has_pointer_capture(ev.pointer_id()) {
                let _ = el.release_pointer_capture(ev.pointer_id());
            }
        }
        self.last.take().is_some()
    }
}

/// Arrow keys → a rotation (default scrolling suppressed); Escape → blur. Other keys pass.
pub fn key(ev: &KeyboardEvent, view: &Mat3) -> Option<Mat3> {
    if ev.key() == "Escape" {
        if let Some(el) = target(ev) {
            let _ = el.blur();
        }
        return None;
    }
    let r = key_rotation(view, &ev.key())?;
    ev.prevent_default();
    Some(r)
}

/// Wheel → a zoom factor, only when the canvas has focus (clicked or tabbed to).
pub fn wheel_zoom(ev: &WheelEvent) -> Option<f64> {
    let el = target(ev)?;
    let active = leptos::prelude::document().active_element()?;
    if !active.is_same_node(Some(el.as_ref())) {
        return None;
    }
    ev.prevent_default();
    Some((-ev.delta_y() * 0.0015).exp())
}
