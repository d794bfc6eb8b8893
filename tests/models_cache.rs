//! The catalog of `data/models/` kept between builds (`.evalpress/cache/models/catalog.json`),
//! through the real binary: a build after an edit of a ratings file publishes the new ratings,
//! a build with no model file changed takes the kept catalog, `--no-cache` parses, and a
//! warning of a model file is reported by every build.

mod common;

use std::fs;
use std::path::Path;

use common::run::{copy_dir, evalpress, stderr};
use common::tree::snapshot;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sites/valid-grids");
const RATINGS: &str = "data/models/ratings/fidelitet.yaml";
const KEPT: &str = ".evalpress/cache/models/catalog.json";

/// Builds the site at `root` into `out`, requiring success; returns what it printed.
fn build(root: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["build", "--quiet", "--out", out.to_str().unwrap()];
    args.extend(extra);
    let run = evalpress(root, &args);
    assert!(run.status.success(), "{}", stderr(&run));
    stderr(&run)
}

/// The row of Projekt A in the first fidelity grid of the Danish page.
fn row_a(out: &Path) -> String {
    let page = fs::read_to_string(out.join("dansk/index.html")).unwrap();
    let start = page.find("<th scope=\"row\">Projekt A</th>").unwrap();
    let end = start + page[start..].find("</tr>").unwrap();
    page[start..end].to_string()
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn site() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(Path::new(FIXTURE), &root);
    // What builds of the fixture in place (tests/fixtures.rs) left there, a kept catalog too.
    let _ = fs::remove_dir_all(root.join(".evalpress"));
    (tmp, root)
}

#[test]
fn an_edited_ratings_file_is_published_after_a_build_that_kept_the_catalog() {
    let (tmp, root) = site();
    let out = tmp.path().join("out");
    build(&root, &out, &[]);
    assert!(root.join(KEPT).is_file(), "the catalog is kept");
    assert!(row_a(&out).starts_with(
        "<th scope=\"row\">Projekt A</th><td class=\"step-cell step-c7\">I meget høj grad</td>"
    ));
    // The same files, one cell's words changed: only the digest tells the two apart.
    edit(
        &root,
        RATINGS,
        "viden: i meget høj grad",
        "viden: i meget lav grad",
    );
    build(&root, &out, &[]);
    assert!(
        row_a(&out).starts_with(
            "<th scope=\"row\">Projekt A</th><td class=\"step-cell step-c1\">I meget lav grad</td>"
        ),
        "{}",
        row_a(&out)
    );
    let clean = tmp.path().join("clean");
    build(&root, &clean, &["--no-cache"]);
    assert_eq!(snapshot(&out), snapshot(&clean));
}

#[test]
fn a_build_with_no_model_file_changed_takes_the_kept_catalog() {
    let (tmp, root) = site();
    let out = tmp.path().join("out");
    build(&root, &out, &[]);
    // A kept catalog that says something else, under the key it was kept with, shows that
    // the next build reads it rather than the model files.
    let kept = fs::read_to_string(root.join(KEPT)).unwrap();
    let forged = kept.replace("\"I meget høj grad\"", "\"Forged\"");
    assert_ne!(kept, forged);
    fs::write(root.join(KEPT), forged).unwrap();
    // An edit of the page, so the build renders the grid again.
    edit(
        &root,
        "content/dansk/index.md",
        "\n\n",
        "\n\nEt nyt afsnit.\n\n",
    );
    build(&root, &out, &[]);
    assert!(row_a(&out).contains(">Forged</td>"), "{}", row_a(&out));
    build(&root, &out, &["--no-cache"]);
    assert!(
        row_a(&out).contains(">I meget høj grad</td>"),
        "--no-cache parses"
    );
}

#[test]
fn a_warning_of_a_model_file_is_reported_by_every_build() {
    let (tmp, root) = site();
    let out = tmp.path().join("out");
    fs::write(root.join("data/models/notes.txt"), "x").unwrap();
    for paragraph in ["Et.", "To."] {
        // A changed page, so the build runs rather than repeating the last one's result.
        edit(
            &root,
            "content/dansk/index.md",
            "\n\n",
            &format!("\n\n{paragraph}\n\n"),
        );
        let shown = build(&root, &out, &[]);
        assert!(
            shown.contains("data/models/notes.txt: warning: file ignored"),
            "{shown}"
        );
        assert!(!root.join(KEPT).exists());
    }
}
