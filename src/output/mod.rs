//! Rendered files -> the published folder, all or nothing.
//!
//! The new tree is written into a hidden folder beside the output (`.<name>.evalpress-new`) and
//! swapped in only when every file was written, so a failed build (a full disk, a read-only
//! folder, an error in any page) leaves the previous output byte for byte. On Linux the swap is
//! one `renameat2(RENAME_EXCHANGE)`, so the published folder never stops existing; elsewhere,
//! or where the file system cannot exchange, it is two renames, and a run killed between them
//! leaves the previous tree in `.<name>.evalpress-old`, which the next build puts back before it
//! does anything else. Either way the published folder is the old or the new tree. A build
//! holds a lock on the output's parent folder from its first look at the output to the end of
//! the swap, so a second build into the same place waits ([`lock`]). The output folder is
//! refused where writing could destroy sources.
//!
//! A file whose bytes equal those of the file already published at its path (by the digest in
//! the previous build's [`Manifest`], trusted only while the published file's [`Stamp`] is
//! unchanged) is hard-linked from the published tree into the new one instead of written again
//! (copied where links fail), so the swap stays atomic and a build reports exactly which files
//! it rewrote.

mod folders;
mod in_place;
mod staging;

pub use folders::Folders;
pub use staging::{Staging, staging};

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Pos};
use crate::digest::{Digest, Stamp};
use crate::model::AssetData;
use crate::render::{OutputContent, OutputFile};

/// One published file: its content digest and what the file system said about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedFile {
    pub digest: Digest,
    pub stamp: Stamp,
}

/// Every file of a published tree, by path inside the output folder.
pub type Manifest = BTreeMap<String, PublishedFile>;

/// What a publish did: the files it wrote anew (the others were linked from the previous
/// tree), sorted, and the manifest of the new tree with the stamps of its settled folders.
#[derive(Debug, Default)]
pub struct Published {
    pub rewritten: Vec<String>,
    pub manifest: Manifest,
    pub folders: Folders,
}

/// The file published at `path` under `out` is still the one `manifest` recorded.
pub fn unchanged(out: &Path, path: &str, manifest: &Manifest) -> bool {
    manifest
        .get(path)
        .is_some_and(|f| Stamp::of(&out.join(path)).is_ok_and(|s| s == f.stamp))
}

/// The published tree in `out` is exactly the one `manifest` describes: the marker, every
/// file with its recorded stamp, and nothing else (no stray file a new tree would clear away;
/// `folders` are the stamps of its folders, see [`Folders`]).
pub fn intact(out: &Path, manifest: &Manifest, folders: &Folders) -> bool {
    !manifest.is_empty()
        && out.join(MARKER).is_file()
        && manifest
            .par_iter()
            .all(|(path, _)| unchanged(out, path, manifest))
        && folders::exact(out, manifest, folders).is_some()
}

/// The file that marks a folder as written by evalpress.
pub const MARKER: &str = ".evalpress-output";

/// Two files that would land on the same output path are an error naming both sources.
pub fn check_collisions(files: &[OutputFile]) -> Vec<Diagnostic> {
    let nfc = icu_normalizer::ComposingNormalizerBorrowed::new_nfc();
    let mut seen: BTreeMap<String, &OutputFile> = BTreeMap::new();
    let mut problems = Vec::new();
    for f in files {
        // File systems that ignore case, or Unicode normalisation (`é` as one code point or as
        // `e` + a combining accent, as macOS does), would merge such paths into one file.
        let key = nfc.normalize(&f.path).to_lowercase();
        let Some(first) = seen.get(&key) else {
            seen.insert(key, f);
            continue;
        };
        let (message, help) = if first.path == f.path {
            (
                format!(
                    "output path `{}` is also produced by {}",
                    f.path,
                    first.source.display()
                ),
                "rename one of the two sources so that they publish to different paths",
            )
        } else {
            (
                format!(
                    "output path `{}` and `{}` (from {}) are one file where names ignore case or Unicode normalisation",
                    f.path,
                    first.path,
                    first.source.display()
                ),
                "rename one of the two sources: names that differ only in case, or in an accent written as one or two characters, become one file on macOS and Windows",
            )
        };
        problems.push(Diagnostic::error(&f.source, Pos::FILE, message).help(help));
    }
    problems
}

