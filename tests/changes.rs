//! `evalpress changes` and the stale-prose check, through the real binary.
//!
//! `tests/sites/changes/site/` is built, then `tests/sites/changes/v2/` (a new extract of
//! `data/forloeb.csv` and a report that swaps a chart for a table) is copied over it and the
//! site is built again: the diagnostics of both builds and the `changes` output in every format
//! are pinned in `tests/sites/changes/expected/`. `tests/sites/stale-prose/` holds literal
//! numbers that equal published values, in true hits and in traps (quotations, code, headings,
//! references, dates, ranges, ordinals, list numbers, links, small numbers); its warnings are
//! pinned in `expected-warnings.txt`. `EVALPRESS_BLESS=1 cargo test --test changes` rewrites
//! the pinned files; review the diff before committing.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::run::{copy_dir, evalpress, stderr, stdout};

fn sites() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites")
}

/// Compares `actual` with the pinned file `name` in `dir` (or rewrites it when blessing).
fn pinned(dir: &Path, name: &str, actual: &str) {
    let path = dir.join(name);
    if std::env::var_os("EVALPRESS_BLESS").is_some() {
        fs::create_dir_all(dir).unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with EVALPRESS_BLESS=1", path.display()));
    assert_eq!(actual, expected, "{} differs", path.display());
}

/// The diagnostics of a successful run: stderr without the closing summary and the changes
/// line (which hold the time).
fn diagnostics(run: &Output) -> String {
    assert!(run.status.success(), "{}", stderr(run));
    let err = stderr(run);
    let lines: Vec<&str> = err.lines().collect();
    let keep = lines
        .iter()
        .position(|l| l.starts_with("1 rapport,"))
        .unwrap_or_else(|| panic!("no summary line:\n{err}"));
    lines[..keep].iter().map(|l| format!("{l}\n")).collect()
}

/// The fixture site copied into `tmp`, built once from the first extract.
fn first_build(tmp: &Path) -> (PathBuf, Output) {
    let site = tmp.join("site");
    copy_dir(&sites().join("changes/site"), &site);
    let run = evalpress(&site, &["build"]);
    (site, run)
}

fn second_build(site: &Path) -> Output {
    copy_dir(&sites().join("changes/v2"), site);
    evalpress(site, &["build"])
}

/// Asserts that the run's stderr contains `text`.
fn says(run: &Output, text: &str) {
    assert!(
        stderr(run).contains(text),
        "no `{text}` in:\n{}",
        stderr(run)
    );
}

fn changes(site: &Path, args: &[&str]) -> String {
    let mut all = vec!["changes"];
    all.extend_from_slice(args);
    let run = evalpress(site, &all);
    assert!(run.status.success(), "{}", stderr(&run));
    stdout(&run)
}

#[test]
fn changes_between_two_extracts_are_pinned() {
    let expected = sites().join("changes/expected");
    let tmp = tempfile::tempdir().unwrap();
    let (site, run) = first_build(tmp.path());
    pinned(&expected, "build-1.txt", &diagnostics(&run));
    says(&run, "changes: first build into this folder");
    // The first build has no baseline, and says so rather than "nothing changed".
    assert_eq!(
        changes(&site, &[]),
        "No earlier build to compare with: this is the first build into this output folder.\n"
    );

    let run = second_build(&site);
    pinned(&expected, "build-2.txt", &diagnostics(&run));
    says(&run, "changes: 18 change(s) in 1 report(s)");
    let text = changes(&site, &[]);
    pinned(&expected, "changes.txt", &text);
    let md = changes(&site, &["--format", "markdown"]);
    pinned(&expected, "changes.md", &md);
    let json = changes(&site, &["--format", "json"]);
    pinned(&expected, "changes.json", &json);
    // The build wrote the same review files into the state folder.
    let state = site.join(".evalpress/changes/public");
    assert_eq!(fs::read_to_string(state.join("changes.md")).unwrap(), md);
    let kept: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(state.join("changes.json")).unwrap()).unwrap();
    assert_eq!(
        kept,
        serde_json::from_str::<serde_json::Value>(&json).unwrap()
    );
    // The lines the issue asks for.
    for line in [
        "  Tabel 1, Aarhus, Andel: 4,7 → 5,1\n",
        "  Tabel 1, I alt, Påbegyndt: 599 → 612\n",
        "  Tabel 1, Odense, Påbegyndt: 79 → × (newly hidden)\n",
        "  Tabel 1, Kolding, Påbegyndt: 0 (removed)\n",
        "  Tabel 2 Målgruppen pr. kommune: added\n",
        "  Figur 1 Påbegyndte pr. kommune: removed\n",
        "  [=aarhus]: 120 → 130\n",
    ] {
        assert!(text.contains(line), "no `{line}` in:\n{text}");
    }
}

