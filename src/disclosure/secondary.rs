//! Primary and secondary suppression over a table's cell states.
//!
//! Part of the `disclosure` stage; pure functions over states and relations. Primary: a count
//! below the threshold (or a zero, when zeros are hidden) is hidden. Secondary: in every relation
//! with exactly one hidden member another is hidden (the smallest shown part, zeros last, ties
//! by position; the total when no part is left), repeated until stable; then the exact check in
//! `audit` hides more where the relations together still fix a hidden cell. Missing cells are
//! never hidden and never count as unknowns: a `-` in a register export may well mean zero.

use super::{Raw, Relation, Role, Rules, Zeros, audit};

/// What disclosure control knows about one cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum State {
    /// A number that is published; its value decides which cell to hide next.
    Shown(f64),
    Hidden,
    Missing,
    /// Text: never part of a sum.
    Text,
}

/// The state of `cell` in a column of `role` after primary suppression.
pub fn primary(cell: &Raw, role: Role, rules: &Rules) -> State {
    let x = match *cell {
        Raw::Text(_) => return State::Text,
        Raw::Missing => return State::Missing,
        Raw::Suppressed => return State::Hidden,
        Raw::Integer(i) => i as f64,
        Raw::Number(x) => x,
    };
    let small = x < f64::from(rules.threshold) && !(x == 0.0 && rules.zeros == Zeros::Show);
    if role == Role::Count && small {
        State::Hidden
    } else {
        State::Shown(x)
    }
}

/// Hides cells until no relation has exactly one hidden member and no hidden cell is fixed by
/// the relations together (where a shown cell is left to hide).
pub fn protect(states: &mut [Vec<State>], relations: &[Relation]) {
    protect_preferring(states, relations, &|_| false);
}

/// Which cells to hide first when a relation needs one more hidden cell: for coordinated
/// suppression, those whose number is hidden in another publication already.
pub type Prefer<'a> = &'a dyn Fn((usize, usize)) -> bool;

/// [`protect`], choosing preferred cells before the others.
pub fn protect_preferring(states: &mut [Vec<State>], relations: &[Relation], prefer: Prefer) {
    loop {
        complete_pairs(states, relations, prefer);
        match audit::fixed_cell_complement(states, relations, prefer) {
            Some((r, c)) => states[r][c] = State::Hidden,
            None => return,
        }
    }
}

/// The relation rule, repeated until stable.
fn complete_pairs(states: &mut [Vec<State>], relations: &[Relation], prefer: Prefer) {
    let mut changed = true;
    while changed {
        changed = false;
        for rel in relations {
            let hidden = rel
                .members()
                .filter(|&(r, c)| states[r][c] == State::Hidden)
                .count();
            if hidden == 1
                && let Some((r, c)) = complement(states, rel, prefer)
            {
                states[r][c] = State::Hidden;
                changed = true;
            }
        }
    }
}

