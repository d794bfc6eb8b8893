//! Evaluation models and grids on the example site: the pages built from `data/models/` show
//! the seed documents' figures exactly. Every cell of the Uddannelsesambassadør II fidelity
//! grid (Bilag 1, 19 projects x 8 core elements) and of the round 3 self-assessment (Tabel 3)
//! is compared with the printed tables, which are written out below independently of the YAML.

mod common;

use std::path::Path;

use common::html::{element, page, select, text, texts};
use common::run::build_site;
use scraper::Html;

/// Bilag 1 of the Uddannelsesambassadør II evaluation as printed (seed 001): each project and its
/// ratings of the eight core elements, in the printed order of rows and columns.
const BILAG_1: &str = "\
Aalborg | I høj grad | I nogen grad | I nogen grad | I nogen grad | I nogen grad | I nogen grad | I nogen grad | I nogen grad
Assens | I høj grad | I meget høj grad | I meget lav grad | I nogen grad | I nogen grad | I lav grad | I nogen grad | I lav grad
Billund | I meget høj grad | I meget høj grad | I meget høj grad | I høj grad | I nogen grad | I lav grad | I lav grad | I høj grad
Bornholm | I meget høj grad | I høj grad | I høj grad | I høj grad | I meget høj grad | I høj grad | I nogen grad | I lav grad
Frederiksberg | I meget høj grad | I meget høj grad | I meget høj grad | I nogen grad | I høj grad | I nogen grad | I lav grad | I lav grad
Gladsaxe | I meget høj grad | I meget høj grad | I høj grad | I nogen grad | I nogen grad | I nogen grad | I lav grad | I lav grad
Glostrup | I meget høj grad | I meget høj grad | I meget høj grad | I lav grad | I nogen grad | I nogen grad | I lav grad | I lav grad
Greve | I meget høj grad | I meget lav grad | I nogen grad | I nogen grad | I meget høj grad | I lav grad | I lav grad | I høj grad
Halsnæs, Helsingør, Hørsholm | I meget høj grad | I meget høj grad | I meget høj grad | I meget høj grad | I meget høj grad | I meget lav grad | I nogen grad | I høj grad
Haderslev | I meget høj grad | I høj grad | I meget høj grad | I meget høj grad | I høj grad | I nogen grad | I lav grad | I lav grad
Hedensted | I høj grad | I høj grad | I høj grad | I høj grad | I høj grad | I lav grad | I lav grad | I høj grad
Herning | I høj grad | I høj grad | I nogen grad | I høj grad | I meget høj grad | I lav grad | I høj grad | I nogen grad
København | I høj grad | I meget høj grad | I meget lav grad | I nogen grad | I nogen grad | I lav grad | I nogen grad | I lav grad
Middelfart | I høj grad | I høj grad | I høj grad | I høj grad | I nogen grad | I lav grad | I nogen grad | I lav grad
Odsherred | I høj grad | I meget høj grad | I høj grad | I meget høj grad | I nogen grad | I meget lav grad | I høj grad | I lav grad
Silkeborg | I høj grad | I meget høj grad | I nogen grad | I meget høj grad | I høj grad | I høj grad | I høj grad | I lav grad
Tønder | I høj grad | I meget høj grad | I meget høj grad | I høj grad | I høj grad | I lav grad | I lav grad | I lav grad
Vejen | I høj grad | I meget høj grad | I nogen grad | I meget høj grad | I meget høj grad | I nogen grad | I lav grad | I høj grad
Ærø | I nogen grad | I nogen grad | I meget lav grad | I nogen grad | I nogen grad | I meget lav grad | I lav grad | I meget lav grad";

/// `BILAG_1` as (project, ratings) rows.
fn bilag_1() -> Vec<(&'static str, Vec<&'static str>)> {
    BILAG_1
        .lines()
        .map(|line| {
            let mut cells = line.split(" | ");
            (cells.next().unwrap(), cells.collect())
        })
        .collect()
}

