//! Atomicity and safety of the output folder: a failed build leaves the published folder
//! exactly as it was, folders where a build could destroy sources or foreign files are refused
//! untouched, and `check` writes nothing.

mod common;

use common::run::{copy_dir, evalpress, stderr};
use common::tree::{assert_same, names, snapshot};
use std::fs;
use std::path::{Path, PathBuf};

/// A copy of the valid fixture `tests/sites/valid-basic` (without its expected output) in `dir`.
fn copy_site(dir: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/valid-basic");
    let site = dir.join("site");
    fs::create_dir_all(&site).unwrap();
    fs::copy(from.join("evalpress.yaml"), site.join("evalpress.yaml")).unwrap();
    copy_dir(&from.join("content"), &site.join("content"));
    site
}

/// Builds `site` into `out`, requiring success.
fn build_ok(site: &Path, out: &Path) {
    let run = evalpress(site, &["build", "--out", out.to_str().unwrap(), "--quiet"]);
    assert!(run.status.success(), "build failed:\n{}", stderr(&run));
}

/// Builds `site` into `out` again after it was broken: must fail and leave `out` as it was,
/// with no staging folder left beside it.
fn assert_failed_build_keeps(site: &Path, out: &Path, expect_in_stderr: &str) {
    let before = snapshot(out);
    let parent = out.parent().unwrap();
    let siblings_before = names(parent);
    let run = evalpress(site, &["build", "--out", out.to_str().unwrap()]);
    let err = stderr(&run);
    assert!(!run.status.success(), "the broken site built:\n{err}");
    assert!(
        err.contains(expect_in_stderr),
        "stderr lacks `{expect_in_stderr}`:\n{err}"
    );
    assert!(err.contains("the output folder was not changed"), "{err}");
    assert_same(&before, out, "the folder");
    assert_eq!(
        siblings_before,
        names(parent),
        "files appeared beside the output folder"
    );
}

#[test]
fn a_content_error_in_the_second_report_leaves_the_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let site = copy_site(tmp.path());
    let out = tmp.path().join("out");
    build_ok(&site, &out);
    assert!(
        out.join("alfa-rapport/index.html").is_file()
            && out.join("beta-rapport/index.html").is_file()
    );
    // alfa-rapport (first by slug) is fine; beta-rapport gets a dangling reference.
    let chapter = site.join("content/beta-rapport/02-kort.md");
    let mut text = fs::read_to_string(&chapter).unwrap();
    text.push_str("\nSe også [@findes-ikke].\n");
    fs::write(&chapter, text).unwrap();
    assert_failed_build_keeps(&site, &out, "reference to unknown label `findes-ikke`");
}

#[test]
fn a_rendering_error_after_the_first_page_leaves_the_output_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let site = copy_site(tmp.path());
    let out = tmp.path().join("out");
    build_ok(&site, &out);
    // A template that renders alfa-rapport (which has a subtitle) but fails on beta-rapport.
    let templates = site.join("themes/default/templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(
        templates.join("report.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ report.title }}</h1>\n<p>{{ report.subtitle | upper }}</p>\n{% endblock main %}\n",
    )
    .unwrap();
    assert_failed_build_keeps(&site, &out, "themes/default/templates/report.html:4:");
}

#[test]
fn a_successful_rebuild_replaces_the_output_completely() {
    let tmp = tempfile::tempdir().unwrap();
    let site = copy_site(tmp.path());
    let out = tmp.path().join("out");
    fs::create_dir_all(site.join("content/gamma-rapport")).unwrap();
    fs::write(
        site.join("content/gamma-rapport/index.md"),
        "---\ntitle: Gamma\n---\n\nTekst.\n",
    )
    .unwrap();
    build_ok(&site, &out);
    assert!(
        out.join(".evalpress-output").is_file(),
        "the output folder has no marker"
    );
    assert!(out.join("gamma-rapport/index.html").is_file());
    fs::write(out.join("stale.html"), "old").unwrap();
    fs::remove_dir_all(site.join("content/gamma-rapport")).unwrap();
    build_ok(&site, &out);
    assert!(
        !out.join("gamma-rapport").exists(),
        "a removed report is still published"
    );
    assert!(
        !out.join("stale.html").exists(),
        "a file of the previous build survived"
    );
    assert!(out.join("alfa-rapport/index.html").is_file());
    assert_eq!(
        names(tmp.path()),
        ["out", "site"],
        "staging folders were left behind"
    );
}