/// Refuses output folders where a build could overwrite sources or foreign files, after
/// finishing what an interrupted build left beside the output (see `Swap::recover`), so that even a
/// build that then fails leaves a complete published folder.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let refuse = |why: String| {
        Err(Diagnostic::error(out, Pos::FILE, why)
            .help("choose another folder with --out, e.g. `public`"))
    };
    let root_abs = absolute(root);
    let out_abs = absolute(out);
    if out_abs == root_abs {
        return refuse("the output folder is the site root".into());
    }
    for source in ["content", "data", "themes", ".git"] {
        if out_abs.starts_with(root_abs.join(source)) {
            return refuse(format!(
                "the output folder is inside the site's {source}/ folder"
            ));
        }
    }
    if root_abs.starts_with(&out_abs) {
        return refuse("the output folder contains the site root".into());
    }
    let swap = Swap::of(&out_abs);
    swap.recover()
        .map_err(|e| swap.fail("cannot recover from an interrupted build", &swap.old, e))?;
    if out_abs.join(".git").exists() {
        return refuse("the output folder contains .git".into());
    }
    if out_abs.is_file() {
        return refuse("the output path is a file".into());
    }
    if out_abs.is_dir() && !out_abs.join(MARKER).exists() {
        let empty = fs::read_dir(&out_abs)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return refuse(format!(
                "the output folder is not empty and was not made by evalpress (no {MARKER} file)"
            ));
        }
    }
    Ok(())
}

fn safe(path: &str) -> bool {
    Path::new(path)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
}

/// Publishes `files` (those `staging` took, and the others) into its output, replacing the
/// previous content atomically.
pub fn publish(staging: Staging, files: &[OutputFile]) -> Result<Published, Diagnostic> {
    let swap = &staging.swap;
    let previous = &staging.previous;
    // After an in-place update: a new tree swapped in is all folders just made, none settled.
    let stamped = |published: Published, held| Published {
        folders: folders::stamps(&swap.out, &published.manifest, held),
        ..published
    };
    let failed = staging.failed.lock().map(|mut f| f.take()).unwrap_or(None);
    if let Some((path, e)) = failed {
        return Err(swap.fail("cannot write the new site", &path, e));
    }
    let tree = staging.tree();
    // A small change to a published tree that is exactly the previous build's is made in
    // place (nothing at all when nothing changed); anything else swaps in a whole new tree.
    if let Some(mut change) = tree.change(files) {
        if change.write.is_empty() && change.remove.is_empty() {
            let unchanged = Published {
                rewritten: Vec::new(),
                manifest: previous.clone(),
                folders: Folders::new(),
            };
            return Ok(stamped(unchanged, change.held));
        }
        let held = std::mem::take(&mut change.held);
        return in_place::update(swap, change, previous)
            .map(|published| stamped(published, held))
            .map_err(|(path, e)| swap.fail("cannot write the new site", &path, e));
    }
    let published = match tree.write(files) {
        Ok(published) => published,
        Err((path, e)) => {
            let _ = fs::remove_dir_all(&swap.staging);
            return Err(if path == swap.staging {
                swap.no_staging(e)
            } else {
                swap.fail("cannot write the new site", &path, e)
            });
        }
    };
    if swap.out.exists() {
        match exchange(&swap.staging, &swap.out) {
            // The previous tree is now where the new one was written.
            Ok(true) => {
                fs::remove_dir_all(&swap.staging).map_err(|e| {
                    swap.fail("cannot remove the previous output", &swap.staging, e)
                })?;
                return Ok(published);
            }
            Ok(false) => {}
            Err(e) => {
                let _ = fs::remove_dir_all(&swap.staging);
                return Err(swap.fail("cannot move the new site into place", &swap.out, e));
            }
        }
        fs::rename(&swap.out, &swap.old)
            .map_err(|e| swap.fail("cannot move the previous output aside", &swap.out, e))?;
    }
    if let Err(e) = fs::rename(&swap.staging, &swap.out) {
        let _ = fs::rename(&swap.old, &swap.out);
        let _ = fs::remove_dir_all(&swap.staging);
        return Err(swap.fail("cannot move the new site into place", &swap.out, e));
    }
    if swap.old.exists() {
        fs::remove_dir_all(&swap.old)
            .map_err(|e| swap.fail("cannot remove the previous output", &swap.old, e))?;
    }
    Ok(published)
}

/// Exchanges the folders `a` and `b` in one step; `Ok(false)` where the system or the file
/// system cannot (the caller then renames twice).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Held while a build looks at, writes and swaps its output: an exclusive `flock` on the
/// output's parent folder, released when dropped (or when the process dies, however it dies).
#[derive(Debug)]
pub struct Lock {
    _dir: fs::File,
}

