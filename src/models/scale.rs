//! Scale files (`data/models/scales/<id>.yaml`) -> `Scale`: ordered steps, each with a label
//! per locale, a short label for cells and a position on the theme's sequential palette.
//!
//! Part of the `models` stage. Also finds the step an author meant when a rating is not
//! written exactly as a step ("I høj grad" for "i høj grad"). Renders nothing.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::schema::{Text, pos_of};
use crate::diagnostics::{Diagnostic, Pos};
use crate::markdown::directives::edit_distance;
use crate::markdown::{is_valid_label, slugify};
use crate::yaml;

/// Positions on the theme's single-hue palette: `--scale-1` (lightest) to `--scale-7`.
pub const PALETTE: u8 = 7;

/// The id of the built-in scale that ratings use when they name none.
pub const DEFAULT_ID: &str = "grad";

/// The built-in scale's file, compiled in.
pub const DEFAULT_YAML: &str = include_str!("default_scale.yaml");

/// Written in a cell instead of a step when the element does not apply to the project.
pub const NOT_APPLICABLE: &str = "n/a";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scale {
    pub id: String,
    pub file: PathBuf,
    pub title: Option<Text>,
    /// Lowest first.
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// A slug, used in inline values and CSS classes: `i-hoej-grad`.
    pub id: String,
    /// The running-text wording, and what ratings are written as: "i høj grad".
    pub label: Text,
    /// The wording in grid cells and legends: "I høj grad".
    pub short: Text,
    /// 1 (lightest) to `PALETTE` (darkest).
    pub colour: u8,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    #[serde(default)]
    title: Option<Text>,
    steps: Spanned<Vec<Spanned<RawStep>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    #[serde(default)]
    id: Option<String>,
    label: Text,
    #[serde(default)]
    short: Option<Text>,
    #[serde(default)]
    colour: Option<u8>,
}

