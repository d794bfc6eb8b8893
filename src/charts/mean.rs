//! Mean scores per group on a fixed scale (satisfaction from 1 to 10): one row per group, a
//! dot at the mean on a stem from the scale's lowest point, and the mean written beside it.
//!
//! Part of the `charts` stage. Input: the chart's context with `scale_min` and `scale_max`
//! set and one series of means (checked by `data::check`). Output: the drawing. A dot plot
//! rather than bars, because a bar's length from 1 (not 0) would mislead.

use super::band::{Band, Layout, Needs};
use super::svg::{self, Anchor};
use super::ticks::Axis;
use super::{ChartError, Ctx, Drawing, MARGIN, SMALL, Side, Value};

pub fn draw(ctx: &Ctx) -> Result<Drawing, ChartError> {
    let (lo, hi) = match (ctx.spec.scale_min, ctx.spec.scale_max) {
        (Some(lo), Some(hi)) => (lo, hi),
        _ => {
            return Err(super::ChartError::new(
                "a mean-score chart needs the ends of its scale",
                "add `scale_min:` and `scale_max:`",
            )
            .at("kind"));
        }
    };
    let axis = Axis::fixed(lo, hi);
    let widest = ctx
        .data
        .shown(0)
        .map(|(_, v)| ctx.width(&ctx.value(v, Side::Left), SMALL))
        .fold(0.0, f64::max);
    let needs = Needs {
        layout: Layout::Rows,
        slots: 1,
        value_label: widest + 8.0,
        labels: Some(ctx.spec.value_labels != Some(false)),
        top: MARGIN,
        right: 0.0,
        row_thickness: 16.0,
    };
    let band = Band::layout(ctx, axis, needs);
    let mut body = String::new();
    band.grid(ctx, &mut body);
    body.push_str("<g class=\"chart-marks\">");
    let colour = &ctx.theme.series(0).fill;
    for (cat, value) in ctx.data.series[0].values.iter().enumerate() {
        let (x0, y) = band.point(cat, 0, lo);
        match *value {
            Value::Shown(v) => {
                let (x, _) = band.point(cat, 0, v);
                svg::line(&mut body, (x0, y), (x, y), colour, " stroke-width=\"2\"");
                svg::marker(&mut body, 0, (x, y), 6.0, colour);
                if band.value_labels {
                    let style = ctx.style(SMALL, &ctx.theme.text, Anchor::Start, "chart-value");
                    svg::label(
                        &mut body,
                        x + 10.0,
                        y + SMALL * 0.35,
                        &ctx.value(v, Side::Left),
                        style,
                    );
                }
            }
            other => {
                let mark = ctx.marker(other);
                let style = ctx.style(SMALL, &ctx.theme.text, Anchor::Start, "chart-marker");
                svg::label(&mut body, x0 + 4.0, y + SMALL * 0.35, mark, style);
            }
        }
    }
    body.push_str("</g>");
    Ok(band.finish(ctx, body, String::new()))
}
