//! Chapter Markdown → static blocks, at build time (the page renderer's own module; the app's
//! `build.rs` includes it by path to check the chapters and list their titles).
//!
//! The chapter syntax is the one in the project contract: CommonMark + tables, `$…$` / `$$…$$`
//! LaTeX rendered to MathML with pulldown-latex 0.8.0, ```` ```widget ```` blocks (one line:
//! `name key=value …`) and ```` ```exercise ```` blocks (`key: value` lines). Math is found by
//! pulldown-cmark's own math extension, so a `$` inside a code span or code block stays text and
//! display math may span several lines.
//!
//! Nothing here panics on bad input: problems are collected as [`Problem`]s, and `build.rs`
//! decides (it fails the build, because broken math in our own chapters must not ship).

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use pulldown_latex::config::DisplayMode;
use pulldown_latex::{push_mathml, RenderConfig, Storage};

/// A `## ` heading: the id on the `<h2>` (for `#id` links) and its inner HTML (may hold math).
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title_html: String,
}

/// How an exercise's answer is checked in the browser.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Integers, compared as sets (order and spaces do not matter).
    Set(Vec<i64>),
    /// A number, accepted within `tolerance` (absolute).
    Number { value: f64, tolerance: f64 },
    /// Options (inline HTML) and the index of the correct one.
    Choices {
        options: Vec<String>,
        correct: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    pub id: String,
    pub question_html: String,
    pub answer: Answer,
    pub explain_html: String,
    pub hint_html: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Html(String),
    /// `query` is already in URL form: "l=2&m=1".
    Widget {
        name: String,
        query: String,
    },
    Exercise(Exercise),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    pub title: String,
    pub planned: bool,
    pub sections: Vec<Section>,
    pub blocks: Vec<Block>,
}

/// Something wrong in a chapter's source, with enough context to find it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
}

/// `\ ` and `~` make pulldown-latex 0.8.0 write a double-escaped `&amp;nbsp;` (web-notes.md):
/// rewrite them to the thin/medium spaces `\;` and `\,`. A `\\` (row break) is kept intact, so
/// `\\ ` is not mistaken for `\ `.
pub fn rewrite_latex_spaces(tex: &str) -> String {
    let mut out = String::with_capacity(tex.len() + 8);
    let mut chars = tex.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(' ') => {
                    chars.next();
                    out.push_str("\\;");
                }
                Some(&next) => {
                    chars.next();
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '~' => out.push_str("\\,"),
            _ => out.push(c),
        }
    }
    out
}

/// LaTeX → MathML. Errors (an `<merror>` or a leaked `&amp;nbsp;`) are returned with the source.
pub fn latex_to_mathml(tex: &str, display: bool) -> Result<String, String> {
    let source = rewrite_latex_spaces(tex.trim());
    let storage = Storage::new();
    let parser = pulldown_latex::Parser::new(&source, &storage);
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let mut mathml = String::new();
    push_mathml(&mut mathml, parser, config).map_err(|e| format!("{e} in `{tex}`"))?;
    if mathml.contains("<merror") {
        return Err(format!("LaTeX error in `{tex}`: {mathml}"));
    }
    if mathml.contains("&amp;nbsp;") {
        return Err(format!("`&amp;nbsp;` leaked from `{tex}`"));
    }
    Ok(mathml)
}

/// A URL-safe id from heading text: lowercase ASCII letters and digits, other runs → '-'.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_MATH | Options::ENABLE_STRIKETHROUGH
}

/// Replace math events by their MathML (as inline HTML), recording conversion problems.
fn math_to_html<'a>(event: Event<'a>, problems: &mut Vec<Problem>) -> Event<'a> {
    let (tex, display) = match &event {
        Event::InlineMath(t) => (t.to_string(), false),
        Event::DisplayMath(t) => (t.to_string(), true),
        _ => return event,
    };
    match latex_to_mathml(&tex, display) {
        Ok(mathml) if display => Event::InlineHtml(CowStr::from(format!(
            "<span class=\"display-math\">{mathml}</span>"
        ))),
        Ok(mathml) => Event::InlineHtml(CowStr::from(mathml)),
        Err(message) => {
            problems.push(Problem { message });
            Event::Text(CowStr::from(tex))
        }
    }
}

