//! Changes: what a build published, and what changed since the previous published build.
//!
//! Input: the published (disclosure-controlled) tables, chart data and named inline values of
//! each report, as the `tables` stage made them, and the cells of the `grids` views (fidelity
//! grids, status tables, distributions, lists: their steps, counts and entries). Output: a [`ReportSnapshot`] per report (a
//! plain serde type, self-contained so a cache can store it for reports it skips), a [`Diff`]
//! between two site snapshots, and its renderings as text, Markdown, JSON and an escaped HTML
//! fragment (for `serve`). `stale` checks numbers typed in prose against the snapshots; `store`
//! and `state` keep the last two snapshots under `<root>/.evalpress/changes/`, one file per
//! report, so a build reads and writes only the reports it computed.
//!
//! Must not: read raw data (only published cells reach a snapshot), print, or look at the
//! wall clock.
//!
//! Files: `diff` compares snapshots; `show` renders a diff; `stale` is the stale-prose check
//! of one report, `check` that of a build; `store` reads and writes the state folder, `state`
//! its per-report files (what a build compares with, and what it records).

pub mod check;
mod diff;
mod show;
pub mod stale;
pub mod state;
pub mod store;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::disclosure::{CellView, Published, Role};
use crate::model::{Node, ParsedReport};

pub use diff::{CellChange, ChangeKind, Diff, ElementDiff, ReportDiff, Status, ValueChange, diff};
pub use show::{html, markdown, text};

/// Everything one build published with a number in it, per report slug.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub reports: BTreeMap<String, ReportSnapshot>,
}

/// What one report published: its data tables and charts, cell by cell, and its named values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportSnapshot {
    pub title: String,
    /// Data tables, data boxes, charts and grid views, in reading order.
    pub elements: Vec<ElementSnapshot>,
    /// Named inline values (`[=name]`) by name.
    pub values: BTreeMap<String, Cell>,
}

/// One element generated from data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementSnapshot {
    /// The element's anchor (its label, or e.g. `tabel-2`): what identifies it between builds.
    pub anchor: String,
    /// The directive that made it: `table`, `box`, `chart`, `grid`, `status`, `distribution`
    /// or `list`.
    pub directive: String,
    /// Its word and number as the page shows them, e.g. "Tabel 2".
    pub label: String,
    pub title: String,
    /// Every value cell: rows are named by their key cells, columns by their headers.
    pub cells: Vec<CellSnapshot>,
}

/// One published value cell of an element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellSnapshot {
    /// The row's key cells joined by ", " ("Projektkommuner under ét", "I alt").
    pub row: String,
    /// The column's header.
    pub column: String,
    pub cell: Cell,
}

/// A published value: its text as the page shows it and what state it is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub text: String,
    pub state: State,
}

/// Whether a published cell shows a value, the hidden marker or the missing marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Value,
    Hidden,
    Missing,
}

impl State {
    pub fn of(view: CellView) -> State {
        match view {
            CellView::Hidden => State::Hidden,
            CellView::Missing => State::Missing,
            _ => State::Value,
        }
    }
}

impl ElementSnapshot {
    /// The value cells of the published table `t`, with `text(row, col)` the cell as the page
    /// shows it. Tables without a key column name their rows by number ("1", "2", ...).
    pub fn of_table(
        anchor: &str,
        directive: &str,
        label: String,
        title: &str,
        t: &Published,
        text: impl Fn(usize, usize) -> String,
    ) -> ElementSnapshot {
        let keys: Vec<usize> = (0..t.heads().len())
            .filter(|&c| t.heads()[c].role == Role::Key)
            .collect();
        let mut cells = Vec::new();
        for r in 0..t.row_count() {
            let names: Vec<String> = keys
                .iter()
                .map(|&c| text(r, c))
                .filter(|s| !s.is_empty())
                .collect();
            let row = if names.is_empty() {
                (r + 1).to_string()
            } else {
                names.join(", ")
            };
            for (c, head) in t.heads().iter().enumerate() {
                if head.role == Role::Key {
                    continue;
                }
                cells.push(CellSnapshot {
                    row: row.clone(),
                    column: head.label.clone(),
                    cell: Cell {
                        text: text(r, c),
                        state: State::of(t.cell(r, c)),
                    },
                });
            }
        }
        ElementSnapshot {
            anchor: anchor.to_string(),
            directive: directive.to_string(),
            label,
            title: title.to_string(),
            cells,
        }
    }
}

impl ReportSnapshot {
    /// Adds the elements another stage published (the `grids` views) and puts every element
    /// in reading order, the order of the report's elements (boxes' contents included).
    pub fn add_elements(&mut self, report: &ParsedReport, more: Vec<ElementSnapshot>) {
        fn walk(nodes: &[Node], order: &mut BTreeMap<String, usize>) {
            for node in nodes {
                if let Node::Element(el) = node {
                    let next = order.len();
                    order.entry(el.anchor.clone()).or_insert(next);
                    walk(&el.content, order);
                }
            }
        }
        if more.is_empty() {
            return;
        }
        let mut order = BTreeMap::new();
        walk(&report.nodes, &mut order);
        self.elements.extend(more);
        // Stable: elements the report does not name keep their order, at the end.
        self.elements
            .sort_by_key(|e| order.get(&e.anchor).copied().unwrap_or(usize::MAX));
    }
}

/// Adds to `snapshot` the inline values of `report` that other stages than `tables` answer
/// (`[=ratings:...]`), as the resolve stage wrote them; named values and table cells are in
/// the snapshot already.
pub fn add_resolved_values(report: &ParsedReport, snapshot: &mut ReportSnapshot) {
    fn walk(nodes: &[Node], into: &mut BTreeMap<String, Cell>) {
        for node in nodes {
            match node {
                Node::Value(v) if v.name.contains(':') => {
                    if let Some(text) = &v.resolved {
                        let cell = Cell {
                            text: text.clone(),
                            state: State::Value,
                        };
                        into.insert(v.name.trim().to_string(), cell);
                    }
                }
                Node::Element(el) => walk(&el.content, into),
                _ => {}
            }
        }
    }
    walk(&report.nodes, &mut snapshot.values);
    for note in &report.footnotes {
        walk(&note.content, &mut snapshot.values);
    }
}
