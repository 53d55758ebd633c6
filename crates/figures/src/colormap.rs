//! The book's diverging colour map: blue for positive values, orange for negative ones, a light
//! neutral grey at zero. Blue/orange (after ColorBrewer's RdBu and PuOr ends) stays distinguishable
//! for the common colour-vision deficiencies, unlike red/green.

use plotters::style::RGBColor;

/// Colour of the most positive value (+1).
pub const POSITIVE: RGBColor = RGBColor(0x21, 0x66, 0xac);
/// Colour of the most negative value (−1).
pub const NEGATIVE: RGBColor = RGBColor(0xe6, 0x61, 0x01);

/// Anchors of the map at t = −1, −0.5, 0, 0.5, 1.
const STOPS: [[f64; 3]; 5] = [
    [230.0, 97.0, 1.0],
    [253.0, 184.0, 99.0],
    [247.0, 247.0, 247.0],
    [146.0, 197.0, 222.0],
    [33.0, 102.0, 172.0],
];

/// The same map for a dark page: zero is a dark grey instead of near-white (a matrix that is
/// mostly zeros would glare), the ends keep their hues, lightened to stand out from the page.
const DARK_STOPS: [[f64; 3]; 5] = [
    [240.0, 128.0, 40.0],
    [150.0, 88.0, 36.0],
    [58.0, 62.0, 70.0],
    [52.0, 104.0, 160.0],
    [110.0, 170.0, 235.0],
];

/// The diverging map as RGB bytes for `t` in [−1, 1] (values outside are clamped; NaN maps to 0).
pub fn diverging_rgb(t: f64) -> [u8; 3] {
    interpolate(&STOPS, t)
}

/// [`diverging_rgb`] for a dark page ([`DARK_STOPS`]).
pub fn diverging_dark_rgb(t: f64) -> [u8; 3] {
    interpolate(&DARK_STOPS, t)
}

fn interpolate(stops: &[[f64; 3]; 5], t: f64) -> [u8; 3] {
    let t = if t.is_nan() { 0.0 } else { t.clamp(-1.0, 1.0) };
    let x = (t + 1.0) * 2.0; // 0..4
    let i = (x.floor() as usize).min(3);
    let f = x - i as f64;
    let a = stops[i];
    let b = stops[i + 1];
    let mix = |k: usize| (a[k] + (b[k] - a[k]) * f).round().clamp(0.0, 255.0) as u8;
    [mix(0), mix(1), mix(2)]
}

/// The diverging map as a plotters colour.
pub fn diverging(t: f64) -> RGBColor {
    let [r, g, b] = diverging_rgb(t);
    RGBColor(r, g, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_middle() {
        assert_eq!(diverging_rgb(1.0), [33, 102, 172]);
        assert_eq!(diverging_rgb(-1.0), [230, 97, 1]);
        assert_eq!(diverging_rgb(0.0), [247, 247, 247]);
        assert_eq!(diverging_rgb(f64::NAN), [247, 247, 247]);
        assert_eq!(diverging_rgb(7.0), diverging_rgb(1.0));
    }

    #[test]
    fn dark_map_has_a_dark_zero_and_keeps_the_hues() {
        let [r, g, b] = diverging_dark_rgb(0.0);
        assert!(r < 80 && g < 80 && b < 80);
        let [r, _, b] = diverging_dark_rgb(1.0);
        assert!(b > r, "positive stays blue");
        let [r, _, b] = diverging_dark_rgb(-1.0);
        assert!(r > b, "negative stays orange");
    }
}
