//! Reports a build keeps -> their published page and downloads as output files, linked from
//! the published tree into the new one (part of the `render` stage; see `incremental` for
//! which reports are kept). Nothing is rendered or read here.

use super::{ElementRow, OutputContent, OutputFile, Staged};
use crate::diagnostics::{Diagnostic, Pos};
use crate::model::ParsedReport;

/// A report this build does not render: its published page and downloads are kept as they
/// are (linked into the new tree), and the site-wide pages list it from its recorded rows.
#[derive(Debug, Clone)]
pub struct Kept {
    pub elements: Vec<ElementRow>,
    /// Its page and downloads, by output path, with the digest of their published bytes.
    pub files: Vec<(String, crate::digest::Digest)>,
}

/// The published page and downloads of a kept report, to be linked into the new tree.
pub(super) fn kept_files(
    report: &ParsedReport,
    kept: &Kept,
) -> (Result<OutputFile, Diagnostic>, Vec<OutputFile>) {
    let mut files = kept.files.iter().map(|(path, digest)| OutputFile {
        path: path.clone(),
        content: OutputContent::Staged(Staged {
            digest: *digest,
            written: false,
        }),
        source: report.source.clone(),
    });
    let page = files.next().ok_or_else(|| {
        Diagnostic::error(
            &report.source,
            Pos::FILE,
            "internal: a kept report has no page",
        )
    });
    (page, files.collect())
}
