//! The list of changes keeps one file per report (`.evalpress/changes/<output>/reports/`, named
//! in `index.json`): a build writes only the files of the reports whose numbers changed and
//! reads only those of the reports it computed, yet lists, warns and prints exactly what a
//! history of `--no-cache` builds (which computes every report) does. A broken report file is a
//! warning, and the list starts afresh from the next build on, correctly.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use common::incremental_site::{Site, build, fresh, write_site};
use common::run::{evalpress, stderr, stdout};
use evalpress::Outcome;

/// Every file under `reports/` of the state folder of `out`: name -> (inode, mtime, bytes).
fn report_files(root: &Path, out: &Path) -> BTreeMap<String, (u64, i64, Vec<u8>)> {
    let dir = evalpress::changes::store::state_dir(root, out).join("reports");
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            let what = (meta.ino(), meta.mtime_nsec() + meta.mtime() * 1_000_000_000);
            let name = e.file_name().to_string_lossy().into_owned();
            (name, (what.0, what.1, fs::read(e.path()).unwrap()))
        })
        .collect()
}

/// The report file names added and removed between two listings.
fn added_removed<T>(
    before: &BTreeMap<String, T>,
    after: &BTreeMap<String, T>,
) -> (Vec<String>, Vec<String>) {
    let added = after
        .keys()
        .filter(|k| !before.contains_key(*k))
        .cloned()
        .collect();
    let removed = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .cloned()
        .collect();
    (added, removed)
}

/// What `evalpress changes` prints for `out`, in every format.
fn changes_printed(root: &Path, out: &Path) -> Vec<String> {
    ["text", "markdown", "json"]
        .iter()
        .map(|format| {
            let args = [
                "changes",
                "--out",
                out.to_str().unwrap(),
                "--format",
                format,
            ];
            let run = evalpress(root, &args);
            assert!(run.status.success(), "{}", stderr(&run));
            stdout(&run)
        })
        .collect()
}

/// The fixture site with a second output built with `--no-cache` after each build.
struct Twin {
    _dir: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
    full: PathBuf,
    site: Site,
    clock: u64,
}

impl Twin {
    fn new(site: Site) -> Twin {
        let (dir, root, out, clock) = fresh(&site);
        let full = dir.path().join("full");
        build(&root, &full, true);
        Twin {
            _dir: dir,
            root,
            out,
            full,
            site,
            clock,
        }
    }

    /// Applies `edit`, builds both outputs, and checks that they say the same.
    fn step(&mut self, edit: impl FnOnce(&mut Site)) -> Outcome {
        edit(&mut self.site);
        write_site(&self.root, &self.site, &mut self.clock);
        let inc = build(&self.root, &self.out, false);
        let all = build(&self.root, &self.full, true);
        assert_eq!(inc.diagnostics, all.diagnostics);
        assert_eq!(inc.changes, all.changes);
        assert_eq!(
            changes_printed(&self.root, &self.out),
            changes_printed(&self.root, &self.full)
        );
        inc
    }
}

#[test]
fn a_one_csv_change_writes_only_the_state_file_of_the_report_it_rebuilt() {
    let mut twin = Twin::new(Site::new());
    let (root, out) = (twin.root.clone(), twin.out.clone());
    let first = report_files(&root, &out);
    assert_eq!(first.len(), 5, "one file per report: {:?}", first.keys());

    let inc = twin.step(|s| s.b = 9);
    assert_eq!((inc.rebuilt, inc.reused), (1, 4));
    assert!(inc.changes.as_ref().is_some_and(|d| d.reports.len() == 1));
    let second = report_files(&root, &out);
    let (added, removed) = added_removed(&first, &second);
    // Beta's new numbers are a new file; its old one is now its previous numbers.
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(added[0].starts_with("beta-"), "{added:?}");
    assert!(removed.is_empty(), "{removed:?}");
    for (name, file) in &first {
        assert_eq!(second.get(name), Some(file), "{name} was rewritten");
    }

    // Alfa's numbers change: beta's oldest numbers are no longer anyone's previous ones.
    twin.step(|s| s.a = 30);
    let third = report_files(&root, &out);
    let (added, removed) = added_removed(&second, &third);
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(added[0].starts_with("alfa-"), "{added:?}");
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert!(removed[0].starts_with("beta-"), "{removed:?}");
    for name in third.keys().filter(|n| !added.contains(n)) {
        assert_eq!(second.get(name), third.get(name), "{name} was rewritten");
    }

    // Prose only: the numbers are the last build's, no report file is read anew or written,
    // and the list still shows what the last data change did.
    let listed = changes_printed(&root, &out);
    let index = evalpress::changes::store::state_dir(&root, &out).join("index.json");
    let index_before = fs::read(&index).unwrap();
    twin.step(|s| s.paragraphs[2] = "Ny tekst.".into());
    assert_eq!(report_files(&root, &out), third);
    assert_eq!(fs::read(&index).unwrap(), index_before);
    assert_eq!(changes_printed(&root, &out), listed);
}