/// The printed column heads of Bilag 1, in order.
const BILAG_1_COLUMNS: [&str; 8] = [
    "Sprede viden om uddannelsesordninger i jobcentret",
    "Deltagelse i borgerrettet rådgivning",
    "Afholdelse af informationsmøde",
    "Samarbejde med uddannelsesinstitutioner",
    "Rådgivning og sparring til ledelse",
    "Styrke samarbejde med a-kasserne",
    "Styrke samarbejde med virksomheder om uddannelse",
    "Etablering af tværgående styregruppe",
];

const STEPS: [&str; 5] = [
    "I meget lav grad",
    "I lav grad",
    "I nogen grad",
    "I høj grad",
    "I meget høj grad",
];

/// Tabel 3 of the Uddannelsesambassadører III experience collection (seed 000) as printed,
/// with the blank cells as 0.
const TABEL_3: [(&str, [&str; 5]); 3] = [
    (
        "Antallet af uddannelsesløft og voksenlærlinge er øget for forsikrede ledige og jobparate",
        ["0", "1", "7", "5 (+1)", "4 (+1)"],
    ),
    (
        "Alle relevante medarbejdere kender og anvender ordningerne",
        ["0", "0", "0", "7 (+1)", "10 (+1)"],
    ),
    (
        "Samarbejde og klare aftaler med uddannelsesinstitutioner og a-kasser",
        ["0", "0", "0", "10", "8"],
    ),
];

/// The pages of reports `slugs` of the site at `root` (relative to this crate), freshly built.
fn pages<const N: usize>(root: &str, slugs: [&str; N]) -> [Html; N] {
    let (_tmp, out) = build_site(&Path::new(env!("CARGO_MANIFEST_DIR")).join(root));
    slugs.map(|slug| page(&out, slug))
}

/// The example site is this repository.
const EXAMPLE: &str = ".";

#[test]
fn the_fidelity_grid_shows_all_152_ratings_of_bilag_1() {
    let [doc] = pages(EXAMPLE, ["uddannelsesambassadoer-ii-2021"]);
    let grid = element(&doc, "#fidelitetsvurdering table.grid");
    assert_eq!(
        texts(grid, "caption"),
        ["Tabel 2 Fidelitetsvurdering af de 19 projekters implementering af kerneelementerne"]
    );
    let heads = texts(grid, "thead th");
    assert_eq!(heads[0], "Projekt");
    assert_eq!(heads[1..9], BILAG_1_COLUMNS);
    assert_eq!(heads[9], "Mindst i høj grad");
    let rows = select(grid, "tbody tr");
    assert_eq!(rows.len(), 19, "one row per project");
    let bilag_1 = bilag_1();
    assert_eq!(bilag_1.len(), 19);
    assert!(
        bilag_1.iter().all(|(_, r)| r.len() == 8),
        "8 ratings per printed row"
    );
    for (row, (project, ratings)) in rows.iter().zip(&bilag_1) {
        assert_eq!(texts(*row, "th[scope=row]"), [*project]);
        let cells = select(*row, "td.step-cell");
        assert_eq!(cells.len(), 8, "{project}");
        for (c, (cell, rating)) in cells.iter().zip(ratings).enumerate() {
            assert_eq!(text(*cell), *rating, "{project}, column {}", c + 1);
            // The colour class follows the step: text and colour always agree.
            let step = STEPS.iter().position(|s| s == rating).unwrap();
            let colour = [1, 3, 4, 6, 7][step];
            let class = cell.value().attr("class").unwrap();
            assert!(
                class.contains(&format!("step-c{colour}")),
                "{project}: {class}"
            );
        }
        // The row summary counts the core elements rated "i høj grad" or higher.
        let high = ratings.iter().filter(|r| r.ends_with("høj grad")).count();
        assert_eq!(
            texts(*row, "td.grid-summary"),
            [format!("{high} af 8")],
            "{project}"
        );
    }
}

