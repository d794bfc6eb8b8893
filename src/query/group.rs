//! Selected rows -> groups (one per distinct combination of key values) with one accumulator
//! per aggregate: the hot loop of the query engine.
//!
//! Part of the `query` stage; pure. Each key column is first coded as small integers (a text
//! column's cells already are indices into its distinct strings; an integer column is offset
//! from its smallest value, or ranked when its values are far apart), so a row's group is a
//! mixed-radix number looked up in a flat table, and each aggregate then walks its column once.
//! Codes are ordered as rows are shown: texts in order of first appearance in the file, numbers
//! ascending, missing and hidden keys last.

use rustc_hash::FxHashMap;

use crate::data::{Cell, Column, Values};
use crate::disclosure::Raw;

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFn {
    Sum,
    Mean,
    Min,
    Max,
    /// Rows in the group (`count`).
    Rows,
    /// Rows with a value in the column (`count(col)`).
    Values,
}

impl AggFn {
    pub const NAMES: [(&'static str, AggFn); 5] = [
        ("sum", AggFn::Sum),
        ("mean", AggFn::Mean),
        ("min", AggFn::Min),
        ("max", AggFn::Max),
        ("count", AggFn::Values),
    ];

    /// Whether the results of groups add up to the result of their union.
    pub fn additive(self) -> bool {
        matches!(self, AggFn::Sum | AggFn::Rows | AggFn::Values)
    }
}

/// What one aggregate has seen of a group: mergeable, so totals are merges of groups.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Acc {
    int_sum: i64,
    sum: f64,
    values: u64,
    rows: u64,
    min: f64,
    max: f64,
    missing: bool,
    suppressed: bool,
    overflow: bool,
}

impl Default for Acc {
    fn default() -> Self {
        Acc {
            int_sum: 0,
            sum: 0.0,
            values: 0,
            rows: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            missing: false,
            suppressed: false,
            overflow: false,
        }
    }
}

impl Acc {
    #[inline]
    fn add_int(&mut self, cell: Cell<i64>) {
        self.rows += 1;
        match cell {
            Cell::Value(v) => {
                match self.int_sum.checked_add(v) {
                    Some(s) => self.int_sum = s,
                    None => self.overflow = true,
                }
                self.values += 1;
                let x = v as f64;
                self.min = self.min.min(x);
                self.max = self.max.max(x);
            }
            Cell::Missing => self.missing = true,
            Cell::Suppressed => self.suppressed = true,
        }
    }

    #[inline]
    fn add_number(&mut self, cell: Cell<f64>) {
        self.rows += 1;
        match cell {
            Cell::Value(x) => {
                self.sum += x;
                self.values += 1;
                self.min = self.min.min(x);
                self.max = self.max.max(x);
            }
            Cell::Missing => self.missing = true,
            Cell::Suppressed => self.suppressed = true,
        }
    }

    pub fn merge(&mut self, o: &Acc) {
        match self.int_sum.checked_add(o.int_sum) {
            Some(s) => self.int_sum = s,
            None => self.overflow = true,
        }
        self.sum += o.sum;
        self.values += o.values;
        self.rows += o.rows;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
        self.missing |= o.missing;
        self.suppressed |= o.suppressed;
        self.overflow |= o.overflow;
    }

    /// The aggregate's cell. A hidden input hides the result and a missing one makes it missing
    /// (never a sum that silently counts them as zero); counting rows is never affected.
    pub fn result(&self, func: AggFn, integer: bool) -> Raw {
        let count = |n: u64| Raw::Integer(i64::try_from(n).unwrap_or(i64::MAX));
        match func {
            AggFn::Rows => return count(self.rows),
            AggFn::Values => return count(self.values),
            _ => {}
        }
        if self.suppressed {
            return Raw::Suppressed;
        }
        if self.missing || self.values == 0 {
            return Raw::Missing;
        }
        let whole = |x: f64| {
            if integer {
                Raw::Integer(x as i64)
            } else {
                Raw::Number(x)
            }
        };
        match func {
            AggFn::Sum if integer && self.overflow => Raw::Missing,
            AggFn::Sum if integer => Raw::Integer(self.int_sum),
            AggFn::Sum => Raw::Number(self.sum),
            AggFn::Mean => {
                let total = if integer {
                    self.int_sum as f64
                } else {
                    self.sum
                };
                Raw::Number(total / self.values as f64)
            }
            AggFn::Min => whole(self.min),
            AggFn::Max => whole(self.max),
            AggFn::Rows | AggFn::Values => unreachable!("handled above"),
        }
    }
}

