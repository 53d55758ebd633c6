//! The bundle of the widgets of the atomic cluster expansion (chapter 01), for pre-rendered pages.

#[cfg(target_arch = "wasm32")]
fn main() {
    multiace_book::start_bundle(multiace_book::widgets::ace);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
