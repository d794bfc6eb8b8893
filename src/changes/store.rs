//! The state folder of `changes`: `<root>/.evalpress/changes/<output>/` (see [`state_dir`])
//! holds the numbers of every report in the last published build and in the one before it
//! with different numbers, one file per report (`index.json` and `reports/`, see [`state`]),
//! and the diff between them (`changes.json`, `changes.md`).
//!
//! Part of the `changes` stage; the only file I/O it does. Written only after a build was
//! published; each file is written beside its place and renamed over it. Never writes into the
//! published output or the sources.

use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::diff::Diff;
use super::state::{self, INDEX, Index, Pending};
use super::{Snapshot, markdown};

/// The single-file snapshots of earlier versions (the last build, the one before it), no
/// longer read: a build removes them.
pub const CURRENT: &str = "current.json";
pub const PREVIOUS: &str = "previous.json";
pub const CHANGES_JSON: &str = "changes.json";
pub const CHANGES_MD: &str = "changes.md";

/// The largest state file read, per file. Not the source files' limit: a report's snapshot
/// holds every published cell of the report, and a list of changes may hold every cell of the
/// site, in files evalpress wrote itself; this only keeps a stray huge file from exhausting
/// memory.
const MAX_STATE_BYTES: u64 = 4 << 30;

/// The state folder for builds of `root` into `out`: one per output folder, so a build
/// elsewhere (`--out`) does not mix baselines. For an output inside the site it is
/// `<root>/.evalpress/changes/<out path>/`; for one outside, `outside-<name>-<hash of the
/// path>/` there, which [`prune`] removes once that output folder is gone. Never beside or in
/// the output, which may be served.
pub fn state_dir(root: &Path, out: &Path) -> PathBuf {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_abs, out_abs) = (abs(root), abs(out));
    let base = root.join(".evalpress").join("changes");
    match out_abs.strip_prefix(&root_abs) {
        Ok(rel) => base.join(key(&rel.to_string_lossy(), "out")),
        Err(_) => {
            let name = out_abs.file_name().unwrap_or_default().to_string_lossy();
            let hash = fnv1a(out_abs.to_string_lossy().as_bytes());
            base.join(format!("{OUTSIDE}{}-{hash:016x}", key(&name, "out")))
        }
    }
}

/// The prefix of state folders for outputs outside the site.
const OUTSIDE: &str = "outside-";
/// The file in such a state folder that names its output folder.
const OUTPUT: &str = "output.txt";

/// `text` as a folder name: lowercase ASCII letters, digits, `_` and `-`.
pub(super) fn key(text: &str, empty: &str) -> String {
    let key: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let key = key.trim_matches('-');
    if key.is_empty() { empty } else { key }.to_string()
}

