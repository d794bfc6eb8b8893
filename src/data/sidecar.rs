//! Sidecar YAML (`<name>.yaml` next to `<name>.csv`) + site defaults -> the reading settings
//! of one CSV file.
//!
//! Part of the `data` stage. Reads only the sidecar's text (through the shared `yaml::parse`);
//! what the sidecar leaves out comes from [`DataDefaults`]. It checks the declarations against
//! each other, not against the CSV: `read` does that.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::decode::Encoding;
use super::number::DecimalSep;
use super::{DatasetMeta, Source};
use crate::diagnostics::{Diagnostic, Pos};
use crate::disclosure::Dialect;
use crate::model::SourceFile;
use crate::yaml;

/// Site-wide defaults for every data file; a sidecar overrides any of them for its file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DataDefaults {
    /// `None`: detected from the header when only one candidate occurs in it.
    #[serde(default)]
    pub delimiter: Option<Delimiter>,
    /// `None`: only numbers that cannot be misread are accepted.
    #[serde(default)]
    pub decimal: Option<DecimalSep>,
    #[serde(default)]
    pub encoding: Encoding,
    /// Cell texts that mean "not available".
    #[serde(default = "default_missing")]
    pub missing: Vec<String>,
    /// Cell texts that mean "hidden by the publisher" (e.g. `x` in some register exports).
    #[serde(default)]
    pub suppressed: Vec<String>,
    /// Counts below this are never published.
    #[serde(default = "default_threshold")]
    pub threshold: u32,
    /// Whether a count of zero is shown or hidden like a small count.
    #[serde(default)]
    pub zeros: Zeros,
    /// The largest data file read, in MiB (`data: {max_file_mb: N}`).
    #[serde(default = "default_max_file_mb")]
    pub max_file_mb: u64,
}

/// Whether disclosure control shows a count of zero (`show`, the default) or hides it like a
/// count below the threshold (`hide`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Zeros {
    #[default]
    Show,
    Hide,
}

/// What a column measures, where the type alone cannot say: `kind: count` marks counts of
/// people or cases, the cells disclosure control protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnRole {
    /// A count of people or cases: small values are never published.
    Count,
    /// Any other quantity (amounts, rates, scores): published as it is.
    Measure,
}

impl Default for DataDefaults {
    fn default() -> Self {
        DataDefaults {
            delimiter: None,
            decimal: None,
            encoding: Encoding::default(),
            missing: default_missing(),
            suppressed: Vec::new(),
            threshold: default_threshold(),
            zeros: Zeros::default(),
            max_file_mb: default_max_file_mb(),
        }
    }
}

fn default_max_file_mb() -> u64 {
    super::limits::DEFAULT_MAX_FILE_MB
}

fn default_missing() -> Vec<String> {
    ["..", ".", "-", "", "NA"].map(String::from).to_vec()
}

fn default_threshold() -> u32 {
    3
}

/// The field delimiters register exports use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    pub const ALL: [Delimiter; 3] = [Delimiter::Semicolon, Delimiter::Comma, Delimiter::Tab];

    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    /// How to write this delimiter in a sidecar: `delimiter: ";"`.
    pub fn declaration(self) -> &'static str {
        match self {
            Delimiter::Comma => "delimiter: \",\"",
            Delimiter::Semicolon => "delimiter: \";\"",
            Delimiter::Tab => "delimiter: tab",
        }
    }

    /// How a message shows the character.
    pub fn shown(self) -> &'static str {
        match self {
            Delimiter::Comma => "`,`",
            Delimiter::Semicolon => "`;`",
            Delimiter::Tab => "a tab",
        }
    }
}

impl TryFrom<String> for Delimiter {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "," => Ok(Delimiter::Comma),
            ";" => Ok(Delimiter::Semicolon),
            "\t" | "tab" => Ok(Delimiter::Tab),
            _ => Err(format!("delimiter `{s}` is not one of \",\", \";\" or tab")),
        }
    }
}

impl From<Delimiter> for String {
    fn from(d: Delimiter) -> String {
        match d {
            Delimiter::Comma => ",".into(),
            Delimiter::Semicolon => ";".into(),
            Delimiter::Tab => "tab".into(),
        }
    }
}

