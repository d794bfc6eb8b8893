//! Ratings files (`data/models/ratings/<id>.yaml`) -> `Ratings`: for each project and each
//! rated item of a model (core elements, criteria, principles or phases) a step of a scale,
//! or `n/a`; and/or one overall status per item with an explanation.
//!
//! Part of the `models` stage; runs after scales and models are read, since every rating is
//! checked against them. Every problem is located in the ratings file. Renders nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

pub use super::cells::Cell;
use super::cells::{Checker, RawRow, undeclared};
use super::evaluation::{ItemKind, Model, check_ids};
use super::scale::{self, Scale};
use super::schema::{Entries, RawCell, pos_of};
use crate::diagnostics::{Diagnostic, Pos};
use crate::yaml;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ratings {
    pub id: String,
    pub file: PathBuf,
    pub title: Option<String>,
    pub model: String,
    pub scale: String,
    pub rates: ItemKind,
    /// The ids of the rated items, in column order.
    pub items: Vec<String>,
    /// The rows, in file order.
    pub projects: Vec<Project>,
    /// `cells[project][item]`; empty when the file has no per-project ratings.
    pub cells: Vec<Vec<Cell>>,
    /// One overall rating per item (`status:`); empty when the file has none.
    pub status: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRatings {
    #[serde(default)]
    title: Option<String>,
    model: Spanned<String>,
    #[serde(default)]
    scale: Option<Spanned<String>>,
    rates: ItemKind,
    #[serde(default)]
    round: Option<u32>,
    #[serde(default)]
    items: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    projects: Entries<String>,
    #[serde(default)]
    ratings: Entries<Spanned<RawRow>>,
    #[serde(default)]
    status: Option<Spanned<Entries<Spanned<RawCell>>>>,
}

/// What ratings are checked against.
pub struct Known<'a> {
    pub models: &'a BTreeMap<String, Model>,
    pub scales: &'a BTreeMap<String, Scale>,
    /// Files that had errors.
    pub broken: &'a BTreeSet<PathBuf>,
}

/// Reads and checks one ratings file.
pub fn parse(id: &str, file: &Path, text: &str, known: &Known) -> Result<Ratings, Vec<Diagnostic>> {
    let origin = Pos::new(1, 1);
    let raw: RawRatings = yaml::parse(text, file, origin).map_err(|d| vec![d])?;
    let at = |s: &serde_saphyr::Location| pos_of(s, origin, origin);
    let mut problems = Vec::new();
    let Some((model, scale)) = model_and_scale(&raw, file, known, &mut problems) else {
        return Err(problems);
    };
    let items = rated_items(&raw, model, file, &mut problems);
    let check = Checker {
        file,
        model,
        scale,
        kind: raw.rates,
        items: &items,
        origin,
    };
    let projects: Vec<(String, Pos)> = raw
        .projects
        .0
        .iter()
        .map(|(k, _)| (k.value.clone(), at(&k.referenced)))
        .collect();
    check_ids(file, "project", &projects, &mut problems);
    let cells = check.rows(&raw.projects, &raw.ratings, &mut problems);
    let status = match &raw.status {
        Some(s) => check.row("status", at(&s.referenced), Some(&s.value), &mut problems),
        None => Vec::new(),
    };
    if raw.ratings.0.is_empty() && raw.status.is_none() {
        problems.push(
            Diagnostic::error(
                file,
                origin,
                "the file has neither `ratings:` nor `status:`",
            )
            .help(
                "rate each project under `ratings:`, or give one status per item under `status:`",
            ),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Ratings {
        id: id.to_string(),
        file: file.to_path_buf(),
        title: raw.title,
        model: model.id.clone(),
        scale: scale.id.clone(),
        rates: raw.rates,
        items,
        projects: raw
            .projects
            .0
            .into_iter()
            .map(|(k, name)| Project { id: k.value, name })
            .collect(),
        cells,
        status,
    })
}

/// The model and the scale the file names (the default scale when it names none).
fn model_and_scale<'a>(
    raw: &RawRatings,
    file: &Path,
    known: &Known<'a>,
    problems: &mut Vec<Diagnostic>,
) -> Option<(&'a Model, &'a Scale)> {
    let origin = Pos::new(1, 1);
    let model_pos = pos_of(&raw.model.referenced, origin, origin);
    let model = find(
        known.models,
        &raw.model,
        "model",
        file,
        model_pos,
        known,
        problems,
    );
    let scale_name = raw.scale.clone().unwrap_or_else(|| {
        Spanned::new(
            scale::DEFAULT_ID.into(),
            raw.model.referenced,
            raw.model.defined,
        )
    });
    let scale_pos = pos_of(&scale_name.referenced, origin, origin);
    let scale = find(
        known.scales,
        &scale_name,
        "scale",
        file,
        scale_pos,
        known,
        problems,
    );
    Some((model?, scale?))
}

