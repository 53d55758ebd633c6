//! An exercise from a chapter's ```exercise block: answer input (or radio choices), a Check
//! button, and feedback with the explanation. Test hooks (site brief): `div.exercise[data-id]`,
//! `button.check`, `[data-testid=exercise-feedback][data-correct]`.
//!
//! The chapter page carries each exercise as static HTML (`crates/site/src/exercise_html.rs`):
//! [`ExerciseData::read`] takes the question and answer back from it, so the wasm carries no
//! chapter text, and the component replaces the static form with the same markup.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// How an exercise's answer is checked.
pub enum AnswerData {
    /// Integers compared as a set (sorted, deduplicated at build time).
    Set(Vec<i64>),
    Number {
        value: f64,
        tolerance: f64,
    },
    /// Option texts (inline HTML) and the index of the correct one.
    Choices {
        options: Vec<&'static str>,
        correct: usize,
    },
}

pub struct ExerciseData {
    pub id: &'static str,
    pub question_html: &'static str,
    pub answer: AnswerData,
    pub explain_html: &'static str,
    pub hint_html: Option<&'static str>,
    /// What the reader typed or chose in the static form before the wasm arrived (kept).
    pub typed: String,
    pub chosen: Option<usize>,
}

/// A string kept for the page's lifetime: an exercise lives as long as its page (chapters are
/// separate page loads), and the component's closures need `'static` text.
fn keep(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

impl ExerciseData {
    /// The exercise written as static HTML in `el` (a `div.exercise`); `Err` says what is missing.
    pub fn read(el: &web_sys::Element) -> Result<&'static ExerciseData, String> {
        let attr = |name: &str| {
            el.get_attribute(name)
                .ok_or_else(|| format!("exercise without `{name}`"))
        };
        let inner = |sel: &str| -> String {
            el.query_selector(sel)
                .ok()
                .flatten()
                .map(|e| match e.dyn_ref::<web_sys::HtmlTemplateElement>() {
                    Some(t) => t.inner_html(),
                    None => e.inner_html(),
                })
                .unwrap_or_default()
        };
        let id = attr("data-id")?;
        let number = |name: &str| -> Result<f64, String> {
            attr(name)?
                .parse::<f64>()
                .map_err(|_| format!("exercise {id}: `{name}` is not a number"))
        };
        let answer = match attr("data-kind")?.as_str() {
            "set" => AnswerData::Set(
                attr("data-answer")?
                    .split(',')
                    .filter_map(|v| v.trim().parse::<i64>().ok())
                    .collect(),
            ),
            "number" => AnswerData::Number {
                value: number("data-value")?,
                tolerance: number("data-tolerance")?,
            },
            "choices" => {
                let spans = el
                    .query_selector_all(".choice > span")
                    .map_err(|_| format!("exercise {id}: no options"))?;
                let options = (0..spans.length())
                    .filter_map(|i| spans.item(i))
                    .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
                    .map(|e| keep(e.inner_html()))
                    .collect();
                AnswerData::Choices {
                    options,
                    correct: number("data-correct")? as usize,
                }
            }
            other => return Err(format!("exercise {id}: unknown kind `{other}`")),
        };
        let hint = inner("template.exercise-hint");
        let typed = el
            .query_selector("input.answer")
            .ok()
            .flatten()
            .and_then(|i| i.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|i| i.value())
            .unwrap_or_default();
        let chosen = el
            .query_selector(".choice input:checked")
            .ok()
            .flatten()
            .and_then(|i| i.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.value().parse::<usize>().ok());
        let data = ExerciseData {
            question_html: keep(inner(".question")),
            explain_html: keep(inner("template.exercise-explain")),
            hint_html: (!hint.is_empty()).then(|| keep(hint)),
            answer,
            id: keep(id),
            typed,
            chosen,
        };
        Ok(Box::leak(Box::new(data)))
    }
}

