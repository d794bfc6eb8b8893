//! The previous build's records + the parsed reports -> which reports this build computes.
//!
//! Part of the `incremental` stage, after parsing and before the data is read. Input: the
//! records (see [`record`](super::record)), this build's inputs and the parsed reports, some
//! of them shells made from their records (see [`shell`](super::shell)). Output: a [`Plan`]: each report kept (its published page, results and warnings taken from
//! its record) or rebuilt, the datasets whose publications this build coordinates, and the CSV
//! files it need not read. When in doubt a report is rebuilt: a wrong "clean" would publish a
//! stale page, a wrong "dirty" only costs time. No I/O but the stamps of published files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::Inputs;
use super::record::{self, Deps, Records, ReportRecord, Uses};
use crate::changes::state::Index;
use crate::data::store::Listing;
use crate::digest::Digest;
use crate::model::ParsedReport;
use crate::output::{self, Manifest};
use crate::resolve::LabelIndex;

/// What the previous build left that a report can be kept from.
pub struct Previous<'a> {
    pub records: &'a Records,
    /// Its published tree, and where it is.
    pub manifest: &'a Manifest,
    pub out: &'a Path,
    /// The index of the list of changes: a report is kept only when its numbers are in it (in
    /// a file the build does not read: the list records only the reports whose numbers changed).
    pub index: &'a Index,
}

/// Which reports a build computes.
#[derive(Debug, Default)]
pub struct Plan {
    /// By report index: its record when it is kept, `None` when it is rebuilt.
    pub kept: Vec<Option<Arc<ReportRecord>>>,
    /// By report index: its dependencies now (empty when the inputs are unknown).
    pub deps: Vec<Deps>,
    /// By report index, for rebuilt reports: the datasets its queries read.
    pub names: Vec<BTreeSet<String>>,
    /// Datasets whose publications this build coordinates: every one a rebuilt report reads,
    /// or a report read that is gone or rebuilt now.
    pub touched: BTreeSet<String>,
    /// CSV files this build lists without reading, with what the data pages show of them.
    pub unread: BTreeMap<String, Listing>,
    /// Every CSV file's digest now.
    pub digests: BTreeMap<String, Digest>,
}

impl Plan {
    pub fn rebuilt(&self) -> usize {
        self.kept.iter().filter(|k| k.is_none()).count()
    }
}

/// Decides which of `reports` this build computes. `shells` has, by report index, the record
/// a report was made from without being parsed (see [`shell`](super::shell)): what its
/// Markdown uses and the datasets it reads are the record's. `datasets_of` names the datasets
/// a parsed report's queries read (its specs are parsed for that).
pub fn plan(
    previous: Option<Previous>,
    (reports, shells): (&[ParsedReport], &[Option<&ReportRecord>]),
    inputs: Option<&Inputs>,
    index: &LabelIndex,
    datasets_of: &(dyn Fn(&ParsedReport) -> BTreeSet<String> + Sync),
) -> Plan {
    let n = reports.len();
    let shell = |i: usize| shells.get(i).copied().flatten();
    let datasets_of = |i: usize| match shell(i) {
        Some(rec) => rec.datasets.keys().cloned().collect(),
        None => datasets_of(&reports[i]),
    };
    let Some(inputs) = inputs else {
        let names = (0..n).into_par_iter().map(datasets_of).collect();
        return Plan {
            kept: vec![None; n],
            deps: Vec::new(),
            names,
            ..Plan::default()
        };
    };
    let digests = record::dataset_digests(inputs);
    let uses: Vec<Uses> = (0..n)
        .into_par_iter()
        .map(|i| shell(i).map_or_else(|| Uses::of(&reports[i]), Uses::recorded))
        .collect();
    let deps = record::deps(reports, &uses, inputs, index);
    let mut kept: Vec<Option<Arc<ReportRecord>>> = reports
        .par_iter()
        .zip(&deps)
        .map(|(r, d)| {
            let p = previous.as_ref()?;
            let rec = p.records.reports.get(&r.slug)?;
            let clean = rec.deps == *d
                && rec
                    .datasets
                    .iter()
                    .all(|(n, dg)| digests.get(n) == Some(dg))
                && !rec.files.is_empty()
                && rec
                    .files
                    .iter()
                    .all(|f| output::unchanged(p.out, f, p.manifest))
                && p.index.has_current(&r.slug);
            clean.then(|| Arc::clone(rec))
        })
        .collect();
    // Coordinated suppression: every report publishing from a dataset that a rebuilt (or
    // removed) report publishes from, or published from, is rebuilt too, to a fixed point.
    let mut touched = BTreeSet::new();
    let old = |slug: &str| previous.as_ref().and_then(|p| p.records.reports.get(slug));
    if let Some(p) = &previous {
        let present: BTreeSet<&str> = reports.iter().map(|r| r.slug.as_str()).collect();
        for (slug, rec) in &p.records.reports {
            if !present.contains(slug.as_str()) {
                touched.extend(rec.datasets.keys().cloned());
            }
        }
    }
    let mut names: Vec<Option<BTreeSet<String>>> = vec![None; n];
    loop {
        let fresh: Vec<(usize, BTreeSet<String>)> = (0..n)
            .into_par_iter()
            .filter(|&i| kept[i].is_none() && names[i].is_none())
            .map(|i| (i, datasets_of(i)))
            .collect();
        let mut grew = !fresh.is_empty();
        for (i, set) in fresh {
            touched.extend(set.iter().cloned());
            if let Some(rec) = old(&reports[i].slug) {
                touched.extend(rec.datasets.keys().cloned());
            }
            names[i] = Some(set);
        }
        for slot in kept.iter_mut() {
            if slot
                .as_ref()
                .is_some_and(|rec| rec.datasets.keys().any(|d| touched.contains(d)))
            {
                *slot = None;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    let names: Vec<BTreeSet<String>> = names.into_iter().map(Option::unwrap_or_default).collect();
    let needed: BTreeSet<&String> = names.iter().flatten().collect();
    let unread = match &previous {
        Some(p) => digests
            .iter()
            .filter(|(name, _)| !needed.contains(name))
            .filter_map(|(name, digest)| {
                let rec = p
                    .records
                    .datasets
                    .get(name)
                    .filter(|d| d.digest == *digest)?;
                Some((name.clone(), rec.listing.clone()))
            })
            .collect(),
        None => BTreeMap::new(),
    };
    Plan {
        kept,
        deps,
        names,
        touched,
        unread,
        digests,
    }
}
