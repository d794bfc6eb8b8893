//! Inline values bound to ratings: `[=ratings:<ratings>/<item>/<what>]` in Markdown -> text,
//! so summary prose ("18 af 19 projekter") follows the ratings.
//!
//! | name | value |
//! |---|---|
//! | `ratings:<r>/projects` | the number of projects rated |
//! | `ratings:<r>/<item>/rated` | projects with a rating for the item (not `n/a`) |
//! | `ratings:<r>/<item>/<step>` | projects that ticked the step (by step id) |
//! | `ratings:<r>/<item>/<step>+` | projects at the step or higher |
//! | `ratings:<r>/<item>/mode` | the most common step, in words ("i høj grad") |
//! | `ratings:<r>/<item>/status` | the item's overall step from `status:`, in words |
//!
//! Part of the `grids` stage, used by `resolve`. Never prints; a wrong name is a help line.

use super::Ctx;
use crate::locale::Locale;
use crate::models::{Catalog, Ratings, Scale, missing};
use crate::resolve::Values;

/// The prefix of inline values that name ratings.
pub const PREFIX: &str = "ratings:";

impl Values for Catalog {
    fn value(&self, name: &str, locale: &Locale) -> Option<Result<String, String>> {
        let rest = name.strip_prefix(PREFIX)?;
        Some(value(self, rest, locale))
    }
}

fn value(catalog: &Catalog, rest: &str, locale: &Locale) -> Result<String, String> {
    let parts: Vec<&str> = rest.split('/').collect();
    let Some(r) = catalog.ratings.get(parts[0]) else {
        let (message, help) = missing(
            &catalog.ratings,
            &catalog.broken,
            "ratings",
            "data/models/ratings/",
            parts[0],
        );
        return Err(format!("{message}; {help}"));
    };
    let scale = &catalog.scales[&r.scale];
    let ctx = Ctx::new(catalog, locale, None);
    match parts[1..] {
        ["projects"] => Ok(ctx.integer(r.projects.len())),
        [item, what] => {
            let column = r
                .items
                .iter()
                .position(|i| i == item)
                .ok_or_else(|| format!("the items of `{}`: {}", r.id, r.items.join(", ")))?;
            item_value(r, scale, column, what, &ctx)
        }
        _ => Err(format!(
            "write `[={PREFIX}{}/projects]` or `[={PREFIX}{}/<item>/<rated|mode|status|step id|step id+>]`",
            r.id, r.id
        )),
    }
}

fn item_value(
    r: &Ratings,
    scale: &Scale,
    column: usize,
    what: &str,
    ctx: &Ctx,
) -> Result<String, String> {
    if r.cells.is_empty() && what != "status" {
        return Err(format!(
            "`{}` rates no projects; `[={PREFIX}{}/<item>/status]` gives an item's overall step",
            r.id, r.id
        ));
    }
    let cells = || r.cells.iter().map(move |row| &row[column]);
    let label = |i: usize| scale.steps[i].label.get(ctx.lang).to_string();
    match what {
        "rated" => Ok(ctx.integer(cells().filter(|c| !c.not_applicable()).count())),
        "status" => match r.status.get(column).map(|c| c.steps.as_slice()) {
            Some([one]) => Ok(label(*one)),
            Some([low, high]) => Ok(format!("{}/{}", label(*low), label(*high))),
            _ => Err(format!("`{}` has no `status:` for this item", r.id)),
        },
        "mode" => {
            let counts: Vec<usize> = (0..scale.steps.len())
                .map(|s| cells().filter(|c| c.steps.contains(&s)).count())
                .collect();
            let top = counts.iter().copied().max().unwrap_or(0);
            let modes: Vec<usize> = (0..counts.len()).filter(|s| counts[*s] == top).collect();
            match modes.as_slice() {
                [one] if top > 0 => Ok(label(*one)),
                _ => Err("no single step is the most common here; name a step instead".into()),
            }
        }
        step => {
            let (id, or_higher) = match step.strip_suffix('+') {
                Some(id) => (id, true),
                None => (step, false),
            };
            let s = scale.step_by_id(id).ok_or_else(|| {
                let ids: Vec<&str> = scale.steps.iter().map(|s| s.id.as_str()).collect();
                format!(
                    "`{id}` is not a step id of scale `{}`; ids: {}, and rated, mode, status",
                    scale.id,
                    ids.join(", ")
                )
            })?;
            let n = cells()
                .filter(|c| match c.steps.last() {
                    Some(top) if or_higher => *top >= s,
                    _ => c.steps.contains(&s),
                })
                .count();
            Ok(ctx.integer(n))
        }
    }
}