/// How CSV downloads are written (`downloads:` in `evalpress.yaml` or a sidecar): a preset, and
/// any of its parts overridden. What is left out comes from the level above (the site's
/// setting, then the report locale's default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DownloadSpec {
    #[serde(default)]
    pub preset: Option<DownloadPreset>,
    #[serde(default)]
    pub delimiter: Option<Delimiter>,
    /// Whether the file starts with a UTF-8 byte-order mark.
    #[serde(default)]
    pub bom: Option<bool>,
    #[serde(default)]
    pub decimal: Option<DecimalSep>,
}

/// Named download dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DownloadPreset {
    /// What a Danish Excel opens by double-click: BOM, `;`, decimal comma.
    ExcelDa,
    /// RFC 4180 as most tools read it: no BOM, `,`, decimal point.
    Rfc4180,
}

impl DownloadPreset {
    pub fn dialect(self) -> Dialect {
        match self {
            DownloadPreset::ExcelDa => Dialect::EXCEL_DA,
            DownloadPreset::Rfc4180 => Dialect::RFC4180,
        }
    }
}

impl DownloadSpec {
    /// `base` with what this spec says on top: its preset first, then its single parts.
    pub fn over(&self, base: Dialect) -> Dialect {
        let mut d = self.preset.map_or(base, DownloadPreset::dialect);
        if let Some(delimiter) = self.delimiter {
            d.delimiter = delimiter.byte();
        }
        if let Some(bom) = self.bom {
            d.bom = bom;
        }
        if let Some(decimal) = self.decimal {
            d.decimal_comma = decimal == DecimalSep::Comma;
        }
        d
    }
}

/// A column's declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// Whole numbers such as counts: `72.008`.
    Integer,
    /// Numbers with decimals: `25,3`.
    Number,
    Text,
    /// Four-digit years, shown without a thousands separator: `2018`.
    Year,
}

