//! Stage `search`: the rendered report pages -> a static full-text index, written into the
//! output beside the pages (`pagefind/`), for the search page (`soeg/`) to query in the reader's
//! browser.
//!
//! Input: the finished HTML of the published reports (after disclosure control), the site's
//! locale and the `search:` config. Output: the index files as ordinary output files, so they go
//! through the same atomic publish as every page (a failed build leaves the old index). The index
//! can hold nothing a reader could not already read on a page: only report pages are indexed (no
//! draft unless built with `--drafts`, no `kind: side` page), and Pagefind reads only the part
//! marked `data-pagefind-body` (the report article, without its table of contents).
//!
//! The index is made by the official Pagefind binary ([`pagefind`]), found by [`locate`]; an
//! unchanged set of pages reuses the previous index without running it ([`reuse`]). Result URLs
//! are paths from the site root (`/<slug>/`); the search page's script prefixes the base path,
//! so one index works under any sub-path. This stage must not print, and must not change the
//! pages it indexes; it reads and writes only its private temporary folder and its cache.

mod pagefind;
mod reuse;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::PublishedReport;
use crate::config::{CONFIG_FILE, SearchConfig};
use crate::diagnostics::{Diagnostic, Pos};
use crate::render::{OutputContent, OutputFile};

/// The search page, in the output folder, and its URL path under the base path.
pub const PAGE: &str = "soeg/index.html";
pub const PAGE_URL: &str = "soeg/";

/// The folder of the index and its scripts, under the output folder.
pub const BUNDLE_DIR: &str = "pagefind";

/// The environment variable that names the Pagefind binary to use; [`BINARY_OFF`] there builds
/// without the index and without the missing-binary warning.
pub const BINARY_ENV: &str = "EVALPRESS_PAGEFIND";

/// `EVALPRESS_PAGEFIND=off`: no index in this build, on purpose (the search page says search is
/// not available). For test suites and CI jobs that build many sites and need no search.
pub const BINARY_OFF: &str = "off";

/// Names tried on `PATH`, in order, after the site's own `node_modules/.bin/pagefind`.
pub const BINARY_NAMES: &[&str] = &["pagefind", "pagefind_extended"];

/// Where the previous index is kept for reuse, relative to the site root (see [`reuse`]).
pub const CACHE_DIR: &str = ".evalpress/cache/search";

/// Where the site's npm install puts Pagefind, relative to the site root.
pub const NODE_MODULES_BINARY: &str = "node_modules/.bin/pagefind";

/// What the search stage does in this build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Indexer {
    /// `search: false`: no search page and no index.
    Off,
    /// Search is on, but no index is made (no Pagefind binary, or `check`): the search page
    /// says that search is not available in this build and loads nothing.
    Unavailable,
    /// The Pagefind binary to run.
    Pagefind(PathBuf),
}

impl Indexer {
    /// Whether the site has a search page.
    pub fn has_page(&self) -> bool {
        *self != Indexer::Off
    }
}

/// What the search stage does for the site at `root`: off, or the Pagefind binary found by
/// [`locate`]; `check` (`write` false) never runs Pagefind. A missing binary is a warning.
pub fn prepare(root: &Path, config: &SearchConfig, write: bool) -> (Indexer, Option<Diagnostic>) {
    if !config.enabled {
        return (Indexer::Off, None);
    }
    if !write {
        return (Indexer::Unavailable, None);
    }
    let env = std::env::var_os(BINARY_ENV);
    if env.as_deref() == Some(std::ffi::OsStr::new(BINARY_OFF)) {
        return (Indexer::Unavailable, None);
    }
    match locate(root, config, env, std::env::var_os("PATH")) {
        // absolute, as Pagefind runs in its own temporary folder
        Ok(binary) => (
            Indexer::Pagefind(std::path::absolute(&binary).unwrap_or(binary)),
            None,
        ),
        Err(warning) => (Indexer::Unavailable, Some(warning)),
    }
}

/// The Pagefind binary: `env` (`EVALPRESS_PAGEFIND`), else `search: {pagefind: PATH}` (relative
/// to `root`), else `<root>/node_modules/.bin/pagefind`, else the first of [`BINARY_NAMES`] in
/// the folders of `path` (`PATH`). Else a warning saying how to install it.
pub fn locate(
    root: &Path,
    config: &SearchConfig,
    env: Option<OsString>,
    path: Option<OsString>,
) -> Result<PathBuf, Diagnostic> {
    let named = env
        .filter(|e| !e.is_empty())
        .map(|e| (PathBuf::from(e), BINARY_ENV.to_string()))
        .or_else(|| {
            config
                .pagefind
                .as_ref()
                .map(|p| (root.join(p), "`search: {pagefind: ...}`".to_string()))
        });
    if let Some((file, from)) = named {
        return if is_executable(&file) {
            Ok(file)
        } else {
            Err(missing(format!(
                "the Pagefind binary named by {from} (`{}`) is not an executable file; the site is built without its search index",
                file.display()
            )))
        };
    }
    let local = root.join(NODE_MODULES_BINARY);
    if is_executable(&local) {
        return Ok(local);
    }
    crate::programs::on_path(path, BINARY_NAMES, is_executable).ok_or_else(|| {
            missing(format!(
                "no Pagefind binary found (looked for {NODE_MODULES_BINARY} and for {} on PATH); the site is built without its search index",
                BINARY_NAMES.join(", ")
            ))
        })
}

