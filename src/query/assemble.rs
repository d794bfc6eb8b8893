//! Selected rows, or groups -> the raw [`Grid`] handed to disclosure control: headings, body
//! rows, the totals row and column, and the sum relations between cells.
//!
//! Part of the `query` stage. Three shapes: rows as they are (no `aggregate`), groups with one
//! column per aggregate, and pivot tables (one column per pivot value and aggregate). Totals are
//! merges of the groups' accumulators, so a total is the aggregate of all its rows (a mean of
//! all rows, not a mean of means). Only additive counts (sums and counts of counts) get
//! relations: those are the cells a reader could subtract.

use super::group::{self, Acc, AggFn, Aggregate, Groups, KeyCodes};
use super::lineage;
use crate::data::{Cell, Column, ColumnType, Dataset, Values};
use crate::disclosure::{Format, Grid, Head, Lineage, Raw, Role, RowKind, Unit};

/// One aggregate column to make.
#[derive(Debug, Clone)]
pub struct Measure<'a> {
    pub name: String,
    pub agg: Aggregate<'a>,
    /// Disclosure control applies: the aggregate of a count column, or a count of rows.
    pub count: bool,
}

impl Measure<'_> {
    fn integer(&self) -> bool {
        match self.agg.func {
            AggFn::Rows | AggFn::Values => true,
            AggFn::Mean => false,
            _ => self
                .agg
                .column
                .is_some_and(|c| matches!(c.values, Values::Integer(_))),
        }
    }

    fn result(&self, acc: Option<&Acc>) -> Raw {
        match acc {
            Some(a) => a.result(self.agg.func, self.integer()),
            // No row for this combination: zero of them, and no value to sum.
            None if matches!(self.agg.func, AggFn::Rows | AggFn::Values) => Raw::Integer(0),
            None => Raw::Missing,
        }
    }

    fn head(&self, name: String, label: String) -> Head {
        Head {
            name,
            label,
            unit: self
                .agg
                .column
                .filter(|_| !matches!(self.agg.func, AggFn::Rows | AggFn::Values))
                .and_then(|c| c.unit.clone()),
            role: if self.count {
                Role::Count
            } else {
                Role::Measure
            },
            format: Format::Number {
                decimals: 0,
                unit: Unit::None,
            },
        }
    }

    /// The header: the column's label when the aggregate keeps the column's name.
    fn label(&self) -> String {
        match self.agg.column {
            Some(c) if c.name == self.name => c.display_label().to_string(),
            _ => self.name.clone(),
        }
    }

    fn relates(&self) -> bool {
        self.count && self.agg.func.additive()
    }
}

/// The shape of a grouped table.
#[derive(Debug, Clone)]
pub struct Shape<'a> {
    pub keys: Vec<&'a Column>,
    pub pivot: Option<&'a Column>,
    pub measures: Vec<Measure<'a>>,
    pub totals_row: bool,
    pub totals_column: bool,
    pub total_label: &'a str,
}

pub fn key_head(c: &Column) -> Head {
    Head {
        name: c.name.clone(),
        label: c.display_label().to_string(),
        unit: c.unit.clone(),
        role: Role::Key,
        format: if c.kind == ColumnType::Year {
            Format::Year
        } else {
            Format::Text
        },
    }
}

/// Cells that add up (`parts`, `total`), as `Grid::relate` takes them.
type Relation = (Vec<(usize, usize)>, Option<(usize, usize)>);

/// A grid being filled: headings, rows, relations; formats are settled when it is done.
struct Draft {
    heads: Vec<Head>,
    rows: Vec<(RowKind, Vec<Raw>)>,
    relations: Vec<Relation>,
}

/// The key cells of a group: each code's label.
fn key_cells(key: &[u32], codes: &[KeyCodes]) -> Vec<Raw> {
    key.iter()
        .zip(codes)
        .map(|(&k, kc)| kc.labels[k as usize].clone())
        .collect()
}

impl Draft {
    fn new(heads: Vec<Head>) -> Draft {
        Draft {
            heads,
            rows: Vec::new(),
            relations: Vec::new(),
        }
    }

