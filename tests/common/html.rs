//! Reading built pages in integration tests: parse a page, select elements, read their text.
#![allow(dead_code)]

use std::path::Path;

use scraper::{ElementRef, Html, Selector};

/// The page of report `slug` in the output folder `out`.
pub fn page(out: &Path, slug: &str) -> Html {
    let path = out.join(slug).join("index.html");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Html::parse_document(&text)
}

pub fn select<'a>(scope: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    scope.select(&Selector::parse(css).unwrap()).collect()
}

pub fn element<'a>(doc: &'a Html, css: &str) -> ElementRef<'a> {
    doc.select(&Selector::parse(css).unwrap())
        .next()
        .unwrap_or_else(|| panic!("no `{css}` on the page"))
}

/// The text of an element with whitespace collapsed and no-break spaces as spaces.
pub fn text(e: ElementRef) -> String {
    e.text()
        .collect::<String>()
        .replace('\u{a0}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn texts(scope: ElementRef, css: &str) -> Vec<String> {
    select(scope, css).into_iter().map(text).collect()
}
