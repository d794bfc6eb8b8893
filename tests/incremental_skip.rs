//! Report-level skipping: a build with the cache computes only the reports whose inputs
//! changed (and those coordinated or linked with them), keeps the others' published files, and
//! publishes exactly what a clean build publishes.

mod common;

use std::fs;

use common::incremental_site::{
    Site, assert_clean, build, fresh, inodes, options, replaced, write_site,
};
use common::tree::snapshot;

/// The report pages a build wrote anew.
fn pages(before: &std::collections::BTreeMap<String, u64>, out: &std::path::Path) -> Vec<String> {
    replaced(before, &inodes(out))
        .into_iter()
        .filter(|p| p.ends_with("/index.html") && !p.starts_with("data/"))
        .collect()
}

#[test]
fn one_csv_change_rebuilds_exactly_the_report_that_reads_it() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    let before = inodes(&out);
    site.b = 9;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.rebuilt, outcome.reused), (1, 4), "{outcome:?}");
    assert_eq!(pages(&before, &out), ["beta/index.html"]);
    let written = replaced(&before, &inodes(&out));
    assert!(
        written.contains(&"beta/data/tab-b.csv".to_string()),
        "{written:?}"
    );
    // The outcome holds the computed report's numbers; the list of changes holds all five.
    assert_eq!(
        outcome.snapshot.reports.keys().collect::<Vec<_>>(),
        ["beta"]
    );
    let dir = evalpress::changes::store::state_dir(&root, &out);
    let kept = evalpress::changes::store::read_current(&dir)
        .unwrap()
        .unwrap();
    assert_eq!(kept.reports.len(), 5);
    assert_eq!(kept.reports["beta"], outcome.snapshot.reports["beta"]);
    assert_clean(&root, &out, &outcome);
}

#[test]
fn a_csv_shared_by_two_reports_rebuilds_both() {
    let mut site = Site::new();
    site.shared = true;
    let (_dir, root, out, mut clock) = fresh(&site);
    let before = inodes(&out);
    site.a = 3; // under the threshold: hidden, and the other publication must hide with it
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.rebuilt, outcome.reused), (2, 4), "{outcome:?}");
    assert_eq!(pages(&before, &out), ["alfa/index.html", "eta/index.html"]);
    assert_clean(&root, &out, &outcome);

    // A change to eta alone rebuilds alfa too: their suppression is coordinated.
    fs::write(
        root.join("content/eta/index.md"),
        fs::read_to_string(root.join("content/eta/index.md"))
            .unwrap()
            .replace("Kommunerne.", "Kommunerne i alt."),
    )
    .unwrap();
    let outcome = build(&root, &out, false);
    assert_eq!(outcome.rebuilt, 2, "{outcome:?}");
    assert_clean(&root, &out, &outcome);
}

#[test]
fn a_changed_label_target_rebuilds_the_report_that_refers_to_it() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    let before = inodes(&out);
    site.extra_table = true; // alfa's tab-a becomes "tabel 2"; gamma's own text is unchanged
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.rebuilt, outcome.reused), (2, 3), "{outcome:?}");
    assert_eq!(
        pages(&before, &out),
        ["alfa/index.html", "gamma/index.html"]
    );
    let page = fs::read_to_string(out.join("gamma/index.html")).unwrap();
    assert!(page.contains("tabel\u{a0}2"), "{page}");
    assert_clean(&root, &out, &outcome);
    // A renamed label: alfa (which defines it) and gamma (which names it) change and rebuild.
    site.label = "tal-a";
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.rebuilt, outcome.reused), (2, 3), "{outcome:?}");
    assert_clean(&root, &out, &outcome);
}

