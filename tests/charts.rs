//! Snapshot tests of the chart renderer: every chart kind, drawn from the seed reports'
//! figures where they print them (001 Boks 2/3 and Diagram 3, 002 Tabel 1.1 and Figur 8.6)
//! and from invented numbers marked "illustrative data" where they do not, plus the
//! robustness cases (empty, one category, zeros, negatives, 200 categories, 120-character
//! labels, hidden and missing values, hostile labels).
//!
//! Snapshots are plain files under `tests/snapshots/charts/`: one `<case>.svg` per chart
//! (a real SVG file: open it in a browser) and `index.html`, a page with every chart inline
//! over its data table. They are compared byte for byte; `EVALPRESS_BLESS=1 cargo test --test
//! charts` rewrites them from the current output (review the diff before committing). With
//! `CI` or `EVALPRESS_VNU=1` set, the snapshots are also checked by the Nu Html Checker
//! (`node tools/qa/validate.mjs`), the SVGs as SVG and the page as HTML.

mod chart_cases;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use chart_cases::{Case, Env, cases, render};
use evalpress::charts::{ChartData, ChartSpec, Kind, Series, Value};

fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/charts")
}

fn blessing() -> bool {
    std::env::var_os("EVALPRESS_BLESS").is_some_and(|v| v == "1")
}

/// Every case's SVG and the page of all of them, as (file name, content).
fn snapshot_files(env: &Env) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut page = String::new();
    for case in cases() {
        let chart = render(env, &case).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        page.push_str(&format!(
            "<figure id=\"{id}\"><figcaption>{title}</figcaption>{svg}<details><summary>{summary}</summary>{table}</details></figure>\n",
            id = case.name,
            title = evalpress::charts::svg::escape(case.title),
            svg = chart.svg,
            summary = env.words(case.lang).data_table,
            table = chart.table_html,
        ));
        files.push((format!("{}.svg", case.name), chart.svg));
    }
    files.push((
        "index.html".to_string(),
        format!(
            "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n<title>evalpress: diagrammer</title>\n<link rel=\"stylesheet\" href=\"../../../themes/default/static/style.css\">\n<style>figure {{ max-width: 46rem; margin: 2rem auto; }} svg.chart {{ border: 1px dotted #c6c6c6; }}</style>\n</head>\n<body>\n<main>\n<h1>Diagrammer fra evalpress</h1>\n{page}</main>\n</body>\n</html>\n"
        ),
    ));
    files
}

#[test]
fn snapshots_of_every_chart_kind() {
    let env = Env::new();
    let dir = snapshot_dir();
    let files = snapshot_files(&env);
    let mut problems = Vec::new();
    if blessing() {
        fs::create_dir_all(&dir).unwrap();
        for entry in fs::read_dir(&dir).unwrap() {
            fs::remove_file(entry.unwrap().path()).unwrap();
        }
    }
    for (name, content) in &files {
        let path = dir.join(name);
        if blessing() {
            fs::write(&path, content).unwrap();
            continue;
        }
        match fs::read_to_string(&path) {
            Ok(expected) if &expected == content => {}
            Ok(_) => problems.push(format!("{name}: differs from the snapshot")),
            Err(_) => problems.push(format!("{name}: no snapshot")),
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n(run `EVALPRESS_BLESS=1 cargo test --test charts` and review the diff)",
        problems.join("\n")
    );
}

#[test]
fn every_kind_has_a_snapshot() {
    let all = cases();
    for kind in Kind::ALL {
        assert!(
            all.iter().any(|c| c.spec.kind == kind),
            "no snapshot of {}",
            kind.name()
        );
    }
}

/// A minimal XML check: tags nest and close, attributes are quoted, no text outside the root.
fn well_formed(svg: &str) -> Result<(), String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = svg;
    if !svg.starts_with("<svg ") || !svg.ends_with("</svg>") {
        return Err("not one <svg> element".into());
    }
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if text.contains('>') || (stack.is_empty() && !text.is_empty()) {
            return Err(format!("stray text {text:?}"));
        }
        let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
        let tag = &rest[open + 1..close];
        if let Some(name) = tag.strip_prefix('/') {
            let top = stack.pop().ok_or("closing tag without opening")?;
            if top != name {
                return Err(format!("</{name}> closes <{top}>"));
            }
        } else {
            let name = tag.split([' ', '/']).next().unwrap_or("");
            if !tag.matches('"').count().is_multiple_of(2) {
                return Err(format!("unbalanced quotes in <{tag}>"));
            }
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
        rest = &rest[close + 1..];
    }
    if stack.is_empty() && rest.is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed {stack:?}"))
    }
}

