//! Rendered files -> the published folder, all or nothing.
//!
//! The new tree is written into a hidden folder beside the output and swapped in by two
//! renames only when every file was written, so readers and a failed build always see a
//! complete tree. The output folder is refused where writing could destroy sources.

use std::collections::BTreeMap;
use std::fs;
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

/// Refuses output folders where a build could overwrite sources or foreign files.
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
    let out = absolute(out);
    let fail = |what: &str, path: &Path, e: std::io::Error| {
        Diagnostic::error(path, Pos::FILE, format!("{what}: {e}"))
            .help("check free disk space and that the output's parent folder is writable")
    };
    let parent = out
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.evalpress-new"));
    let old = parent.join(format!(".{name}.evalpress-old"));
    recover(&out, &old).map_err(|e| fail("cannot recover an interrupted build", &old, e))?;
    fs::create_dir_all(&parent)
        .map_err(|e| fail("cannot create the output's parent folder", &parent, e))?;
    if staging.exists() {
        fs::remove_dir_all(&staging)
            .map_err(|e| fail("cannot remove an old staging folder", &staging, e))?;
    }
    let written = write_tree(&staging, files);
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(fail("cannot write the new site", &staging, e));
    }
    if out.exists() {
        fs::rename(&out, &old)
            .map_err(|e| fail("cannot move the previous output aside", &out, e))?;
    }
    if let Err(e) = fs::rename(&staging, &out) {
        let _ = fs::rename(&old, &out);
        return Err(fail("cannot move the new site into place", &out, e));
    }
    if old.exists() {
        fs::remove_dir_all(&old).map_err(|e| fail("cannot remove the previous output", &old, e))?;
    }
    Ok(())
}

/// A run killed between the two renames leaves the old tree beside a missing output.
fn recover(out: &Path, old: &Path) -> std::io::Result<()> {
    if old.exists() {
        if out.exists() {
            fs::remove_dir_all(old)?;
        } else {
            fs::rename(old, out)?;
        }
    }
    Ok(())
}

fn write_tree(dir: &Path, files: &[OutputFile]) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(
        dir.join(MARKER),
        b"This folder is written by evalpress and replaced on every build.\n",
    )?;
    for f in files {
        let rel = Path::new(&f.path);
        let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(std::io::Error::other(format!(
                "unsafe output path {}",
                f.path
            )));
        }
        let target = dir.join(rel);
        if let Some(p) = target.parent() {
            fs::create_dir_all(p)?;
        }
        match &f.content {
            OutputContent::Bytes(bytes) => fs::write(&target, bytes)?,
            OutputContent::Copy(asset) => match &asset.data {
                AssetData::File(from) => fs::write(&target, fs::read(from)?)?,
                AssetData::Embedded(bytes) => fs::write(&target, bytes)?,
            },
        }
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
