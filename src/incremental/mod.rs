//! Incremental publishing: what the previous build published -> which files this build must
//! write at all.
//!
//! Stage: beside the pipeline, between rendering and `output`. Input: the output folder and the
//! state a previous build into it left in `<root>/.evalpress/cache/`. Output: the previous
//! build's [`Manifest`] (the digest and stamp of every published file), so that `output` writes
//! only the files whose bytes changed and links or keeps the others, and, after a successful
//! publish, the new state. Removing the folder only costs time; a missing, corrupt or
//! version-mismatched state is ignored (every file is written), never an error.
//!
//! Every report is still parsed, computed and rendered on every build: the per-report cache
//! (skipping clean reports) waits for the per-report data of later stages (published-value
//! snapshots, key figures, series and data pages) to become cacheable.
//!
//! It must not print, and it decides nothing by time stamps alone: a stamp only lets a
//! published file's recorded digest be trusted; the digest decides.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::output::{self, Manifest};

/// Where the state lives, relative to the site root.
pub const FOLDER: &str = ".evalpress/cache";

/// Bumped whenever the state's layout or meaning changes; older files are then ignored.
const FORMAT: u32 = 1;

/// What one build leaves for the next.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct State {
    format: u32,
    /// Every file published by that build.
    pub manifest: Manifest,
}

/// The state of one site and output folder.
pub struct Cache {
    path: PathBuf,
    /// The output folder the state is for (absolute).
    out: PathBuf,
    /// The previous build's state; empty when there is none that fits.
    pub previous: State,
}

impl Cache {
    /// Opens the state for publishing into `out`; with `use_previous` false (`--no-cache`) the
    /// previous state is not read, so every file is written, and the new state replaces it.
    pub fn open(root: &Path, out: &Path, use_previous: bool) -> Cache {
        let out = output::absolute(out);
        let name = format!("{}.json", Digest::of(out.to_string_lossy().as_bytes()));
        let path = root.join(FOLDER).join(name);
        let previous = use_previous
            .then(|| read_state(&path))
            .flatten()
            .filter(|s| s.format == FORMAT);
        Cache {
            path,
            out,
            previous: previous.unwrap_or_default(),
        }
    }

    /// Writes `manifest` for the next build: into a temporary file renamed over the old one, so
    /// a build killed while saving leaves the old state or the new, never half of one.
    pub fn save(&self, manifest: Manifest) -> io::Result<()> {
        let state = State {
            format: FORMAT,
            manifest,
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let text = serde_json::to_vec(&state).map_err(io::Error::other)?;
        let tmp = self.path.with_extension("json.tmp");
        fs::write(&tmp, text)?;
        fs::rename(&tmp, &self.path)?;
        fs::write(
            self.path.with_extension("out"),
            self.out.to_string_lossy().as_bytes(),
        )?;
        prune(dir, &self.path);
        Ok(())
    }
}

/// The previous state, or `None` when the file is missing or cannot be read as one.
fn read_state(path: &Path) -> Option<State> {
    let bytes = fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
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
            let _ = fs::remove_file(&named);
        }
    }
}
