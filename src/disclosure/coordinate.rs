//! Coordinated suppression: every publication of one dataset (tables, charts, named inline
//! values, in any report of the site) made jointly safe.
//!
//! Part of the `disclosure` stage; pure. Each publication arrives as a [`Sheet`]: its cells'
//! states after its own primary and secondary suppression, its sum relations, and its
//! [`Lineage`], which says which rows of the dataset each number adds up. The model:
//!
//! * The dataset's rows are split into *atoms*, the classes of rows that every publication
//!   puts in the same group (or leaves out alike). Every additive number published (a sum, a
//!   count, a mean of a count, a minimum or maximum over one row) is then a sum over a set of
//!   atoms: one linear equation per shown cell, in one unknown per atom, separately for each
//!   measured quantity (a column's values, rows counted, values counted). Each publication has
//!   already been made safe on its own, margins it does not show included (they may be known
//!   from elsewhere); the joint check adds everything the site shows.
//! * A hidden cell can be recomputed from everything published together exactly when its
//!   vector lies in the span of the shown ones. While one does, the smallest shown number that
//!   shares atoms with it and whose hiding breaks the recomputation is hidden, in every
//!   publication that shows it (the smallest overlapping one when no single number does), and
//!   those publications' own relation rule runs again. Each step hides at least one more cell,
//!   so this ends, and it ends with every hidden cell safe: a hidden cell with no shown cell
//!   left that overlaps it cannot be in the span of the shown ones.
//!
//! Order is fixed (publications in site order, cells in row-column order, values then
//! positions on ties), so the result is deterministic. The linear algebra first takes out the
//! atoms that a shown cell fixes by itself (exact substitution; most cells of a big table),
//! then reduces the rest densely; above [`MAX_ATOMS`] atoms left in one quantity the check is
//! not made and [`TooLarge`] says so; each table's own control still holds.
//! It must not read raw values of hidden cells (states carry only shown values) or format.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};

use super::secondary::{self, State};
use super::{Relation, audit};

/// The largest number of atoms in one quantity that the joint check handles.
pub const MAX_ATOMS: usize = 400;

const EPS: f64 = 1e-9;

/// What a number adds up: a dataset column's values, the rows, or the values present in a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Space {
    Column(usize),
    Rows,
    Values(usize),
}

/// One cell whose number is a sum over groups of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Traced {
    pub cell: (usize, usize),
    pub space: Space,
    /// The publication's groups (indices into its own numbering) that the cell adds up.
    pub groups: Vec<u32>,
    /// A minimum or maximum: linear only when it covers one row.
    pub single_row_only: bool,
}

/// Which dataset rows each cell of a publication adds up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lineage {
    /// The dataset rows that passed the filter, and each one's group.
    pub rows: Vec<u32>,
    pub groups: Vec<u32>,
    pub cells: Vec<Traced>,
}

/// One publication on its way through coordination.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// After primary suppression only.
    pub(super) primary: Vec<Vec<State>>,
    pub(super) states: Vec<Vec<State>>,
    pub(super) relations: Vec<Relation>,
    pub(super) lineage: Lineage,
}

impl Sheet {
    /// The cells hidden now, in row-column order: what [`super::publish_hiding`] must hide.
    pub fn hidden(&self) -> Vec<(usize, usize)> {
        let mut cells = Vec::new();
        for (r, row) in self.states.iter().enumerate() {
            for (c, s) in row.iter().enumerate() {
                if *s == State::Hidden {
                    cells.push((r, c));
                }
            }
        }
        cells
    }
}

/// The joint check was skipped: this many atoms in one quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge(pub usize);

/// A cell of one publication: (sheet, row, column).
type At = (usize, usize, usize);

