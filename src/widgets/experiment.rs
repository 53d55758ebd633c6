//! `experiment`: the book's own ν × T experiment — six MACE models trained with mace-torch on the
//! GFN2-xTB ethanol data, differing only in the correlation order ν and the number of layers T
//! (`tools/train_design_experiment.sh`). The widget reads `experiments/design_ethanol.json`, shows
//! a table (ν, T, body order of the features and of the energy, parameters, train time, test RMSE and MAE of energies and forces) and
//! a plotters chart of the test RMSE against ν, one line per T (log scale when the errors span more
//! than a factor of eight); `metric` = forces | energy chooses what is plotted.
//!
//! The data are labelled for what they are: our reproduction, on our data, not the paper's
//! benchmark, with the command and the versions from the file. A file marked `"placeholder": true`
//! shows a banner; a missing or malformed file shows an error in the widget (the page goes on).
//!
//! Hover or click a table row or a point (or focus the chart and use the arrow keys) to select a
//! run: the point is ringed and its numbers are spelled out under the chart.

use leptos::html;
use leptos::prelude::*;
use multiace_figures::{draw_experiment, t_color};
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;

use super::canvas::{Frame, Painter};
use super::frame::{write_url, DevNotes, WidgetFrame};
use super::params::Params;
use crate::util::fetch_text;
use multiace_core::multiace::{
    parse_experiment, BodyOrder, ErrorMetric as Metric, Experiment, Metrics, Run,
};

/// Where the results live, relative to the site's base path.
const DATA_URL: &str = "/experiments/design_ethanol.json";
/// The label the brief of the experiment asks for, shown above everything else.
const LABEL: &str =
    "our reproduction with mace-torch on the book's GFN2-xTB ethanol data — not the paper's benchmark";
