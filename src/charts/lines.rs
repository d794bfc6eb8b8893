//! Line charts over time, one line per series, and bars with a line on a second axis
//! (participants, and participants per thousand in the labour force).
//!
//! Part of the `charts` stage. Input: the chart's context. Output: the drawing. Each series
//! has its own colour and marker shape, and lines are named at their ends instead of in a
//! legend; a hidden or missing value breaks the line and leaves its marker at the foot of
//! the plot. The second axis shares the first one's grid lines.

use super::band::{self, Band, Layout, Needs};
use super::legend::{self, Item, Key};
use super::svg::{self, Anchor, line_height};
use super::ticks::Axis;
use super::{ChartError, Ctx, Drawing, FONT, Kind, MARGIN, SMALL, Side, Value, WIDTH};

/// The widest a line's end label may be.
const END_LABEL: f64 = 170.0;

pub fn draw(ctx: &Ctx) -> Result<Drawing, ChartError> {
    let bar_line = ctx.spec.kind == Kind::BarLine;
    let lines: Vec<usize> = if bar_line {
        vec![1]
    } else {
        (0..ctx.data.series.len()).collect()
    };
    let left = left_axis(ctx, bar_line);
    let right = bar_line.then(|| {
        let (lo, hi) = range(ctx, &[1]);
        Axis::aligned_with(&left, lo, hi)
    });
    let end_labels = !bar_line && lines.len() > 1;
    let right_room = match &right {
        Some(axis) => band::tick_width(ctx, axis, Side::Right) + 10.0,
        None if end_labels => end_label_width(ctx) + 20.0,
        None => 0.0,
    };
    let items = if bar_line {
        legend_items(ctx)
    } else {
        Vec::new()
    };
    let (legend, legend_h) = legend::draw(ctx, &items, MARGIN);
    // Points are labelled by default only on a lone line with few points.
    let few = !bar_line && ctx.data.categories.len() <= 12 && lines.len() == 1;
    let needs = Needs {
        layout: Layout::Columns,
        slots: 1,
        value_label: if bar_line {
            widest(ctx, 0, Side::Left)
        } else {
            0.0
        },
        labels: ctx.spec.value_labels.or(bar_line.then_some(false)),
        top: MARGIN + legend_h,
        right: right_room,
        row_thickness: 0.0,
    };
    let mut band = Band::layout(ctx, left, needs);
    if bar_line {
        band.thick = band.cats[0].1 * 0.6;
    }
    let labels = ctx.spec.value_labels.unwrap_or(few);
    let mut body = legend;
    band.grid(ctx, &mut body);
    body.push_str("<g class=\"chart-marks\">");
    if bar_line {
        bars(ctx, &band, &mut body);
    }
    let mut foot = vec![0usize; ctx.data.categories.len()];
    for &s in &lines {
        let axis = if bar_line {
            right.unwrap_or(left)
        } else {
            left
        };
        series_line(ctx, &band, &axis, s, labels, &mut foot, &mut body);
    }
    body.push_str("</g>");
    if end_labels {
        name_ends(ctx, &band, &lines, &mut body);
    }
    if let Some(axis) = &right {
        right_axis(ctx, &band, axis, &mut body);
    }
    Ok(band.finish(ctx, body, String::new()))
}

/// The value axis of the lines (or of the bars, in a bar-line chart).
fn left_axis(ctx: &Ctx, bar_line: bool) -> Axis {
    if let (Some(lo), Some(hi)) = (ctx.spec.scale_min, ctx.spec.scale_max)
        && !bar_line
    {
        return Axis::fixed(lo, hi);
    }
    let series: Vec<usize> = if bar_line {
        vec![0]
    } else {
        (0..ctx.data.series.len()).collect()
    };
    let (lo, hi) = range(ctx, &series);
    Axis::nice(lo, hi)
}

