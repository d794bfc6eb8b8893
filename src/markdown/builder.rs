//! Markdown text -> `Node`s, numbering headings and elements as they are met.
//!
//! One `Builder` walks all files of one report in reading order, so numbers, anchors and
//! footnotes run on across chapters. It records every label the report defines but does not
//! look labels up: that is the resolve stage's job, once all reports are known.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{
    BrokenLink, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd,
};

use super::directives::{self, Fence};
use super::safety::is_dangerous_url;
use super::slug::{is_valid_label, slugify};
use crate::config::{ElementNumbering, Numbering};
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, Pos};
use crate::model::{
    CrossRef, ElementKind, Footnote, Heading, InlineValue, Literal, Node, Target, TocEntry,
};
mod elements;

/// Ids the templates use themselves; headings never take them.
const RESERVED_IDS: &[&str] = &[
    "main",
    "indhold",
    "contents",
    "footnotes",
    "noter",
    "top",
    "toc-title",
    "footnotes-title",
];

pub struct Builder {
    slug: String,
    numbering: Numbering,
    raw_html: bool,
    headings: [usize; 3],
    /// The number of the chapter being read; `None` before the first or in an unnumbered one.
    chapter: Option<usize>,
    elements: BTreeMap<ElementKind, usize>,
    ids: BTreeSet<String>,
    /// Per id base, the suffix `fresh_id` tries next.
    suffixes: BTreeMap<String, usize>,
    pub labels: BTreeMap<String, Target>,
    pub toc: Vec<TocEntry>,
    pub footnotes: Vec<Footnote>,
    /// Numbers typed in prose, in reading order.
    pub literals: Vec<Literal>,
    pub diags: Diagnostics,
}

/// One file being read: its text (for positions) and where the parsed part starts.
#[derive(Clone, Copy)]
struct Src<'a> {
    path: &'a Path,
    text: &'a str,
    lines: &'a LineIndex,
    base: usize,
}

impl Src<'_> {
    fn pos(&self, range: &Range<usize>) -> Pos {
        self.lines.pos(self.text, self.base + range.start)
    }
}

/// Footnotes of one file: numbers by name, and the text of each definition.
#[derive(Default)]
struct FileNotes {
    numbers: BTreeMap<String, usize>,
    defs: BTreeMap<String, (Vec<Node>, Pos)>,
    /// Every footnote defined anywhere in the file, so directive bodies can refer to them.
    known: BTreeSet<String>,
}

/// What an open link turned into, so its end can be matched.
enum OpenLink {
    Plain,
    /// `<https://...>`: its text is the address, not prose.
    Auto,
    Ref {
        custom: bool,
    },
    Skip,
    Dropped,
}

impl Builder {
    pub fn new(slug: &str, numbering: Numbering, raw_html: bool) -> Self {
        Builder {
            slug: slug.to_string(),
            numbering,
            raw_html,
            headings: [0; 3],
            chapter: None,
            elements: BTreeMap::new(),
            ids: RESERVED_IDS.iter().map(|s| s.to_string()).collect(),
            suffixes: BTreeMap::new(),
            labels: BTreeMap::new(),
            toc: Vec::new(),
            footnotes: Vec::new(),
            literals: Vec::new(),
            diags: Diagnostics::new(),
        }
    }

    /// Parses the Markdown of `text[base..]` of `path` and returns its nodes.
    pub fn file(&mut self, path: &Path, text: &str, base: usize) -> Vec<Node> {
        let lines = LineIndex::new(text);
        let src = Src {
            path,
            text,
            lines: &lines,
            base,
        };
        let mut notes = FileNotes {
            known: footnote_names(&text[base..]),
            ..FileNotes::default()
        };
        let nodes = self.markdown(src, &text[base..], true, &mut notes);
        self.finish_footnotes(src, notes);
        nodes
    }

