//! The rows and cells of a ratings file -> checked `Cell`s: every step is a step of the scale,
//! every item is declared and rated, no cell is missing.
//!
//! Part of the `models` stage, used by `ratings`. Every problem is located in the ratings file;
//! nothing is guessed: a near miss is an error that names the step meant.

use std::fmt;
use std::path::Path;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::evaluation::{ItemKind, Model};
use super::scale::{NOT_APPLICABLE, Scale};
use super::schema::{Entries, RawCell, pos_of};
use crate::diagnostics::{Diagnostic, Pos};
use crate::markdown::directives::closest;

/// One checked rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// Indices into the scale's steps, lowest first: one, two (a double tick), or none when
    /// the item does not apply to the project.
    pub steps: Vec<usize>,
    /// A comment (Markdown); in a status table, the explanation. Left out of the cached
    /// catalog when there is none: most cells have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Cell {
    pub fn not_applicable(&self) -> bool {
        self.steps.is_empty()
    }
}

/// A project's ratings as written: a map of item -> cell, or `n/a` for the whole row.
#[derive(Debug, Default)]
pub struct RawRow(Option<Entries<Spanned<RawCell>>>);

impl<'de> Deserialize<'de> for RawRow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = RawRow;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of `item: step` lines, or `n/a` when nothing applies")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawRow, E> {
                if v == NOT_APPLICABLE {
                    Ok(RawRow(None))
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawRow, A::Error> {
                Entries::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|e| RawRow(Some(e)))
            }
        }
        d.deserialize_any(Vis)
    }
}

pub fn undeclared(kind: ItemKind, id: &str, model: &Model, file: &Path, pos: Pos) -> Diagnostic {
    let ids = model.items(kind).iter().map(|i| i.id.as_str());
    let all = format!(
        "{} of model `{}`: {}",
        kind.key(),
        model.id,
        ids.clone().collect::<Vec<_>>().join(", ")
    );
    let help = match closest(id, ids) {
        Some(c) => format!("did you mean `{c}`? The {all}"),
        None => format!("the {all}"),
    };
    Diagnostic::error(
        file,
        pos,
        format!(
            "{} `{id}` is not declared in model `{}`",
            kind.noun(),
            model.id
        ),
    )
    .help(help)
}

/// Checks rows of cells against the scale and the rated items.
pub struct Checker<'a> {
    pub file: &'a Path,
    pub model: &'a Model,
    pub scale: &'a Scale,
    pub kind: ItemKind,
    pub items: &'a [String],
    pub origin: Pos,
}

