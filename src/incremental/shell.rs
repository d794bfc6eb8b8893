//! Reports whose folder did not change -> "shells": parsed reports made from their records,
//! without nodes or footnotes, so that a build keeping them never reads or parses their
//! Markdown.
//!
//! Part of the `incremental` stage, in place of the `markdown` stage for those reports. Input:
//! the listed reports, the previous build's records and this build's inputs. Output:
//! [`Parsed`], every report in source order: read and parsed when its folder changed, when it
//! has no record or when the records do not fit this build (another config, theme or build
//! key: see [`record::base`](super::record::base)); otherwise a shell whose front matter,
//! locale, table of contents, labels, source and literals are its record's, which is all the
//! label index, the [`plan`](super::plan), the prose check and the site-wide pages take of a
//! kept report. After the plan, [`Parsed::complete`] reads and parses every shell the plan
//! rebuilds (a report coordinated with a changed one, say), and reports the parse warnings the
//! records of the kept shells hold, so the diagnostics are those of a full parse. When in doubt
//! (an earlier stage failed, no inputs), every report is parsed. No I/O but through the parse
//! function it is given; it never prints.

use std::path::Path;

use rayon::prelude::*;

use super::plan::Plan;
use super::record::{self, Records, ReportRecord};
use super::{Cache, Inputs};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::digest::Digest;
use crate::model::{ParsedReport, ReportListing};

/// Reads and parses one listed report: its report (`None` when it cannot be parsed, with the
/// errors saying why) and its diagnostics.
pub type ParseOne<'p> = &'p (dyn Fn(&ReportListing) -> (Option<ParsedReport>, Diagnostics) + Sync);

/// The records a build may make shells from.
pub struct Shells<'a> {
    records: Option<&'a Records>,
    inputs: Option<&'a Inputs>,
}

impl<'a> Shells<'a> {
    /// The previous build's records in `cache`, when they were made under this build's `base`
    /// (config, theme and build key) and `inputs` are known; none when `doubt` (an earlier
    /// stage reported an error: the build fails, and a full parse says everything it would).
    pub fn new(
        cache: Option<&'a Cache>,
        (inputs, base): (Option<&'a Inputs>, Option<Digest>),
        doubt: bool,
    ) -> Shells<'a> {
        let records = cache
            .and_then(Cache::records)
            .filter(|r| base == Some(r.base) && inputs.is_some() && !doubt);
        Shells { records, inputs }
    }

    /// No shells: every report is parsed (`check`, the disclosure audit).
    pub fn none() -> Shells<'static> {
        Shells {
            records: None,
            inputs: None,
        }
    }

    /// The record the report `listing` (under `root`) can be made from: its `index.md` is the
    /// recorded one and every file of its folder has the recorded digest.
    fn record(&self, root: &Path, listing: &ReportListing) -> Option<&'a ReportRecord> {
        let rec = self.records?.reports.get(&listing.slug)?;
        let source = listing.index.strip_prefix(root).unwrap_or(&listing.index);
        let same = source == rec.shell.source
            && record::own(self.inputs?, &rec.shell.source) == rec.deps.own;
        same.then_some(rec)
    }
}

/// The site's reports after parsing, some of them shells.
pub struct Parsed<'a> {
    /// In source order, drafts left out unless asked for.
    pub reports: Vec<ParsedReport>,
    /// By report index: the record a shell was made from; `None` for a report parsed.
    shells: Vec<Option<&'a ReportRecord>>,
    /// By report index: its listing's index.
    listings: Vec<usize>,
    /// By report index: the diagnostics its parse gave (none yet for a shell).
    warnings: Vec<Vec<Diagnostic>>,
    /// Reports read and parsed (drafts too).
    count: usize,
}

/// What the parse step leaves for the records: each report's parse diagnostics.
#[derive(Debug, Default)]
pub struct Parsing {
    /// By report index.
    warnings: Vec<Vec<Diagnostic>>,
    /// Reports read and parsed, shells the plan rebuilt among them.
    pub count: usize,
}

impl Parsing {
    /// The diagnostics the parse of report `i` gave.
    pub fn warnings(&self, i: usize) -> Vec<Diagnostic> {
        self.warnings.get(i).cloned().unwrap_or_default()
    }
}