/// The outcome of checking an answer.
#[derive(Clone, PartialEq, Debug)]
enum Verdict {
    Correct,
    Wrong,
    /// The input could not be read (says why); counts as not correct.
    Unreadable(String),
}

/// Accept the typographic minus and a leading '+' as readers type them.
fn normalise_number(s: &str) -> String {
    s.trim()
        .replace(['−', '–'], "-")
        .trim_start_matches('+')
        .to_string()
}

/// Answer-set: integers separated by commas, semicolons or spaces, compared as sets.
fn check_set(input: &str, expected: &[i64]) -> Verdict {
    let mut values = Vec::new();
    for token in input
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        let token = token.trim_matches(|c| c == '{' || c == '}');
        if token.is_empty() {
            continue;
        }
        match normalise_number(token).parse::<i64>() {
            Ok(v) => values.push(v),
            Err(_) => {
                return Verdict::Unreadable(format!(
                    "“{token}” is not a whole number; write integers separated by commas."
                ))
            }
        }
    }
    if values.is_empty() {
        return Verdict::Unreadable("Type your answer first, e.g. 1, 2, 3.".into());
    }
    values.sort_unstable();
    values.dedup();
    if values == expected {
        Verdict::Correct
    } else {
        Verdict::Wrong
    }
}

fn check_number(input: &str, value: f64, tolerance: f64) -> Verdict {
    let text = normalise_number(input);
    if text.is_empty() {
        return Verdict::Unreadable("Type a number first.".into());
    }
    match crate::number::parse_f64(&text) {
        Some(x) if x.is_finite() => {
            if (x - value).abs() <= tolerance {
                Verdict::Correct
            } else {
                Verdict::Wrong
            }
        }
        _ => Verdict::Unreadable(format!("“{}” is not a number.", input.trim())),
    }
}

/// The reader's answer to one exercise, kept in localStorage (`multiace-exercise:<id>`) as
/// `ok|<answer>` once checked right, `no|<answer>` otherwise; the answer is the typed text or the
/// chosen option's index. `shell.js` counts the `ok` ones per chapter for the contents.
pub mod progress {
    use crate::util::{storage_get, storage_set};

    pub const PREFIX: &str = "multiace-exercise:";

    /// The stored answer (its verdict is found again by checking it).
    pub fn load(id: &str) -> Option<String> {
        let stored = storage_get(&format!("{PREFIX}{id}"))?;
        let (state, answer) = stored.split_once('|')?;
        matches!(state, "ok" | "no").then(|| answer.to_string())
    }

    pub fn save(id: &str, correct: bool, answer: &str) {
        let state = if correct { "ok" } else { "no" };
        storage_set(&format!("{PREFIX}{id}"), &format!("{state}|{answer}"));
    }
}

