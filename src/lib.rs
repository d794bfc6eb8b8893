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
//! | [`disclosure`] | query results -> published cells: small counts hidden, secondary suppression coordinated across every publication of a dataset, derived values inherit it |
//! | [`grids`] | generated directives + models -> fidelity grids, status tables, model boxes, lists |
//! | [`tables`] | data forms of `table`/`box`, `chart` directives, named values + datasets -> coordinated suppression over the whole site, then data tables, charts' data, CSV downloads, inline values |
//! | [`charts`] | chart spec + disclosure-controlled data -> accessible SVG, description, data table (drawn for the `tables` stage) |
//! | [`resolve`] | parsed reports -> every cross-reference checked against the whole site |
//! | [`render`] | reports -> HTML pages through the theme's tera templates |
//! | [`search`] | rendered report pages -> a static full-text index (Pagefind) for the search page |
//! | [`incremental`] | the previous build's records and manifest -> only the reports whose inputs changed are read, computed and rendered, only changed files are written |
//! | [`output`] | files -> the published folder, swapped in atomically or updated through a journal |
//! | [`serve`] | site root -> a live preview on loopback: rebuilt on every change, the browser reloaded |
//! | [`changes`] | published cells of every report -> a snapshot, the diff from the previous build, stale numbers in prose |
//!
//! [`diagnostics`] carries every problem with its file, line and column; [`model`] holds the
//! plain types the stages pass on; [`format`] is the one number formatter of tables, inline
//! values and charts (Danish and English); [`scaffold`] creates new reports; [`pdf`] prints the
//! built reports through headless Chromium, and [`programs`] finds it and Pagefind;
//! [`disclosure_audit`] (module `audit`) gives tests the raw values behind every hidden cell;
//! [`summary`] words the closing line. The library never prints: it returns an [`Outcome`] and
//! reports progress through a callback.

mod audit;
pub mod changes;
pub mod charts;
pub mod config;
pub mod data;
pub mod diagnostics;
pub mod digest;
pub mod disclosure;
pub mod format;
pub mod grids;
pub mod incremental;
pub mod load;
pub mod locale;
pub mod markdown;
pub mod model;
pub mod models;
pub mod output;
pub mod pdf;
pub mod programs;
pub mod query;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod summary;
pub mod tables;
mod themes;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use config::{CONFIG_FILE, Config};
use diagnostics::{Diagnostic, Diagnostics, Pos};
use locale::Locale;
use model::ParsedReport;

pub use audit::{DisclosureAudit, disclosure_audit};

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
    /// Write every output file, ignoring what earlier builds left in `.evalpress/cache/`.
    pub no_cache: bool,
    /// Index the reports for the search page when the config enables search (see [`search`]).
    /// `serve` leaves it out unless asked (Pagefind reads every page again on each rebuild:
    /// about 10 s at 1,000 reports), and so does `pdf` for the copy it prints.
    pub search_index: bool,
}

/// Progress of a build, for the binary to show. `Generated` comes once per report (from any
/// thread, in any order) after `Generating` said how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Another build holds the output's parent folder; this one waits for it to end.
    Waiting,
    Loading,
    Parsing {
        reports: usize,
    },
    Generating {
        reports: usize,
    },
    Generated,
    Rendering,
    Writing {
        files: usize,
    },
}

/// The progress callback; called from the build's worker threads too.
pub type OnProgress<'a> = &'a (dyn Fn(Progress) + Sync);

/// The result of a build: every diagnostic, and what was produced when it succeeded. Kept in
/// the cache, so that a build with nothing to do returns the previous one (see [`incremental`]).
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub reports: usize,
    pub files: usize,
    pub out: PathBuf,
    /// Reports, tables and figures built, and the words of the closing line.
    pub summary: summary::Summary,
    /// What the reports this build computed published (also after a failed build, for what got
    /// that far). The reports it kept published what they did in the last build, which
    /// `.evalpress/changes/` keeps (see [`changes::store::snapshots`]): they are not in it, so
    /// it is empty after a build with nothing to do (`rebuilt == 0`), and whole after a full
    /// build (`--no-cache`, `check`).
    pub snapshot: changes::Snapshot,
    /// After a published build: what changed since the previous one (see [`changes`]).
    pub changes: Option<changes::Diff>,
    /// The output files written anew, sorted; the others were unchanged and kept or linked
    /// from the previous tree (see [`incremental`]). Empty for `check` and failed builds.
    pub rewritten: Vec<String>,
    /// The reports of the built site (not the plain `kind: side` pages), in source order.
    pub published: Vec<PublishedReport>,
    /// Reports computed and rendered by this build.
    pub rebuilt: usize,
    /// Reports whose Markdown this build read and parsed (drafts too); the others were made
    /// from their records (see [`incremental::shell`]).
    #[serde(default)]
    pub parsed: usize,
    /// Reports whose pages and results this build took from the previous one unchanged.
    pub reused: usize,
    /// The site-wide pages (index, programme and datasets pages) this build kept from the
    /// previous one without rendering them: they would have been rendered from the same
    /// data. Empty for a build with nothing to do, which renders nothing.
    #[serde(default)]
    pub kept_pages: Vec<String>,
}

