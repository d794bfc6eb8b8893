//! Incremental publishing: after any sequence of edits, a build that keeps the cache publishes
//! exactly the bytes a clean build publishes, and it rewrites only the files whose bytes changed
//! (checked by inode: an unchanged file is the very file of the previous tree).

mod common;

use std::fs;
use std::path::PathBuf;

use common::incremental_site::{Site, build, fresh, inodes, options, replaced, write_site};
use common::tree::snapshot;
use proptest::prelude::*;

#[test]
fn one_csv_change_rewrites_only_the_files_of_the_report_that_reads_it() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    let before = inodes(&out);
    site.a = 14;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    let written = replaced(&before, &inodes(&out));
    assert_eq!(outcome.rewritten, written);
    assert!(
        written.contains(&"alfa/index.html".to_string()),
        "{written:?}"
    );
    assert!(
        written.iter().all(|p| p.starts_with("alfa/")),
        "{written:?}"
    );
    let page = fs::read_to_string(out.join("alfa/index.html")).unwrap();
    assert!(page.contains(">14<"), "the new count is on the page");
    let inodes_after = inodes(&out);

    let again = build(&root, &out, false);
    assert_eq!(again.rewritten.len(), 0, "{again:?}");
    fs::write(out.join("stray.html"), "not made by evalpress").unwrap();
    let cleaned = build(&root, &out, false);
    assert_eq!(cleaned.rewritten.len(), 0, "{cleaned:?}");
    assert!(
        !out.join("stray.html").exists(),
        "a stray file survived a no-op build"
    );
    let replaced_now = replaced(&inodes_after, &inodes(&out));
    assert!(
        replaced_now.is_empty(),
        "a no-op build replaced {replaced_now:?}"
    );
}

#[test]
fn a_changed_label_target_rewrites_the_pages_that_reference_it() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.extra_table = true; // alfa's tab-a becomes "tabel 2"; gamma refers to it
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert!(outcome.rewritten.contains(&"gamma/index.html".to_string()));
    let page = fs::read_to_string(out.join("gamma/index.html")).unwrap();
    assert!(page.contains("tabel\u{a0}2"), "{page}");
}

#[test]
fn a_template_change_rerenders_only_the_pages_using_it() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.page_template = true; // page.html: only epsilon (kind: side) uses it
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!(outcome.rewritten, ["epsilon/index.html"]);
    let page = fs::read_to_string(out.join("epsilon/index.html")).unwrap();
    assert!(page.contains("<h1 class=\"side\">"));
}

#[test]
fn a_model_change_rewrites_only_the_pages_using_models() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.model_text = true;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!(outcome.rewritten, ["delta/index.html"]);
}

#[test]
fn a_config_change_rewrites_every_page() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.config_title = true;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert!(outcome.rewritten.contains(&"beta/index.html".to_string()));
}

#[test]
fn a_corrupt_or_missing_cache_means_every_file_is_written_correctly() {
    let mut site = Site::new();
    let (dir, root, out, mut clock) = fresh(&site);
    let cache = root.join(".evalpress/cache");
    let files: Vec<PathBuf> = fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    for (i, garbage) in ["{\"format\": 1, \"key\"", "", "\u{0}\u{1}not json"]
        .iter()
        .enumerate()
    {
        site.a = 20 + i as u32;
        write_site(&root, &site, &mut clock);
        fs::write(&files[0], garbage).unwrap();
        let outcome = build(&root, &out, false);
        // With no usable state every file is written, beta's page too though it did not change.
        assert!(outcome.rewritten.contains(&"beta/index.html".to_string()));
        let clean = dir.path().join(format!("clean-{i}"));
        build(&root, &clean, true);
        assert_eq!(snapshot(&out), snapshot(&clean));
    }
    fs::remove_dir_all(root.join(".evalpress")).unwrap();
    let outcome = build(&root, &out, false);
    assert!(outcome.rewritten.contains(&"beta/index.html".to_string()));
}

#[test]
fn caches_of_output_folders_that_are_gone_are_removed() {
    let site = Site::new();
    let (dir, root, _out, _) = fresh(&site);
    let cache = root.join(".evalpress/cache");
    // Not the catalog of data/models/, kept in a folder of its own, one per site.
    let count = || {
        let entries = fs::read_dir(&cache).unwrap().map(|e| e.unwrap());
        entries.filter(|e| e.file_name() != "models").count()
    };
    assert_eq!(
        count(),
        4,
        "one state, its records, their report folder and the name of its output folder"
    );
    let other = dir.path().join("other");
    build(&root, &other, false);
    assert_eq!(count(), 8);
    fs::remove_dir_all(&other).unwrap();
    build(&root, &dir.path().join("third"), false);
    assert_eq!(count(), 8, "the state for the removed folder was kept");
}

