//! Numbers -> display text, in the site's language: the one formatter that tables, inline
//! values and chart labels share, so a number reads the same wherever it appears.
//!
//! Input: a finite `f64` or an `i64`, the number of decimals, and for percentages the style.
//! Output: text such as `72.008`, `4,7`, `-42,5`, `84 %`, `84 pct.`, `3,2 procentpoint` (Danish)
//! or `72,008`, `4.7`, `84%` (English). Digits, separators and grouping come from CLDR through
//! ICU4X's `icu_decimal`; the house rules are ours: fixed decimals, rounding half away from zero
//! on the decimal number an `f64` stands for (2.675 -> 2,68), no `-0`, and unit words from the
//! locale file with a no-break space to the number. Dates are `Locale::format_date`'s job.
//!
//! It never sees missing or suppressed cells (the caller shows their markers) and refuses
//! non-finite values (`None`), so "NaN" cannot reach a page. It must not round counts for
//! disclosure: that is the `disclosure` stage.

use std::collections::BTreeMap;

use fixed_decimal::{FloatPrecision, Sign, SignedRoundingMode, UnsignedRoundingMode};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_decimal::options::DecimalFormatterOptions;

/// How a percentage is written: `84 %` (tables, charts) or `84 pct.` (prose, where the site
/// says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PercentStyle {
    #[default]
    Sign,
    Prose,
}

/// The locale's patterns for numbers with units; `{n}` stands for the number. A space next to
/// `{n}` is printed as a no-break space, so a number never wraps away from its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitWords {
    /// `{n} %` (da), `{n}%` (en).
    pub percent: String,
    /// `{n} pct.` (da), `{n} per cent` (en).
    pub percent_prose: String,
    /// `{n} procentpoint` (da), `{n} percentage points` (en).
    pub percentage_points: String,
}

/// The locale word keys `UnitWords` reads.
pub const UNIT_WORD_KEYS: [&str; 3] = ["percent", "percent_prose", "percentage_points"];

impl UnitWords {
    /// Reads the patterns from a locale's `words`; the error names the first missing key.
    pub fn from_words(words: &BTreeMap<String, String>) -> Result<UnitWords, String> {
        let get = |key: &str| {
            let pattern = words
                .get(key)
                .ok_or_else(|| format!("the word `{key}` is missing"))?;
            if pattern.contains("{n}") {
                Ok(pattern.clone())
            } else {
                Err(format!("the word `{key}` has no `{{n}}` for the number"))
            }
        };
        Ok(UnitWords {
            percent: get(UNIT_WORD_KEYS[0])?,
            percent_prose: get(UNIT_WORD_KEYS[1])?,
            percentage_points: get(UNIT_WORD_KEYS[2])?,
        })
    }
}

/// Formats numbers for one language.
#[derive(Debug, Clone)]
pub struct NumberFormatter {
    decimal: DecimalFormatter,
    words: UnitWords,
}

const HALF_AWAY_FROM_ZERO: SignedRoundingMode =
    SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand);

/// Significant digits an `f64` carries reliably; arithmetic noise lives below them.
const SIGNIFICANT: i16 = 15;

impl NumberFormatter {
    /// A formatter for the BCP 47 language tag `lang` (`da`, `en`).
    pub fn new(lang: &str, words: UnitWords) -> Result<NumberFormatter, String> {
        let locale: icu_locale_core::Locale = lang
            .parse()
            .map_err(|e| format!("`{lang}` is not a language tag: {e}"))?;
        let decimal =
            DecimalFormatter::try_new((&locale).into(), DecimalFormatterOptions::default())
                .map_err(|e| format!("no number format for `{lang}`: {e}"))?;
        Ok(NumberFormatter { decimal, words })
    }

    /// A count or other whole number: `72.008`.
    pub fn integer(&self, n: i64) -> String {
        self.decimal.format(&Decimal::from(n)).to_string()
    }

    /// A year: `2018`, never grouped.
    pub fn year(&self, year: i64) -> String {
        year.to_string()
    }

