//! trunk's `index.html` as the frame of every pre-rendered page: its `<head>` (styles, fonts, the
//! CSP) is kept; the title, the description and the body are replaced. The body's scripts are kept;
//! its loading message and `<noscript>` notice are not (the page itself is the content now).
//!
//! The wasm waits for the text: trunk's inline bootstrap imports the JS and fetches the wasm at
//! once, and preloads both, so on a slow phone link they compete with the page's font and the
//! first paint. A chapter page drops the preloads and runs the same bootstrap from a file
//! ([`Template::boot_script`], `chapter-boot-<hash>.js`: an inline script would need its own CSP
//! hash) that starts only after the `load` event and a frame. Measured with Lighthouse's mobile
//! preset: LCP 6.2 s (the paragraph waited for the wasm download) → see ARCHITECTURE.md.

/// The parts of the template around the three slots.
pub struct Template {
    /// Everything up to `<title>`'s text, the rest of the head up to `<body…>`, scripts in the body.
    head_before_title: String,
    head_after_title: String,
    body_scripts: String,
    base: String,
    /// The deferred bootstrap (file name, content), when the template has trunk's.
    boot: Option<(String, String)>,
}

impl Template {
    pub fn parse(html: &str) -> Result<Template, String> {
        let title_start =
            html.find("<title>").ok_or("the template has no <title>")? + "<title>".len();
        let title_end = html[title_start..]
            .find("</title>")
            .ok_or("the template's <title> is not closed")?
            + title_start;
        let body_start = html.find("<body").ok_or("the template has no <body>")?;
        let body_open_end = html[body_start..]
            .find('>')
            .ok_or("the template's <body> tag is not closed")?
            + body_start
            + 1;
        let body_end = html.rfind("</body>").ok_or("the template has no </body>")?;
        if body_end < body_open_end {
            return Err("the template's </body> comes before <body>".into());
        }
        let body = &html[body_open_end..body_end];
        let mut body_scripts = String::new();
        let mut rest = body;
        while let Some(start) = rest.find("<script") {
            let end = rest[start..]
                .find("</script>")
                .ok_or("a <script> in the template's body is not closed")?
                + start
                + "</script>".len();
            body_scripts.push_str(&rest[start..end]);
            body_scripts.push('\n');
            rest = &rest[end..];
        }
        let base = html
            .find("<base href=\"")
            .map(|i| i + "<base href=\"".len())
            .and_then(|i| html[i..].find('"').map(|j| html[i..i + j].to_string()))
            .unwrap_or_else(|| "/".into());
        let base = if base.ends_with('/') {
            base
        } else {
            format!("{base}/")
        };
        let mut head_after_title = html[title_end..body_start].to_string();
        let boot = deferred_boot(&mut head_after_title, &base);
        Ok(Template {
            head_before_title: html[..title_start].to_string(),
            head_after_title,
            body_scripts,
            base,
            boot,
        })
    }

    /// The site's base path, ending in '/': every link of the page starts with it.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The deferred bootstrap to write beside the pages: (file name, content).
    pub fn boot_script(&self) -> Option<&(String, String)> {
        self.boot.as_ref()
    }

    /// The finished page. `description` is HTML-escaped text already. `bundle_boot` (a path
    /// under the base) replaces the whole app's bootstrap by a bundle's (`bundles.rs`); an
    /// `embed` page is marked on `<html>` before the first paint (no book chrome, `?theme=`).
    pub fn fill(
        &self,
        title: &str,
        description: &str,
        body: &str,
        bundle_boot: Option<&str>,
        embed: bool,
    ) -> String {
        let mut head = replace_description(&self.head_after_title, description);
        if let (Some(file), Some((app_boot, _))) = (bundle_boot, &self.boot) {
            let base = &self.base;
            head = head.replace(&boot_tag(base, app_boot), &boot_tag(base, file));
        }
        let mut start = self.head_before_title.clone();
        if embed {
            start = start.replacen("<html", "<html class=\"embedded\"", 1);
        }
        format!(
            "{start}{}{head}<body data-prerendered>\n{body}{}</body>\n</html>\n",
            crate::page::esc(title),
            self.body_scripts
        )
    }
}

