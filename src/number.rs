//! Numbers in and out of the page. In: reading decimal numbers typed by readers, found in URLs or
//! in the molecule files, without compiling Rust's float parser into the wasm (the browser's
//! `parseFloat` is already correctly rounded, and Rust's parser costs ~12 KB brotli of a download
//! with a 250 KB budget). Out: [`sig`] and [`quantity`] write a computed number as a reader expects
//! it in a figure (fixed notation where it is readable, `5.6 × 10⁻¹⁷` with a real superscript
//! only where it is not, a true minus sign), never Rust's `5.6e-17` or `0.0e0`.

/// Decimal exponents written in fixed notation (0.001 ≤ |x| < 10⁶); others get a power of ten.
const FIXED_EXPONENTS: std::ops::Range<i32> = -3..6;

/// `x` with `digits` significant digits (at least 1): fixed notation for 0.001 ≤ |x| < 10⁶,
/// otherwise `m × 10ⁿ` (no-break spaces) with the exponent in Unicode superscripts, so the text reads the same in
/// HTML, in an `aria-label` and on a canvas. Zero is `0`; a non-finite value says so.
pub fn sig(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "not a number".into()
        } else if x > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    if x == 0.0 {
        return "0".into();
    }
    let digits = digits.max(1);
    // Rust rounds the mantissa correctly; its exponent decides the notation (9.96 → 1.0e1 → "10").
    let e = format!("{:.*e}", digits - 1, x);
    let (mantissa, exp) = e.split_once('e').unwrap_or((e.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let text = if FIXED_EXPONENTS.contains(&exp) {
        let decimals = (digits as i32 - 1 - exp).max(0) as usize;
        format!("{x:.decimals$}")
    } else {
        // no-break spaces: a number never wraps inside itself
        format!("{mantissa}\u{a0}×\u{a0}10{}", superscript(exp))
    };
    text.replace('-', "−")
}

/// [`sig`] followed by a unit after a no-break space (`"1.3 eV"`); an empty unit adds nothing.
pub fn quantity(x: f64, digits: usize, unit: &str) -> String {
    if unit.is_empty() {
        sig(x, digits)
    } else {
        format!("{}\u{a0}{unit}", sig(x, digits))
    }
}

/// An integer in superscript digits (`-17` → `⁻¹⁷`), for exponents and for labels drawn on a
/// canvas, where no markup is possible (`D²`).
pub fn superscript(n: i32) -> String {
    scripted(n, ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'], '⁻')
}

/// An integer in subscript digits (`2` → `₂`), for canvas labels such as `Y₂`.
pub fn subscript(n: i32) -> String {
    scripted(n, ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'], '₋')
}

fn scripted(n: i32, digits: [char; 10], minus: char) -> String {
    let mut out = String::new();
    if n < 0 {
        out.push(minus);
    }
    for c in n.unsigned_abs().to_string().chars() {
        out.push(digits[c.to_digit(10).unwrap_or(0) as usize]);
    }
    out
}

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
    fn readable_numbers_are_fixed_with_significant_digits() {
        assert_eq!(sig(1.3, 2), "1.3");
        assert_eq!(sig(0.0, 2), "0");
        assert_eq!(sig(-0.0, 2), "0");
        assert_eq!(sig(-2.345, 3), "−2.35");
        assert_eq!(sig(0.00123, 2), "0.0012");
        assert_eq!(sig(9.96, 2), "10");
        assert_eq!(sig(123456.0, 2), "123456");
        assert_eq!(sig(0.5, 1), "0.5");
    }

    #[test]
    fn tiny_and_huge_numbers_get_a_real_superscript() {
        assert_eq!(sig(5.6e-17, 2), "5.6\u{a0}×\u{a0}10⁻¹⁷");
        assert_eq!(sig(-3.04e-4, 2), "−3.0\u{a0}×\u{a0}10⁻⁴");
        assert_eq!(sig(2.5e9, 2), "2.5\u{a0}×\u{a0}10⁹");
        assert_eq!(sig(1e6, 1), "1\u{a0}×\u{a0}10⁶");
        assert_eq!(sig(0.000999, 2), "0.0010");
        assert_eq!(sig(0.000949, 2), "9.5\u{a0}×\u{a0}10⁻⁴");
        for x in [1e-300, 4.9e-324, 1.7e308, -7.7e-12] {
            let s = sig(x, 2);
            assert!(!s.contains('e') && !s.contains('-'), "{x}: {s}");
        }
    }

    #[test]
    fn non_finite_values_and_units() {
        assert_eq!(sig(f64::NAN, 2), "not a number");
        assert_eq!(sig(f64::INFINITY, 2), "∞");
        assert_eq!(sig(f64::NEG_INFINITY, 2), "−∞");
        assert_eq!(quantity(1.25, 3, "eV/Å"), "1.25\u{a0}eV/Å");
        assert_eq!(quantity(4e-15, 2, "eV"), "4.0\u{a0}×\u{a0}10⁻¹⁵\u{a0}eV");
        assert_eq!(quantity(7.0, 1, ""), "7");
        assert_eq!(superscript(0), "⁰");
        assert_eq!(superscript(-120), "⁻¹²⁰");
        assert_eq!(subscript(10), "₁₀");
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