    /// `x` with exactly `decimals` decimals: `4,7`, `-42,5`, `5,0`; `None` if not finite.
    pub fn number(&self, x: f64, decimals: u8) -> Option<String> {
        Some(self.decimal.format(&round(x, decimals)?).to_string())
    }

    /// A percentage; `x` is already in percent (84.0 -> `84 %`).
    pub fn percent(&self, x: f64, decimals: u8, style: PercentStyle) -> Option<String> {
        let pattern = match style {
            PercentStyle::Sign => &self.words.percent,
            PercentStyle::Prose => &self.words.percent_prose,
        };
        Some(fill(pattern, &self.number(x, decimals)?))
    }

    /// A difference of two shares, in percentage points: `3,2 procentpoint`.
    pub fn percentage_points(&self, x: f64, decimals: u8) -> Option<String> {
        Some(fill(
            &self.words.percentage_points,
            &self.number(x, decimals)?,
        ))
    }
}

/// Puts `number` into `pattern`, with no-break spaces next to it.
fn fill(pattern: &str, number: &str) -> String {
    pattern
        .replace(" {n}", "\u{a0}{n}")
        .replace("{n} ", "{n}\u{a0}")
        .replace("{n}", number)
}

/// `x` rounded half away from zero to `decimals` decimals, with trailing zeros kept.
///
/// The float is first written as the shortest decimal that reads back as the same float (2.675,
/// not 2.67499999999999982236431605997495353221893310546875), and cut to 15 significant digits,
/// which removes arithmetic noise such as 0.285 * 100 = 28.499999999999996; only then is it
/// rounded, so the result is what a person computing with the printed numbers gets.
pub fn round(x: f64, decimals: u8) -> Option<Decimal> {
    if !x.is_finite() {
        return None;
    }
    let mut d = Decimal::try_from_f64(x, FloatPrecision::RoundTrip).ok()?;
    let position = -i16::from(decimals);
    let noise = d.absolute.nonzero_magnitude_start() - (SIGNIFICANT - 1);
    if noise < position {
        d.round_with_mode(noise, HALF_AWAY_FROM_ZERO);
    }
    d.round_with_mode(position, HALF_AWAY_FROM_ZERO);
    d.absolute.pad_end(position);
    if d.absolute.is_zero() {
        d.sign = Sign::None;
    }
    Some(d)
}

