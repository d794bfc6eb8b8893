//! The example site as a whole (issue 7): every numbered element of each seed document on its
//! report, by label and number; the Uddannelsesambassadør series with previous/next round and
//! its programme page; the index grouped by programme; each report's "Data og metode" section
//! and the datasets page; the citation block; `<title>`, description and `lang` on every page and
//! the 404 page. Also the errors of `key_figures:` and of publication dates, on sites written on
//! the fly.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::html::{element, page, select, text, texts};
use common::run::{build_site, evalpress, stderr};
use common::tree::small_site;
use scraper::Html;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const UA1: &str = "puljeopslag-uddannelsesambassadoerer-2016";
const UA2: &str = "uddannelsesambassadoer-ii-2021";
const UA3: &str = "uddannelsesambassadoerer-iii-2023";
const JOB_VEU: &str = "job-veu-evaluering-2021";
const A_KASSE: &str = "a-kassesamarbejde-koebenhavn-2024";

/// Each seed's numbered elements: (report, the seed's label, the element's anchor on the site,
/// the site's label). The site numbers like the seed except where a seed counts its charts
/// apart from its figures (001's "Søjlediagram" and "Diagram") or its boxes per report while
/// its figures go per chapter (002), and where 002 prints its overview of recommendations as
/// a figure (the site generates it as a table), and where 002's chapter 7 skips the numbers 7.2
/// and 7.7 (its figures there run 7.1, 7.2, ... on the site); the unnumbered method appendix
/// numbers its own elements from 1. README lists the same mapping.
const SEED_ELEMENTS: &[(&str, &str, &str, &str)] = &[
    // 000: Uddannelsesambassadører III
    (UA3, "Tabel 1", "tabel-projekter", "Tabel 1"),
    (UA3, "Figur 1", "forandringsteori-iii", "Figur 1"),
    (UA3, "Figur 2", "fig-maaltal-2021", "Figur 2"),
    (UA3, "Figur 3", "fig-maaltal", "Figur 3"),
    (UA3, "Figur 4", "fig-paabegyndte-aar", "Figur 4"),
    (UA3, "Figur 5", "fig-udvikling-projekter", "Figur 5"),
    (UA3, "Tabel 2", "tabel-maalgruppe", "Tabel 2"),
    (UA3, "Tabel 3", "selvvurdering", "Tabel 3"),
    (UA3, "Tabel 4", "drivere-barrierer", "Tabel 4"),
    // 001: Uddannelsesambassadør II
    (UA2, "Boks 1", "boks-indsatsmodel", "Boks 1"),
    (UA2, "Figur 1", "forandringsteori", "Figur 1"),
    (UA2, "Boks 2", "boks-uddannelsesloeft", "Boks 2"),
    (UA2, "Boks 3", "boks-voksenlaerlinge", "Boks 3"),
    (UA2, "Søjlediagram 1", "fig-kommuner", "Figur 4"),
    (
        UA2,
        "Søjlediagram 2",
        "fig-kommuner-voksenlaerlinge",
        "Figur 5",
    ),
    (UA2, "Diagram 3", "fig-kendskab-loeft", "Figur 7"),
    (UA2, "Diagram 4", "fig-kendskab-voksenlaerling", "Figur 8"),
    (UA2, "Diagram 5", "fig-opbakning", "Figur 9"),
    (UA2, "Diagram 6", "fig-ledelse-fokus", "Figur 10"),
    (UA2, "Bilag 1", "fidelitetsvurdering", "Tabel 2"),
    (
        UA2,
        "udsagn pr. kerneelement",
        "kerneelementer-udsagn",
        "Tabel 3",
    ),
    // 002: Job-VEU
    (JOB_VEU, "Figur 1.1", "fig-model-indledning", "Figur 1.1"),
    (JOB_VEU, "Boks 1", "boks-bevillinger", "Boks 1.1"),
    (JOB_VEU, "Tabel 1.1", "tabel-bevilling", "Tabel 1.1"),
    (JOB_VEU, "Boks 2", "boks-datakilder", "Boks 1.2"),
    (JOB_VEU, "Figur 2.1", "oversigt-anbefalinger", "Tabel 2.1"),
    (JOB_VEU, "Figur 3.1", "fig-model", "Figur 3.1"),
    (JOB_VEU, "Figur 3.2", "fig-organisering", "Figur 3.2"),
    (JOB_VEU, "Boks 3", "boks-foelgegruppe", "Boks 3.1"),
    (JOB_VEU, "Boks 4", "boks-rar-medlemmer", "Boks 3.2"),
    (JOB_VEU, "Figur 4.1", "fig-projekter-aar", "Figur 4.1"),
    (JOB_VEU, "Figur 4.2", "fig-kursister-aar", "Figur 4.2"),
    (JOB_VEU, "Boks 5", "boks-crm-data", "Boks 4.1"),
    (JOB_VEU, "Figur 4.3", "fig-projekter-amk", "Figur 4.3"),
    (JOB_VEU, "Figur 4.4", "fig-kursister-amk", "Figur 4.4"),
    (JOB_VEU, "Figur 4.5", "fig-rar", "Figur 4.5"),
    (JOB_VEU, "Figur 4.6", "fig-brancher", "Figur 4.6"),
    (JOB_VEU, "Tabel 4.1", "tabel-projekttyper", "Tabel 4.1"),
    (JOB_VEU, "Figur 4.7", "fig-projekttyper-andele", "Figur 4.7"),
    (JOB_VEU, "Figur 4.8", "fig-kursister-andele", "Figur 4.8"),
    (JOB_VEU, "Figur 4.9", "fig-projekttyper", "Figur 4.9"),
    (JOB_VEU, "Tabel 5.1", "status-principper", "Tabel 5.1"),
    (JOB_VEU, "Figur 5.1", "fig-behov", "Figur 5.1"),
    (JOB_VEU, "Figur 5.2", "fig-parter-type", "Figur 5.2"),
    (JOB_VEU, "Figur 5.3", "fig-merit-type", "Figur 5.3"),
    (JOB_VEU, "Figur 5.4", "fig-samarbejde", "Figur 5.4"),
    (JOB_VEU, "Figur 5.5", "fig-match", "Figur 5.5"),
    (JOB_VEU, "Figur 5.6", "fig-en-indgang", "Figur 5.6"),
    (JOB_VEU, "Figur 5.7", "fig-lokalt", "Figur 5.7"),
    (JOB_VEU, "Figur 7.1", "fig-faser-aktoerer", "Figur 7.1"),
    (JOB_VEU, "Tabel 7.1", "status-faser", "Tabel 7.1"),
    (JOB_VEU, "Boks 6", "boks-indgange", "Boks 7.1"),
    (JOB_VEU, "Boks 7", "boks-ja-tak", "Boks 7.2"),
    (JOB_VEU, "Figur 7.3", "fig-parter-involveret", "Figur 7.2"),
    (JOB_VEU, "Boks 8", "boks-parter-indhold", "Boks 7.3"),
    (JOB_VEU, "Figur 7.4", "fig-indhold-afstemt", "Figur 7.3"),
    (JOB_VEU, "Boks 9", "boks-fibertekniker", "Boks 7.4"),
    (JOB_VEU, "Figur 7.5", "fig-fleksibilitet", "Figur 7.4"),
    (JOB_VEU, "Figur 7.6", "fig-screening", "Figur 7.5"),
    (JOB_VEU, "Figur 7.8", "fig-klaedt-paa", "Figur 7.6"),
    (JOB_VEU, "Tabel 7.2", "tabel-roller", "Tabel 7.2"),
    (JOB_VEU, "Figur 8.1", "fig-job-type", "Figur 8.1"),
    (JOB_VEU, "Figur 8.2", "fig-kompetencer", "Figur 8.2"),
    (JOB_VEU, "Figur 8.3", "fig-kompetencer-type", "Figur 8.3"),
    (JOB_VEU, "Figur 8.4", "fig-mangel-type", "Figur 8.4"),
    (JOB_VEU, "Figur 8.5", "fig-voksenlaerling-type", "Figur 8.5"),
    (JOB_VEU, "Figur 8.6", "fig-tilfredshed", "Figur 8.6"),
    (
        JOB_VEU,
        "Tabel 10.1",
        "potentialer-anbefalinger",
        "Tabel 10.1",
    ),
    (JOB_VEU, "Boks 10", "boks-datakilder-bilag", "Boks 1"),
    // 003 and 004 number nothing; their structured parts are elements on the site
    (A_KASSE, "nøgletal", "noegletal", "Tabel 1"),
    (A_KASSE, "de fire initiativer", "initiativer", "Tabel 2"),
    (UA1, "kerneopgaver", "kerneopgaver", "Boks 1"),
    (UA1, "succeskriterier", "succeskriterier", "Boks 2"),
    (UA1, "minimumskrav", "minimumskrav", "Boks 3"),
    (UA1, "budget", "oekonomiske-rammer", "Tabel 1"),
    (UA1, "tidsplan", "tidsplan", "Tabel 2"),
];

