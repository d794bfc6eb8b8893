//! Reports whose folder did not change are not read: a build with the cache parses only the
//! reports it rebuilds (`Outcome::parsed`), and what the others give the site (labels, front
//! matter, prose numbers, parse warnings) comes from their records, as a full parse gives it.

mod common;

use std::fs;

use common::incremental_site::{Site, assert_clean, build, fresh, options, write_site};

#[test]
fn a_csv_change_parses_only_the_reports_that_read_it() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.b = 9;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.parsed, outcome.rebuilt), (1, 1), "{outcome:?}");
    assert_clean(&root, &out, &outcome);
}

#[test]
fn a_report_coordinated_with_a_changed_one_is_parsed_before_it_is_computed() {
    let mut site = Site::new();
    site.shared = true;
    let (_dir, root, out, mut clock) = fresh(&site);
    // Alfa's folder is unchanged, but it shares a.csv with eta: it is rebuilt, so parsed.
    site.a = 3;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.parsed, outcome.rebuilt), (2, 2), "{outcome:?}");
    assert_clean(&root, &out, &outcome);
    fs::write(
        root.join("content/eta/index.md"),
        fs::read_to_string(root.join("content/eta/index.md"))
            .unwrap()
            .replace("Kommunerne.", "Alle kommuner."),
    )
    .unwrap();
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.parsed, outcome.rebuilt), (2, 2), "{outcome:?}");
    assert_clean(&root, &out, &outcome);
}

#[test]
fn a_prose_edit_parses_that_report_and_its_references_to_kept_reports_resolve() {
    let mut site = Site::new();
    let (dir, root, out, mut clock) = fresh(&site);
    site.paragraphs[2] = "Ændret tekst.".into();
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.parsed, outcome.rebuilt), (1, 1), "{outcome:?}");
    let gamma = fs::read_to_string(out.join("gamma/index.html")).unwrap();
    assert!(gamma.contains("Ændret tekst."), "{gamma}");
    assert!(
        gamma.contains("/alfa/#tab-a") && gamma.contains("tabel\u{a0}1"),
        "gamma's reference to the kept alfa: {gamma}"
    );
    assert_clean(&root, &out, &outcome);

    // A label the kept report does not define is still an error, said as a full build says it.
    site.broken = true;
    write_site(&root, &site, &mut clock);
    let failed = evalpress::build(&options(&root, &out, false), &|_| {});
    assert!(!failed.succeeded());
    assert_eq!(failed.parsed, 1, "{failed:?}");
    let error = failed.diagnostics.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(error.message, "reference to unknown label `alfa/nowhere`");
    assert!(error.help.contains("tab-a"), "{error}");
    let clean = evalpress::build(&options(&root, &dir.path().join("clean"), true), &|_| {});
    assert_eq!(failed.diagnostics, clean.diagnostics);
}

#[test]
fn a_config_change_parses_every_report() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.config_title = true;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!((outcome.parsed, outcome.rebuilt), (5, 5), "{outcome:?}");
    assert_clean(&root, &out, &outcome);
    let again = build(&root, &out, false);
    assert_eq!(again.parsed, 0, "a build with nothing to do parses nothing");
}

#[test]
fn a_kept_report_still_gives_its_parse_warnings_and_its_prose_is_still_checked() {
    let mut site = Site::new();
    // Beta's text types a number its table publishes, and its folder holds a stray file.
    site.b = 150;
    site.paragraphs[1] = "Aarup har 150.".into();
    let (_dir, root, out, mut clock) = fresh(&site);
    fs::write(root.join("content/beta/noter.md"), "Noter.\n").unwrap();
    let first = build(&root, &out, false);
    assert_eq!(first.parsed, 1, "{first:?}");
    let beta = |o: &evalpress::Outcome| -> Vec<String> {
        let file = std::path::Path::new("content/beta");
        let about = o.diagnostics.iter().filter(|d| d.file.starts_with(file));
        about.map(|d| d.message.clone()).collect()
    };
    let warned = beta(&first);
    assert_eq!(warned.len(), 2, "{warned:?}");
    assert!(warned.iter().any(|m| m.contains("not listed as a chapter")));
    assert!(warned.iter().any(|m| m.contains("the number 150 is typed")));
    site.a = 2;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert_eq!(
        (outcome.parsed, outcome.rebuilt),
        (1, 1),
        "only alfa: {outcome:?}"
    );
    assert_eq!(beta(&outcome), warned);
    assert_clean(&root, &out, &outcome);
}
