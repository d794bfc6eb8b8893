//! Two site snapshots -> the [`Diff`] between them: per report, every element added or removed,
//! every cell whose published text changed, was newly hidden or revealed, and every named value
//! that changed.
//!
//! Part of the `changes` stage; pure. Elements are matched by anchor, cells by row and column
//! (and by order among cells with the same row and column), values by name.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Cell, CellSnapshot, ElementSnapshot, ReportSnapshot, Snapshot, State};

/// What changed between two builds. `baseline` is false on the first build, when there was
/// nothing to compare with (and `reports` is empty).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    pub baseline: bool,
    /// Only the reports with a change, by slug.
    pub reports: Vec<ReportDiff>,
}

/// Whether a report or element is new, gone, or there in both builds with changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDiff {
    pub slug: String,
    pub title: String,
    pub status: Status,
    pub elements: Vec<ElementDiff>,
    pub values: Vec<ValueChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementDiff {
    pub anchor: String,
    /// "Tabel 2", as the newer build numbers it (the older one for a removed element).
    pub label: String,
    pub title: String,
    pub status: Status,
    /// The changed cells; empty for added and removed elements.
    pub cells: Vec<CellChange>,
}

/// How one published cell or value changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// A different value (or missing <-> value).
    Changed,
    /// Shown before, hidden by disclosure control now.
    Hidden,
    /// Hidden before, shown now.
    Revealed,
    /// A row or column that the older build did not have.
    Added,
    /// A row or column that the newer build does not have.
    Removed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellChange {
    pub row: String,
    pub column: String,
    pub kind: ChangeKind,
    pub old: Option<Cell>,
    pub new: Option<Cell>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueChange {
    pub name: String,
    pub kind: ChangeKind,
    pub old: Option<Cell>,
    pub new: Option<Cell>,
}

impl Diff {
    /// Whether nothing changed (with a baseline to compare with).
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }
}

/// What changed from `old` to `new`; `None` for `old` means there is no baseline.
pub fn diff(old: Option<&Snapshot>, new: &Snapshot) -> Diff {
    let Some(old) = old else {
        return Diff::default();
    };
    let mut reports = Vec::new();
    let slugs: std::collections::BTreeSet<&String> =
        old.reports.keys().chain(new.reports.keys()).collect();
    for slug in slugs {
        let d = match (old.reports.get(slug), new.reports.get(slug)) {
            (Some(a), Some(b)) => report(slug, a, b),
            (None, Some(b)) => whole(slug, b, Status::Added),
            (Some(a), None) => whole(slug, a, Status::Removed),
            (None, None) => None,
        };
        reports.extend(d);
    }
    Diff {
        baseline: true,
        reports,
    }
}

/// A report that only one of the builds has, with its elements all added or all removed.
fn whole(slug: &str, r: &ReportSnapshot, status: Status) -> Option<ReportDiff> {
    Some(ReportDiff {
        slug: slug.to_string(),
        title: r.title.clone(),
        status,
        elements: r.elements.iter().map(|e| gone(e, status)).collect(),
        values: Vec::new(),
    })
}

fn gone(e: &ElementSnapshot, status: Status) -> ElementDiff {
    ElementDiff {
        anchor: e.anchor.clone(),
        label: e.label.clone(),
        title: e.title.clone(),
        status,
        cells: Vec::new(),
    }
}

/// The changes of one report that both builds have; `None` when nothing changed.
fn report(slug: &str, a: &ReportSnapshot, b: &ReportSnapshot) -> Option<ReportDiff> {
    // Most reports of a build published what they did before (every report a build kept):
    // equal snapshots have nothing to list, and comparing them is far cheaper than matching
    // their cells.
    if a == b {
        return None;
    }
    let mut elements = Vec::new();
    let old: BTreeMap<&str, &ElementSnapshot> =
        a.elements.iter().map(|e| (e.anchor.as_str(), e)).collect();
    let new: BTreeMap<&str, &ElementSnapshot> =
        b.elements.iter().map(|e| (e.anchor.as_str(), e)).collect();
    for e in &b.elements {
        match old.get(e.anchor.as_str()) {
            None => elements.push(gone(e, Status::Added)),
            Some(before) => {
                let cells = cells(&before.cells, &e.cells);
                if !cells.is_empty() {
                    elements.push(ElementDiff {
                        cells,
                        ..gone(e, Status::Changed)
                    });
                }
            }
        }
    }
    for e in &a.elements {
        if !new.contains_key(e.anchor.as_str()) {
            elements.push(gone(e, Status::Removed));
        }
    }
    let values = values(&a.values, &b.values);
    (!elements.is_empty() || !values.is_empty()).then(|| ReportDiff {
        slug: slug.to_string(),
        title: b.title.clone(),
        status: Status::Changed,
        elements,
        values,
    })
}

