//! Hostile data files, built by the real binary: extracts at a scale that would exhaust memory
//! or time (a 2 GiB file, a 10 MiB field, a million columns) end in an error naming the limit at
//! its place, over a previous output that stays byte for byte, with the sources unchanged and
//! exit code 1; cells, headers and sidecar labels carrying markup reach tables, charts (SVG),
//! CSV downloads and inline values as text, and the output scanner finds nothing.
//!
//! The large files are written at run time into a temporary folder; the 2 GiB file is sparse
//! (`set_len`), which is only safe because the reader refuses it by its size before reading.

mod common;

use std::fs;
use std::path::Path;

use common::guarded::run;
use common::refused::refused;
use common::scan::scan_site;
use common::tree::small_site;
use walkdir::WalkDir;

const INDEX: &str = "---\ntitle: R\n---\n\nTekst.\n";

#[test]
fn a_data_file_over_the_size_limit_is_refused_before_it_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let site = small_site(tmp.path(), INDEX, &[]);
    fs::create_dir_all(site.join("data")).unwrap();
    let big = fs::File::create(site.join("data/stor.csv")).unwrap();
    big.set_len(2 << 30).unwrap();
    drop(big);
    assert_eq!(
        refused(tmp.path(), &site),
        [
            "data/stor.csv: error: the data file is 2147483648 bytes (2048 MiB), over the limit of 512 MiB for one data file",
            "  help: split the extract into smaller files, or raise the limit in evalpress.yaml with `data: {max_file_mb: 2048}` (a dataset is held in memory while the site is built)",
        ]
    );
}