    fn finish(mut self) -> Grid {
        for (c, head) in self.heads.iter_mut().enumerate() {
            if let Format::Number { decimals, .. } = &mut head.format {
                *decimals = fewest_decimals(self.rows.iter().map(|(_, cells)| &cells[c]));
            }
        }
        let mut grid = Grid::new(self.heads);
        for (kind, cells) in self.rows {
            grid.push_row(kind, cells);
        }
        for (parts, total) in self.relations {
            grid.relate(parts, total);
        }
        grid
    }

    fn totals_labels(&self, keys: usize, label: &str) -> Vec<Raw> {
        (0..keys)
            .map(|i| {
                Raw::Text(if i == 0 {
                    label.to_string()
                } else {
                    String::new()
                })
            })
            .collect()
    }
}

/// The fewest decimals (up to 3) that show every number of a column exactly; 1 when more
/// would be needed (means, rates).
fn fewest_decimals<'a>(cells: impl Iterator<Item = &'a Raw> + Clone) -> u8 {
    (0..=3u8)
        .find(|&d| {
            let scale = 10f64.powi(i32::from(d));
            cells.clone().all(|c| match c {
                Raw::Number(x) => {
                    let s = x * scale;
                    (s - s.round()).abs() <= 1e-9 * s.abs().max(1.0)
                }
                _ => true,
            })
        })
        .unwrap_or(1)
}

/// Rows as they are: every column of the dataset, counts where declared.
pub fn rows(ds: &Dataset, rows: &[u32], counts: &[bool], totals_row: bool, label: &str) -> Grid {
    let heads: Vec<Head> = ds
        .columns
        .iter()
        .zip(counts)
        .map(|(c, &count)| match c.values {
            Values::Text(_) => key_head(c),
            _ if c.kind == ColumnType::Year => key_head(c),
            _ => Head {
                name: c.name.clone(),
                label: c.display_label().to_string(),
                unit: c.unit.clone(),
                role: if count { Role::Count } else { Role::Measure },
                format: Format::Number {
                    decimals: 0,
                    unit: Unit::None,
                },
            },
        })
        .collect();
    let mut draft = Draft::new(heads);
    for &r in rows {
        let cells = ds.columns.iter().map(|c| raw_cell(c, r as usize)).collect();
        draft.rows.push((RowKind::Body, cells));
    }
    let body = draft.rows.len();
    if totals_row {
        let mut first_key = true;
        let cells = ds
            .columns
            .iter()
            .zip(&draft.heads)
            .map(|(c, h)| match h.role {
                Role::Key => Raw::Text(if std::mem::take(&mut first_key) {
                    label.to_string()
                } else {
                    String::new()
                }),
                _ => strict_sum(c, rows),
            })
            .collect();
        draft.rows.push((RowKind::Total, cells));
    }
    for (c, h) in draft.heads.iter().enumerate() {
        if h.role == Role::Count {
            let total = totals_row.then_some((body, c));
            draft
                .relations
                .push(((0..body).map(|r| (r, c)).collect(), total));
        }
    }
    draft.finish()
}

fn raw_cell(c: &Column, row: usize) -> Raw {
    match &c.values {
        Values::Integer(v) => cell(v[row], Raw::Integer),
        Values::Number(v) => cell(v[row], Raw::Number),
        Values::Text(t) => cell(t.cells[row], |i| Raw::Text(t.strings[i as usize].clone())),
    }
}

fn cell<T>(c: Cell<T>, f: impl FnOnce(T) -> Raw) -> Raw {
    match c {
        Cell::Value(v) => f(v),
        Cell::Missing => Raw::Missing,
        Cell::Suppressed => Raw::Suppressed,
    }
}

/// The sum of a numeric column over `rows`: hidden if any cell is, missing if any is.
fn strict_sum(c: &Column, rows: &[u32]) -> Raw {
    let integer = matches!(c.values, Values::Integer(_));
    let agg = Aggregate {
        func: AggFn::Sum,
        column: Some(c),
    };
    let all = group::aggregate(rows, &[], &[agg]);
    all.accs
        .first()
        .copied()
        .unwrap_or_default()
        .result(AggFn::Sum, integer)
}

