//! Camera, projection and arcball.
//!
//! World coordinates are the book's (e3nn) axes; a fixed, slightly tilted view matrix `V` maps
//! them to view space (x right, y up, z towards the viewer) so that all three axes are visible.
//! A widget keeps a model rotation `R`; a point p is drawn at `V R p`. Dragging rotates the
//! object in *screen* space by `dRₛ`, i.e. `R ← Vᵀ dRₛ V R` (the rotation is composed onto the
//! current one, never reset).

use multiace_core::so3::{apply, axis_angle_to_matrix, mat_mul, transpose, Mat3, Quaternion};

/// The default view: a little from above (+y) and from the +x side, so that x, y and z all show.
pub fn default_view() -> Mat3 {
    mat_mul(
        &axis_angle_to_matrix([1.0, 0.0, 0.0], 0.35),
        &axis_angle_to_matrix([0.0, 1.0, 0.0], -0.55),
    )
}

/// Maps world points to canvas pixels: a fixed view rotation, a mild perspective and a scale
/// chosen so that a ball of radius `extent` fits the canvas.
#[derive(Clone, Copy, Debug)]
pub struct Camera {
    pub view: Mat3,
    pub cx: f64,
    pub cy: f64,
    pub scale: f64,
    /// Distance of the eye from the origin in world units (perspective strength).
    pub eye: f64,
}

impl Camera {
    /// A camera for a `w × h` pixel canvas showing a ball of radius `extent` (with a margin).
    pub fn fit(w: f64, h: f64, extent: f64, view: Mat3) -> Camera {
        let extent = if extent.is_finite() && extent > 0.0 {
            extent
        } else {
            1.0
        };
        let eye = 6.0 * extent;
        // a point at depth +extent is magnified by eye / (eye - extent) = 1.2
        Camera {
            view,
            cx: w / 2.0,
            cy: h / 2.0,
            scale: 0.5 * w.min(h) / (extent * 1.2 * 1.08),
            eye,
        }
    }

    /// View-space coordinates of a world point.
    pub fn view_of(&self, p: [f64; 3]) -> [f64; 3] {
        apply(&self.view, p)
    }

    /// Canvas pixel x, y and depth (view z, larger = nearer) of a view-space point.
    pub fn project_view(&self, v: [f64; 3]) -> [f64; 3] {
        let f = self.eye / (self.eye - v[2]).max(1e-6);
        [
            self.cx + v[0] * self.scale * f,
            self.cy - v[1] * self.scale * f,
            v[2],
        ]
    }

    /// Canvas pixel x, y and depth of a world point.
    pub fn project(&self, p: [f64; 3]) -> [f64; 3] {
        self.project_view(self.view_of(p))
    }

    /// Pixel size of a world length at view depth `z` (for sphere radii and stick widths).
    pub fn pixels(&self, len: f64, z: f64) -> f64 {
        len * self.scale * self.eye / (self.eye - z).max(1e-6)
    }
}

/// Point on the arcball for canvas pixel (x, y) (Shoemake's sphere, Holroyd's hyperbolic sheet
/// outside it so the motion stays smooth at the rim). View space: y up.
fn ball_point(x: f64, y: f64, w: f64, h: f64) -> [f64; 3] {
    let r = 0.5 * w.min(h).max(1.0);
    let px = (x - w / 2.0) / r;
    let py = -(y - h / 2.0) / r;
    let d2 = px * px + py * py;
    let pz = if d2 <= 0.5 {
        (1.0 - d2).sqrt()
    } else {
        0.5 / d2.sqrt()
    };
    let n = (px * px + py * py + pz * pz).sqrt();
    [px / n, py / n, pz / n]
}

/// The world-space rotation for a drag from pixel `a` to pixel `b` on a `w × h` canvas viewed
/// through `view`: `Vᵀ dRₛ V` where dRₛ turns the arcball point under `a` into the one under `b`.
pub fn drag_rotation(view: &Mat3, a: (f64, f64), b: (f64, f64), w: f64, h: f64) -> Mat3 {
    let p = ball_point(a.0, a.1, w, h);
    let q = ball_point(b.0, b.1, w, h);
    let axis = [
        p[1] * q[2] - p[2] * q[1],
        p[2] * q[0] - p[0] * q[2],
        p[0] * q[1] - p[1] * q[0],
    ];
    let cos = (p[0] * q[0] + p[1] * q[1] + p[2] * q[2]).clamp(-1.0, 1.0);
    // doubled angle: a drag across half the canvas turns the object by about 90°
    screen_rotation(view, axis, 2.0 * cos.acos())
}

