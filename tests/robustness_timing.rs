//! Markdown known to slow parsers down must cost time linear in its size. Each case builds a
//! one-report site with the real binary at size n and at 4n; linear work takes about 4 times as
//! long, quadratic work 16 times. The test fails when the ratio reaches 6 (each doubling costing
//! more than about 2.45 times), a ratio measured within one run, so the machine's speed does not
//! matter. Sizes are chosen so that n takes some tens of milliseconds in a debug build; each
//! size is timed up to three times and the fastest run counts, which damps noise from other
//! processes. This file holds only these tests, so no other test of the suite runs beside them.

mod common;

use common::run::{evalpress, stderr};
use common::tree::small_site;
use std::fmt::Write;
use std::fs;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The tests of this file take turns, so that one's builds do not slow the other's down.
static SERIAL: Mutex<()> = Mutex::new(());

/// A failing ratio of time(4n) / time(n): linear is 4, quadratic 16; 6 allows each doubling
/// about 2.45 times the time.
const LIMIT: f64 = 6.0;

struct Case {
    name: &'static str,
    n: usize,
    body: fn(usize) -> String,
}

/// The body of `content/r/index.md` after a minimal front matter.
fn page(body: &str) -> String {
    format!("---\ntitle: R\n---\n\n{body}\n")
}

/// Seconds for one build of a site whose only report has `body`; the build must succeed.
fn build_time(dir: &Path, body: &str) -> Duration {
    let _ = fs::remove_dir_all(dir);
    let site = small_site(dir, &page(body), &[]);
    let out = dir.join("out");
    let start = Instant::now();
    let run = evalpress(&site, &["build", "--out", out.to_str().unwrap(), "--quiet"]);
    let took = start.elapsed();
    assert!(run.status.success(), "build failed:\n{}", stderr(&run));
    took
}

fn assert_linear(cases: &[Case]) {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    for case in cases {
        let (small, large) = ((case.body)(case.n), (case.body)(4 * case.n));
        // The small size always gets its three runs: a slow outlier there would hide a
        // quadratic large size. The large one stops early once it is clearly fast enough.
        let t1 = (0..3)
            .map(|_| build_time(tmp.path(), &small))
            .min()
            .unwrap();
        let mut t4 = Duration::MAX;
        for _ in 0..3 {
            t4 = t4.min(build_time(tmp.path(), &large));
            if t4.as_secs_f64() / t1.as_secs_f64() < LIMIT * 0.75 {
                break;
            }
        }
        let ratio = t4.as_secs_f64() / t1.as_secs_f64();
        eprintln!(
            "{}: n = {} ({} bytes) {t1:?}, 4n {t4:?}, ratio {ratio:.1}",
            case.name,
            case.n,
            small.len()
        );
        if ratio >= LIMIT {
            problems.push(format!(
                "{}: 4x the input took {ratio:.1}x the time ({t1:?} -> {t4:?})",
                case.name
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "superlinear Markdown cases:\n{}",
        problems.join("\n")
    );
}

fn lines(n: usize, line: impl Fn(usize) -> String) -> String {
    (0..n).fold(String::new(), |mut s, i| {
        let _ = writeln!(s, "{}", line(i));
        s
    })
}

#[test]
fn many_lines_of_pathological_markdown_take_linear_time() {
    assert_linear(&[
        Case {
            name: "reference definitions, each used on its own line",
            n: 4000,
            body: |n| {
                lines(n, |i| format!("[r{i}]: /u{i}")) + "\n" + &lines(n, |i| format!("[r{i}]"))
            },
        },
        Case {
            name: "footnotes",
            n: 2500,
            body: |n| {
                lines(n, |i| format!("Tekst[^f{i}].\n")) + &lines(n, |i| format!("[^f{i}]: Note."))
            },
        },
        Case {
            name: "table rows",
            n: 6000,
            body: |n| {
                format!(
                    "| a | b |\n|---|---|\n{}",
                    lines(n, |i| format!("| {i} | x |"))
                )
            },
        },
        Case {
            name: "block quotes nested up to 100 deep, line by line",
            n: 8000,
            body: |n| lines(n, |i| format!("{}x", "> ".repeat(i % 100))),
        },
        Case {
            name: "lists nested up to 50 deep",
            n: 5000,
            body: |n| lines(n, |i| format!("{}- x", "  ".repeat(i % 50))),
        },
    ]);
}

#[test]
fn one_line_pathological_markdown_takes_linear_time() {
    assert_linear(&[
        Case {
            name: "nested brackets",
            n: 25000,
            body: |n| format!("{}x{}", "[".repeat(n), "]".repeat(n)),
        },
        Case {
            name: "unclosed brackets",
            n: 25000,
            body: |n| format!("{}x", "[".repeat(n)),
        },
        Case {
            name: "50,000 nested `> ` at 4n",
            n: 12500,
            body: |n| format!("{}x", "> ".repeat(n)),
        },
        Case {
            name: "deep list on one line",
            n: 12500,
            body: |n| format!("{}x", "- ".repeat(n)),
        },
        Case {
            name: "deep ordered list on one line",
            n: 10000,
            body: |n| format!("{}x", "1. ".repeat(n)),
        },
        Case {
            name: "emphasis delimiters",
            n: 10000,
            body: |n| "*a **a ".repeat(n),
        },
        Case {
            name: "unclosed link destinations",
            n: 10000,
            body: |n| "[a](".repeat(n),
        },
        Case {
            name: "reference definitions used on one line",
            n: 4000,
            body: |n| {
                lines(n, |i| format!("[r{i}]: /u{i}"))
                    + "\n"
                    + &(0..n).map(|i| format!("[r{i}] ")).collect::<String>()
            },
        },
    ]);
}

#[test]
fn many_headings_and_directives_take_linear_time() {
    assert_linear(&[
        Case {
            name: "identical headings",
            n: 1000,
            body: |n| lines(n, |_| "# Kapitel\n".to_string()),
        },
        Case {
            name: "labelled boxes with references",
            n: 1000,
            body: |n| {
                lines(n, |i| {
                    format!("```box\nlabel: b{i}\ntitle: B\n---\nx\n```\n\nSe [@b{i}].\n")
                })
            },
        },
    ]);
}
