//! What may not reach a page: link targets that run code.

/// True for link targets that would run code or embed content when followed
/// (`javascript:`, `vbscript:`, `data:`, `file:`), in any spelling a browser accepts:
/// upper case, with whitespace or control characters inside, or with leading spaces.
pub fn is_dangerous_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && *c != '\u{feff}')
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "file:"]
        .iter()
        .any(|s| cleaned.starts_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_is_caught() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:x",
            " javascript:x",
            "java\tscript:x",
            "java\nscript:x",
            "\u{1}javascript:x",
            "data:text/html,x",
            "VBSCRIPT:x",
            "file:///etc/passwd",
        ] {
            assert!(is_dangerous_url(url), "{url:?}");
        }
        for url in [
            "https://x.dk",
            "/a/b",
            "#x",
            "mailto:a@b.dk",
            "javascript-guide.html",
            "../data/x.csv",
        ] {
            assert!(!is_dangerous_url(url), "{url:?}");
        }
    }
}