/// A report of the built site: what search indexes and `pdf` prints.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PublishedReport {
    pub slug: String,
    pub title: String,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// What the stages produced for a build that got to rendering.
struct Built {
    files: Vec<render::OutputFile>,
    /// The new tree the report pages were written into as they were rendered (not in `check`).
    staging: Option<output::Staging>,
    /// What the next build needs to skip unchanged reports (`None` when the inputs are unknown).
    records: Option<incremental::record::Records>,
    /// What recording this build's numbers in the list of changes will do.
    pending: changes::state::Pending,
}

pub use incremental::Session;

/// Builds (or checks) the site described by `opts`.
pub fn build(opts: &BuildOptions, progress: OnProgress) -> Outcome {
    let mut session = Session::default();
    let outcome = build_in(&mut session, opts, progress);
    session.flush();
    drop_later(session);
    outcome
}

/// [`build`], one of a series in `session`.
pub fn build_in(session: &mut Session, opts: &BuildOptions, progress: OnProgress) -> Outcome {
    let out = opts.out.clone().unwrap_or_else(|| opts.root.join("public"));
    let mut outcome = Outcome {
        out: out.clone(),
        ..Outcome::default()
    };
    let mut diags = Diagnostics::new();
    // Held to the end of the build: two builds into one place take turns.
    let _lock = match opts
        .write
        .then(|| output::lock(&out, &|_| progress(Progress::Waiting)))
    {
        Some(Err(d)) => {
            outcome.diagnostics = vec![d];
            return outcome;
        }
        lock => lock,
    };
    let cache = opts
        .write
        .then(|| session.open(&opts.root, &out, !opts.no_cache));
    // Scanned before any stage reads: an edit made during the build makes the next one run.
    let inputs = cache.as_ref().and_then(|c| session.scan(&opts.root, c));
    let key = incremental::key(opts, &out, &search_tool(opts));
    if let (Some(c), Some(inputs)) = (&cache, &inputs)
        && let Some(previous) = unchanged(opts, &out, c, key, inputs)
    {
        session.cache = cache;
        return previous;
    }
    let before = (cache.as_ref(), inputs.as_ref(), key);
    let loaded = &mut session.loaded;
    let result = run(
        opts,
        (&out, before),
        loaded,
        progress,
        &mut outcome,
        &mut diags,
    );
    if opts.strict {
        diags.make_strict();
    }
    if let Some(Built {
        files,
        staging,
        records,
        pending,
    }) = result
    {
        // A build with errors drops its staging folder: the output stays untouched.
        if let (Some(cache), Some(staging)) = (cache.filter(|_| !diags.has_errors()), staging) {
            progress(Progress::Writing { files: files.len() });
            let last = (key, inputs.zip(records));
            session.cache = publish(
                opts,
                (staging, &files, pending),
                cache,
                last,
                &mut outcome,
                &mut diags,
            );
            return outcome;
        }
        outcome.files = files.len();
    }
    outcome.diagnostics = diags.into_sorted();
    outcome
}

/// The search indexer a build of `opts` would run, with the stamp of its binary: outside the
/// site's files, yet it changes the output (an index, or a search page saying there is none).
fn search_tool(opts: &BuildOptions) -> String {
    let mut ignored = Diagnostics::new();
    let Some(config) = read_config(&opts.root, opts.base_url.as_deref(), &mut ignored) else {
        return String::new();
    };
    match search::prepare(&opts.root, &config.search, opts.write && opts.search_index).0 {
        search::Indexer::Pagefind(binary) => {
            let stamp = digest::Stamp::of(&binary).ok();
            format!("{}: {stamp:?}", binary.display())
        }
        other => format!("{other:?}"),
    }
}

