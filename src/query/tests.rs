//! The query engine end to end over the example site's data files: the seeds' tables with every
//! derived number computed, the illustrative municipality × year extract with disclosure
//! control, and spec errors located in the Markdown file.

use std::path::Path;

use super::{Context, Query, Sealed};
use crate::data::{DataDefaults, read_dataset};
use crate::diagnostics::{Diagnostic, Pos};
use crate::disclosure::{CellView, Markers, Published, RowKind, Rules};
use crate::format::PercentStyle;

const FILE: &str = "content/rapport/index.md";
/// Where the test specs' YAML starts in the Markdown file.
const ORIGIN: Pos = Pos { line: 20, col: 1 };

fn sealed(query: &Query) -> Sealed {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rel = Path::new("data").join(query.data());
    Sealed::new(read_dataset(root, &rel, &DataDefaults::default()).unwrap())
}

fn run(spec: &str) -> Result<Published, Vec<Diagnostic>> {
    let q = Query::parse(spec, Path::new(FILE), ORIGIN).map_err(|d| vec![d])?;
    let data = sealed(&q);
    let ctx = Context {
        rules: data.rules(),
        total_label: "I alt",
        hide: &[],
        raw: None,
    };
    q.run(&data, &ctx)
}

fn errors(spec: &str) -> Vec<Diagnostic> {
    run(spec).unwrap_err()
}

fn texts(t: &Published) -> Vec<Vec<String>> {
    let f = crate::format::danish();
    let markers = Markers {
        hidden: "x",
        missing: "..",
    };
    (0..t.row_count())
        .map(|r| {
            (0..t.heads().len())
                .map(|c| {
                    t.text(r, c, &f, PercentStyle::Sign, &markers)
                        .replace('\u{a0}', " ")
                })
                .collect()
        })
        .collect()
}

#[test]
fn seed_000_tabel_2_shares_are_computed() {
    let t = run("data: uddannelsesambassadoerer/tabel2-maalgruppe.csv\n\
         compute:\n  Andel: share(Påbegyndt, Målgruppe)\n\
         rename: {Andel: Andel påbegyndte (pct.)}\n")
    .unwrap();
    assert_eq!(
        texts(&t),
        [
            ["Hele landet", "72.008", "3.386", "4,7"],
            ["Projektkommuner under ét", "39.527", "1.965", "5,0"],
            ["Ikke-projektkommuner under ét", "32.481", "1.421", "4,4"],
        ]
    );
    let labels: Vec<&str> = t.heads().iter().map(|h| h.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Område",
            "Målgruppe for uddannelsesløft",
            "Antal påbegyndte personer",
            "Andel påbegyndte (pct.)"
        ]
    );
    assert!(!t.has_hidden());
}

fn boks(forloeb: &str) -> Published {
    run(&format!(
        "data: uddannelsesambassadoerer/boks2-3-paabegyndte.csv\n\
         filter: {{Forløb: {forloeb}}}\n\
         compute:\n  før: \"`2018` * 2\"\n  under: \"`2019-2020`\"\n  udvikling: change(under, før)\n\
         select: [Gruppe, før, under, udvikling]\n\
         format: {{udvikling: {{decimals: 0, unit: percent}}}}\n"
    ))
    .unwrap()
}

#[test]
fn seed_001_boks_2_before_during_and_change() {
    assert_eq!(
        texts(&boks("Uddannelsesløft")),
        [
            ["Uddannelsesambassadør II", "326", "599", "84 %"],
            ["Uddannelsesambassadør I", "476", "429", "-10 %"],
            ["Alle andre kommuner", "514", "690", "34 %"],
        ]
    );
}

#[test]
fn seed_001_boks_3_with_its_total_row() {
    assert_eq!(
        texts(&boks("Voksenlærlingeforløb")),
        [
            ["Uddannelsesambassadør II", "1.340", "2.046", "53 %"],
            ["Uddannelsesambassadør I", "1.424", "1.633", "15 %"],
            ["Alle andre kommuner", "2.632", "3.578", "36 %"],
            ["I alt", "4.996", "6.831", "37 %"],
        ]
    );
}

const PIVOT: &str = "data: uddannelsesambassadoerer/kommuner-aar.csv\n\
    filter: {Forløb: Uddannelsesløft, År: {min: 2016, max: 2020}}\n\
    group: [Kommune]\npivot: År\naggregate:\n  Antal: sum(Antal)\ntotals: both\n";

