//! The placeholder of one widget in a chapter: a box of the widget's final height holding its
//! title, summary, a static preview and its parameters. The app mounts the live widget into it
//! when it comes near the viewport (`src/islands.rs`); the box keeps its height, so nothing
//! below it moves.

use crate::catalogue::{heights, WidgetInfo, CATALOGUE};
use crate::page::esc;
use crate::preview::{self, Preview};
use std::fmt::Write as _;

/// One widget placeholder, ready to be written.
pub struct WidgetSlot {
    pub name: String,
    pub query: String,
    info: Option<&'static WidgetInfo>,
    /// (file name under `previews/`, its size), when the widget has a picture.
    pub preview: Option<(String, Preview)>,
}

impl WidgetSlot {
    /// The slot of widget `name` with `query` ("l=2&m=1"); `file_stem` names its preview file.
    /// An unknown widget gets a slot too (the app then shows its "unknown widget" notice).
    pub fn new(name: &str, query: &str, file_stem: &str) -> Result<WidgetSlot, String> {
        let info = CATALOGUE.iter().find(|w| w.name == name);
        let get = |key: &str| -> String {
            query
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
                .or_else(|| {
                    info.and_then(|w| w.params.iter().find(|p| p.key == key))
                        .map(|p| p.default.to_string())
                })
                .unwrap_or_default()
        };
        let preview = match info {
            Some(_) => preview::draw(name, &get)
                .map_err(|e| format!("preview of widget `{name}`: {e}"))?
                .map(|p| (format!("{file_stem}.svg"), p)),
            None => None,
        };
        Ok(WidgetSlot {
            name: name.to_string(),
            query: query.to_string(),
            info,
            preview,
        })
    }

    /// The registry's entry, `None` for an unknown widget.
    pub fn info(&self) -> Option<&'static WidgetInfo> {
        self.info
    }

    /// The placeholder's HTML in a chapter; `base` is the site's base path ("/" or "/sub/").
    pub fn html(&self, base: &str) -> String {
        self.placeholder(base, false)
    }

    /// The placeholder on the widget's embed page (`/embed/<name>`): the widget takes its state
    /// from the page's URL (`data-embed`), and there is no "open alone" link.
    pub fn embed_html(&self, base: &str) -> String {
        self.placeholder(base, true)
    }

    fn placeholder(&self, base: &str, embed: bool) -> String {
        let (wide, narrow) = heights(&self.name);
        let title = self.info.map(|w| w.title).unwrap_or("Widget");
        let embed_url = if self.query.is_empty() {
            format!("{base}embed/{}", self.name)
        } else {
            format!("{base}embed/{}?{}", self.name, self.query)
        };
        // On its embed page the widget's title is the page's heading.
        let h = if embed { "h1" } else { "h3" };
        let (marker, open_alone) = if embed {
            (" data-embed", String::new())
        } else {
            (
                "",
                format!(
                    "<a class=\"button copy-embed\" href=\"{}\">Open alone</a>",
                    esc(&embed_url)
                ),
            )
        };
        let mut out = format!(
            "<div class=\"widget-slot\" data-widget=\"{}\" data-query=\"{}\"{marker} style=\"--slot-wide:{wide}px;--slot-narrow:{narrow}px\">\n<div class=\"widget widget-preview\">\n<div class=\"widget-titlebar\"><{h} class=\"widget-name\">{}</{h}>{open_alone}</div>\n",
            esc(&self.name),
            esc(&self.query),
            esc(title),
        );
        if let Some(info) = self.info {
            let _ = writeln!(
                out,
                "<p class=\"preview-summary\">{}</p>",
                esc(info.summary)
            );
        }
        if let Some((file, p)) = &self.preview {
            let _ = writeln!(
                out,
                "<img class=\"preview-figure\" src=\"{base}previews/{file}\" width=\"{}\" height=\"{}\" alt=\"A still picture of the widget “{}”\" loading=\"lazy\" decoding=\"async\">",
                p.width,
                p.height,
                esc(title)
            );
        }
        out.push_str(&self.params_html());
        out.push_str("<p class=\"preview-status\"><span class=\"js-only\">The interactive widget starts when it comes into view.</span><span class=\"nojs-only\">This widget needs JavaScript; the text around it does not.</span></p>\n</div>\n</div>\n");
        out
    }

    /// The widget as a printed figure (the `/print` page): its title, still picture and
    /// parameters, and the address where it runs live. Not a slot: nothing mounts into it.
    pub fn figure_html(&self, base: &str) -> String {
        let title = self.info.map(|w| w.title).unwrap_or("Widget");
        let mut out = format!(
            "<figure class=\"print-widget\" data-widget=\"{}\">\n",
            esc(&self.name)
        );
        if let Some((file, p)) = &self.preview {
            let _ = writeln!(
                out,
                "<img class=\"preview-figure\" src=\"{base}previews/{file}\" width=\"{}\" height=\"{}\" alt=\"A still picture of the widget “{}”\">",
                p.width,
                p.height,
                esc(title)
            );
        }
        let live = if self.query.is_empty() {
            format!("{base}embed/{}", self.name)
        } else {
            format!("{base}embed/{}?{}", self.name, self.query)
        };
        let _ = writeln!(
            out,
            "<figcaption><strong>{}</strong> (interactive at <a href=\"{}\">{}</a>)</figcaption>",
            esc(title),
            esc(&live),
            esc(&live)
        );
        out.push_str(&self.params_html());
        out.push_str("</figure>\n");
        out
    }

    /// The parameters the widget starts with (the chapter's values over the defaults).
    fn params_html(&self) -> String {
        let Some(info) = self.info else {
            return String::new();
        };
        if info.params.is_empty() {
            return String::new();
        }
        let mut out = String::from("<p class=\"preview-params\">Parameters:");
        for p in info.params {
            let value = self
                .query
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == p.key)
                .map(|(_, v)| v)
                .unwrap_or(p.default);
            let _ = write!(out, " <code>{}={}</code>", esc(p.key), esc(value));
        }
        out.push_str("</p>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_widget_has_a_measured_height() {
        for w in CATALOGUE {
            assert!(
                crate::catalogue::HEIGHTS
                    .iter()
                    .any(|(n, _, _)| *n == w.name),
                "measure {}",
                w.name
            );
        }
    }

    #[test]
    fn a_slot_lists_the_chapter_values_over_the_defaults() {
        let slot = WidgetSlot::new("sh-explorer", "l=3", "t").unwrap();
        let html = slot.html("/");
        assert!(
            html.contains("<code>l=3</code>") && html.contains("<code>m=1</code>"),
            "{html}"
        );
        assert!(html.contains("--slot-wide:731px"), "{html}");
        let svg = &slot.preview.as_ref().unwrap().1.svg;
        assert!(
            svg.starts_with("<svg") && svg.len() < 100_000,
            "a small picture"
        );
    }

    #[test]
    fn an_embed_slot_reads_its_state_from_the_url() {
        let slot = WidgetSlot::new("gate", "", "t").unwrap();
        let html = slot.embed_html("/");
        assert!(html.contains(" data-embed "), "{html}");
        assert!(!html.contains("Open alone"), "{html}");
        assert!(slot.html("/").contains("Open alone"));
    }

    #[test]
    fn an_unknown_widget_still_gets_a_slot() {
        let slot = WidgetSlot::new("no-such-widget", "", "t").unwrap();
        assert!(slot.preview.is_none());
        assert!(slot.html("/").contains("data-widget=\"no-such-widget\""));
    }
}
