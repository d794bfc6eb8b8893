//! `grid` directive -> a fidelity grid: projects as rows, rated items (core elements) as
//! columns, every cell its step as text on the step's colour; per column the number of
//! projects at each step, per row how many items reach a chosen step; a legend.
//!
//! Part of the `grids` stage. The table scrolls sideways on a phone with the project column
//! fixed (theme CSS); colour is never the only cue, since every cell names its step. Counts
//! come from the ratings; nothing here changes or reorders them.

use super::html::{self, Count, Wording, badge, badges, escape};
use super::spec::{CellText, GridSpec};
use super::{Built, Ctx, Here, Need, Rated, shown};
use crate::changes::CellSnapshot;
use crate::diagnostics::Diagnostic;
use crate::model::View;
use crate::models::Cell;

pub fn build(spec: &GridSpec, ctx: &Ctx, here: &Here) -> Result<Built, Diagnostic> {
    let rated = ctx.rated(&spec.ratings, Need::Projects, here)?;
    let r = rated.ratings;
    let scale = rated.scale;
    let threshold = match &spec.summary_from {
        Some(s) => scale
            .step_of(&s.value)
            .ok_or_else(|| scale.not_a_step(&s.value, here.file, here.at(&s.referenced)))?,
        // The second-highest step: "i høj grad" on the default scale.
        None => scale.steps.len().saturating_sub(2),
    };
    let wording = match spec.cells {
        CellText::Short => Wording::Short,
        CellText::Label => Wording::Label,
    };
    let summary = spec.summary.then(|| {
        ctx.word("at_least")
            .replace("{step}", scale.steps[threshold].label.get(ctx.lang))
    });
    let mut out = head(&rated, summary.as_deref(), ctx);
    let mut rows = vec![
        std::iter::once(ctx.word("project").to_string())
            .chain(rated.items().iter().map(|i| i.short().to_string()))
            .collect::<Vec<_>>(),
    ];
    let mut cells = Vec::new();
    out.push_str("<tbody>");
    for (project, row) in r.projects.iter().zip(&r.cells) {
        rows.push(
            std::iter::once(project.name.clone())
                .chain(
                    row.iter()
                        .map(|cell| html::cell_text(cell, scale, wording, ctx)),
                )
                .collect(),
        );
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            escape(&project.name)
        ));
        for cell in row {
            let class = match cell.steps.as_slice() {
                [one] => format!("step-cell step-c{}", scale.steps[*one].colour),
                [] => "step-cell step-na".to_string(),
                _ => "step-cell step-double".to_string(),
            };
            let comment = cell
                .comment
                .as_deref()
                .map(|c| format!(" <span class=\"cell-comment\">{}</span>", html::inline(c)))
                .unwrap_or_default();
            // A single step colours the whole cell; two steps or none get badges.
            let content = match cell.steps.as_slice() {
                [one] => escape(wording.of(&scale.steps[*one], ctx.lang)),
                _ => badges(cell, scale, wording, ctx),
            };
            out.push_str(&format!("<td class=\"{class}\">{content}{comment}</td>"));
        }
        if summary.is_some() {
            let text = reached(row, threshold, ctx);
            out.push_str(&format!(
                "<td class=\"num grid-summary\">{}</td>",
                escape(&text)
            ));
            if let Some(head) = &summary {
                cells.push(shown(&project.name, head, text));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody>");
    if spec.counts {
        out.push_str(&counts(&rated, summary.is_some(), wording, ctx, &mut cells));
    }
    Ok(Built {
        view: View {
            table: Some(("grid".into(), out)),
            html: legend(&rated, ctx),
        },
        title: r.title.clone(),
        rows,
        cells,
    })
}

/// "3 af 4": how many of a project's rated items reach step `threshold`; nothing for a
/// project with nothing rated.
fn reached(row: &[Cell], threshold: usize, ctx: &Ctx) -> String {
    let rated_cells: Vec<_> = row.iter().filter(|c| !c.not_applicable()).collect();
    if rated_cells.is_empty() {
        return String::new();
    }
    let reached = rated_cells
        .iter()
        .filter(|c| c.steps.last().is_some_and(|s| *s >= threshold))
        .count();
    ctx.word("n_of_m")
        .replace("{n}", &ctx.integer(reached))
        .replace("{m}", &ctx.integer(rated_cells.len()))
}

fn head(rated: &Rated, summary: Option<&str>, ctx: &Ctx) -> String {
    let mut out = format!(
        "<thead><tr><th scope=\"col\">{}</th>",
        escape(ctx.word("project"))
    );
    for item in rated.items() {
        out.push_str(&format!("<th scope=\"col\">{}</th>", escape(item.short())));
    }
    if let Some(s) = summary {
        out.push_str(&format!(
            "<th scope=\"col\" class=\"num grid-summary\">{}</th>",
            escape(s)
        ));
    }
    out.push_str("</tr></thead>");
    out
}

/// One footer row per step: how many projects each column has at that step; each count is
/// also added to `cells` (row: the step).
fn counts(
    rated: &Rated,
    summary: bool,
    wording: Wording,
    ctx: &Ctx,
    cells: &mut Vec<CellSnapshot>,
) -> String {
    let r = rated.ratings;
    let columns = r.items.len() + 1 + usize::from(summary);
    let mut out = format!(
        "<tfoot><tr class=\"grid-counts-title\"><td colspan=\"{columns}\">{}</td></tr>",
        escape(ctx.word("projects_per_step"))
    );
    let mut rows: Vec<(String, String, Vec<Count>)> = (0..rated.scale.steps.len())
        .rev()
        .map(|s| {
            let step = &rated.scale.steps[s];
            let label = badge(step, wording, ctx.lang);
            let per_column = (0..r.items.len())
                .map(|c| Count::of(r.cells.iter().map(|row| &row[c]), s))
                .collect();
            (label, wording.of(step, ctx.lang).to_string(), per_column)
        })
        .collect();
    let na: Vec<Count> = (0..r.items.len())
        .map(|c| Count {
            single: r.cells.iter().filter(|row| row[c].not_applicable()).count(),
            double: 0,
        })
        .collect();
    if na.iter().any(|c| c.single > 0) {
        let label = format!(
            "<span class=\"step step-na\">{}</span>",
            escape(ctx.word("not_applicable"))
        );
        rows.push((label, ctx.word("not_applicable").to_string(), na));
    }
    let items = rated.items();
    for (label, name, per_column) in rows {
        out.push_str(&format!("<tr><th scope=\"row\">{label}</th>"));
        for (count, item) in per_column.into_iter().zip(&items) {
            out.push_str(&format!("<td class=\"num\">{}</td>", count.text(ctx)));
            let row = format!("{}: {name}", ctx.word("projects_per_step"));
            cells.push(shown(row, item.short(), count.text(ctx)));
        }
        if summary {
            out.push_str("<td></td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tfoot>");
    out
}

/// The steps on their colours, with their full wording.
pub fn legend(rated: &Rated, ctx: &Ctx) -> String {
    let items: String = rated
        .scale
        .steps
        .iter()
        .map(|s| {
            let short = s.short.get(ctx.lang);
            let label = s.label.get(ctx.lang);
            let full = if short.to_lowercase() == label.to_lowercase() {
                String::new()
            } else {
                format!(" {}", escape(label))
            };
            format!("<li>{}{full}</li>", badge(s, Wording::Short, ctx.lang))
        })
        .collect();
    format!(
        "<div class=\"step-legend\"><p class=\"step-legend-title\">{}</p><ul>{items}</ul></div>",
        escape(ctx.word("legend"))
    )
}
