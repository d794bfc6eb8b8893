//! A build with nothing to do: when no input (content, data, theme, config) and no build option
//! changed since the last successful build, and its published files are still as it wrote them,
//! a build returns that build's outcome (diagnostics, counts, changes) and writes
//! nothing; anything else that differs makes it build.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::SystemTime;

use common::incremental_site::{Site, build, fresh, inodes, options, write_site};
use common::tree::write_files;
use evalpress::Outcome;

/// Modification time of every file under `dir`.
fn mtimes(dir: &Path) -> BTreeMap<String, SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, e.metadata().unwrap().modified().unwrap())
        })
        .collect()
}

fn assert_repeats(again: &Outcome, first: &Outcome) {
    assert_eq!(again.rebuilt, 0, "the no-op build rebuilt reports");
    assert_eq!(again.parsed, 0, "the no-op build parsed reports");
    assert_eq!(again.reused, first.reports);
    assert_eq!(again.diagnostics, first.diagnostics);
    assert_eq!(again.reports, first.reports);
    assert_eq!(again.files, first.files);
    assert_eq!(
        (again.summary.tables, again.summary.figures),
        (first.summary.tables, first.summary.figures)
    );
    // The snapshot is not repeated (it can be large): the list of changes keeps it.
    assert!(again.snapshot.reports.is_empty());
    assert_eq!(again.changes, first.changes);
    assert_eq!(again.published, first.published);
    assert!(again.rewritten.is_empty(), "{:?}", again.rewritten);
}

/// A site with a warning (a stray file in content/) and a data change since its first build,
/// so the outcome has diagnostics and a list of changes to repeat.
fn site_with_history() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    Outcome,
) {
    let mut site = Site::new();
    let (dir, root, out, mut clock) = fresh(&site);
    write_files(&root, &[("content/notes.txt", "stray")]);
    site.a = 40;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert!(outcome.rebuilt > 0);
    assert!(!outcome.diagnostics.is_empty(), "the fixture has a warning");
    assert!(
        outcome
            .changes
            .as_ref()
            .is_some_and(|d| !d.reports.is_empty())
    );
    // What a no-op build leaves out of its outcome, the list of changes keeps.
    let kept = evalpress::changes::store::state_dir(&root, &out);
    let (current, _) = evalpress::changes::store::snapshots(&kept, &Default::default()).unwrap();
    let current = current.expect("the build kept its numbers");
    // The outcome holds the computed reports' numbers, the list of changes every report's.
    assert_eq!(current.reports.len(), outcome.reports);
    for (slug, numbers) in &outcome.snapshot.reports {
        assert_eq!(current.reports.get(slug), Some(numbers), "{slug}");
    }
    (dir, root, out, outcome)
}

#[test]
fn a_no_op_build_writes_nothing_and_repeats_the_previous_outcome() {
    let (_dir, root, out, first) = site_with_history();
    let (published, state) = (inodes(&out), mtimes(&root.join(".evalpress")));
    let again = build(&root, &out, false);
    assert_repeats(&again, &first);
    assert_eq!(inodes(&out), published);
    assert_eq!(mtimes(&out).len(), published.len());
    assert_eq!(
        mtimes(&root.join(".evalpress")),
        state,
        "the cache was written"
    );
    // Files a build does not read, and a file saved again with the same bytes, change nothing.
    write_files(&root, &[("src/notes.rs", "// not read")]);
    let text = fs::read(root.join("data/a.csv")).unwrap();
    fs::write(root.join("data/a.csv"), text).unwrap();
    assert_repeats(&build(&root, &out, false), &first);
}

