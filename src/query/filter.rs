//! Filter conditions -> the rows of a dataset that pass them, one column at a time.
//!
//! Part of the `query` stage; pure. A text condition is decided once per distinct text of the
//! column (texts are stored as indices into the column's strings), so a million-row column
//! costs one table lookup per row. Missing and hidden cells pass no condition. A text value
//! that no row has is an error with the nearest text offered: it is almost always a typo.

use super::spec::{Condition, RangeSpec, Scalar};
use crate::data::{Cell, Column, Values};
use crate::markdown::directives::closest;

/// One column's condition, ready to test cells.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Per distinct text of the column: does it pass?
    Texts(Vec<bool>),
    Numbers {
        set: Option<Vec<f64>>,
        min: Option<f64>,
        max: Option<f64>,
    },
}

/// What is wrong with a condition: message and help.
pub type Problem = (String, String);

/// Prepares `cond` for `column`.
pub fn compile(cond: &Condition, column: &Column) -> Result<Test, Problem> {
    let (set, min, max) = match cond {
        Condition::Equals(v) => (Some(vec![v.clone()]), None, None),
        Condition::OneOf(vs) => (Some(vs.clone()), None, None),
        Condition::Range(RangeSpec { one_of, min, max }) => {
            (one_of.clone(), min.clone(), max.clone())
        }
    };
    match &column.values {
        Values::Text(t) => {
            if min.is_some() || max.is_some() {
                return Err((
                    format!(
                        "column `{}` is text; `min` and `max` need numbers",
                        column.name
                    ),
                    "list the texts to keep, e.g. `[København, Aarhus]`".into(),
                ));
            }
            let wanted: Vec<String> = set
                .unwrap_or_default()
                .iter()
                .map(Scalar::to_string)
                .collect();
            let mut pass = vec![false; t.strings.len()];
            for w in &wanted {
                match t.strings.iter().position(|s| s == w) {
                    Some(i) => pass[i] = true,
                    None => return Err(no_such_text(&column.name, w, &t.strings)),
                }
            }
            Ok(Test::Texts(pass))
        }
        _ => {
            let num = |s: &Scalar| number(s, &column.name);
            Ok(Test::Numbers {
                set: set.map(|vs| vs.iter().map(num).collect()).transpose()?,
                min: min.as_ref().map(num).transpose()?,
                max: max.as_ref().map(num).transpose()?,
            })
        }
    }
}

