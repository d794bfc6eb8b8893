//! The inline values of one report: `[=name]` for a named value declared in the front matter
//! (`values:`), and `[=label/row/column]` for a cell of one of the report's data tables, so the
//! prose states exactly the number the table shows.
//!
//! Part of the `tables` stage, used by `resolve` through the [`Values`] trait. Texts are made
//! from published tables only, formatted for running text (`84 pct.`); a hidden value is the
//! hidden marker. Names with a `:` belong to other sources (`ratings:`).

use std::collections::BTreeMap;

use super::Words;
use crate::disclosure::{Published, Role};
use crate::locale::Locale;
use crate::markdown::directives::closest;
use crate::resolve::Values;

/// The inline values a report can use.
#[derive(Debug, Default)]
pub struct ReportValues {
    /// Name -> text; `None` when its query failed (the error is reported where it is declared).
    named: BTreeMap<String, Option<String>>,
    /// Element anchor -> the table's cells as running text shows them.
    tables: BTreeMap<String, Cells>,
}

/// A table's cells by row key and column.
#[derive(Debug)]
struct Cells {
    /// The text of each row's first key cell ("Hele landet", "I alt").
    rows: Vec<String>,
    /// Each column's name and header.
    columns: Vec<(String, String)>,
    texts: Vec<Vec<String>>,
}

/// Whether `name` can name a value: lowercase letters, digits, `-` and `_`.
pub fn is_name(name: &str) -> bool {
    crate::markdown::is_valid_label(name)
}

impl ReportValues {
    pub fn add_named(&mut self, name: &str, text: Option<String>) {
        self.named.insert(name.to_string(), text);
    }

    /// Keeps the cells of the table of element `anchor`, when its first column names rows.
    pub fn add_table(&mut self, anchor: &str, t: &Published, words: &Words) {
        if t.heads().first().is_none_or(|h| h.role != Role::Key) {
            return;
        }
        let cells = Cells {
            rows: (0..t.row_count())
                .map(|r| words.cell_text(t, r, 0))
                .collect(),
            columns: t
                .heads()
                .iter()
                .map(|h| (h.name.clone(), h.label.clone()))
                .collect(),
            texts: (0..t.row_count())
                .map(|r| {
                    (0..t.heads().len())
                        .map(|c| words.inline_text(t, r, c))
                        .collect()
                })
                .collect(),
        };
        self.tables.insert(anchor.to_string(), cells);
    }

    fn named(&self, name: &str) -> Result<String, String> {
        match self.named.get(name) {
            Some(text) => Ok(text.clone().unwrap_or_default()),
            None => Err(match closest(name, self.named.keys().map(String::as_str)) {
                Some(near) => format!("did you mean `[={near}]`?"),
                None => format!(
                    "declare it in the report's front matter: `values: {{{name}: {{data: <file.csv>, filter: ..., aggregate: ...}}}}`, or name a table cell as `[=<table label>/<row>/<column>]`"
                ),
            }),
        }
    }

    fn cell(&self, label: &str, rest: &str) -> Result<String, String> {
        let Some(cells) = self.tables.get(label) else {
            let near = closest(label, self.tables.keys().map(String::as_str));
            return Err(match near {
                Some(n) => {
                    format!("there is no data table `{label}` in this report; did you mean `{n}`?")
                }
                None => format!(
                    "there is no data table `{label}` in this report; `[=<table label>/<row>/<column>]` names a cell of a table generated from data"
                ),
            });
        };
        let Some((row, column)) = rest.rsplit_once('/') else {
            return Err(format!("write `[={label}/<row>/<column>]`"));
        };
        let row = row.split_whitespace().collect::<Vec<_>>().join(" ");
        let Some(r) = cells.rows.iter().position(|k| *k == row) else {
            return Err(choose("row", &row, cells.rows.iter().map(String::as_str)));
        };
        let column = column.trim();
        let c = cells
            .columns
            .iter()
            .position(|(name, label)| name == column || label == column);
        match c {
            Some(c) => Ok(cells.texts[r][c].clone()),
            None => Err(choose(
                "column",
                column,
                cells.columns.iter().map(|(n, _)| n.as_str()),
            )),
        }
    }
}

/// "there is no row `x`; did you mean ...?" with the choices listed.
fn choose<'a>(what: &str, name: &str, choices: impl Iterator<Item = &'a str> + Clone) -> String {
    let list: Vec<String> = choices.clone().map(|c| format!("`{c}`")).collect();
    match closest(name, choices) {
        Some(near) => format!("there is no {what} `{name}`; did you mean `{near}`?"),
        None => format!(
            "there is no {what} `{name}`; the {what}s are {}",
            list.join(", ")
        ),
    }
}

impl Values for ReportValues {
    fn value(&self, name: &str, _: &Locale) -> Option<Result<String, String>> {
        if name.contains(':') {
            return None;
        }
        Some(match name.split_once('/') {
            Some((label, rest)) => self.cell(label.trim(), rest),
            None => self.named(name.trim()),
        })
    }
}
