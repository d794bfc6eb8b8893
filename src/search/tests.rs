//! Unit tests of the search stage: how Pagefind is found, and running and reusing a stand-in
//! binary (a shell script that writes a bundle the way Pagefind lays it out). The real Pagefind
//! is exercised by `tests/search.rs`.

use std::fs;

use super::*;
use crate::config::SearchConfig;

fn page(path: &str, html: &str) -> OutputFile {
    OutputFile {
        path: path.into(),
        content: OutputContent::Bytes(html.as_bytes().to_vec()),
        source: PathBuf::from(format!("content/{path}")),
    }
}

#[cfg(unix)]
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let file = dir.join(name);
    fs::create_dir_all(dir).unwrap();
    fs::write(&file, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o755)).unwrap();
    file
}

/// A stand-in for Pagefind: writes `pagefind.js`, a UI file, and one fragment per page holding
/// the page's bytes; counts its runs in `runs`.
#[cfg(unix)]
fn fake_pagefind(dir: &Path) -> PathBuf {
    let runs = dir.join("runs");
    script(
        dir,
        "pagefind",
        &format!(
            "while [ $# -gt 0 ]; do case $1 in --site) site=$2; shift;; --output-path) out=$2; shift;; --force-language) lang=$2; shift;; esac; shift; done\n\
             echo run >> {runs}\nmkdir -p \"$out/fragment\"\necho \"export const lang = '$lang';\" > \"$out/pagefind.js\"\n\
             echo ui > \"$out/pagefind-ui.js\"\nfor f in \"$site\"/*/index.html; do cp \"$f\" \"$out/fragment/$(basename $(dirname $f)).pf_fragment\"; done",
            runs = runs.display()
        ),
    )
}

fn pages_of(slugs: &[&str]) -> Vec<Page> {
    slugs
        .iter()
        .map(|s| Page {
            path: format!("{s}/index.html"),
            url: format!("/{s}/"),
        })
        .collect()
}

#[test]
#[cfg(unix)]
fn the_binary_is_looked_for_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let on_path = tmp.path().join("bin");
    let path_bin = script(&on_path, "pagefind_extended", "exit 0");
    let config = SearchConfig::default();
    let path = Some(on_path.clone().into_os_string());
    assert_eq!(
        locate(&root, &config, None, path.clone()).unwrap(),
        path_bin
    );
    let local = script(&root.join("node_modules/.bin"), "pagefind", "exit 0");
    assert_eq!(locate(&root, &config, None, path.clone()).unwrap(), local);
    let configured = script(&root.join("tools"), "pf", "exit 0");
    let named = SearchConfig {
        enabled: true,
        pagefind: Some(PathBuf::from("tools/pf")),
    };
    assert_eq!(
        locate(&root, &named, None, path.clone()).unwrap(),
        configured
    );
    let from_env = script(tmp.path(), "env-pagefind", "exit 0");
    let env = Some(from_env.clone().into_os_string());
    assert_eq!(locate(&root, &named, env, path.clone()).unwrap(), from_env);
    // an empty variable counts as unset
    assert_eq!(
        locate(&root, &named, Some("".into()), path).unwrap(),
        configured
    );
}

#[test]
#[cfg(unix)]
fn a_missing_binary_is_a_warning_saying_how_to_install_it() {
    let tmp = tempfile::tempdir().unwrap();
    let config = SearchConfig::default();
    let w = locate(tmp.path(), &config, None, Some(tmp.path().into())).unwrap_err();
    assert!(!w.is_error(), "{w}");
    assert_eq!(w.file, Path::new(CONFIG_FILE));
    assert!(w.message.contains("no Pagefind binary found"), "{w}");
    for how in [
        "npm ci",
        "npm install pagefind",
        "pip install 'pagefind[bin]'",
        "search: false",
    ] {
        assert!(w.help.contains(how), "{how}: {w}");
    }
    // a named file that is missing, or not executable, is not silently replaced by another
    let local = script(&tmp.path().join("node_modules/.bin"), "pagefind", "exit 0");
    let env = Some(tmp.path().join("nope").into_os_string());
    let w = locate(tmp.path(), &config, env, None).unwrap_err();
    assert!(
        w.message.contains(BINARY_ENV) && w.message.contains("nope"),
        "{w}"
    );
    let plain = tmp.path().join("plain");
    fs::write(&plain, "not a program").unwrap();
    let named = SearchConfig {
        enabled: true,
        pagefind: Some(PathBuf::from("plain")),
    };
    let w = locate(tmp.path(), &named, None, None).unwrap_err();
    assert!(w.message.contains("search: {pagefind"), "{w}");
    assert_eq!(locate(tmp.path(), &config, None, None).unwrap(), local);
}

#[test]
fn search_off_and_check_never_look_for_the_binary() {
    let tmp = tempfile::tempdir().unwrap();
    let off = SearchConfig {
        enabled: false,
        pagefind: None,
    };
    assert_eq!(prepare(tmp.path(), &off, true), (Indexer::Off, None));
    assert!(!Indexer::Off.has_page());
    let (indexer, warning) = prepare(tmp.path(), &SearchConfig::default(), false);
    assert_eq!((indexer, warning), (Indexer::Unavailable, None));
    assert!(Indexer::Unavailable.has_page());
}

