//! Reader tests: every input form a register export arrives in, and every way one goes wrong,
//! each bad case pinned to its message, place and help line.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::*;
use crate::diagnostics::Diagnostic;

const CSV: &str = "data/t.csv";

fn read(bytes: &[u8], sidecar: Option<&str>) -> Result<Dataset, Vec<Diagnostic>> {
    let open = || -> io::Result<Box<dyn Read + '_>> { Ok(Box::new(bytes)) };
    let side = sidecar.map(|text| SourceFile {
        path: PathBuf::from("data/t.yaml"),
        text: text.into(),
    });
    let defaults = DataDefaults::default();
    let streamed = read_csv(Path::new(CSV), &open, side.as_ref(), &defaults);
    // Every case also reads the same from memory, where text without quotes is split without
    // the `csv` crate.
    let in_memory = read_csv_bytes(Path::new(CSV), bytes, side.as_ref(), &defaults);
    assert_eq!(format!("{streamed:#?}"), format!("{in_memory:#?}"));
    streamed
}

fn ok(bytes: &[u8], sidecar: Option<&str>) -> Dataset {
    read(bytes, sidecar).unwrap_or_else(|d| panic!("{}", d[0]))
}

/// The only diagnostic reading `bytes` gives.
fn err(bytes: &[u8], sidecar: Option<&str>) -> Diagnostic {
    let mut d = read(bytes, sidecar).expect_err("the file should be refused");
    assert_eq!(d.len(), 1, "{d:#?}");
    d.remove(0)
}

fn assert_diag(d: &Diagnostic, line: usize, col: usize, message: &str, help: &str) {
    assert_eq!(d.message, message, "{d}");
    assert_eq!((d.line, d.col), (line, col), "{d}");
    assert!(d.help.contains(help), "help should contain {help:?}: {d}");
}

fn ints(ds: &Dataset, col: &str) -> Vec<Cell<i64>> {
    match &ds.column(col).unwrap().values {
        Values::Integer(v) => v.clone(),
        other => panic!("{col} is {other:?}"),
    }
}

fn nums(ds: &Dataset, col: &str) -> Vec<Cell<f64>> {
    match &ds.column(col).unwrap().values {
        Values::Number(v) => v.clone(),
        other => panic!("{col} is {other:?}"),
    }
}

fn texts(ds: &Dataset, col: &str) -> Vec<Cell<String>> {
    let c = ds.column(col).unwrap();
    (0..c.len())
        .map(|r| {
            c.get(r).map(|d| match d {
                Datum::Text(t) => t.to_string(),
                other => panic!("{other:?}"),
            })
        })
        .collect()
}

use Cell::{Missing, Suppressed, Value};

#[test]
fn semicolons_bom_and_decimal_commas() {
    let ds = ok(
        "\u{feff}Område;Antal;Andel\r\nHele landet;72.008;4,7\r\nØvrige;-1.421;-42,5\r\n"
            .as_bytes(),
        Some("decimal: comma\n"),
    );
    assert_eq!(ds.columns[0].name, "Område");
    assert_eq!(ds.columns[1].kind, ColumnType::Integer);
    assert_eq!(ints(&ds, "Antal"), [Value(72008), Value(-1421)]);
    assert_eq!(nums(&ds, "Andel"), [Value(4.7), Value(-42.5)]);
    assert_eq!(ds.lines, [2, 3]);
}

#[test]
fn tabs_and_commas_are_detected() {
    let ds = ok(b"Kommune\tAntal\nAarhus\t12\n", None);
    assert_eq!(ints(&ds, "Antal"), [Value(12)]);
    let ds = ok(b"municipality,share\nAarhus,2.5\n", None);
    assert_eq!(nums(&ds, "share"), [Value(2.5)]);
    let ds = ok(b"a\tb\n1\t2\n", Some("delimiter: tab\n"));
    assert_eq!(ds.columns.len(), 2);
}

