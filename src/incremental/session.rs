//! What a series of builds in one process keeps from one build to the next (part of the
//! `incremental` stage).
//!
//! The live server builds one site again and again. A [`Session`] keeps the cache's state as the
//! last build saved it, so that the next build does not read it again (see [`Cache::reopen`]),
//! and what the server's file watcher saw change since, so that the next build stamps and hashes
//! only those paths instead of every input (see [`super::rescan`]). It also keeps what the last
//! build loaded (see [`Loaded`]): the listing of the sources, taken again while the watcher saw
//! nothing change under `content/` or `themes/`, and the models' catalog, taken again while the
//! digests of the model files are the same.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Cache, Inputs};
use crate::config::CONFIG_FILE;
use crate::diagnostics::Diagnostics;
use crate::model::Sources;
use crate::models::cache::Kept;

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
    pub(crate) loaded: Loaded,
}

/// What the last build of a session loaded, for the next one to take as it is.
#[derive(Default)]
pub(crate) struct Loaded {
    /// The sources (`load`) and the diagnostics listing them gave, with the theme they were
    /// listed for.
    sources: Option<(String, Arc<(Sources, Diagnostics)>)>,
    /// Whether the build under way may take `sources`: its inputs are the last build's and what
    /// the watcher reported, and none of that is under `content/` or `themes/` or the config.
    sources_hold: bool,
    /// The models' catalog (see [`crate::models::cache::load`]).
    pub(crate) catalog: Option<Kept>,
}

impl Loaded {
    /// The sources of the site at `root` with `theme`: the last build's when they still hold,
    /// otherwise listed (and kept for the next build).
    pub(crate) fn sources(&mut self, root: &Path, theme: &str) -> Arc<(Sources, Diagnostics)> {
        // Only for the build whose scan said so.
        let hold = std::mem::take(&mut self.sources_hold);
        match &self.sources {
            Some((listed_for, sources)) if hold && listed_for == theme => Arc::clone(sources),
            _ => {
                let sources = Arc::new(crate::load::load(root, theme));
                self.sources = Some((theme.to_string(), Arc::clone(&sources)));
                sources
            }
        }
    }
}

/// Whether a change at `path` (relative to the site root; empty for "anything") may change
/// what `load` lists.
fn touches_sources(path: &Path) -> bool {
    path.as_os_str().is_empty()
        || path.starts_with("content")
        || path.starts_with("themes")
        || path == Path::new(CONFIG_FILE)
}

impl Default for Session {
    fn default() -> Session {
        Session {
            cache: None,
            changed: None,
            linked: true,
            reused: false,
            loaded: Loaded::default(),
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.flush();
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

    /// Saves the state the last build kept (see [`Cache::keep`]), if it is not saved yet: a
    /// series of builds calls it when the result of one is out (the live server, once the
    /// browser was told to reload), and the next build, or dropping the session, does it
    /// otherwise. A state that cannot be saved only makes the next build read and write more.
    pub fn flush(&mut self) {
        if let Some(cache) = &mut self.cache
            && cache.write().is_err()
        {
            self.cache = None;
        }
    }

    /// The cache of a build into `out`: this session's, while its state file is the one it
    /// saved (see [`Cache::reopen`]).
    pub(crate) fn open(&mut self, root: &Path, out: &Path, use_previous: bool) -> Cache {
        self.flush();
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
        let mut untouched = false;
        let rescanned = changed.filter(|_| quick).and_then(|paths| {
            untouched = !paths.iter().any(|p| touches_sources(p));
            super::rescan(root, previous, &paths)
        });
        self.loaded.sources_hold = untouched && rescanned.is_some();
        rescanned.or_else(|| {
            let (inputs, linked) = super::scan_linked(root, previous)?;
            self.linked = linked;
            Some(inputs)
        })
    }
}
