//! Front matter + Markdown -> `ParsedReport`: typed front matter, numbered headings and
//! elements, footnotes, directives and references as nodes with exact source positions.
//!
//! Works on one report at a time and never looks at other reports (see `resolve`).

mod builder;
pub mod directives;
mod front_matter;
pub mod safety;
mod slug;

use std::path::Path;

use crate::config::{Config, LOCALES, key_pos};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::locale::{Locale, parse_date};
use crate::model::{FrontMatter, FrontPageMatter, Node, ParsedReport, ReportSource, SourceFile};
use crate::yaml;
pub use builder::plain_text;
pub use slug::slugify;

/// The slug of the site's front page, which is parsed like a report.
pub const FRONT_PAGE: &str = "";

/// Parses one report folder. Returns `None` when the front matter is unusable.
pub fn parse_report(
    src: &ReportSource,
    config: &Config,
    locales: &std::collections::BTreeMap<String, Locale>,
) -> (Option<ParsedReport>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let file = &src.index;
    let split = match front_matter::split(&file.text, &file.path, true) {
        Ok(Some(split)) => split,
        Ok(None) => unreachable!("front matter is required"),
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    let front: FrontMatter = match yaml::parse(split.yaml, &file.path, split.yaml_origin) {
        Ok(front) => front,
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    let at = |key: &str| key_pos(split.yaml, key).within(split.yaml_origin);
    let locale = front
        .locale
        .clone()
        .unwrap_or_else(|| config.locale.clone());
    check_front(&front, &locale, locales, &file.path, &at, &mut diags);

    let numbering = crate::config::Numbering {
        headings: front
            .numbering
            .and_then(|n| n.headings)
            .unwrap_or(config.numbering.headings),
        elements: front
            .numbering
            .and_then(|n| n.elements)
            .unwrap_or(config.numbering.elements),
    };
    let mut builder = builder::Builder::new(&src.slug, numbering, config.raw_html);
    let mut nodes = builder.file(&file.path, &file.text, split.body_offset);
    for (i, name) in front.chapters.iter().enumerate() {
        match src.markdown.get(name) {
            Some(chapter) => nodes.extend(builder.file(&chapter.path, &chapter.text, 0)),
            None => {
                let line = chapter_line(split.yaml, name, i).within(split.yaml_origin);
                let listed: Vec<&str> = src.markdown.keys().map(String::as_str).collect();
                let help = match directives::closest(name, listed.iter().copied()) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None if listed.is_empty() => format!("create {} next to index.md", name),
                    None => format!("files in the folder: {}", listed.join(", ")),
                };
                diags.push(
                    Diagnostic::error(&file.path, line, format!("chapter file `{name}` not found"))
                        .help(help),
                );
            }
        }
    }
    for (name, md) in &src.markdown {
        if !front.chapters.contains(name) {
            diags.push(
                Diagnostic::warning(
                    &md.path,
                    Pos::FILE,
                    "file is not listed as a chapter and is not published",
                )
                .help(format!(
                    "add `{name}` to `chapters:` in index.md, or remove the file"
                )),
            );
        }
    }
    diags.extend(std::mem::take(&mut builder.diags));
    let report = ParsedReport {
        slug: src.slug.clone(),
        locale,
        nodes,
        footnotes: builder.footnotes,
        toc: builder.toc,
        labels: builder.labels,
        assets: src.assets.clone(),
        source: file.path.clone(),
        front,
    };
    (Some(report), diags)
}

fn check_front(
    front: &FrontMatter,
    locale: &str,
    locales: &std::collections::BTreeMap<String, Locale>,
    file: &Path,
    at: &dyn Fn(&str) -> Pos,
    diags: &mut Diagnostics,
) {
    if front.title.trim().is_empty() {
        diags.push(
            Diagnostic::error(file, at("title"), "the title is empty")
                .help("write the report's title after `title:`"),
        );
    }
    if !LOCALES.contains(&locale) {
        diags.push(
            Diagnostic::error(file, at("locale"), format!("unknown locale `{locale}`"))
                .help(format!("use one of: {}", LOCALES.join(", "))),
        );
    } else if let Some(words) = locales.get(locale)
        && !words.kinds.contains_key(&front.kind)
    {
        let kinds: Vec<&str> = words.kinds.keys().map(String::as_str).collect();
        let help = match directives::closest(&front.kind, kinds.iter().copied()) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!(
                "use one of: {} (kinds are listed in the locale files)",
                kinds.join(", ")
            ),
        };
        diags.push(
            Diagnostic::error(
                file,
                at("kind"),
                format!("unknown report kind `{}`", front.kind),
            )
            .help(help),
        );
    }
    if let Some(date) = &front.date
        && let Err(why) = parse_date(date)
    {
        diags.push(
            Diagnostic::error(file, at("date"), why)
                .help("write the date as YYYY-MM-DD, e.g. 2024-08-19"),
        );
    }
    if front.round.is_some() && front.programme.is_none() {
        diags.push(
            Diagnostic::warning(file, at("round"), "`round` is set but `programme` is not")
                .help("name the programme so the rounds form a series"),
        );
    }
}

/// The line of the `i`-th entry of `chapters:` in the front matter.
fn chapter_line(yaml: &str, name: &str, i: usize) -> Pos {
    yaml.lines()
        .position(|l| l.contains(name))
        .map(|n| Pos::new(n + 1, 1))
        .unwrap_or_else(|| Pos::new(key_pos(yaml, "chapters").line + i, 1))
}

/// Parses `content/_index.md`, the front page, as a report without numbering.
pub fn parse_front_page(
    file: &SourceFile,
    config: &Config,
) -> (Option<(FrontPageMatter, Vec<Node>)>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let (matter, body_offset) = match front_matter::split(&file.text, &file.path, false) {
        Ok(Some(split)) => {
            match yaml::parse::<FrontPageMatter>(split.yaml, &file.path, split.yaml_origin) {
                Ok(m) => (m, split.body_offset),
                Err(d) => {
                    diags.push(d);
                    return (None, diags);
                }
            }
        }
        Ok(None) => (FrontPageMatter::default(), 0),
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    let numbering = crate::config::Numbering {
        headings: false,
        ..config.numbering
    };
    let mut builder = builder::Builder::new(FRONT_PAGE, numbering, config.raw_html);
    let nodes = builder.file(&file.path, &file.text, body_offset);
    diags.extend(builder.diags);
    (Some((matter, nodes)), diags)
}
