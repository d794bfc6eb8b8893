//! The per-report state of `changes`: what a build compares its numbers with, and what it
//! records of them.
//!
//! In the state folder (see [`store::state_dir`]), `index.json` names, for every report, the
//! file with its numbers in the last published build (its *current* numbers) and the file with
//! its numbers in the build before it with different numbers (its *previous* numbers); `reports/`
//! holds those files, `<key of the slug>-<hash of the slug>.<n>.json`, written by the build
//! numbered `n` (counting builds with new numbers) for a report whose numbers it changed. A
//! report whose numbers a build did not change keeps its file: its previous and current numbers
//! are then the same file. So a build reads only the files of the reports it computed or that
//! are gone (and, when its numbers are all the last build's, those of the reports the last
//! change moved), and writes only those whose numbers changed; a kept report's file is neither
//! read, written nor copied. The report files are written first and `index.json` last, so a
//! build stopped while recording leaves the last state whole.
//!
//! Part of the `changes` stage; its only I/O is the state folder. Never prints.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::diff::{Diff, diff};
use super::store::{self, failed};
use super::{ReportSnapshot, Snapshot};

/// The index of a state folder.
pub const INDEX: &str = "index.json";
/// The folder of the report files.
pub const REPORTS: &str = "reports";
/// Bumped when the layout or meaning of the state changes; another format is unreadable.
const FORMAT: u32 = 1;

/// Which file holds which numbers of every report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Index {
    format: u32,
    /// The number of the last build with new numbers (the newest report files carry it).
    build: u64,
    /// Whether there is a build before the last one with different numbers (not after the
    /// first build, nor after one that started afresh).
    previous: bool,
    /// By report slug.
    reports: BTreeMap<String, Entry>,
}

/// The files of one report's current and previous numbers, by build number (`None`: the
/// report was not in that build).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    current: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    previous: Option<u64>,
}

/// A report file: the report's slug (checked when it is read) and its numbers.
#[derive(Serialize)]
struct Written<'a> {
    slug: &'a str,
    report: &'a ReportSnapshot,
}

#[derive(Deserialize)]
struct Stored {
    slug: String,
    report: ReportSnapshot,
}

/// The file name of the numbers of report `slug` that build `n` wrote.
fn file_name(slug: &str, n: u64) -> String {
    let hash = store::fnv1a(slug.as_bytes());
    format!("{}-{hash:016x}.{n}.json", store::key(slug, "report"))
}

impl Index {
    /// The index kept in `dir`; `None` when there is none (no build recorded, or only in the
    /// single-file `current.json` of earlier versions, which is not read: the next build is
    /// like a first one). An index that cannot be read is an error naming it.
    pub fn open(dir: &Path) -> Result<Option<Index>, String> {
        let path = dir.join(INDEX);
        match store::read::<Index>(&path)? {
            Some(index) if index.format != FORMAT => Err(format!(
                "{} is in another format ({}) than this evalpress writes ({FORMAT})",
                path.display(),
                index.format
            )),
            index => Ok(index),
        }
    }

    /// Whether the last published build had report `slug`.
    pub fn has_current(&self, slug: &str) -> bool {
        self.reports.get(slug).is_some_and(|e| e.current.is_some())
    }

    /// The whole snapshot of the last published build (`previous` false) or of the one before
    /// it with different numbers (`None` when there is none). Reads every report's file.
    pub fn snapshot(&self, dir: &Path, previous: bool) -> Result<Option<Snapshot>, String> {
        if previous && !self.previous {
            return Ok(None);
        }
        let files = self.reports.iter().filter_map(|(slug, e)| {
            let n = if previous { e.previous } else { e.current };
            Some((slug.as_str(), n?))
        });
        let reports = read_all(dir, files.collect())?;
        Ok(Some(Snapshot { reports }))
    }

    /// Every report file this index names.
    fn files(&self) -> BTreeSet<String> {
        let each = self.reports.iter().flat_map(|(slug, e)| {
            [e.current, e.previous]
                .into_iter()
                .flatten()
                .map(move |n| file_name(slug, n))
        });
        each.collect()
    }
}

