//! Models stage: YAML under `data/models/` -> a `Catalog` of validated scales, evaluation
//! models, ratings and structured lists.
//!
//! Input: the site root. Files: `data/models/scales/<id>.yaml` (scales; the built-in `grad`
//! is always there), `data/models/<id>.yaml` (evaluation models), `data/models/ratings/<id>.yaml`
//! and `data/models/lists/<id>.yaml`; the file name is the id that directives and other files
//! use. Output: the catalog and a diagnostic with file, line and column for every problem,
//! all of them collected. It knows nothing of reports and renders nothing (`grids` does).

pub mod cache;
mod cells;
pub mod evaluation;
pub mod lists;
pub mod ratings;
pub mod scale;
pub mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::digest::Digest;
use crate::load::read_capped;
use crate::markdown::directives::closest;
use crate::markdown::is_valid_label;
pub use evaluation::{ItemKind, Model};
pub use lists::{List, ListContent};
pub use ratings::{Cell, Ratings};
pub use scale::Scale;

/// The folder of model files, relative to the site root.
pub const FOLDER: &str = "data/models";

/// Everything read from `data/models/`, by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub scales: BTreeMap<String, Scale>,
    pub models: BTreeMap<String, Model>,
    pub ratings: BTreeMap<String, Ratings>,
    pub lists: BTreeMap<String, List>,
    /// The files that had errors, so uses of their ids say so rather than "not found".
    pub broken: BTreeSet<PathBuf>,
}

/// Why `name` is not among the ids of `map`: its file has errors (`broken` holds the path
/// of every file that failed), or there is no such file. Returns the message and help line.
pub fn missing<T>(
    map: &BTreeMap<String, T>,
    broken: &BTreeSet<PathBuf>,
    what: &str,
    folder: &str,
    name: &str,
) -> (String, String) {
    let path = PathBuf::from(format!("{folder}{name}.yaml"));
    if broken.contains(&path) {
        return (
            format!("{what} `{name}` cannot be used: its file has errors"),
            format!("fix the errors reported for {}", path.display()),
        );
    }
    let help = match closest(name, map.keys().map(String::as_str)) {
        Some(c) => format!("did you mean `{c}`?"),
        None if map.is_empty() => format!("create {}", path.display()),
        None => {
            let plural = if what.ends_with('s') { "" } else { "s" };
            format!(
                "known {what}{plural}: {}",
                map.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        }
    };
    (format!("{what} `{name}` not found"), help)
}

/// A file of the folder, read: its id, path relative to the root, text and the digest of its
/// bytes.
struct ModelFile {
    id: String,
    path: PathBuf,
    text: String,
    digest: Digest,
}

/// The sorted files of the folders, by kind.
#[derive(Default)]
struct Files {
    scales: Vec<ModelFile>,
    models: Vec<ModelFile>,
    ratings: Vec<ModelFile>,
    lists: Vec<ModelFile>,
}

/// Reads and checks every file under `data/models/` of the site at `root`.
pub fn load(root: &Path) -> (Catalog, Diagnostics) {
    let (catalog, diags, _) = load_read(root);
    (catalog, diags)
}

/// The digest of every model file a load read, by its path relative to the root (with `/`).
type Read = BTreeMap<String, Digest>;

/// [`load`], and the files it read.
fn load_read(root: &Path) -> (Catalog, Diagnostics, Read) {
    let mut diags = Diagnostics::new();
    let files = read_files(root, &mut diags);
    let read = [&files.scales, &files.models, &files.ratings, &files.lists]
        .into_iter()
        .flatten()
        .map(|f| (f.path.to_string_lossy().replace('\\', "/"), f.digest))
        .collect();
    let mut catalog = Catalog::default();
    catalog
        .scales
        .insert(scale::DEFAULT_ID.to_string(), scale::default_scale());
    let mut broken = BTreeSet::new();
    let mut problems = (&mut diags, &mut broken);
    for f in &files.scales {
        keep(
            f,
            scale::parse(&f.id, &f.path, &f.text),
            &mut catalog.scales,
            &mut problems,
        );
    }
    for f in &files.models {
        keep(
            f,
            evaluation::parse(&f.id, &f.path, &f.text),
            &mut catalog.models,
            &mut problems,
        );
    }
    for f in &files.lists {
        keep(
            f,
            lists::parse(&f.id, &f.path, &f.text),
            &mut catalog.lists,
            &mut problems,
        );
    }
    // Ratings are checked against the models and scales read above.
    let before = problems.1.clone();
    let known = ratings::Known {
        models: &catalog.models,
        scales: &catalog.scales,
        broken: &before,
    };
    // One ratings file per report: parsed in parallel, filed in order.
    let parsed: Vec<_> = files
        .ratings
        .par_iter()
        .map(|f| ratings::parse(&f.id, &f.path, &f.text, &known))
        .collect();
    let mut rated = BTreeMap::new();
    for (f, result) in files.ratings.iter().zip(parsed) {
        keep(f, result, &mut rated, &mut problems);
    }
    catalog.ratings = rated;
    catalog.broken = broken;
    (catalog, diags, read)
}

/// Files it into `into` by id, or records its problems and the file as broken.
fn keep<T>(
    f: &ModelFile,
    result: Result<T, Vec<Diagnostic>>,
    into: &mut BTreeMap<String, T>,
    (diags, broken): &mut (&mut Diagnostics, &mut BTreeSet<PathBuf>),
) {
    match result {
        Ok(value) => {
            into.insert(f.id.clone(), value);
        }
        Err(problems) => {
            diags.extend(problems);
            broken.insert(f.path.clone());
        }
    }
}

fn read_files(root: &Path, diags: &mut Diagnostics) -> Files {
    let mut files = Files::default();
    let dir = root.join(FOLDER);
    if !dir.is_dir() {
        return files;
    }
    let walker = WalkDir::new(&dir)
        .min_depth(1)
        .max_depth(2)
        .sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) => add_file(root, &dir, e.path(), &mut files, diags),
            Err(e) => diags.push(
                Diagnostic::error(FOLDER, Pos::FILE, format!("cannot read the folder: {e}"))
                    .help("check the folder's permissions and links"),
            ),
        }
    }
    files
}

