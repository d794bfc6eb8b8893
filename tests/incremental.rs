//! Incremental publishing: after any sequence of edits, a build that keeps the cache publishes
//! exactly the bytes a clean build publishes, and it rewrites only the files whose bytes changed
//! (checked by inode: an unchanged file is the very file of the previous tree).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use common::tree::{snapshot, write_files};
use evalpress::{BuildOptions, Outcome};
use proptest::prelude::*;

const REPO_THEME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/templates");

const CONFIG: &str = "title: Testsite\nlocale: da\ndata:\n  decimal: comma\n";

const SIDECAR: &str =
    "title: Tal\ncolumns:\n  Kommune: {type: text}\n  Antal: {type: integer, kind: count}\n";

const MODEL: &str = "title: Testmodel\ntargets:\n  - { id: jobcentret, title: Rettet mod jobcentret }\ncore_elements:\n  - { id: k1, text: At sprede viden, short: Viden, target: jobcentret }\n  - { id: k2, text: At rådgive ledige, short: Rådgivning }\n";

fn csv(aarup: u32) -> String {
    format!("Kommune;Antal\nAarup;{aarup}\nBrande;7\nCharlottenlund;11\n")
}

/// Report `alfa`: a table from `a.csv` (after an optional extra table that renumbers it) and
/// an inline value; `label` is the table's label.
fn alfa(paragraph: &str, label: &str, extra_table: bool) -> String {
    let extra = if extra_table {
        "```table\ntitle: Ekstra\n---\n| x | y |\n|---|---|\n| 1 | 2 |\n```\n\n"
    } else {
        ""
    };
    format!(
        "---\ntitle: Alfa\nkind: evaluering\ndate: 2024-01-02\nvalues:\n  n-a:\n    data: a.csv\n    aggregate: {{n: sum(Antal)}}\n---\n\n{paragraph} I alt [=n-a].\n\n{extra}```table\nlabel: {label}\ndata: a.csv\ngroup: [Kommune]\naggregate: {{Antal: sum(Antal)}}\ntotals: row\n```\n"
    )
}

fn beta(paragraph: &str) -> String {
    format!(
        "---\ntitle: Beta\nkind: evaluering\ndate: 2024-02-03\n---\n\n{paragraph}\n\n```table\nlabel: tab-b\ndata: b.csv\ngroup: [Kommune]\naggregate: {{Antal: sum(Antal)}}\n```\n"
    )
}

fn gamma(paragraph: &str, label: &str) -> String {
    format!(
        "---\ntitle: Gamma\nkind: notat\ndate: 2024-03-04\n---\n\n{paragraph} Se [@alfa/{label}].\n"
    )
}

fn delta(paragraph: &str, draft: bool) -> String {
    format!(
        "---\ntitle: Delta\nkind: notat\ndraft: {draft}\n---\n\n{paragraph}\n\n```model\nmodel: m\n```\n"
    )
}

fn epsilon(paragraph: &str) -> String {
    format!("---\ntitle: Om siden\nkind: side\n---\n\n{paragraph}\n")
}

/// The front page refers to a label, so it needs the labels of reports it did not parse.
const FRONT_PAGE: &str = "---\ntitle: Forside\n---\n\nSe [@beta/tab-b].\n";

const ZETA: &str = "---\ntitle: Zeta\nkind: notat\n---\n\nSe [@beta/tab-b] og [@alfa/tab-a].\n";

/// The fixture site's state, from which its files are written.
#[derive(Debug, Clone)]
struct Site {
    a: u32,
    b: u32,
    paragraphs: [String; 5],
    label: &'static str,
    extra_table: bool,
    page_template: bool,
    config_title: bool,
    model_text: bool,
    zeta: bool,
    draft: bool,
    /// Gamma refers to a label that does not exist (the build must fail).
    broken: bool,
}

impl Site {
    fn new() -> Site {
        Site {
            a: 12,
            b: 5,
            paragraphs: ["Første.", "Anden.", "Tredje.", "Fjerde.", "Femte."].map(String::from),
            label: "tab-a",
            extra_table: false,
            page_template: false,
            config_title: false,
            model_text: false,
            zeta: false,
            draft: false,
            broken: false,
        }
    }

