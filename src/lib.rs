//! Multi-ACE Learning: the interactive textbook, a Leptos client-side app compiled to wasm32.
//!
//! The library holds the app; the binaries choose how much of it a page downloads:
//! `src/main.rs` is the whole app (the router's pages: landing, the widget catalogue, figures,
//! and everything in `trunk serve`), and each `src/bundles/*.rs` carries only one family of widgets
//! for the pre-rendered chapter and embed pages of release builds (code splitting: the linker
//! drops every widget a bundle's registry does not name; see ARCHITECTURE.md).
//!
//! Every module is wasm32-only so that native `cargo test --workspace` never compiles the web
//! stack (see Cargo.toml); natively this crate holds only the unit tests of the number reader and
//! writer (`number.rs`) and of the widgets' math labels and messages (`widgets/math_label.rs`,
//! `widgets/message.rs`).

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod chapter;
#[cfg(target_arch = "wasm32")]
mod embed;
#[cfg(target_arch = "wasm32")]
mod embed_protocol;
#[cfg(target_arch = "wasm32")]
mod exercise;
#[cfg(target_arch = "wasm32")]
mod islands;
#[cfg(target_arch = "wasm32")]
mod landing;
#[cfg(any(target_arch = "wasm32", test))]
mod number;
#[cfg(target_arch = "wasm32")]
mod util;
#[cfg(target_arch = "wasm32")]
pub mod widgets;

/// The widgets' MathML labels are plain string code, tested natively.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "widgets/math_label.rs"]
mod math_label;
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "widgets/message.rs"]
mod message;

#[cfg(target_arch = "wasm32")]
pub use widgets::Registry;

/// The whole app: a pre-rendered page gets its islands (every widget), any other route the router.
#[cfg(target_arch = "wasm32")]
pub fn start_app() {
    console_error_panic_hook::set_once();
    if islands::prerendered() {
        islands::start(widgets::all);
        return;
    }
    app::note_first_url();
    // index.html's loading message has done its job once the app is about to draw.
    if let Some(shell) = leptos::prelude::document().get_element_by_id("loading") {
        shell.remove();
    }
    leptos::mount::mount_to_body(app::App);
}

/// A bundle: mounts the islands of a pre-rendered page with the widgets of `registry` only.
#[cfg(target_arch = "wasm32")]
pub fn start_bundle(registry: Registry) {
    console_error_panic_hook::set_once();
    if islands::prerendered() {
        islands::start(registry);
    }
}
