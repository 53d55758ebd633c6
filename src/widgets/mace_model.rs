//! The MACE model the chapter-03 widgets evaluate: the book's trained model (fetched once per page
//! from `models/mace_ethanol.safetensors` and shared), or a model file the reader loads.
//!
//! Usage inside a widget:
//!
//! ```ignore
//! let model = RwSignal::new_local(None::<Rc<MaceModel>>);
//! let error = RwSignal::new(None::<String>);
//! load_shipped_model(model, error);                      // starts the fetch
//! view! { {model_upload_control(Callback::new(move |m| model.set(Some(m))))} }
//! ```
//!
//! [`model_upload_control`] renders a "Load model" button (hidden `<input type="file"
//! data-testid="model-input">`) and, after a file that is not a usable MACE model,
//! `<p class="widget-error" role="alert" data-testid="model-error">…</p>`; the widget keeps
//! its previous model. The bytes are checked by the core's loader
//! (`multiace_core::mace::MaceModel::from_safetensors`), which names what is wrong, and the model
//! must evaluate a small cluster of its own elements (`MaceModel::self_check`).

use std::cell::RefCell;
use std::rc::Rc;

use leptos::html;
use leptos::prelude::*;
use multiace_core::mace::MaceModel;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

use super::message::for_reader;
use crate::util::fetch_bytes;

/// Where the shipped model lives, relative to the site's base path.
pub const SHIPPED_MODEL_URL: &str = "/models/mace_ethanol.safetensors";

/// Largest model file read (the shipped model is 0.85 MB).
const MAX_MODEL_BYTES: f64 = 32.0 * 1024.0 * 1024.0;

thread_local! {
    static SHIPPED: RefCell<Option<Rc<MaceModel>>> = const { RefCell::new(None) };
    /// The download in flight, shared so that the four widgets of a chapter fetch the file once.
    static DOWNLOAD: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

/// The book's trained model, fetched and parsed on first use and shared afterwards; callers that
/// arrive while the download runs wait for the same download.
pub async fn shipped_model() -> Result<Rc<MaceModel>, String> {
    if let Some(m) = SHIPPED.with(|m| m.borrow().clone()) {
        return Ok(m);
    }
    let promise = DOWNLOAD.with(|d| {
        d.borrow_mut()
            .get_or_insert_with(|| {
                wasm_bindgen_futures::future_to_promise(async {
                    let bytes = fetch_bytes(SHIPPED_MODEL_URL)
                        .await
                        .map_err(wasm_bindgen::JsValue::from)?;
                    Ok(js_sys::Uint8Array::from(bytes.as_slice()).into())
                })
            })
            .clone()
    });
    let result = JsFuture::from(promise).await;
    if let Some(m) = SHIPPED.with(|m| m.borrow().clone()) {
        return Ok(m);
    }
    let bytes = match result {
        Ok(v) => js_sys::Uint8Array::new(&v).to_vec(),
        Err(e) => {
            // forget the failed download so that a later widget may try again
            DOWNLOAD.with(|d| d.borrow_mut().take());
            return Err(e
                .as_string()
                .unwrap_or_else(|| "could not load the model".into()));
        }
    };
    let model = Rc::new(MaceModel::from_safetensors(&bytes).map_err(|e| e.to_string())?);
    SHIPPED.with(|m| *m.borrow_mut() = Some(model.clone()));
    Ok(model)
}

/// Starts loading the shipped model into `model` (or its error into `error`).
pub fn load_shipped_model(
    model: RwSignal<Option<Rc<MaceModel>>, LocalStorage>,
    error: RwSignal<Option<String>>,
) {
    leptos::task::spawn_local(async move {
        match shipped_model().await {
            Ok(m) => {
                let _ = model.try_set(Some(m));
            }
            Err(e) => {
                let _ = error.try_set(Some(e));
            }
        }
    });
}

/// The "Load model" button and its status line; `on_load` receives a model that loaded.
pub fn model_upload_control(on_load: Callback<Rc<MaceModel>, ()>) -> impl IntoView {
    let status = RwSignal::new(None::<Result<String, String>>);
    let input = NodeRef::<html::Input>::new();
    let on_change = move |_| {
        let Some(el) = input.get_untracked() else {
            return;
        };
        if let Some(file) = el.files().and_then(|f| f.get(0)) {
            let name = file.name();
            if file.size() > MAX_MODEL_BYTES {
                status.set(Some(Err(format!(
                    "{name} is {:.1} MB; model files of at most {:.0} MB are read",
                    file.size() / 1048576.0,
                    MAX_MODEL_BYTES / 1048576.0
                ))));
            } else {
                leptos::task::spawn_local(async move {
                    let bytes = match JsFuture::from(file.array_buffer()).await {
                        Ok(buf) => js_sys::Uint8Array::new(&buf).to_vec(),
                        Err(_) => {
                            status.set(Some(Err(format!("{name} could not be read"))));
                            return;
                        }
                    };
                    // A model that loads but does not evaluate (finite weights that overflow) is
                    // refused here, before it replaces the reader's model.
                    match MaceModel::from_safetensors(&bytes)
                        .and_then(|m| m.self_check().map(|_| m))
                    {
                        Ok(m) => {
                            status.set(Some(Ok(format!(
                                "Loaded {name}: {} with {} layer(s), elements {}.",
                                m.model_class(),
                                m.num_interactions(),
                                m.element_list()
                            ))));
                            on_load.run(Rc::new(m));
                        }
                        Err(e) => status.set(Some(Err(format!("{name}: {e}")))),
                    }
                });
            }
        }
        el.set_value("");
    };
    let open = move |_| {
        if let Some(el) = input.get_untracked() {
            let el: &HtmlInputElement = &el;
            el.click();
        }
    };
    view! {
        <div class="upload">
            <button type="button" class="upload-button" on:click=open
                title="Load a MACE model exported with tools/export_mace.py (.safetensors)">
                "Load model"
            </button>
            <input type="file" class="upload-input" accept=".safetensors" node_ref=input
                data-testid="model-input" tabindex="-1" aria-hidden="true" on:change=on_change />
            {move || match status.get() {
                None => None,
                Some(Ok(note)) => Some(
                    view! { <p class="widget-hint upload-note" data-testid="model-note">{note}</p> }.into_any(),
                ),
                Some(Err(e)) => Some(
                    view! {
                        <p class="widget-error" role="alert" data-testid="model-error">
                            {for_reader(&e)}" — the previous model is kept."
                        </p>
                    }
                    .into_any(),
                ),
            }}
        </div>
    }
}
