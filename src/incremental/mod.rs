//! Incremental builds: what the previous build read and published -> whether this build has
//! anything to do, and which files it must write at all.
//!
//! Stage: beside the pipeline, before the first stage and between rendering and `output`.
//! Input: the output folder and the state a previous build into it left in
//! `<root>/.evalpress/cache/`. Output: the previous build's outcome when nothing it depends on
//! changed (the digest of every input, see [`inputs`], and the build's [`key`]: the options that
//! change every page), so that a no-op build returns at once and writes nothing; otherwise the
//! previous build's [`Manifest`] (the digest and stamp of every published file), so that `output`
//! writes only the files whose bytes changed and links or keeps the others, and, after a
//! successful publish, the new state. Removing the folder only costs time; a missing, corrupt,
//! foreign or version-mismatched state is ignored (a clean build), never an error.
//!
//! A build that has something to do skips the reports whose inputs did not change: [`record`]
//! says what each report depends on and keeps what the site-wide stages need of it, [`plan`]
//! decides which reports are rebuilt (their own changes, then everything coordinated suppression,
//! cross-references and series tie to them, to a fixed point), [`rebuild`] computes those, and
//! [`skip`] puts the kept and the rebuilt reports together and makes the next records. A report
//! whose folder is unchanged is not even read: [`shell`] makes it from its record (front matter,
//! labels, table of contents, prose numbers, parse warnings), and only a shell the plan rebuilds
//! is parsed. A kept report's data is not read, nor is it coordinated, computed or rendered;
//! its published files are linked into the new tree. A change to the config, the theme or the
//! build's key rebuilds (and parses) every report.
//!
//! It must not print, and it decides nothing by time stamps alone: a stamp only lets a file's
//! recorded digest be trusted; the digest decides.

mod inputs;
pub mod plan;
pub mod rebuild;
pub mod record;
mod saved;
pub(crate) mod session;
pub mod shell;
pub mod skip;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::digest::{Digest, Stamp};
use crate::output::{self, Folders, Manifest, Published};
use crate::{BuildOptions, Outcome};

pub use inputs::{Inputs, rescan, scan, scan_linked};
pub use session::Session;

/// Where the state lives, relative to the site root.
pub const FOLDER: &str = ".evalpress/cache";

/// Bumped whenever the state's layout or meaning changes; older files are then ignored.
const FORMAT: u32 = 10;

/// What one build leaves for the next.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct State {
    format: u32,
    /// Every file published by that build.
    pub manifest: Manifest,
    /// The stamps of the published tree's settled folders (see [`Folders`]).
    pub folders: Folders,
    /// What a no-op build after it returns; `None` when that build cannot be repeated so.
    pub last: Option<LastBuild>,
}

/// A successful build: what it depended on and what it returned. What it recorded of every
/// report is saved beside it, in files of its own (see [`Cache::records`]).
#[derive(Debug, Serialize, Deserialize)]
pub struct LastBuild {
    /// See [`key`].
    pub key: Digest,
    pub inputs: Inputs,
    /// The list of changes it left in `.evalpress/changes/` (read by the prose check).
    pub changes: BTreeMap<String, Stamp>,
    pub outcome: Outcome,
}

/// The digest of what changes every page and the outcome besides the input files: the build
/// options, evalpress itself and the output folder. evalpress is its version and the stamp of
/// the running program, so that a program rebuilt from changed code under the same version
/// (while developing evalpress, or its embedded theme) never repeats an older program's build.
/// `tools` names the programs outside the site the build would run (the search indexer).
pub fn key(opts: &BuildOptions, out: &Path, tools: &str) -> Digest {
    let opt = |s: &Option<String>| s.as_deref().unwrap_or("\0none").as_bytes().to_vec();
    let flags = [opts.drafts as u8, opts.strict as u8, opts.write as u8];
    let out = output::absolute(out);
    let program = program_stamp();
    Digest::of_parts([
        &FORMAT.to_le_bytes()[..],
        env!("CARGO_PKG_VERSION").as_bytes(),
        program.as_bytes(),
        tools.as_bytes(),
        &opt(&opts.base_url),
        &opt(&opts.build_date),
        &flags,
        out.to_string_lossy().as_bytes(),
    ])
}

