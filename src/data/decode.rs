//! File bytes -> UTF-8 text for the CSV reader, streamed, with bad bytes located exactly.
//!
//! Part of the `data` stage. [`Decoding`] wraps any reader: UTF-8 (a byte-order mark is
//! dropped) or Windows-1252 through `encoding_rs`. Invalid bytes are an error with their raw file
//! offset, never a silent U+FFFD (which is why this is not `encoding_rs_io`); [`locate`] turns
//! such an offset into line and column by reading the file again, so the hot path counts nothing.
//! [`first_line`] and [`unclosed_quote`] answer the two questions the `csv` crate cannot: what the
//! header looks like before a delimiter is chosen, and whether the file ends inside a quote.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read};

use encoding_rs::{Decoder, DecoderResult, UTF_8, WINDOWS_1252};
use serde::{Deserialize, Serialize};

use crate::diagnostics::Pos;

/// The text encodings register exports come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
pub enum Encoding {
    #[default]
    #[serde(rename = "utf-8", alias = "utf8", alias = "UTF-8")]
    Utf8,
    #[serde(rename = "windows-1252", alias = "cp1252", alias = "Windows-1252")]
    Windows1252,
}

/// Bytes that are not text in the declared encoding, at a raw offset of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed {
    pub offset: u64,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid bytes at offset {}", self.offset)
    }
}

impl std::error::Error for Malformed {}

const CHUNK: usize = 64 * 1024;

/// A reader that yields the UTF-8 text of `inner`.
pub struct Decoding<R> {
    inner: R,
    decoder: Decoder,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
    done: bool,
    consumed: u64,
    /// Decoded bytes not yet handed out (only after a read into a tiny buffer).
    spill: Vec<u8>,
}

impl<R: Read> Decoding<R> {
    pub fn new(inner: R, encoding: Encoding) -> Self {
        let decoder = match encoding {
            Encoding::Utf8 => UTF_8.new_decoder_with_bom_removal(),
            Encoding::Windows1252 => WINDOWS_1252.new_decoder_without_bom_handling(),
        };
        Decoding {
            inner,
            decoder,
            buf: vec![0; CHUNK].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            done: false,
            consumed: 0,
            spill: Vec::new(),
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        loop {
            match self.inner.read(&mut self.buf) {
                Ok(n) => {
                    (self.start, self.end, self.eof) = (0, n, n == 0);
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

impl<R: Read> Decoding<R> {
    /// Decodes into `out`, which has room for at least one whole character.
    fn decode_into(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.start == self.end && !self.eof {
                self.refill()?;
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.buf[self.start..self.end],
                out,
                self.eof,
            );
            self.start += read;
            self.consumed += read as u64;
            match result {
                DecoderResult::Malformed(bad, extra) => {
                    let offset = self.consumed - u64::from(bad) - u64::from(extra);
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        Malformed { offset },
                    ));
                }
                DecoderResult::OutputFull => return Ok(written),
                DecoderResult::InputEmpty if self.eof => {
                    self.done = true;
                    return Ok(written);
                }
                DecoderResult::InputEmpty if written > 0 => return Ok(written),
                DecoderResult::InputEmpty => {}
            }
        }
    }
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.spill.is_empty() && !self.done && out.len() >= 4 {
            return self.decode_into(out);
        }
        // A caller's buffer too small for one character: decode aside and hand out pieces.
        if self.spill.is_empty() && !self.done {
            let mut aside = [0u8; 64];
            let n = self.decode_into(&mut aside)?;
            self.spill.extend_from_slice(&aside[..n]);
        }
        let n = out.len().min(self.spill.len());
        out[..n].copy_from_slice(&self.spill[..n]);
        self.spill.drain(..n);
        Ok(n)
    }
}

/// Where a raw byte offset lies: its position (column in characters), its 1-based byte in the
/// line, and the byte itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    pub pos: Pos,
    pub byte_in_line: usize,
    pub byte: u8,
}

/// Reads the raw file up to `offset` to find its line and column.
pub fn locate(raw: impl Read, offset: u64) -> io::Result<Located> {
    let mut line = 1;
    let mut line_bytes = Vec::new();
    let mut bytes = BufReader::new(raw).bytes();
    let mut at = 0u64;
    while at < offset {
        let Some(b) = bytes.next().transpose()? else {
            break;
        };
        at += 1;
        if b == b'\n' {
            line += 1;
            line_bytes.clear();
        } else {
            line_bytes.push(b);
        }
    }
    let byte = bytes.next().transpose()?.unwrap_or(0);
    let prefix = line_bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(&line_bytes);
    let chars = String::from_utf8_lossy(prefix).chars().count();
    Ok(Located {
        pos: Pos::new(line, chars + 1),
        byte_in_line: prefix.len() + 1,
        byte,
    })
}

/// What a byte would be in Windows-1252, for the help line.
pub fn windows_1252_char(byte: u8) -> char {
    let bytes = [byte];
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(&bytes);
    text.chars().next().unwrap_or('\u{fffd}')
}

/// Whether `text` shows UTF-8 read as Windows-1252: `Ã¸` for `ø`, `Ã¥` for `å`. A lead byte
/// 0xC2-0xC3 followed by a continuation byte 0x80-0xBF almost never occurs in real
/// Windows-1252 text.
pub fn looks_like_utf8_read_as_1252(text: &str) -> bool {
    // A char takes up to four bytes in UTF-8 (found by the `csv` fuzz target: `Ã—` panicked).
    let mut bytes = [0u8; 4];
    text.chars().zip(text.chars().skip(1)).any(|(a, b)| {
        let lead = matches!(a, '\u{c2}' | '\u{c3}');
        lead && {
            let (encoded, _, unmappable) = WINDOWS_1252.encode(b.encode_utf8(&mut bytes));
            !unmappable && matches!(encoded.as_ref(), [0x80..=0xBF])
        }
    })
}

/// The first record of decoded text (up to a newline outside quotes), at most 1 MiB.
pub fn first_line(decoded: impl Read) -> io::Result<String> {
    let mut line = Vec::new();
    let mut in_quotes = false;
    for b in BufReader::new(decoded).take(1 << 20).bytes() {
        let b = b?;
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => break,
            _ => {}
        }
        line.push(b);
    }
    Ok(String::from_utf8_lossy(&line)
        .trim_end_matches('\r')
        .to_string())
}

