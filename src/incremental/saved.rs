//! The records on disk: an index beside the state file, and a pack beside it holding each
//! report's record, one after the other.
//!
//! Part of the `incremental` stage (see [`Cache`](super::Cache)). A build that changes one
//! report appends that report's record to the pack and writes the index, not every report's
//! record again: a record whose report was kept is the very value the previous build read
//! (shared, see [`Records::reports`]), so its place in the pack stays. The pack is read with
//! one system call (a file per record cost a thousand, and creating them a thousand more on a
//! full build), and written anew, without the records no index names, when a full build makes
//! every record or the unused part outgrows the rest. A record is trusted only when its bytes
//! have the digest the index gives, and the index only with the state whose digest it names;
//! anything missing, damaged or foreign means no records (the build then computes every
//! report), never an error. So no write needs to be atomic but the index's: a pack written or
//! appended to by a build killed before its index only fails those checks.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::record::{Records, ReportRecord};
use super::write_renamed;
use crate::digest::Digest;

/// Where a report's record is in the pack, and the digest of its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    at: u64,
    len: u64,
    digest: Digest,
}

/// The index: the records without their reports, and where each report's record is in the
/// pack. `state` is the digest of the state file saved with it.
#[derive(Serialize, Deserialize)]
struct Index<R> {
    format: u32,
    state: Digest,
    records: R,
    reports: BTreeMap<String, Slot>,
}

/// Records read from disk (or just written), with where each report's record is in the pack
/// and how long the pack was.
#[derive(Debug, Default)]
pub struct Saved {
    pub records: Records,
    slots: BTreeMap<String, Slot>,
    pack: u64,
}

/// The pack beside the index at `index`.
fn pack(index: &Path) -> PathBuf {
    index.with_extension("pack")
}

/// The records of the index at `index`, when it has `format` and was saved with the state
/// whose digest is `state`, and the pack holds every record it names with its digest.
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
    let packed = fs::read(pack(index)).ok()?;
    let read = |(slug, slot): (&String, &Slot)| {
        let start = usize::try_from(slot.at).ok()?;
        let end = start.checked_add(usize::try_from(slot.len).ok()?)?;
        let bytes = packed.get(start..end)?;
        let rec: ReportRecord = (Digest::of(bytes) == slot.digest)
            .then(|| serde_json::from_slice(bytes).ok())
            .flatten()?;
        Some((slug.clone(), Arc::new(rec)))
    };
    let read: Option<BTreeMap<_, _>> = reports.par_iter().map(read).collect();
    Some(Saved {
        records: Records {
            reports: read?,
            ..records
        },
        slots: reports,
        pack: packed.len() as u64,
    })
}

impl Saved {
    /// Records not yet written (see [`write`]).
    pub fn new(records: Records) -> Saved {
        Saved {
            records,
            ..Saved::default()
        }
    }
}

/// Writes `saved`'s records as the index at `index` (saved with the state whose digest is
/// `state`) and their pack, and notes in `saved` where they are. The records `previous` holds
/// (the same shared values, read and checked by this build) keep their place; the others are
/// appended, or, when few are kept or the pack is mostly records no longer named, the pack is
/// written anew.
pub fn write(
    index: &Path,
    (format, state): (u32, Digest),
    saved: &mut Saved,
    previous: Option<&Saved>,
) -> io::Result<()> {
    let records = &saved.records;
    let reused = |slug: &String, rec: &Arc<ReportRecord>| {
        let old = previous?;
        let same = old
            .records
            .reports
            .get(slug)
            .is_some_and(|o| Arc::ptr_eq(o, rec));
        same.then(|| old.slots.get(slug).copied()).flatten()
    };
    let kept: BTreeMap<&String, Slot> = records
        .reports
        .iter()
        .filter_map(|(slug, rec)| Some((slug, reused(slug, rec)?)))
        .collect();
    let live: u64 = kept.values().map(|s| s.len).sum();
    let path = pack(index);
    // Appending needs the pack the previous build read, as long as it was then.
    let appendable = previous.filter(|p| {
        fs::metadata(&path).is_ok_and(|m| m.len() == p.pack) && p.pack <= 2 * live.max(1)
    });
    let fresh: Vec<(&String, Vec<u8>)> = records
        .reports
        .par_iter()
        .filter(|(slug, _)| appendable.is_none() || !kept.contains_key(slug))
        .map(|(slug, rec)| Ok((slug, serde_json::to_vec(&**rec).map_err(io::Error::other)?)))
        .collect::<io::Result<_>>()?;
    let mut slots: BTreeMap<String, Slot> = BTreeMap::new();
    let mut at = appendable.map_or(0, |p| p.pack);
    let mut bytes = Vec::with_capacity(fresh.iter().map(|(_, b)| b.len()).sum());
    for (slug, b) in &fresh {
        let len = b.len() as u64;
        let digest = Digest::of(b);
        slots.insert((*slug).clone(), Slot { at, len, digest });
        at += len;
        bytes.extend_from_slice(b);
    }
    match appendable {
        Some(_) => {
            slots.extend(kept.into_iter().map(|(slug, slot)| (slug.clone(), slot)));
            fs::OpenOptions::new()
                .append(true)
                .open(&path)?
                .write_all(&bytes)?;
        }
        None => fs::write(&path, &bytes)?,
    }
    let index_file = Index {
        format,
        state,
        records,
        reports: slots,
    };
    let text = serde_json::to_vec(&index_file).map_err(io::Error::other)?;
    write_renamed(index, &text)?;
    saved.slots = index_file.reports;
    saved.pack = at;
    Ok(())
}

/// Removes the index at `index` and its pack.
pub fn remove(index: &Path) -> io::Result<()> {
    let _ = fs::remove_file(pack(index));
    match fs::remove_file(index) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
