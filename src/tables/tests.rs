//! The tables stage on a report parsed from Markdown, over a small in-memory extract: the
//! view, the notes, the download and the inline values.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Hiding, ReportValues, Site, expand};
use crate::config::Config;
use crate::data::store::Store;
use crate::data::{DataDefaults, read_csv};
use crate::diagnostics::Diagnostic;
use crate::locale::Locale;
use crate::model::{Element, Node, ParsedReport, ReportSource, SourceFile};
use crate::query::Sealed;
use crate::resolve::Values;

const CSV: &str = "Kommune;År;Antal\nAarup;2020;12\nAarup;2021;15\nBrande;2020;2\nBrande;2021;6\nCity;2020;9\nCity;2021;20\n";
const SIDECAR: &str = "title: Forløb\nsource: {register: Registeret, table: T1}\ndelimiter: \";\"\n\
    illustrative: true\ncolumns:\n  År: {type: year}\n  Antal: {type: integer, kind: count}\n";

fn store() -> Store {
    let open = || -> std::io::Result<Box<dyn std::io::Read>> { Ok(Box::new(CSV.as_bytes())) };
    let sidecar = SourceFile {
        path: PathBuf::from("data/k.yaml"),
        text: SIDECAR.into(),
    };
    let data = read_csv(
        Path::new("data/k.csv"),
        &open,
        Some(&sidecar),
        &DataDefaults::default(),
    )
    .unwrap();
    Store::from_datasets([("k.csv".to_string(), Sealed::new(data))])
}

fn locales() -> BTreeMap<String, Locale> {
    crate::themes::embedded()
        .locales
        .iter()
        .map(|(k, f)| (k.clone(), Locale::parse(f).unwrap()))
        .collect()
}

/// Parses `index` as a report and runs the tables stage over it.
fn run(index: &str) -> (ParsedReport, ReportValues, Vec<Diagnostic>) {
    run_after(index, false)
}

/// [`run`], after the site's coordination when `coordinated` (which hands the stage its
/// parsed specs), else with nothing coordinated.
fn run_after(index: &str, coordinated: bool) -> (ParsedReport, ReportValues, Vec<Diagnostic>) {
    let src = ReportSource {
        slug: "r".into(),
        index: SourceFile {
            path: PathBuf::from("content/r/index.md"),
            text: index.into(),
        },
        markdown: BTreeMap::new(),
        assets: Vec::new(),
    };
    let config = Config::parse("title: T\n", Path::new("evalpress.yaml")).unwrap();
    let locales = locales();
    let (report, d) = crate::markdown::parse_report(&src, &config, &locales);
    assert!(d.into_sorted().is_empty());
    let mut report = report.unwrap();
    let store = store();
    let site = Site {
        store: &store,
        rules: config.disclosure.rules(),
        format: config.format,
        downloads: config.downloads,
        charts: None,
    };
    let hiding = if coordinated {
        let (hiding, d) = super::coordinate(std::slice::from_ref(&report), &site, &|code| {
            locales.get(code)
        });
        assert!(d.into_sorted().is_empty());
        for key in ["#tab-k", "#tab-a"] {
            let spec = hiding.spec(&report.source, key);
            assert!(
                matches!(spec, Some(super::coordinate::Spec::Table(_))),
                "{key}"
            );
        }
        hiding
    } else {
        Hiding::default()
    };
    let (values, _, d) = expand(&mut report, &site, &locales["da"], &hiding);
    (report, values, d.into_sorted())
}

fn elements(r: &ParsedReport) -> Vec<&Element> {
    r.nodes
        .iter()
        .filter_map(|n| match n {
            Node::Element(el) => Some(&**el),
            _ => None,
        })
        .collect()
}

const PIVOT: &str = "---\ntitle: R\n---\n\n```table\nlabel: tab-k\ndata: k.csv\ngroup: [Kommune]\n\
    pivot: År\naggregate: {n: sum(Antal)}\ntotals: row\nnote: Se teksten\n```\n";

#[test]
fn a_data_table_gets_its_view_title_source_notes_and_download() {
    let (r, _, d) = run(PIVOT);
    assert!(d.is_empty(), "{d:?}");
    let el = elements(&r)[0];
    assert_eq!(el.number, "1");
    assert_eq!(el.title, "Forløb", "the sidecar's title");
    assert_eq!(el.source.as_deref(), Some("Registeret, T1"));
    assert_eq!(
        el.note.as_deref(),
        Some(
            "Se teksten. Illustrative tal: tallene er opdigtede og viser kun, hvordan tabellen virker. \
             Antal under 3 vises ikke af diskretionshensyn (×)."
        )
    );
    let g = el.generated.as_ref().unwrap();
    let (class, html) = g.view.as_ref().unwrap().table.clone().unwrap();
    assert_eq!(class, "data-table");
    assert!(html.starts_with(
        "<thead><tr><th scope=\"col\">Kommune</th><th scope=\"col\" class=\"num\">2020</th>"
    ));
    assert!(html.contains("<tr><th scope=\"row\">Brande</th><td class=\"num\">×</td>"));
    assert!(html.contains(
        "<tr class=\"total\"><th scope=\"row\">I alt</th><td class=\"num\">23</td><td class=\"num\">41</td></tr>"
    ));
    let download = g.download.as_ref().unwrap();
    assert_eq!(download.path, "data/tab-k.csv");
    let csv = String::from_utf8(download.bytes.clone()).unwrap();
    assert_eq!(
        csv, "\u{feff}Kommune;2020;2021\nAarup;12;15\nBrande;×;×\nCity;×;×\nI alt;23;41\n",
        "a Danish report's download opens in a Danish Excel"
    );
}

