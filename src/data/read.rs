//! One CSV file + its settings -> [`Dataset`], read record by record through the `csv` crate, or
//! split directly when the file is in memory, valid UTF-8 and has no quotes after its header.
//!
//! Part of the `data` stage. The file is opened through an [`Opener`] so it can be read more
//! than once: a peek at the header when the delimiter must be detected, a typing pass when
//! some column's type is not declared, the reading pass, and (only on error paths) a re-read to
//! place a bad byte or an unclosed quote. [`read_csv_bytes`] reads a file already in memory
//! (what the site's build does: one `open` per file); text without quotes there is split at
//! delimiters and line ends in one pass, giving the cells, lines and problems the `csv` crate
//! gives (a property test holds the two to that), at a fraction of its cost per row.
//! Structural problems (encoding, header, unclosed quote) stop the file; bad cells and ragged
//! rows are collected, up to [`MAX_PROBLEMS`].

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::Path;

use csv::{ByteRecord, StringRecord};

mod rows;

use super::decode::{self, Decoding, Encoding, Malformed, field_pos};
use super::limits;
use super::number::{self, Kind, Parsed};
use super::sidecar::{ColumnRole, ColumnType, DataDefaults, Delimiter, Settings};
use super::{Column, Dataset};
use crate::diagnostics::{Diagnostic, Pos};
use crate::model::SourceFile;

/// Opens the file's raw bytes from the start; called once per pass.
pub type Opener<'a> = dyn Fn() -> io::Result<Box<dyn Read + 'a>> + 'a;

/// A file with more problems than this is reported up to here.
pub const MAX_PROBLEMS: usize = 20;

type Reader<'r> = csv::Reader<Box<dyn Read + 'r>>;

/// The UTF-8 byte-order mark, which the decoded text leaves out.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads the CSV file shown as `path`, with its sidecar (if any) over the site's `defaults`.
pub fn read_csv(
    path: &Path,
    open: &Opener<'_>,
    sidecar: Option<&SourceFile>,
    defaults: &DataDefaults,
) -> Result<Dataset, Vec<Diagnostic>> {
    read_with(path, (open, None), sidecar, defaults)
}

/// [`read_csv`] of a file already read into memory: each pass reads `bytes`, and valid UTF-8
/// is read as it is (no decoding copy), with the columns sized for its lines up front.
pub fn read_csv_bytes(
    path: &Path,
    bytes: &[u8],
    sidecar: Option<&SourceFile>,
    defaults: &DataDefaults,
) -> Result<Dataset, Vec<Diagnostic>> {
    let open = move || -> io::Result<Box<dyn Read + '_>> { Ok(Box::new(bytes)) };
    read_with(path, (&open, Some(bytes)), sidecar, defaults)
}

fn read_with<'r>(
    path: &Path,
    (open, bytes): (&Opener<'r>, Option<&'r [u8]>),
    sidecar: Option<&SourceFile>,
    defaults: &DataDefaults,
) -> Result<Dataset, Vec<Diagnostic>> {
    let settings = Settings::resolve(path, sidecar, defaults).map_err(|d| vec![d])?;
    // Text that needs no decoding: UTF-8 declared, and valid (else the decoder places the bad
    // byte). A Windows-1252 file always goes through the decoder.
    let text = bytes
        .filter(|_| settings.encoding == Encoding::Utf8)
        .and_then(|b| {
            let b = b.strip_prefix(UTF8_BOM).unwrap_or(b);
            (encoding_rs::Encoding::utf8_valid_up_to(b) == b.len()).then_some(b)
        });
    let file = CsvFile {
        path,
        open,
        s: &settings,
        text,
    };
    file.check_byte_order_mark().map_err(one)?;
    let delimiter = file.delimiter().map_err(one)?;
    let mut rdr = file.reader(delimiter).map_err(one)?;
    let header = file.header(&mut rdr, delimiter)?;
    let kinds = file.column_types(&header, delimiter);
    file.check_counts(&header, &kinds).map_err(one)?;
    let (builders, lines) = file.rows(&mut rdr, delimiter, &header, &kinds)?;
    let columns: Vec<Column> = header
        .into_iter()
        .zip(kinds)
        .zip(builders)
        .map(|((name, kind), b)| {
            let spec = settings.columns.get(&name).cloned().unwrap_or_default();
            Column {
                name,
                kind,
                label: spec.label,
                unit: spec.unit,
                count: spec.role == Some(ColumnRole::Count),
                values: b.finish(),
            }
        })
        .collect();
    if settings.encoding == Encoding::Windows1252 {
        file.check_misread_utf8(&columns, &lines).map_err(one)?;
    }
    Ok(Dataset {
        path: path.to_path_buf(),
        columns,
        lines,
        meta: settings.meta.clone(),
    })
}

