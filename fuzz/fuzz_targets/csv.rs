//! A CSV file with one of several sidecars (the first byte picks it; the last takes the sidecar
//! from the input, up to a NUL byte): read, and when read, every column as long as its rows.
#![no_main]

use std::io::Read;
use std::path::Path;

use evalpress::data::{DataDefaults, read_csv};
use evalpress::model::SourceFile;
use libfuzzer_sys::fuzz_target;

const SIDECARS: [Option<&str>; 7] = [
    None,
    Some("delimiter: \";\"\ndecimal: comma\n"),
    Some("encoding: windows-1252\nmissing: [\"..\", x]\n"),
    Some(
        "decimal: point\nsuppressed: [\"x\"]\ncolumns:\n  a: {type: integer, kind: count}\n  b: {type: year}\n",
    ),
    Some("delimiter: tab\ncolumns:\n  a: {type: text, label: A}\n  b: {type: number}\n"),
    Some("title: T\nillustrative: true\ndisclosure: {threshold: 5, zeros: hide}\n"),
    Some("delimiter: \",\"\ncolumns:\n  År: {type: year}\n"),
];

fuzz_target!(|input: (u8, &[u8])| {
    let (pick, bytes) = input;
    let pick = usize::from(pick) % (SIDECARS.len() + 1);
    let (sidecar, csv): (Option<String>, &[u8]) = match SIDECARS.get(pick) {
        Some(s) => (s.map(str::to_string), bytes),
        None => {
            let cut = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
            let rest = bytes.get(cut + 1..).unwrap_or_default();
            (
                Some(String::from_utf8_lossy(&bytes[..cut]).into_owned()),
                rest,
            )
        }
    };
    let sidecar = sidecar.map(|text| SourceFile {
        path: "data/f.yaml".into(),
        text,
    });
    let open = || -> std::io::Result<Box<dyn Read + '_>> { Ok(Box::new(csv)) };
    let path = Path::new("data/f.csv");
    if let Ok(data) = read_csv(path, &open, sidecar.as_ref(), &DataDefaults::default()) {
        for column in &data.columns {
            assert_eq!(column.len(), data.row_count(), "column `{}`", column.name);
        }
    }
});
