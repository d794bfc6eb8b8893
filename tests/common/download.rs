//! Reading the CSV downloads of a built site as a spreadsheet would: the Danish Excel dialect
//! (byte-order mark, `;`) when the file starts with a BOM, RFC 4180 (`,`) otherwise.
#![allow(dead_code)]

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The delimiter and the bytes after the BOM.
pub fn dialect(bytes: &[u8]) -> (u8, &[u8]) {
    match bytes.strip_prefix(BOM) {
        Some(rest) => (b';', rest),
        None => (b',', bytes),
    }
}

/// Every record, header first, read by the csv crate in the file's dialect.
pub fn records(bytes: &[u8]) -> Vec<Vec<String>> {
    let (delimiter, body) = dialect(bytes);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}
