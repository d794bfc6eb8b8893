//! Tests of coordinated suppression: random tables published together with random named
//! values (sums over any set of the table's cells) and another grouping of the same rows. No
//! hidden cell may be recomputable from everything shown together, checked by exact integer
//! elimination over the dataset's rows, independent of the stage's own floating-point check.

use proptest::prelude::*;

use super::proptests::{Table, head, rank, sum, table};
use super::{
    CellView, Grid, Lineage, Published, Raw, Role, RowKind, Rules, Sheet, Space, Traced,
    coordinate, publish, publish_hiding, survey,
};

/// One publication: its grid, and the dataset rows (cells of the body, `i * cols + j`) that
/// each of its cells adds up.
struct Publication {
    grid: Grid,
    lineage: Lineage,
}

fn traced(cell: (usize, usize), groups: Vec<u32>) -> Traced {
    Traced {
        cell,
        space: Space::Column(0),
        groups,
        single_row_only: false,
    }
}

/// The table with both margins, each body cell its own group.
fn pivot(t: &Table) -> Publication {
    let (r, c) = (t.body.len(), t.body[0].len());
    let (grid, _) = t.grid();
    let id = |i: usize, j: usize| (i * c + j) as u32;
    let mut cells = Vec::new();
    for i in 0..r {
        cells.extend((0..c).map(|j| traced((i, j + 1), vec![id(i, j)])));
        cells.push(traced((i, c + 1), (0..c).map(|j| id(i, j)).collect()));
    }
    cells.extend((0..c).map(|j| traced((r, j + 1), (0..r).map(|i| id(i, j)).collect())));
    cells.push(traced((r, c + 1), (0..(r * c) as u32).collect()));
    let rows: Vec<u32> = (0..(r * c) as u32).collect();
    Publication {
        grid,
        lineage: Lineage {
            groups: rows.clone(),
            rows,
            cells,
        },
    }
}

/// A named value: the sum of the body cells `set` (indices `i * cols + j`).
fn value(t: &Table, set: &[u32]) -> Publication {
    let c = t.body[0].len();
    let cells: Vec<Raw> = set
        .iter()
        .map(|&k| t.body[k as usize / c][k as usize % c].clone())
        .collect();
    let mut grid = Grid::new(vec![head("v".into(), Role::Count)]);
    grid.push_row(RowKind::Body, vec![sum(&cells)]);
    Publication {
        grid,
        lineage: Lineage {
            rows: set.to_vec(),
            groups: vec![0; set.len()],
            cells: vec![traced((0, 0), vec![0])],
        },
    }
}

/// Another grouping: the rows in `block` and the others, added up per column, without margins
/// shown (their relations still count).
fn blocks(t: &Table, block: &[bool]) -> Publication {
    let (r, c) = (t.body.len(), t.body[0].len());
    let mut grid = Grid::new((0..c).map(|j| head(format!("c{j}"), Role::Count)).collect());
    let mut groups = vec![0u32; r * c];
    for (b, inside) in [true, false].into_iter().enumerate() {
        let rows: Vec<usize> = (0..r).filter(|&i| block[i] == inside).collect();
        let cells = (0..c)
            .map(|j| {
                sum(&rows
                    .iter()
                    .map(|&i| t.body[i][j].clone())
                    .collect::<Vec<_>>())
            })
            .collect();
        grid.push_row(RowKind::Body, cells);
        for &i in &rows {
            for j in 0..c {
                groups[i * c + j] = (b * c + j) as u32;
            }
        }
        grid.relate((0..c).map(|j| (b, j)).collect(), None);
    }
    for j in 0..c {
        grid.relate(vec![(0, j), (1, j)], None);
    }
    let cells = (0..2)
        .flat_map(|b| (0..c).map(move |j| traced((b, j), vec![(b * c + j) as u32])))
        .collect();
    Publication {
        grid,
        lineage: Lineage {
            rows: (0..(r * c) as u32).collect(),
            groups,
            cells,
        },
    }
}

/// The published tables after coordination, each with its lineage.
fn publish_all(pubs: Vec<Publication>, rules: &Rules, rows: usize) -> Vec<(Published, Lineage)> {
    let mut sheets: Vec<Sheet> = pubs
        .iter()
        .map(|p| survey(&p.grid, p.lineage.clone(), rules))
        .collect();
    coordinate(rows, &mut sheets).expect("small enough");
    pubs.into_iter()
        .zip(&sheets)
        .map(|(p, sheet)| {
            let t = publish_hiding(p.grid, rules, &sheet.hidden());
            // Publishing with the coordinated cells hides exactly those.
            let hidden: Vec<(usize, usize)> = (0..t.row_count())
                .flat_map(|r| (0..t.heads().len()).map(move |c| (r, c)))
                .filter(|&(r, c)| t.cell(r, c) == CellView::Hidden)
                .collect();
            assert_eq!(hidden, sheet.hidden());
            (t, p.lineage)
        })
        .collect()
}

