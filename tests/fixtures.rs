//! Fixture sites under `tests/sites/<case>/`, built with the real binary from inside the site
//! folder (no `--root`), so diagnostics print paths such as `content/x/index.md`.
//!
//! * `invalid-*`: the build must fail and print exactly the diagnostics in `expected-errors.txt`
//!   (every stderr line except the final `failed: ...` summary); `check` must print the same and
//!   no output folder may appear. Adding a case is adding a folder.
//! * `valid-*`: the build must succeed without any diagnostic, and the body fragments of the
//!   pages listed in `expected/` (`index.html` is the front page, `<slug>.html` the report
//!   `<slug>/index.html`) must equal the produced ones. Named tests below pin the key features
//!   (numbering, references, footnotes, locales) as explicit substrings.
//!
//! `EVALPRESS_BLESS=1 cargo test --test fixtures` rewrites `expected-errors.txt` and
//! `expected/*.html` from the current output; review the diff before committing it.

mod common;

use common::run::evalpress;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use scraper::{Html, Selector};

fn sites_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("sites")
}

fn blessing() -> bool {
    std::env::var_os("EVALPRESS_BLESS").is_some_and(|v| v == "1")
}

/// The fixture folders whose name starts with `prefix`, sorted.
fn cases(prefix: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(sites_dir())
        .expect("tests/sites exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir() && file_name(p).starts_with(prefix))
        .collect();
    dirs.sort();
    dirs
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The diagnostics of a failed run: stderr without its final summary line.
fn diagnostics_of_failure(
    case: &str,
    what: &str,
    out: &Output,
    problems: &mut Vec<String>,
) -> String {
    let stderr = text(&out.stderr);
    if out.status.success() {
        problems.push(format!(
            "{case}: `{what}` succeeded but must fail; stderr:\n{stderr}"
        ));
    }
    let mut lines: Vec<&str> = stderr.lines().collect();
    match lines.pop() {
        Some(last) if last.starts_with("failed: ") && last.contains("error(s)") => {}
        other => problems.push(format!(
            "{case}: `{what}` must end with a `failed: N error(s), ...` summary line, got {other:?}"
        )),
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// A line-by-line comparison that shows where expected and actual diagnostics part.
fn mismatch(case: &str, what: &str, expected: &str, actual: &str) -> String {
    let mut report =
        format!("{case}: `{what}` printed other diagnostics than expected-errors.txt\n");
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..e.len().max(a.len()) {
        let (el, al) = (e.get(i).copied(), a.get(i).copied());
        if el == al {
            report.push_str(&format!("    {}\n", el.unwrap_or("")));
        } else {
            if let Some(el) = el {
                report.push_str(&format!("  - {el}\n"));
            }
            if let Some(al) = al {
                report.push_str(&format!("  + {al}\n"));
            }
        }
    }
    report
}

#[test]
fn invalid_sites_print_exactly_their_expected_errors() {
    let cases = cases("invalid-");
    assert!(
        cases.len() >= 18,
        "expected at least 18 invalid fixture sites, found {}",
        cases.len()
    );
    let mut problems = Vec::new();
    for site in &cases {
        let case = file_name(site);
        let tmp = tempfile::tempdir().unwrap();
        let out_dir = tmp.path().join("out");
        let build = evalpress(site, &["build", "--out", out_dir.to_str().unwrap()]);
        let actual = diagnostics_of_failure(&case, "build", &build, &mut problems);
        if actual.is_empty() {
            problems.push(format!("{case}: the failed build printed no diagnostic"));
        }
        if out_dir.exists() {
            problems.push(format!(
                "{case}: the failed build created the output folder"
            ));
        }
        let expected_file = site.join("expected-errors.txt");
        if blessing() {
            fs::write(&expected_file, &actual).unwrap();
        }
        match fs::read_to_string(&expected_file) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => problems.push(mismatch(&case, "build", &expected, &actual)),
            Err(e) => problems.push(format!(
                "{case}: cannot read expected-errors.txt ({e}); run with EVALPRESS_BLESS=1 to create it.\nactual:\n{actual}"
            )),
        }
        // `check` validates everything a build does (the output folder aside).
        let check = evalpress(site, &["check"]);
        let checked = diagnostics_of_failure(&case, "check", &check, &mut problems);
        if checked != actual {
            problems.push(mismatch(
                &case,
                "check (compared with build)",
                &actual,
                &checked,
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The parts of a page that evalpress itself writes (not the theme): the report body, its
/// footnotes and the front page's intro, each as serialised HTML.
fn fragments(html: &str) -> String {
    let doc = Html::parse_document(html);
    let selector = Selector::parse(".intro, .report-body, .footnote-list").unwrap();
    doc.select(&selector)
        .map(|e| format!("{}\n", e.html()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Builds a fixture site into a fresh folder, requiring success and a silent `--quiet` run.
fn build_valid(site: &Path, tmp: &Path) -> PathBuf {
    let out = tmp.join("out");
    let run = evalpress(site, &["build", "--out", out.to_str().unwrap(), "--quiet"]);
    assert!(
        run.status.success() && run.stderr.is_empty() && run.stdout.is_empty(),
        "{}: build must succeed silently ({}):\nstdout:\n{}\nstderr:\n{}",
        file_name(site),
        run.status,
        text(&run.stdout),
        text(&run.stderr)
    );
    out
}

#[test]
fn valid_sites_match_their_expected_fragments() {
    let cases = cases("valid-");
    assert!(
        cases.len() >= 2,
        "expected valid fixture sites, found {}",
        cases.len()
    );
    let mut problems = Vec::new();
    for site in &cases {
        let case = file_name(site);
        let tmp = tempfile::tempdir().unwrap();
        let out = build_valid(site, tmp.path());
        let expected_dir = site.join("expected");
        if blessing() {
            fs::create_dir_all(&expected_dir).unwrap();
            fs::write(
                expected_dir.join("index.html"),
                fragments(&read(&out.join("index.html"))),
            )
            .unwrap();
            for entry in fs::read_dir(site.join("content")).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    let slug = file_name(&path);
                    let page = read(&out.join(&slug).join("index.html"));
                    fs::write(expected_dir.join(format!("{slug}.html")), fragments(&page)).unwrap();
                }
            }
        }
        let Ok(entries) = fs::read_dir(&expected_dir) else {
            problems.push(format!(
                "{case}: no expected/ folder; run with EVALPRESS_BLESS=1 to create it"
            ));
            continue;
        };
        let mut expected_files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        expected_files.sort();
        for expected_file in expected_files {
            let name = file_name(&expected_file);
            let page = match name.as_str() {
                "index.html" => out.join("index.html"),
                other => out.join(other.trim_end_matches(".html")).join("index.html"),
            };
            let Ok(html) = fs::read_to_string(&page) else {
                problems.push(format!(
                    "{case}: expected/{name}: the build produced no {}",
                    page.display()
                ));
                continue;
            };
            let actual = fragments(&html);
            let expected = read(&expected_file);
            if actual != expected {
                problems.push(mismatch(
                    &case,
                    &format!("expected/{name}"),
                    &expected,
                    &actual,
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Builds `tests/sites/<case>` and returns the temp dir (kept alive) and the output folder.
fn built(case: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = build_valid(&sites_dir().join(case), tmp.path());
    (tmp, out)
}

#[track_caller]
fn assert_contains(html: &str, needle: &str) {
    let html = &spaces(html);
    assert!(html.contains(needle), "missing `{needle}` in:\n{html}");
}

/// `html` with no-break spaces as plain spaces: the assertions here are about words and
/// numbers; the fragments in `expected/` pin the exact spacing.
fn spaces(html: &str) -> String {
    html.replace("&nbsp;", " ").replace('\u{a0}', " ")
}

/// Asserts that `needles` occur in `html` in this order.
#[track_caller]
fn assert_in_order(html: &str, needles: &[&str]) {
    let html = &spaces(html);
    let mut from = 0;
    for needle in needles {
        match html[from..].find(needle) {
            Some(i) => from += i + needle.len(),
            None => {
                panic!("`{needle}` missing or out of order (looked after byte {from}) in:\n{html}")
            }
        }
    }
}

#[test]
fn headings_are_numbered_with_danish_anchor_ids() {
    let (_tmp, out) = built("valid-basic");
    let alfa = read(&out.join("alfa-rapport/index.html"));
    // Chapters are `#` (h2 under the page's only h1), numbered 1, 1.1, 1.1.1.
    assert_contains(
        &alfa,
        r#"<h2 id="indledning"><span class="heading-number">1</span> Indledning</h2>"#,
    );
    assert_contains(
        &alfa,
        r#"<h3 id="saerlige-forhold-paa-aeroe"><span class="heading-number">1.1</span> Særlige forhold på Ærø</h3>"#,
    );
    assert_contains(
        &alfa,
        r#"<h4 id="oekonomi-og-aabenhed"><span class="heading-number">1.1.1</span> Økonomi og åbenhed</h4>"#,
    );
    assert_contains(
        &alfa,
        r#"<h3 id="aabne"><span class="heading-number">2.1</span> Åbne spørgsmål</h3>"#,
    );
    // `{.unnumbered}` keeps the heading out of the numbering.
    assert_contains(&alfa, r#"<h2 id="resume">Resumé</h2>"#);
    let doc = Html::parse_document(&alfa);
    let h1 = Selector::parse("h1").unwrap();
    assert_eq!(
        doc.select(&h1).count(),
        1,
        "the report title is the only h1"
    );
}

#[test]
fn chapters_follow_front_matter_order_not_file_names() {
    let (_tmp, out) = built("valid-basic");
    let alfa = read(&out.join("alfa-rapport/index.html"));
    // `chapters: [zz-indledning.md, aa-resultater.md]`: zz comes first although it sorts last.
    assert_in_order(
        &alfa,
        &[
            "Indledende tekst før første kapitel.",
            "Kort resumé.",
            r#"<span class="heading-number">1</span> Indledning"#,
            "Kapitlet står først, selv om filen sorteres sidst.",
            r#"<span class="heading-number">2</span> Resultater"#,
        ],
    );
    // The table of contents follows the same order.
    assert_in_order(
        &alfa,
        &[
            r##"href="#indledning""##,
            r##"href="#resultater""##,
            r#"class="report-body""#,
        ],
    );
}

#[test]
fn elements_are_numbered_per_report_with_captions() {
    let (_tmp, out) = built("valid-basic");
    let alfa = read(&out.join("alfa-rapport/index.html"));
    assert_in_order(
        &alfa,
        &[
            r#"<span class="element-label">Boks 1</span> Minimumskrav"#,
            r#"<p class="element-source">Kilde: Styrelsen</p>"#,
            r#"<span class="element-label">Boks 2</span> Anden boks"#,
            r#"<caption><span id="tab-resultat-caption"><span class="element-label">Tabel 1</span> Resultater fordelt på gruppe</span></caption>"#,
            r#"<span class="element-label">Tabel 2</span> Endnu en tabel"#,
        ],
    );
    // Elements without a label get a stable anchor from their kind and number.
    assert_contains(&alfa, r#"<figure class="element element-box" id="boks-2">"#);
    assert_contains(&alfa, r#"<div class="element element-table" id="tabel-2">"#);
    // Right-aligned columns are marked as numbers; the first cell of a row is its header.
    assert_contains(&alfa, r#"<th scope="row">A</th><td class="num">10</td>"#);
}

#[test]
fn element_source_and_note_lines_carry_their_labels() {
    // README: `source` gives a "Kilde:" line and `note` an "Anm.:" line.
    let (_tmp, out) = built("valid-basic");
    let alfa = read(&out.join("alfa-rapport/index.html"));
    assert_contains(
        &alfa,
        r#"<p class="element-source">Kilde: Egen beregning</p>"#,
    );
    assert_contains(
        &alfa,
        r#"<p class="element-note">Anm.: Tallene er afrundede.</p>"#,
    );
    let (_tmp, out) = built("valid-english");
    let en = read(&out.join("english-report/index.html"));
    assert_contains(
        &en,
        r#"<p class="element-source">Source: Own calculations</p>"#,
    );
    assert_contains(&en, r#"<p class="element-note">Note: Rounded figures.</p>"#);
}

#[test]
fn cross_references_give_word_number_and_link() {
    let (_tmp, out) = built("valid-basic");
    let alfa = read(&out.join("alfa-rapport/index.html"));
    assert_contains(
        &alfa,
        r##"<a class="xref" href="#tab-resultat">tabel 1</a>"##,
    );
    assert_contains(&alfa, r##"<a class="xref" href="#boks-krav">boks 1</a>"##);
    // `[text](@label)` keeps the author's text.
    assert_contains(
        &alfa,
        r##"<a class="xref" href="#tab-resultat">denne tabel</a>"##,
    );
    // A heading with an explicit id is "afsnit 2.1".
    assert_contains(&alfa, r##"<a class="xref" href="#aabne">afsnit 2.1</a>"##);
    // Into another report: its page under the base path, with that report's numbering.
    assert_contains(
        &alfa,
        r##"<a class="xref" href="/beta-rapport/#fig-kort">figur 2.1</a>"##,
    );
    // The word and the number of a reference are never split across lines.
    assert!(
        alfa.contains(">tabel&nbsp;1</a>") || alfa.contains(">tabel\u{a0}1</a>"),
        "no no-break space in the reference text"
    );
    // The front page can refer into reports too.
    let index = read(&out.join("index.html"));
    assert_contains(
        &index,
        r##"<a class="xref" href="/alfa-rapport/#tab-resultat">tabel 1</a>"##,
    );
    // No reference is left as raw `[@...]` text.
    for page in [&alfa, &index] {
        assert!(
            !page.contains("[@"),
            "unresolved reference text in:\n{page}"
        );
    }
}

#[test]
fn footnotes_are_numbered_across_chapter_files() {
    let (_tmp, out) = built("valid-basic");
    let alfa = read(&out.join("alfa-rapport/index.html"));
    // index.md has note 1, the first chapter (zz-indledning.md) note 2, the second 3 and 4;
    // a note referenced twice keeps its number and gets a second reference id.
    assert_in_order(
        &alfa,
        &[
            r##"<a href="#fn-1" id="fnref-1" aria-label="Fodnote 1">1</a>"##,
            r##"<a href="#fn-2" id="fnref-2" aria-label="Fodnote 2">2</a>"##,
            r##"<a href="#fn-3" id="fnref-3" aria-label="Fodnote 3">3</a>"##,
            r##"<a href="#fn-3" id="fnref-3-2" aria-label="Fodnote 3">3</a>"##,
            r##"<a href="#fn-4" id="fnref-4" aria-label="Fodnote 4">4</a>"##,
            r#"<li id="fn-1" value="1"><p>Fodnote i index.md.</p>"#,
            r#"<li id="fn-2" value="2"><p>Fodnote i første kapitel.</p>"#,
            r#"<li id="fn-3" value="3"><p>Fodnote i andet kapitel.</p>"#,
            r#"<li id="fn-4" value="4"><p>Sidste fodnote.</p>"#,
        ],
    );
    let doc = Html::parse_document(&alfa);
    let items = Selector::parse(".footnote-list > li").unwrap();
    assert_eq!(doc.select(&items).count(), 4, "one list entry per footnote");
}

#[test]
fn elements_are_numbered_per_chapter_when_asked() {
    // beta-rapport has `numbering: { elements: chapter }` in its front matter.
    let (_tmp, out) = built("valid-basic");
    let beta = read(&out.join("beta-rapport/index.html"));
    assert_in_order(
        &beta,
        &[
            r#"<span class="element-label">Figur 1.1</span> Første figur"#,
            r#"<span class="element-label">Tabel 2.1</span> Kortets tal"#,
            r#"<span class="element-label">Figur 2.1</span> Et kort"#,
            r#"<span class="element-label">Figur 2.2</span> Tredje figur"#,
            r##"<a class="xref" href="#fig-kort">figur 2.1</a>"##,
            r##"<a class="xref" href="#tab-kort">tabel 2.1</a>"##,
            r##"<a class="xref" href="#fig-start">figur 1.1</a>"##,
        ],
    );
    assert_contains(
        &beta,
        r#"<figure class="element element-figure" id="figur-2-2">"#,
    );
    assert_contains(&beta, r#"<img src="kort.svg" alt="Et kort over området""#);
    // The image next to the report is published next to its page.
    assert!(out.join("beta-rapport/kort.svg").is_file());
    // alfa-rapport keeps per-report numbering (no "Tabel 2.1" there).
    let alfa = read(&out.join("alfa-rapport/index.html"));
    assert!(!alfa.contains("Tabel 2.1") && !alfa.contains("Boks 1.1"));
}

#[test]
fn report_dates_and_words_are_danish() {
    let (_tmp, out) = built("valid-basic");
    let alfa = read(&out.join("alfa-rapport/index.html"));
    assert_contains(&alfa, r#"<html lang="da">"#);
    assert_contains(
        &alfa,
        r#"<time datetime="2024-08-05">5. august 2024</time>"#,
    );
    assert_contains(&alfa, ">Indhold</h2>");
    assert_contains(&alfa, ">Noter</h2>");
    let index = read(&out.join("index.html"));
    // The index lists the newest report first.
    assert_in_order(
        &index,
        &[r#"href="/alfa-rapport/""#, r#"href="/beta-rapport/""#],
    );
}

#[test]
fn english_locale_uses_english_words() {
    let (_tmp, out) = built("valid-english");
    let en = read(&out.join("english-report/index.html"));
    assert_contains(&en, r#"<html lang="en">"#);
    assert_contains(&en, r#"<p class="report-kind">Evaluation</p>"#);
    assert_contains(&en, r#"<time datetime="2024-08-05">5 August 2024</time>"#);
    assert_contains(&en, ">Contents</h2>");
    assert_contains(&en, ">Notes</h2>");
    assert_contains(
        &en,
        r#"<span class="element-label">Table 1</span> Main results"#,
    );
    assert_contains(
        &en,
        r#"<span class="element-label">Box 1</span> Requirements"#,
    );
    assert_contains(
        &en,
        r#"<span class="element-label">Figure 1</span> A picture"#,
    );
    assert_contains(&en, r##"<a class="xref" href="#tab-main">Table 1</a>"##);
    assert_contains(
        &en,
        r##"<a class="xref" href="/dansk-rapport/#tab-dk">Table 1</a>"##,
    );
    assert_contains(&en, r#"aria-label="Footnote 1""#);
    for danish in [
        "Tabel", "Boks", "Figur ", "Indhold", "Kilde", "Noter", "august",
    ] {
        assert!(
            !en.contains(danish),
            "Danish word `{danish}` on an English page:\n{en}"
        );
    }
    // A report with `locale: da` on an English site is Danish.
    let da = read(&out.join("dansk-rapport/index.html"));
    assert_contains(&da, r#"<html lang="da">"#);
    assert_contains(
        &da,
        r#"<span class="element-label">Tabel 1</span> Danske tal"#,
    );
    assert_contains(
        &da,
        r##"<a class="xref" href="/english-report/#box-main">boks 1</a>"##,
    );
    assert_contains(&da, "1. marts 2024");
}

#[test]
fn plain_pages_are_published_but_not_listed() {
    // `kind: side` makes a plain page: no cover block, not on the front page's list.
    let (_tmp, out) = built("valid-basic");
    let page = read(&out.join("om-sitet/index.html"));
    assert_contains(&page, "<h1>Om sitet</h1>");
    assert_contains(&page, "En almindelig side uden forside-blok.");
    assert!(
        !page.contains("report-cover"),
        "a plain page has no cover block:\n{page}"
    );
    let index = read(&out.join("index.html"));
    assert!(
        !index.contains("/om-sitet/"),
        "a plain page is listed on the front page:\n{index}"
    );
}

/// Writes a one-report site into `<tmp>/site` and builds it; returns (success, stderr, page).
fn build_single(tmp: &Path, config: &str, index_md: &str) -> (bool, String, String) {
    let site = tmp.join("site");
    fs::create_dir_all(site.join("content/r")).unwrap();
    fs::write(site.join("evalpress.yaml"), config).unwrap();
    fs::write(site.join("content/r/index.md"), index_md).unwrap();
    let out = tmp.join("out");
    let run = evalpress(&site, &["build", "--out", out.to_str().unwrap()]);
    let page = fs::read_to_string(out.join("r/index.html")).unwrap_or_default();
    (run.status.success(), text(&run.stderr), page)
}

#[test]
fn footnotes_inside_directives_are_numbered() {
    // A footnote referenced inside a box or a table cell, defined in the same file, is a
    // footnote like any other: numbered, linked and listed.
    let tmp = tempfile::tempdir().unwrap();
    let md = "---\ntitle: R\n---\n\nFør boksen.[^a]\n\n```box\ntitle: Boks\n---\nI boksen.[^b]\n```\n\n\
              ```table\ntitle: Tabel\n---\n| A | B |\n|---|---|\n| x[^c] | 1 |\n```\n\n\
              [^a]: Note a.\n[^b]: Note b.\n[^c]: Note c.\n";
    let (ok, stderr, page) = build_single(tmp.path(), "title: T\n", md);
    assert!(ok, "{stderr}");
    assert!(
        !stderr.contains("never referenced"),
        "a footnote used in a directive counts as referenced:\n{stderr}"
    );
    assert!(
        !page.contains("[^"),
        "a footnote reference is left as text:\n{page}"
    );
    assert_in_order(
        &page,
        &[
            r##"<a href="#fn-1" id="fnref-1""##,
            r#"<span class="element-label">Boks 1</span>"#,
            r##"<a href="#fn-2" id="fnref-2""##,
            r#"<span class="element-label">Tabel 1</span>"#,
            r##"<a href="#fn-3" id="fnref-3""##,
            r#"<li id="fn-1" value="1"><p>Note a.</p>"#,
            r#"<li id="fn-2" value="2"><p>Note b.</p>"#,
            r#"<li id="fn-3" value="3"><p>Note c.</p>"#,
        ],
    );
}

#[test]
fn a_section_before_the_first_chapter_is_not_numbered_zero() {
    // `##` before any `#` has no chapter to count under: it must not become "0.1" (a
    // diagnostic at the heading is fine too).
    let tmp = tempfile::tempdir().unwrap();
    let md = "---\ntitle: R\n---\n\n## Baggrund\n\nTekst.\n\n# Kapitel\n\n## Afsnit\n";
    let (ok, stderr, page) = build_single(tmp.path(), "title: T\n", md);
    let diagnosed = stderr.lines().any(|l| {
        l.trim_start_matches("./")
            .starts_with("content/r/index.md:5:")
    });
    if ok && !diagnosed {
        assert!(
            !page.contains(r#"<span class="heading-number">0"#),
            "a heading is numbered 0.x:\n{page}"
        );
        assert_contains(&page, r#"<span class="heading-number">1.1</span> Afsnit"#);
    }
}