/// Locks the parent folder of `out` (creating it when missing), calling `waiting` once with the
/// folder if another build holds it, and then waiting for that build to end. A folder rather
/// than a lock file, so nothing is left beside the output and a read-only parent still locks.
pub fn lock(out: &Path, waiting: &dyn Fn(&Path)) -> Result<Lock, Diagnostic> {
    let swap = Swap::of(&absolute(out));
    let at = |what: &str, e: io::Error| swap.fail(what, &swap.parent, e);
    fs::create_dir_all(&swap.parent)
        .map_err(|e| at("cannot create the output's parent folder", e))?;
    let dir = fs::File::open(&swap.parent)
        .map_err(|e| at("cannot open the output's parent folder", e))?;
    match dir.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            waiting(&swap.parent);
            dir.lock()
                .map_err(|e| at("cannot lock the output's parent folder", e))?;
        }
        Err(fs::TryLockError::Error(e)) => {
            return Err(at("cannot lock the output's parent folder", e));
        }
    }
    Ok(Lock { _dir: dir })
}

/// The output folder and the two hidden folders beside it that make the swap atomic.
struct Swap {
    out: PathBuf,
    parent: PathBuf,
    /// The new tree while it is written.
    staging: PathBuf,
    /// The previous tree between the two renames.
    old: PathBuf,
    /// The journal of an in-place update (see `in_place`).
    journal: PathBuf,
}

impl Swap {
    fn of(out: &Path) -> Swap {
        let parent = out
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        Swap {
            out: out.to_path_buf(),
            staging: parent.join(format!(".{name}.evalpress-new")),
            old: parent.join(format!(".{name}.evalpress-old")),
            journal: parent.join(format!(".{name}.evalpress-journal")),
            parent,
        }
    }

    /// Finishes an interrupted build. Killed before the first rename: the output is intact and
    /// a partial staging folder is removed. Killed between the renames: the output is missing
    /// and the previous tree is moved back. Killed after the second rename: the new output is
    /// in place and the previous tree is removed. A committed in-place update (see `in_place`)
    /// is finished first.
    fn recover(&self) -> io::Result<()> {
        in_place::roll_forward(self)?;
        if self.old.exists() {
            if self.out.exists() {
                fs::remove_dir_all(&self.old)?;
            } else {
                fs::rename(&self.old, &self.out)?;
            }
        }
        if self.staging.exists() {
            fs::remove_dir_all(&self.staging)?;
        }
        Ok(())
    }

    fn no_staging(&self, e: io::Error) -> Diagnostic {
        let name = self
            .staging
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        let what = format!("cannot create the new site's folder {name} beside the output");
        self.fail(&what, &self.out, e)
    }

    fn fail(&self, what: &str, path: &Path, e: io::Error) -> Diagnostic {
        let help = match e.kind() {
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge => {
                "free disk space: the new site is written in full beside the old one before it replaces it".to_string()
            }
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => format!(
                "make {} writable: evalpress writes the new site beside the output folder and swaps it in",
                self.parent.display()
            ),
            _ => "check free disk space and that the output's parent folder is writable".to_string(),
        };
        Diagnostic::error(path, Pos::FILE, format!("{what}: {e}")).help(help)
    }
}

/// A new tree being written, beside the published one it may reuse files from.
struct Tree<'a> {
    dir: &'a Path,
    previous_dir: &'a Path,
    previous: &'a Manifest,
    /// The stamps of the published tree's folders.
    folders: &'a Folders,
}

type WriteError = (PathBuf, io::Error);

