//! Escaping: markup and script in any text of a site must reach the pages as text, and links
//! that would run code must be removed with a warning.
//!
//! `tests/sites/escaping/` carries `<script>`, `"><img src=x onerror=...>`, raw HTML blocks and
//! inline HTML, event-handler attributes, `javascript:` links in several spellings, `data:` and
//! `vbscript:` links, a code fence info string that breaks out of its attribute, and the same in
//! directive titles, sources, notes, table cells, image alt text, footnotes, a chart (its title,
//! description, axis title, and categories and headers from its data) and the front page.
//! `tests/sites/raw-html/` checks that `raw_html: true` lets raw HTML through.

mod common;

use common::run::evalpress;
use std::fs;
use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html};

fn site(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("sites")
        .join(name)
}

/// Builds the site in `dir` into `<tmp>/out`; returns the output folder and stderr.
fn build(dir: &Path, tmp: &Path) -> (PathBuf, String) {
    let out = tmp.join("out");
    let run = evalpress(dir, &["build", "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(
        run.status.success(),
        "build of {} failed:\n{stderr}",
        dir.display()
    );
    (out, stderr)
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(html_files(&path));
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// A URL as a browser reads its scheme: without whitespace and control characters, lowercase.
fn runs_code(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| cleaned.starts_with(s))
}

/// Every way a page could run script, found by parsing it (html5ever, as a browser would).
fn dangers(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    if html.to_ascii_lowercase().contains("<script") {
        found.push("the text contains `<script`".to_string());
    }
    let doc = Html::parse_document(html);
    for el in doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        let v = el.value();
        let name = v.name();
        if matches!(name, "script" | "iframe" | "object" | "embed") {
            found.push(format!("<{name}> element: {}", el.html()));
        }
        if name == "img" && v.attr("src") == Some("x") {
            found.push(format!("<img src=x> element: {}", el.html()));
        }
        for (attr, value) in v.attrs() {
            if attr.to_ascii_lowercase().starts_with("on") {
                found.push(format!("<{name}> has event attribute {attr}={value:?}"));
            }
            let url_attr = matches!(
                attr,
                "href" | "src" | "action" | "formaction" | "poster" | "data" | "srcset"
            );
            if url_attr && runs_code(value) {
                found.push(format!("<{name} {attr}={value:?}> runs code"));
            }
        }
    }
    found
}