#[test]
fn a_series_member_retitled_rebuilds_the_rounds_that_link_to_it() {
    let mut site = Site::new();
    site.series = true;
    let (_dir, root, out, mut clock) = fresh(&site);
    let before = inodes(&out);
    site.beta_title = true;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.rebuilt, outcome.reused), (2, 3), "{outcome:?}");
    assert_eq!(
        pages(&before, &out),
        [
            "alfa/index.html",
            "beta/index.html",
            "programmer/p/index.html"
        ]
    );
    let alfa = fs::read_to_string(out.join("alfa/index.html")).unwrap();
    assert!(
        alfa.contains("Beta 2"),
        "alfa's next round keeps the old title"
    );
    assert_clean(&root, &out, &outcome);
}

#[test]
fn added_removed_and_draft_reports_rebuild_what_they_touch() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.shared = true;
    write_site(&root, &site, &mut clock);
    let added = build(&root, &out, false);
    assert_eq!(
        (added.rebuilt, added.reused),
        (2, 4),
        "eta and alfa share a.csv"
    );
    assert_clean(&root, &out, &added);
    site.shared = false;
    write_site(&root, &site, &mut clock);
    let removed = build(&root, &out, false);
    assert_eq!(
        (removed.rebuilt, removed.reused),
        (1, 4),
        "alfa publishes a.csv alone again"
    );
    assert!(!out.join("eta").exists());
    assert_clean(&root, &out, &removed);
    site.draft = true;
    write_site(&root, &site, &mut clock);
    let drafted = build(&root, &out, false);
    assert_eq!((drafted.rebuilt, drafted.reused), (0, 4));
    assert!(!out.join("delta").exists());
    assert_clean(&root, &out, &drafted);
}

#[test]
fn removing_the_cache_only_costs_time() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    fs::remove_dir_all(root.join(".evalpress/cache")).unwrap();
    site.a = 2;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.rebuilt, outcome.reused), (5, 0));
    assert_clean(&root, &out, &outcome);
    site.b = 2;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!(outcome.rebuilt, 1, "the new cache is used");
}

#[test]
fn a_corrupt_record_means_a_clean_build() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    // A record that no longer parses (so no longer has the digest the index gives): every
    // record is ignored.
    let text = String::from_utf8(record_bytes(&root, "beta")).unwrap();
    let broken = text.replacen("\"counts\":[", "\"counts\":{", 1);
    assert_ne!(broken, text);
    overwrite_record(&root, "beta", broken.as_bytes());
    site.a = 4;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.rebuilt, outcome.reused), (5, 0));
    assert_clean(&root, &out, &outcome);
    // A record that parses but is not the one the index names (the index points at alfa's
    // bytes with beta's digest): ignored too.
    site.a = 9;
    write_site(&root, &site, &mut clock);
    assert_eq!(build(&root, &out, false).rebuilt, 1);
    let mut index = index(&root);
    index["reports"]["beta"]["at"] = index["reports"]["alfa"]["at"].clone();
    index["reports"]["beta"]["len"] = index["reports"]["alfa"]["len"].clone();
    fs::write(cache_file(&root, "records"), index.to_string()).unwrap();
    site.a = 10;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.rebuilt, outcome.reused), (5, 0));
    // A record, with its digest, whose files are not in the published tree: that report is
    // rebuilt.
    let text = String::from_utf8(record_bytes(&root, "beta")).unwrap();
    let foreign = text.replacen(
        "\"files\":[\"beta/index.html\"",
        "\"files\":[\"beta/gone.html\"",
        1,
    );
    assert_ne!(foreign, text);
    append_record(&root, "beta", foreign.as_bytes());
    site.a = 5;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!(
        (outcome.rebuilt, outcome.reused),
        (2, 3),
        "alfa for its data, beta for its record"
    );
    assert_clean(&root, &out, &outcome);
}

#[test]
fn a_failed_build_in_between_does_not_poison_the_cache() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.a = 8;
    site.broken = true;
    write_site(&root, &site, &mut clock);
    assert!(!evalpress::build(&options(&root, &out, false), &|_| {}).succeeded());
    site.broken = false;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    // Alfa for a.csv; gamma's text is back as the last good build had it, so it is kept.
    assert_eq!((outcome.rebuilt, outcome.reused), (1, 4), "{outcome:?}");
    assert_clean(&root, &out, &outcome);
}