/// Reads the report files `files` ((slug, build number)) in parallel, by slug; the first that
/// cannot be read (in slug order) is the error.
fn read_all(
    dir: &Path,
    files: Vec<(&str, u64)>,
) -> Result<BTreeMap<String, ReportSnapshot>, String> {
    let read: Vec<Result<(String, ReportSnapshot), String>> = files
        .par_iter()
        .map(|&(slug, n)| {
            let path = dir.join(REPORTS).join(file_name(slug, n));
            let stored: Stored =
                store::read(&path)?.ok_or_else(|| format!("{} is missing", path.display()))?;
            if stored.slug != slug {
                return Err(format!(
                    "{} holds the numbers of another report",
                    path.display()
                ));
            }
            Ok((stored.slug, stored.report))
        })
        .collect();
    read.into_iter().collect()
}

/// What recording a build's numbers will do, decided when the kept state was read (so the
/// build need not read it again once it has published): the diff, and the report files to
/// write.
#[derive(Debug, Clone, Default)]
pub struct Pending {
    pub(super) diff: Diff,
    /// `None`: the numbers are the last build's, and only the diff is written again.
    write: Option<Write>,
}

impl Pending {
    /// Whether this build's numbers differ from the last published build's (or there is no
    /// last build to compare with): the last build then becomes the previous one.
    pub fn rotates(&self) -> bool {
        self.write.is_some()
    }
}

/// A build with new numbers: what its record writes.
#[derive(Debug, Clone, Default)]
struct Write {
    /// The kept index (`None`: there is none, or it could not be read).
    index: Option<Index>,
    /// Start afresh: no previous build (the first build, or the kept numbers were unreadable).
    fresh: bool,
    /// The reports whose numbers changed (computed ones with new numbers, and removed ones).
    changed: BTreeSet<String>,
    /// The reports of the build it kept (their numbers are in their current files).
    kept: BTreeSet<String>,
}

/// What a build compares its numbers with.
#[derive(Debug, Default)]
pub struct Compared {
    /// For each computed report with a baseline, the numbers its prose is checked against: the
    /// newest kept build with different numbers: the last build when this one's numbers differ
    /// from it, else the one before it (so a rebuild after fixing the prose still finds what
    /// the new data changed).
    pub baseline: BTreeMap<String, ReportSnapshot>,
    pub pending: Pending,
}

/// A build that has nothing to compare with: its first, or one after the kept numbers could
/// not be read (`index`, when that one could be read). Every number is new.
pub fn afresh(index: Option<&Index>, new: &Snapshot, present: &BTreeSet<&str>) -> Compared {
    let write = Write {
        index: index.cloned(),
        fresh: true,
        changed: new.reports.keys().cloned().collect(),
        kept: kept(new, present),
    };
    Compared {
        baseline: BTreeMap::new(),
        pending: Pending {
            diff: diff(None, new),
            write: Some(write),
        },
    }
}

/// What a build whose computed reports published `new` compares with, given the kept `index`;
/// every report of `present` (the build's reports) that `new` does not hold was kept, so its
/// numbers are its current ones. Reads the current numbers of the computed and the removed
/// reports; when none changed, the previous numbers of the reports the last change moved. A
/// file that cannot be read is an error naming it.
pub fn compare(
    dir: &Path,
    index: Option<&Index>,
    new: &Snapshot,
    present: &BTreeSet<&str>,
) -> Result<Compared, String> {
    let Some(index) = index else {
        return Ok(afresh(None, new, present));
    };
    let removed: Vec<&str> = index
        .reports
        .iter()
        .filter(|(slug, e)| e.current.is_some() && !present.contains(slug.as_str()))
        .map(|(slug, _)| slug.as_str())
        .collect();
    let mine = new
        .reports
        .keys()
        .map(String::as_str)
        .chain(removed.iter().copied());
    let files = mine.filter_map(|slug| Some((slug, index.reports.get(slug)?.current?)));
    let current = read_all(dir, files.collect())?;
    let mut changed: BTreeSet<String> = removed.iter().map(|s| s.to_string()).collect();
    for (slug, r) in &new.reports {
        if current.get(slug) != Some(r) {
            changed.insert(slug.clone());
        }
    }
    if !changed.is_empty() {
        let older = Snapshot { reports: current };
        let pending = Pending {
            diff: diff(Some(&older), new),
            write: Some(Write {
                index: Some(index.clone()),
                fresh: false,
                changed,
                kept: kept(new, present),
            }),
        };
        return Ok(Compared {
            baseline: older.reports,
            pending,
        });
    }
    // The last build's numbers again: the diff is the one from the build before it, where
    // only the reports the last change moved differ; with none before it, nothing changed.
    if !index.previous {
        let diff = Diff {
            baseline: true,
            reports: Vec::new(),
        };
        let pending = Pending { diff, write: None };
        return Ok(Compared {
            baseline: BTreeMap::new(),
            pending,
        });
    }
    let moved: Vec<(&str, Entry)> = index
        .reports
        .iter()
        .filter(|(_, e)| e.previous != e.current)
        .map(|(slug, e)| (slug.as_str(), *e))
        .collect();
    let before = moved
        .iter()
        .filter_map(|(slug, e)| Some((*slug, e.previous?)));
    let older = Snapshot {
        reports: read_all(dir, before.collect())?,
    };
    let kept_now = moved
        .iter()
        .filter(|(slug, _)| !new.reports.contains_key(*slug))
        .filter_map(|(slug, e)| Some((*slug, e.current?)));
    let mut newer = Snapshot {
        reports: read_all(dir, kept_now.collect())?,
    };
    for (slug, _) in &moved {
        if let Some(r) = new.reports.get(*slug) {
            newer.reports.insert(slug.to_string(), r.clone());
        }
    }
    let pending = Pending {
        diff: diff(Some(&older), &newer),
        write: None,
    };
    let mut baseline = older.reports;
    baseline.retain(|slug, _| new.reports.contains_key(slug));
    Ok(Compared { baseline, pending })
}