fn example() -> (tempfile::TempDir, PathBuf) {
    build_site(&root())
}

/// The `.element-label` texts of the report body, in order.
fn element_labels(doc: &Html) -> Vec<String> {
    texts(doc.root_element(), ".report-body .element-label")
}

#[test]
fn every_numbered_element_of_each_seed_is_on_its_report() {
    let (_tmp, out) = example();
    let mut missing = Vec::new();
    for (slug, seed, anchor, label) in SEED_ELEMENTS {
        let doc = page(&out, slug);
        let found = select(
            doc.root_element(),
            &format!("[id=\"{anchor}\"] .element-label"),
        );
        match found.first().map(|e| text(*e)) {
            Some(l) if l == *label => {}
            other => missing.push(format!(
                "{slug}: seed {seed} as {label} #{anchor}, found {other:?}"
            )),
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
    // Each report's own numbering runs without gaps or repeats, per kind and chapter.
    for slug in [UA1, UA2, UA3, JOB_VEU, A_KASSE] {
        let labels = element_labels(&page(&out, slug));
        let unique: BTreeSet<&String> = labels.iter().collect();
        assert_eq!(
            unique.len(),
            labels.len(),
            "{slug}: a label twice in {labels:?}"
        );
    }
}

/// The body cells of a chart's "Tallene bag figuren" table, row by row: (category, values).
fn chart_rows(doc: &Html, anchor: &str) -> Vec<(String, Vec<u32>)> {
    let rows = select(
        doc.root_element(),
        &format!("[id=\"{anchor}\"] table.chart-data tbody tr"),
    );
    rows.iter()
        .map(|tr| {
            let values = texts(*tr, "td")
                .iter()
                .map(|c| {
                    c.trim_end_matches(" %")
                        .parse()
                        .expect("a whole percentage")
                })
                .collect();
            (texts(*tr, "th").join(""), values)
        })
        .collect()
}

#[test]
fn job_veu_chapter_7_survey_figures_keep_the_printed_shares_and_say_the_rest_is_invented() {
    let (_tmp, out) = example();
    let doc = page(&out, JOB_VEU);
    // (figure, row, the two lowest steps together, the two highest together): the seed's shares;
    // `None` where the seed prints nothing for that end of the scale.
    let printed: &[(&str, &str, Option<u32>, Option<u32>)] = &[
        (
            "fig-indhold-afstemt",
            "Drøftet og afstemt med arbejdsmarkedets parter",
            Some(10),
            Some(60),
        ),
        (
            "fig-indhold-afstemt",
            "Drøftet og afstemt med egen organisation",
            None,
            Some(79),
        ),
        (
            "fig-fleksibilitet",
            "Virksomheder: uddannelsesinstitutionerne er mere fleksible",
            Some(13),
            Some(55),
        ),
        ("fig-klaedt-paa", "Jobcentre", None, Some(69)),
    ];
    for (anchor, row, low, high) in printed {
        let rows = chart_rows(&doc, anchor);
        let (_, v) = rows
            .iter()
            .find(|(c, _)| c == row)
            .unwrap_or_else(|| panic!("{anchor}: no row {row} in {rows:?}"));
        assert_eq!(v.len(), 5, "{anchor}: five steps");
        assert_eq!(v.iter().sum::<u32>(), 100, "{anchor} {row}: adds up to 100");
        if let Some(low) = low {
            assert_eq!(v[0] + v[1], *low, "{anchor} {row}: the printed low share");
        }
        if let Some(high) = high {
            assert_eq!(v[3] + v[4], *high, "{anchor} {row}: the printed high share");
        }
    }
    // Every row of the four charts adds up to 100, and each says its numbers are invented.
    for anchor in [
        "fig-parter-involveret",
        "fig-indhold-afstemt",
        "fig-fleksibilitet",
        "fig-klaedt-paa",
    ] {
        let rows = chart_rows(&doc, anchor);
        assert!(!rows.is_empty(), "{anchor}: a table of numbers");
        for (c, v) in &rows {
            assert_eq!(v.iter().sum::<u32>(), 100, "{anchor} {c}: adds up to 100");
        }
        let note = texts(
            doc.root_element(),
            &format!("[id=\"{anchor}\"] .element-note"),
        )
        .join(" ");
        assert!(
            note.contains("opdigtede"),
            "{anchor}: marked illustrative: {note}"
        );
    }
    // The prose binds the printed shares to the data and points at the figures.
    let body = texts(doc.root_element(), ".report-body p").join(" ");
    for phrase in [
        "60 pct. svarer i høj eller meget høj grad for parterne og kun 10 pct.",
        "79 pct. svarer i høj eller meget høj grad for deres egen organisation",
        "oplever 55 pct. i samme grad",
        "kun 13 pct. svarer i lav eller meget lav grad",
        "69 pct. er i høj eller meget høj grad enige",
        "jf. figur 7.2",
        "jf. figur 7.6",
    ] {
        assert!(body.contains(phrase), "the text says {phrase:?}");
    }
    // Boks 10 (the appendix's data sources) keeps the survey's printed counts and response rates.
    let sources = text(element(&doc, "#boks-datakilder-bilag"));
    for phrase in [
        "40 centrale og regionale aktører",
        "395 forløb",
        "61 aktører fra 15 projekter",
        "332 personer",
        "169 svarede: en svarprocent på 51 pct.",
        "48 pct.",
        "56 pct.",
        "35 pct.",
        "82 pct.",
    ] {
        assert!(
            sources.contains(phrase),
            "Boks 10 says {phrase:?}: {sources}"
        );
    }
}

#[test]
fn ua2_states_for_each_core_element_how_well_it_went_and_why() {
    let (_tmp, out) = example();
    let doc = page(&out, UA2);
    let rows = select(doc.root_element(), "#kerneelementer-udsagn tbody tr");
    assert_eq!(rows.len(), 8, "one row per core element");
    let verdicts: Vec<String> = rows
        .iter()
        .map(|tr| texts(*tr, "td").last().cloned().unwrap_or_default())
        .collect();
    let best = verdicts
        .iter()
        .filter(|v| v.contains("lykkedes bedst"))
        .count();
    let less = verdicts
        .iter()
        .filter(|v| v.contains("i mindre grad"))
        .count();
    assert_eq!(
        (best, less),
        (5, 3),
        "the seed's five and three: {verdicts:?}"
    );
    for tr in &rows {
        let findings = texts(*tr, "td").join(" ");
        assert!(
            findings.contains("Drivkraft:") && findings.contains("Barriere:"),
            "a driver and a barrier per core element: {findings}"
        );
    }
    let body = texts(doc.root_element(), ".report-body p").join(" ");
    assert!(body.contains("tabel 3 i bilaget"), "the prose points at it");
}

#[test]
fn job_veu_drawings_are_site_svg_assets_with_a_text_alternative() {
    let (_tmp, out) = example();
    let doc = page(&out, JOB_VEU);
    for (anchor, file, words) in [
        (
            "fig-model-indledning",
            "job-veu-modellen.svg",
            "syv bærende principper",
        ),
        ("fig-model", "job-veu-modellen.svg", "fire faser"),
        ("fig-organisering", "organisering.svg", "Regionalt"),
        ("fig-faser-aktoerer", "faser-aktoerer.svg", "Fase 4"),
        ("fig-screening", "screening.svg", "Fem skridt"),
    ] {
        let img = select(doc.root_element(), &format!("[id=\"{anchor}\"] img"));
        let img = img.first().unwrap_or_else(|| panic!("{anchor}: an image"));
        assert_eq!(img.value().attr("src"), Some(file), "{anchor}");
        let alt = img.value().attr("alt").unwrap_or_default();
        assert!(alt.contains(words), "{anchor}: alt text {alt:?}");
        let svg = std::fs::read_to_string(out.join(JOB_VEU).join(file))
            .unwrap_or_else(|e| panic!("{anchor}: {file} is published: {e}"));
        assert!(
            svg.starts_with("<svg") && svg.contains("<title"),
            "{file}: an SVG with a title"
        );
    }
}

#[test]
fn the_data_section_lists_every_element_with_source_and_download() {
    let (_tmp, out) = example();
    for slug in [UA1, UA2, UA3, JOB_VEU, A_KASSE] {
        let doc = page(&out, slug);
        let section = element(&doc, "section.data-method");
        let rows = select(section, "tbody tr");
        let listed: Vec<String> = rows.iter().map(|tr| texts(*tr, "th a").join("")).collect();
        assert_eq!(
            listed,
            element_labels(&doc),
            "{slug}: the data section lists every element in order"
        );
        for tr in &rows {
            let cells = texts(*tr, "td");
            let href = select(*tr, "th a")[0].value().attr("href").unwrap();
            let anchor = href.trim_start_matches('#');
            assert!(
                !select(doc.root_element(), &format!("[id=\"{anchor}\"]")).is_empty(),
                "{slug}: {href} points at its element"
            );
            let download = select(*tr, "td a[download]");
            if let Some(a) = download.first() {
                let url = a.value().attr("href").unwrap();
                let file = out.join(url.trim_start_matches('/'));
                assert!(file.is_file(), "{slug}: the CSV {url} exists");
            }
            assert_eq!(cells.len(), 3, "{slug}: source, data, download");
        }
    }
    // Grids, status and distribution tables are downloadable too, as their cells' text, in
    // the same dialect as the data tables (a Danish report: BOM and `;`).
    let grid = std::fs::read_to_string(out.join(UA2).join("data/fidelitetsvurdering.csv")).unwrap();
    let grid = grid.strip_prefix('\u{feff}').expect("a byte-order mark");
    let lines: Vec<&str> = grid.lines().collect();
    assert_eq!(lines.len(), 20, "a header and the 19 projects");
    assert!(lines[0].starts_with("Projekt;Sprede viden om uddannelsesordninger i jobcentret;"));
    assert_eq!(
        lines[1],
        "Aalborg;I høj grad;I nogen grad;I nogen grad;I nogen grad;I nogen grad;I nogen grad;I nogen grad;I nogen grad"
    );
    let distribution =
        std::fs::read_to_string(out.join(UA3).join("data/selvvurdering.csv")).unwrap();
    assert!(distribution.contains(
        "Alle relevante medarbejdere kender og anvender ordningerne;0;0;0;7 (+1);10 (+1)"
    ));
}

#[test]
fn the_datasets_page_lists_every_data_file_with_where_it_is_used() {
    let (_tmp, out) = example();
    let doc = page(&out, "data");
    let ids: BTreeSet<String> = select(doc.root_element(), "section.dataset")
        .iter()
        .map(|s| s.value().attr("id").unwrap().to_string())
        .collect();
    let data = root().join("data");
    for entry in walkdir::WalkDir::new(&data) {
        let entry = entry.unwrap();
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str());
        let rel = path
            .strip_prefix(&data)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let listed = match ext {
            Some("csv") => true,
            Some("yaml") => rel.starts_with("models/") && !rel.starts_with("models/scales/"),
            _ => false,
        };
        if listed {
            let id = format!(
                "ds-{}",
                rel.chars()
                    .map(|c| if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    })
                    .collect::<String>()
            );
            assert!(ids.contains(&id), "{rel} is on the datasets page as #{id}");
        }
    }
    let budget = element(&doc, "#ds-uddannelsesambassadoerer-boks2-3-paabegyndte-csv");
    let uses: Vec<String> = select(budget, ".dataset-uses a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(
        uses.contains(&format!("/{UA2}/#boks-uddannelsesloeft")),
        "{uses:?}"
    );
    assert!(uses.contains(&format!("/{UA2}/#fig-boks-2")), "{uses:?}");
    let ratings = element(&doc, "#ds-models-ratings-ua2-fidelitet-yaml");
    assert_eq!(
        texts(ratings, ".dataset-uses a"),
        ["Tabel 2 Fidelitetsvurdering af de 19 projekters implementering af kerneelementerne"]
    );
    // Every link from a report's data section to a dataset lands on an entry of this page.
    for slug in [UA1, UA2, UA3, JOB_VEU, A_KASSE] {
        let report = page(&out, slug);
        for a in select(
            report.root_element(),
            "section.data-method td a[href*='/data/#']",
        ) {
            let id = a.value().attr("href").unwrap().split('#').nth(1).unwrap();
            assert!(ids.contains(id), "{slug} links to #{id}");
        }
    }
}

