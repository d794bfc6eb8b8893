//! Serve stage, live reload: an HTML response -> the same HTML with the reload script and, after
//! a failed build, an error overlay.
//!
//! Input: a page as built (byte-identical to `evalpress build`), the current build generation and
//! the diagnostics of the last build when it failed. Output: the page as the preview server sends
//! it. The script long-polls [`EVENTS_PATH`] and reloads the page when the generation changes.
//! Besides the search page's own `static/search.js`, this is the only script evalpress ever
//! sends, and only from `serve`: it must never reach the built files. Every diagnostic is HTML-escaped before it enters the overlay.

use pulldown_cmark_escape::escape_html;

use crate::diagnostics::Diagnostic;

/// The reserved path the reload script polls; it is answered before any file lookup.
pub const EVENTS_PATH: &str = "/__evalpress/events";

/// The reserved path of the page that lists what the last published build changed.
pub const CHANGES_PATH: &str = "/__evalpress/changes";

/// The id of the overlay element, for tests and for authors' user styles.
pub const OVERLAY_ID: &str = "evalpress-overlay";

/// `html` with the reload script (and the overlay listing `failure`) before its last `</body>`,
/// or at its end when it has none.
pub fn inject(html: &str, generation: u64, failure: Option<&[Diagnostic]>) -> String {
    let mut extra = String::new();
    if let Some(diags) = failure {
        extra.push_str(&overlay(diags));
    }
    extra.push_str(&script(generation));
    let at = html
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + extra.len());
    out.push_str(&html[..at]);
    out.push_str(&extra);
    out.push_str(&html[at..]);
    out
}

/// The page shown when no file matches and the site has no `404.html` (yet).
pub fn not_found_page() -> &'static str {
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body><h1>Not found</h1><p>No page at this address.</p></body></html>\n"
}

/// The changes page: [`crate::changes::html`] of `diff` in a complete page (the reload script
/// is added as for every page, so it updates after each rebuild), or a note that no build was
/// published yet. `front` is the preview's front page. Everything from the data is escaped.
pub fn changes_page(diff: Option<&crate::changes::Diff>, front: &str) -> String {
    let body = match diff {
        Some(d) => crate::changes::html(d),
        None => "<section class=\"changes\"><h1>Changes since the previous build</h1><p>No build has been published yet: fix the errors shown on the pages, and the list appears here.</p></section>".into(),
    };
    let mut front_escaped = String::new();
    let _ = escape_html(&mut front_escaped, front);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Changes since the previous build – evalpress preview</title>\
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem}}table{{border-collapse:collapse;margin-bottom:2rem}}th,td{{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}}</style></head>\n\
<body><main>{body}<p><a href=\"{front_escaped}\">Back to the preview</a></p></main></body></html>\n"
    )
}

/// A small inline script: wait for the next generation, then reload. On a network error (the
/// server stopped) it retries once a second, so the page comes back with the server.
fn script(generation: u64) -> String {
    format!(
        "<script>(function(){{var g={generation};function p(){{fetch(\"{EVENTS_PATH}?since=\"+g,{{cache:\"no-store\"}}).then(function(r){{if(!r.ok)throw r;return r.text()}}).then(function(t){{if(+t!==g){{location.reload()}}else{{p()}}}}).catch(function(){{setTimeout(p,1000)}})}}p()}})();</script>"
    )
}

/// The error overlay: every problem of the failed build, escaped, over the last good page.
fn overlay(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let mut list = String::new();
    for d in diags {
        // Displayed as `evalpress build` prints it: `file:line:col: error: …` and `help: …`.
        let _ = escape_html(&mut list, &d.to_string());
        list.push_str("\n\n");
    }
    format!(
        "<div id=\"{OVERLAY_ID}\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;background:#1b1b1b;color:#f4f4f4;font:15px/1.5 monospace\">\
<p style=\"margin:0 0 1rem;font-weight:bold;color:#ffb4b4\">evalpress: the site does not build ({errors} error(s)). The last good pages are shown underneath; this message goes away when the sources are fixed.</p>\
<pre style=\"margin:0;white-space:pre-wrap\">{list}</pre></div>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Pos;

    #[test]
    fn script_goes_before_the_last_body_end_tag() {
        let page = "<html><body><p>a</p><!-- </body> --></BODY></html>";
        let out = inject(page, 7, None);
        assert!(out.starts_with("<html><body><p>a</p><!-- </body> --><script>"));
        assert!(out.ends_with("</script></BODY></html>"));
        assert!(out.contains("var g=7;"));
        assert!(!out.contains(OVERLAY_ID));
    }

    #[test]
    fn pages_without_a_body_end_tag_get_the_script_at_their_end() {
        let out = inject("<p>x</p>", 1, None);
        assert!(out.starts_with("<p>x</p><script>"));
        assert!(out.ends_with("</script>"));
    }

    #[test]
    fn the_changes_page_is_a_whole_page_and_escapes_the_front_path() {
        let page = changes_page(None, "/a\"<b>/");
        assert!(
            page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
            "{page}"
        );
        assert!(page.contains("<title>Changes since the previous build"));
        assert!(page.contains("No build has been published yet"));
        assert!(page.contains("href=\"/a&quot;&lt;b&gt;/\""), "{page}");
        assert!(page.trim_end().ends_with("</html>"));
        let first = crate::changes::Diff::default();
        assert!(changes_page(Some(&first), "/").contains("No earlier build to compare with"));
    }

    #[test]
    fn the_overlay_escapes_every_diagnostic() {
        let d = Diagnostic::error(
            "content/r/<i>.md",
            Pos::new(3, 1),
            "unknown `<script>alert(1)</script>`",
        )
        .help("a & b");
        let out = inject("<body></body>", 2, Some(&[d]));
        assert!(out.contains(OVERLAY_ID));
        assert!(out.contains(
            "content/r/&lt;i&gt;.md:3:1: error: unknown `&lt;script&gt;alert(1)&lt;/script&gt;`"
        ));
        assert!(out.contains("help: a &amp; b"));
        assert!(!out.contains("<script>alert"));
        assert!(out.contains("(1 error(s))"));
    }
}
