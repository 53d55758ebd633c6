//! Colours and sizes shared by all figures (light page, dark page, SVG export).

use plotters::style::RGBColor;

/// What a figure needs to know about its surroundings: text and line colours (light or dark page)
/// and a scale for fonts and strokes (the canvas backing store is `devicePixelRatio` times larger
/// than its CSS size, so a 12 px label must be drawn at `12 * scale` device pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FigStyle {
    pub text: RGBColor,
    pub muted: RGBColor,
    /// `None` leaves the area transparent (the page's own background shows through).
    pub background: Option<RGBColor>,
    pub scale: f64,
}

impl FigStyle {
    /// Dark text on white (the CLI's SVGs and the light theme).
    pub fn light() -> Self {
        FigStyle {
            text: RGBColor(0x22, 0x22, 0x22),
            muted: RGBColor(0x88, 0x88, 0x88),
            background: Some(RGBColor(0xff, 0xff, 0xff)),
            scale: 1.0,
        }
    }

    /// Light text on a dark page.
    pub fn dark() -> Self {
        FigStyle {
            text: RGBColor(0xe8, 0xe8, 0xe8),
            muted: RGBColor(0x99, 0x99, 0x99),
            background: Some(RGBColor(0x1b, 0x1e, 0x24)),
            scale: 1.0,
        }
    }

    /// Text in `text`, on a transparent background: for a canvas on a page of any theme.
    pub fn on_page(text: RGBColor) -> Self {
        let lum = 0.2126 * text.0 as f64 + 0.7152 * text.1 as f64 + 0.0722 * text.2 as f64;
        let base = if lum > 128.0 {
            Self::dark()
        } else {
            Self::light()
        };
        FigStyle {
            text,
            background: None,
            ..base
        }
    }

    /// Whether the figure is drawn on a dark page (light text).
    pub fn is_dark(&self) -> bool {
        let t = self.text;
        0.2126 * t.0 as f64 + 0.7152 * t.1 as f64 + 0.0722 * t.2 as f64 > 128.0
    }

    /// The diverging colour map for this page: [`crate::colormap::diverging_dark_rgb`] on a dark
    /// one, so that zeros do not glare.
    pub fn diverging(&self, t: f64) -> RGBColor {
        let [r, g, b] = if self.is_dark() {
            crate::colormap::diverging_dark_rgb(t)
        } else {
            crate::colormap::diverging_rgb(t)
        };
        RGBColor(r, g, b)
    }

    /// Fills `area` with the background, if there is one.
    pub fn fill<DB: plotters::prelude::DrawingBackend>(
        &self,
        area: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    ) -> Result<(), String> {
        match self.background {
            Some(c) => area.fill(&c).map_err(crate::err),
            None => Ok(()),
        }
    }

    /// The same colours at another pixel scale.
    pub fn scaled(self, scale: f64) -> Self {
        FigStyle {
            scale: if scale.is_finite() && scale > 0.0 {
                scale
            } else {
                1.0
            },
            ..self
        }
    }

    /// A length in device pixels for a length of `px` CSS pixels.
    pub fn px(&self, px: f64) -> i32 {
        (px * self.scale).round() as i32
    }

    /// A font size in device pixels.
    pub fn font(&self, px: f64) -> f64 {
        px * self.scale
    }
}

/// The book's grid and axes on a chart: faint major lines, no minor lines, muted axes, tick and
/// axis labels in the text colour at `font_px`. Callers add their axis titles and formatters.
pub(crate) fn book_mesh<'a, 'b, X, Y, DB>(
    chart: &'b mut plotters::chart::ChartContext<
        'a,
        DB,
        plotters::coord::cartesian::Cartesian2d<X, Y>,
    >,
    style: &FigStyle,
    font_px: f64,
) -> plotters::chart::MeshStyle<'a, 'b, X, Y, DB>
where
    X: plotters::coord::ranged1d::Ranged<ValueType: Clone>
        + plotters::coord::ranged1d::ValueFormatter<X::ValueType>,
    Y: plotters::coord::ranged1d::Ranged<ValueType: Clone>
        + plotters::coord::ranged1d::ValueFormatter<Y::ValueType>,
    DB: plotters::prelude::DrawingBackend,
{
    use plotters::prelude::*;
    let label = ("sans-serif", style.font(font_px))
        .into_font()
        .color(&style.text);
    let mut mesh = chart.configure_mesh();
    mesh.bold_line_style(style.muted.mix(0.25))
        .light_line_style(TRANSPARENT)
        .x_label_style(label.clone())
        .y_label_style(label.clone())
        .axis_style(style.muted)
        .axis_desc_style(label);
    mesh
}

/// The series' legend in a box at `position`, in the book's colours.
pub(crate) fn book_legend<'a, X, Y, DB>(
    chart: &mut plotters::chart::ChartContext<
        'a,
        DB,
        plotters::coord::cartesian::Cartesian2d<X, Y>,
    >,
    position: plotters::chart::SeriesLabelPosition,
    style: &FigStyle,
    font_px: f64,
) -> Result<(), String>
where
    X: plotters::coord::ranged1d::Ranged,
    Y: plotters::coord::ranged1d::Ranged,
    DB: plotters::prelude::DrawingBackend + 'a,
{
    use plotters::prelude::*;
    let label = ("sans-serif", style.font(font_px))
        .into_font()
        .color(&style.text);
    chart
        .configure_series_labels()
        .position(position)
        .label_font(label)
        .background_style(style.background.unwrap_or(WHITE).mix(0.85))
        .border_style(style.muted.mix(0.5))
        .draw()
        .map_err(crate::err)
}
