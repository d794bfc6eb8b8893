//! Report-level skipping: the reports a [`Plan`] keeps and the ones this build computed -> the
//! per-report data the site-wide stages take (headline results, published cells, counts, the
//! pages to keep, warnings) and the records the next build starts from.
//!
//! Part of the `incremental` stage, between computing and rendering. A kept report's data comes
//! from its record (its counts, key figures, element rows, warnings, and its stale-prose
//! warnings); nothing of it is read or computed again, and its published cells are not needed:
//! they did not change, so they are not in the build's snapshot. No I/O.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::Path;
use std::sync::Arc;

use super::plan::Plan;
use super::rebuild::Computed;
use super::record::{self, DatasetRecord, Records, ReportRecord, Shell};
use super::shell::Parsing;
use super::{Cache, folder_stamps};
use crate::changes::Snapshot;
use crate::changes::check::Prose;
use crate::data::store::Store;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::digest::Digest;
use crate::model::{KeyFigure, ParsedReport};
use crate::output::Manifest;
use crate::render::{self, ElementRow, OutputContent, OutputFile};

/// The records the previous build into this output left, when they still describe what it
/// published: the same [`record::base`], and the list of changes (which holds the kept
/// reports' cells, and which their stale-prose warnings were checked against) as it left it.
pub fn usable<'a>(cache: &'a Cache, changes: &Path, base: Digest) -> Option<&'a Records> {
    let last = cache.previous.last.as_ref()?;
    let records = cache.records()?;
    let same = records.base == base && last.changes == folder_stamps(changes);
    same.then_some(records)
}

/// The rebuilt reports taken out of the site for computing, and where they go back.
pub struct Split {
    slots: Vec<Option<ParsedReport>>,
    rebuilt: Vec<usize>,
}

impl Split {
    /// Takes the reports `plan` rebuilds out of `reports`.
    pub fn new(reports: Vec<ParsedReport>, plan: &Plan) -> (Split, Vec<ParsedReport>) {
        let mut slots: Vec<Option<ParsedReport>> = reports.into_iter().map(Some).collect();
        let rebuilt: Vec<usize> = (0..slots.len())
            .filter(|&i| plan.kept.get(i).is_none_or(Option::is_none))
            .collect();
        let work = rebuilt.iter().filter_map(|&i| slots[i].take()).collect();
        (Split { slots, rebuilt }, work)
    }

    /// The whole site again, in source order.
    pub fn merge(mut self, work: Vec<ParsedReport>) -> Vec<ParsedReport> {
        for (&i, r) in self.rebuilt.iter().zip(work) {
            self.slots[i] = Some(r);
        }
        self.slots.into_iter().flatten().collect()
    }
}

/// Every report's data for the site-wide stages, in report order.
pub struct Assembled {
    pub key_figures: Vec<Vec<KeyFigure>>,
    /// The published cells of the reports this build computed (the kept ones published what
    /// they did in the last build).
    pub snapshot: Snapshot,
    /// The stale-prose warnings of the computed reports, by slug (set after the check), and
    /// whether this build's numbers differ from the last build's (see
    /// [`crate::changes::state::Pending::rotates`]).
    pub prose: (BTreeMap<String, Prose>, bool),
    /// Reports, tables and figures.
    pub counts: (usize, usize, usize),
    pub kept: Vec<Option<render::Kept>>,
    /// Of the rebuilt reports, in report order: their warnings and counts, for their records.
    rebuilt: Vec<(Vec<Diagnostic>, (usize, usize))>,
    coordination: Diagnostics,
}

/// Puts together the kept and the rebuilt reports' data; pushes the warnings of both (a kept
/// report's from its record, a kept dataset's coordination warnings from its record) onto
/// `diags`, but not the stale-prose warnings (see [`kept_prose`]).
pub fn assemble(
    reports: &[ParsedReport],
    plan: &Plan,
    (computed, previous): (Computed, Option<&Records>),
    manifest: Option<&Manifest>,
    diags: &mut Diagnostics,
) -> Assembled {
    let mut fresh = computed
        .snapshots
        .into_iter()
        .zip(computed.key_figures)
        .zip(computed.diagnostics);
    let mut out = Assembled {
        key_figures: Vec::new(),
        snapshot: Snapshot::default(),
        prose: Default::default(),
        counts: (reports.len(), 0, 0),
        kept: Vec::new(),
        rebuilt: Vec::new(),
        coordination: computed.coordination,
    };
    for (i, r) in reports.iter().enumerate() {
        let kept = plan.kept.get(i).and_then(Option::as_ref);
        let (figures, counts) = match kept {
            Some(rec) => {
                diags.extend(rec.diagnostics.iter().cloned());
                out.kept.push(Some(kept_page(rec, manifest)));
                (rec.key_figures.clone(), rec.counts)
            }
            None => {
                let ((snapshot, figures), d) = fresh.next().unwrap_or_default();
                let counts = record::counts(r);
                let d = d.into_sorted();
                diags.extend(d.iter().cloned());
                out.rebuilt.push((d, counts));
                out.kept.push(None);
                out.snapshot.reports.insert(r.slug.clone(), snapshot);
                (figures, counts)
            }
        };
        out.counts.1 += counts.0;
        out.counts.2 += counts.1;
        out.key_figures.push(figures);
    }
    diags.extend(out.coordination.iter().cloned());
    if let Some(previous) = previous {
        for (name, d) in &previous.datasets {
            if !plan.touched.contains(name) && plan.digests.get(name) == Some(&d.digest) {
                diags.extend(d.coordination.iter().cloned());
            }
        }
    }
    out
}

