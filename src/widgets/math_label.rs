//! Math in widget text as MathML, the markup the chapters' formulas use (rendered at build time by
//! pulldown-latex), so a label under a plot looks like the same symbol in the prose. The wasm
//! carries no LaTeX parser (web-notes.md), so widgets write a small notation instead:
//! `x_i`, `x_{ij}`, `x^2`, `h^{(t)}_i`, `r̂_{ij}`; Latin and Greek letters are variables (italic),
//! capital Greek and the words of [`UPRIGHT`] (or any run of four letters or more) are upright,
//! digits are numbers, two or more spaces are a wide gap, `\{` is a literal brace, everything else
//! is an operator.

/// Words set upright (names of functions and labels, not products of variables).
const UPRIGHT: [&str; 13] = [
    "Linear", "MLP", "max", "min", "avg", "sin", "cos", "exp", "SiLU", "sc", "in", "out", "dim",
];

/// Upright words that take an argument, followed by a thin space unless a bracket follows.
const FUNCTIONS: [&str; 5] = ["sin", "cos", "max", "min", "exp"];

/// A formula in the notation above as an inline `<math>` element. Formulas written side by side
/// with three or more spaces between them become separate elements, so a narrow screen can break
/// the line between them (a browser never breaks inside `<math>`).
pub fn math(s: &str) -> String {
    let parts: Vec<String> = s
        .split("   ")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<math>{}</math>", row(p)))
        .collect();
    if parts.is_empty() {
        "<math></math>".into()
    } else {
        parts.join("\u{2003} ")
    }
}

/// Text with math between `$…$`: the math parts through [`math`], the rest escaped. Punctuation
/// right after a formula is kept on its line with it (a comma must not start a line).
pub fn prose(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    let mut pending: Option<String> = None;
    for (k, part) in s.split('$').enumerate() {
        if k % 2 == 1 {
            pending = Some(math(part));
            continue;
        }
        let mut text = part;
        if let Some(m) = pending.take() {
            let cut = text
                .find(|c: char| !",.;:!?)…".contains(c))
                .unwrap_or(text.len());
            if cut == 0 {
                out.push_str(&m);
            } else {
                out.push_str("<span class=\"nowrap\">");
                out.push_str(&m);
                escape_into(&text[..cut], &mut out);
                out.push_str("</span>");
                text = &text[cut..];
            }
        }
        escape_into(text, &mut out);
    }
    if let Some(m) = pending {
        out.push_str(&m);
    }
    out
}

fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Latin and Greek letters; Σ is the summation sign here, never a variable.
fn letter(c: char) -> bool {
    c.is_ascii_alphabetic() || ('α'..='ω').contains(&c) || (('Α'..='Ω').contains(&c) && c != 'Σ')
}

/// Combining accents (r̂, h̃) and primes belong to the letter before them.
fn mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c) || c == '′' || c == '″'
}

/// Symbols that are ordinary identifiers in TeX rather than operators.
fn ordinary(c: char) -> bool {
    matches!(c, '∂' | '∇' | '∞' | 'ℓ' | 'ħ' | '…' | '⋯' | '∅')
}

/// One token of a formula: an element, possibly carrying scripts (kept apart until the formula
/// ends so that `h_i^2` becomes one `<msubsup>`, as TeX stacks it).
struct Item {
    base: String,
    sub: Option<String>,
    sup: Option<String>,
}

impl Item {
    fn plain(base: String) -> Self {
        Item {
            base,
            sub: None,
            sup: None,
        }
    }

    fn render(self) -> String {
        match (self.sub, self.sup) {
            (None, None) => self.base,
            (Some(b), None) => format!("<msub>{}{b}</msub>", self.base),
            (None, Some(p)) => format!("<msup>{}{p}</msup>", self.base),
            (Some(b), Some(p)) => format!("<msubsup>{}{b}{p}</msubsup>", self.base),
        }
    }
}

/// Attributes of brackets, bars and the slash.
const FENCE: &str = " stretchy=\"false\" lspace=\"0\" rspace=\"0\"";

