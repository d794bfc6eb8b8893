//! Structured list files (`data/models/lists/<id>.yaml`) -> `List`: drivers and barriers,
//! potential areas with their recommendations, or initiatives with findings and a verdict.
//!
//! Part of the `models` stage. A list is written once and rendered wherever a report refers
//! to it. Checks the shape only; renders nothing.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Pos};
use crate::yaml;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List {
    pub id: String,
    pub file: PathBuf,
    pub title: Option<String>,
    pub content: ListContent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ListContent {
    DriversBarriers {
        drivers: Vec<String>,
        barriers: Vec<String>,
    },
    /// Potential areas, each with recommendations; both numbered on through the list.
    Recommendations(Vec<Area>),
    Initiatives(Vec<Initiative>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub title: String,
    pub recommendations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Initiative {
    pub title: String,
    /// Markdown, one finding per entry.
    #[serde(default)]
    pub findings: Vec<String>,
    /// The agreed verdict (Markdown).
    pub verdict: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    drivers: Option<Vec<String>>,
    #[serde(default)]
    barriers: Option<Vec<String>>,
    #[serde(default)]
    areas: Option<Vec<Area>>,
    #[serde(default)]
    initiatives: Option<Vec<Initiative>>,
}

/// Reads and checks one list file.
pub fn parse(id: &str, file: &Path, text: &str) -> Result<List, Vec<Diagnostic>> {
    let raw: RawList = yaml::parse(text, file, Pos::new(1, 1)).map_err(|d| vec![d])?;
    let content = match (raw.drivers, raw.barriers, raw.areas, raw.initiatives) {
        (Some(drivers), Some(barriers), None, None) => {
            ListContent::DriversBarriers { drivers, barriers }
        }
        (None, None, Some(areas), None) => ListContent::Recommendations(areas),
        (None, None, None, Some(initiatives)) => ListContent::Initiatives(initiatives),
        _ => {
            return Err(vec![
                Diagnostic::error(file, Pos::new(1, 1), "a list file holds one kind of list")
                    .help("write either `drivers:` and `barriers:`, or `areas:` (with `recommendations:`), or `initiatives:`"),
            ]);
        }
    };
    Ok(List {
        id: id.to_string(),
        file: file.to_path_buf(),
        title: raw.title,
        content,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_lists() {
        let l = parse("x", Path::new("l.yaml"), "drivers: [a, b]\nbarriers: [c]\n").unwrap();
        assert!(
            matches!(l.content, ListContent::DriversBarriers { ref barriers, .. } if barriers == &["c"])
        );
        let l = parse(
            "x",
            Path::new("l.yaml"),
            "areas:\n  - title: A\n    recommendations: [r1, r2]\n",
        )
        .unwrap();
        assert!(
            matches!(l.content, ListContent::Recommendations(ref a) if a[0].recommendations.len() == 2)
        );
        let e = parse("x", Path::new("l.yaml"), "drivers: [a]\nareas: []\n").unwrap_err();
        assert_eq!(e[0].message, "a list file holds one kind of list");
    }
}
