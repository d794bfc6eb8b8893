//! The reading pass of [`super::read_csv`]: records -> filled columns, their lines and the
//! problems found, through the `csv` crate or, for text in memory without quotes, split here.
//!
//! Part of the `data` stage. Both ways hand each row to [`CsvFile::row`]; splitting here gives
//! the fields and lines the `csv` crate gives (its property test in `data/tests.rs`).

use csv::ByteRecord;

use super::{CsvFile, MAX_PROBLEMS, Reader, is_blank};
use crate::data::cells::{self, Builder};
use crate::data::decode::field_pos;
use crate::data::limits;
use crate::data::sidecar::{ColumnType, Delimiter};
use crate::diagnostics::{Diagnostic, Pos};

impl<'r> CsvFile<'_, 'r> {
    pub(super) fn rows(
        &self,
        rdr: &mut Reader<'r>,
        delimiter: Delimiter,
        header: &[String],
        kinds: &[ColumnType],
    ) -> Result<(Vec<Builder>, Vec<usize>), Vec<Diagnostic>> {
        let mut fill = Fill {
            builders: kinds
                .iter()
                .map(|&k| Builder::with_capacity(k, 0))
                .collect(),
            lines: Vec::new(),
            problems: Vec::new(),
            header,
            kinds,
        };
        // Text without a quote after the header splits at delimiters and line ends alone,
        // as the `csv` crate would split it, without its state machine.
        let after = rdr.position();
        let rest = self
            .text
            .and_then(|t| t.get(after.byte() as usize..))
            .filter(|rest| !rest.contains(&b'"'));
        if let Some(rest) = rest {
            self.unquoted(rest, after.line() as usize, delimiter, &mut fill);
        } else {
            self.quoted(rdr, delimiter, &mut fill)?;
        }
        if fill.problems.is_empty() {
            Ok((fill.builders, fill.lines))
        } else {
            Err(fill.problems)
        }
    }

    /// The rows of `rest`, text without quotes starting on `line`: records end at `\n`, fields
    /// at `delimiter`, and empty lines are skipped, all as the `csv` reader does, which also
    /// gives a record the line its previous record ended on.
    fn unquoted(&self, rest: &[u8], mut line: usize, delimiter: Delimiter, fill: &mut Fill) {
        let byte = delimiter.byte();
        let mut fields: Vec<&[u8]> = Vec::with_capacity(fill.header.len());
        let mut start = 0;
        // The line the next record is given: where the last one ended, empty lines after it
        // not counted.
        let mut next_line = line;
        while start < rest.len() {
            let end = split_record(rest, start, byte, &mut fields);
            let empty = end == start;
            if end < rest.len() {
                line += 1;
            }
            start = end + 1;
            if empty {
                continue;
            }
            let record_line = std::mem::replace(&mut next_line, line);
            if fill.lines.len() == ESTIMATE_AFTER {
                // Room for the rows the rest of the file holds at this rate, and an eighth
                // more: growing a column row by row would copy it again and again, and room
                // never filled is never touched.
                let rows = (rest.len() - start.min(rest.len())) * ESTIMATE_AFTER / start;
                fill.reserve(rows + rows / 8 + ESTIMATE_AFTER);
            }
            if fields.len() == 1 && fields[0].trim_ascii().is_empty() {
                continue;
            }
            if fields.len() != fill.header.len() {
                let width = fill.header.len();
                let ragged = self.ragged(record_line, fields.len(), width, delimiter);
                fill.problems.push(ragged);
            } else {
                self.row(fill, |i| fields[i], record_line);
            }
            if self.too_many(fill, record_line) {
                return;
            }
        }
    }

    /// The rows the `csv` reader splits, quotes and all.
    fn quoted(
        &self,
        rdr: &mut Reader<'r>,
        delimiter: Delimiter,
        fill: &mut Fill,
    ) -> Result<(), Vec<Diagnostic>> {
        let mut rec = ByteRecord::new();
        // The last record read, swapped with `rec` (no copy): only its text is searched for a
        // line break, to find a quote left open at the end of the file.
        let mut last_rec = ByteRecord::new();
        let mut last = None;
        loop {
            match rdr.read_byte_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    fill.problems.push(self.csv_problem(e));
                    return Err(std::mem::take(&mut fill.problems));
                }
            }
            if is_blank(&rec) {
                continue;
            }
            let start = rec
                .position()
                .map_or((0, 0), |p| (p.byte(), p.line() as usize));
            last = Some(start);
            let line = start.1;
            if rec.len() != fill.header.len() {
                let multiline = rec.as_slice().contains(&b'\n');
                if let Some(d) = multiline
                    .then(|| self.unclosed(start.0, line, delimiter))
                    .flatten()
                {
                    fill.problems.push(d);
                    return Err(std::mem::take(&mut fill.problems));
                }
                let ragged = self.ragged(line, rec.len(), fill.header.len(), delimiter);
                fill.problems.push(ragged);
            } else {
                self.row(fill, |i| &rec[i], line);
            }
            std::mem::swap(&mut rec, &mut last_rec);
            if self.too_many(fill, line) {
                return Err(std::mem::take(&mut fill.problems));
            }
        }
        // An unclosed quote swallows the rest of the file into the last record.
        if let Some((byte, line)) = last
            && last_rec.as_slice().contains(&b'\n')
            && let Some(d) = self.unclosed(byte, line, delimiter)
        {
            fill.problems.push(d);
        }
        Ok(())
    }

    /// Adds the row that starts on `line`, whose field `i` is `field(i)` (one per column).
    fn row<'f>(&self, fill: &mut Fill, field: impl Fn(usize) -> &'f [u8], line: usize) {
        fill.lines.push(line);
        let before = |i: usize| field_pos((0..i).map(&field), i, line);
        for i in 0..fill.builders.len() {
            let field = field(i);
            if field.len() > limits::MAX_FIELD_BYTES {
                let pos = before(i);
                fill.problems
                    .push(limits::field_too_long(self.path, pos, field.len()));
            } else if let Err(bad) = fill.builders[i].push(field, self.s) {
                let pos = before(i);
                let (col, kind) = (&fill.header[i], fill.kinds[i]);
                let text = String::from_utf8_lossy(field);
                fill.problems.push(cells::diagnostic(
                    bad, &text, col, kind, self.s, self.path, pos,
                ));
            }
        }
    }

    /// Whether reading stops at `line`, with a last problem saying so.
    fn too_many(&self, fill: &mut Fill, line: usize) -> bool {
        if fill.problems.len() < MAX_PROBLEMS {
            return false;
        }
        fill.problems.push(
            self.error(
                Pos::new(line, 0),
                format!("stopped reading after {MAX_PROBLEMS} problems"),
            )
            .help("fix the problems above and build again"),
        );
        true
    }
}

