//! Bar charts: bar, bar-horizontal, grouped-bar, stacked-bar, stacked-100 and target-actual.
//!
//! Part of the `charts` stage. Input: the chart's context. Output: the drawing. Bars start
//! at zero; a hidden value has no bar and no label, only the hidden marker where its bar
//! would start; a missing one gets the missing marker. In a 100 % bar a hidden part would
//! let readers work out the others' shares, and the shares need the whole, so a category
//! with any hidden or missing part is drawn as hidden or missing as a whole.

use super::band::{Band, Layout, Needs};
use super::legend::{self, Item, Key};
use super::svg::{self, Anchor};
use super::ticks::Axis;
use super::{ChartError, Ctx, Drawing, Kind, MARGIN, SMALL, Side, Value};

/// One bar, or one part of a stacked bar.
struct Bar {
    cat: usize,
    slot: usize,
    from: f64,
    to: f64,
    series: usize,
    /// The label and whether it goes inside the bar (stacked parts) or beyond its end.
    label: Option<(String, bool)>,
}

pub fn draw(ctx: &Ctx) -> Result<Drawing, ChartError> {
    let kind = ctx.spec.kind;
    let series = ctx.data.series.len();
    let slots = if kind == Kind::GroupedBar { series } else { 1 };
    let stacked = matches!(kind, Kind::StackedBar | Kind::Stacked100);
    let values = values(ctx);
    let axis = if kind == Kind::Stacked100 {
        Axis {
            lo: 0.0,
            hi: 100.0,
            step: 20.0,
            decimals: 0,
        }
    } else {
        let (lo, hi) = extent(ctx, &values);
        Axis::nice(lo, hi)
    };
    let items = legend_items(ctx);
    let (legend, legend_h) = legend::draw(ctx, &items, MARGIN);
    let widest = values
        .iter()
        .flatten()
        .filter_map(|v| v.shown())
        .map(|v| ctx.width(&ctx.value(v, Side::Left), SMALL))
        .fold(0.0, f64::max);
    let needs = Needs {
        layout: if kind == Kind::BarHorizontal {
            Layout::Rows
        } else {
            Layout::Either
        },
        slots,
        value_label: if stacked { 0.0 } else { widest },
        labels: ctx.spec.value_labels,
        top: MARGIN + legend_h,
        right: 0.0,
        row_thickness: if slots > 1 { 12.0 } else { 18.0 },
    };
    let band = Band::layout(ctx, axis, needs);
    let show_labels = if stacked {
        ctx.spec.value_labels != Some(false)
    } else {
        band.value_labels
    };
    let bars = if stacked {
        stack(ctx, &values, show_labels)
    } else {
        side_by_side(ctx, &values, show_labels)
    };
    let mut body = legend;
    band.grid(ctx, &mut body);
    let defs = patterns(ctx);
    body.push_str("<g class=\"chart-marks\">");
    for bar in &bars {
        draw_bar(ctx, &band, bar, &mut body);
    }
    if kind == Kind::TargetActual {
        targets(ctx, &band, &mut body);
    }
    markers(ctx, &band, &values, stacked, &mut body);
    body.push_str("</g>");
    Ok(band.finish(ctx, body, defs))
}

/// The values as drawn: for 100 % bars, each part's share of its category's total, and
/// every part of a category hidden (or missing) when one of them is.
fn values(ctx: &Ctx) -> Vec<Vec<Value>> {
    let series: Vec<Vec<Value>> = ctx.data.series.iter().map(|s| s.values.clone()).collect();
    if ctx.spec.kind != Kind::Stacked100 {
        return series;
    }
    shares(&series)
}

/// Each category's values as percentages of its total, hiding whole categories whose total
/// cannot be known without a hidden or missing part.
pub fn shares(series: &[Vec<Value>]) -> Vec<Vec<Value>> {
    let n = series.first().map_or(0, Vec::len);
    let mut out = series.to_vec();
    for cat in 0..n {
        let column = || series.iter().map(|s| s[cat]);
        let whole = if column().any(|v| v == Value::Hidden) {
            Some(Value::Hidden)
        } else if column().any(|v| v == Value::Missing) {
            Some(Value::Missing)
        } else {
            None
        };
        let total: f64 = column().filter_map(Value::shown).sum();
        for s in &mut out {
            s[cat] = match (whole, s[cat]) {
                (Some(w), _) => w,
                (None, Value::Shown(v)) if total > 0.0 => Value::Shown(v / total * 100.0),
                (None, _) => Value::Shown(0.0),
            };
        }
    }
    out
}

/// The lowest and highest value the axis must show, zero included.
fn extent(ctx: &Ctx, values: &[Vec<Value>]) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    if ctx.spec.kind == Kind::StackedBar {
        for cat in 0..ctx.data.categories.len() {
            let parts = values.iter().filter_map(|s| s[cat].shown());
            let up: f64 = parts.clone().filter(|v| *v > 0.0).sum();
            let down: f64 = parts.filter(|v| *v < 0.0).sum();
            (lo, hi) = (lo.min(down), hi.max(up));
        }
    } else {
        for v in values.iter().flatten().filter_map(|v| v.shown()) {
            (lo, hi) = (lo.min(v), hi.max(v));
        }
    }
    (lo, hi)
}

