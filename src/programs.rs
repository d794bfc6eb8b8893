//! The programs some stages run, found on `PATH`: Pagefind for [`search`](crate::search) and
//! Chromium for [`pdf`](crate::pdf). No I/O but file metadata.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The first of `names` in the folders of `path` (a `PATH` value) that `usable` accepts, trying
/// each name in every folder before the next name.
pub fn on_path(
    path: Option<OsString>,
    names: &[&str],
    usable: impl Fn(&Path) -> bool,
) -> Option<PathBuf> {
    let dirs: Vec<PathBuf> = path
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    names
        .iter()
        .flat_map(|name| dirs.iter().map(move |d| d.join(name)))
        .find(|candidate| usable(candidate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tried_in_order_through_every_folder() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        std::fs::write(b.path().join("first"), "").unwrap();
        std::fs::write(a.path().join("second"), "").unwrap();
        let path = std::env::join_paths([a.path(), b.path()]).unwrap();
        let found = on_path(Some(path.clone()), &["first", "second"], Path::is_file);
        assert_eq!(found, Some(b.path().join("first")));
        assert_eq!(on_path(Some(path), &["third"], Path::is_file), None);
        assert_eq!(on_path(None, &["first"], Path::is_file), None);
    }
}
