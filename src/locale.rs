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
    pub months: Vec<String>,
    /// Words used by code and templates, available to templates as `t`.
    pub words: BTreeMap<String, String>,
    /// Report kinds (`evaluering`) and how they are named on pages.
    pub kinds: BTreeMap<String, String>,
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

    /// A date `YYYY-MM-DD` written out, e.g. "5. august 2024".
    pub fn format_date(&self, date: jiff::civil::Date) -> String {
        let month = &self.months[date.month() as usize - 1];
        self.date_format
            .replace("{day}", &date.day().to_string())
            .replace("{month}", month)
            .replace("{year}", &date.year().to_string())
    }
}

/// Parses a front-matter date; only `YYYY-MM-DD` with a real day is accepted.
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
