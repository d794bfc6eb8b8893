//! The legend of a chart with several series: a key (swatch, pattern, line with marker or
//! target tick) and the series' name, flowing in rows across the top.
//!
//! Part of the `charts` stage. Only charts whose series cannot be labelled directly get
//! one; names are escaped by `svg::text`, colours come from the theme.

use super::svg::{self, Anchor, line_height};
use super::{Ctx, FONT, MARGIN, WIDTH};

/// How a series is drawn, as its key shows it.
#[derive(Debug, Clone)]
pub enum Key {
    /// A filled square: a colour or a `url(#pattern)`; `outline` draws its border.
    Fill { fill: String, outline: bool },
    /// A line through a marker of `shape`.
    Line { colour: String, shape: usize },
    /// A short thick bar across, as targets are drawn.
    Tick { colour: String },
}

/// One entry: the key and the series' name.
#[derive(Debug, Clone)]
pub struct Item {
    pub label: String,
    pub key: Key,
}

/// The widest a legend entry's name may be before it is cut with an ellipsis (the table
/// under the chart has it in full).
const MAX_NAME: f64 = 260.0;

/// The legend's SVG with its first row at `top`, and the height it takes.
pub fn draw(ctx: &Ctx, items: &[Item], top: f64) -> (String, f64) {
    let mut out = String::new();
    if items.is_empty() {
        return (out, 0.0);
    }
    let lh = line_height(FONT) + 4.0;
    let (mut x, mut y) = (MARGIN, top + FONT);
    out.push_str("<g class=\"chart-legend\">");
    for item in items {
        let name = ctx.wrap(&item.label, MAX_NAME, FONT, 1);
        let text_w = name.first().map_or(0.0, |n| ctx.width(n, FONT));
        let w = 20.0 + text_w + 18.0;
        if x > MARGIN && x + w > WIDTH - MARGIN {
            x = MARGIN;
            y += lh;
        }
        key(ctx, &mut out, &item.key, x, y - FONT * 0.75);
        let style = ctx.style(FONT, &ctx.theme.text, Anchor::Start, "");
        svg::text(&mut out, x + 20.0, y, &name, style);
        x += w;
    }
    out.push_str("</g>");
    (out, y - top + lh)
}

/// The key of one entry in the 14 × 14 square at (x, y).
fn key(ctx: &Ctx, out: &mut String, key: &Key, x: f64, y: f64) {
    match key {
        Key::Fill { fill, outline } => {
            let extra = if *outline {
                format!(" stroke=\"{}\" stroke-width=\"0.75\"", ctx.theme.muted)
            } else {
                String::new()
            };
            svg::rect(out, x, y, 14.0, 14.0, fill, &extra);
        }
        Key::Line { colour, shape } => {
            svg::line(
                out,
                (x - 2.0, y + 7.0),
                (x + 16.0, y + 7.0),
                colour,
                " stroke-width=\"2.5\"",
            );
            svg::marker(out, *shape, (x + 7.0, y + 7.0), 4.5, colour);
        }
        Key::Tick { colour } => {
            svg::rect(out, x - 1.0, y + 5.5, 16.0, 3.0, colour, "");
        }
    }
}