#[test]
fn stale_prose_of_a_kept_report_follows_the_baseline_of_each_build() {
    let stale = |o: &Outcome| {
        o.diagnostics
            .iter()
            .filter(|d| d.file.ends_with("beta/index.md"))
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    };
    let mut site = Site::new();
    site.b = 150;
    site.paragraphs[1] = "Aarup har 150 deltagere.".into();
    let mut twin = Twin::new(site);
    // Beta's new extract: its prose is stale.
    let inc = twin.step(|s| s.b = 160);
    assert_eq!(
        stale(&inc),
        ["the text says 150; the data now gives 160 (Tabel 1, Aarup, Antal)"]
    );
    // Another report's prose: the same numbers, the same baseline, beta kept and still stale.
    let inc = twin.step(|s| s.paragraphs[2] = "Anden tekst.".into());
    assert_eq!(inc.rebuilt, 1);
    assert_eq!(stale(&inc).len(), 1, "{:?}", inc.diagnostics);
    // Alfa's new extract: the baseline is now the last build, where beta published 160.
    let inc = twin.step(|s| s.a = 20);
    assert_eq!(inc.rebuilt, 1);
    assert!(stale(&inc).is_empty(), "{:?}", inc.diagnostics);
    let inc = twin.step(|s| s.paragraphs[2] = "Tredje tekst.".into());
    assert!(stale(&inc).is_empty(), "{:?}", inc.diagnostics);
    // Beta's prose typed the number its data publishes: kept, it is still reported.
    twin.step(|s| s.paragraphs[1] = "Aarup har 160 deltagere.".into());
    let inc = twin.step(|s| s.a = 21);
    assert_eq!(
        stale(&inc),
        ["the number 160 is typed in the text; the data publishes it (Tabel 1, Aarup, Antal)"]
    );
}

/// The state file of report `slug`'s current numbers (the newest of its files).
fn current_file(root: &Path, out: &Path, slug: &str) -> PathBuf {
    let dir = evalpress::changes::store::state_dir(root, out).join("reports");
    let number = |name: &str| -> u64 {
        let stem = name.trim_end_matches(".json");
        stem.rsplit('.').next().unwrap().parse().unwrap()
    };
    let mut files: Vec<String> = report_files(root, out)
        .into_keys()
        .filter(|n| n.starts_with(&format!("{slug}-")))
        .collect();
    files.sort_by_key(|n| number(n));
    dir.join(files.last().expect("the report has a state file"))
}

fn warned(o: &Outcome) -> bool {
    o.diagnostics.iter().any(|d| {
        d.message
            .starts_with("the previous build's numbers cannot be read")
    })
}

#[test]
fn a_broken_report_state_file_is_a_warning_and_the_next_build_lists_the_right_changes() {
    type Break = fn(&Path);
    let truncate: Break = |file| {
        let text = fs::read(file).unwrap();
        fs::write(file, &text[..text.len() / 2]).unwrap();
    };
    let folder: Break = |file| {
        fs::remove_file(file).unwrap();
        fs::create_dir_all(file.join("x")).unwrap();
    };
    let remove: Break = |file| fs::remove_file(file).unwrap();
    for (what, spoil) in [
        ("truncated", truncate),
        ("a folder", folder),
        ("removed", remove),
    ] {
        let mut twin = Twin::new(Site::new());
        twin.step(|s| s.b = 9);
        let (root, out) = (twin.root.clone(), twin.out.clone());
        spoil(&current_file(&root, &out, "beta"));
        // The no-op fast path sees the edited state: a full build that warns and starts afresh.
        let inc = build(&root, &out, false);
        assert!(inc.rebuilt > 0, "{what}: {inc:?}");
        assert!(warned(&inc), "{what}: {:?}", inc.diagnostics);
        assert_eq!(
            inc.changes.as_ref().map(|d| d.baseline),
            Some(false),
            "{what}: the list starts afresh"
        );
        let run = evalpress(&root, &["changes", "--out", out.to_str().unwrap()]);
        assert!(stdout(&run).starts_with("No earlier build"), "{what}");
        // The next build compares with the whole state the last one wrote, as the --no-cache
        // history does; nothing is left of the broken file.
        let inc = twin.step(|s| s.b = 10);
        assert!(!warned(&inc), "{what}: {:?}", inc.diagnostics);
        let text = changes_printed(&root, &out).remove(0);
        assert!(
            text.contains("Tabel 1, Aarup, Antal: 9 → 10"),
            "{what}: {text}"
        );
        let names = report_files(&root, &out).into_keys();
        assert_eq!(
            names.filter(|n| n.starts_with("beta-")).count(),
            2,
            "{what}"
        );
        assert_eq!(
            build(&root, &out, false).rebuilt,
            0,
            "{what}: the next no-op"
        );
    }
}