/// The Danish formatter with the default theme's unit words, for tests across the crate.
#[cfg(test)]
pub(crate) fn danish() -> NumberFormatter {
    let words = UnitWords {
        percent: "{n} %".into(),
        percent_prose: "{n} pct.".into(),
        percentage_points: "{n} procentpoint".into(),
    };
    NumberFormatter::new("da", words).expect("Danish number formats")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn da() -> NumberFormatter {
        danish()
    }

    fn en() -> NumberFormatter {
        let words = UnitWords {
            percent: "{n}%".into(),
            percent_prose: "{n} per cent".into(),
            percentage_points: "{n} percentage points".into(),
        };
        NumberFormatter::new("en", words).unwrap()
    }

    #[test]
    fn danish_numbers() {
        let f = da();
        assert_eq!(f.integer(72008), "72.008");
        assert_eq!(f.integer(3386), "3.386");
        assert_eq!(f.integer(-1234567), "-1.234.567");
        assert_eq!(f.number(4.7, 1).unwrap(), "4,7");
        assert_eq!(f.number(-42.5, 1).unwrap(), "-42,5");
        assert_eq!(f.number(5.0, 1).unwrap(), "5,0");
        assert_eq!(f.number(40.9, 1).unwrap(), "40,9");
        assert_eq!(f.number(25.0, 0).unwrap(), "25");
        assert_eq!(f.number(72008.0, 0).unwrap(), "72.008");
        assert_eq!(f.year(2018), "2018");
    }

    #[test]
    fn english_numbers() {
        let f = en();
        assert_eq!(f.integer(72008), "72,008");
        assert_eq!(f.number(4.7, 1).unwrap(), "4.7");
        assert_eq!(f.number(-42.5, 1).unwrap(), "-42.5");
        assert_eq!(f.percent(84.0, 0, PercentStyle::Sign).unwrap(), "84%");
        assert_eq!(
            f.percentage_points(3.25, 1).unwrap(),
            "3.3\u{a0}percentage points"
        );
    }

    #[test]
    fn percentages_keep_their_unit_on_the_line() {
        let f = da();
        assert_eq!(f.percent(84.0, 0, PercentStyle::Sign).unwrap(), "84\u{a0}%");
        assert_eq!(
            f.percent(84.0, 0, PercentStyle::Prose).unwrap(),
            "84\u{a0}pct."
        );
        assert_eq!(
            f.percent(-10.4, 0, PercentStyle::Sign).unwrap(),
            "-10\u{a0}%"
        );
        assert_eq!(
            f.percentage_points(0.6, 1).unwrap(),
            "0,6\u{a0}procentpoint"
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero_on_the_decimal_value() {
        let f = da();
        assert_eq!(f.number(2.675, 2).unwrap(), "2,68");
        assert_eq!(f.number(1.005, 2).unwrap(), "1,01");
        assert_eq!(f.number(0.5, 0).unwrap(), "1");
        assert_eq!(f.number(1.5, 0).unwrap(), "2");
        assert_eq!(f.number(2.5, 0).unwrap(), "3");
        assert_eq!(f.number(-2.5, 0).unwrap(), "-3");
        assert_eq!(f.number(-0.05, 1).unwrap(), "-0,1");
        // Arithmetic noise below the 15th significant digit does not decide a tie.
        assert_eq!(f.number(0.285 * 100.0, 0).unwrap(), "29");
        assert_eq!(f.number(1.15 * 100.0, 0).unwrap(), "115");
        // The seeds' shares: 3.386 of 72.008 is 4,7 %; 1.965 of 39.527 is 5,0 %.
        assert_eq!(f.number(3386.0 / 72008.0 * 100.0, 1).unwrap(), "4,7");
        assert_eq!(f.number(1965.0 / 39527.0 * 100.0, 1).unwrap(), "5,0");
        assert_eq!(f.number(1421.0 / 32481.0 * 100.0, 1).unwrap(), "4,4");
    }

    #[test]
    fn no_negative_zero() {
        let f = da();
        assert_eq!(f.number(-0.04, 1).unwrap(), "0,0");
        assert_eq!(f.number(-0.0, 0).unwrap(), "0");
    }

    #[test]
    fn large_and_small_numbers() {
        let f = da();
        assert_eq!(f.number(1e15, 0).unwrap(), "1.000.000.000.000.000");
        assert_eq!(f.number(0.000123, 4).unwrap(), "0,0001");
        assert_eq!(f.number(123456789.125, 2).unwrap(), "123.456.789,13");
    }

    #[test]
    fn non_finite_values_have_no_text() {
        let f = da();
        assert_eq!(f.number(f64::NAN, 1), None);
        assert_eq!(f.number(f64::INFINITY, 0), None);
        assert_eq!(f.percent(1.0 / 0.0, 0, PercentStyle::Sign), None);
    }

    #[test]
    fn unit_words_come_from_the_locale() {
        let mut words: BTreeMap<String, String> = UNIT_WORD_KEYS
            .iter()
            .map(|k| (k.to_string(), "{n} x".to_string()))
            .collect();
        assert!(UnitWords::from_words(&words).is_ok());
        words.remove("percent_prose");
        assert!(
            UnitWords::from_words(&words)
                .unwrap_err()
                .contains("`percent_prose`")
        );
        words.insert("percent_prose".into(), "pct.".into());
        assert!(UnitWords::from_words(&words).unwrap_err().contains("{n}"));
    }

    #[test]
    fn formatter_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<NumberFormatter>();
    }
}
