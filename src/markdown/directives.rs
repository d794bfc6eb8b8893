//! Fenced code blocks whose info string names a directive -> numbered elements.
//!
//! A directive body is YAML; for kinds holding Markdown, a line `---` ends the YAML and the
//! Markdown follows. Kinds generated from data (grids, status tables, lists) keep their YAML
//! for the stage that knows the data (`grids`, `tables`); here only the keys every element
//! shares (label, title, source, note) are read, so numbering and labels work the same for all
//! kinds. A `table` or `box` without a Markdown part whose YAML has a `data:` key is the data
//! form of that kind: a table generated from a data file (see [`data_form`]); a `chart` is always
//! generated from data. This module knows the kinds and their common spec; the builder numbers
//! them.

use serde::Deserialize;

use crate::model::ElementKind;

/// What a directive's body holds besides its YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Markdown after a `---` line (box, table, figure).
    Markdown,
    /// Nothing: the content is generated from data by the `grids` stage.
    Data,
}

/// The directive kinds this version understands, what they are numbered as, and their body.
pub const KINDS: &[(&str, ElementKind, Body)] = &[
    ("box", ElementKind::Box, Body::Markdown),
    ("table", ElementKind::Table, Body::Markdown),
    ("figure", ElementKind::Figure, Body::Markdown),
    ("grid", ElementKind::Table, Body::Data),
    ("status", ElementKind::Table, Body::Data),
    ("distribution", ElementKind::Table, Body::Data),
    ("list", ElementKind::Table, Body::Data),
    ("model", ElementKind::Box, Body::Data),
    ("theory-of-change", ElementKind::Figure, Body::Data),
    ("chart", ElementKind::Figure, Body::Data),
];

/// The kind names, for help lines: "box, table, figure, grid, ...".
pub fn kind_names() -> String {
    KINDS.iter().map(|k| k.0).collect::<Vec<_>>().join(", ")
}

/// Names close to a directive that an author may write by mistake, and what they meant.
const LOOKALIKES: &[(&str, &str)] = &[
    ("boks", "box"),
    ("tabel", "table"),
    ("figur", "figure"),
    ("fig", "figure"),
    ("fidelity", "grid"),
    ("fidelitet", "grid"),
    ("liste", "list"),
    ("fordeling", "distribution"),
    ("model-box", "model"),
    ("forandringsteori", "theory-of-change"),
    ("diagram", "chart"),
    ("graf", "chart"),
];

/// Kinds that later versions add; naming one now is an error, not a code block.
const PLANNED: &[&str] = &["value", "data", "matrix"];

/// What an info string asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fence {
    /// An ordinary code block.
    Code,
    Directive {
        name: &'static str,
        kind: ElementKind,
        body: Body,
    },
    /// Looks like a directive but is none; the message explains.
    Unknown {
        name: String,
        suggestion: Option<String>,
    },
}

