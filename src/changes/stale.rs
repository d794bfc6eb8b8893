//! The stale-prose check: numbers typed literally in a report's prose against what the
//! report's data publishes now and published in the previous build.
//!
//! Part of the `changes` stage; pure. Input: the report's [`Literal`]s (the `markdown` stage
//! left out code, quotations, years, dates and the like), its snapshot now and, when there is
//! one, in the previous build with different numbers, and the locale's reference words
//! (`prose_reference_words`: a number after "tabel" or "side" is not data). Output: warnings at
//! each literal's line and column: a literal equal to a published value should be bound as an
//! inline value; one equal to a value the previous build published but this one does not is
//! stale ("the text says 599; the data now gives 612"). Numbers are compared as the pages
//! write them (`72.008`, `4,7`), so only the same formatting matches.

use std::collections::BTreeMap;

use super::{Cell, CellSnapshot, ElementSnapshot, ReportSnapshot, State};
use crate::diagnostics::Diagnostic;
use crate::markdown::literals::scan;
use crate::model::Literal;

/// Where a published number is: its name for people and the inline value that gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    /// "Tabel 2, Hele landet, Påbegyndt" or "[=andel]".
    name: String,
    /// "[=tabel-2/Hele landet/Påbegyndt]", or `None` for chart values, which have no inline form.
    bind: Option<String>,
}

/// A published cell of a report: a cell of a data element, or a named value. Its [`Place`]
/// is worded only for the few cells a literal matches.
#[derive(Debug, Clone, Copy)]
enum Source<'a> {
    Element(&'a ElementSnapshot, &'a CellSnapshot),
    Value(&'a str),
}

impl<'a> Source<'a> {
    /// Identifies the same cell in another build: (anchor, row, column) or ("", "", name).
    fn key(self) -> (&'a str, &'a str, &'a str) {
        match self {
            Source::Element(e, c) => (&e.anchor, &c.row, &c.column),
            Source::Value(name) => ("", "", name),
        }
    }

    fn place(self) -> Place {
        match self {
            Source::Element(e, c) => Place {
                name: format!("{}, {}, {}", e.label, c.row, c.column),
                bind: (e.directive != "chart").then(|| {
                    let row = c.row.split(", ").next().unwrap_or_default();
                    format!("[={}/{row}/{}]", e.anchor, c.column)
                }),
            },
            Source::Value(name) => Place {
                name: format!("[={name}]"),
                bind: Some(format!("[={name}]")),
            },
        }
    }
}

/// The number of a published cell as prose would type it ("4,7" of "4,7 %"); `None` for
/// hidden and missing cells and for numbers prose is not checked for (years, 0-9).
fn number(cell: &Cell) -> Option<String> {
    if cell.state != State::Value {
        return None;
    }
    let tokens = scan(&cell.text, &mut false);
    match tokens.as_slice() {
        [one] => Some(one.text.clone()),
        _ => None,
    }
}

/// Every published cell of a report, in reading order, values last. Only data elements
/// count: the steps and counts of grid views have no inline form to bind to.
fn places(r: &ReportSnapshot) -> Vec<(Source<'_>, &Cell)> {
    let mut out: Vec<(Source, &Cell)> = r
        .elements
        .iter()
        .filter(|e| crate::markdown::directives::runs_query(&e.directive))
        .flat_map(|e| {
            e.cells
                .iter()
                .map(move |c| (Source::Element(e, c), &c.cell))
        })
        .collect();
    out.extend(
        r.values
            .iter()
            .map(|(name, cell)| (Source::Value(name), cell)),
    );
    out
}

/// Published number -> the first cell that publishes it.
fn by_number<'a>(places: &[(Source<'a>, &Cell)]) -> BTreeMap<String, Source<'a>> {
    let mut out = BTreeMap::new();
    for (source, cell) in places {
        if let Some(n) = number(cell) {
            out.entry(n).or_insert(*source);
        }
    }
    out
}

/// The locale's words the check needs.
#[derive(Debug, Clone, Default)]
pub struct ProseWords {
    /// A number after one of these is a reference ("tabel 2"): `prose_reference_words`.
    pub reference: Vec<String>,
    /// A number before one of these is a percentage ("84 pct."): `prose_percent_words`.
    pub percent: Vec<String>,
}

impl ProseWords {
    /// The comma-separated lists of the locale's words (either may be absent).
    pub fn from_words(words: &BTreeMap<String, String>) -> ProseWords {
        let list = |key: &str| {
            words
                .get(key)
                .map(String::as_str)
                .unwrap_or_default()
                .split(',')
                .map(|w| w.trim().trim_end_matches('.').to_lowercase())
                .filter(|w| !w.is_empty())
                .collect()
        };
        ProseWords {
            reference: list("prose_reference_words"),
            percent: list("prose_percent_words"),
        }
    }

    /// Whether a literal says enough to be checked: whole numbers under 100 ("21 kommuner",
    /// "30 mio. kr.") agree with some cell of a large table by chance, unless they are
    /// percentages. Numbers with a separator (`4,7`, `72.008`) and from 100 up are checked.
    fn distinctive(&self, lit: &Literal) -> bool {
        let small = lit.text.parse::<u64>().is_ok_and(|n| n < 100);
        !small || self.percent.contains(&lit.after)
    }
}