/// The previous build's outcome, when nothing it depended on changed and its output is still
/// as it left it: this build would publish the same bytes, so it writes nothing.
fn unchanged(
    opts: &BuildOptions,
    out: &Path,
    cache: &incremental::Cache,
    key: digest::Digest,
    inputs: &incremental::Inputs,
) -> Option<Outcome> {
    // Finishes an interrupted publish first; a refused folder is reported by the full build.
    output::check_output_dir(&opts.root, out).ok()?;
    let changes = changes::store::state_dir(&opts.root, out);
    cache
        .unchanged(key, inputs, &changes)
        .map(|previous| Outcome {
            out: out.to_path_buf(),
            rewritten: Vec::new(),
            rebuilt: 0,
            parsed: 0,
            reused: previous.reports,
            kept_pages: Vec::new(),
            ..previous.clone()
        })
}

/// Publishes `built`, records its numbers, fills `outcome` and saves the state the next build
/// starts from (returned, for a next build in this process); `last` is this build's key and
/// inputs.
fn publish(
    opts: &BuildOptions,
    (staging, files, pending): (
        output::Staging,
        &[render::OutputFile],
        changes::state::Pending,
    ),
    cache: incremental::Cache,
    (key, inputs): (
        digest::Digest,
        Option<(incremental::Inputs, incremental::record::Records)>,
    ),
    outcome: &mut Outcome,
    diags: &mut Diagnostics,
) -> Option<incremental::Cache> {
    let out = outcome.out.clone();
    outcome.files = files.len();
    let mut published = match output::publish(staging, files) {
        Ok(published) => published,
        Err(d) => {
            diags.push(d);
            outcome.diagnostics = std::mem::take(diags).into_sorted();
            return None;
        }
    };
    outcome.rewritten = std::mem::take(&mut published.rewritten);
    outcome.changes = record_changes(opts, &out, (&outcome.snapshot, pending), diags);
    outcome.diagnostics = std::mem::take(diags).into_sorted();
    // A build whose numbers could not be recorded is not repeated: the next one tries again.
    // Nor is one that could not read the kept numbers: it started them afresh, and the next
    // build, computing every report, reads them whole (or warns again).
    let dir = changes::store::state_dir(&opts.root, &out);
    let unreadable = |d: &Diagnostic| d.file == Path::new(".evalpress") && !d.is_error();
    let warned = outcome.diagnostics.iter().any(unreadable);
    let repeatable = outcome.changes.is_some() && !warned;
    // The snapshot is the one the list of changes keeps; too large to keep twice.
    let snapshot = std::mem::take(&mut outcome.snapshot);
    let last = inputs.filter(|_| repeatable).map(|(inputs, records)| {
        let last = incremental::LastBuild {
            key,
            inputs,
            changes: incremental::folder_stamps(&dir),
            outcome: Outcome {
                rewritten: Vec::new(),
                ..outcome.clone()
            },
        };
        (last, records)
    });
    outcome.snapshot = snapshot;
    // Saved by the session, after the build (see [`Session::flush`]).
    Some(cache.keep(published, last))
}

/// Keeps the snapshot of a published build and returns what changed; a failure to keep it is
/// a warning (the site is published either way).
fn record_changes(
    opts: &BuildOptions,
    out: &Path,
    (snapshot, pending): (&changes::Snapshot, changes::state::Pending),
    diags: &mut Diagnostics,
) -> Option<changes::Diff> {
    let dir = changes::store::state_dir(&opts.root, out);
    changes::store::prune(&opts.root);
    changes::store::record_pending(&dir, out, snapshot, pending)
        .map_err(|why| {
            diags.push(
                Diagnostic::warning(".evalpress", Pos::FILE, format!("the list of changes was not updated: {why}"))
                    .help("the site was published; make .evalpress/ in the site root writable, or delete .evalpress/changes/ to start afresh"),
            )
        })
        .ok()
}

/// What a build into the output had before it: the cache, this build's inputs and its key.
type Before<'a> = (
    Option<&'a incremental::Cache>,
    Option<&'a incremental::Inputs>,
    digest::Digest,
);