#[test]
fn changes_and_stale_prose_of_kept_reports_are_those_of_a_full_build() {
    // Two outputs see the same builds, one with the cache, one with --no-cache: the list of
    // changes of both is the same, though one computed only the changed report.
    let mut site = Site::new();
    let (dir, root, out, mut clock) = fresh(&site);
    let full = dir.path().join("full");
    build(&root, &full, true);
    for (a, b) in [(13, 5), (13, 6), (14, 6)] {
        site.a = a;
        site.b = b;
        write_site(&root, &site, &mut clock);
        let inc = build(&root, &out, false);
        let all = build(&root, &full, true);
        assert_eq!(inc.rebuilt, 1, "{inc:?}");
        assert_eq!(inc.changes, all.changes);
        // The computed report's numbers are the full build's; the state folders are the same
        // files (only output.txt names the output folder).
        let computed: Vec<&String> = inc.snapshot.reports.keys().collect();
        assert_eq!(computed.len(), 1, "{computed:?}");
        assert_eq!(
            inc.snapshot.reports[computed[0]],
            all.snapshot.reports[computed[0]]
        );
        assert_eq!(inc.diagnostics, all.diagnostics);
        let state = |o: &std::path::Path| {
            let mut files = snapshot(&evalpress::changes::store::state_dir(&root, o));
            files
                .remove("output.txt")
                .expect("the state names its output");
            files
        };
        assert_eq!(state(&out), state(&full));
    }
}

/// The index of the records of the fixture's output folder.
fn index(root: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(cache_file(root, "records")).unwrap()).unwrap()
}

/// Where the record of `slug` is in the pack: its offset and length.
fn slot(root: &std::path::Path, slug: &str) -> (usize, usize) {
    let index = index(root);
    let slot = &index["reports"][slug];
    let at = slot["at"].as_u64().unwrap() as usize;
    (at, slot["len"].as_u64().unwrap() as usize)
}

/// The bytes of the record of `slug`, from the pack.
fn record_bytes(root: &std::path::Path, slug: &str) -> Vec<u8> {
    let (at, len) = slot(root, slug);
    fs::read(cache_file(root, "pack")).unwrap()[at..at + len].to_vec()
}

/// Writes `bytes` (as long as the record) over the record of `slug` in the pack.
fn overwrite_record(root: &std::path::Path, slug: &str, bytes: &[u8]) {
    let (at, len) = slot(root, slug);
    assert_eq!(bytes.len(), len);
    let pack = cache_file(root, "pack");
    let mut packed = fs::read(&pack).unwrap();
    packed[at..at + len].copy_from_slice(bytes);
    fs::write(&pack, packed).unwrap();
}

/// Puts `bytes` in place of the record of `slug`: appended to the pack, the index pointing
/// at them with their digest (as a build would have saved them).
fn append_record(root: &std::path::Path, slug: &str, bytes: &[u8]) {
    let pack = cache_file(root, "pack");
    let mut packed = fs::read(&pack).unwrap();
    let at = packed.len();
    packed.extend_from_slice(bytes);
    fs::write(&pack, packed).unwrap();
    let mut index = index(root);
    let digest = evalpress::digest::Digest::of(bytes).to_string();
    index["reports"][slug] = serde_json::json!({"at": at, "len": bytes.len(), "digest": digest});
    fs::write(cache_file(root, "records"), index.to_string()).unwrap();
}

