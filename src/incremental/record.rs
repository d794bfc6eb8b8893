//! What a build records of each report it published -> what the next build needs to skip it.
//!
//! Part of the `incremental` stage. Input: the parsed reports, this build's [`Inputs`] and
//! the label index. Output: each report's dependencies ([`Deps`]: the digest of its own files,
//! of the datasets it reads, of the models when it uses them, of the labels of the other reports
//! it refers to, and of the series it belongs to) and, kept in the cache with them, everything
//! the site-wide stages take from a report they do not compute ([`ReportRecord`]), also what
//! its Markdown gave ([`Shell`]), so that a later build need not read it. Pure: no I/O, no
//! printing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::Inputs;
use crate::changes::check::Prose;
use crate::config::CONFIG_FILE;
use crate::data::store::Listing;
use crate::diagnostics::{Diagnostic, Pos};
use crate::digest::Digest;
use crate::model::{
    ElementKind, FrontMatter, KeyFigure, Literal, Node, ParsedReport, Target, TocEntry,
};
use crate::render::ElementRow;
use crate::resolve::LabelIndex;

/// The records of one published build.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Records {
    /// See [`base`]: what every report depends on; when it changes, no record is used.
    pub base: Digest,
    /// By report slug; shared, so that a build keeping a report keeps its record without
    /// copying it. Saved one file per report (see [`saved`](super::saved)), not with the rest.
    #[serde(skip)]
    pub reports: BTreeMap<String, Arc<ReportRecord>>,
    /// Every CSV file the build listed, by name under `data/`.
    pub datasets: BTreeMap<String, DatasetRecord>,
    /// The site-wide pages (index, programme and datasets pages...), by output path: the
    /// digest of what each was rendered from (see `render::memo`); none in records saved
    /// without them, which keeps nothing.
    #[serde(default)]
    pub pages: BTreeMap<String, Digest>,
}

/// One report as the build that computed it left it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportRecord {
    pub deps: Deps,
    /// The datasets its queries read, with their digests then.
    pub datasets: BTreeMap<String, Digest>,
    pub key_figures: Vec<KeyFigure>,
    pub elements: Vec<ElementRow>,
    /// Its tables and figures, for the closing line.
    pub counts: (usize, usize),
    /// The warnings its computing and resolving gave (its parse's are in `shell`).
    pub diagnostics: Vec<Diagnostic>,
    /// Its stale-prose warnings (the check needs its cells, which a build that keeps it does
    /// not read).
    pub prose: Prose,
    /// Its page first, then its downloads, by output path.
    pub files: Vec<String>,
    /// What its Markdown gave that a build keeping it needs.
    pub shell: Shell,
}

/// What parsing a report gave that the site-wide stages use of a report they keep: a build
/// whose inputs say its folder is unchanged makes it from this instead of reading its Markdown
/// (see [`shell`](super::shell)). Its nodes and footnotes are not kept: only computing and
/// rendering read them. Labels and contents are kept as rows (JSON arrays): at 1,000 reports
/// they are most of it, and the state is read whole by every build, one with nothing to do too.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Shell {
    /// Without `values:` and `key_figures:`, which only computing reads.
    pub front: FrontMatter,
    pub locale: String,
    /// (level, number, title, id) of each entry.
    toc: Vec<(u8, String, String, String)>,
    labels: Vec<LabelRow>,
    /// Its `index.md`, relative to the site root.
    pub source: PathBuf,
    /// For the stale-prose check, which checks every report's prose on every build.
    pub literals: Vec<Literal>,
    /// The warnings its parse gave.
    pub diagnostics: Vec<Diagnostic>,
}

/// A label of the report: (label, anchor, kind, number, title, file, line, column), the file
/// `None` when it is the report's `index.md`.
type LabelRow = (
    String,
    String,
    ElementKind,
    String,
    String,
    Option<PathBuf>,
    usize,
    usize,
);

