//! Site-wide pages (index, 404, search, datasets and programme pages) kept when what they are
//! rendered from did not change: `Outcome::kept_pages` names the pages a build did not render,
//! `Outcome::rewritten` the files whose bytes it wrote; either way the output is a clean build's.

mod common;

use std::fs;

use common::incremental_site::{Site, assert_clean, build, fresh, write_site};

fn kept(outcome: &evalpress::Outcome, path: &str) -> bool {
    outcome.kept_pages.iter().any(|p| p == path)
}

fn rewritten(outcome: &evalpress::Outcome, path: &str) -> bool {
    outcome.rewritten.iter().any(|p| p == path)
}

#[test]
fn a_csv_value_the_index_does_not_show_keeps_it_and_a_title_rewrites_it() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    let index = fs::read(out.join("index.html")).unwrap();

    site.a = 14;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    for page in ["index.html", "404.html", "data/index.html"] {
        assert!(kept(&outcome, page), "{page} not kept: {outcome:?}");
        assert!(!rewritten(&outcome, page), "{page} was written");
    }
    assert_eq!(fs::read(out.join("index.html")).unwrap(), index);
    assert_clean(&root, &out, &outcome);

    site.beta_title = true;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert!(!kept(&outcome, "index.html"), "{:?}", outcome.kept_pages);
    assert!(rewritten(&outcome, "index.html"), "{:?}", outcome.rewritten);
    let page = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains(">Beta 2<"), "{page}");
    assert_clean(&root, &out, &outcome);
}

#[test]
fn the_front_page_text_and_a_date_rewrite_the_index() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.front_text = true;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert!(rewritten(&outcome, "index.html"), "{:?}", outcome.rewritten);
    let page = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("Se også"), "{page}");
    assert_clean(&root, &out, &outcome);

    site.alfa_date = true;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert!(rewritten(&outcome, "index.html"), "{:?}", outcome.rewritten);
    let page = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("datetime=\"2024-05-06\""), "{page}");
    assert!(
        kept(&outcome, "data/index.html"),
        "{:?}",
        outcome.kept_pages
    );
    assert_clean(&root, &out, &outcome);
}

#[test]
fn renumbered_elements_rewrite_the_datasets_page_and_keep_the_index() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    site.extra_table = true; // alfa's table from a.csv becomes "Tabel 2"
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert!(
        rewritten(&outcome, "data/index.html"),
        "{:?}",
        outcome.rewritten
    );
    assert!(!kept(&outcome, "data/index.html"));
    let page = fs::read_to_string(out.join("data/index.html")).unwrap();
    assert!(page.contains("Tabel 2"), "{page}");
    assert_clean(&root, &out, &outcome);
}

#[test]
fn a_headline_result_from_a_csv_rewrites_the_programme_page() {
    let mut site = Site::new();
    site.series = true;
    site.key_figure = true;
    let (_dir, root, out, mut clock) = fresh(&site);
    let programme = "programmer/p/index.html";
    assert!(out.join(programme).is_file());
    site.b = 9; // beta's table: not on the programme page
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert!(kept(&outcome, programme), "{:?}", outcome.kept_pages);
    site.a = 40;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert!(!kept(&outcome, programme), "{:?}", outcome.kept_pages);
    assert!(rewritten(&outcome, programme), "{:?}", outcome.rewritten);
    let page = fs::read_to_string(out.join(programme)).unwrap();
    assert!(
        page.contains("58"),
        "40 + 7 + 11 in alfa's headline result: {page}"
    );
    assert_clean(&root, &out, &outcome);
}

#[test]
fn an_edited_index_is_rendered_again_and_builds_without_a_cache_keep_nothing() {
    let mut site = Site::new();
    let (_dir, root, out, mut clock) = fresh(&site);
    let index = fs::read(out.join("index.html")).unwrap();
    fs::write(out.join("index.html"), b"edited by hand").unwrap();
    site.a = 15;
    write_site(&root, &site, &mut clock);
    let outcome = build(&root, &out, false);
    assert!(!kept(&outcome, "index.html"), "{:?}", outcome.kept_pages);
    assert!(kept(&outcome, "404.html"), "{:?}", outcome.kept_pages);
    assert_eq!(fs::read(out.join("index.html")).unwrap(), index);
    site.a = 16;
    write_site(&root, &site, &mut clock);
    let forced = build(&root, &out, true);
    assert!(forced.kept_pages.is_empty(), "{:?}", forced.kept_pages);
    assert_clean(&root, &out, &forced);
}