/// A 64-bit FNV-1a hash: stable across runs and machines, unlike the standard hasher.
pub(super) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Removes the state folders of outputs outside the site whose output folder no longer
/// exists (temporary builds), so they do not pile up in the site's state folder.
pub fn prune(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root.join(".evalpress").join("changes")) else {
        return;
    };
    for entry in entries.flatten() {
        let dir = entry.path();
        let outside = entry.file_name().to_string_lossy().starts_with(OUTSIDE);
        let Ok(out) = std::fs::read_to_string(dir.join(OUTPUT)) else {
            continue;
        };
        if outside && !Path::new(out.trim_end_matches('\n')).exists() {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// The last published snapshot and the one before it.
pub type Kept = (Option<Snapshot>, Option<Snapshot>);

/// The whole snapshots kept in `dir`: (the last published, the one before it with different
/// numbers), the one before read only when the last has the same numbers as `new`. A build
/// reads only the reports it needs (see [`state::compare`]); this reads every report's file,
/// for `evalpress changes --since` and tests. A file that cannot be read is an error naming it.
pub fn snapshots(dir: &Path, new: &Snapshot) -> Result<Kept, String> {
    let Some(index) = Index::open(dir)? else {
        return Ok((None, None));
    };
    let current = index.snapshot(dir, false)?;
    let previous = match &current {
        Some(c) if c == new => index.snapshot(dir, true)?,
        _ => None,
    };
    Ok((current, previous))
}

/// The whole snapshot of the last published build kept in `dir` (`None` when there is none).
pub fn read_current(dir: &Path) -> Result<Option<Snapshot>, String> {
    match Index::open(dir)? {
        Some(index) => index.snapshot(dir, false),
        None => Ok(None),
    }
}

/// A snapshot to compare with (`evalpress changes --since`): a copy of a state folder (its
/// last build's numbers), or a snapshot in one JSON file (`current.json` or `previous.json` as
/// earlier versions kept them). `None` when there is no such file.
pub fn read_snapshot(path: &Path) -> Result<Option<Snapshot>, String> {
    if path.is_dir() {
        return read_current(path)?.map(Some).ok_or_else(|| {
            format!(
                "{} holds no list of changes ({} is missing)",
                path.display(),
                INDEX
            )
        });
    }
    read(path)
}

/// Records the whole snapshot `new` of a build just published and returns the diff from the
/// previous build with different numbers (see [`state`]); kept numbers that cannot be read
/// start the list afresh. A build records only the reports it computed (see [`record_pending`]).
pub fn record(dir: &Path, out: &Path, new: &Snapshot) -> Result<Diff, String> {
    let present = new.reports.keys().map(String::as_str).collect();
    let index = Index::open(dir).ok().flatten();
    let compared = state::compare(dir, index.as_ref(), new, &present)
        .unwrap_or_else(|_| state::afresh(index.as_ref(), new, &present));
    record_pending(dir, out, new, compared.pending)
}

/// Carries out `pending` (see [`state::compare`]) for a build just published whose computed
/// reports published `new`: writes their changed numbers (see [`state`]) and the diff, and
/// returns the diff.
pub fn record_pending(
    dir: &Path,
    out: &Path,
    new: &Snapshot,
    pending: Pending,
) -> Result<Diff, String> {
    std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
    let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    write_text(&dir.join(OUTPUT), &format!("{}\n", out.display()))?;
    state::record(dir, new, &pending)?;
    write(&dir.join(CHANGES_JSON), &pending.diff)?;
    write_text(&dir.join(CHANGES_MD), &markdown(&pending.diff))?;
    Ok(pending.diff)
}

/// The diff the last build recorded.
pub fn last_diff(dir: &Path) -> Result<Option<Diff>, String> {
    read(&dir.join(CHANGES_JSON))
}

/// Reads a JSON file written by this module; `None` when it does not exist.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, String> {
    let text = match crate::load::read_text_at_most(path, MAX_STATE_BYTES) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| format!("{} is not a snapshot evalpress wrote: {e}", path.display()))
}

/// Compact JSON: a snapshot of a large site has millions of cells, and pretty-printing made
/// the file several times larger (people read `changes.md` or `evalpress changes`).
pub(super) fn write<T: Serialize>(path: &Path, value: &T) -> Result<(), String> {
    let json = serde_json::to_string(value).map_err(|e| failed(path, e))?;
    write_text(path, &(json + "\n"))
}

fn write_text(path: &Path, text: &str) -> Result<(), String> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(|e| failed(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| failed(path, e))
}

