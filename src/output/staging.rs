//! Rendered files -> the staging tree, as they are rendered (part of the output stage).
//!
//! Input: each file a render task hands on. Output: the file written into the staging folder
//! beside the output (or left to be linked from the published tree when its bytes are
//! unchanged) and, kept in its place, only its digest. It never touches the published tree:
//! [`publish`](super::publish) swaps the staged tree in, or makes a small change in place.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{Folders, Manifest, Swap, Tree, WriteError, absolute, at, safe};
use crate::diagnostics::Diagnostic;
use crate::digest::Digest;
use crate::render::{OutputContent, OutputFile, Sink, Staged};

/// The new tree of a build while its files are rendered: a [`Sink`] that hashes each file
/// it takes and writes it into the staging folder beside the output, unless the published file
/// has the same bytes (that one is linked when the tree is published), keeping only the digest.
/// [`publish`] then swaps the tree in, or makes a small change in place. Dropped without being
/// published (a later page failed), it removes the staging folder: the output is untouched.
pub struct Staging {
    pub(super) swap: Swap,
    pub(super) previous: Manifest,
    pub(super) folders: Folders,
    /// The first file that could not be written, reported by [`publish`].
    pub(super) failed: Mutex<Option<WriteError>>,
    /// The folders of the staging tree made so far: a report's files share one, and asking
    /// for it again for each of them cost a failing `mkdir` and a `stat` per file.
    made: Mutex<HashSet<PathBuf>>,
}

/// Starts the new tree of `out`, whose published tree `previous` describes (empty when
/// unknown), with the stamps of its folders: finishes an interrupted build and clears an old
/// staging folder first.
pub fn staging(
    out: &Path,
    (previous, folders): (Manifest, Folders),
) -> Result<Staging, Diagnostic> {
    let swap = Swap::of(&absolute(out));
    swap.recover()
        .map_err(|e| swap.fail("cannot recover from an interrupted build", &swap.old, e))?;
    fs::create_dir_all(&swap.parent)
        .map_err(|e| swap.fail("cannot create the output's parent folder", &swap.parent, e))?;
    if swap.staging.exists() {
        fs::remove_dir_all(&swap.staging)
            .map_err(|e| swap.fail("cannot remove an old staging folder", &swap.staging, e))?;
    }
    fs::create_dir_all(&swap.staging).map_err(|e| swap.no_staging(e))?;
    Ok(Staging {
        swap,
        previous,
        folders,
        failed: Mutex::new(None),
        made: Mutex::default(),
    })
}

impl Staging {
    pub(super) fn tree(&self) -> Tree<'_> {
        Tree {
            dir: &self.swap.staging,
            previous_dir: &self.swap.out,
            previous: &self.previous,
            folders: &self.folders,
        }
    }

    /// The bytes of `f`, read back from the new tree or the published one where it was staged.
    pub fn bytes(&self, f: &OutputFile) -> Option<Vec<u8>> {
        match &f.content {
            OutputContent::Bytes(bytes) => Some(bytes.clone()),
            OutputContent::Staged(s) => {
                let dir = if s.written {
                    &self.swap.staging
                } else {
                    &self.swap.out
                };
                fs::read(dir.join(&f.path)).ok()
            }
            OutputContent::Copy(_) => None,
        }
    }

    /// Makes folder `p` of the staging tree, unless this build made it already.
    fn make_folder(&self, p: &Path) -> Result<(), WriteError> {
        if self.made.lock().is_ok_and(|set| set.contains(p)) {
            return Ok(());
        }
        // Two render tasks may both make it: making a folder that exists is no error.
        fs::create_dir_all(p).map_err(at(p))?;
        if let Ok(mut set) = self.made.lock() {
            set.insert(p.to_path_buf());
        }
        Ok(())
    }

    fn stage(&self, f: &OutputFile, bytes: &[u8]) -> Result<Staged, WriteError> {
        let digest = Digest::of(bytes);
        let tree = self.tree();
        if tree.reusable(f, digest) {
            return Ok(Staged {
                digest,
                written: false,
            });
        }
        let target = self.swap.staging.join(&f.path);
        if let Some(p) = target.parent() {
            self.make_folder(p)?;
        }
        fs::write(&target, bytes).map_err(at(&target))?;
        Ok(Staged {
            digest,
            written: true,
        })
    }
}