fn missing(message: String) -> Diagnostic {
    Diagnostic::warning(CONFIG_FILE, Pos::FILE, message).help(format!(
        "install Pagefind: run `npm ci` (with the site's package.json) or `npm install pagefind` in the site root, \
         or `pip install 'pagefind[bin]'`, or point {BINARY_ENV} at the binary; or set `search: false` in {CONFIG_FILE} to build without search"
    ))
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = path.metadata() else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// One page to index: its path in the output and its URL path from the site root (`/<slug>/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: String,
    pub url: String,
}

/// The pages search finds: every published report (not the plain `kind: side` pages).
fn pages(published: &[PublishedReport]) -> Vec<Page> {
    published
        .iter()
        .map(|r| Page {
            path: format!("{}/index.html", r.slug),
            url: format!("/{}/", r.slug),
        })
        .collect()
}

/// What the search page shows: `None` for no search page (`search: false`), else whether it
/// can load an index (Pagefind runs and there is a report to index).
pub fn page_state(indexer: &Indexer, published: &[PublishedReport]) -> Option<bool> {
    indexer
        .has_page()
        .then_some(matches!(indexer, Indexer::Pagefind(_)) && !published.is_empty())
}

/// The index of the `published` reports' pages (found among `files`), as output files under
/// `pagefind/`, sorted by path; nothing when there is no report or no binary. `language` is the
/// site's locale: every report goes into one index with that language's stemming. The index is
/// kept for the next build in [`CACHE_DIR`] under the site `root`; with `reuse` false
/// (`--no-cache`) the kept index is not read and Pagefind always runs.
pub fn index(
    indexer: &Indexer,
    files: &[OutputFile],
    read: &dyn Fn(&OutputFile) -> Option<Vec<u8>>,
    published: &[PublishedReport],
    language: &str,
    (root, reuse): (&Path, bool),
) -> Result<Vec<OutputFile>, Diagnostic> {
    if !matches!(indexer, Indexer::Pagefind(_)) || published.is_empty() {
        return Ok(Vec::new());
    }
    let cache = root.join(CACHE_DIR);
    let pages = pages(published);
    let by_path: BTreeMap<&str, &OutputFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    // The pages were handed to the output as they were rendered: their bytes are read back.
    let pages_read: Vec<OutputFile> = pages
        .iter()
        .filter_map(|p| by_path.get(p.path.as_str()))
        .filter_map(|f| {
            read(f).map(|bytes| OutputFile {
                content: OutputContent::Bytes(bytes),
                ..(*f).clone()
            })
        })
        .collect();
    index_pages(
        indexer,
        &pages_read,
        &pages,
        language,
        Some((&cache, reuse)),
    )
}

/// [`index`] of the given pages.
fn index_pages(
    indexer: &Indexer,
    files: &[OutputFile],
    pages: &[Page],
    language: &str,
    cache: Option<(&Path, bool)>,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let Indexer::Pagefind(binary) = indexer else {
        return Ok(Vec::new());
    };
    if pages.is_empty() {
        return Ok(Vec::new()); // Pagefind refuses an empty site; the search page says so
    }
    let inputs = inputs(files, pages)?;
    let key = reuse::key(binary, language, &inputs);
    let kept = cache.filter(|(_, reuse)| *reuse);
    if let Some(bundle) = kept.and_then(|(dir, _)| reuse::load(dir, key)) {
        return Ok(as_output(bundle));
    }
    let bundle = pagefind::run(binary, language, &inputs)?;
    if let Some((dir, _)) = cache {
        // A cache that cannot be written only makes the next build run Pagefind again.
        let _ = reuse::store(dir, key, &bundle);
    }
    Ok(as_output(bundle))
}

/// The URL path and HTML of every page, in the order given.
fn inputs<'a>(
    files: &'a [OutputFile],
    pages: &'a [Page],
) -> Result<Vec<(&'a str, &'a [u8])>, Diagnostic> {
    pages
        .iter()
        .map(|page| {
            let file = files.iter().find(|f| f.path == page.path);
            match file.map(|f| &f.content) {
                Some(OutputContent::Bytes(bytes)) => Ok((page.url.as_str(), bytes.as_slice())),
                _ => Err(Diagnostic::error(
                    CONFIG_FILE,
                    Pos::FILE,
                    format!("page `{}` was not rendered", page.path),
                )
                .help("report this as a bug in evalpress; the search index could not be built")),
            }
        })
        .collect()
}

/// A bundle (paths inside `pagefind/` and bytes) as output files.
fn as_output(bundle: Vec<(String, Vec<u8>)>) -> Vec<OutputFile> {
    bundle
        .into_iter()
        .map(|(path, bytes)| OutputFile {
            path: format!("{BUNDLE_DIR}/{path}"),
            content: OutputContent::Bytes(bytes),
            source: PathBuf::from(CONFIG_FILE),
        })
        .collect()
}

#[cfg(test)]
mod tests;
