//! Finding Chromium, its arguments and the print jobs (the printing itself: `tests/pdf.rs`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::*;

fn fake_exe(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, "#!/bin/sh\n").unwrap();
    path
}

fn path_of(dirs: &[&Path]) -> Option<OsString> {
    Some(std::env::join_paths(dirs).unwrap())
}

#[test]
fn the_flag_wins_over_the_environment_and_path() {
    let tmp = tempfile::tempdir().unwrap();
    let flag = fake_exe(tmp.path(), "my-chrome");
    let env = fake_exe(tmp.path(), "env-chrome");
    fake_exe(tmp.path(), "chromium");
    let found = find_chromium(Some(&flag), Some(env.into()), path_of(&[tmp.path()]));
    assert_eq!(found.unwrap(), flag);
}

#[test]
fn the_environment_wins_over_path() {
    let tmp = tempfile::tempdir().unwrap();
    let env = fake_exe(tmp.path(), "env-chrome");
    fake_exe(tmp.path(), "chromium");
    let found = find_chromium(None, Some(env.clone().into()), path_of(&[tmp.path()]));
    assert_eq!(found.unwrap(), env);
    // an empty variable counts as unset
    let found = find_chromium(None, Some(OsString::new()), path_of(&[tmp.path()]));
    assert_eq!(found.unwrap(), tmp.path().join("chromium"));
}

#[test]
fn path_is_searched_by_name_in_order() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    fake_exe(a.path(), "google-chrome");
    let browser = fake_exe(b.path(), "chromium-browser");
    // `chromium-browser` comes before `google-chrome` in the list, whatever the folder order
    let found = find_chromium(None, None, path_of(&[a.path(), b.path()]));
    assert_eq!(found.unwrap(), browser);
}

#[test]
fn a_missing_browser_says_how_to_install_one() {
    let empty = tempfile::tempdir().unwrap();
    let err = find_chromium(None, None, path_of(&[empty.path()])).unwrap_err();
    assert!(err.message.contains("no Chromium found"), "{err}");
    let help = &err.help;
    assert!(help.contains("apt-get install chromium"), "{help}");
    assert!(help.contains(CHROMIUM_ENV), "{help}");
    let err = find_chromium(None, None, None).unwrap_err();
    assert!(err.message.contains("no Chromium found"), "{err}");
}

#[test]
fn a_named_browser_that_does_not_exist_is_an_error_naming_where_it_came_from() {
    let tmp = tempfile::tempdir().unwrap();
    fake_exe(tmp.path(), "chromium");
    let missing = tmp.path().join("nope");
    let err = find_chromium(Some(&missing), None, path_of(&[tmp.path()])).unwrap_err();
    assert!(err.message.contains("--chromium"), "{err}");
    assert_eq!(err.file, missing);
    let err = find_chromium(None, Some(missing.into()), path_of(&[tmp.path()])).unwrap_err();
    assert!(err.message.contains(CHROMIUM_ENV), "{err}");
}

#[test]
fn arguments_print_one_page_headless_with_a_fresh_profile() {
    let args = chromium_args(
        Path::new("/tmp/site/rapport/index.html"),
        Path::new("/tmp/pdf/rapport.pdf"),
        Path::new("/tmp/profile-0"),
    );
    let args: Vec<String> = args.into_iter().map(|a| a.into_string().unwrap()).collect();
    for flag in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=/tmp/profile-0",
        "--print-to-pdf=/tmp/pdf/rapport.pdf",
    ] {
        assert!(
            args.iter().any(|a| a == flag),
            "{flag} missing from {args:?}"
        );
    }
    assert_eq!(
        args.last().unwrap(),
        "file:///tmp/site/rapport/index.html",
        "the page comes last"
    );
}

#[test]
fn file_urls_escape_what_a_url_cannot_hold() {
    assert_eq!(
        file_url(Path::new("/tmp/mine rapporter/å#1/index.html")),
        "file:///tmp/mine%20rapporter/%C3%A5%231/index.html"
    );
}

#[test]
fn one_job_per_report_in_order() {
    let reports = [
        PublishedReport {
            slug: "b".into(),
            title: "B".into(),
        },
        PublishedReport {
            slug: "a".into(),
            title: "A".into(),
        },
    ];
    let jobs = jobs(&reports, Path::new("/s"), Path::new("/p"));
    assert_eq!(
        jobs,
        [
            Job {
                slug: "b".into(),
                page: "/s/b/index.html".into(),
                pdf: "/p/b.pdf".into()
            },
            Job {
                slug: "a".into(),
                page: "/s/a/index.html".into(),
                pdf: "/p/a.pdf".into()
            },
        ]
    );
}
