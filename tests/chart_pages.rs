//! Charts on built pages: the `chart` directive on `tests/sites/valid-charts/` (every kind, a
//! dataset with counts under the threshold, Danish and English) and on the example site (every
//! kind, the seeds' figures with their real numbers). What is pinned: a chart is a numbered
//! figure with an accessible SVG, its numbers in a `<details>` table and a CSV download; a
//! hidden count has no bar, no value label, no table cell and no CSV value; the chart font is
//! served with its licence. Determinism of the example site is `tests/determinism.rs`'s.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::html::{element, page, select, text, texts};
use common::run::build_site;
use scraper::{ElementRef, Html};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> (tempfile::TempDir, PathBuf) {
    build_site(&root().join("tests/sites/valid-charts"))
}

/// The rows of the chart's data table, header first, each as its cells' texts.
fn table_rows(figure: ElementRef) -> Vec<Vec<String>> {
    select(figure, "details.chart-numbers tr")
        .into_iter()
        .map(|tr| texts(tr, "th, td"))
        .collect()
}

/// The rows of the chart's CSV download, header first.
fn csv_rows(out: &Path, slug: &str, figure: ElementRef) -> Vec<Vec<String>> {
    let a = select(figure, "p.element-download a");
    assert_eq!(a.len(), 1, "one download link");
    let href = a[0].value().attr("href").unwrap();
    let bytes = fs::read(out.join(slug).join(href)).unwrap();
    common::download::records(&bytes)
}

