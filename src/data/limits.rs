//! The size limits of one data file, and the diagnostics that name them.
//!
//! Part of the `data` stage. Input: what `read` learns about a file before and while it streams
//! it (its size on disk, the header's width, each field's length). Output: a [`Diagnostic`]
//! naming the limit and how to get under it, so a hostile or broken extract (a 2 GB file, a
//! 10 MB field from a stray quote, a million columns) ends in an error at its place instead of
//! exhausting memory or time. It reads nothing itself and never inspects cell contents.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Pos};

/// The default largest data file, in MiB; `data: {max_file_mb: N}` in `evalpress.yaml` raises it.
pub const DEFAULT_MAX_FILE_MB: u64 = 512;

/// The longest field (header name or cell), in bytes: no table cell or label is longer.
pub const MAX_FIELD_BYTES: usize = 1 << 20;

/// The most columns a data file may have; wide layouts (years as columns) need a few dozen.
pub const MAX_COLUMNS: usize = 10_000;

/// Refuses a file of `size` bytes over `max_mb` MiB, before a byte of it is read.
pub fn check_file_size(path: &Path, size: u64, max_mb: u64) -> Result<(), Diagnostic> {
    if size <= max_mb.saturating_mul(1 << 20) {
        return Ok(());
    }
    let needed = size.div_ceil(1 << 20);
    Err(Diagnostic::error(
        path,
        Pos::FILE,
        format!(
            "the data file is {size} bytes ({needed} MiB), over the limit of {max_mb} MiB for one data file"
        ),
    )
    .help(format!(
        "split the extract into smaller files, or raise the limit in evalpress.yaml with `data: {{max_file_mb: {needed}}}` (a dataset is held in memory while the site is built)"
    )))
}

/// A header with `width` fields, more than [`MAX_COLUMNS`].
pub fn too_many_columns(path: &Path, width: usize) -> Diagnostic {
    Diagnostic::error(
        path,
        Pos::new(1, 1),
        format!("the header has {width} columns, more than the limit of {MAX_COLUMNS}"),
    )
    .help("check the delimiter (a wrong one can split every character), or split the file: a table has at most a few hundred columns")
}

/// A field of `len` bytes at `pos`, longer than [`MAX_FIELD_BYTES`]; its text is not shown.
pub fn field_too_long(path: &Path, pos: Pos, len: usize) -> Diagnostic {
    Diagnostic::error(
        path,
        pos,
        format!(
            "a field of {len} bytes, longer than the limit of {MAX_FIELD_BYTES} bytes (1 MiB)"
        ),
    )
    .help("look for a `\"` that opens a quoted field too early, or shorten the text: a cell holds one value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_up_to_the_cap_pass() {
        let p = Path::new("data/a.csv");
        assert!(check_file_size(p, 512 << 20, 512).is_ok());
        let e = check_file_size(p, (512 << 20) + 1, 512).unwrap_err();
        assert!(e.message.contains("513 MiB"), "{}", e.message);
        assert!(e.help.contains("max_file_mb: 513"), "{}", e.help);
        assert!(check_file_size(p, u64::MAX, u64::MAX).is_ok());
    }
}
