//! The query expression language (`compute:`): parse, list columns, check wholeness, evaluate.
#![no_main]

use evalpress::query::expr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(e) = expr::parse(text) else {
        return;
    };
    for (name, at) in e.columns() {
        assert!(
            at <= text.len(),
            "column `{name}` placed at {at}, past the text"
        );
    }
    let _ = e.is_whole(&|name| name.len() % 2 == 0);
    for x in [0.0, 1.5, -3.0, 1e308, f64::MIN_POSITIVE] {
        if let Some(v) = e.eval(&|_| x) {
            assert!(v.is_finite(), "`{text}` evaluated to {v}");
        }
    }
});
