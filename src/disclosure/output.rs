//! A published table -> display text per cell, and the CSV of a table's shown data.
//!
//! Part of the `disclosure` stage, so that only published cells can be written. Numbers go
//! through the one [`NumberFormatter`]; hidden and missing cells become the locale's markers.
//! In CSV, numbers are plain (`4.7`, or `4,7` in a decimal-comma [`Dialect`], rounded like the
//! page, never grouped) and text cells that a spreadsheet would run as a formula are
//! neutralised, in every dialect.

use std::io::{self, Write};

use super::{CellView, Format, Published, RowKind, Unit};
use crate::format::{self, NumberFormatter, PercentStyle};

/// The texts shown instead of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Markers<'a> {
    /// The one fixed marker for hidden cells.
    pub hidden: &'a str,
    /// The marker for missing or not computable cells.
    pub missing: &'a str,
}

/// How a CSV download is written: field delimiter, byte-order mark, decimal separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    /// Start with the UTF-8 byte-order mark, which tells Excel the file is UTF-8.
    pub bom: bool,
    /// Write `4,7` rather than `4.7`.
    pub decimal_comma: bool,
}

impl Dialect {
    /// What a Danish Excel opens correctly by double-click: its list separator is `;` and its
    /// decimal separator `,`, and without the BOM it reads UTF-8 as Windows-1252 (`Ã¸` for `ø`).
    pub const EXCEL_DA: Dialect = Dialect {
        delimiter: b';',
        bom: true,
        decimal_comma: true,
    };
    /// RFC 4180 as most tools and English spreadsheets read it.
    pub const RFC4180: Dialect = Dialect {
        delimiter: b',',
        bom: false,
        decimal_comma: false,
    };

    /// The default for pages in the locale `lang`: Danish Excel for Danish, RFC 4180 otherwise.
    pub fn for_locale(lang: &str) -> Dialect {
        if lang == "da" {
            Dialect::EXCEL_DA
        } else {
            Dialect::RFC4180
        }
    }
}

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

impl Published {
    /// The text of one cell as a page shows it.
    pub fn text(
        &self,
        row: usize,
        col: usize,
        fmt: &NumberFormatter,
        style: PercentStyle,
        markers: &Markers,
    ) -> String {
        let format = self.heads()[col].format;
        match self.cell(row, col) {
            CellView::Hidden => markers.hidden.to_string(),
            CellView::Missing => markers.missing.to_string(),
            CellView::Text(t) => t.to_string(),
            CellView::Integer(i) if format == Format::Year => fmt.year(i),
            CellView::Integer(i) if matches!(format, Format::Text) => i.to_string(),
            cell => {
                let x = cell.number().unwrap_or(f64::NAN);
                let (decimals, unit) = match format {
                    Format::Number { decimals, unit } => (decimals, unit),
                    _ => (0, Unit::None),
                };
                let text = match unit {
                    Unit::None => fmt.number(x, decimals),
                    Unit::Percent => fmt.percent(x, decimals, style),
                    Unit::Pp => fmt.percentage_points(x, decimals),
                };
                // Published numbers are finite; the marker is the defined fallback anyway.
                text.unwrap_or_else(|| markers.missing.to_string())
            }
        }
    }

    /// Writes the table as CSV in `dialect`: a header row of labels, the body rows, the totals
    /// row.
    pub fn write_csv(
        &self,
        out: impl Write,
        markers: &Markers,
        dialect: Dialect,
    ) -> io::Result<()> {
        let mut w = csv_writer(out, dialect)?;
        let io = |e: csv::Error| io::Error::other(e.to_string());
        w.write_record(self.heads().iter().map(|h| neutralise(&h.label)))
            .map_err(io)?;
        for row in 0..self.row_count() {
            let record: Vec<String> = (0..self.heads().len())
                .map(|col| self.csv_cell(row, col, markers, dialect.decimal_comma))
                .collect();
            w.write_record(&record).map_err(io)?;
        }
        w.flush()
    }

    fn csv_cell(&self, row: usize, col: usize, markers: &Markers, comma: bool) -> String {
        let decimals = match self.heads()[col].format {
            Format::Number { decimals, .. } => decimals,
            _ => 0,
        };
        match self.cell(row, col) {
            CellView::Hidden => neutralise(markers.hidden),
            CellView::Missing => neutralise(markers.missing),
            CellView::Text(t) => neutralise(t),
            CellView::Integer(i) => i.to_string(),
            CellView::Number(x) => {
                let plain = format::round(x, decimals).map_or_else(String::new, |d| d.to_string());
                if comma {
                    plain.replace('.', ",")
                } else {
                    plain
                }
            }
        }
    }