/// One key column as codes.
#[derive(Debug, Clone)]
pub struct KeyCodes {
    /// Per dataset row.
    codes: Vec<u32>,
    /// Per code: the cell it stands for.
    pub labels: Vec<Raw>,
}

/// Integer keys spread wider than this are ranked through a hash map instead of offset.
const OFFSET_SPAN: i64 = 1 << 16;

impl KeyCodes {
    /// Codes for a text or integer column; `None` for a number column.
    pub fn new(column: &Column) -> Option<KeyCodes> {
        match &column.values {
            Values::Text(t) => {
                let n = t.strings.len() as u32;
                let codes = t.cells.iter().map(|c| code(*c, |&i| i, n)).collect();
                let mut labels: Vec<Raw> = t.strings.iter().map(|s| Raw::Text(s.clone())).collect();
                labels.extend([Raw::Missing, Raw::Suppressed]);
                Some(KeyCodes { codes, labels })
            }
            Values::Integer(v) => Some(integer_codes(v)),
            Values::Number(_) => None,
        }
    }

    fn card(&self) -> u64 {
        self.labels.len() as u64
    }
}

fn code<T>(cell: Cell<T>, value: impl Fn(&T) -> u32, n: u32) -> u32 {
    match cell {
        Cell::Value(v) => value(&v),
        Cell::Missing => n,
        Cell::Suppressed => n + 1,
    }
}

