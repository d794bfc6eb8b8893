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
    // Fast path: plain integers read the same under every declaration.
    let (negative, unsigned) = split_sign(text);
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
/// `thou` + exactly three digits. Allocates nothing for numbers of ordinary length.
fn parse_with(text: &[u8], dec: u8, thou: u8) -> Option<Parsed> {
    let (negative, body) = split_sign(text);
    let (int, frac) = match body.iter().position(|&b| b == dec) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    if !valid_integer_part(int, thou) {
        return None;
    }
    match frac {
        // Too large for an integer: still a number.
        None => Some(integer_value(int, thou, negative).map_or_else(
            || Parsed::Num(float(negative, int, thou, None)),
            Parsed::Int,
        )),
        Some(f) if !f.is_empty() && f.iter().all(u8::is_ascii_digit) => {
            Some(Parsed::Num(float(negative, int, thou, Some(f))))
        }
        Some(_) => None,
    }
}

fn valid_integer_part(int: &[u8], thou: u8) -> bool {
    if int.is_empty() {
        return false;
    }
    if int.iter().all(u8::is_ascii_digit) {
        return true;
    }
    let digits = |g: &[u8]| g.iter().all(u8::is_ascii_digit);
    let mut groups = int.split(|&b| b == thou);
    let first = groups.next().unwrap_or_default();
    (1..=3).contains(&first.len()) && digits(first) && groups.all(|g| g.len() == 3 && digits(g))
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