/// The series navigation of a report: (previous, next) link targets.
fn series_links(out: &Path, slug: &str) -> (Option<String>, Option<String>) {
    let doc = page(out, slug);
    let link = |css: &str| {
        select(doc.root_element(), css)
            .first()
            .map(|a| a.value().attr("href").unwrap().to_string())
    };
    (
        link("nav.series-nav a[rel=prev]"),
        link("nav.series-nav a[rel=next]"),
    )
}

#[test]
fn the_three_rounds_are_a_series_with_previous_and_next_round() {
    let (_tmp, out) = example();
    let url = |s: &str| Some(format!("/{s}/"));
    assert_eq!(series_links(&out, UA1), (None, url(UA2)));
    assert_eq!(series_links(&out, UA2), (url(UA1), url(UA3)));
    assert_eq!(series_links(&out, UA3), (url(UA2), None));
    let doc = page(&out, UA2);
    assert_eq!(
        texts(doc.root_element(), "nav.series-nav .series-title"),
        ["Uddannelsesambassadører · rapport 2 af 3"]
    );
    for slug in [JOB_VEU, A_KASSE] {
        let doc = page(&out, slug);
        assert!(
            select(doc.root_element(), "nav.series-nav").is_empty(),
            "{slug} is in no series"
        );
    }
}

