//! Serve stage, watching: file-system events under the site's sources -> one batch of changed
//! paths per burst.
//!
//! Input: the site root. Output: [`Watch::next_batch`], the set of changed source paths once
//! the sources have been quiet for the debounce window, so a `git checkout` touching a thousand
//! files gives one rebuild. Watched: `content/`, `data/` and `themes/` (recursively; theme
//! locale files live there) and `evalpress.yaml`. The root itself is watched without recursion,
//! only to see `evalpress.yaml` replaced by an editor's rename and source folders appear. Never
//! watched or counted: the output folders (`.evalpress/`, `public/`), `target/`, `.git/`, hidden
//! files (which the build ignores too) and editor backups (`~`). Nothing here builds.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::config::CONFIG_FILE;

/// The folders of the root whose whole trees are sources.
const SOURCE_DIRS: [&str; 3] = ["content", "data", "themes"];

/// A burst of more changed paths than this (a checkout, a copy) waits [`WIDER`] times the
/// debounce window: one save answers quickly, and a process rewriting many files that pauses
/// a moment (descheduled on a busy machine) still gives one rebuild.
const FEW: usize = 3;
const WIDER: u32 = 4;

/// A burst that never goes quiet (a process writing into `data/` in a loop) still gets a
/// rebuild this often.
const MAX_BURST: Duration = Duration::from_secs(5);

/// What reaches the watch loop: a file-system event, or the server stopping.
pub(crate) enum Message {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// The watcher of one site and the channel its events arrive on.
pub(crate) struct Watch {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: Receiver<Message>,
    watched: BTreeSet<PathBuf>,
    quiet: Duration,
}

impl Watch {
    /// Starts watching the site at `root` (absolute, canonical). Returns the watch and a sender
    /// that stops it with [`Message::Stop`].
    pub(crate) fn start(root: &Path, quiet: Duration) -> notify::Result<(Watch, Sender<Message>)> {
        let (tx, events) = channel();
        let to_loop = tx.clone();
        let mut watcher = notify::recommended_watcher(move |e| {
            let _ = to_loop.send(Message::Fs(e));
        })?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut watch = Watch {
            root: root.to_path_buf(),
            watcher,
            events,
            watched: BTreeSet::new(),
            quiet,
        };
        watch.watch_source_dirs(&BTreeSet::new());
        Ok((watch, tx))
    }

    /// Adds the recursive watches of the source folders that exist and are not watched yet.
    /// A folder in `replaced` (it was itself created, removed or renamed, as a checkout may do)
    /// is watched anew, since the old watch went with the old folder.
    fn watch_source_dirs(&mut self, replaced: &BTreeSet<PathBuf>) {
        for name in SOURCE_DIRS {
            let dir = self.root.join(name);
            if replaced.contains(Path::new(name)) && self.watched.remove(&dir) {
                let _ = self.watcher.unwatch(&dir);
            }
            if dir.is_dir()
                && !self.watched.contains(&dir)
                && self.watcher.watch(&dir, RecursiveMode::Recursive).is_ok()
            {
                self.watched.insert(dir);
            }
        }
    }

