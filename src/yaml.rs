//! YAML text -> typed value, with errors placed at their line and column in the source file.
//!
//! Every YAML input (site config, front matter, directive bodies, locale files) goes through
//! `parse`, so all of them share one parser configuration: a size cap, duplicate keys refused,
//! only `true`/`false` as booleans (so `NO` stays a string), no snippets in messages.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Pos};

/// The largest YAML text evalpress parses; larger inputs are refused before parsing.
pub const MAX_YAML_BYTES: usize = 4 * 1024 * 1024;

/// Parses `text`, which starts at `origin` in `file`, into `T`.
pub fn parse<T: DeserializeOwned>(text: &str, file: &Path, origin: Pos) -> Result<T, Diagnostic> {
    if text.len() > MAX_YAML_BYTES {
        return Err(Diagnostic::error(
            file,
            origin,
            format!(
                "YAML block is {} bytes, larger than the limit of {MAX_YAML_BYTES} bytes",
                text.len()
            ),
        )
        .help("split the data into smaller files"));
    }
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    options.strict_booleans = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    // An empty document means "no fields", not "no value".
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|e| {
        let pos = e
            .location()
            .map(|l| Pos::new(l.line() as usize, l.column() as usize))
            .filter(|p| p.line > 0)
            .unwrap_or(Pos::new(1, 1));
        let (message, help) = explain(&e.without_snippet().to_string());
        Diagnostic::error(file, pos.within(origin), message).help(help)
    })
}

/// Turns the parser's message into one line of what is wrong and a help line.
fn explain(raw: &str) -> (String, String) {
    let first = raw.lines().next().unwrap_or(raw).trim();
    let message = strip_location_suffix(first);
    if let Some(ty) = message.strip_prefix("invalid ") {
        let wanted = match ty {
            "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => {
                "a whole number"
            }
            "f32" | "f64" => "a number",
            "bool" => "true or false",
            _ => "",
        };
        if !wanted.is_empty() {
            return (
                format!("expected {wanted} here"),
                format!("write {wanted} here, without quotes"),
            );
        }
    }
    let help = if message.contains("unknown field") {
        "remove the key or correct its spelling (the message lists the keys allowed here)"
    } else if message.contains("missing field") {
        "add the required key"
    } else if message.contains("invalid type") || message.contains("invalid value") {
        "give the value the type shown (quote text that YAML would read as a number or date)"
    } else if message.contains("duplicate") {
        "each key may appear only once; remove one of them"
    } else {
        "check the YAML syntax at this place (indentation, quotes, a missing ':')"
    };
    (message.to_string(), help.to_string())
}

fn strip_location_suffix(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        #[allow(dead_code)]
        name: String,
        #[serde(default)]
        #[allow(dead_code)]
        count: u32,
    }

    fn err(text: &str) -> Diagnostic {
        parse::<Sample>(text, Path::new("f.yaml"), Pos::new(1, 1)).unwrap_err()
    }

    #[test]
    fn unknown_key_is_located() {
        let d = err("name: a\ncolour: red\n");
        assert_eq!((d.line, d.col), (2, 1), "{d}");
        assert!(d.message.contains("unknown field `colour`"), "{d}");
    }

    #[test]
    fn wrong_type_is_located() {
        let d = err("name: a\ncount: many\n");
        assert_eq!(d.line, 2, "{d}");
        assert_eq!(d.message, "expected a whole number here", "{d}");
    }

    #[test]
    fn errors_shift_to_the_file_position() {
        let d =
            parse::<Sample>("name: a\ncount: x\n", Path::new("f.md"), Pos::new(5, 1)).unwrap_err();
        assert_eq!(d.line, 6, "{d}");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let d = err("name: a\nname: b\n");
        assert_eq!(d.line, 2, "{d}");
    }

    #[test]
    fn norway_stays_a_string() {
        let s: Sample = parse("name: NO\n", Path::new("f"), Pos::new(1, 1)).unwrap();
        assert_eq!(s.name, "NO");
    }
}
