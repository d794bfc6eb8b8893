//! The theme's step palette checked for contrast: the text on every step colour must reach
//! 4.5:1 (WCAG 2.1 AA), since grids show steps as text on their colour.

/// The relative luminance of `#rrggbb` (WCAG 2.1).
fn luminance(hex: &str) -> f64 {
    let hex = hex.trim().trim_start_matches('#');
    assert_eq!(hex.len(), 6, "colours are written #rrggbb: {hex}");
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digits")) / 255.0;
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

/// The value of the custom property `--name` in `css`.
fn property<'a>(css: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("--{name}:");
    let at = css.find(&key)? + key.len();
    css[at..].split(';').next().map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::scale::PALETTE;

    const CSS: &str = include_str!("../../themes/default/static/style.css");

    #[test]
    fn contrast_matches_known_pairs() {
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((contrast("#777777", "#ffffff") - 4.48).abs() < 0.01);
    }

    #[test]
    fn every_step_colour_carries_its_text_at_aa() {
        for n in 1..=PALETTE {
            let bg = property(CSS, &format!("scale-{n}")).expect("palette colour in style.css");
            let fg = property(CSS, &format!("scale-{n}-text")).expect("text colour in style.css");
            let ratio = contrast(bg, fg);
            assert!(
                ratio >= 4.5,
                "--scale-{n} {bg} with text {fg}: {ratio:.2}:1 < 4.5:1"
            );
        }
        let (bg, fg) = (
            property(CSS, "scale-na").unwrap(),
            property(CSS, "scale-na-text").unwrap(),
        );
        assert!(contrast(bg, fg) >= 4.5, "not applicable: {bg} / {fg}");
    }

    #[test]
    fn the_palette_runs_light_to_dark_in_one_hue() {
        let l: Vec<f64> = (1..=PALETTE)
            .map(|n| luminance(property(CSS, &format!("scale-{n}")).unwrap()))
            .collect();
        assert!(
            l.windows(2).all(|w| w[0] > w[1]),
            "luminance must fall step by step: {l:?}"
        );
    }
}
