//! One cell's text -> a typed [`Cell`] of its column, and the diagnostic for a cell that is not
//! what its column declares.
//!
//! Part of the `data` stage. Missing-value and suppression codes are matched first, so `..` is
//! never a number and never zero; then the text is read as the column's type under the file's
//! decimal separator. Builders only append: one per column, filled row by row by `read`.

use rustc_hash::FxHashMap;

use super::number::{self, DecimalSep, NumError, Parsed};
use super::sidecar::{ColumnType, Settings};
use super::{Cell, TextValues, Values};
use crate::diagnostics::{Diagnostic, Pos};

/// A column being filled.
pub enum Builder {
    Integer(Vec<Cell<i64>>),
    Year(Vec<Cell<i64>>),
    Number(Vec<Cell<f64>>),
    Text {
        cells: Vec<Cell<u32>>,
        /// Distinct texts as bytes; made `String`s once per text at the end, not once per cell.
        strings: Vec<Box<[u8]>>,
        // Fx rather than SipHash: keys come from the site's own files, and hashing every text
        // cell of a million-row extract is on the hot path.
        index: FxHashMap<Box<[u8]>, u32>,
    },
}

/// Why a cell's text does not fit its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bad {
    Number(NumError),
    /// A number with decimals in an integer column.
    NotWhole,
    /// An integer outside 1000..=9999 in a year column.
    NotYear,
}

impl Builder {
    pub fn new(kind: ColumnType) -> Self {
        match kind {
            ColumnType::Integer => Builder::Integer(Vec::new()),
            ColumnType::Year => Builder::Year(Vec::new()),
            ColumnType::Number => Builder::Number(Vec::new()),
            ColumnType::Text => Builder::Text {
                cells: Vec::new(),
                strings: Vec::new(),
                index: FxHashMap::default(),
            },
        }
    }

    /// Appends the cell for `raw` (a field's bytes, valid UTF-8); on a bad cell appends
    /// `Missing` to keep rows aligned, and says why (the caller reports it, and the dataset is
    /// never used).
    pub fn push(&mut self, raw: &[u8], s: &Settings) -> Result<(), Bad> {
        let text = raw.trim_ascii();
        let code: Option<Cell<Parsed>> = if text.len() > s.longest_code {
            None
        } else if s.suppressed.iter().any(|c| c.as_bytes() == text) {
            Some(Cell::Suppressed)
        } else if s.missing.iter().any(|c| c.as_bytes() == text) {
            Some(Cell::Missing)
        } else {
            None
        };
        let parsed = match (code, &*self) {
            (Some(_), _) | (None, Builder::Text { .. }) => Ok(code),
            (None, _) => number::parse_bytes(text, s.decimal)
                .map(|p| Some(Cell::Value(p)))
                .map_err(Bad::Number),
        };
        let result = parsed.and_then(|cell| self.append(cell, text));
        if result.is_err() {
            self.append(Some(Cell::Missing), text).ok();
        }
        result
    }

    /// `cell` is the marker or number already read; `None` means a text value.
    fn append(&mut self, cell: Option<Cell<Parsed>>, text: &[u8]) -> Result<(), Bad> {
        match self {
            Builder::Integer(v) => v.push(match cell {
                Some(Cell::Value(Parsed::Int(i))) => Cell::Value(i),
                Some(Cell::Value(Parsed::Num(_))) => return Err(Bad::NotWhole),
                other => marker(other),
            }),
            Builder::Year(v) => v.push(match cell {
                Some(Cell::Value(Parsed::Int(i))) if (1000..=9999).contains(&i) => Cell::Value(i),
                Some(Cell::Value(_)) => return Err(Bad::NotYear),
                other => marker(other),
            }),
            Builder::Number(v) => v.push(match cell {
                Some(Cell::Value(Parsed::Int(i))) => Cell::Value(i as f64),
                Some(Cell::Value(Parsed::Num(x))) => Cell::Value(x),
                other => marker(other),
            }),
            Builder::Text {
                cells,
                strings,
                index,
            } => {
                let cell = match cell {
                    Some(c) => marker(Some(c)),
                    None => Cell::Value(intern(text, cells.last(), strings, index)),
                };
                cells.push(cell);
            }
        }
        Ok(())
    }