/// Reads one file of the folder into the list its sub-folder says, or says why not.
fn add_file(root: &Path, dir: &Path, path: &Path, files: &mut Files, diags: &mut Diagnostics) {
    let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    if name.starts_with('.') {
        return;
    }
    let mut problem = |error: bool, message: String, help: &str| {
        let d = if error {
            Diagnostic::error(&rel, Pos::FILE, message)
        } else {
            Diagnostic::warning(&rel, Pos::FILE, message)
        };
        diags.push(d.help(help));
    };
    if path.is_symlink() {
        return problem(
            true,
            "model files may not be links".into(),
            "copy the file into the site instead of linking to it",
        );
    }
    let Some(id) = name.strip_suffix(".yaml") else {
        return problem(
            false,
            "file ignored: model files end in .yaml".into(),
            "rename it to <id>.yaml, or move it out of data/models/",
        );
    };
    let inner = path.strip_prefix(dir).unwrap_or(path);
    let list = match inner.parent().and_then(|p| p.to_str()).unwrap_or("") {
        "" => &mut files.models,
        "scales" => &mut files.scales,
        "ratings" => &mut files.ratings,
        "lists" => &mut files.lists,
        _ => {
            return problem(
                false,
                "file ignored: unknown folder".into(),
                "model files go in data/models/, data/models/scales/, data/models/ratings/ or data/models/lists/",
            );
        }
    };
    if !is_valid_label(id) {
        return problem(
            true,
            format!("`{id}` is not a valid id"),
            "the file name is the id: use lowercase letters a-z, digits, `-` and `_`",
        );
    }
    if let Some((text, digest)) = read_text(path, &rel, diags) {
        list.push(ModelFile {
            id: id.to_string(),
            path: rel,
            text,
            digest,
        });
    }
}

/// The text of a model file; devices, pipes and files over the size cap are refused unread
/// (`load::read_capped`), a byte-order mark is dropped. With it, the digest of the file's bytes.
fn read_text(path: &Path, rel: &Path, diags: &mut Diagnostics) -> Option<(String, Digest)> {
    let read = read_capped(path).map(|bytes| (Digest::of(&bytes), String::from_utf8(bytes)));
    let problem = match read {
        Ok((digest, Ok(text))) => {
            return Some((text.trim_start_matches('\u{feff}').to_string(), digest));
        }
        Ok((_, Err(_))) => (
            "file is not UTF-8 text".to_string(),
            "save the file as UTF-8",
        ),
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
            (e.to_string(), "split it into smaller files")
        }
        Err(e) => (
            format!("cannot read the file: {e}"),
            "check that it is an ordinary, readable file",
        ),
    };
    diags.push(Diagnostic::error(rel, Pos::FILE, problem.0).help(problem.1));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn files_are_sorted_into_kinds_by_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(
            root,
            "data/models/m.yaml",
            "title: M\ncore_elements: [{ id: k1, text: A }]\n",
        );
        write(
            root,
            "data/models/ratings/r.yaml",
            "model: m\nrates: core_elements\nstatus: { k1: i høj grad }\n",
        );
        write(
            root,
            "data/models/lists/l.yaml",
            "drivers: [a]\nbarriers: [b]\n",
        );
        write(root, "data/models/notes.txt", "x");
        write(root, "data/models/other/x.yaml", "x: 1");
        write(root, "data/models/Bad Name.yaml", "title: X");
        let (catalog, diags) = load(root);
        assert!(catalog.models.contains_key("m") && catalog.lists.contains_key("l"));
        assert_eq!(catalog.ratings["r"].status[0].steps, [3]);
        assert!(
            catalog.scales.contains_key(scale::DEFAULT_ID),
            "the built-in scale"
        );
        let shown: Vec<String> = diags.into_sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(shown.len(), 3, "{shown:#?}");
        assert!(
            shown[0].starts_with("data/models/Bad Name.yaml: error: `Bad Name` is not a valid id")
        );
        assert!(
            shown[1].starts_with(
                "data/models/notes.txt: warning: file ignored: model files end in .yaml"
            )
        );
        assert!(
            shown[2].starts_with("data/models/other/x.yaml: warning: file ignored: unknown folder")
        );
    }

    #[test]
    fn a_site_without_models_has_only_the_default_scale() {
        let tmp = tempfile::tempdir().unwrap();
        let (catalog, diags) = load(tmp.path());
        assert_eq!(catalog.scales.len(), 1);
        assert!(catalog.models.is_empty() && !diags.has_errors());
    }
}