/// What no chart may contain: NaN or infinities in attributes, negative zero, raw markup.
fn sane(name: &str, svg: &str) {
    well_formed(svg).unwrap_or_else(|e| panic!("{name}: {e}\n{svg}"));
    for bad in [
        "NaN",
        "inf\"",
        "=\"-0\"",
        "=\"-0 ",
        " -0,",
        "<script",
        "javascript:",
    ] {
        assert!(!svg.contains(bad), "{name}: contains {bad}\n{svg}");
    }
    assert!(
        svg.contains("role=\"img\"") && svg.contains("<title id=") && svg.contains("<desc id=")
    );
    assert!(svg.contains(" viewBox=\"0 0 640 "), "{name}");
}

#[test]
fn every_snapshot_is_well_formed_and_sane() {
    let env = Env::new();
    for case in cases() {
        let chart = render(&env, &case).unwrap();
        sane(case.name, &chart.svg);
        assert!(
            chart
                .table_html
                .starts_with("<table class=\"chart-data\"><caption>")
        );
        assert!(chart.table_html.contains("<th scope=\"row\">"));
    }
}

#[test]
fn the_same_chart_is_the_same_bytes_on_any_thread_count() {
    use rayon::prelude::*;
    let env = Env::new();
    let all = cases();
    let once: Vec<String> = all.iter().map(|c| render(&env, c).unwrap().svg).collect();
    let again: Vec<String> = all.iter().map(|c| render(&env, c).unwrap().svg).collect();
    assert_eq!(once, again);
    for threads in [1, 4] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let parallel: Vec<String> = pool.install(|| {
            all.par_iter()
                .map(|c| render(&env, c).unwrap().svg)
                .collect()
        });
        assert_eq!(once, parallel, "{threads} threads");
    }
}

