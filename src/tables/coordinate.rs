//! Coordinated suppression across the site: every query of every report -> the cells each
//! publication must hide so that all publications of a dataset are safe together.
//!
//! Part of the `tables` stage, run once before the reports' tables are made. Input: the parsed
//! reports (their data tables, boxes, charts and named values), the data store and the rules in
//! force for each report. Output: a [`Hiding`] that the report's queries then apply (through
//! `Context::hide`), and a warning for a dataset too large for the joint check. A dataset
//! published once needs no coordination: its one table's own control is exact. Queries that
//! fail are left out here; the tables stage reports their errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::chart_spec::{self, ChartDirective};
use super::{Site, is_data, report_rules};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::disclosure::{self, Grid, Rules, TooLarge};
use crate::locale::Locale;
use crate::model::{Node, ParsedReport};
use crate::query::{Context, Query};

/// The cells (row, column of the raw grid) each coordinated publication hides, and its raw
/// grid, by report and key.
#[derive(Debug, Default)]
pub struct Hiding {
    cells: BTreeMap<(PathBuf, String), Coordinated>,
    /// Each data element's spec as parsed here, by report and key: the tables stage uses it
    /// rather than parsing the directive's YAML a second time. `None` for a key written twice
    /// in one report, which the tables stage parses again itself.
    specs: BTreeMap<(PathBuf, String), Option<Spec>>,
}

/// The parsed spec of one data element: a table's or box's query, or a whole chart directive.
#[derive(Debug)]
pub(super) enum Spec {
    Table(Box<Query>),
    Chart(Box<ChartDirective>),
}

/// One coordinated publication: what it hides, and the raw grid its query gave, so that the
/// tables stage publishes it without running the query again.
#[derive(Debug)]
struct Coordinated {
    hide: Vec<(usize, usize)>,
    raw: Grid,
}

impl Hiding {
    /// What the publication `key` of the report in `source` hides (nothing when it was not
    /// coordinated), and its raw grid when coordination made it.
    pub fn get(&self, source: &Path, key: &str) -> (&[(usize, usize)], Option<&Grid>) {
        match self.cells.get(&(source.to_path_buf(), key.to_string())) {
            Some(c) => (&c.hide, Some(&c.raw)),
            None => (&[], None),
        }
    }

    /// The spec that coordination parsed for the element `key` of the report in `source`.
    pub(super) fn spec(&self, source: &Path, key: &str) -> Option<&Spec> {
        self.specs
            .get(&(source.to_path_buf(), key.to_string()))
            .and_then(Option::as_ref)
    }
}

/// The key of a data element (table, box, chart): `#` and its anchor.
pub fn element_key(anchor: &str) -> String {
    format!("#{anchor}")
}

/// The key of a named inline value: `=` and its name.
pub fn value_key(name: &str) -> String {
    format!("={name}")
}

/// One query of one report, with what running it needs.
struct Publication {
    report: PathBuf,
    key: String,
    spec: Parsed,
    rules: Rules,
    total: String,
}

/// What a publication's query was read from.
enum Parsed {
    /// A data element's directive, kept for the tables stage.
    Element(Spec),
    /// A named value of the front matter.
    Value(Box<Query>),
}

impl Publication {
    fn query(&self) -> &Query {
        match &self.spec {
            Parsed::Element(Spec::Table(q)) | Parsed::Value(q) => q,
            Parsed::Element(Spec::Chart(d)) => &d.query,
        }
    }
}

/// Coordinates every dataset that more than one query of the site publishes.
pub fn coordinate<'a>(
    reports: &[ParsedReport],
    site: &Site,
    locale_of: &(dyn Fn(&str) -> Option<&'a Locale> + Sync),
) -> (Hiding, Diagnostics) {
    let found: Vec<Vec<Publication>> = reports
        .par_iter()
        .map(|r| match locale_of(&r.locale) {
            Some(l) => publications(r, report_rules(r, site.rules), l.word("total")),
            None => Vec::new(),
        })
        .collect();
    let mut by_data: BTreeMap<&str, Vec<&Publication>> = BTreeMap::new();
    for p in found.iter().flatten() {
        by_data.entry(p.query().data()).or_default().push(p);
    }
    // Datasets are independent of each other: each is coordinated on its own thread.
    let shared: Vec<(&str, Vec<&Publication>)> =
        by_data.into_iter().filter(|(_, p)| p.len() > 1).collect();
    let done: Vec<OfDataset> = shared
        .into_par_iter()
        .filter_map(|(name, pubs)| Some(coordinate_one(site.store.find(name)?, &pubs)))
        .collect();
    let mut hiding = Hiding::default();
    let mut diags = Diagnostics::new();
    for (cells, problem) in done {
        hiding.cells.extend(cells);
        diags.extend(problem);
    }
    for p in found.into_iter().flatten() {
        if let Parsed::Element(spec) = p.spec {
            let slot = hiding.specs.entry((p.report, p.key));
            // A key twice in one report is not guessed at: the tables stage parses each.
            slot.and_modify(|s| *s = None).or_insert(Some(spec));
        }
    }
    (hiding, diags)
}

/// What each publication of one dataset hides, and the warning when the dataset is too large
/// for the joint check.
type OfDataset = (Vec<((PathBuf, String), Coordinated)>, Option<Diagnostic>);

