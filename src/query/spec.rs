//! The declarative query form, as written in YAML (a table directive's body, a chart's, or an
//! inline value's declaration), with the place of every name kept for error messages.
//!
//! Part of the `query` stage. Shapes only: `plan` checks what the names refer to. The keys every
//! directive shares (`label`, `title`, `source`, `note`) are accepted and left to the directive
//! (`directive_spec!`, the same declaration the grids' specs use).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;

use crate::diagnostics::Pos;
use crate::disclosure::Unit;
use crate::markdown::directives::directive_spec;

directive_spec!(
    /// One query: where the data is, which rows, how to group, pivot, compute, total and sort.
    #[derive(Clone)]
    QuerySpec {
        /// The data file, relative to `data/`: `uddannelsesambassadoerer/tabel2-maalgruppe.csv`.
        pub data: Spanned<String>,
        /// Column -> condition; every condition must hold.
        #[serde(default)]
        pub filter: Ordered<Spanned<Condition>>,
        /// Columns that are counts, besides those the sidecar declares `kind: count`.
        #[serde(default)]
        pub counts: Vec<Spanned<String>>,
        /// Columns whose values make the rows.
        #[serde(default)]
        pub group: Vec<Spanned<String>>,
        /// The column whose values become columns (years as columns).
        #[serde(default)]
        pub pivot: Option<Spanned<String>>,
        /// Name -> `sum(col)`, `mean(col)`, `min(col)`, `max(col)`, `count` or `count(col)`.
        #[serde(default)]
        pub aggregate: Ordered<Spanned<String>>,
        /// Name -> expression over published columns, in order: `share(started, target)`.
        #[serde(default)]
        pub compute: Ordered<Spanned<String>>,
        #[serde(default)]
        pub totals: Option<Spanned<Totals>>,
        /// The columns shown, in order; all when left out.
        #[serde(default)]
        pub select: Vec<Spanned<String>>,
        /// Column -> the header shown (references keep using the name).
        #[serde(default)]
        pub rename: Ordered<String>,
        /// Columns to sort the rows by; `-name` sorts descending.
        #[serde(default)]
        pub sort: Vec<Spanned<String>>,
        /// Column -> decimals and unit.
        #[serde(default)]
        pub format: Ordered<FormatSpec>,
    }
);

/// A filter condition: `kommune: København`, `aar: [2019, 2020]`, `aar: {in: [2019, 2020]}`,
/// `n: {min: 3}`, `aar: {min: 2016, max: 2020}` (bounds included).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Condition {
    Equals(Scalar),
    OneOf(Vec<Scalar>),
    Range(RangeSpec),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    #[serde(default, rename = "in")]
    pub one_of: Option<Vec<Scalar>>,
    #[serde(default)]
    pub min: Option<Scalar>,
    #[serde(default)]
    pub max: Option<Scalar>,
}

/// A value in a condition.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Integer(i64),
    Number(f64),
    Text(String),
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Integer(i) => write!(f, "{i}"),
            Scalar::Number(x) => write!(f, "{x}"),
            Scalar::Text(t) => write!(f, "{t}"),
        }
    }
}

/// Which totals to add: the totals row, the totals column (pivot tables), or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Totals {
    Row,
    Column,
    Both,
}

impl Totals {
    pub fn row(self) -> bool {
        matches!(self, Totals::Row | Totals::Both)
    }
    pub fn column(self) -> bool {
        matches!(self, Totals::Column | Totals::Both)
    }
}

/// How one column is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatSpec {
    #[serde(default)]
    pub decimals: Option<u8>,
    #[serde(default)]
    pub unit: Option<Unit>,
}

/// A YAML mapping read in the order written, each key with its place.
#[derive(Debug, Clone)]
pub struct Ordered<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<V> Ordered<V> {
    pub fn iter(&self) -> impl Iterator<Item = (&Spanned<String>, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Seen<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Seen<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of names to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        d.deserialize_map(Seen(PhantomData))
    }
}

/// Where a spanned value is in its file, given where the YAML starts.
pub fn place<T>(s: &Spanned<T>, origin: Pos) -> Pos {
    let l = s.referenced;
    if l.line() == 0 {
        origin
    } else {
        Pos::new(l.line() as usize, l.column() as usize).within(origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse(text: &str) -> QuerySpec {
        crate::yaml::parse(text, Path::new("r.md"), Pos::new(10, 1)).unwrap()
    }

    #[test]
    fn a_full_spec() {
        let s = parse(
            "data: a/b.csv\nfilter: {aar: {in: [2019, 2020]}, kommune: København, n: {min: 3}, k: [a, b]}\n\
             group: [kommune]\npivot: aar\naggregate:\n  n: sum(n)\ncompute:\n  z: n * 2\n  a: z + 1\n\
             totals: both\nsort: [-n]\nformat:\n  z: {decimals: 1, unit: percent}\ntitle: T\n",
        );
        assert_eq!(s.data.value, "a/b.csv");
        let f: Vec<&str> = s.filter.iter().map(|(k, _)| k.value.as_str()).collect();
        assert_eq!(f, ["aar", "kommune", "n", "k"]);
        assert_eq!(
            s.filter.get("aar").unwrap().value,
            Condition::Range(RangeSpec {
                one_of: Some(vec![Scalar::Integer(2019), Scalar::Integer(2020)]),
                min: None,
                max: None
            })
        );
        assert_eq!(
            s.filter.get("kommune").unwrap().value,
            Condition::Equals(Scalar::Text("København".into()))
        );
        assert!(matches!(
            s.filter.get("k").unwrap().value,
            Condition::OneOf(_)
        ));
        let c: Vec<&str> = s.compute.iter().map(|(k, _)| k.value.as_str()).collect();
        assert_eq!(c, ["z", "a"]);
        assert_eq!(s.totals.map(|t| t.value), Some(Totals::Both));
        assert_eq!(s.format.get("z").unwrap().unit, Some(Unit::Percent));
        // Places are in the file: the YAML starts on line 10.
        assert_eq!(place(&s.group[0], Pos::new(10, 1)), Pos::new(12, 9));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let e = crate::yaml::parse::<QuerySpec>(
            "data: x.csv\ngruop: [a]\n",
            Path::new("r.md"),
            Pos::new(5, 1),
        )
        .unwrap_err();
        assert_eq!(e.line, 6, "{e}");
        assert!(e.message.contains("gruop"), "{e}");
    }
}