#[test]
fn long_extract_pivots_years_to_columns_with_suppression() {
    let t = run(PIVOT).unwrap();
    let names: Vec<&str> = t.heads().iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        ["Kommune", "2016", "2017", "2018", "2019", "2020", "total"]
    );
    assert_eq!(t.heads()[6].label, "I alt");
    let rows = texts(&t);
    assert_eq!(rows[0], ["Aalborg", "12", "15", "18", "30", "41", "116"]);
    // Billund 2016 (2) is below the threshold; its row and column need a second hidden cell.
    assert_eq!(rows[1][..3], ["Billund", "x", "x"]);
    // Hørsholm's zeros are shown (zeros: show), and are not hidden, missing or blank.
    assert_eq!(rows[5], ["Hørsholm", "0", "0", "0", "0", "0", "0"]);
    assert_eq!(rows[6], ["København", "35", "41", "52", "70", "88", "286"]);
    // Tønder 2017 (1) is hidden.
    assert_eq!(rows[7][2], "x");
    assert_eq!(t.row_kind(8), RowKind::Total);
    assert_eq!(rows[8][0], "I alt");
    assert_eq!(rows[8][6], "610");
    assert_eq!(
        t.note("Antal under {n} vises ikke af diskretionshensyn")
            .as_deref(),
        Some("Antal under 3 vises ikke af diskretionshensyn")
    );
    // Nothing published is a count below the threshold other than a shown zero.
    for r in 0..t.row_count() {
        for c in 1..t.heads().len() {
            if let Some(x) = t.cell(r, c).number() {
                assert!(x == 0.0 || x >= 3.0, "{x} at ({r}, {c})");
            }
        }
    }
    // No row or column of the pivot has exactly one hidden cell.
    let hidden = |r: usize, c: usize| t.cell(r, c) == CellView::Hidden;
    for (r, row) in rows.iter().enumerate() {
        let n = (1..7).filter(|&c| hidden(r, c)).count();
        assert_ne!(n, 1, "row {r}: {row:?}");
    }
    for c in 1..7 {
        assert_ne!(
            (0..t.row_count()).filter(|&r| hidden(r, c)).count(),
            1,
            "column {c}"
        );
    }
}

#[test]
fn a_missing_cell_makes_its_sums_missing_not_zero() {
    let t = run(&PIVOT.replace("Forløb: Uddannelsesløft", "Forløb: Voksenlærlingeforløb")).unwrap();
    let rows = texts(&t);
    assert_eq!(rows[1][..3], ["Billund", "..", "21"]);
    assert_eq!(rows[1][6], "..");
    assert_eq!(rows[8][1], "..");
    assert_eq!(rows[6][4..6], ["1.234", "1.318"]);
}

#[test]
fn derived_columns_in_a_pivot_inherit_suppression() {
    let spec = format!("{PIVOT}compute:\n  ændring: change(`2020`, `2016`)\nsort: [-ændring]\n");
    let t = run(&spec).unwrap();
    let rows = texts(&t);
    let billund = rows.iter().find(|r| r[0] == "Billund").unwrap();
    assert_eq!(billund[7], "x");
    let horsholm = rows.iter().find(|r| r[0] == "Hørsholm").unwrap();
    assert_eq!(horsholm[7], "..", "0 to 0 is not computable");
    // Sorted descending by the change, hidden and missing last, the totals row at the end.
    assert_eq!(rows[0][0], "Aalborg");
    assert_eq!(rows[rows.len() - 1][0], "I alt");
}

#[test]
fn an_inline_value_is_one_cell() {
    let q = Query::parse(
        "data: uddannelsesambassadoerer/kommuner-aar.csv\n\
         filter: {Forløb: Uddannelsesløft, Kommune: København, År: [2019, 2020]}\n\
         aggregate: {n: sum(Antal)}\n",
        Path::new(FILE),
        ORIGIN,
    )
    .unwrap();
    let data = sealed(&q);
    let ctx = Context {
        rules: Rules::default(),
        total_label: "I alt",
        hide: &[],
        raw: None,
    };
    let (t, col) = q.run_value(&data, &ctx).unwrap();
    assert_eq!(t.single(col), Some(CellView::Integer(158)));
    // A small total is hidden in prose too.
    let q = Query::parse(
        "data: uddannelsesambassadoerer/kommuner-aar.csv\n\
         filter: {Forløb: Uddannelsesløft, Kommune: Tønder, År: 2017}\naggregate: {n: sum(Antal)}\n",
        Path::new(FILE),
        ORIGIN,
    )
    .unwrap();
    let (t, col) = q.run_value(&data, &ctx).unwrap();
    assert_eq!(t.single(col), Some(CellView::Hidden));
    let many = Query::parse(PIVOT, Path::new(FILE), ORIGIN).unwrap();
    assert!(many.run_value(&data, &ctx).is_err());
}

