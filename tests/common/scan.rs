//! Output scanner for a built site: what must never be published, whatever the sources said.
//!
//! * HTML pages: no `<script` anywhere in the text, no `<script>`, `<iframe>`, `<object>`,
//!   `<embed>` or `<meta http-equiv=refresh>` element, no event-handler attribute (`on…=`), no
//!   `javascript:`, `vbscript:` or (outside images) `data:` URL in any URL attribute, no
//!   `javascript:` or `expression(` in a `style` attribute;
//! * SVG files and SVG inside pages: the same, plus no `<foreignObject>`, `<animate>` or `<set>`
//!   (they can smuggle HTML in, or rewrite a link into `javascript:` after the page loaded);
//! * XML files (the sitemap): no `<script` and no `javascript:`.
//!
//! The one exception is the search page (`soeg/index.html`), which may load the theme's own
//! search script, and nothing else: exactly `<script type="module" src="…static/search.js"></script>`
//! with no content, once, or no script when the build has no index (see [`without_search_script`]).
//!
//! Pages are parsed with `scraper` (html5ever), as a browser would, so markup that only looks
//! harmless as text is still found. Used by `tests/robustness.rs` on the example site and on the
//! hostile fixture sites; any test that builds a site can call [`scan_site`].
#![allow(dead_code)] // not every test crate that includes `mod common` uses every helper

use std::fs;
use std::path::Path;

use scraper::{ElementRef, Html};
use walkdir::WalkDir;

/// Elements that run or embed active content, in HTML and SVG alike.
const ACTIVE: &[&str] = &["script", "iframe", "object", "embed", "frame", "frameset"];

/// SVG elements that are refused on top of `ACTIVE`.
const SVG_ACTIVE: &[&str] = &["foreignobject", "animate", "set"];

/// Attributes that hold one URL (`href` also stands for SVG's `xlink:href`).
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "data",
    "background",
    "cite",
    "ping",
];

/// Every problem in the site built into `dir`, one line each, naming the file. Empty when the
/// site is clean; a folder without any HTML page is a problem too, so a failed build never passes.
pub fn scan_site(dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut pages = 0;
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) if e.file_type().is_file() => e,
            Ok(_) => continue,
            Err(e) => {
                problems.push(format!("cannot walk {}: {e}", dir.display()));
                continue;
            }
        };
        let path = entry.path();
        let rel = path.strip_prefix(dir).unwrap().display().to_string();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let found = match ext.as_str() {
            "html" | "htm" if rel == "soeg/index.html" => {
                pages += 1;
                match without_search_script(&read(path)) {
                    Ok(rest) => scan_markup(&rest, false),
                    Err(problem) => vec![problem],
                }
            }
            "html" | "htm" => {
                pages += 1;
                scan_markup(&read(path), false)
            }
            "svg" => scan_markup(&read(path), true),
            "xml" => scan_xml(&read(path)),
            _ => continue,
        };
        problems.extend(found.into_iter().map(|p| format!("{rel}: {p}")));
    }
    if pages == 0 {
        problems.push(format!("{}: no HTML page found", dir.display()));
    }
    problems
}

/// The search page without its one allowed script element (or as it is, when it loads none),
/// or why the page is refused.
pub fn without_search_script(text: &str) -> Result<String, String> {
    let lower = text.to_ascii_lowercase();
    // without an index (no Pagefind in this build) the page loads no script at all
    let Some(start) = lower.find("<script") else {
        return Ok(text.to_string());
    };
    let end = lower[start..]
        .find("</script>")
        .map(|e| start + e + "</script>".len())
        .ok_or("the search script is not closed")?;
    let tag = &text[start..end];
    let src = tag
        .strip_prefix("<script type=\"module\" src=\"")
        .and_then(|t| t.strip_suffix("\"></script>"));
    let allowed = src.is_some_and(|src| {
        src.starts_with('/')
            && src.ends_with("static/search.js")
            && !src.contains(['"', '<', '>', '\'', ':'])
    });
    if !allowed {
        return Err(format!("the search page loads an unexpected script: {tag}"));
    }
    Ok(format!("{}{}", &text[..start], &text[end..]))
}

fn read(path: &Path) -> String {
    String::from_utf8_lossy(&fs::read(path).unwrap()).into_owned()
}

/// The problems of one HTML page, or of one SVG file when `svg_file`.
pub fn scan_markup(text: &str, svg_file: bool) -> Vec<String> {
    let mut found = scan_text(text);
    let doc = Html::parse_document(text);
    for el in doc
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
    {
        let v = el.value();
        let name = v.name().to_ascii_lowercase();
        let in_svg = svg_file
            || el
                .ancestors()
                .filter_map(ElementRef::wrap)
                .any(|a| a.value().name() == "svg");
        if ACTIVE.contains(&name.as_str()) || (in_svg && SVG_ACTIVE.contains(&name.as_str())) {
            found.push(format!("<{name}> element"));
        }
        if name == "meta"
            && v.attr("http-equiv")
                .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
        {
            found.push("<meta http-equiv=refresh>".to_string());
        }
        for (attr, value) in v.attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") {
                found.push(format!("<{name}> has the event handler {attr}={value:?}"));
            } else if attr == "style" {
                let style = squeeze(value);
                if style.contains("javascript:") || style.contains("expression(") {
                    found.push(format!("<{name} style={value:?}> can run script"));
                }
            } else if attr == "srcset" || attr == "imagesrcset" {
                let urls = value.split(',').filter_map(|c| c.split_whitespace().next());
                for url in urls.filter(|u| runs_code(u, true)) {
                    found.push(format!("<{name} {attr}> has the URL {url:?}"));
                }
            } else if URL_ATTRIBUTES.contains(&attr.as_str()) {
                let image = name == "img" && attr == "src";
                if runs_code(value, image) {
                    found.push(format!("<{name} {attr}={value:?}> runs code"));
                }
            }
        }
    }
    found
}

/// The check that needs no parsing: `<script` in any case anywhere in the raw text.
fn scan_text(text: &str) -> Vec<String> {
    if text.to_ascii_lowercase().contains("<script") {
        vec!["the text contains `<script`".to_string()]
    } else {
        Vec::new()
    }
}

/// XML files hold only URLs and dates: no script and no `javascript:` URL in any spelling.
fn scan_xml(text: &str) -> Vec<String> {
    let mut found = scan_text(text);
    if squeeze(text).contains("javascript:") {
        found.push("the text contains a `javascript:` URL".to_string());
    }
    found
}

/// A URL as a browser reads its scheme: without ASCII whitespace and control characters,
/// lowercase. `data:` is allowed only for raster images in an image source.
fn runs_code(url: &str, image_source: bool) -> bool {
    let url = squeeze(url);
    let raster = [
        "data:image/png",
        "data:image/jpeg",
        "data:image/gif",
        "data:image/webp",
    ];
    url.starts_with("javascript:")
        || url.starts_with("vbscript:")
        || (url.starts_with("data:")
            && !(image_source && raster.iter().any(|r| url.starts_with(r))))
}

fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}
