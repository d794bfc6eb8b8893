//! A query's shape + its groups -> the [`Lineage`] of its grid: which selected rows of the
//! dataset each number adds up, for coordinated suppression across publications.
//!
//! Part of the `query` stage; pure, and run only when a dataset has several publications (the
//! tables stage asks for it). It mirrors the cell layout of `assemble` (rows as they are, flat
//! groups, pivot tables with their totals) without reading a single value.

use super::assemble::{Layout, Measure, Shape};
use super::group::{AggFn, Groups};
use crate::data::{ColumnType, Dataset, Values};
use crate::disclosure::{Lineage, Space, Traced};

/// What measure `m` adds up, and whether it is linear only over one row (minimum, maximum).
fn space(ds: &Dataset, m: &Measure) -> (Space, bool) {
    let index = m
        .agg
        .column
        .and_then(|c| ds.columns.iter().position(|d| std::ptr::eq(d, c)))
        .unwrap_or(usize::MAX);
    match m.agg.func {
        AggFn::Rows => (Space::Rows, false),
        AggFn::Values => (Space::Values(index), false),
        AggFn::Sum | AggFn::Mean => (Space::Column(index), false),
        AggFn::Min | AggFn::Max => (Space::Column(index), true),
    }
}

fn traced(cell: (usize, usize), (space, single): (Space, bool), groups: Vec<u32>) -> Traced {
    Traced {
        cell,
        space,
        groups,
        single_row_only: single,
    }
}

/// Rows as they are: each row is its own group; every number column is traced.
pub fn rows(ds: &Dataset, rows: &[u32], totals_row: bool) -> Lineage {
    let body = rows.len();
    let mut cells = Vec::new();
    for (c, col) in ds.columns.iter().enumerate() {
        let numeric = matches!(col.values, Values::Integer(_) | Values::Number(_));
        if !numeric || col.kind == ColumnType::Year {
            continue;
        }
        let space = (Space::Column(c), false);
        cells.extend((0..body).map(|i| traced((i, c), space, vec![i as u32])));
        if totals_row {
            cells.push(traced((body, c), space, (0..body as u32).collect()));
        }
    }
    Lineage {
        rows: rows.to_vec(),
        groups: (0..body as u32).collect(),
        cells,
    }
}

/// Groups with one column per measure: group `g` is row `g`; the totals row adds them all.
pub fn flat(ds: &Dataset, rows: &[u32], groups: &Groups, shape: &Shape) -> Lineage {
    let (nk, ng) = (shape.keys.len(), groups.keys.len());
    let body = if nk == 0 { ng.max(1) } else { ng };
    let mut cells = Vec::new();
    for (a, m) in shape.measures.iter().enumerate() {
        let space = space(ds, m);
        let c = nk + a;
        cells.extend((0..ng).map(|g| traced((g, c), space, vec![g as u32])));
        if shape.totals_row {
            cells.push(traced((body, c), space, (0..ng as u32).collect()));
        }
    }
    Lineage {
        rows: rows.to_vec(),
        groups: groups.row_groups(),
        cells,
    }
}

/// A pivot table: each cell is the group of its row and pivot value; totals add up rows,
/// columns or everything.
pub fn pivot(ds: &Dataset, rows: &[u32], groups: &Groups, lay: &Layout, shape: &Shape) -> Lineage {
    let (nk, nm, np) = (shape.keys.len(), shape.measures.len(), lay.pivots.len());
    let body = lay.rows.len();
    let of = |cells: &mut dyn Iterator<Item = &Option<usize>>| -> Vec<u32> {
        cells.filter_map(|g| g.map(|g| g as u32)).collect()
    };
    let mut cells = Vec::new();
    for (a, m) in shape.measures.iter().enumerate() {
        let space = space(ds, m);
        let col = |p: usize| nk + p * nm + a;
        let total_col = nk + np * nm + a;
        for (i, row) in lay.cells.iter().enumerate() {
            for (p, g) in row.iter().enumerate() {
                cells.push(traced((i, col(p)), space, of(&mut std::iter::once(g))));
            }
            if shape.totals_column {
                cells.push(traced((i, total_col), space, of(&mut row.iter())));
            }
        }
        if shape.totals_row {
            for p in 0..np {
                let column = of(&mut lay.cells.iter().map(|row| &row[p]));
                cells.push(traced((body, col(p)), space, column));
            }
            if shape.totals_column {
                let all = of(&mut lay.cells.iter().flatten());
                cells.push(traced((body, total_col), space, all));
            }
        }
    }
    Lineage {
        rows: rows.to_vec(),
        groups: groups.row_groups(),
        cells,
    }
}
