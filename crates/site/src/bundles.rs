//! Which wasm a page loads. Release builds compile one binary per family of widgets
//! (`src/bundles/*.rs`, built by `scripts/post-build.mjs`), so a page downloads only the code of
//! the widgets it shows: the hook lists them in a file, one `name js wasm` line per bundle (paths
//! relative to the site root), and this module writes a bootstrap per bundle and tells each page
//! which one to run. Without the file (debug builds, `trunk serve`) every page runs trunk's
//! bootstrap of the whole app.

use crate::catalogue::{bundle_of, CATALOGUE};

/// One bundle as the hook built it.
struct Bundle {
    name: String,
    js: String,
    wasm: String,
}

/// The bundles of this build, with their bootstraps.
pub struct Bundles {
    list: Vec<Bundle>,
    base: String,
}

/// The bundle of pages that show no widget (exercises and the reader's tools only).
pub const READER: &str = "reader";

impl Bundles {
    /// Reads the hook's list (`name js wasm` per line, `#` comments). Every bundle a widget of the
    /// catalogue needs must be there, and the reader's.
    pub fn parse(text: &str, base: &str) -> Result<Bundles, String> {
        let mut list = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split_whitespace().collect();
            let [name, js, wasm] = parts[..] else {
                return Err(format!(
                    "bundle list line {}: expected `name js wasm`, got `{line}`",
                    n + 1
                ));
            };
            list.push(Bundle {
                name: name.into(),
                js: js.into(),
                wasm: wasm.into(),
            });
        }
        let bundles = Bundles {
            list,
            base: base.into(),
        };
        let needed = CATALOGUE
            .iter()
            .map(|w| bundle_of(w.chapter))
            .chain([READER]);
        for name in needed {
            if bundles.find(name).is_none() {
                return Err(format!("the bundle list has no `{name}` bundle"));
            }
        }
        Ok(bundles)
    }

    fn find(&self, name: &str) -> Option<&Bundle> {
        self.list.iter().find(|b| b.name == name)
    }

    /// The bundle a page with these widgets runs: their one family, or the reader's when there
    /// are none. `None` when they span families: the page then runs the whole app.
    pub fn for_widgets<'a>(&self, widgets: impl IntoIterator<Item = &'a str>) -> Option<&str> {
        let mut family: Option<&str> = None;
        for name in widgets {
            let info = CATALOGUE.iter().find(|w| w.name == name)?;
            let this = bundle_of(info.chapter);
            if family.is_some_and(|f| f != this) {
                return None;
            }
            family = Some(this);
        }
        let name = family.unwrap_or(READER);
        self.find(name).map(|b| b.name.as_str())
    }

    /// The bootstrap file of bundle `name`: (path under the site root, content). It waits for the
    /// page's text to paint (like the chapter pages' deferred trunk bootstrap, see `template.rs`),
    /// then until the reader needs the code: an island (a widget or an exercise) within a screen
    /// of the viewport, as `src/islands.rs` mounts them, or a scroll, a key, a tap or a click. A
    /// reader who reads the opening of a chapter downloads no wasm. The first key pressed before the wasm
    /// is there is kept in `window.multiaceEarlyKey` for the app to act on. Sets
    /// `window.wasmBindings` as trunk's bootstrap does.
    pub fn boot(&self, name: &str) -> Option<(String, String)> {
        let b = self.find(name)?;
        let content = format!(
            "// Starts the `{name}` bundle of the book's wasm (crates/site/src/bundles.rs says when).\n\
             await new Promise((done) => {{\n\
             \x20 const go = () => requestAnimationFrame(() => setTimeout(done, 0));\n\
             \x20 if (document.readyState === 'complete') go(); else addEventListener('load', go, {{ once: true }});\n\
             }});\n\
             await new Promise((needed) => {{\n\
             \x20 const islands = document.querySelectorAll('.widget-slot[data-widget], .exercise[data-kind]');\n\
             \x20 const start = () => {{ observer?.disconnect(); needed(); }};\n\
             \x20 const observer = 'IntersectionObserver' in window && islands.length\n\
             \x20   ? new IntersectionObserver((seen) => {{ if (seen.some((e) => e.isIntersecting)) start(); }},\n\
             \x20     {{ rootMargin: '100% 0px 100% 0px' }})\n\
             \x20   : null;\n\
             \x20 islands.forEach((el) => observer?.observe(el));\n\
             \x20 addEventListener('keydown', (ev) => {{ window.multiaceEarlyKey ??= ev.key; start(); }}, {{ once: true }});\n\
             \x20 addEventListener('pointerdown', start, {{ once: true }});\n\
             \x20 addEventListener('scroll', start, {{ once: true, passive: true }});\n\
             \x20 if (islands.length && !observer) start();\n\
             }});\n\
             const bindings = await import('{base}{js}');\n\
             await bindings.default({{ module_or_path: '{base}{wasm}' }});\n\
             window.wasmBindings = bindings;\n",
            base = self.base,
            js = b.js,
            wasm = b.wasm
        );
        let file = format!(
            "bundles/boot-{name}-{:016x}.js",
            crate::template::fnv1a(&content)
        );
        Some((file, content))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> String {
        ["so3", "ace", "networks", "mace", "multiace", "reader"]
            .iter()
            .map(|n| format!("{n} bundles/{n}-1.js bundles/{n}-1_bg.wasm\n"))
            .collect()
    }

    #[test]
    fn a_page_runs_its_widgets_family_or_the_readers() {
        let b = Bundles::parse(&list(), "/sub/").unwrap();
        assert_eq!(b.for_widgets(["rotation", "sh-explorer"]), Some("so3"));
        assert_eq!(b.for_widgets(["mace-md"]), Some("mace"));
        assert_eq!(b.for_widgets([]), Some(READER));
        assert_eq!(b.for_widgets(["rotation", "mace-md"]), None, "mixed");
        assert_eq!(b.for_widgets(["no-such-widget"]), None, "unknown");
    }

    #[test]
    fn every_widget_has_a_bundle() {
        let b = Bundles::parse(&list(), "/").unwrap();
        for w in CATALOGUE {
            assert!(b.for_widgets([w.name]).is_some(), "{}", w.name);
        }
    }

    #[test]
    fn the_bootstrap_loads_its_bundle_under_the_base() {
        let b = Bundles::parse(&list(), "/sub/").unwrap();
        let (file, js) = b.boot("ace").unwrap();
        assert!(file.starts_with("bundles/boot-ace-") && file.ends_with(".js"));
        assert!(js.contains("import('/sub/bundles/ace-1.js')"), "{js}");
        assert!(
            js.contains("module_or_path: '/sub/bundles/ace-1_bg.wasm'"),
            "{js}"
        );
        assert!(b.boot("nope").is_none());
    }

    #[test]
    fn a_bad_list_is_an_error() {
        assert!(Bundles::parse("so3 a.js", "/").is_err());
        assert!(
            Bundles::parse("so3 a.js a.wasm", "/").is_err(),
            "missing families"
        );
    }
}
