//! SVG text pieces the chart kinds share: fixed-precision numbers, text with line breaks,
//! marker shapes and fill patterns.
//!
//! Part of the `charts` stage. Input: coordinates in viewBox units and already formatted
//! labels. Output: SVG markup appended to a `String`. Every label goes through `escape`
//! here; coordinates are written with at most two decimals and never as `-0` or `NaN`, so
//! the same chart is the same bytes on every machine. It chooses no colours: callers pass
//! colours that came from the theme.

use std::fmt::{self, Write};

pub use crate::render::escape;

/// A coordinate written with at most two decimals, trailing zeros dropped, never `-0`; a
/// value that is not finite (a bug upstream) is written as `0`, never as `NaN`.
#[derive(Debug, Clone, Copy)]
pub struct N(pub f64);

impl fmt::Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hundredths = if self.0.is_finite() {
            (self.0 * 100.0).round().clamp(-1e15, 1e15) as i64
        } else {
            0
        };
        let sign = if hundredths < 0 { "-" } else { "" };
        let abs = hundredths.unsigned_abs();
        let (whole, frac) = (abs / 100, abs % 100);
        match frac {
            0 => write!(f, "{sign}{whole}"),
            _ if frac % 10 == 0 => write!(f, "{sign}{whole}.{}", frac / 10),
            _ => write!(f, "{sign}{whole}.{frac:02}"),
        }
    }
}

/// Where a text's `x` is: its start, middle or end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn attr(self) -> &'static str {
        match self {
            Anchor::Start => "",
            Anchor::Middle => " text-anchor=\"middle\"",
            Anchor::End => " text-anchor=\"end\"",
        }
    }
}

/// How a text is drawn: size, colour and an optional class for themes to style.
#[derive(Debug, Clone, Copy)]
pub struct Style<'a> {
    pub size: f64,
    pub fill: &'a str,
    pub anchor: Anchor,
    pub class: &'a str,
}

/// The distance between the baselines of two lines of text of `size`.
pub fn line_height(size: f64) -> f64 {
    (size * 1.25).round()
}

/// `lines` as one `<text>`, the first baseline at `y`, the others below it.
pub fn text(out: &mut String, x: f64, y: f64, lines: &[String], style: Style) {
    let Some((first, rest)) = lines.split_first() else {
        return;
    };
    let _ = write!(out, "<text x=\"{}\" y=\"{}\"", N(x), N(y));
    if !style.class.is_empty() {
        let _ = write!(out, " class=\"{}\"", style.class);
    }
    let _ = write!(
        out,
        " font-size=\"{}\" fill=\"{}\"{}>",
        N(style.size),
        style.fill,
        style.anchor.attr()
    );
    if rest.is_empty() {
        out.push_str(&escape(first));
    } else {
        let dy = line_height(style.size);
        let _ = write!(out, "<tspan x=\"{}\">{}</tspan>", N(x), escape(first));
        for line in rest {
            let _ = write!(
                out,
                "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
                N(x),
                N(dy),
                escape(line)
            );
        }
    }
    out.push_str("</text>");
}

/// One line of text.
pub fn label(out: &mut String, x: f64, y: f64, line: &str, style: Style) {
    text(out, x, y, &[line.to_string()], style);
}

/// A filled rectangle; `fill` is a colour or `url(#id)`. Negative sizes are flipped, so a
/// bar below zero is still a valid rectangle.
pub fn rect(out: &mut String, x: f64, y: f64, w: f64, h: f64, fill: &str, extra: &str) {
    let (x, w) = if w < 0.0 { (x + w, -w) } else { (x, w) };
    let (y, h) = if h < 0.0 { (y + h, -h) } else { (y, h) };
    let _ = write!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"{extra}/>",
        N(x),
        N(y),
        N(w),
        N(h)
    );
}

/// A straight line.
pub fn line(
    out: &mut String,
    (x1, y1): (f64, f64),
    (x2, y2): (f64, f64),
    stroke: &str,
    extra: &str,
) {
    let _ = write!(
        out,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\"{extra}/>",
        N(x1),
        N(y1),
        N(x2),
        N(y2)
    );
}

/// The shapes that tell series apart besides their colour.
pub const SHAPES: usize = 5;

/// Marker number `shape` (circle, square, triangle, diamond, cross) centred on `(x, y)`.
pub fn marker(out: &mut String, shape: usize, (x, y): (f64, f64), r: f64, fill: &str) {
    let stroke = " stroke=\"#ffffff\" stroke-width=\"1\"";
    match shape % SHAPES {
        0 => {
            let _ = write!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\"{stroke}/>",
                N(x),
                N(y),
                N(r)
            );
        }
        1 => rect(out, x - r, y - r, 2.0 * r, 2.0 * r, fill, stroke),
        2 => polygon(
            out,
            &[
                (x, y - r * 1.2),
                (x + r * 1.1, y + r * 0.8),
                (x - r * 1.1, y + r * 0.8),
            ],
            fill,
            stroke,
        ),
        3 => polygon(
            out,
            &[
                (x, y - r * 1.3),
                (x + r * 1.3, y),
                (x, y + r * 1.3),
                (x - r * 1.3, y),
            ],
            fill,
            stroke,
        ),
        _ => {
            let a = r * 0.45;
            let points: Vec<(f64, f64)> = [
                (-a, -r),
                (a, -r),
                (a, -a),
                (r, -a),
                (r, a),
                (a, a),
                (a, r),
                (-a, r),
                (-a, a),
                (-r, a),
                (-r, -a),
                (-a, -a),
            ]
            .iter()
            .map(|(dx, dy)| (x + dx, y + dy))
            .collect();
            polygon(out, &points, fill, stroke);
        }
    }
}

