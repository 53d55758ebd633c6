//! `/figures`: every figure that `multiace figures --out figures/` writes, grouped by chapter,
//! each downloadable as SVG (the file itself) and as PNG (drawn into a canvas in the browser at
//! twice its size, so it stays sharp in slides).
//!
//! The list is not compiled in: the build copies `figures/` into the site and the post-build hook
//! writes `figures/figures.json` (file, width, height, bytes), so a new figure appears here once
//! the CLI has written it. Captions for known file names are below; others show their name.

use crate::chapter::{self, CHAPTERS};
use crate::util::{path as site_path, set_title, BOOK_TITLE};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// One entry of `figures/figures.json`.
#[derive(Clone, Debug, PartialEq)]
struct Figure {
    file: String,
    width: u32,
    height: u32,
    bytes: u64,
}

impl Figure {
    fn stem(&self) -> &str {
        self.file.trim_end_matches(".svg")
    }

    /// "00" for `fig00_…`, None for a name without a chapter number.
    fn chapter_number(&self) -> Option<&str> {
        let n = self.file.strip_prefix("fig")?.get(..2)?;
        n.bytes().all(|b| b.is_ascii_digit()).then_some(n)
    }
}

/// A caption for the file names `crates/cli/src/figures.rs` writes; the file name otherwise.
fn caption(stem: &str) -> String {
    let nums =
        |rest: &str| -> Vec<String> { rest.split('_').map(|s| s.replace('-', "−")).collect() };
    if stem == "fig00_sh_gallery" {
        return "Real spherical harmonics Y_lm for l = 0…4, coloured by sign".into();
    }
    if let Some(rest) = stem.strip_prefix("fig00_sh_map_") {
        let v = nums(rest);
        if v.len() == 2 {
            return format!(
                "Y_lm for l = {}, m = {} as a map over the sphere (φ × θ)",
                v[0], v[1]
            );
        }
    }
    if let Some(rest) = stem.strip_prefix("fig00_wigner3j_") {
        let v = nums(rest);
        if v.len() == 3 {
            return format!(
                "Wigner 3j tensor for (l1, l2, l3) = ({}, {}, {}), one slice per m3",
                v[0], v[1], v[2]
            );
        }
    }
    if stem == "fig00_wigner_d_blocks" {
        return "Wigner D matrices of one rotation for l = 0…3, as blocks".into();
    }
    if let Some(kind) = stem.strip_prefix("fig01_radial_") {
        return format!(
            "Radial basis “{kind}”: six functions with their cutoff envelope, r_cut = 5 Å"
        );
    }
    let fixed = match stem {
        "fig02_activations" => "e3nn's normalised activations c·φ(x) over the N(0, 1) density that fixes c, with each one's parity",
        "fig03_correlation_orders_ethanol" => "The shipped MACE model on ethanol: each correlation order's contribution to every site energy, and their sum E_i − E0(z_i)",
        "fig03_md_energies_ethanol" => "200 fs of NVE dynamics of ethanol with the shipped MACE model (300 K, 0.5 fs steps): kinetic and potential energy trade, the total stays flat",
        "fig04_design_space" => "Published models in the design space: layers T against the body order of their features; grey curves are uniform linear models with ν = 1…4",
        "fig04_experiment_forces" => "Our ν × T experiment (mace-torch on the book's GFN2-xTB ethanol data): test force RMSE against ν, one line per T",
        "fig04_experiment_energy" => "Our ν × T experiment (mace-torch on the book's GFN2-xTB ethanol data): test energy RMSE against ν, one line per T",
        _ => stem,
    };
    fixed.to_string()
}

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            js_sys::Reflect::get(&e, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "unknown error".into())
}