    /// Every file of the site, by path; `None` for files that must not exist.
    fn files(&self) -> Vec<(&'static str, Option<String>)> {
        let p = &self.paragraphs;
        let config = if self.config_title {
            CONFIG.replace("Testsite", "Andet navn")
        } else {
            CONFIG.to_string()
        };
        let model = if self.model_text {
            MODEL.replace("At sprede viden", "At dele viden")
        } else {
            MODEL.to_string()
        };
        let page = self.page_template.then(|| {
            let text = fs::read_to_string(Path::new(REPO_THEME).join("page.html")).unwrap();
            text.replace("<h1>", "<h1 class=\"side\">")
        });
        vec![
            ("evalpress.yaml", Some(config)),
            ("content/_index.md", Some(FRONT_PAGE.into())),
            ("data/a.csv", Some(csv(self.a))),
            ("data/a.yaml", Some(SIDECAR.into())),
            ("data/b.csv", Some(csv(self.b))),
            ("data/b.yaml", Some(SIDECAR.into())),
            ("data/models/m.yaml", Some(model)),
            (
                "content/alfa/index.md",
                Some(alfa(&p[0], self.label, self.extra_table)),
            ),
            ("content/beta/index.md", Some(beta(&p[1]))),
            (
                "content/gamma/index.md",
                Some(gamma(
                    &p[2],
                    if self.broken { "nowhere" } else { self.label },
                )),
            ),
            ("content/delta/index.md", Some(delta(&p[3], self.draft))),
            ("content/epsilon/index.md", Some(epsilon(&p[4]))),
            ("content/zeta/index.md", self.zeta.then(|| ZETA.into())),
            ("themes/default/templates/page.html", page),
        ]
    }
}

/// Writes what differs between the site on disk and `site`. Each file written gets a
/// modification time of its own, a day in the past, so stamps of unchanged files are trusted
/// and a changed file never keeps its old stamp (whatever the file system's clock resolution).
fn write_site(root: &Path, site: &Site, clock: &mut u64) {
    let past = SystemTime::now() - Duration::from_secs(86_400);
    for (rel, text) in site.files() {
        let path = root.join(rel);
        match text {
            Some(text) => {
                if fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
                    continue;
                }
                write_files(root, &[(rel, &text)]);
                *clock += 1;
                let file = fs::File::options().write(true).open(&path).unwrap();
                file.set_modified(past + Duration::from_secs(*clock))
                    .unwrap();
            }
            None => {
                if path.exists() {
                    fs::remove_file(&path).unwrap();
                    if let Some(dir) = path.parent()
                        && fs::read_dir(dir).unwrap().next().is_none()
                    {
                        fs::remove_dir(dir).unwrap();
                    }
                }
            }
        }
    }
}

fn options(root: &Path, out: &Path, no_cache: bool) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        base_url: None,
        strict: false,
        drafts: false,
        write: true,
        build_date: None,
        no_cache,
    }
}

fn build(root: &Path, out: &Path, no_cache: bool) -> Outcome {
    let outcome = evalpress::build(&options(root, out, no_cache), &|_| {});
    let shown: Vec<String> = outcome.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(outcome.succeeded(), "{}", shown.join("\n"));
    outcome
}

/// A fixture site in a fresh folder, built once with the cache.
fn fresh(site: &Site) -> (tempfile::TempDir, PathBuf, PathBuf, u64) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = dir.path().join("out");
    let mut clock = 0;
    write_site(&root, site, &mut clock);
    build(&root, &out, false);
    (dir, root, out, clock)
}

/// Path -> inode of every file in `out`.
fn inodes(out: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(out).unwrap().to_string_lossy();
            (rel.replace('\\', "/"), e.metadata().unwrap().ino())
        })
        .collect()
}

