//! Likert charts: the distribution of answers per respondent group as 100 % bars, one part
//! per step of the scale, lowest first, with the group's N under its name.
//!
//! Part of the `charts` stage. Input: the chart's context, whose series are the scale's
//! steps (shares or counts; they are turned into shares per group). Output: the drawing.
//! Steps take the theme's ordinal step colours (the grids' colours), each part has an
//! outline so the lightest step stays visible, and shares are written in the parts that
//! have room. A group with a hidden or missing answer count is drawn as a marker only.

use super::band::{Band, Layout, Needs};
use super::bars::shares;
use super::legend::{self, Item, Key};
use super::svg::{self, Anchor};
use super::theme::Swatch;
use super::ticks::Axis;
use super::{ChartError, Ctx, Drawing, MARGIN, SMALL, Side, Value};

/// The colour of step `i` of `count`, spread from the lightest to the darkest.
fn step<'a>(ctx: &'a Ctx, i: usize, count: usize) -> &'a Swatch {
    let steps = &ctx.theme.steps;
    let at = if count < 2 {
        steps.len() - 1
    } else {
        (i as f64 * (steps.len() - 1) as f64 / (count - 1) as f64).round() as usize
    };
    &steps[at.min(steps.len() - 1)]
}

pub fn draw(ctx: &Ctx) -> Result<Drawing, ChartError> {
    let count = ctx.data.series.len();
    let values: Vec<Vec<Value>> = ctx.data.series.iter().map(|s| s.values.clone()).collect();
    let values = shares(&values);
    let outline = format!(" stroke=\"{}\" stroke-width=\"0.75\"", ctx.theme.muted);
    let items: Vec<Item> = ctx
        .data
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| Item {
            label: s.name.clone(),
            key: Key::Fill {
                fill: step(ctx, i, count).fill.clone(),
                outline: true,
            },
        })
        .collect();
    let (legend, legend_h) = legend::draw(ctx, &items, MARGIN);
    let axis = Axis {
        lo: 0.0,
        hi: 100.0,
        step: 20.0,
        decimals: 0,
    };
    let needs = Needs {
        layout: Layout::Rows,
        slots: 1,
        value_label: 0.0,
        labels: Some(false),
        top: MARGIN + legend_h,
        right: 0.0,
        row_thickness: 22.0,
    };
    let band = Band::layout(ctx, axis, needs);
    let mut body = legend;
    band.grid(ctx, &mut body);
    body.push_str("<g class=\"chart-marks\">");
    let labels = ctx.spec.value_labels != Some(false);
    for cat in 0..ctx.data.categories.len() {
        let mut from = 0.0;
        for (i, series) in values.iter().enumerate() {
            match series[cat] {
                Value::Shown(v) if v > 0.0 => {
                    let (x, y, w, h) = band.rect(cat, 0, from, from + v);
                    let swatch = step(ctx, i, count);
                    svg::rect(&mut body, x, y, w, h, &swatch.fill, &outline);
                    let text = ctx.value(v, Side::Left);
                    if labels && ctx.width(&text, SMALL) + 6.0 <= w {
                        let style = ctx.style(SMALL, &swatch.text, Anchor::Middle, "chart-value");
                        svg::label(
                            &mut body,
                            x + w / 2.0,
                            y + h / 2.0 + SMALL * 0.35,
                            &text,
                            style,
                        );
                    }
                    from += v;
                }
                Value::Shown(_) => {}
                other => {
                    let mark = ctx.marker(other);
                    let (x, y, anchor) = band.label_at(cat, 0, 0.0, 0.0);
                    let style = ctx.style(SMALL, &ctx.theme.text, anchor, "chart-marker");
                    svg::label(&mut body, x, y, mark, style);
                    break;
                }
            }
        }
    }
    body.push_str("</g>");
    Ok(band.finish(ctx, body, String::new()))
}
