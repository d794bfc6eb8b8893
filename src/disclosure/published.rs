//! The published table: the only form in which numbers leave the disclosure stage.
//!
//! Part of the `disclosure` stage. Its cells are private and made only by `publish` (from a
//! raw grid after suppression) or by [`Published::derive`] (from cells already published, with
//! hidden and missing inputs carried over). Everything else reshapes what is already published:
//! choosing and ordering columns, relabelling, sorting rows.

use super::secondary::State;
use super::{Format, Head, Raw, Role, RowKind};

/// One published cell. Private: no code outside this stage can make one.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Text(String),
    Integer(i64),
    Number(f64),
    Hidden,
    Missing,
}

impl Cell {
    /// The published form of a raw cell whose state disclosure control decided.
    pub(super) fn from_raw(raw: Raw, state: State) -> Cell {
        match (raw, state) {
            (_, State::Hidden) | (Raw::Suppressed, _) => Cell::Hidden,
            (Raw::Missing, _) => Cell::Missing,
            (Raw::Text(t), _) => Cell::Text(t),
            (Raw::Integer(i), _) => Cell::Integer(i),
            (Raw::Number(x), _) if x.is_finite() => Cell::Number(x),
            (Raw::Number(_), _) => Cell::Missing,
        }
    }

    fn view(&self) -> CellView<'_> {
        match self {
            Cell::Text(t) => CellView::Text(t),
            Cell::Integer(i) => CellView::Integer(*i),
            Cell::Number(x) => CellView::Number(*x),
            Cell::Hidden => CellView::Hidden,
            Cell::Missing => CellView::Missing,
        }
    }
}

/// What a published cell shows. A view only: making one does not put it in a table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellView<'a> {
    Text(&'a str),
    Integer(i64),
    /// Always finite.
    Number(f64),
    /// Hidden by disclosure control or by the publisher: shown as the one fixed marker.
    Hidden,
    /// Not available, or not computable (division by zero): shown as the missing marker.
    Missing,
}

impl CellView<'_> {
    /// The number, for numeric cells.
    pub fn number(&self) -> Option<f64> {
        match *self {
            CellView::Integer(i) => Some(i as f64),
            CellView::Number(x) => Some(x),
            _ => None,
        }
    }
}

/// A disclosure-controlled table.
///
/// It can only be made by [`super::publish`]:
///
/// ```compile_fail
/// let t = evalpress::disclosure::Published { heads: vec![], rows: vec![], threshold: 3 };
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    heads: Vec<Head>,
    rows: Vec<(RowKind, Vec<Cell>)>,
    threshold: u32,
}

impl Published {
    pub(super) fn new(heads: Vec<Head>, rows: Vec<(RowKind, Vec<Cell>)>, threshold: u32) -> Self {
        Published {
            heads,
            rows,
            threshold,
        }
    }

    pub fn heads(&self) -> &[Head] {
        &self.heads
    }

    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.heads.iter().position(|h| h.name == name)
    }

    pub fn row_count(&self) -> usize {
        self.rows.len()
    }

    pub fn row_kind(&self, row: usize) -> RowKind {
        self.rows[row].0
    }

    /// The cell at `row`, `col`; panics outside the table, like slice indexing.
    pub fn cell(&self, row: usize, col: usize) -> CellView<'_> {
        self.rows[row].1[col].view()
    }

    /// The cells of `row`, in column order.
    pub fn row(&self, row: usize) -> impl Iterator<Item = CellView<'_>> {
        self.rows[row].1.iter().map(Cell::view)
    }

    /// The threshold the table was published under.
    pub fn threshold(&self) -> u32 {
        self.threshold
    }

    /// Whether any cell is hidden, so the table needs the disclosure note.
    pub fn has_hidden(&self) -> bool {
        self.rows
            .iter()
            .any(|(_, cells)| cells.contains(&Cell::Hidden))
    }

    /// The note for a table with hidden cells: `template` (from the locale, e.g. "Antal under
    /// {n} vises ikke af diskretionshensyn") with `{n}` the threshold; `None` when nothing is
    /// hidden.
    pub fn note(&self, template: &str) -> Option<String> {
        self.has_hidden()
            .then(|| template.replace("{n}", &self.threshold.to_string()))
    }

    /// Appends a column computed from the published cells of `inputs` in each row: hidden when
    /// any input is hidden, missing when any is missing or text, missing when `f` gives `None`
    /// or a non-finite number (division by zero), else `f`'s number.
    pub fn derive(&mut self, head: Head, inputs: &[usize], f: impl Fn(&[f64]) -> Option<f64>) {
        let mut values = Vec::with_capacity(inputs.len());
        for (_, cells) in &mut self.rows {
            values.clear();
            let mut hidden = false;
            let mut missing = false;
            for &i in inputs {
                match cells[i] {
                    Cell::Hidden => hidden = true,
                    Cell::Integer(v) => values.push(v as f64),
                    Cell::Number(x) => values.push(x),
                    Cell::Missing | Cell::Text(_) => missing = true,
                }
            }
            let cell = if hidden {
                Cell::Hidden
            } else if missing {
                Cell::Missing
            } else {
                f(&values)
                    .filter(|x| x.is_finite())
                    .map_or(Cell::Missing, Cell::Number)
            };
            cells.push(cell);
        }
        self.heads.push(Head {
            role: Role::Derived,
            ..head
        });
    }

    /// Keeps the columns `columns`, in that order (an index may appear once).
    pub fn select(&mut self, columns: &[usize]) {
        self.heads = columns.iter().map(|&c| self.heads[c].clone()).collect();
        for (_, cells) in &mut self.rows {
            *cells = columns.iter().map(|&c| cells[c].clone()).collect();
        }
    }

    pub fn set_label(&mut self, col: usize, label: &str) {
        self.heads[col].label = label.to_string();
    }

    pub fn set_format(&mut self, col: usize, format: Format) {
        self.heads[col].format = format;
    }

    /// Sorts the body rows by `keys` (column, descending), stably; hidden and missing cells
    /// sort after every value either way, and totals rows stay where they are at the end.
    pub fn sort(&mut self, keys: &[(usize, bool)]) {
        let body_end = self
            .rows
            .iter()
            .position(|(k, _)| *k == RowKind::Total)
            .unwrap_or(self.rows.len());
        self.rows[..body_end].sort_by(|(_, a), (_, b)| {
            keys.iter()
                .map(|&(c, desc)| compare(&a[c], &b[c], desc))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }

    /// Puts `label` ("I alt") in the first key column of each totals row and blanks the other
    /// key cells, so the label stays visible whichever key columns were selected.
    pub fn label_totals(&mut self, label: &str) {
        let keys: Vec<usize> = (0..self.heads.len())
            .filter(|&c| self.heads[c].role == Role::Key)
            .collect();
        for (kind, cells) in &mut self.rows {
            if *kind == RowKind::Total {
                for (i, &c) in keys.iter().enumerate() {
                    cells[c] = Cell::Text(if i == 0 {
                        label.to_string()
                    } else {
                        String::new()
                    });
                }
            }
        }
    }

    /// The one body row's cell in `col`, for inline values; `None` unless the table has
    /// exactly one body row.
    pub fn single(&self, col: usize) -> Option<CellView<'_>> {
        let mut body = self.rows.iter().filter(|(k, _)| *k == RowKind::Body);
        match (body.next(), body.next()) {
            (Some((_, cells)), None) => Some(cells[col].view()),
            _ => None,
        }
    }
}

