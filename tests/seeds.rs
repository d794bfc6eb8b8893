//! The seed documents on the example site (issue 7): every numbered element of each seed on its
//! report, by label and number, and the elements that carry printed figures or drawings (Job-VEU's
//! chapter-7 survey figures and drawings, Uddannelsesambassadør II's statements per core element).

mod common;

use std::collections::BTreeSet;

use common::example::{A_KASSE, JOB_VEU, UA1, UA2, UA3, element_labels};
use common::html::{element, page, select, text, texts};
use scraper::Html;

fn example() -> (tempfile::TempDir, std::path::PathBuf) {
    common::example::build()
}

/// Each seed's numbered elements: (report, the seed's label, the element's anchor on the site,
/// the site's label). The site numbers like the seed except where a seed counts its charts
/// apart from its figures (001's "Søjlediagram" and "Diagram") or its boxes per report while
/// its figures go per chapter (002; its two boxes numbered 5 become Boks 4.1 and 6.1), and where 002 prints its overview of recommendations as
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
    // the seed prints "Boks 5" twice; its second one (chapter 6) is the first box of chapter 6
    (
        JOB_VEU,
        "Boks 5 (2nd, STAR's tool)",
        "boks-kompetencevaerktoej",
        "Boks 6.1",
    ),
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
fn job_veu_second_boks_5_is_referenced_from_chapter_6_and_keeps_its_years() {
    let (_tmp, out) = example();
    let doc = page(&out, JOB_VEU);
    // The report body is flat: chapter 6's paragraphs follow its heading and precede chapter 7's.
    let xref = |after: &str| {
        texts(
            doc.root_element(),
            &format!("#{after} ~ p a.xref[href=\"#boks-kompetencevaerktoej\"]"),
        )
    };
    assert_eq!(
        xref("rar"),
        ["boks 6.1"],
        "chapter 6's prose points at the box"
    );
    assert!(xref("faser").is_empty(), "the reference is in chapter 6");
    let body = text(element(&doc, "#boks-kompetencevaerktoej .box-body"));
    for year in ["2021", "2017"] {
        assert!(body.contains(year), "the seed's {year} in the box: {body}");
    }
}