#[test]
fn windows_1252_when_declared() {
    let bytes = b"Kommune;Antal\n\xc6r\xf8sk\xf8bing;12\nK\xf8benhavn;5\n";
    let ds = ok(bytes, Some("encoding: windows-1252\n"));
    assert_eq!(
        texts(&ds, "Kommune"),
        [Value("Ærøskøbing".into()), Value("København".into())]
    );
}

#[test]
fn windows_1252_undeclared_is_invalid_utf8() {
    let bytes = b"Kommune;Antal\nAarhus;3\nK\xf8benhavn;5\n";
    let d = err(bytes, None);
    assert_diag(
        &d,
        3,
        2,
        "invalid UTF-8 at line 3, byte 2 (0xF8)",
        "0xF8 is `ø` in Windows-1252; if the file was saved as Windows-1252, create data/t.yaml containing `encoding: windows-1252`",
    );
    assert_eq!(d.file, Path::new(CSV));
}

#[test]
fn utf8_declared_as_windows_1252_is_refused() {
    let d = err(
        "Kommune;Antal\nAarhus;3\nKøbenhavn;5\n".as_bytes(),
        Some("encoding: windows-1252\n"),
    );
    assert_diag(
        &d,
        3,
        0,
        "`KÃ¸benhavn` looks like UTF-8 text read as Windows-1252",
        "remove `encoding: windows-1252` from data/t.yaml",
    );
}

#[test]
fn byte_order_marks_that_contradict_the_declaration() {
    let d = err(b"\xEF\xBB\xBFa;b\n1;2\n", Some("encoding: windows-1252\n"));
    assert_diag(
        &d,
        1,
        1,
        "the file starts with a UTF-8 byte-order mark, but `encoding: windows-1252` is declared",
        "remove `encoding: windows-1252` from data/t.yaml",
    );
    let d = err(b"\xFF\xFEa\x00", None);
    assert_diag(
        &d,
        1,
        1,
        "the file is UTF-16 (it starts with a UTF-16 byte-order mark)",
        "save it as UTF-8",
    );
}

#[test]
fn quoted_fields_keep_delimiters_and_newlines() {
    let ds = ok(
        b"Navn;Note;Antal\n\"Aarhus; midt\";\"to\nlinjer\";5\nOdense;kort;3\n",
        None,
    );
    assert_eq!(
        texts(&ds, "Note"),
        [Value("to\nlinjer".into()), Value("kort".into())]
    );
    assert_eq!(texts(&ds, "Navn")[0], Value("Aarhus; midt".into()));
    // Provenance: each row's first line, past the quoted newline.
    assert_eq!(ds.lines, [2, 4]);
}

#[test]
fn ragged_rows_are_reported_by_line() {
    let d = read(b"a;b\n1;2\n3\n4;5;6\n7;8\n", None).unwrap_err();
    assert_eq!(d.len(), 2, "{d:#?}");
    assert_diag(
        &d[0],
        3,
        1,
        "line 3 has 1 field, but the header has 2",
        "look for a missing or extra `;`",
    );
    assert_eq!(d[1].message, "line 4 has 3 fields, but the header has 2");
}

#[test]
fn unterminated_quotes_are_found() {
    // The open quote swallows the rest of the file into one field.
    let d = err(b"a;b\n1;\"x\n2;3\n", None);
    assert_diag(
        &d,
        2,
        3,
        "a quoted field starts here and is never closed",
        "add the closing `\"`",
    );
    // Ragged because of the quote: the quote is the problem reported.
    let d = err(b"a;b;c\n1;\"x;2\n3;4;5\n", None);
    assert_eq!((d.line, d.col), (2, 3), "{d}");
    assert_eq!(d.message, "a quoted field starts here and is never closed");
    // A well-closed multi-line field at the end of the file is fine.
    ok(b"a;b\n1;\"x\ny\"\n", None);
}

