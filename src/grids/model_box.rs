//! `model` directive -> the model box: the success criteria, then the core elements grouped
//! by target group, numbered on through the groups ("Boks 1" of the Uddannelsesambassadør II
//! evaluation).
//!
//! Part of the `grids` stage. Items limited to other rounds than the report's are left out;
//! the wording is the model's, never rewritten.

use super::html::escape;
use super::spec::ModelSpec;
use super::{Built, Ctx, Here};
use crate::diagnostics::Diagnostic;
use crate::model::View;
use crate::models::evaluation::Item;

pub fn build(spec: &ModelSpec, ctx: &Ctx, here: &Here) -> Result<Built, Diagnostic> {
    let (model, round) = ctx.model(&spec.model, spec.round, here)?;
    let in_round = |items: &[Item]| -> Vec<Item> {
        items
            .iter()
            .filter(|i| i.in_round(round))
            .cloned()
            .collect()
    };
    let mut out = String::new();
    if spec.criteria {
        out.push_str(&group(
            ctx.word("success_criteria"),
            &in_round(&model.criteria),
            1,
        ));
    }
    if spec.core_elements {
        let elements = in_round(&model.core_elements);
        let mut next = 1;
        let mut groups: Vec<(&str, Vec<Item>)> = model
            .targets
            .iter()
            .map(|t| {
                let members = elements
                    .iter()
                    .filter(|e| e.target.as_deref() == Some(t.id.as_str()))
                    .cloned()
                    .collect();
                (t.title.as_str(), members)
            })
            .collect();
        let loose: Vec<Item> = elements
            .iter()
            .filter(|e| e.target.is_none())
            .cloned()
            .collect();
        groups.push((ctx.word("core_elements"), loose));
        for (title, members) in groups {
            out.push_str(&group(title, &members, next));
            next += members.len();
        }
    }
    if out.is_empty() {
        let round = round.map(|r| format!(" in round {r}")).unwrap_or_default();
        return Err(here
            .error(
                &spec.model.referenced,
                format!("model `{}` has nothing to show{round}", model.id),
            )
            .help(
                "give the model `criteria:` or `core_elements:`, or check the items' `rounds:`",
            ));
    }
    Ok(Built {
        view: View {
            table: None,
            html: out,
        },
        title: Some(model.title.clone()),
        rows: Vec::new(),
        cells: Vec::new(),
    })
}

/// A heading and a numbered list starting at `start`; nothing for an empty group.
fn group(title: &str, items: &[Item], start: usize) -> String {
    if items.is_empty() {
        return String::new();
    }
    let start_attr = if start == 1 {
        String::new()
    } else {
        format!(" start=\"{start}\"")
    };
    let entries: String = items
        .iter()
        .map(|i| format!("<li>{}</li>", escape(&i.text)))
        .collect();
    format!(
        "<p class=\"model-heading\"><strong>{}</strong></p><ol{start_attr}>{entries}</ol>",
        escape(title)
    )
}
