//! Drawing on a canvas only when something changed, sharp on high-DPI screens, with timing hooks.
//!
//! A [`Painter`] owns one `<canvas>`: [`Painter::request`] schedules a single
//! `requestAnimationFrame` (repeated requests within a frame coalesce; no busy loop), the callback
//! sizes the backing store to the element's CSS size × `devicePixelRatio` (or the `dpr=` URL
//! override), calls the widget's draw function and writes `data-draw-ms` / `data-draws` on the
//! element (the browser tests read them). A `ResizeObserver` requests a redraw when the layout
//! changes the canvas size, a `MutationObserver` on `<html>` when the theme changes. The
//! animation-frame closure is created once and reused.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use leptos::html;
use leptos::prelude::*;
use multiace_figures::FigStyle;
use plotters::style::RGBColor;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// What a draw function gets: the context (identity transform, cleared), the backing-store size in
/// device pixels and the pixel ratio used.
pub struct Frame<'a> {
    pub canvas: &'a HtmlCanvasElement,
    pub ctx: &'a CanvasRenderingContext2d,
    pub width: f64,
    pub height: f64,
    pub dpr: f64,
}

impl Frame<'_> {
    /// The canvas's CSS text colour (follows the page theme), as a CSS string.
    pub fn text_color(&self) -> String {
        window()
            .get_computed_style(self.canvas)
            .ok()
            .flatten()
            .and_then(|s| s.get_property_value("color").ok())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "rgb(34, 34, 34)".into())
    }

    /// A figure style for plotters drawings on this canvas: theme text colour, transparent
    /// background, fonts scaled by the pixel ratio.
    pub fn fig_style(&self) -> FigStyle {
        FigStyle::on_page(parse_rgb(&self.text_color())).scaled(self.dpr)
    }
}

/// Parses "rgb(r, g, b)" / "rgba(r, g, b, a)" as computed styles report colours.
pub fn parse_rgb(s: &str) -> RGBColor {
    let inner = s
        .trim()
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')');
    let mut it = inner
        .split([',', ' '])
        .filter(|p| !p.is_empty())
        .map(|p| crate::number::parse_f64(p.trim()).unwrap_or(0.0));
    let mut c = [0u8; 3];
    for v in &mut c {
        *v = it.next().unwrap_or(0.0).clamp(0.0, 255.0) as u8;
    }
    RGBColor(c[0], c[1], c[2])
}

type DrawFn = Box<dyn FnMut(&Frame)>;
type RafClosure = Closure<dyn FnMut(f64)>;
type Observer = (web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);
type ThemeObserver = (web_sys::MutationObserver, Closure<dyn FnMut(js_sys::Array)>);

struct Inner {
    canvas: NodeRef<html::Canvas>,
    dpr_override: Option<f64>,
    pending: Cell<Option<i32>>,
    draws: Cell<u64>,
    draw: RefCell<DrawFn>,
    ctx: RefCell<Option<CanvasRenderingContext2d>>,
    raf: RefCell<Option<RafClosure>>,
    observer: RefCell<Option<Observer>>,
    theme: RefCell<Option<ThemeObserver>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // a pending frame would call a dropped closure
        if let Some(id) = self.pending.take() {
            let _ = window().cancel_animation_frame(id);
        }
        if let Some((obs, _)) = self.observer.borrow_mut().take() {
            obs.disconnect();
        }
        if let Some((obs, _)) = self.theme.borrow_mut().take() {
            obs.disconnect();
        }
    }
}

/// Handle to a canvas's draw loop; cheap to clone into event handlers.
#[derive(Clone)]
pub struct Painter(Rc<Inner>);

