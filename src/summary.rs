//! The closing line of a build: "5 rapporter, 23 tabeller, 17 figurer på 312 ms; 2 advarsler".
//!
//! Input: the counts of a build (from [`crate::Outcome`]), how long it took (measured by the
//! binary: the library never reads the clock) and the site locale's words (`summary_*`, with
//! one form for 1 and one for other counts). Output: the line as text. Never prints.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::format::{NumberFormatter, UnitWords};
use crate::locale::Locale;

/// What a build made, and the words to say it in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub reports: usize,
    pub tables: usize,
    pub figures: usize,
    /// The site locale's language and words; empty when there was no locale.
    lang: String,
    words: BTreeMap<String, String>,
}

impl Summary {
    pub fn new(counts: (usize, usize, usize), locale: Option<&Locale>) -> Summary {
        let (reports, tables, figures) = counts;
        Summary {
            reports,
            tables,
            figures,
            lang: locale.map(|l| l.lang.clone()).unwrap_or_default(),
            words: locale.map(|l| l.words.clone()).unwrap_or_default(),
        }
    }

    /// "1 rapport" or "5 rapporter": the word `summary_<key>` for one, `summary_<key>s` else.
    fn count(&self, key: &str, n: usize, numbers: &NumberFormatter) -> Option<String> {
        let key = if n == 1 {
            format!("summary_{key}")
        } else {
            format!("summary_{key}s")
        };
        let n = numbers.integer(i64::try_from(n).unwrap_or(i64::MAX));
        Some(self.words.get(&key)?.replace("{n}", &n))
    }

    /// The closing line, or `None` when the locale lacks a `summary_` word. `checked` says the
    /// run wrote nothing (`check`).
    pub fn line(&self, elapsed: Duration, warnings: usize, checked: bool) -> Option<String> {
        let numbers =
            NumberFormatter::new(&self.lang, UnitWords::from_words(&self.words).ok()?).ok()?;
        let ms = elapsed.as_millis();
        let time = if ms < 1000 {
            self.words
                .get("summary_ms")?
                .replace("{n}", &numbers.integer(ms as i64))
        } else {
            let secs = numbers.number(elapsed.as_secs_f64(), 1)?;
            self.words.get("summary_s")?.replace("{n}", &secs)
        };
        let line = self
            .words
            .get("summary_line")?
            .replace("{reports}", &self.count("report", self.reports, &numbers)?)
            .replace("{tables}", &self.count("table", self.tables, &numbers)?)
            .replace("{figures}", &self.count("figure", self.figures, &numbers)?)
            .replace("{time}", &time)
            .replace("{warnings}", &self.count("warning", warnings, &numbers)?);
        if checked {
            Some(self.words.get("summary_checked")?.replace("{line}", &line))
        } else {
            Some(line)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceFile;

    fn locale(code: &str) -> Locale {
        let path = format!("themes/default/locales/{code}.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        Locale::parse(&SourceFile {
            path: path.into(),
            text,
        })
        .unwrap()
    }

    #[test]
    fn the_line_is_in_the_site_language_with_singular_and_plural() {
        let da = locale("da");
        let s = Summary::new((5, 23, 17), Some(&da));
        assert_eq!(
            s.line(Duration::from_millis(312), 2, false).unwrap(),
            "5 rapporter, 23 tabeller, 17 figurer på 312 ms; 2 advarsler"
        );
        let one = Summary::new((1, 1, 0), Some(&da));
        assert_eq!(
            one.line(Duration::from_millis(1450), 1, true).unwrap(),
            "1 rapport, 1 tabel, 0 figurer på 1,5 s; 1 advarsel (kontrolleret, intet skrevet)"
        );
        let en = Summary::new((2, 1, 1), Some(&locale("en")));
        assert_eq!(
            en.line(Duration::from_millis(12_345), 0, false).unwrap(),
            "2 reports, 1 table, 1 figure in 12.3 s; 0 warnings"
        );
    }

    #[test]
    fn a_locale_without_the_words_gives_no_line() {
        let s = Summary::new((1, 0, 0), None);
        assert_eq!(s.line(Duration::from_millis(5), 0, false), None);
    }
}
