//! A published table -> the categories and series of a chart, as the directive's `x`,
//! `series`, `n` and `transpose` choose them.
//!
//! Part of the `tables` stage. Input: the query's published table and the [`Mapping`]. Output:
//! the table narrowed to the chart's columns (so its CSV download holds exactly the chart's
//! cells) and [`ChartData`] whose values are those published cells: hidden stays hidden,
//! missing stays missing, and nothing is computed. The convention: the first column (or
//! `x:`) names the categories, every other column that is not a key (or `series:`) is a
//! series named by its header, `n:` is the respondents per category; with `transpose: true`
//! the value columns are the categories and each row is a series.

use std::path::Path;

use serde_saphyr::Spanned;

use super::Words;
use super::chart_spec::Mapping;
use crate::charts::{ChartData, Series, Value};
use crate::diagnostics::{Diagnostic, Pos};
use crate::disclosure::{CellView, Format, Published, Role};
use crate::markdown::directives::closest;
use crate::query::spec::place;

/// Where the directive is, for errors.
pub struct Here<'a> {
    pub file: &'a Path,
    /// Where the YAML starts.
    pub origin: Pos,
    /// Where `data:` is written: errors about the table as a whole point there.
    pub data: Pos,
}

impl Here<'_> {
    fn error(&self, at: Pos, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file, at, message).help(help)
    }
}

/// The columns the chart shows, as indices into the published table.
struct Chosen {
    x: Vec<usize>,
    series: Vec<usize>,
    n: Option<usize>,
}

/// Narrows `t` to the chart's columns and reads its cells as the chart's data; also returns
/// the formats of the series columns, in order.
pub fn shape(
    mut t: Published,
    m: &Mapping,
    words: &Words,
    here: &Here,
) -> Result<(Published, ChartData, Vec<Format>), Vec<Diagnostic>> {
    let chosen = choose(&t, m, here)?;
    let order: Vec<usize> = chosen
        .x
        .iter()
        .chain(&chosen.series)
        .chain(&chosen.n)
        .copied()
        .collect();
    t.select(&order);
    let (kx, ks) = (chosen.x.len(), chosen.series.len());
    let series_cols: Vec<usize> = (kx..kx + ks).collect();
    let formats = series_cols.iter().map(|&c| t.heads()[c].format).collect();
    let names: Vec<String> = (0..t.row_count())
        .map(|r| {
            let keys: Vec<String> = (0..kx).map(|c| words.cell_text(&t, r, c)).collect();
            keys.join(", ")
        })
        .collect();
    let column =
        |c: usize| -> Vec<Value> { (0..t.row_count()).map(|r| value(t.cell(r, c))).collect() };
    let data = if m.transpose {
        if let Some(n) = &m.n {
            return Err(vec![here.error(
                place(n, here.origin),
                "`n` cannot be used with `transpose: true`",
                "with `transpose`, the rows are the series; give N per category without `transpose`",
            )]);
        }
        ChartData {
            categories: series_cols
                .iter()
                .map(|&c| t.heads()[c].label.clone())
                .collect(),
            series: names
                .into_iter()
                .enumerate()
                .map(|(r, name)| Series {
                    name,
                    values: series_cols.iter().map(|&c| value(t.cell(r, c))).collect(),
                })
                .collect(),
            n_per_category: None,
        }
    } else {
        unique(&names, m, here)?;
        ChartData {
            series: series_cols
                .iter()
                .map(|&c| Series {
                    name: t.heads()[c].label.clone(),
                    values: column(c),
                })
                .collect(),
            n_per_category: chosen.n.map(|_| column(kx + ks)),
            categories: names,
        }
    };
    Ok((t, data, formats))
}

/// A published cell as a chart value. Text in a value column (a totals row's blank key) is
/// no value.
fn value(cell: CellView) -> Value {
    match cell {
        CellView::Hidden => Value::Hidden,
        other => other.number().map_or(Value::Missing, Value::Shown),
    }
}

/// The columns `m` names, or the defaults; every name checked against the table.
fn choose(t: &Published, m: &Mapping, here: &Here) -> Result<Chosen, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut find = |name: &str, at: Pos| -> Option<usize> {
        let found = t
            .heads()
            .iter()
            .position(|h| h.name == name)
            .or_else(|| t.heads().iter().position(|h| h.label == name));
        if found.is_none() {
            problems.push(no_column(t, name, at, here));
        }
        found
    };
    let x: Vec<usize> = match &m.x {
        Some(x) => {
            let at = place(x, here.origin);
            x.value.names().iter().filter_map(|n| find(n, at)).collect()
        }
        None => vec![0],
    };
    let n =
        m.n.as_ref()
            .and_then(|n| find(&n.value, place(n, here.origin)));
    let named: Vec<(usize, Pos)> = m
        .series
        .iter()
        .filter_map(|s| {
            let at = place(s, here.origin);
            find(&s.value, at).map(|c| (c, at))
        })
        .collect();
    problems.extend(
        named
            .iter()
            .filter_map(|&(c, at)| text_column(t, c, at, here)),
    );
    let mut taken: Vec<usize> = x.iter().copied().chain(n).collect();
    for &(c, at) in &named {
        if taken.contains(&c) {
            problems.push(here.error(
                at,
                format!("column `{}` is named twice", t.heads()[c].name),
                "name each column once: under `x`, `series` or `n`",
            ));
        }
        taken.push(c);
    }
    let mut series: Vec<usize> = named.iter().map(|(c, _)| *c).collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    if m.series.is_empty() {
        series = (0..t.heads().len())
            .filter(|c| !x.contains(c) && Some(*c) != n && t.heads()[*c].role != Role::Key)
            .collect();
    }
    if series.is_empty() {
        return Err(vec![here.error(
            here.data,
            "the chart's table has no column of values",
            "aggregate or compute a column of numbers, or name the value columns under `series:`",
        )]);
    }
    Ok(Chosen { x, series, n })
}

fn no_column(t: &Published, name: &str, at: Pos, here: &Here) -> Diagnostic {
    let names: Vec<&str> = t.heads().iter().map(|h| h.name.as_str()).collect();
    let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let list = list.join(", ");
    let help = match closest(name, names.iter().copied()) {
        Some(near) => format!("did you mean `{near}`? The table's columns are {list}"),
        None => format!("the table's columns are {list}"),
    };
    here.error(
        at,
        format!("there is no column `{name}` in the chart's table"),
        help,
    )
}

/// An error when column `c` holds text, which no series can show.
fn text_column(t: &Published, c: usize, at: Pos, here: &Here) -> Option<Diagnostic> {
    let head = &t.heads()[c];
    (head.format == Format::Text).then(|| {
        here.error(
            at,
            format!("column `{}` holds text; a series needs numbers", head.name),
            "name it under `x:` to make its values the categories",
        )
    })
}

/// An error when two rows name the same category.
fn unique(names: &[String], m: &Mapping, here: &Here) -> Result<(), Vec<Diagnostic>> {
    for (i, name) in names.iter().enumerate() {
        let rows = names.iter().filter(|n| *n == name).count();
        if rows > 1 && !names[..i].contains(name) {
            let at =
                m.x.as_ref()
                    .map_or(here.data, |x: &Spanned<_>| place(x, here.origin));
            return Err(vec![here.error(
                at,
                format!("the category `{name}` names {rows} rows of the chart's table"),
                "group by the category column (`group: [...]`), pivot a second key into columns (`pivot: ...`), or name both keys as categories (`x: [a, b]`)",
            )]);
        }
    }
    Ok(())
}