/// Bars side by side (one series, groups, actual values).
fn side_by_side(ctx: &Ctx, values: &[Vec<Value>], labels: bool) -> Vec<Bar> {
    let grouped = ctx.spec.kind == Kind::GroupedBar;
    let drawn = if ctx.spec.kind == Kind::TargetActual {
        1
    } else {
        values.len()
    };
    let mut bars = Vec::new();
    for (s, series) in values.iter().enumerate().take(drawn) {
        for (cat, v) in series.iter().enumerate() {
            let Value::Shown(v) = *v else { continue };
            bars.push(Bar {
                cat,
                slot: if grouped { s } else { 0 },
                from: 0.0,
                to: v,
                series: s,
                label: labels.then(|| (ctx.value(v, Side::Left), false)),
            });
        }
    }
    bars
}

/// Stacked parts, positives upwards from zero and negatives downwards.
fn stack(ctx: &Ctx, values: &[Vec<Value>], labels: bool) -> Vec<Bar> {
    let mut bars = Vec::new();
    for cat in 0..ctx.data.categories.len() {
        let (mut up, mut down) = (0.0, 0.0);
        for (s, series) in values.iter().enumerate() {
            let Value::Shown(v) = series[cat] else {
                continue;
            };
            if v == 0.0 {
                continue;
            }
            let base = if v > 0.0 { &mut up } else { &mut down };
            let from = *base;
            *base += v;
            bars.push(Bar {
                cat,
                slot: 0,
                from,
                to: *base,
                series: s,
                label: labels.then(|| (ctx.value(v, Side::Left), true)),
            });
        }
    }
    bars
}

/// The fill of series `s`: its colour, with a pattern when bars of several series stand
/// side by side.
fn fill(ctx: &Ctx, s: usize) -> String {
    if ctx.spec.kind == Kind::GroupedBar && !s.is_multiple_of(svg::PATTERNS) {
        format!("url(#{})", ctx.pattern_id(s))
    } else {
        ctx.theme.series(s).fill.clone()
    }
}

fn patterns(ctx: &Ctx) -> String {
    if ctx.spec.kind != Kind::GroupedBar {
        return String::new();
    }
    (0..ctx.data.series.len())
        .filter_map(|s| svg::pattern(&ctx.pattern_id(s), s, &ctx.theme.series(s).fill))
        .collect()
}

fn legend_items(ctx: &Ctx) -> Vec<Item> {
    let series = &ctx.data.series;
    match ctx.spec.kind {
        Kind::Bar | Kind::BarHorizontal => Vec::new(),
        Kind::TargetActual => vec![
            Item {
                label: series[0].name.clone(),
                key: Key::Fill {
                    fill: fill(ctx, 0),
                    outline: false,
                },
            },
            Item {
                label: series[1].name.clone(),
                key: Key::Tick {
                    colour: ctx.theme.series(1).fill.clone(),
                },
            },
        ],
        _ => series
            .iter()
            .enumerate()
            .map(|(s, series)| Item {
                label: series.name.clone(),
                key: Key::Fill {
                    fill: fill(ctx, s),
                    outline: false,
                },
            })
            .collect(),
    }
}

fn draw_bar(ctx: &Ctx, band: &Band, bar: &Bar, out: &mut String) {
    let (x, y, w, h) = band.rect(bar.cat, bar.slot, bar.from, bar.to);
    // Parts of a stack are parted by a line of the page's colour.
    let edge = if ctx.spec.kind == Kind::StackedBar || ctx.spec.kind == Kind::Stacked100 {
        " stroke=\"#ffffff\" stroke-width=\"1\""
    } else {
        ""
    };
    // A zero has no bar, only its label.
    if bar.from != bar.to {
        svg::rect(out, x, y, w, h, &fill(ctx, bar.series), edge);
    }
    let Some((text, inside)) = &bar.label else {
        return;
    };
    if *inside {
        if band.has_room(ctx.width(text, SMALL), (w, h), 0.0) {
            let colour = &ctx.theme.series(bar.series).text;
            let style = ctx.style(SMALL, colour, Anchor::Middle, "chart-value");
            svg::label(out, x + w / 2.0, y + h / 2.0 + SMALL * 0.35, text, style);
        }
    } else if ctx.spec.kind == Kind::TargetActual && bar.to > 0.0 {
        actual_label(ctx, band, bar, text, (x, y, w, h), out);
    } else {
        let (lx, ly, anchor) = band.label_at(bar.cat, bar.slot, bar.to, 0.0);
        let style = ctx.style(SMALL, &ctx.theme.text, anchor, "chart-value");
        svg::label(out, lx, ly, text, style);
    }
}