pub(super) fn failed(path: &Path, e: impl std::fmt::Display) -> String {
    format!("cannot write {}: {e}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_output_folder_has_its_own_state() {
        let root = Path::new("/site");
        let a = state_dir(root, &root.join("public"));
        let b = state_dir(root, &root.join("build/Preview site"));
        assert_eq!(a, root.join(".evalpress/changes/public"));
        assert_eq!(b, root.join(".evalpress/changes/build-preview-site"));
        assert_eq!(state_dir(root, root), root.join(".evalpress/changes/out"));
        // Outside the site: named by the folder and a hash of its path, in the site.
        let outside = state_dir(root, Path::new("/tmp/x/Out"));
        let name = outside.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("outside-out-") && name.len() == 28,
            "{name}"
        );
        assert_eq!(outside.parent().unwrap(), root.join(".evalpress/changes"));
        assert_ne!(outside, state_dir(root, Path::new("/tmp/y/Out")));
        assert_eq!(outside, state_dir(root, Path::new("/tmp/x/Out")));
    }

    #[test]
    fn the_state_of_a_removed_outside_output_is_pruned() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, gone, kept) = (
            tmp.path().join("site"),
            tmp.path().join("a"),
            tmp.path().join("b"),
        );
        fs_dir(&kept);
        for out in [&gone, &kept, &root.join("public")] {
            record(&state_dir(&root, out), out, &Snapshot::default()).unwrap();
        }
        prune(&root);
        assert!(!state_dir(&root, &gone).exists());
        assert!(state_dir(&root, &kept).exists());
        // Outputs inside the site keep their state even while the folder is deleted.
        assert!(state_dir(&root, &root.join("public")).exists());
    }

    fn fs_dir(p: &Path) {
        std::fs::create_dir_all(p).unwrap();
    }

    #[test]
    fn a_rebuild_with_the_same_numbers_keeps_the_last_diff() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s");
        let mut one = Snapshot::default();
        one.reports.insert("r".into(), Default::default());
        let out = tmp.path().join("out");
        let first = record(&dir, &out, &one).unwrap();
        assert!(!first.baseline);
        // The same numbers again: compared with the first build, nothing changed.
        let same = record(&dir, &out, &one).unwrap();
        assert!(same.baseline && same.is_empty(), "{same:?}");
        let mut two = one.clone();
        two.reports.get_mut("r").unwrap().title = "T".into();
        two.reports.insert("s".into(), Default::default());
        let second = record(&dir, &out, &two).unwrap();
        assert!(second.baseline);
        assert_eq!(second.reports.len(), 1, "{second:?}");
        let again = record(&dir, &out, &two).unwrap();
        assert_eq!(again, second);
        assert_eq!(last_diff(&dir).unwrap(), Some(second));
        let kept = snapshots(&dir, &two).unwrap();
        assert_eq!(kept, (Some(two.clone()), Some(one)));
    }

    #[test]
    fn a_snapshot_larger_than_a_source_file_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, out) = (tmp.path().join("state"), tmp.path().join("public"));
        let cells = (0..120_000)
            .map(|i| super::super::CellSnapshot {
                row: format!("Kommune {i}"),
                column: "Antal".into(),
                cell: super::super::Cell {
                    text: format!("{i}"),
                    state: super::super::State::Value,
                },
            })
            .collect();
        let mut big = Snapshot::default();
        big.reports.insert(
            "r".into(),
            super::super::ReportSnapshot {
                elements: vec![super::super::ElementSnapshot {
                    anchor: "tabel-1".into(),
                    directive: "table".into(),
                    label: "Tabel 1".into(),
                    title: "T".into(),
                    cells,
                }],
                ..Default::default()
            },
        );
        record(&dir, &out, &big).unwrap();
        let file = std::fs::read_dir(dir.join(state::REPORTS))
            .unwrap()
            .next()
            .unwrap();
        let size = file.unwrap().metadata().unwrap().len();
        assert!(size > crate::load::MAX_SOURCE_BYTES, "{size}");
        let (current, _) = snapshots(&dir, &Snapshot::default()).unwrap();
        assert_eq!(current, Some(big));
    }

    #[test]
    fn a_broken_state_file_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(INDEX), "{").unwrap();
        let e = snapshots(tmp.path(), &Snapshot::default()).unwrap_err();
        assert!(e.contains("index.json is not a snapshot"), "{e}");
    }
}
