//! Plain types shared by the stages: sources, parsed reports, the resolved site. No I/O here.

use std::collections::BTreeMap;
use std::path::PathBuf;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::config::ElementNumbering;
use crate::data::Zeros;
use crate::diagnostics::Pos;
use crate::query::QuerySpec;
use crate::query::spec::Ordered;

/// One text file read from the site, with its path relative to the site root.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// One report folder under `content/`.
#[derive(Debug, Clone)]
pub struct ReportSource {
    pub slug: String,
    pub index: SourceFile,
    /// Every other `.md` file of the folder, by file name; front matter says which are chapters.
    pub markdown: BTreeMap<String, SourceFile>,
    /// Other files of the folder (images), copied next to the report page.
    pub assets: Vec<Asset>,
}

/// A report folder as `load` lists it: the paths of its Markdown files (as opened), read only
/// while the report is parsed (see [`crate::load::read_report`]), so that a build never holds
/// the text of every report at once.
#[derive(Debug, Clone)]
pub struct ReportListing {
    pub slug: String,
    pub index: PathBuf,
    /// Every other `.md` file of the folder, by file name.
    pub markdown: BTreeMap<String, PathBuf>,
    pub assets: Vec<Asset>,
}

/// A file copied to the output as it is.
#[derive(Debug, Clone)]
pub struct Asset {
    pub data: AssetData,
    /// The source path shown in diagnostics (relative to the site root).
    pub source: PathBuf,
    /// Its path inside the output folder.
    pub to: String,
}

/// Where an asset's bytes come from.
#[derive(Debug, Clone)]
pub enum AssetData {
    /// A file on disk (path as opened).
    File(PathBuf),
    /// A file of the default theme compiled into the binary.
    Embedded(&'static [u8]),
}

/// The theme after the site's overrides were laid over the default theme.
#[derive(Debug, Clone, Default)]
pub struct ThemeSource {
    /// Template name (`report.html`) -> file.
    pub templates: BTreeMap<String, SourceFile>,
    /// Locale code -> locale file.
    pub locales: BTreeMap<String, SourceFile>,
    /// Static assets, copied under `static/`.
    pub assets: Vec<Asset>,
}

/// Everything the `load` stage read.
#[derive(Debug, Clone)]
pub struct Sources {
    pub front_page: Option<SourceFile>,
    pub reports: Vec<ReportListing>,
    pub theme: ThemeSource,
}

/// Typed front matter of a report's `index.md`.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    #[serde(default = "default_kind")]
    pub kind: String,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub evaluator: Option<String>,
    #[serde(default)]
    pub identifiers: Vec<Identifier>,
    #[serde(default)]
    pub programme: Option<String>,
    #[serde(default)]
    pub round: Option<u32>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub chapters: Vec<String>,
    #[serde(default)]
    pub numbering: Option<NumberingOverride>,
    /// Tightens the site's disclosure control for this report (never loosens it).
    #[serde(default)]
    pub disclosure: Option<DisclosureOverride>,
    /// Named inline values: name -> a query that gives one value, shown by `[=name]`.
    #[serde(default, skip_serializing)]
    pub values: Ordered<QuerySpec>,
    /// The report's headline results, each an inline value with its label; shown on the
    /// programme page beside the other rounds.
    #[serde(default, skip_serializing)]
    pub key_figures: Vec<KeyFigureSpec>,
}

/// One headline result: a label and the inline value (`name`, `label/row/column` or
/// `ratings:...`) that gives its number.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFigureSpec {
    pub label: String,
    pub value: Spanned<String>,
}

/// A headline result once its value was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFigure {
    pub label: String,
    pub value: String,
}

/// A report's `disclosure:`: either key may be left out.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DisclosureOverride {
    #[serde(default)]
    pub threshold: Option<u32>,
    #[serde(default)]
    pub zeros: Option<Zeros>,
}

fn default_kind() -> String {
    "notat".into()
}

/// The front page's front matter (`content/_index.md`).
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FrontPageMatter {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// A labelled identifier such as "Sagsnummer: 2024-0123456".
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NumberingOverride {
    #[serde(default)]
    pub headings: Option<bool>,
    #[serde(default)]
    pub elements: Option<ElementNumbering>,
}

/// The kinds of numbered, referencable things in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ElementKind {
    Figure,
    Table,
    Box,
    Section,
}

