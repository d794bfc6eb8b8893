//! Disclosure stage: a raw table of counts and other numbers ([`Grid`]) -> a [`Published`]
//! table, the only form in which numbers reach tables, charts, inline values and downloads.
//!
//! Input: a [`Grid`] built by the query engine (key cells, counts, other measures, the sum
//! relations between cells) and the [`Rules`] in force (threshold, zeros). Output: a
//! [`Published`] table whose cells are shown, hidden or missing, and whose derived columns can
//! only be computed from published cells.
//!
//! What it does, in order: primary suppression (a count below the threshold, and a zero when
//! zeros are hidden, becomes hidden); secondary suppression (in every sum relation, a row,
//! column or total, where exactly one cell is hidden, another is hidden too, until stable; then
//! an exact check that no hidden cell is fixed by the relations together). Where a dataset is
//! published more than once, [`coordinate`] first makes all its publications safe together
//! (see `coordinate.rs` for the model): [`survey`] gives each grid's own control and the rows
//! its numbers add up, and [`publish_hiding`] publishes the grid with the cells coordination
//! chose. A `Grid` can be built by anyone but read by no one: `publish`, `publish_hiding`,
//! `survey` (states, no hidden values) and [`exposed`] (hidden values, for the output audit
//! only) are its only readers, and `publish`/`publish_hiding` the only way to make a
//! `Published` table, so raw counts cannot reach a page by another route.
//!
//! Files: `secondary` (primary and secondary suppression), `audit` (the exact check of one
//! table), `coordinate` (all publications of a dataset together), `published` (the published
//! table), `output` (cell texts and CSV in a [`Dialect`]).
//!
//! It must not format numbers (`format` does) or know about query specs (`query` does).

mod audit;
mod coordinate;
mod output;
mod published;
mod secondary;

#[cfg(test)]
mod joint_tests;
#[cfg(test)]
mod proptests;

pub use crate::data::Zeros;
pub use coordinate::{Lineage, MAX_ATOMS, Sheet, Space, TooLarge, Traced, coordinate};
pub use output::{Dialect, Markers, csv_writer, neutralise};
pub use published::{CellView, Published};

use crate::data::DatasetMeta;

/// The disclosure rules in force for one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Counts below this are hidden.
    pub threshold: u32,
    pub zeros: Zeros,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            threshold: 3,
            zeros: Zeros::Show,
        }
    }
}

impl Rules {
    /// The rules a dataset's sidecar (or the site default it fell back to) declares.
    pub fn of(meta: &DatasetMeta) -> Rules {
        Rules {
            threshold: meta.threshold,
            zeros: meta.zeros,
        }
    }

    /// The stricter of two rule sets (higher threshold; zeros hidden if either hides them), so
    /// a report or dataset can tighten the site's rules but never loosen them.
    pub fn strictest(self, other: Rules) -> Rules {
        Rules {
            threshold: self.threshold.max(other.threshold),
            zeros: if self.zeros == Zeros::Hide || other.zeros == Zeros::Hide {
                Zeros::Hide
            } else {
                Zeros::Show
            },
        }
    }
}

/// What a column holds, as disclosure control sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Labels of rows: group keys, names, years.
    Key,
    /// Counts of people or cases: primary and secondary suppression apply.
    Count,
    /// Other quantities (amounts, rates): published as they are.
    Measure,
    /// Computed from published cells after disclosure control.
    Derived,
}

/// How a column's cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    /// Four-digit years, never grouped: `2018`.
    Year,
    Number {
        decimals: u8,
        unit: Unit,
    },
}

/// The unit a number is shown with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    #[default]
    None,
    /// `84 %` or `84 pct.`.
    Percent,
    /// `3,2 procentpoint`.
    Pp,
}

/// A column's heading and how its cells are treated and shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// The name references use (expressions, `select`, `sort`).
    pub name: String,
    /// The header shown.
    pub label: String,
    pub unit: Option<String>,
    pub role: Role,
    pub format: Format,
}

/// Whether a row is a body row or the totals row ("I alt").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Body,
    Total,
}

/// One cell before disclosure control.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Text(String),
    Integer(i64),
    Number(f64),
    Missing,
    /// Hidden in the source already (a publisher's suppression code).
    Suppressed,
}

/// Cells that add up: `parts` sum to `total`. Without a total cell the total is taken to be
/// known anyway (it may be published elsewhere), so the parts alone are protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// `(row, column)` of each part.
    pub parts: Vec<(usize, usize)>,
    pub total: Option<(usize, usize)>,
}

impl Relation {
    pub fn new(parts: Vec<(usize, usize)>, total: Option<(usize, usize)>) -> Relation {
        Relation { parts, total }
    }

    /// The parts and the total.
    fn members(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.parts.iter().copied().chain(self.total)
    }
}

/// A raw table on its way to publication. It has no accessors: only [`publish`] reads it.
#[derive(Debug, Clone)]
pub struct Grid {
    heads: Vec<Head>,
    rows: Vec<(RowKind, Vec<Raw>)>,
    relations: Vec<Relation>,
}

