//! A whole `index.md` (front matter + Markdown) through every report stage before rendering.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    evalpress_fuzz::report(text);
});