#[test]
fn any_input_option_or_published_file_that_differs_makes_it_build() {
    let (_dir, root, out, _) = site_with_history();
    let rebuilt = |what: &str| {
        let outcome = build(&root, &out, false);
        assert!(outcome.rebuilt > 0, "{what} did not rebuild");
        assert_eq!(build(&root, &out, false).rebuilt, 0, "after {what}");
    };
    fs::write(root.join("data/b.csv"), "Kommune;Antal\nAarup;3\n").unwrap();
    rebuilt("a CSV edit");
    fs::create_dir_all(root.join("content/tom")).unwrap();
    fs::write(
        root.join("content/tom/index.md"),
        "---\ntitle: Tom\n---\n\nTekst.\n",
    )
    .unwrap();
    rebuilt("a new report");
    fs::remove_file(out.join("beta/index.html")).unwrap();
    rebuilt("a published file removed");
    assert!(out.join("beta/index.html").exists());
    fs::write(out.join("stray.html"), "x").unwrap();
    // Every report is kept (none changed), but the tree is published again without the file.
    let cleared = build(&root, &out, false);
    assert_eq!((cleared.rebuilt, cleared.reused), (0, cleared.reports));
    assert!(!out.join("stray.html").exists());
    assert_eq!(build(&root, &out, false).rebuilt, 0);
    let changes = root.join(".evalpress/changes");
    fs::remove_dir_all(&changes).unwrap();
    rebuilt("the list of changes removed");
    for change in [
        |o: &mut evalpress::BuildOptions| o.drafts = true,
        |o: &mut evalpress::BuildOptions| o.base_url = Some("https://example.org/x/".into()),
        |o: &mut evalpress::BuildOptions| o.build_date = Some("2025-01-01".into()),
    ] {
        let mut opts = options(&root, &out, false);
        change(&mut opts);
        let first = evalpress::build(&opts, &|_| {});
        assert!(first.succeeded() && first.rebuilt > 0, "{opts:?}");
        assert_eq!(evalpress::build(&opts, &|_| {}).rebuilt, 0, "{opts:?}");
    }
    // Under --strict the warning is an error: the same inputs fail instead of repeating.
    let mut strict = options(&root, &out, false);
    strict.strict = true;
    assert!(!evalpress::build(&strict, &|_| {}).succeeded());
}

/// Sets the modification time of every folder of `out` a minute back, as if the tree had
/// been published long ago.
fn settle_folders(out: &Path) {
    let past = SystemTime::now() - std::time::Duration::from_secs(60);
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        if entry.file_type().is_dir() {
            let folder = fs::File::open(entry.path()).unwrap();
            folder.set_modified(past).unwrap();
        }
    }
}

#[test]
fn a_stray_file_in_a_stamped_folder_of_the_output_is_cleared() {
    let (_dir, root, out, _) = site_with_history();
    // Published long ago: the next build that publishes stamps the folders instead of
    // listing them again, and a later build with nothing to do goes by those stamps.
    settle_folders(&out);
    fs::write(root.join("data/b.csv"), "Kommune;Antal\nAarup;3\n").unwrap();
    assert!(build(&root, &out, false).rebuilt > 0);
    assert_eq!(build(&root, &out, false).rebuilt, 0);
    for stray in ["stray.html", "beta/stray.html", "beta/new/stray.html"] {
        let path = out.join(stray);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "x").unwrap();
        // Every report is kept, but the tree is published again without the file.
        let cleared = build(&root, &out, false);
        assert_eq!((cleared.rebuilt, cleared.reused), (0, cleared.reports));
        assert!(!path.exists(), "{stray} was left in the output");
        assert!(!out.join("beta/new").exists());
        settle_folders(&out);
        fs::write(
            root.join("data/b.csv"),
            format!("Kommune;Antal\nAarup;{}\n", stray.len()),
        )
        .unwrap();
        assert!(build(&root, &out, false).rebuilt > 0);
        assert_eq!(build(&root, &out, false).rebuilt, 0, "after {stray}");
    }
}

