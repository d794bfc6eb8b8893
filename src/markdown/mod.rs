//! Front matter + Markdown -> `ParsedReport`: typed front matter, numbered headings and
//! elements, footnotes, directives and references as nodes with exact source positions.
//!
//! Works on one report at a time and never looks at other reports (see `resolve`).

mod builder;
pub mod directives;
mod front_matter;
pub mod literals;
pub mod safety;
mod slug;

use std::path::Path;

use crate::config::{Config, LOCALES, key_pos};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::locale::{Locale, parse_published};
use crate::model::{FrontMatter, FrontPageMatter, Node, ParsedReport, ReportSource, SourceFile};
use crate::yaml;
pub use builder::plain_text;
pub use front_matter::ORIGIN as FRONT_MATTER_ORIGIN;
pub use slug::{is_valid_label, slugify};

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
    check_front(
        &front, &locale, locales, config, &file.path, &at, &mut diags,
    );

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
    // Chapters grew the vector; the nodes are kept until the page is rendered.
    nodes.shrink_to_fit();
    let report = ParsedReport {
        slug: src.slug.clone(),
        locale,
        nodes,
        footnotes: builder.footnotes,
        toc: builder.toc,
        labels: builder.labels,
        assets: src.assets.clone(),
        source: file.path.clone(),
        literals: builder.literals,
        front,
    };
    (Some(report), diags)
}

fn check_front(
    front: &FrontMatter,
    locale: &str,
    locales: &std::collections::BTreeMap<String, Locale>,
    config: &Config,
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
        && let Err(why) = parse_published(date)
    {
        diags.push(
            Diagnostic::error(file, at("date"), why)
                .help("write the date as YYYY-MM-DD, e.g. 2024-08-19; YYYY-MM or YYYY when the document gives no day"),
        );
    }
    if let Some(d) = front.disclosure {
        check_disclosure(d, config.disclosure, file, at, diags);
    }
    if let Some(p) = &front.programme
        && !config.programmes.contains_key(p)
    {
        diags.push(
            Diagnostic::warning(
                file,
                at("programme"),
                format!("programme `{p}` has no display name"),
            )
            .help(format!(
                "add `programmes: {{ {p}: \"Name shown to readers\" }}` to evalpress.yaml"
            )),
        );
    }
    if front.round.is_some() && front.programme.is_none() {
        diags.push(
            Diagnostic::warning(file, at("round"), "`round` is set but `programme` is not")
                .help("name the programme so the rounds form a series"),
        );
    }
}

