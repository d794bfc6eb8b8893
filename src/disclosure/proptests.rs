//! Property tests of disclosure control over random small tables with margins: no hidden cell
//! can be recomputed from what is published, small counts never appear, derived values inherit
//! suppression, and hidden, missing and zero never turn into one another.

use proptest::prelude::*;

use super::{
    CellView, Format, Grid, Head, Published, Raw, Relation, Role, RowKind, Rules, Unit, Zeros,
    publish,
};

pub(super) fn head(name: String, role: Role) -> Head {
    Head {
        label: name.clone(),
        name,
        unit: None,
        role,
        format: Format::Number {
            decimals: 0,
            unit: Unit::None,
        },
    }
}

/// A raw count: mostly small numbers so suppression has work to do; now and then missing or
/// already suppressed by the source.
pub(super) fn raw_count() -> impl Strategy<Value = Raw> {
    prop_oneof![
        12 => (0i64..25).prop_map(Raw::Integer),
        1 => Just(Raw::Missing),
        1 => Just(Raw::Suppressed),
    ]
}

pub(super) fn rules() -> impl Strategy<Value = Rules> {
    (1u32..6, prop_oneof![Just(Zeros::Show), Just(Zeros::Hide)])
        .prop_map(|(threshold, zeros)| Rules { threshold, zeros })
}

/// A body of counts with a totals column and a totals row, laid out as the query engine lays
/// out a pivot table, and its relations.
#[derive(Debug, Clone)]
pub(super) struct Table {
    pub(super) body: Vec<Vec<Raw>>,
    pub(super) rules: Rules,
}

pub(super) fn table() -> impl Strategy<Value = Table> {
    (1usize..6, 1usize..6)
        .prop_flat_map(|(r, c)| {
            (
                proptest::collection::vec(proptest::collection::vec(raw_count(), c), r),
                rules(),
            )
        })
        .prop_map(|(body, rules)| Table { body, rules })
}

pub(super) fn sum(cells: &[Raw]) -> Raw {
    let mut total = 0;
    for c in cells {
        match c {
            Raw::Integer(i) => total += i,
            Raw::Suppressed => return Raw::Suppressed,
            _ => return Raw::Missing,
        }
    }
    Raw::Integer(total)
}

impl Table {
    /// The grid (column 0 a key, then the body columns, then the totals column) and its
    /// relations in grid coordinates.
    pub(super) fn grid(&self) -> (Grid, Vec<Relation>) {
        let (r, c) = (self.body.len(), self.body[0].len());
        let mut heads = vec![head("key".into(), Role::Key)];
        heads.extend((0..=c).map(|j| head(format!("c{j}"), Role::Count)));
        let mut g = Grid::new(heads);
        let mut rows: Vec<Vec<Raw>> = self.body.clone();
        let totals_row: Vec<Raw> = (0..c)
            .map(|j| sum(&rows.iter().map(|row| row[j].clone()).collect::<Vec<_>>()))
            .collect();
        rows.push(totals_row);
        for (i, row) in rows.iter_mut().enumerate() {
            row.push(sum(row));
            let kind = if i == r {
                RowKind::Total
            } else {
                RowKind::Body
            };
            let mut cells = vec![Raw::Text(format!("r{i}"))];
            cells.extend(row.iter().cloned());
            g.push_row(kind, cells);
        }
        let mut relations = Vec::new();
        for i in 0..=r {
            let parts = (1..=c).map(|j| (i, j)).collect();
            relations.push(Relation {
                parts,
                total: Some((i, c + 1)),
            });
        }
        for j in 1..=c + 1 {
            let parts = (0..r).map(|i| (i, j)).collect();
            relations.push(Relation {
                parts,
                total: Some((r, j)),
            });
        }
        for rel in &relations {
            g.relate(rel.parts.clone(), rel.total);
        }
        (g, relations)
    }
}

fn is_hidden(t: &Published, (r, c): (usize, usize)) -> bool {
    t.cell(r, c) == CellView::Hidden
}

fn is_shown(t: &Published, (r, c): (usize, usize)) -> bool {
    t.cell(r, c).number().is_some()
}

/// Whether hidden cell `h` is fixed by the relations: exact integer elimination, independent of
/// the floating-point check the stage itself uses.
fn recomputable(t: &Published, relations: &[Relation], h: (usize, usize)) -> bool {
    let mut unknowns: Vec<(usize, usize)> = relations
        .iter()
        .flat_map(|rel| rel.parts.iter().copied().chain(rel.total))
        .filter(|&m| is_hidden(t, m))
        .collect();
    unknowns.sort_unstable();
    unknowns.dedup();
    let index = |m: (usize, usize)| unknowns.binary_search(&m).unwrap();
    let mut rows: Vec<Vec<i128>> = relations
        .iter()
        .map(|rel| {
            let mut row = vec![0i128; unknowns.len()];
            rel.parts
                .iter()
                .filter(|&&p| is_hidden(t, p))
                .for_each(|&p| row[index(p)] += 1);
            if let Some(tot) = rel.total.filter(|&m| is_hidden(t, m)) {
                row[index(tot)] -= 1;
            }
            row
        })
        .collect();
    let base = rank(&mut rows.clone());
    let mut unit = vec![0i128; unknowns.len()];
    unit[index(h)] = 1;
    rows.push(unit);
    rank(&mut rows) == base
}

