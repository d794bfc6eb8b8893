//! Running the real `evalpress` binary from integration tests.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `evalpress <args>` inside `dir`, with no build date in the environment.
pub fn evalpress(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evalpress"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        // no Pagefind: the same output on every machine (tests/search.rs runs it)
        .env("EVALPRESS_PAGEFIND", "off")
        .output()
        .expect("run evalpress")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Builds the site at `root` quietly into a fresh temporary folder, requiring success; returns
/// the temporary folder (keep it alive) and the output folder in it.
pub fn build_site(root: &Path) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let run = evalpress(root, &["build", "--out", out.to_str().unwrap(), "--quiet"]);
    assert!(
        run.status.success(),
        "{} failed to build:\n{}",
        root.display(),
        stderr(&run)
    );
    (tmp, out)
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
