//! Resolved site -> HTML pages, `sitemap.xml` and copied assets, through the theme's tera
//! templates. Everything from content or data reaches templates either escaped by tera's
//! autoescape or as HTML that `body` already escaped; templates never see raw input.

mod body;
mod datapages;
mod kept;
mod memo;
mod pages;
mod series;
mod sitemap;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use tera::{Context, Tera};

use crate::config::Config;
use crate::data::store::Store;
use crate::diagnostics::{Diagnostic, Pos};
use crate::locale::{Locale, parse_published};
use crate::model::{Asset, Identifier, KeyFigure, Node, ParsedReport, ThemeSource, TocEntry};
use crate::models::Catalog;
use body::BodyWriter;
pub use body::escape;
use datapages::DATA_FOLDER;
pub use datapages::ElementRow;
pub use kept::Kept;
use kept::kept_files;
use memo::{Filler, Keeper};
pub use memo::{Memo, Published as PublishedPages};
use pages::Pages;
use series::{Member, PROGRAMME_FOLDER, SeriesNav};

/// One file of the finished site.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Path inside the output folder, with `/` separators.
    pub path: String,
    pub content: OutputContent,
    /// The source it was made from (for "two sources, one output path" errors).
    pub source: PathBuf,
}

#[derive(Debug, Clone)]
pub enum OutputContent {
    Bytes(Vec<u8>),
    Copy(Asset),
    /// Already handed to a publishing [`Sink`], which kept only what publishing needs.
    Staged(Staged),
}

/// What a [`Sink`] keeps of a file it took: the digest of its bytes, and whether it wrote them
/// into the new tree (`false`: the published file has these bytes and is linked at the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staged {
    pub digest: crate::digest::Digest,
    pub written: bool,
}

/// Takes rendered files as soon as they are rendered, so their bytes need not be held until
/// the whole site is (see `output::Staging`). Returns the file to keep in the list of output
/// files: [`OutputContent::Staged`], or the file itself where the sink could not take it.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> OutputFile;
}

/// The compiled templates of a theme.
pub struct Templates {
    tera: Tera,
    files: BTreeMap<String, PathBuf>,
    /// Of every template's name and text.
    digest: crate::digest::Digest,
}

/// Compiles the theme's templates; syntax errors name the template file and line.
pub fn templates(theme: &ThemeSource) -> Result<Templates, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    let files: BTreeMap<String, PathBuf> = theme
        .templates
        .iter()
        .map(|(name, f)| (name.clone(), f.path.clone()))
        .collect();
    let sources: Vec<(&str, &str)> = theme
        .templates
        .iter()
        .map(|(name, f)| (name.as_str(), f.text.as_str()))
        .collect();
    let digest = memo::templates_digest(sources.iter().copied());
    match tera.add_raw_templates(sources) {
        Ok(()) => Ok(Templates {
            tera,
            files,
            digest,
        }),
        Err(e) => Err(vec![template_error(&e, &files, "")]),
    }
}

fn template_error(e: &tera::Error, files: &BTreeMap<String, PathBuf>, page: &str) -> Diagnostic {
    let while_rendering = if page.is_empty() {
        String::new()
    } else {
        format!(" (rendering {page})")
    };
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let file = files
                .get(r.filename())
                .cloned()
                .unwrap_or_else(|| PathBuf::from(r.filename()));
            let span = r.span();
            Diagnostic::error(file, Pos::new(span.start_line, span.start_col + 1), format!("{}{while_rendering}", r.message()))
                .help("fix the template at this place; variables available to templates are listed in README.md")
        }
        other => Diagnostic::error(
            "themes",
            Pos::FILE,
            format!("template error{while_rendering}: {other}"),
        )
        .help("check the template names used by extends and include"),
    }
}

/// What every template sees as `site`.
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: String,
    locale: &'a str,
    footer_links: Vec<LinkView>,
    /// The page listing every dataset.
    datasets_url: String,
    build_date: Option<String>,
    /// The search page, linked from every page's header; none with `search: false`.
    search_url: Option<String>,
}

#[derive(Serialize)]
struct LinkView {
    label: String,
    url: String,
}

