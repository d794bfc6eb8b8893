//! YAML text -> typed value, with errors placed at their line and column in the source file.
//!
//! Every YAML input (site config, front matter, directive bodies, locale files, models) goes
//! through `parse`, so all of them share one parser configuration: a size cap checked before
//! parsing, resource limits on nesting depth, node count and alias expansion (so a
//! "billion laughs" alias bomb or 100,000 nested brackets are refused in milliseconds, with a
//! message naming the limit), duplicate keys refused, only `true`/`false` as booleans (so `NO`
//! stays a string), no snippets in messages. It never reads files.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::budget::BudgetBreach;

use crate::diagnostics::{Diagnostic, Pos};

/// The largest YAML text evalpress parses; larger inputs are refused before parsing.
pub const MAX_YAML_BYTES: usize = 4 * 1024 * 1024;

/// The deepest nesting of lists and maps accepted; evalpress's own formats need fewer than ten.
pub const MAX_YAML_DEPTH: usize = 64;

/// The most values (scalars, lists and maps) one YAML text may hold, aliases expanded.
pub const MAX_YAML_NODES: usize = 250_000;

/// The most bytes of text all values of one YAML text may hold, aliases expanded: no more than
/// the text itself may hold, so aliases cannot multiply a long value.
pub const MAX_YAML_TEXT_BYTES: usize = MAX_YAML_BYTES;

/// The most values that `*alias` references may expand to in one YAML text.
pub const MAX_YAML_ALIAS_EXPANSION: usize = 10_000;

/// Parses `text`, which starts at `origin` in `file`, into `T`.
pub fn parse<T: DeserializeOwned>(text: &str, file: &Path, origin: Pos) -> Result<T, Diagnostic> {
    if text.len() > MAX_YAML_BYTES {
        return Err(Diagnostic::error(
            file,
            origin,
            format!(
                "YAML block is {} bytes, larger than the limit of {MAX_YAML_BYTES} bytes ({} MiB)",
                text.len(),
                MAX_YAML_BYTES >> 20
            ),
        )
        .help("split the data into smaller files"));
    }
    // An empty document means "no fields", not "no value".
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_saphyr::from_str_with_options::<T>(text, options()).map_err(|e| {
        let pos = e
            .location()
            .map(|l| Pos::new(l.line() as usize, l.column() as usize))
            .filter(|p| p.line > 0)
            .unwrap_or(Pos::new(1, 1));
        let (message, help) =
            over_limit(&e).unwrap_or_else(|| explain(&e.without_snippet().to_string()));
        Diagnostic::error(file, pos.within(origin), message).help(help)
    })
}

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_YAML_DEPTH;
    // Flow collections (`[[[...`) get the same limit, so both spellings give one message.
    budget.flow_nesting_limit = MAX_YAML_DEPTH;
    budget.max_nodes = MAX_YAML_NODES;
    budget.max_total_scalar_bytes = MAX_YAML_TEXT_BYTES;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = MAX_YAML_ALIAS_EXPANSION;
    options.with_snippet = false;
    options.strict_booleans = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options
}

