//! The catalog kept between builds: when no file under `data/models/` changed since a build
//! kept its catalog, the next build reads that catalog back instead of parsing every file.
//!
//! Part of the `models` stage, beside it like `incremental` beside the pipeline. Input: the
//! site root and the digests the build scanned before any stage ran ([`Inputs`]). Output: what
//! [`super::load`] returns. The file `<root>/.evalpress/cache/models/catalog.json` holds a key
//! (the digest of [`FORMAT`], evalpress's version and program, and the path and digest of every
//! file the models stage reads) on its first line and the catalog as JSON after it. A catalog
//! is kept only when its parse reported nothing, so every warning and error comes from a real
//! parse on every build, and only when the files it read are the files scanned, byte for byte
//! (an edit made during the build is not kept under the digests from before it). A missing,
//! corrupt or mismatched file is a miss, never an error. It must not print.

use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use super::{Catalog, FOLDER, Read, load_read};
use crate::diagnostics::Diagnostics;
use crate::digest::Digest;
use crate::incremental::{self, Inputs};

/// The cached catalog, relative to the site root.
pub const FILE: &str = "models/catalog.json";

/// Bumped whenever a type of the catalog, or what a parse makes of a file, changes.
const FORMAT: u32 = 1;

/// A catalog with the key it was loaded under, which a series of builds in one process (the
/// live server's) keeps in memory: the next build takes it when its scan gives the same key,
/// without reading the kept file again (see [`load`]).
#[derive(Clone)]
pub struct Kept {
    key: Digest,
    pub catalog: Arc<Catalog>,
}

/// The catalog of the site at `root`: `kept` when `inputs` (this build's scan) gives its key,
/// else from the cache when `inputs` has the model files of the catalog kept there; otherwise
/// parsed, and kept for the next build. With no `inputs` (`check`, or a scan that failed) it
/// parses and keeps nothing; with `use_previous` false (`--no-cache`) it parses, and keeps the
/// result. Also gives what a next build in this process may take as `kept` (`None` after a
/// parse that reported something, or that read other files than the scan's).
pub fn load(
    root: &Path,
    inputs: Option<&Inputs>,
    use_previous: bool,
    kept: Option<&Kept>,
) -> (Arc<Catalog>, Diagnostics, Option<Kept>) {
    let Some(inputs) = inputs else {
        let (catalog, diags) = super::load(root);
        return (Arc::new(catalog), diags, None);
    };
    let scanned = scanned(inputs);
    let key = key(&scanned);
    let found = |catalog: Arc<Catalog>| {
        let kept = Kept {
            key,
            catalog: Arc::clone(&catalog),
        };
        (catalog, Diagnostics::new(), Some(kept))
    };
    if let Some(kept) = kept.filter(|k| use_previous && k.key == key) {
        return found(Arc::clone(&kept.catalog));
    }
    let path = root.join(incremental::FOLDER).join(FILE);
    if use_previous && let Some(catalog) = read(&path, key) {
        return found(Arc::new(catalog));
    }
    let (catalog, diags, read) = load_read(root);
    if diags.iter().next().is_none() && !read.is_empty() && read == scanned {
        // Only costs time when it fails: the next build parses again.
        let _ = write(&path, key, &catalog);
        return found(Arc::new(catalog));
    }
    (Arc::new(catalog), diags, None)
}

/// The files of `inputs` that the models stage reads: those in `data/models/` and its
/// sub-folders, without names starting with `.`, with their digests.
fn scanned(inputs: &Inputs) -> Read {
    let folder = format!("{FOLDER}/");
    inputs
        .range(folder.clone()..)
        .take_while(|(path, _)| path.starts_with(&folder))
        .filter_map(|(path, input)| Some((path, (*input)?.digest)))
        .filter(|(path, _)| {
            let inner: Vec<&str> = path[folder.len()..].split('/').collect();
            inner.len() <= 2 && !inner.last().is_some_and(|name| name.starts_with('.'))
        })
        .map(|(path, digest)| (path.clone(), digest))
        .collect()
}

/// The digest of what the catalog depends on: the files, and the program that parses them
/// (its built-in scale and its rules; the stamp changes when evalpress is rebuilt).
fn key(files: &Read) -> Digest {
    let program = incremental::program_stamp();
    let head = [
        FORMAT.to_le_bytes().to_vec(),
        env!("CARGO_PKG_VERSION").as_bytes().to_vec(),
        program.into_bytes(),
    ];
    let files = files
        .iter()
        .flat_map(|(path, digest)| [path.as_bytes().to_vec(), digest.0.to_le_bytes().to_vec()]);
    let parts: Vec<Vec<u8>> = head.into_iter().chain(files).collect();
    Digest::of_parts(parts.iter().map(Vec::as_slice))
}

