//! The site-wide scan for hidden counts (issue 10's output scanner, disclosure part): every
//! site built here, the example site first, is read file by file (pages, SVG, CSV downloads,
//! the sitemap, any search index) for a count that disclosure control hid, at its cell's place
//! and in prose next to its labels (see `common/leaks.rs`). Planted faults prove that the
//! scanner finds a leak in every kind of file.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::leaks::{audit, scan_hidden, slug};
use common::run::build_site;
use evalpress::DisclosureAudit;

const MARKER: &str = "×";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds `root` with the real binary and returns the output, its audit and the temp folder.
fn built(root: &Path) -> (tempfile::TempDir, PathBuf, DisclosureAudit) {
    let (tmp, out) = build_site(root);
    (tmp, out, audit(root))
}

#[test]
fn no_hidden_count_appears_anywhere_in_the_built_sites() {
    for site in [
        root(),
        root().join("tests/sites/valid-data"),
        root().join("tests/sites/valid-charts"),
    ] {
        let (_tmp, out, audit) = built(&site);
        assert!(
            !audit.hidden.is_empty(),
            "{}: nothing hidden",
            site.display()
        );
        let problems = scan_hidden(&out, &audit, MARKER);
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            site.display(),
            problems.join("\n")
        );
    }
}

#[test]
fn every_dataset_with_small_counts_is_covered_on_the_example_site() {
    let audit = audit(&root());
    let mut datasets: Vec<&str> = audit.hidden.iter().map(|h| h.dataset.as_str()).collect();
    datasets.sort_unstable();
    datasets.dedup();
    assert!(
        datasets.contains(&"uddannelsesambassadoerer/kommuner-aar.csv"),
        "{datasets:?}"
    );
    // The table, its chart and the inline values over the same extract are all publications.
    let keys: Vec<&str> = audit
        .publications
        .iter()
        .filter(|(_, _, d)| d == "uddannelsesambassadoerer/kommuner-aar.csv")
        .map(|(_, k, _)| k.as_str())
        .collect();
    assert!(
        keys.contains(&"#tabel-kommuner") && keys.contains(&"#fig-kommuner"),
        "{keys:?}"
    );
    assert_eq!(
        billund(&audit).1,
        2.0,
        "Billund 2016 is hidden in the table"
    );
}

/// The example site's hidden Billund 2016 (2) in the municipality table.
fn billund(audit: &DisclosureAudit) -> (String, f64) {
    let h = audit
        .hidden
        .iter()
        .find(|h| {
            h.key == "#tabel-kommuner"
                && h.row[0] == "Billund"
                && h.column.as_deref() == Some("2016")
        })
        .unwrap();
    (slug(&h.report), h.raw)
}

/// Plants `fault` into a copy of the example site's output and returns what the scan finds.
fn plant(fault: impl Fn(&Path, &str, f64)) -> Vec<String> {
    let (_tmp, out, audit) = built(&root());
    assert!(
        scan_hidden(&out, &audit, MARKER).is_empty(),
        "clean before the fault"
    );
    let (slug, raw) = billund(&audit);
    fault(&out, &slug, raw);
    scan_hidden(&out, &audit, MARKER)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_hidden_count_in_its_table_cell_is_found() {
    let found = plant(|out, slug, raw| {
        let cell = "<th scope=\"row\">Billund</th><td class=\"num\">×</td>";
        let leak = format!("<th scope=\"row\">Billund</th><td class=\"num\">{raw}</td>");
        edit(&out.join(slug).join("index.html"), cell, &leak);
    });
    assert!(
        found.iter().any(
            |p| p.contains("Billund/2016 (hidden 2) in #tabel-kommuner shows the hidden count")
        ),
        "{found:#?}"
    );
}

#[test]
fn a_hidden_count_in_a_csv_download_is_found() {
    let found = plant(|out, slug, raw| {
        edit(
            &out.join(slug).join("data/tabel-kommuner.csv"),
            "Billund;×",
            &format!("Billund;{raw}"),
        );
    });
    assert!(
        found.iter().any(|p| p
            .starts_with("uddannelsesambassadoer-ii-2021/data/tabel-kommuner.csv: ")
            && p.contains("Billund/2016")),
        "{found:#?}"
    );
}

#[test]
fn a_hidden_count_in_a_search_index_or_other_file_is_found() {
    let found = plant(|out, _, raw| {
        let index = format!(
            "[{{\"title\":\"Kommuner\",\"text\":\"Tabel 2 viser forløb i mange kommuner og år, blandt andre Billund fra 2016.\"}},\n{{\"text\":\"I 2016 havde Billund {raw} forløb.\"}}]"
        );
        fs::create_dir_all(out.join("search")).unwrap();
        fs::write(out.join("search/index.json"), index).unwrap();
    });
    // The second record states the cell; the first has the labels and a 2, far apart.
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].starts_with("search/index.json: "), "{found:#?}");
    assert!(
        found[0].contains("I 2016 havde Billund 2 forløb."),
        "{found:#?}"
    );
}

