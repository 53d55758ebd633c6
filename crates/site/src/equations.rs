//! Numbered display equations, with an anchor each (`#eq-N`) and links from the text to them.
//!
//! A chapter that numbers some of its equations by hand (a display ending in `\qquad (N)`, as
//! chapter 04's four equations of the framework) keeps exactly those numbers; in every other
//! chapter each display equation is numbered in order, as LaTeX's `equation` does. The number is
//! HTML beside the MathML, not part of it, so it stays at the right edge when the formula scrolls.
//! "equation (N)" in the text becomes a link to the equation.

/// The label of each display equation, in order: `Some(N)` for a numbered one. `tex` is each
/// display's TeX as written.
pub fn labels<'a>(tex: impl IntoIterator<Item = &'a str>) -> Vec<Option<String>> {
    let tex: Vec<&str> = tex.into_iter().collect();
    let by_hand: Vec<Option<String>> = tex.iter().map(|t| hand_label(t).map(|(_, n)| n)).collect();
    if by_hand.iter().any(Option::is_some) {
        by_hand
    } else {
        (1..=tex.len()).map(|n| Some(n.to_string())).collect()
    }
}

/// A trailing `\qquad (N)`: (the TeX without it, N).
pub fn hand_label(tex: &str) -> Option<(&str, String)> {
    let t = tex.trim_end();
    let inner = t.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let number = &inner[open + 1..];
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let before = inner[..open].trim_end().strip_suffix("\\qquad")?;
    Some((before, number.to_string()))
}

/// The display's HTML: the MathML, and for a numbered one its anchor and number.
pub fn display_html(mathml: &str, label: Option<&str>) -> String {
    match label {
        Some(n) => format!(
            "<span class=\"display-math numbered\" id=\"eq-{n}\"><span class=\"display-math-body\">{mathml}</span><a class=\"eq-number\" href=\"#eq-{n}\" aria-label=\"Equation {n}\">({n})</a></span>"
        ),
        None => format!("<span class=\"display-math\">{mathml}</span>"),
    }
}

/// Links "equation (N)" and "equations (N) and (M)" in rendered text to the equations that
/// exist (`known`), leaving tags, math and existing links alone.
pub fn link_references(html: &str, known: &[String]) -> String {
    crate::html_text::map_text(html, |text| link_in_text(text, known))
}

/// `text` has no tags.
fn link_in_text(text: &str, known: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find_word(rest) {
        let (word_end, mut tail) = (at.1, &rest[at.1..]);
        out.push_str(&rest[..word_end]);
        // one or more "(N)" joined by ", " or " and "
        while let Some(n) = tail.strip_prefix('(').and_then(|t| {
            let close = t.find(')')?;
            let n = &t[..close];
            (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit())).then_some(n)
        }) {
            let written = format!("({n})");
            if known.iter().any(|k| k == n) {
                out.push_str(&format!(
                    "<a href=\"#eq-{n}\" class=\"eq-ref\">{written}</a>"
                ));
            } else {
                out.push_str(&written);
            }
            tail = &tail[written.len()..];
            let joiner = [", ", " and ", " or ", "–"]
                .into_iter()
                .find(|j| tail.strip_prefix(j).is_some_and(|t| t.starts_with('(')));
            match joiner {
                Some(j) => {
                    out.push_str(j);
                    tail = &tail[j.len()..];
                }
                None => break,
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// The next "equation " or "equations " (any case of the first letter): (start, end).
fn find_word(text: &str) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for word in ["equation (", "Equation (", "equations (", "Equations ("] {
        if let Some(i) = text.find(word) {
            let end = i + word.len() - 1;
            if best.is_none_or(|(b, _)| i < b) {
                best = Some((i, end));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_numbers_win_otherwise_every_display_is_numbered() {
        assert_eq!(
            labels(["a", "b \\qquad (1)", "c \\qquad\n(2) "]),
            [None, Some("1".into()), Some("2".into())]
        );
        assert_eq!(labels(["a", "b"]), [Some("1".into()), Some("2".into())]);
        assert!(labels([]).is_empty());
        assert_eq!(hand_label("x \\qquad (12)"), Some(("x ", "12".into())));
        assert_eq!(hand_label("f(x)"), None);
        assert_eq!(hand_label("()"), None);
        assert_eq!(
            hand_label("(1)"),
            None,
            "a number needs the \\qquad before it"
        );
    }

    #[test]
    fn references_link_to_equations_that_exist() {
        let known = vec!["1".to_string(), "2".to_string()];
        assert_eq!(
            link_references("<p>By equation (2), and equations (1) and (2); not (3).</p>", &known),
            "<p>By equation <a href=\"#eq-2\" class=\"eq-ref\">(2)</a>, and equations <a href=\"#eq-1\" class=\"eq-ref\">(1)</a> and <a href=\"#eq-2\" class=\"eq-ref\">(2)</a>; not (3).</p>"
        );
        assert_eq!(link_references("equation (9)", &known), "equation (9)");
        assert_eq!(
            link_references("<a href=\"x\">equation (1)</a>", &known),
            "<a href=\"x\">equation (1)</a>",
            "no link inside a link"
        );
        assert_eq!(link_references("equation (", &known), "equation (");
        assert_eq!(link_references("<b", &known), "<b");
    }

    #[test]
    fn a_numbered_display_has_its_anchor() {
        let h = display_html("<math></math>", Some("3"));
        assert!(h.contains("id=\"eq-3\"") && h.contains("href=\"#eq-3\"") && h.contains("(3)"));
        assert!(!display_html("<math></math>", None).contains("eq-"));
    }
}
