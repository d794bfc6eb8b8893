//! Tables stage: the data forms of the `table` and `box` directives and the report's named
//! inline values + the site's sealed datasets -> generated tables, their CSV downloads, and
//! the texts of inline values.
//!
//! Input: a parsed report whose data-form elements still hold their YAML (a query spec, see
//! `query`), the data [`Store`], the site's disclosure rules and number format, and the
//! report's locale. Output: each such element's view (a numbered table with header scopes,
//! right-aligned numbers and a marked totals row), its "Kilde:" line from the dataset's sidecar
//! unless the directive gives one, its "Anm.:" line with the automatic disclosure and
//! illustrative-data notes, and a CSV of exactly the published cells; and [`ReportValues`],
//! which answers the report's `[=name]` and `[=label/row/column]` inline values. Every number
//! comes from a disclosure-controlled `Published` table; this stage never sees a raw cell.
//! Problems are diagnostics at their line and column in the Markdown file or front matter.
//!
//! The `chart` directive runs its query here too (`chart`): its published table becomes the
//! chart's data, and the `charts` stage draws it. Before any report is expanded, `coordinate`
//! surveys every query of the site so that all publications of one dataset are suppressed
//! together; each query then hides what it was given. Downloads are written in the report
//! locale's dialect unless `downloads:` (site, then sidecar) says otherwise.
//!
//! Files: `coordinate` the site-wide survey (and the output audit's ground truth); `html`
//! writes a published table as HTML; `values` holds the inline values; `words`
//! the locale's markers, notes and formatter; `chart`, `chart_spec` and `chart_data` the chart
//! directive, its YAML and its data.

mod chart;
mod chart_data;
mod chart_spec;
mod coordinate;
mod html;
mod values;
mod words;

use std::path::Path;

use crate::changes::{self, ElementSnapshot, ReportSnapshot};
use crate::config::FormatConfig;
use crate::data::store::Store;
use crate::data::{DatasetMeta, DownloadSpec, Source};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::disclosure::{CellView, Dialect, Published, RowKind, Rules};
use crate::locale::Locale;
use crate::markdown::directives::runs_query;
use crate::model::{Download, Element, ElementKind, Generated, Node, ParsedReport, View};
use crate::query::{Context, Query, Sealed};

pub use chart::Charting;
pub use coordinate::{HiddenCount, Hiding, audit, coordinate, datasets_of};
pub use values::ReportValues;
pub use words::Words;

/// What every report shares.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    pub store: &'a Store,
    /// The site's disclosure rules (`disclosure:` in the config).
    pub rules: Rules,
    pub format: FormatConfig,
    /// How CSV downloads are written (`downloads:` in the config), over the locale's default.
    pub downloads: DownloadSpec,
    /// The chart theme and words; `None` when no report has a chart (or they failed, which
    /// is reported on the theme's files).
    pub charts: Option<&'a Charting>,
}

/// Builds the data tables and inline values of `report`, hiding what `hiding` (the site's
/// coordinated suppression) asks for besides each table's own suppression.
pub fn expand(
    report: &mut ParsedReport,
    site: &Site,
    locale: &Locale,
    hiding: &Hiding,
) -> (ReportValues, ReportSnapshot, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut snapshot = ReportSnapshot {
        title: report.front.title.clone(),
        ..ReportSnapshot::default()
    };
    let elements = report
        .nodes
        .iter()
        .any(|n| matches!(n, Node::Element(el) if is_data(el)));
    if !elements && report.front.values.is_empty() {
        return (ReportValues::default(), snapshot, diags);
    }
    let words = match Words::new(locale, site.format) {
        Ok(words) => words,
        Err(why) => {
            diags.push(
                Diagnostic::error(
                    &report.source,
                    Pos::FILE,
                    format!("the locale `{}` cannot show data: {why}", locale.lang),
                )
                .help("add the word under `words:` in the theme's locale file (see themes/default/locales/)"),
            );
            return (ReportValues::default(), snapshot, diags);
        }
    };
    let env = Env {
        store: site.store,
        rules: report_rules(report, site.rules),
        words: &words,
        downloads: site.downloads.over(Dialect::for_locale(&locale.lang)),
        hiding,
        source: &report.source,
    };
    let mut values = ReportValues::default();
    for node in &mut report.nodes {
        let Node::Element(el) = node else { continue };
        if !is_data(el) {
            continue;
        }
        let chart = el
            .generated
            .as_ref()
            .is_some_and(|g| g.directive == "chart");
        let done = match (chart, site.charts) {
            (true, Some(kit)) => env.chart(el, kit),
            // Without a chart theme the theme's stylesheet has an error already.
            (true, None) => Ok(None),
            (false, _) => env.table(el).map(|t| {
                values.add_table(&el.anchor, &t, &words);
                Some(t)
            }),
        };
        match done {
            Ok(Some(t)) => snapshot.elements.push(published(el, &t, &words)),
            Ok(None) => {}
            Err(d) => diags.extend(d),
        }
    }
    let origin = crate::markdown::FRONT_MATTER_ORIGIN;
    for (name, spec) in report.front.values.iter() {
        let query = Query::new(spec.clone(), &report.source, origin);
        let text = if values::is_name(&name.value) {
            env.value(&query, &report.source, &name.value)
        } else {
            Err(vec![
                Diagnostic::error(
                    &report.source,
                    crate::query::spec::place(name, origin),
                    format!("`{}` cannot name an inline value", name.value),
                )
                .help("use lowercase letters a-z, digits, `-` and `_`, e.g. `paabegyndt-2022`"),
            ])
        };
        match text {
            Ok(cell) => {
                values.add_named(&name.value, Some(cell.text.clone()));
                snapshot.values.insert(name.value.clone(), cell);
            }
            Err(d) => {
                values.add_named(&name.value, None);
                diags.extend(d);
            }
        }
    }
    (values, snapshot, diags)
}