#[test]
fn the_programme_page_shows_the_rounds_side_by_side() {
    let (_tmp, out) = example();
    let doc = page(&out, "programmer/uddannelsesambassadoerer");
    assert_eq!(texts(doc.root_element(), "h1"), ["Uddannelsesambassadører"]);
    let table = element(&doc, "table.rounds-table");
    assert_eq!(texts(table, "thead th"), ["Runde 1", "Runde 2", "Runde 3"]);
    let row = |name: &str| {
        select(table, "tbody tr")
            .into_iter()
            .find(|tr| texts(*tr, "th") == [name])
            .unwrap_or_else(|| panic!("no row {name}"))
    };
    let links: Vec<String> = select(row("Rapport"), "td a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        links,
        [format!("/{UA1}/"), format!("/{UA2}/"), format!("/{UA3}/")]
    );
    // Success criteria from the shared model, per round.
    let criteria: Vec<usize> = select(row("Succeskriterier"), "td")
        .iter()
        .map(|td| select(*td, "li").len())
        .collect();
    assert_eq!(criteria, [2, 4, 3]);
    assert_eq!(
        texts(row("Udgivet"), "td"),
        ["2016", "2021", "december 2023"]
    );
    // Headline results are the data's numbers, formatted as in the reports.
    let figures: Vec<Vec<String>> = select(row("Nøgletal"), "td")
        .iter()
        .map(|td| texts(*td, "dd"))
        .collect();
    assert_eq!(
        figures,
        [
            vec![],
            vec![
                "599".to_string(),
                "84 pct.".into(),
                "53 pct.".into(),
                "18".into()
            ],
            vec!["1.965".to_string(), "5,0 pct.".into(), "4,4 pct.".into()],
        ]
    );
}

