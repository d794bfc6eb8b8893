//! The YAML of a `chart` directive: the keys every element shares, a query (`data:`, `filter`,
//! `group`, `pivot`, ... as for data tables), how the query's table maps to the chart (`x`,
//! `series`, `n`, `transpose`) and the chart's own options (`kind`, `unit`, ..., see
//! [`ChartSpec`]), all at the top level of one mapping.
//!
//! Part of the `tables` stage. Each key belongs to exactly one of the three specs, which serde
//! reads with unknown keys refused; so the directive's YAML is split by top-level key into three
//! texts of the same lines, each key's lines kept in its own text and blanked in the others.
//! Every line stays where it was, so every error, from whichever spec, points at its line and
//! column in the Markdown file. A key that no spec knows is an error with "did you mean".

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::de::IgnoredAny;
use serde_saphyr::Spanned;

use crate::charts::ChartSpec;
use crate::diagnostics::{Diagnostic, Pos};
use crate::markdown::directives::{closest, directive_spec};
use crate::query::spec::{Ordered, place};
use crate::query::{Query, QuerySpec};
use crate::yaml;

directive_spec!(
    /// Which columns of the query's table the chart shows.
    Mapping {
        /// The column (or columns, joined with ", ") naming the categories; default: the first.
        #[serde(default)]
        pub x: Option<Spanned<Columns>>,
        /// The value columns, one series each, in order; default: every column that is not a
        /// key, `x` or `n`.
        #[serde(default)]
        pub series: Vec<Spanned<String>>,
        /// The column of respondents per category ("Leder N = 25").
        #[serde(default)]
        pub n: Option<Spanned<String>>,
        /// The columns are the categories and each row is a series (a wide file with years as
        /// columns).
        #[serde(default)]
        pub transpose: bool,
    }
);

/// One column name or several.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub enum Columns {
    One(String),
    Many(Vec<String>),
}

impl Columns {
    pub fn names(&self) -> Vec<&str> {
        match self {
            Columns::One(name) => vec![name.as_str()],
            Columns::Many(names) => names.iter().map(String::as_str).collect(),
        }
    }
}

/// A chart directive's YAML, read.
#[derive(Debug)]
pub struct ChartDirective {
    pub query: Query,
    pub chart: ChartSpec,
    pub mapping: Mapping,
    /// Where each top-level key is written, for errors about a key's value.
    pub keys: BTreeMap<String, Pos>,
}

/// The spec a top-level key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Query,
    Chart,
    Mapping,
}

/// The keys every element shares; the chart part accepts and ignores them.
const SHARED: [&str; 4] = ["label", "title", "source", "note"];

fn part_of(key: &str) -> Option<Part> {
    let has = |keys: &[&str]| keys.contains(&key);
    if has(&SHARED) || has(yaml::struct_keys::<ChartSpec>()) {
        Some(Part::Chart)
    } else if has(yaml::struct_keys::<QuerySpec>()) {
        Some(Part::Query)
    } else if has(yaml::struct_keys::<Mapping>()) {
        Some(Part::Mapping)
    } else {
        None
    }
}

