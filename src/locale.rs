//! Locale files (`themes/*/locales/<code>.yaml`) -> `Locale`: every word a page shows, the
//! names of report kinds, and date formatting ("19. august 2024").
//!
//! Code never spells a user-visible word; it asks the locale by key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Pos};
use crate::model::SourceFile;
use crate::yaml;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Locale {
    /// The `lang` attribute value, e.g. `da`.
    pub lang: String,
    /// Date pattern with `{day}`, `{month}` (name) and `{year}`.
    pub date_format: String,
    /// The pattern of a date known only to the month ("december 2023").
    #[serde(default = "default_month_format")]
    pub month_format: String,
    pub months: Vec<String>,
    /// Words used by code and templates, available to templates as `t`.
    pub words: BTreeMap<String, String>,
    /// Report kinds (`evaluering`) and how they are named on pages.
    pub kinds: BTreeMap<String, String>,
}

fn default_month_format() -> String {
    "{month} {year}".into()
}

/// Word keys the Rust code itself uses; a locale without them is refused.
const REQUIRED_WORDS: &[&str] = &[
    "figure",
    "table",
    "box",
    "section",
    "ref_figure",
    "ref_table",
    "ref_box",
    "ref_section",
    "source",
    "note",
];

impl Locale {
    pub fn parse(file: &SourceFile) -> Result<Locale, Diagnostic> {
        let locale: Locale = yaml::parse(&file.text, &file.path, Pos::new(1, 1))?;
        if locale.months.len() != 12 {
            return Err(Diagnostic::error(
                &file.path,
                crate::config::key_pos(&file.text, "months"),
                format!("`months` has {} names", locale.months.len()),
            )
            .help("list the twelve month names, January first"));
        }
        if let Some(missing) = REQUIRED_WORDS
            .iter()
            .find(|k| !locale.words.contains_key(**k))
        {
            return Err(Diagnostic::error(
                &file.path,
                crate::config::key_pos(&file.text, "words"),
                format!("the word `{missing}` is missing"),
            )
            .help(format!("add `{missing}:` under `words:`")));
        }
        Ok(locale)
    }

    /// The word for `key`; keys are checked when the locale is loaded.
    pub fn word<'a>(&'a self, key: &'a str) -> &'a str {
        self.words.get(key).map_or(key, String::as_str)
    }

    /// A publication date written out: "5. august 2024", "december 2023" or "2016".
    pub fn format_published(&self, date: Published) -> String {
        match date {
            Published::Day(d) => self.format_date(d),
            Published::Month { year, month } => self
                .month_format
                .replace("{month}", &self.months[month as usize - 1])
                .replace("{year}", &year.to_string()),
            Published::Year(year) => year.to_string(),
        }
    }

    /// A date `YYYY-MM-DD` written out, e.g. "5. august 2024".
    pub fn format_date(&self, date: jiff::civil::Date) -> String {
        let month = &self.months[date.month() as usize - 1];
        self.date_format
            .replace("{day}", &date.day().to_string())
            .replace("{month}", month)
            .replace("{year}", &date.year().to_string())
    }
}

/// A publication date as precise as the document gives it: a day, a month or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    Day(jiff::civil::Date),
    Month { year: i16, month: i8 },
    Year(i16),
}

/// Parses a report's `date:`: `YYYY-MM-DD`, or `YYYY-MM` and `YYYY` for documents that give
/// only the month or the year.
pub fn parse_published(text: &str) -> Result<Published, String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match text.split('-').collect::<Vec<_>>()[..] {
        [y] if y.len() == 4 && digits(y) => Ok(Published::Year(y.parse().unwrap_or(0))),
        [y, m] if y.len() == 4 && m.len() == 2 && digits(y) && digits(m) => {
            let month: i8 = m.parse().unwrap_or(0);
            if !(1..=12).contains(&month) {
                return Err(format!("date `{text}` does not exist"));
            }
            Ok(Published::Month {
                year: y.parse().unwrap_or(0),
                month,
            })
        }
        _ => parse_date(text).map(Published::Day).map_err(|e| {
            if e.contains("YYYY-MM-DD") {
                format!("date `{text}` is not written as YYYY-MM-DD (or YYYY-MM, YYYY)")
            } else {
                e
            }
        }),
    }
}

/// Parses a date that must name a day; only `YYYY-MM-DD` with a real day is accepted.
pub fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    let well_formed = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !well_formed {
        return Err(format!("date `{text}` is not written as YYYY-MM-DD"));
    }
    text.parse::<jiff::civil::Date>()
        .map_err(|_| format!("date `{text}` does not exist"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn da() -> Locale {
        let file = crate::themes::embedded().locales["da"].clone();
        Locale::parse(&file).unwrap()
    }

    #[test]
    fn danish_dates() {
        let d = parse_date("2024-08-05").unwrap();
        assert_eq!(da().format_date(d), "5. august 2024");
    }

    #[test]
    fn english_dates() {
        let file = crate::themes::embedded().locales["en"].clone();
        let en = Locale::parse(&file).unwrap();
        assert_eq!(
            en.format_date(parse_date("2024-08-05").unwrap()),
            "5 August 2024"
        );
    }

    #[test]
    fn publication_dates_may_name_only_a_month_or_a_year() {
        let show = |t: &str| da().format_published(parse_published(t).unwrap());
        assert_eq!(show("2023-12"), "december 2023");
        assert_eq!(show("2016"), "2016");
        assert_eq!(show("2024-08-05"), "5. august 2024");
        assert!(
            parse_published("2023-13")
                .unwrap_err()
                .contains("does not exist")
        );
        assert!(parse_published("2023-1").unwrap_err().contains("YYYY-MM"));
        assert!(parse_published("23").is_err());
        assert!(
            parse_published("2024-02-30")
                .unwrap_err()
                .contains("does not exist")
        );
    }

    #[test]
    fn bad_dates_are_refused() {
        assert!(
            parse_date("2024-02-30")
                .unwrap_err()
                .contains("does not exist")
        );
        assert!(parse_date("5/8/2024").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_date("2024-8-5").is_err());
    }

    #[test]
    fn missing_words_are_refused() {
        let file = SourceFile {
            path: PathBuf::from("x.yaml"),
            text: "lang: da\ndate_format: x\nmonths: [a,b,c,d,e,f,g,h,i,j,k,l]\nwords: {figure: F}\nkinds: {}\n".into(),
        };
        let e = Locale::parse(&file).unwrap_err();
        assert!(e.message.contains("`table`"), "{e}");
    }
}
