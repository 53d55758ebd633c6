//! Loading the reader's own molecule: a "Load .xyz" button and drag-and-drop onto the widget,
//! shared by every widget that shows a molecule.
//!
//! Usage, inside a widget's view (anywhere under its `<div class="widget">`):
//!
//! ```ignore
//! let on_load = Callback::new(move |s: Structure| molecule.set(s));
//! view! { <div class="widget-controls">{upload_control(on_load)}</div> }
//! ```
//!
//! [`upload_control`] renders the button (with a hidden `<input type="file"
//! data-testid="upload-input">`), a one-line note after a successful load and, after a failed
//! one, `<p class="widget-error" role="alert" data-testid="upload-error">line 3: …</p>`. Once
//! mounted it also makes the enclosing `.widget` element a drop target (the drop-target helper
//! is internal: nothing else to wire up), highlighted with the class `drop-hover` while a file is
//! dragged over it; the listeners are removed when the widget unmounts.
//!
//! The text is parsed by the core's reader (`multiace_core::structure::read_xyz`, plain and ASE
//! extended XYZ), the only XYZ parser of the project. The first frame is used (the note says so
//! when there were more). `on_load` runs only on success: on any error the widget keeps its
//! previous molecule and the error says what was wrong and where. Files over [`MAX_BYTES`] and
//! molecules over [`MAX_ATOMS`] atoms are refused: the widgets draw and evaluate small molecules
//! every frame.

use std::cell::RefCell;

use leptos::html;
use leptos::prelude::*;
use multiace_core::structure::{read_xyz, Structure};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, Element, File, HtmlInputElement};

use super::message::for_reader;

/// Largest molecule a widget accepts.
pub const MAX_ATOMS: usize = 2_000;
/// Largest file read at all (a trajectory of small molecules fits easily; its first frame is used).
pub const MAX_BYTES: f64 = 20.0 * 1024.0 * 1024.0;

/// Parses `text` (the contents of `file_name`) into the molecule to show and a note for the reader,
/// or the message to show instead. Pure, so the rules are in one place.
fn parse_upload(text: &str, file_name: &str) -> Result<(Structure, String), String> {
    let frames = read_xyz(text).map_err(|e| e.to_string())?;
    let total = frames.len();
    let Some(first) = frames.into_iter().next() else {
        return Err(format!("{file_name} holds no molecule (the file is empty)"));
    };
    if first.is_empty() {
        return Err("line 1: the first frame has 0 atoms".into());
    }
    if first.len() > MAX_ATOMS {
        return Err(format!(
            "line 1: {} atoms; these widgets show small molecules of at most {MAX_ATOMS} atoms",
            first.len()
        ));
    }
    let atoms = first.len();
    let plural = if atoms == 1 { "" } else { "s" };
    let note = if total > 1 {
        format!("Loaded {file_name}: {atoms} atom{plural} (the first of {total} frames).")
    } else {
        format!("Loaded {file_name}: {atoms} atom{plural}.")
    };
    Ok((first, note))
}

/// The name a widget's molecule menu shows for an uploaded structure: the comment line's `comment=`
/// (at most 40 characters), or "your file (N atoms)".
pub fn upload_label(s: &Structure) -> String {
    s.info
        .iter()
        .find(|(k, _)| k == "comment")
        .map(|(_, v)| v.trim().chars().take(40).collect::<String>())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| format!("your file ({} atoms)", s.len()))
}

/// The outcome of the last load, shown under the button.
#[derive(Clone, Debug, PartialEq)]
enum Status {
    None,
    Loaded(String),
    Failed(String),
}

/// Reads `file` and hands the parsed first frame to `on_load`, or records the error.
fn load_file(file: File, status: RwSignal<Status>, on_load: Callback<Structure, bool>) {
    let name = file.name();
    if file.size() > MAX_BYTES {
        status.set(Status::Failed(format!(
            "{name} is {:.1} MB; these widgets read files of at most {:.0} MB",
            file.size() / 1048576.0,
            MAX_BYTES / 1048576.0
        )));
        return;
    }
    leptos::task::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|v| v.as_string());
        let Some(text) = text else {
            status.set(Status::Failed(format!("{name} could not be read as text")));
            return;
        };
        match parse_upload(&text, &name) {
            Ok((s, note)) => {
                // a widget that refuses the molecule says why itself; no "Loaded" note then
                let accepted = on_load.run(s);
                status.set(if accepted {
                    Status::Loaded(note)
                } else {
                    Status::None
                });
            }
            Err(e) => status.set(Status::Failed(e)),
        }
    });
}

type DragClosure = Closure<dyn FnMut(DragEvent)>;

