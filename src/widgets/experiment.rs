//! `experiment`: the book's own ν × T experiment — six MACE models trained with mace-torch on the
//! GFN2-xTB ethanol data, differing only in the correlation order ν and the number of layers T
//! (`tools/train_design_experiment.sh`). The widget reads `experiments/design_ethanol.json`, shows
//! a table (ν, T, body order, parameters, train time, test RMSE and MAE of energies and forces) and
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
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::canvas::{Frame, Painter};
use super::frame::{write_url, WidgetFrame};
use super::params::{fmt_f64, Params};
use data::{parse_experiment, Experiment, Metrics, Run};

/// Where the results live, relative to the site's base path.
const DATA_URL: &str = "/experiments/design_ethanol.json";
/// The label the brief of the experiment asks for, shown above everything else.
const LABEL: &str =
    "our reproduction with mace-torch on the book's GFN2-xTB ethanol data — not the paper's benchmark";
/// One colour per number of layers T (Okabe–Ito: blue, orange, green, purple).
const T_COLORS: [RGBColor; 4] = [
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xcc, 0x79, 0xa7),
];
const T_CSS: [&str; 4] = ["#0072b2", "#e69f00", "#009e73", "#cc79a7"];

/// The plotted quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Metric {
    Forces,
    Energy,
}

impl Metric {
    fn key(self) -> &'static str {
        match self {
            Metric::Forces => "forces",
            Metric::Energy => "energy",
        }
    }

    fn rmse(self, m: &Metrics) -> f64 {
        match self {
            Metric::Forces => m.rmse_f,
            Metric::Energy => m.rmse_e,
        }
    }

    fn mae(self, m: &Metrics) -> f64 {
        match self {
            Metric::Forces => m.mae_f,
            Metric::Energy => m.mae_e,
        }
    }

    fn axis(self) -> &'static str {
        match self {
            Metric::Forces => "test force RMSE (meV/Å)",
            Metric::Energy => "test energy RMSE (meV/atom)",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Metric::Forces => "meV/Å",
            Metric::Energy => "meV/atom",
        }
    }
}

/// The colour index of T (1-based).
fn t_index(t: usize) -> usize {
    t.saturating_sub(1) % T_COLORS.len()
}

async fn fetch_text(path: &str) -> Result<String, String> {
    let url = crate::util::path(path);
    let fail = |why: String| format!("could not load {}: {why}", path.trim_start_matches('/'));
    let js_msg = |e: wasm_bindgen::JsValue| e.as_string().unwrap_or_else(|| "network error".into());
    let resp = JsFuture::from(window().fetch_with_str(&url))
        .await
        .map_err(|e| fail(js_msg(e)))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| fail("no response".into()))?;
    if !resp.ok() {
        return Err(fail(format!("HTTP {}", resp.status())));
    }
    let text = JsFuture::from(resp.text().map_err(|e| fail(js_msg(e)))?)
        .await
        .map_err(|e| fail(js_msg(e)))?;
    text.as_string().ok_or_else(|| fail("not text".into()))
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

