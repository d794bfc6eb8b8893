//! Wide dataset (one column per year) -> long dataset (one row per id × year): "melt".
//!
//! Part of the `data` stage; pure, over datasets already read. Cells move unchanged (missing and
//! suppressed stay what they are) and every new row keeps the source line of the row it came
//! from.

use super::sidecar::ColumnType;
use super::{Cell, Column, Dataset, TextValues, Values};

impl Dataset {
    /// Melts every column not in `id_columns` into two columns: `name_col` (the old header) and
    /// `value_col` (the cell). The name column is a `year` column when every melted header is a
    /// four-digit year, text otherwise; the value column is integer when every melted column is,
    /// number otherwise. Text columns cannot be melted.
    pub fn to_long(
        &self,
        id_columns: &[&str],
        name_col: &str,
        value_col: &str,
    ) -> Result<Dataset, String> {
        let ids = id_columns
            .iter()
            .map(|n| {
                self.column(n)
                    .ok_or_else(|| format!("there is no column `{n}`"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let melted: Vec<&Column> = self
            .columns
            .iter()
            .filter(|c| !id_columns.contains(&c.name.as_str()))
            .collect();
        if melted.is_empty() {
            return Err("every column is an id column; there is nothing to melt".into());
        }
        if let Some(clash) = [name_col, value_col]
            .into_iter()
            .find(|n| id_columns.contains(n))
        {
            return Err(format!("`{clash}` is already an id column"));
        }
        if let Some(text) = melted.iter().find(|c| matches!(c.values, Values::Text(_))) {
            return Err(format!(
                "column `{}` is text; only numeric columns can be melted",
                text.name
            ));
        }
        let width = melted.len();
        let source_rows: Vec<usize> = (0..self.row_count())
            .flat_map(|r| std::iter::repeat_n(r, width))
            .collect();
        let mut columns: Vec<Column> = ids.iter().map(|c| c.take(&source_rows)).collect();
        columns.push(name_column(name_col, &melted, self.row_count()));
        columns.push(value_column(value_col, &melted, self.row_count()));
        Ok(Dataset {
            path: self.path.clone(),
            columns,
            lines: source_rows.iter().map(|&r| self.lines[r]).collect(),
            meta: self.meta.clone(),
        })
    }
}

impl Column {
    /// A copy holding the cells of `rows`, in that order.
    fn take(&self, rows: &[usize]) -> Column {
        let values = match &self.values {
            Values::Integer(v) => Values::Integer(rows.iter().map(|&r| v[r]).collect()),
            Values::Number(v) => Values::Number(rows.iter().map(|&r| v[r]).collect()),
            Values::Text(t) => Values::Text(TextValues {
                cells: rows.iter().map(|&r| t.cells[r]).collect(),
                strings: t.strings.clone(),
            }),
        };
        Column {
            name: self.name.clone(),
            kind: self.kind,
            label: self.label.clone(),
            unit: self.unit.clone(),
            count: self.count,
            values,
        }
    }
}

fn name_column(name: &str, melted: &[&Column], rows: usize) -> Column {
    let years: Option<Vec<i64>> = melted
        .iter()
        .map(|c| {
            c.name
                .parse::<i64>()
                .ok()
                .filter(|y| c.name.len() == 4 && (1000..=9999).contains(y))
        })
        .collect();
    let (kind, values) = match years {
        Some(years) => (
            ColumnType::Year,
            Values::Integer(
                (0..rows)
                    .flat_map(|_| years.iter().map(|&y| Cell::Value(y)))
                    .collect(),
            ),
        ),
        None => (
            ColumnType::Text,
            Values::Text(TextValues {
                cells: (0..rows)
                    .flat_map(|_| (0..melted.len() as u32).map(Cell::Value))
                    .collect(),
                strings: melted.iter().map(|c| c.name.clone()).collect(),
            }),
        ),
    };
    Column {
        name: name.to_string(),
        kind,
        label: None,
        unit: None,
        count: false,
        values,
    }
}

fn value_column(name: &str, melted: &[&Column], rows: usize) -> Column {
    let all_integer = melted.iter().all(|c| c.kind == ColumnType::Integer);
    let cells = (0..rows).flat_map(|r| melted.iter().map(move |c| (c, r)));
    let values = if all_integer {
        Values::Integer(
            cells
                .map(|(c, r)| match &c.values {
                    Values::Integer(v) => v[r],
                    _ => Cell::Missing,
                })
                .collect(),
        )
    } else {
        Values::Number(
            cells
                .map(|(c, r)| match &c.values {
                    Values::Integer(v) => v[r].map(|i| i as f64),
                    Values::Number(v) => v[r],
                    Values::Text(_) => Cell::Missing,
                })
                .collect(),
        )
    };
    let unit = melted[0]
        .unit
        .clone()
        .filter(|u| melted.iter().all(|c| c.unit.as_deref() == Some(u.as_str())));
    Column {
        name: name.to_string(),
        kind: if all_integer {
            ColumnType::Integer
        } else {
            ColumnType::Number
        },
        label: None,
        unit,
        // Years of counts are counts; a mix is not.
        count: melted.iter().all(|c| c.count),
        values,
    }
}