fn one(d: Diagnostic) -> Vec<Diagnostic> {
    vec![d]
}

struct CsvFile<'a, 'r> {
    path: &'a Path,
    open: &'a Opener<'r>,
    s: &'a Settings,
    /// The file's whole text when it is valid UTF-8 in memory (byte-order mark left out): what
    /// decoding the file would give, without the copy.
    text: Option<&'r [u8]>,
}

impl<'r> CsvFile<'_, 'r> {
    fn error(&self, pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.path, pos, message)
    }

    fn raw(&self) -> Result<Box<dyn Read + 'r>, Diagnostic> {
        (self.open)().map_err(|e| self.io_problem(&e))
    }

    fn decoded(&self) -> Result<Box<dyn Read + 'r>, Diagnostic> {
        if let Some(text) = self.text {
            return Ok(Box::new(text));
        }
        Ok(Box::new(Decoding::new(self.raw()?, self.s.encoding)))
    }

    fn reader(&self, delimiter: Delimiter) -> Result<Reader<'r>, Diagnostic> {
        // Lines end at `\n` alone: the csv crate's line count lags one line behind on `\r\n`,
        // and the `\r` it leaves on the last field is trimmed with the rest of the blanks.
        Ok(csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .delimiter(delimiter.byte())
            .from_reader(self.decoded()?))
    }

    fn io_problem(&self, e: &io::Error) -> Diagnostic {
        match e.get_ref().and_then(|x| x.downcast_ref::<Malformed>()) {
            Some(m) => self.encoding_problem(m.offset),
            None => self
                .error(Pos::FILE, format!("cannot read the file: {e}"))
                .help("check that the file exists and is readable"),
        }
    }

    fn csv_problem(&self, e: csv::Error) -> Diagnostic {
        let line = e.position().map_or(0, |p| p.line() as usize);
        match e.into_kind() {
            csv::ErrorKind::Io(io) => self.io_problem(&io),
            other => self
                .error(
                    Pos::new(line, 0),
                    format!("cannot read the file: {other:?}"),
                )
                .help("check the file's structure at this line"),
        }
    }

    fn encoding_problem(&self, offset: u64) -> Diagnostic {
        let Ok(at) = self
            .raw()
            .and_then(|r| decode::locate(r, offset).map_err(|e| self.io_problem(&e)))
        else {
            return self.error(Pos::FILE, format!("invalid text at byte offset {offset}"));
        };
        match self.s.encoding {
            Encoding::Utf8 => self
                .error(
                    at.pos,
                    format!(
                        "invalid UTF-8 at line {}, byte {} (0x{:02X})",
                        at.pos.line, at.byte_in_line, at.byte
                    ),
                )
                .help(format!(
                    "0x{:02X} is `{}` in Windows-1252; if the file was saved as Windows-1252, {}",
                    at.byte,
                    decode::windows_1252_char(at.byte),
                    self.s.declare("encoding: windows-1252")
                )),
            Encoding::Windows1252 => self
                .error(
                    at.pos,
                    format!("byte 0x{:02X} is not Windows-1252 text", at.byte),
                )
                .help("save the file again as UTF-8 or Windows-1252 text"),
        }
    }

    /// Refuses a UTF-8 file declared Windows-1252, which decodes without error into `Ã¸`. Only
    /// the header and each distinct text are looked at.
    fn check_misread_utf8(&self, columns: &[Column], lines: &[usize]) -> Result<(), Diagnostic> {
        let problem = |text: &str, line: usize| {
            self.error(
                Pos::new(line, 0),
                format!("`{text}` looks like UTF-8 text read as Windows-1252"),
            )
            .help(format!(
                "the file is probably UTF-8: remove `encoding: windows-1252` from {}",
                super::sidecar::shown(&self.s.sidecar)
            ))
        };
        for c in columns {
            if decode::looks_like_utf8_read_as_1252(&c.name) {
                return Err(problem(&c.name, 1));
            }
            let super::Values::Text(t) = &c.values else {
                continue;
            };
            for (i, text) in t.strings.iter().enumerate() {
                if decode::looks_like_utf8_read_as_1252(text) {
                    let row = t
                        .cells
                        .iter()
                        .position(|c| *c == super::Cell::Value(i as u32));
                    return Err(problem(text, row.map_or(0, |r| lines[r])));
                }
            }
        }
        Ok(())
    }

    /// A column declared `kind: count` holds whole numbers.
    fn check_counts(&self, header: &[String], kinds: &[ColumnType]) -> Result<(), Diagnostic> {
        let bad = header.iter().zip(kinds).find(|(name, kind)| {
            **kind != ColumnType::Integer
                && self.s.columns.get(*name).and_then(|c| c.role) == Some(ColumnRole::Count)
        });
        match bad {
            None => Ok(()),
            Some((name, _)) => Err(Diagnostic::error(
                &self.s.sidecar,
                self.s.column_pos(name),
                format!("column `{name}` is declared `kind: count`, but it is not an integer column"),
            )
            .help("counts are whole numbers: declare the column `type: integer`, or remove `kind: count`")),
        }
    }

    fn check_byte_order_mark(&self) -> Result<(), Diagnostic> {
        let mut start = Vec::new();
        self.raw()?
            .take(3)
            .read_to_end(&mut start)
            .map_err(|e| self.io_problem(&e))?;
        if start.starts_with(b"\xFF\xFE") || start.starts_with(b"\xFE\xFF") {
            return Err(self
                .error(
                    Pos::new(1, 1),
                    "the file is UTF-16 (it starts with a UTF-16 byte-order mark)",
                )
                .help("save it as UTF-8 (\"CSV UTF-8\" in Excel) or Windows-1252"));
        }
        if start.starts_with(b"\xEF\xBB\xBF") && self.s.encoding == Encoding::Windows1252 {
            return Err(self
                .error(
                    Pos::new(1, 1),
                    "the file starts with a UTF-8 byte-order mark, but `encoding: windows-1252` is declared",
                )
                .help(format!(
                    "remove `encoding: windows-1252` from {} (UTF-8 is the default)",
                    super::sidecar::shown(&self.s.sidecar)
                )));
        }
        Ok(())
    }

    /// The declared delimiter, or the only candidate the header contains.
    fn delimiter(&self) -> Result<Delimiter, Diagnostic> {
        if let Some(d) = self.s.delimiter {
            return Ok(d);
        }
        let line = decode::first_line(self.decoded()?).map_err(|e| self.io_problem(&e))?;
        let found: Vec<(Delimiter, usize)> = Delimiter::ALL
            .iter()
            .map(|&d| (d, decode::count_outside_quotes(&line, d.byte())))
            .filter(|&(_, n)| n > 0)
            .collect();
        match found.as_slice() {
            // One column: the delimiter does not matter.
            [] => Ok(Delimiter::Comma),
            [(d, _)] => Ok(*d),
            _ => {
                let most = found
                    .iter()
                    .max_by_key(|(_, n)| *n)
                    .map_or(found[0].0, |f| f.0);
                let seen: Vec<String> = found
                    .iter()
                    .map(|(d, n)| format!("{} ({n} times)", d.shown()))
                    .collect();
                Err(self
                    .error(
                        Pos::new(1, 1),
                        format!(
                            "cannot tell the delimiter: the header contains {}",
                            seen.join(" and ")
                        ),
                    )
                    .help(format!(
                        "{}, or whichever character separates the columns",
                        self.s.declare(most.declaration())
                    )))
            }
        }
    }

    /// Reads and checks the header row: names present and unique, every declared column there.
    fn header(
        &self,
        rdr: &mut Reader<'r>,
        delimiter: Delimiter,
    ) -> Result<Vec<String>, Vec<Diagnostic>> {
        let mut rec = StringRecord::new();
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => {
                return Err(vec![self.error(Pos::FILE, "the file is empty").help(
                    "a data file starts with a header row that names its columns",
                )]);
            }
            Err(e) => return Err(vec![self.csv_problem(e)]),
        }
        if rec.iter().any(|f| f.contains('\n'))
            && let Some(d) = self.unclosed(0, 1, delimiter)
        {
            return Err(vec![d]);
        }
        if rec.len() > limits::MAX_COLUMNS {
            return Err(vec![limits::too_many_columns(self.path, rec.len())]);
        }
        if let Some(i) = rec.iter().position(|f| f.len() > limits::MAX_FIELD_BYTES) {
            let pos = field_pos(rec.iter().map(str::as_bytes), i, 1);
            return Err(vec![limits::field_too_long(self.path, pos, rec[i].len())]);
        }
        let names: Vec<String> = rec.iter().map(|f| f.trim().to_string()).collect();
        if let [only] = names.as_slice() {
            self.check_single_column(only, delimiter).map_err(one)?;
        }
        let mut problems = Vec::new();
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, name) in names.iter().enumerate() {
            // Placed only when reported: placing every field of a wide header is quadratic.
            let pos = || field_pos(rec.iter().map(str::as_bytes), i, 1);
            if problems.len() >= MAX_PROBLEMS {
                break;
            }
            if name.is_empty() {
                problems.push(
                    self.error(pos(), format!("column {} has no name in the header", i + 1))
                        .help("give every column a name in the first row"),
                );
            } else if let Some(first) = seen.insert(name, i) {
                problems.push(
                    self.error(
                        pos(),
                        format!(
                            "column `{name}` appears twice in the header (columns {} and {})",
                            first + 1,
                            i + 1
                        ),
                    )
                    .help("rename one of them; tables refer to columns by their header"),
                );
            }
        }
        problems.extend(self.undeclared_columns(&names));
        if problems.is_empty() {
            Ok(names)
        } else {
            Err(problems)
        }
    }

    fn check_single_column(&self, only: &str, delimiter: Delimiter) -> Result<(), Diagnostic> {
        for other in Delimiter::ALL.into_iter().filter(|&d| d != delimiter) {
            if let Some(i) = only.find(other.byte() as char) {
                return Err(self
                    .error(
                        Pos::new(1, only[..i].chars().count() + 1),
                        format!(
                            "one column found, but the header contains {}",
                            other.shown()
                        ),
                    )
                    .help(self.s.declare(other.declaration())));
            }
        }
        Ok(())
    }

    /// Columns the sidecar declares that the file does not have.
    fn undeclared_columns(&self, names: &[String]) -> Vec<Diagnostic> {
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        self.s
            .columns
            .keys()
            .filter(|k| !names.contains(k))
            .map(|k| {
                Diagnostic::error(
                    &self.s.sidecar,
                    self.s.column_pos(k),
                    format!(
                        "column `{k}` is declared, but {} has no such column",
                        super::sidecar::shown(self.path)
                    ),
                )
                .help(format!("the file's columns are {list}"))
            })
            .collect()
    }

    /// Declared column types; a typing pass over the file for the rest.
    fn column_types(&self, header: &[String], delimiter: Delimiter) -> Vec<ColumnType> {
        let declared: Vec<Option<ColumnType>> = header
            .iter()
            .map(|h| self.s.columns.get(h).and_then(|c| c.kind))
            .collect();
        let undeclared: Vec<usize> = (0..header.len())
            .filter(|&i| declared[i].is_none())
            .collect();
        let mut inferred = if undeclared.is_empty() {
            Vec::new()
        } else {
            self.infer(header.len(), &undeclared, delimiter)
        };
        inferred.reverse();
        declared
            .into_iter()
            .enumerate()
            .map(|(i, d)| {
                d.unwrap_or_else(|| {
                    let guess = inferred.pop().unwrap_or_default();
                    guess.column_type(&header[i])
                })
            })
            .collect()
    }

    /// Reads the rows once to find the narrowest type of each undeclared column. Problems are
    /// left for the reading pass to report with their places.
    fn infer(&self, width: usize, undeclared: &[usize], delimiter: Delimiter) -> Vec<Inferred> {
        let mut state = vec![Inferred::default(); undeclared.len()];
        let Ok(mut rdr) = self.reader(delimiter) else {
            return state;
        };
        let mut rec = ByteRecord::new();
        let mut header = true;
        while let Ok(true) = rdr.read_byte_record(&mut rec) {
            if std::mem::take(&mut header) || rec.len() != width || is_blank(&rec) {
                continue;
            }
            for (slot, &i) in state.iter_mut().zip(undeclared) {
                slot.see(rec[i].trim_ascii(), self.s);
            }
        }
        state
    }

    fn ragged(&self, line: usize, len: usize, width: usize, delimiter: Delimiter) -> Diagnostic {
        self.error(
            Pos::new(line, 1),
            format!(
                "line {line} has {}, but the header has {width}",
                plural(len, "field", "fields")
            ),
        )
        .help(format!(
            "every row needs one field per column: look for a missing or extra {} (a field that contains one must be in double quotes)",
            delimiter.shown()
        ))
    }

    /// The unclosed quote in the record starting at decoded byte `byte` on `line`, if any.
    fn unclosed(&self, byte: u64, line: usize, delimiter: Delimiter) -> Option<Diagnostic> {
        let decoded = self.decoded().ok()?;
        let pos = decode::unclosed_quote(decoded, byte, line, delimiter.byte()).ok()??;
        Some(
            self.error(pos, "a quoted field starts here and is never closed")
                .help("add the closing `\"` (a `\"` inside a quoted field is written `\"\"`)"),
        )
    }
}

