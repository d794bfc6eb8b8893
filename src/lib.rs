//! evalpress: a static site generator for evaluation reports.
//!
//! A build is a chain of stages, each a module named after what it does:
//!
//! | stage | in -> out |
//! |---|---|
//! | [`config`] | `evalpress.yaml` -> validated `Config` |
//! | [`load`] | site root -> sorted sources (reports, theme) |
//! | [`locale`] | locale files -> words, kinds and date formats |
//! | [`data`] | CSV files under `data/` + YAML sidecars -> a `Store` of sealed datasets, each file read once |
//! | [`models`] | YAML under `data/models/` -> validated scales, evaluation models, ratings, lists |
//! | [`markdown`] | front matter + Markdown -> `ParsedReport` with numbered headings and elements |
//! | [`query`] | a declarative query (filter, group, pivot, expressions, totals, sort) over a sealed dataset |
//! | [`disclosure`] | query results -> published cells: small counts hidden, secondary suppression, derived values inherit it |
//! | [`grids`] | generated directives + models -> fidelity grids, status tables, model boxes, lists |
//! | [`tables`] | data forms of `table`/`box`, `chart` directives, named values + datasets -> data tables, charts' data, CSV downloads, inline values |
//! | [`charts`] | chart spec + disclosure-controlled data -> accessible SVG, description, data table (drawn for the `tables` stage) |
//! | [`resolve`] | parsed reports -> every cross-reference checked against the whole site |
//! | [`render`] | reports -> HTML pages through the theme's tera templates |
//! | [`output`] | files -> the published folder, swapped in atomically |
//! | [`serve`] | site root -> a live preview on loopback: rebuilt on every change, the browser reloaded |
//!
//! [`diagnostics`] carries every problem with its file, line and column; [`model`] holds the
//! plain types the stages pass on; [`format`] is the one number formatter of tables, inline
//! values and charts (Danish and English); [`scaffold`] creates new reports. The library never
//! prints: it returns an [`Outcome`] and reports progress through a callback.

pub mod charts;
pub mod config;
pub mod data;
pub mod diagnostics;
pub mod disclosure;
pub mod format;
pub mod grids;
pub mod load;
pub mod locale;
pub mod markdown;
pub mod model;
pub mod models;
pub mod output;
pub mod query;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod serve;
pub mod tables;
mod themes;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use config::{CONFIG_FILE, Config};
use diagnostics::{Diagnostic, Diagnostics, Pos};
use locale::Locale;
use model::ParsedReport;

/// What a build or check is asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; `None` means `<root>/public`.
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    /// Warnings count as errors.
    pub strict: bool,
    /// Build reports marked `draft: true` too.
    pub drafts: bool,
    /// Write the output (`build`) or only validate (`check`).
    pub write: bool,
    /// The build date shown on pages, from `SOURCE_DATE_EPOCH`; never the wall clock.
    pub build_date: Option<String>,
}

/// Progress of a build, for the binary to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Loading,
    Parsing { reports: usize },
    Rendering,
    Writing { files: usize },
}

/// The result of a build: every diagnostic, and what was produced when it succeeded.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub reports: usize,
    pub files: usize,
    pub out: PathBuf,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Builds (or checks) the site described by `opts`.
pub fn build(opts: &BuildOptions, progress: &dyn Fn(Progress)) -> Outcome {
    let out = opts.out.clone().unwrap_or_else(|| opts.root.join("public"));
    let mut outcome = Outcome {
        out: out.clone(),
        ..Outcome::default()
    };
    let mut diags = Diagnostics::new();
    let result = run(opts, &out, progress, &mut diags);
    if opts.strict {
        diags.make_strict();
    }
    if let Some((reports, files)) = result {
        if !diags.has_errors() && opts.write {
            progress(Progress::Writing { files: files.len() });
            if let Err(d) = output::publish(&out, &files) {
                diags.push(d);
            }
        }
        outcome.reports = reports;
        outcome.files = files.len();
    }
    outcome.diagnostics = diags.into_sorted();
    outcome
}

/// The stages in order. Returns the report count and the files to write, or `None` when a
/// stage could not go on; diagnostics collect along the way.
fn run(
    opts: &BuildOptions,
    out: &Path,
    progress: &dyn Fn(Progress),
    diags: &mut Diagnostics,
) -> Option<(usize, Vec<render::OutputFile>)> {
    let root = &opts.root;
    if opts.write
        && let Err(d) = output::check_output_dir(root, out)
    {
        diags.push(d);
        return None;
    }
    progress(Progress::Loading);
    let config = read_config(root, opts.base_url.as_deref(), diags)?;
    let (sources, d) = load::load(root, &config.theme);
    diags.extend(d);
    let (catalog, d) = models::load(root);
    diags.extend(d);
    let (store, d) = data::store::load(root, &config.data_defaults());
    diags.extend(d);
    let locales = read_locales(&sources.theme, diags);
    let templates = render::templates(&sources.theme)
        .map_err(|d| diags.extend(d))
        .ok();

    progress(Progress::Parsing {
        reports: sources.reports.len(),
    });
    let (mut reports, mut front_page) = parse_all(&sources, &config, &locales, opts.drafts, diags);

    let (charting, d) = tables::Charting::new(&sources.theme, &locales, &reports);
    diags.extend(d);
    let site_data = tables::Site {
        store: &store,
        rules: config.disclosure.rules(),
        format: config.format,
        charts: charting.as_ref(),
    };
    let values = generate(&mut reports, &catalog, &site_data, &locales, &config, diags);
    resolve_all(
        &mut reports,
        front_page.as_mut(),
        &values,
        &catalog,
        &locales,
        &config,
        diags,
    );

    if diags.has_errors() || (opts.strict && diags.warning_count() > 0) {
        return None;
    }

    progress(Progress::Rendering);
    let input = render::SiteInput {
        config: &config,
        locales: &locales,
        front_page: front_page
            .as_ref()
            .map(|(m, n)| (m.title.clone(), m.description.clone(), n.as_slice())),
        build_date: opts.build_date.clone(),
    };
    let files = render::render_site(templates.as_ref()?, &input, &reports, &sources.theme)
        .map_err(|d| diags.extend(d))
        .ok()?;
    diags.extend(output::check_collisions(&files));
    Some((reports.len(), files))
}