impl Painter {
    /// A painter for `canvas` calling `draw` at most once per animation frame, when requested.
    pub fn new(
        canvas: NodeRef<html::Canvas>,
        dpr_override: Option<f64>,
        draw: impl FnMut(&Frame) + 'static,
    ) -> Painter {
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let w = weak.clone();
            let raf = Closure::<dyn FnMut(f64)>::new(move |_t: f64| {
                if let Some(inner) = w.upgrade() {
                    inner.pending.set(None);
                    frame(&inner);
                }
            });
            Inner {
                canvas,
                dpr_override,
                pending: Cell::new(None),
                draws: Cell::new(0),
                draw: RefCell::new(Box::new(draw)),
                ctx: RefCell::new(None),
                raf: RefCell::new(Some(raf)),
                observer: RefCell::new(None),
                theme: RefCell::new(None),
            }
        });
        let painter = Painter(inner);
        let weak = Rc::downgrade(&painter.0);
        canvas.on_load(move |el: HtmlCanvasElement| {
            let Some(inner) = weak.upgrade() else { return };
            let w2 = weak.clone();
            let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| {
                if let Some(inner) = w2.upgrade() {
                    Painter(inner).request();
                }
            });
            if let Ok(obs) = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()) {
                obs.observe(&el);
                *inner.observer.borrow_mut() = Some((obs, cb));
            }
            // the theme toggle rewrites <html data-theme>: redraw with the new text colour
            let w3 = weak.clone();
            let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |_records: js_sys::Array| {
                if let Some(inner) = w3.upgrade() {
                    Painter(inner).request();
                }
            });
            if let (Ok(obs), Some(root)) = (
                web_sys::MutationObserver::new(cb.as_ref().unchecked_ref()),
                document().document_element(),
            ) {
                let opts = web_sys::MutationObserverInit::new();
                opts.set_attributes(true);
                if obs.observe_with_options(&root, &opts).is_ok() {
                    *inner.theme.borrow_mut() = Some((obs, cb));
                }
            }
            Painter(inner).request();
        });
        painter
    }

    /// Schedules one redraw at the next animation frame (no-op if one is already scheduled).
    pub fn request(&self) {
        if self.0.pending.get().is_some() {
            return;
        }
        let raf = self.0.raf.borrow();
        if let Some(cb) = raf.as_ref() {
            if let Ok(id) = window().request_animation_frame(cb.as_ref().unchecked_ref()) {
                self.0.pending.set(Some(id));
            }
        }
    }
}

fn frame(inner: &Inner) {
    let Some(canvas) = inner.canvas.get_untracked() else {
        return;
    };
    let cw = canvas.client_width() as f64;
    let ch = canvas.client_height() as f64;
    if cw <= 0.0 || ch <= 0.0 {
        return; // not laid out (hidden); the ResizeObserver asks again when it shows
    }
    let dpr = inner
        .dpr_override
        .unwrap_or_else(|| window().device_pixel_ratio())
        .clamp(0.5, 4.0);
    let (bw, bh) = ((cw * dpr).round() as u32, (ch * dpr).round() as u32);
    if canvas.width() != bw {
        canvas.set_width(bw);
    }
    if canvas.height() != bh {
        canvas.set_height(bh);
    }
    if inner.ctx.borrow().is_none() {
        let ctx = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
        *inner.ctx.borrow_mut() = ctx;
    }
    let ctx_ref = inner.ctx.borrow();
    let Some(ctx) = ctx_ref.as_ref() else { return };
    let perf = window().performance();
    let t0 = perf.as_ref().map(|p| p.now()).unwrap_or(0.0);
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, bw as f64, bh as f64);
    if let Ok(mut draw) = inner.draw.try_borrow_mut() {
        draw(&Frame {
            canvas: &canvas,
            ctx,
            width: bw as f64,
            height: bh as f64,
            dpr,
        });
    }
    let dt = perf.as_ref().map(|p| p.now()).unwrap_or(0.0) - t0;
    let n = inner.draws.get() + 1;
    inner.draws.set(n);
    let _ = canvas.set_attribute("data-draw-ms", &format!("{dt:.2}"));
    let _ = canvas.set_attribute("data-draws", &n.to_string());
}