#[test]
#[cfg(unix)]
fn the_bundle_lands_under_pagefind_without_the_ready_made_interfaces() {
    let tmp = tempfile::tempdir().unwrap();
    let indexer = Indexer::Pagefind(fake_pagefind(tmp.path()));
    let files = vec![
        page("b/index.html", "<p>B</p>"),
        page("a/index.html", "<p>A</p>"),
    ];
    let bundle = index_pages(&indexer, &files, &pages_of(&["b", "a"]), "da", None).unwrap();
    let paths: Vec<&str> = bundle.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "pagefind/fragment/a.pf_fragment",
            "pagefind/fragment/b.pf_fragment",
            "pagefind/pagefind.js"
        ]
    );
    let OutputContent::Bytes(js) = &bundle[2].content else {
        panic!()
    };
    assert_eq!(
        String::from_utf8_lossy(js).trim(),
        "export const lang = 'da';"
    );
    assert!(
        index_pages(&indexer, &files, &[], "da", None)
            .unwrap()
            .is_empty()
    );
    assert!(
        index_pages(&Indexer::Unavailable, &files, &pages_of(&["a"]), "da", None)
            .unwrap()
            .is_empty()
    );
    let err = index_pages(&indexer, &files, &pages_of(&["missing"]), "da", None).unwrap_err();
    assert!(err.message.contains("missing/index.html"), "{err}");
}

#[test]
#[cfg(unix)]
fn a_failing_binary_is_an_error_with_its_output() {
    let tmp = tempfile::tempdir().unwrap();
    let failing = script(
        tmp.path(),
        "pagefind",
        "echo 'Error: cannot parse the site' >&2\nexit 3",
    );
    let files = vec![page("a/index.html", "<p>A</p>")];
    let err = index_pages(
        &Indexer::Pagefind(failing),
        &files,
        &pages_of(&["a"]),
        "da",
        None,
    )
    .unwrap_err();
    assert!(err.is_error());
    assert!(err.message.contains("Pagefind failed"), "{err}");
    assert!(
        err.message.contains("Error: cannot parse the site"),
        "{err}"
    );
    assert!(err.help.contains("--version"), "{err}");
    let silent = script(&tmp.path().join("2"), "pagefind", "exit 0");
    let err = index_pages(
        &Indexer::Pagefind(silent),
        &files,
        &pages_of(&["a"]),
        "da",
        None,
    )
    .unwrap_err();
    assert!(err.message.contains("no pagefind.js"), "{err}");
}

#[test]
#[cfg(unix)]
fn unchanged_pages_reuse_the_kept_index_and_an_edited_cache_is_not_trusted() {
    let tmp = tempfile::tempdir().unwrap();
    let binary = fake_pagefind(tmp.path());
    let indexer = Indexer::Pagefind(binary);
    let cache = tmp.path().join("cache");
    let runs = || fs::read_to_string(tmp.path().join("runs")).map_or(0, |r| r.lines().count());
    let files = vec![page("a/index.html", "<p>A</p>")];
    let pages = pages_of(&["a"]);
    let first = index_pages(&indexer, &files, &pages, "da", Some((&cache, true))).unwrap();
    let second = index_pages(&indexer, &files, &pages, "da", Some((&cache, true))).unwrap();
    assert_eq!(runs(), 1, "the second build reuses the index");
    let bytes = |b: &[OutputFile]| -> Vec<(String, Vec<u8>)> {
        b.iter()
            .map(|f| match &f.content {
                OutputContent::Bytes(v) => (f.path.clone(), v.clone()),
                OutputContent::Copy(_) | OutputContent::Staged(_) => unreachable!(),
            })
            .collect()
    };
    assert_eq!(bytes(&first), bytes(&second));
    // another language or other page bytes run Pagefind again
    index_pages(&indexer, &files, &pages, "en", Some((&cache, true))).unwrap();
    assert_eq!(runs(), 2);
    let edited = vec![page("a/index.html", "<p>A, rettet</p>")];
    index_pages(&indexer, &edited, &pages, "da", Some((&cache, true))).unwrap();
    assert_eq!(runs(), 3);
    // a kept file changed behind evalpress's back is not reused
    for entry in walkdir::WalkDir::new(&cache) {
        let entry = entry.unwrap();
        if entry.file_name() == "pagefind.js" {
            fs::write(entry.path(), "tampered").unwrap();
        }
    }
    let again = index_pages(&indexer, &files, &pages, "da", Some((&cache, true))).unwrap();
    assert_eq!(runs(), 4);
    assert_eq!(bytes(&again), bytes(&first));
    // without a cache folder nothing is kept or reused
    index_pages(&indexer, &files, &pages, "da", None).unwrap();
    assert_eq!(runs(), 5);
    // --no-cache: the kept index is not read, but the new one is kept
    index_pages(&indexer, &files, &pages, "da", Some((&cache, false))).unwrap();
    assert_eq!(runs(), 6);
    fs::remove_dir_all(&cache).unwrap();
    index_pages(&indexer, &files, &pages, "da", Some((&cache, false))).unwrap();
    index_pages(&indexer, &files, &pages, "da", Some((&cache, true))).unwrap();
    assert_eq!(runs(), 7);
}
