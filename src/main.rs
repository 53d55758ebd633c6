//! The whole app (router, every widget): `trunk build` / `trunk serve` build this binary.

#[cfg(target_arch = "wasm32")]
fn main() {
    multiace_book::start_app();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
