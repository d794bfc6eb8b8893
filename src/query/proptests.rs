//! Property tests of the query engine over random long-form extracts (group × year × count):
//! grouped sums, pivots, totals, filters, counts and sorts agree with plain arithmetic over the
//! rows, whatever the rows are and in whatever order they come; row counts below the threshold
//! are hidden.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use super::{Context, Query, Sealed};
use crate::data::{DataDefaults, read_csv};
use crate::diagnostics::{Diagnostic, Pos};
use crate::disclosure::{CellView, Published, RowKind};
use crate::model::SourceFile;

const GROUPS: [&str; 4] = ["Aarup", "Brande", "City", "Dalby"];
const SIDECAR: &str = "delimiter: \";\"\ncolumns:\n  Gruppe: {type: text}\n  År: {type: year}\n  Antal: {type: integer}\n";

/// One row: group index, year, count.
type Row = (usize, i64, i64);

fn rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec((0..GROUPS.len(), 2019i64..2022, -50i64..5000), 1..60)
}

fn sealed(rows: &[Row]) -> Sealed {
    let mut csv = String::from("Gruppe;År;Antal\n");
    for &(g, year, n) in rows {
        csv.push_str(&format!("{};{year};{n}\n", GROUPS[g]));
    }
    let open = || -> std::io::Result<Box<dyn std::io::Read + '_>> { Ok(Box::new(csv.as_bytes())) };
    let sidecar = SourceFile {
        path: "data/p.yaml".into(),
        text: SIDECAR.into(),
    };
    let data = read_csv(
        Path::new("data/p.csv"),
        &open,
        Some(&sidecar),
        &DataDefaults::default(),
    );
    Sealed::new(data.expect("the generated extract reads"))
}

fn try_run(rows: &[Row], spec: &str) -> Result<Published, Vec<Diagnostic>> {
    let q = Query::parse(
        &format!("data: p.csv\n{spec}"),
        Path::new("q.md"),
        Pos::new(1, 1),
    )
    .expect("the spec parses");
    let data = sealed(rows);
    let ctx = Context {
        rules: data.rules(),
        total_label: "I alt",
        hide: &[],
        raw: None,
    };
    q.run(&data, &ctx)
}

fn run(rows: &[Row], spec: &str) -> Published {
    try_run(rows, spec).expect("the query runs")
}

/// The body rows as (first cell's text, the number in column `col`).
fn body(t: &Published, col: &str) -> Vec<(String, Option<f64>)> {
    let c = t.column(col).expect("the column exists");
    (0..t.row_count())
        .filter(|&r| t.row_kind(r) == RowKind::Body)
        .map(|r| {
            let label = match t.cell(r, 0) {
                CellView::Text(s) => s.to_string(),
                other => format!("{other:?}"),
            };
            (label, t.cell(r, c).number())
        })
        .collect()
}

fn total(t: &Published, col: &str) -> Option<f64> {
    let c = t.column(col)?;
    (0..t.row_count())
        .find(|&r| t.row_kind(r) == RowKind::Total)
        .and_then(|r| t.cell(r, c).number())
}

/// Sums of the counts by group (and year, when `by_year`).
fn sums(rows: &[Row], by_year: bool) -> BTreeMap<(String, i64), i64> {
    let mut out = BTreeMap::new();
    for &(g, year, n) in rows {
        let year = if by_year { year } else { 0 };
        *out.entry((GROUPS[g].to_string(), year)).or_insert(0) += n;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn grouped_sums_and_their_total_match_the_rows(rows in rows()) {
        let t = run(&rows, "group: [Gruppe]\naggregate: {n: sum(Antal)}\ntotals: row\n");
        let want = sums(&rows, false);
        let got: BTreeMap<(String, i64), i64> = body(&t, "n")
            .into_iter()
            .map(|(g, n)| ((g, 0), n.unwrap() as i64))
            .collect();
        prop_assert_eq!(got, want);
        let all: i64 = rows.iter().map(|r| r.2).sum();
        prop_assert_eq!(total(&t, "n"), Some(all as f64));
    }

    #[test]
    fn pivot_cells_are_the_sums_of_their_rows(rows in rows()) {
        let t = run(&rows, "group: [Gruppe]\npivot: År\naggregate: {n: sum(Antal)}\ntotals: row\n");
        let want = sums(&rows, true);
        for year in 2019..2022 {
            let Some(_) = t.column(&year.to_string()) else {
                prop_assert!(rows.iter().all(|r| r.1 != year), "no column {}", year);
                continue;
            };
            for (g, n) in body(&t, &year.to_string()) {
                let expected = want.get(&(g.clone(), year)).copied();
                prop_assert_eq!(n.map(|x| x as i64), expected, "{} {}", g, year);
            }
            let column: i64 = rows.iter().filter(|r| r.1 == year).map(|r| r.2).sum();
            prop_assert_eq!(total(&t, &year.to_string()), Some(column as f64));
        }
    }

    #[test]
    fn a_filter_keeps_exactly_the_matching_rows(rows in rows(), g in 0..GROUPS.len(), lo in 2019i64..2022) {
        let spec = format!(
            "filter: {{Gruppe: {}, År: {{min: {lo}}}}}\naggregate: {{rows: count, n: sum(Antal)}}\n",
            GROUPS[g]
        );
        if rows.iter().all(|r| r.0 != g) {
            // A value no row has is a typo until proven otherwise: an error, not an empty table.
            let e = try_run(&rows, &spec).unwrap_err();
            prop_assert_eq!(&e[0].message, &format!("no row has `{}` in column `Gruppe`", GROUPS[g]));
            return Ok(());
        }
        let t = run(&rows, &spec);
        let kept: Vec<&Row> = rows.iter().filter(|r| r.0 == g && r.1 >= lo).collect();
        // A count of rows counts people: below the threshold (3) it is hidden, zero is shown.
        let count = t.single(t.column("rows").unwrap()).unwrap();
        if (1..3).contains(&kept.len()) {
            prop_assert_eq!(count, CellView::Hidden);
        } else {
            prop_assert_eq!(count.number(), Some(kept.len() as f64));
        }
        if !kept.is_empty() {
            let n = t.single(t.column("n").unwrap()).and_then(|c| c.number());
            prop_assert_eq!(n, Some(kept.iter().map(|r| r.2).sum::<i64>() as f64));
        }
    }

    #[test]
    fn sorting_orders_the_body_and_keeps_every_row(rows in rows()) {
        let t = run(&rows, "sort: [-Antal, Gruppe]\n");
        let got: Vec<(String, i64)> = body(&t, "Antal")
            .into_iter()
            .map(|(g, n)| (g, n.unwrap() as i64))
            .collect();
        prop_assert!(got.windows(2).all(|w| w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 <= w[1].0)), "{:?}", got);
        let mut want: Vec<(String, i64)> = rows.iter().map(|r| (GROUPS[r.0].to_string(), r.2)).collect();
        let mut sorted = got.clone();
        want.sort();
        sorted.sort();
        prop_assert_eq!(sorted, want);
    }
}