/// The range of the shown values of `series`, zero included.
fn range(ctx: &Ctx, series: &[usize]) -> (f64, f64) {
    series
        .iter()
        .flat_map(|&s| ctx.data.shown(s).map(|(_, v)| v))
        .fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

fn widest(ctx: &Ctx, s: usize, side: Side) -> f64 {
    ctx.data
        .shown(s)
        .map(|(_, v)| ctx.width(&ctx.value(v, side), SMALL))
        .fold(0.0, f64::max)
}

fn end_label_width(ctx: &Ctx) -> f64 {
    ctx.data
        .series
        .iter()
        .map(|s| ctx.width(&s.name, FONT).min(END_LABEL))
        .fold(0.0, f64::max)
}

fn legend_items(ctx: &Ctx) -> Vec<Item> {
    vec![
        Item {
            label: ctx.data.series[0].name.clone(),
            key: Key::Fill {
                fill: ctx.theme.series(0).fill.clone(),
                outline: false,
            },
        },
        Item {
            label: ctx.data.series[1].name.clone(),
            key: Key::Line {
                colour: ctx.theme.series(1).fill.clone(),
                shape: 1,
            },
        },
    ]
}

/// The bars of a bar-line chart, with their labels when asked for.
fn bars(ctx: &Ctx, band: &Band, out: &mut String) {
    let fill = &ctx.theme.series(0).fill;
    for (cat, v) in ctx.data.shown(0) {
        let (x, y, w, h) = band.rect(cat, 0, 0.0, v);
        svg::rect(out, x, y, w, h, fill, "");
        if band.value_labels {
            let (lx, ly, anchor) = band.label_at(cat, 0, v, 0.0);
            let style = ctx.style(SMALL, &ctx.theme.text, anchor, "chart-value");
            svg::label(out, lx, ly, &ctx.value(v, Side::Left), style);
        }
    }
}

/// One series as a line broken at values that are not shown, with a marker per point.
/// `foot` counts the markers already set at the foot of each category.
fn series_line(
    ctx: &Ctx,
    band: &Band,
    axis: &Axis,
    s: usize,
    labels: bool,
    foot: &mut [usize],
    out: &mut String,
) {
    let colour = &ctx.theme.series(s).fill;
    let shape = if ctx.spec.kind == Kind::BarLine { 1 } else { s };
    let side = if ctx.spec.kind == Kind::BarLine {
        Side::Right
    } else {
        Side::Left
    };
    let (_, top, _, h) = band.plot;
    let y_of = |v: f64| axis.map(v, top + h, top);
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut points = Vec::new();
    for (cat, value) in ctx.data.series[s].values.iter().enumerate() {
        let x = band.centre(cat);
        match *value {
            Value::Shown(v) => {
                run.push((x, y_of(v)));
                points.push((x, y_of(v), v));
            }
            other => {
                flush(&mut run, colour, out);
                let mark = ctx.marker(other);
                let y = top + h - 4.0 - foot[cat] as f64 * SMALL;
                foot[cat] += 1;
                let style = ctx.style(SMALL, &ctx.theme.text, Anchor::Middle, "chart-marker");
                svg::label(out, x, y, mark, style);
            }
        }
    }
    flush(&mut run, colour, out);
    for (x, y, v) in points {
        svg::marker(out, shape, (x, y), 4.0, colour);
        if labels {
            let style = ctx.style(SMALL, &ctx.theme.text, Anchor::Middle, "chart-value");
            svg::label(out, x, y - 8.0, &ctx.value(v, side), style);
        }
    }
}

fn flush(run: &mut Vec<(f64, f64)>, colour: &str, out: &mut String) {
    if run.len() > 1 {
        svg::polyline(out, run, colour, 2.5);
    }
    run.clear();
}

/// Each line's name at its last shown point, moved apart so that names never overlap.
fn name_ends(ctx: &Ctx, band: &Band, lines: &[usize], out: &mut String) {
    let (x, top, w, h) = band.plot;
    let lh = line_height(FONT);
    let mut ends: Vec<(f64, usize, Vec<String>)> = lines
        .iter()
        .filter_map(|&s| {
            let (_, v) = ctx.data.shown(s).last()?;
            let y = band.axis.map(v, top + h, top);
            let name = ctx.wrap(&ctx.data.series[s].name, END_LABEL, FONT, 2);
            Some((y, s, name))
        })
        .collect();
    ends.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut floor = f64::NEG_INFINITY;
    for end in &mut ends {
        let first = end.0.max(floor);
        end.0 = first;
        floor = first + end.2.len() as f64 * lh;
    }
    // When the names run off the bottom, push them back up together.
    let overflow = (floor - lh - (top + h)).max(0.0);
    let style = ctx.style(FONT, &ctx.theme.text, Anchor::Start, "chart-series-name");
    for (y, s, name) in &ends {
        let y = y - overflow;
        svg::marker(out, *s, (x + w + 10.0, y), 4.0, &ctx.theme.series(*s).fill);
        svg::text(out, x + w + 18.0, y + FONT * 0.35, name, style);
    }
}

/// The right axis of a bar-line chart: tick labels beside the grid lines and its title.
fn right_axis(ctx: &Ctx, band: &Band, axis: &Axis, out: &mut String) {
    let (x, top, w, h) = band.plot;
    let style = ctx.style(SMALL, &ctx.theme.muted, Anchor::Start, "chart-tick");
    for t in axis.ticks() {
        let y = axis.map(t, top + h, top);
        svg::label(
            out,
            x + w + 6.0,
            y + SMALL * 0.35,
            &ctx.tick(t, axis, Side::Right),
            style,
        );
    }
    if let Some(title) = &ctx.spec.y2_title {
        let lines = ctx.wrap(title, WIDTH / 2.0 - MARGIN, FONT, 1);
        let style = ctx.style(FONT, &ctx.theme.text, Anchor::End, "chart-axis-title");
        svg::text(out, WIDTH - MARGIN, top - FONT - 6.0, &lines, style);
    }
}
