//! The theme's chart palette, read from its stylesheet and checked for contrast, and the
//! font charts are measured with.
//!
//! Part of the `charts` stage. Input: the text of the theme's `style.css`. Output: a `Theme`
//! whose colours all come from custom properties there (`--chart-1`, `--chart-1-text`, ...,
//! `--scale-1`..`--scale-7`, `--text`, `--muted`, `--border`), or a message naming the
//! property that is missing or fails WCAG 2.1 contrast ([`CssError`]). Colours never come
//! from data.

use super::font::Font;

/// The page colour charts are drawn on.
pub const PAGE: &str = "#ffffff";

/// The contrast every chart colour needs against the page and against the next colour
/// (WCAG 2.1, 1.4.11 non-text contrast).
pub const GRAPHIC_CONTRAST: f64 = 3.0;

/// The contrast text needs on its background (WCAG 2.1 AA, 1.4.3).
pub const TEXT_CONTRAST: f64 = 4.5;

/// A fill colour and the colour of text set on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swatch {
    pub fill: String,
    pub text: String,
}

/// Everything a chart takes from the theme.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Series colours in order; neighbours differ by at least 3:1.
    pub series: Vec<Swatch>,
    /// The ordinal steps, lightest first (the same colours as the grids' steps).
    pub steps: Vec<Swatch>,
    pub text: String,
    pub muted: String,
    pub grid: String,
    pub font: Font,
}

/// Why a stylesheet's palette cannot serve charts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CssError {
    pub message: String,
    /// The custom property the problem is about (without `--`), when there is one.
    pub property: Option<String>,
}

impl CssError {
    fn new(message: impl Into<String>, property: Option<&str>) -> CssError {
        CssError {
            message: message.into(),
            property: property.map(String::from),
        }
    }

    /// The byte offset of the property's definition in `css`, when it has one.
    pub fn offset(&self, css: &str) -> Option<usize> {
        let name = self.property.as_deref()?;
        css.find(&format!("--{name}:"))
    }
}

impl std::fmt::Display for CssError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The default theme's stylesheet, compiled in.
const DEFAULT_CSS: &str = include_str!("../../themes/default/static/style.css");

impl Theme {
    /// The default theme.
    pub fn default_theme() -> Theme {
        Theme::from_css(DEFAULT_CSS).expect("the default theme's chart palette is valid")
    }

    /// The palette of a theme's stylesheet.
    pub fn from_css(css: &str) -> Result<Theme, CssError> {
        let get = |name: &str| -> Result<String, CssError> {
            let value = property(css, name).ok_or_else(|| {
                CssError::new(
                    format!("the stylesheet has no `--{name}`, which charts need"),
                    None,
                )
            })?;
            if is_hex(value) {
                Ok(value.to_ascii_lowercase())
            } else {
                Err(CssError::new(
                    format!("`--{name}` is `{value}`; charts need a colour written #rrggbb"),
                    Some(name),
                ))
            }
        };
        let swatches = |prefix: &str| -> Result<Vec<Swatch>, CssError> {
            let mut out = Vec::new();
            while property(css, &format!("{prefix}-{}", out.len() + 1)).is_some() {
                let n = out.len() + 1;
                out.push(Swatch {
                    fill: get(&format!("{prefix}-{n}"))?,
                    text: get(&format!("{prefix}-{n}-text"))?,
                });
            }
            Ok(out)
        };
        let (series, steps) = (swatches("chart")?, swatches("scale")?);
        if series.len() < 2 || steps.len() < 2 {
            return Err(CssError::new(
                "charts need at least `--chart-1`, `--chart-2`, `--scale-1` and `--scale-2` (each with a `-text` colour)",
                None,
            ));
        }
        let theme = Theme {
            series,
            steps,
            text: get("text")?,
            muted: get("muted")?,
            grid: get("border")?,
            font: Font::new(),
        };
        theme.check()?;
        Ok(theme)
    }