/// The chart: test RMSE of `metric` against ν, one line per T.
fn draw_plot(
    f: &Frame,
    exp: &Experiment,
    metric: Metric,
    selected: Option<usize>,
) -> Result<PlotGeom, String> {
    let backend = CanvasBackend::with_canvas_object(f.canvas.clone())
        .ok_or_else(|| "no canvas".to_string())?;
    let area = backend.into_drawing_area();
    let style = f.fig_style();
    let label = ("sans-serif", style.font(12.0))
        .into_font()
        .color(&style.text);
    let vals: Vec<f64> = exp
        .runs
        .iter()
        .map(|r| metric.rmse(&r.test))
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let (lo, hi) = vals
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if !(lo.is_finite() && hi.is_finite()) {
        return Err("no positive errors to plot".into());
    }
    let nu_max = exp.runs.iter().map(|r| r.correlation).max().unwrap_or(1);
    let x_range = 0.6..(nu_max as f64 + 0.4);
    let mut ts: Vec<usize> = exp.runs.iter().map(|r| r.num_interactions).collect();
    ts.sort_unstable();
    ts.dedup();
    let mut geom = PlotGeom::default();
    let x_fmt = |v: &f64| {
        if (v - v.round()).abs() < 1e-6 {
            format!("{}", v.round())
        } else {
            String::new()
        }
    };
    let width = style.px(2.0).max(1) as u32;
    let radius = style.px(4.5).max(2);
    macro_rules! series {
        ($chart:expr) => {{
            for &t in &ts {
                let color = T_COLORS[t_index(t)];
                let mut pts: Vec<(f64, f64, usize)> = exp
                    .runs
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.num_interactions == t)
                    .map(|(k, r)| (r.correlation as f64, metric.rmse(&r.test), k))
                    .filter(|(_, v, _)| v.is_finite() && *v > 0.0)
                    .collect();
                pts.sort_by(|a, b| a.0.total_cmp(&b.0));
                let _ = $chart.draw_series(LineSeries::new(
                    pts.iter().map(|p| (p.0, p.1)),
                    color.stroke_width(width),
                ));
                let _ = $chart.draw_series(
                    pts.iter()
                        .map(|p| Circle::new((p.0, p.1), radius, color.filled())),
                );
                for p in &pts {
                    let (px, py) = $chart.backend_coord(&(p.0, p.1));
                    geom.points.push((px as f64, py as f64, p.2));
                }
                // the label of the line, right of its last point
                if let Some(last) = pts.last() {
                    let (px, py) = $chart.backend_coord(&(last.0, last.1));
                    let _ = area.draw(&Text::new(
                        format!("T = {t}"),
                        (px + style.px(9.0), py - style.px(7.0)),
                        ("sans-serif", style.font(12.0)).into_font().color(&color),
                    ));
                }
            }
            if let Some(r) = selected.and_then(|k| exp.runs.get(k)) {
                let v = metric.rmse(&r.test);
                if v.is_finite() && v > 0.0 {
                    let _ = $chart.draw_series(std::iter::once(Circle::new(
                        (r.correlation as f64, v),
                        radius + style.px(4.0),
                        style.text.stroke_width(width),
                    )));
                }
            }
        }};
    }
    let log = hi / lo > 8.0;
    if log {
        let mut chart = ChartBuilder::on(&area)
            .margin(style.px(8.0))
            .margin_right(style.px(48.0))
            .x_label_area_size(style.px(40.0))
            .y_label_area_size(style.px(58.0))
            .build_cartesian_2d(x_range, (lo / 1.5..hi * 1.5).log_scale())
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .bold_line_style(style.muted.mix(0.25))
            .light_line_style(TRANSPARENT)
            .x_label_style(label.clone())
            .y_label_style(label.clone())
            .axis_style(style.muted)
            .axis_desc_style(label.clone())
            .x_desc("correlation order ν")
            .y_desc(format!("{} · log scale", metric.axis()))
            .x_labels(nu_max + 1)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&|v| fmt_f64(*v))
            .draw()
            .map_err(|e| e.to_string())?;
        series!(chart);
    } else {
        let mut chart = ChartBuilder::on(&area)
            .margin(style.px(8.0))
            .margin_right(style.px(48.0))
            .x_label_area_size(style.px(40.0))
            .y_label_area_size(style.px(58.0))
            .build_cartesian_2d(x_range, 0.0..hi * 1.15)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .bold_line_style(style.muted.mix(0.25))
            .light_line_style(TRANSPARENT)
            .x_label_style(label.clone())
            .y_label_style(label.clone())
            .axis_style(style.muted)
            .axis_desc_style(label.clone())
            .x_desc("correlation order ν")
            .y_desc(metric.axis())
            .x_labels(nu_max + 1)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&|v| fmt_f64(*v))
            .draw()
            .map_err(|e| e.to_string())?;
        series!(chart);
    }
    Ok(geom)
}