/// The reports of `present` that `new` does not hold: the kept ones.
fn kept(new: &Snapshot, present: &BTreeSet<&str>) -> BTreeSet<String> {
    let kept = present.iter().filter(|s| !new.reports.contains_key(**s));
    kept.map(|s| s.to_string()).collect()
}

/// Writes the report files and the index of a build with new numbers (`new`: the numbers of
/// the reports it computed), then removes the files the new index no longer names.
pub(super) fn record(dir: &Path, new: &Snapshot, pending: &Pending) -> Result<(), String> {
    let Some(w) = &pending.write else {
        return Ok(());
    };
    if w.index.is_none() && !w.kept.is_empty() {
        return Err("the numbers of the reports this build kept are not recorded".into());
    }
    let reports = dir.join(REPORTS);
    if w.index.is_none() {
        // Nothing there is named by an index: a new first build.
        remove_dir(&reports)?;
    }
    std::fs::create_dir_all(&reports).map_err(|e| failed(&reports, e))?;
    let build = w.index.as_ref().map_or(0, |i| i.build) + 1;
    let mut next = Index {
        format: FORMAT,
        build,
        previous: !w.fresh,
        reports: BTreeMap::new(),
    };
    for (slug, e) in w.index.iter().flat_map(|i| &i.reports) {
        // The last build becomes the previous one: unchanged reports keep their file.
        let mut entry = Entry {
            current: e.current,
            previous: e.current.filter(|_| !w.fresh),
        };
        if w.changed.contains(slug) || (w.fresh && !w.kept.contains(slug)) {
            entry.current = None;
        }
        if entry != Entry::default() {
            next.reports.insert(slug.clone(), entry);
        }
    }
    let written: Vec<(&String, &ReportSnapshot)> = new
        .reports
        .iter()
        .filter(|(slug, _)| w.changed.contains(*slug))
        .collect();
    for (slug, _) in &written {
        next.reports.entry(slug.to_string()).or_default().current = Some(build);
    }
    let results: Vec<Result<(), String>> = written
        .par_iter()
        .map(|(slug, report)| {
            let path = reports.join(file_name(slug, build));
            // A folder left where the file goes (by hand) would make the rename fail.
            if path.symlink_metadata().is_ok_and(|m| m.is_dir()) {
                remove_dir(&path)?;
            }
            store::write(&path, &Written { slug, report })
        })
        .collect();
    results.into_iter().collect::<Result<(), String>>()?;
    store::write(&dir.join(INDEX), &next)?;
    let named = next.files();
    // The single-file state of older versions is replaced by this one.
    for old in [store::CURRENT, store::PREVIOUS] {
        let _ = std::fs::remove_file(dir.join(old));
    }
    match (&w.index, w.fresh) {
        (Some(old), false) => {
            for name in old.files().difference(&named) {
                let _ = std::fs::remove_file(reports.join(name));
            }
        }
        // Starting afresh: whatever is there but not named goes (a broken file, a folder).
        _ => {
            for entry in std::fs::read_dir(&reports).into_iter().flatten().flatten() {
                if !named.contains(&*entry.file_name().to_string_lossy()) {
                    let path = entry.path();
                    let _ = std::fs::remove_file(&path).or_else(|_| std::fs::remove_dir_all(&path));
                }
            }
        }
    }
    Ok(())
}

fn remove_dir(path: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(failed(path, e)),
        _ => Ok(()),
    }
}
