//! Reading decimal numbers typed by readers, found in URLs or in the molecule files, without
//! compiling Rust's float parser into the wasm: the browser's `parseFloat` is already correctly
//! rounded, and Rust's parser costs ~12 KB brotli of a download with a 250 KB budget.

/// Whether `s` is a finite number in plain decimal notation: an optional sign, digits with at
/// most one point (at least one digit), an optional exponent (`e`/`E`, optional sign, digits).
/// For such strings `parseFloat` and Rust's `f64::from_str` agree exactly.
fn is_decimal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let mut digits = 0;
    let mut point = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => digits += 1,
            b'.' if !point => point = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        i += usize::from(matches!(b.get(i), Some(b'+' | b'-')));
        let start = i;
        while matches!(b.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// The value of a plain decimal number (see [`is_decimal`]), `None` for anything else, including
/// `inf`, `NaN` and hexadecimal. An exponent too large for f64 gives ±infinity, as Rust would.
pub fn parse_f64(s: &str) -> Option<f64> {
    if !is_decimal(s) {
        return None;
    }
    #[cfg(target_arch = "wasm32")]
    return Some(js_sys::Number::parse_float(s));
    #[cfg(not(target_arch = "wasm32"))]
    return s.parse().ok();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_rust_reads_as_a_finite_decimal() {
        for s in [
            "0", "-1", "+2.5", ".5", "5.", "1e3", "1E-3", "-0.25e+2", "007",
        ] {
            assert!(is_decimal(s), "{s}");
            assert_eq!(parse_f64(s), s.parse::<f64>().ok(), "{s}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for s in [
            "", "-", ".", "e5", "1e", "1e+", "1.2.3", "1,5", " 1", "1 ", "inf", "NaN", "0x10",
            "banana", "1e5x", "--1", "+-1",
        ] {
            assert!(!is_decimal(s), "{s:?}");
            assert_eq!(parse_f64(s), None, "{s:?}");
        }
    }
}