/// The stamp of the running program, as text: it changes when evalpress is rebuilt, even
/// under the same version (empty when the program cannot be found).
pub fn program_stamp() -> String {
    std::env::current_exe()
        .and_then(|p| Stamp::of(&p))
        .map(|s| format!("{}/{}/{}", s.len, s.mtime, s.inode))
        .unwrap_or_default()
}

/// The stamps of the files in `dir` (the list of changes, which only evalpress writes, each
/// file through a new file renamed into place). Stamps, not digests: the snapshots there hold
/// every published number of the site (60 MB at 1,000 reports), too much to hash on every
/// build with nothing to do.
pub fn folder_stamps(dir: &Path) -> BTreeMap<String, Stamp> {
    let walk = walkdir::WalkDir::new(dir).sort_by_file_name();
    walk.into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let stamp = Stamp::of(e.path()).ok()?;
            Some((e.path().to_string_lossy().into_owned(), stamp))
        })
        .collect()
}

/// The state of one site and output folder: `<digest of the output folder>.json` (the
/// manifest, and what a build with nothing to do returns) and, beside it, `.records` (the
/// records, which only a build with something to do reads: most of the state's bytes) with
/// the `.pack` of its report records (see [`saved`]).
pub struct Cache {
    path: PathBuf,
    /// The output folder the state is for (absolute).
    out: PathBuf,
    /// The previous build's state; empty when there is none that fits.
    pub previous: State,
    /// The digest of the state file read, which its records must name.
    digest: Option<Digest>,
    /// The stamp of the state file when it was read or saved: a cache kept in memory between
    /// builds (see [`Cache::reopen`]) is used only while the file is still the one it knows.
    stamp: Option<Stamp>,
    /// The previous build's records, read when first asked for.
    records: OnceLock<Option<saved::Saved>>,
    /// Set when the state is kept and not yet saved (see [`Cache::keep`]): the records read
    /// before it, whose places in the pack the new records keep.
    unsaved: Option<Option<saved::Saved>>,
}

impl Cache {
    /// Opens the state for publishing into `out`; with `use_previous` false (`--no-cache`) the
    /// previous state is not read, so every file is written, and the new state replaces it.
    pub fn open(root: &Path, out: &Path, use_previous: bool) -> Cache {
        let (path, out) = Cache::place(root, out);
        let stamp = Stamp::of(&path).ok();
        let read = use_previous.then(|| read_state(&path)).flatten();
        let (previous, digest) = match read {
            Some((state, digest)) if state.format == FORMAT => (state, Some(digest)),
            _ => (State::default(), None),
        };
        Cache {
            path,
            out,
            previous,
            digest,
            stamp,
            records: OnceLock::new(),
            unsaved: None,
        }
    }

    /// The state file for publishing into `out`, and `out` made absolute.
    fn place(root: &Path, out: &Path) -> (PathBuf, PathBuf) {
        let out = output::absolute(out);
        let name = format!("{}.json", Digest::of(out.to_string_lossy().as_bytes()));
        (root.join(FOLDER).join(name), out)
    }

    /// [`Cache::open`], taking `kept` (the cache a previous build of this process saved) when
    /// it is for the same place and its state file is still the one it saved: a series of
    /// builds (the live server's) then reads neither the state nor the records again. Says
    /// whether it took `kept`.
    pub fn reopen(
        kept: Option<Cache>,
        root: &Path,
        out: &Path,
        use_previous: bool,
    ) -> (Cache, bool) {
        let current = |c: &Cache| {
            let (path, out) = Cache::place(root, out);
            c.path == path && c.out == out && c.stamp.is_some() && Stamp::of(&path).ok() == c.stamp
        };
        match kept.filter(|c| use_previous && current(c)) {
            Some(cache) => (cache, true),
            None => (Cache::open(root, out, use_previous), false),
        }
    }

    /// The records the previous build saved with its state (`None` when there are none, or
    /// they were not saved with the state this cache read).
    pub fn records(&self) -> Option<&record::Records> {
        self.records
            .get_or_init(|| {
                let digest = self.digest.filter(|_| self.previous.last.is_some())?;
                saved::read(&self.path.with_extension(RECORDS), FORMAT, digest)
            })
            .as_ref()
            .map(|s| &s.records)
    }