#[test]
fn a_corrupt_or_foreign_cache_or_no_cache_means_a_full_build() {
    let (dir, root, out, first) = site_with_history();
    let cache = root.join(".evalpress/cache");
    let state = fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    let good = fs::read_to_string(&state).unwrap();
    // The same state from an older format.
    let format = good
        .strip_prefix("{\"format\":")
        .and_then(|rest| rest.split(',').next())
        .expect("the state starts with its format");
    let older = format.parse::<u32>().unwrap() - 1;
    let foreign = good.replacen(
        &format!("\"format\":{format}"),
        &format!("\"format\":{older}"),
        1,
    );
    assert_ne!(foreign, good, "the state names its format");
    for garbage in ["", "{\"format\": 4, \"last\"", foreign.as_str()] {
        fs::write(&state, garbage).unwrap();
        let outcome = build(&root, &out, false);
        assert_eq!(outcome.rebuilt, first.reports, "after {garbage:.20}");
        assert_eq!(outcome.diagnostics, first.diagnostics);
    }
    assert_eq!(build(&root, &out, false).rebuilt, 0);
    let forced = build(&root, &out, true);
    assert_eq!(forced.rebuilt, first.reports, "--no-cache rebuilt nothing");
    assert_eq!(forced.rewritten.len(), forced.files);
    let clean = dir.path().join("clean");
    build(&root, &clean, true);
    assert_eq!(common::tree::snapshot(&out), common::tree::snapshot(&clean));
}

#[test]
fn a_failed_build_in_between_leaves_the_last_good_outcome_to_repeat() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    let good = build(&root, &out, false);
    site.broken = true;
    write_site(&root, &site, &mut clock);
    assert!(!evalpress::build(&options(&root, &out, false), &|_| {}).succeeded());
    site.broken = false;
    write_site(&root, &site, &mut clock);
    assert_repeats(&build(&root, &out, false), &good);
}

#[test]
fn serve_builds_through_the_same_cache_and_a_save_of_the_same_bytes_rebuilds_nothing() {
    use evalpress::serve::{ServeEvent, ServeOptions, Server};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    let site = Site::new();
    let (_dir, root, _out, _) = fresh(&site);
    let rebuilt = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&rebuilt);
    let opts = ServeOptions {
        port: 0,
        debounce: Duration::from_millis(300),
        ..ServeOptions::new(&root)
    };
    let server = Server::start(&opts, move |e| {
        if let ServeEvent::Built { outcome, .. } = e {
            seen.lock().unwrap().push(outcome.rebuilt);
        }
    })
    .expect("serve starts");
    let wait = |builds: u64| {
        let start = Instant::now();
        while server.builds() < builds {
            assert!(start.elapsed() < Duration::from_secs(30), "no rebuild");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let page = root.join("content/beta/index.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, &text).unwrap();
    wait(2);
    fs::write(&page, text.replace("Anden.", "Ny tekst.")).unwrap();
    wait(3);
    let rebuilt = rebuilt.lock().unwrap().clone();
    // The edit of beta rebuilds beta only: the other reports are kept.
    assert_eq!(rebuilt[1..], [0, 1], "{rebuilt:?}");
}

#[test]
fn a_search_indexer_that_appears_or_changes_makes_it_build() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::new();
    let (_dir, root, out, _) = fresh(&site);
    let config = fs::read_to_string(root.join("evalpress.yaml")).unwrap();
    let config = format!("{config}search:\n  pagefind: tools/pagefind\n");
    fs::write(root.join("evalpress.yaml"), config).unwrap();
    let first = evalpress::build(&options(&root, &out, false), &|_| {});
    let warned = |o: &Outcome| o.diagnostics.iter().any(|d| d.message.contains("Pagefind"));
    assert!(
        first.succeeded() && warned(&first),
        "{:?}",
        first.diagnostics
    );
    let again = evalpress::build(&options(&root, &out, false), &|_| {});
    assert_eq!(again.rebuilt, 0);
    assert!(warned(&again), "the missing indexer is reported again");
    // The binary is outside the site's inputs, yet the next build would run it.
    let tool = root.join("tools/pagefind");
    fs::create_dir_all(tool.parent().unwrap()).unwrap();
    fs::write(&tool, "#!/bin/sh\nexit 1\n").unwrap();
    fs::set_permissions(&tool, fs::Permissions::from_mode(0o755)).unwrap();
    let with_tool = evalpress::build(&options(&root, &out, false), &|_| {});
    assert!(with_tool.rebuilt > 0, "{:?}", with_tool.diagnostics);
}
