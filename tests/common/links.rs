//! Link checker for a built site: every internal link, image, stylesheet, script, `srcset` candidate,
//! form action and `#fragment` must resolve to a file in the output folder (and the fragment to an
//! `id` or `<a name>` in that page). HTML is parsed with `scraper` (html5ever), never matched with
//! regular expressions.
//!
//! Used by `tests/links.rs`; shared so other integration tests can check the sites they build.
#![allow(dead_code)] // not every test crate that includes `mod common` uses every helper

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use scraper::{Html, Selector};
use url::Url;

/// Origin that stands in for the site when `base` is only a path such as `/` or `/rapporter/`.
const STAND_IN_ORIGIN: &str = "http://evalpress.invalid/";

/// Characters escaped when a file name becomes a URL path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/');

/// Attributes whose value is one URL, checked on every element that has them.
/// (`href` also covers SVG's `xlink:href`, which html5ever stores under the local name `href`.)
const URL_ATTRIBUTES: &[&str] = &["href", "src", "action", "formaction", "data", "poster"];

/// Checks every HTML file under `dir`, a site built to be served under `base` (a path such as `/` or
/// `/rapporter/`, or a full URL such as `https://example.dk/rapporter/`). Returns one message per
/// broken link, each naming the page, the element and attribute, and what is wrong; empty when every
/// internal link resolves. Links to other hosts and non-HTTP schemes (`mailto:`, `tel:`, ...) are
/// not followed. A folder with no HTML at all is reported too, so that a failed build never passes.
pub fn check_links(dir: &Path, base: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let site = match site_base(base) {
        Ok(url) => url,
        Err(e) => return vec![format!("base `{base}`: {e}")],
    };
    let mut files = Vec::new();
    if let Err(e) = collect_files(dir, dir, &mut files) {
        return vec![format!("{}: cannot read folder: {e}", dir.display())];
    }
    let pages: Vec<&PathBuf> = files.iter().filter(|f| is_html(f)).collect();
    if pages.is_empty() {
        return vec![format!("{}: no HTML files found", dir.display())];
    }

    let mut anchors = AnchorCache::default();
    for rel in pages {
        let shown = rel.to_string_lossy().replace('\\', "/");
        let text = match fs::read_to_string(dir.join(rel)) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{shown}: cannot read: {e}"));
                continue;
            }
        };
        let doc = Html::parse_document(&text);
        let page_url = page_url(&site, rel);
        let doc_base = document_base(&doc, &page_url);

        for element in doc
            .root_element()
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
        {
            let el = element.value();
            if el.name() == "base" {
                continue;
            }
            for (attr, value) in el.attrs() {
                let refs: Vec<&str> = if attr == "srcset" || attr == "imagesrcset" {
                    srcset_urls(value)
                } else if URL_ATTRIBUTES.contains(&attr) {
                    vec![value]
                } else {
                    continue;
                };
                for reference in refs {
                    if let Err(reason) = check_one(dir, &site, &doc_base, reference, &mut anchors) {
                        problems.push(format!(
                            "{shown}: <{} {attr}=\"{value}\">: `{reference}` {reason}",
                            el.name()
                        ));
                    }
                }
            }
        }
    }
    problems
}

/// The site's base URL, always ending in `/`.
fn site_base(base: &str) -> Result<Url, String> {
    let base = base.trim();
    let mut url = match Url::parse(base) {
        Ok(url) if url.scheme() == "http" || url.scheme() == "https" => url,
        Ok(url) => return Err(format!("unsupported scheme `{}`", url.scheme())),
        Err(_) => {
            let path = if base.starts_with('/') {
                base.to_string()
            } else {
                format!("/{base}")
            };
            Url::parse(STAND_IN_ORIGIN)
                .and_then(|o| o.join(&path))
                .map_err(|e| e.to_string())?
        }
    };
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// URL of an output file: `index.html` → base, `x/index.html` → `base/x/`, `404.html` → `base/404.html`.
fn page_url(site: &Url, rel: &Path) -> Url {
    let segments: Vec<String> = rel
        .components()
        .map(|c| utf8_percent_encode(&c.as_os_str().to_string_lossy(), SEGMENT).to_string())
        .collect();
    let mut path = segments.join("/");
    if path == "index.html" {
        path.clear();
    } else if let Some(dir) = path.strip_suffix("/index.html") {
        path = format!("{dir}/");
    }
    site.join(&path).expect("file path joins the site URL")
}

/// The URL relative references resolve against: the first `<base href>`, else the page itself.
fn document_base(doc: &Html, page_url: &Url) -> Url {
    let selector = Selector::parse("base[href]").expect("valid selector");
    doc.select(&selector)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|href| page_url.join(href.trim()).ok())
        .unwrap_or_else(|| page_url.clone())
}