#[test]
fn the_index_groups_reports_by_programme_newest_first() {
    let (_tmp, out) = example();
    let doc = Html::parse_document(&std::fs::read_to_string(out.join("index.html")).unwrap());
    let groups = select(doc.root_element(), "section.report-group");
    let titles: Vec<String> = groups.iter().map(|g| texts(*g, "h3").join("")).collect();
    assert_eq!(titles, ["Uddannelsesambassadører", "Øvrige rapporter"]);
    let links = |i: usize| -> Vec<String> {
        select(groups[i], ".report-card h4 a")
            .iter()
            .map(|a| {
                a.value()
                    .attr("href")
                    .unwrap()
                    .trim_matches('/')
                    .to_string()
            })
            .collect()
    };
    assert_eq!(links(0), [UA3, UA2, UA1]);
    assert_eq!(links(1), [A_KASSE, JOB_VEU]);
    assert_eq!(
        select(groups[0], ".group-link a")[0].value().attr("href"),
        Some("/programmer/uddannelsesambassadoerer/")
    );
    let card = texts(groups[0], ".report-card .report-kind");
    assert_eq!(card[0], "Erfaringsopsamling · Runde 3 · december 2023");
}

#[test]
fn each_report_has_a_citation_from_its_metadata() {
    let (_tmp, out) = example();
    let doc = page(&out, UA3);
    assert_eq!(
        texts(doc.root_element(), "section.cite p.citation"),
        [format!(
            "Styrelsen for Arbejdsmarked og Rekruttering (2023). Uddannelsesambassadører III: \
             Betydning for brugen af uddannelsesløft. Erfaringsopsamling. J.nr. 22/08170. \
             Tilgængelig på /{UA3}/"
        )]
    );
}

