//! Site config file (`evalpress.yaml`) -> validated `Config`.
//!
//! Reads nothing but the config text; unknown keys and wrong types are errors at their line and
//! column. Command-line overrides (`--base-url`) are applied by `Config::with_base_url`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::data::{DataDefaults, DecimalSep, Delimiter, DownloadSpec, Encoding, Zeros};
use crate::diagnostics::{Diagnostic, Pos};
use crate::disclosure::Rules;
use crate::format::PercentStyle;
use crate::yaml;

/// The config file's name at the site root.
pub const CONFIG_FILE: &str = "evalpress.yaml";

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default = "default_locale")]
    pub locale: String,
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub numbering: Numbering,
    #[serde(default)]
    pub disclosure: Disclosure,
    #[serde(default)]
    pub raw_html: bool,
    #[serde(default)]
    pub footer: Footer,
    /// One sentence describing the site, used in `<meta name="description">`.
    #[serde(default)]
    pub description: String,
    /// Programme ids (as in report front matter) and their display names.
    #[serde(default)]
    pub programmes: BTreeMap<String, String>,
    /// How every data file is read unless its sidecar says otherwise.
    #[serde(default)]
    pub data: DataConfig,
    /// How numbers are written.
    #[serde(default)]
    pub format: FormatConfig,
    /// How CSV downloads are written; default: by each report's locale (`excel-da` for Danish).
    #[serde(default)]
    pub downloads: DownloadSpec,
    /// The search page and its index (`search:`): `true` (the default), `false`, or
    /// `{pagefind: PATH}` naming the Pagefind binary.
    #[serde(default)]
    pub search: SearchConfig,
}

/// `search:` in the config: whether the site has a search page and index, and where the
/// Pagefind binary is when it is not found the usual way (see [`crate::search`]).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SearchConfig {
    pub enabled: bool,
    /// The Pagefind binary, relative to the site root.
    pub pagefind: Option<std::path::PathBuf>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            pagefind: None,
        }
    }
}

/// The map form of `search:`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchOptions {
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    pagefind: Option<std::path::PathBuf>,
}

impl<'de> Deserialize<'de> for SearchConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = SearchConfig;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "`true`, `false` or a map such as `{pagefind: node_modules/.bin/pagefind}`",
                )
            }
            fn visit_bool<E: serde::de::Error>(self, enabled: bool) -> Result<SearchConfig, E> {
                Ok(SearchConfig {
                    enabled,
                    pagefind: None,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<SearchConfig, A::Error> {
                let o =
                    SearchOptions::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(SearchConfig {
                    enabled: o.enabled,
                    pagefind: o.pagefind,
                })
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// How headings and numbered elements are numbered; a report may override either field.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Numbering {
    #[serde(default = "yes")]
    pub headings: bool,
    #[serde(default)]
    pub elements: ElementNumbering,
}

impl Default for Numbering {
    fn default() -> Self {
        Numbering {
            headings: true,
            elements: ElementNumbering::Report,
        }
    }
}

/// "Figur 4" (counted through the report) or "Figur 4.1" (counted per chapter).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ElementNumbering {
    #[default]
    Report,
    Chapter,
}

/// Disclosure control for the whole site; a report or a data file may tighten it.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Disclosure {
    /// Counts below this number are never published.
    #[serde(default = "default_threshold")]
    pub threshold: u32,
    /// Whether a count of zero is shown (`show`) or hidden like a small count (`hide`).
    #[serde(default)]
    pub zeros: Zeros,
}

impl Default for Disclosure {
    fn default() -> Self {
        Disclosure {
            threshold: default_threshold(),
            zeros: Zeros::Show,
        }
    }
}

impl Disclosure {
    pub fn rules(&self) -> Rules {
        Rules {
            threshold: self.threshold,
            zeros: self.zeros,
        }
    }
}

/// Site-wide defaults for reading data files (`data:`); each is what a sidecar may also say.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    #[serde(default)]
    pub delimiter: Option<Delimiter>,
    #[serde(default)]
    pub decimal: Option<DecimalSep>,
    #[serde(default)]
    pub encoding: Option<Encoding>,
    /// Cell texts that mean "not available" (default `..`, `.`, `-`, blank, `NA`).
    #[serde(default)]
    pub missing: Option<Vec<String>>,
    /// Cell texts that mean "hidden by the publisher".
    #[serde(default)]
    pub suppressed: Option<Vec<String>>,
    /// The largest data file read, in MiB (default 512).
    #[serde(default)]
    pub max_file_mb: Option<u64>,
}

