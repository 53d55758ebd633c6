//! Bar strips drawn straight onto a 2D canvas, for the widgets that redraw hundreds of bars at
//! every frame (`ace-invariance`, `incompleteness`).
//!
//! plotters draws each bar as its own canvas call with its own style; at 60 frames per second
//! and a few thousand bars that alone exceeds the frame budget. Here all bars of one colour are
//! one path (one `fill`), and when there are more bars than pixel columns each column shows the
//! extremes of the values that fall into it (like an audio waveform), so the cost is bounded by
//! the strip's width whatever the number of values. Nothing is allocated.

use web_sys::CanvasRenderingContext2d;

/// The book's colours for positive and negative values (`multiace_figures::colormap`).
pub const POSITIVE: &str = "#2166ac";
pub const NEGATIVE: &str = "#e66101";

/// A horizontal strip in device pixels: bars grow up (positive) and down (negative) from
/// `y_mid`; a value of ±`scale` reaches `half` pixels.
#[derive(Clone, Copy, Debug)]
pub struct Strip {
    pub x: f64,
    pub y_mid: f64,
    pub width: f64,
    pub half: f64,
}

impl Strip {
    /// Pixels per unit value for a strip that shows ±`scale`.
    fn gain(&self, scale: f64) -> f64 {
        if scale.is_finite() && scale > 0.0 {
            self.half / scale
        } else {
            0.0
        }
    }

    /// The rectangle (y, height) of a bar of value `v`, clipped to the strip.
    fn span(&self, v: f64, gain: f64) -> (f64, f64) {
        let h = (v.abs() * gain).min(self.half);
        if v >= 0.0 {
            (self.y_mid - h, h)
        } else {
            (self.y_mid, h)
        }
    }

    /// The zero line across the strip.
    pub fn baseline(&self, ctx: &CanvasRenderingContext2d, color: &str, dpr: f64) {
        ctx.set_stroke_style_str(color);
        ctx.set_line_width(dpr);
        ctx.begin_path();
        ctx.move_to(self.x, self.y_mid);
        ctx.line_to(self.x + self.width, self.y_mid);
        ctx.stroke();
    }
}

/// The width of one value's slot when `n` values share the strip, and whether bars can be drawn
/// one per value (at least two device pixels each) or must be aggregated per pixel column.
fn slot(s: &Strip, n: usize) -> (f64, bool) {
    let w = s.width / n.max(1) as f64;
    (w, w >= 2.0)
}

/// Bars of `values` (±`scale` fills the strip), blue up and orange down.
pub fn bars(ctx: &CanvasRenderingContext2d, s: &Strip, values: &[f64], scale: f64) {
    let n = values.len();
    if n == 0 || s.width.is_nan() || s.width <= 0.0 {
        return;
    }
    let gain = s.gain(scale);
    let (w, single) = slot(s, n);
    for (positive, color) in [(true, POSITIVE), (false, NEGATIVE)] {
        ctx.begin_path();
        if single {
            let bw = (w * 0.72).max(1.0);
            for (i, &v) in values.iter().enumerate() {
                if (v > 0.0) == positive && v != 0.0 {
                    let (y, h) = s.span(v, gain);
                    ctx.rect(s.x + (i as f64 + 0.5) * w - bw / 2.0, y, bw, h);
                }
            }
        } else {
            let cols = s.width.floor().max(1.0) as usize;
            for c in 0..cols {
                let lo = c * n / cols;
                let hi = ((c + 1) * n / cols).clamp(lo + 1, n);
                let ext =
                    values[lo..hi].iter().fold(
                        0.0f64,
                        |m, &v| {
                            if positive {
                                m.max(v)
                            } else {
                                m.min(v)
                            }
                        },
                    );
                if ext != 0.0 {
                    let (y, h) = s.span(ext, gain);
                    ctx.rect(s.x + c as f64, y, 1.0, h);
                }
            }
        }
        ctx.set_fill_style_str(color);
        ctx.fill();
    }
}

/// Outlines of `values` on the same slots as [`bars`] (a reference pose drawn over the live
/// bars); skipped when the bars are aggregated per column.
pub fn outlines(
    ctx: &CanvasRenderingContext2d,
    s: &Strip,
    values: &[f64],
    scale: f64,
    color: &str,
    dpr: f64,
) {
    let n = values.len();
    let (w, single) = slot(s, n);
    if n == 0 || !single {
        return;
    }
    let gain = s.gain(scale);
    let bw = (w * 0.72).max(1.0);
    ctx.begin_path();
    for (i, &v) in values.iter().enumerate() {
        let (y, h) = s.span(v, gain);
        ctx.rect(s.x + (i as f64 + 0.5) * w - bw / 2.0, y, bw, h.max(0.5));
    }
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(dpr);
    ctx.stroke();
}

/// Pairs of bars: `left[i]` and `right[i]` side by side in slot i, in two colours (not signs).
/// Where a slot is too narrow for two bars, `left` is drawn as bars and `right` as a tick at its
/// value on top of them: equal values then show as ticks capping the bars exactly.
pub fn paired_bars(
    ctx: &CanvasRenderingContext2d,
    s: &Strip,
    left: &[f64],
    right: &[f64],
    scale: f64,
    colors: (&str, &str),
    dpr: f64,
) {
    let n = left.len().min(right.len());
    if n == 0 || s.width.is_nan() || s.width <= 0.0 {
        return;
    }
    let gain = s.gain(scale);
    let w = s.width / n as f64;
    let bw = w * 0.4;
    if bw >= 1.5 * dpr {
        for (side, values, color) in [(0.0, left, colors.0), (1.0, right, colors.1)] {
            ctx.begin_path();
            for (i, &v) in values[..n].iter().enumerate() {
                let (y, h) = s.span(v, gain);
                let x = s.x + i as f64 * w + w * 0.08 + side * (w * 0.84 - bw);
                ctx.rect(x, y, bw, h);
            }
            ctx.set_fill_style_str(color);
            ctx.fill();
        }
        return;
    }
    let bar = (w * 0.8).max(1.0);
    ctx.begin_path();
    for (i, &v) in left[..n].iter().enumerate() {
        let (y, h) = s.span(v, gain);
        ctx.rect(s.x + i as f64 * w + (w - bar) / 2.0, y, bar, h);
    }
    ctx.set_fill_style_str(colors.0);
    ctx.fill();
    let tick = (w * 1.2).max(2.0);
    ctx.begin_path();
    for (i, &v) in right[..n].iter().enumerate() {
        let y = s.y_mid - (v * gain).clamp(-s.half, s.half);
        ctx.rect(
            s.x + i as f64 * w + (w - tick) / 2.0,
            y - dpr,
            tick,
            2.0 * dpr,
        );
    }
    ctx.set_fill_style_str(colors.1);
    ctx.fill();
}

/// Sets the canvas font to `px` CSS pixels (sans-serif) and the text alignment; call once before
/// several [`text`] calls.
pub fn font(ctx: &CanvasRenderingContext2d, px: f64, dpr: f64, align: &str) {
    ctx.set_font(&format!("{}px sans-serif", (px * dpr).round()));
    ctx.set_text_align(align);
    ctx.set_text_baseline("middle");
}

/// Text at (x, y) in the current fill colour and font.
pub fn text(ctx: &CanvasRenderingContext2d, s: &str, x: f64, y: f64) {
    let _ = ctx.fill_text(s, x, y);
}
