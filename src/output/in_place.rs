//! A small change published in place, through a journal, instead of by swapping a whole new
//! tree: on a site of a thousand reports, creating and removing a thousand folders costs more than
//! the rest of a rebuild after one CSV changed.
//!
//! The changed files are written into the staging folder beside the output first; only when all
//! are written is the journal (`.<name>.evalpress-journal`, the list of files to move in and to
//! remove) put in place by one rename. That rename is the commit point: a build that fails or is
//! killed before it leaves the published tree untouched (the staging folder is removed by the next
//! build); one killed after it is finished by the next build, which replays the journal before
//! anything else ([`roll_forward`]). So the published folder is, once recovered, always either
//! the old or the new tree, as with the swap.

use std::fs;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{
    MARKER, Manifest, Published, PublishedFile, Swap, Tree, WriteError, at, write_content,
};
use crate::digest::{Digest, Stamp};
use crate::render::OutputFile;

/// Above this share of the site's files, a change is published by the swap.
const MAX_SHARE: usize = 4;

/// What publishing `files` changes in the published tree.
pub(super) struct Change<'a> {
    /// Files to write, with their digest.
    pub write: Vec<(&'a OutputFile, Digest)>,
    /// Published files no longer produced.
    pub remove: Vec<String>,
    /// The stamps of the published tree's folders that still held (see `folders::exact`).
    pub held: super::Folders,
}

/// The moves and removals of one in-place update, relative to the output folder.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Journal {
    moves: Vec<String>,
    removes: Vec<String>,
}

impl Tree<'_> {
    /// The change from the published tree to `files`, or `None` when the published tree is not
    /// exactly the previous build's (missing marker, stray or edited files) or the change is too
    /// large to be made in place.
    pub(super) fn change<'f>(&self, files: &'f [OutputFile]) -> Option<Change<'f>> {
        if self.previous.is_empty() || !self.previous_dir.join(MARKER).is_file() {
            return None;
        }
        use rayon::prelude::*;
        let digests: Vec<Option<Digest>> = files.par_iter().map(|f| self.digest(f).ok()).collect();
        let mut write = Vec::new();
        for (f, digest) in files.iter().zip(digests) {
            let digest = digest?;
            if !self.reusable(f, digest) {
                write.push((f, digest));
            }
        }
        let produced: std::collections::BTreeSet<&str> =
            files.iter().map(|f| f.path.as_str()).collect();
        let remove: Vec<String> = self
            .previous
            .keys()
            .filter(|p| !produced.contains(p.as_str()))
            .cloned()
            .collect();
        let small = (write.len() + remove.len()) * MAX_SHARE <= files.len();
        // Nothing but the previous build's files and the marker: no stray file to clear away.
        let exact = || super::folders::exact(self.previous_dir, self.previous, self.folders);
        let held = small.then(exact).flatten()?;
        Some(Change {
            write,
            remove,
            held,
        })
    }
}

/// Publishes `change` into `swap.out` through the journal; on failure before the commit
/// point, the published tree is untouched.
pub(super) fn update(
    swap: &Swap,
    change: Change,
    previous: &Manifest,
) -> Result<Published, WriteError> {
    let staged = stage(swap, &change);
    if let Err(e) = staged {
        let _ = fs::remove_dir_all(&swap.staging);
        return Err(e);
    }
    let journal = Journal {
        moves: change.write.iter().map(|(f, _)| f.path.clone()).collect(),
        removes: change.remove.clone(),
    };
    let tmp = swap.journal.with_extension("tmp");
    let text = serde_json::to_vec(&journal).map_err(|e| (tmp.clone(), io::Error::other(e)))?;
    if let Err(e) = fs::write(&tmp, text).and_then(|()| fs::rename(&tmp, &swap.journal)) {
        let _ = fs::remove_file(&tmp);
        let _ = fs::remove_dir_all(&swap.staging);
        return Err((swap.journal.clone(), e));
    }
    apply(swap, &journal).map_err(|e| (swap.out.clone(), e))?;
    let mut manifest = previous.clone();
    for path in &change.remove {
        manifest.remove(path);
    }
    for (f, digest) in &change.write {
        let target = swap.out.join(&f.path);
        let stamp = Stamp::of(&target).map_err(at(&target))?;
        manifest.insert(
            f.path.clone(),
            PublishedFile {
                digest: *digest,
                stamp,
            },
        );
    }
    let mut rewritten = journal.moves;
    rewritten.sort();
    Ok(Published {
        rewritten,
        manifest,
        folders: Default::default(),
    })
}

