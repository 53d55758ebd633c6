//! Multi-ACE Learning: the interactive textbook, a Leptos client-side app compiled to wasm32.
//!
//! Every module is wasm32-only so that native `cargo test --workspace` never compiles the web
//! stack (see Cargo.toml); natively this crate is an empty `main` plus the unit tests of the
//! build-time chapter renderer (`build/markdown.rs`), of the number reader and writer
//! (`number.rs`) and of the widgets' math labels and messages (`widgets/math_label.rs`,
//! `widgets/message.rs`).

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod chapter;
#[cfg(target_arch = "wasm32")]
mod exercise;
#[cfg(target_arch = "wasm32")]
mod landing;
#[cfg(any(target_arch = "wasm32", test))]
mod number;
#[cfg(target_arch = "wasm32")]
mod util;
#[cfg(target_arch = "wasm32")]
mod widgets;

/// The build-time renderer's tests run natively here (a build script cannot have tests).
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../build/markdown.rs"]
mod markdown;

/// The widgets' MathML labels are plain string code, tested natively like the renderer.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "widgets/math_label.rs"]
mod math_label;
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "widgets/message.rs"]
mod message;

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    // index.html's loading message has done its job once the app is about to draw.
    if let Some(shell) = leptos::prelude::document().get_element_by_id("loading") {
        shell.remove();
    }
    leptos::mount::mount_to_body(app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