#[component]
pub fn Exercise(ex: &'static ExerciseData) -> impl IntoView {
    // What the reader did before the wasm arrived wins over what was stored on an earlier visit.
    let stored = progress::load(ex.id).filter(|_| ex.typed.is_empty() && ex.chosen.is_none());
    let (typed, chosen) = match (&ex.answer, &stored) {
        (AnswerData::Choices { options, .. }, Some(answer)) => (
            String::new(),
            answer.parse::<usize>().ok().filter(|&i| i < options.len()),
        ),
        (_, Some(answer)) => (answer.clone(), None),
        _ => (ex.typed.clone(), ex.chosen),
    };
    let text = RwSignal::new(typed);
    let choice = RwSignal::new(chosen);
    let verdict = RwSignal::new(None::<Verdict>);
    let show_hint = RwSignal::new(false);
    let input_id = format!("exercise-{}-input", ex.id);

    let check = move || {
        let v = match &ex.answer {
            AnswerData::Set(expected) => check_set(&text.get_untracked(), expected),
            AnswerData::Number { value, tolerance } => {
                check_number(&text.get_untracked(), *value, *tolerance)
            }
            AnswerData::Choices { correct, .. } => match choice.get_untracked() {
                None => Verdict::Unreadable("Choose one of the options first.".into()),
                Some(i) if i == *correct => Verdict::Correct,
                Some(_) => Verdict::Wrong,
            },
        };
        let answer = match &ex.answer {
            AnswerData::Choices { .. } => choice
                .get_untracked()
                .map(|i| i.to_string())
                .unwrap_or_default(),
            _ => text.get_untracked(),
        };
        if !matches!(v, Verdict::Unreadable(_)) {
            progress::save(ex.id, v == Verdict::Correct, &answer);
        }
        verdict.set(Some(v));
    };
    // A stored answer shows its verdict again.
    if stored.is_some() {
        check();
    }

    let answer_input = match &ex.answer {
        AnswerData::Choices { options, .. } => {
            let name = format!("exercise-{}", ex.id);
            let radios = options
                .iter()
                .enumerate()
                .map(|(i, html)| {
                    let name = name.clone();
                    view! {
                        <label class="choice">
                            <input
                                type="radio"
                                name=name
                                value=i.to_string()
                                prop:checked=move || choice.get() == Some(i)
                                on:change=move |_| {
                                    choice.set(Some(i));
                                    verdict.set(None);
                                }
                            />
                            <span inner_html=*html></span>
                        </label>
                    }
                })
                .collect_view();
            view! { <fieldset class="choices"><legend class="visually-hidden">"Options"</legend>{radios}</fieldset> }
                .into_any()
        }
        other => {
            let placeholder = match other {
                AnswerData::Set(_) => "e.g. 1, 2, 3",
                _ => "a number",
            };
            let id = input_id.clone();
            view! {
                <label class="visually-hidden" for=id.clone()>"Your answer"</label>
                <input
                    id=id
                    class="answer"
                    type="text"
                    inputmode="text"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder=placeholder
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        text.set(event_target_value(&ev));
                        verdict.set(None);
                    }
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            check();
                        }
                    }
                />
            }
            .into_any()
        }
    };

    let feedback = move || {
        verdict.get().map(|v| {
            let correct = v == Verdict::Correct;
            let (class, head) = match &v {
                Verdict::Correct => ("feedback correct", "Correct.".to_string()),
                Verdict::Wrong => ("feedback wrong", "Not quite — try again.".to_string()),
                Verdict::Unreadable(why) => ("feedback unreadable", why.clone()),
            };
            view! {
                <div class=class data-testid="exercise-feedback" data-correct=correct.to_string()>
                    <p class="verdict">{head}</p>
                    {if correct {
                        view! { <div class="explain" inner_html=ex.explain_html></div> }.into_any()
                    } else if matches!(v, Verdict::Wrong) && !ex.explain_html.is_empty() {
                        view! {
                            <details class="explain">
                                <summary>"Show the explanation"</summary>
                                <div inner_html=ex.explain_html></div>
                            </details>
                        }
                        .into_any()
                    } else {
                        ().into_any()
                    }}
                </div>
            }
        })
    };

    view! {
        <div class="exercise" data-id=ex.id>
            <p class="exercise-label">"Exercise"</p>
            <div class="question" inner_html=ex.question_html></div>
            <div class="answer-row">
                {answer_input}
                <button type="button" class="check" on:click=move |_| check()>"Check"</button>
                {ex.hint_html.map(|_| view! {
                    <button
                        type="button"
                        class="hint-toggle"
                        aria-expanded=move || show_hint.get().to_string()
                        on:click=move |_| show_hint.update(|s| *s = !*s)
                    >
                        "Hint"
                    </button>
                })}
            </div>
            {move || {
                ex.hint_html
                    .filter(|_| show_hint.get())
                    .map(|h| view! { <div class="hint" inner_html=h></div> })
            }}
            <div aria-live="polite">{feedback}</div>
        </div>
    }
}
