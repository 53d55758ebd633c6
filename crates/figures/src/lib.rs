//! The book's figures, drawn once for every backend.
//!
//! Each public `draw_*` function is generic over a plotters [`DrawingBackend`]: the site calls it
//! with `plotters_canvas::CanvasBackend` (the live widgets), the CLI with `SVGBackend`
//! (`multiace figures --out DIR`). The numbers come from `multiace-core`; this crate only samples
//! and paints them, so a figure in the book and the same figure in a paper agree to the pixel.
//!
//! ```no_run
//! use plotters::prelude::*;
//! use multiace_core::so3::Normalization;
//! let root = SVGBackend::new("y21.svg", (640, 360)).into_drawing_area();
//! multiace_figures::draw_sh_map(&root, 2, 1, Normalization::Component, &multiace_figures::FigStyle::light()).unwrap();
//! ```

mod activations;
pub mod colormap;
mod design_space;
mod energy_trace;
mod experiment;
mod fit;
mod heatmaps;
mod order_bars;
mod radial;
mod sh;
mod style;

pub use activations::draw_activations;
pub use design_space::{draw_design_space, DESIGN_MAX_LAYERS, DESIGN_MAX_NU};
pub use energy_trace::{
    draw_energy_trace, EnergySample, KINETIC_COLOR, POTENTIAL_COLOR, TOTAL_COLOR,
};
pub use experiment::{draw_experiment, t_color, T_COLORS};
pub use fit::{draw_learning_curve, draw_parity, CurveSeries, ParitySet, TEST_COLOR, TRAIN_COLOR};
pub use heatmaps::{draw_bar_pair, draw_d_blocks, draw_matrix, draw_wigner_3j_slices};
pub use order_bars::{draw_order_bars, BarGeometry, BarMarks, ORDER_COLORS};
pub use radial::{draw_radial_basis, radial_color, RadialAxis};
pub use sh::{direction, draw_sh_gallery, draw_sh_map, draw_sh_map_with, sample_sh_grid, ShGrid};
pub use style::FigStyle;

use plotters::drawing::DrawingAreaErrorKind;

/// A number as the book prints it on axes, in URLs and notices: at most four decimals, no trailing
/// zeros, never "-0".
pub fn fmt_f64(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// plotters errors carry the backend's error type; the book only needs the message.
pub(crate) fn err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> String {
    format!("drawing failed: {e}")
}