#[test]
fn a_rebuild_with_the_same_numbers_keeps_the_list_and_the_stale_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let (site, _) = first_build(tmp.path());
    second_build(&site);
    let before = changes(&site, &[]);
    let run = evalpress(&site, &["build"]);
    says(&run, "warning: the text says 599; the data now gives 612");
    assert_eq!(changes(&site, &[]), before);
    // `check` reads the same baseline and writes nothing.
    let run = evalpress(&site, &["check"]);
    says(&run, "warning: the text says 599; the data now gives 612");
    assert_eq!(changes(&site, &[]), before);
}

#[test]
fn a_revealed_cell_and_since_an_older_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let (site, _) = first_build(tmp.path());
    // A copy of the state folder, and the same numbers as one snapshot file (the form earlier
    // versions kept as current.json).
    let first = tmp.path().join("first");
    copy_dir(&site.join(".evalpress/changes/public"), &first);
    let file = tmp.path().join("first.json");
    let whole = evalpress::changes::store::read_current(&first)
        .unwrap()
        .unwrap();
    fs::write(&file, serde_json::to_string(&whole).unwrap()).unwrap();
    second_build(&site);
    // Back to the first extract: Odense is shown again.
    copy_dir(&sites().join("changes/site"), &site);
    let run = evalpress(&site, &["build"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = changes(&site, &[]);
    assert!(
        text.contains("  Tabel 1, Odense, Påbegyndt: × → 79 (revealed)\n"),
        "{text}"
    );
    // Against the first build's snapshot nothing changed; against the second's, Odense did.
    for old in [&first, &file] {
        let since = changes(&site, &["--since", old.to_str().unwrap()]);
        assert_eq!(since, "Nothing changed since the previous build.\n");
    }
    let since = changes(
        &site,
        &[
            "--since",
            site.join(".evalpress/changes/public").to_str().unwrap(),
        ],
    );
    assert_eq!(since, "Nothing changed since the previous build.\n");
    assert_ne!(
        changes(&site, &[]),
        since,
        "the list is against the second build"
    );
}

#[test]
fn a_failed_build_and_another_output_folder_keep_their_own_state() {
    let tmp = tempfile::tempdir().unwrap();
    let (site, _) = first_build(tmp.path());
    let state = site.join(".evalpress/changes/public");
    let current = common::tree::snapshot(&state);
    assert!(state.join("index.json").is_file());
    // A new extract with a broken row: the build fails and nothing is recorded.
    fs::write(
        site.join("data/forloeb.csv"),
        "Kommune;Antal;Målgruppe\nAarhus;130\n",
    )
    .unwrap();
    let run = evalpress(&site, &["build"]);
    assert!(!run.status.success(), "{}", stderr(&run));
    assert_eq!(common::tree::snapshot(&state), current);
    assert!(changes(&site, &[]).starts_with("No earlier build"));
    // A build elsewhere has its own baseline, kept in the site, and nothing beside the output.
    copy_dir(&sites().join("changes/v2"), &site);
    let other = tmp.path().join("other");
    let run = evalpress(&site, &["build", "--out", other.to_str().unwrap()]);
    says(&run, "first build into this folder");
    let kept: Vec<String> = fs::read_dir(site.join(".evalpress/changes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(
        kept.iter().any(|k| k.starts_with("outside-other-")),
        "{kept:?}"
    );
    let mut beside: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(beside, ["other", "site"]);
    let out = other.to_str().unwrap();
    assert!(changes(&site, &["--out", out]).starts_with("No earlier build"));
    // Asking before any build is an error with a way out.
    let empty = tmp.path().join("nowhere");
    let run = evalpress(&site, &["changes", "--out", empty.to_str().unwrap()]);
    assert!(!run.status.success());
    says(&run, "help: run `evalpress build` first");
}

#[test]
fn a_broken_state_file_is_a_warning_that_says_what_to_delete() {
    let tmp = tempfile::tempdir().unwrap();
    let (site, _) = first_build(tmp.path());
    fs::write(
        site.join(".evalpress/changes/public/index.json"),
        "{ not json",
    )
    .unwrap();
    let run = evalpress(&site, &["check"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("warning: the previous build's numbers cannot be read"),
        "{err}"
    );
    assert!(
        err.contains("help: the next `evalpress build` starts"),
        "{err}"
    );
    // The next build reports it once more and starts afresh; the one after is clean.
    let run = evalpress(&site, &["build"]);
    says(&run, "warning: the previous build's numbers cannot be read");
    says(&run, "changes: first build into this folder");
    let run = evalpress(&site, &["build"]);
    assert!(!stderr(&run).contains("cannot be read"), "{}", stderr(&run));
    // A --since file that is no snapshot, or missing, is an error naming it.
    let bad = tmp.path().join("bad.json");
    fs::write(&bad, "[1, 2]").unwrap();
    let run = evalpress(&site, &["changes", "--since", bad.to_str().unwrap()]);
    assert!(!run.status.success());
    says(&run, "bad.json is not a snapshot evalpress wrote");
    let run = evalpress(&site, &["changes", "--since", "missing.json"]);
    assert!(!run.status.success());
    says(&run, "error: missing.json does not exist");
}

#[test]
fn stale_prose_true_hits_and_traps_are_pinned() {
    let site = sites().join("stale-prose");
    let run = evalpress(&site, &["check"]);
    pinned(&site, "expected-warnings.txt", &diagnostics(&run));
    assert!(!site.join(".evalpress").exists(), "check wrote state");
    // Bound and typed numbers: only the typed ones of the first paragraph and of the last
    // line (after escapes and an entity, where positions come from the source) are flagged.
    let err = stderr(&run);
    let hits = [
        "content/rapport/index.md:15:",
        "content/rapport/index.md:16:",
        "content/rapport/01-faelder.md:19:",
    ];
    assert!(
        err.lines()
            .filter(|l| l.contains(": warning: "))
            .all(|l| hits.iter().any(|h| l.starts_with(h))),
        "{err}"
    );
}

#[test]
fn the_closing_summary_counts_reports_tables_and_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, run) = first_build(tmp.path());
    let err = stderr(&run);
    let line = err
        .lines()
        .find(|l| l.starts_with("1 rapport, "))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        line.starts_with("1 rapport, 1 tabel, 1 figur på "),
        "{line}"
    );
    assert!(line.ends_with("; 1 advarsel"), "{line}");
    // --quiet prints the problems only.
    let site = tmp.path().join("site");
    let run = evalpress(&site, &["build", "--quiet"]);
    assert!(!stderr(&run).contains("rapport,"), "{}", stderr(&run));
    says(&run, "warning: the number 599");
}