impl ElementKind {
    /// The locale key of the caption word ("Figur") and of the word in references ("figur").
    pub fn word_keys(self) -> (&'static str, &'static str) {
        match self {
            ElementKind::Figure => ("figure", "ref_figure"),
            ElementKind::Table => ("table", "ref_table"),
            ElementKind::Box => ("box", "ref_box"),
            ElementKind::Section => ("section", "ref_section"),
        }
    }
}

/// Where a label points: a numbered element or a heading of some report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub report: String,
    pub anchor: String,
    pub kind: ElementKind,
    /// "4", "4.1" or, for unnumbered headings, empty.
    pub number: String,
    /// The heading text, used when a section has no number.
    pub title: String,
    pub file: PathBuf,
    pub pos: Pos,
}

/// One entry of a report's table of contents.
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub number: String,
    pub title: String,
    pub id: String,
}

/// A piece of a parsed Markdown document. Plain Markdown stays a pulldown-cmark event; what
/// evalpress adds (numbered headings, directives, references, footnotes) gets its own node.
///
/// A report keeps its nodes from parsing until its page is rendered, so a node is small (32
/// bytes): text, line breaks, tag ends and the starts of tags that carry
/// nothing (paragraphs, items, emphasis), most of the nodes, are held as they are; other events
/// and the larger nodes are boxed. [`Node::md`] makes the node of an event, [`Node::event`]
/// gives it back.
#[derive(Debug, Clone)]
pub enum Node {
    /// Plain text (`Event::Text`).
    Text(CowStr<'static>),
    /// The end of a Markdown tag (`Event::End`).
    End(TagEnd),
    /// The start of a tag that carries nothing but its kind (`Event::Start(Tag::Paragraph)`),
    /// named by its end: one box less for each paragraph, list item and emphasis.
    Start(TagEnd),
    /// A line break: soft (`Event::SoftBreak`, one per line of prose) or hard.
    Break {
        hard: bool,
    },
    /// Any other Markdown event.
    Md(Box<Event<'static>>),
    HeadingStart(Box<Heading>),
    HeadingEnd {
        level: u8,
    },
    Element(Box<Element>),
    /// A cross-reference `[@label]` or `[text](@label)`.
    RefStart(Box<CrossRef>),
    RefEnd,
    /// An inline value `[=name]`.
    Value(Box<InlineValue>),
    FootnoteRef {
        number: usize,
    },
    /// A link whose target was refused; its text is kept.
    DroppedLinkStart,
    DroppedLinkEnd,
}

impl Node {
    /// The node of a Markdown event.
    pub fn md(event: Event<'static>) -> Node {
        match event {
            Event::Text(text) => Node::Text(text),
            Event::End(end) => Node::End(end),
            Event::SoftBreak => Node::Break { hard: false },
            Event::HardBreak => Node::Break { hard: true },
            Event::Start(tag) => match plain_tag(tag.to_end()) {
                Some(tag) => Node::Start(tag.to_end()),
                None => Node::Md(Box::new(Event::Start(tag))),
            },
            other => Node::Md(Box::new(other)),
        }
    }

    /// The Markdown event of the node, if it is one (text borrowed, other events copied).
    pub fn event(&self) -> Option<Event<'_>> {
        match self {
            Node::Text(text) => Some(Event::Text(CowStr::Borrowed(text))),
            Node::End(end) => Some(Event::End(*end)),
            Node::Start(end) => plain_tag(*end).map(Event::Start),
            Node::Break { hard: false } => Some(Event::SoftBreak),
            Node::Break { hard: true } => Some(Event::HardBreak),
            Node::Md(event) => Some((**event).clone()),
            _ => None,
        }
    }
}

/// Joins each run of prose lines (text, soft break, text, ...) into one text node holding the
/// line breaks, and drops the room the vector's growth left over. A paragraph of 25 lines is
/// then one node and one string instead of 49 nodes and 25 strings; the HTML is the same, as a
/// soft break is written as a newline. Inside an image a soft break is written as a space (the
/// alt text), so lines there stay apart.
pub fn join_lines(nodes: Vec<Node>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    // The run being joined: where its text node is in `out`, and the joined text.
    let mut run: Option<(usize, String)> = None;
    let mut images = 0usize;
    let finish = |out: &mut Vec<Node>, run: &mut Option<(usize, String)>| {
        if let Some((at, text)) = run.take() {
            out[at] = Node::Text(CowStr::from(text));
        }
    };
    for node in nodes {
        match &node {
            Node::Md(e) if matches!(**e, Event::Start(Tag::Image { .. })) => images += 1,
            Node::End(TagEnd::Image) => images = images.saturating_sub(1),
            _ => {}
        }
        let continues = matches!(node, Node::Text(_))
            && images == 0
            && matches!(
                out.as_slice(),
                [.., Node::Text(_), Node::Break { hard: false }]
            );
        match node {
            Node::Text(line) if continues => {
                out.pop();
                let at = out.len() - 1;
                let (_, text) = run.get_or_insert_with(|| match &out[at] {
                    Node::Text(first) => (at, first.to_string()),
                    _ => unreachable!("a run starts at a text node"),
                });
                text.push('\n');
                text.push_str(&line);
            }
            Node::Break { hard: false } => out.push(node),
            other => {
                finish(&mut out, &mut run);
                out.push(other);
            }
        }
    }
    finish(&mut out, &mut run);
    out.shrink_to_fit();
    out
}

/// The tag that ends with `end`, when that tag carries nothing else (so a node can hold it as
/// its end); `None` for tags with content of their own (links, headings, code blocks, lists).
fn plain_tag(end: TagEnd) -> Option<Tag<'static>> {
    Some(match end {
        TagEnd::Paragraph => Tag::Paragraph,
        TagEnd::BlockQuote(kind) => Tag::BlockQuote(kind),
        TagEnd::HtmlBlock => Tag::HtmlBlock,
        TagEnd::Item => Tag::Item,
        TagEnd::DefinitionList => Tag::DefinitionList,
        TagEnd::DefinitionListTitle => Tag::DefinitionListTitle,
        TagEnd::DefinitionListDefinition => Tag::DefinitionListDefinition,
        TagEnd::TableHead => Tag::TableHead,
        TagEnd::TableRow => Tag::TableRow,
        TagEnd::TableCell => Tag::TableCell,
        TagEnd::Emphasis => Tag::Emphasis,
        TagEnd::Strong => Tag::Strong,
        TagEnd::Strikethrough => Tag::Strikethrough,
        TagEnd::Superscript => Tag::Superscript,
        TagEnd::Subscript => Tag::Subscript,
        TagEnd::MetadataBlock(kind) => Tag::MetadataBlock(kind),
        _ => return None,
    })
}

