//! An exercise as static HTML: the same markup as the app's `Exercise` component
//! (`src/exercise.rs`), which reads its answer back from the `data-` attributes written here
//! and takes the static form's place when the wasm arrives.
//!
//! Without JavaScript (`<html>` lacks the `js` class `shell.js` sets) the exercise still works:
//! a choice question marks the chosen option right or wrong by CSS alone (`:has(:checked)`),
//! and every exercise offers its answer and explanation in a `<details>`.

use crate::markdown::{Answer, Exercise};
use crate::page::esc;
use std::fmt::Write as _;

/// The exercise `e` as HTML.
pub fn exercise(e: &Exercise) -> String {
    let id = esc(&e.id);
    let (data, input, answer_text) = match &e.answer {
        Answer::Set(values) => {
            let list = values
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            (
                format!(" data-kind=\"set\" data-answer=\"{list}\""),
                text_input(&id, "e.g. 1, 2, 3"),
                list,
            )
        }
        Answer::Number { value, tolerance } => (
            format!(
                " data-kind=\"number\" data-value=\"{value:?}\" data-tolerance=\"{tolerance:?}\""
            ),
            text_input(&id, "a number"),
            format!("{value}"),
        ),
        Answer::Choices { options, correct } => (
            format!(" data-kind=\"choices\" data-correct=\"{correct}\""),
            choices(&id, options, *correct),
            options.get(*correct).cloned().unwrap_or_default(),
        ),
    };
    let hint_button = if e.hint_html.is_some() {
        "<button type=\"button\" class=\"hint-toggle\" aria-expanded=\"false\">Hint</button>"
    } else {
        ""
    };
    let mut out = format!(
        "<div class=\"exercise\" data-id=\"{id}\"{data}>\n<p class=\"exercise-label\">Exercise</p>\n<div class=\"question\">{}</div>\n<div class=\"answer-row\">{input}<button type=\"button\" class=\"check\">Check</button>{hint_button}</div>\n",
        e.question_html
    );
    // The hint and the explanation travel in templates: the component shows them on demand, and
    // the no-JS answer below repeats them in a form that needs no script.
    if let Some(hint) = &e.hint_html {
        let _ = writeln!(out, "<template class=\"exercise-hint\">{hint}</template>");
    }
    let _ = writeln!(
        out,
        "<template class=\"exercise-explain\">{}</template>",
        e.explain_html
    );
    if matches!(e.answer, Answer::Choices { .. }) {
        out.push_str("<p class=\"nojs-verdict nojs-right\">✓ Correct.</p><p class=\"nojs-verdict nojs-wrong\">✗ Not quite — try another option.</p>\n");
    }
    let hint = e
        .hint_html
        .as_deref()
        .map(|h| format!("<p><strong>Hint.</strong> {h}</p>"))
        .unwrap_or_default();
    let _ = write!(
        out,
        "<details class=\"nojs-answer\"><summary>Show the answer</summary>{hint}<p><strong>Answer:</strong> {answer_text}</p><div>{}</div></details>\n<div aria-live=\"polite\"></div>\n</div>\n",
        e.explain_html
    );
    out
}

/// The text field of a set or number answer, as the component draws it.
fn text_input(id: &str, placeholder: &str) -> String {
    format!(
        "<label class=\"visually-hidden\" for=\"exercise-{id}-input\">Your answer</label><input id=\"exercise-{id}-input\" class=\"answer\" type=\"text\" inputmode=\"text\" autocomplete=\"off\" spellcheck=\"false\" placeholder=\"{placeholder}\">"
    )
}

/// The radio options of a choice question; the correct one carries `data-right` for the no-JS
/// CSS check.
fn choices(id: &str, options: &[String], correct: usize) -> String {
    let mut out = String::from(
        "<fieldset class=\"choices\"><legend class=\"visually-hidden\">Options</legend>",
    );
    for (i, html) in options.iter().enumerate() {
        let right = if i == correct { " data-right" } else { "" };
        let _ = write!(
            out,
            "<label class=\"choice\"><input type=\"radio\" name=\"exercise-{id}\" value=\"{i}\"{right}><span>{html}</span></label>"
        );
    }
    out.push_str("</fieldset>");
    out
}
