//! A chart's text alternative and its numbers as an HTML table.
//!
//! Part of the `charts` stage. Input: the chart's context. Output: the description (the
//! author's `description`, or sentences made from the data: the categories, the series, the
//! largest and smallest value and where they are, how many values are hidden or missing)
//! and a `<table>` with a caption and header scopes. Both show only published values: a
//! hidden value appears as the locale's word for it, never as a number.

use std::fmt::Write;

use super::svg::escape;
use super::words::fill;
use super::{Ctx, Kind, Side, Value};

/// Items listed in full in a description; longer lists are shortened in the middle.
const LIST_ALL: usize = 12;

/// The description of the chart as plain text.
pub fn description(ctx: &Ctx) -> String {
    let w = ctx.words;
    let mut parts: Vec<String> = Vec::new();
    if let Some(text) = &ctx.spec.description {
        parts.push(text.trim().to_string());
    } else {
        let cats = &ctx.data.categories;
        parts.push(fill(
            &w.desc_categories,
            &[
                ("n", &ctx.numbers.integer(cats.len() as i64)),
                ("list", &list(cats)),
            ],
        ));
        if ctx.data.series.len() > 1 {
            let names: Vec<String> = ctx.data.series.iter().map(|s| s.name.clone()).collect();
            parts.push(fill(&w.desc_series, &[("list", &list(&names))]));
        }
        parts.push(range(ctx).unwrap_or_else(|| w.desc_none.clone()));
        let (hidden, missing) = ctx.data.counts();
        if hidden > 0 {
            parts.push(fill(
                &w.desc_hidden,
                &[
                    ("n", &ctx.numbers.integer(hidden as i64)),
                    ("marker", &w.hidden_marker),
                ],
            ));
        }
        if missing > 0 {
            parts.push(fill(
                &w.desc_missing,
                &[
                    ("n", &ctx.numbers.integer(missing as i64)),
                    ("marker", &w.missing_marker),
                ],
            ));
        }
    }
    if ctx.spec.illustrative {
        let note = w.illustrative.trim_end_matches('.');
        parts.push(format!("{note}."));
    }
    parts.join(" ")
}

/// `items` joined with commas, the middle left out when there are many.
fn list(items: &[String]) -> String {
    if items.len() <= LIST_ALL {
        return items.join(", ");
    }
    let head = &items[..LIST_ALL - 3];
    let tail = &items[items.len() - 2..];
    format!("{}, …, {}", head.join(", "), tail.join(", "))
}

/// A value, where it is, and the axis it is read on.
type Extreme = (f64, String, Side);

/// "Largest value: ... Smallest value: ...", over every shown value of the chart.
fn range(ctx: &Ctx) -> Option<String> {
    let many = ctx.data.series.len() > 1;
    let mut best: Option<(Extreme, Extreme)> = None;
    for (s, series) in ctx.data.series.iter().enumerate() {
        let side = side_of(ctx, s);
        for (cat, v) in ctx.data.shown(s) {
            let at = if many {
                format!("{}, {}", ctx.data.categories[cat], series.name)
            } else {
                ctx.data.categories[cat].clone()
            };
            let (max, min) =
                best.get_or_insert_with(|| ((v, at.clone(), side), (v, at.clone(), side)));
            // Values on different axes are not comparable; the first axis decides.
            if side != max.2 {
                continue;
            }
            if v > max.0 {
                *max = (v, at.clone(), side);
            }
            if v < min.0 {
                *min = (v, at, side);
            }
        }
    }
    let ((max, max_at, side), (min, min_at, _)) = best?;
    Some(fill(
        &ctx.words.desc_range,
        &[
            ("max", &ctx.data_value(max, side)),
            ("max_at", &max_at),
            ("min", &ctx.data_value(min, side)),
            ("min_at", &min_at),
        ],
    ))
}

fn side_of(ctx: &Ctx, series: usize) -> Side {
    if ctx.spec.kind == Kind::BarLine && series == 1 {
        Side::Right
    } else {
        Side::Left
    }
}

/// The chart's numbers: a row per category, a column per series (and N when given).
pub fn table(ctx: &Ctx) -> String {
    let w = ctx.words;
    let mut out = String::from("<table class=\"chart-data\">");
    let _ = write!(
        out,
        "<caption>{}</caption><thead><tr>",
        escape(&w.data_table)
    );
    let first = ctx.spec.x_title.as_deref().unwrap_or(&w.category);
    let _ = write!(out, "<th scope=\"col\">{}</th>", escape(first));
    // Number columns' headers align with their numbers, as in data tables.
    for s in &ctx.data.series {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"num\">{}</th>",
            escape(&s.name)
        );
    }
    let ns = ctx.data.n_per_category.as_ref();
    if ns.is_some() {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"num\">{}</th>",
            escape(&w.n_header)
        );
    }
    out.push_str("</tr></thead><tbody>");
    for (cat, name) in ctx.data.categories.iter().enumerate() {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", escape(name));
        for (s, series) in ctx.data.series.iter().enumerate() {
            cell(&mut out, ctx, series.values[cat], |v| {
                ctx.data_value(v, side_of(ctx, s))
            });
        }
        if let Some(ns) = ns {
            cell(&mut out, ctx, ns[cat], |v| {
                ctx.numbers.number(v, 0).unwrap_or_default()
            });
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

fn cell(out: &mut String, ctx: &Ctx, value: Value, text: impl Fn(f64) -> String) {
    let _ = match value {
        Value::Shown(v) => write!(out, "<td class=\"num\">{}</td>", escape(&text(v))),
        Value::Hidden => write!(
            out,
            "<td class=\"num hidden\">{}</td>",
            escape(&ctx.words.hidden_marker)
        ),
        Value::Missing => write!(
            out,
            "<td class=\"num missing\">{}</td>",
            escape(&ctx.words.missing_marker)
        ),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_shortened_in_the_middle() {
        let items: Vec<String> = (1..=20).map(|i| i.to_string()).collect();
        assert_eq!(list(&items), "1, 2, 3, 4, 5, 6, 7, 8, 9, …, 19, 20");
        assert_eq!(list(&items[..3]), "1, 2, 3");
    }
}