/// What element `el` published from `t`, for `changes`.
fn published(el: &Element, t: &Published, words: &Words) -> ElementSnapshot {
    let word = words.locale.word(el.kind.word_keys().0);
    let label = format!("{word} {}", el.number);
    let directive = el.generated.as_ref().map_or("", |g| g.directive.as_str());
    ElementSnapshot::of_table(&el.anchor, directive, label, &el.title, t, |r, c| {
        words.cell_text(t, r, c)
    })
}

/// The rules for `report`: the site's, tightened by the report's `disclosure:`.
fn report_rules(report: &ParsedReport, site: Rules) -> Rules {
    match report.front.disclosure {
        Some(d) => site.strictest(Rules {
            threshold: d.threshold.unwrap_or(site.threshold),
            zeros: d.zeros.unwrap_or(site.zeros),
        }),
        None => site,
    }
}

/// Whether `el` runs a query: the data form of a `table` or `box`, or a `chart`.
fn is_data(el: &Element) -> bool {
    el.generated
        .as_ref()
        .is_some_and(|g| runs_query(&g.directive))
}

/// What running a query needs in one report.
struct Env<'a> {
    store: &'a Store,
    /// The report's rules; each dataset may tighten them further.
    rules: Rules,
    words: &'a Words<'a>,
    /// The report's download dialect; each dataset's sidecar may change it.
    downloads: Dialect,
    hiding: &'a Hiding,
    /// The report's source file, which keys its publications in `hiding`.
    source: &'a Path,
}