#[test]
fn the_grid_counts_each_step_per_column_and_has_a_legend() {
    let [doc] = pages(EXAMPLE, ["uddannelsesambassadoer-ii-2021"]);
    let grid = element(&doc, "#fidelitetsvurdering table.grid");
    let foot = select(grid, "tfoot tr");
    assert_eq!(text(foot[0]), "Antal projekter pr. vurdering");
    // Highest step first, as in a legend read from the top.
    for (row, step) in foot[1..].iter().zip(STEPS.iter().rev()) {
        assert_eq!(texts(*row, "th[scope=row]"), [*step]);
        let expected: Vec<String> = (0..8)
            .map(|c| {
                bilag_1()
                    .iter()
                    .filter(|(_, r)| r[c] == *step)
                    .count()
                    .to_string()
            })
            .collect();
        let counts: Vec<String> = texts(*row, "td.num");
        assert_eq!(counts, expected, "counts of {step}");
    }
    assert_eq!(
        foot.len(),
        6,
        "no not-applicable row when every cell is rated"
    );
    let legend = element(&doc, "#fidelitetsvurdering .step-legend");
    assert_eq!(texts(legend, "li"), STEPS);
    // Header cells carry scopes; the grid sits in a focusable, labelled scroll region.
    assert!(
        select(grid, "thead th")
            .iter()
            .all(|th| th.value().attr("scope") == Some("col"))
    );
    let region = element(&doc, "#fidelitetsvurdering .table-scroll");
    assert_eq!(region.value().attr("tabindex"), Some("0"));
    assert_eq!(
        region.value().attr("aria-labelledby"),
        Some("fidelitetsvurdering-caption")
    );
}

#[test]
fn summary_prose_is_bound_to_the_ratings() {
    let [doc] = pages(EXAMPLE, ["uddannelsesambassadoer-ii-2021"]);
    let body = text(element(&doc, ".report-body"));
    for phrase in [
        "hvert af de 19 projekter",
        "lykkedes i høj eller meget høj grad i 18 af 19 projekter",
        "i meget høj grad implementeret i 11 projekter",
        "høj grad eller mere i 2 projekter; i de fleste projekter er det implementeret i lav grad",
    ] {
        assert!(body.contains(phrase), "missing `{phrase}` in:\n{body}");
    }
    assert!(!body.contains("[="), "an inline value is left as text");
}

#[test]
fn the_model_box_groups_core_elements_by_target_as_boks_1() {
    let [doc, round_3] = pages(
        EXAMPLE,
        [
            "uddannelsesambassadoer-ii-2021",
            "uddannelsesambassadoerer-iii-2023",
        ],
    );
    let boks = element(&doc, "#boks-indsatsmodel");
    assert_eq!(
        texts(boks, "figcaption"),
        ["Boks 1 Projektets succeskriterier og kerneelementer"]
    );
    assert_eq!(
        texts(boks, ".model-heading"),
        [
            "Succeskriterier",
            "Kerneelementer rettet mod samarbejdet i jobcentret",
            "Kerneelementer rettet mod borgere",
            "Kerneelementer rettet mod eksterne samarbejder",
        ]
    );
    let lists = select(boks, "ol");
    let sizes: Vec<usize> = lists.iter().map(|l| select(*l, "li").len()).collect();
    assert_eq!(
        sizes,
        [4, 2, 2, 4],
        "four criteria; eight core elements in three groups"
    );
    let starts: Vec<Option<&str>> = lists.iter().map(|l| l.value().attr("start")).collect();
    assert_eq!(
        starts,
        [None, None, Some("3"), Some("5")],
        "core elements are numbered 1-8"
    );
    assert_eq!(
        texts(lists[0], "li")[3],
        "At der etableres et konstruktivt samarbejde med relevante uddannelsesinstitutioner"
    );
    // The same model in round 3 shows that round's three criteria and the same core elements.
    let boks = element(&round_3, "#boks-indsatsmodel-iii");
    let sizes: Vec<usize> = select(boks, "ol")
        .iter()
        .map(|l| select(*l, "li").len())
        .collect();
    assert_eq!(sizes, [3, 2, 2, 4]);
}

