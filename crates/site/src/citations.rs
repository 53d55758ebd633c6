//! In-text citations, "(Geiger & Smidt, 2022)" or "(Thomas et al., 2018; Weiler et al., 2018)",
//! linked to their entry in the chapter's reference list, and an anchor on every entry.
//!
//! An entry of the list starts with its first author's surname and has its year in parentheses,
//! "Geiger, M. & Smidt, T. (2022). …", which gives it the id `ref-geiger-2022`. A citation links
//! when its first surname and year name exactly one entry; anything else is left as written.

use crate::html_text::map_text;

/// The reference list's entries: (id, first surname as written, year with its letter).
pub fn entries(html: &str) -> Vec<(String, String, String)> {
    let Some(list) = reference_list(html) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in list.split("<li>").skip(1) {
        let text = crate::search::plain_text(item);
        let Some(surname) = text.split(',').next().map(str::trim) else {
            continue;
        };
        let Some(year) = text
            .split('(')
            .skip(1)
            .filter_map(|t| t.split(')').next())
            .find(|t| is_year(t))
        else {
            continue;
        };
        if !surname.is_empty() && !surname.contains(' ') {
            out.push((id(surname, year), surname.to_string(), year.to_string()));
        }
    }
    out
}

/// The HTML of the `<ul>` after the "References" heading, if the block has one.
fn reference_list(html: &str) -> Option<&str> {
    let heading = html.find("<h2 id=\"references\"")?;
    let start = html[heading..].find("<ul>")? + heading;
    let end = html[start..].find("</ul>")? + start;
    Some(&html[start..end])
}

fn is_year(t: &str) -> bool {
    let digits = t.trim_end_matches(|c: char| c.is_ascii_lowercase());
    digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()) && t.len() <= 5
}

fn id(surname: &str, year: &str) -> String {
    let slug: String = surname
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'á' | 'à' | 'ä' | 'â' => Some('a'),
            'é' | 'è' | 'ë' | 'ê' => Some('e'),
            'í' | 'ï' => Some('i'),
            'ó' | 'ö' | 'ô' => Some('o'),
            'ú' | 'ü' => Some('u'),
            'ç' => Some('c'),
            'ñ' => Some('n'),
            _ => None,
        })
        .collect();
    format!("ref-{slug}-{year}")
}

/// The reference list with an id on every entry it knows (`entries`).
pub fn anchor_entries(html: &str, entries: &[(String, String, String)]) -> String {
    let Some(list) = reference_list(html) else {
        return html.to_string();
    };
    let start = list.as_ptr() as usize - html.as_ptr() as usize;
    let mut items = list.split("<li>");
    let mut out = String::from(items.next().unwrap_or(""));
    for item in items {
        let text = crate::search::plain_text(item);
        let known = entries
            .iter()
            .find(|(_, s, y)| text.starts_with(s.as_str()) && text.contains(&format!("({y})")));
        match known {
            Some((id, _, _)) => out.push_str(&format!("<li id=\"{id}\">")),
            None => out.push_str("<li>"),
        }
        out.push_str(item);
    }
    format!("{}{out}{}", &html[..start], &html[start + list.len()..])
}

/// Links the citations in `html`'s text to the entries.
pub fn link(html: &str, entries: &[(String, String, String)]) -> String {
    if entries.is_empty() {
        return html.to_string();
    }
    map_text(html, |text| link_in_text(text, entries))
}

/// Each "(…)" group whose parts end in a year: every part that names one entry becomes a link.
fn link_in_text(text: &str, entries: &[(String, String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| c + open) else {
            break;
        };
        out.push_str(&rest[..=open]);
        // "&amp;" holds a ';' that does not separate citations
        let inner = rest[open + 1..close].replace("&amp;", "\u{0}");
        let parts: Vec<String> = inner
            .split("; ")
            .map(|part| {
                let part = part.replace('\u{0}', "&amp;");
                match target(&part, entries) {
                    Some(id) => format!("<a href=\"#{id}\" class=\"cite\">{part}</a>"),
                    None => part,
                }
            })
            .collect();
        out.push_str(&parts.join("; "));
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// The entry that "Surname …, 2022" or "Surname et al. 2025" names, if exactly one.
fn target<'a>(part: &str, entries: &'a [(String, String, String)]) -> Option<&'a str> {
    let year = part.trim().rsplit([' ', ',']).next()?;
    if !is_year(year) {
        return None;
    }
    let surname = part.trim().split([' ', ',']).next()?;
    let mut found = entries
        .iter()
        .filter(|(_, s, y)| s.as_str() == surname && y.as_str() == year);
    let first = found.next()?;
    found.next().is_none().then_some(first.0.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFS: &str = "<h2 id=\"references\">References</h2>\n<ul>\n<li>Geiger, M. &amp; Smidt, T. (2022). e3nn.</li>\n<li>Thomas, N., Smidt, T. (2018). TFN.</li>\n<li>Batatia, I. (2022). MACE.</li>\n<li>Batatia, I. (2022). Other.</li>\n<li>Kovács, D. P. (2023b). Linear ACE.</li>\n</ul>\n";

    #[test]
    fn entries_get_ids_from_surname_and_year() {
        let e = entries(REFS);
        let ids: Vec<&str> = e.iter().map(|(id, _, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "ref-geiger-2022",
                "ref-thomas-2018",
                "ref-batatia-2022",
                "ref-batatia-2022",
                "ref-kovacs-2023b"
            ]
        );
        let anchored = anchor_entries(REFS, &e);
        assert!(
            anchored.contains("<li id=\"ref-geiger-2022\">Geiger"),
            "{anchored}"
        );
        assert!(anchored.starts_with("<h2 id=\"references\">"));
        assert!(anchored.ends_with("</ul>\n"));
    }

    #[test]
    fn citations_link_when_they_name_one_entry() {
        let e = entries(REFS);
        let html = link(
            "<p>As in (Geiger &amp; Smidt, 2022) and (Thomas et al., 2018; Batatia et al., 2022; Kovács et al. 2023b), not (1998) or f(x).</p>",
            &e,
        );
        assert!(
            html.contains(
                "(<a href=\"#ref-geiger-2022\" class=\"cite\">Geiger &amp; Smidt, 2022</a>)"
            ),
            "{html}"
        );
        assert!(html.contains("<a href=\"#ref-thomas-2018\" class=\"cite\">Thomas et al., 2018</a>; Batatia et al., 2022; <a href=\"#ref-kovacs-2023b\""), "ambiguous Batatia 2022 is left alone: {html}");
        assert!(html.contains("not (1998) or f(x)."));
    }

    #[test]
    fn no_list_no_links() {
        assert!(entries("<p>(Geiger, 2022)</p>").is_empty());
        assert_eq!(link("(Geiger, 2022)", &[]), "(Geiger, 2022)");
        assert_eq!(link_in_text("(unclosed", &entries(REFS)), "(unclosed");
    }
}
