//! Error messages of the core as a reader sees them. The core writes names in backticks
//! (`` `1o` ``, as a terminal user expects); on the page those become typographic quotes, so no
//! stray markup characters show in a widget.

/// `msg` with every pair of backticks turned into ‘…’ (a lone backtick becomes an apostrophe).
pub fn for_reader(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len() + 8);
    let pairs = msg.matches('`').count() / 2;
    let mut seen = 0;
    for c in msg.chars() {
        if c == '`' {
            seen += 1;
            out.push(if seen > 2 * pairs {
                '’'
            } else if seen % 2 == 1 {
                '‘'
            } else {
                '’'
            });
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::for_reader;

    #[test]
    fn backticks_become_quotes() {
        assert_eq!(
            for_reader("unknown activation `foo` (expected `silu`)"),
            "unknown activation ‘foo’ (expected ‘silu’)"
        );
        assert_eq!(for_reader("no quotes"), "no quotes");
        assert_eq!(for_reader("odd ` one"), "odd ’ one");
        assert!(!for_reader("`a` `b").contains('`'));
    }
}
