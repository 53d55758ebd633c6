//! Small browser helpers shared by the pages: base path, fetching the site's own files, local
//! storage, document title.
//! None of them panic: a missing `window`, a storage exception (private mode) or an odd
//! `<base href>` degrade to defaults.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The path the site is served under, without a trailing slash ("" for the root, "/sub" for
/// `trunk build --public-url /sub/`). Trunk writes it into `<base href>`; the router needs it.
pub fn base_path() -> String {
    let href = document()
        .query_selector("base")
        .ok()
        .flatten()
        .and_then(|b| b.get_attribute("href"))
        .unwrap_or_else(|| "/".into());
    let location = window().location().href().unwrap_or_default();
    let path = web_sys::Url::new_with_base(&href, &location)
        .map(|u| u.pathname())
        .unwrap_or(href);
    path.trim_end_matches('/').to_string()
}

thread_local! {
    static BASE: String = base_path();
}

/// An in-site path ("/chapter/…") with the base path in front. Leptos' `<A>` leaves absolute
/// hrefs as they are, so every internal link goes through here to work under `--public-url`.
pub fn path(p: &str) -> String {
    BASE.with(|b| format!("{b}{p}"))
}

/// The page's origin + base path + `p`, for links that leave the page (embed back-links).
pub fn site_url(p: &str) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!("{origin}{}", path(p))
}

/// GETs the site file `p` (an in-site path, see [`path`]) and hands the body, read by `read`, on;
/// every failure (network, HTTP status, body) is one message naming the file.
async fn fetch_site_file(
    p: &str,
    read: impl FnOnce(&web_sys::Response) -> Result<js_sys::Promise, JsValue>,
) -> Result<JsValue, String> {
    let fail = |why: String| format!("could not load {}: {why}", p.trim_start_matches('/'));
    let js_msg = |e: JsValue| e.as_string().unwrap_or_else(|| "network error".into());
    let resp = JsFuture::from(window().fetch_with_str(&path(p)))
        .await
        .map_err(|e| fail(js_msg(e)))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| fail("no response".into()))?;
    if !resp.ok() {
        return Err(fail(format!("HTTP {}", resp.status())));
    }
    JsFuture::from(read(&resp).map_err(|e| fail(js_msg(e)))?)
        .await
        .map_err(|e| fail(js_msg(e)))
}

/// The site file `p` as text.
pub async fn fetch_text(p: &str) -> Result<String, String> {
    let body = fetch_site_file(p, web_sys::Response::text).await?;
    body.as_string()
        .ok_or_else(|| format!("could not load {}: not text", p.trim_start_matches('/')))
}

/// The site file `p` as bytes.
pub async fn fetch_bytes(p: &str) -> Result<Vec<u8>, String> {
    let body = fetch_site_file(p, web_sys::Response::array_buffer).await?;
    Ok(js_sys::Uint8Array::new(&body).to_vec())
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub fn storage_get(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok().flatten())
}

pub fn storage_set(key: &str, value: &str) {
    if let Some(s) = storage() {
        // A full or disabled storage only loses the preference.
        let _ = s.set_item(key, value);
    }
}

/// Removes every stored key that starts with `prefix`.
pub fn storage_remove_prefixed(prefix: &str) {
    let Some(s) = storage() else {
        return;
    };
    for (k, _) in storage_prefixed(prefix) {
        let _ = s.remove_item(&k);
    }
}

/// The stored keys that start with `prefix`, with their values.
pub fn storage_prefixed(prefix: &str) -> Vec<(String, String)> {
    let Some(s) = storage() else {
        return Vec::new();
    };
    (0..s.length().unwrap_or(0))
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .filter_map(|k| s.get_item(&k).ok().flatten().map(|v| (k, v)))
        .collect()
}

pub fn set_title(title: &str) {
    document().set_title(title);
}

/// The book's name, shown in the header and in every document title.
pub const BOOK_TITLE: &str = "Multi-ACE Learning";

/// Light or dark colour theme, applied as `data-theme` on `<html>`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn parse(s: &str) -> Option<Theme> {
        match s.trim() {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn toggled(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }

    /// The stored choice, else the system preference (`prefers-color-scheme`).
    pub fn initial() -> Theme {
        if let Some(t) = storage_get(THEME_KEY).and_then(|s| Theme::parse(&s)) {
            return t;
        }
        let dark = window()
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
        if dark {
            Theme::Dark
        } else {
            Theme::Light
        }
    }

    pub fn apply(self) {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", self.as_str());
        }
    }
}

pub const THEME_KEY: &str = "multiace-theme";

/// Focuses `el` without scrolling anything: a click on a widget inside a short `<iframe>` (a slide,
/// a course page) must not scroll the frame and cut off the widget's header.
pub fn focus_no_scroll(el: &web_sys::HtmlElement) {
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(true);
    let _ = el.focus_with_options(&options);
}