/// Writes the changed files into the staging folder.
fn stage(swap: &Swap, change: &Change) -> Result<(), WriteError> {
    fs::create_dir_all(&swap.staging).map_err(at(&swap.staging))?;
    for (f, _) in &change.write {
        if matches!(f.content, crate::render::OutputContent::Staged(_)) {
            continue; // written when it was rendered
        }
        let target = swap.staging.join(&f.path);
        if let Some(p) = target.parent() {
            fs::create_dir_all(p).map_err(at(p))?;
        }
        write_content(f, &target).map_err(at(&target))?;
    }
    Ok(())
}

/// Carries out a committed journal: moves that are still to do, removals of files still
/// there (with the folders they leave empty); then the journal and staging folder go.
fn apply(swap: &Swap, journal: &Journal) -> io::Result<()> {
    for rel in &journal.moves {
        let from = swap.staging.join(rel);
        if from.exists() {
            let to = swap.out.join(rel);
            if let Some(p) = to.parent() {
                fs::create_dir_all(p)?;
            }
            fs::rename(&from, &to)?;
        }
    }
    for rel in &journal.removes {
        let path = swap.out.join(rel);
        if path.exists() {
            fs::remove_file(&path)?;
        }
        remove_empty_parents(&swap.out, &path);
    }
    fs::remove_file(&swap.journal)?;
    if swap.staging.exists() {
        fs::remove_dir_all(&swap.staging)?;
    }
    Ok(())
}

fn remove_empty_parents(out: &Path, path: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == out || !d.starts_with(out) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Finishes an in-place update that was committed but not carried out (the build was killed).
pub(super) fn roll_forward(swap: &Swap) -> io::Result<()> {
    if !swap.journal.exists() {
        return Ok(());
    }
    let text = fs::read(&swap.journal)?;
    let journal: Journal =
        serde_json::from_slice(&text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let safe = |rel: &String| {
        Path::new(rel)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
    };
    if !journal.moves.iter().chain(&journal.removes).all(safe) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the journal names a path outside the output folder",
        ));
    }
    apply(swap, &journal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committed(dir: &Path, journal: &str) -> Swap {
        let swap = Swap::of(&dir.join("out"));
        fs::create_dir_all(swap.out.join("r")).unwrap();
        fs::write(swap.out.join("r/index.html"), "old").unwrap();
        fs::write(swap.out.join("gone.html"), "old").unwrap();
        fs::create_dir_all(swap.staging.join("r")).unwrap();
        fs::write(swap.staging.join("r/index.html"), "new").unwrap();
        fs::write(&swap.journal, journal).unwrap();
        swap
    }

    #[test]
    fn a_committed_update_is_finished_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let swap = committed(
            dir.path(),
            r#"{"moves": ["r/index.html"], "removes": ["gone.html"]}"#,
        );
        swap.recover().unwrap();
        assert_eq!(
            fs::read_to_string(swap.out.join("r/index.html")).unwrap(),
            "new"
        );
        assert!(!swap.out.join("gone.html").exists());
        assert!(!swap.journal.exists() && !swap.staging.exists());
        // Replaying a journal that was half carried out does the rest and nothing twice.
        let swap = committed(
            dir.path(),
            r#"{"moves": ["r/index.html", "r/data/t.csv"], "removes": ["gone.html"]}"#,
        );
        fs::remove_file(swap.out.join("gone.html")).unwrap();
        swap.recover().unwrap();
        assert_eq!(
            fs::read_to_string(swap.out.join("r/index.html")).unwrap(),
            "new"
        );
    }

    #[test]
    fn a_journal_naming_paths_outside_the_output_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let swap = committed(dir.path(), r#"{"moves": ["../escape"], "removes": []}"#);
        assert!(swap.recover().is_err());
        assert_eq!(
            fs::read_to_string(swap.out.join("r/index.html")).unwrap(),
            "old"
        );
        let swap = committed(dir.path(), "not json");
        assert!(swap.recover().is_err());
    }
}