#[test]
fn duplicate_and_empty_headers() {
    let d = err(b"a;b;a\n1;2;3\n", None);
    assert_diag(
        &d,
        1,
        5,
        "column `a` appears twice in the header (columns 1 and 3)",
        "rename one of them",
    );
    let d = err(b"a;;c\n1;2;3\n", None);
    assert_diag(
        &d,
        1,
        3,
        "column 2 has no name in the header",
        "give every column a name",
    );
}

#[test]
fn undeclared_decimal_comma_is_refused() {
    let d = err(b"Kommune;Andel\nAarhus;4,7\n", None);
    assert_diag(
        &d,
        2,
        8,
        "`4,7` has a decimal comma, but no decimal separator is declared",
        "create data/t.yaml containing `decimal: comma`",
    );
    let d = err(b"Kommune;Antal\nAarhus;72.008\n", Some("title: T\n"));
    assert_diag(
        &d,
        2,
        8,
        "`72.008` reads as two different numbers: the separators may group thousands or mark decimals",
        "add `decimal: comma` to data/t.yaml",
    );
}

#[test]
fn decimals_in_an_integer_column() {
    let d = err(
        b"Kommune;Antal\nAarhus;12,5\n",
        Some("decimal: comma\ncolumns:\n  Antal: {type: integer}\n"),
    );
    assert_diag(
        &d,
        2,
        8,
        "`12,5` in a column declared integer (`Antal`)",
        "declare the column `type: number`",
    );
}

#[test]
fn the_other_separator_is_refused() {
    let d = err(b"a;b\nx;4.7\n", Some("decimal: comma\n"));
    assert_diag(
        &d,
        2,
        3,
        "`4.7` has a decimal point, but `decimal: comma` is declared",
        "declare `decimal: point`",
    );
}

#[test]
fn nan_and_infinity_are_refused() {
    let d = err(b"a;b\nx;NaN\n", None);
    assert_diag(
        &d,
        2,
        3,
        "`NaN` is not a number a report can show (column `b`)",
        "such as `..`",
    );
    let d = read(
        b"a;b\nx;inf\ny;-Infinity\n",
        Some("columns:\n  b: {type: number}\n"),
    )
    .unwrap_err();
    assert_eq!(d.len(), 2, "{d:#?}");
    assert_eq!(d[1].line, 3);
}

#[test]
fn missing_suppressed_and_zero_stay_apart() {
    let ds = ok(
        b"k;v\na;0\nb;..\nc;\nd;-\ne;NA\nf;x\ng;.\nh;7\n",
        Some("suppressed: [x]\n"),
    );
    assert_eq!(
        ints(&ds, "v"),
        [
            Value(0),
            Missing,
            Missing,
            Missing,
            Missing,
            Suppressed,
            Missing,
            Value(7)
        ]
    );
    let v = ds.column("v").unwrap();
    assert_eq!(v.get(0), Value(Datum::Integer(0)));
    assert_eq!(v.get(5), Suppressed);
}

#[test]
fn missing_codes_are_configurable() {
    let ds = ok(b"k;v\na;(m)\nb;3\n", Some("missing: [\"(m)\"]\n"));
    assert_eq!(ints(&ds, "v"), [Missing, Value(3)]);
    // With its own list, the default codes are numbers again and `-` is not one.
    let d = err(
        b"k;v\na;(m)\nb;-\n",
        Some("missing: [\"(m)\"]\ncolumns:\n  v: {type: integer}\n"),
    );
    assert_diag(
        &d,
        3,
        3,
        "`-` is not a number, but column `v` is integer",
        "missing: [\"..\", \"-\"]",
    );
}

