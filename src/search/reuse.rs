//! Reusing the previous search index: the same pages, language and binary -> the same bundle,
//! without running Pagefind again (keeps no-op builds and `serve` rebuilds fast).
//!
//! Part of the `search` stage. The cache is `<root>/.evalpress/cache/search/`: for each key (the
//! digest of what was indexed) a folder with the bundle and a list of its files' digests. A
//! bundle is reused only when every file is there with its recorded digest; anything missing,
//! corrupt or edited means Pagefind runs again, never an error. The few newest entries are kept
//! (a build and `serve` of the same site at different base URLs index different pages).

use std::fs;
use std::io;
use std::path::Path;

use crate::digest::Digest;

/// Bumped when the layout or the meaning of the cache changes.
const FORMAT: &[u8] = b"evalpress-search-1";

/// How many indexes are kept.
const KEEP: usize = 4;

/// The key of an index: the binary (path, size, modification time), the language and every
/// page's URL and bytes, in order.
pub fn key(binary: &Path, language: &str, pages: &[(&str, &[u8])]) -> Digest {
    let real = fs::canonicalize(binary).unwrap_or_else(|_| binary.to_path_buf());
    let meta = fs::metadata(&real).ok();
    let stamp = format!(
        "{}|{:?}|{:?}",
        real.display(),
        meta.as_ref().map(fs::Metadata::len),
        meta.and_then(|m| m.modified().ok())
    );
    let mut parts: Vec<&[u8]> = vec![FORMAT, stamp.as_bytes(), language.as_bytes()];
    for (url, html) in pages {
        parts.push(url.as_bytes());
        parts.push(html);
    }
    Digest::of_parts(parts)
}

/// The bundle kept under `key`, when every file of it is there unchanged.
pub fn load(dir: &Path, key: Digest) -> Option<Vec<(String, Vec<u8>)>> {
    let folder = dir.join(key.to_string());
    let list: Vec<(String, Digest)> =
        serde_json::from_slice(&fs::read(folder.with_extension("json")).ok()?).ok()?;
    let mut bundle = Vec::with_capacity(list.len());
    for (path, digest) in list {
        if path.split('/').any(|part| part.is_empty() || part == "..") {
            return None;
        }
        let bytes = fs::read(folder.join(&path)).ok()?;
        if Digest::of(&bytes) != digest {
            return None;
        }
        bundle.push((path, bytes));
    }
    bundle.sort();
    Some(bundle)
}

/// Keeps `bundle` under `key` (the list is written last, so a half-written entry is never
/// reused) and removes all but the [`KEEP`] newest entries.
pub fn store(dir: &Path, key: Digest, bundle: &[(String, Vec<u8>)]) -> io::Result<()> {
    let folder = dir.join(key.to_string());
    let list_file = folder.with_extension("json");
    let _ = fs::remove_file(&list_file);
    let _ = fs::remove_dir_all(&folder);
    for (path, bytes) in bundle {
        let file = folder.join(path);
        fs::create_dir_all(file.parent().unwrap_or(&folder))?;
        fs::write(file, bytes)?;
    }
    let list: Vec<(&str, Digest)> = bundle
        .iter()
        .map(|(p, b)| (p.as_str(), Digest::of(b)))
        .collect();
    let tmp = list_file.with_extension("json.tmp");
    fs::write(&tmp, serde_json::to_vec(&list).map_err(io::Error::other)?)?;
    fs::rename(&tmp, &list_file)?;
    prune(dir);
    Ok(())
}

/// Removes every entry but the [`KEEP`] newest (by the time their list was written).
fn prune(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut lists: Vec<(std::time::SystemTime, std::path::PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter_map(|p| Some((p.metadata().ok()?.modified().ok()?, p)))
        .collect();
    lists.sort();
    let stale = lists.len().saturating_sub(KEEP);
    for (_, list) in lists.into_iter().take(stale) {
        let _ = fs::remove_file(&list);
        let _ = fs::remove_dir_all(list.with_extension(""));
    }
}