    /// Whether the last row is a totals row.
    pub fn has_totals_row(&self) -> bool {
        self.row_count() > 0 && self.row_kind(self.row_count() - 1) == RowKind::Total
    }
}

/// A CSV writer in `dialect` over `out`, the byte-order mark already written when it has one.
pub fn csv_writer<W: Write>(mut out: W, dialect: Dialect) -> io::Result<csv::Writer<W>> {
    if dialect.bom {
        out.write_all(BOM)?;
    }
    Ok(csv::WriterBuilder::new()
        .delimiter(dialect.delimiter)
        .from_writer(out))
}

/// A text cell made safe for spreadsheets: one that starts like a formula gets a leading `'`.
pub fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Grid, Head, Raw, Role, Rules, publish};
    use super::*;
    use crate::format::danish as da;

    fn sample() -> Published {
        let head = |name: &str, role, format| Head {
            name: name.into(),
            label: name.into(),
            unit: None,
            role,
            format,
        };
        let mut g = Grid::new(vec![
            head("Område", Role::Key, Format::Text),
            head("År", Role::Key, Format::Year),
            head(
                "n",
                Role::Count,
                Format::Number {
                    decimals: 0,
                    unit: Unit::None,
                },
            ),
            head(
                "u",
                Role::Measure,
                Format::Number {
                    decimals: 0,
                    unit: Unit::Percent,
                },
            ),
        ]);
        let row = |k: &str, n: Raw, u: f64| {
            vec![Raw::Text(k.into()), Raw::Integer(2018), n, Raw::Number(u)]
        };
        g.push_row(RowKind::Body, row("=SUM(A1)", Raw::Integer(72008), 83.7));
        g.push_row(RowKind::Body, row("-x", Raw::Integer(2), -9.87));
        g.push_row(RowKind::Total, row("I alt", Raw::Missing, 36.7));
        publish(g, &Rules::default())
    }

    const MARKERS: Markers = Markers {
        hidden: "x",
        missing: "..",
    };

    #[test]
    fn cells_are_formatted_in_danish() {
        let t = sample();
        let text = |r, c| t.text(r, c, &da(), PercentStyle::Sign, &MARKERS);
        assert_eq!(text(0, 1), "2018");
        assert_eq!(text(0, 2), "72.008");
        assert_eq!(text(0, 3), "84\u{a0}%");
        assert_eq!(text(1, 2), "x");
        assert_eq!(text(1, 3), "-10\u{a0}%");
        assert_eq!(text(2, 2), "..");
        assert!(t.has_totals_row());
    }

    #[test]
    fn csv_neutralises_formulas_and_keeps_numbers() {
        let mut out = Vec::new();
        sample()
            .write_csv(&mut out, &MARKERS, Dialect::RFC4180)
            .unwrap();
        assert!(!out.starts_with(BOM));
        let mut rdr = csv::Reader::from_reader(out.as_slice());
        let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header, ["Område", "År", "n", "u"]);
        let rows: Vec<Vec<String>> = rdr
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(rows[0], ["'=SUM(A1)", "2018", "72008", "84"]);
        assert_eq!(rows[1], ["'-x", "2018", "x", "-10"]);
        assert_eq!(rows[2], ["I alt", "2018", "..", "37"]);
    }

    #[test]
    fn the_danish_excel_dialect_has_a_bom_semicolons_and_decimal_commas() {
        let mut t = sample();
        t.set_format(
            3,
            Format::Number {
                decimals: 1,
                unit: Unit::Percent,
            },
        );
        let mut out = Vec::new();
        t.write_csv(&mut out, &MARKERS, Dialect::EXCEL_DA).unwrap();
        let body = out.strip_prefix(BOM).expect("a byte-order mark");
        let text = std::str::from_utf8(body).unwrap();
        assert_eq!(
            text,
            "Område;År;n;u\n'=SUM(A1);2018;72008;83,7\n'-x;2018;x;-9,9\nI alt;2018;..;36,7\n"
        );
        let mut rdr = csv::ReaderBuilder::new().delimiter(b';').from_reader(body);
        let rows: Vec<Vec<String>> = rdr
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(rows[1], ["'-x", "2018", "x", "-9,9"]);
        // A decimal comma in a comma-separated file is quoted, so it still reads back.
        let mut out = Vec::new();
        let odd = Dialect {
            delimiter: b',',
            ..Dialect::EXCEL_DA
        };
        t.write_csv(&mut out, &MARKERS, odd).unwrap();
        let mut rdr = csv::Reader::from_reader(out.strip_prefix(BOM).unwrap());
        let first = rdr.records().next().unwrap().unwrap();
        assert_eq!(&first[3], "83,7");
    }
}
