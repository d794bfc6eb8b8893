//! Grids stage: the YAML of a generated directive + the validated models and ratings -> the
//! element's HTML view: fidelity grid, status table, distribution table, model box,
//! structured lists and the theory of change.
//!
//! Input: a parsed report whose generated elements still hold their YAML (see
//! `markdown::directives`), the `models::Catalog` and the report's locale. Output: every such
//! element's `View`, its title when the directive gives none, and a diagnostic at the exact
//! line and column in the Markdown file for every problem. Inline values from ratings
//! (`[=ratings:...]`) are answered by [`values`]. Every view with table cells also returns
//! them as published values (element label, row, column, shown text) for the `changes`
//! snapshot, so a changed rating or count shows in `evalpress changes`. This stage reads no files, never changes the
//! data and leaves numbering to the markdown stage; `render` adds captions, sources and notes.

mod distribution;
mod grid;
mod html;
mod lists;
mod model_box;
#[cfg(test)]
mod palette;
mod spec;
mod status;
mod theory;
pub mod values;

use std::collections::BTreeMap;
use std::path::Path;

use serde_saphyr::{Location, Spanned};

use crate::changes::{self, CellSnapshot, ElementSnapshot};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::disclosure::Dialect;
use crate::format::{NumberFormatter, UnitWords};
use crate::locale::Locale;
use crate::markdown::directives;
use crate::model::{Download, Generated, Node, ParsedReport, View};
use crate::models::evaluation::Item;
use crate::models::schema::pos_of;
use crate::models::{Catalog, Model, Ratings, Scale, missing};
use crate::yaml;

/// Builds the view of every generated element of `report`; returns the problems and, for the
/// `changes` snapshot, the cells each view with a table published. Downloads are written in
/// `dialect` (the report's, see `downloads:`).
pub fn expand(
    report: &mut ParsedReport,
    catalog: &Catalog,
    locale: &Locale,
    dialect: Dialect,
) -> (Diagnostics, Vec<ElementSnapshot>) {
    let ctx = Ctx::new(catalog, locale, report.front.round);
    let mut diags = Diagnostics::new();
    let mut published = Vec::new();
    for node in &mut report.nodes {
        let Node::Element(el) = node else { continue };
        let Some(generated) = el.generated.as_mut() else {
            continue;
        };
        // The data forms of `table` and `box`, and charts, belong to the `tables` stage.
        if directives::runs_query(&generated.directive) {
            continue;
        }
        match build(generated, &el.anchor, &ctx) {
            Ok(built) => {
                let directive = generated.directive.clone();
                let cells = snapshot_cells(&built);
                generated.view = Some(built.view);
                generated.download = download(&built.rows, &el.anchor, dialect);
                generated.sources = sources_of(generated, catalog);
                if el.title.is_empty() {
                    match built.title {
                        Some(title) => el.title = title,
                        None => diags.push(
                            Diagnostic::error(
                                &generated.file,
                                generated.pos,
                                format!("the {} directive has no title", generated.directive),
                            )
                            .help("add `title: ...`; it becomes the caption"),
                        ),
                    }
                }
                if !cells.is_empty() {
                    let word = locale.word(el.kind.word_keys().0);
                    published.push(ElementSnapshot {
                        anchor: el.anchor.clone(),
                        directive,
                        label: format!("{word} {}", el.number),
                        title: el.title.clone(),
                        cells,
                    });
                }
            }
            Err(d) => diags.push(d),
        }
    }
    (diags, published)
}

/// The published cells of a view for `changes`: every value of its download rows (row named
/// by its first cell, column by the header), then the cells only the page shows.
fn snapshot_cells(built: &Built) -> Vec<CellSnapshot> {
    let mut cells = Vec::new();
    if let Some((head, rows)) = built.rows.split_first() {
        for row in rows {
            let name = row.first().map(String::as_str).unwrap_or_default();
            for (text, column) in row.iter().zip(head).skip(1) {
                cells.push(shown(name, column, text));
            }
        }
    }
    cells.extend(built.cells.iter().cloned());
    cells
}

/// One shown cell of a view's table, a published value for the `changes` snapshot.
fn shown(
    row: impl Into<String>,
    column: impl Into<String>,
    text: impl Into<String>,
) -> CellSnapshot {
    CellSnapshot {
        row: row.into(),
        column: column.into(),
        cell: changes::Cell {
            text: text.into(),
            state: changes::State::Value,
        },
    }
}

