//! Numbers typed literally in prose, with their exact place, for the stale-prose check.
//!
//! Part of the `markdown` stage: the builder shows every event to [`Prose`], which keeps the
//! literals of plain running text. Input: pulldown-cmark events with their offsets. Output:
//! [`Literal`]s (`599`, `72.008`, `4,7`, `84` of `84 pct.`). It leaves out what is not a
//! data number: code and code blocks, headings, image alt text, autolinks, inline values
//! (`[=...]`, whose text the builder skips), anything between quotes (`"…"`, `“…”`, `«…»`,
//! `»…«`, `„…“`), years (1900-2100), dates (`5. august`, `19.08.2024`, `2024-08-19`),
//! ranges (`2019-2020`), ordinals (`3. runde`), section numbers (`1.2.3`), numbers glued to
//! letters (`k1`, `5th`) and the whole numbers 0-9. Whether the word before a number makes it
//! a reference ("tabel 2") is the locale's business, so each literal keeps that word. Does not
//! decide whether a literal is stale: see `changes::stale`.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

pub use crate::model::Literal;

/// Quote characters; each toggles "inside a quotation" (balanced styles all work that way).
const QUOTES: [char; 6] = ['"', '“', '”', '«', '»', '„'];

/// The prose state of one Markdown text being read.
#[derive(Debug, Default)]
pub struct Prose {
    /// Open code blocks and images (whose text is not prose).
    hidden: usize,
    quoted: bool,
}

/// One number in a piece of text: byte offset, the number as typed, the word before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub text: String,
    pub before: String,
    /// The word or sign just after it ("%", "pct", "kommuner").
    pub after: String,
}

impl Prose {
    /// Looks at one event; returns the numbers of a prose text event, with their offsets in the
    /// Markdown source (`md`, which `range` indexes). `skip` is the builder's own knowledge:
    /// inside a heading, an inline value or a reference.
    pub fn see(&mut self, event: &Event, range: &Range<usize>, md: &str, skip: bool) -> Vec<Token> {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::Image { .. }) => self.hidden += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Image) => {
                self.hidden = self.hidden.saturating_sub(1)
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_),
            ) => self.quoted = false,
            Event::Text(text) => {
                let mut quoted = self.quoted;
                let tokens = scan(text, &mut quoted);
                self.quoted = quoted;
                if skip || self.hidden > 0 {
                    return Vec::new();
                }
                let source = md.get(range.clone()).unwrap_or_default();
                let same = source == text.as_ref();
                // Where the next token is searched from, so a long text costs one pass.
                let mut from = 0;
                return tokens
                    .into_iter()
                    .map(|t| {
                        // Escapes and entities make the event text differ from the source.
                        let at = if same {
                            t.start
                        } else {
                            source
                                .get(from..)
                                .and_then(|rest| rest.find(&t.text))
                                .map_or(from, |i| from + i)
                                .min(source.len())
                        };
                        from = at + t.text.len();
                        Token {
                            start: range.start + at,
                            ..t
                        }
                    })
                    .collect();
            }
            _ => {}
        }
        Vec::new()
    }
}

/// The data-like numbers of `text`, skipping quotations (`quoted` carries the state from the
/// text before and is left as it is after `text`).
pub fn scan(text: &str, quoted: &mut bool) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if QUOTES.contains(&c) {
            *quoted = !*quoted;
            i += 1;
            continue;
        }
        if !c.is_ascii_digit() {
            i += 1;
            continue;
        }
        let end = number_end(&chars, i);
        let token: String = chars[i..end].iter().map(|&(_, c)| c).collect();
        let prev = i.checked_sub(1).map(|p| chars[p].1);
        let next = chars.get(end).map(|&(_, c)| c);
        let mut skip = *quoted || prev.is_some_and(|p| p.is_alphanumeric() || p == '_');
        skip |= next.is_some_and(|n| n.is_alphanumeric() || n == '_');
        let mut stop = end;
        // Ranges and dates: 2019-2020, 19/8, 2024-08-19: the whole chain is skipped.
        while stop + 1 < chars.len()
            && matches!(chars[stop].1, '-' | '–' | '/')
            && chars[stop + 1].1.is_ascii_digit()
        {
            skip = true;
            stop = number_end(&chars, stop + 1);
        }
        skip |= prev.is_some_and(|p| matches!(p, '-' | '–' | '/'))
            && i >= 2
            && chars[i - 2].1.is_ascii_digit();
        skip |= ordinal(&chars, end, &token) || not_data(&token);
        if !skip {
            out.push(Token {
                start: at,
                text: token,
                before: word_before(&chars, i),
                after: word_after(&chars, end),
            });
        }
        i = stop.max(i + 1);
    }
    out
}