/// What templates see as `report` (and, for each listed report, on the index page).
#[derive(Serialize)]
struct ReportView<'a> {
    slug: &'a str,
    url: String,
    title: &'a str,
    subtitle: Option<&'a str>,
    kind: &'a str,
    kind_label: String,
    date: Option<&'a str>,
    date_display: Option<String>,
    publisher: Option<&'a str>,
    authors: &'a [String],
    evaluator: Option<&'a str>,
    identifiers: &'a [Identifier],
    programme: Option<&'a str>,
    programme_label: Option<String>,
    round: Option<u32>,
    summary: Option<&'a str>,
    lang: &'a str,
    toc: &'a [TocEntry],
    /// The year of `date`, for the citation.
    year: Option<&'a str>,
    /// The page's address for the citation: a full URL when the base URL has a host.
    cite_url: String,
    /// Previous and next round when the report belongs to a programme.
    series: Option<SeriesNav>,
    key_figures: &'a [KeyFigure],
    /// Every numbered element, for the "Data og metode" section.
    elements: Vec<ElementRow>,
}

/// What a report's own page sees as `report`: its view and its body. The body is written
/// while the page is rendered and dropped with it; listings (the index, programme pages) see
/// only the [`ReportView`], so the site's bodies are never all in memory at once.
#[derive(Serialize)]
struct PageView<'v, 'a> {
    #[serde(flatten)]
    view: &'v ReportView<'a>,
    body_html: String,
    footnotes_html: String,
}

/// Inputs the pages share.
pub struct SiteInput<'a> {
    pub config: &'a Config,
    pub locales: &'a BTreeMap<String, Locale>,
    pub front_page: Option<(Option<String>, Option<String>, &'a [Node])>,
    pub build_date: Option<String>,
    /// Each report's headline results, in report order.
    pub key_figures: &'a [Vec<KeyFigure>],
    pub store: &'a Store,
    pub catalog: &'a Catalog,
    /// The search page: `None` for none (`search: false`), else whether it has an index to load.
    pub search: Option<bool>,
    /// By report index (empty: none): the reports whose pages the previous build published
    /// and this one keeps (see `incremental`), with what the site-wide pages need of them.
    pub kept: &'a [Option<Kept>],
    /// The site-wide pages this build may keep (see [`memo`]); `None`: no digests are made,
    /// none recorded (`check`).
    pub pages: Option<&'a PublishedPages>,
}

/// Every file of the site, each report's element rows, by report index, and what the
/// site-wide pages were made from.
pub type RenderedSite = (Vec<OutputFile>, Vec<Vec<ElementRow>>, Memo);

/// A report's body, taken out of it for its page's render task, which drops it once the page
/// and its downloads are written: the site's parsed bodies are not all kept to the end.
struct Body {
    nodes: Vec<Node>,
    footnotes: Vec<crate::model::Footnote>,
}