#[test]
fn an_edited_published_file_is_written_again() {
    let site = Site::new();
    let (_dir, root, out, _) = fresh(&site);
    let page = out.join("beta/index.html");
    let original = fs::read(&page).unwrap();
    fs::write(&page, b"edited by hand").unwrap();
    let outcome = build(&root, &out, false);
    assert_eq!(outcome.rewritten, ["beta/index.html"]);
    assert_eq!(fs::read(&page).unwrap(), original);
}

#[test]
fn on_the_command_line_a_rebuild_keeps_files_and_no_cache_writes_them_all() {
    let site = Site::new();
    let (_dir, root, _out, _) = fresh(&site);
    let out = root.join("public");
    let run = |args: &[&str]| {
        let (code, stderr) = common::guarded::run(&root, args, &[]);
        assert_eq!(code, Some(0), "{stderr}");
    };
    run(&["build"]);
    let first = inodes(&out);
    let bytes = snapshot(&out);
    run(&["build"]);
    assert!(
        replaced(&first, &inodes(&out)).is_empty(),
        "a no-op build replaced files"
    );
    run(&["build", "--no-cache"]);
    let all = replaced(&first, &inodes(&out));
    assert_eq!(
        all.len(),
        first.len() - 1,
        "--no-cache writes every file: {all:?}"
    );
    assert_eq!(snapshot(&out), bytes);
}

/// The snapshot the list of changes of `out` keeps (the last published build's).
fn kept_snapshot(root: &std::path::Path, out: &std::path::Path) -> evalpress::changes::Snapshot {
    let dir = evalpress::changes::store::state_dir(root, out);
    let (current, _) = evalpress::changes::store::snapshots(&dir, &Default::default()).unwrap();
    current.expect("a published build keeps its snapshot")
}

/// What `evalpress changes` prints for `out` (the diff the last build recorded, as text).
fn changes_text(root: &std::path::Path, out: &std::path::Path) -> String {
    let dir = evalpress::changes::store::state_dir(root, out);
    let diff = evalpress::changes::store::last_diff(&dir).unwrap();
    diff.map(|d| evalpress::changes::text(&d))
        .unwrap_or_default()
}

/// When the list of changes of `out` was last written.
fn changes_stamp(root: &std::path::Path, out: &std::path::Path) -> Option<std::time::SystemTime> {
    let dir = evalpress::changes::store::state_dir(root, out);
    fs::metadata(dir.join("changes.json"))
        .and_then(|m| m.modified())
        .ok()
}

/// One edit of the fixture site.
#[derive(Debug, Clone)]
enum Edit {
    CsvA(u32),
    CsvB(u32),
    Paragraph(usize, String),
    Template,
    Config,
    Model,
    ToggleReport,
    Renumber,
    RenameLabel,
    Draft,
    /// Report eta (a second publication of a.csv) appears or goes.
    Shared,
    /// Alfa and beta join or leave a programme.
    Series,
    BetaTitle,
    /// What the index shows: the front page's text, alfa's date (and so the order).
    FrontText,
    AlfaDate,
    /// Alfa's headline result from a.csv (on the programme page in a series).
    KeyFigure,
    /// A build that fails on the way (output and cache must survive it).
    FailedBuild,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0u32..30).prop_map(Edit::CsvA),
        (0u32..30).prop_map(Edit::CsvB),
        (0usize..5, "[A-Za-zæø]{1,8}( [a-z]{1,6}){0,3}\\.")
            .prop_map(|(i, t)| Edit::Paragraph(i, t)),
        Just(Edit::Template),
        Just(Edit::Config),
        Just(Edit::Model),
        Just(Edit::ToggleReport),
        Just(Edit::Renumber),
        Just(Edit::RenameLabel),
        Just(Edit::Draft),
        Just(Edit::Shared),
        Just(Edit::Series),
        Just(Edit::BetaTitle),
        Just(Edit::FrontText),
        Just(Edit::AlfaDate),
        Just(Edit::KeyFigure),
        Just(Edit::FailedBuild),
    ]
}

