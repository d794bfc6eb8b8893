//! The records on disk: an index beside the state file, and one file per report record named
//! by the digest of its bytes, in a folder beside it.
//!
//! Part of the `incremental` stage (see [`Cache`](super::Cache)). A build that changes one
//! report writes one record file and the index, not every report's record again: a record
//! whose report was kept is the very value the previous build read (shared, see
//! [`Records::reports`]), so its file and digest are reused. A file is trusted only when its
//! bytes have the digest the index names it by, and the index only with the state whose
//! digest it names; anything missing, damaged or foreign means no records (the build then
//! computes every report), never an error. Files the index no longer names are removed after
//! the state is saved.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::record::{Records, ReportRecord};
use super::write_renamed;
use crate::digest::Digest;

/// The index: the records without their reports, and each report's record file by slug.
/// `state` is the digest of the state file saved with it.
#[derive(Serialize, Deserialize)]
struct Index<R> {
    format: u32,
    state: Digest,
    records: R,
    reports: BTreeMap<String, Digest>,
}

/// Records read from disk, with the digest of each report's record file.
#[derive(Debug, Default)]
pub struct Saved {
    pub records: Records,
    /// By slug, the digest of its record file.
    pub digests: BTreeMap<String, Digest>,
}

/// The folder of the record files of the index at `index`.
fn folder(index: &Path) -> PathBuf {
    index.with_extension("reports")
}

fn file(folder: &Path, digest: Digest) -> PathBuf {
    folder.join(format!("{digest}.json"))
}

/// The records of the index at `index`, when it has `format` and was saved with the state
/// whose digest is `state`, and every record file it names is there with its digest.
pub fn read(index: &Path, format: u32, state: Digest) -> Option<Saved> {
    let bytes = fs::read(index).ok()?;
    let Index {
        format: found,
        state: saved_with,
        records,
        reports,
    } = serde_json::from_slice::<Index<Records>>(&bytes).ok()?;
    if found != format || saved_with != state {
        return None;
    }
    let dir = folder(index);
    let read = |(slug, digest): (&String, &Digest)| {
        let bytes = fs::read(file(&dir, *digest)).ok()?;
        let rec: ReportRecord = (Digest::of(&bytes) == *digest)
            .then(|| serde_json::from_slice(&bytes).ok())
            .flatten()?;
        Some((slug.clone(), Arc::new(rec)))
    };
    let read: Option<BTreeMap<_, _>> = reports.par_iter().map(read).collect();
    Some(Saved {
        records: Records {
            reports: read?,
            ..records
        },
        digests: reports,
    })
}

/// Writes `records` as the index at `index` (saved with the state whose digest is `state`)
/// and its record files, except those of the records `previous` holds (the same shared
/// values, read and checked by this build): they keep their files. Returns, by slug, the
/// digest of each report's record file.
pub fn write(
    index: &Path,
    (format, state): (u32, Digest),
    records: &Records,
    previous: Option<&Saved>,
) -> io::Result<BTreeMap<String, Digest>> {
    let dir = folder(index);
    fs::create_dir_all(&dir)?;
    let reused = |slug: &String, rec: &Arc<ReportRecord>| {
        let old = previous?;
        let same = old
            .records
            .reports
            .get(slug)
            .is_some_and(|o| Arc::ptr_eq(o, rec));
        same.then(|| old.digests.get(slug).copied()).flatten()
    };
    let digests: io::Result<BTreeMap<String, Digest>> = records
        .reports
        .par_iter()
        .map(|(slug, rec)| {
            if let Some(digest) = reused(slug, rec) {
                return Ok((slug.clone(), digest));
            }
            let bytes = serde_json::to_vec(&**rec).map_err(io::Error::other)?;
            // Written even when a file of that name is there: it may not hold these bytes.
            let digest = Digest::of(&bytes);
            write_renamed(&file(&dir, digest), &bytes)?;
            Ok((slug.clone(), digest))
        })
        .collect();
    let index_file = Index {
        format,
        state,
        records,
        reports: digests?,
    };
    let bytes = serde_json::to_vec(&index_file).map_err(io::Error::other)?;
    write_renamed(index, &bytes)?;
    Ok(index_file.reports)
}

/// Removes the record files in the folder of the index at `index` other than `named`.
pub fn prune(index: &Path, named: &BTreeSet<Digest>) {
    let dir = folder(index);
    let named: BTreeSet<String> = named.iter().map(|d| format!("{d}.json")).collect();
    let Ok(entries) = fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !named.contains(&name) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Removes the index at `index` and its record files.
pub fn remove(index: &Path) -> io::Result<()> {
    let _ = fs::remove_dir_all(folder(index));
    match fs::remove_file(index) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