/// Groups with one column per measure, or a pivot table; with `trace` (the dataset), also the
/// lineage of its cells.
pub fn grouped(
    rows: &[u32],
    shape: &Shape,
    trace: Option<&Dataset>,
) -> Result<(Grid, Option<Lineage>), String> {
    let codes: Vec<KeyCodes> = shape
        .keys
        .iter()
        .chain(&shape.pivot)
        .map(|c| {
            KeyCodes::new(c).ok_or_else(|| {
                format!(
                    "column `{}` holds decimal numbers and cannot be grouped",
                    c.name
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let refs: Vec<&KeyCodes> = codes.iter().collect();
    let aggs: Vec<Aggregate> = shape.measures.iter().map(|m| m.agg).collect();
    let groups = group::aggregate(rows, &refs, &aggs);
    let nk = shape.keys.len();
    match shape.pivot {
        None => Ok((
            flat(&groups, &codes, shape),
            trace.map(|ds| lineage::flat(ds, rows, &groups, shape)),
        )),
        Some(p) => {
            let lay = layout(&groups, nk);
            let grid = pivoted(&groups, &codes, &lay, p, shape)?;
            let traced = trace.map(|ds| lineage::pivot(ds, rows, &groups, &lay, shape));
            Ok((grid, traced))
        }
    }
}

fn flat(groups: &Groups, codes: &[KeyCodes], shape: &Shape) -> Grid {
    let nk = shape.keys.len();
    let mut heads: Vec<Head> = shape.keys.iter().map(|c| key_head(c)).collect();
    heads.extend(
        shape
            .measures
            .iter()
            .map(|m| m.head(m.name.clone(), m.label())),
    );
    let mut draft = Draft::new(heads);
    for (g, key) in groups.keys.iter().enumerate() {
        let mut cells = key_cells(key, codes);
        cells.extend(
            shape
                .measures
                .iter()
                .enumerate()
                .map(|(a, m)| m.result(Some(groups.acc(g, a)))),
        );
        draft.rows.push((RowKind::Body, cells));
    }
    if nk == 0 && draft.rows.is_empty() {
        // No row passed the filter: one row of empty aggregates (a count of zero).
        let cells = shape
            .measures
            .iter()
            .map(|m| m.result(Some(&Acc::default())))
            .collect();
        draft.rows.push((RowKind::Body, cells));
    }
    let body = draft.rows.len();
    if shape.totals_row {
        let mut cells = draft.totals_labels(nk, shape.total_label);
        cells.extend(shape.measures.iter().enumerate().map(|(a, m)| {
            m.result(Some(&merged(
                (0..groups.keys.len()).map(|g| groups.acc(g, a)),
            )))
        }));
        draft.rows.push((RowKind::Total, cells));
    }
    for (a, m) in shape.measures.iter().enumerate() {
        if m.relates() {
            let total = shape.totals_row.then_some((body, nk + a));
            draft
                .relations
                .push(((0..body).map(|r| (r, nk + a)).collect(), total));
        }
    }
    draft.finish()
}

fn merged<'a>(accs: impl Iterator<Item = &'a Acc>) -> Acc {
    let mut total = Acc::default();
    accs.for_each(|a| total.merge(a));
    total
}

/// Row keys x pivot values, each cell the group of that combination (if any).
pub struct Layout {
    pub rows: Vec<Vec<u32>>,
    pub pivots: Vec<u32>,
    /// `cells[row][pivot]`: the group.
    pub cells: Vec<Vec<Option<usize>>>,
}

fn layout(groups: &Groups, nk: usize) -> Layout {
    let mut pivots: Vec<u32> = groups.keys.iter().map(|k| k[nk]).collect();
    pivots.sort_unstable();
    pivots.dedup();
    let mut rows: Vec<Vec<u32>> = Vec::new();
    let mut cells: Vec<Vec<Option<usize>>> = Vec::new();
    // Groups are sorted by their keys, so each row's groups are adjacent.
    for (g, key) in groups.keys.iter().enumerate() {
        if rows.last().map(|r| &r[..]) != Some(&key[..nk]) {
            rows.push(key[..nk].to_vec());
            cells.push(vec![None; pivots.len()]);
        }
        let p = pivots.binary_search(&key[nk]).unwrap_or_default();
        if let Some(row) = cells.last_mut() {
            row[p] = Some(g);
        }
    }
    Layout {
        rows,
        pivots,
        cells,
    }
}

fn pivoted(
    groups: &Groups,
    codes: &[KeyCodes],
    lay: &Layout,
    pivot: &Column,
    shape: &Shape,
) -> Result<Grid, String> {
    let nk = shape.keys.len();
    let np = lay.pivots.len();
    let mut draft = Draft::new(pivot_heads(lay, &codes[nk], pivot, shape)?);
    let acc = |g: Option<usize>, a: usize| g.map(|g| groups.acc(g, a));
    for (i, key) in lay.rows.iter().enumerate() {
        let mut cells = key_cells(key, codes);
        for p in 0..np {
            let results = shape.measures.iter().enumerate();
            cells.extend(results.map(|(a, m)| m.result(acc(lay.cells[i][p], a))));
        }
        if shape.totals_column {
            for (a, m) in shape.measures.iter().enumerate() {
                let row = merged(lay.cells[i].iter().filter_map(|&g| acc(g, a)));
                cells.push(m.result(Some(&row)));
            }
        }
        draft.rows.push((RowKind::Body, cells));
    }
    let body = draft.rows.len();
    if shape.totals_row {
        let mut cells = draft.totals_labels(nk, shape.total_label);
        for p in 0..np {
            for (a, m) in shape.measures.iter().enumerate() {
                let column = merged(lay.cells.iter().filter_map(|row| acc(row[p], a)));
                cells.push(m.result(Some(&column)));
            }
        }
        if shape.totals_column {
            for (a, m) in shape.measures.iter().enumerate() {
                let all = merged((0..groups.keys.len()).map(|g| groups.acc(g, a)));
                cells.push(m.result(Some(&all)));
            }
        }
        draft.rows.push((RowKind::Total, cells));
    }
    pivot_relations(&mut draft, shape, np, body);
    Ok(draft.finish())
}

/// Key columns, one column per pivot value and measure, then the totals columns.
fn pivot_heads(
    lay: &Layout,
    pivot_codes: &KeyCodes,
    pivot: &Column,
    shape: &Shape,
) -> Result<Vec<Head>, String> {
    let nm = shape.measures.len();
    let mut heads: Vec<Head> = shape.keys.iter().map(|c| key_head(c)).collect();
    for &p in &lay.pivots {
        let value = match &pivot_codes.labels[p as usize] {
            Raw::Text(t) => t.clone(),
            Raw::Integer(i) => i.to_string(),
            _ => {
                return Err(format!(
                    "column `{}` has missing or hidden values, which cannot head a column",
                    pivot.name
                ));
            }
        };
        for m in &shape.measures {
            let name = if nm == 1 {
                value.clone()
            } else {
                format!("{} {value}", m.name)
            };
            heads.push(m.head(name.clone(), name));
        }
    }
    if shape.totals_column {
        for m in &shape.measures {
            let (name, label) = if nm == 1 {
                ("total".to_string(), shape.total_label.to_string())
            } else {
                (
                    format!("{} total", m.name),
                    format!("{} {}", m.label(), shape.total_label),
                )
            };
            heads.push(m.head(name, label));
        }
    }
    Ok(heads)
}

/// Per additive count measure: each value column (and the totals column) over the body rows,
/// and each row (the totals row too) over the value columns.
fn pivot_relations(draft: &mut Draft, shape: &Shape, np: usize, body: usize) {
    let (nk, nm) = (shape.keys.len(), shape.measures.len());
    let total_row = shape.totals_row.then_some(body);
    let all_rows = body + usize::from(shape.totals_row);
    for (a, m) in shape.measures.iter().enumerate() {
        if !m.relates() {
            continue;
        }
        let col = |p: usize| nk + p * nm + a;
        let total_col = shape.totals_column.then_some(nk + np * nm + a);
        for c in (0..np).map(col).chain(total_col) {
            draft.relations.push((
                (0..body).map(|r| (r, c)).collect(),
                total_row.map(|t| (t, c)),
            ));
        }
        for r in 0..all_rows {
            draft.relations.push((
                (0..np).map(|p| (r, col(p))).collect(),
                total_col.map(|t| (r, t)),
            ));
        }
    }
}
