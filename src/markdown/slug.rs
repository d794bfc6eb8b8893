//! Stable anchor ids and slugs from Danish (and other) text: `Særlige forhold` -> `saerlige-forhold`.

/// Lowercase ASCII letters and digits joined by single hyphens; æ, ø, å become ae, oe, aa and
/// accented letters lose their accents, so ids survive copying between systems.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let mapped: &str = match c {
            'æ' | 'ä' => "ae",
            'ø' | 'ö' | 'œ' => "oe",
            'å' => "aa",
            'ü' => "ue",
            'ß' => "ss",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'á' | 'à' | 'â' | 'ã' => "a",
            'í' | 'ì' | 'î' | 'ï' => "i",
            'ó' | 'ò' | 'ô' | 'õ' => "o",
            'ú' | 'ù' | 'û' => "u",
            'ñ' => "n",
            'ç' => "c",
            _ => "",
        };
        if !mapped.is_empty() || c.is_ascii_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            if mapped.is_empty() {
                out.push(c);
            } else {
                out.push_str(mapped);
            }
        } else {
            pending_hyphen = true;
        }
    }
    out
}

/// Whether `id` is usable as an explicit label or heading id.
pub fn is_valid_label(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_letters_are_transliterated() {
        assert_eq!(slugify("Særlige forhold"), "saerlige-forhold");
        assert_eq!(slugify("Økonomi og åbenhed"), "oekonomi-og-aabenhed");
        assert_eq!(slugify("  1.2 Resumé — kort!  "), "1-2-resume-kort");
        assert_eq!(slugify("???"), "");
    }

    #[test]
    fn labels_are_lowercase_ascii() {
        assert!(is_valid_label("tab-budget_1"));
        assert!(!is_valid_label("Tab"));
        assert!(!is_valid_label("-x"));
        assert!(!is_valid_label("a b"));
        assert!(!is_valid_label(""));
    }
}
