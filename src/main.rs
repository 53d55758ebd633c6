//! Multi-ACE Learning: the interactive textbook, a Leptos client-side app compiled to wasm32.
//!
//! Every module is wasm32-only so that native `cargo test --workspace` never compiles the web
//! stack (see Cargo.toml); natively this crate is an empty `main` plus the unit tests of the
//! number reader and writer (`number.rs`) and of the widgets' math labels and messages
//! (`widgets/math_label.rs`, `widgets/message.rs`). A chapter page is static HTML (`crates/site`):
//! there the app only mounts the widgets and exercises into it (`islands.rs`); every other route is
//! the Leptos router's (`app.rs`).

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod chapter;
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
mod widgets;

/// The widgets' MathML labels are plain string code, tested natively.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "widgets/math_label.rs"]
mod math_label;
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "widgets/message.rs"]
mod message;

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    if islands::prerendered() {
        islands::start();
        return;
    }
    app::note_first_url();
    // index.html's loading message has done its job once the app is about to draw.
    if let Some(shell) = leptos::prelude::document().get_element_by_id("loading") {
        shell.remove();
    }
    leptos::mount::mount_to_body(app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