/// The stale-prose warnings of the kept reports, from their records: a build with new numbers
/// (`rotates`) checks a kept report against the last build, where it published what it does
/// now, so only against its own numbers; a build with the last build's numbers has the same
/// baseline as the build that made the record (see [`Prose`]).
pub fn kept_prose(plan: &Plan, rotates: bool) -> impl Iterator<Item = &Diagnostic> {
    let kept = plan.kept.iter().flatten();
    kept.flat_map(move |rec| rec.prose.kept(rotates))
}

/// What rendering needs of a kept report: its rows and its published files' digests.
fn kept_page(rec: &ReportRecord, manifest: Option<&Manifest>) -> render::Kept {
    let digest = |path: &String| manifest.and_then(|m| m.get(path)).map(|f| f.digest);
    render::Kept {
        elements: rec.elements.clone(),
        files: rec
            .files
            .iter()
            .map(|p| (p.clone(), digest(p).unwrap_or_default()))
            .collect(),
    }
}

/// The site-wide pages the previous build rendered (its `records`) whose published files are
/// still as it left them in `out`, with what each was rendered from and its bytes' digest.
pub fn published_pages(
    records: Option<&Records>,
    manifest: Option<&Manifest>,
    out: &Path,
) -> render::PublishedPages {
    let (Some(records), Some(manifest)) = (records, manifest) else {
        return Default::default();
    };
    let intact = |(path, _): &(&String, &Digest)| crate::output::unchanged(out, path, manifest);
    let pages = records.pages.iter().filter(intact);
    let published = |(path, digest): (&String, &Digest)| {
        Some((path.clone(), (*digest, manifest.get(path)?.digest)))
    };
    pages.filter_map(published).collect()
}

/// The records of this build for the next one: kept reports keep theirs, rebuilt reports get
/// new ones from what this build parsed (`parsing`), computed, rendered (`elements`, by report
/// index; `pages`: what the site-wide pages were rendered from) and output.
pub fn records(
    (base, plan, previous): (Digest, &Plan, Option<&Records>),
    (reports, parsing): (&[ParsedReport], &Parsing),
    assembled: &Assembled,
    (elements, files, pages): (Vec<Vec<ElementRow>>, &[OutputFile], render::Memo),
    store: &Store,
) -> Records {
    // The files of the reports this build rebuilt, by source (as bytes: comparing paths by
    // their components is slow, and both are the report's `source`).
    let rebuilt_sources: BTreeSet<&OsStr> = (reports.iter().enumerate())
        .filter(|(i, _)| plan.kept.get(*i).and_then(Option::as_ref).is_none())
        .map(|(_, r)| r.source.as_os_str())
        .collect();
    let mut owned: BTreeMap<&OsStr, Vec<String>> = BTreeMap::new();
    for f in files {
        let source = f.source.as_os_str();
        if !matches!(f.content, OutputContent::Copy(_)) && rebuilt_sources.contains(source) {
            owned.entry(source).or_default().push(f.path.clone());
        }
    }
    let mut rebuilt = assembled.rebuilt.iter();
    let mut records = Records {
        base,
        pages: pages.digests,
        ..Records::default()
    };
    for (i, (r, elements)) in reports.iter().zip(elements).enumerate() {
        let (prose, rotates) = &assembled.prose;
        let rec = match (plan.kept.get(i).and_then(Option::as_ref), plan.deps.get(i)) {
            (Some(rec), _) => {
                let mut rec = Arc::clone(rec);
                // Its baseline is now the last build's numbers, its own (copied only then).
                if *rotates && rec.prose.baseline != rec.prose.own {
                    let rec = Arc::make_mut(&mut rec);
                    rec.prose.baseline = rec.prose.own.clone();
                }
                rec
            }
            (None, Some(deps)) => {
                let Some((diagnostics, counts)) = rebuilt.next().cloned() else {
                    continue;
                };
                let page = format!("{}/", r.slug);
                let mut files: Vec<String> =
                    owned.get(r.source.as_os_str()).cloned().unwrap_or_default();
                files.retain(|p| p.starts_with(&page));
                // A dataset without a digest now (never for a build that succeeded) is
                // recorded with none, which no later digest matches: the report is rebuilt.
                let digest =
                    |n: &String| (n.clone(), plan.digests.get(n).copied().unwrap_or_default());
                Arc::new(ReportRecord {
                    deps: deps.clone(),
                    datasets: plan.names[i].iter().map(digest).collect(),
                    key_figures: assembled.key_figures[i].clone(),
                    elements,
                    counts,
                    diagnostics,
                    prose: prose.get(&r.slug).cloned().unwrap_or_default(),
                    files,
                    shell: Shell::of(r, parsing.warnings(i)),
                })
            }
            (None, None) => continue,
        };
        records.reports.insert(r.slug.clone(), rec);
    }
    for (name, digest) in &plan.digests {
        let Some(listing) = store.listing(name) else {
            continue;
        };
        let file = format!("data/{name}");
        let coordination = match previous.and_then(|p| p.datasets.get(name)) {
            Some(d) if !plan.touched.contains(name) && d.digest == *digest => {
                d.coordination.clone()
            }
            _ => assembled
                .coordination
                .iter()
                .filter(|d| d.file.to_string_lossy().replace('\\', "/") == file)
                .cloned()
                .collect(),
        };
        let digest = *digest;
        records.datasets.insert(
            name.clone(),
            DatasetRecord {
                digest,
                listing,
                coordination,
            },
        );
    }
    records
}