/// The end (exclusive, in `chars`) of the number starting at `i`: digits, with `.` or `,`
/// between digits.
fn number_end(chars: &[(usize, char)], i: usize) -> usize {
    let mut j = i;
    while j < chars.len() {
        let c = chars[j].1;
        let sep = matches!(c, '.' | ',') && chars.get(j + 1).is_some_and(|n| n.1.is_ascii_digit());
        if c.is_ascii_digit() || (sep && j > i) {
            j += 1;
        } else {
            break;
        }
    }
    j
}

/// A whole number followed by `.`, a space and a lowercase word: a Danish ordinal or date
/// ("5. august", "3. runde").
fn ordinal(chars: &[(usize, char)], end: usize, token: &str) -> bool {
    let whole = token.chars().all(|c| c.is_ascii_digit());
    let at = |k: usize| chars.get(end + k).map(|&(_, c)| c);
    whole
        && at(0) == Some('.')
        && at(1).is_some_and(char::is_whitespace)
        && at(2).is_some_and(char::is_lowercase)
}

/// Years, small whole numbers, section numbers and dates with dots.
fn not_data(token: &str) -> bool {
    if let Ok(n) = token.parse::<u64>() {
        return n < 10 || (token.len() == 4 && (1900..=2100).contains(&n));
    }
    let groups: Vec<&str> = token.split(['.', ',']).collect();
    let dots = token.matches('.').count();
    let commas = token.matches(',').count();
    // 72.008.123 and 1,234,567 group thousands; 1.2.3 and 19.08.2024 do not.
    (dots > 1 || commas > 1) && groups[1..].iter().any(|g| g.len() != 3)
}

/// The word before the number at `i` (lowercase, without a trailing full stop): "tabel" in
/// "tabel 2", "nr" in "nr. 5".
fn word_before(chars: &[(usize, char)], i: usize) -> String {
    let mut j = i;
    while j > 0 && matches!(chars[j - 1].1, ' ' | '\u{a0}' | '(' | '.') {
        j -= 1;
    }
    let end = j;
    while j > 0 && chars[j - 1].1.is_alphabetic() {
        j -= 1;
    }
    chars[j..end]
        .iter()
        .map(|&(_, c)| c)
        .collect::<String>()
        .to_lowercase()
}

/// The word (or `%`) after the number ending at `end`, lowercase.
fn word_after(chars: &[(usize, char)], end: usize) -> String {
    let mut j = end;
    while j < chars.len() && matches!(chars[j].1, ' ' | '\u{a0}') {
        j += 1;
    }
    if chars.get(j).is_some_and(|&(_, c)| c == '%') {
        return "%".into();
    }
    let start = j;
    while j < chars.len() && chars[j].1.is_alphabetic() {
        j += 1;
    }
    chars[start..j]
        .iter()
        .map(|&(_, c)| c)
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Vec<String> {
        scan(text, &mut false).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn data_numbers_in_danish_and_english_forms() {
        assert_eq!(
            numbers("I alt 599 forløb, 72.008 ledige, 4,7 pct. og 84 %; 72,008 and 4.7."),
            ["599", "72.008", "4,7", "84", "72,008", "4.7"]
        );
        assert_eq!(numbers("Ændringen var -42,5 og 12."), ["42,5", "12"]);
    }

    #[test]
    fn years_dates_ranges_ordinals_sections_and_small_numbers_are_not_data() {
        assert!(
            numbers(
                "I 2020 og 1999, fra 2019-2020, den 5. august 2024, 19.08.2024, 2024-08-19, 19/8"
            )
            .is_empty()
        );
        assert!(numbers("Se afsnit 1.2.3, 3. runde, k1, 5th, H2O, 3 kommuner.").is_empty());
        // A full stop that ends the sentence is not an ordinal.
        assert_eq!(numbers("Der var 599. Derefter"), ["599"]);
    }

    #[test]
    fn quotations_are_skipped_across_texts() {
        let mut q = false;
        assert!(scan("Han sagde »vi nåede 599", &mut q).is_empty());
        assert!(q);
        assert_eq!(scan(" i alt« og 612.", &mut q)[0].text, "612");
        assert!(numbers("“599” and \"612\" and «17»").is_empty());
    }

    #[test]
    fn each_number_keeps_its_offset_and_the_word_before_it() {
        let t = scan("Se tabel 12 og nr. 15: æøå 599", &mut false);
        let got: Vec<(usize, &str, &str, &str)> = t
            .iter()
            .map(|t| {
                (
                    t.start,
                    t.text.as_str(),
                    t.before.as_str(),
                    t.after.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (9, "12", "tabel", "og"),
                (19, "15", "nr", ""),
                (30, "599", "æøå", "")
            ]
        );
        assert_eq!(scan("84 %, 84\u{a0}pct.", &mut false)[1].after, "pct");
        assert_eq!(scan("84 %", &mut false)[0].after, "%");
    }
}
