//! URL parameters of a widget: typed, clamped, with a notice for every value that was not usable.
//!
//! A lecturer's link must never break a slide: unknown keys are ignored, a malformed or
//! out-of-range value falls back (to the default or the nearest allowed value) and the widget
//! says so in a `.widget-notice` ("l: 'banana' is not an integer; using 2").

/// The decoded `key=value` pairs of a query string and the notices collected while reading them.
#[derive(Clone, Debug, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
    notices: Vec<String>,
}

/// Percent-decoding of one query component (`+` is a space); invalid escapes are kept verbatim.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Shortens a user-supplied value for a notice (no 10 kB strings on screen).
fn shown(v: &str) -> String {
    let mut s: String = v.chars().take(24).collect();
    if v.chars().count() > 24 {
        s.push('…');
    }
    s
}

/// Formats a float the way the URL and the notices show it (no trailing zeros).
pub use multiace_figures::fmt_f64;

impl Params {
    /// Parses "l=3&m=-2" (no leading '?'; a leading '?' is tolerated). The last value of a
    /// repeated key wins.
    pub fn parse(query: &str) -> Params {
        let pairs = query
            .trim_start_matches('?')
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (decode(k), decode(v)),
                None => (decode(kv), String::new()),
            })
            .collect();
        Params {
            pairs,
            notices: Vec::new(),
        }
    }

    /// The raw value of `key`, if present.
    pub fn raw(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
    }

    /// An integer in `min..=max`; malformed → `default`, out of range → clamped, with a notice.
    pub fn int(&mut self, key: &str, default: i64, min: i64, max: i64) -> i64 {
        let Some(v) = self.raw(key).map(str::to_owned) else {
            return default;
        };
        match v.parse::<i64>() {
            Ok(x) if (min..=max).contains(&x) => x,
            Ok(x) => {
                let c = x.clamp(min, max);
                self.notices
                    .push(format!("{key}: {x} is outside {min}..{max}; using {c}"));
                c
            }
            Err(_) => {
                self.notices.push(format!(
                    "{key}: '{}' is not an integer; using {default}",
                    shown(&v)
                ));
                default
            }
        }
    }

    /// A finite number in `[min, max]`; malformed → `default`, out of range → clamped.
    pub fn float(&mut self, key: &str, default: f64, min: f64, max: f64) -> f64 {
        let Some(v) = self.raw(key).map(str::to_owned) else {
            return default;
        };
        match crate::number::parse_f64(&v) {
            Some(x) if x.is_finite() && (min..=max).contains(&x) => x,
            Some(x) if x.is_finite() => {
                let c = x.clamp(min, max);
                self.notices.push(format!(
                    "{key}: {} is outside [{}, {}]; using {}",
                    fmt_f64(x),
                    fmt_f64(min),
                    fmt_f64(max),
                    fmt_f64(c)
                ));
                c
            }
            _ => {
                self.notices.push(format!(
                    "{key}: '{}' is not a number; using {}",
                    shown(&v),
                    fmt_f64(default)
                ));
                default
            }
        }
    }

    /// One of `choices` (case-insensitive); anything else → `default` with a notice listing them.
    pub fn choice(
        &mut self,
        key: &str,
        default: &'static str,
        choices: &[&'static str],
    ) -> &'static str {
        let Some(v) = self.raw(key).map(str::to_owned) else {
            return default;
        };
        match choices.iter().find(|c| c.eq_ignore_ascii_case(&v)) {
            Some(c) => c,
            None => {
                self.notices.push(format!(
                    "{key}: '{}' is not one of {}; using {default}",
                    shown(&v),
                    choices.join(" | ")
                ));
                default
            }
        }
    }

    /// A flag written as 0/1 (also false/true); anything else → `default` with a notice.
    pub fn flag(&mut self, key: &str, default: bool) -> bool {
        let Some(v) = self.raw(key).map(str::to_owned) else {
            return default;
        };
        match v.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" => false,
            _ => {
                self.notices.push(format!(
                    "{key}: '{}' is not 0 or 1; using {}",
                    shown(&v),
                    u8::from(default)
                ));
                default
            }
        }
    }

    /// Adds a notice for a problem found after reading (e.g. a zero vector).
    pub fn notice(&mut self, msg: String) {
        self.notices.push(msg);
    }

    /// The notices, in the order the parameters were read.
    pub fn notices(&self) -> Vec<String> {
        self.notices.clone()
    }

    /// The page-level parameters every widget passes through when it rewrites its URL
    /// ([`PAGE_KEYS`]: `theme`, `dpr`, `v`, and the compact mode's `chrome`, `controls`), as
    /// `&key=value` pieces.
    pub fn passthrough(&self) -> String {
        let mut s = String::new();
        for key in PAGE_KEYS {
            if let Some(v) = self.raw(key) {
                s.push_str(&format!("&{key}={}", encode(v)));
            }
        }
        s
    }

    /// The `dpr=` override for slides (reveal.js scales slides, which blurs canvases), in [0.5, 4].
    pub fn dpr(&mut self) -> Option<f64> {
        self.raw("dpr")?;
        Some(self.float("dpr", 1.0, 0.5, 4.0))
    }
}

/// The query keys that belong to the embed page rather than to the widget's state: the theme, the
/// canvas resolution, a version, the compact mode (`chrome=0`) and the controls kept
/// (`controls=a,b|none`). A widget keeps them when it rewrites its URL, and a host's `set` keeps
/// them unless it names them (`src/embed_protocol.rs`).
pub const PAGE_KEYS: [&str; 5] = ["theme", "dpr", "v", "chrome", "controls"];

/// Percent-encodes a query value (unreserved characters kept).
pub fn encode(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}
