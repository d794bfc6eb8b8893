//! The exact check after secondary suppression: can the relations together fix a hidden cell?
//!
//! Part of the `disclosure` stage; pure. "Two hidden cells in every relation" is not enough on
//! its own: in a table with margins, a hidden cell that links two otherwise separate groups of
//! hidden cells follows from adding up the rows of one group and subtracting its columns. Here
//! every hidden cell is an unknown, every relation with a hidden member an equation (shown and
//! missing cells are known constants), and a hidden cell is fixed when its unit vector lies in
//! the span of the equations; the reduced row echelon form tells. Above [`MAX_UNKNOWNS`] hidden
//! cells the check is skipped (the relation rule still holds).

use std::collections::BTreeMap;

use super::Relation;
use super::secondary::{Prefer, State, complement};

/// The largest number of hidden cells the exact check handles (its cost grows with the cube).
pub const MAX_UNKNOWNS: usize = 1500;

const EPS: f64 = 1e-9;

/// A cell to hide so that a hidden cell the relations fix is no longer fixed; `None` when no
/// hidden cell is fixed, or none that is fixed has a shown cell left in its relations.
pub fn fixed_cell_complement(
    states: &[Vec<State>],
    relations: &[Relation],
    prefer: Prefer,
) -> Option<(usize, usize)> {
    for cell in fixed_cells(states, relations) {
        let found = relations
            .iter()
            .filter(|rel| rel.members().any(|m| m == cell))
            .find_map(|rel| complement(states, rel, prefer));
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The hidden cells that the relations determine, in row-column order.
pub fn fixed_cells(states: &[Vec<State>], relations: &[Relation]) -> Vec<(usize, usize)> {
    let hidden = |&(r, c): &(usize, usize)| states[r][c] == State::Hidden;
    let unknowns: BTreeMap<(usize, usize), usize> = {
        let mut cells: Vec<(usize, usize)> = relations
            .iter()
            .flat_map(|rel| rel.members().filter(hidden))
            .collect();
        cells.sort_unstable();
        cells.dedup();
        cells.into_iter().enumerate().map(|(i, c)| (c, i)).collect()
    };
    let n = unknowns.len();
    if n == 0 || n > MAX_UNKNOWNS {
        return Vec::new();
    }
    let mut rows: Vec<Vec<f64>> = relations
        .iter()
        .filter(|rel| rel.members().any(|m| hidden(&m)))
        .map(|rel| {
            let mut row = vec![0.0; n];
            for p in rel.parts.iter().filter(|p| hidden(p)) {
                row[unknowns[p]] += 1.0;
            }
            if let Some(t) = rel.total.filter(hidden) {
                row[unknowns[&t]] -= 1.0;
            }
            row
        })
        .collect();
    let pivots = reduce(&mut rows, n);
    let mut fixed: Vec<(usize, usize)> = Vec::new();
    let cell_of: Vec<(usize, usize)> = unknowns.keys().copied().collect();
    for (row, &p) in rows.iter().zip(&pivots) {
        if row.iter().enumerate().all(|(j, v)| j == p || v.abs() < EPS) {
            fixed.push(cell_of[p]);
        }
    }
    fixed.sort_unstable();
    fixed
}

/// Gauss-Jordan elimination in place; returns the pivot column of each remaining row (rows
/// without a pivot are dropped).
pub(super) fn reduce(rows: &mut Vec<Vec<f64>>, n: usize) -> Vec<usize> {
    let mut pivots = Vec::new();
    let mut top = 0;
    for col in 0..n {
        if top == rows.len() {
            break;
        }
        let Some(best) = (top..rows.len())
            .filter(|&i| rows[i][col].abs() > EPS)
            .max_by(|&a, &b| rows[a][col].abs().total_cmp(&rows[b][col].abs()))
        else {
            continue;
        };
        rows.swap(top, best);
        let scale = rows[top][col];
        rows[top].iter_mut().for_each(|v| *v /= scale);
        let pivot_row = rows[top].clone();
        for (i, row) in rows.iter_mut().enumerate() {
            if i != top && row[col].abs() > EPS {
                let f = row[col];
                row.iter_mut()
                    .zip(&pivot_row)
                    .for_each(|(v, p)| *v -= f * p);
            }
        }
        pivots.push(col);
        top += 1;
    }
    rows.truncate(top);
    pivots
}

#[cfg(test)]
mod tests {
    use super::*;
    use State::{Hidden, Shown};

    fn rel(parts: &[(usize, usize)], total: Option<(usize, usize)>) -> Relation {
        Relation::new(parts.to_vec(), total)
    }

    /// Row and column relations of an r x c body without total cells.
    fn margins(r: usize, c: usize) -> Vec<Relation> {
        let rows = (0..r).map(|i| rel(&(0..c).map(|j| (i, j)).collect::<Vec<_>>(), None));
        let cols = (0..c).map(|j| rel(&(0..r).map(|i| (i, j)).collect::<Vec<_>>(), None));
        rows.chain(cols).collect()
    }

    #[test]
    fn a_rectangle_of_four_is_safe() {
        let mut s = vec![vec![Shown(9.0); 3]; 3];
        for (r, c) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            s[r][c] = Hidden;
        }
        assert!(fixed_cells(&s, &margins(3, 3)).is_empty());
    }

    #[test]
    fn a_bridge_between_two_rectangles_is_fixed() {
        // Rectangles in rows 0-1 x cols 0-1 and rows 2-3 x cols 2-3, linked by cell (1, 2):
        // every row and column has two or more hidden cells, yet (1, 2) follows from the sums.
        let mut s = vec![vec![Shown(9.0); 4]; 4];
        for (r, c) in [
            (0, 0),
            (0, 1),
            (1, 0),
            (1, 1),
            (2, 2),
            (2, 3),
            (3, 2),
            (3, 3),
            (1, 2),
        ] {
            s[r][c] = Hidden;
        }
        assert_eq!(fixed_cells(&s, &margins(4, 4)), [(1, 2)]);
        assert!(fixed_cell_complement(&s, &margins(4, 4), &|_| false).is_some());
    }

    #[test]
    fn a_lone_hidden_cell_is_fixed() {
        let s = vec![vec![Hidden, Shown(4.0)]];
        assert_eq!(fixed_cells(&s, &[rel(&[(0, 0), (0, 1)], None)]), [(0, 0)]);
    }
}