/// The stages in order. Fills the counts and snapshot of `outcome` and returns the files to
/// write, or `None` when a stage could not go on; diagnostics collect along the way. Reports
/// whose inputs did not change since the previous build are kept, not computed (see
/// [`incremental::plan`]).
fn run(
    opts: &BuildOptions,
    (out, (cache, inputs, key)): (&Path, Before),
    loaded: &mut incremental::session::Loaded,
    progress: OnProgress,
    outcome: &mut Outcome,
    diags: &mut Diagnostics,
) -> Option<Built> {
    use incremental::{plan, rebuild, shell, skip};
    let root = &opts.root;
    if opts.write
        && let Err(d) = output::check_output_dir(root, out)
    {
        diags.push(d);
        return None;
    }
    progress(Progress::Loading);
    let config = read_config(root, opts.base_url.as_deref(), diags)?;
    // Three independent reads, side by side: the listing (system calls), the models and the
    // previous build's records, which the shells need next (both mostly JSON parsing).
    // A series of builds (the live server's) takes what the last one loaded where it holds.
    let kept = loaded.catalog.take();
    let ((listed, (catalog, d, kept)), _) = rayon::join(
        || {
            rayon::join(
                || loaded.sources(root, &config.theme),
                || models::cache::load(root, inputs, !opts.no_cache, kept.as_ref()),
            )
        },
        || cache.map(incremental::Cache::records),
    );
    loaded.catalog = kept;
    let (sources, listing) = &*listed;
    diags.extend(listing.iter().cloned());
    diags.extend(d);
    let locales = read_locales(&sources.theme, diags);
    let templates = render::templates(&sources.theme)
        .map_err(|d| diags.extend(d))
        .ok();

    progress(Progress::Parsing {
        reports: sources.reports.len(),
    });
    // Reports whose folder is unchanged are shells, made from their records (not read).
    let base = inputs.map(|i| incremental::record::base(key, i));
    let shells = shell::Shells::new(cache, (inputs, base), diags.has_errors());
    let parse = |listing: &model::ReportListing| parse_report(root, listing, &config, &locales);
    let (parsed, mut front_page) = parse_all(
        (root, sources),
        &config,
        opts.drafts,
        (&shells, &parse),
        diags,
    );
    let index = resolve::label_index(&parsed.reports);
    // The index of the previous build's numbers: which reports it recorded, and where.
    let dir = changes::store::state_dir(root, out);
    let numbers = changes::state::Index::open(&dir).map_err(changes::check::unreadable);
    let prior = cache.zip(base).and_then(|(c, b)| skip::usable(c, &dir, b));
    let manifest = cache.map(|c| &c.previous.manifest);
    let previous = match (prior, manifest, &numbers) {
        (Some(records), Some(manifest), Ok(Some(index))) => Some(plan::Previous {
            records,
            manifest,
            out,
            index,
        }),
        _ => None,
    };
    let rules = config.disclosure.rules();
    let plan = plan::plan(previous, parsed.site(), inputs, &index, &|r| {
        tables::datasets_of(r, rules)
    });
    // A shell the plan rebuilds is read and parsed before it is computed.
    let (reports, parsing) = parsed.complete(&plan, &sources.reports, &parse, diags);
    let (store, d) = data::store::load_except(root, &config.data_defaults(), &plan.unread);
    diags.extend(d);

    let (split, mut work) = skip::Split::new(reports, &plan);
    let (charting, d) = tables::Charting::new(&sources.theme, &locales, &work);
    diags.extend(d);
    let site_data = tables::Site {
        store: &store,
        rules,
        format: config.format,
        downloads: config.downloads,
        charts: charting.as_ref(),
    };
    progress(Progress::Generating {
        reports: work.len(),
    });
    let locale_of = rebuild::Locales {
        all: &locales,
        config: &config,
    };
    let front_nodes = front_page.as_mut().map(|(_, nodes)| nodes);
    let (computed, d) = rebuild::compute(
        &mut work,
        (&catalog, &site_data),
        (&index, front_nodes),
        &locale_of,
        progress,
    );
    diags.extend(d);
    let mut reports = split.merge(work);
    let mut assembled = skip::assemble(&reports, &plan, (computed, prior), manifest, diags);
    outcome.snapshot = std::mem::take(&mut assembled.snapshot);
    let of = |code: &str| locale_of.of(code);
    let checked = changes::check::prose(&dir, &reports, (&outcome.snapshot, numbers), &of);
    let rotates = checked.pending.rotates();
    let pending = checked.pending;
    diags.extend(checked.diagnostics);
    diags.extend(skip::kept_prose(&plan, rotates).cloned());
    assembled.prose = (checked.prose, rotates);
    let site_locale = locales.get(&config.locale);
    outcome.summary = summary::Summary::new(assembled.counts, site_locale);
    outcome.reports = reports.len();
    outcome.rebuilt = plan.rebuilt();
    outcome.parsed = parsing.count;
    outcome.reused = reports.len() - outcome.rebuilt;

    if diags.has_errors() || (opts.strict && diags.warning_count() > 0) {
        return None;
    }

    // search (see [`search`]): Pagefind is looked for first, for the search page to know
    let (indexer, warning) = search::prepare(root, &config.search, opts.write && opts.search_index);
    diags.extend(warning);
    let published = published(&reports);

    progress(Progress::Rendering);
    // The site-wide pages this build may keep: digests are made only where they are recorded.
    let pages = skip::published_pages(prior, manifest, out);
    let input = render::SiteInput {
        pages: base.map(|_| &pages),
        config: &config,
        locales: &locales,
        front_page: front_page
            .as_ref()
            .map(|(m, n)| (m.title.clone(), m.description.clone(), n.as_slice())),
        build_date: opts.build_date.clone(),
        key_figures: &assembled.key_figures,
        store: &store,
        catalog: &catalog,
        search: search::page_state(&indexer, &published),
        kept: &assembled.kept,
    };
    // A build writes each report page into its new tree as soon as it is rendered.
    let staging = match cache {
        Some(c) => Some(
            output::staging(
                out,
                (c.previous.manifest.clone(), c.previous.folders.clone()),
            )
            .map_err(|d| diags.push(d))
            .ok()?,
        ),
        None => None,
    };
    let sink = staging.as_ref().map(|s| s as &dyn render::Sink);
    let (mut files, elements, memo) = render::render_site(
        templates.as_ref()?,
        &input,
        &mut reports,
        &sources.theme,
        sink,
    )
    .map_err(|d| diags.extend(d))
    .ok()?;
    // search: the index of the rendered report pages (read back where they were staged)
    let cache = (root.as_path(), !opts.no_cache);
    let read = |f: &render::OutputFile| match &staging {
        Some(s) => s.bytes(f),
        None => match &f.content {
            render::OutputContent::Bytes(b) => Some(b.clone()),
            _ => None,
        },
    };
    let index = search::index(&indexer, &files, &read, &published, &config.locale, cache);
    files.extend(index.map_err(|d| diags.push(d)).ok()?);
    outcome.published = published;
    diags.extend(output::check_collisions(&files));
    outcome.kept_pages = memo.kept.clone();
    let records = base.map(|base| {
        let made = (elements, files.as_slice(), memo);
        skip::records(
            (base, &plan, prior),
            (&reports, &parsing),
            &assembled,
            made,
            &store,
        )
    });
    // What the build is done with goes in the background: freeing it takes a while.
    drop_later((reports, assembled, plan, store));
    Some(Built {
        files,
        staging,
        records,
        pending,
    })
}

