//! The fixture site of the incremental-build tests (`tests/incremental*.rs`): five reports that
//! read two CSV files, a model, a cross-reference and a page template, written from a [`Site`]
//! value so a test can edit one input at a time; builds into a folder, and the inodes that show
//! which files a build replaced.
#![allow(dead_code)] // not every test crate that includes `mod common` uses every helper

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use evalpress::{BuildOptions, Outcome};

use super::tree::{snapshot, write_files};

pub const REPO_THEME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/templates");

pub const CONFIG: &str = "title: Testsite\nlocale: da\ndata:\n  decimal: comma\n";

pub const SIDECAR: &str =
    "title: Tal\ncolumns:\n  Kommune: {type: text}\n  Antal: {type: integer, kind: count}\n";

pub const MODEL: &str = "title: Testmodel\ntargets:\n  - { id: jobcentret, title: Rettet mod jobcentret }\ncore_elements:\n  - { id: k1, text: At sprede viden, short: Viden, target: jobcentret }\n  - { id: k2, text: At rådgive ledige, short: Rådgivning }\n";

pub fn csv(aarup: u32) -> String {
    format!("Kommune;Antal\nAarup;{aarup}\nBrande;7\nCharlottenlund;11\n")
}

/// Report `alfa`: a table from `a.csv` (after an optional extra table that renumbers it) and
/// an inline value; `label` is the table's label.
pub fn alfa(paragraph: &str, label: &str, extra_table: bool) -> String {
    let extra = if extra_table {
        "```table\ntitle: Ekstra\n---\n| x | y |\n|---|---|\n| 1 | 2 |\n```\n\n"
    } else {
        ""
    };
    format!(
        "---\ntitle: Alfa\nkind: evaluering\ndate: 2024-01-02\nvalues:\n  n-a:\n    data: a.csv\n    aggregate: {{n: sum(Antal)}}\n---\n\n{paragraph} I alt [=n-a].\n\n{extra}```table\nlabel: {label}\ndata: a.csv\ngroup: [Kommune]\naggregate: {{Antal: sum(Antal)}}\ntotals: row\n```\n"
    )
}

pub fn beta(paragraph: &str) -> String {
    format!(
        "---\ntitle: Beta\nkind: evaluering\ndate: 2024-02-03\n{{series}}---\n\n{paragraph}\n\n```table\nlabel: tab-b\ndata: b.csv\ngroup: [Kommune]\naggregate: {{Antal: sum(Antal)}}\n```\n"
    )
}

pub fn gamma(paragraph: &str, label: &str) -> String {
    format!(
        "---\ntitle: Gamma\nkind: notat\ndate: 2024-03-04\n---\n\n{paragraph} Se [@alfa/{label}].\n"
    )
}

pub fn delta(paragraph: &str, draft: bool) -> String {
    format!(
        "---\ntitle: Delta\nkind: notat\ndraft: {draft}\n---\n\n{paragraph}\n\n```model\nmodel: m\n```\n"
    )
}

pub fn epsilon(paragraph: &str) -> String {
    format!("---\ntitle: Om siden\nkind: side\n---\n\n{paragraph}\n")
}

/// The front page refers to a label, so it needs the labels of reports it did not parse.
pub const FRONT_PAGE: &str = "---\ntitle: Forside\n---\n\nSe [@beta/tab-b].\n";

/// Report `eta` (optional): a second publication of `a.csv`, so the two are suppressed together.
pub const ETA: &str = "---\ntitle: Eta\nkind: notat\n---\n\nKommunerne.\n\n```table\nlabel: tab-e\ndata: a.csv\ngroup: [Kommune]\naggregate: {Antal: sum(Antal)}\n```\n";

/// The front matter lines that put a report in the programme `p` as round `round`.
fn in_series(report: String, round: u32) -> String {
    report.replacen("---\n", &format!("---\nprogramme: p\nround: {round}\n"), 1)
}

pub const ZETA: &str = "---\ntitle: Zeta\nkind: notat\n---\n\nSe [@beta/tab-b] og [@alfa/tab-a].\n";

