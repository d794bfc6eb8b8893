//! `distribution` directive -> a distribution table: rated items (such as success criteria)
//! as rows, the steps of the scale as columns, and in each cell the number of projects that
//! ticked that step; projects that ticked two steps are counted as "(+1)" in both.
//!
//! Part of the `grids` stage. Counts are computed from the per-project ratings here, never
//! typed; a zero is shown as 0, not left blank.

use super::html::{Count, Wording, escape, header_row};
use super::spec::DistributionSpec;
use super::{Built, Ctx, Here, Need, headers};
use crate::diagnostics::Diagnostic;
use crate::model::View;

pub fn build(spec: &DistributionSpec, ctx: &Ctx, here: &Here) -> Result<Built, Diagnostic> {
    let rated = ctx.rated(&spec.ratings, Need::Projects, here)?;
    let r = rated.ratings;
    let mut defaults = vec![ctx.word(r.rates.word_key()).to_string()];
    defaults.extend(
        rated
            .scale
            .steps
            .iter()
            .map(|s| Wording::Short.of(s, ctx.lang).to_string()),
    );
    let heads = headers(&spec.headers, defaults, here)?;
    let mut out = header_row(&heads, 1);
    let mut rows = vec![heads];
    out.push_str("<tbody>");
    for (c, item) in rated.items().into_iter().enumerate() {
        let mut record = vec![item.text.clone()];
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            escape(&item.text)
        ));
        for step in 0..rated.scale.steps.len() {
            let count = Count::of(r.cells.iter().map(|row| &row[c]), step);
            let class = if count == Count::default() {
                "num zero"
            } else {
                "num"
            };
            out.push_str(&format!("<td class=\"{class}\">{}</td>", count.text(ctx)));
            record.push(count.text(ctx));
        }
        rows.push(record);
        out.push_str("</tr>");
    }
    out.push_str("</tbody>");
    Ok(Built {
        view: View {
            table: Some(("distribution".into(), out)),
            html: String::new(),
        },
        title: r.title.clone(),
        rows,
        cells: Vec::new(),
    })
}
