//! The example site as a whole (issue 7): the Uddannelsesambassadør series with previous/next
//! round and its programme page; the index grouped by programme; each report's "Data og metode"
//! section and the datasets page; the citation block; `<title>`, description and `lang` on every
//! page and the 404 page; the breadcrumb trail (one theme component) on each kind of page. Also
//! the errors of `key_figures:` and of publication dates, on sites written on the fly. The seeds'
//! numbered elements are checked in `tests/seeds.rs`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::example::{A_KASSE, JOB_VEU, UA1, UA2, UA3, element_labels};
use common::html::{element, page, select, texts};
use common::run::{build_site, evalpress, stderr};
use common::tree::small_site;
use scraper::Html;

fn root() -> PathBuf {
    common::example::root()
}

fn example() -> (tempfile::TempDir, PathBuf) {
    common::example::build()
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
    // index, 404, six reports and pages, the programme page, the datasets page, the search page
    assert_eq!(pages, 11);
}

/// The trail of a page's breadcrumb: (text, link) per step, `None` for the current page.
fn breadcrumb(out: &Path, page_path: &str) -> Vec<(String, Option<String>)> {
    let text = std::fs::read_to_string(out.join(page_path)).unwrap();
    let doc = Html::parse_document(&text);
    select(
        doc.root_element(),
        "nav.breadcrumb[aria-label=\"Brødkrumme\"] li",
    )
    .iter()
    .map(|li| {
        let link = select(*li, "a")
            .first()
            .and_then(|a| a.value().attr("href"));
        let current = select(*li, "[aria-current=page]").len() == 1;
        assert!(current != link.is_some(), "{page_path}: a link or the page");
        (texts(*li, "a, span").join(""), link.map(str::to_string))
    })
    .collect()
}

#[test]
fn reports_pages_the_programme_and_datasets_pages_have_one_breadcrumb_component() {
    let (_tmp, out) = example();
    let home = ("Forside".to_string(), Some("/".to_string()));
    let reports = ("Rapporter".to_string(), Some("/#reports".to_string()));
    let here = |t: &str| (t.to_string(), None);
    for (path, trail) in [
        (
            format!("{JOB_VEU}/index.html"),
            vec![
                home.clone(),
                reports.clone(),
                here("Evaluering af Job-VEU modellen"),
            ],
        ),
        (
            "programmer/uddannelsesambassadoerer/index.html".into(),
            vec![
                home.clone(),
                reports.clone(),
                here("Uddannelsesambassadører"),
            ],
        ),
        (
            "tilgaengelighedserklaering/index.html".into(),
            vec![home.clone(), here("Tilgængelighedserklæring")],
        ),
        (
            "data/index.html".into(),
            vec![home.clone(), here("Datasæt")],
        ),
        ("index.html".into(), vec![]),
        ("404.html".into(), vec![]),
    ] {
        assert_eq!(breadcrumb(&out, &path), trail, "{path}");
    }
    // The four page templates call the one component instead of repeating the markup.
    let templates = root().join("themes/default/templates");
    for name in [
        "report.html",
        "page.html",
        "programme.html",
        "datasets.html",
    ] {
        let text = std::fs::read_to_string(templates.join(name)).unwrap();
        assert!(
            text.contains("{{ <breadcrumb ") && !text.contains("class=\"breadcrumb\""),
            "{name} uses the breadcrumb component"
        );
    }
}

#[test]
fn the_breadcrumb_escapes_the_title_and_a_broken_components_file_fails_at_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    let title = "---\ntitle: \"<b>R</b> & <script>x</script>\"\n---\n\nTekst.\n";
    let good = small_site(&tmp.path().join("good"), title, &[]);
    let (_built, out) = build_site(&good);
    assert_eq!(
        breadcrumb(&out, "r/index.html"),
        [
            ("Forside".to_string(), Some("/".to_string())),
            ("Rapporter".to_string(), Some("/#reports".to_string())),
            ("<b>R</b> & <script>x</script>".to_string(), None),
        ]
    );
    let html = std::fs::read_to_string(out.join("r/index.html")).unwrap();
    assert!(
        html.contains("<span aria-current=\"page\">&lt;b&gt;R&lt;/b&gt; &amp; &lt;script&gt;x"),
        "escaped once in the breadcrumb"
    );

    // A site's own components.html replaces the theme's: broken, without `breadcrumb`, or
    // with a `breadcrumb` that takes other arguments, the build fails where it is wrong.
    let components = "themes/default/templates/components.html";
    for (i, (text, wanted)) in [
        (
            "{% component breadcrumb( %}x{% endcomponent breadcrumb %}\n",
            "themes/default/templates/components.html:1:26: error: ",
        ),
        (
            "<p>Ingen komponenter</p>\n",
            "Unknown component `breadcrumb`\n --> report.html:3:4",
        ),
        (
            "{% component breadcrumb(current) %}{{ current }}{% endcomponent breadcrumb %}\n",
            "themes/default/templates/report.html:3:4: error: Unknown argument(s) `reports`",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let bad = small_site(
            &tmp.path().join(format!("bad-{i}")),
            title,
            &[(components, text)],
        );
        let run = evalpress(&bad, &["check"]);
        let err = stderr(&run);
        assert!(!run.status.success(), "{text}: {err}");
        assert!(err.contains(wanted), "{text}: {err}");
    }
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