/// The files whose inode changed or that are new: those the last build wrote.
fn replaced(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> Vec<String> {
    after
        .iter()
        .filter(|(p, ino)| before.get(*p) != Some(ino))
        .map(|(p, _)| p.clone())
        .filter(|p| p != ".evalpress-output")
        .collect()
}

#[test]
fn one_csv_change_rewrites_only_the_files_of_the_report_that_reads_it() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    let before = inodes(&out);
    site.a = 14;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    let written = replaced(&before, &inodes(&out));
    assert_eq!(outcome.rewritten, written);
    assert!(
        written.contains(&"alfa/index.html".to_string()),
        "{written:?}"
    );
    assert!(
        written.iter().all(|p| p.starts_with("alfa/")),
        "{written:?}"
    );
    let page = fs::read_to_string(out.join("alfa/index.html")).unwrap();
    assert!(page.contains(">14<"), "the new count is on the page");
    let inodes_after = inodes(&out);

    let again = build(&root, &out, false);
    assert_eq!(again.rewritten.len(), 0, "{again:?}");
    fs::write(out.join("stray.html"), "not made by evalpress").unwrap();
    let cleaned = build(&root, &out, false);
    assert_eq!(cleaned.rewritten.len(), 0, "{cleaned:?}");
    assert!(
        !out.join("stray.html").exists(),
        "a stray file survived a no-op build"
    );
    let replaced_now = replaced(&inodes_after, &inodes(&out));
    assert!(
        replaced_now.is_empty(),
        "a no-op build replaced {replaced_now:?}"
    );
}

#[test]
fn a_changed_label_target_rewrites_the_pages_that_reference_it() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.extra_table = true; // alfa's tab-a becomes "tabel 2"; gamma refers to it
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert!(outcome.rewritten.contains(&"gamma/index.html".to_string()));
    let page = fs::read_to_string(out.join("gamma/index.html")).unwrap();
    assert!(page.contains("tabel\u{a0}2"), "{page}");
}

#[test]
fn a_template_change_rerenders_only_the_pages_using_it() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.page_template = true; // page.html: only epsilon (kind: side) uses it
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!(outcome.rewritten, ["epsilon/index.html"]);
    let page = fs::read_to_string(out.join("epsilon/index.html")).unwrap();
    assert!(page.contains("<h1 class=\"side\">"));
}

#[test]
fn a_model_change_rewrites_only_the_pages_using_models() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.model_text = true;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!(outcome.rewritten, ["delta/index.html"]);
}

#[test]
fn a_config_change_rewrites_every_page() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.config_title = true;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert!(outcome.rewritten.contains(&"beta/index.html".to_string()));
}

#[test]
fn a_corrupt_or_missing_cache_means_every_file_is_written_correctly() {
    let mut site = Site::new();
    let (dir, root, out, mut clock) = fresh(&site);
    let cache = root.join(".evalpress/cache");
    let files: Vec<PathBuf> = fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    for (i, garbage) in ["{\"format\": 1, \"key\"", "", "\u{0}\u{1}not json"]
        .iter()
        .enumerate()
    {
        site.a = 20 + i as u32;
        write_site(&root, &site, &mut clock);
        fs::write(&files[0], garbage).unwrap();
        let outcome = build(&root, &out, false);
        // With no usable state every file is written, beta's page too though it did not change.
        assert!(outcome.rewritten.contains(&"beta/index.html".to_string()));
        let clean = dir.path().join(format!("clean-{i}"));
        build(&root, &clean, true);
        assert_eq!(snapshot(&out), snapshot(&clean));
    }
    fs::remove_dir_all(root.join(".evalpress")).unwrap();
    let outcome = build(&root, &out, false);
    assert!(outcome.rewritten.contains(&"beta/index.html".to_string()));
}

#[test]
fn caches_of_output_folders_that_are_gone_are_removed() {
    let site = Site::new();
    let (dir, root, _out, _) = fresh(&site);
    let cache = root.join(".evalpress/cache");
    let count = || fs::read_dir(&cache).unwrap().count();
    assert_eq!(count(), 2, "one state and the name of its output folder");
    let other = dir.path().join("other");
    build(&root, &other, false);
    assert_eq!(count(), 4);
    fs::remove_dir_all(&other).unwrap();
    build(&root, &dir.path().join("third"), false);
    assert_eq!(count(), 4, "the state for the removed folder was kept");
}