#[test]
fn tabel_3_counts_double_ticks_in_brackets() {
    let [doc] = pages(EXAMPLE, ["uddannelsesambassadoerer-iii-2023"]);
    let table = element(&doc, "#selvvurdering table.distribution");
    assert_eq!(
        texts(table, "thead th"),
        [
            "Succeskriterium",
            "Slet ikke",
            "Et lille stykke vej",
            "I nogen grad",
            "Tæt på opnået",
            "Fuldt opnået"
        ]
    );
    let rows = select(table, "tbody tr");
    assert_eq!(rows.len(), 3);
    for (row, (criterion, cells)) in rows.iter().zip(TABEL_3) {
        assert_eq!(texts(*row, "th[scope=row]"), [criterion]);
        assert_eq!(texts(*row, "td"), cells, "{criterion}");
    }
    let body = text(element(&doc, ".report-body"));
    assert!(body.contains("18 af 19 projekter har svaret"), "{body}");
    assert!(body.contains("Kun 5 projekter mener"), "{body}");
}

#[test]
fn status_tables_show_each_degree_and_explanation() {
    let [doc] = pages(EXAMPLE, ["job-veu-evaluering-2021"]);
    let principles = element(&doc, "#status-principper table.status-table");
    assert_eq!(
        texts(principles, "thead th"),
        ["Bærende princip", "Grad af udmøntning"]
    );
    let degrees = texts(principles, "td .status-degree");
    assert_eq!(
        degrees,
        [
            "I meget høj grad",
            "I høj grad",
            "I nogen grad",
            "I høj grad",
            "I høj grad",
            "I nogen grad",
            "I nogen grad"
        ]
    );
    let names = texts(principles, "tbody th .status-item");
    assert_eq!(
        names[0],
        "Princip 1. Konkret behov for arbejdskraft i konkrete virksomheder"
    );
    assert_eq!(names[6], "Princip 7. Lokal forankring");
    let phases = element(&doc, "#status-faser table.status-table");
    assert_eq!(
        texts(phases, "td .status-degree"),
        [
            "I høj grad",
            "I mindre grad / I nogen grad",
            "I nogen grad",
            "I høj grad"
        ]
    );
    assert!(text(phases).contains("6 ud af 10 aktører"));
}

#[test]
fn one_list_is_shown_wherever_it_is_referenced() {
    let [doc, round_3] = pages(
        EXAMPLE,
        [
            "job-veu-evaluering-2021",
            "uddannelsesambassadoerer-iii-2023",
        ],
    );
    let first = element(&doc, "#oversigt-anbefalinger table");
    let second = element(&doc, "#potentialer-anbefalinger table");
    assert_eq!(texts(first, "tbody"), texts(second, "tbody"));
    assert_eq!(select(first, "tbody tr").len(), 5, "five potential areas");
    let recommendations = texts(first, "tbody li");
    assert_eq!(recommendations.len(), 10);
    assert_eq!(
        recommendations[0],
        "Anbefaling 1: Kommunikations- og udbredelsesplan målrettet virksomheder"
    );
    assert_eq!(
        recommendations[9],
        "Anbefaling 10: Særlig overvågning af fremtidige potentielle mangelområder"
    );
    assert_eq!(
        texts(first, "tbody th")[4],
        "Potentialeområde 5: Videreudvikling af viden og data om VEU-forløb og resultater"
    );
    // Drivers and barriers (Tabel 4 of the round 3 experience collection) side by side.
    let table = element(&round_3, "#drivere-barrierer table.drivers-barriers");
    assert_eq!(texts(table, "thead th"), ["Drivere", "Barrierer"]);
    let rows = select(table, "tbody tr");
    assert_eq!(rows.len(), 4);
    assert_eq!(
        texts(rows[3], "td"),
        [
            "Økonomi (uddannelsesløft med 110 pct. dagpenge)",
            "Dårlige erfaringer med at gå i skole"
        ]
    );
}