/// `build --out <out>` from inside `site` must be refused and leave `watched` untouched.
#[track_caller]
fn assert_refused(site: &Path, out: &str, watched: &Path, why: &str) {
    let before = snapshot(watched);
    let run = evalpress(site, &["build", "--out", out]);
    let err = stderr(&run);
    assert!(!run.status.success(), "--out {out} was accepted:\n{err}");
    assert!(
        err.contains("error: ") && err.contains(why),
        "--out {out}: stderr lacks `{why}`:\n{err}"
    );
    assert!(err.contains("help: "), "--out {out}: no help line:\n{err}");
    assert_same(&before, watched, "the folder");
}

#[test]
fn output_folders_that_hold_sources_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let site = copy_site(tmp.path());
    fs::create_dir_all(site.join("data")).unwrap();
    fs::write(site.join("data/tal.csv"), "a,b\n1,2\n").unwrap();
    fs::create_dir_all(site.join("themes/default/static")).unwrap();
    fs::write(site.join("themes/default/static/extra.css"), "p{}\n").unwrap();
    let abs = site.to_str().unwrap().to_string();
    for (out, why) in [
        (".", "site root"),
        (abs.as_str(), "site root"),
        ("content", "content/"),
        ("content/", "content/"),
        ("content/alfa-rapport", "content/"),
        ("data", "data/"),
        ("themes", "themes/"),
        ("themes/default", "themes/"),
        ("..", "contains the site root"),
    ] {
        assert_refused(&site, out, tmp.path(), why);
    }
    // A symbolic link to a source folder is that folder.
    #[cfg(unix)]
    {
        let link = tmp.path().join("link-to-content");
        std::os::unix::fs::symlink(site.join("content"), &link).unwrap();
        assert_refused(&site, link.to_str().unwrap(), tmp.path(), "content/");
        let root_link = tmp.path().join("link-to-root");
        std::os::unix::fs::symlink(&site, &root_link).unwrap();
        assert_refused(&site, root_link.to_str().unwrap(), tmp.path(), "site root");
    }
}

#[test]
fn foreign_folders_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let site = copy_site(tmp.path());
    // A folder with .git (e.g. a checkout of the deployment repository).
    let repo = tmp.path().join("deploy");
    fs::create_dir_all(repo.join(".git")).unwrap();
    fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    assert_refused(&site, repo.to_str().unwrap(), tmp.path(), ".git");
    // Even with the marker, a folder holding .git is not evalpress's.
    fs::write(repo.join(".evalpress-output"), "").unwrap();
    assert_refused(&site, repo.to_str().unwrap(), tmp.path(), ".git");
    // A non-empty folder without the marker.
    let docs = tmp.path().join("docs");
    fs::create_dir_all(&docs).unwrap();
    fs::write(docs.join("vigtigt.txt"), "må ikke slettes\n").unwrap();
    assert_refused(
        &site,
        docs.to_str().unwrap(),
        tmp.path(),
        ".evalpress-output",
    );
    // A path that is a file.
    let file = tmp.path().join("fil.html");
    fs::write(&file, "x").unwrap();
    assert_refused(&site, file.to_str().unwrap(), tmp.path(), "file");
}

#[test]
fn empty_and_new_folders_are_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let site = copy_site(tmp.path());
    let empty = tmp.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    build_ok(&site, &empty);
    assert!(empty.join("index.html").is_file());
    let nested = tmp.path().join("new/deeper/out");
    build_ok(&site, &nested);
    assert!(nested.join("index.html").is_file());
    // The default output folder is public/ under the root.
    let run = evalpress(&site, &["build", "--quiet"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(site.join("public/index.html").is_file());
}

#[test]
fn check_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let site = copy_site(tmp.path());
    let before = snapshot(tmp.path());
    let run = evalpress(&site, &["check"]);
    assert!(run.status.success(), "{}", stderr(&run));
    // The closing line is in the site's language (Danish here).
    assert!(stderr(&run).contains("intet skrevet"), "{}", stderr(&run));
    assert!(!site.join("public").exists(), "check created public/");
    assert_same(&before, tmp.path(), "the folder");
    // Nor when the site is broken.
    fs::write(
        site.join("content/alfa-rapport/index.md"),
        "---\ntitle: [\n---\n",
    )
    .unwrap();
    let before = snapshot(tmp.path());
    let run = evalpress(&site, &["check"]);
    assert!(!run.status.success());
    assert_same(&before, tmp.path(), "the folder");
}
