//! Number text from a data file -> integer or float, under the file's declared decimal separator.
//!
//! Part of the `data` stage; pure functions over one cell's text. It accepts only the forms
//! registers write (`72.008`, `4,7`, `-42,5` with `decimal: comma`; `72,008`, `4.7` with
//! `decimal: point`) and never guesses: without a declaration, a text that reads as two
//! different numbers, or that needs a decimal comma, is an error for the caller to report.

use serde::{Deserialize, Serialize};

/// Which character separates the decimals; the other one groups thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DecimalSep {
    /// Danish: `72.008`, `4,7`.
    Comma,
    /// English: `72,008`, `4.7`.
    Point,
}

/// A number read from a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Parsed {
    /// No decimals and fits in an `i64`.
    Int(i64),
    Num(f64),
}

/// Why a cell's text is not a number under the declared separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumError {
    /// Not a number in any form (e.g. a word).
    NotANumber,
    /// `NaN`, `inf`, `infinity`: never a value in a report.
    NonFinite,
    /// Only readable with a decimal comma, and none was declared (`4,7`).
    UndeclaredComma,
    /// Reads as two different numbers (`72.008`: 72008 or 72.008; `1,234`).
    Ambiguous,
    /// Readable only with the other separator than the declared one (`4.7` under `comma`).
    OtherSeparator(DecimalSep),
}

/// Parses `text` (already trimmed) under `decimal`; `None` means no declaration was made.
pub fn parse_number(text: &str, decimal: Option<DecimalSep>) -> Result<Parsed, NumError> {
    parse_bytes(text.as_bytes(), decimal)
}

/// `parse_number` over the bytes of a cell, as the CSV reader holds them.
pub fn parse_bytes(text: &[u8], decimal: Option<DecimalSep>) -> Result<Parsed, NumError> {
    // Fast path: plain integers read the same under every declaration. Up to 18 digits they
    // cannot overflow, so they are added up as they are checked.
    let (negative, unsigned) = split_sign(text);
    if (1..=18).contains(&unsigned.len()) {
        let value = unsigned.iter().try_fold(0i64, |v, &b| {
            let digit = b.wrapping_sub(b'0');
            (digit <= 9).then(|| v * 10 + i64::from(digit))
        });
        if let Some(v) = value {
            return Ok(Parsed::Int(if negative { -v } else { v }));
        }
    }
    if !unsigned.is_empty() && unsigned.iter().all(u8::is_ascii_digit) {
        return Ok(integer_value(unsigned, b'_', negative).map_or_else(
            || Parsed::Num(float(negative, unsigned, b'_', None)),
            Parsed::Int,
        ));
    }
    let point = || parse_with(text, b'.', b',');
    let comma = || parse_with(text, b',', b'.');
    let result = match decimal {
        Some(DecimalSep::Comma) => comma().ok_or_else(|| match point() {
            Some(_) => NumError::OtherSeparator(DecimalSep::Point),
            None => NumError::NotANumber,
        }),
        Some(DecimalSep::Point) => point().ok_or_else(|| match comma() {
            Some(_) => NumError::OtherSeparator(DecimalSep::Comma),
            None => NumError::NotANumber,
        }),
        None => match (point(), comma()) {
            (Some(p), Some(c)) if p == c => Ok(p),
            (Some(_), Some(_)) => Err(NumError::Ambiguous),
            (Some(p), None) => Ok(p),
            (None, Some(_)) => Err(NumError::UndeclaredComma),
            (None, None) => Err(NumError::NotANumber),
        },
    };
    match result {
        Err(NumError::NotANumber) if is_non_finite(text) => Err(NumError::NonFinite),
        other => other,
    }
}

/// What kind of column a cell suggests when no type is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Integer,
    Number,
    Text,
}

/// The narrowest column kind a parse result fits. Texts that look numeric but are refused
/// (`NaN`, `4,7` undeclared) count as numbers, so the typed pass reports them instead of the
/// column silently becoming text.
pub fn classify(parsed: &Result<Parsed, NumError>) -> Kind {
    match parsed {
        Ok(Parsed::Int(_)) => Kind::Integer,
        Ok(Parsed::Num(_)) => Kind::Number,
        Err(NumError::NotANumber) => Kind::Text,
        Err(_) => Kind::Number,
    }
}

fn is_non_finite(text: &[u8]) -> bool {
    let t = text
        .strip_prefix(b"-")
        .or(text.strip_prefix(b"+"))
        .unwrap_or(text);
    [b"nan".as_slice(), b"inf", b"infinity"]
        .iter()
        .any(|w| t.eq_ignore_ascii_case(w))
}

fn split_sign(text: &[u8]) -> (bool, &[u8]) {
    match text.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, text),
    }
}

