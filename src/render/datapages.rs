//! Reports + the data store and model catalogue -> the views of the data pages of the `render`
//! stage: each report's "Data og metode" list (every numbered table, figure and box with its
//! source, data files, extraction date and CSV download) and the site's list of datasets with
//! where each one is used.
//!
//! Only what the pages already publish is listed: the data behind an element is offered as the
//! element's own disclosure-controlled CSV, never as the raw file. No words and no HTML here.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::data::store::Store;
use crate::locale::Locale;
use crate::model::{Element, Node};
use crate::models::Catalog;

/// The folder of the datasets page inside the output.
pub const DATA_FOLDER: &str = "data";

/// A data file, linked to its entry on the datasets page.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct DatasetLink {
    pub name: String,
    /// `name` split after its last `/`, so a page can let long paths wrap there.
    pub folder: String,
    pub file: String,
    pub url: String,
}

/// One numbered element in a report's data section.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ElementRow {
    /// "Tabel 2", "Figur 4.1".
    pub label: String,
    pub title: String,
    /// The element's anchor on the report page.
    pub anchor: String,
    pub source: Option<String>,
    pub datasets: Vec<DatasetLink>,
    /// The extraction dates of its data files, as shown ("5. august 2024").
    pub extracted: Vec<String>,
    /// The URL of the element's CSV, when it is generated from data.
    pub download: Option<String>,
}

/// The numbered elements of the report `slug` (its `nodes`), in reading order.
pub fn element_rows(
    (slug, nodes): (&str, &[Node]),
    locale: &Locale,
    store: &Store,
    base: &str,
) -> Vec<ElementRow> {
    let mut rows = Vec::new();
    collect(nodes, &mut |el| {
        let generated = el.generated.as_deref();
        let sources = generated.map(|g| g.sources.as_slice()).unwrap_or(&[]);
        let mut extracted: Vec<String> = sources
            .iter()
            .filter_map(|name| store.listing(name)?.extracted_date())
            .map(|date| locale.format_date(date))
            .collect();
        extracted.dedup();
        rows.push(ElementRow {
            label: format!("{} {}", locale.word(el.kind.word_keys().0), el.number),
            title: el.title.clone(),
            anchor: el.anchor.clone(),
            source: el.source.clone(),
            datasets: sources.iter().map(|s| dataset_link(base, s)).collect(),
            extracted,
            download: generated
                .and_then(|g| g.download.as_ref())
                .map(|d| format!("{base}{slug}/{}", d.path)),
        });
    });
    rows
}

/// Calls `f` for every numbered element in `nodes`, also inside boxes.
fn collect<'a>(nodes: &'a [Node], f: &mut dyn FnMut(&'a Element)) {
    for node in nodes {
        if let Node::Element(el) = node {
            f(el);
            collect(&el.content, f);
        }
    }
}

/// The link to a data file's entry on the datasets page.
pub fn dataset_link(base: &str, name: &str) -> DatasetLink {
    let (folder, file) = name.rsplit_once('/').map_or(("", name), |(f, n)| (f, n));
    DatasetLink {
        name: name.to_string(),
        folder: if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        },
        file: file.to_string(),
        url: format!("{base}{DATA_FOLDER}/#{}", dataset_id(name)),
    }
}

/// The fragment id of a data file on the datasets page: `ds-` and its path with every
/// character that is not a letter or digit as `-`.
pub fn dataset_id(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("ds-{slug}")
}

/// One place a dataset is used.
#[derive(Debug, Clone, Serialize)]
pub struct Use {
    pub report_title: String,
    pub report_lang: String,
    pub element: String,
    pub url: String,
}

/// One entry of the datasets page.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetView {
    pub name: String,
    pub id: String,
    pub title: Option<String>,
    /// "CSV" or "YAML".
    pub format: &'static str,
    pub source: Option<String>,
    pub extracted: Option<String>,
    pub illustrative: bool,
    pub uses: Vec<Use>,
}

/// A report as the datasets page needs it: title, language, URL and element rows.
pub struct Listed<'a> {
    pub title: &'a str,
    pub lang: &'a str,
    pub url: &'a str,
    pub rows: &'a [ElementRow],
}

/// Every data file of the site (CSV files and the YAML of models, ratings and lists), sorted
/// by path, with the elements that use it.
pub fn datasets(
    store: &Store,
    catalog: &Catalog,
    reports: &[Listed],
    locale: &Locale,
) -> Vec<DatasetView> {
    let mut uses: BTreeMap<&str, Vec<Use>> = BTreeMap::new();
    for r in reports {
        for row in r.rows {
            for d in &row.datasets {
                uses.entry(&d.name).or_default().push(Use {
                    report_title: r.title.to_string(),
                    report_lang: r.lang.to_string(),
                    element: format!("{} {}", row.label, row.title),
                    url: format!("{}#{}", r.url, row.anchor),
                });
            }
        }
    }
    let mut out: Vec<DatasetView> = Vec::new();
    for name in store.names() {
        let listing = store.listing(name).unwrap_or_default();
        out.push(DatasetView {
            name: name.to_string(),
            id: dataset_id(name),
            extracted: listing.extracted_date().map(|d| locale.format_date(d)),
            title: listing.title,
            format: "CSV",
            source: listing.source,
            illustrative: listing.illustrative,
            uses: uses.remove(name).unwrap_or_default(),
        });
    }
    let yaml = catalog
        .models
        .values()
        .map(|m| (&m.file, Some(m.title.clone())))
        .chain(catalog.ratings.values().map(|r| (&r.file, r.title.clone())))
        .chain(catalog.lists.values().map(|l| (&l.file, l.title.clone())));
    for (file, title) in yaml {
        let path = file.to_string_lossy().replace('\\', "/");
        let name = path.strip_prefix("data/").unwrap_or(&path).to_string();
        out.push(DatasetView {
            id: dataset_id(&name),
            uses: uses.remove(name.as_str()).unwrap_or_default(),
            name,
            title,
            format: "YAML",
            source: None,
            extracted: None,
            illustrative: false,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_ids_are_valid_fragments_and_links_point_at_them() {
        assert_eq!(
            dataset_id("job-veu/Budget 2021.csv"),
            "ds-job-veu-budget-2021-csv"
        );
        let link = dataset_link("/r/", "models/ratings/a.yaml");
        assert_eq!(link.url, "/r/data/#ds-models-ratings-a-yaml");
        assert_eq!(
            (link.folder.as_str(), link.file.as_str()),
            ("models/ratings/", "a.yaml")
        );
        assert_eq!(dataset_link("/", "t.csv").folder, "");
    }
}
