//! Resolved site -> HTML pages, `sitemap.xml` and copied assets, through the theme's tera
//! templates. Everything from content or data reaches templates either escaped by tera's
//! autoescape or as HTML that `body` already escaped; templates never see raw input.

mod body;
mod sitemap;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use tera::{Context, Tera};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Pos};
use crate::locale::{Locale, parse_date};
use crate::model::{Asset, Identifier, Node, ParsedReport, ThemeSource, TocEntry};
use body::BodyWriter;
pub use body::escape;

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
}

/// The compiled templates of a theme.
pub struct Templates {
    tera: Tera,
    files: BTreeMap<String, PathBuf>,
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
    match tera.add_raw_templates(sources) {
        Ok(()) => Ok(Templates { tera, files }),
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
    build_date: Option<String>,
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
    body_html: String,
    footnotes_html: String,
}

/// Inputs the pages share.
pub struct SiteInput<'a> {
    pub config: &'a Config,
    pub locales: &'a BTreeMap<String, Locale>,
    pub front_page: Option<(Option<String>, Option<String>, &'a [Node])>,
    pub build_date: Option<String>,
}

/// Renders every page of the site. Reports are rendered in parallel; order is kept.
pub fn render_site(
    templates: &Templates,
    site: &SiteInput,
    reports: &[ParsedReport],
    theme: &ThemeSource,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    use rayon::prelude::*;
    let base = site.config.base_path();
    let site_locale = &site.locales[&site.config.locale];
    let site_view = SiteView {
        title: &site.config.title,
        description: &site.config.description,
        base_url: base.clone(),
        locale: &site.config.locale,
        footer_links: site
            .config
            .footer
            .links
            .iter()
            .map(|l| LinkView {
                label: l.label.clone(),
                url: site_url(&base, &l.url),
            })
            .collect(),
        build_date: site.build_date.clone(),
    };
    let views: Vec<ReportView> = reports
        .par_iter()
        .map(|r| report_view(r, site, &base))
        .collect();
    let rendered: Vec<Result<OutputFile, Diagnostic>> = views
        .par_iter()
        .zip(reports.par_iter())
        .map(|(view, report)| {
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
            ctx.insert("report", view);
            render_page(
                templates,
                template,
                &ctx,
                &format!("{}/index.html", report.slug),
                &report.source,
            )
        })
        .collect();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for r in rendered {
        match r {
            Ok(f) => files.push(f),
            Err(d) => problems.push(d),
        }
    }

    let mut listed: Vec<&ReportView> = views.iter().filter(|v| v.kind != "side").collect();
    listed.sort_by(|a, b| b.date.cmp(&a.date).then(a.title.cmp(b.title)));
    let (front_title, front_description, front_nodes) =
        site.front_page.clone().unwrap_or((None, None, &[]));
    let intro = BodyWriter::new(site_locale).write(front_nodes);
    let title = front_title.as_deref().unwrap_or(&site.config.title);
    let description = front_description
        .as_deref()
        .unwrap_or(&site.config.description);
    let mut ctx = base_context(&site_view, site_locale, title, description, &base);
    ctx.insert("intro_html", &intro);
    ctx.insert("reports", &listed);
    let index_source = PathBuf::from("content/_index.md");
    for (template, path) in [("index.html", "index.html"), ("404.html", "404.html")] {
        match render_page(templates, template, &ctx, path, &index_source) {
            Ok(f) => files.push(f),
            Err(d) => problems.push(d),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut pages: Vec<&str> = vec![""];
    pages.extend(
        reports
            .iter()
            .filter(|r| r.front.kind != "side")
            .map(|r| r.slug.as_str()),
    );
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        content: OutputContent::Bytes(sitemap::sitemap(site.config, &pages).into_bytes()),
        source: PathBuf::from(crate::config::CONFIG_FILE),
    });
    files.extend(reports.iter().flat_map(downloads));
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
    Ok(files)
}

/// The CSV files of a report's data elements, next to its page.
fn downloads(r: &ParsedReport) -> impl Iterator<Item = OutputFile> + '_ {
    r.nodes.iter().filter_map(move |n| match n {
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

fn report_view<'a>(r: &'a ParsedReport, site: &SiteInput<'a>, base: &str) -> ReportView<'a> {
    let locale = &site.locales[&r.locale];
    let mut writer = BodyWriter::new(locale);
    let body_html = writer.write(&r.nodes);
    let footnotes_html = writer.footnotes(&r.footnotes);
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
            .and_then(|d| parse_date(d).ok())
            .map(|d| locale.format_date(d)),
        publisher: f.publisher.as_deref(),
        authors: &f.authors,
        evaluator: f.evaluator.as_deref(),
        identifiers: &f.identifiers,
        programme: f.programme.as_deref(),
        programme_label: f.programme.as_ref().map(|p| {
            site.config
                .programmes
                .get(p)
                .cloned()
                .unwrap_or_else(|| p.clone())
        }),
        round: f.round,
        summary: f.summary.as_deref(),
        lang: locale_key(site.locales, &r.locale),
        toc: &r.toc,
        body_html,
        footnotes_html,
    }
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
    let mut ctx = Context::new();
    ctx.insert("site", site);
    ctx.insert("t", &locale.words);
    ctx.insert("lang", &locale.lang);
    ctx.insert("page_title", title);
    ctx.insert("page_description", description);
    ctx.insert("page_url", url);
    ctx
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
