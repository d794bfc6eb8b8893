//! Rendered files -> the published folder, all or nothing.
//!
//! The new tree is written into a hidden folder beside the output (`.<name>.evalpress-new`) and
//! swapped in by two renames only when every file was written, so a failed build (a full disk,
//! a read-only folder, an error in any page) leaves the previous output byte for byte. A run
//! killed between the two renames leaves the previous tree in `.<name>.evalpress-old`; the next
//! build puts it back before it does anything else, so the published folder is always either the
//! old or the new tree. The output folder is refused where writing could destroy sources.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{Diagnostic, Pos};
use crate::model::AssetData;
use crate::render::{OutputContent, OutputFile};

/// The file that marks a folder as written by evalpress.
pub const MARKER: &str = ".evalpress-output";

/// Two files that would land on the same output path are an error naming both sources.
pub fn check_collisions(files: &[OutputFile]) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<String, &Path> = BTreeMap::new();
    let mut problems = Vec::new();
    for f in files {
        // Case-insensitive file systems would merge paths that differ only in case.
        let key = f.path.to_lowercase();
        if let Some(first) = seen.get(&key) {
            problems.push(
                Diagnostic::error(
                    &f.source,
                    Pos::FILE,
                    format!(
                        "output path `{}` is also produced by {}",
                        f.path,
                        first.display()
                    ),
                )
                .help("rename one of the two sources so that they publish to different paths"),
            );
        } else {
            seen.insert(key, &f.source);
        }
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

/// Writes `files` into `out`, replacing its previous content atomically.
pub fn publish(out: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    let swap = Swap::of(&absolute(out));
    swap.recover()
        .map_err(|e| swap.fail("cannot recover from an interrupted build", &swap.old, e))?;
    fs::create_dir_all(&swap.parent)
        .map_err(|e| swap.fail("cannot create the output's parent folder", &swap.parent, e))?;
    if swap.staging.exists() {
        fs::remove_dir_all(&swap.staging)
            .map_err(|e| swap.fail("cannot remove an old staging folder", &swap.staging, e))?;
    }
    if let Err((path, e)) = write_tree(&swap.staging, files) {
        let _ = fs::remove_dir_all(&swap.staging);
        return Err(if path == swap.staging {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let what = format!("cannot create the new site's folder {name} beside the output");
            swap.fail(&what, &swap.out, e)
        } else {
            swap.fail("cannot write the new site", &path, e)
        });
    }
    if swap.out.exists() {
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
    Ok(())
}

/// The output folder and the two hidden folders beside it that make the swap atomic.
struct Swap {
    out: PathBuf,
    parent: PathBuf,
    /// The new tree while it is written.
    staging: PathBuf,
    /// The previous tree between the two renames.
    old: PathBuf,
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
            parent,
        }
    }

    /// Finishes an interrupted build. Killed before the first rename: the output is intact and
    /// a partial staging folder is removed. Killed between the renames: the output is missing
    /// and the previous tree is moved back. Killed after the second rename: the new output is
    /// in place and the previous tree is removed.
    fn recover(&self) -> io::Result<()> {
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

/// Writes the tree; on failure, the path that could not be written and why.
fn write_tree(dir: &Path, files: &[OutputFile]) -> Result<(), (PathBuf, io::Error)> {
    let at = |path: &Path| {
        let path = path.to_path_buf();
        move |e| (path, e)
    };
    fs::create_dir_all(dir).map_err(at(dir))?;
    let marker = dir.join(MARKER);
    fs::write(
        &marker,
        b"This folder is written by evalpress and replaced on every build.\n",
    )
    .map_err(at(&marker))?;
    for f in files {
        let rel = Path::new(&f.path);
        let target = dir.join(rel);
        let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            let e = io::Error::other(format!("unsafe output path {}", f.path));
            return Err((target, e));
        }
        if let Some(p) = target.parent() {
            fs::create_dir_all(p).map_err(at(p))?;
        }
        match &f.content {
            OutputContent::Bytes(bytes) => fs::write(&target, bytes),
            OutputContent::Copy(asset) => match &asset.data {
                // Streamed, so a large asset is never held in memory; permissions are not copied.
                AssetData::File(from) => fs::File::open(from)
                    .and_then(|mut src| io::copy(&mut src, &mut fs::File::create(&target)?))
                    .map(|_| ()),
                AssetData::Embedded(bytes) => fs::write(&target, bytes),
            },
        }
        .map_err(at(&target))?;
    }
    Ok(())
}

/// `path` made absolute and cleaned of `.` and `..` without touching the file system.
fn absolute(path: &Path) -> PathBuf {
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