/// A report's `disclosure:` may tighten the site's rules, never loosen them.
fn check_disclosure(
    report: crate::model::DisclosureOverride,
    site: crate::config::Disclosure,
    file: &Path,
    at: &dyn Fn(&str) -> Pos,
    diags: &mut Diagnostics,
) {
    if let Some(t) = report.threshold.filter(|t| *t < site.threshold) {
        diags.push(
            Diagnostic::error(
                file,
                at("disclosure"),
                format!(
                    "`threshold: {t}` would loosen the site's disclosure threshold of {}",
                    site.threshold
                ),
            )
            .help(format!(
                "a report can only tighten disclosure control: use {} or more, or leave `threshold` out",
                site.threshold
            )),
        );
    }
    if report.zeros == Some(crate::data::Zeros::Show) && site.zeros == crate::data::Zeros::Hide {
        diags.push(
            Diagnostic::error(
                file,
                at("disclosure"),
                "`zeros: show` would loosen the site's rule `zeros: hide`",
            )
            .help("a report can only tighten disclosure control: leave `zeros` out"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ElementKind, Node};
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from(path),
            text: text.to_string(),
        }
    }

    fn parse(index: &str, chapters: &[(&str, &str)]) -> (Option<ParsedReport>, Vec<Diagnostic>) {
        let src = ReportSource {
            slug: "r".into(),
            index: file("content/r/index.md", index),
            markdown: chapters
                .iter()
                .map(|(n, t)| (n.to_string(), file(&format!("content/r/{n}"), t)))
                .collect(),
            assets: Vec::new(),
        };
        let config = Config::parse("title: T\n", Path::new("evalpress.yaml")).unwrap();
        let locales: BTreeMap<String, Locale> = crate::themes::embedded()
            .locales
            .iter()
            .map(|(k, f)| (k.clone(), Locale::parse(f).unwrap()))
            .collect();
        let (report, diags) = parse_report(&src, &config, &locales);
        (report, diags.into_sorted())
    }

    fn numbers(r: &ParsedReport, kind: ElementKind) -> Vec<String> {
        r.nodes
            .iter()
            .filter_map(|n| match n {
                Node::Element(e) if e.kind == kind => Some(e.number.clone()),
                _ => None,
            })
            .collect()
    }

    const BOX: &str = "```box\ntitle: B\n---\ntext\n```\n";

    #[test]
    fn chapters_follow_front_matter_order_and_numbering_runs_on() {
        let index = "---\ntitle: T\nchapters: [b.md, a.md]\n---\nIntro\n";
        let b = format!("# Første\n\n## Del\n\n{BOX}");
        let a = format!("# Anden\n\n{BOX}");
        let (r, d) = parse(index, &[("a.md", &a), ("b.md", &b)]);
        assert!(d.is_empty(), "{d:?}");
        let r = r.unwrap();
        let toc: Vec<(String, String)> = r
            .toc
            .iter()
            .map(|t| (t.number.clone(), t.id.clone()))
            .collect();
        assert_eq!(
            toc,
            [("1", "foerste"), ("1.1", "del"), ("2", "anden")]
                .map(|(n, i)| (n.to_string(), i.to_string()))
        );
        assert_eq!(numbers(&r, ElementKind::Box), ["1", "2"]);
    }

    #[test]
    fn per_chapter_numbering_restarts_in_each_chapter() {
        let index = format!(
            "---\ntitle: T\nnumbering: {{elements: chapter}}\n---\n# A\n\n{BOX}{BOX}# B\n\n{BOX}"
        );
        let (r, _) = parse(&index, &[]);
        assert_eq!(
            numbers(&r.unwrap(), ElementKind::Box),
            ["1.1", "1.2", "2.1"]
        );
    }

    #[test]
    fn unnumbered_headings_and_footnotes_across_files() {
        let index =
            "---\ntitle: T\nchapters: [c.md]\n---\n# Resumé {.unnumbered}\n\nA[^x]\n\n[^x]: one\n";
        let (r, d) = parse(index, &[("c.md", "# Kapitel\n\nB[^x]\n\n[^x]: two\n")]);
        assert!(d.is_empty(), "{d:?}");
        let r = r.unwrap();
        assert_eq!(r.toc[0].number, "");
        assert_eq!(r.toc[1].number, "1");
        assert_eq!(
            r.footnotes.iter().map(|f| f.number).collect::<Vec<_>>(),
            [1, 2]
        );
    }

    #[test]
    fn problems_are_located_in_their_files() {
        let index = "---\ntitle: T\nchapters: [missing.md]\n---\n\n```box\ntitle: B\nlabel: Bad Label\n```\n";
        let (_, d) = parse(index, &[]);
        let found: Vec<(usize, &str)> = d.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(found[0], (3, "chapter file `missing.md` not found"));
        assert_eq!(found[1], (6, "label `Bad Label` is not valid"));
    }

    #[test]
    fn directive_yaml_errors_point_into_the_markdown_file() {
        let index = "---\ntitle: T\n---\nText\n\n```table\ntitle: X\ncolour: red\n---\n| a |\n|---|\n| 1 |\n```\n";
        let (_, d) = parse(index, &[]);
        assert_eq!((d[0].line, d[0].col), (8, 1), "{}", d[0]);
    }

    #[test]
    fn duplicate_labels_are_errors() {
        let index = "---\ntitle: T\n---\n```box\nlabel: x\ntitle: A\n```\n\n```box\nlabel: x\ntitle: B\n```\n";
        let (_, d) = parse(index, &[]);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("already used"), "{}", d[0]);
        assert_eq!(d[0].line, 9);
    }
}