#[test]
fn the_size_limit_is_the_sites_to_set() {
    let rows = "a;5\n".repeat(400_000);
    let csv = format!("Navn;Antal\n{rows}");
    let tmp = tempfile::tempdir().unwrap();
    let files = [
        ("evalpress.yaml", "title: T\ndata: {max_file_mb: 1}\n"),
        ("data/mellem.csv", csv.as_str()),
    ];
    let site = small_site(tmp.path(), INDEX, &files);
    assert_eq!(
        refused(tmp.path(), &site)[0],
        "data/mellem.csv: error: the data file is 1600011 bytes (2 MiB), over the limit of 1 MiB for one data file"
    );
    // The same file under the default limit is read.
    fs::write(site.join("evalpress.yaml"), "title: T\n").unwrap();
    let out = tmp.path().join("ok");
    let (code, err) = run(&site, &["build", "--out", out.to_str().unwrap()], &[]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_ten_mebibyte_field_is_refused_at_its_place() {
    let field = "x".repeat(10 << 20);
    for (csv, at) in [
        (format!("Navn;Antal\nkort;4\n\"{field}\";5\n"), "3:1"),
        (format!("Navn;{field}\nkort;4\n"), "1:6"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let site = small_site(tmp.path(), INDEX, &[("data/felt.csv", &csv)]);
        assert_eq!(
            refused(tmp.path(), &site),
            [
                format!("data/felt.csv:{at}: error: a field of 10485760 bytes, longer than the limit of 1048576 bytes (1 MiB)"),
                "  help: look for a `\"` that opens a quoted field too early, or shorten the text: a cell holds one value".to_string(),
            ]
        );
    }
}

#[test]
fn a_million_columns_are_refused() {
    let header: Vec<String> = (0..1_000_000).map(|i| format!("k{i}")).collect();
    let csv = format!("{}\n{}\n", header.join(";"), vec!["1"; 1_000_000].join(";"));
    let tmp = tempfile::tempdir().unwrap();
    let site = small_site(tmp.path(), INDEX, &[("data/bred.csv", &csv)]);
    assert_eq!(
        refused(tmp.path(), &site),
        [
            "data/bred.csv:1:1: error: the header has 1000000 columns, more than the limit of 10000",
            "  help: check the delimiter (a wrong one can split every character), or split the file: a table has at most a few hundred columns",
        ]
    );
}

#[test]
fn a_wide_header_full_of_problems_is_reported_up_to_the_limit() {
    let csv = format!("{}\n", vec![""; 9_000].join(";"));
    let tmp = tempfile::tempdir().unwrap();
    let site = small_site(tmp.path(), INDEX, &[("data/tom.csv", &csv)]);
    let lines = refused(tmp.path(), &site);
    assert_eq!(lines.len(), 2 * 20, "{lines:#?}");
    assert_eq!(
        lines[2],
        "data/tom.csv:1:2: error: column 2 has no name in the header"
    );
}

// ---------------------------------------------------------------- hostile text in data

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
const CDATA_END: &str = "]]>";
const ENTITY: &str = "&amp;";

/// A site whose data file carries markup in cells, headers and every sidecar label, shown in
/// a table, a box, a chart and an inline value.
fn hostile_data_site(dir: &Path) -> std::path::PathBuf {
    let csv = format!(
        "Gruppe;\"<b onmouseover=alert(5)>Note</b>\";Antal\n{SCRIPT};a;10\n\"\"\"><img src=x onerror=alert(1)>\";{CDATA_END};12\n{CDATA_END};\"{ENTITY}\";14\n\"{ENTITY}\";{SCRIPT};16\n"
    );
    let sidecar = "title: \"<script>alert('titel')</script> ]]> &amp;\"\ndelimiter: \";\"\nsource: {text: \"<iframe src=javascript:alert(6)> &amp; ]]>\"}\ncolumns:\n  Gruppe: {type: text, label: \"\\\"><img src=x onerror=alert(2)>\"}\n  Antal: {type: integer, kind: count, label: \"<script>alert(3)</script> ]]> &amp;\", unit: \"<i>personer</i>\"}\n";
    let index = "---\ntitle: R\nvalues:\n  i-alt:\n    data: h.csv\n    aggregate: {n: sum(Antal)}\n---\n\nI alt [=i-alt] og [=tab-h/&amp;/Antal].\n\n```table\nlabel: tab-h\ndata: h.csv\ngroup: [Gruppe]\naggregate: {Antal: sum(Antal)}\n```\n\n```box\ntitle: Alle\ndata: h.csv\n```\n\n```chart\nlabel: fig-h\ndata: h.csv\ngroup: [Gruppe]\naggregate: {Antal: sum(Antal)}\nkind: bar\nvalue_labels: true\n```\n";
    small_site(
        dir,
        index,
        &[("data/h.csv", &csv), ("data/h.yaml", sidecar)],
    )
}

/// Every file under `dir` with the extension `ext`, as (relative path, text).
fn files_with(dir: &Path, ext: &str) -> Vec<(String, String)> {
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == ext))
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn markup_in_cells_headers_and_labels_is_published_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let site = hostile_data_site(tmp.path());
    let out = tmp.path().join("out");
    let (code, err) = run(&site, &["build", "--out", out.to_str().unwrap()], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(scan_site(&out), Vec::<String>::new());

    // The page shows every hostile text as text: a browser parses it back to the same string.
    let page = fs::read_to_string(out.join("r/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&page);
    let text: String = doc.root_element().text().collect();
    for hostile in [
        SCRIPT,
        IMG,
        CDATA_END,
        ENTITY,
        "<b onmouseover=alert(5)>Note</b>",
    ] {
        assert!(text.contains(hostile), "`{hostile}` is not shown as text");
    }
    assert!(
        text.contains("<script>alert(3)</script> ]]> &amp;"),
        "label"
    );
    assert!(
        text.contains("<iframe src=javascript:alert(6)> &amp; ]]>"),
        "source"
    );
    assert!(
        page.contains("&amp;amp;"),
        "`&amp;` must be escaped once more"
    );
    // The inline values: the sum of every row, and the cell of the row named `&amp;`.
    assert!(text.contains("I alt 52 og 16."), "{text}");

    // Charts are SVG, inline or in files; SVG is XML, so `]]>` and markup must be escaped
    // there too (an XML parser stops at a raw `]]>` in text).
    assert!(page.contains("<svg"), "no chart was drawn");
    let mut markup = files_with(&out, "svg");
    markup.push(("r/index.html".into(), page.clone()));
    for (rel, text) in &markup {
        assert!(!text.contains(CDATA_END), "{rel} has a raw `]]>`");
    }
    assert!(page.contains(">]]&gt;</text>"), "a bar's category label");

    // The downloads hold the texts unchanged, quoted as CSV needs, and read back the same.
    let downloads = files_with(&out, "csv");
    assert!(!downloads.is_empty(), "no CSV download");
    let mut cells = Vec::new();
    // Read with either delimiter a download dialect may use; a hostile text must be one cell.
    for ((_, csv), delimiter) in downloads.iter().flat_map(|d| [(d, b','), (d, b';')]) {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        for rec in rdr.records() {
            cells.extend(rec.unwrap().iter().map(str::to_string));
        }
    }
    for hostile in [SCRIPT, IMG, CDATA_END, ENTITY] {
        assert!(cells.iter().any(|c| c == hostile), "{hostile} in {cells:?}");
    }
}