/// The sentence about the selected run.
fn describe(r: &Run, metric: Metric) -> String {
    let body = fmt_opt(r.body_order, |b| format!(", body order {b}"));
    let params = fmt_opt(r.parameters, |p| format!("{} parameters", thousands(p)));
    let time = fmt_opt(r.train_seconds, |s| format!("trained in {s:.0} s"));
    format!(
        "ν = {}, T = {}{body}: test {} RMSE {} {u}, MAE {} {u} · {params} · {time}",
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
        Some(view! {
            {banner}
            <div class="exp-source" data-testid="exp-source">
                <p class="readout small">{exp.description.clone()}</p>
                <p class="readout small">
                    {format!("Data: {split}, {}", d.level_of_theory)}
                    {(!d.train.is_empty()).then(|| view! { " (" <code>{d.train.clone()}</code> ", " <code>{d.test.clone()}</code> ")" })}
                </p>
                <p class="readout small">"Command: "<code data-testid="exp-command">{exp.command.clone()}</code></p>
                <p class="readout small" data-testid="exp-versions">{format!("Versions: {versions}")}</p>
                {(!settings.is_empty()).then(|| view! { <p class="readout small">{format!("Same for every run: {settings}")}</p> })}
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
                        <td class="num"><span class="swatch" style=format!("background:{}", T_CSS[t_index(r.num_interactions)])></span>{r.num_interactions.to_string()}</td>
                        <td class="num">{fmt_opt(r.body_order, |b| b.to_string())}</td>
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
                            <th scope="col">"body"<br/>"order"</th>
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
                    <span><span class="swatch" style=format!("background:{}", T_CSS[t_index(t)])></span>
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
        <WidgetFrame name="experiment" title="Correlation order and layers: our ν × T experiment" notices=notices state=state height=900>
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
                <canvas node_ref=canvas class="plot exp-plot" tabindex="0" data-testid="exp-plot"
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

/// Reading `design_ethanol.json` with serde (serde_json's errors give the line and column), then
/// the checks of the schema: every run needs ν, T and its test errors; the rest is shown when present.
mod data {
    use serde::Deserialize;
    use serde_json::{Map, Value};

    /// Most runs shown.
    const MAX_RUNS: usize = 200;

    /// Energy and force errors of one split (meV/atom, meV/Å).
    #[derive(Clone, Debug, PartialEq, Deserialize)]
    pub struct Metrics {
        #[serde(rename = "rmse_e_meV_per_atom")]
        pub rmse_e: f64,
        #[serde(rename = "rmse_f_meV_per_A")]
        pub rmse_f: f64,
        #[serde(rename = "mae_e_meV_per_atom")]
        pub mae_e: f64,
        #[serde(rename = "mae_f_meV_per_A")]
        pub mae_f: f64,
    }

    /// One trained model.
    #[derive(Clone, Debug, PartialEq, Deserialize)]
    pub struct Run {
        pub correlation: usize,
        pub num_interactions: usize,
        pub body_order: Option<usize>,
        pub parameters: Option<u64>,
        pub train_seconds: Option<f64>,
        pub epochs: Option<usize>,
        pub train: Option<Metrics>,
        pub valid: Option<Metrics>,
        pub test: Metrics,
    }

    /// Where the data came from.
    #[derive(Clone, Debug, Default, PartialEq, Deserialize)]
    #[serde(default)]
    pub struct DataInfo {
        pub train: String,
        pub test: String,
        pub n_train: Option<u64>,
        pub n_valid: Option<u64>,
        pub n_test: Option<u64>,
        pub level_of_theory: String,
    }

    #[derive(Deserialize)]
    struct File {
        #[serde(default)]
        placeholder: bool,
        #[serde(default)]
        description: String,
        #[serde(default)]
        command: String,
        #[serde(default)]
        versions: Map<String, Value>,
        #[serde(default)]
        data: DataInfo,
        #[serde(default)]
        settings: Map<String, Value>,
        runs: Vec<Run>,
    }

    /// The whole file.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Experiment {
        pub placeholder: bool,
        pub description: String,
        pub command: String,
        pub versions: Vec<(String, String)>,
        pub data: DataInfo,
        pub settings: Vec<(String, String)>,
        pub runs: Vec<Run>,
    }

    fn pairs(map: Map<String, Value>) -> Vec<(String, String)> {
        map.into_iter()
            .map(|(k, v)| {
                let shown = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, shown)
            })
            .collect()
    }

    fn check(m: &Metrics, at: &str) -> Result<(), String> {
        for (key, v) in [
            ("rmse_e_meV_per_atom", m.rmse_e),
            ("rmse_f_meV_per_A", m.rmse_f),
            ("mae_e_meV_per_atom", m.mae_e),
            ("mae_f_meV_per_A", m.mae_f),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!("{at}.{key}: expected a number ≥ 0, found {v}"));
            }
        }
        Ok(())
    }

    /// Reads `design_ethanol.json` (schema in tools/README.md).
    pub fn parse_experiment(text: &str) -> Result<Experiment, String> {
        let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if file.runs.is_empty() {
            return Err("runs: the list is empty".into());
        }
        if file.runs.len() > MAX_RUNS {
            return Err(format!(
                "runs: {} runs; at most {MAX_RUNS} are shown",
                file.runs.len()
            ));
        }
        for (k, r) in file.runs.iter().enumerate() {
            let at = format!("runs[{k}]");
            for (key, v) in [
                ("correlation", r.correlation),
                ("num_interactions", r.num_interactions),
            ] {
                if !(1..=16).contains(&v) {
                    return Err(format!(
                        "{at}.{key}: expected an integer from 1 to 16, found {v}"
                    ));
                }
            }
            check(&r.test, &format!("{at}.test"))?;
            for (name, m) in [("train", &r.train), ("valid", &r.valid)] {
                if let Some(m) = m {
                    check(m, &format!("{at}.{name}"))?;
                }
            }
            if r.train_seconds
                .is_some_and(|t| !(t.is_finite() && t >= 0.0))
            {
                return Err(format!("{at}.train_seconds: expected a number ≥ 0"));
            }
        }
        Ok(Experiment {
            placeholder: file.placeholder,
            description: file.description,
            command: file.command,
            versions: pairs(file.versions),
            data: file.data,
            settings: pairs(file.settings),
            runs: file.runs,
        })
    }
}