/// A message and help for a resource limit the text ran into, naming the limit.
fn over_limit(error: &serde_saphyr::Error) -> Option<(String, String)> {
    use serde_saphyr::Error as E;
    let mut e = error;
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = e {
        e = error;
    }
    let depth = || {
        (
            format!("YAML nested deeper than {MAX_YAML_DEPTH} levels, the limit"),
            "evalpress's YAML needs only a few levels of lists and maps; check the brackets and indentation here".to_string(),
        )
    };
    let aliases = || {
        (
            format!(
                "YAML aliases (`*name`) expand to more than {MAX_YAML_ALIAS_EXPANSION} values, the limit"
            ),
            "write the values out instead of repeating an anchor (`&name`) through aliases"
                .to_string(),
        )
    };
    match e {
        E::Budget { breach, .. } => Some(match breach {
            BudgetBreach::Depth { .. } => depth(),
            BudgetBreach::Aliases { .. } | BudgetBreach::AliasAnchorRatio { .. } => aliases(),
            BudgetBreach::Nodes { .. } => (
                format!("YAML holds more than {MAX_YAML_NODES} values, the limit"),
                "split the data into smaller files".to_string(),
            ),
            BudgetBreach::ScalarBytes { .. } => (
                format!(
                    "YAML values add up to more than {MAX_YAML_TEXT_BYTES} bytes of text (aliases expanded), the limit"
                ),
                "write the values out instead of repeating a long anchored value (`&name`) through aliases".to_string(),
            ),
            other => (
                format!("YAML is over a parser limit ({other:?})"),
                "split the data into smaller files, and write repeated values out instead of using aliases".to_string(),
            ),
        }),
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => Some(aliases()),
        _ if e.to_string().starts_with("recursion limit exceeded") => Some(depth()),
        _ => None,
    }
}

/// Turns the parser's message into one line of what is wrong and a help line.
fn explain(raw: &str) -> (String, String) {
    let first = raw.lines().next().unwrap_or(raw).trim();
    let message = strip_location_suffix(first);
    // The parser's advice names one of its own settings; the author needs the key.
    if let Some(key) = message
        .strip_prefix("duplicate mapping key: ")
        .and_then(|rest| rest.split(", set DuplicateKeyPolicy").next())
    {
        return (
            format!("the key `{key}` appears twice"),
            "each key may appear only once; remove one of them".into(),
        );
    }
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
    if message.starts_with("expected string scalar") {
        return (
            "expected a single value here, found a list or map".to_string(),
            "quote the value if it starts with [ or {, e.g. title: \"[a]\"".to_string(),
        );
    }
    if message.starts_with("invalid boolean") {
        return (
            "expected true or false here".to_string(),
            "write true or false (yes, no, on and off are text in evalpress's YAML)".to_string(),
        );
    }
    let help = if message.contains("unknown field") {
        "remove the key or correct its spelling (the message lists the keys allowed here)"
    } else if message.contains("unknown variant") {
        "write one of the values the message lists"
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

/// The keys a struct that derives `Deserialize` accepts (renamed keys by their YAML name), as
/// serde hands them to a deserializer; empty for anything but a struct. Lets a directive whose
/// YAML holds the keys of several specs route each key to the spec that reads it.
pub fn struct_keys<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut keys: &'static [&'static str] = &[];
    let _ = T::deserialize(KeyProbe(&mut keys));
    keys
}

/// A deserializer that records the field names a struct asks for, and then gives up.
struct KeyProbe<'a>(&'a mut &'static [&'static str]);

