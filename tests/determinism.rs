//! Determinism: the example site (this repository) builds to the same bytes whatever the time
//! zone, thread count, locale and output folder, and the only date a build adds is the one
//! from `SOURCE_DATE_EPOCH`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Two environments that differ in everything that could leak into the output.
const PLAIN: &[(&str, &str)] = &[("TZ", "UTC"), ("RAYON_NUM_THREADS", "1"), ("LC_ALL", "C")];
const EXOTIC: &[(&str, &str)] = &[
    ("TZ", "Pacific/Chatham"),
    ("RAYON_NUM_THREADS", "7"),
    ("LC_ALL", "da_DK.UTF-8"),
];

/// Builds the example site into `out` with `env`; `epoch` sets `SOURCE_DATE_EPOCH`.
fn build(out: &Path, env: &[(&str, &str)], epoch: Option<&str>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_evalpress"));
    cmd.arg("build")
        .arg("--root")
        .arg(repo_root())
        .arg("--out")
        .arg(out)
        .arg("--quiet");
    cmd.env_remove("SOURCE_DATE_EPOCH")
        .env_remove("LANG")
        .env_remove("LANGUAGE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(epoch) = epoch {
        cmd.env("SOURCE_DATE_EPOCH", epoch);
    }
    let run = cmd.output().expect("run evalpress");
    assert!(
        run.status.success(),
        "build with {env:?} failed ({}):\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Every file under `dir` (hidden ones too) by relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// The first line where two texts differ, for a readable failure.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    for (i, (la, lb)) in a.lines().zip(b.lines()).enumerate() {
        if la != lb {
            return format!("line {}:\n  first:  {la}\n  second: {lb}", i + 1);
        }
    }
    format!("lengths differ: {} and {} bytes", a.len(), b.len())
}

fn assert_same_trees(first: &Path, second: &Path) {
    let (a, b) = (tree(first), tree(second));
    let names_a: Vec<&String> = a.keys().collect();
    let names_b: Vec<&String> = b.keys().collect();
    assert_eq!(
        names_a, names_b,
        "the two builds produced different file lists"
    );
    assert!(a.keys().any(|k| k.ends_with(".html")), "no HTML produced");
    let differing: Vec<String> = a
        .iter()
        .filter(|(name, bytes)| b[*name] != **bytes)
        .map(|(name, bytes)| format!("{name}: {}", first_difference(bytes, &b[name])))
        .collect();
    assert!(
        differing.is_empty(),
        "files differ between the builds:\n{}",
        differing.join("\n")
    );
}

#[test]
fn builds_are_identical_across_time_zones_threads_and_locales() {
    let tmp = tempfile::tempdir().unwrap();
    let (first, second) = (tmp.path().join("a/public"), tmp.path().join("b/elsewhere"));
    build(&first, PLAIN, None);
    build(&second, EXOTIC, None);
    assert_same_trees(&first, &second);
}

/// Every `YYYY-MM-DD` in `text`.
fn iso_dates(text: &str) -> BTreeSet<String> {
    let b = text.as_bytes();
    let mut found = BTreeSet::new();
    for i in 0..b.len().saturating_sub(9) {
        let w = &b[i..i + 10];
        let shape = w.iter().enumerate().all(|(j, c)| {
            if j == 4 || j == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        let bounded = (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 10).is_none_or(|c| !c.is_ascii_digit());
        if shape && bounded {
            found.insert(String::from_utf8_lossy(w).into_owned());
        }
    }
    found
}

/// The text of every Markdown and YAML source of the example site.
fn source_text() -> String {
    fn walk(dir: &Path, text: &mut String) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, text);
            } else if path
                .extension()
                .is_some_and(|e| e == "md" || e == "yaml" || e == "csv" || e == "svg")
            {
                text.push_str(&fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    let mut text = fs::read_to_string(repo_root().join("evalpress.yaml")).unwrap();
    walk(&repo_root().join("content"), &mut text);
    if repo_root().join("data").is_dir() {
        walk(&repo_root().join("data"), &mut text);
    }
    text
}

fn html_text(dir: &Path) -> String {
    tree(dir)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".html") || name.ends_with(".xml"))
        .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
        .collect()
}

#[test]
fn source_date_epoch_sets_the_build_date_in_utc() {
    let tmp = tempfile::tempdir().unwrap();
    let (first, second) = (tmp.path().join("a"), tmp.path().join("b"));
    // 1700000000 is 2023-11-14 22:13:20 UTC, already 2023-11-15 in Pacific/Chatham.
    build(&first, PLAIN, Some("1700000000"));
    build(&second, EXOTIC, Some("1700000000"));
    assert_same_trees(&first, &second);
    let index = fs::read_to_string(first.join("index.html")).unwrap();
    assert!(
        index.contains("2023-11-14"),
        "the build date is not on the front page:\n{index}"
    );
    assert!(
        !html_text(&first).contains("2023-11-15"),
        "the build date followed the local time zone"
    );
    assert!(
        !source_text().contains("2023-11-14"),
        "the example site itself mentions the test date"
    );
}

#[test]
fn without_source_date_epoch_no_build_date_appears() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&out, PLAIN, None);
    let sources = source_text();
    let source_dates = iso_dates(&sources);
    let produced = html_text(&out);
    let added: Vec<String> = iso_dates(&produced)
        .difference(&source_dates)
        .cloned()
        .collect();
    assert!(
        added.is_empty(),
        "dates that are in no source appear in the output: {added:?}"
    );
    // Nor today's date in any spelling (the wall clock must never be read).
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let months_da = [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let months_en = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let m = today.month() as usize - 1;
    for spelled in [
        format!("{}. {} {}", today.day(), months_da[m], today.year()),
        format!("{} {} {}", today.day(), months_en[m], today.year()),
        format!("{:02}.{:02}.{}", today.day(), today.month(), today.year()),
    ] {
        assert!(
            !produced.contains(&spelled) || sources.contains(&spelled),
            "today's date `{spelled}` appears in the output"
        );
    }
}