/// The catalog kept at `path` under `key`, or `None` when there is none that fits.
fn read(path: &Path, key: Digest) -> Option<Catalog> {
    let bytes = std::fs::read(path).ok()?;
    let newline = bytes.iter().position(|&b| b == b'\n')?;
    let (head, body) = bytes.split_at(newline);
    (head == key.to_string().as_bytes())
        .then(|| serde_json::from_slice(&body[1..]).ok())
        .flatten()
}

/// Keeps `catalog` at `path` under `key`: written to a new file in the folder and renamed over
/// the old one, so a reader (another build of the same site) sees the old file or the new.
fn write(path: &Path, key: Digest, catalog: &Catalog) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut out = io::BufWriter::new(tempfile::NamedTempFile::new_in(dir)?);
    writeln!(out, "{key}")?;
    serde_json::to_writer(&mut out, catalog).map_err(io::Error::other)?;
    let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::PathBuf;

    /// A site in a fresh folder holding a copy of `data/models/` of the site at `from`.
    fn copy_of(from: &Path) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let src = from.join(FOLDER);
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.unwrap();
            let to = tmp
                .path()
                .join(FOLDER)
                .join(entry.path().strip_prefix(&src).unwrap());
            if entry.file_type().is_dir() {
                fs::create_dir_all(to).unwrap();
            } else {
                fs::copy(entry.path(), to).unwrap();
            }
        }
        tmp
    }

    fn repo(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
    }

    fn scan(root: &Path) -> Inputs {
        incremental::scan(root, &Inputs::new()).unwrap()
    }

    /// Replaces `from` by `to` in the fixture's ratings file.
    fn edit_ratings(root: &Path, from: &str, to: &str) {
        let path = root.join(FOLDER).join("ratings/fidelitet.yaml");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace(from, to)).unwrap();
    }

    fn cache_file(root: &Path) -> PathBuf {
        root.join(incremental::FOLDER).join(FILE)
    }

    /// Loads through the cache with a fresh scan; the catalog and the diagnostics as text.
    fn cached(root: &Path, use_previous: bool) -> (Catalog, Vec<String>) {
        let (catalog, diags, _) = load(root, Some(&scan(root)), use_previous, None);
        (
            (*catalog).clone(),
            diags.iter().map(|d| d.to_string()).collect(),
        )
    }

    /// Replaces the kept catalog by `catalog`, under the key it was kept with.
    fn forge(root: &Path, catalog: &Catalog) {
        let path = cache_file(root);
        let text = fs::read_to_string(&path).unwrap();
        let key = text.lines().next().unwrap();
        let body = serde_json::to_string(catalog).unwrap();
        fs::write(&path, format!("{key}\n{body}")).unwrap();
    }

    #[test]
    fn a_kept_catalog_equals_a_fresh_parse() {
        // The example site, and a fixture with every kind of model file (scales, a model,
        // the three kinds of lists, grids with comments, double ticks, n/a rows and a status).
        for site in [repo(""), repo("tests/sites/valid-grids")] {
            let tmp = copy_of(&site);
            let root = tmp.path();
            let (fresh, diags) = super::super::load(root);
            assert!(diags.iter().next().is_none(), "{site:?}");
            assert!(
                !fresh.ratings.is_empty() && fresh.scales.len() > 1,
                "{site:?}"
            );
            let (first, shown) = cached(root, true);
            assert!(shown.is_empty() && first == fresh, "{site:?}");
            assert!(cache_file(root).is_file(), "{site:?}: kept");
            let kept = read(&cache_file(root), key(&scanned(&scan(root)))).unwrap();
            assert_eq!(kept, fresh, "{site:?}: the kept catalog round-trips");
            assert_eq!(cached(root, true), (fresh, Vec::new()), "{site:?}");
        }
    }

    #[test]
    fn the_kept_catalog_is_read_unless_no_cache_says_otherwise() {
        let tmp = copy_of(&repo("tests/sites/valid-grids"));
        let root = tmp.path();
        let (fresh, _) = cached(root, true);
        let mut forged = fresh.clone();
        forged.models.values_mut().next().unwrap().title = "Forged".into();
        forge(root, &forged);
        assert_eq!(cached(root, true).0, forged, "read back, not parsed");
        assert_eq!(cached(root, false).0, fresh, "--no-cache parses");
        assert_eq!(cached(root, true).0, fresh, "and keeps what it parsed");
    }

    #[test]
    fn a_changed_file_is_parsed_again() {
        let tmp = copy_of(&repo("tests/sites/valid-grids"));
        let root = tmp.path();
        let (before, _) = cached(root, true);
        edit_ratings(root, "viden: i meget høj grad", "viden: i meget lav grad");
        let (after, shown) = cached(root, true);
        assert!(shown.is_empty(), "{shown:?}");
        assert_eq!(before.ratings["fidelitet"].cells[0][0].steps, [4]);
        assert_eq!(after.ratings["fidelitet"].cells[0][0].steps, [0]);
        assert_eq!(after, super::super::load(root).0);
    }

    #[test]
    fn a_corrupt_or_foreign_file_is_a_miss() {
        let tmp = copy_of(&repo("tests/sites/valid-grids"));
        let root = tmp.path();
        let (fresh, _) = cached(root, true);
        let key = key(&scanned(&scan(root)));
        let good = fs::read_to_string(cache_file(root)).unwrap();
        let garbage = [
            String::new(),
            key.to_string(),
            format!("{key}\n"),
            format!("{key}\n{{\"scales\": {{"),
            format!("{key}\n\u{0}\u{1}not json"),
            good.replacen(&key.to_string(), &Digest(7).to_string(), 1),
        ];
        for text in garbage {
            fs::write(cache_file(root), &text).unwrap();
            assert_eq!(
                cached(root, true),
                (fresh.clone(), Vec::new()),
                "{text:.60}"
            );
            assert_eq!(
                fs::read_to_string(cache_file(root)).unwrap(),
                good,
                "kept anew"
            );
        }
    }

    #[test]
    fn a_catalog_with_problems_is_not_kept() {
        for (rel, text, problem) in [
            ("notes.txt", "x", "warning: file ignored"),
            (
                "ratings/bad.yaml",
                "model: nowhere\nrates: criteria\n",
                "error: model `nowhere`",
            ),
        ] {
            let tmp = copy_of(&repo("tests/sites/valid-grids"));
            let root = tmp.path();
            fs::write(root.join(FOLDER).join(rel), text).unwrap();
            for _ in 0..2 {
                let (_, shown) = cached(root, true);
                assert!(shown.len() == 1 && shown[0].contains(problem), "{shown:?}");
                assert!(!cache_file(root).exists(), "{rel}");
            }
        }
    }

    #[test]
    fn files_edited_after_the_scan_are_not_kept_under_its_digests() {
        let tmp = copy_of(&repo("tests/sites/valid-grids"));
        let root = tmp.path();
        let inputs = scan(root);
        edit_ratings(root, "title: Fidelitet", "title: Fidelitet 2");
        let (catalog, _, kept) = load(root, Some(&inputs), true, None);
        assert_eq!(
            catalog.ratings["fidelitet"].title.as_deref(),
            Some("Fidelitet 2 i testprojekterne")
        );
        assert!(!cache_file(root).exists() && kept.is_none());
        fs::write(root.join(FOLDER).join(".hidden"), "x").unwrap();
        let (_, shown) = cached(root, true);
        assert!(
            shown.is_empty() && cache_file(root).exists(),
            "a dot file is no model file"
        );
    }

    #[test]
    fn without_a_scan_nothing_is_kept() {
        let tmp = copy_of(&repo("tests/sites/valid-grids"));
        let (catalog, _, kept) = load(tmp.path(), None, true, None);
        assert_eq!(*catalog, super::super::load(tmp.path()).0);
        assert!(!cache_file(tmp.path()).exists() && kept.is_none());
    }

    #[test]
    fn a_catalog_kept_in_memory_is_taken_while_its_files_are_unchanged() {
        let tmp = copy_of(&repo("tests/sites/valid-grids"));
        let root = tmp.path();
        let (fresh, _, kept) = load(root, Some(&scan(root)), true, None);
        let kept = kept.expect("a clean parse is kept");
        // Neither parsed nor read from the file: the very value kept in memory.
        fs::remove_file(cache_file(root)).unwrap();
        let (again, shown, _) = load(root, Some(&scan(root)), true, Some(&kept));
        assert!(Arc::ptr_eq(&again, &kept.catalog) && shown.iter().next().is_none());
        assert!(!cache_file(root).exists(), "not written again");
        // --no-cache parses.
        let (parsed, _, _) = load(root, Some(&scan(root)), false, Some(&kept));
        assert!(!Arc::ptr_eq(&parsed, &kept.catalog) && parsed == fresh);
        // An edited model file is parsed again.
        edit_ratings(root, "title: Fidelitet", "title: Fidelitet 3");
        let (edited, _, _) = load(root, Some(&scan(root)), true, Some(&kept));
        assert_eq!(
            edited.ratings["fidelitet"].title.as_deref(),
            Some("Fidelitet 3 i testprojekterne")
        );
    }
}
