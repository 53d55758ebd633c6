//! `rotation`: a molecule rotated by drag, touch, arrow keys, Euler-angle or axis-angle sliders;
//! shows the 3×3 matrix, its determinant, the recovered Euler angles and the quaternion.
//!
//! Conventions (e3nn): R = R_y(α) R_x(β) R_y(γ) (`so3::angles_to_matrix`); a point p is drawn
//! at R p. The inversion checkbox applies −R (det −1), an improper rotation: a rotation followed
//! by the parity P = −1. All matrices come from `multiace_core::so3`.

use std::f64::consts::PI;

use leptos::html;
use leptos::prelude::*;
use multiace_core::so3::{
    angles_to_matrix, axis_angle_to_matrix, det, mat_mul, matrix_to_angles, matrix_to_axis_angle,
    Mat3, Quaternion, INVERSION,
};

use super::canvas::Painter;
use super::controls::{degrees, molecule_select, radians, RangeSlider, UPLOAD};
use super::frame::{write_url, WidgetFrame};
use super::orbit::{self, DragTracker};
use super::params::{fmt_f64, Params};
use super::upload::upload_control;
use super::view3d::camera::{compose, default_view, draw_axes, Camera};
use super::view3d::molecule::{builtin_xyz, first_frame, Molecule, MoleculePainter};

const MOLECULES: [&str; 4] = ["water", "methane", "ethanol", "benzene"];

fn xyz(name: &str) -> &'static str {
    builtin_xyz(name).unwrap_or_else(|| builtin_xyz("water").unwrap_or_default())
}

/// The description line (the second line) of a shipped molecule's file.
fn comment_line(name: &str) -> String {
    xyz(name)
        .lines()
        .nth(1)
        .unwrap_or_default()
        .trim()
        .to_string()
}

const IDENTITY: Mat3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