/// A table header that is only a formula (`| $T$ |`) gets the formula's text as its `<math>`'s
/// label: without it, accessibility checkers (axe's empty-table-header) and some screen readers
/// find the header empty.
fn name_math_headers(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<th") {
        let Some(open_end) = rest[at..].find('>').map(|i| at + i + 1) else {
            break;
        };
        out.push_str(&rest[..open_end]);
        rest = &rest[open_end..];
        let Some(close) = rest.find("</th>") else {
            continue;
        };
        let cell = &rest[..close];
        if cell.starts_with("<math")
            && cell.ends_with("</math>")
            && cell.matches("<math").count() == 1
        {
            let text: String = crate::html_text::strip_tags(cell)
                .split_whitespace()
                .collect();
            out.push_str(&cell.replacen("<math", &format!("<math aria-label=\"{text}\""), 1));
            rest = &rest[close..];
        }
    }
    out.push_str(rest);
    out
}

/// Markdown fragment (an exercise field) → HTML. A single paragraph is unwrapped so the text
/// can sit inside a `<label>` or `<p>` of the component.
pub fn render_fragment(markdown: &str, problems: &mut Vec<Problem>) -> String {
    let events: Vec<Event> = Parser::new_ext(markdown, options())
        .map(|e| math_to_html(e, problems))
        .collect();
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let trimmed = html.trim();
    if let Some(inner) = trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        if !inner.contains("<p>") {
            return inner.to_string();
        }
    }
    trimmed.to_string()
}

/// `sh-explorer l=2 m=1` → ("sh-explorer", "l=2&m=1").
pub fn parse_widget(line: &str) -> Option<(String, String)> {
    let mut words = line.split_whitespace();
    let name = words.next()?.to_string();
    let query: Vec<&str> = words.collect();
    Some((name, query.join("&")))
}

/// Parse the `key: value` lines of an exercise block. A line without a known `key:` prefix
/// continues the previous value (so long questions may wrap).
pub fn parse_exercise(body: &str, problems: &mut Vec<Problem>) -> Option<Exercise> {
    const KEYS: [&str; 8] = [
        "id",
        "question",
        "answer-set",
        "answer-number",
        "tolerance",
        "choices",
        "explain",
        "hint",
    ];
    let mut fields: Vec<(&str, String)> = Vec::new();
    for line in body.lines() {
        let key = line
            .split_once(':')
            .map(|(k, _)| k.trim())
            .filter(|k| KEYS.contains(k));
        match (key, fields.last_mut()) {
            (Some(k), _) => {
                let value = line.split_once(':').map(|(_, v)| v.trim()).unwrap_or("");
                fields.push((k, value.to_string()));
            }
            (None, Some((_, value))) if !line.trim().is_empty() => {
                value.push(' ');
                value.push_str(line.trim());
            }
            (None, None) if !line.trim().is_empty() => problems.push(Problem {
                message: format!("exercise line `{line}` has no `key:` (keys: {KEYS:?})"),
            }),
            _ => {}
        }
    }
    let get = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    };
    let id = get("id").unwrap_or("").to_string();
    let fail = |problems: &mut Vec<Problem>, what: String| {
        problems.push(Problem {
            message: format!("exercise `{id}`: {what}"),
        });
        None
    };
    if id.is_empty() {
        return fail(problems, "missing `id:`".into());
    }
    let Some(question) = get("question") else {
        return fail(problems, "missing `question:`".into());
    };
    let kinds = ["answer-set", "answer-number", "choices"]
        .iter()
        .filter(|k| get(k).is_some())
        .count();
    if kinds != 1 {
        return fail(
            problems,
            format!("needs exactly one of answer-set / answer-number / choices, found {kinds}"),
        );
    }
    let answer = if let Some(set) = get("answer-set") {
        let parsed: Result<Vec<i64>, _> = set
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.replace('−', "-").parse::<i64>())
            .collect();
        match parsed {
            Ok(mut values) => {
                values.sort_unstable();
                values.dedup();
                Answer::Set(values)
            }
            Err(e) => return fail(problems, format!("answer-set `{set}`: {e}")),
        }
    } else if let Some(number) = get("answer-number") {
        let value = match number.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                return fail(
                    problems,
                    format!("answer-number `{number}` is not a number"),
                )
            }
        };
        let tolerance = match get("tolerance").map(|t| t.trim().parse::<f64>()) {
            None => 1e-9_f64.max(value.abs() * 1e-9),
            Some(Ok(t)) if t >= 0.0 && t.is_finite() => t,
            Some(_) => return fail(problems, "tolerance is not a non-negative number".into()),
        };
        Answer::Number { value, tolerance }
    } else {
        let choices = get("choices").unwrap_or("");
        let mut options = Vec::new();
        let mut correct = Vec::new();
        for (i, option) in choices.split('|').map(str::trim).enumerate() {
            let text = match option.strip_suffix('*') {
                Some(text) => {
                    correct.push(i);
                    text.trim_end()
                }
                None => option,
            };
            options.push(render_fragment(text, problems));
        }
        if options.len() < 2 || correct.len() != 1 {
            return fail(
                problems,
                format!("choices `{choices}` need at least two options and exactly one marked `*`"),
            );
        }
        Answer::Choices {
            options,
            correct: correct[0],
        }
    };
    Some(Exercise {
        question_html: render_fragment(question, problems),
        explain_html: render_fragment(get("explain").unwrap_or(""), problems),
        hint_html: get("hint").map(|h| render_fragment(h, problems)),
        answer,
        id,
    })
}