pub(super) fn rank(rows: &mut [Vec<i128>]) -> usize {
    let n = rows.first().map_or(0, Vec::len);
    let mut top = 0;
    for col in 0..n {
        let Some(p) = (top..rows.len()).find(|&i| rows[i][col] != 0) else {
            continue;
        };
        rows.swap(top, p);
        for i in 0..rows.len() {
            if i != top && rows[i][col] != 0 {
                let (a, b) = (rows[top][col], rows[i][col]);
                let pivot = rows[top].clone();
                for (v, pv) in rows[i].iter_mut().zip(&pivot) {
                    *v = *v * a - pv * b;
                }
                let g = rows[i].iter().fold(0i128, |g, &v| gcd(g, v.abs()));
                if g > 1 {
                    rows[i].iter_mut().for_each(|v| *v /= g);
                }
            }
        }
        top += 1;
    }
    top
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_hidden_cell_can_be_recomputed(t in table()) {
        let (grid, relations) = t.grid();
        let published = publish(grid, &t.rules);
        for rel in &relations {
            let members: Vec<_> = rel.parts.iter().copied().chain(rel.total).collect();
            let hidden = members.iter().filter(|&&m| is_hidden(&published, m)).count();
            let shown = members.iter().filter(|&&m| is_shown(&published, m)).count();
            // One hidden cell is safe only when nothing else in the relation is published.
            prop_assert!(hidden != 1 || shown == 0, "{rel:?}\n{published:?}");
        }
        for r in 0..published.row_count() {
            for c in 1..published.heads().len() {
                if !is_hidden(&published, (r, c)) || !recomputable(&published, &relations, (r, c)) {
                    continue;
                }
                // Fixed only where every relation of the cell has nothing published left.
                let exempt = relations
                    .iter()
                    .filter(|rel| rel.parts.contains(&(r, c)) || rel.total == Some((r, c)))
                    .all(|rel| !rel.parts.iter().copied().chain(rel.total).any(|m| is_shown(&published, m)));
                prop_assert!(exempt, "cell ({r}, {c}) can be recomputed\n{published:?}");
            }
        }
    }

    #[test]
    fn small_counts_never_appear(t in table()) {
        let (grid, _) = t.grid();
        let published = publish(grid, &t.rules);
        for r in 0..published.row_count() {
            for c in 1..published.heads().len() {
                if let Some(x) = published.cell(r, c).number() {
                    let zero_shown = x == 0.0 && t.rules.zeros == Zeros::Show;
                    prop_assert!(x >= f64::from(t.rules.threshold) || zero_shown, "{x} at ({r}, {c})");
                }
            }
        }
    }

    #[test]
    fn derived_values_inherit_suppression(t in table()) {
        let (grid, _) = t.grid();
        let mut published = publish(grid, &t.rules);
        let (a, b) = (1, published.heads().len() - 1);
        let before = published.clone();
        published.derive(head("share".into(), Role::Derived), &[a, b], |v| Some(v[0] / v[1] * 100.0));
        let d = published.heads().len() - 1;
        for r in 0..published.row_count() {
            let expected = match (before.cell(r, a), before.cell(r, b)) {
                (CellView::Hidden, _) | (_, CellView::Hidden) => CellView::Hidden,
                (x, y) => match (x.number(), y.number()) {
                    (Some(x), Some(y)) if y != 0.0 => CellView::Number(x / y * 100.0),
                    _ => CellView::Missing,
                },
            };
            prop_assert_eq!(published.cell(r, d), expected);
        }
    }

    #[test]
    fn hidden_missing_and_zero_stay_apart(
        cells in proptest::collection::vec(raw_count(), 1..30),
        rules in rules(),
    ) {
        // A measure column (no primary suppression) and a count column without relations.
        let mut g = Grid::new(vec![head("m".into(), Role::Measure), head("n".into(), Role::Count)]);
        for c in &cells {
            g.push_row(RowKind::Body, vec![c.clone(), c.clone()]);
        }
        let published = publish(g, &rules);
        for (r, raw) in cells.iter().enumerate() {
            let (m, n) = (published.cell(r, 0), published.cell(r, 1));
            match raw {
                Raw::Missing => prop_assert!(m == CellView::Missing && n == CellView::Missing),
                Raw::Suppressed => prop_assert!(m == CellView::Hidden && n == CellView::Hidden),
                Raw::Integer(i) => {
                    prop_assert_eq!(m, CellView::Integer(*i));
                    let small = *i < i64::from(rules.threshold) && !(*i == 0 && rules.zeros == Zeros::Show);
                    prop_assert_eq!(n, if small { CellView::Hidden } else { CellView::Integer(*i) });
                }
                _ => unreachable!(),
            }
        }
    }
}
