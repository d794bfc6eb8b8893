//! Evaluation model files (`data/models/<id>.yaml`) -> `Model`: success criteria, target
//! groups, core elements, principles, phases and the expected changes of the theory of change.
//!
//! Part of the `models` stage. One model serves every report of a programme; items may be
//! limited to some rounds. Checks ids and references inside the file; renders nothing.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::schema::pos_of;
use crate::diagnostics::{Diagnostic, Pos};
use crate::markdown::is_valid_label;
use crate::yaml;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub id: String,
    pub file: PathBuf,
    pub title: String,
    pub criteria: Vec<Item>,
    pub targets: Vec<TargetGroup>,
    pub core_elements: Vec<Item>,
    pub principles: Vec<Item>,
    pub phases: Vec<Item>,
    pub changes: Changes,
}

/// A criterion, core element, principle or phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    /// The full wording, as in the model box.
    pub text: String,
    /// A short wording for column headers; the full text when missing.
    #[serde(default)]
    pub short: Option<String>,
    /// A longer explanation (Markdown), shown in status tables.
    #[serde(default)]
    pub description: Option<String>,
    /// For core elements: the id of their target group.
    #[serde(default)]
    pub target: Option<String>,
    /// The rounds of the programme the item belongs to; all when empty.
    #[serde(default)]
    pub rounds: Vec<u32>,
}

impl Item {
    pub fn short(&self) -> &str {
        self.short.as_deref().unwrap_or(&self.text)
    }

    pub fn in_round(&self, round: Option<u32>) -> bool {
        match round {
            Some(r) => self.rounds.is_empty() || self.rounds.contains(&r),
            None => true,
        }
    }
}

/// Whom a group of core elements is aimed at ("Kerneelementer rettet mod borgere").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetGroup {
    pub id: String,
    pub title: String,
}

/// The expected changes of the theory of change, by horizon.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    #[serde(default)]
    pub short: Vec<String>,
    #[serde(default)]
    pub medium: Vec<String>,
    #[serde(default)]
    pub long: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.short.is_empty() && self.medium.is_empty() && self.long.is_empty()
    }
}

/// The kinds of items a ratings file can rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Criteria,
    CoreElements,
    Principles,
    Phases,
}

impl ItemKind {
    /// The YAML key, also used in messages.
    pub fn key(self) -> &'static str {
        match self {
            ItemKind::Criteria => "criteria",
            ItemKind::CoreElements => "core_elements",
            ItemKind::Principles => "principles",
            ItemKind::Phases => "phases",
        }
    }

    /// The singular noun for messages: "core element `k9`".
    pub fn noun(self) -> &'static str {
        match self {
            ItemKind::Criteria => "success criterion",
            ItemKind::CoreElements => "core element",
            ItemKind::Principles => "principle",
            ItemKind::Phases => "phase",
        }
    }

    /// The locale word key for one item, used in status tables ("Princip 1.").
    pub fn word_key(self) -> &'static str {
        match self {
            ItemKind::Criteria => "criterion",
            ItemKind::CoreElements => "core_element",
            ItemKind::Principles => "principle",
            ItemKind::Phases => "phase",
        }
    }
}