/// Reads and checks one scale file.
pub fn parse(id: &str, file: &Path, text: &str) -> Result<Scale, Vec<Diagnostic>> {
    let origin = Pos::new(1, 1);
    let raw: RawScale = yaml::parse(text, file, origin).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let count = raw.steps.value.len();
    if count < 2 {
        problems.push(
            Diagnostic::error(
                file,
                pos_of(&raw.steps.referenced, origin, origin),
                format!("a scale needs at least two steps, found {count}"),
            )
            .help("list the steps under `steps:`, lowest first"),
        );
    }
    let mut steps: Vec<Step> = Vec::new();
    for (i, s) in raw.steps.value.into_iter().enumerate() {
        let at = pos_of(&s.referenced, origin, origin);
        let s = s.value;
        let id = s.id.unwrap_or_else(|| slugify(s.label.get("")));
        let mut problem = |message: String, help: &str| {
            problems.push(Diagnostic::error(file, at, message).help(help))
        };
        if !is_valid_label(&id) {
            problem(
                format!("step id `{id}` is not valid"),
                "use lowercase letters a-z, digits, `-` and `_`, e.g. `i-hoej-grad`",
            );
        }
        if steps.iter().any(|o| o.id == id) {
            problem(
                format!("step id `{id}` is used twice"),
                "give every step its own id",
            );
        }
        for label in s.label.all() {
            if label == NOT_APPLICABLE {
                problem(
                    format!("`{NOT_APPLICABLE}` cannot be a step"),
                    "ratings write `n/a` for cells that do not apply; name the step otherwise",
                );
            } else if steps.iter().any(|o| o.label.all().contains(&label)) {
                problem(
                    format!("the step label `{label}` is used twice"),
                    "every step needs its own wording, so a rating names exactly one step",
                );
            }
        }
        let colour = s.colour.unwrap_or_else(|| spread(i, count));
        if !(1..=PALETTE).contains(&colour) {
            problem(
                format!("colour {colour} is not a position on the palette"),
                "write a number from 1 (lightest) to 7 (darkest), or leave `colour` out to spread the steps evenly",
            );
        }
        let short = s.short.unwrap_or_else(|| s.label.map(capitalise));
        steps.push(Step {
            id,
            label: s.label,
            short,
            colour,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Scale {
        id: id.to_string(),
        file: file.to_path_buf(),
        title: raw.title,
        steps,
    })
}

/// The palette position of step `i` of `count` when the scale does not say: spread evenly
/// from the lightest to the darkest.
pub fn spread(i: usize, count: usize) -> u8 {
    if count < 2 {
        return 1;
    }
    let span = f64::from(PALETTE - 1);
    (1.0 + (i as f64) * span / (count - 1) as f64).round() as u8
}

/// "i høj grad" -> "I høj grad".
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Scale {
    /// The step written exactly as `written` (in any of the scale's locales).
    pub fn step_of(&self, written: &str) -> Option<usize> {
        self.steps
            .iter()
            .position(|s| s.label.all().contains(&written))
    }

    /// The step whose id is `id`.
    pub fn step_by_id(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }

    /// The label an author most likely meant by `written`: the same words in another case or
    /// spacing, or a label a few letters away.
    pub fn nearest(&self, written: &str) -> Option<&str> {
        let norm = normalise(written);
        let labels: Vec<&str> = self.steps.iter().flat_map(|s| s.label.all()).collect();
        if let Some(l) = labels.iter().find(|l| normalise(l) == norm) {
            return Some(l);
        }
        labels
            .iter()
            .map(|l| (edit_distance(&norm, &normalise(l)), *l))
            .filter(|(d, l)| *d <= (l.chars().count() / 3).max(2))
            .min()
            .map(|(_, l)| l)
    }

    /// The error for a rating that is no step of this scale.
    pub fn not_a_step(&self, written: &str, file: &Path, pos: Pos) -> Diagnostic {
        let steps = self.label_list();
        let help = match self.nearest(written) {
            Some(n) => {
                format!("did you mean `{n}`? Write a step exactly as the scale does: {steps}")
            }
            None => format!(
                "write one of the steps of `{}`: {steps}, or `n/a` when the element does not apply",
                self.id
            ),
        };
        Diagnostic::error(
            file,
            pos,
            format!("`{written}` is not a step of the scale `{}`", self.id),
        )
        .help(help)
    }

    /// "i meget lav grad, i lav grad, ..." in the first locale.
    pub fn label_list(&self) -> String {
        self.steps
            .iter()
            .map(|s| s.label.get(""))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The built-in default scale.
pub fn default_scale() -> Scale {
    parse(DEFAULT_ID, Path::new("<built-in scale grad>"), DEFAULT_YAML)
        .expect("the built-in scale is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scale_has_five_steps_light_to_dark() {
        let s = default_scale();
        let ids: Vec<&str> = s.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "i-meget-lav-grad",
                "i-lav-grad",
                "i-nogen-grad",
                "i-hoej-grad",
                "i-meget-hoej-grad"
            ]
        );
        let colours: Vec<u8> = s.steps.iter().map(|s| s.colour).collect();
        assert_eq!(colours, [1, 3, 4, 6, 7]);
        assert_eq!(s.steps[3].short.get("da"), "I høj grad");
        assert_eq!(s.steps[3].label.get("en"), "to a high degree");
    }

    #[test]
    fn near_misses_name_the_step_meant() {
        let s = default_scale();
        assert_eq!(s.step_of("i høj grad"), Some(3));
        assert_eq!(s.step_of("to a high degree"), Some(3));
        assert_eq!(s.step_of("I høj grad"), None);
        assert_eq!(s.nearest("I høj grad"), Some("i høj grad"));
        assert_eq!(s.nearest("i  hoj grad"), Some("i høj grad"));
        assert_eq!(s.nearest("I MEGET HØJ GRAD"), Some("i meget høj grad"));
        assert_eq!(s.nearest("slet ikke"), None);
        let d = s.not_a_step("I høj grad", Path::new("r.yaml"), Pos::new(3, 9));
        assert_eq!(
            d.to_string(),
            "r.yaml:3:9: error: `I høj grad` is not a step of the scale `grad`\n  help: did you mean `i høj grad`? Write a step exactly as the scale does: i meget lav grad, i lav grad, i nogen grad, i høj grad, i meget høj grad"
        );
    }

    #[test]
    fn steps_spread_over_the_palette() {
        assert_eq!((0..3).map(|i| spread(i, 3)).collect::<Vec<_>>(), [1, 4, 7]);
        assert_eq!(
            (0..7).map(|i| spread(i, 7)).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6, 7]
        );
    }

    #[test]
    fn bad_scales_are_refused_with_positions() {
        let errs = parse(
            "x",
            Path::new("s.yaml"),
            "steps:\n  - label: a\n  - label: a\n    colour: 9\n",
        )
        .unwrap_err();
        let text: Vec<String> = errs.iter().map(|d| d.to_string()).collect();
        assert!(
            text[0].starts_with("s.yaml:3:5: error: step id `a` is used twice"),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.contains("label `a` is used twice")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("colour 9 is not a position")),
            "{text:?}"
        );
    }
}