pub fn classify(info: &str) -> Fence {
    let name = info.split_whitespace().next().unwrap_or("");
    if let Some((name, kind, body)) = KINDS.iter().find(|(n, _, _)| *n == name) {
        return Fence::Directive {
            name,
            kind: *kind,
            body: *body,
        };
    }
    let lower = name.to_ascii_lowercase();
    if let Some((_, meant)) = LOOKALIKES.iter().find(|(n, _)| *n == lower) {
        return Fence::Unknown {
            name: name.into(),
            suggestion: Some((*meant).into()),
        };
    }
    if KINDS.iter().any(|(n, _, _)| *n == lower) {
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
    if let Some((n, _, _)) = KINDS
        .iter()
        .find(|(n, _, _)| n.len() > 3 && edit_distance(n, &lower) == 1)
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

/// The keys every directive shares, read leniently from a generated kind's YAML: the `grids`
/// stage reads the whole spec, unknown keys included, once the data is known.
#[derive(Debug, Clone, Deserialize)]
pub struct CommonSpec {
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Declares the full spec of a directive generated from data: unknown keys are refused, and
/// the keys every directive shares (label, title, source, note), which the markdown stage
/// already read, are accepted and ignored.
macro_rules! directive_spec {
    ($(#[$meta:meta])* $name:ident { $($body:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, ::serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            #[serde(default, rename = "label")]
            _label: Option<::serde::de::IgnoredAny>,
            #[serde(default, rename = "title")]
            _title: Option<::serde::de::IgnoredAny>,
            #[serde(default, rename = "source")]
            _source: Option<::serde::de::IgnoredAny>,
            #[serde(default, rename = "note")]
            _note: Option<::serde::de::IgnoredAny>,
            $($body)*
        }
    };
}
pub(crate) use directive_spec;

/// The kinds that also have a data form.
pub const DATA_FORMS: &[&str] = &["table", "box"];

/// Whether a generated element's directive runs a query over a dataset (the data forms of
/// `table` and `box`, and `chart`): the `tables` stage builds those, the `grids` stage the rest.
pub fn runs_query(directive: &str) -> bool {
    DATA_FORMS.contains(&directive) || directive == "chart"
}

/// Whether a `table` or `box` directive is its data form: no Markdown part, and a `data:` key
/// in its YAML (YAML that does not parse is left to the ordinary spec's error).
pub fn data_form(name: &str, yaml_text: &str, has_markdown: bool) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        data: Option<serde::de::IgnoredAny>,
    }
    DATA_FORMS.contains(&name)
        && !has_markdown
        && crate::yaml::parse::<Probe>(
            yaml_text,
            std::path::Path::new(""),
            crate::diagnostics::Pos::new(1, 1),
        )
        .is_ok_and(|p| p.data.is_some())
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

/// The candidate closest to `name`, if it is close enough to be a likely typo and no other
/// candidate is as close (`k9` among `k1`, `k2`, `k3` suggests nothing).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut near: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .collect();
    near.sort();
    match near.as_slice() {
        [(d, c), (next, _), ..] if next > d => Some(c),
        [(_, c)] => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings_are_classified() {
        let unknown = |name: &str, suggestion: Option<&str>| Fence::Unknown {
            name: name.into(),
            suggestion: suggestion.map(String::from),
        };
        let directive = |name, kind, body| Fence::Directive { name, kind, body };
        assert_eq!(
            classify("box"),
            directive("box", ElementKind::Box, Body::Markdown)
        );
        assert_eq!(
            classify("table extra"),
            directive("table", ElementKind::Table, Body::Markdown)
        );
        assert_eq!(
            classify("grid"),
            directive("grid", ElementKind::Table, Body::Data)
        );
        assert_eq!(
            classify("model"),
            directive("model", ElementKind::Box, Body::Data)
        );
        assert_eq!(classify("fidelity"), unknown("fidelity", Some("grid")));
        assert_eq!(classify("rust"), Fence::Code);
        assert_eq!(classify(""), Fence::Code);
        assert_eq!(classify("text"), Fence::Code);
        assert_eq!(classify("bash"), Fence::Code);
        assert_eq!(classify("tabel"), unknown("tabel", Some("table")));
        assert_eq!(classify("Box"), unknown("Box", Some("box")));
        assert_eq!(classify("figue"), unknown("figue", Some("figure")));
        assert_eq!(
            classify("chart"),
            directive("chart", ElementKind::Figure, Body::Data)
        );
        assert_eq!(classify("diagram"), unknown("diagram", Some("chart")));
        assert_eq!(classify("matrix"), unknown("matrix", None));
    }

    #[test]
    fn data_forms_have_data_and_no_markdown() {
        assert!(data_form("table", "data: a.csv\ntitle: T\n", false));
        assert!(data_form("box", "{data: a.csv}", false));
        assert!(!data_form("table", "data: a.csv\n", true));
        assert!(!data_form("table", "title: T\n", false));
        assert!(!data_form("grid", "data: a.csv\n", false));
        assert!(!data_form("table", "data: [\n", false));
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
        assert_eq!(closest("k9", ["k1", "k2", "k3"]), None);
        assert_eq!(closest("k9", ["k1x", "k9x"]), Some("k9x"));
    }
}
