//! `list` directive -> a structured list as a table: drivers beside barriers, potential
//! areas with their recommendations (both numbered on through the list), or initiatives with
//! their findings and verdict.
//!
//! Part of the `grids` stage. One list file can be shown in several places of a report, so
//! the view carries no ids of its own.

use super::html::{self, escape, header_row};
use super::spec::ListSpec;
use super::{Built, Ctx, Here, headers, lookup, shown};
use crate::changes::CellSnapshot;
use crate::diagnostics::Diagnostic;
use crate::model::View;
use crate::models::ListContent;
use crate::models::lists::{Area, Initiative};

pub fn build(spec: &ListSpec, ctx: &Ctx, here: &Here) -> Result<Built, Diagnostic> {
    let list = lookup(
        &ctx.catalog.lists,
        &spec.list,
        "list",
        "data/models/lists/",
        here,
        ctx.catalog,
    )?;
    let words = |keys: &[&str]| keys.iter().map(|k| ctx.word(k).to_string()).collect();
    let (class, defaults): (&str, Vec<String>) = match &list.content {
        ListContent::DriversBarriers { .. } => {
            ("drivers-barriers", words(&["drivers", "barriers"]))
        }
        ListContent::Recommendations(_) => (
            "recommendations",
            words(&["potential_area", "recommendations"]),
        ),
        ListContent::Initiatives(_) => {
            ("initiatives", words(&["initiative", "findings", "verdict"]))
        }
    };
    let heads = headers(&spec.headers, defaults, here)?;
    let mut cells = Vec::new();
    let body = match &list.content {
        ListContent::DriversBarriers { drivers, barriers } => {
            side_by_side(drivers, barriers, &heads, &mut cells)
        }
        ListContent::Recommendations(areas) => recommendations(areas, ctx, &mut cells),
        ListContent::Initiatives(initiatives) => initiative_rows(initiatives, &heads, &mut cells),
    };
    let out = format!("{}<tbody>{body}</tbody>", header_row(&heads, usize::MAX));
    Ok(Built {
        view: View {
            table: Some((format!("list-table {class}"), out)),
            html: String::new(),
        },
        title: list.title.clone(),
        rows: Vec::new(),
        cells,
    })
}

/// Each entry is also a published cell: row its number, column its header.
fn side_by_side(
    left: &[String],
    right: &[String],
    heads: &[String],
    cells: &mut Vec<CellSnapshot>,
) -> String {
    let cell = |t: Option<&String>| t.map(|t| html::inline(t)).unwrap_or_default();
    (0..left.len().max(right.len()))
        .map(|i| {
            for (side, head) in [left, right].into_iter().zip(heads) {
                if let Some(t) = side.get(i) {
                    cells.push(shown((i + 1).to_string(), head, html::plain(t)));
                }
            }
            format!(
                "<tr><td>{}</td><td>{}</td></tr>",
                cell(left.get(i)),
                cell(right.get(i))
            )
        })
        .collect()
}

/// Each recommendation is also a published cell: row its area, column "Anbefaling N".
fn recommendations(areas: &[Area], ctx: &Ctx, cells: &mut Vec<CellSnapshot>) -> String {
    let mut next = 1;
    let mut out = String::new();
    for (a, area) in areas.iter().enumerate() {
        let row = format!(
            "{} {}: {}",
            ctx.word("potential_area"),
            a + 1,
            html::plain(&area.title)
        );
        let items: String = area
            .recommendations
            .iter()
            .map(|r| {
                let column = format!("{} {next}", ctx.word("recommendation"));
                cells.push(shown(&row, column, html::plain(r)));
                let item = format!(
                    "<li><strong>{} {next}:</strong> {}</li>",
                    escape(ctx.word("recommendation")),
                    html::inline(r)
                );
                next += 1;
                item
            })
            .collect();
        out.push_str(&format!(
            "<tr><th scope=\"row\"><strong>{} {}:</strong> {}</th><td><ul class=\"plain-list\">{items}</ul></td></tr>",
            escape(ctx.word("potential_area")),
            a + 1,
            html::inline(&area.title)
        ));
    }
    out
}

/// Each initiative's findings (joined by "; ") and verdict are also published cells.
fn initiative_rows(
    initiatives: &[Initiative],
    heads: &[String],
    cells: &mut Vec<CellSnapshot>,
) -> String {
    initiatives
        .iter()
        .map(|i| {
            let row = html::plain(&i.title);
            let found: Vec<String> = i.findings.iter().map(|f| html::plain(f)).collect();
            cells.push(shown(&row, &heads[1], found.join("; ")));
            cells.push(shown(&row, &heads[2], html::plain(&i.verdict)));
            let findings: String = i
                .findings
                .iter()
                .map(|f| format!("<li>{}</li>", html::inline(f)))
                .collect();
            let findings = if findings.is_empty() {
                String::new()
            } else {
                format!("<ul>{findings}</ul>")
            };
            format!(
                "<tr><th scope=\"row\">{}</th><td>{findings}</td><td>{}</td></tr>",
                html::inline(&i.title),
                html::block(&i.verdict)
            )
        })
        .collect()
}