async fn load_list() -> Result<Vec<Figure>, String> {
    let url = site_path("/figures/figures.json");
    let resp = JsFuture::from(window().fetch_with_str(&url))
        .await
        .map_err(js_err)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "no response".to_string())?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let json = JsFuture::from(resp.json().map_err(js_err)?)
        .await
        .map_err(js_err)?;
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &JsValue::from_str(k)).ok();
    let list = js_sys::Array::from(&json)
        .iter()
        .filter_map(|item| {
            Some(Figure {
                file: get(&item, "file")?.as_string()?,
                width: get(&item, "width")?.as_f64().unwrap_or(0.0) as u32,
                height: get(&item, "height")?.as_f64().unwrap_or(0.0) as u32,
                bytes: get(&item, "bytes")?.as_f64().unwrap_or(0.0) as u64,
            })
        })
        // Only plain file names: the list must not point the page elsewhere.
        .filter(|f| f.file.ends_with(".svg") && !f.file.contains('/') && !f.file.contains(".."))
        .collect();
    Ok(list)
}

/// Calls `obj.name(...args)` (DOM methods the app's web-sys features do not cover).
fn call(obj: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let f: js_sys::Function = js_sys::Reflect::get(obj, &JsValue::from_str(name))
        .map_err(js_err)?
        .dyn_into()
        .map_err(|_| format!("{name} is not available in this browser"))?;
    let array: js_sys::Array = args.iter().collect();
    f.apply(obj, &array).map_err(js_err)
}

/// Clicks a temporary `<a download>` for `href`.
fn download(href: &str, filename: &str) -> Result<(), String> {
    let doc = document();
    let a: web_sys::HtmlElement = doc
        .create_element("a")
        .map_err(js_err)?
        .dyn_into()
        .map_err(|_| "cannot create a link".to_string())?;
    a.set_attribute("href", href).map_err(js_err)?;
    a.set_attribute("download", filename).map_err(js_err)?;
    a.set_attribute("hidden", "").map_err(js_err)?;
    let body = doc.body().ok_or("no document body")?;
    body.append_child(&a).map_err(js_err)?;
    a.click();
    a.remove();
    Ok(())
}

/// Draws the SVG at `url` into a canvas `scale` times its size (white background) and downloads
/// it as `filename` (PNG).
async fn download_png(url: String, filename: String, scale: f64) -> Result<(), String> {
    let img = document().create_element("img").map_err(js_err)?;
    img.set_attribute("src", &url).map_err(js_err)?;
    let decoded = call(&img, "decode", &[])?;
    JsFuture::from(js_sys::Promise::from(decoded))
        .await
        .map_err(|e| format!("the SVG did not load ({})", js_err(e)))?;
    let dim = |k: &str| {
        js_sys::Reflect::get(&img, &JsValue::from_str(k))
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    };
    let (w, h) = (dim("naturalWidth"), dim("naturalHeight"));
    if w < 1.0 || h < 1.0 {
        return Err("the SVG has no size".into());
    }
    let (cw, ch) = ((w * scale).round(), (h * scale).round());
    let canvas: web_sys::HtmlCanvasElement = document()
        .create_element("canvas")
        .map_err(js_err)?
        .dyn_into()
        .map_err(|_| "no canvas".to_string())?;
    canvas.set_width(cw as u32);
    canvas.set_height(ch as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(js_err)?
        .ok_or("no 2D context")?
        .dyn_into()
        .map_err(|_| "no 2D context".to_string())?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, cw, ch);
    call(
        ctx.as_ref(),
        "drawImage",
        &[img.into(), 0.0.into(), 0.0.into(), cw.into(), ch.into()],
    )?;
    // toBlob hands the PNG to a callback: wrap it in a promise.
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        if let Err(e) = canvas.to_blob(&resolve) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    let blob = JsFuture::from(promise).await.map_err(js_err)?;
    let blob: web_sys::Blob = blob
        .dyn_into()
        .map_err(|_| "the canvas gave no PNG".to_string())?;
    let href = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_err)?;
    let result = download(&href, &filename);
    // Revoke after the browser has started the download.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&href);
        },
        std::time::Duration::from_secs(30),
    );
    result
}