impl Shell {
    /// The shell of `report`, whose parse gave `diagnostics`.
    pub fn of(report: &ParsedReport, diagnostics: Vec<Diagnostic>) -> Shell {
        let toc = report.toc.iter().map(|e| {
            let e = e.clone();
            (e.level, e.number, e.title, e.id)
        });
        let labels = report.labels.iter().map(|(label, t)| {
            let file = (t.file != report.source).then(|| t.file.clone());
            let t = t.clone();
            (
                label.clone(),
                t.anchor,
                t.kind,
                t.number,
                t.title,
                file,
                t.pos.line,
                t.pos.col,
            )
        });
        Shell {
            front: report.front.clone(),
            locale: report.locale.clone(),
            toc: toc.collect(),
            labels: labels.collect(),
            source: report.source.clone(),
            literals: report.literals.clone(),
            diagnostics,
        }
    }

    /// Its table of contents.
    pub fn toc(&self) -> Vec<TocEntry> {
        let entry = |(level, number, title, id): &(u8, String, String, String)| TocEntry {
            level: *level,
            number: number.clone(),
            title: title.clone(),
            id: id.clone(),
        };
        self.toc.iter().map(entry).collect()
    }

    /// Its labels, for the report `slug`.
    pub fn labels(&self, slug: &str) -> BTreeMap<String, Target> {
        let target = |row: &LabelRow| {
            let (label, anchor, kind, number, title, file, line, col) = row.clone();
            let target = Target {
                report: slug.to_string(),
                anchor,
                kind,
                number,
                title,
                file: file.unwrap_or_else(|| self.source.clone()),
                pos: Pos::new(line, col),
            };
            (label, target)
        };
        self.labels.iter().map(target).collect()
    }
}

/// What a report's dependencies follow of its Markdown besides its front matter: the other
/// reports it refers to and whether it uses the models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uses {
    pub reports: BTreeSet<String>,
    pub models: bool,
}

impl Uses {
    /// What the nodes of `report` use.
    pub fn of(report: &ParsedReport) -> Uses {
        Uses {
            reports: referred(report),
            models: uses_models(report),
        }
    }

    /// What the report `rec` was recorded of used (its Markdown unchanged since).
    pub fn recorded(rec: &ReportRecord) -> Uses {
        Uses {
            reports: rec.deps.refs.keys().cloned().collect(),
            models: rec.deps.models.is_some(),
        }
    }
}

/// What a report's page and results depend on besides the [`base`], as digests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deps {
    /// Every file of its folder (Markdown, assets).
    pub own: Digest,
    /// The models folder, when it uses models or ratings.
    pub models: Option<Digest>,
    /// The labels of every other report it refers to, by slug.
    pub refs: BTreeMap<String, Digest>,
    /// What its page shows of its series: the title, URL, round, date and kind of every
    /// report of its programme.
    pub series: Digest,
}

/// A CSV file as the last build saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetRecord {
    /// Its bytes and its sidecar's.
    pub digest: Digest,
    pub listing: Listing,
    /// The coordination warnings about it.
    pub coordination: Vec<Diagnostic>,
}

/// The digest of what every report depends on: the build's [`key`](super::key), the config
/// and the theme (templates, locales, styles). A change to any of them rebuilds every report.
pub fn base(key: Digest, inputs: &Inputs) -> Digest {
    let shared = inputs
        .iter()
        .filter(|(path, _)| *path == CONFIG_FILE || path.starts_with("themes/"))
        .map(|(path, input)| format!("{path}:{:?}\n", input.map(|i| i.digest)));
    let text: String = shared.collect();
    Digest::of_parts([&key.0.to_le_bytes()[..], text.as_bytes()])
}

/// The digest of every input under `folder` (with `/` at its end).
fn under(inputs: &Inputs, folder: &str) -> Digest {
    let text: String = inputs
        .range(folder.to_string()..)
        .take_while(|(path, _)| path.starts_with(folder))
        .map(|(path, input)| format!("{path}:{:?}\n", input.map(|i| i.digest)))
        .collect();
    Digest::of(text.as_bytes())
}