impl Tree<'_> {
    /// Writes the tree (files in parallel; the first failure in file order is reported); on
    /// failure, the path that could not be written and why.
    fn write(&self, files: &[OutputFile]) -> Result<Published, WriteError> {
        fs::create_dir_all(self.dir).map_err(at(self.dir))?;
        let marker = self.dir.join(MARKER);
        fs::write(
            &marker,
            b"This folder is written by evalpress and replaced on every build.\n",
        )
        .map_err(at(&marker))?;
        let mut folders: Vec<PathBuf> = Vec::new();
        for f in files {
            let rel = Path::new(&f.path);
            let target = self.dir.join(rel);
            if !safe(&f.path) {
                let e = io::Error::other(format!("unsafe output path {}", f.path));
                return Err((target, e));
            }
            if let Some(p) = target.parent()
                && folders.last().map(PathBuf::as_path) != Some(p)
            {
                fs::create_dir_all(p).map_err(at(p))?;
                folders.push(p.to_path_buf());
            }
        }
        let placed: Vec<Result<(PublishedFile, bool), WriteError>> =
            files.par_iter().map(|f| self.place(f)).collect();
        let mut published = Published::default();
        for (f, placed) in files.iter().zip(placed) {
            let (file, rewritten) = placed?;
            if rewritten {
                published.rewritten.push(f.path.clone());
            }
            published.manifest.insert(f.path.clone(), file);
        }
        published.rewritten.sort();
        Ok(published)
    }

    /// Whether the published file at `f`'s path has the digest `digest` and is unchanged.
    fn reusable(&self, f: &OutputFile, digest: Digest) -> bool {
        if let OutputContent::Staged(s) = &f.content {
            return !s.written; // decided when it was staged
        }
        self.previous
            .get(&f.path)
            .is_some_and(|p| p.digest == digest)
            && unchanged(self.previous_dir, &f.path, self.previous)
    }

    /// Puts one file into the new tree: linked from the published tree when its bytes are
    /// unchanged, otherwise written. Says whether it was written.
    fn place(&self, f: &OutputFile) -> Result<(PublishedFile, bool), WriteError> {
        let target = self.dir.join(&f.path);
        let old = self.previous_dir.join(&f.path);
        let digest = self.digest(f)?;
        let rewritten = if self.reusable(f, digest) {
            link_or_copy(&old, &target).map_err(at(&target))?;
            false
        } else {
            write_content(f, &target).map_err(at(&target))?;
            true
        };
        let stamp = Stamp::of(&target).map_err(at(&target))?;
        Ok((PublishedFile { digest, stamp }, rewritten))
    }

    /// The digest of the bytes `f` will have.
    fn digest(&self, f: &OutputFile) -> Result<Digest, WriteError> {
        Ok(match &f.content {
            OutputContent::Bytes(bytes) => Digest::of(bytes),
            OutputContent::Copy(asset) => match &asset.data {
                AssetData::File(from) => Digest::of_file(from).map_err(at(from))?,
                AssetData::Embedded(bytes) => Digest::of(bytes),
            },
            OutputContent::Staged(s) => s.digest,
        })
    }
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> WriteError {
    let path = path.to_path_buf();
    move |e| (path, e)
}

/// A hard link to `from` at `to`, or a copy where the file system refuses links.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    fs::hard_link(from, to).or_else(|_| fs::copy(from, to).map(|_| ()))
}

fn write_content(f: &OutputFile, target: &Path) -> io::Result<()> {
    match &f.content {
        OutputContent::Bytes(bytes) => fs::write(target, bytes),
        OutputContent::Copy(asset) => match &asset.data {
            // Streamed, so a large asset is never held in memory; permissions are not copied.
            AssetData::File(from) => fs::File::open(from)
                .and_then(|mut src| io::copy(&mut src, &mut fs::File::create(target)?))
                .map(|_| ()),
            AssetData::Embedded(bytes) => fs::write(target, bytes),
        },
        // Written into the staging folder when it was rendered (only written files get here).
        OutputContent::Staged(_) => Ok(()),
    }
}

/// `path` made absolute and cleaned of `.` and `..` without touching the file system.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve symlinks of the part that exists, so a link to the root is seen as the root.
    fs::canonicalize(&out).unwrap_or(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn exchange_swaps_two_folders_in_one_step() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        fs::create_dir_all(a.join("x")).unwrap();
        fs::create_dir_all(b.join("y")).unwrap();
        assert!(exchange(&a, &b).unwrap());
        assert!(a.join("y").is_dir() && b.join("x").is_dir());
        assert!(!a.join("x").exists() && !b.join("y").exists());
        // A missing side is an error, not a silent move.
        assert!(exchange(&a, &tmp.path().join("none")).is_err());
    }

    #[test]
    fn paths_that_differ_in_case_or_normalisation_collide() {
        let file = |path: &str| OutputFile {
            path: path.into(),
            source: PathBuf::from(format!("content/{path}")),
            content: OutputContent::Bytes(Vec::new()),
        };
        let files = [
            file("r/caf\u{e9}.png"),
            file("r/cafe\u{301}.png"),
            file("r/CAF\u{c9}.png"),
            file("r/cafe.png"),
        ];
        let problems = check_collisions(&files);
        let messages: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "output path `r/cafe\u{301}.png` and `r/café.png` (from content/r/café.png) are one file where names ignore case or Unicode normalisation",
                "output path `r/CAFÉ.png` and `r/café.png` (from content/r/café.png) are one file where names ignore case or Unicode normalisation",
            ]
        );
    }

    #[test]
    fn a_lock_is_held_until_dropped() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("sub/out");
        let held = lock(&out, &|_| panic!("nobody else holds it")).unwrap();
        let other = fs::File::open(tmp.path().join("sub")).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        drop(held);
        assert!(other.try_lock().is_ok());
    }
}