/// The URLs of a `srcset` value (`a.png 1x, b.png 2x` → `a.png`, `b.png`).
fn srcset_urls(srcset: &str) -> Vec<&str> {
    srcset
        .split(',')
        .filter_map(|candidate| candidate.split_ascii_whitespace().next())
        .collect()
}

/// Ok when `reference` is external or resolves inside the site; Err(reason) when it is broken.
fn check_one(
    dir: &Path,
    site: &Url,
    doc_base: &Url,
    reference: &str,
    anchors: &mut AnchorCache,
) -> Result<(), String> {
    let reference = reference.trim_matches(|c: char| c.is_ascii_whitespace());
    if reference.is_empty() {
        return Ok(()); // the page itself
    }
    let target = doc_base
        .join(reference)
        .map_err(|e| format!("is not a valid URL ({e})"))?;
    if target.scheme() != "http" && target.scheme() != "https" {
        return Ok(()); // mailto:, tel:, data:, ...
    }
    if target.origin() != site.origin() {
        return Ok(()); // another host
    }
    let Some(rest) = target.path().strip_prefix(site.path()) else {
        return Err(format!(
            "points outside the site's base path `{}`",
            site.path()
        ));
    };
    let rel = percent_decode_str(rest)
        .decode_utf8()
        .map_err(|_| "has a path that is not UTF-8 after percent-decoding".to_string())?
        .into_owned();
    let mut file_rel = rel.clone();
    if file_rel.is_empty() || file_rel.ends_with('/') {
        file_rel.push_str("index.html");
    }
    let file = dir.join(&file_rel);
    if !file.is_file() {
        if file.is_dir() {
            return Err(format!(
                "is a folder without a trailing slash (link to `{rel}/`)"
            ));
        }
        return Err(format!("does not exist (looked for `{file_rel}`)"));
    }
    if let Some(fragment) = target.fragment() {
        let fragment = percent_decode_str(fragment)
            .decode_utf8_lossy()
            .into_owned();
        if !fragment.is_empty() && !fragment.eq_ignore_ascii_case("top") && is_html(&file) {
            let ids = anchors.ids(&file)?;
            if !ids.contains(&fragment) {
                return Err(format!(
                    "has no target: `{file_rel}` has no element with id=\"{fragment}\" (nor <a name>)"
                ));
            }
        }
    }
    Ok(())
}

/// The `id`s (and `<a name>`s) of each page, parsed once.
#[derive(Default)]
struct AnchorCache(HashMap<PathBuf, HashSet<String>>);

impl AnchorCache {
    fn ids(&mut self, file: &Path) -> Result<&HashSet<String>, String> {
        if !self.0.contains_key(file) {
            let text = fs::read_to_string(file)
                .map_err(|e| format!("cannot be read for its anchors: {e}"))?;
            let doc = Html::parse_document(&text);
            let mut ids = HashSet::new();
            for element in doc
                .root_element()
                .descendants()
                .filter_map(scraper::ElementRef::wrap)
            {
                let el = element.value();
                if let Some(id) = el.attr("id") {
                    ids.insert(id.to_string());
                }
                if el.name() == "a"
                    && let Some(name) = el.attr("name")
                {
                    ids.insert(name.to_string());
                }
            }
            self.0.insert(file.to_path_buf(), ids);
        }
        Ok(&self.0[file])
    }
}

fn is_html(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("html" | "htm")
    )
}

/// Every file under `dir`, as paths relative to `root`, sorted.
fn collect_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_files(root, &path, out)?;
        } else {
            out.push(path.strip_prefix(root).expect("under root").to_path_buf());
        }
    }
    Ok(())
}
