//! The comment line of an extended XYZ frame: `key=value` pairs, tokenised the way ASE's
//! `key_val_str_to_dict` does, so that any line ASE reads gives the same keys and values here.
//!
//! Rules (ASE's): pairs are separated by whitespace; a value (or key) may be quoted with `"…"`,
//! `'…'`, `{…}` or `[…]`, inside which whitespace and `=` are kept; a backslash keeps the next
//! character whatever it is; spaces around `=` are allowed; a key without `=` means `T` (true); a
//! value with further `=` keeps them (`a=b=c` is `a` → `b=c`).
//!
//! One deliberate difference: ASE drops an empty quoted key or value (`x=""` swallows the next pair);
//! here `""` is an empty string, so that every value this module's [`quote`] writes reads back.

/// The pairs of a comment line, in order; values unquoted and unescaped, not converted.
pub(crate) fn parse_key_values(line: &str) -> Vec<(String, String)> {
    // Each pair is a list of parts: the key, then one part per `=`. A part is "started" once a
    // character or a quote has been seen, so that `""` is an empty string rather than nothing.
    let mut pairs: Vec<Vec<(String, bool)>> = vec![vec![(String::new(), false)]];
    let mut closing: Option<char> = None;
    let mut escaped = false;
    for c in line.trim().chars() {
        let Some(pair) = pairs.last_mut() else {
            break; // unreachable: `pairs` is never emptied
        };
        let pair_is_empty = pair.len() == 1 && !pair[0].1;
        let Some(part) = pair.last_mut() else {
            break; // unreachable: a pair always has a key part
        };
        if escaped {
            part.0.push(c);
            part.1 = true;
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if let Some(close) = closing {
            if c == close {
                closing = None;
            } else {
                part.0.push(c);
            }
        } else if let Some(close) = closing_of(c) {
            closing = Some(close);
            part.1 = true;
        } else if c.is_whitespace() {
            if !pair_is_empty && part.1 {
                pairs.push(vec![(String::new(), false)]);
            }
        } else if c == '=' {
            if pair_is_empty && pairs.len() > 1 {
                // `key = value`: the space ended the pair too early; the `=` belongs to the previous key.
                pairs.pop();
            }
            if let Some(pair) = pairs.last_mut() {
                pair.push((String::new(), false));
            }
        } else {
            part.0.push(c);
            part.1 = true;
        }
    }
    pairs
        .into_iter()
        .filter(|pair| pair.len() != 1 || pair[0].1)
        .map(|mut pair| {
            let key = std::mem::take(&mut pair[0].0);
            if pair.len() == 1 {
                (key, "T".to_string())
            } else {
                let value: Vec<String> = pair.drain(1..).map(|(s, _)| s).collect();
                (key, value.join("="))
            }
        })
        .collect()
}

/// The closing delimiter of a quote character, if `c` opens a quoted string.
fn closing_of(c: char) -> Option<char> {
    match c {
        '"' => Some('"'),
        '\'' => Some('\''),
        '{' => Some('}'),
        '[' => Some(']'),
        _ => None,
    }
}

/// A key or value as it must be written so that [`parse_key_values`] (and ASE) reads it back:
/// verbatim when it is a plain word, otherwise in double quotes with `"` and `\` escaped. A line
/// break cannot live on one line and becomes a space.
pub(crate) fn quote(s: &str) -> String {
    let s = s.replace('\n', " ");
    let plain = !s.is_empty()
        && !s.chars().any(|c| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '{' | '}' | '[' | ']' | '\\' | '=')
        });
    if plain {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(line: &str) -> Vec<(String, String)> {
        parse_key_values(line)
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_like_ase() {
        assert_eq!(
            kv(
                r#"Lattice="5.44 0.0 0.0 0.0 5.44 0.0 0.0 0.0 5.44" Properties=species:S:1:pos:R:3 Time=0.0"#
            ),
            pairs(&[
                ("Lattice", "5.44 0.0 0.0 0.0 5.44 0.0 0.0 0.0 5.44"),
                ("Properties", "species:S:1:pos:R:3"),
                ("Time", "0.0")
            ])
        );
        assert_eq!(
            kv("cutoff=3.4 have_energy"),
            pairs(&[("cutoff", "3.4"), ("have_energy", "T")])
        );
        assert_eq!(
            kv("a = 1  b= 2 c =3"),
            pairs(&[("a", "1"), ("b", "2"), ("c", "3")])
        );
        assert_eq!(kv("a=b=c"), pairs(&[("a", "b=c")]));
        assert_eq!(
            kv(r#"s="say \"hi\"" t={x y} u=[1, 2] v='q r'"#),
            pairs(&[
                ("s", r#"say "hi""#),
                ("t", "x y"),
                ("u", "1, 2"),
                ("v", "q r")
            ])
        );
        assert_eq!(kv(r#"x="" y=1"#), pairs(&[("x", ""), ("y", "1")]));
        assert_eq!(kv("   "), pairs(&[]));
        assert_eq!(kv("=5"), pairs(&[("", "5")]));
        assert_eq!(
            kv(r#"open="never closed"#),
            pairs(&[("open", "never closed")])
        );
        assert_eq!(kv("trailing\\"), pairs(&[("trailing", "T")]));
    }

    #[test]
    fn quote_round_trips() {
        for s in [
            "plain",
            "",
            "two words",
            "a=b",
            r#"q"uote"#,
            "back\\slash",
            "[x]",
            "{y}",
            "it's",
            "tab\there",
            "ünïcödé",
        ] {
            let line = format!("{}={} next=1", quote(s), quote(s));
            assert_eq!(
                kv(&line),
                pairs(&[(s, s), ("next", "1")]),
                "round trip of {s:?} via {line:?}"
            );
        }
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a b"), "\"a b\"");
        assert_eq!(quote("line\nbreak"), "\"line break\"");
    }
}
