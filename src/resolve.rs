//! Parsed reports -> reports whose every cross-reference and inline value is checked and
//! resolved against the labels of the whole site. All dangling references are collected.

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::locale::Locale;
use crate::markdown::directives::closest;
use crate::model::{ElementKind, InlineValue, KeyFigure, Node, ParsedReport, ResolvedRef, Target};

/// Every label of the site: report slug -> label -> target.
pub type LabelIndex = BTreeMap<String, BTreeMap<String, Target>>;

/// Where inline values `[=name]` come from. A source answers `None` for names that are not
/// of its kind, `Some(Err(help))` for names of its kind that it cannot give, and otherwise
/// the value's text in the page's locale.
pub trait Values: Sync {
    fn value(&self, name: &str, locale: &Locale) -> Option<Result<String, String>>;
}

/// No inline values at all.
impl Values for () {
    fn value(&self, _: &str, _: &Locale) -> Option<Result<String, String>> {
        None
    }
}

/// Two sources: the first that knows the name answers.
impl<A: Values, B: Values> Values for (A, B) {
    fn value(&self, name: &str, locale: &Locale) -> Option<Result<String, String>> {
        self.0
            .value(name, locale)
            .or_else(|| self.1.value(name, locale))
    }
}

impl<T: Values> Values for &T {
    fn value(&self, name: &str, locale: &Locale) -> Option<Result<String, String>> {
        (**self).value(name, locale)
    }
}

pub fn label_index(reports: &[ParsedReport]) -> LabelIndex {
    reports
        .iter()
        .map(|r| (r.slug.clone(), r.labels.clone()))
        .collect()
}

/// Resolves the references in `nodes`, written in report `from` (the front page is `""`).
pub fn resolve_nodes(
    nodes: &mut [Node],
    from: &str,
    index: &LabelIndex,
    locale: &Locale,
    base_path: &str,
    values: &dyn Values,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for node in nodes.iter_mut() {
        match node {
            Node::RefStart(r) => match lookup(&r.target, from, index) {
                Ok(t) => r.resolved = Some(describe(t, from, locale, base_path)),
                Err(help) => diags.push(
                    Diagnostic::error(
                        &r.file,
                        r.pos,
                        format!("reference to unknown label `{}`", r.target),
                    )
                    .help(help),
                ),
            },
            Node::Value(v) => match values.value(&v.name, locale) {
                Some(Ok(text)) => v.resolved = Some(text),
                Some(Err(help)) => diags.push(
                    Diagnostic::error(&v.file, v.pos, format!("inline value `{}` not found", v.name))
                        .help(help),
                ),
                None => diags.push(
                    Diagnostic::error(&v.file, v.pos, format!("unknown inline value `{}`", v.name)).help(
                        "inline values name a value declared under `values:` in the report's front matter, a cell of a data table (`[=<table label>/<row>/<column>]`) or ratings (`[=ratings:<ratings file>/<item>/<step>]`); check the name's spelling",
                    ),
                ),
            },
            Node::Element(el) => diags.extend(resolve_nodes(
                &mut el.content,
                from,
                index,
                locale,
                base_path,
                values,
            )),
            _ => {}
        }
    }
    diags
}

/// Resolves every report and its footnotes.
pub fn resolve_report(
    report: &mut ParsedReport,
    index: &LabelIndex,
    locale: &Locale,
    base_path: &str,
    values: &dyn Values,
) -> Diagnostics {
    let mut diags = resolve_nodes(
        &mut report.nodes,
        &report.slug,
        index,
        locale,
        base_path,
        values,
    );
    for note in &mut report.footnotes {
        diags.extend(resolve_nodes(
            &mut note.content,
            &report.slug,
            index,
            locale,
            base_path,
            values,
        ));
    }
    diags
}

/// The report's headline results (`key_figures:` in its front matter), each value resolved like
/// an inline value `[=name]` of the report; an unknown name is an error at its place there.
pub fn key_figures(
    report: &ParsedReport,
    index: &LabelIndex,
    locale: &Locale,
    base_path: &str,
    values: &dyn Values,
) -> (Vec<KeyFigure>, Diagnostics) {
    let origin = crate::markdown::FRONT_MATTER_ORIGIN;
    let mut nodes: Vec<Node> = report
        .front
        .key_figures
        .iter()
        .map(|k| {
            Node::Value(Box::new(InlineValue {
                name: k.value.value.clone(),
                file: report.source.clone(),
                pos: crate::query::spec::place(&k.value, origin),
                resolved: None,
            }))
        })
        .collect();
    let diags = resolve_nodes(&mut nodes, &report.slug, index, locale, base_path, values);
    let figures = report
        .front
        .key_figures
        .iter()
        .zip(nodes)
        .filter_map(|(k, node)| match node {
            Node::Value(v) => v.resolved.map(|value| KeyFigure {
                label: k.label.clone(),
                value,
            }),
            _ => None,
        })
        .collect();
    (figures, diags)
}

fn lookup<'a>(target: &str, from: &str, index: &'a LabelIndex) -> Result<&'a Target, String> {
    let (slug, label) = match target.split_once('/') {
        Some((slug, label)) => (slug, label),
        None => (from, target),
    };
    let Some(labels) = index.get(slug) else {
        let slugs = index.keys().map(String::as_str).filter(|s| !s.is_empty());
        return Err(match closest(slug, slugs) {
            Some(s) => format!("there is no report `{slug}`; did you mean `{s}/{label}`?"),
            None => format!("there is no report `{slug}`; write [@report-folder/label]"),
        });
    };
    labels.get(label).ok_or_else(|| {
        let near = closest(label, labels.keys().map(String::as_str));
        match near {
            Some(n) if slug == from => format!("did you mean `[@{n}]`?"),
            Some(n) => format!("did you mean `[@{slug}/{n}]`?"),
            None if labels.is_empty() => {
                "that report defines no labels; add `label:` to a box, table or figure".into()
            }
            None => format!(
                "labels here: {}",
                labels.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        }
    })
}

/// The link and text of a reference: "tabel 2", or a section's title when it has no number.
fn describe(t: &Target, from: &str, locale: &Locale, base_path: &str) -> ResolvedRef {
    let href = if t.report == from && !from.is_empty() {
        format!("#{}", t.anchor)
    } else {
        format!("{base_path}{}/#{}", t.report, t.anchor)
    };
    let text = if t.number.is_empty() {
        t.title.clone()
    } else {
        // A no-break space keeps "tabel 1" together on one line.
        let word = locale.word(ElementKind::word_keys(t.kind).1);
        format!("{word}\u{a0}{}", t.number)
    };
    ResolvedRef { href, text }
}
