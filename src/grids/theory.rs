//! `theory-of-change` directive -> the model's theory of change as an inline SVG diagram that
//! reads left to right: the core elements, then the expected changes in the short, medium and
//! long term, with the same content as a list under it.
//!
//! Part of the `grids` stage. The layout is computed here with a fixed estimate of text width
//! (no fonts are read), so the same model always gives the same bytes; all text is real SVG
//! `<text>`, which scales, prints sharply and can be searched and copied.

use super::html::escape;
use super::spec::TheorySpec;
use super::{Built, Ctx, Here};
use crate::diagnostics::Diagnostic;
use crate::model::View;

const WIDTH: u32 = 800;
const GUTTER: u32 = 32;
const COLUMNS: u32 = 4;
const COLUMN: u32 = (WIDTH - GUTTER * (COLUMNS - 1)) / COLUMNS;
const FONT: u32 = 13;
const LINE: u32 = 17;
const PAD: u32 = 8;
const GAP: u32 = 10;
const HEAD: u32 = 34;
/// Average advance of a character as a share of the font size, for sans-serif text.
const CHAR_WIDTH: f64 = 0.6;

pub fn build(spec: &TheorySpec, ctx: &Ctx, here: &Here) -> Result<Built, Diagnostic> {
    let (model, round) = ctx.model(&spec.model, spec.round, here)?;
    let elements: Vec<String> = model
        .core_elements
        .iter()
        .filter(|e| e.in_round(round))
        .map(|e| e.short().to_string())
        .collect();
    let c = &model.changes;
    if elements.is_empty() || c.is_empty() {
        return Err(here
            .error(&spec.model.referenced, format!("model `{}` has no theory of change", model.id))
            .help("a theory of change needs `core_elements:` and `changes:` with `short`, `medium` and `long` in the model file"));
    }
    let columns = [
        (ctx.word("core_elements"), elements),
        (ctx.word("short_term"), c.short.clone()),
        (ctx.word("medium_term"), c.medium.clone()),
        (ctx.word("long_term"), c.long.clone()),
    ];
    let svg = svg(&columns, here.anchor);
    let list: String = columns
        .iter()
        .map(|(head, items)| {
            let items: String = items
                .iter()
                .map(|i| format!("<li>{}</li>", escape(i)))
                .collect();
            format!("<li>{}<ul>{items}</ul></li>", escape(head))
        })
        .collect();
    // On a phone the diagram keeps a readable size and scrolls sideways.
    let html = format!(
        "<div class=\"figure-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">{svg}</div><details class=\"figure-text\"><summary>{}</summary><ol>{list}</ol></details>",
        escape(&model.title),
        escape(ctx.word("figure_as_text"))
    );
    Ok(Built {
        view: View { table: None, html },
        cells: Vec::new(),
        title: Some(model.title.clone()),
        rows: Vec::new(),
    })
}

/// The diagram: one column per stage, each a heading over boxes, arrows in the gutters.
fn svg(columns: &[(&str, Vec<String>); 4], anchor: &str) -> String {
    let mut body = String::new();
    let mut bottom = HEAD;
    for (i, (head, items)) in columns.iter().enumerate() {
        let x = i as u32 * (COLUMN + GUTTER);
        body.push_str(&format!(
            "<text class=\"toc-head\" x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"700\" text-anchor=\"middle\">{}</text>",
            x + COLUMN / 2,
            FONT + 8,
            FONT + 1,
            escape(head)
        ));
        let mut y = HEAD;
        for item in items {
            let lines = wrap(item, COLUMN - 2 * PAD);
            let height = lines.len() as u32 * LINE + 2 * PAD;
            let class = if i == 0 {
                "toc-box toc-element"
            } else {
                "toc-box"
            };
            body.push_str(&format!(
                "<rect class=\"{class}\" x=\"{x}\" y=\"{y}\" width=\"{COLUMN}\" height=\"{height}\" rx=\"3\"/>"
            ));
            let spans: String = lines
                .iter()
                .enumerate()
                .map(|(n, l)| {
                    let dy = if n == 0 { 0 } else { LINE };
                    format!("<tspan x=\"{}\" dy=\"{dy}\">{}</tspan>", x + PAD, escape(l))
                })
                .collect();
            body.push_str(&format!(
                "<text class=\"toc-text\" x=\"{}\" y=\"{}\" font-size=\"{FONT}\">{spans}</text>",
                x + PAD,
                y + PAD + FONT
            ));
            y += height + GAP;
        }
        bottom = bottom.max(y);
    }
    let height = bottom - GAP + 2;
    let mid = (HEAD + height) / 2;
    for i in 1..COLUMNS {
        let x = i * (COLUMN + GUTTER) - GUTTER + 8;
        body.push_str(&format!(
            "<path class=\"toc-arrow\" d=\"M{x} {} L{} {mid} L{x} {} Z\"/>",
            mid - 14,
            x + GUTTER - 16,
            mid + 14
        ));
    }
    let id = format!("{}-svg-title", escape(anchor));
    let title: Vec<String> = columns
        .iter()
        .map(|(head, items)| {
            let items: Vec<&str> = items.iter().map(|i| i.trim_end_matches('.')).collect();
            format!("{head}: {}", items.join("; "))
        })
        .collect();
    format!(
        "<svg class=\"theory-of-change-svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}\" font-family=\"'IBM Plex Sans', system-ui, sans-serif\"><title id=\"{id}\">{}</title>{body}</svg>",
        escape(&title.join(". "))
    )
}

/// `text` broken into lines that fit `width` units at the estimated character width.
fn wrap(text: &str, width: u32) -> Vec<String> {
    let per_line = ((f64::from(width) / (f64::from(FONT) * CHAR_WIDTH)).floor() as usize).max(8);
    crate::charts::text::wrap(text, |line| line.chars().count() <= per_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_at_words_and_within_the_box() {
        // 160 units at 13 × 0.6 per character: 20 characters to a line
        let lines = wrap(
            "Flere ufaglærte ledige bliver faglærte og får varig beskæftigelse",
            160,
        );
        assert_eq!(
            lines,
            [
                "Flere ufaglærte",
                "ledige bliver",
                "faglærte og får",
                "varig beskæftigelse"
            ]
        );
        assert_eq!(
            wrap("Samarbejde med uddannelsesinstitutioner", 160),
            ["Samarbejde med", "uddannelsesinstitut-", "ioner"]
        );
        assert_eq!(wrap("", 204), Vec::<String>::new());
    }

    #[test]
    fn the_diagram_is_deterministic_svg_with_real_text() {
        let columns = [
            ("Kerneelementer", vec!["Sprede viden".to_string()]),
            ("Kort sigt", vec!["Kendskab".to_string()]),
            ("Mellemlangt sigt", vec!["Vejledning".to_string()]),
            ("Langt sigt", vec!["Flere faglærte & job".to_string()]),
        ];
        let a = svg(&columns, "fig");
        assert_eq!(a, svg(&columns, "fig"));
        assert!(a.starts_with("<svg class=\"theory-of-change-svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 800 "), "{a}");
        assert!(a.contains(">Flere faglærte &amp; job</tspan>"), "{a}");
        assert!(
            a.contains(
                "<title id=\"fig-svg-title\">Kerneelementer: Sprede viden. Kort sigt: Kendskab."
            ),
            "{a}"
        );
        assert_eq!(a.matches("class=\"toc-arrow\"").count(), 3);
    }
}