/// Reads `-?int(dec digits)?` where `int` is plain digits or 1-3 digits followed by groups of
/// `thou` + exactly three digits, in one pass that also adds up the digits. Allocates nothing
/// for numbers of ordinary length.
fn parse_with(text: &[u8], dec: u8, thou: u8) -> Option<Parsed> {
    let (negative, body) = split_sign(text);
    // The digits as one integer (`None` once it overflows), and how many follow `dec`.
    let mut mantissa = Some(0u64);
    let mut add = |b: u8| {
        mantissa = mantissa
            .and_then(|m| m.checked_mul(10))
            .and_then(|m| m.checked_add(u64::from(b - b'0')));
    };
    // Digits since the start or the last `thou`; whether a `thou` was seen.
    let (mut run, mut grouped) = (0usize, false);
    let mut int_end = body.len();
    for (i, &b) in body.iter().enumerate() {
        if b.is_ascii_digit() {
            add(b);
            run += 1;
        } else if b == thou {
            let first_ok = (1..=3).contains(&run);
            if (grouped && run != 3) || (!grouped && !first_ok) {
                return None;
            }
            (run, grouped) = (0, true);
        } else if b == dec {
            int_end = i;
            break;
        } else {
            return None;
        }
    }
    if run == 0 || (grouped && run != 3) {
        return None;
    }
    let int = &body[..int_end];
    let frac = body.get(int_end + 1..).filter(|_| int_end < body.len());
    if let Some(f) = frac {
        if f.is_empty() || !f.iter().all(u8::is_ascii_digit) {
            return None;
        }
        f.iter().for_each(|&b| add(b));
    }
    Some(match (frac, mantissa) {
        // Too large for an integer: still a number.
        (None, Some(m)) if negative && m <= 1 << 63 => Parsed::Int((m as i64).wrapping_neg()),
        (None, Some(m)) if !negative => i64::try_from(m).map_or_else(
            |_| Parsed::Num(float(negative, int, thou, None)),
            Parsed::Int,
        ),
        (Some(f), Some(m)) => Parsed::Num(
            quotient(m, f.len(), negative).unwrap_or_else(|| float(negative, int, thou, frac)),
        ),
        _ => Parsed::Num(float(negative, int, thou, frac)),
    })
}

/// `mantissa / 10^decimals`, signed, when both are exact in an `f64` (2^53 and 10^22 at most):
/// IEEE division rounds the exact quotient once, so this is the float nearest to the text, the
/// one the standard library's parser gives (`float` does the other cases).
fn quotient(mantissa: u64, decimals: usize, negative: bool) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let divisor = POW10.get(decimals)?;
    let x = (mantissa <= 1 << 53).then(|| mantissa as f64 / divisor)?;
    Some(if negative { -x } else { x })
}

/// The value of validated integer digits (separators `thou` skipped); `None` on overflow.
fn integer_value(int: &[u8], thou: u8, negative: bool) -> Option<i64> {
    int.iter().filter(|&&b| b != thou).try_fold(0i64, |v, &b| {
        let d = i64::from(b - b'0');
        let v = v.checked_mul(10)?;
        if negative {
            v.checked_sub(d)
        } else {
            v.checked_add(d)
        }
    })
}