/// Counts `needle` outside double quotes.
pub fn count_outside_quotes(line: &str, needle: u8) -> usize {
    let mut in_quotes = false;
    line.bytes()
        .filter(|&b| {
            if b == b'"' {
                in_quotes = !in_quotes;
            }
            b == needle && !in_quotes
        })
        .count()
}

#[derive(Clone, Copy, PartialEq)]
enum Scan {
    FieldStart,
    InField,
    InQuotes,
    ClosingOrEscaped,
}

/// Scans decoded text from byte `skip` (a record start on `line`) to its end, and returns the
/// position of a quote that opens a field and is never closed.
pub fn unclosed_quote(
    decoded: impl Read,
    skip: u64,
    line: usize,
    delimiter: u8,
) -> io::Result<Option<Pos>> {
    let mut reader = BufReader::new(decoded);
    io::copy(&mut (&mut reader).take(skip), &mut io::sink())?;
    let (mut state, mut pos, mut open) = (Scan::FieldStart, Pos::new(line, 1), None);
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        for &b in buf {
            state = match (state, b) {
                (Scan::FieldStart, b'"') => {
                    open = Some(pos);
                    Scan::InQuotes
                }
                (Scan::InQuotes, b'"') => Scan::ClosingOrEscaped,
                (Scan::ClosingOrEscaped, b'"') => Scan::InQuotes,
                (Scan::InQuotes, _) => Scan::InQuotes,
                (_, b'\n') => Scan::FieldStart,
                (_, b) if b == delimiter => Scan::FieldStart,
                _ => Scan::InField,
            };
            if b == b'\n' {
                pos = Pos::new(pos.line + 1, 1);
            } else if b & 0xC0 != 0x80 {
                pos.col += 1;
            }
        }
        let n = buf.len();
        reader.consume(n);
    }
    Ok(open.filter(|_| state == Scan::InQuotes))
}