/// Hides cells of `sheets` (all publications of one dataset of `dataset_rows` rows) until no
/// hidden cell can be recomputed from all of them together.
pub fn coordinate(dataset_rows: usize, sheets: &mut [Sheet]) -> Result<(), TooLarge> {
    let vectors = vectors(dataset_rows, sheets);
    let of_cell: BTreeMap<At, (Space, &[u32])> = vectors
        .iter()
        .flat_map(|(s, cells)| cells.iter().map(move |(at, v)| (*at, (*s, v.as_slice()))))
        .collect();
    seed(sheets, &of_cell);
    let mut exempt: BTreeSet<At> = BTreeSet::new();
    loop {
        let mut changed = false;
        for cells in vectors.values() {
            let system = System::new(cells, sheets)?;
            let Some(found) = system.first_fixed(&exempt) else {
                continue;
            };
            match system.breaker(found) {
                Some(copies) => {
                    for &(q, r, c) in &copies {
                        sheets[q].states[r][c] = State::Hidden;
                    }
                    for q in copies.iter().map(|c| c.0).collect::<BTreeSet<_>>() {
                        reprotect(q, sheets, &of_cell);
                    }
                }
                None => {
                    exempt.insert(found);
                }
            }
            changed = true;
            break;
        }
        if !changed {
            return Ok(());
        }
    }
}

/// Each traced cell's quantity and atoms.
type OfCell<'a> = BTreeMap<At, (Space, &'a [u32])>;

/// Makes the publications' own suppression agree where it can: from primary suppression
/// again, in order, each hides the numbers an earlier one hides and, where its relations
/// need another hidden cell, prefers one whose rows are hidden elsewhere already. Without
/// this, two tables would often pick different partners, and each would then have to hide
/// the other's.
fn seed(sheets: &mut [Sheet], of_cell: &OfCell) {
    for sheet in sheets.iter_mut() {
        sheet.states = sheet.primary.clone();
    }
    let mut hidden_before: BTreeSet<(Space, &[u32])> = BTreeSet::new();
    for q in 0..sheets.len() {
        for (&(_, r, c), &(s, v)) in of_cell.range((q, 0, 0)..(q + 1, 0, 0)) {
            let state = &mut sheets[q].states[r][c];
            if matches!(state, State::Shown(_)) && hidden_before.contains(&(s, v)) {
                *state = State::Hidden;
            }
        }
        reprotect(q, sheets, of_cell);
        for (&(_, r, c), &(s, v)) in of_cell.range((q, 0, 0)..(q + 1, 0, 0)) {
            if sheets[q].states[r][c] == State::Hidden && !v.is_empty() {
                hidden_before.insert((s, v));
            }
        }
    }
}

/// Runs publication `q`'s own relation rule and exact check, preferring cells whose rows are
/// all hidden in the other publications.
fn reprotect(q: usize, sheets: &mut [Sheet], of_cell: &OfCell) {
    // Only asked whether it holds an atom, never iterated: a hash set keeps no order to lose.
    let mut elsewhere: FxHashSet<(Space, u32)> = FxHashSet::default();
    for (&(p, r, c), &(s, v)) in of_cell {
        if p != q && sheets[p].states[r][c] == State::Hidden {
            elsewhere.extend(v.iter().map(|&a| (s, a)));
        }
    }
    let prefer = |(r, c): (usize, usize)| {
        of_cell
            .get(&(q, r, c))
            .is_some_and(|&(s, v)| !v.is_empty() && v.iter().all(|&a| elsewhere.contains(&(s, a))))
    };
    let sheet = &mut sheets[q];
    secondary::protect_preferring(&mut sheet.states, &sheet.relations, &prefer);
}

/// Per quantity: every traced cell and its atoms.
type Vectors = BTreeMap<Space, Vec<(At, Vec<u32>)>>;

fn vectors(dataset_rows: usize, sheets: &[Sheet]) -> Vectors {
    let atoms = atoms(dataset_rows, sheets);
    let mut out: Vectors = BTreeMap::new();
    for (q, sheet) in sheets.iter().enumerate() {
        let lin = &sheet.lineage;
        let groups = lin.groups.iter().max().map_or(0, |&g| g as usize + 1);
        // Each group's atoms, sorted and distinct: pushed per row, then sorted once (a set
        // insert per dataset row and publication was the stage's largest cost).
        let mut of_group: Vec<Vec<u32>> = vec![Vec::new(); groups];
        let mut rows_of_group = vec![0usize; groups];
        for (&row, &g) in lin.rows.iter().zip(&lin.groups) {
            let atoms_of = &mut of_group[g as usize];
            let a = atoms[row as usize];
            // Sorted extracts give runs of one atom: skip the repeats before sorting.
            if atoms_of.last() != Some(&a) {
                atoms_of.push(a);
            }
            rows_of_group[g as usize] += 1;
        }
        for atoms_of in &mut of_group {
            atoms_of.sort_unstable();
            atoms_of.dedup();
        }
        for t in &lin.cells {
            let mine: Vec<usize> = t
                .groups
                .iter()
                .map(|&g| g as usize)
                .filter(|&g| g < groups)
                .collect();
            let rows: usize = mine.iter().map(|&g| rows_of_group[g]).sum();
            if t.single_row_only && rows != 1 {
                continue;
            }
            let mut v: Vec<u32> = mine
                .iter()
                .flat_map(|&g| of_group[g].iter().copied())
                .collect();
            v.sort_unstable();
            v.dedup();
            out.entry(t.space)
                .or_default()
                .push(((q, t.cell.0, t.cell.1), v));
        }
    }
    out
}

