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

use super::{Catalog, FOLDER, Read, load_read};
use crate::diagnostics::Diagnostics;
use crate::digest::{Digest, Stamp};
use crate::incremental::{self, Inputs};

/// The cached catalog, relative to the site root.
pub const FILE: &str = "models/catalog.json";

/// Bumped whenever a type of the catalog, or what a parse makes of a file, changes.
const FORMAT: u32 = 1;

/// The catalog of the site at `root`, from the cache when `inputs` (this build's scan) has the
/// model files of the catalog kept there; otherwise parsed, and kept for the next build. With
/// no `inputs` (`check`, or a scan that failed) it parses and keeps nothing; with
/// `use_previous` false (`--no-cache`) it parses, and keeps the result.
pub fn load(root: &Path, inputs: Option<&Inputs>, use_previous: bool) -> (Catalog, Diagnostics) {
    let Some(inputs) = inputs else {
        return super::load(root);
    };
    let scanned = scanned(inputs);
    let key = key(&scanned);
    let path = root.join(incremental::FOLDER).join(FILE);
    if use_previous && let Some(catalog) = read(&path, key) {
        return (catalog, Diagnostics::new());
    }
    let (catalog, diags, read) = load_read(root);
    if diags.iter().next().is_none() && !read.is_empty() && read == scanned {
        // Only costs time when it fails: the next build parses again.
        let _ = write(&path, key, &catalog);
    }
    (catalog, diags)
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
    let program = std::env::current_exe()
        .and_then(|exe| Stamp::of(&exe))
        .map(|stamp| format!("{stamp:?}"))
        .unwrap_or_default();
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
