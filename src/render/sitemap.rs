//! The pages of the site -> `sitemap.xml`.

use crate::config::Config;

use super::body::escape;

/// A sitemap listing `pages` (report slugs; `""` is the front page). Locations are full URLs
/// when the base URL has a host, otherwise paths.
pub fn sitemap(config: &Config, pages: &[&str]) -> String {
    let origin = config.origin().unwrap_or("");
    let base = config.base_path();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages {
        let path = if page.is_empty() {
            base.clone()
        } else {
            format!("{base}{page}/")
        };
        out.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            escape(&format!("{origin}{path}"))
        ));
    }
    out.push_str("</urlset>\n");
    out
}