/// Renders every page of the site. Reports are rendered in parallel; order is kept. Each
/// report's nodes and footnotes are moved into its render task and dropped there (`reports`
/// keeps its front matter, table of contents and labels; its `nodes` are left empty): the
/// site-wide pages see only the owned [`ReportView`]s. With a `sink`, each report page and its
/// downloads are handed to it as soon as they are rendered (a build writes them into its new
/// tree then); without one (`check`), every file is returned with its bytes. Also returns each
/// report's element rows (the "Data og metode" list), by report index.
pub fn render_site(
    templates: &Templates,
    site: &SiteInput,
    reports: &mut [ParsedReport],
    theme: &ThemeSource,
    sink: Option<&dyn Sink>,
) -> Result<RenderedSite, Vec<Diagnostic>> {
    use rayon::prelude::*;
    let put = |f: OutputFile| match sink {
        Some(s) => s.put(f),
        None => f,
    };
    let base = site.config.base_path();
    let site_locale = &site.locales[&site.config.locale];
    let site_view = site_view(site, &base);
    let bodies: Vec<Body> = reports
        .iter_mut()
        .map(|r| Body {
            nodes: std::mem::take(&mut r.nodes),
            footnotes: std::mem::take(&mut r.footnotes),
        })
        .collect();
    let reports: &[ParsedReport] = reports;
    let mut views: Vec<ReportView> = reports
        .par_iter()
        .zip(bodies.par_iter())
        .enumerate()
        .map(|(i, (r, body))| {
            let figures = site.key_figures.get(i).map_or(&[][..], Vec::as_slice);
            let kept = site.kept.get(i).and_then(Option::as_ref);
            report_view(r, (&body.nodes, kept), figures, site, &base)
        })
        .collect();
    let order = link_series(&mut views, site.config, &base);
    type Rendered = (Result<OutputFile, Diagnostic>, Vec<OutputFile>);
    let rendered: Vec<Rendered> = views
        .par_iter()
        .zip(reports.par_iter())
        .zip(bodies.into_par_iter())
        .enumerate()
        .map(|(i, ((view, report), body))| {
            if let Some(kept) = site.kept.get(i).and_then(Option::as_ref) {
                return kept_files(report, kept);
            }
            let locale = &site.locales[view.lang];
            let template = if report.front.kind == "side" {
                "page.html"
            } else {
                "report.html"
            };
            let mut ctx = base_context(
                &site_view,
                locale,
                view.title,
                view.summary.unwrap_or(&site.config.description),
                &view.url,
            );
            let mut writer = BodyWriter::new(&site.locales[&report.locale]);
            let page = PageView {
                view,
                body_html: writer.write(&body.nodes),
                footnotes_html: writer.footnotes(&body.footnotes),
            };
            ctx.insert("report", &page);
            let file = render_page(
                templates,
                template,
                &ctx,
                &format!("{}/index.html", report.slug),
                &report.source,
            );
            // Handed on at once: the page's bytes are dropped here, not when the site is done.
            (
                file.map(&put),
                downloads(report, &body.nodes).map(&put).collect(),
            )
        })
        .collect();
    let (rendered, downloaded): (Vec<_>, Vec<_>) = rendered.into_iter().unzip();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let keeper = Keeper::new(templates, site.pages);
    // Each view hashed once, for every page listing it; only for a build that records them.
    let digests: Option<Vec<_>> = match keeper.on() {
        true => views.par_iter().map(memo::digest_of).collect(),
        false => None,
    };
    let pages = Pages {
        keeper,
        site,
        site_view: &site_view,
        locale: site_locale,
        views: &views,
        digests: digests.as_deref(),
        base: &base,
    };
    for r in rendered
        .into_iter()
        .chain(pages.front_pages())
        .chain(pages.programme_pages(&order))
        .chain(pages.datasets_page())
    {
        match r {
            Ok(f) => files.push(f),
            Err(d) => problems.push(d),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let memo = pages.keeper.finish();
    let mut paths: Vec<String> = vec![String::new()];
    paths.extend(
        reports
            .iter()
            .filter(|r| r.front.kind != "side")
            .map(|r| r.slug.clone()),
    );
    paths.extend(order.keys().map(|p| format!("{PROGRAMME_FOLDER}/{p}")));
    paths.push(DATA_FOLDER.to_string());
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        content: OutputContent::Bytes(sitemap::sitemap(site.config, &paths).into_bytes()),
        source: PathBuf::from(crate::config::CONFIG_FILE),
    });
    files.extend(downloaded.into_iter().flatten());
    for asset in theme
        .assets
        .iter()
        .chain(reports.iter().flat_map(|r| r.assets.iter()))
    {
        files.push(OutputFile {
            path: asset.to.clone(),
            content: OutputContent::Copy(asset.clone()),
            source: asset.source.clone(),
        });
    }
    let elements = views.into_iter().map(|v| v.elements).collect();
    Ok((files, elements, memo))
}

fn site_view<'a>(site: &SiteInput<'a>, base: &str) -> SiteView<'a> {
    SiteView {
        title: &site.config.title,
        description: &site.config.description,
        base_url: base.to_string(),
        locale: &site.config.locale,
        footer_links: site
            .config
            .footer
            .links
            .iter()
            .map(|l| LinkView {
                label: l.label.clone(),
                url: site_url(base, &l.url),
            })
            .collect(),
        datasets_url: format!("{base}{DATA_FOLDER}/"),
        build_date: site.build_date.clone(),
        search_url: site
            .search
            .map(|_| format!("{base}{}", crate::search::PAGE_URL)),
    }
}

/// Series order: programme id -> indices of its reports, in round order.
type SeriesOrder<'a> = BTreeMap<&'a str, Vec<usize>>;

/// Gives every report of a programme its previous and next round; returns the series.
fn link_series<'a>(views: &mut [ReportView<'a>], config: &Config, base: &str) -> SeriesOrder<'a> {
    let members: Vec<Member<'a>> = views
        .iter()
        .enumerate()
        .filter(|(_, v)| v.kind != "side")
        .filter_map(|(index, v)| {
            Some(Member {
                index,
                programme: v.programme?,
                round: v.round,
                date: v.date,
                title: v.title,
                url: v.url.clone(),
            })
        })
        .collect();
    let order = series::series(&members);
    let label = |p: &str| programme_label(config, p);
    for (i, nav) in series::navigation(&members, &order, &label, base) {
        views[i].series = Some(nav);
    }
    order
}