impl<'de> serde::Deserializer<'de> for KeyProbe<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(serde::de::Error::custom("keys recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
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
    use std::time::{Duration, Instant};

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
    fn struct_keys_are_the_yaml_names() {
        assert_eq!(struct_keys::<Sample>(), ["name", "count"]);
        assert!(struct_keys::<Vec<String>>().is_empty());
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
        assert_eq!(d.message, "the key `name` appears twice", "{d}");
    }

    #[test]
    fn norway_stays_a_string() {
        let s: Sample = parse("name: NO\n", Path::new("f"), Pos::new(1, 1)).unwrap();
        assert_eq!(s.name, "NO");
    }

    /// Takes any value besides `name`, as the untyped parts of directive specs do.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Loose {
        name: String,
        #[serde(flatten)]
        rest: std::collections::BTreeMap<String, serde::de::IgnoredAny>,
    }

    fn loose_err(text: &str) -> Diagnostic {
        parse::<Loose>(text, Path::new("f.yaml"), Pos::new(1, 1)).unwrap_err()
    }

    /// About 1 KB of nested anchors that would expand to 9^9 (387 million) strings.
    fn alias_bomb() -> String {
        let mut text = String::from("name: x\ncount: 1\n# laughs\n");
        text.push_str(
            "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 1..9 {
            let p = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", [p.as_str(); 9].join(",")));
        }
        text
    }

    #[test]
    fn an_alias_bomb_is_refused_quickly_naming_the_limit() {
        let bomb = alias_bomb();
        assert!(bomb.len() < 1100, "{}", bomb.len());
        let start = Instant::now();
        let d = loose_err(&bomb);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(
            d.message, "YAML aliases (`*name`) expand to more than 10000 values, the limit",
            "{d}"
        );
        assert!(d.line >= 5, "placed at an alias: {d}");
    }

    #[test]
    fn nesting_100_000_deep_is_refused_without_overflowing_the_stack() {
        let flow_lists = format!(
            "name: x\ncount: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let flow_maps = format!(
            "name: x\ncount: {}1{}\n",
            "{a: ".repeat(100_000),
            "}".repeat(100_000)
        );
        let block_lists = format!("name: x\ncount:\n  {}1\n", "- ".repeat(100_000));
        let mut block_maps = String::from("name: x\ncount:\n");
        for depth in 1..=100 {
            block_maps.push_str(&format!("{}k:\n", " ".repeat(depth)));
        }
        for text in [flow_lists, flow_maps, block_lists, block_maps] {
            let d = loose_err(&text);
            assert_eq!(
                d.message, "YAML nested deeper than 64 levels, the limit",
                "{d}"
            );
            assert!(d.line >= 2 && d.help.contains("levels"), "{d}");
        }
        // 64 levels (the top map and 63 lists) are accepted; a typed field refuses them at its first bracket.
        let ok = format!("name: x\ncount: {}{}\n", "[".repeat(63), "]".repeat(63));
        assert!(parse::<Loose>(&ok, Path::new("f"), Pos::new(1, 1)).is_ok());
        let d = err(&format!(
            "name: x\ncount: {}{}\n",
            "[".repeat(63),
            "]".repeat(63)
        ));
        assert_eq!(
            d.message, "expected a single value here, found a list or map",
            "{d}"
        );
    }

    #[test]
    fn a_text_over_the_size_cap_is_refused_before_parsing() {
        let text = format!("name: x\n# {}\n", "x".repeat(MAX_YAML_BYTES));
        let d = err(&text);
        assert!(
            d.message
                .ends_with("larger than the limit of 4194304 bytes (4 MiB)"),
            "{d}"
        );
    }

    #[test]
    fn yaml_1_1_booleans_stay_strings() {
        #[derive(Debug, Deserialize)]
        struct Texts {
            texts: Vec<String>,
        }
        let t: Texts = parse(
            "texts: [NO, no, No, off, OFF, yes, Y, n, on, ~x, 1e3, 0x1F, 2024-01-02, .nan]\n",
            Path::new("f"),
            Pos::new(1, 1),
        )
        .unwrap();
        assert_eq!(
            t.texts,
            [
                "NO",
                "no",
                "No",
                "off",
                "OFF",
                "yes",
                "Y",
                "n",
                "on",
                "~x",
                "1e3",
                "0x1F",
                "2024-01-02",
                ".nan"
            ]
        );
        // Where the schema says true/false, only those are accepted.
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Flag {
            flag: bool,
        }
        let d = parse::<Flag>("flag: no\n", Path::new("f"), Pos::new(1, 1)).unwrap_err();
        assert_eq!(d.message, "expected true or false here", "{d}");
    }

    #[test]
    fn aliases_cannot_multiply_a_long_value() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Texts {
            name: String,
            texts: Vec<String>,
        }
        // 100 KB repeated 5,000 times would be 500 MB of text.
        let text = format!(
            "name: &s \"{}\"\ntexts: [{}]\n",
            "x".repeat(100_000),
            vec!["*s"; 5000].join(", ")
        );
        let d = parse::<Texts>(&text, Path::new("f"), Pos::new(1, 1)).unwrap_err();
        assert_eq!(
            d.message,
            "YAML values add up to more than 4194304 bytes of text (aliases expanded), the limit",
            "{d}"
        );
    }
}