/// Reads the YAML `text` of a chart directive whose body starts at `origin` in `file` and
/// whose fence is at `fence`.
pub fn parse(
    text: &str,
    file: &Path,
    origin: Pos,
    fence: Pos,
) -> Result<ChartDirective, Vec<Diagnostic>> {
    let top: Ordered<IgnoredAny> = yaml::parse(text, file, origin).map_err(|d| vec![d])?;
    let mut owners: Vec<(usize, Part)> = Vec::new();
    let mut keys = BTreeMap::new();
    let mut problems = Vec::new();
    let mut shared_lines = BTreeSet::new();
    for (key, _) in top.iter() {
        let at = place(key, origin);
        let line = key.referenced.line() as usize;
        match part_of(&key.value) {
            _ if owners.iter().any(|(l, _)| *l == line) => {
                if shared_lines.insert(line) {
                    problems.push(
                        Diagnostic::error(file, at, "a chart's keys must stand one per line")
                            .help("write the chart's YAML in block style, `key: value` on a line of its own, not as `{...}`"),
                    );
                }
            }
            Some(part) => owners.push((line, part)),
            None => problems.push(unknown_key(&key.value, file, at)),
        }
        keys.insert(key.value.clone(), at);
    }
    if !keys.contains_key("data") && problems.is_empty() {
        problems.push(
            Diagnostic::error(file, fence, "the chart names no data")
                .help("add `data: <file.csv>`, the CSV file under data/ whose numbers it shows, and a query as for data tables"),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let texts = split(text, &owners);
    let query = Query::parse(&texts[0], file, origin);
    let chart = yaml::parse::<ChartSpec>(&texts[1], file, origin);
    let mapping = yaml::parse::<Mapping>(&texts[2], file, origin);
    match (query, chart, mapping) {
        (Ok(query), Ok(chart), Ok(mapping)) => Ok(ChartDirective {
            query,
            chart,
            mapping,
            keys,
        }),
        (q, c, m) => Err([q.err(), c.err(), m.err()].into_iter().flatten().collect()),
    }
}

/// `text` as three texts of the same lines (query, chart, mapping): each top-level entry's
/// lines, from its key's line to the next key's, in the text of its part and blank in the
/// others. Lines before the first key (comments) stay in all three.
fn split(text: &str, owners: &[(usize, Part)]) -> [String; 3] {
    let mut owners = owners.to_vec();
    owners.sort_by_key(|(line, _)| *line);
    let mut out: [String; 3] = Default::default();
    let mut current: Option<Part> = None;
    let mut next = owners.iter().peekable();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        while let Some((_, part)) = next.next_if(|(l, _)| *l == i + 1) {
            current = Some(*part);
        }
        for (slot, part) in [Part::Query, Part::Chart, Part::Mapping].iter().enumerate() {
            if current.is_none_or(|c| c == *part) {
                out[slot].push_str(line);
            } else {
                out[slot].push('\n');
            }
        }
    }
    out
}

fn unknown_key(key: &str, file: &Path, at: Pos) -> Diagnostic {
    let parts = [
        yaml::struct_keys::<ChartSpec>(),
        yaml::struct_keys::<QuerySpec>(),
        yaml::struct_keys::<Mapping>(),
    ];
    let all = parts.iter().flat_map(|k| k.iter().copied());
    let help = match closest(key, all) {
        Some(near) => format!("did you mean `{near}`?"),
        None => "a chart takes the keys of every element (label, title, source, note), a query as for data tables (data, filter, group, pivot, aggregate, compute, ...), `x`, `series`, `n`, `transpose`, and the chart's options (kind, value_labels, decimals, unit, ...; see README.md, Charts)".to_string(),
    };
    Diagnostic::error(file, at, format!("unknown key `{key}` in a chart")).help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::Kind;

    fn read(text: &str) -> Result<ChartDirective, Vec<String>> {
        parse(text, Path::new("r.md"), Pos::new(10, 1), Pos::new(9, 1))
            .map_err(|ds| ds.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn keys_go_to_their_spec() {
        let d = read(
            "label: fig-x\ntitle: T\nkind: grouped-bar\ndata: a/b.csv\nfilter:\n  Forløb: Løft\n\
             x: Gruppe\nseries: [før, under]\nunit: percent\npivot: År\n",
        )
        .unwrap();
        assert_eq!(d.query.data(), "a/b.csv");
        assert_eq!(d.chart.kind, Kind::GroupedBar);
        assert_eq!(d.mapping.series.len(), 2);
        assert_eq!(
            d.mapping.x.map(|x| x.value),
            Some(Columns::One("Gruppe".into()))
        );
        // Places are in the Markdown file: the YAML starts on line 10.
        assert_eq!(d.keys["unit"], Pos::new(18, 1));
    }

    #[test]
    fn errors_keep_their_lines_in_every_part() {
        let errors = read("data: a.csv\nkind: pie\nfilter: {A: 1}\ngroup: 3\nx: [A, B]\n")
            .unwrap_err()
            .join("\n");
        assert!(errors.contains("r.md:11:7"), "{errors}");
        assert!(errors.contains("pie"), "{errors}");
        assert!(errors.contains("r.md:13:8"), "{errors}");
    }

    #[test]
    fn unknown_keys_and_flow_style_are_refused() {
        let errors = read("data: a.csv\nkind: bar\ncolour: red\nseries: [x]\nserie: y\n")
            .unwrap_err()
            .join("\n");
        assert!(
            errors.contains("r.md:12:1: error: unknown key `colour`"),
            "{errors}"
        );
        assert!(
            errors.contains("r.md:14:1: error: unknown key `serie`"),
            "{errors}"
        );
        assert!(errors.contains("did you mean `series`?"), "{errors}");
        let flow = read("{data: a.csv, kind: bar}").unwrap_err().join("\n");
        assert!(flow.contains("one per line"), "{flow}");
        let none = read("kind: bar\n").unwrap_err().join("\n");
        assert!(
            none.contains("r.md:9:1: error: the chart names no data"),
            "{none}"
        );
    }

    #[test]
    fn the_readme_examples_read() {
        let readme = include_str!("../../README.md");
        let mut count = 0;
        for block in readme.split("```chart\n").skip(1) {
            let yaml = &block[..block.find("```").unwrap()];
            read(yaml).unwrap_or_else(|e| panic!("{yaml}\n{e:?}"));
            count += 1;
        }
        assert!(count >= 10, "{count} examples");
    }

    #[test]
    fn multi_line_values_stay_with_their_key() {
        let d = read(
            "kind: line\ndescription: >\n  Lang tekst\n  over to linjer.\ndata: a.csv\ncompute:\n  z: a * 2\n",
        )
        .unwrap();
        assert_eq!(
            d.chart.description.as_deref(),
            Some("Lang tekst over to linjer.\n")
        );
        assert_eq!(d.query.data(), "a.csv");
    }
}
