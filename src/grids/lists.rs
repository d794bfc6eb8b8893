//! `list` directive -> a structured list as a table: drivers beside barriers, potential
//! areas with their recommendations (both numbered on through the list), or initiatives with
//! their findings and verdict.
//!
//! Part of the `grids` stage. One list file can be shown in several places of a report, so
//! the view carries no ids of its own.

use super::html::{self, escape, header_row};
use super::spec::ListSpec;
use super::{Built, Ctx, Here, headers, lookup};
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
    let (class, defaults, body) = match &list.content {
        ListContent::DriversBarriers { drivers, barriers } => (
            "drivers-barriers",
            words(&["drivers", "barriers"]),
            side_by_side(drivers, barriers),
        ),
        ListContent::Recommendations(areas) => (
            "recommendations",
            words(&["potential_area", "recommendations"]),
            recommendations(areas, ctx),
        ),
        ListContent::Initiatives(initiatives) => (
            "initiatives",
            words(&["initiative", "findings", "verdict"]),
            initiative_rows(initiatives),
        ),
    };
    let out = format!(
        "{}<tbody>{body}</tbody>",
        header_row(&headers(&spec.headers, defaults, here)?, usize::MAX)
    );
    Ok(Built {
        view: View {
            table: Some((format!("list-table {class}"), out)),
            html: String::new(),
        },
        title: list.title.clone(),
        rows: Vec::new(),
    })
}

fn side_by_side(left: &[String], right: &[String]) -> String {
    let cell = |t: Option<&String>| t.map(|t| html::inline(t)).unwrap_or_default();
    (0..left.len().max(right.len()))
        .map(|i| {
            format!(
                "<tr><td>{}</td><td>{}</td></tr>",
                cell(left.get(i)),
                cell(right.get(i))
            )
        })
        .collect()
}

fn recommendations(areas: &[Area], ctx: &Ctx) -> String {
    let mut next = 1;
    let mut out = String::new();
    for (a, area) in areas.iter().enumerate() {
        let items: String = area
            .recommendations
            .iter()
            .map(|r| {
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

fn initiative_rows(initiatives: &[Initiative]) -> String {
    initiatives
        .iter()
        .map(|i| {
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
