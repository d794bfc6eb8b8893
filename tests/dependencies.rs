//! The dependency audit, offline: every crate in `Cargo.lock` (and in `fuzz/Cargo.lock`) is
//! checked against a list of banned crates, every crate the build uses against a list of
//! allowed licences (SPDX expressions, evaluated by the `spdx` crate that cargo-deny uses), and
//! every source must be a package registry or this repository, never a git checkout.
//!
//! This stands in for `cargo deny check licenses bans sources`: installing cargo-deny compiles
//! for many minutes on the project's 2 cores, which CI's time budget cannot spare. Security
//! advisories are not checked: the advisory database cannot be fetched on this machine (only
//! package registries are reachable), so neither tool could check them here.

use std::path::Path;
use std::process::Command;

/// Crates that must never be in the lock file, and why.
const BANNED: &[(&str, &str)] = &[
    (
        "serde_yaml",
        "archived and deprecated; evalpress reads YAML with serde-saphyr",
    ),
    ("serde_yml", "an unsound fork of serde_yaml"),
    ("yaml-rust", "unmaintained; yaml-rust2 or saphyr replace it"),
    (
        "rusttype",
        "unmaintained font parser, pulled by plotters' default `ttf` feature",
    ),
    (
        "font-kit",
        "reads system fonts (plotters' `ttf` feature): charts must measure text with the compiled-in font",
    ),
    (
        "yeslogic-fontconfig-sys",
        "system fonts through fontconfig, pulled by font-kit",
    ),
];

/// Licences every crate's licence expression must be satisfiable with.
const ALLOWED: &[&str] = &[
    "MIT",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Unicode-3.0",
    "BSL-1.0",
    "Unlicense",
    "Zlib",
    "CC0-1.0",
    // File-level copyleft: using the crates unchanged is allowed (scraper's parser, tests only).
    "MPL-2.0",
];

/// The names of the packages in a `Cargo.lock` text.
fn locked_names(lock: &str) -> Vec<&str> {
    lock.lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .collect()
}

/// One line per banned crate in the lock file `lock`.
fn banned_in(lock: &str) -> Vec<String> {
    let names = locked_names(lock);
    BANNED
        .iter()
        .filter(|(name, _)| names.contains(name))
        .map(|(name, why)| format!("{name} is in Cargo.lock: {why}"))
        .collect()
}

/// Why the licence `expr` of `package` is not allowed, if it is not.
fn licence_problem(package: &str, expr: Option<&str>) -> Option<String> {
    let Some(expr) = expr else {
        return Some(format!("{package} declares no licence"));
    };
    match spdx::Expression::parse_mode(expr, spdx::ParseMode::LAX) {
        Ok(parsed) => {
            let ok = parsed.evaluate(|req| {
                req.license
                    .id()
                    .is_some_and(|id| ALLOWED.contains(&id.name))
            });
            (!ok).then(|| format!("{package}: `{expr}` is not within the allowed licences"))
        }
        Err(e) => Some(format!("{package}: cannot read the licence `{expr}`: {e}")),
    }
}

#[test]
fn no_banned_crate_is_locked() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for lock in ["Cargo.lock", "fuzz/Cargo.lock"] {
        match std::fs::read_to_string(root.join(lock)) {
            Ok(text) => {
                problems.extend(banned_in(&text).into_iter().map(|p| format!("{lock}: {p}")))
            }
            Err(_) if lock.starts_with("fuzz/") => {} // made by the first fuzz build
            Err(e) => panic!("cannot read {lock}: {e}"),
        }
    }
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn every_dependency_has_an_allowed_licence_and_a_registry_source() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(root)
        .output()
        .expect("run cargo metadata");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    assert!(packages.len() > 50, "only {} packages", packages.len());
    let mut problems = Vec::new();
    for p in packages {
        let name = format!(
            "{} {}",
            p["name"].as_str().unwrap(),
            p["version"].as_str().unwrap()
        );
        let Some(source) = p["source"].as_str() else {
            continue; // this repository itself
        };
        if !source.starts_with("registry+") && !source.starts_with("sparse+") {
            problems.push(format!(
                "{name} comes from `{source}`, not a package registry"
            ));
        }
        problems.extend(licence_problem(&name, p["license"].as_str()));
    }
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn the_checks_find_what_they_look_for() {
    let lock = "[[package]]\nname = \"serde_yaml\"\nversion = \"0.9.34\"\n\n[[package]]\nname = \"serde\"\n";
    assert_eq!(
        banned_in(lock),
        [
            "serde_yaml is in Cargo.lock: archived and deprecated; evalpress reads YAML with serde-saphyr"
        ]
    );
    assert_eq!(licence_problem("a", Some("MIT/Apache-2.0")), None);
    assert_eq!(
        licence_problem("a", Some("Apache-2.0 WITH LLVM-exception OR GPL-3.0")),
        None
    );
    assert!(licence_problem("a", Some("GPL-3.0-only")).is_some());
    assert!(licence_problem("a", Some("MIT AND GPL-2.0-only")).is_some());
    assert!(licence_problem("a", None).is_some());
}