/// The files under `data/` a generated directive was made from: its ratings and their model,
/// its model, or its list (already checked by `build`).
fn sources_of(g: &Generated, catalog: &Catalog) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Names {
        ratings: Option<String>,
        model: Option<String>,
        list: Option<String>,
    }
    let Ok(names) = yaml::parse::<Names>(&g.yaml, &g.file, g.origin) else {
        return Vec::new();
    };
    let ratings = names.ratings.and_then(|r| catalog.ratings.get(&r));
    let files = [
        ratings.map(|r| &r.file),
        ratings
            .map(|r| &r.model)
            .or(names.model.as_ref())
            .and_then(|m| catalog.models.get(m))
            .map(|m| &m.file),
        names
            .list
            .and_then(|l| catalog.lists.get(&l))
            .map(|l| &l.file),
    ];
    files
        .into_iter()
        .flatten()
        .map(|f| {
            let f = f.to_string_lossy().replace('\\', "/");
            f.strip_prefix("data/").unwrap_or(&f).to_string()
        })
        .collect()
}

/// A view and the title its data suggests.
struct Built {
    view: View,
    title: Option<String>,
    /// The table's cells as plain text, header first, for its CSV download; empty for views
    /// that are no table of values (model boxes, lists, the theory of change).
    rows: Vec<Vec<String>>,
    /// Published cells the page shows beyond `rows` (a grid's summary and counts, list
    /// entries), for the `changes` snapshot.
    cells: Vec<CellSnapshot>,
}

/// `rows` as the CSV next to the report page; text that a spreadsheet would run as a formula
/// is neutralised as in the data tables' downloads.
fn download(rows: &[Vec<String>], anchor: &str, dialect: Dialect) -> Option<Download> {
    if rows.is_empty() {
        return None;
    }
    let mut w = crate::disclosure::csv_writer(Vec::new(), dialect).ok()?;
    for row in rows {
        // No-break spaces keep "5 (+1)" together on the page; a spreadsheet wants plain ones.
        w.write_record(
            row.iter()
                .map(|c| crate::disclosure::neutralise(&c.replace('\u{a0}', " "))),
        )
        .ok()?;
    }
    Some(Download {
        path: format!("data/{anchor}.csv"),
        bytes: w.into_inner().ok()?,
    })
}

fn build(g: &Generated, anchor: &str, ctx: &Ctx) -> Result<Built, Diagnostic> {
    let here = Here {
        file: &g.file,
        origin: g.origin,
        pos: g.pos,
        anchor,
    };
    let text = g.yaml.as_str();
    match g.directive.as_str() {
        "grid" => grid::build(&yaml::parse(text, here.file, here.origin)?, ctx, &here),
        "status" => status::build(&yaml::parse(text, here.file, here.origin)?, ctx, &here),
        "distribution" => {
            distribution::build(&yaml::parse(text, here.file, here.origin)?, ctx, &here)
        }
        "model" => model_box::build(&yaml::parse(text, here.file, here.origin)?, ctx, &here),
        "list" => lists::build(&yaml::parse(text, here.file, here.origin)?, ctx, &here),
        "theory-of-change" => {
            theory::build(&yaml::parse(text, here.file, here.origin)?, ctx, &here)
        }
        other => Err(Diagnostic::error(
            here.file,
            here.pos,
            format!("no view for the directive `{other}`"),
        )
        .help("this is a bug in evalpress; please report it")),
    }
}

/// What every view needs besides its spec.
pub struct Ctx<'a> {
    pub catalog: &'a Catalog,
    pub locale: &'a Locale,
    pub lang: &'a str,
    /// The report's round, the default for round-specific model items.
    pub round: Option<u32>,
    numbers: Option<NumberFormatter>,
}

impl<'a> Ctx<'a> {
    pub fn new(catalog: &'a Catalog, locale: &'a Locale, round: Option<u32>) -> Self {
        Ctx {
            catalog,
            locale,
            lang: &locale.lang,
            round,
            numbers: counter(locale),
        }
    }