/// The swatch colour of T, as the chart draws it.
fn t_css(t: usize) -> String {
    let c = t_color(t);
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

async fn load() -> Result<Experiment, String> {
    let text = fetch_text(DATA_URL).await?;
    parse_experiment(&text).map_err(|e| format!("{}: {e}", DATA_URL.trim_start_matches('/')))
}

/// "12,345".
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An error in meV with three significant digits.
fn fmt_err(x: f64) -> String {
    if !x.is_finite() {
        "–".into()
    } else if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn fmt_opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map_or_else(|| "–".to_string(), f)
}

/// Where the points were drawn (device pixels) and which run each is.
#[derive(Clone, Debug, Default)]
struct PlotGeom {
    points: Vec<(f64, f64, usize)>,
}

/// The chart (`multiace_figures::draw_experiment`) on the widget's canvas.
fn draw_plot(
    f: &Frame,
    exp: &Experiment,
    metric: Metric,
    selected: Option<usize>,
) -> Result<PlotGeom, String> {
    let backend = CanvasBackend::with_canvas_object(f.canvas.clone())
        .ok_or_else(|| "no canvas".to_string())?;
    let points = draw_experiment(
        &backend.into_drawing_area(),
        exp,
        metric,
        selected,
        &f.fig_style(),
    )?;
    Ok(PlotGeom { points })
}

/// The energy's body order: "4" for a one-layer ν = 3 model (linear readout), "unbounded" after a
/// non-linear last readout.
fn energy_text(r: &Run) -> String {
    match r.energy_body_order() {
        BodyOrder::Finite(n) => n.to_string(),
        BodyOrder::Unbounded => "unbounded".into(),
    }
}

/// The sentence about the selected run.
fn describe(r: &Run, metric: Metric) -> String {
    let body = fmt_opt(r.body_order, |b| format!(", body order {b} (features)"));
    let energy = energy_text(r);
    let params = fmt_opt(r.parameters, |p| format!("{} parameters", thousands(p)));
    let time = fmt_opt(r.train_seconds, |s| format!("trained in {s:.0} s"));
    format!(
        "ν = {}, T = {}{body}, {energy} (energy): test {} RMSE {} {u}, MAE {} {u} · {params} · {time}",
        r.correlation,
        r.num_interactions,
        metric.key(),
        fmt_err(metric.rmse(&r.test)),
        fmt_err(metric.mae(&r.test)),
        u = metric.unit(),
    )
}

/// The widget.
pub fn view(query: &str, embedded: bool) -> AnyView {
    let mut p = Params::parse(query);
    let metric0 = match p.choice("metric", "forces", &["forces", "energy"]) {
        "energy" => Metric::Energy,
        _ => Metric::Forces,
    };
    let dpr = p.dpr();
    let pass = p.passthrough();
    let notices = p.notices();

    let metric = RwSignal::new(metric0);
    let data = RwSignal::new(None::<Result<Experiment, String>>);
    let selected = RwSignal::new(None::<usize>);
    let geom = StoredValue::new(PlotGeom::default());
    let plot_error = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        let r = load().await;
        let _ = data.try_set(Some(r));
    });

    let state = Signal::derive(move || format!("metric={}{pass}", metric.get().key()));
    let save = move || write_url(embedded, &state.get_untracked());

    let canvas = NodeRef::<html::Canvas>::new();
    let painter = StoredValue::new_local(Painter::new(canvas, dpr, move |f| {
        let m = metric.get_untracked();
        let sel = selected.get_untracked();
        data.with_untracked(|d| {
            if let Some(Ok(exp)) = d {
                match draw_plot(f, exp, m, sel) {
                    Ok(g) => {
                        geom.set_value(g);
                        if plot_error.get_untracked().is_some() {
                            plot_error.set(None);
                        }
                    }
                    Err(e) => plot_error.set(Some(e)),
                }
            }
        });
    }));
    Effect::new(move |_| {
        metric.track();
        selected.track();
        data.track();
        painter.with_value(Painter::request);
    });

    let set_metric = move |m: Metric| {
        if metric.get_untracked() != m {
            metric.set(m);
            save();
        }
    };
    let n_runs = move || {
        data.with_untracked(|d| {
            d.as_ref()
                .map_or(0, |r| r.as_ref().map_or(0, |e| e.runs.len()))
        })
    };

    // pointer on the chart: the nearest point within 24 CSS pixels
    let point_at = move |ev: &web_sys::MouseEvent| -> Option<usize> {
        let el = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlCanvasElement>().ok())?;
        let k = el.width() as f64 / (el.client_width() as f64).max(1.0);
        let (x, y) = (ev.offset_x() as f64 * k, ev.offset_y() as f64 * k);
        geom.with_value(|g| {
            g.points
                .iter()
                .map(|&(px, py, run)| ((px - x).hypot(py - y), run))
                .filter(|(d, _)| *d < 24.0 * k)
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, run)| run)
        })
    };
    let on_plot_move = move |ev: web_sys::PointerEvent| {
        if let Some(i) = point_at(&ev) {
            if selected.get_untracked() != Some(i) {
                selected.set(Some(i));
            }
        }
    };
    let on_plot_click = move |ev: web_sys::MouseEvent| {
        if let Some(i) = point_at(&ev) {
            selected.set(Some(i));
        }
    };
    let on_plot_key = move |ev: web_sys::KeyboardEvent| {
        let n = n_runs();
        if n == 0 {
            return;
        }
        let cur = selected.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => cur.map_or(0, |c| (c + 1).min(n - 1)),
            "ArrowLeft" | "ArrowUp" => cur.map_or(0, |c| c.saturating_sub(1)),
            "Home" => 0,
            "End" => n - 1,
            "e" | "E" => {
                set_metric(Metric::Energy);
                return;
            }
            "f" | "F" => {
                set_metric(Metric::Forces);
                return;
            }
            "Escape" => {
                if let Some(el) = ev
                    .current_target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = el.blur();
                }
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        selected.set(Some(next));
    };

    let header = move || {
        let d = data.get()?;
        let exp = d.ok()?;
        let banner = exp.placeholder.then(|| {
            view! {
                <p class="exp-banner" role="status" data-testid="exp-placeholder">
                    "placeholder data: the experiment has not been run yet"
                </p>
            }
        });
        let versions = exp
            .versions
            .iter()
            .map(|(k, v)| format!("{} {v}", k.replace('_', "-")))
            .collect::<Vec<_>>()
            .join(" · ");
        let d = &exp.data;
        let split = format!(
            "{} training / {} validation / {} test structures",
            fmt_opt(d.n_train, |n| n.to_string()),
            fmt_opt(d.n_valid, |n| n.to_string()),
            fmt_opt(d.n_test, |n| n.to_string()),
        );
        let settings = exp
            .settings
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        let data_line = format!("Data: {split}, {}", d.level_of_theory);
        let files = (!d.train.is_empty()).then(|| (d.train.clone(), d.test.clone()));
        let (description, command) = (exp.description.clone(), exp.command.clone());
        Some(view! {
            {banner}
            <div class="exp-source" data-testid="exp-source">
                <DevNotes>
                    <p class="readout small">{description}</p>
                    <p class="readout small">
                        {data_line}
                        {files.map(|(train, test)| view! { " (" <code>{train}</code> ", " <code>{test}</code> ")" })}
                    </p>
                    <p class="readout small">"Command: "<code data-testid="exp-command">{command}</code></p>
                    <p class="readout small" data-testid="exp-versions">{format!("Versions: {versions}")}</p>
                    {(!settings.is_empty()).then(|| view! { <p class="readout small">{format!("Same for every run: {settings}")}</p> })}
                </DevNotes>
            </div>
        })
    };

    let table = move || {
        let d = data.get()?;
        let exp = d.ok()?;
        let m = metric.get();
        let sel = selected.get();
        let (fc, ec) = match m {
            Metric::Forces => ("exp-metric", ""),
            Metric::Energy => ("", "exp-metric"),
        };
        let rows = exp
            .runs
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let t = &r.test;
                view! {
                    <tr data-testid="exp-row" data-nu=r.correlation.to_string() data-t=r.num_interactions.to_string()
                        data-rmse-f=format!("{:e}", t.rmse_f) data-rmse-e=format!("{:e}", t.rmse_e)
                        class:selected=sel == Some(k)
                        on:pointerenter=move |_| selected.set(Some(k))
                        on:click=move |_| selected.set(Some(k))>
                        <td class="num">{r.correlation.to_string()}</td>
                        <td class="num"><span class="swatch" style=format!("background:{}", t_css(r.num_interactions))></span>{r.num_interactions.to_string()}</td>
                        <td class="num">{fmt_opt(r.body_order, |b| b.to_string())}</td>
                        <td class="num" data-testid="exp-energy-body">{energy_text(r)}</td>
                        <td class="num">{fmt_opt(r.parameters, thousands)}</td>
                        <td class="num">{fmt_opt(r.train_seconds, |s| format!("{s:.0}"))}</td>
                        <td class=format!("num {ec}")>{fmt_err(t.rmse_e)}</td>
                        <td class=format!("num {ec}")>{fmt_err(t.mae_e)}</td>
                        <td class=format!("num {fc}")>{fmt_err(t.rmse_f)}</td>
                        <td class=format!("num {fc}")>{fmt_err(t.mae_f)}</td>
                    </tr>
                }
            })
            .collect_view();
        let splits = exp
            .runs
            .iter()
            .map(|r| {
                let cell = |s: Option<&Metrics>| {
                    fmt_opt(s, |s| {
                        format!(
                            "{} / {}",
                            fmt_err(m.rmse(s)),
                            fmt_err(m.mae(s))
                        )
                    })
                };
                view! {
                    <tr>
                        <td class="num">{format!("ν = {}, T = {}", r.correlation, r.num_interactions)}</td>
                        <td class="num">{cell(r.train.as_ref())}</td>
                        <td class="num">{cell(r.valid.as_ref())}</td>
                        <td class="num">{cell(Some(&r.test))}</td>
                        <td class="num">{fmt_opt(r.epochs, |e| e.to_string())}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <div class="arch-table-wrap">
                <table class="exp-table" data-testid="exp-table" data-metric=m.key()>
                    <caption>"errors on the test set; the plotted metric is highlighted"</caption>
                    <thead>
                        <tr>
                            <th scope="col"><i>"ν"</i></th>
                            <th scope="col"><i>"T"</i></th>
                            <th scope="col">"body order,"<br/>"features"</th>
                            <th scope="col">"body order,"<br/>"energy"</th>
                            <th scope="col">"parameters"</th>
                            <th scope="col">"train time"<br/>"(s)"</th>
                            <th scope="col" class=ec>"E RMSE"<br/>"(meV/atom)"</th>
                            <th scope="col" class=ec>"E MAE"<br/>"(meV/atom)"</th>
                            <th scope="col" class=fc>"F RMSE"<br/>"(meV/Å)"</th>
                            <th scope="col" class=fc>"F MAE"<br/>"(meV/Å)"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <details class="exp-details">
                <summary>{format!("train, validation and test {} errors (RMSE / MAE, {})", m.key(), m.unit())}</summary>
                <div class="arch-table-wrap">
                    <table class="exp-table">
                        <thead><tr><th scope="col">"run"</th><th scope="col">"train"</th><th scope="col">"validation"</th><th scope="col">"test"</th><th scope="col">"epochs"</th></tr></thead>
                        <tbody>{splits}</tbody>
                    </table>
                </div>
            </details>
        })
    };

    let legend = move || {
        let d = data.get()?;
        let exp = d.ok()?;
        let mut ts: Vec<usize> = exp.runs.iter().map(|r| r.num_interactions).collect();
        ts.sort_unstable();
        ts.dedup();
        Some(view! {
            <div class="legend" data-testid="exp-legend">
                {ts.into_iter().map(|t| view! {
                    <span><span class="swatch" style=format!("background:{}", t_css(t))></span>
                        {format!("T = {t} layer{}", if t == 1 { "" } else { "s" })}</span>
                }).collect_view()}
            </div>
        })
    };

    let selected_line = move || {
        let d = data.get()?;
        let exp = d.ok()?;
        let r = exp.runs.get(selected.get()?)?;
        Some(
            view! { <p class="readout" data-testid="exp-selected">{describe(r, metric.get())}</p> },
        )
    };

    let loaded = move || data.with(|d| matches!(d, Some(Ok(_))));
    let chip = move |m: Metric, text: &'static str| {
        view! {
            <button type="button" class="chip" data-testid=format!("exp-metric-{}", m.key())
                aria-pressed=move || (metric.get() == m).to_string()
                on:click=move |_| set_metric(m)>{text}</button>
        }
    };

    view! {
        <WidgetFrame name="experiment" title="Correlation order and layers: our ν × T experiment" notices=notices state=state>
            <p class="exp-label" data-testid="exp-label"><strong>{LABEL}</strong></p>
            {move || data.with(Option::is_none).then(|| view! {
                <p class="readout small" data-testid="exp-loading" role="status">"loading the results…"</p>
            })}
            {move || data.get().and_then(Result::err).map(|e| view! {
                <p class="widget-error" role="alert" data-testid="exp-error">{e}</p>
            })}
            {header}
            <div class="widget-controls exp-controls" role="group" aria-label="plotted quantity">
                <span class="ctl-name">"plot"</span>
                <div class="chips">
                    {chip(Metric::Forces, "forces")}
                    {chip(Metric::Energy, "energy")}
                </div>
            </div>
            <div class="exp-plot-wrap" class:hidden=move || !loaded()>
                <canvas role="img" node_ref=canvas class="plot exp-plot" tabindex="0" data-testid="exp-plot"
                    data-metric=move || metric.get().key()
                    aria-label=move || format!("{} against the correlation order ν, one line per number of layers T. Arrow keys select a run; E and F switch the metric.", metric.get().axis())
                    on:pointermove=on_plot_move on:click=on_plot_click on:keydown=on_plot_key></canvas>
            </div>
            {legend}
            {selected_line}
            {move || plot_error.get().map(|e| view! { <p class="widget-error" role="alert">{e}</p> })}
            {table}
            <p class="widget-hint">"Hover or click a row or a point to select a run; with the chart focused, ← / → step through the runs and E / F switch the metric."</p>
        </WidgetFrame>
    }
    .into_any()
}
