//! Data tables, inline values and CSV downloads on the built example site and on
//! `tests/sites/valid-data/`: the seed documents' tables reproduced cell by cell with every
//! derived number computed (000 Tabel 2, 001 Boks 2 and 3, 002 Tabel 1.1), the prose bound to
//! them, the illustrative municipality × year extract with small counts hidden, and the CSV
//! downloads: exactly the shown cells, formulas neutralised, readable by the csv crate.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::html::{element, page, select, text, texts};
use common::run::build_site;
use scraper::{ElementRef, Html, Selector};

/// A built site; the temporary folder lives as long as this does.
struct Built {
    _tmp: tempfile::TempDir,
    out: PathBuf,
}

fn example() -> Built {
    let (_tmp, out) = build_site(Path::new(env!("CARGO_MANIFEST_DIR")));
    Built { _tmp, out }
}

fn fixture() -> Built {
    let (_tmp, out) =
        build_site(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/valid-data"));
    Built { _tmp, out }
}

impl Built {
    fn page(&self, slug: &str) -> Html {
        page(&self.out, slug)
    }

    /// The rows of a downloaded CSV, header first, read by the csv crate.
    fn csv(&self, slug: &str, href: &str) -> Vec<Vec<String>> {
        let bytes = fs::read(self.out.join(slug).join(href)).unwrap();
        common::download::records(&bytes)
    }
}

/// Every row of the element's table (head and body), each as its cells' texts.
fn rows(el: ElementRef) -> Vec<Vec<String>> {
    select(el, "tr")
        .into_iter()
        .map(|tr| texts(tr, "th, td"))
        .collect()
}

fn download(el: ElementRef) -> String {
    let a = select(el, "p.element-download a");
    assert_eq!(a.len(), 1, "one download link");
    assert_eq!(text(a[0]), "Hent data (CSV)");
    a[0].value().attr("href").unwrap().to_string()
}

fn download_en(el: ElementRef) -> String {
    let a = select(el, "p.element-download a");
    assert_eq!(text(a[0]), "Download data (CSV)");
    a[0].value().attr("href").unwrap().to_string()
}

/// The paragraph of the page that contains `needle`, as text.
fn paragraph(doc: &Html, needle: &str) -> String {
    doc.select(&Selector::parse("p").unwrap())
        .map(text)
        .find(|t| t.contains(needle))
        .unwrap_or_else(|| panic!("no paragraph with `{needle}`"))
}

#[test]
fn seed_000_tabel_2_target_group_started_and_share() {
    let built = example();
    let doc = built.page("uddannelsesambassadoerer-iii-2023");
    let el = element(&doc, "#tabel-maalgruppe");
    assert_eq!(
        texts(el, "caption"),
        ["Tabel 2 Antal og andel uddannelsesløft for målgruppen (2021-2022)"]
    );
    assert_eq!(
        rows(el),
        [
            vec![
                "Område",
                "Målgruppe for uddannelsesløft",
                "Antal påbegyndte personer",
                "Andel, der har påbegyndt et uddannelsesløft (pct.)"
            ],
            vec!["Hele landet", "72.008", "3.386", "4,7"],
            vec!["Projektkommuner under ét", "39.527", "1.965", "5,0"],
            vec!["Ikke-projektkommuner under ét", "32.481", "1.421", "4,4"],
        ]
    );
    // Header scopes, row headers, numbers right-aligned.
    assert_eq!(select(el, "thead th[scope=col]").len(), 4);
    assert_eq!(
        texts(el, "tbody th[scope=row]"),
        [
            "Hele landet",
            "Projektkommuner under ét",
            "Ikke-projektkommuner under ét"
        ]
    );
    assert_eq!(select(el, "tbody td.num").len(), 9);
    assert_eq!(select(el, "thead th.num").len(), 3);
    // The source comes from the sidecar.
    assert_eq!(
        texts(el, ".element-source"),
        ["Kilde: Det fælles datagrundlag og egne beregninger"]
    );
    assert!(texts(el, ".element-note").is_empty(), "nothing hidden");
    // The prose states the table's numbers, through inline values.
    let prose = paragraph(&doc, "I hele landet var der");
    assert!(prose.contains("var der 72.008 ledige"), "{prose}");
    assert!(prose.contains("og 3.386 af dem"), "{prose}");
    assert!(prose.contains("har 5,0 pct. af de ledige"), "{prose}");
    assert!(prose.contains("gælder 4,4 pct. i de kommuner"), "{prose}");
    let csv = built.csv("uddannelsesambassadoerer-iii-2023", &download(el));
    // A Danish site's downloads open in a Danish Excel: BOM, `;`, decimal comma, no grouping.
    assert_eq!(csv[1], ["Hele landet", "72008", "3386", "4,7"]);
    assert_eq!(csv[2], ["Projektkommuner under ét", "39527", "1965", "5,0"]);
}

#[test]
fn seed_001_boks_2_and_3_before_during_and_change() {
    let built = example();
    let doc = built.page("uddannelsesambassadoer-ii-2021");
    let head = vec![
        "Gruppe",
        "Antal før indsatsen (2018 × 2)",
        "Antal under hele indsatsen (2019-2020)",
        "Procentudvikling",
    ];
    let boks2 = element(&doc, "#boks-uddannelsesloeft");
    assert_eq!(
        texts(boks2, "figcaption"),
        ["Boks 2 Antal påbegyndte uddannelsesløft"]
    );
    assert_eq!(
        rows(boks2),
        [
            head.clone(),
            vec!["Uddannelsesambassadør II", "326", "599", "84 %"],
            vec!["Uddannelsesambassadør I", "476", "429", "-10 %"],
            vec!["Alle andre kommuner", "514", "690", "34 %"],
        ]
    );
    let boks3 = element(&doc, "#boks-voksenlaerlinge");
    assert_eq!(
        texts(boks3, "figcaption"),
        ["Boks 3 Antal påbegyndte voksenlærlingeforløb fra ledighed"]
    );
    assert_eq!(
        rows(boks3),
        [
            head,
            vec!["Uddannelsesambassadør II", "1.340", "2.046", "53 %"],
            vec!["Uddannelsesambassadør I", "1.424", "1.633", "15 %"],
            vec!["Alle andre kommuner", "2.632", "3.578", "36 %"],
            vec!["I alt", "4.996", "6.831", "37 %"],
        ]
    );
    // The table inside the box is named by the box's caption.
    let table = select(boks2, "table")[0];
    assert_eq!(
        table.value().attr("aria-labelledby"),
        Some("boks-uddannelsesloeft-caption")
    );
    let prose = paragraph(
        &doc,
        "Jobcentrene i Uddannelsesambassadør II har i indsatsperioden",
    );
    for part in [
        "sat 599 uddannelsesløft i gang",
        "Det er 273 flere end før indsatsen, hvor niveauet var 326",
        "en stigning på 84 pct., jf. boks 2",
        "påbegyndt 47 færre uddannelsesløft",
        "alle andre kommuner 176 flere",
    ] {
        assert!(prose.contains(part), "`{part}` in {prose}");
    }
    let prose = paragraph(&doc, "Voksenlærlingeforløbene viser");
    for part in [
        "påbegyndt 706 flere forløb",
        "en stigning på 53 pct. Kommunerne",
        "påbegyndt 209 flere og de øvrige kommuner 946 flere",
        "steg antallet med 37 pct.",
    ] {
        assert!(prose.contains(part), "`{part}` in {prose}");
    }
    assert!(
        !prose.contains("pct.."),
        "one full stop after `pct.`: {prose}"
    );
}

#[test]
fn seed_002_tabel_1_1_budget_by_year() {
    let built = example();
    let doc = built.page("job-veu-evaluering-2021");
    let el = element(&doc, "#tabel-bevilling");
    assert_eq!(
        texts(el, "caption"),
        ["Tabel 1.1 Bevilling til VEU-koordination, mio. kr."]
    );
    assert_eq!(
        rows(el),
        [
            vec!["Formål", "2018", "2019", "2020", "2021"],
            vec!["Bevilling i alt", "25", "25,3", "28,2", "40,9"],
        ]
    );
    assert_eq!(
        texts(el, ".element-source"),
        ["Kilde: Styrelsen for Arbejdsmarked og Rekruttering"]
    );
    let prose = paragraph(&doc, "Med trepartsaftalen");
    assert!(prose.contains("afsat 25 mio. kr. om året"), "{prose}");
    assert!(prose.contains("i 2021 var 40,9 mio. kr."), "{prose}");
    assert!(
        prose.contains("eller 15,9 mio. kr. mere end i 2018"),
        "{prose}"
    );
}

/// The illustrative extract: counts per municipality and year, the small ones hidden.
#[test]
fn the_municipality_extract_is_pivoted_with_small_counts_hidden() {
    let built = example();
    let slug = "uddannelsesambassadoer-ii-2021";
    let doc = built.page(slug);
    let el = element(&doc, "#tabel-kommuner");
    let table = rows(el);
    assert_eq!(
        table[0],
        ["Kommune", "2016", "2017", "2018", "2019", "2020", "I alt"]
    );
    assert_eq!(table[1], ["Aalborg", "12", "15", "18", "30", "41", "116"]);
    assert_eq!(table[2][..3], ["Billund", "×", "×"]);
    assert_eq!(table[6], ["Hørsholm", "0", "0", "0", "0", "0", "0"]);
    assert_eq!(table[8][..3], ["Tønder", "×", "×"]);
    assert_eq!(table[9][0], "I alt");
    assert_eq!(table[9][6], "610");
    let total = select(el, "tr.total");
    assert_eq!(total.len(), 1, "the totals row is marked");
    // The page says plainly that the numbers are invented, and why cells are hidden.
    let note = texts(el, ".element-note").join(" ");
    assert!(note.contains("Illustrative tal"), "{note}");
    assert!(
        note.contains("Antal under 3 vises ikke af diskretionshensyn (×)"),
        "{note}"
    );
    assert!(texts(el, "caption")[0].contains("(illustrative tal)"));
    // No raw small count is published: not in its row on the page, not in the CSV.
    let csv = built.csv(slug, &download(el));
    assert_eq!(csv[0], table[0]);
    for (kommune, year, raw) in small_counts() {
        let col = table[0].iter().position(|h| *h == year).unwrap();
        for (what, rows) in [("page", &table), ("CSV", &csv)] {
            let row = rows
                .iter()
                .find(|r| r[0] == kommune)
                .unwrap_or_else(|| panic!("{kommune} in the {what}"));
            assert_eq!(row[col], "×", "{kommune} {year} in the {what}");
            assert!(
                !row.contains(&raw.to_string()),
                "{kommune}'s hidden {raw} in the {what}: {row:?}"
            );
        }
    }
    let prose = paragraph(&doc, "I de opdigtede tal");
    assert!(
        prose.contains("København 88 uddannelsesløft i 2020 mod 35 i 2016"),
        "{prose}"
    );
    assert!(prose.contains("i alt 610 forløb"), "{prose}");
}

/// The counts below 3 (zeros are shown) of started education lifts 2016-2020 in the raw
/// extract, read from the Windows-1252 file itself: (municipality, year, count).
fn small_counts() -> Vec<(String, String, i64)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/uddannelsesambassadoerer/kommuner-aar.csv");
    let bytes = fs::read(path).unwrap();
    let (text, _, bad) = encoding_rs::WINDOWS_1252.decode(&bytes);
    assert!(!bad);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let small: Vec<(String, String, i64)> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[2] == "Uddannelsesløft" && ("2016".."2021").contains(&&r[1]))
        .filter_map(|r| {
            let n: i64 = r[3].parse().ok()?;
            (n > 0 && n < 3).then(|| (r[0].to_string(), r[1].to_string(), n))
        })
        .collect();
    assert_eq!(
        small,
        [
            ("Billund".to_string(), "2016".to_string(), 2),
            ("Tønder".to_string(), "2017".to_string(), 1)
        ]
    );
    small
}