/// The MathML children of a formula, one element per token.
fn row(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut items: Vec<Item> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '_' || c == '^' {
            let (script, next) = group(&chars, i + 1);
            let mut item = items
                .pop()
                .unwrap_or_else(|| Item::plain("<mrow></mrow>".into()));
            let slot = if c == '_' {
                &mut item.sub
            } else {
                &mut item.sup
            };
            if slot.is_some() {
                // a second script of the same kind (x_a_b) scripts the whole previous item
                item = Item::plain(item.render());
            }
            let slot = if c == '_' {
                &mut item.sub
            } else {
                &mut item.sup
            };
            *slot = Some(script);
            items.push(item);
            i = next;
        } else if c == '\\' {
            if let Some(&lit) = chars.get(i + 1) {
                items.push(Item::plain(element("mo", &[lit], "")));
            }
            i += 2;
        } else if c == '{' {
            let (inner, next) = group(&chars, i);
            items.push(Item::plain(inner));
            i = next;
        } else if c == ' ' {
            let mut j = i;
            while chars.get(j) == Some(&' ') {
                j += 1;
            }
            if j - i >= 2 {
                items.push(Item::plain("<mspace width=\"1em\"></mspace>".into()));
            }
            i = j;
        } else if c.is_ascii_digit() {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || (chars[j] == '.' && chars.get(j + 1).is_some_and(char::is_ascii_digit)))
            {
                j += 1;
            }
            items.push(Item::plain(element("mn", &chars[i..j], "")));
            i = j;
        } else if letter(c) {
            let mut j = i;
            while j < chars.len() && (letter(chars[j]) || (j > i && mark(chars[j]))) {
                j += 1;
            }
            let run: String = chars[i..j].iter().collect();
            let letters = chars[i..j].iter().filter(|&&c| letter(c)).count();
            if UPRIGHT.contains(&run.as_str()) || letters >= 4 {
                items.push(Item::plain(element("mi", &chars[i..j], "")));
                if FUNCTIONS.contains(&run.as_str()) && chars.get(j).is_some_and(|&c| c != '(') {
                    // the thin space TeX puts between sin and its argument
                    items.push(Item::plain("<mspace width=\"0.1667em\"></mspace>".into()));
                }
            } else {
                let mut k = i;
                while k < j {
                    let mut e = k + 1;
                    while e < j && mark(chars[e]) {
                        e += 1;
                    }
                    items.push(Item::plain(variable(chars[k], &chars[k + 1..e])));
                    k = e;
                }
            }
            i = j;
        } else {
            let mut j = i + 1;
            while j < chars.len() && mark(chars[j]) {
                j += 1;
            }
            let one: Vec<char> = match c {
                'Σ' => vec!['∑'],
                '-' => vec!['−'],
                _ => chars[i..j].to_vec(),
            };
            let item = if c == 'Å' {
                element("mi", &one, " mathvariant=\"normal\"")
            } else if matches!(c, '(' | ')' | '[' | ']' | '|' | '/') {
                // as TeX sets them inline: no stretching to a tall neighbour (√, Σ), and no
                // operator spacing, which Chromium adds to a bracket inside a row
                element("mo", &one, FENCE)
            } else {
                element(if ordinary(c) { "mi" } else { "mo" }, &one, "")
            };
            items.push(Item::plain(item));
            i = j;
        }
    }
    items.into_iter().map(Item::render).collect()
}

/// One variable: the letter in italics (capital Greek upright), with its primes as a superscript
/// and its accents over it, as TeX sets `R'` and `\hat r` (an `<mi>` of more than one character
/// would be upright).
fn variable(letter: char, marks: &[char]) -> String {
    let variant = if ('Α'..='Ω').contains(&letter) {
        " mathvariant=\"normal\""
    } else {
        ""
    };
    let mut out = element("mi", &[letter], variant);
    for &m in marks {
        out = match m {
            '′' | '″' => format!("<msup>{out}{}</msup>", element("mo", &[m], "")),
            '\u{302}' => format!("<mover accent=\"true\">{out}<mo>^</mo></mover>"),
            '\u{303}' => format!("<mover accent=\"true\">{out}<mo>~</mo></mover>"),
            '\u{304}' => format!("<mover accent=\"true\">{out}<mo>¯</mo></mover>"),
            '\u{307}' => format!("<mover accent=\"true\">{out}<mo>˙</mo></mover>"),
            _ => element("mi", &[letter, m], ""),
        };
    }
    out
}

/// `<tag attrs>text</tag>` with the text escaped.
fn element(tag: &str, text: &[char], attrs: &str) -> String {
    let mut out = format!("<{tag}{attrs}>");
    escape_into(&text.iter().collect::<String>(), &mut out);
    out.push_str(&format!("</{tag}>"));
    out
}

