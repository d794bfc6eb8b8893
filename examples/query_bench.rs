//! Measures the query engine on a register-sized extract: generates a 1,000,000-row long-layout
//! CSV (municipality × year × scheme × age group, `;`-separated, decimal comma, thousands
//! points, UTF-8 with a byte-order mark) in a temporary folder, then loads it and aggregates it
//! into a pivot table (municipalities × years, totals row and column, disclosure control), and
//! prints rows per second for the load, the query and both together. Prints; asserts nothing.
//!
//! Run: `cargo run --release --example query_bench [rows]`.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use evalpress::data::{DataDefaults, read_dataset};
use evalpress::diagnostics::Pos;
use evalpress::query::{Context, Query, Sealed};

const MUNICIPALITIES: [&str; 14] = [
    "København",
    "Aarhus",
    "Odense",
    "Aalborg",
    "Esbjerg",
    "Randers",
    "Kolding",
    "Horsens",
    "Vejle",
    "Roskilde",
    "Herning",
    "Hørsholm",
    "Helsingør",
    "Tønder",
];
const SCHEMES: [&str; 4] = [
    "Uddannelsesløft",
    "Voksenlærlingeforløb",
    "Jobrotation",
    "Opkvalificering",
];

const SPEC: &str = "data: bench/extract.csv\n\
    filter: {Ordning: [Uddannelsesløft, Voksenlærlingeforløb], År: {min: 2011, max: 2020}}\n\
    group: [Kommune]\npivot: År\naggregate:\n  Antal: sum(Antal)\ntotals: both\n";

const SIDECAR: &str = "title: Benchmark extract\ndelimiter: \";\"\ndecimal: comma\n\
    columns:\n  Kommune: {type: text}\n  År: {type: year}\n  Ordning: {type: text}\n  \
    Alder: {type: text}\n  Antal: {type: integer, kind: count}\n";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: usize = std::env::args()
        .nth(1)
        .map_or(Ok(1_000_000), |a| a.parse())?;
    let dir = tempfile::tempdir()?;
    let rel = Path::new("data/bench/extract.csv");
    std::fs::create_dir_all(dir.path().join("data/bench"))?;
    let bytes = generate(&dir.path().join(rel), rows)?;
    std::fs::write(dir.path().join("data/bench/extract.yaml"), SIDECAR)?;
    println!("extract: {rows} rows, {:.1} MB", bytes as f64 / 1e6);

    let start = Instant::now();
    let dataset =
        read_dataset(dir.path(), rel, &DataDefaults::default()).map_err(|d| format!("{d:?}"))?;
    let loaded = start.elapsed();
    let data = Sealed::new(dataset);
    let query =
        Query::parse(SPEC, Path::new("bench.md"), Pos::new(1, 1)).map_err(|d| d.to_string())?;
    let ctx = Context {
        rules: data.rules(),
        total_label: "I alt",
        hide: &[],
        raw: None,
    };
    let t = Instant::now();
    let table = query.run(&data, &ctx).map_err(|d| format!("{d:?}"))?;
    let queried = t.elapsed();
    let total = start.elapsed();

    let rate = |d: std::time::Duration| rows as f64 / d.as_secs_f64() / 1e6;
    println!(
        "pivot: {} rows x {} columns",
        table.row_count(),
        table.heads().len()
    );
    println!(
        "load:  {:>8.1} ms  {:>6.2} million rows/s",
        loaded.as_secs_f64() * 1e3,
        rate(loaded)
    );
    println!(
        "query: {:>8.1} ms  {:>6.2} million rows/s",
        queried.as_secs_f64() * 1e3,
        rate(queried)
    );
    println!(
        "both:  {:>8.1} ms  {:>6.2} million rows/s (target: 4)",
        total.as_secs_f64() * 1e3,
        rate(total)
    );
    Ok(())
}

/// Writes `rows` rows of a long extract; returns the file's size in bytes.
fn generate(path: &Path, rows: usize) -> std::io::Result<usize> {
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    let mut bytes = 0;
    let mut line = String::new();
    line.push_str("\u{feff}Kommune;År;Ordning;Alder;Antal\r\n");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..rows {
        // Sorted like a register extract: municipality, then year, scheme, age group.
        let per_muni = rows.div_ceil(MUNICIPALITIES.len());
        let muni = MUNICIPALITIES[(i / per_muni).min(MUNICIPALITIES.len() - 1)];
        let j = i % per_muni;
        let year = 2011 + (j / 400) % 10;
        let scheme = SCHEMES[(j / 100) % SCHEMES.len()];
        let age = 18 + j % 100;
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let n = seed % 2500;
        let count = if n >= 1000 {
            format!("{}.{:03}", n / 1000, n % 1000)
        } else {
            n.to_string()
        };
        use std::fmt::Write as _;
        let _ = write!(line, "{muni};{year};{scheme};{age} år;{count}\r\n");
        if line.len() > 1 << 16 {
            w.write_all(line.as_bytes())?;
            bytes += line.len();
            line.clear();
        }
    }
    w.write_all(line.as_bytes())?;
    bytes += line.len();
    w.flush()?;
    Ok(bytes)
}
