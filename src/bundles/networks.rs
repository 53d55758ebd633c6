//! The bundle of the widgets of equivariant networks (chapter 02), for pre-rendered pages.

#[cfg(target_arch = "wasm32")]
fn main() {
    multiace_book::start_bundle(multiace_book::widgets::networks);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
