//! What a series of builds in one process keeps from one build to the next (part of the
//! `incremental` stage).
//!
//! The live server builds one site again and again. A [`Session`] keeps the cache's state as the
//! last build saved it, so that the next build does not read it again (see [`Cache::reopen`]),
//! and what the server's file watcher saw change since, so that the next build stamps and hashes
//! only those paths instead of every input (see [`super::rescan`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{Cache, Inputs};

/// The state a series of builds shares. Empty at first, and after a failed build.
pub struct Session {
    pub(crate) cache: Option<Cache>,
    /// What changed since the last build, as a file watcher saw it (see [`Session::changed`]).
    changed: Option<BTreeSet<PathBuf>>,
    /// Whether the last full scan of the inputs followed a symbolic link (true until there was
    /// one): a watcher reports a change under a link's target, not under the link, so then
    /// every build scans in full.
    linked: bool,
    /// Whether the cache of the build under way came from this session.
    reused: bool,
}

impl Default for Session {
    fn default() -> Session {
        Session {
            cache: None,
            changed: None,
            linked: true,
            reused: false,
        }
    }
}

impl Session {
    /// Tells the next build which paths (relative to the site root; the empty path for "any")
    /// changed since the last one, as a file watcher reports them: when it builds from this
    /// session's state, it stamps and hashes only those instead of scanning every input. Without
    /// it, or when the state came from disk, it scans every input.
    pub fn changed(&mut self, paths: BTreeSet<PathBuf>) {
        self.changed = Some(paths);
    }

    /// The cache of a build into `out`: this session's, while its state file is the one it
    /// saved (see [`Cache::reopen`]).
    pub(crate) fn open(&mut self, root: &Path, out: &Path, use_previous: bool) -> Cache {
        let (cache, reused) = Cache::reopen(self.cache.take(), root, out, use_previous);
        self.reused = reused;
        cache
    }

    /// The inputs now: only the paths the watcher reported, on top of the last successful
    /// build's inputs, when the state is this session's and the site has no links; otherwise
    /// (or when that fails) a full scan.
    pub(crate) fn scan(&mut self, root: &Path, cache: &Cache) -> Option<Inputs> {
        let changed = self.changed.take();
        let previous = cache.previous_inputs();
        let quick = self.reused && !self.linked && cache.previous.last.is_some();
        let rescanned = changed
            .filter(|_| quick)
            .and_then(|paths| super::rescan(root, previous, &paths));
        rescanned.or_else(|| {
            let (inputs, linked) = super::scan_linked(root, previous)?;
            self.linked = linked;
            Some(inputs)
        })
    }
}