/// The drag-and-drop listeners installed on the widget element, kept to remove them on unmount.
struct DropTarget {
    element: Element,
    listeners: Vec<(&'static str, DragClosure)>,
}

impl DropTarget {
    /// Makes `element` accept dropped files: the first file is loaded as by the button.
    fn install(
        element: Element,
        status: RwSignal<Status>,
        on_load: Callback<Structure, bool>,
    ) -> Self {
        let mut target = DropTarget {
            element,
            listeners: Vec::new(),
        };
        let el = target.element.clone();
        target.listen("dragover", move |ev: DragEvent| {
            // only file drags: text or links dragged across the page are left to the browser
            let is_file = ev
                .data_transfer()
                .map(|dt| dt.types().includes(&"Files".into(), 0))
                .unwrap_or(false);
            if is_file {
                ev.prevent_default();
                let _ = el.class_list().add_1("drop-hover");
            }
        });
        let el = target.element.clone();
        target.listen("dragleave", move |_ev: DragEvent| {
            let _ = el.class_list().remove_1("drop-hover");
        });
        let el = target.element.clone();
        target.listen("drop", move |ev: DragEvent| {
            let _ = el.class_list().remove_1("drop-hover");
            let file = ev
                .data_transfer()
                .and_then(|dt| dt.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                ev.prevent_default();
                load_file(file, status, on_load);
            }
        });
        target
    }

    fn listen(&mut self, kind: &'static str, f: impl FnMut(DragEvent) + 'static) {
        let cb = Closure::<dyn FnMut(DragEvent)>::new(f);
        if self
            .element
            .add_event_listener_with_callback(kind, cb.as_ref().unchecked_ref())
            .is_ok()
        {
            self.listeners.push((kind, cb));
        }
    }
}

impl Drop for DropTarget {
    fn drop(&mut self) {
        for (kind, cb) in self.listeners.drain(..) {
            let _ = self
                .element
                .remove_event_listener_with_callback(kind, cb.as_ref().unchecked_ref());
        }
    }
}

/// The "Load .xyz" button, its status line and drop support on the enclosing widget.
/// `on_load` receives the first frame of a file that parsed and passed the size limits.
pub fn upload_control(on_load: Callback<Structure>) -> impl IntoView {
    upload_control_checked(Callback::new(move |s| {
        on_load.run(s);
        true
    }))
}

/// As [`upload_control`] for a widget that may refuse a molecule that parsed (e.g. an element its
/// model does not know): `on_load` returns whether it took the molecule; on `false` the widget
/// shows its own message and the control shows no "Loaded" note.
pub fn upload_control_checked(on_load: Callback<Structure, bool>) -> impl IntoView {
    let status = RwSignal::new(Status::None);
    let input = NodeRef::<html::Input>::new();
    let wrap = NodeRef::<html::Div>::new();
    // Browser objects are not Send: keep the drop target in a thread-local cell owned by this
    // component and drop it (removing the listeners) on cleanup.
    let drop_target = StoredValue::new_local(RefCell::new(None::<DropTarget>));
    let install = move |el: &web_sys::HtmlDivElement| -> bool {
        let Ok(Some(widget)) = el.closest(".widget") else {
            return false;
        };
        let t = DropTarget::install(widget, status, on_load);
        drop_target.try_with_value(|d| *d.borrow_mut() = Some(t));
        true
    };
    wrap.on_load(move |el| {
        // effects run after the view is mounted; should the widget be attached later, try once
        // more on the next frame
        if !install(&el) {
            request_animation_frame(move || {
                install(&el);
            });
        }
    });
    on_cleanup(move || {
        drop_target.try_with_value(|d| d.borrow_mut().take());
    });

    let on_change = move |_| {
        let Some(el) = input.get_untracked() else {
            return;
        };
        if let Some(file) = el.files().and_then(|f| f.get(0)) {
            load_file(file, status, on_load);
        }
        // the same file chosen again must fire `change` again
        el.set_value("");
    };
    let open = move |_| {
        if let Some(el) = input.get_untracked() {
            let el: &HtmlInputElement = &el;
            el.click();
        }
    };
    view! {
        <div class="upload" node_ref=wrap>
            <button type="button" class="upload-button" on:click=open
                title="Load a molecule from an .xyz or extended .xyz file (or drop one on the widget)">
                "Load .xyz"
            </button>
            <input type="file" class="upload-input" accept=".xyz,.extxyz" node_ref=input
                data-testid="upload-input" tabindex="-1" aria-hidden="true" on:change=on_change />
            <span class="upload-hint">"or drop a file on the widget"</span>
            {move || match status.get() {
                Status::None => None,
                Status::Loaded(note) => Some(
                    view! { <p class="widget-hint upload-note" data-testid="upload-note">{note}</p> }.into_any(),
                ),
                Status::Failed(e) => Some(
                    view! {
                        <p class="widget-error" role="alert" data-testid="upload-error">
                            {for_reader(&e)}" — the previous molecule is kept."
                        </p>
                    }
                    .into_any(),
                ),
            }}
        </div>
    }
}
