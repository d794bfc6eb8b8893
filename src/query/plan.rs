//! A query spec + the dataset it names -> a checked plan: filter tests, counts, and the shape
//! of the table, with every unknown name reported at its place with "did you mean".
//!
//! Part of the `query` stage. It reads column names and types, never cells, except to turn
//! filter texts into per-text decisions (`filter::compile`).

use serde_saphyr::Spanned;

use super::Here;
use super::assemble::{Measure, Shape};
use super::filter::{self, Test};
use super::group::{AggFn, Aggregate};
use super::spec::QuerySpec;
use crate::data::{Column, Dataset, Values};
use crate::diagnostics::{Diagnostic, Pos};
use crate::markdown::directives::closest;

/// What the query will do.
pub struct Plan<'a> {
    pub tests: Vec<(&'a Column, Test)>,
    /// Per dataset column: does disclosure control treat it as a count?
    pub counts: Vec<bool>,
    /// `None`: rows as they are.
    pub shape: Option<Shape<'a>>,
    pub totals_row: bool,
}

pub fn plan<'a>(
    spec: &QuerySpec,
    ds: &'a Dataset,
    here: &Here,
    total_label: &'a str,
) -> Result<Plan<'a>, Vec<Diagnostic>> {
    let mut l = Lookup {
        ds,
        here,
        problems: Vec::new(),
    };
    let counts = l.counts(spec);
    let tests = l.tests(spec);
    let keys = l.keys(spec, &counts);
    let measures = l.measures(spec, &counts);
    l.check_shape(spec);
    if !l.problems.is_empty() {
        return Err(l.problems);
    }
    let totals = spec.totals.as_ref().map(|t| t.value);
    let totals_row = totals.is_some_and(|t| t.row());
    let shape = (!measures.is_empty()).then(|| Shape {
        keys: keys[..spec.group.len()].to_vec(),
        pivot: spec.pivot.as_ref().map(|_| keys[spec.group.len()]),
        measures,
        totals_row,
        totals_column: totals.is_some_and(|t| t.column()),
        total_label,
    });
    Ok(Plan {
        tests,
        counts,
        shape,
        totals_row,
    })
}

/// Resolves names against one dataset, collecting every problem.
struct Lookup<'a, 'h> {
    ds: &'a Dataset,
    here: &'h Here,
    problems: Vec<Diagnostic>,
}

impl<'a> Lookup<'a, '_> {
    fn find(&mut self, name: &Spanned<String>) -> Option<(usize, &'a Column)> {
        let found = self
            .ds
            .columns
            .iter()
            .enumerate()
            .find(|(_, c)| c.name == name.value);
        if found.is_none() {
            let names = self.ds.columns.iter().map(|c| c.name.as_str());
            self.problems
                .push(unknown_column(self.here, name, names, self.ds));
        }
        found
    }

    fn problem(&mut self, at: Pos, message: String, help: &str) {
        self.problems.push(self.here.error(at, message, help));
    }

    /// Per column: declared a count by its sidecar or by the query's `counts:`.
    fn counts(&mut self, spec: &QuerySpec) -> Vec<bool> {
        let mut counts: Vec<bool> = self.ds.columns.iter().map(|c| c.count).collect();
        for name in &spec.counts {
            match self.find(name) {
                Some((i, c)) if matches!(c.values, Values::Integer(_)) => counts[i] = true,
                Some((_, c)) => self.problem(
                    self.here.at(name),
                    format!(
                        "column `{}` is not an integer column, so it cannot be a count",
                        c.name
                    ),
                    "counts are whole numbers: declare the column `type: integer` in its sidecar",
                ),
                None => {}
            }
        }
        counts
    }

    fn tests(&mut self, spec: &QuerySpec) -> Vec<(&'a Column, Test)> {
        let mut tests = Vec::new();
        for (key, cond) in spec.filter.iter() {
            if let Some((_, c)) = self.find(key) {
                match filter::compile(&cond.value, c) {
                    Ok(t) => tests.push((c, t)),
                    Err((m, h)) => self.problem(self.here.at(cond), m, &h),
                }
            }
        }
        tests
    }

    /// The group columns, then the pivot column.
    fn keys(&mut self, spec: &QuerySpec, counts: &[bool]) -> Vec<&'a Column> {
        let mut keys = Vec::new();
        for name in spec.group.iter().chain(&spec.pivot) {
            let Some((i, c)) = self.find(name) else {
                continue;
            };
            if counts[i] {
                self.problem(
                    self.here.at(name),
                    format!("column `{}` is a count; grouping by it would show its values as labels", c.name),
                    "group by a text or year column, and aggregate the count, e.g. `antal: sum(antal)`",
                );
            } else if matches!(c.values, Values::Number(_)) {
                self.problem(
                    self.here.at(name),
                    format!(
                        "column `{}` holds decimal numbers and cannot be grouped",
                        c.name
                    ),
                    "group by a text, integer or year column",
                );
            }
            keys.push(c);
        }
        keys
    }

    fn measures(&mut self, spec: &QuerySpec, counts: &[bool]) -> Vec<Measure<'a>> {
        let mut measures = Vec::new();
        for (name, text) in spec.aggregate.iter() {
            if spec
                .group
                .iter()
                .chain(&spec.pivot)
                .any(|k| k.value == name.value)
            {
                self.problem(
                    self.here.at(name),
                    format!(
                        "`{}` is already a column of the table (a group key)",
                        name.value
                    ),
                    "give the aggregate another name",
                );
            }
            match parse_aggregate(text, self.ds, self.here) {
                Ok(agg) => {
                    let count = agg.column.is_none_or(|c| {
                        let i = self.ds.columns.iter().position(|d| std::ptr::eq(d, c));
                        i.is_some_and(|i| counts[i])
                    });
                    measures.push(Measure {
                        name: name.value.clone(),
                        agg,
                        count,
                    });
                }
                Err(d) => self.problems.push(d),
            }
        }
        measures
    }

    fn check_shape(&mut self, spec: &QuerySpec) {
        if (!spec.group.is_empty() || spec.pivot.is_some()) && spec.aggregate.is_empty() {
            let first = spec.group.first().or(spec.pivot.as_ref());
            self.problem(
                first.map_or(self.here.origin, |n| self.here.at(n)),
                "grouping needs `aggregate:` to say what each group shows".into(),
                "add e.g. `aggregate: {antal: sum(antal)}`",
            );
        }
        if let (Some(t), None) = (&spec.totals, &spec.pivot)
            && t.value.column()
        {
            self.problem(
                self.here.at(t),
                "a totals column needs `pivot:` (it adds up the pivot's columns)".into(),
                "write `totals: row`, or pivot the table; for a sum of chosen columns use `compute:`",
            );
        }
    }
}