fn apply(site: &mut Site, edit: &Edit) {
    match edit {
        Edit::CsvA(n) => site.a = *n,
        Edit::CsvB(n) => site.b = *n,
        Edit::Paragraph(i, text) => site.paragraphs[*i] = text.clone(),
        Edit::Template => site.page_template ^= true,
        Edit::Config => site.config_title ^= true,
        Edit::Model => site.model_text ^= true,
        // Zeta refers to alfa's table by its first name; it only exists while that name does.
        Edit::ToggleReport => site.zeta = !site.zeta && site.label == "tab-a",
        Edit::Renumber => site.extra_table ^= true,
        Edit::Draft => site.draft ^= true,
        Edit::Shared => site.shared ^= true,
        Edit::Series => site.series ^= true,
        Edit::BetaTitle => site.beta_title ^= true,
        Edit::FrontText => site.front_text ^= true,
        Edit::AlfaDate => site.alfa_date ^= true,
        Edit::KeyFigure => site.key_figure ^= true,
        Edit::FailedBuild => {}
        Edit::RenameLabel => {
            site.label = if site.label == "tab-a" {
                "tal-a"
            } else {
                "tab-a"
            };
            site.zeta &= site.label == "tab-a";
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn incremental_builds_equal_clean_builds(edits in prop::collection::vec(edit(), 1..5)) {
        let mut site = Site::new();
        let (dir, root, out, mut clock) = fresh(&site);
        // The same builds with --no-cache into a second output: the same history of numbers,
        // so its list of changes is what the incremental output's must be.
        let full = dir.path().join("full");
        build(&root, &full, true);
        for (step, e) in edits.iter().enumerate() {
            if matches!(e, Edit::FailedBuild) {
                let before = snapshot(&out);
                site.broken = true;
                write_site(&root, &site, &mut clock);
                let failed = evalpress::build(&options(&root, &out, false), &|_| {});
                prop_assert!(!failed.succeeded());
                prop_assert_eq!(&snapshot(&out), &before);
                let failed_full = evalpress::build(&options(&root, &full, true), &|_| ());
                prop_assert!(!failed_full.succeeded());
                site.broken = false;
            }
            apply(&mut site, e);
            write_site(&root, &site, &mut clock);
            let recorded = changes_stamp(&root, &out);
            let incremental = build(&root, &out, false);
            let all = build(&root, &full, true);
            // A build with nothing to do repeats the last outcome and records nothing; the
            // --no-cache build records the same numbers again (the list only says "no change").
            let repeated = changes_stamp(&root, &out) == recorded;
            // Only a config or theme change rebuilds every report.
            if !matches!(e, Edit::Template | Edit::Config) {
                prop_assert!(incremental.reused > 0, "after {:?}: {:?}", &edits[..=step], incremental);
            }
            prop_assert_eq!(incremental.rebuilt + incremental.reused, incremental.reports);
            // b.csv's values are on no site-wide page: a build that ran keeps them all.
            if matches!(e, Edit::CsvB(_)) && incremental.rebuilt > 0 {
                for page in ["index.html", "404.html", "data/index.html"] {
                    prop_assert!(
                        incremental.kept_pages.iter().any(|p| p == page),
                        "{} rendered after {:?}: {:?}", page, &edits[..=step], incremental.kept_pages
                    );
                }
            }
            // A kept report is not read; a rebuilt one is, and so is a draft (left out after),
            // unless the build has nothing to do at all (it then reads no report).
            let (parsed, rebuilt) = (incremental.parsed, incremental.rebuilt);
            prop_assert!(
                parsed == rebuilt + site.draft as usize || (parsed, rebuilt) == (0, 0),
                "parsed {} of {} rebuilt after {:?}", parsed, rebuilt, &edits[..=step]
            );
            let clean_out = dir.path().join(format!("clean-{step}"));
            let clean = build(&root, &clean_out, true);
            prop_assert_eq!(snapshot(&out), snapshot(&clean_out), "after {:?}", &edits[..=step]);
            prop_assert_eq!(&incremental.diagnostics, &clean.diagnostics);
            prop_assert_eq!(incremental.reports, clean.reports);
            prop_assert_eq!(&incremental.summary, &clean.summary);
            prop_assert_eq!(&incremental.diagnostics, &all.diagnostics);
            if !repeated {
                prop_assert_eq!(&incremental.changes, &all.changes, "after {:?}", &edits[..=step]);
                prop_assert_eq!(changes_text(&root, &out), changes_text(&root, &full));
            }
            // Nothing changed since: the build returns the previous outcome and writes nothing.
            let published = inodes(&out);
            let again = build(&root, &out, false);
            prop_assert_eq!(again.rebuilt, 0);
            prop_assert_eq!(again.parsed, 0);
            prop_assert_eq!(&again.diagnostics, &incremental.diagnostics);
            prop_assert_eq!(&kept_snapshot(&root, &out), &clean.snapshot);
            prop_assert_eq!(inodes(&out), published);
        }
    }
}