/// An actual value's label: inside the top of its bar when the bar has room, so it is never
/// read as the target's; else beyond the target or the bar, whichever reaches further.
fn actual_label(
    ctx: &Ctx,
    band: &Band,
    bar: &Bar,
    text: &str,
    r: (f64, f64, f64, f64),
    out: &mut String,
) {
    let (x, y, w, h) = r;
    if band.has_room(ctx.width(text, SMALL), (w, h), 6.0) {
        let colour = &ctx.theme.series(bar.series).text;
        let (lx, ly, anchor) = if band.rows {
            (x + w - 5.0, y + h / 2.0 + SMALL * 0.35, Anchor::End)
        } else {
            (x + w / 2.0, y + SMALL + 4.0, Anchor::Middle)
        };
        svg::label(
            out,
            lx,
            ly,
            text,
            ctx.style(SMALL, colour, anchor, "chart-value"),
        );
        return;
    }
    let end = target_end(ctx, bar.cat, bar.to);
    let (lx, ly, anchor) = band.label_at(bar.cat, bar.slot, end, 0.0);
    let (lx, ly) = if band.rows {
        (lx + 4.0, ly)
    } else {
        (lx, ly - 3.0)
    };
    svg::label(
        out,
        lx,
        ly,
        text,
        ctx.style(SMALL, &ctx.theme.text, anchor, "chart-value"),
    );
}

/// The end beyond which an actual value's label goes: past its target when the target
/// reaches further, so the label never sits on the target's mark.
fn target_end(ctx: &Ctx, cat: usize, actual: f64) -> f64 {
    match ctx.data.series[1].values[cat] {
        Value::Shown(t) if t.abs() > actual.abs() && t.signum() == actual.signum() => t,
        _ => actual,
    }
}

/// Target marks: a thick bar across each category's bar, wider than it.
fn targets(ctx: &Ctx, band: &Band, out: &mut String) {
    let colour = &ctx.theme.series(1).fill;
    for (cat, v) in ctx.data.shown(1) {
        let (start, size) = band.slot(cat, 0);
        let over = (size * 0.2).min(8.0);
        let p = band.v(v);
        if band.rows {
            svg::rect(
                out,
                p - 1.75,
                start - over,
                3.5,
                size + 2.0 * over,
                colour,
                "",
            );
        } else {
            svg::rect(
                out,
                start - over,
                p - 1.75,
                size + 2.0 * over,
                3.5,
                colour,
                "",
            );
        }
    }
}

/// The hidden and missing markers, where the bars would start (for stacks, past the end of
/// what is drawn).
fn markers(ctx: &Ctx, band: &Band, values: &[Vec<Value>], stacked: bool, out: &mut String) {
    let words = ctx.words;
    let drawn = if ctx.spec.kind == Kind::TargetActual {
        1
    } else {
        values.len()
    };
    for cat in 0..ctx.data.categories.len() {
        let mut end = 0.0;
        if stacked {
            end = values
                .iter()
                .filter_map(|s| s[cat].shown())
                .filter(|v| *v > 0.0)
                .sum();
        }
        let mut seen = Vec::new();
        for (s, series) in values.iter().enumerate().take(drawn) {
            let mark = match series[cat] {
                Value::Hidden => &words.hidden_marker,
                Value::Missing => &words.missing_marker,
                Value::Shown(_) => continue,
            };
            if stacked && seen.contains(&mark) {
                continue;
            }
            seen.push(mark);
            let slot = if stacked { 0 } else { s.min(band.slots - 1) };
            let (x, y, anchor) = band.label_at(cat, slot, end, 0.0);
            let (x, y) = if stacked && seen.len() > 1 && band.rows {
                (x + 12.0 * (seen.len() - 1) as f64, y)
            } else if stacked && seen.len() > 1 {
                (x, y - SMALL * (seen.len() - 1) as f64)
            } else {
                (x, y)
            };
            let style = ctx.style(SMALL, &ctx.theme.text, anchor, "chart-marker");
            svg::label(out, x, y, mark, style);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Value::{Hidden, Missing, Shown};

    #[test]
    fn shares_hide_whole_categories_with_a_hidden_part() {
        let series = vec![
            vec![Shown(1.0), Shown(2.0), Shown(0.0)],
            vec![Shown(3.0), Hidden, Shown(0.0)],
            vec![Shown(0.0), Shown(5.0), Missing],
        ];
        let s = shares(&series);
        assert_eq!(s[0][0], Shown(25.0));
        assert_eq!(s[1][0], Shown(75.0));
        assert_eq!((s[0][1], s[1][1], s[2][1]), (Hidden, Hidden, Hidden));
        assert_eq!((s[0][2], s[2][2]), (Missing, Missing));
    }

    #[test]
    fn a_zero_total_has_no_parts() {
        let s = shares(&[vec![Shown(0.0)], vec![Shown(0.0)]]);
        assert_eq!(s, [vec![Shown(0.0)], vec![Shown(0.0)]]);
    }
}