/// The world-space rotation that turns the view by `angle` about the view-space `axis`.
pub fn screen_rotation(view: &Mat3, axis: [f64; 3], angle: f64) -> Mat3 {
    let ds = axis_angle_to_matrix(axis, angle);
    mat_mul(&transpose(view), &mat_mul(&ds, view))
}

/// `dr · r`, re-orthonormalised through a unit quaternion so that thousands of composed drags
/// keep an exact rotation (det = 1 to machine precision).
pub fn compose(dr: &Mat3, r: &Mat3) -> Mat3 {
    let m = mat_mul(dr, r);
    Quaternion::from_matrix(&m).normalized().to_matrix()
}

/// Rotation for an arrow key: ±5° about the screen's vertical (left/right) or horizontal
/// (up/down) axis. `None` for other keys.
pub fn key_rotation(view: &Mat3, key: &str) -> Option<Mat3> {
    let step = 5f64.to_radians();
    let (axis, angle) = match key {
        "ArrowLeft" => ([0.0, 1.0, 0.0], -step),
        "ArrowRight" => ([0.0, 1.0, 0.0], step),
        "ArrowUp" => ([1.0, 0.0, 0.0], -step),
        "ArrowDown" => ([1.0, 0.0, 0.0], step),
        _ => return None,
    };
    Some(screen_rotation(view, axis, angle))
}

/// Draws the three axes of the frame `model` (its columns) as labelled arrows from the origin to
/// `len`, with a faint continuation to −`len`.
pub fn draw_axes(
    ctx: &web_sys::CanvasRenderingContext2d,
    cam: &Camera,
    model: &Mat3,
    len: f64,
    color: &str,
    dpr: f64,
) {
    ctx.save();
    ctx.set_stroke_style_str(color);
    ctx.set_fill_style_str(color);
    ctx.set_line_width(1.2 * dpr);
    ctx.set_font(&format!("{}px sans-serif", (13.0 * dpr).round()));
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    let o = cam.project(apply(model, [0.0; 3]));
    for (k, name) in ["x", "y", "z"].iter().enumerate() {
        let mut e = [0.0; 3];
        e[k] = len;
        let tip = cam.project(apply(model, e));
        let mut neg = [0.0; 3];
        neg[k] = -len;
        let back = cam.project(apply(model, neg));
        ctx.set_global_alpha(0.35);
        ctx.begin_path();
        ctx.move_to(back[0], back[1]);
        ctx.line_to(o[0], o[1]);
        ctx.stroke();
        ctx.set_global_alpha(1.0);
        ctx.begin_path();
        ctx.move_to(o[0], o[1]);
        ctx.line_to(tip[0], tip[1]);
        ctx.stroke();
        // arrow head
        let (dx, dy) = (tip[0] - o[0], tip[1] - o[1]);
        let d = (dx * dx + dy * dy).sqrt();
        if d > 4.0 * dpr {
            let (ux, uy) = (dx / d, dy / d);
            let s = 7.0 * dpr;
            ctx.begin_path();
            ctx.move_to(tip[0], tip[1]);
            ctx.line_to(
                tip[0] - ux * s - uy * s * 0.45,
                tip[1] - uy * s + ux * s * 0.45,
            );
            ctx.line_to(
                tip[0] - ux * s + uy * s * 0.45,
                tip[1] - uy * s - ux * s * 0.45,
            );
            ctx.close_path();
            ctx.fill();
        }
        let lx = tip[0]
            + if d > 1e-9 {
                dx / d * 11.0 * dpr
            } else {
                11.0 * dpr
            };
        let ly = tip[1] + if d > 1e-9 { dy / d * 11.0 * dpr } else { 0.0 };
        let _ = ctx.fill_text(name, lx, ly);
    }
    ctx.restore();
}