#[test]
fn the_rules_only_tighten() {
    let q = Query::parse(PIVOT, Path::new(FILE), ORIGIN).unwrap();
    let data = sealed(&q);
    let strict = Rules {
        threshold: 10,
        zeros: crate::disclosure::Zeros::Hide,
    };
    let ctx = Context {
        rules: data.rules().strictest(strict),
        total_label: "I alt",
        hide: &[],
        raw: None,
    };
    let t = q.run(&data, &ctx).unwrap();
    assert_eq!(t.threshold(), 10);
    let rows = texts(&t);
    assert_eq!(rows[5][1], "x", "zeros hidden");
    assert_eq!(rows[0][1], "12");
}

#[test]
fn unknown_columns_are_located_with_a_suggestion() {
    let e = errors(
        "data: uddannelsesambassadoerer/kommuner-aar.csv\ngroup: [Kommue]\naggregate: {n: sum(Antal)}\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].line, e[0].col), (21, 9), "{}", e[0]);
    assert_eq!(e[0].file, Path::new(FILE));
    assert!(e[0].message.contains("no column `Kommue`"), "{}", e[0]);
    assert!(e[0].help.starts_with("did you mean `Kommune`?"), "{}", e[0]);
}

#[test]
fn errors_in_expressions_point_inside_them() {
    let e = errors(
        "data: uddannelsesambassadoerer/tabel2-maalgruppe.csv\ncompute:\n  a: share(Påbegynt, Målgruppe)\n",
    );
    // Line 3 of the YAML; `Påbegynt` starts at character 12 of `  a: share(Påbegynt, ...`.
    assert_eq!((e[0].line, e[0].col), (22, 12), "{}", e[0]);
    assert!(e[0].help.contains("did you mean `Påbegyndt`"), "{}", e[0]);
    let e = errors(
        "data: uddannelsesambassadoerer/tabel2-maalgruppe.csv\ncompute:\n  a: \"Påbegyndt +\"\n",
    );
    assert_eq!((e[0].line, e[0].col), (22, 18), "{}", e[0]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let e = errors(
        "data: uddannelsesambassadoerer/kommuner-aar.csv\n\
         filter: {Kommune: Kobenhavn}\ngroup: [Antal]\naggregate: {n: summ(Antal), m: sum(Kommune)}\ntotals: column\n",
    );
    let messages: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(e.len(), 5, "{messages:#?}");
    assert!(e[0].help.contains("did you mean `København`?"), "{}", e[0]);
    assert!(messages[1].contains("is a count"), "{messages:?}");
    assert!(e[2].help.contains("did you mean `sum`?"), "{}", e[2]);
    assert!(messages[3].contains("is text"), "{messages:?}");
    assert!(messages[4].contains("needs `pivot:`"), "{messages:?}");
}

#[test]
fn presentation_names_are_checked_against_the_table() {
    let e = errors(
        "data: uddannelsesambassadoerer/tabel2-maalgruppe.csv\nselect: [Område, Andell]\nsort: [-Målgrupe]\nformat: {Område: {decimals: 1}}\n",
    );
    assert_eq!(e.len(), 3, "{e:?}");
    let helps: Vec<&str> = e.iter().map(|d| d.help.as_str()).collect();
    assert!(
        helps.iter().any(|h| h.contains("did you mean `Målgruppe`")),
        "{helps:?}"
    );
    assert!(
        e.iter().any(|d| d.message.contains("not a number column")),
        "{e:?}"
    );
}

#[test]
fn rows_as_they_are_get_a_labelled_totals_row() {
    let t = run("data: uddannelsesambassadoerer/boks2-3-paabegyndte.csv\n\
         filter: {Forløb: Uddannelsesløft}\ntotals: row\nselect: [Gruppe, `2018`]\n"
        .replace("`2018`", "\"2018\"")
        .as_str())
    .unwrap();
    let rows = texts(&t);
    assert_eq!(rows[3], ["I alt", "658"]);
    assert!(t.has_totals_row());
}

#[test]
fn a_pivot_over_missing_keys_is_refused() {
    // `Ledighed` is a number column: it cannot head columns.
    let e = errors(
        "data: uddannelsesambassadoerer/kommuner-aar.csv\ngroup: [Kommune]\npivot: Ledighed\naggregate: {n: sum(Antal)}\n",
    );
    assert!(e[0].message.contains("decimal numbers"), "{}", e[0]);
    assert_eq!((e[0].line, e[0].col), (22, 8), "{}", e[0]);
}
