//! The default theme, compiled into the binary so every site builds without copying it.
//!
//! A site's own `themes/default/` or `themes/<name>/` files replace these one by one (see
//! `load`). The files themselves live in the repository's `themes/default/`.

use std::path::PathBuf;

use crate::model::{Asset, AssetData, SourceFile, ThemeSource};

macro_rules! theme_file {
    ($dir:literal, $name:literal) => {
        (
            $name,
            include_str!(concat!("../themes/default/", $dir, "/", $name)),
        )
    };
}

const TEMPLATES: &[(&str, &str)] = &[
    theme_file!("templates", "base.html"),
    theme_file!("templates", "index.html"),
    theme_file!("templates", "report.html"),
    theme_file!("templates", "page.html"),
    theme_file!("templates", "404.html"),
    theme_file!("templates", "cover.html"),
    theme_file!("templates", "series.html"),
    theme_file!("templates", "cite.html"),
    theme_file!("templates", "data-method.html"),
    theme_file!("templates", "programme.html"),
    theme_file!("templates", "datasets.html"),
    theme_file!("templates", "components.html"),
    theme_file!("templates", "search.html"),
];

const LOCALES: &[(&str, &str)] = &[
    theme_file!("locales", "da.yaml"),
    theme_file!("locales", "en.yaml"),
];

/// Static assets: (path under `static/`, bytes, source path shown in messages). The chart font
/// is the one `charts::font` measures text with, served so readers see the same metrics; it
/// and its licence live once in the repository, under `assets/fonts/`.
const STATIC: &[(&str, &[u8], &str)] = &[
    (
        "style.css",
        include_bytes!("../themes/default/static/style.css"),
        "themes/default/static/style.css",
    ),
    (
        "print.css",
        include_bytes!("../themes/default/static/print.css"),
        "themes/default/static/print.css",
    ),
    (
        "search.js",
        include_bytes!("../themes/default/static/search.js"),
        "themes/default/static/search.js",
    ),
    (
        "fonts/IBMPlexSans-Regular.ttf",
        crate::charts::font::PLEX_SANS,
        "assets/fonts/IBMPlexSans-Regular.ttf",
    ),
    (
        "fonts/OFL.txt",
        include_bytes!("../assets/fonts/OFL.txt"),
        "assets/fonts/OFL.txt",
    ),
];

/// The built-in default theme.
pub fn embedded() -> ThemeSource {
    let file = |dir: &str, name: &str, text: &str| SourceFile {
        path: PathBuf::from(format!("themes/default/{dir}/{name}")),
        text: text.to_string(),
    };
    ThemeSource {
        templates: TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), file("templates", n, t)))
            .collect(),
        locales: LOCALES
            .iter()
            .map(|(n, t)| {
                (
                    n.trim_end_matches(".yaml").to_string(),
                    file("locales", n, t),
                )
            })
            .collect(),
        assets: STATIC
            .iter()
            .map(|(n, bytes, source)| Asset {
                data: AssetData::Embedded(bytes),
                source: PathBuf::from(source),
                to: format!("static/{n}"),
            })
            .collect(),
    }
}
