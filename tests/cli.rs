//! The command line: help, `new report`, `--strict`, `--base-url`, `--quiet` and argument errors,
//! run through the real binary on copies of `tests/sites/minimal/`.

mod common;

use common::run::{copy_dir, evalpress, stderr, stdout};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use scraper::{ElementRef, Html};

/// A copy of `tests/sites/minimal` in `<tmp>/site`.
fn minimal_site(tmp: &Path) -> PathBuf {
    let site = tmp.join("site");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/minimal"),
        &site,
    );
    site
}

#[track_caller]
fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        stdout(out),
        stderr(out)
    );
}

#[track_caller]
fn assert_failure(out: &Output) {
    assert!(
        !out.status.success(),
        "succeeded but must fail:\nstdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}

#[test]
fn help_lists_the_commands_and_examples() {
    let tmp = tempfile::tempdir().unwrap();
    let run = evalpress(tmp.path(), &["--help"]);
    assert_success(&run);
    let help = stdout(&run);
    for word in [
        "build",
        "check",
        "new",
        "Examples",
        "evalpress build --base-url /rapporter/",
        "evalpress new report",
    ] {
        assert!(help.contains(word), "--help lacks `{word}`:\n{help}");
    }
    // Each command documents its flags.
    let run = evalpress(tmp.path(), &["build", "--help"]);
    assert_success(&run);
    let help = stdout(&run);
    for flag in ["--root", "--out", "--base-url", "--strict", "--quiet"] {
        assert!(help.contains(flag), "build --help lacks `{flag}`:\n{help}");
    }
    let run = evalpress(tmp.path(), &["check", "--help"]);
    assert_success(&run);
    assert!(
        !stdout(&run).contains("--out"),
        "check takes no --out:\n{}",
        stdout(&run)
    );
    let run = evalpress(tmp.path(), &["new", "report", "--help"]);
    assert_success(&run);
    assert!(
        stdout(&run).to_lowercase().contains("slug"),
        "{}",
        stdout(&run)
    );
}

#[test]
fn new_report_creates_a_report_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let site = minimal_site(tmp.path());
    let run = evalpress(&site, &["new", "report", "test-rapport"]);
    assert_success(&run);
    let index = site.join("content/test-rapport/index.md");
    assert!(index.is_file(), "no {}", index.display());
    assert!(
        stdout(&run).contains("test-rapport/index.md"),
        "{}",
        stdout(&run)
    );
    let text = fs::read_to_string(&index).unwrap();
    assert!(
        text.starts_with("---\n") && text.contains("title:"),
        "{text}"
    );
    // The new report builds at once, without warnings.
    let out = tmp.path().join("out");
    let run = evalpress(
        &site,
        &[
            "build",
            "--strict",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_success(&run);
    assert!(out.join("test-rapport/index.html").is_file());
    // Creating it again is refused and leaves the file alone.
    let run = evalpress(&site, &["new", "report", "test-rapport"]);
    assert_failure(&run);
    assert!(stderr(&run).contains("already exists"), "{}", stderr(&run));
    assert_eq!(fs::read_to_string(&index).unwrap(), text);
}

#[test]
fn new_report_with_root_writes_under_that_root() {
    let tmp = tempfile::tempdir().unwrap();
    let site = minimal_site(tmp.path());
    let run = evalpress(
        tmp.path(),
        &[
            "new",
            "report",
            "andet-notat",
            "--root",
            site.to_str().unwrap(),
        ],
    );
    assert_success(&run);
    assert!(site.join("content/andet-notat/index.md").is_file());
    assert!(
        !tmp.path().join("content").exists(),
        "wrote into the current folder instead of --root"
    );
}

#[test]
fn new_report_refuses_a_bad_slug_helpfully() {
    let tmp = tempfile::tempdir().unwrap();
    let site = minimal_site(tmp.path());
    for (slug, suggestion) in [
        ("Bad Slug", "bad-slug"),
        ("Særlig_Rapport", "saerlig-rapport"),
        ("../ud", "ud"),
    ] {
        let run = evalpress(&site, &["new", "report", slug]);
        assert_failure(&run);
        let err = stderr(&run);
        assert!(
            err.contains("error:") && err.contains("slug"),
            "{slug}: {err}"
        );
        assert!(
            err.contains("help:") && err.contains(&format!("`{suggestion}`")),
            "{slug}: no suggestion `{suggestion}`: {err}"
        );
    }
    let mut names: Vec<String> = fs::read_dir(site.join("content"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["eksempel"], "a folder was created for a bad slug");
    assert!(!tmp.path().join("ud").exists());
}

/// Builds and checks `site` with and without `--strict`: the warning passes without it and
/// fails the run with it, printed as an error, and nothing is written.
fn assert_strict_fails_on(site: &Path, tmp: &Path, warning: &str) {
    let out = tmp.join("out");
    let run = evalpress(site, &["build", "--out", out.to_str().unwrap()]);
    assert_success(&run);
    assert!(
        stderr(&run).contains(&format!("warning: {warning}")),
        "{}",
        stderr(&run)
    );
    assert!(out.join("index.html").is_file());

    let strict_out = tmp.join("strict-out");
    let run = evalpress(
        site,
        &["build", "--strict", "--out", strict_out.to_str().unwrap()],
    );
    assert_failure(&run);
    let err = stderr(&run);
    assert!(
        err.contains(&format!("error: {warning}")),
        "--strict does not print the warning as an error:\n{err}"
    );
    assert!(!err.contains("warning: "), "{err}");
    assert!(
        !strict_out.exists(),
        "--strict wrote output although it failed"
    );

    let run = evalpress(site, &["check", "--strict"]);
    assert_failure(&run);
    assert!(
        stderr(&run).contains(&format!("error: {warning}")),
        "{}",
        stderr(&run)
    );
    let run = evalpress(site, &["check"]);
    assert_success(&run);
}

#[test]
fn strict_turns_an_unlisted_chapter_warning_into_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let site = minimal_site(tmp.path());
    fs::write(site.join("content/eksempel/99-udkast.md"), "# Udkast\n").unwrap();
    assert_strict_fails_on(&site, tmp.path(), "file is not listed as a chapter");
}

#[test]
fn strict_turns_a_javascript_link_warning_into_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let site = minimal_site(tmp.path());
    let chapter = site.join("content/eksempel/01-kapitel.md");
    let text = fs::read_to_string(&chapter).unwrap() + "\nKlik [her](javascript:alert(1)).\n";
    fs::write(&chapter, text).unwrap();
    assert_strict_fails_on(
        &site,
        tmp.path(),
        "link target `javascript:alert(1)` removed",
    );
}

#[test]
fn unknown_flags_and_commands_fail() {
    let tmp = tempfile::tempdir().unwrap();
    let site = minimal_site(tmp.path());
    for args in [
        &["build", "--frobnicate"][..],
        &["check", "--out", "x"][..],
        &["publish"][..],
        &["new", "chapter", "x"][..],
        &["new", "report"][..],
        &[][..],
    ] {
        let run = evalpress(&site, args);
        assert_failure(&run);
        assert!(!stderr(&run).is_empty(), "{args:?}: no message");
    }
    let run = evalpress(&site, &["build", "--frobnicate"]);
    assert!(stderr(&run).contains("--frobnicate"), "{}", stderr(&run));
    assert!(
        !site.join("public").exists(),
        "a rejected command wrote output"
    );
}

#[test]
fn a_folder_without_config_fails_helpfully() {
    let tmp = tempfile::tempdir().unwrap();
    let run = evalpress(tmp.path(), &["build"]);
    assert_failure(&run);
    let err = stderr(&run);
    assert!(
        err.contains("evalpress.yaml") && err.contains("help:"),
        "{err}"
    );
    assert!(!tmp.path().join("public").exists());
}

#[test]
fn base_url_prefixes_every_site_link() {
    let tmp = tempfile::tempdir().unwrap();
    let site = minimal_site(tmp.path());
    let out = tmp.path().join("out");
    let run = evalpress(
        &site,
        &[
            "build",
            "--quiet",
            "--base-url",
            "/rapporter/",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_success(&run);
    let mut rooted = 0;
    for page in ["index.html", "404.html", "eksempel/index.html"] {
        let html = fs::read_to_string(out.join(page)).unwrap();
        let doc = Html::parse_document(&html);
        for el in doc
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
        {
            for attr in ["href", "src"] {
                let Some(url) = el.value().attr(attr) else {
                    continue;
                };
                if url.starts_with('/') && !url.starts_with("//") {
                    rooted += 1;
                    assert!(
                        url.starts_with("/rapporter/"),
                        "{page}: {attr}={url:?} is outside /rapporter/"
                    );
                }
            }
        }
    }
    assert!(
        rooted >= 6,
        "expected site links (stylesheets, home, reports), found {rooted}"
    );
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains(r#"href="/rapporter/eksempel/""#), "{index}");
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("/rapporter/eksempel/"), "{sitemap}");
    // Every internal link resolves when the site is served under /rapporter/.
    let problems = common::links::check_links(&out, "/rapporter/");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // A base URL that is not a path or http(s) URL is refused.
    for bad in [
        "rapporter/",
        "/a b/",
        "javascript:alert(1)",
        "/x/\"><script>/",
    ] {
        let run = evalpress(
            &site,
            &[
                "build",
                "--base-url",
                bad,
                "--out",
                tmp.path().join("bad").to_str().unwrap(),
            ],
        );
        assert_failure(&run);
        assert!(
            stderr(&run).contains("--base-url"),
            "{bad}: {}",
            stderr(&run)
        );
        assert!(!tmp.path().join("bad").exists());
    }
}

#[test]
fn quiet_prints_nothing_on_success() {
    let tmp = tempfile::tempdir().unwrap();
    let site = minimal_site(tmp.path());
    let out = tmp.path().join("out");
    for args in [
        &["build", "--quiet", "--out", out.to_str().unwrap()][..],
        &["build", "-q", "--out", out.to_str().unwrap()][..],
        &["check", "--quiet"][..],
    ] {
        let run = evalpress(&site, args);
        assert_success(&run);
        assert!(
            run.stdout.is_empty() && run.stderr.is_empty(),
            "{args:?} printed:\n{}{}",
            stdout(&run),
            stderr(&run)
        );
    }
    // Without it, a one-line summary.
    let run = evalpress(&site, &["build", "--out", out.to_str().unwrap()]);
    assert_success(&run);
    assert!(stderr(&run).contains("1 rapport, "), "{}", stderr(&run));
    // Quiet still prints warnings and errors.
    fs::write(site.join("content/eksempel/99-udkast.md"), "# Udkast\n").unwrap();
    let run = evalpress(&site, &["build", "--quiet", "--out", out.to_str().unwrap()]);
    assert_success(&run);
    assert!(
        stderr(&run).contains("warning: file is not listed as a chapter"),
        "{}",
        stderr(&run)
    );
    let run = evalpress(
        &site,
        &[
            "build",
            "--quiet",
            "--strict",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_failure(&run);
    assert!(
        stderr(&run).contains("error: file is not listed as a chapter"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn root_flag_builds_a_site_elsewhere() {
    let tmp = tempfile::tempdir().unwrap();
    let site = minimal_site(tmp.path());
    let run = evalpress(
        tmp.path(),
        &["build", "--quiet", "--root", site.to_str().unwrap()],
    );
    assert_success(&run);
    assert!(
        site.join("public/eksempel/index.html").is_file(),
        "the default output is <root>/public"
    );
}

#[test]
fn version_is_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let run = evalpress(tmp.path(), &["--version"]);
    assert_success(&run);
    assert!(
        stdout(&run).contains(env!("CARGO_PKG_VERSION")),
        "{}",
        stdout(&run)
    );
}

#[test]
fn drafts_are_published_only_with_the_drafts_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let site = minimal_site(tmp.path());
    fs::create_dir_all(site.join("content/kladde")).unwrap();
    fs::write(
        site.join("content/kladde/index.md"),
        "---\ntitle: Kladden\ndraft: true\n---\n\nTekst.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let run = evalpress(&site, &["build", "--quiet", "--out", out.to_str().unwrap()]);
    assert_success(&run);
    assert!(
        !out.join("kladde").exists(),
        "a draft was published without --drafts"
    );
    for file in ["index.html", "sitemap.xml"] {
        let text = fs::read_to_string(out.join(file)).unwrap();
        assert!(
            !text.contains("kladde") && !text.contains("Kladden"),
            "{file} mentions the draft:\n{text}"
        );
    }
    let run = evalpress(
        &site,
        &[
            "build",
            "--quiet",
            "--drafts",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_success(&run);
    assert!(
        out.join("kladde/index.html").is_file(),
        "--drafts did not build the draft"
    );
}

#[test]
fn a_full_base_url_gives_its_path_to_links_and_its_origin_to_the_sitemap() {
    let tmp = tempfile::tempdir().unwrap();
    let site = minimal_site(tmp.path());
    let out = tmp.path().join("out");
    let base = "https://example.dk/rapporter/";
    let run = evalpress(
        &site,
        &[
            "build",
            "--quiet",
            "--base-url",
            base,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_success(&run);
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains(r#"href="/rapporter/eksempel/""#), "{index}");
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://example.dk/rapporter/eksempel/</loc>"),
        "{sitemap}"
    );
    let problems = common::links::check_links(&out, base);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
