//! What the fuzz targets share: the example site's config, locales, theme, models and data,
//! read once, and [`report`], which runs one `index.md` text through every stage a report goes
//! through before rendering (front matter, Markdown, directives, grids, data tables, charts,
//! inline values, cross-references), entirely in memory.
//!
//! Fuzzing looks for panics, hangs and huge allocations; on top of that the targets check the
//! invariants a caller relies on (every dataset column as long as its rows, diagnostics inside
//! their file). It must not write files: the inputs are the fuzzer's, the site is read-only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use evalpress::config::Config;
use evalpress::data::store::Store;
use evalpress::diagnostics::Diagnostic;
use evalpress::locale::Locale;
use evalpress::model::{ReportSource, SourceFile, Sources};
use evalpress::models::Catalog;

/// The example site (the repository root), as the stages read it.
pub struct Site {
    pub config: Config,
    pub locales: BTreeMap<String, Locale>,
    pub sources: Sources,
    pub catalog: Catalog,
    pub store: Store,
}

/// The repository's example site, read on first use.
pub fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let config = Config::parse("title: T\n", Path::new("evalpress.yaml")).expect("config");
        let (sources, _) = evalpress::load::load(&root, &config.theme);
        let locales = sources
            .theme
            .locales
            .iter()
            .map(|(code, file)| (code.clone(), Locale::parse(file).expect("locale")))
            .collect();
        let (catalog, _) = evalpress::models::load(&root);
        let (store, _) = evalpress::data::store::load(&root, &config.data_defaults());
        Site {
            config,
            locales,
            sources,
            catalog,
            store,
        }
    })
}

/// Runs `index` (a whole `index.md`, front matter included) through the report stages and
/// returns every diagnostic. Panics when a diagnostic points outside the file.
pub fn report(index: &str) -> Vec<Diagnostic> {
    let site = site();
    let path = PathBuf::from("content/r/index.md");
    let src = ReportSource {
        slug: "r".into(),
        index: SourceFile {
            path: path.clone(),
            // As `load` reads every source file.
            text: evalpress::load::normalize_line_ends(index.into()),
        },
        markdown: BTreeMap::new(),
        assets: Vec::new(),
    };
    let (report, mut diags) = evalpress::markdown::parse_report(&src, &site.config, &site.locales);
    if let Some(mut r) = report {
        let locale = site
            .locales
            .get(&r.locale)
            .unwrap_or(&site.locales[&site.config.locale]);
        let (charting, d) = evalpress::tables::Charting::new(
            &site.sources.theme,
            &site.locales,
            std::slice::from_ref(&r),
        );
        diags.extend(d);
        let data = evalpress::tables::Site {
            store: &site.store,
            rules: site.config.disclosure.rules(),
            format: site.config.format,
            downloads: site.config.downloads,
            charts: charting.as_ref(),
        };
        let dialect = site
            .config
            .downloads
            .over(evalpress::disclosure::Dialect::for_locale(&locale.lang));
        diags.extend(evalpress::grids::expand(&mut r, &site.catalog, locale, dialect).0);
        // Uncoordinated: coordination across a site's publications is not what this fuzzes.
        let hiding = evalpress::tables::Hiding::default();
        let (values, _, d) = evalpress::tables::expand(&mut r, &data, locale, &hiding);
        diags.extend(d);
        let index = evalpress::resolve::label_index(std::slice::from_ref(&r));
        let base = site.config.base_path();
        diags.extend(evalpress::resolve::resolve_report(
            &mut r,
            &index,
            locale,
            &base,
            &(&site.catalog, &values),
        ));
    }
    let diags = diags.into_sorted();
    let lines = src.index.text.lines().count() + 1;
    for d in diags.iter().filter(|d| d.file == path) {
        assert!(
            d.line <= lines,
            "{d:?} is past the end of a {lines}-line file"
        );
    }
    diags
}