impl Grid {
    pub fn new(heads: Vec<Head>) -> Grid {
        Grid {
            heads,
            rows: Vec::new(),
            relations: Vec::new(),
        }
    }

    /// Appends a row; panics when it has not one cell per column (a bug in the caller).
    pub fn push_row(&mut self, kind: RowKind, cells: Vec<Raw>) {
        assert_eq!(cells.len(), self.heads.len(), "one cell per column");
        self.rows.push((kind, cells));
    }

    /// Declares that the cells `parts` add up to `total`; panics on a cell outside the grid.
    pub fn relate(&mut self, parts: Vec<(usize, usize)>, total: Option<(usize, usize)>) {
        let relation = Relation::new(parts, total);
        for (r, c) in relation.members() {
            assert!(
                r < self.rows.len() && c < self.heads.len(),
                "cell in the grid"
            );
        }
        self.relations.push(relation);
    }

    pub fn row_count(&self) -> usize {
        self.rows.len()
    }
}

/// Applies `rules` to `grid`: the only way to make a [`Published`] table.
pub fn publish(grid: Grid, rules: &Rules) -> Published {
    publish_hiding(grid, rules, &[])
}

/// Applies `rules` to `grid` with the cells `hide` (row, column) hidden as well: those that
/// [`coordinate`] chose so that the grid is safe together with the dataset's other
/// publications.
pub fn publish_hiding(grid: Grid, rules: &Rules, hide: &[(usize, usize)]) -> Published {
    let states = suppress(&grid, rules, hide);
    let Grid { heads, rows, .. } = grid;
    let rows = rows
        .into_iter()
        .zip(states)
        .map(|((kind, cells), states)| {
            let cells = cells
                .into_iter()
                .zip(states)
                .map(|(cell, state)| published::Cell::from_raw(cell, state))
                .collect();
            (kind, cells)
        })
        .collect();
    Published::new(heads, rows, rules.threshold)
}

/// The states of `grid`'s cells: primary suppression, the cells `hide`, then the relation rule
/// and the exact check.
fn suppress(grid: &Grid, rules: &Rules, hide: &[(usize, usize)]) -> Vec<Vec<secondary::State>> {
    let mut states = primary_states(grid, rules);
    for &(r, c) in hide {
        if let Some(state) = states.get_mut(r).and_then(|row| row.get_mut(c))
            && matches!(state, secondary::State::Shown(_))
        {
            *state = secondary::State::Hidden;
        }
    }
    secondary::protect(&mut states, &grid.relations);
    states
}

fn primary_states(grid: &Grid, rules: &Rules) -> Vec<Vec<secondary::State>> {
    grid.rows
        .iter()
        .map(|(_, cells)| {
            cells
                .iter()
                .zip(&grid.heads)
                .map(|(cell, head)| secondary::primary(cell, head.role, rules))
                .collect()
        })
        .collect()
}

/// A cell that disclosure control hides, with its raw value and where it sits: the ground truth
/// of the output audit ([`exposed`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Exposed {
    /// The texts of the row's key cells (for the totals row, its label first).
    pub row: Vec<String>,
    pub kind: RowKind,
    /// The column's name.
    pub column: String,
    pub raw: f64,
}

/// The raw values of the cells of `grid` that [`publish_hiding`] hides, except those the source
/// hid already (no value is known for them). For the output audit only, which checks that none
/// of them reaches a built site: no stage of a build calls it, and nothing it returns is
/// passed to templates.
pub fn exposed(grid: &Grid, rules: &Rules, hide: &[(usize, usize)]) -> Vec<Exposed> {
    let states = suppress(grid, rules, hide);
    let mut out = Vec::new();
    for ((kind, cells), states) in grid.rows.iter().zip(&states) {
        let row: Vec<String> = cells
            .iter()
            .zip(&grid.heads)
            .filter(|(_, h)| h.role == Role::Key)
            .map(|(cell, _)| match cell {
                Raw::Text(t) => t.clone(),
                Raw::Integer(i) => i.to_string(),
                _ => String::new(),
            })
            .collect();
        for ((cell, state), head) in cells.iter().zip(states).zip(&grid.heads) {
            let raw = match cell {
                Raw::Integer(i) => *i as f64,
                Raw::Number(x) => *x,
                _ => continue,
            };
            if *state == secondary::State::Hidden {
                out.push(Exposed {
                    row: row.clone(),
                    kind: *kind,
                    column: head.name.clone(),
                    raw,
                });
            }
        }
    }
    out
}

/// A grid's own disclosure control, before it is published, with the rows of the dataset
/// that each of its numbers adds up: the input of [`coordinate`].
pub fn survey(grid: &Grid, lineage: Lineage, rules: &Rules) -> Sheet {
    let primary = primary_states(grid, rules);
    let mut states = primary.clone();
    secondary::protect(&mut states, &grid.relations);
    Sheet {
        primary,
        states,
        relations: grid.relations.clone(),
        lineage,
    }
}