fn compare(a: &Cell, b: &Cell, desc: bool) -> std::cmp::Ordering {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let rank = |c: &Cell| match c {
        Cell::Text(_) | Cell::Integer(_) | Cell::Number(_) => 0,
        Cell::Hidden => 1,
        Cell::Missing => 2,
    };
    let order = match (a, b) {
        (Cell::Text(x), Cell::Text(y)) => x.cmp(y),
        (Cell::Text(_), Cell::Integer(_) | Cell::Number(_)) => Greater,
        (Cell::Integer(_) | Cell::Number(_), Cell::Text(_)) => Less,
        _ => match (a.view().number(), b.view().number()) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => return rank(a).cmp(&rank(b)),
        },
    };
    match (order, desc) {
        (Equal, _) => Equal,
        (o, true) => o.reverse(),
        (o, false) => o,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Grid, Rules, Unit, publish};
    use super::*;

    fn head(name: &str, role: Role) -> Head {
        Head {
            name: name.into(),
            label: name.into(),
            unit: None,
            role,
            format: Format::Number {
                decimals: 0,
                unit: Unit::None,
            },
        }
    }

    fn table(rows: &[(&str, Raw, Raw)]) -> Published {
        let mut g = Grid::new(vec![
            head("k", Role::Key),
            head("a", Role::Count),
            head("b", Role::Measure),
        ]);
        for (k, a, b) in rows {
            g.push_row(
                RowKind::Body,
                vec![Raw::Text(k.to_string()), a.clone(), b.clone()],
            );
        }
        publish(g, &Rules::default())
    }

    #[test]
    fn derived_cells_inherit_hidden_and_missing() {
        let mut t = table(&[
            ("x", Raw::Integer(10), Raw::Number(4.0)),
            ("y", Raw::Integer(1), Raw::Number(4.0)),
            ("z", Raw::Integer(10), Raw::Missing),
            ("w", Raw::Integer(10), Raw::Number(0.0)),
        ]);
        t.derive(head("q", Role::Measure), &[1, 2], |v| Some(v[0] / v[1]));
        assert_eq!(t.heads()[3].role, Role::Derived);
        let q: Vec<CellView> = (0..4).map(|r| t.cell(r, 3)).collect();
        assert_eq!(
            q,
            [
                CellView::Number(2.5),
                CellView::Hidden,
                CellView::Missing,
                CellView::Missing
            ]
        );
        assert_eq!(
            t.note("Antal under {n} vises ikke"),
            Some("Antal under 3 vises ikke".into())
        );
    }

    #[test]
    fn sorting_puts_hidden_and_missing_last() {
        let mut t = table(&[
            ("x", Raw::Integer(10), Raw::Number(1.0)),
            ("y", Raw::Integer(1), Raw::Number(2.0)),
            ("z", Raw::Integer(30), Raw::Number(3.0)),
        ]);
        t.sort(&[(1, true)]);
        let keys: Vec<CellView> = (0..3).map(|r| t.cell(r, 0)).collect();
        assert_eq!(
            keys,
            [
                CellView::Text("z"),
                CellView::Text("x"),
                CellView::Text("y")
            ]
        );
        t.select(&[2, 0]);
        assert_eq!(t.heads()[0].name, "b");
        assert_eq!(t.cell(0, 0), CellView::Number(3.0));
        assert_eq!(t.single(0), None);
    }

    #[test]
    fn no_note_without_hidden_cells() {
        let t = table(&[("x", Raw::Integer(10), Raw::Number(1.0))]);
        assert!(!t.has_hidden());
        assert_eq!(t.note("{n}"), None);
        assert_eq!(t.single(1), Some(CellView::Integer(10)));
    }
}