    fn markdown(&mut self, src: Src, md: &str, top: bool, notes: &mut FileNotes) -> Vec<Node> {
        // A directive body is parsed on its own; stub definitions appended after it let its
        // `[^name]` references see the file's footnotes. Events of the stubs are dropped.
        let own_len = md.len();
        let mut with_stubs;
        let md = if top {
            md
        } else {
            with_stubs = md.to_string();
            for name in &notes.known {
                with_stubs.push_str(&format!("\n\n[^{name}]: .\n"));
            }
            with_stubs.as_str()
        };
        let mut callback = |link: BrokenLink| {
            let r = link.reference.trim();
            (r.starts_with('@') || r.starts_with('='))
                .then(|| (CowStr::from(r.to_string()), CowStr::from("")))
        };
        let parser = Parser::new_with_broken_link_callback(md, options(), Some(&mut callback));
        let events: Vec<(Event, Range<usize>)> = parser
            .into_offset_iter()
            .filter(|(_, range)| range.start < own_len)
            .collect();
        let mut it = events.into_iter();
        let mut sinks: Vec<Vec<Node>> = vec![Vec::new()];
        let mut links: Vec<OpenLink> = Vec::new();
        let mut heading: Option<(u8, Option<String>, bool, Pos)> = None;
        let mut footnote: Option<(String, Pos)> = None;
        let mut prose = super::literals::Prose::default();
        while let Some((event, range)) = it.next() {
            let skip = heading.is_some()
                || matches!(
                    links.last(),
                    Some(OpenLink::Skip | OpenLink::Ref { custom: false } | OpenLink::Auto)
                );
            for t in prose.see(&event, &range, md, skip) {
                self.literals.push(Literal {
                    file: src.path.to_path_buf(),
                    pos: src.pos(&(t.start..t.start)),
                    text: t.text,
                    before: t.before,
                    after: t.after,
                });
            }
            // Only the events below ever report a position; computing it for every text event
            // was a measurable share of a large build.
            let pos = if matches!(
                event,
                Event::Start(
                    Tag::Heading { .. }
                        | Tag::CodeBlock(_)
                        | Tag::Link { .. }
                        | Tag::Image { .. }
                        | Tag::FootnoteDefinition(_)
                )
            ) {
                src.pos(&range)
            } else {
                Pos::FILE
            };
            let node = match event {
                Event::Start(Tag::Heading {
                    level, id, classes, ..
                }) if top && footnote.is_none() => {
                    let unnumbered = classes.iter().any(|c| c.as_ref() == "unnumbered");
                    heading = Some((level as u8, id.map(|i| i.to_string()), unnumbered, pos));
                    sinks.push(Vec::new());
                    continue;
                }
                Event::End(TagEnd::Heading(_)) if heading.is_some() => {
                    let (level, id, unnumbered, hpos) = heading.take().expect("open heading");
                    let inner = sinks.pop().unwrap_or_default();
                    let sink = sinks.last_mut().expect("root sink");
                    self.heading(src, level, id, unnumbered, hpos, inner, sink);
                    continue;
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if top => {
                    match directives::classify(&info) {
                        Fence::Code => Node::md(Event::Start(Tag::CodeBlock(
                            CodeBlockKind::Fenced(info.into_static()),
                        ))),
                        fence => {
                            let (body, body_start) = collect_code(&mut it, range.end);
                            if let Some(node) =
                                self.directive(src, fence, &body, body_start, pos, notes)
                            {
                                sinks.last_mut().expect("sink").push(node);
                            }
                            continue;
                        }
                    }
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest = dest_url.trim();
                    if let Some(target) = dest.strip_prefix('@') {
                        let custom = !matches!(
                            link_type,
                            LinkType::ShortcutUnknown
                                | LinkType::CollapsedUnknown
                                | LinkType::ReferenceUnknown
                        );
                        // Without custom text, the shortcut's own text (`@label`) is skipped:
                        // the reference supplies "figur 4".
                        links.push(OpenLink::Ref { custom });
                        Node::RefStart(Box::new(CrossRef {
                            target: target.to_string(),
                            custom,
                            file: src.path.to_path_buf(),
                            pos,
                            resolved: None,
                        }))
                    } else if let Some(name) = dest.strip_prefix('=') {
                        links.push(OpenLink::Skip);
                        Node::Value(Box::new(InlineValue {
                            name: name.to_string(),
                            file: src.path.to_path_buf(),
                            pos,
                            resolved: None,
                        }))
                    } else if is_dangerous_url(&dest_url) {
                        self.diags.push(
                            Diagnostic::warning(src.path, pos, format!("link target `{}` removed", dest_url.escape_debug()))
                                .help("links may not run code; use an http(s), mailto: or relative address"),
                        );
                        links.push(OpenLink::Dropped);
                        Node::DroppedLinkStart
                    } else {
                        links.push(if link_type == LinkType::Autolink {
                            OpenLink::Auto
                        } else {
                            OpenLink::Plain
                        });
                        Node::md(Event::Start(Tag::Link {
                            link_type,
                            dest_url: dest_url.into_static(),
                            title: title.into_static(),
                            id: id.into_static(),
                        }))
                    }
                }
                Event::End(TagEnd::Link) => match links.pop() {
                    Some(OpenLink::Ref { .. }) => Node::RefEnd,
                    Some(OpenLink::Skip) => continue,
                    Some(OpenLink::Dropped) => Node::DroppedLinkEnd,
                    _ => Node::md(Event::End(TagEnd::Link)),
                },
                _ if matches!(
                    links.last(),
                    Some(OpenLink::Skip | OpenLink::Ref { custom: false })
                ) =>
                {
                    continue;
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    if is_dangerous_url(&dest_url) {
                        self.diags.push(
                            Diagnostic::error(
                                src.path,
                                pos,
                                format!(
                                    "image source `{}` is not allowed",
                                    dest_url.escape_debug()
                                ),
                            )
                            .help("images must be files next to the report or http(s) addresses"),
                        );
                    }
                    Node::md(Event::Start(Tag::Image {
                        link_type,
                        dest_url: dest_url.into_static(),
                        title: title.into_static(),
                        id: id.into_static(),
                    }))
                }
                Event::Html(html) | Event::InlineHtml(html) if !self.raw_html => {
                    Node::md(Event::Text(html.into_static()))
                }
                Event::FootnoteReference(name) => {
                    let next = self.footnotes.len() + notes.numbers.len() + 1;
                    let number = *notes.numbers.entry(name.to_string()).or_insert(next);
                    Node::FootnoteRef { number }
                }
                Event::Start(Tag::FootnoteDefinition(name)) => {
                    footnote = Some((name.to_string(), pos));
                    sinks.push(Vec::new());
                    continue;
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    let inner = crate::model::join_lines(sinks.pop().unwrap_or_default());
                    if let Some((name, fpos)) = footnote.take() {
                        notes.defs.insert(name, (inner, fpos));
                    }
                    continue;
                }
                other => Node::md(other.into_static()),
            };
            sinks.last_mut().expect("sink").push(node);
        }
        // Kept until the report's page is rendered: prose lines joined, without the room the
        // vector's growth left over (a quarter of the nodes' memory on average).
        crate::model::join_lines(sinks.into_iter().next().unwrap_or_default())
    }

    #[allow(clippy::too_many_arguments)]
    fn heading(
        &mut self,
        src: Src,
        level: u8,
        id: Option<String>,
        unnumbered: bool,
        pos: Pos,
        inner: Vec<Node>,
        sink: &mut Vec<Node>,
    ) {
        let title = plain_text(&inner);
        // Counters run whether or not numbers are shown, so per-chapter element numbers work
        // with heading numbers switched off.
        let counted = !unnumbered && level <= 3;
        let depth = usize::from(level.clamp(1, 3) - 1);
        if counted {
            self.headings[depth] += 1;
            for deeper in &mut self.headings[depth + 1..] {
                *deeper = 0;
            }
        }
        if level == 1 {
            self.chapter = counted.then_some(self.headings[0]);
            if self.numbering.elements == ElementNumbering::Chapter {
                self.elements.clear();
            }
        }
        // A section before any chapter gets no number rather than "0.1".
        let shown =
            self.numbering.headings && counted && self.headings[..depth].iter().all(|n| *n > 0);
        let number = if shown {
            self.headings[..=depth]
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(".")
        } else {
            String::new()
        };
        let anchor = match id {
            Some(id) => {
                if !is_valid_label(&id) {
                    self.diags.push(Diagnostic::error(src.path, pos, format!("heading id `{id}` is not a valid label"))
                        .help("use lowercase letters a-z, digits, `-` and `_`, starting with a letter or digit"));
                }
                self.define_label(&id, ElementKind::Section, &number, &title, src.path, pos);
                id
            }
            None => self.fresh_id(&slugify(&title)),
        };
        self.toc.push(TocEntry {
            level,
            number: number.clone(),
            title,
            id: anchor.clone(),
        });
        sink.push(Node::HeadingStart(Box::new(Heading {
            level,
            id: anchor,
            number,
        })));
        sink.extend(inner);
        sink.push(Node::HeadingEnd { level });
    }

    fn next_number(&mut self, kind: ElementKind) -> String {
        let n = self.elements.entry(kind).or_insert(0);
        *n += 1;
        match self.numbering.elements {
            ElementNumbering::Chapter if self.chapter.is_some() => {
                format!("{}.{}", self.chapter.unwrap_or_default(), n)
            }
            _ => n.to_string(),
        }
    }

    fn define_label(
        &mut self,
        label: &str,
        kind: ElementKind,
        number: &str,
        title: &str,
        path: &Path,
        pos: Pos,
    ) {
        if let Some(first) = self.labels.get(label) {
            self.diags.push(
                Diagnostic::error(path, pos, format!("label `{label}` is already used")).help(
                    format!(
                        "it was first defined at {}:{}:{}; give this element another label",
                        first.file.display(),
                        first.pos.line,
                        first.pos.col
                    ),
                ),
            );
            return;
        }
        if !self.ids.insert(label.to_string()) {
            self.diags.push(
                Diagnostic::error(
                    path,
                    pos,
                    format!("label `{label}` is also the anchor of an earlier heading or element"),
                )
                .help("choose another label, or give the heading an explicit id with {#...}"),
            );
        }
        self.labels.insert(
            label.to_string(),
            Target {
                report: self.slug.clone(),
                anchor: label.to_string(),
                kind,
                number: number.to_string(),
                title: title.to_string(),
                file: PathBuf::from(path),
                pos,
            },
        );
    }

    fn fresh_id(&mut self, base: &str) -> String {
        // `fn-N` and `fnref-N` belong to footnotes.
        let base = if base.is_empty() || base.starts_with("fn-") || base.starts_with("fnref-") {
            format!("afsnit-{base}").trim_end_matches('-').to_string()
        } else {
            base.to_string()
        };
        // The next suffix to try is remembered per base, so k equal headings cost O(k), not O(k²).
        let mut n = self.suffixes.get(&base).copied().unwrap_or(1);
        let mut id = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        while self.ids.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.suffixes.insert(base, n);
        self.ids.insert(id.clone());
        id
    }

    fn finish_footnotes(&mut self, src: Src, mut notes: FileNotes) {
        let mut numbered: Vec<(usize, String)> =
            notes.numbers.iter().map(|(k, v)| (*v, k.clone())).collect();
        numbered.sort();
        for (number, name) in numbered {
            match notes.defs.remove(&name) {
                Some((content, _)) => self.footnotes.push(Footnote { number, content }),
                None => {
                    self.diags.push(
                        Diagnostic::error(
                            src.path,
                            Pos::FILE,
                            format!("footnote `[^{name}]` has no text"),
                        )
                        .help(format!("add a line `[^{name}]: ...` to the same file")),
                    );
                    self.footnotes.push(Footnote {
                        number,
                        content: Vec::new(),
                    });
                }
            }
        }
        for (name, (_, pos)) in notes.defs {
            self.diags.push(
                Diagnostic::warning(
                    src.path,
                    pos,
                    format!("footnote `[^{name}]` is never referenced"),
                )
                .help(format!(
                    "refer to it with `[^{name}]` in the text, or remove it"
                )),
            );
        }
    }
}

/// The names of all footnote definitions in `md`.
fn footnote_names(md: &str) -> BTreeSet<String> {
    Parser::new_ext(md, options())
        .filter_map(|e| match e {
            Event::Start(Tag::FootnoteDefinition(name)) => Some(name.to_string()),
            _ => None,
        })
        .collect()
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The text of a code block up to its end, and the offset where that text starts.
fn collect_code<'a>(
    it: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>,
    fence_end: usize,
) -> (String, usize) {
    let mut body = String::new();
    let mut start = None;
    for (event, range) in it.by_ref() {
        match event {
            Event::Text(t) => {
                start.get_or_insert(range.start);
                body.push_str(&t);
            }
            Event::End(TagEnd::CodeBlock) => break,
            _ => {}
        }
    }
    (body, start.unwrap_or(fence_end))
}

/// The plain text of inline nodes (for the table of contents and section titles).
pub fn plain_text(nodes: &[Node]) -> String {
    let mut out = String::new();
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Md(e) => {
                if let Event::Code(t) = &**e {
                    out.push_str(t)
                }
            }
            _ => {}
        }
    }
    out.trim().to_string()
}
