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
    /// A column with room for `rows` cells.
    pub fn with_capacity(kind: ColumnType, rows: usize) -> Self {
        match kind {
            ColumnType::Integer => Builder::Integer(Vec::with_capacity(rows)),
            ColumnType::Year => Builder::Year(Vec::with_capacity(rows)),
            ColumnType::Number => Builder::Number(Vec::with_capacity(rows)),
            ColumnType::Text => Builder::Text {
                cells: Vec::with_capacity(rows),
                strings: Vec::new(),
                index: FxHashMap::default(),
            },
        }
    }

    /// Makes room for `rows` more cells.
    pub fn reserve(&mut self, rows: usize) {
        match self {
            Builder::Integer(v) | Builder::Year(v) => v.reserve(rows),
            Builder::Number(v) => v.reserve(rows),
            Builder::Text { cells, .. } => cells.reserve(rows),
        }
    }

    /// Appends the cell for `raw` (a field's bytes, valid UTF-8); on a bad cell appends
    /// `Missing` to keep rows aligned, and says why (the caller reports it, and the dataset is
    /// never used).
    pub fn push(&mut self, raw: &[u8], s: &Settings) -> Result<(), Bad> {
        let text = raw.trim_ascii();
        // One match per cell: this runs for every cell of every file.
        match self {
            Builder::Text {
                cells,
                strings,
                index,
            } => {
                let cell = code(text, s)
                    .unwrap_or_else(|| Cell::Value(intern(text, cells.last(), strings, index)));
                cells.push(cell);
                Ok(())
            }
            Builder::Integer(v) => fill(v, text, s, |p| match p {
                Parsed::Int(i) => Ok(i),
                Parsed::Num(_) => Err(Bad::NotWhole),
            }),
            Builder::Year(v) => fill(v, text, s, |p| match p {
                Parsed::Int(i) if (1000..=9999).contains(&i) => Ok(i),
                _ => Err(Bad::NotYear),
            }),
            Builder::Number(v) => fill(v, text, s, |p| {
                Ok(match p {
                    Parsed::Int(i) => i as f64,
                    Parsed::Num(x) => x,
                })
            }),
        }
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

/// The marker `text` is a code for, if any: codes are matched before numbers, so `..` is
/// never a number.
fn code<T>(text: &[u8], s: &Settings) -> Option<Cell<T>> {
    if text.len() > s.longest_code {
        None
    } else if s.suppressed.iter().any(|c| c.as_bytes() == text) {
        Some(Cell::Suppressed)
    } else if s.missing.iter().any(|c| c.as_bytes() == text) {
        Some(Cell::Missing)
    } else {
        None
    }
}

/// Appends the code or number `text` is to a numeric column, as `value` takes the number; a
/// text that is neither appends `Missing`.
fn fill<T>(
    v: &mut Vec<Cell<T>>,
    text: &[u8],
    s: &Settings,
    value: impl Fn(Parsed) -> Result<T, Bad>,
) -> Result<(), Bad> {
    let cell = match code(text, s) {
        Some(marker) => Ok(marker),
        None => number::parse_bytes(text, s.decimal)
            .map_err(Bad::Number)
            .and_then(value)
            .map(Cell::Value),
    };
    match cell {
        Ok(cell) => {
            v.push(cell);
            Ok(())
        }
        Err(bad) => {
            v.push(Cell::Missing);
            Err(bad)
        }
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