    /// The WCAG contrasts the charts rely on.
    fn check(&self) -> Result<(), CssError> {
        let n = self.series.len();
        for (i, s) in self.series.iter().enumerate() {
            let next = &self.series[(i + 1) % n];
            let checks = [
                (&s.fill, PAGE, GRAPHIC_CONTRAST, "the page"),
                (
                    &s.fill,
                    next.fill.as_str(),
                    GRAPHIC_CONTRAST,
                    "the next series colour",
                ),
                (&s.fill, s.text.as_str(), TEXT_CONTRAST, "its text colour"),
            ];
            for (a, b, need, what) in checks {
                let ratio = contrast(a, b);
                if ratio < need {
                    return Err(CssError::new(
                        format!(
                            "`--chart-{}` {a} has {ratio:.2}:1 contrast with {what} {b}; charts need {need}:1",
                            i + 1
                        ),
                        Some(&format!("chart-{}", i + 1)),
                    ));
                }
            }
        }
        for (i, s) in self.steps.iter().enumerate() {
            let ratio = contrast(&s.fill, &s.text);
            if ratio < TEXT_CONTRAST {
                return Err(CssError::new(
                    format!(
                        "`--scale-{}` {} has {ratio:.2}:1 contrast with its text {}; text needs {TEXT_CONTRAST}:1",
                        i + 1,
                        s.fill,
                        s.text
                    ),
                    Some(&format!("scale-{}", i + 1)),
                ));
            }
        }
        for (name, colour) in [("text", &self.text), ("muted", &self.muted)] {
            let ratio = contrast(colour, PAGE);
            if ratio < TEXT_CONTRAST {
                return Err(CssError::new(
                    format!(
                        "`--{name}` {colour} has {ratio:.2}:1 contrast with the page; text needs {TEXT_CONTRAST}:1"
                    ),
                    Some(name),
                ));
            }
        }
        Ok(())
    }

    /// The colour of series `i`.
    pub fn series(&self, i: usize) -> &Swatch {
        &self.series[i % self.series.len()]
    }
}

fn is_hex(value: &str) -> bool {
    value.len() == 7 && value.starts_with('#') && value[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// The relative luminance of `#rrggbb` (WCAG 2.1); 0 for anything else.
pub fn luminance(hex: &str) -> f64 {
    let hex = hex.trim().trim_start_matches('#');
    if hex.len() != 6 || !hex.is_ascii() {
        return 0.0;
    }
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

/// The contrast ratio of two colours, 1 to 21.
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The value of the custom property `--name` in `css` (its first definition).
pub fn property<'a>(css: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("--{name}:");
    let at = css.find(&key)? + key.len();
    css[at..].split(';').next().map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_palette_meets_wcag() {
        let theme = Theme::default_theme();
        assert!(theme.series.len() >= 6, "{:?}", theme.series);
        assert_eq!(theme.steps.len(), 7);
        for s in &theme.series {
            assert!(contrast(&s.fill, PAGE) >= GRAPHIC_CONTRAST, "{s:?}");
        }
    }

    #[test]
    fn a_weak_palette_is_refused_with_the_property_named() {
        let css = ":root { --chart-1: #0b3565; --chart-1-text: #ffffff; --chart-2: #eeeeee; \
                   --chart-2-text: #1a1a1a; --scale-1: #eef4fb; --scale-1-text: #1a1a1a; \
                   --scale-2: #0b3565; --scale-2-text: #ffffff; --text: #1a1a1a; \
                   --muted: #545454; --border: #c6c6c6; }";
        let err = Theme::from_css(css).unwrap_err();
        assert!(
            err.message.contains("`--chart-2` #eeeeee") && err.message.contains("the page"),
            "{err}"
        );
        assert_eq!(err.offset(css), css.find("--chart-2:"));
        let err = Theme::from_css(":root { --text: red; }").unwrap_err();
        assert!(err.message.contains("--chart"), "{err}");
        assert_eq!(err.property, None);
        let named = css.replace("#eeeeee", "red");
        let err = Theme::from_css(&named).unwrap_err();
        assert!(err.message.contains("#rrggbb"), "{err}");
        assert_eq!(err.property.as_deref(), Some("chart-2"));
    }

    #[test]
    fn contrast_matches_known_pairs() {
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((contrast("#777777", "#ffffff") - 4.48).abs() < 0.01);
    }
}
