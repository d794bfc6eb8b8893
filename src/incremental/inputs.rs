//! The site's inputs -> one digest per file, reusing the previous build's digest of a file
//! whose stamp (size, modification time, inode) is unchanged and settled.
//!
//! Input: the site root and the previous build's [`Inputs`]. Output: this build's [`Inputs`]:
//! every file and folder under what a build reads (the config file, `content/`, `data/`,
//! `themes/`), symbolic links followed as `load` follows them. Nothing else under the root can
//! change a page (the output, `.evalpress/`, a repository's `src/` or `target/` are not read), so
//! nothing else is hashed. It must not print, and it never decides by a stamp alone that a file
//! is unchanged when the stamp could hide an edit: a stamp is trusted only for a file last
//! modified well before it was hashed, so an edit in the same tick of the file system's clock as
//! the hash (same size, same time) is never missed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::config::CONFIG_FILE;
use crate::digest::{Digest, Stamp};

/// What the site root holds that a build reads; everything under the folders is walked.
const READ: [&str; 4] = [CONFIG_FILE, "content", "data", "themes"];

/// One input: a folder (`None`), or a file's digest with the stamp it had when hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    pub digest: Digest,
    pub stamp: Stamp,
    /// The stamp may stand for the digest next time (the file had settled when hashed).
    pub settled: bool,
}

/// Every input by its path relative to the root (with `/`), folders as `None`.
pub type Inputs = BTreeMap<String, Option<Input>>;

/// The inputs of the site at `root` now; `None` when something under it cannot be read (the
/// build reports what, so there is nothing to compare).
pub fn scan(root: &Path, previous: &Inputs) -> Option<Inputs> {
    scan_linked(root, previous).map(|(inputs, _)| inputs)
}

/// [`scan`], and whether it followed a symbolic link.
pub fn scan_linked(root: &Path, previous: &Inputs) -> Option<(Inputs, bool)> {
    let mut listed = Listed::default();
    for top in READ {
        listed.walk(root, &root.join(top))?;
    }
    let linked = listed.linked;
    Some((listed.hash(previous)?, linked))
}

/// The inputs of the site at `root` now, from `previous` and the paths (relative to the root)
/// that changed since it was scanned, as a file watcher reports them: only those are stamped,
/// hashed or, for folders, walked again. `None` when that cannot stand for a [`scan`]: the
/// empty path (the watcher lost events), a path that cannot be read, or a symbolic link
/// (whose target's changes are reported under the target's path, not the link's).
pub fn rescan(root: &Path, previous: &Inputs, changed: &BTreeSet<PathBuf>) -> Option<Inputs> {
    let mut listed = Listed::default();
    let mut gone = Vec::new();
    for path in changed {
        let rel = path.to_string_lossy().replace('\\', "/");
        if rel.is_empty() {
            return None;
        }
        if !READ.contains(&rel.split('/').next().unwrap_or_default()) {
            continue;
        }
        gone.push(rel.clone());
        // The folders above a changed path are what they are now, whatever the events said.
        let mut above = rel.as_str();
        while let Some((parent, _)) = above.rsplit_once('/') {
            if root.join(parent).is_dir() {
                listed.folders.insert(parent.to_string(), None);
            } else {
                gone.push(parent.to_string());
            }
            above = parent;
        }
        listed.walk(root, &root.join(path))?;
    }
    if listed.linked {
        return None;
    }
    let mut inputs = previous.clone();
    for rel in &gone {
        let under = format!("{rel}/");
        inputs.remove(rel);
        let inside: Vec<String> = inputs
            .range(under.clone()..)
            .take_while(|(p, _)| p.starts_with(&under))
            .map(|(p, _)| p.clone())
            .collect();
        for p in inside {
            inputs.remove(&p);
        }
    }
    // A changed file is hashed again whatever its stamp says.
    inputs.extend(listed.hash(&Inputs::new())?);
    Some(inputs)
}

/// Folders and files found by walks, not yet hashed.
#[derive(Default)]
struct Listed {
    folders: Inputs,
    files: Vec<(String, PathBuf)>,
    /// A walk followed a symbolic link.
    linked: bool,
}

impl Listed {
    /// Adds everything at and under `path` (nothing when it does not exist); `None` when
    /// something cannot be read or is neither a file nor a folder.
    fn walk(&mut self, root: &Path, path: &Path) -> Option<()> {
        if !path.exists() && !path.is_symlink() {
            return Some(());
        }
        for entry in WalkDir::new(path).follow_links(true).sort_by_file_name() {
            let entry = entry.ok()?;
            self.linked |= entry.path_is_symlink();
            let rel = entry.path().strip_prefix(root).ok()?;
            let rel = rel.to_string_lossy().replace('\\', "/");
            let kind = entry.file_type();
            if kind.is_dir() {
                self.folders.insert(rel, None);
            } else if kind.is_file() {
                self.files.push((rel, entry.into_path()));
            } else {
                return None;
            }
        }
        Some(())
    }

    /// The folders and the files' digests, reusing `previous`'s where a stamp allows.
    fn hash(self, previous: &Inputs) -> Option<Inputs> {
        let now = Stamp::now();
        let (mut inputs, files) = (self.folders, self.files);
        let hashed: Vec<Option<(String, Input)>> = files
            .into_par_iter()
            .map(|(rel, path)| {
                let stamp = Stamp::of(&path).ok()?;
                let digest = match previous.get(&rel) {
                    Some(Some(old)) if old.settled && old.stamp == stamp => old.digest,
                    _ => Digest::of_file(&path).ok()?,
                };
                let settled = stamp.settled(now);
                Some((
                    rel,
                    Input {
                        digest,
                        stamp,
                        settled,
                    },
                ))
            })
            .collect();
        for (rel, input) in hashed.into_iter().collect::<Option<Vec<_>>>()? {
            inputs.insert(rel, Some(input));
        }
        Some(inputs)
    }
}