/// The file with `extension` beside the state of the fixture's output folder `out` (each
/// state has a `.out` file naming its folder; a clean build beside it has a state of its own).
fn cache_file(root: &std::path::Path, extension: &str) -> std::path::PathBuf {
    let names_out = |p: &std::path::PathBuf| {
        let folder = fs::read_to_string(p).unwrap();
        std::path::Path::new(&folder).file_name() == Some("out".as_ref())
    };
    fs::read_dir(root.join(".evalpress/cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "out") && names_out(p))
        .expect("a state for the output folder out")
        .with_extension(extension)
}

#[test]
fn records_are_used_only_with_the_state_they_were_saved_with() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    let records = cache_file(&root, "records");
    let old = fs::read(&records).unwrap();
    site.a = 4;
    write_site(&root, &site, &mut clock);
    assert_eq!(build(&root, &out, false).rebuilt, 1);
    // The first build's records beside the second build's state (as a build killed between
    // saving the two would leave them): they describe another build, so none is used.
    fs::write(&records, &old).unwrap();
    site.a = 5;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.rebuilt, outcome.reused), (5, 0));
    assert_clean(&root, &out, &outcome);
    // Saved together again: the next build skips again.
    site.a = 6;
    write_site(&root, &site, &mut clock);
    assert_eq!(build(&root, &out, false).rebuilt, 1);
    // No records at all: a full build, and a build with nothing to do needs none.
    fs::remove_file(&records).unwrap();
    assert_eq!(
        build(&root, &out, false).rebuilt,
        0,
        "the state alone repeats the build"
    );
    site.a = 7;
    write_site(&root, &site, &mut clock);
    assert_eq!(build(&root, &out, false).rebuilt, 5);
}

#[test]
fn a_build_writes_only_the_records_of_the_reports_it_computed() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    let pack = cache_file(&root, "pack");
    let before = index(&root)["reports"].clone();
    let packed = fs::metadata(&pack).unwrap().len();
    assert_eq!(
        before.as_object().unwrap().len(),
        5,
        "a record per report: {before}"
    );
    site.a = 4;
    write_site(&root, &site, &mut clock);
    assert_eq!(build(&root, &out, false).rebuilt, 1);
    // Alfa's new record is appended; the others keep their place.
    let after = index(&root)["reports"].clone();
    for slug in ["beta", "gamma", "delta", "epsilon"] {
        assert_eq!(after[slug], before[slug], "{slug}");
    }
    assert_eq!(after["alfa"]["at"].as_u64(), Some(packed));
    let appended = after["alfa"]["len"].as_u64().unwrap();
    assert_eq!(fs::metadata(&pack).unwrap().len(), packed + appended);
    // A build that makes every record writes the pack anew, without the old ones.
    site.a = 5;
    write_site(&root, &site, &mut clock);
    assert_eq!(build(&root, &out, true).rebuilt, 5);
    let index = index(&root);
    let lens: u64 = index["reports"]
        .as_object()
        .unwrap()
        .values()
        .map(|s| s["len"].as_u64().unwrap())
        .sum();
    assert_eq!(fs::metadata(&pack).unwrap().len(), lens);
}

#[test]
fn a_session_keeps_the_state_in_memory_while_its_file_is_the_one_it_saved() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    let mut session = evalpress::Session::default();
    let build_in = |session: &mut evalpress::Session| {
        let outcome = evalpress::build_in(session, &options(&root, &out, false), &|_| {});
        assert!(outcome.succeeded(), "{:?}", outcome.diagnostics);
        outcome
    };
    site.a = 4;
    write_site(&root, &site, &mut clock);
    assert_eq!(build_in(&mut session).rebuilt, 1);
    // Without its records on disk, a build of the session still skips: it has them in memory.
    // (A build without the session would compute every report, see the test above.)
    let records = cache_file(&root, "records");
    fs::remove_file(&records).unwrap();
    site.a = 5;
    write_site(&root, &site, &mut clock);
    let outcome = build_in(&mut session);
    assert_eq!((outcome.rebuilt, outcome.reused), (1, 4));
    assert_clean(&root, &out, &outcome);
    // Another build into the same output replaces the state file: the session reads it anew
    // (its own state describes a tree that is no longer there; the stamps of the published
    // files and of the list of changes would also keep it from skipping on it).
    site.a = 6;
    write_site(&root, &site, &mut clock);
    assert_eq!(build(&root, &out, true).rebuilt, 5);
    fs::remove_file(cache_file(&root, "records")).unwrap();
    site.a = 7;
    write_site(&root, &site, &mut clock);
    let outcome = build_in(&mut session);
    assert_eq!(
        (outcome.rebuilt, outcome.reused),
        (5, 0),
        "the state on disk has no records: nothing is skipped"
    );
    assert_clean(&root, &out, &outcome);
}