/// Every report (drafts only when asked) and the front page, parsed in parallel.
fn parse_all(
    sources: &model::Sources,
    config: &Config,
    locales: &BTreeMap<String, Locale>,
    drafts: bool,
    diags: &mut Diagnostics,
) -> (Vec<ParsedReport>, Option<FrontPage>) {
    let parsed: Vec<(Option<ParsedReport>, Diagnostics)> = sources
        .reports
        .par_iter()
        .map(|src| markdown::parse_report(src, config, locales))
        .collect();
    let mut reports = Vec::new();
    for (report, d) in parsed {
        diags.extend(d);
        reports.extend(report.filter(|r| drafts || !r.front.draft));
    }
    let front_page = sources.front_page.as_ref().and_then(|f| {
        let (page, d) = markdown::parse_front_page(f, config);
        diags.extend(d);
        page
    });
    (reports, front_page)
}

/// The front page's front matter and Markdown nodes.
type FrontPage = (model::FrontPageMatter, Vec<model::Node>);

/// Checks and resolves every cross-reference and inline value of the site.
fn resolve_all(
    reports: &mut [ParsedReport],
    front_page: Option<&mut FrontPage>,
    values: &[tables::ReportValues],
    catalog: &models::Catalog,
    locales: &BTreeMap<String, Locale>,
    config: &Config,
    diags: &mut Diagnostics,
) {
    let index = resolve::label_index(reports);
    let base = config.base_path();
    let resolved: Vec<Diagnostics> = reports
        .par_iter_mut()
        .zip(values.par_iter())
        .map(|(r, v)| match locale_of(locales, config, &r.locale) {
            Some(l) => resolve::resolve_report(r, &index, l, &base, &(catalog, v)),
            None => Diagnostics::new(),
        })
        .collect();
    resolved.into_iter().for_each(|d| diags.extend(d));
    if let (Some((_, nodes)), Some(l)) = (front_page, locale_of(locales, config, &config.locale)) {
        diags.extend(resolve::resolve_nodes(
            nodes,
            markdown::FRONT_PAGE,
            &index,
            l,
            &base,
            catalog,
        ));
    }
}

/// The generated content of every report: grids from the models, then data tables and inline
/// values from the datasets. Returns each report's inline values, in report order.
fn generate(
    reports: &mut [ParsedReport],
    catalog: &models::Catalog,
    data: &tables::Site,
    locales: &BTreeMap<String, Locale>,
    config: &Config,
    diags: &mut Diagnostics,
) -> Vec<tables::ReportValues> {
    let done: Vec<(tables::ReportValues, Diagnostics)> = reports
        .par_iter_mut()
        .map(|r| match locale_of(locales, config, &r.locale) {
            Some(l) => {
                let mut d = grids::expand(r, catalog, l);
                let (values, more) = tables::expand(r, data, l);
                d.extend(more);
                (values, d)
            }
            None => Default::default(),
        })
        .collect();
    done.into_iter()
        .map(|(values, d)| {
            diags.extend(d);
            values
        })
        .collect()
}

/// The locale `code`, or the site's when there is no such locale (already reported).
fn locale_of<'a>(
    locales: &'a BTreeMap<String, Locale>,
    config: &Config,
    code: &str,
) -> Option<&'a Locale> {
    locales.get(code).or_else(|| locales.get(&config.locale))
}

fn read_config(root: &Path, base_url: Option<&str>, diags: &mut Diagnostics) -> Option<Config> {
    let path = root.join(CONFIG_FILE);
    let text = match load::read_to_string_capped(&path) {
        Ok(text) => text,
        Err(e) => {
            diags.push(
                Diagnostic::error(CONFIG_FILE, Pos::FILE, format!("cannot read the site config: {e}"))
                    .help(format!("run evalpress in the site's folder or pass --root; the folder needs {CONFIG_FILE} with at least `title: ...`")),
            );
            return None;
        }
    };
    // With a broken config the content is still checked (against the defaults), so one run
    // reports every problem; the build fails on the config errors either way.
    let config = match Config::parse(&text, Path::new(CONFIG_FILE)) {
        Ok(config) => config,
        Err(d) => {
            diags.extend(d);
            Config::parse("title: \"\"\n", Path::new(CONFIG_FILE)).ok()?
        }
    };
    match base_url {
        Some(url) => config.with_base_url(url).map_err(|d| diags.push(d)).ok(),
        None => Some(config),
    }
}

fn read_locales(theme: &model::ThemeSource, diags: &mut Diagnostics) -> BTreeMap<String, Locale> {
    let mut locales = BTreeMap::new();
    for (code, file) in &theme.locales {
        match Locale::parse(file) {
            Ok(l) => {
                locales.insert(code.clone(), l);
            }
            Err(d) => diags.push(d),
        }
    }
    locales
}