/// Drops `value` on a worker thread, off the way to the published site.
fn drop_later<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}

/// The reports of the site, without the plain `kind: side` pages.
fn published(reports: &[ParsedReport]) -> Vec<PublishedReport> {
    reports
        .iter()
        .filter(|r| r.front.kind != "side")
        .map(|r| PublishedReport {
            slug: r.slug.clone(),
            title: r.front.title.clone(),
        })
        .collect()
}

/// Every report (drafts only when asked) and the front page, parsed in parallel; each report's
/// text is read by its parse task and dropped once it is parsed. A report `shells` has a record
/// for is not read: it is a shell made from the record (see [`incremental::shell`]).
fn parse_all<'a>(
    (root, sources): (&Path, &model::Sources),
    config: &Config,
    drafts: bool,
    (shells, parse): (
        &incremental::shell::Shells<'a>,
        incremental::shell::ParseOne,
    ),
    diags: &mut Diagnostics,
) -> (incremental::shell::Parsed<'a>, Option<FrontPage>) {
    let listed = (root, sources.reports.as_slice());
    let reports = incremental::shell::parse(listed, shells, parse, drafts, diags);
    let front_page = sources.front_page.as_ref().and_then(|f| {
        let (page, d) = markdown::parse_front_page(f, config);
        diags.extend(d);
        page
    });
    (reports, front_page)
}

/// Reads and parses one listed report.
fn parse_report(
    root: &Path,
    listing: &model::ReportListing,
    config: &Config,
    locales: &BTreeMap<String, Locale>,
) -> (Option<ParsedReport>, Diagnostics) {
    let (src, mut d) = load::read_report(root, listing);
    let Some(src) = src else {
        return (None, d);
    };
    let (report, more) = markdown::parse_report(&src, config, locales);
    d.extend(more);
    (report, d)
}

/// The front page's front matter and Markdown nodes.
type FrontPage = (model::FrontPageMatter, Vec<model::Node>);

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
