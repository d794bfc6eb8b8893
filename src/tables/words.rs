//! The locale's words for data: the totals label, the markers of hidden and missing cells, the
//! automatic notes, and the number formatter with the site's percent styles.
//!
//! Part of the `tables` stage. Every word comes from the locale file; a locale without one of
//! them cannot show data, and says which word is missing.

use crate::config::FormatConfig;
use crate::disclosure::{Markers, Published};
use crate::format::{NumberFormatter, PercentStyle, UnitWords};
use crate::locale::Locale;

/// The locale word keys the tables stage reads (besides the unit words of `format`).
pub const TABLE_WORD_KEYS: [&str; 8] = [
    "total",
    "hidden_marker",
    "missing_marker",
    "disclosure_note",
    "missing_note",
    "illustrative_note",
    "download_data",
    "extracted",
];

/// The words and formatter of one locale.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    pub locale: &'a Locale,
    pub numbers: NumberFormatter,
    /// "I alt".
    pub total: &'a str,
    /// The one fixed marker of hidden cells.
    pub hidden: &'a str,
    /// The marker of missing or not computable cells.
    pub missing: &'a str,
    /// "Illustrative tal: ...".
    pub illustrative_note: &'a str,
    /// "Hent data".
    pub download: &'a str,
    disclosure_note: &'a str,
    missing_note: &'a str,
    table_percent: PercentStyle,
    inline_percent: PercentStyle,
}

impl<'a> Words<'a> {
    /// The words of `locale`; the error names the first missing word.
    pub fn new(locale: &'a Locale, format: FormatConfig) -> Result<Words<'a>, String> {
        if let Some(key) = TABLE_WORD_KEYS
            .iter()
            .find(|k| !locale.words.contains_key(**k))
        {
            return Err(format!("the word `{key}` is missing"));
        }
        let units = UnitWords::from_words(&locale.words)?;
        let word = |key: &'a str| locale.word(key);
        Ok(Words {
            locale,
            numbers: NumberFormatter::new(&locale.lang, units)?,
            total: word("total"),
            hidden: word("hidden_marker"),
            missing: word("missing_marker"),
            illustrative_note: word("illustrative_note"),
            download: word("download_data"),
            disclosure_note: word("disclosure_note"),
            missing_note: word("missing_note"),
            table_percent: format.percent,
            inline_percent: format.inline_percent,
        })
    }

    pub fn markers(&self) -> Markers<'a> {
        Markers {
            hidden: self.hidden,
            missing: self.missing,
        }
    }

    /// A cell as a table shows it.
    pub fn cell_text(&self, t: &Published, row: usize, col: usize) -> String {
        t.text(row, col, &self.numbers, self.table_percent, &self.markers())
    }

    /// A cell as running text shows it (`84 pct.` where tables show `84 %`).
    pub fn inline_text(&self, t: &Published, row: usize, col: usize) -> String {
        t.text(
            row,
            col,
            &self.numbers,
            self.inline_percent,
            &self.markers(),
        )
    }

    /// "Antal under 3 vises ikke af diskretionshensyn (×)" when `t` hides a cell.
    pub fn disclosure_note(&self, t: &Published) -> Option<String> {
        t.note(self.disclosure_note)
            .map(|n| n.replace("{marker}", self.hidden))
    }

    /// What the missing marker means.
    pub fn missing_note(&self) -> String {
        self.missing_note.replace("{marker}", self.missing)
    }
}