/// Every listed report: a shell when `shells` has a record for it, else read and parsed by
/// `parse` (its diagnostics pushed onto `diags`), in parallel, in source order.
pub fn parse<'a>(
    (root, listings): (&Path, &[ReportListing]),
    shells: &Shells<'a>,
    parse: ParseOne,
    drafts: bool,
    diags: &mut Diagnostics,
) -> Parsed<'a> {
    type One<'a> = (Option<ParsedReport>, Option<&'a ReportRecord>, Diagnostics);
    let done: Vec<One> = listings
        .par_iter()
        .map(|listing| match shells.record(root, listing) {
            Some(rec) => (Some(shell(listing, rec)), Some(rec), Diagnostics::new()),
            None => {
                let (report, d) = parse(listing);
                (report, None, d)
            }
        })
        .collect();
    let mut parsed = Parsed {
        reports: Vec::new(),
        shells: Vec::new(),
        listings: Vec::new(),
        warnings: Vec::new(),
        count: 0,
    };
    for (i, (report, rec, d)) in done.into_iter().enumerate() {
        let warnings: Vec<Diagnostic> = d.into_iter().collect();
        if rec.is_none() {
            parsed.count += 1;
            diags.extend(warnings.iter().cloned());
        }
        let Some(report) = report.filter(|r| drafts || !r.front.draft) else {
            continue;
        };
        parsed.reports.push(report);
        parsed.shells.push(rec);
        parsed.listings.push(i);
        parsed.warnings.push(warnings);
    }
    parsed
}

/// The shell of `listing`, from its record.
fn shell(listing: &ReportListing, rec: &ReportRecord) -> ParsedReport {
    let s = &rec.shell;
    ParsedReport {
        slug: listing.slug.clone(),
        front: s.front.clone(),
        locale: s.locale.clone(),
        nodes: Vec::new(),
        footnotes: Vec::new(),
        toc: s.toc(),
        labels: s.labels(&listing.slug),
        assets: listing.assets.clone(),
        source: s.source.clone(),
        literals: s.literals.clone(),
    }
}

impl<'a> Parsed<'a> {
    /// The reports and, by report index, the record each shell was made from (for the plan).
    pub fn site(&self) -> (&[ParsedReport], &[Option<&'a ReportRecord>]) {
        (&self.reports, &self.shells)
    }

    /// Reads and parses every shell `plan` rebuilds, which then replaces it, and pushes the
    /// parse diagnostics of those and of the kept shells (from their records) onto `diags`.
    /// Returns every report and what the records need of their parse.
    pub fn complete(
        mut self,
        plan: &Plan,
        listings: &[ReportListing],
        parse: ParseOne,
        diags: &mut Diagnostics,
    ) -> (Vec<ParsedReport>, Parsing) {
        let rebuilt = |i: &usize| plan.kept.get(*i).is_none_or(Option::is_none);
        let todo: Vec<usize> = (0..self.reports.len())
            .filter(|&i| self.shells[i].is_some())
            .filter(rebuilt)
            .collect();
        let fresh: Vec<(usize, (Option<ParsedReport>, Diagnostics))> = todo
            .into_par_iter()
            .map(|i| (i, parse(&listings[self.listings[i]])))
            .collect();
        for (i, (report, d)) in fresh {
            self.count += 1;
            self.shells[i] = None;
            let warnings: Vec<Diagnostic> = d.into_iter().collect();
            diags.extend(warnings.iter().cloned());
            self.warnings[i] = warnings;
            match report {
                Some(r) if r.front.draft == self.reports[i].front.draft => {
                    self.reports[i] = r;
                }
                // Its errors were reported: the build fails.
                None => {}
                // Made a draft or published since this build scanned its inputs: it cannot be
                // left out or put in now (the plan counted it); the next build sees the edit.
                Some(r) => diags.push(
                    Diagnostic::error(&r.source, Pos::FILE, "the report changed during the build")
                        .help("build again"),
                ),
            }
        }
        for rec in self.shells.iter().flatten() {
            diags.extend(rec.shell.diagnostics.iter().cloned());
        }
        let parsing = Parsing {
            warnings: self.warnings,
            count: self.count,
        };
        (self.reports, parsing)
    }
}