/// A line with nothing but blanks (`\r` of an empty Windows line); skipped like empty lines.
fn is_blank(rec: &ByteRecord) -> bool {
    rec.len() == 1 && rec[0].trim_ascii().is_empty()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What the typing pass has seen of one column.
#[derive(Debug, Clone, Copy, Default)]
struct Inferred {
    kind: Option<Kind>,
    /// Smallest and largest integer seen, to recognise years.
    range: Option<(i64, i64)>,
}

impl Inferred {
    fn see(&mut self, text: &[u8], s: &Settings) {
        if s.missing
            .iter()
            .chain(&s.suppressed)
            .any(|c| c.as_bytes() == text)
        {
            return;
        }
        let parsed = number::parse_bytes(text, s.decimal);
        if let Ok(Parsed::Int(i)) = parsed {
            let (lo, hi) = self.range.unwrap_or((i, i));
            self.range = Some((lo.min(i), hi.max(i)));
        }
        let kind = number::classify(&parsed);
        self.kind = Some(self.kind.map_or(kind, |k| k.max(kind)));
    }

    /// The column type; a column of only missing values is a number column. Integers are years
    /// only when the header says so and every value has four digits.
    fn column_type(self, header: &str) -> ColumnType {
        let year_header = ["år", "aar", "årstal", "year"]
            .iter()
            .any(|w| header.to_lowercase() == *w);
        match self.kind {
            None | Some(Kind::Number) => ColumnType::Number,
            Some(Kind::Text) => ColumnType::Text,
            Some(Kind::Integer) => match self.range {
                Some((lo, hi)) if year_header && lo >= 1000 && hi <= 9999 => ColumnType::Year,
                _ => ColumnType::Integer,
            },
        }
    }
}