impl Model {
    pub fn items(&self, kind: ItemKind) -> &[Item] {
        match kind {
            ItemKind::Criteria => &self.criteria,
            ItemKind::CoreElements => &self.core_elements,
            ItemKind::Principles => &self.principles,
            ItemKind::Phases => &self.phases,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    title: String,
    #[serde(default)]
    criteria: Vec<Spanned<Item>>,
    #[serde(default)]
    targets: Vec<Spanned<TargetGroup>>,
    #[serde(default)]
    core_elements: Vec<Spanned<Item>>,
    #[serde(default)]
    principles: Vec<Spanned<Item>>,
    #[serde(default)]
    phases: Vec<Spanned<Item>>,
    #[serde(default)]
    changes: Changes,
}

/// Reads and checks one model file.
pub fn parse(id: &str, file: &Path, text: &str) -> Result<Model, Vec<Diagnostic>> {
    let origin = Pos::new(1, 1);
    let raw: RawModel = yaml::parse(text, file, origin).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let at = |s: &Spanned<Item>| pos_of(&s.referenced, origin, origin);
    let target_ids: Vec<(String, Pos)> = raw
        .targets
        .iter()
        .map(|t| (t.value.id.clone(), pos_of(&t.referenced, origin, origin)))
        .collect();
    check_ids(file, "target group", &target_ids, &mut problems);
    for kind in [
        ItemKind::Criteria,
        ItemKind::CoreElements,
        ItemKind::Principles,
        ItemKind::Phases,
    ] {
        let list = match kind {
            ItemKind::Criteria => &raw.criteria,
            ItemKind::CoreElements => &raw.core_elements,
            ItemKind::Principles => &raw.principles,
            ItemKind::Phases => &raw.phases,
        };
        let ids: Vec<(String, Pos)> = list.iter().map(|i| (i.value.id.clone(), at(i))).collect();
        check_ids(file, kind.noun(), &ids, &mut problems);
        for item in list {
            check_target(file, kind, item, at(item), &target_ids, &mut problems);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let unspan = |v: Vec<Spanned<Item>>| v.into_iter().map(|s| s.value).collect();
    Ok(Model {
        id: id.to_string(),
        file: file.to_path_buf(),
        title: raw.title,
        criteria: unspan(raw.criteria),
        targets: raw.targets.into_iter().map(|t| t.value).collect(),
        core_elements: unspan(raw.core_elements),
        principles: unspan(raw.principles),
        phases: unspan(raw.phases),
        changes: raw.changes,
    })
}

fn check_target(
    file: &Path,
    kind: ItemKind,
    item: &Spanned<Item>,
    at: Pos,
    targets: &[(String, Pos)],
    problems: &mut Vec<Diagnostic>,
) {
    let item = &item.value;
    match (&item.target, kind) {
        (Some(t), ItemKind::CoreElements) if !targets.iter().any(|(id, _)| id == t) => {
            let mut known: Vec<&str> = targets.iter().map(|(id, _)| id.as_str()).collect();
            known.dedup();
            problems.push(
                Diagnostic::error(
                    file,
                    at,
                    format!(
                        "core element `{}` names the target group `{t}`, which is not declared",
                        item.id
                    ),
                )
                .help(if known.is_empty() {
                    "declare it under `targets:` with `- { id: ..., title: ... }`".to_string()
                } else {
                    format!(
                        "target groups declared under `targets:`: {}",
                        known.join(", ")
                    )
                }),
            );
        }
        (Some(_), ItemKind::CoreElements) | (None, _) => {}
        (Some(_), _) => problems.push(
            Diagnostic::error(
                file,
                at,
                format!("{} `{}` has a `target`", kind.noun(), item.id),
            )
            .help("only core elements belong to a target group; remove `target`"),
        ),
    }
}

/// Reports ids that are not valid labels or occur twice in one list.
pub fn check_ids(file: &Path, noun: &str, ids: &[(String, Pos)], problems: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&str, Pos)> = Vec::new();
    for (id, pos) in ids {
        if !is_valid_label(id) {
            problems.push(
                Diagnostic::error(file, *pos, format!("{noun} id `{id}` is not valid"))
                    .help("use lowercase letters a-z, digits, `-` and `_`, e.g. `k1`"),
            );
        }
        if let Some((_, first)) = seen.iter().find(|(s, _)| s == id) {
            problems.push(
                Diagnostic::error(file, *pos, format!("{noun} id `{id}` is used twice")).help(
                    format!(
                        "it was first used at line {}; give every {noun} its own id",
                        first.line
                    ),
                ),
            );
        }
        seen.push((id, *pos));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_with_groups_and_rounds() {
        let m = parse(
            "ua",
            Path::new("m.yaml"),
            "title: M\ncriteria:\n  - { id: s1, text: Flere løft, rounds: [2] }\ntargets:\n  - { id: borgere, title: Rettet mod borgere }\ncore_elements:\n  - { id: k1, text: Informere, short: Info, target: borgere }\n",
        )
        .unwrap();
        assert_eq!(m.core_elements[0].short(), "Info");
        assert!(m.criteria[0].in_round(Some(2)));
        assert!(!m.criteria[0].in_round(Some(3)));
        assert!(m.criteria[0].in_round(None));
    }

    #[test]
    fn duplicate_ids_and_unknown_targets_are_errors() {
        let errs = parse(
            "ua",
            Path::new("m.yaml"),
            "title: M\ncore_elements:\n  - { id: k1, text: A, target: x }\n  - { id: k1, text: B }\n",
        )
        .unwrap_err();
        let text: Vec<String> = errs.iter().map(|d| d.to_string()).collect();
        assert!(
            text.iter()
                .any(|t| t.starts_with("m.yaml:4:5: error: core element id `k1` is used twice")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("target group `x`, which is not declared")),
            "{text:?}"
        );
    }
}
