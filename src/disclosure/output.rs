//! A published table -> display text per cell, and the CSV of a table's shown data.
//!
//! Part of the `disclosure` stage, so that only published cells can be written. Numbers go
//! through the one [`NumberFormatter`]; hidden and missing cells become the locale's markers.
//! In CSV, numbers are plain (`4.7`, rounded like the page) and text cells that a spreadsheet
//! would run as a formula are neutralised.

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

    /// Writes the table as CSV: a header row of labels, the body rows, the totals row.
    pub fn write_csv(&self, out: impl Write, markers: &Markers) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let io = |e: csv::Error| io::Error::other(e.to_string());
        w.write_record(self.heads().iter().map(|h| neutralise(&h.label)))
            .map_err(io)?;
        for row in 0..self.row_count() {
            let record: Vec<String> = (0..self.heads().len())
                .map(|col| self.csv_cell(row, col, markers))
                .collect();
            w.write_record(&record).map_err(io)?;
        }
        w.flush()
    }

    fn csv_cell(&self, row: usize, col: usize, markers: &Markers) -> String {
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
                format::round(x, decimals).map_or_else(String::new, |d| d.to_string())
            }
        }
    }

    /// Whether the last row is a totals row.
    pub fn has_totals_row(&self) -> bool {
        self.row_count() > 0 && self.row_kind(self.row_count() - 1) == RowKind::Total
    }
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
        sample().write_csv(&mut out, &MARKERS).unwrap();
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
}
