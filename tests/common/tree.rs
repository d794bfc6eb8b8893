//! File trees for tests that build sites written on the fly: writing a site from a list of
//! files, and snapshots that prove a folder (sources or published output) was left exactly as
//! it was. Snapshots never follow symbolic links and never open devices or pipes, so they are
//! safe on hostile sites that link to `/dev/zero` or hold a FIFO.
#![allow(dead_code)] // not every test crate that includes `mod common` uses every helper

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// Writes `files` (path relative to `dir`, text) under `dir`, creating folders as needed.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().expect("a file has a parent")).unwrap();
        fs::write(&path, text).unwrap();
    }
}

/// A site in `<dir>/site` with the config `title: T` and one report `r` holding `index` as its
/// `index.md` (front matter included), plus any further `files`.
pub fn small_site(dir: &Path, index: &str, files: &[(&str, &str)]) -> PathBuf {
    let site = dir.join("site");
    write_files(
        &site,
        &[
            ("evalpress.yaml", "title: T\n"),
            ("content/r/index.md", index),
        ],
    );
    write_files(&site, files);
    site
}

/// What a path holds, as far as a test may look without following or opening it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Folder,
    File(Vec<u8>),
    Link(PathBuf),
    /// A device, pipe or socket (never opened).
    Special,
}

/// Every path under `dir` (hidden ones too), relative and with `/` separators.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Entry> {
    let mut all = BTreeMap::new();
    for entry in WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let kind = entry.file_type();
        let what = if kind.is_symlink() {
            Entry::Link(fs::read_link(entry.path()).unwrap())
        } else if kind.is_dir() {
            Entry::Folder
        } else if kind.is_file() {
            Entry::File(fs::read(entry.path()).unwrap())
        } else {
            Entry::Special
        };
        all.insert(rel, what);
    }
    all
}

/// The names in `dir`, sorted (e.g. an output folder and anything left beside it).
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Panics, naming the paths, when `dir` differs from the snapshot `before`.
#[track_caller]
pub fn assert_same(before: &BTreeMap<String, Entry>, dir: &Path, what: &str) {
    let after = snapshot(dir);
    let differ: BTreeSet<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(
        differ.is_empty(),
        "{what} changed under {}: {differ:?}",
        dir.display()
    );
}
