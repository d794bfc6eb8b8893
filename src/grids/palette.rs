//! The theme's step palette checked for contrast: the text on every step colour must reach
//! 4.5:1 (WCAG 2.1 AA), since grids show steps as text on their colour. The colour arithmetic
//! is shared with the charts, which read the same palette at build time.

#[cfg(test)]
mod tests {
    use crate::charts::theme::{contrast, luminance, property};
    use crate::models::scale::PALETTE;

    const CSS: &str = include_str!("../../themes/default/static/style.css");

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