fn integer_codes(v: &[Cell<i64>]) -> KeyCodes {
    let values = || v.iter().filter_map(Cell::value).copied();
    let (lo, hi) = values().fold((i64::MAX, i64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
    let (codes, mut labels): (Vec<u32>, Vec<Raw>) = if lo > hi {
        (v.iter().map(|c| code(*c, |_| 0, 0)).collect(), Vec::new())
    } else if hi.checked_sub(lo).is_some_and(|span| span < OFFSET_SPAN) {
        let n = (hi - lo + 1) as u32;
        let codes = v
            .iter()
            .map(|c| code(*c, |&x| (x - lo) as u32, n))
            .collect();
        (codes, (lo..=hi).map(Raw::Integer).collect())
    } else {
        let mut distinct: Vec<i64> = values().collect();
        distinct.sort_unstable();
        distinct.dedup();
        let rank: FxHashMap<i64, u32> = distinct
            .iter()
            .enumerate()
            .map(|(i, &x)| (x, i as u32))
            .collect();
        let n = distinct.len() as u32;
        let codes = v.iter().map(|c| code(*c, |x| rank[x], n)).collect();
        (codes, distinct.into_iter().map(Raw::Integer).collect())
    };
    labels.extend([Raw::Missing, Raw::Suppressed]);
    KeyCodes { codes, labels }
}

/// One aggregate to compute.
#[derive(Debug, Clone, Copy)]
pub struct Aggregate<'a> {
    pub func: AggFn,
    /// `None` for `count`.
    pub column: Option<&'a Column>,
}

/// The groups found, in display order, with their key codes and accumulators.
#[derive(Debug, Clone)]
pub struct Groups {
    /// Per group: one code per key column.
    pub keys: Vec<Vec<u32>>,
    /// Group-major: `accs[g * aggregates + a]`.
    pub accs: Vec<Acc>,
    pub aggregates: usize,
    /// Per selected row: its group, numbered in order of first appearance.
    first_ids: Vec<u32>,
    /// Per group in order of first appearance: its place in display order.
    display: Vec<u32>,
}

impl Groups {
    /// Per selected row: its group in display order (for disclosure control's lineage).
    pub fn row_groups(&self) -> Vec<u32> {
        self.first_ids
            .iter()
            .map(|&g| self.display[g as usize])
            .collect()
    }

    pub fn acc(&self, group: usize, agg: usize) -> &Acc {
        &self.accs[group * self.aggregates + agg]
    }
}

/// Groups `rows` by `keys` and accumulates `aggs` per group.
pub fn aggregate(rows: &[u32], keys: &[&KeyCodes], aggs: &[Aggregate]) -> Groups {
    let (gid, mut group_keys) = group_ids(rows, keys);
    let n = group_keys.len();
    let mut accs = vec![Acc::default(); n * aggs.len()];
    for (a, agg) in aggs.iter().enumerate() {
        let slot = |g: u32| g as usize * aggs.len() + a;
        match agg.column.map(|c| &c.values) {
            None => rows
                .iter()
                .zip(&gid)
                .for_each(|(_, &g)| accs[slot(g)].rows += 1),
            Some(Values::Integer(v)) => {
                for (&r, &g) in rows.iter().zip(&gid) {
                    accs[slot(g)].add_int(v[r as usize]);
                }
            }
            Some(Values::Number(v)) => {
                for (&r, &g) in rows.iter().zip(&gid) {
                    accs[slot(g)].add_number(v[r as usize]);
                }
            }
            Some(Values::Text(t)) => {
                // Only `count(col)` reaches here for text: count the cells with a value.
                for (&r, &g) in rows.iter().zip(&gid) {
                    let cell = t.cells[r as usize].map(|_| 0i64);
                    accs[slot(g)].add_int(cell);
                }
            }
        }
    }
    // Display order: by key codes, which are ordered as the keys are shown.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| group_keys[a].cmp(&group_keys[b]));
    let accs = order
        .iter()
        .flat_map(|&g| accs[g * aggs.len()..(g + 1) * aggs.len()].iter().copied())
        .collect();
    let keys = order
        .iter()
        .map(|&g| std::mem::take(&mut group_keys[g]))
        .collect();
    let mut display = vec![0u32; n];
    for (place, &g) in order.iter().enumerate() {
        display[g] = place as u32;
    }
    Groups {
        keys,
        accs,
        aggregates: aggs.len(),
        first_ids: gid,
        display,
    }
}

/// The group of each row (numbered in order of first appearance) and each group's key codes.
fn group_ids(rows: &[u32], keys: &[&KeyCodes]) -> (Vec<u32>, Vec<Vec<u32>>) {
    let space = keys
        .iter()
        .try_fold(1u64, |acc, k| acc.checked_mul(k.card()));
    let mut gid = Vec::with_capacity(rows.len());
    let mut group_keys: Vec<Vec<u32>> = Vec::new();
    let key_of = |r: u32| -> Vec<u32> { keys.iter().map(|k| k.codes[r as usize]).collect() };
    match space {
        Some(space) if space <= (rows.len() as u64).max(1 << 16) => {
            let mut slots = vec![u32::MAX; space as usize];
            for &r in rows {
                let mut at = 0u64;
                for k in keys {
                    at = at * k.card() + u64::from(k.codes[r as usize]);
                }
                let slot = &mut slots[at as usize];
                if *slot == u32::MAX {
                    *slot = group_keys.len() as u32;
                    group_keys.push(key_of(r));
                }
                gid.push(*slot);
            }
        }
        _ => {
            let mut seen: FxHashMap<Vec<u32>, u32> = FxHashMap::default();
            for &r in rows {
                let key = key_of(r);
                let next = seen.len() as u32;
                let g = *seen.entry(key).or_insert_with_key(|k| {
                    group_keys.push(k.clone());
                    next
                });
                gid.push(g);
            }
        }
    }
    (gid, group_keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{ColumnType, TextValues};

    fn col(name: &str, values: Values) -> Column {
        Column {
            name: name.into(),
            kind: ColumnType::Integer,
            label: None,
            unit: None,
            count: true,
            values,
        }
    }

    fn sample() -> (Column, Column, Column) {
        let k = col(
            "k",
            Values::Text(TextValues {
                cells: [1, 0, 1, 0, 1].map(Cell::Value).to_vec(),
                strings: vec!["b".into(), "a".into()],
            }),
        );
        let y = col(
            "y",
            Values::Integer([2020, 2019, 2019, 2019, 2020].map(Cell::Value).to_vec()),
        );
        let n = col(
            "n",
            Values::Integer(vec![
                Cell::Value(1),
                Cell::Value(2),
                Cell::Value(3),
                Cell::Missing,
                Cell::Value(5),
            ]),
        );
        (k, y, n)
    }

    #[test]
    fn groups_come_in_key_order_with_their_sums() {
        let (k, y, n) = sample();
        let (kc, yc) = (KeyCodes::new(&k).unwrap(), KeyCodes::new(&y).unwrap());
        let sum = Aggregate {
            func: AggFn::Sum,
            column: Some(&n),
        };
        let count = Aggregate {
            func: AggFn::Rows,
            column: None,
        };
        let g = aggregate(&[0, 1, 2, 3, 4], &[&kc, &yc], &[sum, count]);
        // Keys: b (first in the file) before a; years ascending.
        let labels: Vec<(Raw, Raw)> = g
            .keys
            .iter()
            .map(|c| {
                (
                    kc.labels[c[0] as usize].clone(),
                    yc.labels[c[1] as usize].clone(),
                )
            })
            .collect();
        assert_eq!(
            labels,
            [
                (Raw::Text("b".into()), Raw::Integer(2019)),
                (Raw::Text("a".into()), Raw::Integer(2019)),
                (Raw::Text("a".into()), Raw::Integer(2020)),
            ]
        );
        let sums: Vec<Raw> = (0..3)
            .map(|i| g.acc(i, 0).result(AggFn::Sum, true))
            .collect();
        // b 2019 has a missing cell: the sum is missing, not 2.
        assert_eq!(sums, [Raw::Missing, Raw::Integer(3), Raw::Integer(6)]);
        assert_eq!(g.acc(0, 1).result(AggFn::Rows, true), Raw::Integer(2));
    }

    #[test]
    fn merged_accumulators_make_totals() {
        let (k, _, n) = sample();
        let kc = KeyCodes::new(&k).unwrap();
        let aggs = [AggFn::Sum, AggFn::Mean, AggFn::Min, AggFn::Max].map(|func| Aggregate {
            func,
            column: Some(&n),
        });
        let g = aggregate(&[0, 2, 4], &[&kc], &aggs);
        assert_eq!(g.keys.len(), 1);
        let r = |a: usize, f| g.acc(0, a).result(f, true);
        assert_eq!(r(0, AggFn::Sum), Raw::Integer(9));
        assert_eq!(r(1, AggFn::Mean), Raw::Number(3.0));
        assert_eq!(r(2, AggFn::Min), Raw::Integer(1));
        assert_eq!(r(3, AggFn::Max), Raw::Integer(5));
        let mut total = Acc::default();
        total.merge(g.acc(0, 0));
        total.merge(g.acc(0, 0));
        assert_eq!(total.result(AggFn::Sum, true), Raw::Integer(18));
    }

    #[test]
    fn hidden_inputs_hide_and_overflow_is_missing() {
        let mut a = Acc::default();
        a.add_int(Cell::Value(4));
        a.add_int(Cell::Suppressed);
        a.add_int(Cell::Missing);
        assert_eq!(a.result(AggFn::Sum, true), Raw::Suppressed);
        assert_eq!(a.result(AggFn::Rows, true), Raw::Integer(3));
        assert_eq!(a.result(AggFn::Values, true), Raw::Integer(1));
        let mut b = Acc::default();
        b.add_int(Cell::Value(i64::MAX));
        b.add_int(Cell::Value(1));
        assert_eq!(b.result(AggFn::Sum, true), Raw::Missing);
        assert_eq!(Acc::default().result(AggFn::Sum, true), Raw::Missing);
    }

    #[test]
    fn wide_integer_keys_are_ranked() {
        let c = col(
            "id",
            Values::Integer(vec![Cell::Value(1_000_000), Cell::Value(-5), Cell::Missing]),
        );
        let kc = KeyCodes::new(&c).unwrap();
        assert_eq!(kc.codes, [1, 0, 2]);
        assert_eq!(kc.labels[..2], [Raw::Integer(-5), Raw::Integer(1_000_000)]);
    }

    #[test]
    fn large_key_spaces_hash_to_the_same_groups() {
        let wide = KeyCodes {
            codes: vec![7, 3, 299, 7],
            labels: vec![Raw::Missing; 300],
        };
        // 300^3 combinations exceed the flat table.
        let g = aggregate(
            &[0, 1, 2, 3],
            &[&wide, &wide, &wide],
            &[Aggregate {
                func: AggFn::Rows,
                column: None,
            }],
        );
        assert_eq!(g.keys, [vec![3, 3, 3], vec![7, 7, 7], vec![299, 299, 299]]);
        assert_eq!(g.acc(1, 0).result(AggFn::Rows, true), Raw::Integer(2));
    }
}
