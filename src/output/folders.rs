//! The folders of a published tree, stamped, so that a build can tell that the tree holds no
//! stray file without listing every folder (part of the output stage).
//!
//! Adding, removing or renaming an entry changes its folder's modification time, so a folder
//! whose stamp (size, time, inode) is the one recorded after the last build holds the entries
//! it held then. A stamp is recorded only for a folder last modified at least
//! [`SETTLED`](crate::digest::SETTLED) before it was taken (see [`Stamp::settled`]): an entry
//! added within the same tick of the file system's clock as that build's own change would
//! leave the time as it was. Any other folder is listed and its
//! entries compared with the manifest. At 1,000 reports this is 2,000 `statx` calls instead of
//! opening and reading 2,000 folders.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use rayon::prelude::*;

use super::{MARKER, Manifest};
use crate::digest::Stamp;

/// The stamps of a published tree's settled folders, by path inside the output folder (`""`
/// is the output folder itself).
pub type Folders = BTreeMap<String, Stamp>;

/// What each folder of the tree `manifest` describes holds: its files and its folders.
#[derive(Default)]
struct Entries<'a> {
    files: BTreeSet<&'a str>,
    folders: BTreeSet<&'a str>,
}

fn layout(manifest: &Manifest) -> BTreeMap<&str, Entries<'_>> {
    let mut tree: BTreeMap<&str, Entries> = BTreeMap::new();
    tree.entry("").or_default().files.insert(MARKER);
    for path in manifest.keys() {
        let (mut folder, file) = path.rsplit_once('/').unwrap_or(("", path));
        tree.entry(folder).or_default().files.insert(file);
        // Each folder is named in its parent, up to the first one already known.
        while !folder.is_empty() {
            let (parent, name) = folder.rsplit_once('/').unwrap_or(("", folder));
            let known = tree.contains_key(parent);
            tree.entry(parent).or_default().folders.insert(name);
            if known {
                break;
            }
            folder = parent;
        }
    }
    tree
}

/// The stamps of the folders of the tree `manifest` describes in `out` after a publish: `held`
/// (stamps [`exact`] found still holding before it; one of a folder the publish changed no
/// longer matches, which only makes the next build list that folder), and for every other
/// folder its stamp, where it has been left alone long enough (see [`Stamp::settled`]).
pub fn stamps(out: &Path, manifest: &Manifest, held: Folders) -> Folders {
    let now = Stamp::now();
    let tree = layout(manifest);
    let mut all = held;
    all.retain(|folder, _| tree.contains_key(folder.as_str()));
    let folders: Vec<&str> = tree.into_keys().filter(|f| !all.contains_key(*f)).collect();
    let fresh: Vec<(String, Stamp)> = folders
        .par_iter()
        .filter_map(|folder| {
            let stamp = Stamp::of_folder(&out.join(folder)).ok()?;
            stamp.settled(now).then(|| (folder.to_string(), stamp))
        })
        .collect();
    all.extend(fresh);
    all
}

/// Whether `out` holds nothing but the files of `manifest`, their folders and the marker:
/// folders whose stamp is the one in `folders` are taken as they were, every other one is
/// listed. (The files' own stamps are checked by the caller.) Gives the stamps that held.
pub fn exact(out: &Path, manifest: &Manifest, folders: &Folders) -> Option<Folders> {
    let tree = layout(manifest);
    let tree: Vec<(&str, Entries)> = tree.into_iter().collect();
    let checked: Option<Vec<Option<(String, Stamp)>>> = tree
        .par_iter()
        .map(|(folder, entries)| {
            let dir = out.join(folder);
            let held = folders
                .get(*folder)
                .filter(|recorded| Stamp::of_folder(&dir).is_ok_and(|s| s == **recorded));
            match held {
                Some(stamp) => Some(Some((folder.to_string(), *stamp))),
                None => holds_exactly(&dir, entries).then_some(None),
            }
        })
        .collect();
    Some(checked?.into_iter().flatten().collect())
}