/// Coordinates the publications `pubs` of the dataset `data`.
fn coordinate_one(data: &crate::query::Sealed, pubs: &[&Publication]) -> OfDataset {
    let mut keys = Vec::new();
    let mut sheets = Vec::new();
    let mut grids = Vec::new();
    for p in pubs {
        let ctx = Context {
            rules: p.rules.strictest(data.rules()),
            total_label: &p.total,
            hide: &[],
            raw: None,
        };
        if let Ok((sheet, grid)) = p.query().survey(data, &ctx) {
            keys.push((p.report.clone(), p.key.clone()));
            sheets.push(sheet);
            grids.push(grid);
        }
    }
    match disclosure::coordinate(data.row_count(), &mut sheets) {
        Ok(()) => {
            let done = sheets.iter().zip(grids).map(|(s, raw)| Coordinated {
                hide: s.hidden(),
                raw,
            });
            (keys.into_iter().zip(done).collect(), None)
        }
        Err(TooLarge(atoms)) => (Vec::new(), Some(
            Diagnostic::warning(data.path(), Pos::FILE, format!(
                "disclosure control could not check the {} publications of this file together: they split it into {atoms} parts (at most {} are checked)",
                sheets.len(), disclosure::MAX_ATOMS))
            .help("each table is still protected on its own; publish fewer overlapping tables, charts and named values of the file, or group them alike"),
        )),
    }
}

/// The datasets the queries of `report` read (its data tables, boxes, charts and named
/// values), by name: whose publications are coordinated with it. Specs that do not parse are
/// left out, as coordination leaves them out.
pub fn datasets_of(report: &ParsedReport, rules: Rules) -> std::collections::BTreeSet<String> {
    publications(report, rules, "")
        .iter()
        .map(|p| p.query().data().to_string())
        .collect()
}

/// A count that disclosure control hides on the site, with its raw value: what the output
/// audit must never find in the built site.
#[derive(Debug, Clone, PartialEq)]
pub struct HiddenCount {
    /// The report's `index.md`.
    pub report: PathBuf,
    /// `#anchor` of a data element, `=name` of a named value.
    pub key: String,
    /// The dataset, by its path under `data/`.
    pub dataset: String,
    /// The texts of the row's key cells ("I alt" first for the totals row).
    pub row: Vec<String>,
    /// The column's header as shown; `None` when the column is not shown.
    pub column: Option<String>,
    pub raw: f64,
}

/// Every query of the site, by report, key and dataset; and every hidden count with its raw
/// value, under the same coordinated suppression as a build. For the output audit only (tests
/// and QA): a build never calls it.
pub fn audit<'a>(
    reports: &[ParsedReport],
    site: &Site,
    locale_of: &(dyn Fn(&str) -> Option<&'a Locale> + Sync),
    hiding: &Hiding,
) -> (Vec<(PathBuf, String, String)>, Vec<HiddenCount>) {
    let mut all = Vec::new();
    let mut hidden = Vec::new();
    for r in reports {
        let Some(l) = locale_of(&r.locale) else {
            continue;
        };
        for p in publications(r, report_rules(r, site.rules), l.word("total")) {
            all.push((
                p.report.clone(),
                p.key.clone(),
                p.query().data().to_string(),
            ));
            let Some(data) = site.store.find(p.query().data()) else {
                continue;
            };
            let ctx = Context {
                rules: p.rules.strictest(data.rules()),
                total_label: &p.total,
                hide: hiding.get(&p.report, &p.key).0,
                raw: None,
            };
            let Ok((t, exposed)) = p.query().audit(data, &ctx) else {
                continue;
            };
            hidden.extend(exposed.into_iter().map(|e| HiddenCount {
                report: p.report.clone(),
                key: p.key.clone(),
                dataset: p.query().data().to_string(),
                row: e.row,
                column: t.column(&e.column).map(|c| t.heads()[c].label.clone()),
                raw: e.raw,
            }));
        }
    }
    (all, hidden)
}

/// The queries of `report`: data tables, boxes and charts by anchor, named values by name.
/// Specs that do not parse are left out (the tables stage reports them).
fn publications(report: &ParsedReport, rules: Rules, total: &str) -> Vec<Publication> {
    let mut out = Vec::new();
    let mut add = |key: String, spec: Parsed| {
        out.push(Publication {
            report: report.source.clone(),
            key,
            spec,
            rules,
            total: total.to_string(),
        })
    };
    for node in &report.nodes {
        let Node::Element(el) = node else { continue };
        let Some(g) = el.generated.as_ref().filter(|_| is_data(el)) else {
            continue;
        };
        let spec = if g.directive == "chart" {
            chart_spec::parse(&g.yaml, &g.file, g.origin, g.pos)
                .ok()
                .map(|d| Spec::Chart(Box::new(d)))
        } else {
            Query::parse(&g.yaml, &g.file, g.origin)
                .ok()
                .map(|q| Spec::Table(Box::new(q)))
        };
        if let Some(spec) = spec {
            add(element_key(&el.anchor), Parsed::Element(spec));
        }
    }
    let origin = crate::markdown::FRONT_MATTER_ORIGIN;
    for (name, spec) in report.front.values.iter() {
        add(
            value_key(&name.value),
            Parsed::Value(Box::new(Query::new(spec.clone(), &report.source, origin))),
        );
    }
    out
}
