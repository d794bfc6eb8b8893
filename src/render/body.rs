//! Resolved nodes -> the HTML of a report body and of its footnotes.
//!
//! Plain Markdown goes through pulldown-cmark's HTML writer; what evalpress adds (numbered
//! headings, captions, tables with header scopes, references, footnotes) is written here.
//! Every piece of author text is escaped; nothing here reads files or templates.

use std::collections::BTreeMap;

use pulldown_cmark::{Alignment, CowStr, Event, Tag, TagEnd, html};

use crate::locale::Locale;
use crate::markdown::directives::DATA_FORMS;
use crate::model::{Element, ElementKind, Footnote, Node, View};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String cannot fail");
    out
}

/// Writes nodes as HTML. One writer serves a whole report, so repeated footnote references
/// get distinct ids.
pub struct BodyWriter<'a> {
    locale: &'a Locale,
    footnote_refs: BTreeMap<usize, usize>,
}

/// Where the writer is inside a Markdown table.
#[derive(Default)]
struct TableState {
    aligns: Vec<Alignment>,
    in_head: bool,
    cell: usize,
}

impl<'a> BodyWriter<'a> {
    pub fn new(locale: &'a Locale) -> Self {
        BodyWriter {
            locale,
            footnote_refs: BTreeMap::new(),
        }
    }

    pub fn write(&mut self, nodes: &[Node]) -> String {
        self.write_with_caption(nodes, None)
    }

    /// Writes `nodes`; a table among them gets `caption` (already HTML) as its `<caption>`.
    fn write_with_caption(&mut self, nodes: &[Node], caption: Option<&str>) -> String {
        let mut events: Vec<Event<'static>> = Vec::with_capacity(nodes.len());
        let mut table = TableState::default();
        let mut open_refs: Vec<bool> = Vec::new();
        let raw = |s: String| Event::Html(CowStr::from(s));
        // An inline value ending in an abbreviation ("84 pct.") at the end of a sentence
        // takes the sentence's full stop: "84 pct." rather than "84 pct..".
        let mut value_period = false;
        for node in nodes {
            if std::mem::take(&mut value_period)
                && let Node::Text(t) = node
                && let Some(rest) = t.strip_prefix('.')
            {
                events.push(Event::Text(CowStr::from(rest.to_string())));
                continue;
            }
            if let Some(event) = node.event() {
                match event {
                    Event::Start(Tag::Table(aligns)) => {
                        table = TableState {
                            aligns: aligns.clone(),
                            ..TableState::default()
                        };
                        let caption = caption
                            .map(|c| format!("<caption>{c}</caption>"))
                            .unwrap_or_default();
                        events.push(raw(format!("<table>{caption}")));
                    }
                    Event::Start(Tag::TableHead) => {
                        table.in_head = true;
                        table.cell = 0;
                        events.push(raw("<thead><tr>".into()));
                    }
                    Event::End(TagEnd::TableHead) => {
                        table.in_head = false;
                        events.push(raw("</tr></thead><tbody>".into()));
                    }
                    Event::Start(Tag::TableRow) => {
                        table.cell = 0;
                        events.push(raw("<tr>".into()));
                    }
                    Event::End(TagEnd::TableRow) => events.push(raw("</tr>".into())),
                    Event::Start(Tag::TableCell) => {
                        let class = match table.aligns.get(table.cell) {
                            Some(Alignment::Right) => " class=\"num\"",
                            Some(Alignment::Center) => " class=\"center\"",
                            _ => "",
                        };
                        let tag = if table.in_head {
                            format!("<th scope=\"col\"{class}>")
                        } else if table.cell == 0 {
                            format!("<th scope=\"row\"{class}>")
                        } else {
                            format!("<td{class}>")
                        };
                        events.push(raw(tag));
                    }
                    Event::End(TagEnd::TableCell) => {
                        let close = if table.in_head || table.cell == 0 {
                            "</th>"
                        } else {
                            "</td>"
                        };
                        table.cell += 1;
                        events.push(raw(close.into()));
                    }
                    Event::End(TagEnd::Table) => events.push(raw("</tbody></table>".into())),
                    other => events.push(other.into_static()),
                }
                continue;
            }
            match node {
                Node::Text(_)
                | Node::End(_)
                | Node::Start(_)
                | Node::Break { .. }
                | Node::Md(_) => {}
                Node::HeadingStart(h) => {
                    let (level, id, number) = (&h.level, &h.id, &h.number);
                    let number = if number.is_empty() {
                        String::new()
                    } else {
                        format!("<span class=\"heading-number\">{}</span> ", escape(number))
                    };
                    events.push(raw(format!(
                        "<h{} id=\"{}\">{number}",
                        html_level(*level),
                        escape(id)
                    )));
                }
                Node::HeadingEnd { level } => {
                    events.push(raw(format!("</h{}>\n", html_level(*level))))
                }
                Node::Element(el) => events.push(raw(self.element(el))),
                Node::RefStart(r) => {
                    let (custom, resolved) = (&r.custom, &r.resolved);
                    // A custom-text reference stays open until its `RefEnd`.
                    open_refs.push(*custom && resolved.is_some());
                    if let Some(r) = resolved {
                        let text = if *custom {
                            String::new()
                        } else {
                            format!("{}</a>", escape(&r.text))
                        };
                        events.push(raw(format!(
                            "<a class=\"xref\" href=\"{}\">{text}",
                            escape(&r.href)
                        )));
                    }
                }
                Node::RefEnd => {
                    if open_refs.pop() == Some(true) {
                        events.push(raw("</a>".into()));
                    }
                }
                Node::Value(v) => {
                    if let Some(text) = &v.resolved {
                        value_period = text.ends_with('.');
                        events.push(Event::Text(CowStr::from(text.clone())));
                    }
                }
                Node::DroppedLinkStart | Node::DroppedLinkEnd => {}
                Node::FootnoteRef { number } => {
                    let seen = self.footnote_refs.entry(*number).or_insert(0);
                    *seen += 1;
                    let id = if *seen == 1 {
                        format!("fnref-{number}")
                    } else {
                        format!("fnref-{number}-{seen}")
                    };
                    events.push(raw(format!(
                        "<sup class=\"footnote-ref\"><a href=\"#fn-{number}\" id=\"{id}\" aria-label=\"{} {number}\">{number}</a></sup>",
                        escape(self.locale.word("footnote_ref"))
                    )));
                }
            }
        }
        let mut out = String::new();
        html::push_html(&mut out, events.into_iter());
        out
    }