/// Splits the record of `text` that starts at `start` into `fields` at `delimiter`, in one
/// pass; returns where the record ends (its `\n`, or the end of the text).
fn split_record<'t>(
    text: &'t [u8],
    start: usize,
    delimiter: u8,
    fields: &mut Vec<&'t [u8]>,
) -> usize {
    fields.clear();
    let mut field = start;
    let mut at = start;
    loop {
        at = next_break(text, at, delimiter);
        match text.get(at) {
            Some(&b) if b == delimiter => {
                fields.push(&text[field..at]);
                field = at + 1;
                at += 1;
            }
            _ => {
                fields.push(&text[field..at]);
                return at;
            }
        }
    }
}

/// The first `delimiter` or `\n` in `text` from `at` on (or the end of the text), looked for
/// eight bytes at a time: a field is about as long, and a byte-by-byte loop was most of the
/// reader's time.
fn next_break(text: &[u8], mut at: usize, delimiter: u8) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `x` that is zero; the lowest one set is exact.
    let zeros = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let (d, n) = (ONES * u64::from(delimiter), ONES * u64::from(b'\n'));
    while let Some(chunk) = text.get(at..at + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let found = zeros(x ^ d) | zeros(x ^ n);
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    text[at..]
        .iter()
        .position(|&b| b == delimiter || b == b'\n')
        .map_or(text.len(), |i| at + i)
}

/// The rows read before the columns are given room for the rest of the file.
const ESTIMATE_AFTER: usize = 64;

/// The columns being filled row by row, and the problems found on the way.
struct Fill<'h> {
    builders: Vec<Builder>,
    /// The line each row starts on.
    lines: Vec<usize>,
    problems: Vec<Diagnostic>,
    header: &'h [String],
    kinds: &'h [ColumnType],
}

impl Fill<'_> {
    fn reserve(&mut self, rows: usize) {
        self.lines.reserve(rows);
        for b in &mut self.builders {
            b.reserve(rows);
        }
    }
}

#[cfg(test)]
mod split_tests {
    use super::next_break;

    #[test]
    fn the_next_break_is_the_first_delimiter_or_line_end_at_any_offset() {
        // Every place and kind of break in texts longer and shorter than one eight-byte step,
        // with bytes that differ from `;` and `\n` in one bit only (`:` `\x0b` `\x8a`).
        for len in 0..20 {
            for place in 0..=len {
                for brk in [b';', b'\n'] {
                    let mut text: Vec<u8> = (0..len).map(|i| b":\x0bab\x8a\xc3"[i % 6]).collect();
                    if place < len {
                        text[place] = brk;
                        // A second break after the first must not be found instead.
                        if place + 3 < len {
                            text[place + 3] = b';';
                        }
                    }
                    for from in 0..=place.min(len) {
                        let naive = text[from..]
                            .iter()
                            .position(|&b| b == b';' || b == b'\n')
                            .map_or(len, |i| from + i);
                        assert_eq!(next_break(&text, from, b';'), naive, "{text:?} from {from}");
                    }
                }
            }
        }
    }
}
