//! Link-check gate: builds the example site (this repository) with the real binary, once served at
//! `/` and once under `/rapporter/`, and requires every internal link, asset and `#fragment` to
//! resolve. Also proves that the checker catches the broken anchor planted in
//! `tools/qa/fixtures/broken/`, and that it neither misses nor invents problems on a hand-made site.
//!
//! `.ci/run` also runs the ignored test `links_in_qa_links_dir` on any folder:
//! `QA_LINKS_DIR=public QA_LINKS_BASE=/ cargo test --test links -- --ignored links_in_qa_links_dir`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::links::check_links;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the example site into a fresh folder inside `tmp` for the given base URL.
fn build_example_site(tmp: &Path, base_url: &str) -> PathBuf {
    let out = tmp.join("public");
    let output = Command::new(env!("CARGO_BIN_EXE_evalpress"))
        .arg("build")
        .arg("--root")
        .arg(repo_root())
        .arg("--out")
        .arg(&out)
        .arg("--base-url")
        .arg(base_url)
        .output()
        .expect("run evalpress");
    assert!(
        output.status.success(),
        "evalpress build --base-url {base_url} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

fn assert_no_broken_links(dir: &Path, base: &str) {
    let problems = check_links(dir, base);
    assert!(
        problems.is_empty(),
        "{} broken link(s) in {} (base {base}):\n{}",
        problems.len(),
        dir.display(),
        problems.join("\n")
    );
}

#[test]
fn example_site_served_at_root_has_no_broken_links() {
    let tmp = tempfile::tempdir().unwrap();
    let out = build_example_site(tmp.path(), "/");
    assert_no_broken_links(&out, "/");
}

#[test]
fn example_site_served_under_rapporter_has_no_broken_links() {
    let tmp = tempfile::tempdir().unwrap();
    let out = build_example_site(tmp.path(), "/rapporter/");
    assert_no_broken_links(&out, "/rapporter/");
}

#[test]
fn broken_fixture_is_caught() {
    let fixture = repo_root().join("tools/qa/fixtures/broken");
    let problems = check_links(&fixture, "/");
    assert_eq!(
        problems.len(),
        1,
        "expected only the planted broken anchor, got:\n{}",
        problems.join("\n")
    );
    assert!(
        problems[0].starts_with("index.html: <a href=\"rapport/#findes-ikke\">")
            && problems[0].contains("id=\"findes-ikke\""),
        "unexpected report: {}",
        problems[0]
    );
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn page(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>t</title></head><body>{body}</body></html>"
    )
}

#[test]
fn checker_accepts_every_valid_form_of_link() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    write(
        site,
        "index.html",
        &page(
            r##"<h1 id="top-heading">Forside</h1>
            <a href="a/">relative folder</a>
            <a href="./a/index.html#afsnit">explicit index with fragment</a>
            <a href="/rapporter/a/?utm=1#afsnit">absolute with query</a>
            <a href="s%C3%A6r/">percent-encoded</a>
            <a href="sær/#%C3%A6ble">raw non-ASCII, encoded fragment</a>
            <a href="#top-heading">same page</a>
            <a href="#top">top of page</a>
            <a href="#">empty fragment</a>
            <a href="">this page</a>
            <a href="a/#gammelt">a name anchor</a>
            <a href="https://example.org/missing/">other host</a>
            <a href="//cdn.example.org/x.js">protocol-relative other host</a>
            <a href="mailto:x@example.org">mail</a><a href="tel:+4512345678">phone</a>
            <img src="static/fig.png" srcset="static/fig.png 1x, /rapporter/static/fig%402x.png 2x" alt="x">
            <picture><source srcset="static/fig.png"><img src="static/fig.png" alt="y"></picture>
            <form action="a/"><button formaction="/rapporter/">go</button></form>
            <svg><use href="static/icons.svg#pil"></use></svg>"##,
        ),
    );
    write(
        site,
        "a/index.html",
        &page(
            r#"<link rel="stylesheet" href="../static/style.css">
            <h2 id="afsnit">Afsnit</h2><a name="gammelt"></a><a href="../">op</a><a href="../404.html">404</a>"#,
        ),
    );
    write(site, "sær/index.html", &page(r#"<p id="æble">æble</p>"#));
    write(
        site,
        "404.html",
        &page(r#"<a href="/rapporter/">forside</a>"#),
    );
    write(site, "static/style.css", "body{}");
    write(site, "static/fig.png", "png");
    write(site, "static/fig@2x.png", "png");
    write(
        site,
        "static/icons.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );

    assert_no_broken_links(site, "/rapporter/");
    assert_no_broken_links(site, "https://example.dk/rapporter/");
}

#[test]
fn checker_reports_each_kind_of_broken_link() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    write(
        site,
        "index.html",
        &page(
            r##"<h1 id="forside">Forside</h1>
            <a href="/a/">outside the base path</a>
            <a href="/rapporter">base without slash</a>
            <a href="/rapporter/mangler/">missing page</a>
            <a href="a">folder without slash</a>
            <a href="a/#mangler">missing anchor</a>
            <a href="#mangler-her">missing anchor on this page</a>
            <a href="https://example.dk/rapporter/b/">own host, full URL, missing</a>
            <link rel="stylesheet" href="static/mangler.css">
            <script src="static/mangler.js"></script>
            <img src="static/fig.png" srcset="static/fig.png 1x, static/mangler@2x.png 2x" alt="x">
            <form action="soeg/"></form>"##,
        ),
    );
    write(
        site,
        "a/index.html",
        &page(r#"<h2 id="afsnit">Afsnit</h2>"#),
    );
    write(site, "static/fig.png", "png");

    let problems = check_links(site, "https://example.dk/rapporter/");
    let expected = [
        "`/a/` points outside the site's base path `/rapporter/`",
        "`/rapporter` points outside the site's base path",
        "`/rapporter/mangler/` does not exist (looked for `mangler/index.html`)",
        "`a` is a folder without a trailing slash (link to `a/`)",
        "`a/#mangler` has no target: `a/index.html` has no element with id=\"mangler\"",
        "`#mangler-her` has no target: `index.html` has no element with id=\"mangler-her\"",
        "`https://example.dk/rapporter/b/` does not exist",
        "<link href=\"static/mangler.css\">",
        "<script src=\"static/mangler.js\">",
        "`static/mangler@2x.png` does not exist",
        "<form action=\"soeg/\">",
    ];
    for want in expected {
        assert!(
            problems.iter().any(|p| p.contains(want)),
            "missing a report containing {want:?}; got:\n{}",
            problems.join("\n")
        );
    }
    assert_eq!(
        problems.len(),
        expected.len(),
        "unexpected reports:\n{}",
        problems.join("\n")
    );
}

#[test]
fn checker_fails_on_a_folder_without_html() {
    let tmp = tempfile::tempdir().unwrap();
    let problems = check_links(tmp.path(), "/");
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("no HTML files found"));
}

/// Checks the folder named by `QA_LINKS_DIR` (served under `QA_LINKS_BASE`, default `/`).
/// Run by `.ci/run`, which also requires it to fail on the broken fixture.
#[test]
#[ignore = "run explicitly by .ci/run with QA_LINKS_DIR set"]
fn links_in_qa_links_dir() {
    let dir = std::env::var("QA_LINKS_DIR").expect("set QA_LINKS_DIR to a built site");
    let base = std::env::var("QA_LINKS_BASE").unwrap_or_else(|_| "/".to_string());
    assert_no_broken_links(Path::new(&dir), &base);
}