#[test]
fn text_columns_keep_missing_codes_apart() {
    let ds = ok(b"k;v\n..;1\nAarhus;2\nAarhus;3\n", None);
    assert_eq!(
        texts(&ds, "k"),
        [Missing, Value("Aarhus".into()), Value("Aarhus".into())]
    );
    match &ds.column("k").unwrap().values {
        Values::Text(t) => assert_eq!(t.strings, ["Aarhus"]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_column_with_another_delimiter_in_the_header() {
    let d = err(b"Kommune;Antal\nAarhus;3\n", Some("delimiter: \",\"\n"));
    assert_diag(
        &d,
        1,
        8,
        "one column found, but the header contains `;`",
        "add `delimiter: \";\"` to data/t.yaml",
    );
}

#[test]
fn an_ambiguous_header_needs_a_declared_delimiter() {
    let d = err(b"Kommune;Antal, i alt;Andel\nAarhus;3;4\n", None);
    assert_diag(
        &d,
        1,
        1,
        "cannot tell the delimiter: the header contains `;` (2 times) and `,` (1 times)",
        "create data/t.yaml containing `delimiter: \";\"`",
    );
}

#[test]
fn declared_columns_must_exist() {
    let d = err(
        b"Kommune;Antal\nAarhus;3\n",
        Some("decimal: comma\ncolumns:\n  Antall: {type: integer}\n"),
    );
    assert_eq!(d.file, Path::new("data/t.yaml"));
    assert_diag(
        &d,
        3,
        3,
        "column `Antall` is declared, but data/t.csv has no such column",
        "the file's columns are `Kommune`, `Antal`",
    );
}

#[test]
fn types_are_inferred_when_not_declared() {
    let ds = ok(
        "Kommune;År;Antal;Andel;Tom\nA;2018;1;1.5;..\nB;2019;2;2;..\n".as_bytes(),
        None,
    );
    let kinds: Vec<ColumnType> = ds.columns.iter().map(|c| c.kind).collect();
    use ColumnType::*;
    assert_eq!(kinds, [Text, Year, Integer, Number, Number]);
    assert_eq!(nums(&ds, "Andel"), [Value(1.5), Value(2.0)]);
}

#[test]
fn empty_files_are_refused() {
    let d = err(b"", None);
    assert_diag(&d, 0, 0, "the file is empty", "header row");
}

#[test]
fn many_problems_stop_at_a_limit() {
    let mut text = String::from("a;b\n");
    for _ in 0..30 {
        text.push_str("x;y\n");
    }
    let d = read(text.as_bytes(), Some("columns:\n  b: {type: integer}\n")).unwrap_err();
    assert_eq!(d.len(), read::MAX_PROBLEMS + 1);
    assert!(d.last().unwrap().message.contains("stopped reading"));
}

#[test]
fn wide_tables_melt_into_long_ones() {
    let ds = ok(
        b"Kommune;2019;2020\nAarhus;3;..\nOdense;x;7\n",
        Some("suppressed: [x]\n"),
    );
    let long = ds.to_long(&["Kommune"], "År", "Antal").unwrap();
    assert_eq!(long.row_count(), 4);
    assert_eq!(long.column("År").unwrap().kind, ColumnType::Year);
    assert_eq!(
        ints(&long, "År"),
        [Value(2019), Value(2020), Value(2019), Value(2020)]
    );
    assert_eq!(
        ints(&long, "Antal"),
        [Value(3), Missing, Suppressed, Value(7)]
    );
    assert_eq!(
        texts(&long, "Kommune"),
        ["Aarhus", "Aarhus", "Odense", "Odense"].map(|s| Value(s.to_string()))
    );
    assert_eq!(long.lines, [2, 2, 3, 3]);
    assert!(ds.to_long(&["Nope"], "År", "Antal").is_err());
    assert!(
        ds.to_long(&[], "År", "Antal")
            .unwrap_err()
            .contains("`Kommune` is text")
    );
}

/// The example site's data files carry the seeds' real figures.
#[test]
fn example_site_data_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let defaults = DataDefaults::default();
    let t2 = read_dataset(
        root,
        Path::new("data/uddannelsesambassadoerer/tabel2-maalgruppe.csv"),
        &defaults,
    )
    .unwrap_or_else(|d| panic!("{}", d[0]));
    assert_eq!(
        texts(&t2, "Område"),
        [
            "Hele landet",
            "Projektkommuner under ét",
            "Ikke-projektkommuner under ét"
        ]
        .map(|s| Value(s.to_string()))
    );
    let group = ints(&t2, "Målgruppe");
    let started = ints(&t2, "Påbegyndt");
    assert_eq!(group, [Value(72008), Value(39527), Value(32481)]);
    assert_eq!(started, [Value(3386), Value(1965), Value(1421)]);
    // The whole country is the two groups together.
    assert_eq!(39527 + 32481, 72008);
    assert_eq!(1965 + 1421, 3386);
    let label = t2.column("Påbegyndt").unwrap().display_label();
    assert_eq!(label, "Antal påbegyndte personer");
    let source = t2.meta.source.as_ref().unwrap().text.as_deref();
    assert_eq!(source, Some("Det fælles datagrundlag og egne beregninger"));

    let budget = read_dataset(root, Path::new("data/job-veu/budget.csv"), &defaults)
        .unwrap_or_else(|d| panic!("{}", d[0]));
    assert_eq!(budget.columns[0].name, "Formål");
    assert_eq!(
        texts(&budget, "Formål"),
        [Value("Bevilling i alt".to_string())]
    );
    let by_year: Vec<Cell<f64>> = ["2018", "2019", "2020", "2021"]
        .iter()
        .map(|y| nums(&budget, y)[0])
        .collect();
    assert_eq!(
        by_year,
        [Value(25.0), Value(25.3), Value(28.2), Value(40.9)]
    );
    let long = budget.to_long(&["Formål"], "År", "Bevilling").unwrap();
    assert_eq!(
        long.column("Bevilling").unwrap().unit.as_deref(),
        Some("mio. kr.")
    );
}

#[test]
fn windows_line_endings_and_blank_lines_keep_line_numbers() {
    let ds = ok(b"a;b\r\n1;\"x\r\ny\"\r\n\r\n3;z\r\n\r\n", None);
    assert_eq!(ds.lines, [2, 5]);
    assert_eq!(texts(&ds, "b")[1], Value("z".into()));
    let d = err(b"a;b\r\n1;2\r\n\r\n3;4,5\r\n", None);
    assert_eq!((d.line, d.col), (4, 3), "{d}");
}

#[test]
fn counts_are_declared_and_must_be_whole_numbers() {
    let side = "columns:\n  n: {type: integer, kind: count}\n  x: {kind: measure}\n";
    let ds = ok(b"n,x\n1,2.5\n", Some(side));
    assert!(ds.column("n").unwrap().count);
    assert!(!ds.column("x").unwrap().count);
    let d = err(
        b"n\n1.5\n",
        Some("columns:\n  n: {type: number, kind: count}\n"),
    );
    assert_diag(
        &d,
        2,
        3,
        "column `n` is declared `kind: count`, but it is not an integer column",
        "declare the column `type: integer`",
    );
}

proptest::proptest! {
    /// Text without quotes reads the same from memory (split at delimiters and line ends) as
    /// through the `csv` crate: the same cells, lines, ragged rows and bad cells, wherever empty
    /// and blank lines, `\r` and a missing last line end fall.
    #[test]
    fn unquoted_text_in_memory_reads_as_the_csv_crate_does(
        body in proptest::collection::vec(
            proptest::sample::select(vec!["1", "22", "x", ";", "\n", "\r\n", "\r", " ", "..", "4,5", "år"]),
            0..40,
        ),
        header in proptest::sample::select(vec!["a;b\n", "a\n", "a;b;c\r\n", "\u{feff}a;b\n"]),
    ) {
        let text = format!("{header}{}", body.concat());
        for sidecar in [None, Some("delimiter: \";\"\ncolumns:\n  a: {type: text}\n")] {
            // `read` asserts that both ways give the same result.
            let _ = read(text.as_bytes(), sidecar);
        }
    }
}
