//! The search index (`pagefind/`) and the search page (`soeg/`): the index holds only what the
//! published report pages show (no hidden count, no draft, no plain page, no site chrome), its
//! result paths are the reports', and the page works under a sub-path; a missing or failing
//! Pagefind binary, `search: false` and a malformed `search:` key. The browser side (typing a
//! query, seeing a result) is `tools/qa/search.mjs`, run by `.ci/run`.
//!
//! The tests that read a real index need the Pagefind binary (found as evalpress finds it, from
//! the repository root: `npm ci --ignore-scripts` there installs it); without it they print why
//! they are skipped and pass (except under `CI`, where `.ci/run` installs it, so they fail). The
//! others use no Pagefind or a stand-in script.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::html::{element, text};
use common::run::{evalpress, stderr};
use evalpress::config::SearchConfig;
use scraper::Html;

/// The Pagefind binary evalpress would use for the repository's example site, or `None` (with
/// the reason printed) when there is none.
fn pagefind(test: &str) -> Option<PathBuf> {
    let found = evalpress::search::locate(
        &repo_root(),
        &SearchConfig::default(),
        std::env::var_os(evalpress::search::BINARY_ENV),
        std::env::var_os("PATH"),
    );
    match found {
        Ok(binary) => Some(std::path::absolute(binary).unwrap()),
        // CI installs Pagefind (`.ci/run`): there a missing binary is a failure, not a skip
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!(
                "{test}: no Pagefind binary in CI: {} ({})",
                why.message, why.help
            )
        }
        Err(why) => {
            println!(
                "{test}: skipped, no Pagefind binary: {} ({})",
                why.message, why.help
            );
            None
        }
    }
}

/// Runs `evalpress <args>` in `dir` with the environment variable naming the Pagefind binary.
fn evalpress_with(dir: &Path, args: &[&str], binary: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evalpress"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .env(evalpress::search::BINARY_ENV, binary)
        .output()
        .expect("run evalpress")
}

/// Builds the site at `root` with `binary` into a fresh temporary folder, requiring success.
fn build_site(root: &Path, binary: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let run = evalpress_with(
        root,
        &["build", "--out", out.to_str().unwrap(), "-q"],
        binary,
    );
    assert!(run.status.success(), "{}", stderr(&run));
    (tmp, out)
}

/// One decoded Pagefind fragment: the text and the URL of one indexed page.
struct Fragment {
    url: String,
    title: String,
    content: String,
}

/// Every fragment of the index in `out/pagefind/fragment/`, by URL.
fn fragments(out: &Path) -> BTreeMap<String, Fragment> {
    let dir = out.join("pagefind/fragment");
    let mut found = BTreeMap::new();
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let bytes = fs::read(entry.unwrap().path()).unwrap();
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut plain)
            .expect("a fragment is gzip");
        let json = plain
            .strip_prefix(b"pagefind_dcd")
            .expect("a fragment starts with Pagefind's signature");
        let v: serde_json::Value = serde_json::from_slice(json).unwrap();
        let f = Fragment {
            url: v["url"].as_str().unwrap().to_string(),
            title: v["meta"]["title"].as_str().unwrap_or("").to_string(),
            content: v["content"].as_str().unwrap().to_string(),
        };
        found.insert(f.url.clone(), f);
    }
    found
}

