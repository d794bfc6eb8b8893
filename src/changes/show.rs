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

/// The heads of the table of changes, in the order of [`Line::cells`].
const HEADS: [&str; 5] = ["Element", "Row, column", "Before", "Now", "Change"];

impl Line {
    /// The row's cells, each passed through `f` (escaping for the target format).
    fn cells(&self, f: impl Fn(&str) -> String) -> String {
        let cells = [&self.element, &self.place, &self.old, &self.new, self.kind];
        cells.map(f).join("")
    }
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
        let heads: String = HEADS.map(|h| format!("| {h} ")).join("");
        out.push_str(&format!("{heads}|\n{}|\n", "|---".repeat(HEADS.len())));
        for l in lines(r) {
            out.push_str(&l.cells(|c| format!("| {} ", md_cell(c))));
            out.push_str("|\n");
        }
        out.push('\n');
    }
    out
}

/// The heads of the HTML table of changes: the change is written as on the terminal.
const HTML_HEADS: [&str; 3] = ["Element", "Row, column", "Change"];

/// "5,0 → 5,2" for a changed value, the kind alone for an element added or removed.
fn change_cell(l: &Line) -> String {
    if l.old.is_empty() && l.new.is_empty() {
        l.kind.to_string()
    } else {
        change_text(l)
    }
}

/// The diff as an HTML fragment (a `<section>` with a heading and a table per report, each
/// change "old → new" as on the terminal), every text escaped; for a page in `serve`.
pub fn html(diff: &Diff) -> String {
    let mut out = format!("<section class=\"changes\"><h1>{TITLE}</h1>");
    if !diff.baseline || diff.is_empty() {
        let why = if diff.baseline { NOTHING } else { NO_BASELINE };
        return out + &format!("<p>{}</p></section>", escape(why));
    }
    for r in &diff.reports {
        let heads: String = HTML_HEADS
            .map(|h| format!("<th scope=\"col\">{h}</th>"))
            .join("");
        out.push_str(&format!(
            "<h2>{}</h2><table><thead><tr>{heads}</tr></thead><tbody>",
            escape(&report_heading(r))
        ));
        for l in lines(r) {
            let cells = [l.element.clone(), l.place.clone(), change_cell(&l)]
                .map(|c| format!("<td>{}</td>", escape(&c)))
                .join("");
            out.push_str(&format!("<tr>{cells}</tr>"));
        }
        out.push_str("</tbody></table>");
    }
    out + "</section>"
}

#[cfg(test)]
mod tests {
    use super::super::diff::{CellChange, ElementDiff, ReportDiff, ValueChange};
    use super::super::{Cell, State};
    use super::*;

    fn cell(text: &str, state: State) -> Option<Cell> {
        Some(Cell {
            text: text.into(),
            state,
        })
    }

    fn diff() -> Diff {
        let change = |row: &str, kind, old, new| CellChange {
            row: row.into(),
            column: "Andel | <b>".into(),
            kind,
            old,
            new,
        };
        Diff {
            baseline: true,
            reports: vec![ReportDiff {
                slug: "r".into(),
                title: "<script>R</script>".into(),
                status: Status::Changed,
                elements: vec![
                    ElementDiff {
                        anchor: "t".into(),
                        label: "Tabel 2".into(),
                        title: "T".into(),
                        status: Status::Changed,
                        cells: vec![
                            change(
                                "Projektkommuner under ét",
                                ChangeKind::Changed,
                                cell("5,0", State::Value),
                                cell("5,2", State::Value),
                            ),
                            change(
                                "B",
                                ChangeKind::Hidden,
                                cell("12", State::Value),
                                cell("×", State::Hidden),
                            ),
                            change("C", ChangeKind::Added, None, cell("7", State::Value)),
                        ],
                    },
                    ElementDiff {
                        anchor: "f".into(),
                        label: "Figur 1".into(),
                        title: "F".into(),
                        status: Status::Removed,
                        cells: vec![],
                    },
                ],
                values: vec![ValueChange {
                    name: "andel".into(),
                    kind: ChangeKind::Revealed,
                    old: cell("×", State::Hidden),
                    new: cell("4 pct.", State::Value),
                }],
            }],
        }
    }

    #[test]
    fn text_has_one_line_per_change() {
        assert_eq!(
            text(&diff()),
            "Changes since the previous build:\n\n<script>R</script> (r)\n  Tabel 2, Projektkommuner under ét, Andel | <b>: 5,0 → 5,2\n  Tabel 2, B, Andel | <b>: 12 → × (newly hidden)\n  Tabel 2, C, Andel | <b>: 7 (added)\n  Figur 1 F: removed\n  [=andel]: × → 4 pct. (revealed)\n"
        );
        assert!(text(&Diff::default()).starts_with("No earlier build"));
        let nothing = Diff {
            baseline: true,
            reports: vec![],
        };
        assert_eq!(
            text(&nothing),
            "Nothing changed since the previous build.\n"
        );
    }

    #[test]
    fn markdown_and_html_escape_what_comes_from_the_data() {
        let md = markdown(&diff());
        assert!(
            md.contains(
                "| Tabel 2 | Projektkommuner under ét, Andel \\| <b> | 5,0 | 5,2 | changed |\n"
            ),
            "{md}"
        );
        let html = html(&diff());
        assert!(
            !html.contains("<script>") && !html.contains("<b>"),
            "{html}"
        );
        assert!(
            html.contains("<h2>&lt;script&gt;R&lt;/script&gt; (r)</h2>"),
            "{html}"
        );
        assert!(
            html.contains(
                "<td>Tabel 2</td><td>B, Andel | &lt;b&gt;</td><td>12 → × (newly hidden)</td>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<td>Figur 1 F</td><td></td><td>removed</td>"),
            "{html}"
        );
    }
}
