//! The data stage for a whole site: every CSV file under `data/` (but not `data/models/`, which
//! the `models` stage reads) with its sidecar -> a [`Store`] of sealed datasets that every report
//! shares.
//!
//! Input: the site root and the site's [`DataDefaults`]. Output: the store, keyed by each file's
//! path under `data/` with `/` separators (`uddannelsesambassadoerer/tabel2-maalgruppe.csv`, the
//! form a query's `data:` names it by), and a diagnostic for every file that could not be read.
//! Each file is read once, in parallel, and the result does not depend on the number of threads.
//! Datasets leave this stage sealed: only the query engine can read their cells.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{DataDefaults, read_dataset};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::markdown::directives::closest;
use crate::query::Sealed;

/// The folder of data files, relative to the site root.
pub const FOLDER: &str = "data";

/// Every data file of the site, read and sealed (or, in an incremental build, only listed).
#[derive(Debug, Default)]
pub struct Store {
    datasets: BTreeMap<String, Sealed>,
    /// Files that had errors, so their users say so rather than "not found".
    broken: BTreeSet<String>,
    /// Files not read by this build: unchanged since a build that read them without errors,
    /// and needed by no report it computes. What the data pages show of them was kept.
    unread: BTreeMap<String, Listing>,
}

/// What the data pages show of a dataset (from its sidecar), kept for files a build does not
/// read.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Listing {
    pub title: Option<String>,
    /// The sidecar's source line, else its register.
    pub source: Option<String>,
    /// The extraction date, ISO 8601 (`2024-08-05`).
    pub extracted: Option<String>,
    pub illustrative: bool,
}

impl Listing {
    pub fn of(meta: &super::DatasetMeta) -> Listing {
        let source = meta.source.as_ref();
        Listing {
            title: meta.title.clone(),
            source: source.and_then(|s| s.text.clone().or_else(|| s.register.clone())),
            extracted: source.and_then(|s| s.extracted).map(|d| d.to_string()),
            illustrative: meta.illustrative,
        }
    }

    pub fn extracted_date(&self) -> Option<jiff::civil::Date> {
        self.extracted.as_deref()?.parse().ok()
    }
}

impl Store {
    /// The dataset `name` (a path under `data/`), when it was read without errors. Cheap: for
    /// lookups that need no message, where [`Store::get`] would search for a suggestion.
    pub fn find(&self, name: &str) -> Option<&Sealed> {
        self.datasets.get(name)
    }

    /// The dataset `name` (a path under `data/`), or the message and help line that say why
    /// there is none.
    pub fn get(&self, name: &str) -> Result<&Sealed, (String, String)> {
        if let Some(data) = self.find(name) {
            return Ok(data);
        }
        if self.broken.contains(name) {
            return Err((
                format!("data file `{name}` cannot be used: it has errors"),
                format!("fix the errors reported for {FOLDER}/{name}"),
            ));
        }
        let names = self.names();
        let help = if let Some(rest) = name.strip_prefix("data/") {
            format!("paths are relative to the `data/` folder: write `data: {rest}`")
        } else if let Some(near) = closest(name, names.clone()) {
            format!("did you mean `{near}`?")
        } else if self.names().next().is_none() {
            format!("put the CSV file under {FOLDER}/ and name it by its path there")
        } else {
            let list: Vec<String> = names.map(|n| format!("`{n}`")).collect();
            format!("the data files are {}", list.join(", "))
        };
        Err((
            format!("there is no data file `{name}` under {FOLDER}/"),
            help,
        ))
    }

    /// The names of the datasets that were read without errors (or are listed unread), sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> + Clone {
        let mut names: Vec<&str> = self
            .datasets
            .keys()
            .chain(self.unread.keys())
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names.into_iter()
    }

    /// What the data pages show of the dataset `name`, read or not.
    pub fn listing(&self, name: &str) -> Option<Listing> {
        match self.datasets.get(name) {
            Some(d) => Some(Listing::of(d.meta())),
            None => self.unread.get(name).cloned(),
        }
    }

    /// A store of the given datasets (for tests and callers that read files themselves).
    pub fn from_datasets(datasets: impl IntoIterator<Item = (String, Sealed)>) -> Store {
        Store {
            datasets: datasets.into_iter().collect(),
            ..Store::default()
        }
    }
}

/// Reads every CSV file under `<root>/data/` except `data/models/`.
pub fn load(root: &Path, defaults: &DataDefaults) -> (Store, Diagnostics) {
    load_except(root, defaults, &BTreeMap::new())
}

/// Like [`load`], but the files named in `unread` are only listed, with what the data pages
/// show of them: an incremental build reads only the files that changed and the files the
/// reports it computes need.
pub fn load_except(
    root: &Path,
    defaults: &DataDefaults,
    unread: &BTreeMap<String, Listing>,
) -> (Store, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut store = Store::default();
    let mut files = csv_files(root, &mut diags);
    files.retain(|(name, _)| match unread.get(name) {
        Some(listing) => {
            store.unread.insert(name.clone(), listing.clone());
            false
        }
        None => true,
    });
    let read: Vec<(String, Result<Sealed, Vec<Diagnostic>>)> = files
        .par_iter()
        .map(|(name, rel)| {
            let data = read_dataset(root, rel, defaults).map(Sealed::new);
            (name.clone(), data)
        })
        .collect();
    for (name, data) in read {
        match data {
            Ok(data) => {
                store.datasets.insert(name, data);
            }
            Err(problems) => {
                diags.extend(problems);
                store.broken.insert(name);
            }
        }
    }
    (store, diags)
}

/// The CSV files under `data/` outside `data/models/`, sorted: (name under `data/`, path
/// relative to the root).
fn csv_files(root: &Path, diags: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    let dir = root.join(FOLDER);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut tops: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            !name.starts_with('.') && p.strip_prefix(root).ok() != Some(Path::new("data/models"))
        })
        .collect();
    tops.sort();
    let mut files = Vec::new();
    for top in tops {
        for path in crate::load::walk_files(root, &top, diags) {
            let is_csv = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if !is_csv || hidden {
                continue;
            }
            let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            match rel.strip_prefix(FOLDER).ok().and_then(name_of) {
                Some(name) => files.push((name, rel)),
                None => diags.push(
                    Diagnostic::error(&rel, Pos::FILE, "the file name is not valid UTF-8")
                        .help("rename the file with letters, digits, `-` and `_`"),
                ),
            }
        }
    }
    files
}

/// A path under `data/` as queries name it: `/` between the parts.
fn name_of(path: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = path.iter().map(|p| p.to_str()).collect();
    parts.map(|p| p.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_sites_data_files_are_all_read() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (store, diags) = load(root, &DataDefaults::default());
        assert!(!diags.has_errors(), "{:?}", diags.into_sorted());
        let names: Vec<&str> = store.names().collect();
        assert!(
            names.contains(&"uddannelsesambassadoerer/kommuner-aar.csv"),
            "{names:?}"
        );
        assert!(names.iter().all(|n| !n.starts_with("models/")), "{names:?}");
        assert!(store.get("job-veu/budget.csv").is_ok());
    }

    #[test]
    fn unknown_names_get_a_suggestion() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (store, _) = load(root, &DataDefaults::default());
        let (message, help) = store.get("job-veu/budet.csv").unwrap_err();
        assert_eq!(
            message,
            "there is no data file `job-veu/budet.csv` under data/"
        );
        assert_eq!(help, "did you mean `job-veu/budget.csv`?");
        let (_, help) = store.get("data/job-veu/budget.csv").unwrap_err();
        assert!(help.contains("write `data: job-veu/budget.csv`"), "{help}");
    }
}