fn polygon(out: &mut String, points: &[(f64, f64)], fill: &str, extra: &str) {
    out.push_str("<polygon points=\"");
    for (i, (x, y)) in points.iter().enumerate() {
        let sep = if i == 0 { "" } else { " " };
        let _ = write!(out, "{sep}{},{}", N(*x), N(*y));
    }
    let _ = write!(out, "\" fill=\"{fill}\"{extra}/>");
}

/// A polyline through `points`.
pub fn polyline(out: &mut String, points: &[(f64, f64)], stroke: &str, width: f64) {
    out.push_str("<polyline points=\"");
    for (i, (x, y)) in points.iter().enumerate() {
        let sep = if i == 0 { "" } else { " " };
        let _ = write!(out, "{sep}{},{}", N(*x), N(*y));
    }
    let _ = write!(
        out,
        "\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{}\" stroke-linejoin=\"round\"/>",
        N(width)
    );
}

/// The fill patterns that tell the bars of a group apart besides their colour: solid,
/// diagonal lines, dots, horizontal lines, cross-hatch, vertical lines.
pub const PATTERNS: usize = 6;

/// The `<pattern>` for pattern number `n` in `colour` with `id` (already escaped); `None`
/// for the solid one.
pub fn pattern(id: &str, n: usize, colour: &str) -> Option<String> {
    let marks = match n % PATTERNS {
        0 => return None,
        1 => "<path d=\"M-1 1L1 -1M0 8L8 0M7 9L9 7\" stroke=\"#ffffff\" stroke-width=\"1.6\"/>",
        2 => "<circle cx=\"4\" cy=\"4\" r=\"1.6\" fill=\"#ffffff\"/>",
        3 => "<path d=\"M0 4H8\" stroke=\"#ffffff\" stroke-width=\"1.6\"/>",
        4 => "<path d=\"M0 0L8 8M8 0L0 8\" stroke=\"#ffffff\" stroke-width=\"1.2\"/>",
        _ => "<path d=\"M4 0V8\" stroke=\"#ffffff\" stroke-width=\"1.6\"/>",
    };
    Some(format!(
        "<pattern id=\"{id}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"{colour}\"/>{marks}</pattern>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_most_two_decimals_and_no_negative_zero() {
        let s = |x: f64| N(x).to_string();
        assert_eq!(s(0.0), "0");
        assert_eq!(s(-0.0), "0");
        assert_eq!(s(-0.004), "0");
        assert_eq!(s(12.5), "12.5");
        assert_eq!(s(12.345), "12.35");
        assert_eq!(s(-3.1), "-3.1");
        assert_eq!(s(100.0), "100");
        assert_eq!(s(0.05), "0.05");
        assert_eq!(s(f64::NAN), "0");
        assert_eq!(s(f64::INFINITY), "0");
        assert_eq!(s(1e300), "10000000000000");
    }

    #[test]
    fn text_is_escaped_and_lines_become_tspans() {
        let mut out = String::new();
        let style = Style {
            size: 12.0,
            fill: "#1a1a1a",
            anchor: Anchor::Middle,
            class: "",
        };
        text(
            &mut out,
            10.0,
            20.0,
            &["<b>&".into(), "\"x\"".into()],
            style,
        );
        assert_eq!(
            out,
            "<text x=\"10\" y=\"20\" font-size=\"12\" fill=\"#1a1a1a\" text-anchor=\"middle\"><tspan x=\"10\">&lt;b&gt;&amp;</tspan><tspan x=\"10\" dy=\"15\">&quot;x&quot;</tspan></text>"
        );
    }

    #[test]
    fn rectangles_are_never_negative() {
        let mut out = String::new();
        rect(&mut out, 10.0, 50.0, 5.0, -20.0, "#000000", "");
        assert_eq!(
            out,
            "<rect x=\"10\" y=\"30\" width=\"5\" height=\"20\" fill=\"#000000\"/>"
        );
    }

    #[test]
    fn every_pattern_but_the_first_is_defined() {
        assert!(pattern("c-p0", 0, "#000000").is_none());
        for n in 1..PATTERNS {
            let p = pattern("c-p", n, "#0b3565").unwrap();
            assert!(p.starts_with("<pattern id=\"c-p\""), "{p}");
        }
    }
}
