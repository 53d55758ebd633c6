//! The bundle of the widgets of MACE (chapter 03), for pre-rendered pages.

#[cfg(target_arch = "wasm32")]
fn main() {
    multiace_book::start_bundle(multiace_book::widgets::mace);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
