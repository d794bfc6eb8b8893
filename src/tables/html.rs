//! A published table -> the HTML of a data table: header cells with `scope`, the first key
//! column as row headers, numbers right-aligned (`class="num"`), the totals row marked
//! (`class="total"`).
//!
//! Part of the `tables` stage. Every text is escaped; numbers come formatted from [`Words`],
//! so every cell of a column has the column's decimals. The caption, source and note are the
//! render stage's, as for every element.

use super::Words;
use crate::disclosure::{Format, Published, Role, RowKind};
use crate::render::escape;

/// The inner HTML of the table after its caption: `<thead>` and `<tbody>`.
pub fn table(t: &Published, words: &Words) -> String {
    let heads = t.heads();
    let numeric: Vec<bool> = heads
        .iter()
        .map(|h| h.role != Role::Key && h.format != Format::Text)
        .collect();
    let class = |c: usize| if numeric[c] { " class=\"num\"" } else { "" };
    // The first column names its row when it is a key (a group, a name, a year).
    let row_headers = heads.first().is_some_and(|h| h.role == Role::Key);
    let mut out = String::from("<thead><tr>");
    for (c, h) in heads.iter().enumerate() {
        out.push_str(&format!(
            "<th scope=\"col\"{}>{}</th>",
            class(c),
            escape(&h.label)
        ));
    }
    out.push_str("</tr></thead><tbody>");
    for r in 0..t.row_count() {
        out.push_str(match t.row_kind(r) {
            RowKind::Total => "<tr class=\"total\">",
            RowKind::Body => "<tr>",
        });
        for c in 0..heads.len() {
            let text = escape(&words.cell_text(t, r, c));
            if c == 0 && row_headers {
                out.push_str(&format!("<th scope=\"row\">{text}</th>"));
            } else {
                out.push_str(&format!("<td{}>{text}</td>", class(c)));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody>");
    out
}

/// The data form of a box: the table, named by the box's caption, in a scrolling region.
pub fn boxed(inner: &str, anchor: &str) -> String {
    let caption = format!("{}-caption", escape(anchor));
    format!(
        "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"{caption}\"><table class=\"data-table\" aria-labelledby=\"{caption}\">{inner}</table></div>"
    )
}