/// What the sidecar says about one column.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    #[serde(default, rename = "type")]
    pub kind: Option<ColumnType>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    /// `kind: count` for counts (which must be `integer`).
    #[serde(default, rename = "kind")]
    pub role: Option<ColumnRole>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    #[serde(default)]
    title: Option<String>,
    /// Invented numbers: every table built from the file says so.
    #[serde(default)]
    illustrative: bool,
    #[serde(default)]
    source: Option<SourceSpec>,
    #[serde(default)]
    delimiter: Option<Delimiter>,
    #[serde(default)]
    decimal: Option<DecimalSep>,
    #[serde(default)]
    encoding: Option<Encoding>,
    #[serde(default)]
    missing: Option<Vec<String>>,
    #[serde(default)]
    suppressed: Option<Vec<String>>,
    #[serde(default)]
    disclosure: Option<DisclosureSpec>,
    /// How this file's tables are written as CSV downloads, over the site's `downloads:`.
    #[serde(default)]
    downloads: DownloadSpec,
    #[serde(default)]
    columns: BTreeMap<String, ColumnSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceSpec {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    register: Option<String>,
    #[serde(default)]
    table: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    extracted: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DisclosureSpec {
    #[serde(default)]
    threshold: Option<u32>,
    #[serde(default)]
    zeros: Option<Zeros>,
}

/// Everything `read` needs to know about one file before opening it.
#[derive(Debug, Clone)]
pub struct Settings {
    pub delimiter: Option<Delimiter>,
    pub decimal: Option<DecimalSep>,
    pub encoding: Encoding,
    pub missing: Vec<String>,
    pub suppressed: Vec<String>,
    /// The length of the longest code, so most cells skip the comparisons.
    pub longest_code: usize,
    pub columns: BTreeMap<String, ColumnSpec>,
    pub meta: DatasetMeta,
    /// The sidecar's path (whether or not it exists), for help lines.
    pub sidecar: PathBuf,
    /// The sidecar's text, to place errors about its columns.
    pub sidecar_text: Option<String>,
}

impl Settings {
    /// Reads `sidecar` (if any) for the CSV file `csv`, over `defaults`.
    pub fn resolve(
        csv: &Path,
        sidecar: Option<&SourceFile>,
        defaults: &DataDefaults,
    ) -> Result<Settings, Diagnostic> {
        let sidecar_path = sidecar.map_or_else(|| csv.with_extension("yaml"), |s| s.path.clone());
        let decl: Sidecar = match sidecar {
            Some(s) => yaml::parse(&s.text, &s.path, Pos::new(1, 1))?,
            None => yaml::parse("", &sidecar_path, Pos::new(1, 1))?,
        };
        let text = sidecar.map(|s| s.text.as_str()).unwrap_or("");
        let disclosure = decl.disclosure.as_ref();
        let source = decl
            .source
            .map(|s| source(s, &sidecar_path, text))
            .transpose()?;
        let missing = decl.missing.unwrap_or_else(|| defaults.missing.clone());
        let suppressed = decl
            .suppressed
            .unwrap_or_else(|| defaults.suppressed.clone());
        // Cells are trimmed before they are compared, so codes are too.
        let (missing, suppressed): (Vec<String>, Vec<String>) = (
            missing.iter().map(|c| c.trim().to_string()).collect(),
            suppressed.iter().map(|c| c.trim().to_string()).collect(),
        );
        let settings = Settings {
            delimiter: decl.delimiter.or(defaults.delimiter),
            decimal: decl.decimal.or(defaults.decimal),
            encoding: decl.encoding.unwrap_or(defaults.encoding),
            longest_code: missing
                .iter()
                .chain(&suppressed)
                .map(String::len)
                .max()
                .unwrap_or(0),
            missing,
            suppressed,
            columns: decl.columns,
            meta: DatasetMeta {
                title: decl.title,
                illustrative: decl.illustrative,
                source,
                threshold: disclosure
                    .and_then(|d| d.threshold)
                    .unwrap_or(defaults.threshold),
                zeros: disclosure.and_then(|d| d.zeros).unwrap_or(defaults.zeros),
                downloads: decl.downloads,
            },
            sidecar: sidecar_path,
            sidecar_text: sidecar.map(|s| s.text.clone()),
        };
        if let Some(code) = settings
            .missing
            .iter()
            .find(|c| settings.suppressed.contains(c))
        {
            return Err(Diagnostic::error(
                &settings.sidecar,
                nested_key_pos(text, "suppressed"),
                format!("`{code}` is listed both as missing and as suppressed"),
            )
            .help("a code means one thing: remove it from `missing:` or from `suppressed:`"));
        }
        Ok(settings)
    }

    /// A help line telling the author to declare `what` in this file's sidecar.
    pub fn declare(&self, what: &str) -> String {
        let path = shown(&self.sidecar);
        match self.sidecar_text {
            Some(_) => format!("add `{what}` to {path}"),
            None => format!("create {path} containing `{what}`"),
        }
    }

    /// Where the sidecar declares column `name` (its first line when not found).
    pub fn column_pos(&self, name: &str) -> Pos {
        let text = self.sidecar_text.as_deref().unwrap_or("");
        let after = text
            .lines()
            .position(|l| l.starts_with("columns:"))
            .unwrap_or(0);
        let quoted = [
            format!("{name}:"),
            format!("\"{name}\":"),
            format!("'{name}':"),
        ];
        text.lines()
            .enumerate()
            .skip(after)
            .find_map(|(i, line)| {
                let trimmed = line.trim_start();
                quoted
                    .iter()
                    .any(|q| trimmed.starts_with(q.as_str()))
                    .then(|| Pos::new(i + 1, line.len() - trimmed.len() + 1))
            })
            .unwrap_or(Pos::new(1, 1))
    }
}

fn source(spec: SourceSpec, path: &Path, text: &str) -> Result<Source, Diagnostic> {
    let extracted = match &spec.extracted {
        Some(d) => Some(crate::locale::parse_date(d).map_err(|e| {
            Diagnostic::error(path, nested_key_pos(text, "extracted"), e)
                .help("write the extraction date as `extracted: 2024-08-05`")
        })?),
        None => None,
    };
    Ok(Source {
        text: spec.text,
        register: spec.register,
        table: spec.table,
        extracted,
    })
}

/// The line of the first `key:` at any indentation (the sidecar is small and flat).
fn nested_key_pos(text: &str, key: &str) -> Pos {
    let needle = format!("{key}:");
    text.lines()
        .enumerate()
        .find_map(|(i, line)| {
            let trimmed = line.trim_start();
            trimmed
                .starts_with(&needle)
                .then(|| Pos::new(i + 1, line.len() - trimmed.len() + 1))
        })
        .unwrap_or(Pos::new(1, 1))
}

/// A path as diagnostics show it: forward slashes everywhere.
pub fn shown(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str) -> Result<Settings, Diagnostic> {
        let file = SourceFile {
            path: PathBuf::from("data/x.yaml"),
            text: text.into(),
        };
        Settings::resolve(
            Path::new("data/x.csv"),
            Some(&file),
            &DataDefaults::default(),
        )
    }

    #[test]
    fn defaults_fill_what_the_sidecar_leaves_out() {
        assert!(resolve("illustrative: true\n").unwrap().meta.illustrative);
        let s = resolve("decimal: comma\n").unwrap();
        assert_eq!(s.decimal, Some(DecimalSep::Comma));
        assert_eq!(s.delimiter, None);
        assert_eq!(s.encoding, Encoding::Utf8);
        assert_eq!(s.missing, ["..", ".", "-", "", "NA"]);
        assert_eq!(s.meta.threshold, 3);
    }

    #[test]
    fn disclosure_and_counts_are_declared() {
        let s =
            resolve("disclosure:\n  zeros: hide\ncolumns:\n  n: {type: integer, kind: count}\n")
                .unwrap();
        assert_eq!(s.meta.threshold, 3);
        assert_eq!(s.meta.zeros, Zeros::Hide);
        assert_eq!(s.columns["n"].role, Some(ColumnRole::Count));
        assert!(resolve("columns:\n  n: {kind: people}\n").is_err());
    }

    #[test]
    fn a_sidecar_sets_the_download_dialect_of_its_tables() {
        let s = resolve("downloads: {preset: rfc4180}\n").unwrap();
        assert_eq!(s.meta.downloads.over(Dialect::EXCEL_DA), Dialect::RFC4180);
        let s = resolve("title: T\n").unwrap();
        assert_eq!(s.meta.downloads.over(Dialect::EXCEL_DA), Dialect::EXCEL_DA);
        let e = resolve("title: T\ndownloads: {delimiter: \"|\"}\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(resolve("downloads: {preset: excel-se}\n").is_err());
    }

    #[test]
    fn a_full_sidecar() {
        let s = resolve(
            "title: Budget\nsource:\n  text: Styrelsen\n  table: AUS08\n  extracted: 2024-08-05\n\
             delimiter: tab\nencoding: windows-1252\nsuppressed: [x]\ndisclosure:\n  threshold: 5\n\
             columns:\n  \"2018\": {type: number, unit: mio. kr.}\n",
        )
        .unwrap();
        assert_eq!(s.delimiter, Some(Delimiter::Tab));
        assert_eq!(s.encoding, Encoding::Windows1252);
        assert_eq!(s.suppressed, ["x"]);
        assert_eq!(s.meta.threshold, 5);
        assert_eq!(s.meta.zeros, Zeros::Show);
        assert!(!s.meta.illustrative);
        let src = s.meta.source.clone().unwrap();
        assert_eq!(src.extracted.unwrap().to_string(), "2024-08-05");
        assert_eq!(s.columns["2018"].kind, Some(ColumnType::Number));
        assert_eq!(s.column_pos("2018"), Pos::new(12, 3));
    }

    #[test]
    fn bad_declarations_are_located() {
        let d = resolve("delimiter: \"|\"\n").unwrap_err();
        assert_eq!(d.line, 1, "{d}");
        assert!(d.message.contains("`|`"), "{d}");
        let d = resolve("decimal: komma\n").unwrap_err();
        assert_eq!(d.line, 1, "{d}");
        let d = resolve("source:\n  extracted: 5/8/2024\n").unwrap_err();
        assert_eq!((d.line, d.col), (2, 3), "{d}");
        let d = resolve("missing: [x]\nsuppressed: [x]\n").unwrap_err();
        assert_eq!(d.line, 2, "{d}");
        assert!(
            d.message.contains("both as missing and as suppressed"),
            "{d}"
        );
    }

    #[test]
    fn help_lines_name_the_sidecar() {
        let s = Settings::resolve(Path::new("data/x.csv"), None, &DataDefaults::default()).unwrap();
        assert_eq!(
            s.declare("decimal: comma"),
            "create data/x.yaml containing `decimal: comma`"
        );
    }
}