fn no_such_text(column: &str, wanted: &str, strings: &[String]) -> Problem {
    let help = match closest(wanted, strings.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`?"),
        None => {
            let some: Vec<String> = strings.iter().take(5).map(|s| format!("`{s}`")).collect();
            format!("the column has values such as {}", some.join(", "))
        }
    };
    (format!("no row has `{wanted}` in column `{column}`"), help)
}

fn number(s: &Scalar, column: &str) -> Result<f64, Problem> {
    match s {
        Scalar::Integer(i) => Ok(*i as f64),
        Scalar::Number(x) => Ok(*x),
        Scalar::Text(t) => t.trim().parse().map_err(|_| {
            (
                format!("column `{column}` holds numbers, but `{t}` is not a number"),
                "write the number without quotes or separators, e.g. `2019` or `4.5`".into(),
            )
        }),
    }
}

impl Test {
    fn pass_number(&self, x: f64) -> bool {
        match self {
            Test::Numbers { set, min, max } => {
                set.as_ref().is_none_or(|s| s.contains(&x))
                    && min.is_none_or(|m| x >= m)
                    && max.is_none_or(|m| x <= m)
            }
            Test::Texts(_) => false,
        }
    }

    /// Whether row `row` of `column` passes.
    fn pass(&self, column: &Column, row: usize) -> bool {
        match (&column.values, self) {
            (Values::Text(t), Test::Texts(pass)) => match t.cells[row] {
                Cell::Value(i) => pass[i as usize],
                _ => false,
            },
            (Values::Integer(v), _) => v[row].value().is_some_and(|&i| self.pass_number(i as f64)),
            (Values::Number(v), _) => v[row].value().is_some_and(|&x| self.pass_number(x)),
            _ => false,
        }
    }
}

/// The rows (ascending) of a dataset with `rows` rows that pass every test.
pub fn rows(total: usize, tests: &[(&Column, Test)]) -> Vec<u32> {
    let Some(((first_col, first), rest)) = tests.split_first() else {
        return (0..total as u32).collect();
    };
    let mut kept: Vec<u32> = (0..total)
        .filter(|&r| first.pass(first_col, r))
        .map(|r| r as u32)
        .collect();
    for (col, test) in rest {
        kept.retain(|&r| test.pass(col, r as usize));
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{ColumnType, TextValues};

    fn text_column() -> Column {
        Column {
            name: "kommune".into(),
            kind: ColumnType::Text,
            label: None,
            unit: None,
            count: false,
            values: Values::Text(TextValues {
                cells: vec![
                    Cell::Value(0),
                    Cell::Value(1),
                    Cell::Missing,
                    Cell::Value(0),
                ],
                strings: vec!["København".into(), "Aarhus".into()],
            }),
        }
    }

    fn year_column() -> Column {
        Column {
            name: "aar".into(),
            kind: ColumnType::Year,
            label: None,
            unit: None,
            count: false,
            values: Values::Integer(vec![
                Cell::Value(2018),
                Cell::Value(2019),
                Cell::Value(2020),
                Cell::Suppressed,
            ]),
        }
    }

    fn run(cond: Condition, col: &Column) -> Vec<u32> {
        rows(col.len(), &[(col, compile(&cond, col).unwrap())])
    }

    #[test]
    fn equality_sets_and_ranges() {
        let k = text_column();
        let y = year_column();
        assert_eq!(
            run(Condition::Equals(Scalar::Text("København".into())), &k),
            [0, 3]
        );
        let both = Condition::OneOf(vec![
            Scalar::Text("København".into()),
            Scalar::Text("Aarhus".into()),
        ]);
        assert_eq!(run(both, &k), [0, 1, 3]);
        let range = Condition::Range(RangeSpec {
            one_of: None,
            min: Some(Scalar::Integer(2019)),
            max: None,
        });
        assert_eq!(run(range, &y), [1, 2]);
        let set = Condition::Range(RangeSpec {
            one_of: Some(vec![Scalar::Integer(2018), Scalar::Text("2020".into())]),
            min: None,
            max: Some(Scalar::Integer(2019)),
        });
        assert_eq!(run(set, &y), [0]);
    }

    #[test]
    fn several_conditions_all_hold() {
        let (k, y) = (text_column(), year_column());
        let tk = compile(&Condition::Equals(Scalar::Text("København".into())), &k).unwrap();
        let ty = compile(&Condition::Equals(Scalar::Integer(2018)), &y).unwrap();
        assert_eq!(rows(4, &[(&k, tk), (&y, ty)]), [0]);
        assert_eq!(rows(4, &[]), [0, 1, 2, 3]);
    }

    #[test]
    fn problems_are_explained() {
        let (m, h) = compile(
            &Condition::Equals(Scalar::Text("Kobenhavn".into())),
            &text_column(),
        )
        .unwrap_err();
        assert!(m.contains("no row has `Kobenhavn`"), "{m}");
        assert_eq!(h, "did you mean `København`?");
        let range = Condition::Range(RangeSpec {
            one_of: None,
            min: Some(Scalar::Integer(1)),
            max: None,
        });
        assert!(compile(&range, &text_column()).is_err());
        let (m, _) = compile(
            &Condition::Equals(Scalar::Text("år".into())),
            &year_column(),
        )
        .unwrap_err();
        assert!(m.contains("not a number"), "{m}");
    }
}