/// Where field `i` of a record that starts on `line` begins (exact for unquoted fields).
pub fn field_pos<'r>(rec: impl IntoIterator<Item = &'r [u8]>, i: usize, line: usize) -> Pos {
    let mut pos = Pos::new(line, 1);
    for f in rec.into_iter().take(i) {
        let f = String::from_utf8_lossy(f);
        match f.rfind('\n') {
            Some(j) => {
                pos.line += f.matches('\n').count();
                // The closing quote and the delimiter follow the field's last line.
                pos.col = f[j + 1..].chars().count() + 3;
            }
            None => pos.col += f.chars().count() + 1,
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], enc: Encoding) -> io::Result<String> {
        let mut s = String::new();
        Decoding::new(bytes, enc).read_to_string(&mut s)?;
        Ok(s)
    }

    #[test]
    fn misread_utf8_check_takes_characters_of_any_length() {
        // `—` is three bytes in UTF-8 and 0x97 in Windows-1252: the pair looks misread.
        assert!(looks_like_utf8_read_as_1252("Ã—"));
        assert!(looks_like_utf8_read_as_1252("Ã¸"));
        assert!(!looks_like_utf8_read_as_1252("Ã😀 and Ãx"));
        assert!(!looks_like_utf8_read_as_1252("ø"));
    }

    #[test]
    fn utf8_drops_the_byte_order_mark() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFa;b\n", Encoding::Utf8).unwrap(),
            "a;b\n"
        );
    }

    #[test]
    fn windows_1252_becomes_utf8() {
        let s = decode(b"\xe6\xf8\xe5;\xc6\xd8\xc5\n", Encoding::Windows1252).unwrap();
        assert_eq!(s, "æøå;ÆØÅ\n");
    }

    #[test]
    fn invalid_utf8_has_its_offset() {
        let e = decode(b"ab\ncd\xe6f\n", Encoding::Utf8).unwrap_err();
        let m = e.get_ref().unwrap().downcast_ref::<Malformed>().unwrap();
        assert_eq!(m.offset, 5);
        let at = locate(b"ab\ncd\xe6f\n".as_slice(), m.offset).unwrap();
        assert_eq!(at.pos, Pos::new(2, 3));
        assert_eq!((at.byte_in_line, at.byte), (3, 0xe6));
        assert_eq!(windows_1252_char(at.byte), 'æ');
    }

    #[test]
    fn long_inputs_decode_across_chunks() {
        let text = "æ;1\n".repeat(CHUNK);
        let back = decode(text.as_bytes(), Encoding::Utf8).unwrap();
        assert!(back == text, "{} bytes back of {}", back.len(), text.len());
    }

    #[test]
    fn tiny_read_buffers_get_whole_characters() {
        let mut d = Decoding::new("æø".as_bytes(), Encoding::Utf8);
        let mut out = Vec::new();
        let mut one = [0u8; 1];
        while d.read(&mut one).unwrap() == 1 {
            out.push(one[0]);
        }
        assert_eq!(String::from_utf8(out).unwrap(), "æø");
    }

    #[test]
    fn utf8_read_as_windows_1252_is_recognised() {
        let (misread, _, _) = WINDOWS_1252.decode("Område Ærø".as_bytes());
        assert!(looks_like_utf8_read_as_1252(&misread), "{misread}");
        assert!(!looks_like_utf8_read_as_1252("Område Ærø, 5 kr. Ã"));
    }

    #[test]
    fn first_line_respects_quotes() {
        let line = first_line("\"a\nb\";c\r\n1;2\n".as_bytes()).unwrap();
        assert_eq!(line, "\"a\nb\";c");
        assert_eq!(count_outside_quotes("\"a;b\";c", b';'), 1);
    }

    #[test]
    fn unclosed_quotes_are_found() {
        let text = "a;b\n1;\"x\n2;3\n";
        assert_eq!(
            unclosed_quote(text.as_bytes(), 4, 2, b';').unwrap(),
            Some(Pos::new(2, 3))
        );
        let closed = "a;b\n1;\"x\"\"y\n\"\n";
        assert_eq!(unclosed_quote(closed.as_bytes(), 4, 2, b';').unwrap(), None);
    }
}
