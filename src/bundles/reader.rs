//! The bundle without widgets, for pages that show none: the exercises and the reader's tools.

#[cfg(target_arch = "wasm32")]
fn main() {
    multiace_book::start_bundle(multiace_book::widgets::none);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