struct Scene {
    molecules: Vec<(&'static str, Result<Molecule, String>)>,
    /// The molecule from the reader's file, once one was loaded.
    uploaded: Option<Molecule>,
    painter: MoleculePainter,
    zoom: f64,
}

/// A unit axis from polar angle θ (from +y, the e3nn polar axis) and azimuth φ (from +z to +x).
fn axis_from(theta: f64, phi: f64) -> [f64; 3] {
    [
        theta.sin() * phi.sin(),
        theta.cos(),
        theta.sin() * phi.cos(),
    ]
}

/// R as the axis-angle sliders show it: ((θ from y, φ about y) of the axis, ω). The axis is
/// `None` at ω = 0, where any axis describes R.
fn axis_angle_sliders(m: &Mat3) -> (Option<(f64, f64)>, f64) {
    let (n, w) = matrix_to_axis_angle(m);
    let axis = (w.abs() > 1e-9).then(|| (n[1].clamp(-1.0, 1.0).acos(), n[0].atan2(n[2])));
    (axis, w)
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let mol0 = p.choice("molecule", "water", &MOLECULES);
    let a0 = p.float("alpha", 0.0, -2.0 * PI, 2.0 * PI);
    let b0 = p.float("beta", 0.0, -2.0 * PI, 2.0 * PI);
    let g0 = p.float("gamma", 0.0, -2.0 * PI, 2.0 * PI);
    let inv0 = p.flag("invert", false);
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();

    let r0 = angles_to_matrix(a0, b0, g0);
    let (axis0, angle0) = axis_angle_sliders(&r0);
    let r = RwSignal::new(r0);
    let euler = RwSignal::new((a0, b0, g0));
    let invert = RwSignal::new(inv0);
    let molecule = RwSignal::new(mol0);
    let axis = RwSignal::new(axis0.unwrap_or((PI / 2.0, PI / 2.0))); // default +x
    let angle = RwSignal::new(angle0);

    let shown = Memo::new(move |_| {
        let m = r.get();
        if invert.get() {
            mat_mul(&INVERSION, &m)
        } else {
            m
        }
    });
    let state = Signal::derive(move || {
        let (a, b, g) = euler.get();
        // a file of the reader's cannot live in a URL: leave the molecule out while one is shown
        let mol = match molecule.get() {
            UPLOAD => String::new(),
            name => format!("molecule={name}&"),
        };
        format!(
            "{mol}alpha={}&beta={}&gamma={}&invert={}{pass}",
            fmt_f64(a),
            fmt_f64(b),
            fmt_f64(g),
            u8::from(invert.get())
        )
    });
    let save = move || write_url(embedded, &state.get_untracked());

    let view_m = default_view();
    // Browser-side state lives in local (non-Send) stored values owned by this widget: the view
    // closures only copy their handles.
    let scene = StoredValue::new_local(Scene {
        molecules: MOLECULES
            .iter()
            .map(|n| {
                (
                    *n,
                    first_frame(xyz(n)).map(|s| Molecule::from_structure(&s)),
                )
            })
            .collect(),
        uploaded: None,
        painter: MoleculePainter::default(),
        zoom: 1.0,
    });
    let canvas = NodeRef::<html::Canvas>::new();
    let painter = StoredValue::new_local(Painter::new(canvas, dpr, move |f| {
        scene.try_update_value(|s| {
            let Scene {
                molecules,
                uploaded,
                painter,
                zoom,
            } = s;
            let name = molecule.get_untracked();
            let mol = if name == UPLOAD {
                uploaded.as_ref()
            } else {
                molecules
                    .iter()
                    .find(|(n, _)| *n == name)
                    .and_then(|(_, m)| m.as_ref().ok())
            };
            let Some(mol) = mol else {
                return;
            };
            let mut cam = Camera::fit(f.width, f.height, mol.extent.max(1.6), view_m);
            cam.scale *= *zoom;
            let m = shown.get_untracked();
            let color = f.text_color();
            draw_axes(
                f.ctx,
                &cam,
                &IDENTITY,
                mol.extent.max(1.6) * 1.05,
                &color,
                f.dpr,
            );
            painter.draw(f.ctx, &cam, mol, &m);
        });
    }));
    let redraw = move || {
        painter.try_with_value(Painter::request);
    };
    Effect::new(move |_| {
        shown.track();
        molecule.track();
        redraw();
    });

    // Any change that is not an Euler slider: recover the angles for the sliders.
    let set_r = move |m: Mat3| {
        r.set(m);
        euler.set(matrix_to_angles(&m));
    };
    // Drags, keys and Euler sliders move R directly: show the same R as an axis and an angle.
    // At ω = 0 the axis is undefined, so the reader's last axis stays.
    let show_axis_angle = move |m: &Mat3| {
        let (n, w) = axis_angle_sliders(m);
        if let Some(n) = n {
            axis.set(n);
        }
        angle.set(w);
    };
    let drag = StoredValue::new_local(DragTracker::default());
    let on_down = move |ev: web_sys::PointerEvent| {
        drag.try_update_value(|d| d.down(&ev));
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        if let Some(dr) = drag.try_update_value(|d| d.moved(&ev, &view_m)).flatten() {
            let m = compose(&dr, &r.get_untracked());
            set_r(m);
            show_axis_angle(&m);
        }
    };
    let on_up = move |ev: web_sys::PointerEvent| {
        if drag.try_update_value(|d| d.up(&ev)).unwrap_or(false) {
            save();
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if let Some(dr) = orbit::key(&ev, &view_m) {
            let m = compose(&dr, &r.get_untracked());
            set_r(m);
            show_axis_angle(&m);
            save();
        }
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        if let Some(z) = orbit::wheel_zoom(&ev) {
            scene.try_update_value(|s| s.zoom = (s.zoom * z).clamp(0.4, 4.0));
            redraw();
        }
    };

    let apply_axis_angle = move || {
        let (t, ph) = axis.get_untracked();
        set_r(axis_angle_to_matrix(
            axis_from(t, ph),
            angle.get_untracked(),
        ));
    };
    let euler_slider = move |k: usize, label: &'static str, min: f64, max: f64| {
        view! {
            <RangeSlider label min max format=radians
                value=Signal::derive(move || {
                    let e = euler.get();
                    [e.0, e.1, e.2][k]
                })
                on_input=move |v| {
                    let mut e = euler.get_untracked();
                    match k { 0 => e.0 = v, 1 => e.1 = v, _ => e.2 = v }
                    euler.set(e);
                    let m = angles_to_matrix(e.0, e.1, e.2);
                    r.set(m);
                    show_axis_angle(&m);
                }
                on_change=move |_| save() />
        }
    };
    let axis_slider = move |k: usize, label: &'static str, min: f64, max: f64| {
        view! {
            <RangeSlider label min max format=degrees
                value=Signal::derive(move || {
                    let a = axis.get();
                    if k == 0 { a.0 } else { a.1 }
                })
                on_input=move |v| {
                    axis.update(|a| if k == 0 { a.0 = v } else { a.1 = v });
                    apply_axis_angle();
                }
                on_change=move |_| save() />
        }
    };
    let preset = move |label: &'static str, t: f64, ph: f64| {
        view! {
            <button type="button" class="chip" on:click=move |_| {
                axis.set((t, ph));
                apply_axis_angle();
                save();
            }>{label}</button>
        }
    };

    // The reader's own molecule: shown at once, listed in the selector under its file's name.
    let upload_name = RwSignal::new(None::<String>);
    let on_upload = Callback::new(move |st: multiace_core::structure::Structure| {
        let mol = Molecule::from_structure(&st);
        let label = if mol.name.is_empty() {
            format!("your file ({} atoms)", st.len())
        } else {
            mol.name.chars().take(40).collect()
        };
        scene.try_update_value(|s| s.uploaded = Some(mol));
        upload_name.set(Some(label));
        molecule.set(UPLOAD);
        redraw();
        save();
    });

    let matrix_rows = move || {
        let m = shown.get();
        m.iter()
            .map(|row| {
                view! { <tr>{row.iter().map(|v| view! { <td>{format!("{:.4}", v + 0.0)}</td> }).collect_view()}</tr> }
            })
            .collect_view()
    };

    view! {
        <WidgetFrame name="rotation" title="Rotating a molecule" notices=notices state=state>
            <div class="widget-row">
                <div class="widget-canvas-wrap">
                    <canvas node_ref=canvas class="view3d" tabindex="0"
                        role="img"
                        aria-label=move || {
                            let shown = if molecule.get() == UPLOAD { "your molecule" } else { molecule.get() };
                            let how = if invert.get() { "rotated and inverted by −R" } else { "rotated by R" };
                            format!("3D view of {shown}, {how} (the matrix beside it); drag to rotate, arrow keys rotate when focused, Escape leaves")
                        }
                        on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                        on:pointercancel=on_up on:keydown=on_key on:wheel=on_wheel></canvas>
                    <p class="widget-hint">"Drag (or touch) to rotate · click, then arrow keys ±5° · wheel zooms after a click"</p>
                    <p class="widget-hint rot-note" data-testid="rotation-note">{move || {
                        let name = molecule.get();
                        scene
                            .try_with_value(|s| {
                                if name == UPLOAD {
                                    return s.uploaded.as_ref().map(|m| m.name.clone());
                                }
                                s.molecules.iter().find(|(n, _)| *n == name).map(|(n, m)| match m {
                                    // the file's own comment line: a comment with `key=value`
                                    // pairs has no free-text name once read as extended XYZ
                                    Ok(_) => comment_line(n),
                                    Err(e) => e.clone(),
                                })
                            })
                            .flatten()
                    }}</p>
                </div>
                <div class="widget-readout">
                    <div class="readout-block">
                        <span class="readout-label">{move || if invert.get() { "matrix −R (improper)" } else { "rotation matrix R" }}</span>
                        <table class="matrix" data-testid="rotation-matrix"><tbody>{matrix_rows}</tbody></table>
                    </div>
                    <p class="readout rot-det">"det = "
                        <span data-testid="rotation-det">{move || format!("{:.3}", det(&shown.get()) + 0.0)}</span>
                        {move || if invert.get() { " — an improper rotation (rotation × inversion): handedness flips" } else { " — a proper rotation" }}
                    </p>
                    <p class="readout">"Euler (e3nn Y-X-Y) α, β, γ = "
                        {move || { let (a, b, g) = matrix_to_angles(&r.get()); format!("{:.3}, {:.3}, {:.3} rad", a, b, g) }}
                    </p>
                    <p class="readout">"quaternion (w, x, y, z) = "
                        {move || { let q = Quaternion::from_matrix(&r.get()); format!("({:.4}, {:.4}, {:.4}, {:.4})", q.w, q.x, q.y, q.z) }}
                    </p>
                    <p class="readout">"axis–angle: "
                        {move || { let (a, w) = matrix_to_axis_angle(&r.get()); format!("n = ({:.3}, {:.3}, {:.3}), ω = {}", a[0], a[1], a[2], degrees(w)) }}
                    </p>
                    // kept in the layout when hidden, so the inversion toggle moves nothing
                    <p class="readout small" class:invisible=move || !invert.get() aria-hidden=move || (!invert.get()).to_string()>
                        "Shown: −R = P·R with P = −I (parity). Euler angles, quaternion and axis–angle describe R."
                    </p>
                </div>
            </div>
            <div class="widget-controls">
                <label class="ctl">
                    <span class="ctl-name">"molecule"</span>
                    {molecule_select(molecule, &MOLECULES, Some(upload_name), "", move |n| {
                        molecule.set(n);
                        save();
                    })}
                </label>
                {upload_control(on_upload)}
                <fieldset class="ctl-group">
                    <legend>"Euler angles: R = Ry(α) Rx(β) Ry(γ)"</legend>
                    {euler_slider(0, "α", -PI, PI)}
                    {euler_slider(1, "β", 0.0, PI)}
                    {euler_slider(2, "γ", -PI, PI)}
                </fieldset>
                <fieldset class="ctl-group">
                    <legend>"Axis–angle: R = rotation by ω about n"</legend>
                    <div class="chips">"axis: " {preset("x", PI / 2.0, PI / 2.0)} {preset("y", 0.0, 0.0)} {preset("z", PI / 2.0, 0.0)}</div>
                    {axis_slider(0, "n: θ from y", 0.0, PI)}
                    {axis_slider(1, "n: φ about y", -PI, PI)}
                    <RangeSlider label="$ω$" min=-PI max=PI format=degrees
                        value=Signal::derive(move || angle.get())
                        on_input=move |v| {
                            angle.set(v);
                            apply_axis_angle();
                        }
                        on_change=move |_| save() />
                </fieldset>
                <div class="ctl-line">
                    <label class="ctl-check">
                        <input type="checkbox" prop:checked=move || invert.get() on:change=move |ev| {
                            invert.set(event_target_checked(&ev));
                            save();
                        } />
                        " inversion (apply −R)"
                    </label>
                    <button type="button" class="reset" on:click=move |_| {
                        set_r(IDENTITY);
                        invert.set(false);
                        angle.set(0.0);
                        scene.try_update_value(|s| s.zoom = 1.0);
                        redraw();
                        save();
                    }>"reset"</button>
                </div>
            </div>
        </WidgetFrame>
    }
    .into_any()
}
