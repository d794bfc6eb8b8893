//! Small HTML pieces the views share: Markdown from data files, step badges, counts.
//!
//! Part of the `grids` stage. Everything from data is escaped here or by pulldown-cmark's
//! writer; raw HTML in data files is shown as text and links that run code are dropped.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

use super::Ctx;
use crate::markdown::safety::is_dangerous_url;
use crate::models::scale::Step;
use crate::models::{Cell, Scale};
pub use crate::render::escape;

/// Markdown from a data file as block HTML (paragraphs, lists).
pub fn block(md: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, safe_events(md).into_iter());
    out
}

/// Markdown from a data file as inline HTML: paragraphs are joined, never wrapped in `<p>`.
pub fn inline(md: &str) -> String {
    let events = safe_events(md).into_iter().filter_map(|e| match e {
        Event::Start(Tag::Paragraph) => None,
        Event::End(TagEnd::Paragraph) => Some(Event::SoftBreak),
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out.trim_end().to_string()
}

fn safe_events(md: &str) -> Vec<Event<'_>> {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION;
    let mut dropped_links = Vec::new();
    let mut out = Vec::new();
    for event in Parser::new_ext(md, options) {
        let event = match event {
            Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
            // Headings inside a table cell or a box would break the page outline.
            Event::Start(Tag::Heading { .. }) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::Heading(_)) => Event::End(TagEnd::Paragraph),
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                let dangerous = is_dangerous_url(dest_url);
                dropped_links.push(dangerous);
                if dangerous {
                    continue;
                }
                event
            }
            Event::End(TagEnd::Link) => {
                if dropped_links.pop() == Some(true) {
                    continue;
                }
                event
            }
            // Images in data texts would need files next to the report; keep the alt text.
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => continue,
            other => other,
        };
        out.push(event);
    }
    out
}

/// Which wording of a step a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wording {
    Short,
    Label,
}

impl Wording {
    pub fn of<'a>(self, step: &'a Step, lang: &str) -> &'a str {
        match self {
            Wording::Short => step.short.get(lang),
            Wording::Label => step.label.get(lang),
        }
    }
}

/// A step on its colour: `<span class="step step-c6">I høj grad</span>`.
pub fn badge(step: &Step, wording: Wording, lang: &str) -> String {
    format!(
        "<span class=\"step step-c{}\">{}</span>",
        step.colour,
        escape(wording.of(step, lang))
    )
}

/// The badges of a cell, or the not-applicable badge.
pub fn badges(cell: &Cell, scale: &Scale, wording: Wording, ctx: &Ctx) -> String {
    if cell.not_applicable() {
        return format!(
            "<span class=\"step step-na\">{}</span>",
            escape(ctx.word("not_applicable"))
        );
    }
    cell.steps
        .iter()
        .map(|i| badge(&scale.steps[*i], wording, ctx.lang))
        .collect::<Vec<_>>()
        .join("<span class=\"step-or\"> / </span>")
}

/// A cell's step or steps as plain text ("I høj grad / I meget høj grad"), for downloads.
pub fn cell_text(cell: &Cell, scale: &Scale, wording: Wording, ctx: &Ctx) -> String {
    if cell.not_applicable() {
        return ctx.word("not_applicable").to_string();
    }
    cell.steps
        .iter()
        .map(|i| wording.of(&scale.steps[*i], ctx.lang))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Markdown from a data file as the plain text a reader sees (no markup), for the `changes`
/// snapshot.
pub fn plain(md: &str) -> String {
    let mut out = String::new();
    for event in safe_events(md) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many projects ticked a step: alone, or as one of two ticks ("5 (+1)").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    pub single: usize,
    pub double: usize,
}

impl Count {
    /// Counts the cells that tick step `step`.
    pub fn of<'a>(cells: impl IntoIterator<Item = &'a Cell>, step: usize) -> Count {
        let mut count = Count::default();
        for cell in cells {
            if cell.steps.contains(&step) {
                if cell.steps.len() == 1 {
                    count.single += 1;
                } else {
                    count.double += 1;
                }
            }
        }
        count
    }

    /// "5", "5 (+1)" or "0".
    pub fn text(self, ctx: &Ctx) -> String {
        let single = ctx.integer(self.single);
        if self.double == 0 {
            single
        } else {
            format!("{single}\u{a0}(+{})", ctx.integer(self.double))
        }
    }
}

/// A `<th scope="col">` header row; columns from `numbers_from` on hold numbers.
pub fn header_row(headers: &[String], numbers_from: usize) -> String {
    let cells: String = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let class = if i >= numbers_from {
                " class=\"num\""
            } else {
                ""
            };
            format!("<th scope=\"col\"{class}>{}</th>", escape(h))
        })
        .collect();
    format!("<thead><tr>{cells}</tr></thead>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_from_data_is_safe() {
        assert_eq!(block("Et **fund**."), "<p>Et <strong>fund</strong>.</p>\n");
        assert_eq!(inline("Et *fund*."), "Et <em>fund</em>.");
        assert_eq!(
            inline("<b>x</b> [a](javascript:alert(1)) [b](https://x.dk)"),
            "&lt;b&gt;x&lt;/b&gt; a <a href=\"https://x.dk\">b</a>"
        );
        assert_eq!(block("# Overskrift"), "<p>Overskrift</p>\n");
        assert_eq!(
            plain("Et *fund*\nog `kode` <b>x</b>."),
            "Et fund og kode <b>x</b>."
        );
    }

    #[test]
    fn double_ticks_count_in_brackets() {
        let cell = |steps: Vec<usize>| Cell {
            steps,
            comment: None,
        };
        let cells = [cell(vec![3]), cell(vec![3, 4]), cell(vec![3]), cell(vec![])];
        assert_eq!(
            Count::of(&cells, 3),
            Count {
                single: 2,
                double: 1
            }
        );
        assert_eq!(
            Count::of(&cells, 4),
            Count {
                single: 0,
                double: 1
            }
        );
        assert_eq!(Count::of(&cells, 0), Count::default());
    }
}