    pub fn word(&self, key: &'a str) -> &'a str {
        self.locale.word(key)
    }

    /// A count in the locale's digits and grouping.
    pub fn integer(&self, n: usize) -> String {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        match &self.numbers {
            Some(f) => f.integer(n),
            None => n.to_string(),
        }
    }

    /// The ratings named by `name`, with their model and scale, when they hold what the view
    /// needs: per-project ratings or an overall status.
    fn rated(
        &self,
        name: &Spanned<String>,
        need: Need,
        here: &Here,
    ) -> Result<Rated<'a>, Diagnostic> {
        let ratings = lookup(
            &self.catalog.ratings,
            name,
            "ratings",
            "data/models/ratings/",
            here,
            self.catalog,
        )?;
        let id = &ratings.id;
        let problem = match need {
            Need::Projects if ratings.cells.is_empty() => Some((
                format!("ratings `{id}` rate no projects"),
                "grids and distributions show the `ratings:` of projects; a status directive shows `status:`",
            )),
            Need::Status if ratings.status.is_empty() => Some((
                format!("ratings `{id}` have no `status:`"),
                "a status table shows one overall step per item: add `status:` to the ratings file",
            )),
            _ => None,
        };
        if let Some((message, help)) = problem {
            return Err(here.error(&name.referenced, message).help(help));
        }
        // Ratings are only in the catalog when their model and scale are.
        let model = &self.catalog.models[&ratings.model];
        let scale = &self.catalog.scales[&ratings.scale];
        Ok(Rated {
            ratings,
            model,
            scale,
        })
    }

    /// The model named by `name` and the round whose items to show: `round`, or else the
    /// report's.
    fn model(
        &self,
        name: &Spanned<String>,
        round: Option<u32>,
        here: &Here,
    ) -> Result<(&'a Model, Option<u32>), Diagnostic> {
        let model = lookup(
            &self.catalog.models,
            name,
            "model",
            "data/models/",
            here,
            self.catalog,
        )?;
        Ok((model, round.or(self.round)))
    }
}

/// What a view needs from a ratings file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Projects,
    Status,
}

/// The number formatter for counts; counts need no unit words, so a locale without them
/// still gets its digits and grouping.
fn counter(locale: &Locale) -> Option<NumberFormatter> {
    let words = UnitWords::from_words(&locale.words).unwrap_or(UnitWords {
        percent: "{n}".into(),
        percent_prose: "{n}".into(),
        percentage_points: "{n}".into(),
    });
    NumberFormatter::new(&locale.lang, words).ok()
}

/// Ratings with the model and scale they use.
pub struct Rated<'a> {
    pub ratings: &'a Ratings,
    pub model: &'a Model,
    pub scale: &'a Scale,
}

impl<'a> Rated<'a> {
    /// The rated items of the model, in column order.
    pub fn items(&self) -> Vec<&'a Item> {
        let declared = self.model.items(self.ratings.rates);
        self.ratings
            .items
            .iter()
            .filter_map(|id| declared.iter().find(|i| &i.id == id))
            .collect()
    }

    /// The 1-based number of an item in the model ("Princip 3").
    pub fn number_of(&self, item: &Item) -> usize {
        let declared = self.model.items(self.ratings.rates);
        declared.iter().position(|i| i.id == item.id).unwrap_or(0) + 1
    }
}

/// Where a directive's YAML sits, for errors.
pub struct Here<'a> {
    pub file: &'a Path,
    pub origin: Pos,
    /// The directive's fence, for errors without a better place.
    pub pos: Pos,
    /// The element's anchor, the prefix of ids inside its view.
    pub anchor: &'a str,
}

impl Here<'_> {
    pub fn at(&self, loc: &Location) -> Pos {
        pos_of(loc, self.origin, self.pos)
    }

    pub fn error(&self, loc: &Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file, self.at(loc), message)
    }
}

/// The entry of `map` that `name` names, or an error saying why there is none.
fn lookup<'a, T>(
    map: &'a BTreeMap<String, T>,
    name: &Spanned<String>,
    what: &str,
    folder: &str,
    here: &Here,
    catalog: &Catalog,
) -> Result<&'a T, Diagnostic> {
    map.get(&name.value).ok_or_else(|| {
        let (message, help) = missing(map, &catalog.broken, what, folder, &name.value);
        here.error(&name.referenced, message).help(help)
    })
}

/// The column headers: the spec's `headers`, which must have one per column, or `defaults`.
fn headers(
    given: &Option<Spanned<Vec<String>>>,
    defaults: Vec<String>,
    here: &Here,
) -> Result<Vec<String>, Diagnostic> {
    match given {
        None => Ok(defaults),
        Some(h) if h.value.len() == defaults.len() => Ok(h.value.clone()),
        Some(h) => Err(here
            .error(
                &h.referenced,
                format!(
                    "`headers` names {} column(s), the table has {}",
                    h.value.len(),
                    defaults.len()
                ),
            )
            .help(format!(
                "give one header per column, e.g. [{}]",
                defaults.join(", ")
            ))),
    }
}