/// The warnings for one report's literals.
pub fn check(
    literals: &[Literal],
    now: &ReportSnapshot,
    before: Option<&ReportSnapshot>,
    words: &ProseWords,
) -> Vec<Diagnostic> {
    let literals: Vec<&Literal> = literals
        .iter()
        .filter(|lit| !words.reference.contains(&lit.before) && words.distinctive(lit))
        .collect();
    if literals.is_empty() {
        return Vec::new();
    }
    let current = places(now);
    let published = by_number(&current);
    let old = before.map(places).unwrap_or_default();
    let previously = by_number(&old);
    let now_at: BTreeMap<(&str, &str, &str), &Cell> =
        current.iter().map(|(s, c)| (s.key(), *c)).collect();
    let mut out = Vec::new();
    for lit in literals {
        if let Some(place) = published.get(&lit.text).map(|s| s.place()) {
            let help = match &place.bind {
                Some(bind) => format!("bind it so the text follows the data: write `{bind}`"),
                None => "bind it so the text follows the data: declare it under `values:` in the front matter and write `[=name]`".to_string(),
            };
            out.push(
                Diagnostic::warning(
                    &lit.file,
                    lit.pos,
                    format!(
                        "the number {} is typed in the text; the data publishes it ({})",
                        lit.text, place.name
                    ),
                )
                .help(help),
            );
        } else if let Some(source) = previously.get(&lit.text) {
            let place = source.place();
            let known = now_at.get(&source.key());
            let message = match known {
                Some(cell) => format!(
                    "the text says {}; the data now gives {} ({})",
                    lit.text, cell.text, place.name
                ),
                None => format!(
                    "the text says {}, which the previous build published ({}); the data no longer gives it",
                    lit.text, place.name
                ),
            };
            let help = match &place.bind {
                Some(bind) if known.is_some() => {
                    format!("correct the number, or bind it so it cannot go stale: `{bind}`")
                }
                _ => "correct or remove the number".to_string(),
            };
            out.push(Diagnostic::warning(&lit.file, lit.pos, message).help(help));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Pos;

    fn snapshot(andel: &str, antal: &str, hidden: bool) -> ReportSnapshot {
        let cell = |text: &str, state| Cell {
            text: text.into(),
            state,
        };
        let state = if hidden { State::Hidden } else { State::Value };
        ReportSnapshot {
            title: "R".into(),
            elements: vec![ElementSnapshot {
                anchor: "tabel-2".into(),
                directive: "table".into(),
                label: "Tabel 2".into(),
                title: "T".into(),
                cells: vec![
                    CellSnapshot {
                        row: "Hele landet".into(),
                        column: "Andel".into(),
                        cell: cell(andel, State::Value),
                    },
                    CellSnapshot {
                        row: "Hele landet".into(),
                        column: "Antal".into(),
                        cell: cell(antal, state),
                    },
                ],
            }],
            values: [("total".to_string(), cell("1.234", State::Value))].into(),
        }
    }

    #[test]
    fn small_whole_numbers_are_checked_only_as_percentages() {
        let now = snapshot("84 %", "21", false);
        let mut share = lit("84", "var", 1);
        share.after = "pct".into();
        let d = check(
            &[lit("21", "fik", 1), lit("84", "", 9), share],
            &now,
            None,
            &words(),
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].col, 1);
        assert!(
            d[0].message.contains("(Tabel 2, Hele landet, Andel)"),
            "{}",
            d[0]
        );
    }

    fn lit(text: &str, before: &str, col: usize) -> Literal {
        Literal {
            file: "content/r/index.md".into(),
            pos: Pos::new(3, col),
            text: text.into(),
            before: before.into(),
            after: String::new(),
        }
    }

    fn words() -> ProseWords {
        let words = [
            (
                "prose_reference_words".to_string(),
                "tabel, side".to_string(),
            ),
            ("prose_percent_words".to_string(), "%, pct.".to_string()),
        ];
        ProseWords::from_words(&words.into())
    }

    fn shown(d: &[Diagnostic]) -> Vec<String> {
        d.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn a_published_number_typed_in_the_text_should_be_bound() {
        let now = snapshot("4,7 %", "599", false);
        let d = check(
            &[
                lit("4,7", "var", 5),
                lit("599", "tabel", 9),
                lit("1.234", "", 20),
            ],
            &now,
            None,
            &words(),
        );
        assert_eq!(
            shown(&d),
            [
                "content/r/index.md:3:5: warning: the number 4,7 is typed in the text; the data publishes it (Tabel 2, Hele landet, Andel)\n  help: bind it so the text follows the data: write `[=tabel-2/Hele landet/Andel]`",
                "content/r/index.md:3:20: warning: the number 1.234 is typed in the text; the data publishes it ([=total])\n  help: bind it so the text follows the data: write `[=total]`",
            ]
        );
    }

    #[test]
    fn a_number_the_previous_build_published_is_stale() {
        let before = snapshot("4,7 %", "599", false);
        let now = snapshot("5,2 %", "612", false);
        let d = check(&[lit("599", "i", 7)], &now, Some(&before), &words());
        assert_eq!(
            shown(&d),
            [
                "content/r/index.md:3:7: warning: the text says 599; the data now gives 612 (Tabel 2, Hele landet, Antal)\n  help: correct the number, or bind it so it cannot go stale: `[=tabel-2/Hele landet/Antal]`"
            ]
        );
        // A value that is hidden now is named by its marker; an unrelated number is no news.
        let hidden = snapshot("4,7 %", "×", true);
        let d = check(
            &[lit("599", "i", 7), lit("777", "", 1)],
            &hidden,
            Some(&before),
            &words(),
        );
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message
                .ends_with("the data now gives × (Tabel 2, Hele landet, Antal)"),
            "{}",
            d[0]
        );
    }
}
