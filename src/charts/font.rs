//! Text widths from the font compiled into the binary (IBM Plex Sans Regular, under the SIL
//! Open Font License; see `assets/fonts/`), so chart layout never depends on the fonts of
//! the machine that builds.
//!
//! Part of the `charts` stage. Input: text and a font size in viewBox units. Output: the
//! text's advance width. It reads no files and keeps no global state: a `Font` is made once
//! per theme and passed along.

use ab_glyph::{Font as _, FontRef};

/// The font file, compiled in; the default theme also serves it (`static/fonts/`).
pub const PLEX_SANS: &[u8] = include_bytes!("../../assets/fonts/IBMPlexSans-Regular.ttf");

/// The families charts name, first the one their text is measured with: the default theme's
/// stylesheet declares `Evalpress Chart` with `@font-face` as the served copy of this font (a
/// name of its own, so the pages' bold text never becomes a synthesised bold of it), then
/// IBM Plex Sans where installed, for a chart saved on its own.
pub const FAMILY: &str = "'Evalpress Chart', 'IBM Plex Sans', system-ui, sans-serif";

/// Extra width allowed for a reader whose fallback font runs wider than the measured one.
const SLACK: f64 = 1.06;

/// Advance widths of one font.
#[derive(Debug, Clone)]
pub struct Font {
    face: FontRef<'static>,
    /// Advances of U+0000..U+00FF in ems, looked up without the font's character map.
    latin: Vec<f64>,
    units_per_em: f64,
}

impl Font {
    /// The compiled-in font.
    pub fn new() -> Font {
        // The bytes are part of the binary and a unit test parses them.
        let face = FontRef::try_from_slice(PLEX_SANS).expect("the compiled-in font parses");
        let units_per_em = f64::from(face.units_per_em().unwrap_or(1000.0));
        let latin = (0u8..=255)
            .map(|b| advance(&face, char::from(b)) / units_per_em)
            .collect();
        Font {
            face,
            latin,
            units_per_em,
        }
    }

    /// The width of `text` set at `size`, with a small allowance for wider fallback fonts.
    pub fn width(&self, text: &str, size: f64) -> f64 {
        let ems: f64 = text
            .chars()
            .map(|c| match self.latin.get(c as usize) {
                Some(w) => *w,
                None => advance(&self.face, c) / self.units_per_em,
            })
            .sum();
        ems * size * SLACK
    }
}

impl Default for Font {
    fn default() -> Self {
        Font::new()
    }
}

/// The advance of `c` in font units; characters the font lacks count as an `M`.
fn advance(face: &FontRef<'static>, c: char) -> f64 {
    let mut id = face.glyph_id(c);
    if id.0 == 0 && !c.is_control() {
        id = face.glyph_id('M');
    }
    f64::from(face.h_advance_unscaled(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_font_measures_text() {
        let f = Font::new();
        assert_eq!(f.width("", 13.0), 0.0);
        let narrow = f.width("iiii", 13.0);
        let wide = f.width("MMMM", 13.0);
        assert!(narrow > 0.0 && wide > 2.0 * narrow, "{narrow} {wide}");
        // Twice the size, twice the width.
        let a = f.width("Uddannelsesambassadør", 10.0);
        assert!((f.width("Uddannelsesambassadør", 20.0) - 2.0 * a).abs() < 1e-9);
        // Danish letters and characters beyond Latin-1 have real widths.
        assert!(f.width("æøå", 13.0) > f.width("ii", 13.0));
        assert!(f.width("–€", 13.0) > 0.0);
    }

    #[test]
    fn measuring_is_the_same_for_every_font_value() {
        let (a, b) = (Font::new(), Font::new());
        for text in [
            "Leder",
            "Jobrådgiver",
            "72.008",
            "8,6",
            "Virksomhedskonsulent",
        ] {
            assert_eq!(a.width(text, 13.0).to_bits(), b.width(text, 13.0).to_bits());
        }
    }
}
