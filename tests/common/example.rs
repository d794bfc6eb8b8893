//! The repository's example site, built once per test: its report slugs and how to read the
//! element labels of a report.
#![allow(dead_code)] // not every test crate that includes `mod common` uses every helper
use std::path::PathBuf;

use scraper::Html;

use super::html::texts;
use super::run::build_site;

pub const UA1: &str = "puljeopslag-uddannelsesambassadoerer-2016";
pub const UA2: &str = "uddannelsesambassadoer-ii-2021";
pub const UA3: &str = "uddannelsesambassadoerer-iii-2023";
pub const JOB_VEU: &str = "job-veu-evaluering-2021";
pub const A_KASSE: &str = "a-kassesamarbejde-koebenhavn-2024";

/// The repository root, which is the example site.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example site built into a temporary folder: (the folder, the output).
pub fn build() -> (tempfile::TempDir, PathBuf) {
    build_site(&root())
}

/// The `.element-label` texts of the report body, in order.
pub fn element_labels(doc: &Html) -> Vec<String> {
    texts(doc.root_element(), ".report-body .element-label")
}
