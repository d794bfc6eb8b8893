//! Fenced code blocks whose info string names a directive -> numbered elements.
//!
//! A directive body is YAML; for kinds holding Markdown, a line `---` ends the YAML and the
//! Markdown follows. This module knows the kinds and their specs; the builder numbers them.

use serde::Deserialize;

use crate::model::ElementKind;

/// The directive kinds this version understands.
pub const KINDS: &[(&str, ElementKind)] = &[
    ("box", ElementKind::Box),
    ("table", ElementKind::Table),
    ("figure", ElementKind::Figure),
];

/// Names close to a directive that an author may write by mistake, and what they meant.
const LOOKALIKES: &[(&str, &str)] = &[
    ("boks", "box"),
    ("tabel", "table"),
    ("figur", "figure"),
    ("fig", "figure"),
];

/// Kinds that later versions add; naming one now is an error, not a code block.
const PLANNED: &[&str] = &[
    "chart",
    "grid",
    "status",
    "distribution",
    "value",
    "data",
    "matrix",
    "list",
];

/// What an info string asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fence {
    /// An ordinary code block.
    Code,
    Directive(ElementKind),
    /// Looks like a directive but is none; the message explains.
    Unknown {
        name: String,
        suggestion: Option<String>,
    },
}

pub fn classify(info: &str) -> Fence {
    let name = info.split_whitespace().next().unwrap_or("");
    if let Some((_, kind)) = KINDS.iter().find(|(n, _)| *n == name) {
        return Fence::Directive(*kind);
    }
    let lower = name.to_ascii_lowercase();
    if let Some((_, meant)) = LOOKALIKES.iter().find(|(n, _)| *n == lower) {
        return Fence::Unknown {
            name: name.into(),
            suggestion: Some((*meant).into()),
        };
    }
    if KINDS.iter().any(|(n, _)| *n == lower) {
        return Fence::Unknown {
            name: name.into(),
            suggestion: Some(lower),
        };
    }
    if PLANNED.contains(&lower.as_str()) {
        return Fence::Unknown {
            name: name.into(),
            suggestion: None,
        };
    }
    if let Some((n, _)) = KINDS
        .iter()
        .find(|(n, _)| n.len() > 3 && edit_distance(n, &lower) == 1)
    {
        return Fence::Unknown {
            name: name.into(),
            suggestion: Some((*n).into()),
        };
    }
    Fence::Code
}

/// The YAML part of a box, table or figure directive.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default)]
    pub label: Option<String>,
    pub title: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Splits a directive body at its `---` line into YAML and the Markdown's byte offset.
pub fn split_body(body: &str) -> (&str, Option<usize>) {
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return (&body[..offset], Some(offset + line.len()));
        }
        offset += line.len();
    }
    (body, None)
}

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate closest to `name`, if it is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings_are_classified() {
        assert_eq!(classify("box"), Fence::Directive(ElementKind::Box));
        assert_eq!(
            classify("table extra"),
            Fence::Directive(ElementKind::Table)
        );
        assert_eq!(classify("rust"), Fence::Code);
        assert_eq!(classify(""), Fence::Code);
        assert_eq!(classify("text"), Fence::Code);
        assert_eq!(classify("bash"), Fence::Code);
        assert_eq!(
            classify("tabel"),
            Fence::Unknown {
                name: "tabel".into(),
                suggestion: Some("table".into())
            }
        );
        assert_eq!(
            classify("Box"),
            Fence::Unknown {
                name: "Box".into(),
                suggestion: Some("box".into())
            }
        );
        assert_eq!(
            classify("figue"),
            Fence::Unknown {
                name: "figue".into(),
                suggestion: Some("figure".into())
            }
        );
        assert_eq!(
            classify("chart"),
            Fence::Unknown {
                name: "chart".into(),
                suggestion: None
            }
        );
    }

    #[test]
    fn bodies_split_at_the_separator() {
        assert_eq!(split_body("title: a\n---\n- x\n"), ("title: a\n", Some(13)));
        assert_eq!(split_body("title: a\n"), ("title: a\n", None));
    }

    #[test]
    fn closest_candidates() {
        assert_eq!(
            closest("tab-budgt", ["tab-budget", "fig-x"]),
            Some("tab-budget")
        );
        assert_eq!(closest("zzz", ["tab-budget"]), None);
    }
}