    /// The inputs the previous build recorded (empty when there is none).
    pub fn previous_inputs(&self) -> &Inputs {
        static NONE: Inputs = Inputs::new();
        self.previous.last.as_ref().map_or(&NONE, |l| &l.inputs)
    }

    /// The previous build's outcome, when this build would repeat it: the same key and input
    /// digests, the same list of changes, and its published files still as it wrote them.
    pub fn unchanged(&self, key: Digest, inputs: &Inputs, changes: &Path) -> Option<&Outcome> {
        let last = self.previous.last.as_ref()?;
        let same = last.key == key
            && inputs::same(&last.inputs, inputs)
            && last.changes == folder_stamps(changes)
            && output::intact(&self.out, &self.previous.manifest, &self.previous.folders);
        same.then_some(&last.outcome)
    }

    /// The cache after a publish: the published tree's manifest and folders, `last` and its
    /// records, which the next build in this process takes as they are (see [`Cache::reopen`]).
    /// Kept in memory only: [`Cache::write`] saves them for a next process. A [`Session`]
    /// calls it before its next build opens the cache at the latest; the live server calls it
    /// as soon as it has told the browser to reload.
    pub fn keep(self, published: Published, last: Option<(LastBuild, record::Records)>) -> Cache {
        let (last, records) = last.unzip();
        let previous = self.records.into_inner().flatten();
        Cache {
            previous: State {
                format: FORMAT,
                manifest: published.manifest,
                folders: published.folders,
                last,
            },
            digest: None,
            stamp: None,
            records: OnceLock::from(records.map(saved::Saved::new)),
            unsaved: Some(previous),
            ..self
        }
    }

    /// Saves what [`Cache::keep`] kept (nothing when it is saved): each file into a temporary
    /// file renamed over the old one, the records first, so a build killed while saving leaves
    /// the old state or the new, never half of one (records that name another state are not
    /// used). Only the report records the last build made are written (appended to the pack,
    /// see [`saved`]). On failure the cache is no longer [`Cache::reopen`]ed: the next build
    /// reads whatever is on disk.
    pub fn write(&mut self) -> io::Result<()> {
        let Some(previous) = self.unsaved.take() else {
            return Ok(());
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let text = serde_json::to_vec(&self.previous).map_err(io::Error::other)?;
        let records_path = self.path.with_extension(RECORDS);
        let digest = Digest::of(&text);
        match self.records.get_mut().and_then(Option::as_mut) {
            Some(records) => {
                saved::write(&records_path, (FORMAT, digest), records, previous.as_ref())?
            }
            None => saved::remove(&records_path)?,
        }
        write_renamed(&self.path, &text)?;
        fs::write(
            self.path.with_extension("out"),
            self.out.to_string_lossy().as_bytes(),
        )?;
        prune(dir, &self.path);
        self.stamp = Stamp::of(&self.path).ok();
        self.digest = Some(digest);
        Ok(())
    }
}

/// The extension of the records file beside a state file.
const RECORDS: &str = "records";

/// `bytes` written beside `path` and renamed over it.
fn write_renamed(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}

/// The previous state and the digest of its file, or `None` when the file is missing or
/// cannot be read as one.
fn read_state(path: &Path) -> Option<(State, Digest)> {
    let bytes = fs::read(path).ok()?;
    let state = serde_json::from_slice(&bytes).ok()?;
    Some((state, Digest::of(&bytes)))
}

/// Removes the states of output folders that no longer exist (each `<digest>.json` has a
/// `<digest>.out` naming its folder), so builds into passing folders do not pile up state.
fn prune(dir: &Path, keep: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let named = entry.path();
        if named.extension().is_none_or(|e| e != "out") || named.with_extension("json") == keep {
            continue;
        }
        let gone = fs::read_to_string(&named).is_ok_and(|out| !Path::new(&out).exists());
        if gone {
            let _ = fs::remove_file(named.with_extension("json"));
            let _ = saved::remove(&named.with_extension(RECORDS));
            let _ = fs::remove_file(&named);
        }
    }
}