/// The cell of `rel` to hide next: the smallest shown part (preferred parts first, then
/// non-zero parts, since a hidden zero protects little; ties by position), else the total
/// when it is shown.
pub fn complement(states: &[Vec<State>], rel: &Relation, prefer: Prefer) -> Option<(usize, usize)> {
    let part = rel
        .parts
        .iter()
        .filter_map(|&(r, c)| match states[r][c] {
            State::Shown(v) => Some((!prefer((r, c)), v == 0.0, v, r, c)),
            _ => None,
        })
        .min_by(|a, b| {
            (a.0.cmp(&b.0))
                .then(a.1.cmp(&b.1))
                .then(a.2.total_cmp(&b.2))
                .then((a.3, a.4).cmp(&(b.3, b.4)))
        })
        .map(|(_, _, _, r, c)| (r, c));
    part.or_else(|| {
        rel.total
            .filter(|&(r, c)| matches!(states[r][c], State::Shown(_)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use State::{Hidden, Missing, Shown};

    fn rel(parts: &[(usize, usize)], total: Option<(usize, usize)>) -> Relation {
        Relation::new(parts.to_vec(), total)
    }

    fn rules(zeros: Zeros) -> Rules {
        Rules {
            threshold: 3,
            zeros,
        }
    }

    #[test]
    fn primary_hides_small_counts_only() {
        let r = rules(Zeros::Show);
        assert_eq!(primary(&Raw::Integer(2), Role::Count, &r), Hidden);
        assert_eq!(primary(&Raw::Integer(3), Role::Count, &r), Shown(3.0));
        assert_eq!(primary(&Raw::Integer(0), Role::Count, &r), Shown(0.0));
        assert_eq!(
            primary(&Raw::Integer(0), Role::Count, &rules(Zeros::Hide)),
            Hidden
        );
        assert_eq!(primary(&Raw::Integer(1), Role::Measure, &r), Shown(1.0));
        assert_eq!(primary(&Raw::Number(2.5), Role::Count, &r), Hidden);
        assert_eq!(primary(&Raw::Missing, Role::Count, &r), Missing);
        assert_eq!(primary(&Raw::Suppressed, Role::Measure, &r), Hidden);
    }

    #[test]
    fn a_lone_hidden_cell_gets_the_smallest_partner() {
        // One row: 2 (hidden), 10, 5, 7; the implicit total would give the 2 away.
        let mut s = vec![vec![Hidden, Shown(10.0), Shown(5.0), Shown(7.0)]];
        protect(&mut s, &[rel(&[(0, 0), (0, 1), (0, 2), (0, 3)], None)]);
        assert_eq!(s[0], [Hidden, Shown(10.0), Hidden, Shown(7.0)]);
    }

    #[test]
    fn ties_go_to_the_first_cell_and_zeros_come_last() {
        let mut s = vec![vec![Hidden, Shown(0.0), Shown(5.0), Shown(5.0)]];
        protect(&mut s, &[rel(&[(0, 0), (0, 1), (0, 2), (0, 3)], None)]);
        assert_eq!(s[0], [Hidden, Shown(0.0), Hidden, Shown(5.0)]);
    }

    #[test]
    fn the_total_is_hidden_when_no_part_is_left() {
        let mut s = vec![vec![Hidden, Missing, Shown(9.0)]];
        protect(&mut s, &[rel(&[(0, 0), (0, 1)], Some((0, 2)))]);
        assert_eq!(s[0], [Hidden, Missing, Hidden]);
    }

    #[test]
    fn suppression_spreads_across_rows_and_columns_until_stable() {
        // 2x2 body with both margins: one small cell forces a rectangle of four.
        let mut s = vec![
            vec![Hidden, Shown(10.0), Shown(11.0)],
            vec![Shown(20.0), Shown(30.0), Shown(50.0)],
            vec![Shown(21.0), Shown(40.0), Shown(61.0)],
        ];
        let relations = [
            rel(&[(0, 0), (0, 1)], Some((0, 2))),
            rel(&[(1, 0), (1, 1)], Some((1, 2))),
            rel(&[(2, 0), (2, 1)], Some((2, 2))),
            rel(&[(0, 0), (1, 0)], Some((2, 0))),
            rel(&[(0, 1), (1, 1)], Some((2, 1))),
            rel(&[(0, 2), (1, 2)], Some((2, 2))),
        ];
        protect(&mut s, &relations);
        for r in &relations {
            let hidden = r.members().filter(|&(i, j)| s[i][j] == Hidden).count();
            assert_ne!(hidden, 1, "{r:?} in {s:?}");
        }
        assert_eq!(s[0][0], Hidden);
        assert_eq!(s[0][1], Hidden);
        assert_eq!(s[1][0], Hidden);
        assert_eq!(s[1][1], Hidden);
        assert_eq!(s[2][2], Shown(61.0));
    }

    #[test]
    fn nothing_hidden_nothing_changes() {
        let mut s = vec![vec![Shown(4.0), Shown(5.0)]];
        protect(&mut s, &[rel(&[(0, 0), (0, 1)], None)]);
        assert_eq!(s[0], [Shown(4.0), Shown(5.0)]);
    }
}