/// Replaces trunk's inline bootstrap in `head` by a deferred one from a file and removes the
/// preloads of the JS and the wasm; returns the file (name, content). `None` (head unchanged) when
/// the bootstrap is not the one trunk 0.21 writes.
fn deferred_boot(head: &mut String, base: &str) -> Option<(String, String)> {
    const IMPORT: &str = "import init, * as bindings from '";
    let start = head.find("<script type=\"module\">")?;
    let body_start = start + "<script type=\"module\">".len();
    let end = head[body_start..].find("</script>")? + body_start;
    let body = head[body_start..end].to_string();
    let at = body.find(IMPORT)?;
    let url_end = body[at + IMPORT.len()..].find('\'')? + at + IMPORT.len();
    let url = body[at + IMPORT.len()..url_end].to_string();
    let after_import = body[url_end..].find(';')? + url_end + 1;
    let content = format!(
        "// The book's wasm bootstrap (trunk's), started once a chapter page has painted its text.\n\
         await new Promise((done) => {{\n\
         \x20 const go = () => requestAnimationFrame(() => setTimeout(done, 0));\n\
         \x20 if (document.readyState === 'complete') go(); else addEventListener('load', go, {{ once: true }});\n\
         }});\n\
         const bindings = await import('{url}');\n\
         const init = bindings.default;\n{}{}",
        &body[..at].trim(),
        &body[after_import..]
    );
    let name = format!("chapter-boot-{:016x}.js", fnv1a(&content));
    let tag = boot_tag(base, &name);
    head.replace_range(start..end + "</script>".len(), &tag);
    for kind in [
        "<link rel=\"modulepreload\"",
        "<link rel=\"preload\" href=\"/",
    ] {
        while let Some(i) = head.find(kind) {
            let tag_end = head[i..].find('>').map_or(head.len(), |j| i + j + 1);
            if !head[i..tag_end].contains(url.trim_end_matches(".js")) {
                break;
            }
            head.replace_range(i..tag_end, "");
        }
    }
    Some((name, content))
}

/// The tag that runs a bootstrap file (`file` under the base).
fn boot_tag(base: &str, file: &str) -> String {
    format!("<script type=\"module\" src=\"{base}{file}\"></script>")
}

/// FNV-1a, 64 bits: a content hash for the bootstraps' file names (a new build, a new name).
pub fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The head with its `<meta name="description" content=…>` set to `text` (left alone if the
/// template has none).
fn replace_description(head: &str, text: &str) -> String {
    const TAG: &str = "<meta name=\"description\" content=\"";
    let Some(start) = head.find(TAG).map(|i| i + TAG.len()) else {
        return head.to_string();
    };
    let Some(len) = head[start..].find('"') else {
        return head.to_string();
    };
    format!("{}{}{}", &head[..start], text, &head[start + len..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const HTML: &str = "<!doctype html><html><head><title>T</title><base href=\"/sub/\"><meta name=\"description\" content=\"old\"><script type=\"module\">boot()</script></head><body><div id=\"loading\">Loading</div><noscript>x</noscript><script src=\"a.js\"></script></body></html>";

    #[test]
    fn keeps_head_and_scripts_and_replaces_the_rest() {
        let t = Template::parse(HTML).unwrap();
        assert_eq!(t.base(), "/sub/");
        let page = t.fill("A & B", "new", "<main>text</main>", None, false);
        assert!(page.contains("<title>A &amp; B</title>"), "{page}");
        assert!(page.contains("content=\"new\""), "{page}");
        assert!(page.contains("<script type=\"module\">boot()</script>"));
        assert!(page.contains("<script src=\"a.js\"></script>"));
        assert!(page.contains("<main>text</main>"));
        assert!(
            !page.contains("Loading") && !page.contains("noscript"),
            "{page}"
        );
    }

    #[test]
    fn trunks_bootstrap_waits_for_the_page_and_loses_its_preloads() {
        let html = "<html><head><title>T</title><base href=\"/sub/\"><script type=\"module\">\nimport init, * as bindings from '/sub/app-1.js';\nconst wasm = await init({ module_or_path: '/sub/app-1_bg.wasm' });\nwindow.wasmBindings = bindings;\n</script>\n<link rel=\"modulepreload\" href=\"/sub/app-1.js\"><link rel=\"preload\" href=\"/sub/app-1_bg.wasm\" as=\"fetch\"><link rel=\"preload\" href=\"fonts/f.woff2\" as=\"font\"></head><body></body></html>";
        let t = Template::parse(html).unwrap();
        let (name, boot) = t.boot_script().unwrap();
        assert!(name.starts_with("chapter-boot-") && name.ends_with(".js"));
        assert!(boot.contains("addEventListener('load'"), "{boot}");
        assert!(boot.contains("await import('/sub/app-1.js')"), "{boot}");
        assert!(
            boot.contains("await init({ module_or_path: '/sub/app-1_bg.wasm' })"),
            "{boot}"
        );
        let bundled = t.fill("t", "d", "", Some("bundles/boot-so3-1.js"), true);
        assert!(
            bundled
                .contains("<script type=\"module\" src=\"/sub/bundles/boot-so3-1.js\"></script>")
                && !bundled.contains(name.as_str()),
            "{bundled}"
        );
        assert!(bundled.contains("<html class=\"embedded\">"), "{bundled}");
        let page = t.fill("t", "d", "", None, false);
        assert!(
            page.contains(&format!(
                "<script type=\"module\" src=\"/sub/{name}\"></script>"
            )),
            "{page}"
        );
        assert!(
            !page.contains("modulepreload") && !page.contains("_bg.wasm"),
            "{page}"
        );
        assert!(page.contains("fonts/f.woff2"), "the font preload stays");
    }

    #[test]
    fn a_broken_template_is_an_error() {
        assert!(Template::parse("<html><body></body></html>").is_err());
        assert!(Template::parse("<title>x</title><body>").is_err());
    }
}