#[test]
fn a_hidden_count_in_a_chart_description_or_alt_text_is_found() {
    let found = plant(|out, slug, raw| {
        let page = out.join(slug).join("index.html");
        edit(
            &page,
            "Skjult af diskretionshensyn (×): 4.",
            &format!("Mindste værdi: {raw} (Billund, 2016)."),
        );
        edit(
            &page,
            "<figcaption",
            &format!("<img src=\"x.png\" alt=\"Billund i 2016: {raw}\"><figcaption"),
        );
    });
    assert!(
        found
            .iter()
            .any(|p| p.contains("stated in \"Kategorier (8)")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("stated in \"Billund i 2016: 2\"")),
        "{found:#?}"
    );
}

/// The case from issue 4, through the real binary: a named value over one cell that the
/// table hides as a partner would, with the table's row total, give the small count away.
#[test]
fn a_named_value_is_suppressed_together_with_the_table() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    fs::create_dir_all(site.join("content/r")).unwrap();
    fs::create_dir_all(site.join("data")).unwrap();
    fs::write(site.join("evalpress.yaml"), "title: T\n").unwrap();
    fs::write(
        site.join("data/k.csv"),
        "Kommune;År;Antal\nA;2020;2\nA;2021;10\nB;2020;5\nB;2021;7\nC;2020;6\nC;2021;9\n",
    )
    .unwrap();
    fs::write(
        site.join("data/k.yaml"),
        "delimiter: \";\"\ncolumns:\n  Antal: {type: integer, kind: count}\n",
    )
    .unwrap();
    let report = "---\ntitle: R\nkind: evaluering\ndate: 2024-08-19\nvalues:\n  a-2021:\n    data: k.csv\n    filter: {Kommune: A, År: 2021}\n    aggregate: {n: sum(Antal)}\n  c-2021:\n    data: k.csv\n    filter: {Kommune: C, År: 2021}\n    aggregate: {n: sum(Antal)}\n---\n\n```table\nlabel: tab-k\ntitle: Antal\ndata: k.csv\ngroup: [Kommune]\npivot: År\naggregate:\n  Antal: sum(Antal)\ntotals: both\n```\n\nA havde [=a-2021] i 2021, C havde [=c-2021].\n";
    fs::write(site.join("content/r/index.md"), report).unwrap();
    let (_tmp, out, audit) = built(&site);
    let doc = common::html::page(&out, "r");
    let el = common::html::element(&doc, "#tab-k");
    let rows: Vec<Vec<String>> = common::html::select(el, "tr")
        .into_iter()
        .map(|tr| common::html::texts(tr, "th, td"))
        .collect();
    // The table on its own hides A 2020 (2) and the rectangle A/B x 2020/2021.
    assert_eq!(rows[1], ["A", "×", "×", "12"]);
    assert_eq!(rows[2], ["B", "×", "×", "12"]);
    assert_eq!(rows[3], ["C", "6", "9", "15"]);
    // A 2021 alone (10) would give A 2020 away (12 - 10); C 2021 is shown in the table anyway.
    let prose: Vec<String> = common::html::texts(doc.root_element(), "p")
        .into_iter()
        .filter(|p| p.starts_with("A havde"))
        .collect();
    assert_eq!(prose, ["A havde × i 2021, C havde 9."]);
    assert!(scan_hidden(&out, &audit, MARKER).is_empty());
}