#[test]
fn inline_values_from_ratings_are_listed_too() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&sites().join("valid-grids"), &site);
    let run = evalpress(&site, &["build"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let ratings = site.join("data/models/ratings/fidelitet.yaml");
    let text = fs::read_to_string(&ratings).unwrap();
    fs::write(
        &ratings,
        text.replace("a: { viden: i meget høj grad,", "a: { viden: i lav grad,"),
    )
    .unwrap();
    let run = evalpress(&site, &["build"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = changes(&site, &[]);
    assert!(
        text.contains("  [=ratings:fidelitet/viden/i-hoej-grad+]: 2 → 1\n"),
        "{text}"
    );
}

/// Replaces `from` by `to` in the file `path` (which must contain it).
fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "no `{from}` in {}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn changed_ratings_show_in_grids_status_tables_distributions_and_lists() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&sites().join("valid-grids"), &site);
    let run = evalpress(&site, &["build"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let ratings = site.join("data/models/ratings");
    edit(
        &ratings.join("fidelitet.yaml"),
        "raad: i høj grad, moeder: i nogen grad",
        "raad: i høj grad, moeder: i høj grad",
    );
    edit(
        &ratings.join("status.yaml"),
        "merit: [lidt, noget]",
        "merit: noget",
    );
    edit(
        &site.join("data/models/lists/drivere.yaml"),
        "Travlhed",
        "Travlhed <b>",
    );
    let run = evalpress(&site, &["build"]);
    assert!(run.status.success(), "{}", stderr(&run));
    says(&run, "changes: ");
    let text = changes(&site, &[]);
    // The fidelity grids: the cell, its row's summary and the counts per step below it; the
    // status table's degree (as its download words it), the list entry, and the inline value.
    assert_eq!(
        text,
        "Changes since the previous build:\n\nGitre på dansk (dansk)\n\
  \x20\x20Tabel 1, Projekt A, Møder: I nogen grad → I høj grad\n\
  \x20\x20Tabel 1, Projekt A, Mindst i høj grad: 2 af 4 → 3 af 4\n\
  \x20\x20Tabel 1, Antal projekter pr. vurdering: I høj grad, Møder: 0 → 1\n\
  \x20\x20Tabel 1, Antal projekter pr. vurdering: I nogen grad, Møder: 1 → 0\n\
  \x20\x20Tabel 2, Projekt A, Møder: i nogen grad → i høj grad\n\
  \x20\x20Tabel 3, Projekt A, Møder: I nogen grad → I høj grad\n\
  \x20\x20Tabel 3, Antal projekter pr. vurdering: I høj grad, Møder: 0 → 1\n\
  \x20\x20Tabel 3, Antal projekter pr. vurdering: I nogen grad, Møder: 1 → 0\n\
  \x20\x20Tabel 5, Princip 2. Merit, Grad af implementering: lidt / noget → noget\n\
  \x20\x20Tabel 6, 1, Barrierer: Travlhed → Travlhed <b>\n\
  \x20\x20[=ratings:status/merit/status]: lidt/noget → noget\n"
    );
    // Nothing else moved: the distribution's ratings file was not edited.
    assert!(!text.contains("Tabel 4"), "{text}");
    // Markdown and the serve page escape what came from the data.
    let md = changes(&site, &["--format", "markdown"]);
    assert!(
        md.contains("| Tabel 6 | 1, Barrierer | Travlhed | Travlhed <b> | changed |"),
        "{md}"
    );
    let json = changes(&site, &["--format", "json"]);
    assert!(json.contains("\"column\": \"Møder\""), "{json}");
}

#[test]
fn a_changed_self_assessment_changes_the_distribution_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&sites().join("valid-grids"), &site);
    let run = evalpress(&site, &["build"]);
    assert!(run.status.success(), "{}", stderr(&run));
    edit(
        &site.join("data/models/ratings/selvvurdering.yaml"),
        "c: { flere: lidt,",
        "c: { flere: meget,",
    );
    let run = evalpress(&site, &["build"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = changes(&site, &[]);
    assert_eq!(
        text,
        "Changes since the previous build:\n\nGitre på dansk (dansk)\n  Tabel 4, Flere ledige i uddannelse, Lidt: 1 → 0\n  Tabel 4, Flere ledige i uddannelse, Meget: 2 → 3\n\nGrids in English (english)\n  Table 1, Flere ledige i uddannelse, Little: 1 → 0\n  Table 1, Flere ledige i uddannelse, Much: 2 → 3\n  [=ratings:selvvurdering/flere/meget]: 2 → 3\n"
    );
}
