//! Refused builds over a previous output: the shared check of the hostile-input tests that a
//! refused build exits with code 1, prints its diagnostics and the `failed:` summary, and leaves
//! the previous output and the sources byte for byte.
#![allow(dead_code)] // not every test crate that includes `mod common` uses every helper

use std::path::{Path, PathBuf};

use super::guarded::run;
use super::tree::{assert_same, small_site, snapshot};

/// A good site built into `<dir>/out`: the previous output that refused builds must not touch.
pub fn previous_output(dir: &Path) -> PathBuf {
    let good = small_site(&dir.join("good"), "---\ntitle: God\n---\n\nTekst.\n", &[]);
    let out = dir.join("out");
    let (code, err) = run(&good, &["build", "--out", out.to_str().unwrap()], &[]);
    assert_eq!(code, Some(0), "{err}");
    out
}

/// Builds the hostile `site` (inside `tmp`) over a previous output and returns its
/// diagnostics, one line each, without the final summary. The build must exit with code 1 (not
/// a signal), end with the `failed:` summary, and leave the output and the sources unchanged.
#[track_caller]
pub fn refused(tmp: &Path, site: &Path) -> Vec<String> {
    let out = previous_output(tmp);
    let (sources, published) = (snapshot(site), snapshot(&out));
    let (code, err) = run(site, &["build", "--out", out.to_str().unwrap()], &[]);
    assert_eq!(
        code,
        Some(1),
        "exit code of a refused build; stderr:\n{err}"
    );
    let mut lines: Vec<String> = err.lines().map(str::to_string).collect();
    let summary = lines.pop().unwrap_or_default();
    assert!(
        summary.starts_with("failed: ") && summary.ends_with("the output folder was not changed"),
        "{err}"
    );
    assert_same(&sources, site, "the sources");
    assert_same(&published, &out, "the previous output");
    lines
}
