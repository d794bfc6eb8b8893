//! Stage `search`: the rendered report pages -> a static full-text index (Pagefind), written into
//! the output beside the pages (`pagefind/`), for the search page (`soeg/`) to query in the reader's
//! browser.
//!
//! Input is only the finished HTML of the published reports, after disclosure control: the index
//! can hold nothing a reader could not already read on a page (no hidden count, no draft, no
//! source text). Pagefind reads the part of a page marked `data-pagefind-body` (the report article),
//! so site chrome is not indexed. Result URLs are paths from the site root (`/<slug>/`); the
//! search page's script prefixes the base path, so one index works under any sub-path. This stage must not read files, print, or change the pages it indexes.

use std::path::PathBuf;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::diagnostics::{Diagnostic, Pos};
use crate::render::{OutputContent, OutputFile};

/// The folder of the index and its scripts, under the output folder.
pub const BUNDLE_DIR: &str = "pagefind";

/// Parts of Pagefind's bundle that the theme's own search script does not load (Pagefind's
/// ready-made interfaces); left out of the output.
const UNUSED: &[&str] = &[
    "pagefind-ui.",
    "pagefind-modular-ui.",
    "pagefind-component-ui.",
    "pagefind-highlight.",
];

/// One page to index: its path in the output and its URL path from the site root (`/<slug>/`).
#[derive(Debug, Clone)]
pub struct Page {
    pub path: String,
    pub url: String,
}

/// The index of `pages` (found among `files` by path), as output files under `pagefind/`, sorted
/// by path. `language` is the site's locale: every report goes into one index, so one query
/// finds reports in any language, with that language's stemming.
pub fn index(
    files: &[OutputFile],
    pages: &[Page],
    language: &str,
) -> Result<Vec<OutputFile>, Diagnostic> {
    if pages.is_empty() {
        return Ok(Vec::new()); // Pagefind refuses an empty index; the search page says so
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| failure(format!("cannot start the indexer: {e}")))?;
    let mut bundle = runtime.block_on(build_bundle(files, pages, language))?;
    bundle.retain(|f| !UNUSED.iter().any(|u| f.path.contains(u)));
    bundle.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(bundle)
}

async fn build_bundle(
    files: &[OutputFile],
    pages: &[Page],
    language: &str,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let config = PagefindServiceConfig::builder()
        .force_language(language.to_string())
        .build();
    let mut index = PagefindIndex::new(Some(config))
        .map_err(|e| failure(format!("cannot set up the search index: {e}")))?;
    for page in pages {
        let Some(file) = files.iter().find(|f| f.path == page.path) else {
            return Err(failure(format!("page `{}` was not rendered", page.path)));
        };
        let OutputContent::Bytes(bytes) = &file.content else {
            return Err(failure(format!(
                "page `{}` is not a rendered page",
                page.path
            )));
        };
        let html = String::from_utf8_lossy(bytes).into_owned();
        index
            .add_html_file(None, Some(page.url.clone()), html)
            .await
            .map_err(|e| {
                Diagnostic::error(
                    &file.source,
                    Pos::FILE,
                    format!("cannot index the page for search: {e}"),
                )
                .help("report this as a bug in evalpress, with the report that fails")
            })?;
    }
    let bundle = index
        .get_files()
        .await
        .map_err(|e| failure(format!("cannot write the search index: {e}")))?;
    Ok(bundle
        .into_iter()
        .map(|f| OutputFile {
            path: format!(
                "{BUNDLE_DIR}/{}",
                f.filename.to_string_lossy().replace('\\', "/")
            ),
            content: OutputContent::Bytes(f.contents),
            source: PathBuf::from(crate::config::CONFIG_FILE),
        })
        .collect())
}

fn failure(message: String) -> Diagnostic {
    Diagnostic::error(crate::config::CONFIG_FILE, Pos::FILE, message)
        .help("report this as a bug in evalpress; the search index could not be built")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            content: OutputContent::Bytes(html.as_bytes().to_vec()),
            source: PathBuf::from(format!("content/{path}")),
        }
    }

    fn doc(body: &str) -> String {
        format!(
            "<!DOCTYPE html><html lang=\"da\"><head><title>t</title></head><body>\
             <nav>Forside</nav><article data-pagefind-body><h1>Rapport</h1>{body}</article></body></html>"
        )
    }

    #[test]
    fn indexes_the_pages_under_the_bundle_folder() {
        let files = vec![page(
            "a/index.html",
            &doc("<p>Uddannelsesløft i Aarhus</p>"),
        )];
        let pages = [Page {
            path: "a/index.html".into(),
            url: "/a/".into(),
        }];
        let bundle = index(&files, &pages, "da").unwrap();
        let paths: Vec<&str> = bundle.iter().map(|f| f.path.as_str()).collect();
        assert!(paths.contains(&"pagefind/pagefind.js"), "{paths:?}");
        assert!(paths.contains(&"pagefind/pagefind-entry.json"), "{paths:?}");
        assert!(
            paths.iter().any(|p| p.ends_with(".pf_fragment")),
            "{paths:?}"
        );
        assert!(paths.iter().all(|p| !p.contains("-ui.")), "{paths:?}");
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted);
    }

    #[test]
    fn same_pages_give_the_same_bytes() {
        let files = vec![
            page("a/index.html", &doc("<p>Målgruppe og værktøjer</p>")),
            page("b/index.html", &doc("<p>Kommuner og år</p>")),
        ];
        let pages = [
            Page {
                path: "a/index.html".into(),
                url: "/a/".into(),
            },
            Page {
                path: "b/index.html".into(),
                url: "/b/".into(),
            },
        ];
        let bytes = |b: Vec<OutputFile>| -> Vec<(String, Vec<u8>)> {
            b.into_iter()
                .map(|f| match f.content {
                    OutputContent::Bytes(v) => (f.path, v),
                    OutputContent::Copy(_) => unreachable!(),
                })
                .collect()
        };
        let first = bytes(index(&files, &pages, "da").unwrap());
        let second = bytes(index(&files, &pages, "da").unwrap());
        assert_eq!(first, second);
    }

    #[test]
    fn a_page_that_was_not_rendered_is_an_error() {
        let pages = [Page {
            path: "missing/index.html".into(),
            url: "/missing/".into(),
        }];
        let err = index(&[], &pages, "da").unwrap_err();
        assert!(err.message.contains("missing/index.html"), "{err}");
    }
}
