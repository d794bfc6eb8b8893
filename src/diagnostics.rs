//! Diagnostics: every problem a stage finds, with its place in a source file.
//!
//! Stages never print and never stop at the first problem: they push `Diagnostic`s into a
//! `Diagnostics` list and go on where they can. The binary decides how to show them.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How bad a problem is. Warnings become errors under `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem at one place: `file:line:col: error: message` plus a `help:` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root (or as given, for files outside it).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column (in characters); 0 when unknown.
    pub col: usize,
    pub message: String,
    pub help: String,
}

impl Diagnostic {
    pub fn error(file: impl AsRef<Path>, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, pos, message)
    }

    pub fn warning(file: impl AsRef<Path>, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file, pos, message)
    }

    fn new(
        severity: Severity,
        file: impl AsRef<Path>,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            file: file.as_ref().to_path_buf(),
            line: pos.line,
            col: pos.col,
            message: message.into(),
            help: String::new(),
        }
    }

    /// Adds the `help:` line that tells the author how to fix the problem.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Paths always print with forward slashes so pinned output is the same everywhere.
        let file = self.file.to_string_lossy().replace('\\', "/");
        match (self.line, self.col) {
            (0, _) => write!(f, "{file}: {kind}: {}", self.message)?,
            (line, 0) => write!(f, "{file}:{line}: {kind}: {}", self.message)?,
            (line, col) => write!(f, "{file}:{line}:{col}: {kind}: {}", self.message)?,
        }
        if !self.help.is_empty() {
            write!(f, "\n  help: {}", self.help)?;
        }
        Ok(())
    }
}

/// A 1-based line and column in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub const FILE: Pos = Pos { line: 0, col: 0 };

    pub fn new(line: usize, col: usize) -> Self {
        Pos { line, col }
    }

    /// The line and column of a byte offset in `text`; columns count characters.
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        Pos { line, col }
    }

    /// This position shifted to lie inside a text that starts at `origin` of its file.
    pub fn within(self, origin: Pos) -> Pos {
        if self.line <= 1 {
            Pos::new(origin.line, origin.col + self.col.saturating_sub(1))
        } else {
            Pos::new(origin.line + self.line - 1, self.col)
        }
    }
}

/// Line starts of one text, so positions of many offsets cost a binary search each instead of
/// a scan from the start (which made parsing quadratic in the file's length).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Characters before each block of `BLOCK` bytes, so a column on a very long line costs at
    /// most one block's count instead of a scan from the line start (quadratic on one-line files).
    chars_before_block: Vec<usize>,
}

const BLOCK: usize = 256;

/// Characters in `bytes` (which may start or end inside a character): the bytes that are not
/// UTF-8 continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut chars_before_block = vec![0];
        for block in text.as_bytes().chunks(BLOCK) {
            let last = chars_before_block[chars_before_block.len() - 1];
            chars_before_block.push(last + count_chars(block));
        }
        LineIndex {
            starts,
            chars_before_block,
        }
    }

    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / BLOCK;
        self.chars_before_block[block] + count_chars(&text.as_bytes()[block * BLOCK..offset])
    }

    /// The same as `Pos::of_offset(text, offset)` for the text this index was made from.
    pub fn pos(&self, text: &str, offset: usize) -> Pos {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        Pos {
            line,
            col: self.chars_before(text, offset) - self.chars_before(text, start) + 1,
        }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// All problems found so far, in the order found; sorted before they are shown.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// Turns every warning into an error (`--strict`).
    pub fn make_strict(&mut self) {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
    }

    /// The diagnostics sorted by file, line and column, errors before warnings at one place,
    /// so the output does not depend on the order in which parallel stages finished.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.col, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.col, b.severity, &b.message))
        });
        self.items.dedup();
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_line_and_character_columns() {
        let text = "ab\næøå x\n";
        assert_eq!(Pos::of_offset(text, 0), Pos::new(1, 1));
        assert_eq!(Pos::of_offset(text, 3), Pos::new(2, 1));
        // "æøå " is 7 bytes; x is the 5th character.
        assert_eq!(Pos::of_offset(text, 10), Pos::new(2, 5));
    }

    #[test]
    fn the_line_index_agrees_with_scanning() {
        let text = "ab\næøå x\n\nlast";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                index.pos(text, offset),
                Pos::of_offset(text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn the_line_index_agrees_on_long_lines_with_multibyte_characters() {
        let text = format!("{}\n{}", "æx".repeat(700), "ø".repeat(300));
        let index = LineIndex::new(&text);
        for offset in (0..=text.len()).step_by(7) {
            assert_eq!(
                index.pos(&text, offset),
                Pos::of_offset(&text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn positions_shift_into_their_file() {
        let origin = Pos::new(10, 3);
        assert_eq!(Pos::new(1, 2).within(origin), Pos::new(10, 4));
        assert_eq!(Pos::new(3, 2).within(origin), Pos::new(12, 2));
    }

    #[test]
    fn display_has_location_and_help() {
        let d = Diagnostic::error("content/a/index.md", Pos::new(3, 7), "bad").help("fix it");
        assert_eq!(
            d.to_string(),
            "content/a/index.md:3:7: error: bad\n  help: fix it"
        );
    }
}