fn assert_no_dangers(out: &Path) {
    let pages = html_files(out);
    assert!(
        pages.len() >= 3,
        "expected the front page, 404 and reports in {}",
        out.display()
    );
    let mut problems = Vec::new();
    for page in pages {
        let mut html = fs::read_to_string(&page).unwrap();
        // the search page may load the theme's search script, and nothing else
        if page.strip_prefix(out).unwrap() == Path::new("soeg/index.html") {
            html = common::scan::without_search_script(&html).unwrap_or_else(|p| p);
        }
        for d in dangers(&html) {
            problems.push(format!(
                "{}: {d}",
                page.strip_prefix(out).unwrap().display()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "script can reach the pages:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_sees_what_it_must_refuse() {
    // The checks above must themselves catch the attacks, or passing proves nothing.
    assert!(!dangers(r#"<p><img src=x onerror=alert(1)></p>"#).is_empty());
    assert!(!dangers(r#"<a href=" JaVa&#9;ScRiPt:alert(1)">x</a>"#).is_empty());
    assert!(!dangers(r#"<a href="data:text/html,x">x</a>"#).is_empty());
    assert!(!dangers(r#"<div onclick="x">x</div>"#).is_empty());
    assert!(!dangers("<SCRIPT>x</SCRIPT>").is_empty());
    assert!(dangers(r#"<p>&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p>"#).is_empty());
}

#[test]
fn payloads_in_front_matter_and_markdown_stay_text() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = build(&site("escaping"), tmp.path());
    assert_no_dangers(&out);

    // The payloads are shown, escaped, where the author put them.
    let page = fs::read_to_string(out.join("angreb/index.html")).unwrap();
    for shown in [
        "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>",
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
        "&lt;div onclick=&quot;alert(1)&quot;&gt;raw block&lt;/div&gt;",
        "Inline &lt;img src=x onerror=alert(1)&gt;",
        r#"<span class="element-label">Boks 1</span> &lt;script&gt;alert(1)&lt;/script&gt;"#,
        "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>",
        // A chart: its title, description, categories, axis title and headers are text.
        "<title id=\"fig-angreb-title\">&lt;svg onload=alert(1)&gt;</title>",
        "<desc id=\"fig-angreb-desc\">&lt;/desc&gt;&lt;script&gt;alert(1)&lt;/script&gt;</desc>",
        "text-anchor=\"middle\">&lt;script&gt;alert(1)&lt;/script&gt;</text>",
        "<th scope=\"col\">&lt;b onmouseover=alert(1)&gt;x&lt;/b&gt;</th>",
        "<th scope=\"row\">&lt;svg onload=alert(1)&gt;</th>",
    ] {
        let shown_alt = shown.replace("&quot;", "\"");
        assert!(
            page.contains(shown) || page.contains(&shown_alt),
            "`{shown}` not shown as text in:\n{page}"
        );
    }
    // Removed links keep their text; safe links stay.
    let doc = Html::parse_document(&page);
    let links: Vec<(String, String)> = doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "a")
        .map(|e| {
            (
                e.value().attr("href").unwrap_or("").to_string(),
                e.text().collect::<String>(),
            )
        })
        .collect();
    assert!(
        links
            .iter()
            .any(|(h, t)| h == "https://example.dk/side" && t == "ok link"),
        "{links:?}"
    );
    for text in [
        "plain",
        "mixed case",
        "tab entity",
        "tab inside",
        "leading space",
        "data url",
        "vbscript",
    ] {
        assert!(
            page.contains(text),
            "the text of the removed link `{text}` is gone"
        );
        assert!(
            !links.iter().any(|(_, t)| t == text),
            "link `{text}` was kept: {links:?}"
        );
    }
    // Attribute values cannot be broken out of.
    assert!(
        links
            .iter()
            .any(|(h, t)| t == "title break" && h == "https://example.dk"),
        "{links:?}"
    );
    assert!(
        !links
            .iter()
            .any(|(h, _)| h.contains('"') || h.contains(' ')),
        "{links:?}"
    );
}

#[test]
fn every_dangerous_link_is_reported_at_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, stderr) = build(&site("escaping"), tmp.path());
    // Paths are compared relative to the site root; tests/fixtures.rs pins their exact form.
    let warnings: Vec<String> = stderr
        .lines()
        .filter(|l| l.contains(": warning: link target"))
        .map(|l| l.strip_prefix("./").unwrap_or(l).to_string())
        .collect();
    let expected = [
        "content/_index.md:6:43: warning: link target `javascript:alert(1)` removed",
        "content/angreb/index.md:24:1: warning: link target `javascript:alert(1)` removed",
        "content/angreb/index.md:25:1: warning: link target `JaVaScRiPt:alert(1)` removed",
        "content/angreb/index.md:26:1: warning: link target `java\\tscript:alert(1)` removed",
        "content/angreb/index.md:27:1: warning: link target `java\\tscript:alert(1)` removed",
        "content/angreb/index.md:28:1: warning: link target ` javascript:alert(1)` removed",
        "content/angreb/index.md:29:1: warning: link target `data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==` removed",
        "content/angreb/index.md:30:1: warning: link target `vbscript:msgbox(1)` removed",
        "content/angreb/index.md:31:1: warning: link target `JAVASCRIPT:alert(1)` removed",
        "content/angreb/index.md:32:1: warning: link target `javascript:alert(1)` removed",
        "content/angreb/index.md:49:39: warning: link target `javascript:alert(1)` removed",
        "content/angreb/index.md:58:34: warning: link target `javascript:alert(1)` removed",
        "content/angreb/index.md:69:48: warning: link target `javascript:alert(1)` removed",
    ];
    assert_eq!(warnings, expected, "stderr:\n{stderr}");
    assert!(stderr.contains("help: links may not run code"), "{stderr}");
}

#[test]
fn raw_html_passes_through_when_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, stderr) = build(&site("raw-html"), tmp.path());
    let page = fs::read_to_string(out.join("side/index.html")).unwrap();
    assert!(page.contains(r#"<div class="x">Rå blok</div>"#), "{page}");
    assert!(
        page.contains(r#"<span class="y">rå inline</span>"#),
        "{page}"
    );
    // Links that run code are removed even then.
    assert!(page.contains("og et link."), "{page}");
    assert!(!page.contains("javascript:"), "{page}");
    assert!(
        stderr.contains("warning: link target `javascript:alert(1)` removed"),
        "{stderr}"
    );

    // Without it, the same Markdown shows the tags as text.
    let copy = tmp.path().join("site");
    fs::create_dir_all(copy.join("content/side")).unwrap();
    fs::write(copy.join("evalpress.yaml"), "title: Rå HTML\n").unwrap();
    fs::copy(
        site("raw-html").join("content/side/index.md"),
        copy.join("content/side/index.md"),
    )
    .unwrap();
    let (out, _) = build(&copy, &tmp.path().join("escaped"));
    let page = fs::read_to_string(out.join("side/index.html")).unwrap();
    assert!(
        page.contains("&lt;div class=&quot;x&quot;&gt;Rå blok&lt;/div&gt;")
            || page.contains("&lt;div class=\"x\"&gt;Rå blok&lt;/div&gt;"),
        "{page}"
    );
    assert!(!page.contains(r#"<div class="x">"#), "{page}");
}

#[test]
fn image_sources_that_run_code_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir_all(dir.join("content/r")).unwrap();
    fs::write(dir.join("evalpress.yaml"), "title: T\n").unwrap();
    fs::write(
        dir.join("content/r/index.md"),
        "---\ntitle: R\n---\n\nTekst ![beskrivelse](javascript:alert(1)) og\n![andet](DATA:image/svg+xml,x)\n",
    )
    .unwrap();
    let run = evalpress(dir, &["build", "--out", dir.join("out").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "{stderr}");
    assert!(!dir.join("out").exists());
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 2, "{stderr}");
    assert!(
        errors[0]
            .trim_start_matches("./")
            .starts_with("content/r/index.md:5:7: error: image source `javascript:alert(1)`"),
        "{stderr}"
    );
    assert!(
        errors[1]
            .trim_start_matches("./")
            .starts_with("content/r/index.md:6:1: error: image source `DATA:image/svg+xml,x`"),
        "{stderr}"
    );
}

#[test]
fn footer_link_urls_from_the_config_cannot_run_code() {
    // README: a footer link `url` is "a path inside the site, or a full URL"; a `javascript:` or
    // `data:` URL is neither. It must be refused with a diagnostic in evalpress.yaml, or at
    // least never reach an href.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir_all(dir.join("content/r")).unwrap();
    fs::write(
        dir.join("evalpress.yaml"),
        "title: T\nfooter:\n  links:\n    - label: Klik\n      url: \"javascript:alert(1)\"\n    - label: Data\n      url: \"data:text/html,<script>alert(1)</script>\"\n",
    )
    .unwrap();
    fs::write(
        dir.join("content/r/index.md"),
        "---\ntitle: R\n---\n\nTekst.\n",
    )
    .unwrap();
    let out = dir.join("out");
    let run = evalpress(dir, &["build", "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    let names_config = stderr
        .lines()
        .any(|l| l.trim_start_matches("./").starts_with("evalpress.yaml:"));
    assert!(
        names_config,
        "no diagnostic names evalpress.yaml for the footer URLs:\n{stderr}"
    );
    if run.status.success() {
        assert_no_dangers(&out);
    }
}