#[test]
fn the_snapshots_pass_the_nu_html_checker() {
    let wanted = std::env::var_os("CI").is_some()
        || std::env::var_os("EVALPRESS_VNU").is_some_and(|v| v == "1");
    if !wanted {
        return;
    }
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in snapshot_files(&env) {
        fs::write(dir.path().join(name), content).unwrap();
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/qa/validate.mjs");
    let out = Command::new("node")
        .arg(script)
        .arg(dir.path())
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "Nu Html Checker:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn one_series(categories: &[&str], values: &[Value]) -> ChartData {
    ChartData {
        categories: categories.iter().map(|c| c.to_string()).collect(),
        series: vec![Series {
            name: "Antal".into(),
            values: values.to_vec(),
        }],
        n_per_category: None,
    }
}

fn try_render(kind: Kind, data: &ChartData) -> Result<String, String> {
    let env = Env::new();
    let case = Case {
        name: "robust",
        title: "Robusthed",
        lang: "da",
        spec: ChartSpec::of(kind),
        data: data.clone(),
    };
    render(&env, &case)
        .map(|c| {
            sane(kind.name(), &c.svg);
            c.svg
        })
        .map_err(|e| e.to_string())
}

#[test]
fn empty_data_is_a_clear_error() {
    for kind in [Kind::Bar, Kind::Line, Kind::Likert, Kind::GroupedBar] {
        let err = try_render(kind, &ChartData::default()).unwrap_err();
        assert!(err.contains("no data") && err.contains("help:"), "{err}");
    }
}

#[test]
fn one_category_all_zeros_and_zero_range_draw() {
    use Value::Shown;
    for kind in [Kind::Bar, Kind::BarHorizontal, Kind::Line] {
        try_render(kind, &one_series(&["2018"], &[Shown(25.0)])).unwrap();
        let zeros = one_series(&["a", "b", "c"], &[Shown(0.0), Shown(0.0), Shown(0.0)]);
        let svg = try_render(kind, &zeros).unwrap();
        assert!(
            svg.contains(">5</text>"),
            "a zero range gets an axis to 5: {svg}"
        );
        let flat = one_series(&["a", "b"], &[Shown(7.0), Shown(7.0)]);
        try_render(kind, &flat).unwrap();
    }
}

#[test]
fn extreme_magnitudes_draw_without_nan() {
    use Value::Shown;
    for values in [
        [Shown(1e-300), Shown(2e-300)],
        [Shown(1e15), Shown(-1e15)],
        [Shown(-0.0), Shown(0.0)],
        [Shown(0.1 + 0.2), Shown(1.0 / 3.0)],
    ] {
        for kind in [Kind::Bar, Kind::BarHorizontal, Kind::Line] {
            try_render(kind, &one_series(&["a", "b"], &values)).unwrap();
        }
    }
}

#[test]
fn negative_values_go_below_zero() {
    use Value::Shown;
    let data = one_series(&["A", "B", "C"], &[Shown(84.0), Shown(-10.0), Shown(34.0)]);
    for kind in [Kind::Bar, Kind::BarHorizontal, Kind::Line] {
        let svg = try_render(kind, &data).unwrap();
        assert!(svg.contains(">-10</text>"), "{kind:?}: {svg}");
    }
    let stacked = ChartData {
        series: vec![
            data.series[0].clone(),
            Series {
                name: "B".into(),
                values: vec![Shown(-5.0), Shown(-5.0), Shown(5.0)],
            },
        ],
        ..data.clone()
    };
    try_render(Kind::StackedBar, &stacked).unwrap();
    let err = try_render(Kind::Stacked100, &stacked).unwrap_err();
    assert!(err.contains("never negative"), "{err}");
}

#[test]
fn two_hundred_categories_become_rows_or_thinned_labels() {
    let names: Vec<String> = (0..200).map(|i| format!("Kommune {i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let values: Vec<Value> = (0..200).map(|i| Value::Shown(f64::from(i % 17))).collect();
    let data = one_series(&refs, &values);
    let bar = try_render(Kind::Bar, &data).unwrap();
    let non_zero = (0..200).filter(|i| i % 17 != 0).count();
    assert_eq!(
        bar.matches("<rect ").count(),
        non_zero,
        "one bar per non-zero value"
    );
    assert!(bar.contains(">Kommune 199</text>"), "rows keep every label");
    let line = try_render(Kind::Line, &data).unwrap();
    assert!(line.matches("class=\"chart-category\"").count() < 200);
}

#[test]
fn long_labels_wrap_and_never_leave_the_chart() {
    let long = "Uddannelsesambassadørernes vurdering af ledelsens kommunikation om uddannelsesløft og voksenlærlingeforløb i jobcentrene";
    assert_eq!(long.chars().count(), 120);
    let data = one_series(&[long, "Kort"], &[Value::Shown(3.0), Value::Shown(4.0)]);
    for kind in [Kind::Bar, Kind::BarHorizontal, Kind::Line, Kind::MeanScore] {
        let svg = match kind {
            Kind::MeanScore => {
                let env = Env::new();
                let mut spec = ChartSpec::of(kind);
                (spec.scale_min, spec.scale_max) = (Some(1.0), Some(10.0));
                let case = Case {
                    name: "long",
                    title: "Lang",
                    lang: "da",
                    spec,
                    data: data.clone(),
                };
                render(&env, &case).unwrap().svg
            }
            _ => try_render(kind, &data).unwrap(),
        };
        sane("long", &svg);
        assert!(
            !svg.contains(&format!(">{long}<")),
            "{kind:?}: the label is wrapped"
        );
        assert!(svg.contains("<tspan"), "{kind:?}");
    }
}

#[test]
fn hidden_and_missing_values_have_no_mark_but_their_marker() {
    use Value::{Hidden, Missing, Shown};
    let data = one_series(&["A", "B", "C"], &[Shown(5.0), Hidden, Missing]);
    for kind in [Kind::Bar, Kind::BarHorizontal, Kind::Line] {
        let svg = try_render(kind, &data).unwrap();
        assert!(
            svg.contains(">×</text>") && svg.contains(">..</text>"),
            "{svg}"
        );
    }
    let bar = try_render(Kind::Bar, &data).unwrap();
    assert_eq!(
        bar.matches("<rect ").count(),
        1,
        "only the shown value has a bar"
    );
    let env = Env::new();
    let case = Case {
        name: "hidden",
        title: "Skjult",
        lang: "da",
        spec: ChartSpec::of(Kind::Bar),
        data,
    };
    let chart = render(&env, &case).unwrap();
    assert_eq!((chart.hidden, chart.missing), (1, 1));
    assert!(
        chart
            .description
            .contains("Skjult af diskretionshensyn (×): 1.")
    );
    // The markers are the ones tables use (the locale's `hidden_marker` and `missing_marker`).
    assert!(chart.table_html.contains("<td class=\"num hidden\">×</td>"));
    assert!(
        chart
            .table_html
            .contains("<td class=\"num missing\">..</td>")
    );
    let all_hidden = one_series(&["A"], &[Hidden]);
    let svg = try_render(Kind::Bar, &all_hidden).unwrap();
    assert!(svg.contains("Ingen værdier kan vises."), "{svg}");
}

#[test]
fn hostile_labels_are_escaped() {
    let evil = "<script>alert(1)</script> & \"quotes\" 'single'";
    let data = ChartData {
        categories: vec![evil.into()],
        series: vec![Series {
            name: evil.into(),
            values: vec![Value::Shown(1.0)],
        }],
        n_per_category: None,
    };
    for kind in [Kind::Bar, Kind::GroupedBar, Kind::Line] {
        let svg = try_render(kind, &data).unwrap();
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
    }
}

#[test]
fn wrong_shapes_name_the_fix() {
    use Value::Shown;
    let data = one_series(&["A"], &[Shown(1.0)]);
    let err = try_render(Kind::TargetActual, &data).unwrap_err();
    assert!(err.contains("two series"), "{err}");
    let err = try_render(Kind::MeanScore, &data).unwrap_err();
    assert!(err.contains("scale_min"), "{err}");
    let mut short = data.clone();
    short.categories.push("B".into());
    let err = try_render(Kind::Bar, &short).unwrap_err();
    assert!(err.contains("1 values for 2 categories"), "{err}");
}