impl Sink for Staging {
    /// Stages a file with bytes; anything else (an asset, an unsafe path, a file that could not
    /// be written) is kept as it is, and a write failure is reported by [`publish`].
    fn put(&self, f: OutputFile) -> OutputFile {
        let OutputContent::Bytes(bytes) = &f.content else {
            return f;
        };
        if !safe(&f.path) {
            return f;
        }
        match self.stage(&f, bytes) {
            Ok(staged) => OutputFile {
                content: OutputContent::Staged(staged),
                ..f
            },
            Err(e) => {
                let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
                // The first in path order, whichever thread got there first.
                if failed.as_ref().is_none_or(|(p, _)| e.0 < *p) {
                    *failed = Some(e);
                }
                f
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.swap.staging.exists() {
            let _ = fs::remove_dir_all(&self.swap.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Published, publish};
    use super::*;
    use std::path::PathBuf;

    fn page(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            source: PathBuf::from("content/r.md"),
            content: OutputContent::Bytes(text.as_bytes().to_vec()),
        }
    }

    /// Puts `files` through a staging of `out` and publishes them.
    fn stream(
        out: &Path,
        previous: Manifest,
        files: Vec<OutputFile>,
    ) -> Result<Published, Diagnostic> {
        let staging = staging(out, (previous, Folders::new())).unwrap();
        let kept: Vec<OutputFile> = files.into_iter().map(|f| staging.put(f)).collect();
        publish(staging, &kept)
    }

    #[test]
    #[cfg(unix)]
    fn a_staged_file_is_written_at_once_and_an_unchanged_one_linked_at_the_end() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let files = || vec![page("a/index.html", "a"), page("b/index.html", "b")];
        let first = stream(&out, Manifest::new(), files()).unwrap();
        assert_eq!(first.rewritten, ["a/index.html", "b/index.html"]);
        let inode = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
        let b = inode("b/index.html");

        let staging = staging(&out, (first.manifest.clone(), Folders::new())).unwrap();
        let new = tmp.path().join(".out.evalpress-new");
        let a = staging.put(page("a/index.html", "a, edited"));
        assert!(matches!(
            a.content,
            OutputContent::Staged(Staged { written: true, .. })
        ));
        assert_eq!(fs::read(new.join("a/index.html")).unwrap(), b"a, edited");
        let same = staging.put(page("b/index.html", "b"));
        assert!(matches!(
            same.content,
            OutputContent::Staged(Staged { written: false, .. })
        ));
        assert!(!new.join("b/index.html").exists());
        assert_eq!(staging.bytes(&same).unwrap(), b"b");
        let second = publish(staging, &[a, same]).unwrap();
        assert_eq!(second.rewritten, ["a/index.html"]);
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"a, edited");
        assert_eq!(
            inode("b/index.html"),
            b,
            "an unchanged file was written again"
        );
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "staging left behind"
        );
    }

    #[test]
    fn a_file_that_cannot_be_staged_fails_the_publish_and_a_dropped_staging_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let first = stream(&out, Manifest::new(), vec![page("a/index.html", "a")]).unwrap();
        let before = fs::read(out.join("a/index.html")).unwrap();
        // A file where a folder must go: the second page cannot be written.
        let files = vec![
            page("a/index.html", "new"),
            page("x", "file"),
            page("x/index.html", "under a file"),
        ];
        let err = stream(&out, first.manifest.clone(), files).unwrap_err();
        assert!(
            err.message.starts_with("cannot write the new site"),
            "{}",
            err.message
        );
        assert!(err.file.ends_with("x"), "{}", err.file.display());
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), before);
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "staging left behind"
        );

        // A build that fails later (a page's error) drops its staging: nothing is left.
        let staging = staging(&out, (first.manifest, Folders::new())).unwrap();
        let _ = staging.put(page("a/index.html", "newer"));
        drop(staging);
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), before);
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "staging left behind"
        );
    }
}
