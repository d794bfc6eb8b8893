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

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::config::CONFIG_FILE;
use crate::digest::{Digest, Stamp};

/// A file modified less than this long before it was hashed is hashed again next time.
const SETTLED: Duration = Duration::from_secs(2);

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
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut files = Vec::new();
    let mut inputs = Inputs::new();
    for top in READ {
        let path = root.join(top);
        if !path.exists() && !path.is_symlink() {
            continue;
        }
        for entry in WalkDir::new(&path).follow_links(true).sort_by_file_name() {
            let entry = entry.ok()?;
            let rel = entry.path().strip_prefix(root).ok()?;
            let rel = rel.to_string_lossy().replace('\\', "/");
            let kind = entry.file_type();
            if kind.is_dir() {
                inputs.insert(rel, None);
            } else if kind.is_file() {
                files.push((rel, entry.into_path()));
            } else {
                return None;
            }
        }
    }
    let hashed: Vec<Option<(String, Input)>> = files
        .into_par_iter()
        .map(|(rel, path)| {
            let stamp = Stamp::of(&path).ok()?;
            let digest = match previous.get(&rel) {
                Some(Some(old)) if old.settled && old.stamp == stamp => old.digest,
                _ => Digest::of_file(&path).ok()?,
            };
            let settled = stamp.mtime + SETTLED.as_nanos() < now;
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