/// A Danish cell text as the Danish Excel dialect writes it: no grouping, decimal comma, no
/// unit.
fn plain(cell: &str) -> String {
    match cell {
        "×" | ".." => cell.to_string(),
        _ => cell.trim_end_matches(" %").replace('.', ""),
    }
}

#[test]
fn downloads_hold_exactly_the_shown_cells_and_neutralise_formulas() {
    let built = fixture();
    let doc = built.page("dansk");
    let el = element(&doc, "#tab-kommuner");
    let shown = rows(el);
    let csv = built.csv("dansk", &download(el));
    assert_eq!(csv.len(), shown.len(), "{csv:?}");
    for (page_row, csv_row) in shown.iter().zip(&csv).skip(1) {
        // The municipality `=1+2` is a formula to a spreadsheet: it gets a leading `'`.
        let key = if page_row[0].starts_with('=') {
            format!("'{}", page_row[0])
        } else {
            page_row[0].clone()
        };
        assert_eq!(csv_row[0], key);
        let numbers: Vec<String> = page_row[1..].iter().map(|c| plain(c)).collect();
        assert_eq!(csv_row[1..], numbers, "{page_row:?}");
    }
    assert_eq!(csv[3], ["'=1+2", "×", "×", "29", "×"]);
    assert!(
        csv.iter()
            .flatten()
            .all(|c| !c.starts_with(['=', '+', '-', '@', '\t', '\r'])),
        "{csv:?}"
    );
    // Written again by the csv crate in the Danish Excel dialect, the file reads back the same.
    let original = fs::read(built.out.join("dansk/data/tab-kommuner.csv")).unwrap();
    assert!(
        original.starts_with(common::download::BOM),
        "a byte-order mark"
    );
    let mut again = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(common::download::BOM.to_vec());
    for row in &csv {
        again.write_record(row).unwrap();
    }
    assert_eq!(again.into_inner().unwrap(), original);
    // The English page of the same site writes RFC 4180: no BOM, `,`, decimal point, and its
    // formulas are neutralised too.
    let doc = built.page("english");
    let el = element(&doc, "#tab-courses");
    let bytes = fs::read(built.out.join("english").join(download_en(el))).unwrap();
    assert!(!bytes.starts_with(common::download::BOM));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("Aarup,27,2560.75\n"), "{text}");
    let mut again = csv::Writer::from_writer(Vec::new());
    for row in common::download::records(text.as_bytes()) {
        again.write_record(&row).unwrap();
    }
    assert_eq!(
        String::from_utf8(again.into_inner().unwrap()).unwrap(),
        text
    );
}

#[test]
fn inline_values_apply_disclosure_and_the_locale() {
    let built = fixture();
    let doc = built.page("dansk");
    let prose = paragraph(&doc, "I 2021 var der");
    assert_eq!(
        prose,
        "I 2021 var der 41 forløb. Aarup voksede med 25,0 pct. For Brande i 2020 vises ×. Aarup havde 15 forløb i 2021."
    );
    let doc = built.page("english");
    assert_eq!(paragraph(&doc, "In 2021"), "In 2021 there were 41 courses.");
    let el = element(&doc, "#tab-courses");
    let table = rows(el);
    assert_eq!(table[1], ["Aarup", "27", "2,560.75"]);
    assert_eq!(table[4], ["Total", "64", ".."]);
    assert_eq!(
        texts(el, ".element-source"),
        ["Source: Testregisteret, TEST01, extracted 5 August 2024"]
    );
    let a = select(el, "p.element-download a")[0];
    assert_eq!(text(a), "Download data (CSV)");
}