/// Every CSV file's digest (with its sidecar's), by name under `data/`.
pub fn dataset_digests(inputs: &Inputs) -> BTreeMap<String, Digest> {
    let digest = |path: &str| inputs.get(path).copied().flatten().map(|i| i.digest.0);
    inputs
        .keys()
        .filter_map(|path| {
            let name = path.strip_prefix("data/")?;
            // As the data stage finds them: any case of the extension.
            let (stem, ext) = name.rsplit_once('.')?;
            if !ext.eq_ignore_ascii_case("csv") {
                return None;
            }
            let sidecar = format!("data/{stem}.yaml");
            let both = format!("{:?}/{:?}", digest(path), digest(&sidecar));
            Some((name.to_string(), Digest::of(both.as_bytes())))
        })
        .collect()
}

/// The digest of every file of the folder of the report whose `index.md` is `source`.
pub fn own(inputs: &Inputs, source: &std::path::Path) -> Digest {
    let folder = source.parent().map_or(String::new(), |p| {
        format!("{}/", p.to_string_lossy().replace('\\', "/"))
    });
    under(inputs, &folder)
}

/// The dependencies of every report, by report index; `uses` is what each one's nodes use.
pub fn deps(
    reports: &[ParsedReport],
    uses: &[Uses],
    inputs: &Inputs,
    index: &LabelIndex,
) -> Vec<Deps> {
    let models = under(inputs, "data/models/");
    let series = series_digests(reports);
    // Only the reports some report refers to: hashing every report's labels was 3 % of a
    // one-CSV build at 1,000 reports.
    let referenced: BTreeSet<&str> = uses
        .iter()
        .flat_map(|u| u.reports.iter().map(String::as_str))
        .collect();
    let labels: BTreeMap<&str, Digest> = referenced
        .into_iter()
        .filter_map(|slug| {
            let labels = index.get(slug)?;
            Some((slug, Digest::of(format!("{labels:?}").as_bytes())))
        })
        .collect();
    reports
        .iter()
        .zip(uses)
        .map(|(r, uses)| {
            let refs = uses
                .reports
                .iter()
                .map(|slug| {
                    let digest = labels.get(slug.as_str()).copied().unwrap_or_default();
                    (slug.clone(), digest)
                })
                .collect();
            Deps {
                own: own(inputs, &r.source),
                models: uses.models.then_some(models),
                refs,
                series: series
                    .get(r.front.programme.as_deref().unwrap_or(""))
                    .copied()
                    .filter(|_| r.front.programme.is_some())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// The digest of each programme's members as a report page shows them.
fn series_digests(reports: &[ParsedReport]) -> BTreeMap<&str, Digest> {
    let mut members: BTreeMap<&str, String> = BTreeMap::new();
    for r in reports {
        let f = &r.front;
        if let Some(p) = f.programme.as_deref() {
            let line = format!(
                "{}|{:?}|{:?}|{}|{}\n",
                r.slug, f.round, f.date, f.title, f.kind
            );
            members.entry(p).or_default().push_str(&line);
        }
    }
    members
        .into_iter()
        .map(|(p, text)| (p, Digest::of(text.as_bytes())))
        .collect()
}

/// The other reports whose labels `report` refers to (`[@slug/label]`).
fn referred(report: &ParsedReport) -> BTreeSet<String> {
    let mut slugs = BTreeSet::new();
    let notes = report.footnotes.iter().map(|n| n.content.as_slice());
    for nodes in std::iter::once(report.nodes.as_slice()).chain(notes) {
        walk(nodes, &mut |node| {
            if let Node::RefStart(r) = node
                && let Some((slug, _)) = r.target.split_once('/')
                && slug != report.slug
            {
                slugs.insert(slug.to_string());
            }
        });
    }
    slugs
}

/// Whether `report` reads the models folder: a directive generated from models (grid,
/// status, list, ...) or an inline value or headline result from ratings.
fn uses_models(report: &ParsedReport) -> bool {
    let ratings = |name: &str| name.starts_with(crate::grids::values::PREFIX);
    if report
        .front
        .key_figures
        .iter()
        .any(|k| ratings(&k.value.value))
    {
        return true;
    }
    let mut uses = false;
    let notes = report.footnotes.iter().map(|n| n.content.as_slice());
    for nodes in std::iter::once(report.nodes.as_slice()).chain(notes) {
        walk(nodes, &mut |node| match node {
            Node::Element(el) => {
                let query = el
                    .generated
                    .as_ref()
                    .map(|g| crate::markdown::directives::runs_query(&g.directive));
                uses |= query == Some(false);
            }
            Node::Value(v) => uses |= ratings(&v.name),
            _ => {}
        });
    }
    uses
}

/// Calls `f` for every node of `nodes`, also inside elements.
fn walk(nodes: &[Node], f: &mut dyn FnMut(&Node)) {
    for node in nodes {
        f(node);
        if let Node::Element(el) = node {
            walk(&el.content, f);
        }
    }
}

/// The tables and figures of `report` (elements inside boxes too).
pub fn counts(report: &ParsedReport) -> (usize, usize) {
    let mut counts = (0, 0);
    walk(&report.nodes, &mut |node| {
        if let Node::Element(el) = node {
            match el.kind {
                crate::model::ElementKind::Table => counts.0 += 1,
                crate::model::ElementKind::Figure => counts.1 += 1,
                _ => {}
            }
        }
    });
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Stamp;
    use crate::incremental::inputs::Input;

    fn input(bytes: &[u8]) -> Option<Input> {
        Some(Input {
            digest: Digest::of(bytes),
            stamp: Stamp {
                len: 1,
                mtime: 0,
                inode: 0,
            },
            settled: true,
        })
    }

    #[test]
    fn a_shell_gives_back_what_the_parse_gave() {
        use crate::model::{ReportSource, SourceFile};
        let file = |path: &str, text: &str| SourceFile {
            path: path.into(),
            text: text.into(),
        };
        let index =
            "---\ntitle: T\nchapters: [b.md]\n---\n# Indledning {#ind}\n\nI alt 1.234 personer.\n";
        let chapter = "## Del\n\n```box\nlabel: boks-a\ntitle: B\n---\ntekst\n```\n";
        let src = ReportSource {
            slug: "r".into(),
            index: file("content/r/index.md", index),
            markdown: [("b.md".to_string(), file("content/r/b.md", chapter))].into(),
            assets: Vec::new(),
        };
        let config = crate::config::Config::parse("title: T\n", "evalpress.yaml".as_ref()).unwrap();
        let locales = crate::themes::embedded()
            .locales
            .iter()
            .map(|(k, f)| (k.clone(), crate::locale::Locale::parse(f).unwrap()))
            .collect();
        let (report, _) = crate::markdown::parse_report(&src, &config, &locales);
        let report = report.unwrap();
        assert!(
            report.labels.len() >= 2 && report.toc.len() == 2,
            "{report:?}"
        );
        assert!(report.labels.values().any(|t| t.file.ends_with("b.md")));
        assert!(!report.literals.is_empty());
        let json = serde_json::to_string(&Shell::of(&report, Vec::new())).unwrap();
        let shell: Shell = serde_json::from_str(&json).unwrap();
        assert_eq!(shell.labels("r"), report.labels);
        assert_eq!(format!("{:?}", shell.toc()), format!("{:?}", report.toc));
        assert_eq!(shell.literals, report.literals);
        assert_eq!(format!("{:?}", shell.front), format!("{:?}", report.front));
    }

    #[test]
    fn a_csv_is_named_as_queries_name_it_and_its_digest_covers_its_sidecar() {
        let mut inputs = Inputs::new();
        inputs.insert("data/x/a.CSV".into(), input(b"a"));
        inputs.insert("data/x/a.yaml".into(), input(b"side"));
        inputs.insert("data/notes.txt".into(), input(b"n"));
        inputs.insert("content/r/t.csv".into(), input(b"t"));
        let first = dataset_digests(&inputs);
        assert_eq!(first.keys().collect::<Vec<_>>(), ["x/a.CSV"]);
        inputs.insert("data/x/a.yaml".into(), input(b"other"));
        assert_ne!(
            dataset_digests(&inputs),
            first,
            "the sidecar is part of the dataset"
        );
    }
}