    /// Waits for the next change of a source, then gathers events until none has come for the
    /// debounce window (at most [`MAX_BURST`]). Returns the changed paths relative to the root,
    /// sorted, or `None` when the server stops. An event the watcher could not deliver (its
    /// queue overflowed) counts as a change of the whole root.
    pub(crate) fn next_batch(&mut self) -> Option<BTreeSet<PathBuf>> {
        let mut changed = BTreeSet::new();
        while changed.is_empty() {
            self.take(self.events.recv().ok()?, &mut changed)?;
        }
        let started = Instant::now();
        let quiet = |changed: &BTreeSet<PathBuf>| match changed.len() {
            n if n > FEW => self.quiet * WIDER,
            _ => self.quiet,
        };
        let mut deadline = started + quiet(&changed);
        loop {
            let now = Instant::now();
            if now >= deadline || now >= started + MAX_BURST {
                break;
            }
            match self.events.recv_timeout(deadline - now) {
                // Any source event, even for a path already in the batch (a file written in
                // many chunks), keeps the burst open.
                Ok(message) => {
                    if self.take(message, &mut changed)? {
                        deadline = Instant::now() + quiet(&changed);
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        self.watch_source_dirs(&changed);
        Some(changed)
    }

    /// Adds the source paths of one message to `changed` and says whether it had any;
    /// `None` on [`Message::Stop`].
    fn take(&self, message: Message, changed: &mut BTreeSet<PathBuf>) -> Option<bool> {
        let event = match message {
            Message::Stop => return None,
            Message::Fs(Err(_)) => {
                changed.insert(PathBuf::new());
                return Some(true);
            }
            Message::Fs(Ok(event)) => event,
        };
        let mut any = event.need_rescan();
        if any {
            changed.insert(PathBuf::new());
        }
        if !matches!(event.kind, EventKind::Access(_)) {
            for path in event
                .paths
                .iter()
                .filter_map(|p| source_path(&self.root, p))
            {
                changed.insert(path);
                any = true;
            }
        }
        Some(any)
    }
}

/// `path` relative to `root` when a change there can change the site, else `None`.
pub(crate) fn source_path(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let names: Vec<&str> = rel
        .components()
        .map(|c| match c {
            Component::Normal(n) => n.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let first = *names.first()?;
    let last = *names.last()?;
    let source = (names.len() == 1 && first == CONFIG_FILE) || SOURCE_DIRS.contains(&first);
    let ignored = names.iter().any(|n| n.starts_with('.')) || last.ends_with('~');
    (source && !ignored).then(|| rel.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count() {
        let root = Path::new("/site");
        let yes = |p: &str| source_path(root, &root.join(p)).is_some();
        assert!(yes("evalpress.yaml"));
        assert!(yes("content/r/index.md"));
        assert!(yes("content"));
        assert!(yes("data/a.csv"));
        assert!(yes("themes/mine/locales/da.yaml"));
        assert!(!yes(".evalpress/serve/index.html"));
        assert!(!yes("public/index.html"));
        assert!(!yes("target/debug/x"));
        assert!(!yes(".git/index"));
        assert!(!yes("README.md"));
        assert!(!yes("sub/evalpress.yaml"));
        assert!(!yes("content/r/.index.md.swp"));
        assert!(!yes("content/r/index.md~"));
        assert!(!yes("content/.git/x"));
        assert!(source_path(root, Path::new("/elsewhere/content/x.md")).is_none());
    }

    #[test]
    fn a_burst_of_writes_is_one_batch_and_a_rename_into_place_is_seen() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::create_dir_all(root.join("content/r")).unwrap();
        let (mut watch, stop) = Watch::start(&root, Duration::from_millis(200)).unwrap();
        // A change that is never seen fails the test instead of hanging it.
        let watchdog = stop.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(30));
            let _ = watchdog.send(Message::Stop);
        });
        for i in 0..200 {
            std::fs::write(root.join(format!("content/r/f{i}.md")), "x").unwrap();
        }
        let batch = watch.next_batch().unwrap();
        assert_eq!(batch.len(), 200, "{batch:?}");

        // An editor's save: write a hidden temporary file, rename it over the source.
        std::fs::write(root.join("content/r/.f1.md.tmp"), "y").unwrap();
        std::fs::rename(
            root.join("content/r/.f1.md.tmp"),
            root.join("content/r/f1.md"),
        )
        .unwrap();
        let batch = watch.next_batch().unwrap();
        assert_eq!(batch, BTreeSet::from([PathBuf::from("content/r/f1.md")]));

        // A checkout that replaces the whole folder: changes in the new one are still seen.
        std::fs::rename(root.join("content"), root.join("old")).unwrap();
        std::fs::create_dir_all(root.join("content/s")).unwrap();
        assert!(watch.next_batch().unwrap().contains(Path::new("content")));
        std::fs::write(root.join("content/s/index.md"), "z").unwrap();
        let batch = watch.next_batch().unwrap();
        assert_eq!(batch, BTreeSet::from([PathBuf::from("content/s/index.md")]));

        stop.send(Message::Stop).unwrap();
        assert!(watch.next_batch().is_none());
    }

    #[test]
    fn a_burst_of_many_paths_waits_longer_for_quiet() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::create_dir_all(root.join("content/r")).unwrap();
        let window = Duration::from_millis(50);
        let (mut watch, stop) = Watch::start(&root, window).unwrap();
        let watchdog = stop.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(30));
            let _ = watchdog.send(Message::Stop);
        });
        let write = |names: std::ops::Range<usize>| {
            for i in names {
                std::fs::write(root.join(format!("content/r/f{i}.md")), "x").unwrap();
            }
        };
        // Many files, a pause twice the window, many more: one burst (the window widened).
        let batch = std::thread::scope(|s| {
            s.spawn(|| {
                write(0..10);
                std::thread::sleep(window * 2);
                write(10..20);
            });
            watch.next_batch().unwrap()
        });
        assert_eq!(batch.len(), 20, "{batch:?}");
        // One file, a long pause, another: two rebuilds, the first one soon.
        let (first, second) = std::thread::scope(|s| {
            s.spawn(|| {
                write(20..21);
                std::thread::sleep(window * 8);
                write(21..22);
            });
            (watch.next_batch().unwrap(), watch.next_batch().unwrap())
        });
        assert_eq!(first, BTreeSet::from([PathBuf::from("content/r/f20.md")]));
        assert_eq!(second, BTreeSet::from([PathBuf::from("content/r/f21.md")]));
        stop.send(Message::Stop).unwrap();
    }
}