/// A build in `session` after telling it that `changed` changed; it must succeed.
fn build_told(
    session: &mut evalpress::Session,
    opts: &evalpress::BuildOptions,
    changed: &[&str],
) -> evalpress::Outcome {
    session.changed(changed.iter().map(std::path::PathBuf::from).collect());
    let outcome = evalpress::build_in(session, opts, &|_| {});
    assert!(outcome.succeeded(), "{:?}", outcome.diagnostics);
    outcome
}

#[test]
fn a_session_told_what_changed_looks_only_there() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    let mut session = evalpress::Session::default();
    let opts = options(&root, &out, false);
    let mut build_in = |changed: &[&str]| build_told(&mut session, &opts, changed);
    // A session's first build has no state in memory: it scans every input.
    site.a = 4;
    write_site(&root, &site, &mut clock);
    assert_eq!(build_in(&["data/b.csv"]).rebuilt, 1);
    // Told which CSV changed, it rebuilds the report that reads it, as a clean build has it.
    site.a = 5;
    write_site(&root, &site, &mut clock);
    let outcome = build_in(&["data/a.csv"]);
    assert_eq!((outcome.rebuilt, outcome.reused), (1, 4));
    assert_clean(&root, &out, &outcome);
    // What the watcher did not report is not seen: its events stand for the scan...
    site.a = 6;
    write_site(&root, &site, &mut clock);
    assert_eq!(build_in(&["content/alfa/notes.md"]).rebuilt, 0);
    // ...until it reports that it lost events (the empty path): then every input is scanned.
    let outcome = build_in(&[""]);
    assert_eq!((outcome.rebuilt, outcome.reused), (1, 4));
    assert_clean(&root, &out, &outcome);
    let listed = outcome.published.len();
    // Nor is a new report: the session keeps the last build's listing of the sources...
    let new = root.join("content/ny/index.md");
    fs::create_dir_all(new.parent().unwrap()).unwrap();
    fs::write(&new, "---\ntitle: Ny rapport\n---\n\nEn kort tekst.\n").unwrap();
    site.a = 7;
    write_site(&root, &site, &mut clock);
    let outcome = build_in(&["data/a.csv"]);
    assert_eq!((outcome.published.len(), outcome.rebuilt), (listed, 1));
    // ...until told of a change under content/: then it lists them again, as a clean build does.
    let outcome = build_in(&["content/ny/index.md"]);
    assert_eq!(outcome.published.len(), listed + 1, "{outcome:?}");
    assert_clean(&root, &out, &outcome);
    // So it does for a report folder removed, reported by its folder alone.
    fs::remove_dir_all(new.parent().unwrap()).unwrap();
    let outcome = build_in(&["content/ny"]);
    assert_eq!(outcome.published.len(), listed);
    assert_clean(&root, &out, &outcome);
}

#[test]
fn a_session_saves_its_state_once_flushed_or_dropped() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    let opts = options(&root, &out, false);
    // Another process: it finds on disk whatever state was saved last.
    let other = || build(&root, &out, false);
    let state = || snapshot(&root.join(evalpress::incremental::FOLDER));
    for flush in [true, false] {
        let mut session = evalpress::Session::default();
        site.a += 1;
        write_site(&root, &site, &mut clock);
        let saved = state();
        let outcome = evalpress::build_in(&mut session, &opts, &|_| {});
        assert_eq!(outcome.rebuilt, 1, "{outcome:?}");
        // The live server saves after the browser reloaded: until then, the state is in memory.
        assert_eq!(state(), saved);
        if flush {
            session.flush();
        } else {
            drop(session);
        }
        let next = other();
        assert_eq!((next.rebuilt, next.rewritten.len()), (0, 0), "{next:?}");
    }
}