/// A numbered heading's start.
#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub number: String,
}

/// A cross-reference; `custom` is true when the author's own link text follows (until
/// `RefEnd`).
#[derive(Debug, Clone)]
pub struct CrossRef {
    pub target: String,
    pub custom: bool,
    pub file: PathBuf,
    pub pos: Pos,
    pub resolved: Option<ResolvedRef>,
}

/// An inline value; `resolved` is its text once the resolve stage found it.
#[derive(Debug, Clone)]
pub struct InlineValue {
    pub name: String,
    pub file: PathBuf,
    pub pos: Pos,
    pub resolved: Option<String>,
}

/// What a cross-reference turned into once every label of the site was known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedRef {
    pub href: String,
    pub text: String,
}

/// A numbered figure, table or box from a directive.
#[derive(Debug, Clone)]
pub struct Element {
    pub kind: ElementKind,
    pub number: String,
    pub anchor: String,
    pub title: String,
    pub source: Option<String>,
    pub note: Option<String>,
    /// The Markdown content (box, table, figure); empty for generated kinds.
    pub content: Vec<Node>,
    /// Set for kinds generated from data (grid, status, ...).
    pub generated: Option<Box<Generated>>,
}

/// A directive whose content is generated from data. The markdown stage keeps its YAML; the
/// `grids` stage, which knows the models and ratings, reads it and fills `view`.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The directive's name, e.g. `grid`.
    pub directive: String,
    /// The directive's YAML body as written.
    pub yaml: String,
    pub file: PathBuf,
    /// Where the YAML body starts in `file`, so errors point into the Markdown file.
    pub origin: Pos,
    /// Where the directive's fence starts (errors about the directive as a whole).
    pub pos: Pos,
    pub view: Option<View>,
    /// The element's data as a CSV file next to the report page ("Hent data").
    pub download: Option<Download>,
    /// The data files it was made from, as paths under `data/` (filled by the stage that
    /// reads them), for the report's data section and the site's list of datasets.
    pub sources: Vec<String>,
}

