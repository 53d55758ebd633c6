//! A small 3D viewer for 2D canvases: camera and arcball ([`camera`]), ball-and-stick molecules
//! ([`molecule`]) and a z-buffered triangle rasteriser for surfaces ([`raster`]).
//!
//! No WebGL: browsers drop WebGL contexts beyond ~8–16 per page and a chapter has many widgets,
//! so every view draws with `CanvasRenderingContext2d` (molecules: a handful of shaded discs and
//! sticks) or with an RGBA buffer filled in Rust and blitted with one `putImageData` (surfaces).
//!
//! Rotations (matrices, axis-angle, quaternions) come from `multiace_core::so3`; this module
//! only composes them with the camera.

pub mod camera;
pub mod molecule;
pub mod raster;
pub mod vec3;
