//! A [`Diff`] -> text for the terminal, Markdown for review, and an HTML fragment for `serve`.
//!
//! Part of the `changes` stage; pure (the binary prints, `store` writes). Every change is one
//! line or row: "Tabel 2, Projektkommuner under ét, Andel: 5,0 → 5,2". Markdown cells escape
//! `|`; the HTML escapes every text from the snapshots.

use super::diff::{ChangeKind, Diff, ElementDiff, ReportDiff, Status};
use super::{Cell, CellChange, ValueChange};
use crate::render::escape;

const NO_BASELINE: &str =
    "No earlier build to compare with: this is the first build into this output folder.";
const NOTHING: &str = "Nothing changed since the previous build.";
const TITLE: &str = "Changes since the previous build";

/// One change as a row: what, where, before, now and how.
struct Line {
    element: String,
    place: String,
    old: String,
    new: String,
    kind: &'static str,
}

fn kind_word(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Changed => "changed",
        ChangeKind::Hidden => "newly hidden",
        ChangeKind::Revealed => "revealed",
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Added => "added",
        Status::Removed => "removed",
        Status::Changed => "changed",
    }
}

fn shown(cell: &Option<Cell>) -> String {
    cell.as_ref().map(|c| c.text.clone()).unwrap_or_default()
}

fn element_name(e: &ElementDiff) -> String {
    match (e.label.is_empty(), e.title.is_empty()) {
        (false, false) => format!("{} {}", e.label, e.title),
        (false, true) => e.label.clone(),
        _ => e.title.clone(),
    }
}

/// The rows of one report: element changes in order, then named values.
fn lines(r: &ReportDiff) -> Vec<Line> {
    let mut out = Vec::new();
    for e in &r.elements {
        if e.status != Status::Changed {
            out.push(Line {
                element: element_name(e),
                place: String::new(),
                old: String::new(),
                new: String::new(),
                kind: status_word(e.status),
            });
            continue;
        }
        out.extend(e.cells.iter().map(|c: &CellChange| Line {
            element: e.label.clone(),
            place: format!("{}, {}", c.row, c.column),
            old: shown(&c.old),
            new: shown(&c.new),
            kind: kind_word(c.kind),
        }));
    }
    out.extend(r.values.iter().map(|v: &ValueChange| Line {
        element: format!("[={}]", v.name),
        place: String::new(),
        old: shown(&v.old),
        new: shown(&v.new),
        kind: kind_word(v.kind),
    }));
    out
}

fn report_heading(r: &ReportDiff) -> String {
    let what = match r.status {
        Status::Changed => String::new(),
        s => format!(" ({} report)", status_word(s)),
    };
    format!("{} ({}){what}", r.title, r.slug)
}

/// "5,0 → 5,2", "12 → × (newly hidden)", "7 (added)", "3 (removed)".
fn change_text(l: &Line) -> String {
    match l.kind {
        "added" => format!("{} (added)", l.new),
        "removed" => format!("{} (removed)", l.old),
        "changed" => format!("{} → {}", l.old, l.new),
        k => format!("{} → {} ({k})", l.old, l.new),
    }
}

/// The diff for the terminal, grouped per report.
pub fn text(diff: &Diff) -> String {
    if !diff.baseline {
        return format!("{NO_BASELINE}\n");
    }
    if diff.is_empty() {
        return format!("{NOTHING}\n");
    }
    let mut out = format!("{TITLE}:\n");
    for r in &diff.reports {
        out.push_str(&format!("\n{}\n", report_heading(r)));
        for l in lines(r) {
            let line = if l.place.is_empty() && l.old.is_empty() && l.new.is_empty() {
                format!("{}: {}", l.element, l.kind)
            } else if l.place.is_empty() {
                format!("{}: {}", l.element, change_text(&l))
            } else {
                format!("{}, {}: {}", l.element, l.place, change_text(&l))
            };
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// The diff as a Markdown document: a table of changes per report.
pub fn markdown(diff: &Diff) -> String {
    let mut out = format!("# {TITLE}\n\n");
    if !diff.baseline {
        return out + NO_BASELINE + "\n";
    }
    if diff.is_empty() {
        return out + NOTHING + "\n";
    }
    for r in &diff.reports {
        out.push_str(&format!("## {}\n\n", md_cell(&report_heading(r))));
        out.push_str("| Element | Row, column | Before | Now | Change |\n|---|---|---|---|---|\n");
        for l in lines(r) {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                md_cell(&l.element),
                md_cell(&l.place),
                md_cell(&l.old),
                md_cell(&l.new),
                l.kind
            ));
        }
        out.push('\n');
    }
    out
}

/// The diff as an HTML fragment (a `<section>` with a heading and a table per report), every
/// text escaped; for a page in `serve`.
pub fn html(diff: &Diff) -> String {
    let mut out = format!("<section class=\"changes\"><h1>{TITLE}</h1>");
    if !diff.baseline || diff.is_empty() {
        let why = if diff.baseline { NOTHING } else { NO_BASELINE };
        return out + &format!("<p>{}</p></section>", escape(why));
    }
    for r in &diff.reports {
        out.push_str(&format!(
            "<h2>{}</h2><table><thead><tr><th scope=\"col\">Element</th><th scope=\"col\">Row, column</th><th scope=\"col\">Before</th><th scope=\"col\">Now</th><th scope=\"col\">Change</th></tr></thead><tbody>",
            escape(&report_heading(r))
        ));
        for l in lines(r) {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&l.element),
                escape(&l.place),
                escape(&l.old),
                escape(&l.new),
                l.kind
            ));
        }
        out.push_str("</tbody></table>");
    }
    out + "</section>"
}
