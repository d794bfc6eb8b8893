//! One directive spec (the YAML, and for some kinds Markdown after `---`) inside a valid
//! report: the first byte picks the directive kind. Also parsed directly as a query.
#![no_main]

use std::path::Path;

use evalpress::diagnostics::Pos;
use libfuzzer_sys::fuzz_target;

const KINDS: [&str; 12] = [
    "table",
    "box",
    "figure",
    "chart",
    "grid",
    "status",
    "distribution",
    "list",
    "model",
    "theory-of-change",
    "tabel",
    "text",
];

fuzz_target!(|input: (u8, &str)| {
    let (kind, spec) = input;
    let kind = KINDS[usize::from(kind) % KINDS.len()];
    let fence = if spec.contains("```") { "~~~~" } else { "```" };
    let index = format!("---\ntitle: R\n---\n\nTekst [@x].\n\n{fence}{kind}\n{spec}\n{fence}\n");
    evalpress_fuzz::report(&index);
    let _ = evalpress::query::Query::parse(spec, Path::new("content/r/index.md"), Pos::new(6, 1));
});