/// Drop a LaTeX `%` comment (an unescaped `%` to the end of the line).
fn strip_tex_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'%' => return &line[..i],
            _ => i += 1,
        }
    }
    line
}

/// Put every display equation that starts a line with `$$` on one line, so that Markdown block
/// syntax cannot cut it (a line of the equation starting with `+`, `-` or `>` would otherwise
/// open a list or quote, and a blank line would end the paragraph). Fenced code is left alone.
pub fn join_display_math(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut fence: Option<String> = None;
    let mut math: Option<String> = None;
    for line in source.lines() {
        let trimmed = line.trim_start();
        if let Some(buf) = math.as_mut() {
            buf.push(' ');
            buf.push_str(strip_tex_comment(line).trim());
            if line.contains("$$") {
                out.push_str(buf);
                out.push('\n');
                math = None;
            }
            continue;
        }
        if let Some(marker) = &fence {
            if trimmed.starts_with(marker.as_str()) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let ch = trimmed.chars().next().unwrap_or('`');
            let n = trimmed.chars().take_while(|&c| c == ch).count();
            fence = Some(std::iter::repeat_n(ch, n).collect());
        } else if trimmed.starts_with("$$") && trimmed.matches("$$").count() == 1 {
            math = Some(strip_tex_comment(trimmed).trim_end().to_string());
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if let Some(buf) = math {
        // Unclosed: keep the text so the reader sees it; the `$$` stays visible.
        out.push_str(&buf);
        out.push('\n');
    }
    out
}

/// Internal link targets made to work under the page's `<base href>`: `#id` (same chapter) and
/// `NN_name.md#id` (another chapter file) become `chapter/<slug>#id`, relative to the base, so
/// the router handles them as in-app navigation. Other targets are left alone.
pub fn rewrite_link(dest: &str, slug: &str) -> Option<String> {
    if let Some(fragment) = dest.strip_prefix('#') {
        return Some(format!("chapter/{slug}#{fragment}"));
    }
    let (file, fragment) = match dest.split_once('#') {
        Some((f, frag)) => (f, Some(frag)),
        None => (dest, None),
    };
    let file = file
        .trim_start_matches("./")
        .trim_start_matches("chapters/");
    let stem = file.strip_suffix(".md")?;
    let is_chapter = stem.len() > 3
        && stem.as_bytes()[..2].iter().all(u8::is_ascii_digit)
        && stem.as_bytes()[2] == b'_'
        && !stem.contains('/');
    if !is_chapter {
        return None;
    }
    let target = stem.replace('_', "-");
    Some(match fragment {
        Some(frag) => format!("chapter/{target}#{frag}"),
        None => format!("chapter/{target}"),
    })
}

/// Render a whole chapter (`slug` is its URL slug, for in-page links). `problems` collects
/// everything that must fail the build.
pub fn render_chapter(source: &str, slug: &str, problems: &mut Vec<Problem>) -> Chapter {
    let joined = join_display_math(source);
    let events: Vec<Event> = Parser::new_ext(&joined, options())
        .map(|e| match e {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = rewrite_link(&dest_url, slug)
                    .map(CowStr::from)
                    .unwrap_or(dest_url);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            other => other,
        })
        .collect();
    let mut title = String::new();
    let mut sections = Vec::new();
    let mut blocks = Vec::new();
    let mut pending: Vec<Event> = Vec::new();
    let mut used_ids: Vec<String> = Vec::new();
    let labels = crate::equations::labels(events.iter().filter_map(|e| match e {
        Event::DisplayMath(t) => Some(t.as_ref()),
        _ => None,
    }));
    let mut next_label = labels.iter();
    let planned = source
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("# "))
        .is_some_and(|l| l.starts_with("*Planned chapter.*"));

    let flush = |pending: &mut Vec<Event>, blocks: &mut Vec<Block>| {
        if pending.is_empty() {
            return;
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pending.drain(..));
        if !html.trim().is_empty() {
            blocks.push(Block::Html(html));
        }
    };

    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = *level;
                let end = (i..events.len())
                    .find(|&j| matches!(events[j], Event::End(TagEnd::Heading(_))))
                    .unwrap_or(events.len());
                let inner: Vec<Event> = events[i + 1..end]
                    .iter()
                    .cloned()
                    .map(|e| math_to_html(e, problems))
                    .collect();
                let text: String = events[i + 1..end]
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let mut inner_html = String::new();
                pulldown_cmark::html::push_html(&mut inner_html, inner.iter().cloned());
                if level == HeadingLevel::H1 && title.is_empty() {
                    title = text.trim().to_string();
                } else {
                    let mut id = slugify(&text);
                    let base = id.clone();
                    let mut n = 2;
                    while used_ids.contains(&id) {
                        id = format!("{base}-{n}");
                        n += 1;
                    }
                    used_ids.push(id.clone());
                    if level == HeadingLevel::H2 {
                        sections.push(Section {
                            id: id.clone(),
                            title_html: inner_html.clone(),
                        });
                    }
                    // The permalink follows the text, so a screen reader reads the heading first.
                    pending.push(Event::Html(CowStr::from(format!(
                        "<{level} id=\"{id}\">{inner_html}<a class=\"permalink\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></{level}>\n"
                    ))));
                }
                i = end + 1;
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if matches!(info.trim(), "widget" | "exercise") =>
            {
                let kind = info.trim().to_string();
                let mut body = String::new();
                let mut j = i + 1;
                while j < events.len() && !matches!(events[j], Event::End(TagEnd::CodeBlock)) {
                    if let Event::Text(t) = &events[j] {
                        body.push_str(t);
                    }
                    j += 1;
                }
                flush(&mut pending, &mut blocks);
                if kind == "widget" {
                    match parse_widget(body.trim()) {
                        Some((name, query)) => blocks.push(Block::Widget { name, query }),
                        None => problems.push(Problem {
                            message: "empty ```widget block".into(),
                        }),
                    }
                } else if let Some(ex) = parse_exercise(&body, problems) {
                    blocks.push(Block::Exercise(ex));
                }
                i = j + 1;
            }
            Event::DisplayMath(tex) => {
                let label = next_label.next().cloned().flatten();
                let tex = crate::equations::hand_label(tex)
                    .map(|(t, _)| t)
                    .unwrap_or(tex);
                pending.push(match latex_to_mathml(tex, true) {
                    Ok(mathml) => Event::InlineHtml(CowStr::from(crate::equations::display_html(
                        &mathml,
                        label.as_deref(),
                    ))),
                    Err(message) => {
                        problems.push(Problem { message });
                        Event::Text(CowStr::from(tex.to_string()))
                    }
                });
                i += 1;
            }
            _ => {
                pending.push(math_to_html(events[i].clone(), problems));
                i += 1;
            }
        }
    }
    flush(&mut pending, &mut blocks);
    let known: Vec<String> = labels.into_iter().flatten().collect();
    for block in &mut blocks {
        if let Block::Html(html) = block {
            *html = name_math_headers(&crate::equations::link_references(html, &known));
        }
    }
    if planned {
        // The site shows a "planned" banner; drop the marker so it is not said twice.
        if let Some(Block::Html(html)) = blocks.first_mut() {
            *html = html.replacen("<em>Planned chapter.</em> ", "", 1);
        }
    }
    Chapter {
        title,
        planned,
        sections,
        blocks,
    }
}