/// The float nearest to validated digits, through the standard library's exact parser.
fn float(negative: bool, int: &[u8], thou: u8, frac: Option<&[u8]>) -> f64 {
    let sign = if negative { b"-".as_slice() } else { b"" };
    let dot = if frac.is_some() { b".".as_slice() } else { b"" };
    let bytes = sign
        .iter()
        .chain(int.iter().filter(|&&b| b != thou))
        .chain(dot)
        .chain(frac.unwrap_or_default());
    let mut small = [0u8; 64];
    let mut large = Vec::new();
    let mut n = 0;
    for &b in bytes {
        if n < small.len() {
            small[n] = b;
        } else {
            if large.is_empty() {
                large.extend_from_slice(&small);
            }
            large.push(b);
        }
        n += 1;
    }
    let text = if large.is_empty() {
        &small[..n]
    } else {
        &large[..]
    };
    // Only ASCII digits, '-' and '.' were written, so both steps succeed.
    std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecimalSep::{Comma, Point};

    fn p(text: &str, d: Option<DecimalSep>) -> Result<Parsed, NumError> {
        parse_number(text, d)
    }

    #[test]
    fn danish_forms() {
        assert_eq!(p("72.008", Some(Comma)), Ok(Parsed::Int(72008)));
        assert_eq!(p("4,7", Some(Comma)), Ok(Parsed::Num(4.7)));
        assert_eq!(p("-42,5", Some(Comma)), Ok(Parsed::Num(-42.5)));
        assert_eq!(p("1.234.567,25", Some(Comma)), Ok(Parsed::Num(1234567.25)));
        assert_eq!(p("1234567", Some(Comma)), Ok(Parsed::Int(1234567)));
    }

    #[test]
    fn english_forms() {
        assert_eq!(p("72,008", Some(Point)), Ok(Parsed::Int(72008)));
        assert_eq!(p("4.7", Some(Point)), Ok(Parsed::Num(4.7)));
        assert_eq!(p("72.008", Some(Point)), Ok(Parsed::Num(72.008)));
        assert_eq!(p("-1,234.5", Some(Point)), Ok(Parsed::Num(-1234.5)));
    }

    #[test]
    fn the_other_separator_is_named() {
        assert_eq!(p("4.7", Some(Comma)), Err(NumError::OtherSeparator(Point)));
        assert_eq!(p("4,7", Some(Point)), Err(NumError::OtherSeparator(Comma)));
    }

    #[test]
    fn undeclared_reads_only_what_cannot_be_misread() {
        assert_eq!(p("3386", None), Ok(Parsed::Int(3386)));
        assert_eq!(p("4.7", None), Ok(Parsed::Num(4.7)));
        assert_eq!(p("1,234.5", None), Ok(Parsed::Num(1234.5)));
        assert_eq!(p("4,7", None), Err(NumError::UndeclaredComma));
        assert_eq!(p("72.008", None), Err(NumError::Ambiguous));
        assert_eq!(p("1,234", None), Err(NumError::Ambiguous));
    }

    #[test]
    fn malformed_numbers_are_not_numbers() {
        for t in [
            "",
            "-",
            "1.2.3,",
            "12.34.567",
            ".5",
            "5,",
            "1e5",
            "4,7 %",
            "abc",
        ] {
            assert_eq!(p(t, Some(Comma)), Err(NumError::NotANumber), "{t}");
        }
    }

    #[test]
    fn non_finite_values_are_refused() {
        for t in ["NaN", "nan", "inf", "-Infinity", "+inf"] {
            assert_eq!(p(t, Some(Point)), Err(NumError::NonFinite), "{t}");
        }
    }

    #[test]
    fn integer_limits() {
        assert_eq!(p("-9223372036854775808", None), Ok(Parsed::Int(i64::MIN)));
        assert_eq!(
            p("9.223.372.036.854.775.807", Some(Comma)),
            Ok(Parsed::Int(i64::MAX))
        );
        assert_eq!(
            p("9223372036854775808", None),
            Ok(Parsed::Num(9.223372036854776e18))
        );
        let long = format!("0,{}", "1".repeat(100));
        assert!(matches!(p(&long, Some(Comma)), Ok(Parsed::Num(x)) if (x - 0.1111).abs() < 1e-3));
    }

    proptest::proptest! {
        /// The one-pass reading gives what the standard library's exact parser gives, for
        /// every length of digits either side of the separator (fast path or not).
        #[test]
        fn decimals_read_as_the_exact_parser_reads_them(
            negative: bool,
            int in "[0-9]{1,21}",
            frac in proptest::option::of("[0-9]{1,26}"),
        ) {
            let sign = if negative { "-" } else { "" };
            let plain = match &frac {
                Some(f) => format!("{sign}{int}.{f}"),
                None => format!("{sign}{int}"),
            };
            let danish = plain.replace('.', ",");
            let want = match (&frac, plain.parse::<i64>()) {
                (None, Ok(i)) => Parsed::Int(i),
                _ => Parsed::Num(plain.parse::<f64>().unwrap()),
            };
            let got = p(&danish, Some(Comma)).unwrap();
            proptest::prop_assert!(match (got, want) {
                (Parsed::Num(a), Parsed::Num(b)) => a.to_bits() == b.to_bits(),
                (a, b) => a == b,
            }, "{danish}: {got:?} != {want:?}");
            proptest::prop_assert_eq!(p(&plain, Some(Point)), Ok(got));
        }
    }

    #[test]
    fn grouped_digits_are_checked_group_by_group() {
        assert_eq!(p("1.234.567", Some(Comma)), Ok(Parsed::Int(1_234_567)));
        assert_eq!(p("-12.345,5", Some(Comma)), Ok(Parsed::Num(-12_345.5)));
        for t in [
            "1.23.4",
            "1234.567,5",
            "1..234",
            ".234",
            "1.234.",
            "1.2345,6",
            "-,5",
            "1.234,5,6",
        ] {
            assert_eq!(p(t, Some(Comma)), Err(NumError::NotANumber), "{t}");
        }
        assert_eq!(
            p("-0,0", Some(Comma)).map(|n| matches!(n, Parsed::Num(x) if x.is_sign_negative())),
            Ok(true)
        );
    }

    #[test]
    fn huge_integers_become_numbers() {
        assert!(matches!(
            p("123456789012345678901234", Some(Comma)),
            Ok(Parsed::Num(_))
        ));
    }

    #[test]
    fn classification_keeps_suspicious_cells_numeric() {
        let c = |t| classify(&parse_number(t, None));
        assert_eq!(c("12"), Kind::Integer);
        assert_eq!(c("4.7"), Kind::Number);
        assert_eq!(c("4,7"), Kind::Number);
        assert_eq!(c("NaN"), Kind::Number);
        assert_eq!(c("Hovedstaden"), Kind::Text);
    }
}
