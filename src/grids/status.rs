//! `status` directive -> a status table: each principle or phase (or other rated item) with
//! its overall degree of implementation, a step on its colour, and an explanation.
//!
//! Part of the `grids` stage. The item's number, name and description come from the model,
//! the degree and explanation from the `status:` of a ratings file; explanations are Markdown
//! rendered with raw HTML shown as text.

use super::html::{self, Wording, badges, escape, header_row};
use super::spec::StatusSpec;
use super::{Built, Ctx, Here, Need, headers};
use crate::diagnostics::Diagnostic;
use crate::model::View;

pub fn build(spec: &StatusSpec, ctx: &Ctx, here: &Here) -> Result<Built, Diagnostic> {
    let rated = ctx.rated(&spec.ratings, Need::Status, here)?;
    let r = rated.ratings;
    let word = ctx.word(r.rates.word_key());
    let defaults = vec![word.to_string(), ctx.word("degree").to_string()];
    let heads = headers(&spec.headers, defaults, here)?;
    let mut out = header_row(&heads, usize::MAX);
    let mut rows = vec![heads];
    out.push_str("<tbody>");
    for (item, cell) in rated.items().into_iter().zip(&r.status) {
        rows.push(vec![
            format!("{word} {}. {}", rated.number_of(item), item.text),
            html::cell_text(cell, rated.scale, Wording::Label, ctx),
        ]);
        let description = item
            .description
            .as_deref()
            .map(html::block)
            .unwrap_or_default();
        let explanation = cell.comment.as_deref().map(html::block).unwrap_or_default();
        out.push_str(&format!(
            "<tr><th scope=\"row\"><p class=\"status-item\"><strong>{} {}. {}</strong></p>{description}</th><td><p class=\"status-degree\">{}</p>{explanation}</td></tr>",
            escape(word),
            rated.number_of(item),
            escape(&item.text),
            badges(cell, rated.scale, Wording::Short, ctx),
        ));
    }
    out.push_str("</tbody>");
    Ok(Built {
        view: View {
            table: Some(("status-table".into(), out)),
            html: String::new(),
        },
        title: r.title.clone(),
        rows,
        cells: Vec::new(),
    })
}