#[component]
fn FigureCard(figure: Figure) -> impl IntoView {
    let url = site_path(&format!("/figures/{}", figure.file));
    let png_name = format!("{}.png", figure.stem());
    let caption_text = caption(figure.stem());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let on_png = {
        let url = url.clone();
        move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            error.set(None);
            let (url, name) = (url.clone(), png_name.clone());
            leptos::task::spawn_local(async move {
                if let Err(e) = download_png(url, name, 2.0).await {
                    error.set(Some(format!("PNG failed: {e}")));
                }
                busy.set(false);
            });
        }
    };
    let size = if figure.width > 0 {
        format!(
            "{} × {} px · SVG {} KB",
            figure.width,
            figure.height,
            figure.bytes.div_ceil(1024)
        )
    } else {
        format!("SVG {} KB", figure.bytes.div_ceil(1024))
    };
    let (w, h) = (figure.width.max(1), figure.height.max(1));
    view! {
        <figure class="figure-card" data-figure=figure.file.clone()>
            <a class="figure-image" href=url.clone() target="_blank" rel="noopener">
                <img src=url.clone() alt=caption_text.clone() loading="lazy" decoding="async"
                    width=w.to_string() height=h.to_string()/>
            </a>
            <figcaption>
                <span class="figure-caption">{caption_text}</span>
                <span class="figure-meta"><code>{figure.file.clone()}</code> " · " {size}</span>
            </figcaption>
            <p class="figure-downloads">
                <a class="button" href=url download=figure.file.clone() data-format="svg">"Download SVG"</a>
                <button type="button" data-format="png" on:click=on_png disabled=move || busy.get()
                    title="A PNG at twice the SVG's size, drawn by your browser">
                    {move || if busy.get() { "Drawing PNG…" } else { "Download PNG" }}
                </button>
            </p>
            {move || error.get().map(|e| view! { <p class="widget-notice" role="status">{e}</p> })}
        </figure>
    }
}

/// The gallery page.
#[component]
pub fn FiguresPage() -> impl IntoView {
    set_title(&format!("Figures · {BOOK_TITLE}"));
    let list = RwSignal::new(None::<Result<Vec<Figure>, String>>);
    leptos::task::spawn_local(async move { list.set(Some(load_list().await)) });
    let body = move || {
        match list.get() {
        None => view! { <p class="figures-status">"Loading the list of figures…"</p> }.into_any(),
        Some(Err(e)) => view! {
            <p class="widget-notice" role="status">"The list of figures could not be loaded: " {e}</p>
        }
        .into_any(),
        Some(Ok(figs)) if figs.is_empty() => {
            view! { <p class="figures-status">"No figures in this build."</p> }.into_any()
        }
        Some(Ok(figs)) => {
            // Group by chapter number, in file order; figures without one go last.
            let mut groups: Vec<(Option<String>, Vec<Figure>)> = Vec::new();
            for f in figs {
                let key = f.chapter_number().map(str::to_string);
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, v)) => v.push(f),
                    None => groups.push((key, vec![f])),
                }
            }
            groups.sort_by_key(|(k, _)| (k.is_none(), k.clone()));
            groups
                .into_iter()
                .map(|(key, figs)| {
                    let ch = key
                        .as_deref()
                        .and_then(|n| CHAPTERS.iter().find(|c| c.number == n));
                    let heading = match (ch, key.as_deref()) {
                        (Some(ch), _) => view! {
                            <h2>"Chapter " {ch.number} " · " <a href=chapter::href(ch) rel="external">{ch.title}</a></h2>
                        }
                        .into_any(),
                        (None, Some(n)) => view! { <h2>"Chapter " {n.to_string()}</h2> }.into_any(),
                        (None, None) => view! { <h2>"Other figures"</h2> }.into_any(),
                    };
                    let cards = figs
                        .into_iter()
                        .map(|f| view! { <FigureCard figure=f/> })
                        .collect_view();
                    view! {
                        <section class="figures-chapter">
                            {heading}
                            <div class="figures-grid">{cards}</div>
                        </section>
                    }
                })
                .collect_view()
                .into_any()
        }
    }
    };
    view! {
        <section class="figures">
            <h1>"Figures"</h1>
            <p class="lead">
                "Every figure of the book as a file for slides and papers: the SVG scales to any size, the PNG "
                "is drawn at twice the size shown. They are made by the same Rust code as the widgets: "
                <code>"cargo run -p multiace-cli -- figures --out figures/"</code> " writes them all."
            </p>
            {body}
        </section>
    }
}