/// The words of `content` (runs of letters and digits).
fn words(content: &str) -> impl Iterator<Item = &str> {
    content
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The text of the page at `url` (a path from the site root) without any whitespace, lowercase.
fn page_text(out: &Path, url: &str) -> String {
    let path = out.join(url.trim_matches('/')).join("index.html");
    let doc = Html::parse_document(&fs::read_to_string(&path).unwrap());
    text(element(&doc, "main"))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build_example(tmp: &Path, base: &str, binary: &Path) -> PathBuf {
    let out = tmp.join("public");
    let run = evalpress_with(
        &repo_root(),
        &[
            "build",
            "--out",
            out.to_str().unwrap(),
            "--base-url",
            base,
            "-q",
        ],
        binary,
    );
    assert!(run.status.success(), "{}", stderr(&run));
    out
}

#[test]
fn the_example_index_holds_every_report_and_only_what_its_page_shows() {
    let Some(binary) = pagefind("the_example_index_holds_every_report") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = build_example(tmp.path(), "/rapporter/", &binary);
    let index = fragments(&out);
    let reports = [
        "a-kassesamarbejde-koebenhavn-2024",
        "job-veu-evaluering-2021",
        "puljeopslag-uddannelsesambassadoerer-2016",
        "uddannelsesambassadoer-ii-2021",
        "uddannelsesambassadoerer-iii-2023",
    ];
    let urls: Vec<String> = reports.iter().map(|s| format!("/{s}/")).collect();
    assert_eq!(index.keys().cloned().collect::<Vec<_>>(), urls);
    for f in index.values() {
        let page = page_text(&out, &f.url);
        let h1 = Html::parse_document(
            &fs::read_to_string(out.join(f.url.trim_matches('/')).join("index.html")).unwrap(),
        );
        assert_eq!(f.title, text(element(&h1, "h1")), "{}", f.url);
        for w in words(&f.content) {
            assert!(
                page.contains(&w.to_lowercase()),
                "{}: the index has {w:?}, which its page does not show",
                f.url
            );
        }
        // site chrome and the table of contents are not indexed
        assert!(!f.content.contains("Gå til indholdet"), "{}", f.url);
        assert!(!f.content.contains("Lavet med evalpress"), "{}", f.url);
    }
    assert!(
        index["/job-veu-evaluering-2021/"]
            .content
            .contains("årsværk")
    );
}

#[test]
fn the_search_page_works_under_a_sub_path() {
    let Some(binary) = pagefind("the_search_page_works_under_a_sub_path") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = build_example(tmp.path(), "/rapporter/", &binary);
    let html = fs::read_to_string(out.join("soeg/index.html")).unwrap();
    let doc = Html::parse_document(&html);
    let form = element(&doc, "form[role=search]");
    assert_eq!(form.value().attr("action"), Some("/rapporter/soeg/"));
    assert_eq!(
        element(&doc, "#search-query").value().attr("name"),
        Some("q")
    );
    let root = element(&doc, "#search");
    assert_eq!(root.value().attr("data-base"), Some("/rapporter/"));
    assert_eq!(
        root.value().attr("data-bundle"),
        Some("/rapporter/pagefind/")
    );
    let script = element(&doc, "script");
    assert_eq!(
        script.value().attr("src"),
        Some("/rapporter/static/search.js")
    );
    assert_eq!(script.value().attr("type"), Some("module"));
    // without JavaScript the page says why nothing happens, and the reports are a link away
    assert!(text(element(&doc, "#search-status")).contains("kræver JavaScript"));
    for file in [
        "static/search.js",
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
    ] {
        assert!(out.join(file).is_file(), "{file} is missing");
    }
    assert!(!out.join("pagefind/pagefind-ui.js").exists());
    // every page links to the search page
    let report = common::html::page(&out, "job-veu-evaluering-2021");
    let link = element(&report, ".site-search-link");
    assert_eq!(link.value().attr("href"), Some("/rapporter/soeg/"));
    // the index does not depend on the base path
    let root_out = build_example(&tmp.path().join("root"), "/", &binary);
    let a = fragments(&out);
    let b = fragments(&root_out);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    // no-op rebuild: the index is reused (same bytes) without running Pagefind again
    let again = build_example(tmp.path(), "/rapporter/", &binary);
    assert_eq!(walk(&again.join("pagefind")), walk(&out.join("pagefind")));
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A site with a hidden count, a draft and a plain page, each with words found nowhere else.
fn disclosure_site(root: &Path) {
    write(root, "evalpress.yaml", "title: Søgesite\nlocale: da\n");
    write(
        root,
        "content/rapport/index.md",
        "---\ntitle: Søgbar rapport\nkind: evaluering\n---\n# Resultater\n\nTeksten nævner værktøjskassen.\n\n```table\ntitle: Forløb pr. kommune\ndata: forloeb.csv\ngroup: [Kommune]\naggregate: {Antal: sum(Antal)}\n```\n",
    );
    write(
        root,
        "data/forloeb.csv",
        "Kommune;Antal\nAarup;98765\nBrande;4321\nCirkelby;3456\n",
    );
    write(
        root,
        "data/forloeb.yaml",
        "delimiter: \";\"\ncolumns:\n  Kommune: { type: text }\n  Antal: { type: integer, kind: count }\ndisclosure: { threshold: 5000 }\n",
    );
    write(
        root,
        "content/kladde/index.md",
        "---\ntitle: Kladde\nkind: notat\ndraft: true\n---\n# Kladde\n\nHemmeligtkladdeord står her.\n",
    );
    write(
        root,
        "content/om/index.md",
        "---\ntitle: Om siden\nkind: side\n---\nSideordet står kun her.\n",
    );
}

#[test]
fn hidden_counts_drafts_and_plain_pages_never_reach_the_index() {
    let Some(binary) = pagefind("hidden_counts_drafts_and_plain_pages_never_reach_the_index")
    else {
        return;
    };
    let site = tempfile::tempdir().unwrap();
    disclosure_site(site.path());
    let (_tmp, out) = build_site(site.path(), &binary);
    let page = fs::read_to_string(out.join("rapport/index.html")).unwrap();
    assert!(page.contains("98.765"), "{page}");
    assert!(!page.contains("4.321") && !page.contains("3.456"), "{page}");
    let index = fragments(&out);
    assert_eq!(index.keys().collect::<Vec<_>>(), ["/rapport/"]);
    let content = &index["/rapport/"].content;
    assert!(content.contains("værktøjskassen"), "{content}");
    assert!(content.contains("98.765"), "{content}");
    assert!(
        content.contains('×'),
        "the hidden cell is indexed as its marker: {content}"
    );
    for secret in ["4321", "4.321", "3456", "3.456"] {
        assert!(
            !content.contains(secret),
            "hidden count {secret} in the index"
        );
    }
    let all_index_bytes: Vec<u8> = walk(&out.join("pagefind"));
    for secret in [
        "Hemmeligtkladdeord",
        "hemmeligtkladdeord",
        "Sideordet",
        "sideordet",
    ] {
        assert!(
            !contains(&all_index_bytes, secret.as_bytes()),
            "{secret} reached the index"
        );
    }
}

/// The bytes of every file under `dir`, decompressed where gzip, concatenated.
fn walk(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes = fs::read(entry.path()).unwrap();
        let mut plain = Vec::new();
        if flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut plain)
            .is_ok()
        {
            all.extend(plain);
        } else {
            all.extend(bytes);
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_site_without_reports_builds_a_search_page_and_no_index() {
    let site = tempfile::tempdir().unwrap();
    write(site.path(), "evalpress.yaml", "title: Tom\n");
    write(
        site.path(),
        "content/_index.md",
        "Her kommer rapporterne.\n",
    );
    // a stand-in that would fail: with no report to index it is never run
    let failing = fake_binary(site.path(), "exit 1");
    let (_tmp, out) = build_site(site.path(), &failing);
    let page = common::html::page(&out, "soeg");
    assert!(text(element(&page, "#search-status")).contains("ikke tilgængelig"));
    assert!(
        page.select(&scraper::Selector::parse("script").unwrap())
            .next()
            .is_none()
    );
    assert!(!out.join("pagefind").exists());
}

/// An executable shell script standing in for Pagefind.
fn fake_binary(dir: &Path, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let file = dir.join("fake-pagefind");
    fs::write(&file, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o755)).unwrap();
    file
}

/// A site with one report, whose word `Uddannelsesløft` is on its page.
fn small_site(root: &Path, config: &str) {
    write(root, "evalpress.yaml", &format!("title: Lille\n{config}"));
    write(
        root,
        "content/rapport/index.md",
        "---\ntitle: Rapport\nkind: evaluering\n---\n# Resultater\n\nUddannelsesløft.\n",
    );
}

#[test]
fn a_missing_binary_builds_the_site_with_one_warning_and_a_page_that_says_so() {
    let site = tempfile::tempdir().unwrap();
    small_site(site.path(), "");
    let out = site.path().join("public");
    let nowhere = site.path().join("findes-ikke/pagefind");
    let run = evalpress_with(
        site.path(),
        &["build", "--out", out.to_str().unwrap()],
        &nowhere,
    );
    let err = stderr(&run);
    assert!(run.status.success(), "{err}");
    assert_eq!(err.matches("warning").count(), 1, "{err}");
    assert!(
        err.contains("evalpress.yaml: warning: the Pagefind binary named by EVALPRESS_PAGEFIND"),
        "{err}"
    );
    assert!(err.contains("findes-ikke/pagefind"), "{err}");
    assert!(
        err.contains("npm ci") && err.contains("pip install 'pagefind[bin]'"),
        "{err}"
    );
    assert!(err.contains("search: false"), "{err}");
    let page = common::html::page(&out, "soeg");
    let status = text(element(&page, "#search-status"));
    assert!(
        status.contains("Søgning er ikke tilgængelig i denne udgave af sitet"),
        "{status}"
    );
    // nothing links to the missing index: no script, no bundle address, no form
    let html = fs::read_to_string(out.join("soeg/index.html")).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("pagefind"),
        "{html}"
    );
    assert!(!out.join("pagefind").exists());
    // the header still links to the search page, which exists
    let report = common::html::page(&out, "rapport");
    assert_eq!(
        element(&report, ".site-search-link").value().attr("href"),
        Some("/soeg/")
    );
    // with --strict the warning fails the build
    let strict = evalpress_with(
        site.path(),
        &[
            "build",
            "--strict",
            "--out",
            site.path().join("s").to_str().unwrap(),
        ],
        &nowhere,
    );
    assert!(!strict.status.success());
}

#[test]
fn evalpress_pagefind_off_builds_without_an_index_and_without_a_warning() {
    let site = tempfile::tempdir().unwrap();
    small_site(site.path(), "");
    let out = site.path().join("public");
    let run = evalpress_with(
        site.path(),
        &["build", "--strict", "--out", out.to_str().unwrap()],
        Path::new("off"),
    );
    let err = stderr(&run);
    assert!(run.status.success(), "{err}");
    assert!(
        !err.contains("warning:") && !err.contains("Pagefind"),
        "{err}"
    );
    let page = common::html::page(&out, "soeg");
    assert!(text(element(&page, "#search-status")).contains("ikke tilgængelig"));
    assert!(!out.join("pagefind").exists());
}

/// serve's default: a build without the search index never starts Pagefind (here a binary that
/// would fail the build) and warns of nothing; the search page says search is not available.
#[test]
fn a_build_without_the_search_index_never_starts_pagefind() {
    let site = tempfile::tempdir().unwrap();
    let failing = fake_binary(site.path(), "echo broken >&2\nexit 3");
    let config = format!("search:\n  pagefind: {}\n", failing.display());
    small_site(&site.path().join("site"), &config);
    let opts = evalpress::BuildOptions {
        root: site.path().join("site"),
        out: Some(site.path().join("public")),
        base_url: None,
        strict: true,
        drafts: false,
        write: true,
        build_date: None,
        no_cache: false,
        search_index: false,
    };
    let built = evalpress::build(&opts, &|_| {});
    assert!(built.diagnostics.is_empty(), "{:?}", built.diagnostics);
    let out = site.path().join("public");
    assert!(!out.join("pagefind").exists());
    let page = common::html::page(&out, "soeg");
    assert!(text(element(&page, "#search-status")).contains("ikke tilgængelig"));
    // the same site with the index asked for runs the binary, whose failure fails the build
    let indexed = evalpress::build(
        &evalpress::BuildOptions {
            search_index: true,
            out: Some(site.path().join("indexed")),
            ..opts
        },
        &|_| {},
    );
    assert!(!indexed.succeeded());
}

#[test]
fn a_failing_binary_is_an_error_with_its_output_and_leaves_the_old_site() {
    let site = tempfile::tempdir().unwrap();
    small_site(site.path(), "search: false\n");
    let out = site.path().join("public");
    let first = evalpress(
        site.path(),
        &["build", "--out", out.to_str().unwrap(), "-q"],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    let before = common::tree::snapshot(&out);
    small_site(site.path(), "");
    let failing = fake_binary(
        site.path(),
        "echo 'Error: Pagefind crashed on purpose' >&2\nexit 1",
    );
    let run = evalpress_with(
        site.path(),
        &["build", "--out", out.to_str().unwrap()],
        &failing,
    );
    let err = stderr(&run);
    assert!(!run.status.success(), "{err}");
    assert!(
        err.contains("evalpress.yaml: error: Pagefind failed"),
        "{err}"
    );
    assert!(err.contains("Error: Pagefind crashed on purpose"), "{err}");
    assert!(err.contains("help:"), "{err}");
    assert_eq!(
        common::tree::snapshot(&out),
        before,
        "a failed build changed the output"
    );
}

#[test]
fn search_false_builds_no_search_page_no_link_and_no_index() {
    let site = tempfile::tempdir().unwrap();
    small_site(site.path(), "search: false\n");
    let failing = fake_binary(site.path(), "exit 1");
    let (_tmp, out) = build_site(site.path(), &failing);
    assert!(!out.join("soeg").exists());
    assert!(!out.join("pagefind").exists());
    for page in ["", "rapport"] {
        let html = fs::read_to_string(out.join(page).join("index.html")).unwrap();
        assert!(
            !html.contains("site-search-link") && !html.contains("soeg/"),
            "{page}: {html}"
        );
    }
}

#[test]
fn a_malformed_search_key_is_an_error_at_its_line_and_column() {
    for (config, want) in [
        (
            "search: maybe\n",
            "evalpress.yaml:2:1: error: invalid type: string \"maybe\", expected `true`, `false` or a map",
        ),
        ("search:\n  pagefnid: x\n", "evalpress.yaml:3:3: error:"),
        ("search: {pagefind: \"\"}\n", "evalpress.yaml:2:1: error:"),
    ] {
        let site = tempfile::tempdir().unwrap();
        small_site(site.path(), config);
        let run = evalpress(site.path(), &["check"]);
        let err = stderr(&run);
        assert!(!run.status.success(), "{config}: {err}");
        assert!(err.contains(want), "{config}: want {want} in\n{err}");
        assert!(err.contains("help:"), "{config}: {err}");
    }
}

#[test]
fn the_scanner_allows_only_the_theme_search_script_on_the_search_page() {
    use common::scan::without_search_script;
    let ok = "<p>a</p><script type=\"module\" src=\"/rapporter/static/search.js\"></script>";
    assert_eq!(without_search_script(ok).unwrap(), "<p>a</p>");
    for bad in [
        "<script>alert(1)</script>",
        "<script type=\"module\" src=\"https://evil.example/static/search.js\"></script>",
        "<script type=\"module\" src=\"/static/search.js\">alert(1)</script>",
        "<script type=\"module\" src=\"/static/other.js\"></script>",
    ] {
        assert!(without_search_script(bad).is_err(), "{bad}");
    }
    // the page of a build without an index loads nothing, and passes as it is
    assert_eq!(
        without_search_script("<p>no script</p>").unwrap(),
        "<p>no script</p>"
    );
    // a second script on the page is still found by the ordinary scan of the rest
    let two = format!("{ok}<script src=\"/x.js\"></script>");
    let rest = without_search_script(&two).unwrap();
    assert!(!common::scan::scan_markup(&rest, false).is_empty());
}