/// The fixture site's state, from which its files are written.
#[derive(Debug, Clone)]
pub struct Site {
    pub a: u32,
    pub b: u32,
    pub paragraphs: [String; 5],
    pub label: &'static str,
    pub extra_table: bool,
    pub page_template: bool,
    pub config_title: bool,
    pub model_text: bool,
    pub zeta: bool,
    pub draft: bool,
    /// Gamma refers to a label that does not exist (the build must fail).
    pub broken: bool,
    /// Report `eta` exists: `a.csv` is published by two reports.
    pub shared: bool,
    /// Alfa and beta are rounds 1 and 2 of programme `p`.
    pub series: bool,
    /// Beta's title is "Beta 2" (what alfa's page shows as the next round in a series).
    pub beta_title: bool,
    /// The front page's text says "Se også" (the index shows it).
    pub front_text: bool,
    /// Alfa is dated 2024-05-06 (the index shows it, and lists alfa first).
    pub alfa_date: bool,
    /// Alfa has a headline result from `a.csv` (its programme page shows it in a series).
    pub key_figure: bool,
}

impl Site {
    pub fn new() -> Site {
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
            shared: false,
            series: false,
            beta_title: false,
            front_text: false,
            alfa_date: false,
            key_figure: false,
        }
    }

    /// Every file of the site, by path; `None` for files that must not exist.
    pub fn files(&self) -> Vec<(&'static str, Option<String>)> {
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
        let beta_text = beta(&p[1]).replace("{series}", "");
        let mut alfa_text = alfa(&p[0], self.label, self.extra_table);
        if self.alfa_date {
            alfa_text = alfa_text.replacen("date: 2024-01-02", "date: 2024-05-06", 1);
        }
        if self.key_figure {
            let figure = "key_figures:\n  - { label: I alt, value: n-a }\n";
            alfa_text = alfa_text.replacen("values:", &format!("{figure}values:"), 1);
        }
        let front = if self.front_text {
            FRONT_PAGE.replace("Se [@", "Se også [@")
        } else {
            FRONT_PAGE.to_string()
        };
        let beta_text = if self.beta_title {
            beta_text.replacen("title: Beta", "title: Beta 2", 1)
        } else {
            beta_text
        };
        vec![
            ("evalpress.yaml", Some(config)),
            ("content/_index.md", Some(front)),
            ("data/a.csv", Some(csv(self.a))),
            ("data/a.yaml", Some(SIDECAR.into())),
            ("data/b.csv", Some(csv(self.b))),
            ("data/b.yaml", Some(SIDECAR.into())),
            ("data/models/m.yaml", Some(model)),
            ("content/alfa/index.md", Some(self.series(alfa_text, 1))),
            ("content/beta/index.md", Some(self.series(beta_text, 2))),
            ("content/eta/index.md", self.shared.then(|| ETA.into())),
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

impl Site {
    fn series(&self, report: String, round: u32) -> String {
        if self.series {
            in_series(report, round)
        } else {
            report
        }
    }
}

/// Writes what differs between the site on disk and `site`. Each file written gets a
/// modification time of its own, a day in the past, so stamps of unchanged files are trusted
/// and a changed file never keeps its old stamp (whatever the file system's clock resolution).
pub fn write_site(root: &Path, site: &Site, clock: &mut u64) {
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

pub fn options(root: &Path, out: &Path, no_cache: bool) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        base_url: None,
        strict: false,
        drafts: false,
        write: true,
        build_date: None,
        no_cache,
        search_index: true,
    }
}

pub fn build(root: &Path, out: &Path, no_cache: bool) -> Outcome {
    let outcome = evalpress::build(&options(root, out, no_cache), &|_| {});
    let shown: Vec<String> = outcome.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(outcome.succeeded(), "{}", shown.join("\n"));
    outcome
}

/// A fixture site in a fresh folder, built once with the cache.
pub fn fresh(site: &Site) -> (tempfile::TempDir, PathBuf, PathBuf, u64) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let out = dir.path().join("out");
    let mut clock = 0;
    write_site(&root, site, &mut clock);
    build(&root, &out, false);
    (dir, root, out, clock)
}

/// Path -> inode of every file in `out`.
pub fn inodes(out: &Path) -> BTreeMap<String, u64> {
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
pub fn replaced(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> Vec<String> {
    after
        .iter()
        .filter(|(p, ino)| before.get(*p) != Some(ino))
        .map(|(p, _)| p.clone())
        .filter(|p| p != ".evalpress-output")
        .collect()
}

/// The build and a clean build of the same site publish the same files and diagnostics.
pub fn assert_clean(root: &Path, out: &Path, incremental: &Outcome) {
    let clean_out = out.with_file_name(format!(
        "{}-clean",
        out.file_name().unwrap().to_string_lossy()
    ));
    let _ = fs::remove_dir_all(&clean_out);
    let clean = build(root, &clean_out, true);
    assert_eq!(snapshot(out), snapshot(&clean_out));
    assert_eq!(incremental.diagnostics, clean.diagnostics);
    assert_eq!(incremental.summary, clean.summary);
    assert_eq!(incremental.published, clean.published);
}