/// How a cell went from `old` to `new`; `None` when it did not change.
fn kind(old: Option<&Cell>, new: Option<&Cell>) -> Option<ChangeKind> {
    Some(match (old, new) {
        (Some(a), Some(b)) if a == b => return None,
        (Some(a), Some(b)) => match (a.state, b.state) {
            (State::Hidden, State::Hidden) => return None,
            (_, State::Hidden) => ChangeKind::Hidden,
            (State::Hidden, _) => ChangeKind::Revealed,
            _ => ChangeKind::Changed,
        },
        (None, Some(_)) => ChangeKind::Added,
        (Some(_), None) => ChangeKind::Removed,
        (None, None) => return None,
    })
}

/// A cell's place: its row and column, and its order among cells with both the same.
type Place = ((String, String), usize);

/// The cells of a table by place, in table order.
fn places(cells: &[CellSnapshot]) -> Vec<(Place, &Cell)> {
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    cells
        .iter()
        .map(|c| {
            let key = (c.row.clone(), c.column.clone());
            let n = seen.entry(key.clone()).or_default();
            *n += 1;
            ((key, *n - 1), &c.cell)
        })
        .collect()
}

/// The changed cells, in the newer table's order, then the cells only the older one had.
fn cells(old: &[CellSnapshot], new: &[CellSnapshot]) -> Vec<CellChange> {
    let before = places(old);
    let after = places(new);
    let old_at: BTreeMap<&Place, &Cell> = before.iter().map(|(p, c)| (p, *c)).collect();
    let new_at: BTreeMap<&Place, &Cell> = after.iter().map(|(p, c)| (p, *c)).collect();
    let gone = before.iter().filter(|(p, _)| !new_at.contains_key(p));
    after
        .iter()
        .chain(gone)
        .filter_map(|(place, _)| {
            let (a, b) = (old_at.get(place).copied(), new_at.get(place).copied());
            kind(a, b).map(|kind| CellChange {
                row: place.0.0.clone(),
                column: place.0.1.clone(),
                kind,
                old: a.cloned(),
                new: b.cloned(),
            })
        })
        .collect()
}

fn values(old: &BTreeMap<String, Cell>, new: &BTreeMap<String, Cell>) -> Vec<ValueChange> {
    let names: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let (a, b) = (old.get(name), new.get(name));
            kind(a, b).map(|kind| ValueChange {
                name: name.clone(),
                kind,
                old: a.cloned(),
                new: b.cloned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cells: &[(&str, &str, State)]) -> ReportSnapshot {
        ReportSnapshot {
            title: "R".into(),
            elements: vec![ElementSnapshot {
                anchor: "t".into(),
                directive: "table".into(),
                label: "Tabel 1".into(),
                title: "T".into(),
                cells: cells
                    .iter()
                    .map(|(row, text, state)| CellSnapshot {
                        row: row.to_string(),
                        column: "Antal".into(),
                        cell: Cell {
                            text: text.to_string(),
                            state: *state,
                        },
                    })
                    .collect(),
            }],
            values: BTreeMap::new(),
        }
    }

    fn site(r: ReportSnapshot) -> Snapshot {
        Snapshot {
            reports: [("r".to_string(), r)].into(),
        }
    }

    #[test]
    fn hidden_stays_hidden_and_rows_with_the_same_name_match_in_order() {
        use State::{Hidden, Value};
        let old = site(table(&[
            ("A", "×", Hidden),
            ("B", "4", Value),
            ("B", "5", Value),
        ]));
        let new = site(table(&[
            ("A", "×", Hidden),
            ("B", "4", Value),
            ("B", "6", Value),
        ]));
        let d = diff(Some(&old), &new);
        let cells = &d.reports[0].elements[0].cells;
        assert_eq!(cells.len(), 1, "{cells:?}");
        assert_eq!(cells[0].new.as_ref().unwrap().text, "6");
        assert!(diff(Some(&old), &old).is_empty());
        assert!(!diff(None, &old).baseline);
    }

    #[test]
    fn a_new_report_lists_its_elements_as_added() {
        let d = diff(Some(&Snapshot::default()), &site(table(&[])));
        assert_eq!(d.reports[0].status, Status::Added);
        assert_eq!(d.reports[0].elements[0].status, Status::Added);
        let gone = diff(Some(&site(table(&[]))), &Snapshot::default());
        assert_eq!(gone.reports[0].status, Status::Removed);
    }
}