/// The characters drawn inside `<math>` elements of some HTML (text between tags, with the
/// three entities pulldown-latex writes decoded), to check them against the math font subset.
pub fn math_chars(html: &str) -> std::collections::BTreeSet<char> {
    let mut chars = std::collections::BTreeSet::new();
    let mut rest = html;
    while let Some(start) = rest.find("<math") {
        let after = &rest[start..];
        let end = after.find("</math>").unwrap_or(after.len());
        let mut in_tag = false;
        let text: String = after[..end]
            .chars()
            .filter(|&c| {
                match c {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        return false;
                    }
                    _ => {}
                }
                !in_tag
            })
            .collect();
        let text = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        chars.extend(text.chars().filter(|c| !c.is_whitespace()));
        rest = &after[end..];
        if rest.len() <= "</math>".len() {
            break;
        }
        rest = &rest["</math>".len()..];
    }
    chars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_are_rewritten_but_row_breaks_kept() {
        assert_eq!(rewrite_latex_spaces(r"a\ b~c"), r"a\;b\,c");
        assert_eq!(rewrite_latex_spaces(r"a \\ b"), r"a \\ b");
        assert_eq!(rewrite_latex_spaces(r"\alpha"), r"\alpha");
    }

    #[test]
    fn spaces_do_not_leak_nbsp() {
        let m = latex_to_mathml(r"x\ y~z", false).unwrap();
        assert!(!m.contains("nbsp"), "{m}");
    }

    #[test]
    fn bad_latex_is_an_error() {
        assert!(latex_to_mathml(r"\frac{1}", false).is_err());
        assert!(latex_to_mathml(r"\notacommand x", true).is_err());
    }

    #[test]
    fn a_header_that_is_only_math_is_named() {
        let h = name_math_headers("<table><thead><tr><th>model</th><th><math display=\"inline\"><mi>T</mi></math></th><th>x <math><mi>y</mi></math></th></tr></thead></table>");
        assert!(
            h.contains("<th><math aria-label=\"T\" display=\"inline\"><mi>T</mi></math></th>"),
            "{h}"
        );
        assert!(
            h.contains("<th>x <math><mi>y</mi></math></th>"),
            "text beside the math is its name: {h}"
        );
        assert_eq!(name_math_headers("<th>"), "<th>");
        assert_eq!(name_math_headers("<th"), "<th");
    }

    #[test]
    fn math_in_code_is_left_alone_and_display_math_spans_lines() {
        let mut p = Vec::new();
        let ch = render_chapter(
            "# T\n\nCost `$5` and $x^2$.\n\n$$\na = b % note\n\n+ c\n- d\n$$\n\n```\n$$\n$y$\n```\n",
            "00-t",
            &mut p,
        );
        assert!(p.is_empty(), "{p:?}");
        let Block::Html(h) = &ch.blocks[0] else {
            panic!("expected html")
        };
        assert!(h.contains("<code>$5</code>"), "{h}");
        assert!(h.contains("<math"), "{h}");
        assert!(h.contains("display-math"), "{h}");
        assert!(h.contains("$$\n$y$"), "{h}");
        assert!(!h.contains("<li>") && !h.contains("note"), "{h}");
        assert_eq!(ch.title, "T");
    }

    #[test]
    fn sections_get_unique_slug_ids() {
        let mut p = Vec::new();
        let ch = render_chapter(
            "# T\n\n## Real SH $Y_l^m$\n\n## Real SH\n\n## Real SH\n",
            "00-t",
            &mut p,
        );
        let ids: Vec<&str> = ch.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["real-sh-y-l-m", "real-sh", "real-sh-2"]);
        assert!(ch.sections[0].title_html.contains("<math"));
    }

    #[test]
    fn planned_is_detected() {
        let mut p = Vec::new();
        let ch = render_chapter("# T\n\n*Planned chapter.* Soon.\n", "00-t", &mut p);
        assert!(ch.planned);
        assert_eq!(ch.blocks, [Block::Html("<p>Soon.</p>\n".into())]);
        assert!(!render_chapter("# T\n\nText.\n", "00-t", &mut p).planned);
    }

    #[test]
    fn widget_block_becomes_query() {
        let mut p = Vec::new();
        let ch = render_chapter(
            "# T\n\n```widget\nsh-explorer l=2 m=1\n```\n",
            "00-t",
            &mut p,
        );
        assert_eq!(
            ch.blocks,
            [Block::Widget {
                name: "sh-explorer".into(),
                query: "l=2&m=1".into()
            }]
        );
    }

    #[test]
    fn exercises_parse() {
        let mut p = Vec::new();
        let e = parse_exercise(
            "id: cg\nquestion: Which $L$ in\n  $2 \\otimes 3$?\nanswer-set: 5, 1,2 ,3,4\nexplain: Triangle.\n",
            &mut p,
        )
        .unwrap();
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(e.answer, Answer::Set(vec![1, 2, 3, 4, 5]));
        assert!(e.question_html.contains("<math"));
        assert!(!e.question_html.starts_with("<p>"));

        let e = parse_exercise("id: p\nquestion: Q\nchoices: even | odd*\n", &mut p).unwrap();
        assert_eq!(
            e.answer,
            Answer::Choices {
                options: vec!["even".into(), "odd".into()],
                correct: 1
            }
        );
        let e = parse_exercise(
            "id: n\nquestion: Q\nanswer-number: 7\ntolerance: 0.5\n",
            &mut p,
        )
        .unwrap();
        assert_eq!(
            e.answer,
            Answer::Number {
                value: 7.0,
                tolerance: 0.5
            }
        );
        assert!(p.is_empty());
    }

    #[test]
    fn malformed_exercises_are_reported() {
        let mut p = Vec::new();
        assert!(parse_exercise("question: Q\nanswer-set: 1\n", &mut p).is_none());
        assert!(parse_exercise("id: a\nquestion: Q\n", &mut p).is_none());
        assert!(parse_exercise("id: b\nquestion: Q\nchoices: a | b\n", &mut p).is_none());
        assert!(parse_exercise("id: c\nquestion: Q\nanswer-set: 1, x\n", &mut p).is_none());
        assert_eq!(p.len(), 4);
    }

    #[test]
    fn internal_links_are_rewritten() {
        assert_eq!(
            rewrite_link("#a-b", "00-x").as_deref(),
            Some("chapter/00-x#a-b")
        );
        assert_eq!(
            rewrite_link("01_atomic_cluster_expansion.md#basis", "00-x").as_deref(),
            Some("chapter/01-atomic-cluster-expansion#basis")
        );
        assert_eq!(
            rewrite_link("./03_mace.md", "00-x").as_deref(),
            Some("chapter/03-mace")
        );
        assert_eq!(rewrite_link("https://arxiv.org/abs/1", "00-x"), None);
        assert_eq!(rewrite_link("notes.md", "00-x"), None);
        let mut p = Vec::new();
        let ch = render_chapter("# T\n\nSee [below](#b).\n", "00-t", &mut p);
        let Block::Html(h) = &ch.blocks[0] else {
            panic!("expected html")
        };
        assert!(h.contains("href=\"chapter/00-t#b\""), "{h}");
    }

    #[test]
    fn math_chars_reads_text_of_math_only() {
        let html = format!(
            "<p>q {}</p>",
            latex_to_mathml(r"x \le \alpha", false).unwrap()
        );
        let chars: String = math_chars(&html).into_iter().collect();
        assert_eq!(chars, "xα≤");
    }
}