/// A file of an element's shown data, written next to the report page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// The path relative to the report's folder, e.g. `data/tabel-2.csv`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The HTML of a generated element without its caption, source and note, which the render
/// stage adds the same way for every element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    /// For tables: the `<table>`'s class and its inner HTML after the caption.
    pub table: Option<(String, String)>,
    /// For tables the HTML after the table (a legend); for boxes and figures the content.
    pub html: String,
}

/// One footnote of a report, numbered in order of first reference.
#[derive(Debug, Clone)]
pub struct Footnote {
    pub number: usize,
    pub content: Vec<Node>,
}

/// A report after the markdown stage: front matter, nodes and every label it defines.
#[derive(Debug, Clone)]
pub struct ParsedReport {
    pub slug: String,
    pub front: FrontMatter,
    pub locale: String,
    pub nodes: Vec<Node>,
    pub footnotes: Vec<Footnote>,
    pub toc: Vec<TocEntry>,
    pub labels: BTreeMap<String, Target>,
    pub assets: Vec<Asset>,
    pub source: PathBuf,
    /// Numbers typed literally in the prose, for the stale-prose check.
    pub literals: Vec<Literal>,
}

/// A number typed literally in prose (`599`, `72.008`, `4,7`) at its place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Literal {
    pub file: PathBuf,
    pub pos: Pos,
    /// The number as typed.
    pub text: String,
    /// The word just before it, lowercase ("tabel" in "tabel 2").
    pub before: String,
    /// The word or sign just after it, lowercase ("%", "pct").
    pub after: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_stay_small_and_events_come_back_whole() {
        // Every report's nodes are kept until its page is rendered: 10,000 reports hold tens
        // of millions of them.
        assert!(
            std::mem::size_of::<Node>() <= 32,
            "{}",
            std::mem::size_of::<Node>()
        );
        let link = Event::Start(pulldown_cmark::Tag::Link {
            link_type: pulldown_cmark::LinkType::Inline,
            dest_url: "https://example.org".into(),
            title: "".into(),
            id: "".into(),
        });
        let quote = Tag::BlockQuote(Some(pulldown_cmark::BlockQuoteKind::Note));
        let plain = [
            Tag::Paragraph,
            Tag::Item,
            Tag::Emphasis,
            Tag::TableCell,
            quote,
        ];
        for event in [
            Event::Text("ord".into()),
            Event::End(TagEnd::Paragraph),
            Event::SoftBreak,
            Event::HardBreak,
            Event::Start(Tag::List(Some(3))),
            Event::Start(Tag::Table(vec![pulldown_cmark::Alignment::Right])),
            link,
        ]
        .into_iter()
        .chain(plain.into_iter().map(Event::Start))
        {
            assert_eq!(Node::md(event.clone()).event(), Some(event));
        }
        assert!(matches!(Node::md(Event::Text("a".into())), Node::Text(_)));
        // A line break and a tag that carries nothing are held without a box.
        assert!(matches!(
            Node::md(Event::SoftBreak),
            Node::Break { hard: false }
        ));
        let item = Node::md(Event::Start(Tag::Item));
        assert!(matches!(item, Node::Start(TagEnd::Item)), "{item:?}");
        let list = Node::md(Event::Start(Tag::List(None)));
        assert!(matches!(list, Node::Md(_)), "{list:?}");
        assert_eq!(Node::RefEnd.event(), None);
    }

    #[test]
    fn joined_prose_lines_write_the_same_html_in_fewer_nodes() {
        let md = "First line\nsecond *line*\nthird line  \nafter a hard break\n\n\
                  ![alt on\ntwo lines](a.png)\nend\n\n- an item\n  on two lines\n";
        let nodes: Vec<Node> = pulldown_cmark::Parser::new(md)
            .map(|e| Node::md(e.into_static()))
            .collect();
        let html = |nodes: &[Node]| {
            let mut out = String::new();
            pulldown_cmark::html::push_html(&mut out, nodes.iter().filter_map(Node::event));
            out
        };
        let joined = join_lines(nodes.clone());
        assert_eq!(html(&joined), html(&nodes));
        assert!(
            html(&joined).contains("alt=\"alt on two lines\""),
            "{}",
            html(&joined)
        );
        let texts: Vec<&str> = joined
            .iter()
            .filter_map(|n| match n {
                Node::Text(t) => Some(&**t),
                _ => None,
            })
            .collect();
        assert_eq!(
            texts,
            [
                "First line\nsecond ",
                "line",
                "third line",
                "after a hard break",
                "alt on",
                "two lines",
                "end",
                "an item\non two lines"
            ]
        );
    }
}
