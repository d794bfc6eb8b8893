//! The hidden-count scanner: no count that disclosure control hid may be readable anywhere in a
//! built site, as that cell.
//!
//! Ground truth is [`evalpress::disclosure_audit`]: every query of the site and every hidden
//! count with its raw value, its row's labels and its column's header. The scanner then reads
//! every file of the output (any type: pages, SVG, CSV downloads, sitemap, a search index):
//!
//! * **Positions.** Every HTML table (tables, chart data tables) and every CSV download of an
//!   element that publishes the same dataset: at the hidden cell's row label and column header
//!   (either way round, for transposed charts) the element's own table must show the hidden
//!   marker, and no table of the dataset may show the raw number there.
//! * **Prose.** Every other piece of text (paragraphs, list items, captions, headings, SVG
//!   `<title>`/`<desc>`/`<text>`, `alt`, `aria-label` and `title` attributes, and each line or
//!   JSON string of any other text file): a record that holds the row label and the column
//!   header with the raw number within a few words of the row label states the hidden cell.
//!
//! Numbers are matched as whole tokens in every spelling a page uses (`1211`, `1.211`,
//! `1,211`), so unrelated numbers (`2016`, `4,7`, "Tabel 2" far from the label) do not match.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use evalpress::DisclosureAudit;
use evalpress::tables::HiddenCount;
use scraper::{ElementRef, Html, Selector};
use walkdir::WalkDir;

/// How many words from the row label a prose record may state the hidden number.
const NEAR: usize = 6;

/// Text elements whose whole text is one prose record.
const PROSE: &str =
    "p, li, caption, figcaption, h1, h2, h3, h4, h5, h6, dt, dd, summary, title, desc, text";

/// Attributes whose values are prose records.
const PROSE_ATTRIBUTES: &[&str] = &["alt", "aria-label", "title", "aria-description", "content"];

/// Every way a hidden count could be read in the site built into `out`, one line each.
pub fn scan_hidden(out: &Path, audit: &DisclosureAudit, marker: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let scan = Scan {
        audit,
        elements: elements_by_dataset(audit),
        marker,
    };
    for entry in WalkDir::new(out).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let rel = path.strip_prefix(out).unwrap().to_path_buf();
        let Ok(text) = String::from_utf8(fs::read(path).unwrap()) else {
            continue; // fonts, images
        };
        let text = text.trim_start_matches('\u{feff}');
        let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase());
        let found = match ext.as_deref() {
            Some("html" | "htm" | "svg") => scan.page(&rel, text),
            Some("csv") => scan.csv(&rel, text),
            _ => lines(text).flat_map(|r| prose(r, &audit.hidden)).collect(),
        };
        problems.extend(found.into_iter().map(|p| format!("{}: {p}", rel.display())));
    }
    // A count published twice (a table and its chart) is one finding per place.
    problems.dedup();
    problems
}

/// Element place (report folder, anchor) -> the datasets it publishes.
type Elements = BTreeMap<(String, String), Vec<String>>;

fn elements_by_dataset(audit: &DisclosureAudit) -> Elements {
    let mut out: Elements = BTreeMap::new();
    for (report, key, dataset) in &audit.publications {
        if let Some(anchor) = key.strip_prefix('#') {
            out.entry((slug(report), anchor.to_string()))
                .or_default()
                .push(dataset.clone());
        }
    }
    out
}

/// The folder of a report's page: the folder of its `index.md`.
pub fn slug(report: &Path) -> String {
    report
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What one scan checks against.
struct Scan<'a> {
    audit: &'a DisclosureAudit,
    elements: Elements,
    marker: &'a str,
}

impl Scan<'_> {
    fn page(&self, rel: &Path, text: &str) -> Vec<String> {
        let (audit, elements, marker) = (self.audit, &self.elements, self.marker);
        let doc = Html::parse_document(text);
        let folder = rel
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut found = Vec::new();
        for ((report, anchor), datasets) in elements.iter().filter(|((r, _), _)| *r == folder) {
            let Ok(sel) = Selector::parse(&format!("[id=\"{anchor}\"] table")) else {
                continue;
            };
            for table in doc.select(&sel) {
                let rows: Vec<Vec<String>> = select(table, "tr")
                    .into_iter()
                    .map(|tr| {
                        select(tr, "th, td")
                            .into_iter()
                            .map(|c| squash(&c.text().collect::<String>()))
                            .collect()
                    })
                    .collect();
                let own = Place::new(report, anchor);
                found.extend(positions(&rows, &own, datasets, &audit.hidden, marker));
            }
        }
        let prose_sel = Selector::parse(PROSE).unwrap();
        for el in doc.select(&prose_sel) {
            found.extend(prose(&el.text().collect::<String>(), &audit.hidden));
        }
        for el in doc
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
        {
            for (name, value) in el.value().attrs() {
                if PROSE_ATTRIBUTES.contains(&name) {
                    found.extend(prose(value, &audit.hidden));
                }
            }
        }
        found
    }

    /// A CSV download: `<report>/data/<anchor>.csv`, checked by position; each line as prose too.
    fn csv(&self, rel: &Path, text: &str) -> Vec<String> {
        let (audit, elements, marker) = (self.audit, &self.elements, self.marker);
        let mut found: Vec<String> = lines(text).flat_map(|r| prose(r, &audit.hidden)).collect();
        let report = rel
            .iter()
            .next()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let anchor = rel
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(datasets) = elements.get(&(report.clone(), anchor.clone())) else {
            return found;
        };
        let delimiter = if text.lines().next().is_some_and(|l| l.contains(';')) {
            b';'
        } else {
            b','
        };
        let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(squash).collect())
            .collect();
        found.extend(positions(
            &rows,
            &Place::new(&report, &anchor),
            datasets,
            &audit.hidden,
            marker,
        ));
        found
    }
}

