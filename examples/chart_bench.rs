//! Chart rendering speed: draws 1,000 bar charts of 20 bars each on one thread and prints
//! charts per second (the target on this project's 2-core machine is at least 5,000). It
//! prints, never asserts: timing depends on the machine.
//!
//! `cargo run --release --example chart_bench [charts]`

use std::time::Instant;

use evalpress::charts::{
    self, CHART_WORD_KEYS, ChartData, ChartSpec, ChartWords, Context, Figure, Kind, Series, Theme,
    Value,
};
use evalpress::format::{NumberFormatter, UnitWords};

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let words: std::collections::BTreeMap<String, String> = CHART_WORD_KEYS
        .iter()
        .map(|k| (k.to_string(), format!("{k} {{n}}")))
        .collect();
    let words = ChartWords::from_words(&words).expect("every key is there");
    let units = UnitWords {
        percent: "{n} %".into(),
        percent_prose: "{n} pct.".into(),
        percentage_points: "{n} procentpoint".into(),
    };
    let numbers = NumberFormatter::new("da", units).expect("Danish numbers");
    let theme = Theme::default_theme();
    let cx = Context {
        numbers: &numbers,
        words: &words,
        theme: &theme,
    };
    let mut spec = ChartSpec::of(Kind::Bar);
    spec.y_title = Some("Antal påbegyndte forløb".into());
    let data: Vec<ChartData> = (0..count)
        .map(|c| ChartData {
            categories: (0..20).map(|i| format!("Kommune {}", i + 1)).collect(),
            series: vec![Series {
                name: "Påbegyndt".into(),
                values: (0..20)
                    .map(|i| Value::Shown(f64::from(((c * 31 + i * 17) % 997) as u32)))
                    .collect(),
            }],
            n_per_category: None,
        })
        .collect();
    let start = Instant::now();
    let mut bytes = 0;
    for (i, d) in data.iter().enumerate() {
        let id = format!("figur-{i}");
        let figure = Figure {
            id: &id,
            title: "Påbegyndte forløb pr. kommune",
        };
        let chart = charts::render(&spec, d, figure, cx).expect("the chart draws");
        bytes += chart.svg.len() + chart.table_html.len();
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{count} charts of 20 bars in {:.3} s on one thread: {:.0} charts/s ({} kB of SVG and tables)",
        seconds,
        count as f64 / seconds,
        bytes / 1024
    );
}
