//! The reports a build computes -> their generated content, published cells, resolved
//! references and headline results, with each report's warnings kept apart (a record keeps
//! them for the builds that skip it).
//!
//! Runs the `grids`, `tables` and `resolve` stages over the reports [`plan`](super::plan)
//! chose (every report in a clean build), in parallel, keeping order. Suppression is
//! coordinated across every publication of each dataset among them: the plan rebuilds every
//! report that shares a dataset with a rebuilt one, so no publication is left out. No I/O.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::changes::ReportSnapshot;
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::locale::Locale;
use crate::model::{self, KeyFigure, ParsedReport};
use crate::resolve::LabelIndex;
use crate::{OnProgress, Progress, disclosure, grids, markdown, models, resolve, tables};

/// What computing the rebuilt reports gave, by their index among them.
pub struct Computed {
    pub snapshots: Vec<ReportSnapshot>,
    pub key_figures: Vec<Vec<KeyFigure>>,
    /// Each report's warnings and errors from its grids, tables and references.
    pub diagnostics: Vec<Diagnostics>,
    /// The coordination warnings (about datasets, not reports).
    pub coordination: Diagnostics,
}

/// The locales of the site and the site's config: what each report's locale is found in.
pub struct Locales<'a> {
    pub all: &'a BTreeMap<String, Locale>,
    pub config: &'a Config,
}

impl<'a> Locales<'a> {
    /// The locale `code`, or the site's when there is no such locale (already reported).
    pub fn of(&self, code: &str) -> Option<&'a Locale> {
        self.all
            .get(code)
            .or_else(|| self.all.get(&self.config.locale))
    }
}

/// Computes `reports`: grids from the models, then data tables and inline values from the
/// datasets, then every reference against `index` (the labels of the whole site) and each
/// report's headline results. The front page's references are resolved too.
pub fn compute(
    reports: &mut [ParsedReport],
    (catalog, data): (&models::Catalog, &tables::Site),
    (index, front_page): (&LabelIndex, Option<&mut Vec<model::Node>>),
    locales: &Locales,
    progress: OnProgress,
) -> (Computed, Diagnostics) {
    let (hiding, coordination) = tables::coordinate(reports, data, &|code| locales.of(code));
    type Done = (tables::ReportValues, ReportSnapshot, Diagnostics);
    let done: Vec<Done> = reports
        .par_iter_mut()
        .map(|r| {
            let done = match locales.of(&r.locale) {
                Some(l) => {
                    let dialect = locales
                        .config
                        .downloads
                        .over(disclosure::Dialect::for_locale(&l.lang));
                    let (mut d, views) = grids::expand(r, catalog, l, dialect);
                    let (values, mut snapshot, more) = tables::expand(r, data, l, &hiding);
                    snapshot.add_elements(r, views);
                    d.extend(more);
                    (values, snapshot, d)
                }
                None => Default::default(),
            };
            progress(Progress::Generated);
            done
        })
        .collect();
    let base = locales.config.base_path();
    let resolved: Vec<(Vec<KeyFigure>, ReportSnapshot, Diagnostics)> = reports
        .par_iter_mut()
        .zip(done.into_par_iter())
        .map(|(r, (v, mut snapshot, mut d))| {
            let Some(l) = locales.of(&r.locale) else {
                return (Vec::new(), snapshot, d);
            };
            d.extend(resolve::resolve_report(r, index, l, &base, &(catalog, &v)));
            let (figures, more) = resolve::key_figures(r, index, l, &base, &(catalog, &v));
            d.extend(more);
            crate::changes::add_resolved_values(r, &mut snapshot);
            (figures, snapshot, d)
        })
        .collect();
    let mut front = Diagnostics::new();
    if let (Some(nodes), Some(l)) = (front_page, locales.of(&locales.config.locale)) {
        front.extend(resolve::resolve_nodes(
            nodes,
            markdown::FRONT_PAGE,
            index,
            l,
            &base,
            catalog,
        ));
    }
    let mut computed = Computed {
        snapshots: Vec::new(),
        key_figures: Vec::new(),
        diagnostics: Vec::new(),
        coordination,
    };
    for (figures, snapshot, d) in resolved {
        computed.key_figures.push(figures);
        computed.snapshots.push(snapshot);
        computed.diagnostics.push(d);
    }
    (computed, front)
}