impl Checker<'_> {
    fn pos(&self, loc: &serde_saphyr::Location, fallback: Pos) -> Pos {
        pos_of(loc, self.origin, fallback)
    }

    /// Every declared project's row, in declaration order.
    pub fn rows(
        &self,
        projects: &Entries<String>,
        rows: &Entries<Spanned<RawRow>>,
        problems: &mut Vec<Diagnostic>,
    ) -> Vec<Vec<Cell>> {
        let declared: Vec<&str> = projects.0.iter().map(|(k, _)| k.value.as_str()).collect();
        for (key, _) in &rows.0 {
            if !declared.contains(&key.value.as_str()) {
                let help = match closest(&key.value, declared.iter().copied()) {
                    Some(c) => format!(
                        "did you mean `{c}`? Every project is declared under `projects:` with its name"
                    ),
                    None => format!(
                        "declare it under `projects:`, e.g. `{}: Name of the project`",
                        key.value
                    ),
                };
                problems.push(
                    Diagnostic::error(
                        self.file,
                        self.pos(&key.referenced, self.origin),
                        format!("project `{}` is not declared", key.value),
                    )
                    .help(help),
                );
            }
        }
        let mut cells = Vec::new();
        for (key, _) in &projects.0 {
            let at = self.pos(&key.referenced, self.origin);
            match rows.0.iter().find(|(k, _)| k.value == key.value) {
                Some((k, row)) => {
                    let at = self.pos(&k.referenced, at);
                    match &row.value.0 {
                        Some(entries) => {
                            cells.push(self.row(&key.value, at, Some(entries), problems))
                        }
                        None => cells.push(vec![
                            Cell {
                                steps: Vec::new(),
                                comment: None
                            };
                            self.items.len()
                        ]),
                    }
                }
                None if !rows.0.is_empty() => {
                    problems.push(
                        Diagnostic::error(
                            self.file,
                            at,
                            format!("project `{}` has no ratings", key.value),
                        )
                        .help(format!(
                            "add `{}:` under `ratings:` with one line per {}, or `{}: n/a`",
                            key.value,
                            self.kind.noun(),
                            key.value
                        )),
                    );
                }
                None => {}
            }
        }
        cells
    }

    /// One row: a cell for every rated item, in item order.
    pub fn row(
        &self,
        row: &str,
        at: Pos,
        entries: Option<&Entries<Spanned<RawCell>>>,
        problems: &mut Vec<Diagnostic>,
    ) -> Vec<Cell> {
        let empty = Entries::default();
        let entries = entries.unwrap_or(&empty);
        for (key, _) in &entries.0 {
            let pos = self.pos(&key.referenced, at);
            if !self
                .model
                .items(self.kind)
                .iter()
                .any(|i| i.id == key.value)
            {
                problems.push(undeclared(
                    self.kind, &key.value, self.model, self.file, pos,
                ));
            } else if !self.items.contains(&key.value) {
                problems.push(
                    Diagnostic::error(
                        self.file,
                        pos,
                        format!(
                            "{} `{}` is not rated in this file",
                            self.kind.noun(),
                            key.value
                        ),
                    )
                    .help(format!(
                        "add it to `items:`, or remove the line; rated here: {}",
                        self.items.join(", ")
                    )),
                );
            }
        }
        let mut cells = Vec::new();
        for item in self.items {
            match entries.0.iter().find(|(k, _)| &k.value == item) {
                Some((k, cell)) => {
                    let pos = self.pos(&cell.referenced, self.pos(&k.referenced, at));
                    cells.push(self.cell(&cell.value, pos, problems));
                }
                None => {
                    let whose = if row == "status" {
                        "`status:`".to_string()
                    } else {
                        format!("project `{row}`")
                    };
                    problems.push(
                        Diagnostic::error(
                            self.file,
                            at,
                            format!("{whose} has no rating for {} `{item}`", self.kind.noun()),
                        )
                        .help(format!(
                            "add `{item}: <step>`, or `{item}: n/a` when it does not apply"
                        )),
                    );
                    cells.push(Cell {
                        steps: Vec::new(),
                        comment: None,
                    });
                }
            }
        }
        cells
    }

    fn cell(&self, raw: &RawCell, at: Pos, problems: &mut Vec<Diagnostic>) -> Cell {
        let written = &raw.steps.0;
        let mut steps = Vec::new();
        let not_applicable = written.iter().any(|s| s.value == NOT_APPLICABLE);
        for s in written {
            let pos = self.pos(&s.referenced, at);
            if s.value == NOT_APPLICABLE {
                continue;
            }
            match self.scale.step_of(&s.value) {
                Some(i) if steps.contains(&i) => problems.push(
                    Diagnostic::error(
                        self.file,
                        pos,
                        format!("the step `{}` is ticked twice", s.value),
                    )
                    .help("a double tick names two different steps"),
                ),
                Some(i) => steps.push(i),
                None => problems.push(self.scale.not_a_step(&s.value, self.file, pos)),
            }
        }
        if not_applicable && written.len() > 1 {
            problems.push(
                Diagnostic::error(self.file, at, "`n/a` cannot be combined with a step").help(
                    "write `n/a` alone when the item does not apply, or the step(s) without `n/a`",
                ),
            );
        } else if written.is_empty() || written.len() > 2 {
            problems.push(
                Diagnostic::error(
                    self.file,
                    at,
                    format!(
                        "a cell holds one step or two (a double tick), found {}",
                        written.len()
                    ),
                )
                .help("write one step, two steps as `[step, step]`, or `n/a`"),
            );
        }
        steps.sort_unstable();
        Cell {
            steps,
            comment: raw.comment.clone(),
        }
    }
}