/// Every shown and hidden number of `published`, as a 0/1 vector over the dataset's rows.
fn vectors(published: &[(Published, Lineage)], rows: usize) -> (Vec<Vec<i128>>, Vec<Vec<i128>>) {
    let (mut shown, mut hidden) = (Vec::new(), Vec::new());
    for (t, lin) in published {
        for tr in &lin.cells {
            let mut v = vec![0i128; rows];
            for (&row, &g) in lin.rows.iter().zip(&lin.groups) {
                if tr.groups.contains(&g) {
                    v[row as usize] = 1;
                }
            }
            match t.cell(tr.cell.0, tr.cell.1) {
                CellView::Hidden if v.iter().any(|&x| x != 0) => hidden.push(v),
                c if c.number().is_some() => shown.push(v),
                _ => {}
            }
        }
    }
    (shown, hidden)
}

fn in_span(basis: &[Vec<i128>], v: &[i128]) -> bool {
    let before = rank(&mut basis.to_vec());
    let mut with = basis.to_vec();
    with.push(v.to_vec());
    rank(&mut with) == before
}

/// Hidden cells that everything shown together fixes, although a shown cell overlaps them.
fn leaks(published: &[(Published, Lineage)], rows: usize) -> usize {
    let (shown, hidden) = vectors(published, rows);
    hidden
        .iter()
        .filter(|h| in_span(&shown, h))
        .filter(|h| {
            shown
                .iter()
                .any(|s| s.iter().zip(*h).any(|(a, b)| *a != 0 && *b != 0))
        })
        .count()
}

fn extras() -> impl Strategy<Value = (Vec<Vec<bool>>, Vec<bool>)> {
    (
        proptest::collection::vec(proptest::collection::vec(any::<bool>(), 25), 0..4),
        proptest::collection::vec(any::<bool>(), 5),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn nothing_hidden_is_recomputable_from_all_publications_together(
        t in table(),
        (sets, block) in extras(),
        with_blocks in any::<bool>(),
    ) {
        let (r, c) = (t.body.len(), t.body[0].len());
        let mut pubs = vec![pivot(&t)];
        for set in &sets {
            let set: Vec<u32> = (0..(r * c) as u32).filter(|&k| set[k as usize]).collect();
            if !set.is_empty() {
                pubs.push(value(&t, &set));
            }
        }
        if with_blocks {
            pubs.push(blocks(&t, &block[..r]));
        }
        let published = publish_all(pubs, &t.rules, r * c);
        prop_assert_eq!(leaks(&published, r * c), 0, "{:?}", published.iter().map(|p| &p.0).collect::<Vec<_>>());
        for (p, _) in &published {
            for row in 0..p.row_count() {
                for col in 0..p.heads().len() {
                    if let Some(x) = p.cell(row, col).number() {
                        let zero = x == 0.0 && t.rules.zeros == super::Zeros::Show;
                        prop_assert!(x >= f64::from(t.rules.threshold) || zero);
                    }
                }
            }
        }
    }
}

/// The case from the issue: a named value over a table's cells undoes the table's secondary
/// suppression unless the two are coordinated.
#[test]
fn a_named_value_cannot_undo_a_tables_suppression() {
    let t = Table {
        body: vec![
            vec![Raw::Integer(2), Raw::Integer(10)],
            vec![Raw::Integer(5), Raw::Integer(7)],
        ],
        rules: Rules::default(),
    };
    // The value "A, second column" (10): with the table's row total (12) it gives A's 2.
    let alone: Vec<(Published, Lineage)> = [pivot(&t), value(&t, &[1])]
        .into_iter()
        .map(|p| (publish(p.grid, &t.rules), p.lineage))
        .collect();
    assert_eq!(alone[1].0.cell(0, 0), CellView::Integer(10));
    assert!(
        leaks(&alone, 4) > 0,
        "published one by one, the 2 can be recomputed"
    );
    let together = publish_all(vec![pivot(&t), value(&t, &[1])], &t.rules, 4);
    assert_eq!(together[1].0.cell(0, 0), CellView::Hidden);
    assert_eq!(leaks(&together, 4), 0);
    // The table itself is unchanged: its own suppression already hid the rectangle.
    assert_eq!(together[0].0, alone[0].0);
}

/// Above the limit the joint check is not made, and says so; each table keeps its own control.
/// Two pairings of the same rows, offset by one and closed into a ring, leave every row open
/// (no cell fixes a row by itself), so all of them stay unknowns.
#[test]
fn too_many_atoms_are_reported_not_checked() {
    let pairs = super::MAX_ATOMS / 2 + 1;
    let rows = 2 * pairs;
    let sheet = |offset: usize| {
        let mut grid = Grid::new(vec![head("n".into(), Role::Count)]);
        for _ in 0..pairs {
            grid.push_row(RowKind::Body, vec![Raw::Integer(10)]);
        }
        grid.push_row(RowKind::Body, vec![Raw::Integer(1)]);
        let data_rows: Vec<u32> = (0..rows as u32).collect();
        let groups = data_rows
            .iter()
            .map(|&r| ((r as usize + rows - offset) % rows / 2) as u32)
            .collect();
        let cells = (0..pairs).map(|p| traced((p, 0), vec![p as u32])).collect();
        let lineage = Lineage {
            rows: data_rows,
            groups,
            cells,
        };
        survey(&grid, lineage, &Rules::default())
    };
    let mut sheets = vec![sheet(0), sheet(1)];
    assert_eq!(
        coordinate(rows, &mut sheets),
        Err(super::TooLarge(rows)),
        "the limit is named"
    );
    // Each table alone still hides its small count.
    assert_eq!(sheets[0].hidden(), [(pairs, 0)]);
}