    pub fn finish(self) -> Values {
        match self {
            Builder::Integer(v) | Builder::Year(v) => Values::Integer(v),
            Builder::Number(v) => Values::Number(v),
            Builder::Text { cells, strings, .. } => Values::Text(TextValues {
                cells,
                // Fields split at ASCII bytes of decoded UTF-8, so each is whole UTF-8 too.
                strings: strings
                    .iter()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .collect(),
            }),
        }
    }
}

fn marker<T>(cell: Option<Cell<Parsed>>) -> Cell<T> {
    match cell {
        Some(Cell::Suppressed) => Cell::Suppressed,
        _ => Cell::Missing,
    }
}

/// The index of `text` among the column's distinct strings, adding it when new.
fn intern(
    text: &[u8],
    previous: Option<&Cell<u32>>,
    strings: &mut Vec<Box<[u8]>>,
    index: &mut FxHashMap<Box<[u8]>, u32>,
) -> u32 {
    // Sorted extracts repeat the row above's text; compare before hashing.
    if let Some(&Cell::Value(i)) = previous
        && *strings[i as usize] == *text
    {
        return i;
    }
    if let Some(&i) = index.get(text) {
        return i;
    }
    let i = u32::try_from(strings.len()).expect("fewer than 2^32 distinct texts in a column");
    strings.push(text.into());
    index.insert(text.into(), i);
    i
}

/// The diagnostic for cell `text` of `column` (declared or inferred as `kind`) at `pos`.
pub fn diagnostic(
    bad: Bad,
    text: &str,
    column: &str,
    kind: ColumnType,
    s: &Settings,
    file: &std::path::Path,
    pos: Pos,
) -> Diagnostic {
    let text = text.trim();
    let kind_name = match kind {
        ColumnType::Integer => "integer",
        ColumnType::Number => "number",
        ColumnType::Year => "year",
        ColumnType::Text => "text",
    };
    let (message, help) = match bad {
        Bad::NotWhole => (
            format!("`{text}` in a column declared integer (`{column}`)"),
            format!(
                "correct the value, or declare the column `type: number` under `columns:` in {}",
                super::sidecar::shown(&s.sidecar)
            ),
        ),
        Bad::NotYear => (
            format!("`{text}` in a column declared year (`{column}`)"),
            "a year has four digits, e.g. `2018`".to_string(),
        ),
        Bad::Number(e) => number_problem(e, text, column, kind_name, s),
    };
    Diagnostic::error(file, pos, message).help(help)
}

fn number_problem(
    e: NumError,
    text: &str,
    column: &str,
    kind: &str,
    s: &Settings,
) -> (String, String) {
    match e {
        NumError::NotANumber => (
            format!("`{text}` is not a number, but column `{column}` is {kind}"),
            format!(
                "correct the value, list it as a code for a missing value ({}), or declare the column `type: text`",
                s.declare(&format!("missing: [\"..\", \"{text}\"]"))
            ),
        ),
        NumError::NonFinite => (
            format!("`{text}` is not a number a report can show (column `{column}`)"),
            "write a code for a missing value, such as `..`, instead".to_string(),
        ),
        NumError::UndeclaredComma => (
            format!("`{text}` has a decimal comma, but no decimal separator is declared"),
            s.declare("decimal: comma"),
        ),
        NumError::Ambiguous => (
            format!(
                "`{text}` reads as two different numbers: the separators may group thousands or mark decimals"
            ),
            format!(
                "{} for Danish numbers (72.008 = 72008, 4,7), or `decimal: point` for English ones",
                s.declare("decimal: comma")
            ),
        ),
        NumError::OtherSeparator(DecimalSep::Point) => (
            format!("`{text}` has a decimal point, but `decimal: comma` is declared"),
            "write the number with a decimal comma, or declare `decimal: point` if the whole file uses decimal points".to_string(),
        ),
        NumError::OtherSeparator(DecimalSep::Comma) => (
            format!("`{text}` has a decimal comma, but `decimal: point` is declared"),
            "write the number with a decimal point, or declare `decimal: comma` if the whole file uses decimal commas".to_string(),
        ),
    }
}