/// Each dataset row's atom: rows alike in every publication share one. Refined one
/// publication at a time, numbered in order of their first row, so no row needs a signature.
fn atoms(dataset_rows: usize, sheets: &[Sheet]) -> Vec<u32> {
    let mut atom = vec![0u32; dataset_rows];
    let mut group = vec![u32::MAX; dataset_rows];
    for sheet in sheets {
        group.fill(u32::MAX);
        for (&row, &g) in sheet.lineage.rows.iter().zip(&sheet.lineage.groups) {
            group[row as usize] = g;
        }
        // A hash map: this runs once per dataset row and publication. The numbering is by
        // first row, so the map's order does not matter.
        let mut ids: FxHashMap<(u32, u32), u32> = FxHashMap::default();
        for (a, g) in atom.iter_mut().zip(&group) {
            let next = ids.len() as u32;
            *a = *ids.entry((*a, *g)).or_insert(next);
        }
    }
    atom
}

/// The equations of one quantity in its current states, as sorted atom lists.
struct System<'a> {
    /// Shown cells, with their value.
    known: Vec<((At, f64), &'a [u32])>,
    hidden: Vec<(At, &'a [u32])>,
    /// The basis of all shown cells.
    basis: Basis,
}

impl<'a> System<'a> {
    fn new(cells: &'a [(At, Vec<u32>)], sheets: &[Sheet]) -> Result<System<'a>, TooLarge> {
        let state = |(q, r, c): At| sheets[q].states[r][c];
        let mut known = Vec::new();
        let mut hidden = Vec::new();
        for (cell, v) in cells.iter().filter(|(_, v)| !v.is_empty()) {
            match state(*cell) {
                State::Shown(x) => known.push(((*cell, x), v.as_slice())),
                State::Hidden => hidden.push((*cell, v.as_slice())),
                _ => {}
            }
        }
        hidden.sort_by_key(|(at, _)| *at);
        let basis = Basis::of(known.iter().map(|(_, v)| *v))?;
        Ok(System {
            known,
            hidden,
            basis,
        })
    }

    /// The first hidden cell (not exempt) that the known cells fix.
    fn first_fixed(&self, exempt: &BTreeSet<At>) -> Option<At> {
        self.hidden
            .iter()
            .filter(|(at, _)| !exempt.contains(at))
            .find(|(_, v)| self.basis.spans(v))
            .map(|(at, _)| *at)
    }

    /// The shown cells to hide so that `fixed` is no longer recomputable: every copy of one
    /// number (cells that add up the same rows, in any publication), the first whose hiding
    /// alone breaks the recomputation (smallest value, non-zero first, then position), else
    /// the first that overlaps `fixed`; `None` when no shown cell overlaps it.
    fn breaker(&self, fixed: At) -> Option<Vec<At>> {
        let target = self.hidden.iter().find(|(at, _)| *at == fixed)?.1;
        // Distinct overlapping vectors, each with its copies.
        let mut numbers: BTreeMap<&[u32], Number> = BTreeMap::new();
        for (i, (cell, v)) in self.known.iter().enumerate() {
            let (at, x) = *cell;
            if v.iter().any(|a| target.binary_search(a).is_ok()) {
                let entry = numbers.entry(v).or_insert((x, Vec::new()));
                entry.1.push((i, at));
            }
        }
        let mut candidates: Vec<Number> = numbers.into_values().collect();
        candidates.sort_by(|a, b| {
            ((a.0 == 0.0).cmp(&(b.0 == 0.0)))
                .then(a.0.total_cmp(&b.0))
                .then(a.1[0].1.cmp(&b.1[0].1))
        });
        let breaks = |skip: &[(usize, At)]| {
            let rest = self
                .known
                .iter()
                .enumerate()
                .filter(|(i, _)| !skip.iter().any(|(j, _)| j == i))
                .map(|(_, (_, v))| *v);
            // A basis too large to check does not count as broken.
            Basis::of(rest).is_ok_and(|b| !b.spans(target))
        };
        candidates
            .iter()
            .find(|(_, copies)| breaks(copies))
            .or(candidates.first())
            .map(|(_, copies)| copies.iter().map(|(_, at)| *at).collect())
    }
}

/// One shown number: its value and its copies (index among the known cells, and place).
type Number = (f64, Vec<(usize, At)>);

/// A basis of the shown cells of one quantity. Atoms are dense numbers (see [`atoms`]), so
/// per-atom facts are vectors indexed by atom rather than ordered sets.
struct Basis {
    /// Per atom: fixed by the shown cells one by one (a cell of one unknown atom fixes it).
    solved: Vec<bool>,
    /// Per atom: its column of the dense rows, or [`NO_COLUMN`]; columns in atom order.
    columns: Vec<usize>,
    width: usize,
    rows: Vec<Vec<f64>>,
    pivots: Vec<usize>,
}

const NO_COLUMN: usize = usize::MAX;

impl Basis {
    /// The basis of `vectors`: first the atoms they fix one by one are taken out (exact, and
    /// most of a big table's cells are such), then the rest is reduced densely. Too many
    /// atoms left is [`TooLarge`].
    fn of<'a>(vectors: impl Iterator<Item = &'a [u32]>) -> Result<Basis, TooLarge> {
        // Copies of one number (a table and its chart) are one equation; sorted as a set.
        let mut distinct: Vec<&[u32]> = vectors.collect();
        distinct.sort_unstable();
        distinct.dedup();
        let atoms = distinct
            .iter()
            .filter_map(|v| v.last())
            .max()
            .map_or(0, |&a| a as usize + 1);
        let mut solved = vec![false; atoms];
        loop {
            let mut more = false;
            for v in &distinct {
                let mut open = v.iter().filter(|&&a| !solved[a as usize]);
                if let (Some(&a), None) = (open.next(), open.next()) {
                    solved[a as usize] = true;
                    more = true;
                }
            }
            if !more {
                break;
            }
        }
        let rest: Vec<Vec<u32>> = distinct
            .iter()
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&a| !solved[a as usize])
                    .collect::<Vec<u32>>()
            })
            .filter(|v| !v.is_empty())
            .collect();
        let mut columns = vec![NO_COLUMN; atoms];
        rest.iter().flatten().for_each(|&a| columns[a as usize] = 0);
        let mut width = 0;
        for c in columns.iter_mut().filter(|c| **c != NO_COLUMN) {
            *c = width;
            width += 1;
        }
        if width > MAX_ATOMS {
            return Err(TooLarge(width));
        }
        let mut rows: Vec<Vec<f64>> = rest
            .iter()
            .map(|v| {
                let mut d = vec![0.0; width];
                v.iter().for_each(|&a| d[columns[a as usize]] = 1.0);
                d
            })
            .collect();
        let pivots = audit::reduce(&mut rows, width);
        Ok(Basis {
            solved,
            columns,
            width,
            rows,
            pivots,
        })
    }

    /// Whether the atoms `v` add up to a combination of the basis.
    fn spans(&self, v: &[u32]) -> bool {
        let mut rest = vec![0.0f64; self.width];
        for &a in v {
            let a = a as usize;
            if self.solved.get(a) == Some(&true) {
                continue;
            }
            match self.columns.get(a) {
                Some(&c) if c != NO_COLUMN => rest[c] = 1.0,
                // An atom no shown cell holds: nothing can fix it.
                _ => return false,
            }
        }
        for (row, &p) in self.rows.iter().zip(&self.pivots) {
            let f = rest[p];
            if f.abs() > EPS {
                rest.iter_mut().zip(row).for_each(|(x, r)| *x -= f * r);
            }
        }
        rest.iter().all(|x| x.abs() < EPS)
    }
}