impl Env<'_> {
    /// Runs `query` (the publication `key` of the report) over the dataset it names, under the
    /// strictest rules in force and hiding what coordination asks for.
    fn run<T>(
        &self,
        query: &Query,
        file: &Path,
        key: &str,
        run: impl FnOnce(&Sealed, &Context) -> Result<T, Vec<Diagnostic>>,
    ) -> Result<(T, &Sealed), Vec<Diagnostic>> {
        let data = self.store.get(query.data()).map_err(|(message, help)| {
            vec![Diagnostic::error(file, query.data_pos(), message).help(help)]
        })?;
        let (hide, raw) = self.hiding.get(self.source, key);
        let ctx = Context {
            rules: self.rules.strictest(data.rules()),
            total_label: self.words.total,
            hide,
            raw,
        };
        Ok((run(data, &ctx)?, data))
    }

    /// The text of one named value.
    fn value(
        &self,
        query: &Query,
        file: &Path,
        name: &str,
    ) -> Result<changes::Cell, Vec<Diagnostic>> {
        let key = coordinate::value_key(name);
        let ((t, col), _) = self.run(query, file, &key, |data, ctx| query.run_value(data, ctx))?;
        let row = (0..t.row_count())
            .find(|&r| t.row_kind(r) == RowKind::Body)
            .unwrap_or(0);
        Ok(changes::Cell {
            text: self.words.inline_text(&t, row, col),
            state: changes::State::of(t.cell(row, col)),
        })
    }

    /// Runs the query of a data-form element and fills its view, title, source, note and
    /// download.
    fn table(&self, el: &mut Element) -> Result<Published, Vec<Diagnostic>> {
        let words = self.words;
        let g = el.generated.as_mut().expect("a data element");
        let key = coordinate::element_key(&el.anchor);
        let parsed;
        let query = match self.hiding.spec(self.source, &key) {
            Some(coordinate::Spec::Table(q)) => &**q,
            _ => {
                parsed = Query::parse(&g.yaml, &g.file, g.origin).map_err(|d| vec![d])?;
                &parsed
            }
        };
        let (t, data) = self.run(query, &g.file, &key, |data, ctx| query.run(data, ctx))?;
        let meta = data.meta();
        from_sidecar(&mut el.title, &mut el.source, g, query.data(), meta, words)?;
        let illustrative = meta.illustrative.then_some(words.illustrative_note);
        el.note = notes(el.note.take(), &t, illustrative, words);
        let inner = html::table(&t, words);
        g.view = Some(match el.kind {
            ElementKind::Box => View {
                table: None,
                html: html::boxed(&inner, &el.anchor),
            },
            _ => View {
                table: Some(("data-table".into(), inner)),
                html: String::new(),
            },
        });
        let dialect = meta.downloads.over(self.downloads);
        g.download = Some(download(&t, &el.anchor, g, words, dialect)?);
        Ok(t)
    }
}

/// The caption and "Kilde:" line from the dataset's sidecar where the directive gives none; an
/// error when neither gives a title.
fn from_sidecar(
    title: &mut String,
    source: &mut Option<String>,
    g: &mut Generated,
    data: &str,
    meta: &DatasetMeta,
    words: &Words,
) -> Result<(), Vec<Diagnostic>> {
    if title.is_empty() {
        *title = meta.title.clone().ok_or_else(|| {
            vec![
                Diagnostic::error(&g.file, g.pos, format!("the {} directive has no title", g.directive))
                    .help(format!("add `title: ...`; it becomes the caption (or give {data} a `title:` in its sidecar)")),
            ]
        })?;
    }
    g.sources = vec![data.to_string()];
    if source.is_none() {
        *source = meta
            .source
            .as_ref()
            .and_then(|s| source_line(s, words.locale));
    }
    Ok(())
}

/// The element's shown cells as CSV, published next to the report as `data/<anchor>.csv`.
fn download(
    t: &Published,
    anchor: &str,
    g: &Generated,
    words: &Words,
    dialect: Dialect,
) -> Result<Download, Vec<Diagnostic>> {
    let mut bytes = Vec::new();
    t.write_csv(&mut bytes, &words.markers(), dialect)
        .map_err(|e| {
            vec![
                Diagnostic::error(
                    &g.file,
                    g.pos,
                    format!("cannot write the CSV of the data: {e}"),
                )
                .help("this is a bug in evalpress; please report it"),
            ]
        })?;
    Ok(Download {
        path: format!("data/{anchor}.csv"),
        bytes,
    })
}

/// The "Kilde:" line a dataset's sidecar gives: its text (or register), table id and the date
/// of the extract.
fn source_line(s: &Source, locale: &Locale) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(s.text.clone().or_else(|| s.register.clone()));
    parts.extend(s.table.clone());
    if let Some(date) = s.extracted {
        parts.push(format!(
            "{} {}",
            locale.word("extracted"),
            locale.format_date(date)
        ));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The "Anm.:" line: the author's note, then what the data needs said: invented numbers (the
/// `illustrative` note, when they are), hidden cells, missing cells. Each part ends as a
/// sentence.
fn notes(
    author: Option<String>,
    t: &Published,
    illustrative: Option<&str>,
    words: &Words,
) -> Option<String> {
    let mut parts: Vec<String> = author.into_iter().collect();
    parts.extend(illustrative.map(String::from));
    parts.extend(words.disclosure_note(t));
    let missing =
        (0..t.row_count()).any(|r| (0..t.heads().len()).any(|c| t.cell(r, c) == CellView::Missing));
    if missing {
        parts.push(words.missing_note());
    }
    let sentences: Vec<String> = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.ends_with(['.', '!', '?']) {
                p.to_string()
            } else {
                format!("{p}.")
            }
        })
        .collect();
    (!sentences.is_empty()).then(|| sentences.join(" "))
}

#[cfg(test)]
mod tests;