#[test]
fn every_page_has_a_title_a_description_and_a_language() {
    let (_tmp, out) = example();
    assert!(out.join("404.html").is_file(), "a 404 page");
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.path().extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        pages += 1;
        let doc = Html::parse_document(&std::fs::read_to_string(entry.path()).unwrap());
        let name = entry.path().display().to_string();
        let html = element(&doc, "html");
        assert!(
            matches!(html.value().attr("lang"), Some("da" | "en")),
            "{name}: lang"
        );
        let title = texts(doc.root_element(), "head title");
        assert!(title.len() == 1 && title[0].len() > 3, "{name}: {title:?}");
        let description = select(doc.root_element(), "meta[name=description]");
        assert!(
            description.len() == 1
                && description[0]
                    .value()
                    .attr("content")
                    .is_some_and(|c| c.len() > 20),
            "{name}: description"
        );
        assert_eq!(texts(doc.root_element(), "h1").len(), 1, "{name}: one h1");
        let footer = select(
            doc.root_element(),
            "footer a[href='/tilgaengelighedserklaering/']",
        );
        assert_eq!(
            footer.len(),
            1,
            "{name}: the accessibility statement in the footer"
        );
    }
    // index, 404, six reports and pages, the programme page, the datasets page
    assert_eq!(pages, 10);
}

