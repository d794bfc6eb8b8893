//! Running the Pagefind binary: report pages -> Pagefind's bundle (index, script, WebAssembly).
//!
//! Part of the `search` stage. Input: the binary, the language and each page's URL path and
//! HTML. The pages are written into a private temporary folder laid out as the site is
//! (`<slug>/index.html`), Pagefind indexes that folder into a second one, and the bundle is read
//! back into memory; the folder is removed afterwards. Pagefind runs with fixed options, in the
//! temporary folder (so no `pagefind.yml` of the user's is read) and without `PAGEFIND_*`
//! variables, so the same pages always give the same bytes. It must not write anywhere else.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, Pos};

/// Parts of Pagefind's bundle that the theme's own search script does not load (Pagefind's
/// ready-made interfaces); left out of the output.
const UNUSED: &[&str] = &[
    "pagefind-ui.",
    "pagefind-modular-ui.",
    "pagefind-component-ui.",
    "pagefind-highlight.",
];

/// How many lines of Pagefind's error output a failure shows.
const STDERR_LINES: usize = 20;

/// Runs `binary` over `pages` (URL path, HTML) and returns its bundle: paths inside the bundle
/// folder and bytes, sorted by path.
pub fn run(
    binary: &Path,
    language: &str,
    pages: &[(&str, &[u8])],
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let tmp = tempfile::Builder::new()
        .prefix("evalpress-search-")
        .tempdir()
        .map_err(|e| failure(binary, format!("cannot make a temporary folder: {e}")))?;
    let site = tmp.path().join("site");
    let out = tmp.path().join("bundle");
    for (url, html) in pages {
        let dir = site.join(url.trim_matches('/'));
        fs::create_dir_all(&dir)
            .and_then(|()| fs::write(dir.join("index.html"), html))
            .map_err(|e| failure(binary, format!("cannot write a page to index: {e}")))?;
    }
    let mut command = Command::new(binary);
    command
        .arg("--site")
        .arg(&site)
        .arg("--output-path")
        .arg(&out)
        .args(["--force-language", language, "--silent"])
        .current_dir(tmp.path())
        .stdin(Stdio::null());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PAGEFIND_") {
            command.env_remove(name);
        }
    }
    let done = command
        .output()
        .map_err(|e| failure(binary, format!("cannot run Pagefind: {e}")))?;
    if !done.status.success() {
        let stderr = last_lines(&String::from_utf8_lossy(&done.stderr));
        let stdout = last_lines(&String::from_utf8_lossy(&done.stdout));
        let said = [stderr, stdout]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or_else(|| "(no output)".into());
        return Err(failure(
            binary,
            format!("Pagefind failed ({}): {said}", done.status),
        ));
    }
    let bundle = read_bundle(&out)
        .map_err(|e| failure(binary, format!("cannot read the index Pagefind wrote: {e}")))?;
    if !bundle.iter().any(|(p, _)| p == "pagefind.js") {
        return Err(failure(binary, "Pagefind wrote no pagefind.js".into()));
    }
    Ok(bundle)
}

/// Every file under `dir` that the search page may load, by path relative to `dir`, sorted.
fn read_bundle(dir: &Path) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut bundle = Vec::new();
    if !dir.is_dir() {
        return Ok(bundle);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .map_err(std::io::Error::other)?
            .to_string_lossy()
            .replace('\\', "/");
        if UNUSED.iter().any(|u| rel.contains(u)) {
            continue;
        }
        bundle.push((rel, fs::read(entry.path())?));
    }
    bundle.sort();
    Ok(bundle)
}

/// The last lines of a process's output, joined with ` | `, for a one-line message.
fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let from = lines.len().saturating_sub(STDERR_LINES);
    lines[from..].join(" | ")
}

fn failure(binary: &Path, message: String) -> Diagnostic {
    Diagnostic::error(CONFIG_FILE, Pos::FILE, message).help(format!(
        "check that `{} --version` runs; reinstall Pagefind (`npm ci` or `npm install pagefind` in the site root, \
         or `pip install 'pagefind[bin]'`), point {} at a working binary, or set `search: false` in {CONFIG_FILE}",
        binary.display(),
        super::BINARY_ENV
    ))
}
