//! Line breaking for figure text: words into lines that fit, long words cut with a hyphen,
//! and at most a given number of lines with an ellipsis at the end.
//!
//! Shared by the charts and the theory-of-change diagram in `grids`; each says what "fits"
//! means (measured width for charts, a character count for the diagram). Pure functions:
//! no I/O, no state.

/// `text` broken at spaces into lines for which `fits` holds; a word that does not fit on a
/// line of its own is cut into hyphenated pieces that do.
pub fn wrap(text: &str, fits: impl Fn(&str) -> bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace().flat_map(|w| split_long(w, &fits)) {
        if !line.is_empty() {
            let joined = format!("{line} {word}");
            if fits(&joined) {
                line = joined;
                continue;
            }
            lines.push(std::mem::take(&mut line));
        }
        line = word;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A word that does not fit, cut into hyphenated pieces that do (at least one character
/// each, so a very narrow space still ends).
fn split_long(word: &str, fits: &impl Fn(&str) -> bool) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = word;
    while !fits(rest) {
        let mut end = rest.chars().next().map_or(0, char::len_utf8);
        for (i, c) in rest.char_indices().skip(1) {
            if !fits(&format!("{}-", &rest[..i + c.len_utf8()])) {
                break;
            }
            end = i + c.len_utf8();
        }
        if end >= rest.len() {
            break;
        }
        pieces.push(format!("{}-", &rest[..end]));
        rest = &rest[end..];
    }
    pieces.push(rest.to_string());
    pieces
}

/// At most `max` of `lines`; when some are dropped, the last one kept ends in an ellipsis
/// and still fits.
pub fn clamp_lines(mut lines: Vec<String>, max: usize, fits: impl Fn(&str) -> bool) -> Vec<String> {
    if lines.len() <= max || max == 0 {
        return lines;
    }
    lines.truncate(max);
    if let Some(last) = lines.last_mut() {
        let mut kept: String = last.trim_end_matches('-').to_string();
        while !kept.is_empty() && !fits(&format!("{kept}…")) {
            kept.pop();
        }
        *last = format!("{}…", kept.trim_end());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(n: usize) -> impl Fn(&str) -> bool {
        move |s: &str| s.chars().count() <= n
    }

    #[test]
    fn words_fill_lines() {
        assert_eq!(
            wrap("Flere ufaglærte ledige bliver faglærte", chars(16)),
            ["Flere ufaglærte", "ledige bliver", "faglærte"]
        );
        assert_eq!(wrap("", chars(10)), Vec::<String>::new());
        assert_eq!(wrap("   ", chars(10)), Vec::<String>::new());
    }

    #[test]
    fn long_words_are_cut_with_hyphens() {
        assert_eq!(
            wrap("Samarbejde med uddannelsesinstitutioner", chars(20)),
            ["Samarbejde med", "uddannelsesinstitut-", "ioner"]
        );
        assert_eq!(wrap("abcdefgh", chars(3)), ["ab-", "cd-", "ef-", "gh"]);
        // Nothing fits: one character per line, never an endless loop.
        assert_eq!(wrap("abc", chars(0)), ["a-", "b-", "c"]);
    }

    #[test]
    fn too_many_lines_end_in_an_ellipsis() {
        let lines = wrap("en to tre fire fem seks", chars(7));
        assert_eq!(lines, ["en to", "tre", "fire", "fem", "seks"]);
        assert_eq!(clamp_lines(lines.clone(), 2, chars(7)), ["en to", "tre…"]);
        assert_eq!(clamp_lines(lines.clone(), 9, chars(7)), lines);
        let cut = clamp_lines(vec!["abcdefg".into(), "x".into()], 1, chars(7));
        assert_eq!(cut, ["abcdef…"]);
    }
}
