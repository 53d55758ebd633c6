//! Rewriting the text of rendered HTML without touching its markup: what the equation and
//! citation links (`equations.rs`, `citations.rs`) need.

/// `html` with `f` applied to every run of text outside tags, outside `<math>` and outside
/// existing links. Broken markup (a `<` that never closes) is passed through as it is.
pub fn map_text(html: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut in_link = false;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            let end = if rest.starts_with("<math") {
                rest.find("</math>").map(|i| i + "</math>".len())
            } else {
                rest.find('>').map(|i| i + 1)
            }
            .unwrap_or(rest.len());
            let tag = &rest[..end];
            if tag.starts_with("<a ") || tag == "<a>" {
                in_link = true;
            } else if tag == "</a>" {
                in_link = false;
            }
            out.push_str(tag);
            rest = &rest[end..];
            continue;
        }
        let text_end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..text_end];
        if in_link {
            out.push_str(text);
        } else {
            out.push_str(&f(text));
        }
        rest = &rest[text_end..];
    }
    out
}

/// The characters of `html` outside its tags (entities stay as written).
pub fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_text_outside_links_and_math_is_mapped() {
        let up = |t: &str| t.to_uppercase();
        assert_eq!(
            map_text("a<b>b</b><a href=\"x\">c</a><math><mi>d</mi></math>e", up),
            "A<b>B</b><a href=\"x\">c</a><math><mi>d</mi></math>E"
        );
        assert_eq!(map_text("x <b", up), "X <b");
        assert_eq!(map_text("", up), "");
    }
}