/// Whether the folder `dir` holds exactly `entries`, each of its kind.
fn holds_exactly(dir: &Path, entries: &Entries) -> bool {
    let Ok(listing) = fs::read_dir(dir) else {
        return false;
    };
    let mut count = 0;
    for entry in listing {
        let Ok(entry) = entry else {
            return false;
        };
        let (Ok(kind), Some(name)) = (
            entry.file_type(),
            entry.file_name().to_str().map(str::to_owned),
        ) else {
            return false;
        };
        let expected = if kind.is_file() {
            entries.files.contains(name.as_str())
        } else {
            kind.is_dir() && entries.folders.contains(name.as_str())
        };
        if !expected {
            return false;
        }
        count += 1;
    }
    count == entries.files.len() + entries.folders.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Digest;
    use crate::output::PublishedFile;

    /// A published tree of three files, with its manifest.
    fn tree(out: &Path) -> Manifest {
        let mut manifest = Manifest::new();
        for path in ["index.html", "r/index.html", "r/data/t.csv"] {
            let file = out.join(path);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(&file, path).unwrap();
            let stamp = Stamp::of(&file).unwrap();
            let digest = Digest::of(path.as_bytes());
            manifest.insert(path.to_string(), PublishedFile { digest, stamp });
        }
        fs::write(out.join(MARKER), "").unwrap();
        manifest
    }

    fn is_exact(out: &Path, manifest: &Manifest, folders: &Folders) -> bool {
        exact(out, manifest, folders).is_some()
    }

    /// Every folder's stamp, settled or not (as if taken long after the build).
    fn all_stamps(out: &Path, manifest: &Manifest) -> Folders {
        let folders = layout(manifest).into_keys();
        let stamp = |f: &str| (f.to_string(), Stamp::of_folder(&out.join(f)).unwrap());
        folders.map(stamp).collect()
    }

    #[test]
    fn the_layout_names_every_folder_in_its_parent() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = tree(dir.path());
        let tree = layout(&manifest);
        assert_eq!(
            tree.keys().copied().collect::<Vec<_>>(),
            ["", "r", "r/data"]
        );
        assert_eq!(tree[""].files, BTreeSet::from([MARKER, "index.html"]));
        assert_eq!(tree[""].folders, BTreeSet::from(["r"]));
        assert_eq!(tree["r"].folders, BTreeSet::from(["data"]));
        assert_eq!(tree["r/data"].files, BTreeSet::from(["t.csv"]));
    }

    #[test]
    fn a_stray_entry_is_found_with_or_without_stamps() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let manifest = tree(out);
        // Just written: no folder is settled, so none is stamped and each is listed.
        assert!(stamps(out, &manifest, Folders::new()).is_empty());
        assert!(is_exact(out, &manifest, &Folders::new()));
        let stamped = all_stamps(out, &manifest);
        assert!(is_exact(out, &manifest, &stamped));
        for stray in ["r/data/extra.csv", "r/extra", "extra/x.html"] {
            let path = out.join(stray);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, "").unwrap();
            assert!(
                !is_exact(out, &manifest, &Folders::new()),
                "{stray}, listed"
            );
            // The folder's time changed with the new entry, so its stamp no longer holds.
            assert!(!is_exact(out, &manifest, &stamped), "{stray}, stamped");
            fs::remove_file(&path).unwrap();
            let _ = fs::remove_dir(out.join("extra"));
        }
        let _ = fs::create_dir(out.join("r/data/sub"));
        assert!(!is_exact(out, &manifest, &Folders::new()), "a stray folder");
        fs::remove_dir(out.join("r/data/sub")).unwrap();
        fs::remove_file(out.join("r/data/t.csv")).unwrap();
        assert!(!is_exact(out, &manifest, &Folders::new()), "a missing file");
    }

    #[test]
    fn a_recorded_stamp_spares_the_listing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let manifest = tree(out);
        // Stamps taken with a stray file in place vouch for the folder as it is.
        fs::write(out.join("r/extra"), "").unwrap();
        let stamped = all_stamps(out, &manifest);
        assert!(!is_exact(out, &manifest, &Folders::new()));
        assert_eq!(
            exact(out, &manifest, &stamped),
            Some(stamped.clone()),
            "not listed"
        );
        let mut other = stamped.clone();
        other.get_mut("r").unwrap().mtime += 1;
        assert!(
            !is_exact(out, &manifest, &other),
            "a stamp that differs: listed"
        );
    }

    #[test]
    fn only_folders_left_alone_long_enough_are_stamped() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let manifest = tree(out);
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        for folder in ["", "r"] {
            fs::File::open(out.join(folder))
                .and_then(|f| f.set_modified(old))
                .unwrap();
        }
        let stamped = stamps(out, &manifest, Folders::new());
        assert_eq!(stamped.keys().collect::<Vec<_>>(), ["", "r"]);
        assert!(is_exact(out, &manifest, &stamped));
        // Stamps that held are kept as they are, without another look.
        let mut held = stamped.clone();
        held.get_mut("r").unwrap().mtime += 1;
        let kept = stamps(out, &manifest, held.clone());
        assert_eq!(kept, held);
    }
}