/// "there is no column `x`", with the nearest name and the list.
pub fn unknown_column<'n>(
    here: &Here,
    name: &Spanned<String>,
    names: impl Iterator<Item = &'n str> + Clone,
    ds: &Dataset,
) -> Diagnostic {
    let list: Vec<String> = names.clone().map(|n| format!("`{n}`")).collect();
    let help = match closest(&name.value, names) {
        Some(s) => format!("did you mean `{s}`? The columns are {}", list.join(", ")),
        None => format!("the columns are {}", list.join(", ")),
    };
    let file = ds.path.to_string_lossy().replace('\\', "/");
    here.error(
        here.at(name),
        format!("there is no column `{}` in {file}", name.value),
        help,
    )
}

/// `sum(col)`, `mean(col)`, `min(col)`, `max(col)`, `count`, `count(col)`.
fn parse_aggregate<'a>(
    text: &Spanned<String>,
    ds: &'a Dataset,
    here: &Here,
) -> Result<Aggregate<'a>, Diagnostic> {
    let t = text.value.trim();
    if t == "count" || t == "count()" {
        return Ok(Aggregate {
            func: AggFn::Rows,
            column: None,
        });
    }
    let names: Vec<&str> = AggFn::NAMES.iter().map(|(n, _)| *n).collect();
    let shape_help = "write `sum(column)`, `mean(column)`, `min(column)`, `max(column)`, `count` or `count(column)`";
    let Some((func, arg)) = t.strip_suffix(')').and_then(|s| s.split_once('(')) else {
        return Err(here.error(
            here.at(text),
            format!("`{t}` is not an aggregate"),
            shape_help,
        ));
    };
    let func = func.trim();
    let Some(&(_, f)) = AggFn::NAMES.iter().find(|(n, _)| *n == func) else {
        let help = match closest(func, names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? {shape_help}"),
            None => shape_help.to_string(),
        };
        return Err(here.error(
            here.at(text),
            format!("there is no aggregate `{func}`"),
            help,
        ));
    };
    let arg = arg.trim().trim_matches('`');
    let offset = t.find('(').map_or(0, |i| t[..=i].chars().count());
    let Some(column) = ds.columns.iter().find(|c| c.name == arg) else {
        let spanned = Spanned {
            value: arg.to_string(),
            referenced: text.referenced,
            defined: text.defined,
        };
        let mut d = unknown_column(
            here,
            &spanned,
            ds.columns.iter().map(|c| c.name.as_str()),
            ds,
        );
        let pos = here.inside(text, offset);
        (d.line, d.col) = (pos.line, pos.col);
        return Err(d);
    };
    if matches!(column.values, Values::Text(_)) && f != AggFn::Values {
        return Err(here.error(
            here.inside(text, offset),
            format!("column `{arg}` is text; `{func}` needs numbers"),
            "aggregate a numeric column, or count rows with `count`",
        ));
    }
    Ok(Aggregate {
        func: f,
        column: Some(column),
    })
}
