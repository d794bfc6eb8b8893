//! Data stage: CSV files under `data/` (with an optional YAML sidecar) -> typed [`Dataset`]s.
//!
//! Input: a CSV file as it was downloaded (delimiter `,` `;` or tab; UTF-8 with or without a
//! byte-order mark, or Windows-1252; decimal comma or point; missing-value codes), the sidecar
//! `<name>.yaml` next to `<name>.csv` that declares what the file cannot say, and the site's
//! [`DataDefaults`]. Output: a column-major [`Dataset`] whose every cell is a value, missing or
//! suppressed, and whose every row knows its source line.
//!
//! This stage never guesses silently: where the file contradicts its declaration, or a reading
//! would need a guess, it returns a [`Diagnostic`] saying what it saw and what to declare. It does
//! not apply disclosure control (the `disclosure` stage does) and never formats numbers for
//! display (`format` does).
//!
//! Files: [`number`] parses one cell's number; `cells` types one cell and words its errors;
//! `sidecar` reads the declarations; `decode` turns the file's bytes into UTF-8 and locates bad
//! bytes; `read` streams the CSV into columns; `layout` reshapes wide tables into long ones;
//! [`store`] reads every data file of a site once, in parallel, into sealed datasets.

mod cells;
mod decode;
mod layout;
pub mod limits;
pub mod number;
mod read;
mod sidecar;
pub mod store;

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Pos};
use crate::model::SourceFile;

pub use decode::Encoding;
pub use number::DecimalSep;
pub use read::{Opener, read_csv, read_csv_bytes};
pub use sidecar::{
    ColumnRole, ColumnType, DataDefaults, Delimiter, DownloadPreset, DownloadSpec, Zeros,
};

#[cfg(test)]
mod tests;

/// One data file read into typed columns.
///
/// Column-major: every query aggregates or filters one column at a time, a column's type is
/// fixed so its cells need no per-cell type tag, and text columns store each distinct string
/// once (long register extracts repeat municipality and scheme names on every row), so grouping
/// compares small integers. All columns and `lines` have the same length.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Path of the CSV file relative to the site root, as diagnostics show it.
    pub path: PathBuf,
    pub columns: Vec<Column>,
    /// The 1-based line in the file where each row starts (provenance for errors and change
    /// reports).
    pub lines: Vec<usize>,
    pub meta: DatasetMeta,
}

/// What the sidecar says about the data as a whole.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DatasetMeta {
    pub title: Option<String>,
    /// The numbers are invented (`illustrative: true`): every table built from them says so.
    pub illustrative: bool,
    pub source: Option<Source>,
    /// Counts below this number are never published (site default unless the sidecar says).
    pub threshold: u32,
    /// Whether counts of zero are shown (site default unless the sidecar says).
    pub zeros: Zeros,
    /// How CSV downloads of tables from this file are written, over the site's setting.
    pub downloads: DownloadSpec,
}

/// Where the data comes from: the "Kilde:" line of every table built from it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Source {
    /// The source line as written, e.g. "Det fælles datagrundlag og egne beregninger".
    pub text: Option<String>,
    pub register: Option<String>,
    /// The register's table id, e.g. "AUS08".
    pub table: Option<String>,
    /// When the extract was made.
    pub extracted: Option<jiff::civil::Date>,
}

/// One column: its header, declared or inferred type, display label and unit, and cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header exactly as in the file; references use it.
    pub name: String,
    pub kind: ColumnType,
    /// How tables and charts title the column; the header when not declared.
    pub label: Option<String>,
    pub unit: Option<String>,
    /// Declared `kind: count`: disclosure control protects its small values.
    pub count: bool,
    pub values: Values,
}

/// A column's cells, stored by type.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// `integer` and `year` columns.
    Integer(Vec<Cell<i64>>),
    Number(Vec<Cell<f64>>),
    Text(TextValues),
}

/// Text cells as indices into the column's distinct strings (first appearance order).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextValues {
    pub cells: Vec<Cell<u32>>,
    pub strings: Vec<String>,
}

/// One cell. Missing ("not available", `..`) and suppressed (hidden by the publisher or by
/// disclosure control) are different from each other and from zero, everywhere.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<T> {
    Value(T),
    Missing,
    Suppressed,
}

impl<T> Cell<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Cell::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Cell<U> {
        match self {
            Cell::Value(v) => Cell::Value(f(v)),
            Cell::Missing => Cell::Missing,
            Cell::Suppressed => Cell::Suppressed,
        }
    }
}

/// A borrowed cell value of any column type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Datum<'a> {
    Integer(i64),
    Number(f64),
    Text(&'a str),
}

impl Column {
    pub fn len(&self) -> usize {
        match &self.values {
            Values::Integer(v) => v.len(),
            Values::Number(v) => v.len(),
            Values::Text(t) => t.cells.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell of `row`; panics when `row` is out of range, like slice indexing.
    pub fn get(&self, row: usize) -> Cell<Datum<'_>> {
        match &self.values {
            Values::Integer(v) => v[row].map(Datum::Integer),
            Values::Number(v) => v[row].map(Datum::Number),
            Values::Text(t) => t.cells[row].map(|i| Datum::Text(&t.strings[i as usize])),
        }
    }

    /// The label to show: the declared one, else the header.
    pub fn display_label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

impl Dataset {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn row_count(&self) -> usize {
        self.lines.len()
    }
}

/// Reads `<root>/<rel>` and its sidecar `<rel>` with the extension `.yaml`, if there is one.
pub fn read_dataset(
    root: &Path,
    rel: &Path,
    defaults: &DataDefaults,
) -> Result<Dataset, Vec<Diagnostic>> {
    let sidecar_rel = rel.with_extension("yaml");
    let sidecar = match crate::load::read_to_string_capped(&root.join(&sidecar_rel)) {
        Ok(text) => Some(SourceFile {
            path: sidecar_rel,
            text,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(vec![
                Diagnostic::error(
                    &sidecar_rel,
                    Pos::FILE,
                    format!("cannot read the sidecar: {e}"),
                )
                .help("check that the file is readable UTF-8 text"),
            ]);
        }
    };
    let abs = root.join(rel);
    // Refused by size before a byte is read: the reader holds the whole dataset in memory.
    let meta = std::fs::metadata(&abs);
    if let Ok(meta) = &meta {
        limits::check_file_size(rel, meta.len(), defaults.max_file_mb).map_err(|d| vec![d])?;
    }
    // Read once: every pass of the reader (byte-order mark, delimiter, types, rows) reads the
    // bytes in memory instead of opening the file again. A pipe or device would block the
    // reader forever: only regular files are read.
    if meta.is_ok_and(|m| m.is_file())
        && let Ok(bytes) = std::fs::read(&abs)
    {
        return read_csv_bytes(rel, &bytes, sidecar.as_ref(), defaults);
    }
    // A file that cannot be read: the reader says why, after the sidecar's problems.
    let open = move || -> std::io::Result<Box<dyn std::io::Read>> {
        if !std::fs::metadata(&abs)?.is_file() {
            return Err(std::io::Error::other(
                "not a regular file (a device, pipe or socket)",
            ));
        }
        Ok(Box::new(std::fs::File::open(&abs)?))
    };
    read_csv(rel, &open, sidecar.as_ref(), defaults)
}