#[test]
fn the_theory_of_change_is_an_svg_with_real_text_and_a_text_version() {
    let [doc] = pages(EXAMPLE, ["uddannelsesambassadoer-ii-2021"]);
    let figure = element(&doc, "#forandringsteori");
    assert_eq!(
        texts(figure, "figcaption"),
        ["Figur 1 Forandringsteori for projekt Uddannelsesambassadør II"]
    );
    let svg = element(&doc, "#forandringsteori svg");
    assert_eq!(svg.value().attr("role"), Some("img"));
    assert_eq!(
        svg.value().attr("aria-labelledby"),
        Some("forandringsteori-svg-title")
    );
    let heads = texts(figure, "text.toc-head");
    assert_eq!(
        heads,
        [
            "Kerneelementer",
            "Kort sigt",
            "Mellemlangt sigt",
            "Langt sigt"
        ]
    );
    assert_eq!(select(figure, "rect.toc-element").len(), 8);
    assert_eq!(select(figure, "details.figure-text ol > li").len(), 4);
}

#[test]
fn not_applicable_cells_comments_and_double_ticks_are_shown_in_words() {
    let [doc] = pages("tests/sites/valid-grids", ["dansk"]);
    let grid = element(&doc, "#gitter table.grid");
    let rows = select(grid, "tbody tr");
    assert_eq!(
        texts(rows[1], "td"),
        [
            "I høj grad Efter en langsom start",
            "I nogen grad / I høj grad",
            "Ikke relevant",
            "I meget lav grad",
            "2 af 3"
        ]
    );
    // A project rated n/a throughout has nothing to sum up.
    assert_eq!(texts(rows[2], "td.grid-summary"), [""]);
    // The footer counts double ticks as "(+1)" and has a row for cells that do not apply.
    let foot = select(grid, "tfoot tr");
    assert_eq!(texts(foot[2], "td.num"), ["1", "1 (+1)", "0", "0"]);
    assert_eq!(texts(foot[6], "th"), ["Ikke relevant"]);
    assert_eq!(texts(foot[6], "td.num"), ["1", "1", "2", "1"]);
    // `cells: label` shows the running-text wording; `summary: false` and `counts: false` drop
    // the summary column and the footer.
    let long = element(&doc, "#gitter-lang table.grid");
    assert_eq!(
        texts(select(long, "tbody tr")[0], "td")[0],
        "i meget høj grad"
    );
    assert!(select(long, "tfoot, .grid-summary").is_empty());
    // `summary_from` moves the threshold of the row summary.
    let from = element(&doc, "#gitter-taerskel table.grid");
    assert_eq!(
        texts(from, "thead th.grid-summary"),
        ["Mindst i nogen grad"]
    );
    assert_eq!(
        texts(select(from, "tbody tr")[0], "td.grid-summary"),
        ["3 af 4"]
    );
    // Raw HTML in a data file is text, never markup.
    let drivers = element(&doc, "#drivere table");
    assert!(select(drivers, "b").is_empty());
    assert_eq!(
        texts(drivers, "tbody tr td")[5],
        "<b>Rå</b> HTML bliver til tekst"
    );
}

#[test]
fn scales_speak_the_report_language() {
    let [doc] = pages("tests/sites/valid-grids", ["english"]);
    let table = element(&doc, "#distribution table.distribution");
    assert_eq!(
        texts(table, "thead th"),
        ["Success criterion", "Little", "Some", "Much"]
    );
    let body = text(element(&doc, ".report-body"));
    assert!(
        body.contains("2 projects say much; the usual answer is much."),
        "{body}"
    );
    // Round 1 shows the criterion limited to round 1, not the one of round 2.
    let boks = element(&doc, "#model-box");
    assert_eq!(
        texts(select(boks, "ol")[0], "li"),
        [
            "Flere ledige i uddannelse",
            "Medarbejderne kender ordningerne"
        ]
    );
}