#[test]
fn a_box_with_data_holds_its_table_named_by_the_caption() {
    let (r, _, d) = run(
        "---\ntitle: R\n---\n\n```box\nlabel: boks-k\ntitle: Aarup\ndata: k.csv\nfilter: {Kommune: Aarup}\nsource: Egen\n```\n",
    );
    assert!(d.is_empty(), "{d:?}");
    let el = elements(&r)[0];
    assert_eq!(el.kind, crate::model::ElementKind::Box);
    assert_eq!(
        el.source.as_deref(),
        Some("Egen"),
        "the directive's source wins"
    );
    let view = el.generated.as_ref().unwrap().view.as_ref().unwrap();
    assert_eq!(view.table, None);
    assert!(
        view.html
            .contains("<table class=\"data-table\" aria-labelledby=\"boks-k-caption\">"),
        "{}",
        view.html
    );
}

#[test]
fn named_values_and_table_cells_are_inline_values() {
    let index = PIVOT.replace(
        "title: R\n",
        "title: R\nvalues:\n  aarup:\n    data: k.csv\n    filter: {Kommune: Aarup}\n    aggregate: {n: sum(Antal)}\n\
         \x20 brande:\n    data: k.csv\n    filter: {Kommune: Brande, År: 2021}\n    aggregate: {n: sum(Antal)}\n",
    );
    let (_, values, d) = run(&index);
    assert!(d.is_empty(), "{d:?}");
    let da = &locales()["da"];
    let value = |name: &str| values.value(name, da);
    assert_eq!(value("aarup"), Some(Ok("27".into())));
    // Brande 2021 (6) is shown alone, but hidden in the table to protect 2020; on its own the
    // query hides nothing.
    assert_eq!(value("brande"), Some(Ok("6".into())));
    assert_eq!(value("tab-k/Aarup/2021"), Some(Ok("15".into())));
    assert_eq!(value("tab-k/Brande/2021"), Some(Ok("×".into())));
    assert_eq!(value("tab-k/I   alt/2020"), Some(Ok("23".into())));
    assert_eq!(value("ratings:x/projects"), None, "not ours");
    let help = value("aarupp").unwrap().unwrap_err();
    assert_eq!(help, "did you mean `[=aarup]`?");
    let help = value("tab-k/Aarup/2022").unwrap().unwrap_err();
    assert!(help.contains("no column `2022`"), "{help}");
}

#[test]
fn errors_point_at_the_data_line_and_the_declaration() {
    let index = "---\ntitle: R\nvalues:\n  x:\n    data: k.cvs\n---\n\n```table\ntitle: T\ndata: kk.csv\n```\n";
    let (_, values, d) = run(index);
    let found: Vec<(usize, usize, &str)> = d
        .iter()
        .map(|d| (d.line, d.col, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (5, 11, "there is no data file `k.cvs` under data/"),
            (10, 7, "there is no data file `kk.csv` under data/"),
        ]
    );
    assert_eq!(d[0].help, "did you mean `k.csv`?");
    // A value whose query failed is not reported a second time where it is used.
    assert_eq!(values.value("x", &locales()["da"]), Some(Ok(String::new())));
}

#[test]
fn a_report_tightens_the_site_rules() {
    let index = PIVOT.replace("title: R\n", "title: R\ndisclosure: {threshold: 10}\n");
    let (r, _, _) = run(&index);
    let note = elements(&r)[0].note.clone().unwrap();
    assert!(note.contains("Antal under 10"), "{note}");
}

#[test]
fn the_tables_stage_uses_the_specs_coordination_parsed() {
    let index = format!(
        "{PIVOT}\n```table\nlabel: tab-a\ndata: k.csv\nfilter: {{Kommune: Aarup}}\n\
         group: [År]\naggregate: {{n: sum(Antal)}}\n```\n"
    );
    let (alone, _, d) = run_after(&index, false);
    assert!(d.is_empty(), "{d:?}");
    let (coordinated, _, d) = run_after(&index, true);
    assert!(d.is_empty(), "{d:?}");
    let made = |r: &ParsedReport| {
        elements(r)
            .iter()
            .map(|el| {
                let g = el.generated.as_ref().unwrap();
                let csv = g.download.as_ref().map(|d| d.bytes.clone());
                (
                    el.title.clone(),
                    g.view.as_ref().unwrap().table.clone(),
                    csv,
                )
            })
            .collect::<Vec<_>>()
    };
    let (a, b) = (made(&alone), made(&coordinated));
    assert_eq!(a.len(), 2);
    assert_eq!(a[0], b[0], "the pivot is not changed by coordination");
    assert_eq!(a[1].0, b[1].0);
    assert!(b[1].1.is_some() && b[1].2.is_some(), "{:?}", b[1]);
}