/// The model or scale named by `name`, or an error saying why there is none.
fn find<'a, T>(
    map: &'a BTreeMap<String, T>,
    name: &Spanned<String>,
    what: &str,
    file: &Path,
    pos: Pos,
    known: &Known,
    problems: &mut Vec<Diagnostic>,
) -> Option<&'a T> {
    let found = map.get(&name.value);
    if found.is_none() {
        let folder = if what == "model" {
            "data/models/"
        } else {
            "data/models/scales/"
        };
        let (message, help) = super::missing(map, known.broken, what, folder, &name.value);
        problems.push(Diagnostic::error(file, pos, message).help(help));
    }
    found
}

/// The items the file rates: those listed under `items:`, or every item of the kind (in the
/// round, if given) in model order.
fn rated_items(
    raw: &RawRatings,
    model: &Model,
    file: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let kind = raw.rates;
    let declared = model.items(kind);
    let Some(listed) = &raw.items else {
        let items: Vec<String> = declared
            .iter()
            .filter(|i| i.in_round(raw.round))
            .map(|i| i.id.clone())
            .collect();
        if items.is_empty() {
            problems.push(
                Diagnostic::error(
                    file,
                    Pos::new(1, 1),
                    format!("model `{}` has no {} to rate", model.id, kind.key()),
                )
                .help(format!(
                    "declare them under `{}:` in {}",
                    kind.key(),
                    model.file.display()
                )),
            );
        }
        return items;
    };
    let origin = Pos::new(1, 1);
    let mut items = Vec::new();
    for item in listed {
        let pos = pos_of(&item.referenced, origin, origin);
        if !declared.iter().any(|i| i.id == item.value) {
            problems.push(undeclared(kind, &item.value, model, file, pos));
        } else if items.contains(&item.value) {
            problems.push(
                Diagnostic::error(
                    file,
                    pos,
                    format!("{} `{}` is listed twice", kind.noun(), item.value),
                )
                .help("list every item once under `items:`"),
            );
        }
        items.push(item.value.clone());
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::evaluation;

    fn known_parse(text: &str) -> Result<Ratings, Vec<String>> {
        let model = evaluation::parse(
            "m",
            Path::new("data/models/m.yaml"),
            "title: M\ncore_elements:\n  - { id: k1, text: A }\n  - { id: k2, text: B }\n",
        )
        .unwrap();
        let models = BTreeMap::from([("m".to_string(), model)]);
        let scales = BTreeMap::from([(scale::DEFAULT_ID.to_string(), scale::default_scale())]);
        let broken = BTreeSet::new();
        let known = Known {
            models: &models,
            scales: &scales,
            broken: &broken,
        };
        parse("r", Path::new("r.yaml"), text, &known)
            .map_err(|ds| ds.iter().map(|d| d.to_string()).collect())
    }

    const HEAD: &str = "model: m\nrates: core_elements\nprojects:\n  a: Aalborg\n  b: Billund\n";

    #[test]
    fn a_full_grid_with_a_double_tick_and_not_applicable() {
        let r = known_parse(&format!(
            "{HEAD}ratings:\n  a: {{ k1: i høj grad, k2: [i nogen grad, i lav grad] }}\n  b:\n    k1: {{ step: n/a, comment: Ikke relevant }}\n    k2: i meget høj grad\n"
        ))
        .unwrap();
        assert_eq!(r.items, ["k1", "k2"]);
        assert_eq!(r.cells[0][0].steps, [3]);
        assert_eq!(r.cells[0][1].steps, [1, 2]);
        assert!(r.cells[1][0].not_applicable());
        assert_eq!(r.cells[1][1].steps, [4]);
    }

    #[test]
    fn every_problem_is_located() {
        let errs = known_parse(&format!(
            "{HEAD}ratings:\n  a: {{ k1: I høj grad, k3: i lav grad }}\n  c: {{ k1: i lav grad, k2: i lav grad }}\n"
        ))
        .unwrap_err();
        let expected = [
            "r.yaml:5:3: error: project `b` has no ratings",
            "r.yaml:7:3: error: project `a` has no rating for core element `k2`",
            "r.yaml:7:12: error: `I høj grad` is not a step of the scale `grad`",
            "r.yaml:7:24: error: core element `k3` is not declared in model `m`",
            "r.yaml:8:3: error: project `c` is not declared",
        ];
        for e in expected {
            assert!(
                errs.iter().any(|x| x.starts_with(e)),
                "missing {e} in {errs:#?}"
            );
        }
    }

    #[test]
    fn missing_models_and_scales_are_named() {
        let errs = known_parse("model: n\nscale: grd\nrates: criteria\n").unwrap_err();
        assert!(
            errs[0].starts_with("r.yaml:1:8: error: model `n` not found"),
            "{errs:?}"
        );
        assert!(
            errs[1].starts_with(
                "r.yaml:2:8: error: scale `grd` not found\n  help: did you mean `grad`?"
            ),
            "{errs:?}"
        );
    }

    #[test]
    fn status_rates_each_item_once() {
        let r = known_parse("model: m\nrates: core_elements\nstatus:\n  k1: { step: i høj grad, comment: Godt }\n  k2: [i lav grad, i nogen grad]\n").unwrap();
        assert_eq!(r.status[0].steps, [3]);
        assert_eq!(r.status[0].comment.as_deref(), Some("Godt"));
        assert_eq!(r.status[1].steps, [1, 2]);
        assert!(r.cells.is_empty());
    }
}
