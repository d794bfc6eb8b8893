//! Serde building blocks of the model files: maps that keep their order and key positions,
//! texts with one wording per locale, and positions of YAML nodes as `Pos`.
//!
//! Part of the `models` stage. Only shapes live here; what the values mean is checked by the
//! modules that use them.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_saphyr::{Location, Spanned};

use crate::diagnostics::Pos;

/// Where a YAML node starts, shifted into its file; `fallback` when the parser does not know.
pub fn pos_of(loc: &Location, origin: Pos, fallback: Pos) -> Pos {
    if loc.line() == 0 {
        fallback
    } else {
        Pos::new(loc.line() as usize, loc.column() as usize).within(origin)
    }
}

/// A YAML map read in file order, with the position of every key.
#[derive(Debug, Clone)]
pub struct Entries<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of `id: value` lines")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    out.push((key, map.next_value()?));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(Vis(PhantomData))
    }
}

/// A text with one wording for every locale (`{ da: ..., en: ... }`), or one for all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    One(String),
    /// Locale code -> wording, in file order; the first is used for locales not listed.
    PerLocale(Vec<(String, String)>),
}

impl Text {
    /// The wording for `lang`, or the first one.
    pub fn get(&self, lang: &str) -> &str {
        match self {
            Text::One(s) => s,
            Text::PerLocale(v) => v
                .iter()
                .find(|(l, _)| l == lang)
                .or_else(|| v.first())
                .map_or("", |(_, s)| s.as_str()),
        }
    }

    /// Every wording, the first locale first.
    pub fn all(&self) -> Vec<&str> {
        match self {
            Text::One(s) => vec![s.as_str()],
            Text::PerLocale(v) => v.iter().map(|(_, s)| s.as_str()).collect(),
        }
    }

    /// The same text with each wording changed by `f`.
    pub fn map(&self, f: impl Fn(&str) -> String) -> Text {
        match self {
            Text::One(s) => Text::One(f(s)),
            Text::PerLocale(v) => {
                Text::PerLocale(v.iter().map(|(l, s)| (l.clone(), f(s))).collect())
            }
        }
    }
}

/// Written in the form it is read in (a string, or a map in locale order), so the cached
/// catalog (`cache`) reads back exactly what it wrote.
impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Text::One(text) => s.serialize_str(text),
            Text::PerLocale(v) => s.collect_map(v.iter().map(|(l, t)| (l, t))),
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a text, or a map of locale codes to texts such as `{ da: ..., en: ... }`",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::One(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    out.push((key, map.next_value::<String>()?));
                }
                if out.is_empty() {
                    return Err(de::Error::invalid_length(0, &self));
                }
                Ok(Text::PerLocale(out))
            }
        }
        d.deserialize_any(Vis)
    }
}

/// One step or several: `i høj grad` or `[i nogen grad, i høj grad]`. Positions of single
/// steps are unknown here; the caller uses the position of the enclosing node.
#[derive(Debug, Clone, Default)]
pub struct StepList(pub Vec<Spanned<String>>);

impl<'de> Deserialize<'de> for StepList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = StepList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a step of the scale, or a list of two steps")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StepList, E> {
                Ok(StepList(vec![Spanned::new(
                    v.to_string(),
                    Location::UNKNOWN,
                    Location::UNKNOWN,
                )]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StepList, A::Error> {
                let mut out = Vec::new();
                while let Some(step) = seq.next_element::<Spanned<String>>()? {
                    out.push(step);
                }
                Ok(StepList(out))
            }
        }
        d.deserialize_any(Vis)
    }
}

/// A rated cell as written: `i høj grad`, `[tæt på opnået, fuldt opnået]`, `n/a`, or
/// `{ step: ..., comment: ... }`.
#[derive(Debug, Clone, Default)]
pub struct RawCell {
    pub steps: StepList,
    pub comment: Option<String>,
}

impl<'de> Deserialize<'de> for RawCell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = RawCell;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a step, a list of two steps, `n/a`, or `{ step: ..., comment: ... }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawCell, E> {
                Ok(RawCell {
                    steps: StepList::deserialize(de::value::StrDeserializer::<E>::new(v))?,
                    comment: None,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawCell, A::Error> {
                Ok(RawCell {
                    steps: StepList::deserialize(de::value::SeqAccessDeserializer::new(seq))?,
                    comment: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawCell, A::Error> {
                let mut cell = RawCell::default();
                let mut has_step = false;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "step" => {
                            let steps: Spanned<StepList> = map.next_value()?;
                            cell.steps = with_location(steps);
                            has_step = true;
                        }
                        "comment" => cell.comment = Some(map.next_value()?),
                        other => return Err(de::Error::unknown_field(other, &["step", "comment"])),
                    }
                }
                if !has_step {
                    return Err(de::Error::missing_field("step"));
                }
                Ok(cell)
            }
        }
        d.deserialize_any(Vis)
    }
}

/// The steps of a `Spanned<StepList>`, each given the list's position where it has none.
pub fn with_location(list: Spanned<StepList>) -> StepList {
    StepList(
        list.value
            .0
            .into_iter()
            .map(|s| {
                if s.referenced.line() == 0 {
                    Spanned::new(s.value, list.referenced, list.defined)
                } else {
                    s
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[derive(Debug, Deserialize)]
    struct Doc {
        cells: Entries<Spanned<RawCell>>,
        #[serde(default)]
        name: Option<Text>,
    }

    fn parse(text: &str) -> Doc {
        crate::yaml::parse(text, Path::new("x.yaml"), Pos::new(1, 1)).unwrap()
    }

    #[test]
    fn cells_in_every_form_keep_order_and_positions() {
        let doc = parse(
            "cells:\n  b: i høj grad\n  a: [x, y]\n  c: { step: z, comment: godt }\n  d: n/a\n",
        );
        let keys: Vec<&str> = doc.cells.0.iter().map(|(k, _)| k.value.as_str()).collect();
        assert_eq!(keys, ["b", "a", "c", "d"]);
        let (key, cell) = &doc.cells.0[1];
        assert_eq!((key.referenced.line(), key.referenced.column()), (3, 3));
        let steps: Vec<&str> = cell
            .value
            .steps
            .0
            .iter()
            .map(|s| s.value.as_str())
            .collect();
        assert_eq!(steps, ["x", "y"]);
        assert_eq!(cell.value.steps.0[1].referenced.column(), 10);
        let c = &doc.cells.0[2].1.value;
        assert_eq!(c.comment.as_deref(), Some("godt"));
        assert_eq!(c.steps.0[0].referenced.line(), 4);
    }

    #[test]
    fn texts_are_one_or_per_locale() {
        let doc = parse("cells: {}\nname: { da: grad, en: degree }\n");
        let name = doc.name.unwrap();
        assert_eq!(name.get("en"), "degree");
        assert_eq!(name.get("de"), "grad");
        assert_eq!(Text::One("x".into()).get("en"), "x");
    }

    #[test]
    fn unknown_cell_keys_are_refused() {
        let err = crate::yaml::parse::<Doc>(
            "cells:\n  a: { stp: x }\n",
            Path::new("x.yaml"),
            Pos::new(1, 1),
        )
        .unwrap_err();
        assert!(err.message.contains("unknown field `stp`"), "{err}");
        assert_eq!(err.line, 2);
    }
}