/// The CSV files of a report's data elements, next to its page.
fn downloads<'r>(r: &'r ParsedReport, nodes: &'r [Node]) -> impl Iterator<Item = OutputFile> + 'r {
    nodes.iter().filter_map(move |n| match n {
        Node::Element(el) => el
            .generated
            .as_ref()?
            .download
            .as_ref()
            .map(|d| OutputFile {
                path: format!("{}/{}", r.slug, d.path),
                content: OutputContent::Bytes(d.bytes.clone()),
                source: r.source.clone(),
            }),
        _ => None,
    })
}

fn report_view<'a>(
    r: &'a ParsedReport,
    (nodes, kept): (&[Node], Option<&Kept>),
    key_figures: &'a [KeyFigure],
    site: &SiteInput<'a>,
    base: &str,
) -> ReportView<'a> {
    let locale = &site.locales[&r.locale];
    let f = &r.front;
    ReportView {
        slug: &r.slug,
        url: format!("{base}{}/", r.slug),
        title: &f.title,
        subtitle: f.subtitle.as_deref(),
        kind: &f.kind,
        kind_label: locale
            .kinds
            .get(&f.kind)
            .cloned()
            .unwrap_or_else(|| f.kind.clone()),
        date: f.date.as_deref(),
        date_display: f
            .date
            .as_deref()
            .and_then(|d| parse_published(d).ok())
            .map(|d| locale.format_published(d)),
        publisher: f.publisher.as_deref(),
        authors: &f.authors,
        evaluator: f.evaluator.as_deref(),
        identifiers: &f.identifiers,
        programme: f.programme.as_deref(),
        programme_label: f
            .programme
            .as_deref()
            .map(|p| programme_label(site.config, p)),
        round: f.round,
        summary: f.summary.as_deref(),
        lang: locale_key(site.locales, &r.locale),
        toc: &r.toc,
        year: f.date.as_deref().and_then(|d| d.get(..4)),
        cite_url: format!("{}{base}{}/", site.config.origin().unwrap_or(""), r.slug),
        series: None,
        key_figures,
        elements: match kept {
            Some(k) => k.elements.clone(),
            None => datapages::element_rows((&r.slug, nodes), locale, site.store, base),
        },
    }
}

/// The display name of a programme: from `programmes:` in the config, else its id.
fn programme_label(config: &Config, id: &str) -> String {
    config
        .programmes
        .get(id)
        .cloned()
        .unwrap_or_else(|| id.to_string())
}

fn locale_key<'a>(locales: &'a BTreeMap<String, Locale>, wanted: &str) -> &'a str {
    locales
        .get_key_value(wanted)
        .map(|(k, _)| k.as_str())
        .unwrap_or("da")
}

fn base_context(
    site: &SiteView,
    locale: &Locale,
    title: &str,
    description: &str,
    url: &str,
) -> Context {
    memo::context(&|f| put_base(f, (site, locale), title, description, url))
}

/// What every page's context holds.
fn put_base(
    f: &mut Filler,
    (site, locale): (&SiteView, &Locale),
    title: &str,
    description: &str,
    url: &str,
) {
    f.put("site", site);
    f.put("t", &locale.words);
    f.put("lang", &locale.lang);
    f.put("page_title", title);
    f.put("page_description", description);
    f.put("page_url", url);
}

fn render_page(
    templates: &Templates,
    template: &str,
    ctx: &Context,
    path: &str,
    source: &std::path::Path,
) -> Result<OutputFile, Diagnostic> {
    templates
        .tera
        .render(template, ctx)
        .map(|html| OutputFile {
            path: path.to_string(),
            content: OutputContent::Bytes(html.into_bytes()),
            source: source.to_path_buf(),
        })
        .map_err(|e| template_error(&e, &templates.files, path))
}

/// A link from the config: site paths (`/x/`) get the base path; full URLs stay as they are.
fn site_url(base: &str, url: &str) -> String {
    match url.strip_prefix('/') {
        Some(rest) => format!("{base}{rest}"),
        None => url.to_string(),
    }
}