#[test]
fn a_chart_is_a_numbered_figure_with_its_numbers_one_click_away() {
    let (_tmp, out) = fixture();
    let doc = page(&out, "diagrammer");
    let figure = element(&doc, "figure#fig-forloeb");
    assert_eq!(
        figure.value().attr("class"),
        Some("element element-figure element-chart")
    );
    assert_eq!(
        texts(figure, "figcaption"),
        ["Figur 3 Påbegyndte forløb pr. gruppe og år"],
        "numbered as a figure, titled from the sidecar"
    );
    let svg = element(&doc, "figure#fig-forloeb > svg.chart.chart-grouped-bar");
    assert_eq!(svg.value().attr("role"), Some("img"));
    assert_eq!(
        svg.value().attr("aria-labelledby"),
        Some("fig-forloeb-title fig-forloeb-desc")
    );
    assert_eq!(texts(svg, "title"), ["Påbegyndte forløb pr. gruppe og år"]);
    assert_eq!(texts(figure, "details > summary"), ["Tallene bag figuren"]);
    let region = element(&doc, "#fig-forloeb details .table-scroll");
    assert_eq!(
        region.value().attr("aria-labelledby"),
        Some("fig-forloeb-numbers fig-forloeb-caption")
    );
    assert_eq!(
        texts(figure, ".element-source"),
        ["Kilde: Opdigtet registerudtræk"]
    );
    assert_eq!(
        texts(figure, ".element-note"),
        [
            "Anm.: Illustrative tal: tallene er opdigtede. Antal under 3 vises ikke af diskretionshensyn (×)."
        ]
    );
    assert_eq!(texts(figure, ".element-download"), ["Hent data (CSV)"]);
    // References to charts read "figur N" and link to the figure.
    let body = element(&doc, ".report-body").html();
    assert!(
        body.contains(r##"<a class="xref" href="#fig-forloeb">figur&nbsp;3</a>"##),
        "{body}"
    );
    // The source and note the directive gives win over the sidecar's.
    let own = element(&doc, "figure#fig-vandret");
    assert_eq!(texts(own, ".element-source"), ["Kilde: Egen opgørelse"]);
    assert_eq!(texts(own, ".element-note"), ["Anm.: Afrundede tal."]);
}

/// The numbers of the fixture's `forloeb.csv`: group, year, count.
const FORLOEB: [(&str, &str, &str); 12] = [
    ("Alfa", "2018", "41"),
    ("Alfa", "2019", "57"),
    ("Alfa", "2020", "66"),
    ("Beta", "2018", "23"),
    ("Beta", "2019", "2"),
    ("Beta", "2020", "38"),
    ("Gamma", "2018", "19"),
    ("Gamma", "2019", "27"),
    ("Gamma", "2020", "1"),
    ("Delta", "2018", "35"),
    ("Delta", "2019", "44"),
    ("Delta", "2020", "52"),
];

#[test]
fn a_hidden_count_has_no_bar_label_table_cell_or_csv_value() {
    let (_tmp, out) = fixture();
    let doc = page(&out, "diagrammer");
    let figure = element(&doc, "figure#fig-forloeb");
    let table = table_rows(figure);
    assert_eq!(table[0], ["Kategori", "2018", "2019", "2020"]);
    let csv = csv_rows(&out, "diagrammer", figure);
    assert_eq!(csv[0], ["Gruppe", "2018", "2019", "2020"]);
    // Beta 2019 (2) and Gamma 2020 (1) are under the threshold. On its own this chart would
    // hide the rectangle Beta/Gamma x 2019/2020, but the page's other charts of the same file
    // (Alfa, Beta and Delta by year; Alfa and Delta by year) show Delta and Alfa in those
    // years, and with them their year totals give Beta 2019 away. Coordinated suppression
    // hides 2019 and 2020 for every group, in every chart of the file.
    let hidden: BTreeSet<(&str, &str)> = ["Alfa", "Beta", "Gamma", "Delta"]
        .into_iter()
        .flat_map(|g| [(g, "2019"), (g, "2020")])
        .collect();
    let mut shown_values = Vec::new();
    for (group, year, raw) in FORLOEB {
        let col = table[0].iter().position(|h| h == year).unwrap();
        let row = table.iter().position(|r| r[0] == group).unwrap();
        let csv_row = csv.iter().position(|r| r[0] == group).unwrap();
        if hidden.contains(&(group, year)) {
            assert_eq!(table[row][col], "×", "{group} {year} in the table");
            assert_eq!(csv[csv_row][col], "×", "{group} {year} in the CSV");
        } else {
            assert_eq!(table[row][col], raw, "{group} {year} in the table");
            assert_eq!(csv[csv_row][col], raw, "{group} {year} in the CSV");
            shown_values.push(raw.to_string());
        }
    }
    let svg = element(&doc, "figure#fig-forloeb > svg");
    // One bar per shown value, none for a hidden one.
    assert_eq!(
        select(svg, "g.chart-marks > rect").len(),
        shown_values.len(),
        "{}",
        svg.html()
    );
    // The value labels are exactly the shown values; the hidden ones get the marker only.
    let mut labels = texts(svg, "text.chart-value");
    labels.sort();
    shown_values.sort();
    assert_eq!(labels, shown_values);
    assert_eq!(texts(svg, "text.chart-marker"), ["×"; 8]);
    let desc = texts(svg, "desc").join(" ");
    assert!(
        desc.contains("Skjult af diskretionshensyn (×): 8."),
        "{desc}"
    );
    for (group, year, raw) in FORLOEB {
        if hidden.contains(&(group, year)) {
            assert!(
                !desc.contains(&format!("{raw} ({group}")),
                "{raw} in the description: {desc}"
            );
        }
    }
}

#[test]
fn a_100_percent_bar_hides_a_category_with_a_hidden_part() {
    let (_tmp, out) = fixture();
    let doc = page(&out, "diagrammer");
    let figure = element(&doc, "figure#fig-andele");
    let table = table_rows(figure);
    assert_eq!(table[0], ["Kategori", "Alfa", "Beta", "Delta"]);
    // Hidden in every part in 2019 and 2020: coordinated with the page's other charts of the
    // file (see `a_hidden_count_has_no_bar_label_table_cell_or_csv_value`).
    assert_eq!(table[1], ["2018", "41", "23", "35"]);
    assert_eq!(table[2], ["2019", "×", "×", "×"]);
    let (partial, whole): (Vec<&Vec<String>>, Vec<&Vec<String>>) = table[1..]
        .iter()
        .partition(|row| row.contains(&"×".to_string()));
    assert!(!whole.is_empty() && !partial.is_empty(), "{table:?}");
    let svg = element(&doc, "figure#fig-andele > svg");
    // A year with a hidden part is drawn as the marker only, since the shares of its other
    // parts would give the hidden count away; the other years as three parts each.
    assert_eq!(select(svg, "g.chart-marks > rect").len(), 3 * whole.len());
    assert_eq!(texts(svg, "text.chart-marker"), vec!["×"; partial.len()]);
    let labels = texts(svg, "text.chart-value").join(" ");
    assert!(
        !labels.contains("57"),
        "a count, not a share, on a 100 % bar: {labels}"
    );
}

#[test]
fn every_kind_draws_on_the_fixture_in_both_languages() {
    let (_tmp, out) = fixture();
    let doc = page(&out, "diagrammer");
    let kinds: BTreeSet<String> = select(doc.root_element(), "svg.chart")
        .into_iter()
        .filter_map(|s| s.value().attr("class").map(String::from))
        .collect();
    for kind in [
        "bar",
        "bar-horizontal",
        "grouped-bar",
        "stacked-bar",
        "stacked-100",
        "line",
        "target-actual",
        "likert",
        "mean-score",
        "bar-line",
    ] {
        assert!(
            kinds.contains(&format!("chart chart-{kind}")),
            "no {kind} in {kinds:?}"
        );
    }
    // The likert chart shows N per group and takes the shares' unit.
    let likert = element(&doc, "figure#fig-svar");
    assert!(text(likert).contains("N = 123"), "{}", text(likert));
    assert_eq!(
        table_rows(likert)[1],
        ["Leder, start", "12 %", "20 %", "68 %", "25"]
    );
    // The author's description replaces the generated one.
    let svg = element(&doc, "figure#fig-kursister > svg");
    assert_eq!(
        texts(svg, "desc"),
        [
            "Kursister pr. projekt, og kursister pr. 1.000 i arbejdsstyrken. Illustrative tal: tallene er opdigtede."
        ]
    );
    let en = page(&out, "english-charts");
    let figure = element(&en, "figure#fig-started");
    assert_eq!(
        texts(figure, "figcaption"),
        ["Figure 1 Started courses by group and year"]
    );
    assert_eq!(
        texts(figure, "details > summary"),
        ["The numbers behind the figure"]
    );
    assert_eq!(texts(figure, ".element-download"), ["Download data (CSV)"]);
    assert_eq!(table_rows(figure)[2], ["Beta", "23", "×", "×"]);
}

fn example() -> (tempfile::TempDir, PathBuf) {
    build_site(&root())
}

/// The chart of figure `id` on the example report `slug`: its data table.
fn example_table(doc: &Html, id: &str) -> Vec<Vec<String>> {
    table_rows(element(doc, &format!("figure#{id}")))
}

#[test]
fn the_example_site_shows_the_seeds_figures_with_their_numbers() {
    let (_tmp, out) = example();
    // 002 Figur 8.6: mean satisfaction by actor.
    let job_veu = page(&out, "job-veu-evaluering-2021");
    let satisfaction: Vec<Vec<String>> = example_table(&job_veu, "fig-tilfredshed");
    assert_eq!(
        satisfaction[1..],
        [
            ["Alle aktører", "8,6"],
            ["Uddannelsesinstitutioner", "8,9"],
            ["Virksomheder", "8,6"],
            ["Jobcentre", "8,5"],
            ["Arbejdsmarkedets parter", "7,7"],
        ]
    );
    // 002 Tabel 1.1: the budget by year.
    let budget = example_table(&job_veu, "fig-bevilling");
    assert_eq!(
        budget[1..],
        [
            ["2018", "25,0"],
            ["2019", "25,3"],
            ["2020", "28,2"],
            ["2021", "40,9"]
        ]
    );
    // 001 Boks 2: before (2018 × 2) and during, per group.
    let round_2 = page(&out, "uddannelsesambassadoer-ii-2021");
    assert_eq!(
        example_table(&round_2, "fig-boks-2")[1..],
        [
            ["Uddannelsesambassadør II", "326", "599"],
            ["Uddannelsesambassadør I", "476", "429"],
            ["Alle andre kommuner", "514", "690"],
        ]
    );
    // 001 Boks 3: the percent change, with the report's own total.
    assert_eq!(
        example_table(&round_2, "fig-boks-3")[1..],
        [
            ["Uddannelsesambassadør II", "53 %"],
            ["Uddannelsesambassadør I", "15 %"],
            ["Alle andre kommuner", "36 %"],
            ["I alt", "37 %"],
        ]
    );
    // 001 Diagram 3: good knowledge at start and end, with N per group.
    assert_eq!(
        example_table(&round_2, "fig-kendskab-loeft")[1..3],
        [
            ["Leder, startmåling", "8 %", "92 %", "25"],
            ["Leder, slutmåling", "3 %", "97 %", "30"],
        ]
    );
    // Charts of invented numbers say so on the figure and in the note.
    for (doc, id) in [
        (&round_2, "fig-kommuner"),
        (&round_2, "fig-opbakning"),
        (&job_veu, "fig-rar"),
    ] {
        let figure = element(doc, &format!("figure#{id}"));
        assert!(
            texts(figure, "svg text.chart-illustrative")
                .join(" ")
                .contains("Illustrative tal"),
            "{id}"
        );
        assert!(
            text(figure).contains("Anm.: ") && text(figure).contains("Illustrative tal"),
            "{id}"
        );
    }
    // Every kind appears somewhere on the example site.
    let mut kinds = BTreeSet::new();
    for slug in [
        "job-veu-evaluering-2021",
        "uddannelsesambassadoer-ii-2021",
        "uddannelsesambassadoerer-iii-2023",
    ] {
        let doc = page(&out, slug);
        for svg in select(doc.root_element(), "svg.chart") {
            kinds.insert(svg.value().attr("class").unwrap().to_string());
        }
    }
    assert_eq!(kinds.len(), 10, "{kinds:?}");
}

#[test]
fn the_chart_font_is_served_with_its_licence() {
    let (_tmp, out) = fixture();
    let served = fs::read(out.join("static/fonts/IBMPlexSans-Regular.ttf")).unwrap();
    let source = fs::read(root().join("assets/fonts/IBMPlexSans-Regular.ttf")).unwrap();
    assert!(served == source, "the served font is the measured one");
    let licence = fs::read_to_string(out.join("static/fonts/OFL.txt")).unwrap();
    assert!(licence.contains("SIL Open Font License"));
    let css = fs::read_to_string(out.join("static/style.css")).unwrap();
    let face = &css[css.find("@font-face").expect("an @font-face")..];
    let face = &face[..face.find('}').unwrap()];
    assert!(face.contains("font-family: \"Evalpress Chart\""), "{face}");
    assert!(
        face.contains("url(\"fonts/IBMPlexSans-Regular.ttf\")"),
        "{face}"
    );
    assert!(face.contains("font-display: swap"), "{face}");
    let doc = page(&out, "diagrammer");
    let svg = element(&doc, "svg.chart");
    assert!(
        svg.value()
            .attr("font-family")
            .unwrap()
            .starts_with("'Evalpress Chart'")
    );
}