/// The two scans saw the same files and folders with the same bytes.
pub fn same(a: &Inputs, b: &Inputs) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((pa, ia), (pb, ib))| pa == pb && ia.map(|i| i.digest) == ib.map(|i| i.digest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content/a")).unwrap();
        fs::create_dir_all(dir.path().join("src")).unwrap();
        fs::write(dir.path().join(CONFIG_FILE), "title: T\n").unwrap();
        fs::write(dir.path().join("content/a/index.md"), "x").unwrap();
        fs::write(dir.path().join("src/ignored.rs"), "x").unwrap();
        dir
    }

    #[test]
    fn only_what_a_build_reads_is_scanned() {
        let dir = site();
        let inputs = scan(dir.path(), &Inputs::new()).unwrap();
        let paths: Vec<&str> = inputs.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            ["content", "content/a", "content/a/index.md", CONFIG_FILE]
        );
        assert!(inputs["content"].is_none());
    }

    /// The paths of `inputs`, with the digest of each file.
    fn listing(inputs: &Inputs) -> Vec<(String, Option<Digest>)> {
        inputs
            .iter()
            .map(|(p, i)| (p.clone(), i.map(|i| i.digest)))
            .collect()
    }

    #[test]
    fn a_rescan_of_the_reported_paths_gives_what_a_scan_gives() {
        let dir = site();
        let root = dir.path();
        let mut previous = scan(root, &Inputs::new()).unwrap();
        let edits: [(&[&str], &dyn Fn()); 5] = [
            (&["content/a/index.md"], &|| {
                fs::write(root.join("content/a/index.md"), "edited").unwrap()
            }),
            (&["content/b"], &|| {
                fs::create_dir_all(root.join("content/b/img")).unwrap();
                fs::write(root.join("content/b/index.md"), "b").unwrap();
                fs::write(root.join("content/b/img/x.png"), "png").unwrap();
            }),
            (&["content/b/img/x.png", "content/b/img"], &|| {
                fs::remove_dir_all(root.join("content/b/img")).unwrap()
            }),
            // Only the file is reported, not its folder going with it.
            (&["content/b/index.md"], &|| {
                fs::remove_dir_all(root.join("content/b")).unwrap()
            }),
            (&[CONFIG_FILE, "src/ignored.rs"], &|| {
                fs::write(root.join(CONFIG_FILE), "title: U\n").unwrap();
                fs::write(root.join("src/ignored.rs"), "y").unwrap();
            }),
        ];
        for (reported, edit) in edits {
            edit();
            let changed = reported.iter().map(PathBuf::from).collect();
            let quick = rescan(root, &previous, &changed).unwrap();
            let full = scan(root, &previous).unwrap();
            assert_eq!(listing(&quick), listing(&full), "{reported:?}");
            previous = full;
        }
        // Not reported, not seen: the rescan goes by what it is told.
        fs::write(root.join("content/a/index.md"), "unreported").unwrap();
        let quick = rescan(root, &previous, &BTreeSet::new()).unwrap();
        assert_eq!(listing(&quick), listing(&previous));
        // Lost events, or a link, need a full scan.
        assert!(rescan(root, &previous, &BTreeSet::from([PathBuf::new()])).is_none());
        #[cfg(unix)]
        {
            let link = root.join("content/a/logo.png");
            std::os::unix::fs::symlink(root.join("src/ignored.rs"), &link).unwrap();
            let changed = BTreeSet::from([PathBuf::from("content/a/logo.png")]);
            assert!(rescan(root, &previous, &changed).is_none());
            assert!(
                scan_linked(root, &previous).unwrap().1,
                "the scan followed a link"
            );
            fs::remove_file(link).unwrap();
            assert!(!scan_linked(root, &previous).unwrap().1);
        }
    }

    #[test]
    fn an_edit_of_the_same_size_is_seen() {
        let dir = site();
        let first = scan(dir.path(), &Inputs::new()).unwrap();
        fs::write(dir.path().join("content/a/index.md"), "y").unwrap();
        // The file was just written, so its stamp is not trusted: it is hashed again even if
        // the clock did not move.
        let second = scan(dir.path(), &first).unwrap();
        assert!(!same(&first, &second));
        assert!(same(&second, &scan(dir.path(), &second).unwrap()));
    }

    #[test]
    fn new_folders_and_files_change_the_inputs() {
        let dir = site();
        let first = scan(dir.path(), &Inputs::new()).unwrap();
        fs::create_dir_all(dir.path().join("content/b")).unwrap();
        let second = scan(dir.path(), &first).unwrap();
        assert!(!same(&first, &second));
        fs::write(dir.path().join("src/other.rs"), "z").unwrap();
        assert!(same(&second, &scan(dir.path(), &second).unwrap()));
    }

    #[test]
    fn a_settled_stamp_stands_for_the_digest() {
        let dir = site();
        let path = "content/a/index.md".to_string();
        let mut previous = scan(dir.path(), &Inputs::new()).unwrap();
        let stamp = Stamp::of(&dir.path().join(&path)).unwrap();
        let forged = Input {
            digest: Digest(7),
            stamp,
            settled: true,
        };
        previous.insert(path.clone(), Some(forged));
        let trusted = scan(dir.path(), &previous).unwrap()[&path].unwrap();
        assert_eq!(trusted.digest, Digest(7));
        previous.insert(
            path.clone(),
            Some(Input {
                settled: false,
                ..forged
            }),
        );
        let rehashed = scan(dir.path(), &previous).unwrap()[&path].unwrap();
        assert_eq!(rehashed.digest, Digest::of(b"x"));
    }
}