    fn element(&mut self, el: &Element) -> String {
        let (word_key, _) = ElementKind::word_keys(el.kind);
        let label = format!(
            "<span class=\"element-label\">{} {}</span> {}",
            escape(self.locale.word(word_key)),
            escape(&el.number),
            escape(&el.title)
        );
        let mut tail = String::new();
        if let Some(source) = &el.source {
            tail.push_str(&format!(
                "<p class=\"element-source\">{}: {}</p>",
                escape(self.locale.word("source")),
                escape(source)
            ));
        }
        if let Some(note) = &el.note {
            tail.push_str(&format!(
                "<p class=\"element-note\">{}: {}</p>",
                escape(self.locale.word("note")),
                escape(note)
            ));
        }
        let id = escape(&el.anchor);
        // Elements generated from data bring their own HTML; the caption, source and note
        // are added here the same way as for every element.
        let generated = el.generated.as_ref();
        let class = match generated {
            // The data form of a table or box: marked as generated from data.
            Some(g) if DATA_FORMS.contains(&g.directive.as_str()) => " element-data".to_string(),
            Some(g) => format!(" element-{}", escape(&g.directive)),
            None => String::new(),
        };
        let view = generated.and_then(|g| g.view.as_ref());
        // "Hent data": the element's shown data as CSV, beside the page.
        if let Some(d) = generated.and_then(|g| g.download.as_ref()) {
            tail.push_str(&format!(
                "<p class=\"element-download\"><a href=\"{}\" download aria-describedby=\"{id}-caption\">{} (CSV)</a></p>",
                escape(&d.path),
                escape(self.locale.word("download_data"))
            ));
        }
        match el.kind {
            ElementKind::Table => {
                let caption_id = format!("{id}-caption");
                let caption = format!("<span id=\"{caption_id}\">{label}</span>");
                let (table, after) = match view {
                    Some(View {
                        table: Some((table_class, inner)),
                        html,
                    }) => (
                        format!(
                            "<table class=\"{}\"><caption>{caption}</caption>{inner}</table>",
                            escape(table_class)
                        ),
                        html.as_str(),
                    ),
                    _ => (self.write_with_caption(&el.content, Some(&caption)), ""),
                };
                format!(
                    "<div class=\"element element-table{class}\" id=\"{id}\"><div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"{caption_id}\">{table}</div>{after}{tail}</div>\n"
                )
            }
            ElementKind::Box => format!(
                "<figure class=\"element element-box{class}\" id=\"{id}\"><figcaption id=\"{id}-caption\">{label}</figcaption><div class=\"box-body\">{}</div>{tail}</figure>\n",
                self.content(el, view)
            ),
            ElementKind::Figure | ElementKind::Section => format!(
                "<figure class=\"element element-figure{class}\" id=\"{id}\"><figcaption id=\"{id}-caption\">{label}</figcaption>{}{tail}</figure>\n",
                self.content(el, view)
            ),
        }
    }

    /// The content of a box or figure: generated HTML, or its Markdown.
    fn content(&mut self, el: &Element, view: Option<&View>) -> String {
        match view {
            Some(v) => v.html.clone(),
            None => self.write(&el.content),
        }
    }

    /// The footnotes as an ordered list, each with a link back to its first reference.
    pub fn footnotes(&mut self, notes: &[Footnote]) -> String {
        if notes.is_empty() {
            return String::new();
        }
        let back = escape(self.locale.word("back_to_reference"));
        let mut out = String::from("<ol class=\"footnote-list\">\n");
        for note in notes {
            let n = note.number;
            out.push_str(&format!(
                "<li id=\"fn-{n}\" value=\"{n}\">{}<a class=\"footnote-back\" href=\"#fnref-{n}\" aria-label=\"{back}\">↩</a></li>\n",
                self.write(&note.content)
            ));
        }
        out.push_str("</ol>\n");
        out
    }
}

fn html_level(level: u8) -> u8 {
    (level + 1).min(6)
}