/// The element a table belongs to.
struct Place<'a> {
    report: &'a str,
    anchor: &'a str,
}

impl<'a> Place<'a> {
    fn new(report: &'a str, anchor: &'a str) -> Place<'a> {
        Place { report, anchor }
    }

    fn is(&self, h: &HiddenCount) -> bool {
        slug(&h.report) == self.report && h.key == format!("#{}", self.anchor)
    }
}

/// The hidden counts at their row label and column header in `rows` (header row first), in
/// either orientation: the element's own cell must be the marker, and no table of the same
/// dataset may show the raw number there.
fn positions(
    rows: &[Vec<String>],
    place: &Place,
    datasets: &[String],
    hidden: &[HiddenCount],
    marker: &str,
) -> Vec<String> {
    let Some((head, body)) = rows.split_first() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for h in hidden.iter().filter(|h| datasets.contains(&h.dataset)) {
        let Some(column) = &h.column else { continue };
        let labels = row_labels(h);
        let mut cells = Vec::new();
        // Rows labelled by the row's keys, the column by its header.
        if let Some(j) = head.iter().position(|c| c == column) {
            for row in body
                .iter()
                .filter(|r| r.first().is_some_and(|k| labels.contains(k)))
            {
                cells.extend(row.get(j));
            }
        }
        // Transposed: the column's header labels a row, the row's keys a column.
        if let Some(j) = head.iter().position(|c| labels.contains(c)) {
            for row in body.iter().filter(|r| r.first() == Some(column)) {
                cells.extend(row.get(j));
            }
        }
        let what = format!(
            "{} {}/{} (hidden {}) in #{}",
            h.dataset, labels[0], column, h.raw, place.anchor
        );
        for cell in cells {
            if spellings(h.raw).contains(cell) {
                found.push(format!("{what} shows the hidden count: {cell:?}"));
            } else if place.is(h) && cell != marker {
                found.push(format!("{what} shows {cell:?} instead of {marker:?}"));
            }
        }
    }
    found
}

/// The texts a row can be labelled by: its first key, or all its keys joined (charts).
fn row_labels(h: &HiddenCount) -> Vec<String> {
    let first = h.row.first().cloned().unwrap_or_default();
    let keys: Vec<&str> = h
        .row
        .iter()
        .map(String::as_str)
        .filter(|k| !k.is_empty())
        .collect();
    vec![first, keys.join(", ")]
}

/// The hidden counts that the prose `record` states: row label and column header in it, the
/// raw number within [`NEAR`] words of the row label.
pub fn prose(record: &str, hidden: &[HiddenCount]) -> Vec<String> {
    let words = tokens(record);
    let mut found: Vec<String> = Vec::new();
    for h in hidden {
        let (Some(column), Some(row)) = (&h.column, h.row.first()) else {
            continue;
        };
        let (row_at, column_at) = (find(&words, &tokens(row)), find(&words, &tokens(column)));
        if row_at.is_empty() || column_at.is_empty() {
            continue;
        }
        let numbers = spellings(h.raw);
        let near = words.iter().enumerate().any(|(k, w)| {
            numbers.contains(w)
                && !column_at.contains(&k)
                && row_at.iter().any(|&r| r.abs_diff(k) <= NEAR)
        });
        if near {
            found.push(format!(
                "{} {row}/{column} (hidden {}) stated in {:?}",
                h.dataset,
                h.raw,
                squash(record)
            ));
        }
    }
    found.dedup();
    found
}

/// Where the token sequence `needle` starts in `words`.
fn find(words: &[String], needle: &[String]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > words.len() {
        return Vec::new();
    }
    (0..=words.len() - needle.len())
        .filter(|&i| words[i..i + needle.len()] == *needle)
        .collect()
}

/// Words and numbers: runs of letters and digits, with `.` or `,` between two digits kept
/// (`1.211`, `4,7`).
pub fn tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let inner = matches!(c, '.' | ',')
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c.is_alphanumeric() || inner {
            word.push(c);
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// How a page or download may write `raw`: plain, with Danish or English grouping, or with a
/// decimal comma or point.
pub fn spellings(raw: f64) -> Vec<String> {
    if raw.fract() == 0.0 {
        let plain = format!("{}", raw as i64);
        let group = |sep: char| {
            let digits: Vec<char> = plain.trim_start_matches('-').chars().collect();
            let mut s = String::new();
            for (i, d) in digits.iter().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    s.push(sep);
                }
                s.push(*d);
            }
            if raw < 0.0 { format!("-{s}") } else { s }
        };
        vec![plain.clone(), group('.'), group(',')]
    } else {
        let plain = format!("{raw}");
        vec![plain.clone(), plain.replace('.', ",")]
    }
}

/// The records of a plain text file: its lines, and the JSON strings in them.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().flat_map(|l| l.split('"'))
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn select<'a>(el: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    el.select(&Selector::parse(css).unwrap()).collect()
}

/// The audit of the site at `root`, which must build.
pub fn audit(root: &Path) -> DisclosureAudit {
    let opts = evalpress::BuildOptions {
        root: root.to_path_buf(),
        out: None,
        base_url: None,
        strict: false,
        drafts: false,
        write: false,
        build_date: None,
        no_cache: false,
        search_index: true,
    };
    evalpress::disclosure_audit(&opts).unwrap_or_else(|d| panic!("{d:?}"))
}
