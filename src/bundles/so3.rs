//! The bundle of the widgets of rotations and spherical harmonics (chapter 00), for pre-rendered pages.

#[cfg(target_arch = "wasm32")]
fn main() {
    multiace_book::start_bundle(multiace_book::widgets::so3);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
