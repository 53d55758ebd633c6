//! `multiace figures --out DIR`: writes the figures of chapters 00 and 01 as SVG, drawn by the
//! same `multiace-figures` functions the site's widgets use on a canvas.

use std::path::{Path, PathBuf};

use multiace_core::ace::{RadialBasis, RadialKind};
use multiace_core::so3::{angles_to_matrix, triangle, wigner_d_from_matrix, Normalization};
use multiace_figures::{
    draw_d_blocks, draw_radial_basis, draw_sh_gallery, draw_sh_map, draw_wigner_3j_slices, FigStyle,
};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The (l1, l2, l3) triples whose 3j tensors chapter 00 shows.
const WIGNER_3J: [(usize, usize, usize); 5] =
    [(1, 1, 0), (1, 1, 1), (1, 1, 2), (1, 2, 2), (2, 2, 2)];

/// Writes every chapter-00 and chapter-01 figure into `out_dir` (created if missing) and prints each path.
pub fn run(out_dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(out_dir).map_err(|e| {
        format!(
            "cannot create the output directory {}: {e}",
            out_dir.display()
        )
    })?;
    let style = FigStyle::light();
    let mut written = Vec::new();

    written.push(write_svg(
        out_dir,
        "fig00_sh_gallery.svg",
        (1400, 760),
        |root| draw_sh_gallery(root, 4, Normalization::Component, &style),
    )?);

    for (l, m) in [(2usize, 1i64), (3, -2)] {
        let name = format!("fig00_sh_map_{l}_{m}.svg");
        written.push(write_svg(out_dir, &name, (720, 380), |root| {
            draw_sh_map(root, l, m, Normalization::Component, &style)
        })?);
    }

    for (l1, l2, l3) in WIGNER_3J {
        if !triangle(l1, l2, l3) {
            return Err(format!("({l1}, {l2}, {l3}) violates the triangle rule"));
        }
        let n = 2 * l3 + 1;
        let width = (180 + 150 * n.min(5) as u32).max(640);
        let height = 70 + 165 * n.div_ceil(5) as u32;
        let name = format!("fig00_wigner3j_{l1}_{l2}_{l3}.svg");
        written.push(write_svg(out_dir, &name, (width, height), |root| {
            draw_wigner_3j_slices(root, l1, l2, l3, &style)
        })?);
    }

    let r = angles_to_matrix(0.7, 1.1, -0.4);
    let blocks: Vec<_> = (0..=3).map(|l| wigner_d_from_matrix(l, &r)).collect();
    written.push(write_svg(
        out_dir,
        "fig00_wigner_d_blocks.svg",
        (560, 580),
        |root| draw_d_blocks(root, &blocks, &style),
    )?);

    // chapter 01: the three radial bases as the `radial-basis` widget shows them by default
    for kind in [
        RadialKind::Bessel,
        RadialKind::Chebyshev,
        RadialKind::Gaussian,
    ] {
        let basis = RadialBasis::new(kind, 6, 5.0).map_err(|e| e.to_string())?;
        let name = format!("fig01_radial_{}.svg", kind.name());
        written.push(write_svg(out_dir, &name, (720, 420), |root| {
            draw_radial_basis(root, &basis, false, None, &style).map(|_| ())
        })?);
    }

    for p in written {
        println!("{}", p.display());
    }
    Ok(())
}

/// Draws one figure into `out_dir/name` as an SVG of `size` pixels and returns its path.
fn write_svg(
    out_dir: &Path,
    name: &str,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>,
) -> Result<PathBuf, String> {
    let path = out_dir.join(name);
    let root = SVGBackend::new(&path, size).into_drawing_area();
    draw(&root)?;
    root.present()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    drop(root);
    Ok(path)
}