#[test]
fn an_edited_published_file_is_written_again() {
    let site = Site::new();
    let (_dir, root, out, _) = fresh(&site);
    let page = out.join("beta/index.html");
    let original = fs::read(&page).unwrap();
    fs::write(&page, b"edited by hand").unwrap();
    let outcome = build(&root, &out, false);
    assert_eq!(outcome.rewritten, ["beta/index.html"]);
    assert_eq!(fs::read(&page).unwrap(), original);
}

#[test]
fn on_the_command_line_a_rebuild_keeps_files_and_no_cache_writes_them_all() {
    let site = Site::new();
    let (_dir, root, _out, _) = fresh(&site);
    let out = root.join("public");
    let run = |args: &[&str]| {
        let (code, stderr) = common::guarded::run(&root, args, &[]);
        assert_eq!(code, Some(0), "{stderr}");
    };
    run(&["build"]);
    let first = inodes(&out);
    let bytes = snapshot(&out);
    run(&["build"]);
    assert!(
        replaced(&first, &inodes(&out)).is_empty(),
        "a no-op build replaced files"
    );
    run(&["build", "--no-cache"]);
    let all = replaced(&first, &inodes(&out));
    assert_eq!(
        all.len(),
        first.len() - 1,
        "--no-cache writes every file: {all:?}"
    );
    assert_eq!(snapshot(&out), bytes);
}

/// One edit of the fixture site.
#[derive(Debug, Clone)]
enum Edit {
    CsvA(u32),
    CsvB(u32),
    Paragraph(usize, String),
    Template,
    Config,
    Model,
    ToggleReport,
    Renumber,
    RenameLabel,
    Draft,
    /// A build that fails on the way (output and cache must survive it).
    FailedBuild,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0u32..30).prop_map(Edit::CsvA),
        (0u32..30).prop_map(Edit::CsvB),
        (0usize..5, "[A-Za-zæø]{1,8}( [a-z]{1,6}){0,3}\\.")
            .prop_map(|(i, t)| Edit::Paragraph(i, t)),
        Just(Edit::Template),
        Just(Edit::Config),
        Just(Edit::Model),
        Just(Edit::ToggleReport),
        Just(Edit::Renumber),
        Just(Edit::RenameLabel),
        Just(Edit::Draft),
        Just(Edit::FailedBuild),
    ]
}

fn apply(site: &mut Site, edit: &Edit) {
    match edit {
        Edit::CsvA(n) => site.a = *n,
        Edit::CsvB(n) => site.b = *n,
        Edit::Paragraph(i, text) => site.paragraphs[*i] = text.clone(),
        Edit::Template => site.page_template ^= true,
        Edit::Config => site.config_title ^= true,
        Edit::Model => site.model_text ^= true,
        // Zeta refers to alfa's table by its first name; it only exists while that name does.
        Edit::ToggleReport => site.zeta = !site.zeta && site.label == "tab-a",
        Edit::Renumber => site.extra_table ^= true,
        Edit::Draft => site.draft ^= true,
        Edit::FailedBuild => {}
        Edit::RenameLabel => {
            site.label = if site.label == "tab-a" {
                "tal-a"
            } else {
                "tab-a"
            };
            site.zeta &= site.label == "tab-a";
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn incremental_builds_equal_clean_builds(edits in prop::collection::vec(edit(), 1..5)) {
        let mut site = Site::new();
        let (dir, root, out, mut clock) = fresh(&site);
        for (step, e) in edits.iter().enumerate() {
            if matches!(e, Edit::FailedBuild) {
                let before = snapshot(&out);
                site.broken = true;
                write_site(&root, &site, &mut clock);
                let failed = evalpress::build(&options(&root, &out, false), &|_| {});
                prop_assert!(!failed.succeeded());
                prop_assert_eq!(&snapshot(&out), &before);
                site.broken = false;
            }
            apply(&mut site, e);
            write_site(&root, &site, &mut clock);
            let incremental = build(&root, &out, false);
            let clean_out = dir.path().join(format!("clean-{step}"));
            let clean = build(&root, &clean_out, true);
            prop_assert_eq!(snapshot(&out), snapshot(&clean_out), "after {:?}", &edits[..=step]);
            prop_assert_eq!(&incremental.diagnostics, &clean.diagnostics);
            prop_assert_eq!(incremental.reports, clean.reports);
        }
    }
}