/// The script after `_` or `^` at `i`: one character with its accents, or a `{…}` group with
/// balanced braces (an unclosed brace runs to the end). Returns one `<mrow>` and the next index.
fn group(chars: &[char], i: usize) -> (String, usize) {
    match chars.get(i) {
        Some('{') => {
            let mut depth = 1;
            let mut j = i + 1;
            while j < chars.len() {
                match chars[j] {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            let inner: String = chars[i + 1..j.min(chars.len())].iter().collect();
            (format!("<mrow>{}</mrow>", row(&inner)), j + 1)
        }
        Some(_) => {
            let mut j = i + 1;
            while j < chars.len() && mark(chars[j]) {
                j += 1;
            }
            let one: String = chars[i..j].iter().collect();
            (format!("<mrow>{}</mrow>", row(&one)), j)
        }
        None => ("<mrow></mrow>".into(), i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_numbers_and_operators() {
        assert_eq!(
            math("R_n(r)"),
            format!("<math><msub><mi>R</mi><mrow><mi>n</mi></mrow></msub><mo{FENCE}>(</mo><mi>r</mi><mo{FENCE}>)</mo></math>")
        );
        assert_eq!(math("2.5"), "<math><mn>2.5</mn></math>");
        assert_eq!(
            math("sin θ"),
            "<math><mi>sin</mi><mspace width=\"0.1667em\"></mspace><mi>θ</mi></math>"
        );
        assert_eq!(math("Linear"), "<math><mi>Linear</mi></math>");
        assert_eq!(math("Σ"), "<math><mo>∑</mo></math>");
        assert_eq!(math("Φ"), "<math><mi mathvariant=\"normal\">Φ</mi></math>");
        assert_eq!(
            math("a<b"),
            "<math><mi>a</mi><mo>&lt;</mo><mi>b</mi></math>"
        );
        assert_eq!(
            math("r̂"),
            "<math><mover accent=\"true\"><mi>r</mi><mo>^</mo></mover></math>"
        );
        assert_eq!(math("R′"), "<math><msup><mi>R</mi><mo>′</mo></msup></math>");
        assert_eq!(
            math("\\{x\\}"),
            "<math><mo>{</mo><mi>x</mi><mo>}</mo></math>"
        );
        assert_eq!(
            math("5 Å"),
            "<math><mn>5</mn><mi mathvariant=\"normal\">Å</mi></math>"
        );
    }

    #[test]
    fn scripts_nest_and_combine() {
        assert_eq!(
            math("h^{(t)}_i"),
            format!("<math><msubsup><mi>h</mi><mrow><mi>i</mi></mrow><mrow><mo{FENCE}>(</mo><mi>t</mi><mo{FENCE}>)</mo></mrow></msubsup></math>")
        );
        assert_eq!(
            math("x_{y_z}"),
            "<math><msub><mi>x</mi><mrow><msub><mi>y</mi><mrow><mi>z</mi></mrow></msub></mrow></msub></math>"
        );
        assert_eq!(
            math("D^l(R)"),
            format!("<math><msup><mi>D</mi><mrow><mi>l</mi></mrow></msup><mo{FENCE}>(</mo><mi>R</mi><mo{FENCE}>)</mo></math>")
        );
    }

    #[test]
    fn formulas_side_by_side_may_break_between_them() {
        assert_eq!(
            math("x = 1,   y"),
            "<math><mi>x</mi><mo>=</mo><mn>1</mn><mo>,</mo></math>\u{2003} <math><mi>y</mi></math>"
        );
        assert_eq!(math("   "), "<math></math>");
    }

    #[test]
    fn broken_input_never_panics() {
        for s in [
            "_", "^", "x_", "x^{", "{{", "}", "x_{a", "_^_", "ν̂_{", "\u{301}",
        ] {
            let m = math(s);
            assert!(
                m.starts_with("<math>") && m.ends_with("</math>"),
                "{s}: {m}"
            );
        }
    }

    #[test]
    fn prose_escapes_text_and_keeps_punctuation_with_math() {
        assert_eq!(
            prose("with $x$, then"),
            "with <span class=\"nowrap\"><math><mi>x</mi></math>,</span> then"
        );
        assert_eq!(
            prose("a < b & $y$"),
            "a &lt; b &amp; <math><mi>y</mi></math>"
        );
        assert_eq!(prose("$y$ then"), "<math><mi>y</mi></math> then");
    }
}