/// How numbers are written (`format:`).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FormatConfig {
    /// Percentages in tables: `sign` (`84 %`, the default) or `prose` (`84 pct.`).
    #[serde(default)]
    pub percent: PercentStyle,
    /// Percentages in inline values: `prose` (`84 pct.`, the default) or `sign`.
    #[serde(default = "prose")]
    pub inline_percent: PercentStyle,
}

impl Default for FormatConfig {
    fn default() -> Self {
        FormatConfig {
            percent: PercentStyle::Sign,
            inline_percent: prose(),
        }
    }
}

fn prose() -> PercentStyle {
    PercentStyle::Prose
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Footer {
    #[serde(default)]
    pub links: Vec<FooterLink>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FooterLink {
    pub label: String,
    pub url: String,
}

fn default_locale() -> String {
    "da".into()
}
fn default_base_url() -> String {
    "/".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_threshold() -> u32 {
    3
}
fn yes() -> bool {
    true
}

/// The locales evalpress ships words for.
pub const LOCALES: &[&str] = &["da", "en"];

impl Config {
    /// Parses and validates the config text of `file`.
    pub fn parse(text: &str, file: &Path) -> Result<Config, Vec<Diagnostic>> {
        let config: Config = yaml::parse(text, file, Pos::new(1, 1)).map_err(|d| vec![d])?;
        let problems = config.validate(text, file);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    fn validate(&self, text: &str, file: &Path) -> Vec<Diagnostic> {
        let at = |key: &str| key_pos(text, key);
        let mut problems = Vec::new();
        if !LOCALES.contains(&self.locale.as_str()) {
            problems.push(
                Diagnostic::error(
                    file,
                    at("locale"),
                    format!("unknown locale `{}`", self.locale),
                )
                .help(format!("use one of: {}", LOCALES.join(", "))),
            );
        }
        if let Err(why) = check_base_url(&self.base_url) {
            problems.push(Diagnostic::error(file, at("base_url"), why).help(
                "write a path such as `/` or `/rapporter/`, or a full URL such as \
                 `https://example.dk/rapporter/`",
            ));
        }
        for id in self.programmes.keys() {
            // A programme's id names its page (`programmer/<id>/`), like a report folder.
            if let Err(suggestion) = crate::load::check_slug(id) {
                problems.push(
                    Diagnostic::error(file, value_pos(text, id), format!("programme id `{id}` is not a valid slug"))
                        .help(format!("use lowercase letters a-z, digits and hyphens, e.g. `{suggestion}`; the id becomes the URL of the programme page, the display name can be anything")),
                );
            }
        }
        for link in &self.footer.links {
            if crate::markdown::safety::is_dangerous_url(&link.url) {
                problems.push(
                    Diagnostic::error(file, value_pos(text, &link.url), format!("footer link `{}` may not run code", link.url))
                        .help("use a path inside the site such as /tilgaengelighedserklaering/ or an https:// address"),
                );
            }
        }
        if self
            .search
            .pagefind
            .as_ref()
            .is_some_and(|p| p.as_os_str().is_empty())
        {
            problems.push(
                Diagnostic::error(file, at("search"), "`search: {pagefind: ...}` names no file")
                    .help("write the path of the Pagefind binary relative to the site root, e.g. `node_modules/.bin/pagefind`, or leave `pagefind` out to have it looked for"),
            );
        }
        if self.theme.is_empty() || self.theme.contains(['/', '\\', '.']) {
            problems.push(
                Diagnostic::error(
                    file,
                    at("theme"),
                    format!("invalid theme name `{}`", self.theme),
                )
                .help("name a folder directly under themes/, such as `default`"),
            );
        }
        problems
    }

    /// The config with its base URL replaced (from `--base-url`).
    pub fn with_base_url(mut self, base_url: &str) -> Result<Config, Diagnostic> {
        check_base_url(base_url).map_err(|why| {
            Diagnostic::error("--base-url", Pos::FILE, why)
                .help("write a path such as `/rapporter/` or a full URL")
        })?;
        self.base_url = base_url.to_string();
        Ok(self)
    }

    /// How data files are read where their sidecars are silent: `data:` over the built-in
    /// defaults, with the site's disclosure rules.
    pub fn data_defaults(&self) -> DataDefaults {
        let builtin = DataDefaults::default();
        let d = &self.data;
        DataDefaults {
            delimiter: d.delimiter,
            decimal: d.decimal,
            encoding: d.encoding.unwrap_or(builtin.encoding),
            missing: d.missing.clone().unwrap_or(builtin.missing),
            suppressed: d.suppressed.clone().unwrap_or(builtin.suppressed),
            threshold: self.disclosure.threshold,
            zeros: self.disclosure.zeros,
            max_file_mb: d.max_file_mb.unwrap_or(builtin.max_file_mb),
        }
    }

    /// The path part of the base URL, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }

    /// Scheme and host of the base URL (`https://example.dk`), when it has one.
    pub fn origin(&self) -> Option<&str> {
        let (_, rest) = self.base_url.split_once("://")?;
        let host_end = rest.find('/').unwrap_or(rest.len());
        let scheme_len = self.base_url.len() - rest.len();
        Some(&self.base_url[..scheme_len + host_end])
    }
}

/// The path part of a base URL (`https://x.dk/a` or `/a`), always starting and ending with `/`.
pub fn base_path_of(base_url: &str) -> String {
    let path = match base_url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => base_url,
    };
    let mut path = path.trim_end_matches('/').to_string();
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    path
}

fn check_base_url(url: &str) -> Result<(), String> {
    if url
        .chars()
        .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
    {
        return Err(format!(
            "base URL `{url}` contains a space or a character not allowed in URLs"
        ));
    }
    if let Some((scheme, _)) = url.split_once("://") {
        if scheme != "http" && scheme != "https" {
            return Err(format!("base URL `{url}` must use http or https"));
        }
        return Ok(());
    }
    if !url.starts_with('/') {
        return Err(format!(
            "base URL `{url}` must start with `/` or a scheme such as https://"
        ));
    }
    if url.contains("//") || url.split('/').any(|s| s == ".." || s == ".") {
        return Err(format!("base URL `{url}` must be a plain path"));
    }
    Ok(())
}

/// The first line of the config text that contains `value`, for errors about a value.
fn value_pos(text: &str, value: &str) -> Pos {
    text.lines()
        .position(|line| line.contains(value))
        .map_or(Pos::new(1, 1), |i| Pos::new(i + 1, 1))
}

/// Where a top-level `key:` sits in the config text, for errors found after parsing.
pub fn key_pos(text: &str, key: &str) -> Pos {
    let needle = format!("{key}:");
    text.lines()
        .position(|line| line.starts_with(&needle))
        .map_or(Pos::new(1, 1), |i| Pos::new(i + 1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(text, Path::new("evalpress.yaml"))
    }

    #[test]
    fn programme_ids_must_be_slugs() {
        let e =
            parse("title: T\nprogrammes:\n  ok-1: Fint navn\n  \"Ikke OK\": Navn\n").unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].line, e[0].col), (4, 1));
        assert!(
            e[0].message.contains("`Ikke OK` is not a valid slug"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn defaults_fill_what_is_left_out() {
        let c = parse("title: T\n").unwrap();
        assert_eq!(c.locale, "da");
        assert_eq!(c.base_path(), "/");
        assert_eq!(c.disclosure.threshold, 3);
        assert_eq!(c.disclosure.zeros, Zeros::Show);
        assert_eq!(c.format.percent, PercentStyle::Sign);
        assert_eq!(c.format.inline_percent, PercentStyle::Prose);
        assert_eq!(c.data_defaults(), DataDefaults::default());
        assert!(c.numbering.headings);
        assert!(!c.raw_html);
    }

    #[test]
    fn data_defaults_and_disclosure() {
        let c = parse(
            "title: T\ndisclosure: {threshold: 5, zeros: hide}\ndata:\n  decimal: comma\n  missing: [\"..\"]\n  encoding: windows-1252\n",
        )
        .unwrap();
        let d = c.data_defaults();
        assert_eq!(d.decimal, Some(DecimalSep::Comma));
        assert_eq!(d.missing, [".."]);
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert_eq!((d.threshold, d.zeros), (5, Zeros::Hide));
        assert_eq!(c.disclosure.rules().threshold, 5);
        let e = parse("title: T\ndata:\n  threshold: 5\n").unwrap_err();
        assert_eq!(e[0].line, 3, "{}", e[0]);
        let e = parse("title: T\ndisclosure: {zeros: maybe}\n").unwrap_err();
        assert_eq!(e[0].line, 2, "{}", e[0]);
    }

    #[test]
    fn downloads_take_a_preset_and_parts_over_the_locale_default() {
        use crate::disclosure::Dialect;
        let c = parse("title: T\n").unwrap();
        assert_eq!(
            c.downloads.over(Dialect::for_locale("da")),
            Dialect::EXCEL_DA
        );
        assert_eq!(
            c.downloads.over(Dialect::for_locale("en")),
            Dialect::RFC4180
        );
        let c = parse("title: T\ndownloads: {preset: rfc4180, bom: true}\n").unwrap();
        let d = c.downloads.over(Dialect::EXCEL_DA);
        assert_eq!((d.delimiter, d.bom, d.decimal_comma), (b',', true, false));
        let c = parse("title: T\ndownloads:\n  delimiter: tab\n  decimal: comma\n").unwrap();
        let d = c.downloads.over(Dialect::RFC4180);
        assert_eq!((d.delimiter, d.bom, d.decimal_comma), (b'\t', false, true));
        for bad in [
            "title: T\ndownloads: {preset: excel}\n",
            "title: T\ndownloads: {delimiter: \"|\"}\n",
            "title: T\ndownloads: {bom: maybe}\n",
            "title: T\ndownloads: {quote: always}\n",
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e[0].line, 2, "{bad}: {}", e[0]);
        }
    }

    #[test]
    fn base_paths_are_normalised() {
        let c = parse("title: T\nbase_url: /rapporter\n").unwrap();
        assert_eq!(c.base_path(), "/rapporter/");
        let c = parse("title: T\nbase_url: https://x.dk/a/b/\n").unwrap();
        assert_eq!(c.base_path(), "/a/b/");
        assert_eq!(c.origin(), Some("https://x.dk"));
        let c = parse("title: T\nbase_url: https://x.dk\n").unwrap();
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn unknown_key_and_bad_values_are_errors() {
        let e = parse("title: T\ncolour: red\n").unwrap_err();
        assert_eq!(e[0].line, 2);
        let e = parse("title: T\nlocale: fr\n").unwrap_err();
        assert_eq!(
            (e[0].line, e[0].message.as_str()),
            (2, "unknown locale `fr`")
        );
        let e = parse("title: T\nbase_url: rapporter\n").unwrap_err();
        assert_eq!(e[0].line, 2);
        let e = parse("title: T\nraw_html: maybe\n").unwrap_err();
        assert_eq!(e[0].line, 2);
        let e = parse("title: T\nnumbering:\n  elements: book\n").unwrap_err();
        assert_eq!(e[0].line, 3, "{}", e[0]);
    }

    #[test]
    fn search_is_on_off_or_names_the_binary() {
        assert_eq!(parse("title: T\n").unwrap().search, SearchConfig::default());
        assert!(!parse("title: T\nsearch: false\n").unwrap().search.enabled);
        let c = parse("title: T\nsearch: {pagefind: bin/pagefind}\n").unwrap();
        assert!(c.search.enabled);
        assert_eq!(
            c.search.pagefind.as_deref(),
            Some(Path::new("bin/pagefind"))
        );
        let c = parse("title: T\nsearch:\n  enabled: false\n").unwrap();
        assert!(!c.search.enabled);
        for (bad, line) in [
            ("title: T\nsearch: maybe\n", 2),
            ("title: T\nsearch: [pagefind]\n", 2),
            ("title: T\nsearch:\n  pagefnid: x\n", 3),
            ("title: T\nsearch:\n  enabled: 1\n", 3),
            ("title: T\nsearch: {pagefind: \"\"}\n", 2),
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e[0].line, line, "{bad}: {}", e[0]);
            assert!(e[0].col > 0, "{bad}: {}", e[0]);
            assert!(!e[0].help.is_empty(), "{bad}: {}", e[0]);
        }
        let e = parse("title: T\nsearch: maybe\n").unwrap_err();
        assert!(
            e[0].message.contains("`true`, `false` or a map"),
            "{}",
            e[0]
        );
    }
}
