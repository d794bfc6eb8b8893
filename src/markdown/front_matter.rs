//! `index.md` text -> front matter YAML (with its place in the file) and the Markdown body.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Pos};

/// Where the YAML of front matter starts: line 2, after the opening `---`.
pub const ORIGIN: Pos = Pos { line: 2, col: 1 };

/// The two parts of a Markdown file with front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// Where the YAML starts in the file (line 2, column 1).
    pub yaml_origin: Pos,
    /// Byte offset in the file where the Markdown body starts.
    pub body_offset: usize,
}

/// Splits `text` at its front matter. `required` says whether a file without it is an error.
pub fn split<'a>(
    text: &'a str,
    file: &Path,
    required: bool,
) -> Result<Option<Split<'a>>, Diagnostic> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        if required {
            return Err(Diagnostic::error(
                file,
                Pos::new(1, 1),
                "the file does not start with front matter",
            )
            .help(
                "start the file with a line `---`, then at least `title: ...`, then a line `---`",
            ));
        }
        return Ok(None);
    }
    let mut offset = first_line_end;
    for line in text[first_line_end..].split_inclusive('\n') {
        if matches!(line.trim_end(), "---" | "...") {
            return Ok(Some(Split {
                yaml: &text[first_line_end..offset],
                yaml_origin: ORIGIN,
                body_offset: offset + line.len(),
            }));
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        file,
        Pos::new(1, 1),
        "front matter opened here is never closed",
    )
    .help("end the front matter with a line containing only `---`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_and_body() {
        let text = "---\ntitle: A\n---\n# Body\n";
        let s = split(text, Path::new("f"), true).unwrap().unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(&text[s.body_offset..], "# Body\n");
    }

    #[test]
    fn unclosed_and_missing_front_matter() {
        let e = split("---\ntitle: A\n# Body\n", Path::new("f"), true).unwrap_err();
        assert!(e.message.contains("never closed"));
        assert!(split("# Body\n", Path::new("f"), true).is_err());
        assert_eq!(split("# Body\n", Path::new("f"), false).unwrap(), None);
    }
}