const REPORT: &str = "---\ntitle: R\ndate: {date}\nvalues:\n  n:\n    data: t.csv\n    select: [Antal]\nkey_figures:\n  - { label: Antal, value: n }\n  - { label: Forkert, value: {wrong} }\n---\n\n```table\nlabel: tal\ndata: t.csv\n```\n";

const SIDECAR: &str =
    "title: Tal\nsource:\n  text: Registret\n  table: AUS08\n  extracted: 2024-08-05\n";

fn report(date: &str, wrong: &str) -> String {
    REPORT.replace("{date}", date).replace("{wrong}", wrong)
}

#[test]
fn key_figures_and_dates_are_checked_where_they_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    let files = [("data/t.csv", "Antal\n12\n"), ("data/t.yaml", SIDECAR)];
    let good = small_site(&tmp.path().join("good"), &report("2023-12", "n"), &files);
    let (_built, out) = build_site(&good);
    // A table from a dated register extract: its file, source and extraction date are listed
    // in the report's data section and on the datasets page.
    let doc = page(&out, "r");
    assert_eq!(
        texts(doc.root_element(), ".report-meta dd"),
        ["december 2023"]
    );
    let row = element(&doc, "section.data-method tbody tr");
    assert_eq!(texts(row, "th"), ["Tabel 1 Tal"]);
    assert_eq!(
        texts(row, "td"),
        [
            "Registret, AUS08, udtrukket 5. august 2024",
            "t.csv udtrukket 5. august 2024",
            "CSV: Tabel 1"
        ]
    );
    let datasets = page(&out, "data");
    let entry = element(&datasets, "#ds-t-csv");
    assert_eq!(
        texts(entry, "dd"),
        ["Tal", "CSV", "Registret", "5. august 2024"]
    );
    assert_eq!(texts(entry, ".dataset-uses a"), ["Tabel 1 Tal"]);

    let bad = small_site(
        &tmp.path().join("bad"),
        &report("2023-13", "mangler"),
        &files,
    );
    let run = evalpress(&bad, &["check"]);
    assert!(!run.status.success());
    let err = stderr(&run);
    assert!(
        err.contains("content/r/index.md:3:1: error: date `2023-13` does not exist"),
        "{err}"
    );
    assert!(
        err.contains("content/r/index.md:10:30: error: inline value `mangler` not found"),
        "{err}"
    );

    let malformed = small_site(
        &tmp.path().join("malformed"),
        "---\ntitle: R\nkey_figures:\n  - { label: Antal }\n---\n",
        &[],
    );
    let run = evalpress(&malformed, &["check"]);
    let err = stderr(&run);
    assert!(!run.status.success());
    assert!(
        err.contains("content/r/index.md:4:") && err.contains("missing field `value`"),
        "{err}"
    );
}
