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
    // Whole numbers below 15 digits (counts, most cells) have no noise to cut and nothing to
    // round: read as an integer instead of through the shortest round-trip text.
    if x.trunc() == x && x.abs() < WHOLE_LIMIT {
        let mut d = Decimal::from(x as i64);
        d.absolute.pad_end(-i16::from(decimals));
        return Some(d);
    }
    round_read(x, decimals)
}

/// Whole numbers under this have fewer than [`SIGNIFICANT`] digits.
const WHOLE_LIMIT: f64 = 1e14;

/// [`round`] by reading `x`'s shortest round-trip decimal.
fn round_read(x: f64, decimals: u8) -> Option<Decimal> {
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
    fn whole_numbers_round_as_their_decimal_reading_does() {
        let mut xs: Vec<f64> = vec![0.0, -0.0, 1.0, -1.0, 99_999_999_999_999.0, -12_345.0];
        xs.extend((0..60).map(|i| (i as f64 * 7919.0).powi(2) % 1e14 - 3e13));
        for x in xs {
            for decimals in [0, 1, 2, 4] {
                let fast = round(x, decimals).map(|d| d.to_string());
                assert_eq!(
                    fast,
                    round_read(x, decimals).map(|d| d.to_string()),
                    "{x} {decimals}"
                );
            }
        }
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

/// Properties of the formatter against a reference written with integers: any number that a
/// table can hold is rounded half away from zero, grouped in threes, signed only when not zero,
/// and reads back as the number it stands for; no input ever prints "NaN" or "inf".
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// `m / 10^k` rounded half away from zero to `d` decimals, in Danish, computed on the
    /// integers: the decimal the float `m / 10^k` was written as, not its binary value.
    fn reference(m: i64, k: u32, d: u32) -> String {
        let (neg, abs) = (m < 0, m.unsigned_abs() as u128);
        let scaled = if d >= k {
            abs * 10u128.pow(d - k)
        } else {
            let unit = 10u128.pow(k - d);
            let (q, r) = (abs / unit, abs % unit);
            if 2 * r >= unit { q + 1 } else { q }
        };
        let digits = scaled.to_string();
        let digits = format!("{digits:0>width$}", width = d as usize + 1);
        let (int, frac) = digits.split_at(digits.len() - d as usize);
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(c);
        }
        let sign = if neg && scaled != 0 { "-" } else { "" };
        let frac = if d == 0 {
            String::new()
        } else {
            format!(",{frac}")
        };
        format!("{sign}{grouped}{frac}")
    }

    /// A Danish number read back: `-1.234,5` -> -1234.5.
    fn read_back(text: &str) -> f64 {
        text.replace('.', "").replace(',', ".").parse().unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn rounding_matches_the_integer_reference(
            m in -999_999_999_999i64..=999_999_999_999,
            k in 0u32..7,
            d in 0u8..5,
        ) {
            let x = m as f64 / 10f64.powi(k as i32);
            prop_assert_eq!(danish().number(x, d).unwrap(), reference(m, k, u32::from(d)));
        }

        #[test]
        fn ties_round_away_from_zero(n in -99_999_999i64..=99_999_999, d in 0u8..4) {
            // n + 0.5 at the last shown decimal: exactly representable, always a tie.
            let x = (n as f64 + 0.5 * n.signum() as f64) / 10f64.powi(i32::from(d));
            let want = (n.unsigned_abs() + u64::from(n != 0)) as f64 / 10f64.powi(i32::from(d));
            let got = read_back(&danish().number(x, d).unwrap());
            prop_assert_eq!(got.abs(), want, "{} to {} decimals", x, d);
        }

        #[test]
        fn rounding_is_monotonic(a in -1e12f64..1e12, b in -1e12f64..1e12, d in 0u8..5) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let f = danish();
            let (lo_t, hi_t) = (f.number(lo, d).unwrap(), f.number(hi, d).unwrap());
            prop_assert!(read_back(&lo_t) <= read_back(&hi_t), "{lo} -> {lo_t}, {hi} -> {hi_t}");
        }

        #[test]
        fn integers_are_grouped_in_threes_and_read_back(n in any::<i64>()) {
            let text = danish().integer(n);
            prop_assert_eq!(text.replace('.', ""), n.to_string());
            let digits = text.trim_start_matches('-');
            let groups: Vec<&str> = digits.split('.').collect();
            prop_assert!(!groups[0].is_empty() && groups[0].len() <= 3, "{}", text);
            prop_assert!(groups[1..].iter().all(|g| g.len() == 3), "{}", text);
        }

        #[test]
        fn no_input_prints_nan_or_infinity(bits in any::<u64>(), d in 0u8..6) {
            let x = f64::from_bits(bits);
            let f = danish();
            let shown = [
                f.number(x, d),
                f.percent(x, d, PercentStyle::Sign),
                f.percent(x, d, PercentStyle::Prose),
                f.percentage_points(x, d),
            ];
            for text in shown {
                match text {
                    None => prop_assert!(!x.is_finite()),
                    Some(t) => {
                        prop_assert!(x.is_finite());
                        let lower = t.to_lowercase();
                        prop_assert!(!lower.contains("nan") && !lower.contains("inf"), "{}", t);
                        let nonzero = t.chars().any(|c| ('1'..='9').contains(&c));
                        prop_assert!(!t.starts_with('-') || nonzero, "negative zero: {}", t);
                    }
                }
            }
        }

        #[test]
        fn percentages_are_the_number_and_the_unit(x in -1e6f64..1e6, d in 0u8..3) {
            let f = danish();
            let n = f.number(x, d).unwrap();
            prop_assert_eq!(f.percent(x, d, PercentStyle::Sign).unwrap(), format!("{n}\u{a0}%"));
            prop_assert_eq!(f.percentage_points(x, d).unwrap(), format!("{n}\u{a0}procentpoint"));
        }
    }
}
