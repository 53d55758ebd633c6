//! trunk's `index.html` as the frame of every pre-rendered page: its `<head>` (styles, fonts, the
//! wasm bootstrap, the CSP) is kept; the title, the description and the body are replaced. The
//! body's scripts are kept; its loading message and `<noscript>` notice are not (the page itself
//! is the content now).

/// The parts of the template around the three slots.
pub struct Template {
    /// Everything up to `<title>`'s text, the rest of the head up to `<body…>`, scripts in the body.
    head_before_title: String,
    head_after_title: String,
    body_scripts: String,
    base: String,
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
        Ok(Template {
            head_before_title: html[..title_start].to_string(),
            head_after_title: html[title_end..body_start].to_string(),
            body_scripts,
            base,
        })
    }

    /// The site's base path, ending in '/': every link of the page starts with it.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The finished page. `description` is HTML-escaped text already.
    pub fn fill(&self, title: &str, description: &str, body: &str) -> String {
        let head = replace_description(&self.head_after_title, description);
        format!(
            "{}{}{head}<body data-prerendered>\n{body}{}</body>\n</html>\n",
            self.head_before_title,
            crate::page::esc(title),
            self.body_scripts
        )
    }
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
        let page = t.fill("A & B", "new", "<main>text</main>");
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
    fn a_broken_template_is_an_error() {
        assert!(Template::parse("<html><body></body></html>").is_err());
        assert!(Template::parse("<title>x</title><body>").is_err());
    }
}
