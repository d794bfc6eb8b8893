//! The words a chart shows or says: markers, the data table's headers, the sentences of the
//! generated description and the "illustrative data" note, all from the locale file.
//!
//! The markers of hidden and missing values are the ones tables use (`hidden_marker` "×",
//! `missing_marker` ".."), so a reader meets one sign for each across a site.
//!
//! Part of the `charts` stage. Input: a locale's `words`. Output: `ChartWords`, or the first
//! missing key. Code never spells a user-visible word.

use std::collections::BTreeMap;

/// What charts say, in the report's language. Patterns hold `{n}`, `{list}`, `{max}`,
/// `{max_at}`, `{min}` and `{min_at}` where the text says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartWords {
    /// Drawn, and written in the data table, where a hidden value would be: "×".
    pub hidden_marker: String,
    /// Drawn, and written in the data table, where a missing value would be: "..".
    pub missing_marker: String,
    /// The data table's caption: "Tallene bag figuren".
    pub data_table: String,
    /// The first column's header when the chart has no `x_title`: "Kategori".
    pub category: String,
    /// The header of the respondents column: "Antal svar (N)".
    pub n_header: String,
    /// "N = {n}", under a group's label.
    pub n_equals: String,
    /// "Kategorier ({n}): {list}."
    pub desc_categories: String,
    /// "Serier: {list}."
    pub desc_series: String,
    /// "Største værdi: {max} ({max_at}). Mindste værdi: {min} ({min_at})."
    pub desc_range: String,
    /// "Skjult af diskretionshensyn ({marker}): {n}."
    pub desc_hidden: String,
    /// "Ikke oplyst ({marker}): {n}."
    pub desc_missing: String,
    /// "Ingen værdier kan vises."
    pub desc_none: String,
    /// "Illustrative tal: tallene er opdigtede."
    pub illustrative: String,
}

/// The locale keys `ChartWords` reads, in field order.
pub const CHART_WORD_KEYS: [&str; 13] = [
    "hidden_marker",
    "missing_marker",
    "chart_data_table",
    "chart_category",
    "chart_n_header",
    "chart_n_equals",
    "chart_desc_categories",
    "chart_desc_series",
    "chart_desc_range",
    "chart_desc_hidden",
    "chart_desc_missing",
    "chart_desc_none",
    "chart_illustrative",
];

impl ChartWords {
    /// Reads the words from a locale's `words`; the error names the first missing key.
    pub fn from_words(words: &BTreeMap<String, String>) -> Result<ChartWords, String> {
        let get = |i: usize| {
            let key = CHART_WORD_KEYS[i];
            words
                .get(key)
                .cloned()
                .ok_or_else(|| format!("the word `{key}` is missing"))
        };
        Ok(ChartWords {
            hidden_marker: get(0)?,
            missing_marker: get(1)?,
            data_table: get(2)?,
            category: get(3)?,
            n_header: get(4)?,
            n_equals: get(5)?,
            desc_categories: get(6)?,
            desc_series: get(7)?,
            desc_range: get(8)?,
            desc_hidden: get(9)?,
            desc_missing: get(10)?,
            desc_none: get(11)?,
            illustrative: get(12)?,
        })
    }
}

/// `pattern` with each `{key}` replaced by its value.
pub fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(pattern.to_string(), |text, (key, value)| {
            text.replace(&format!("{{{key}}}"), value)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_read_and_a_missing_one_named() {
        let mut words: BTreeMap<String, String> = CHART_WORD_KEYS
            .iter()
            .map(|k| (k.to_string(), format!("<{k}>")))
            .collect();
        let w = ChartWords::from_words(&words).unwrap();
        assert_eq!(w.hidden_marker, "<hidden_marker>");
        assert_eq!(w.illustrative, "<chart_illustrative>");
        words.remove("chart_desc_range");
        let err = ChartWords::from_words(&words).unwrap_err();
        assert!(err.contains("`chart_desc_range`"), "{err}");
    }

    #[test]
    fn patterns_are_filled() {
        assert_eq!(fill("N = {n}", &[("n", "25")]), "N = 25");
        assert_eq!(fill("{a}-{b}-{a}", &[("a", "1"), ("b", "2")]), "1-2-1");
    }
}
