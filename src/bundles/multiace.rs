//! The bundle of the widgets of the Multi-ACE design space (chapter 04), for pre-rendered pages.

#[cfg(target_arch = "wasm32")]
fn main() {
    multiace_book::start_bundle(multiace_book::widgets::multiace);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
