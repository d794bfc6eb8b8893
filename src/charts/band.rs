//! The layout every category chart shares: one band per category along one direction, a
//! value axis along the other, tick labels, category labels, axis titles and grid lines.
//!
//! Part of the `charts` stage. Input: the chart's context, its value axis and what its marks
//! need (bars per band, the widest value label). Output: a `Band` that places marks, and the
//! axes' SVG. Categories stand in columns when their labels fit under them, wrapped on
//! words; otherwise the bands become rows with the labels beside them (or, for a chart over
//! time, only every k-th label is shown). Labels never overlap.

use std::fmt::Write;

use super::svg::{self, Anchor, line_height};
use super::ticks::Axis;
use super::{Ctx, Drawing, FONT, MARGIN, SMALL, Side, WIDTH};

/// The height of the plot area when categories stand in columns.
const PLOT_HEIGHT: f64 = 260.0;
/// The widest share of the width that category labels take beside rows.
const ROW_LABEL_SHARE: f64 = 0.38;
/// Lines a category label may take under a column, beside a row.
const COLUMN_LINES: usize = 3;
const ROW_LINES: usize = 4;
/// The longest a slanted label may be.
const SLANTED: f64 = 150.0;

/// How the bands may be laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Columns when the labels fit, else rows.
    Either,
    /// Always rows (horizontal bars).
    Rows,
    /// Always columns; crowded labels are thinned (charts over time).
    Columns,
}

/// What the marks in the bands need.
#[derive(Debug, Clone, Copy)]
pub struct Needs {
    pub layout: Layout,
    /// Marks side by side in each band.
    pub slots: usize,
    /// The widest value label; 0 when values are not labelled.
    pub value_label: f64,
    /// Whether value labels were asked for (`Some(true)`), refused, or left to fit.
    pub labels: Option<bool>,
    /// Where the plot may start from the top (below a legend).
    pub top: f64,
    /// Room kept free at the right (direct labels, a second axis).
    pub right: f64,
    /// The thickness of one mark in a row.
    pub row_thickness: f64,
}

/// Where everything of a category chart goes.
#[derive(Debug, Clone)]
pub struct Band {
    pub rows: bool,
    /// Start and size of each category's band along the category direction.
    pub cats: Vec<(f64, f64)>,
    pub axis: Axis,
    /// Where `axis.lo` and `axis.hi` lie along the value direction.
    pub v0: f64,
    pub v1: f64,
    /// The plot area: x, y, width, height.
    pub plot: (f64, f64, f64, f64),
    /// The thickness of one mark.
    pub thick: f64,
    pub slots: usize,
    /// Whether value labels are drawn.
    pub value_labels: bool,
    /// Each category's label lines (empty when thinned away).
    labels: Vec<Vec<String>>,
    /// Column labels set at 45 degrees, when they fit no other way.
    slanted: bool,
    label_right: f64,
    /// The bottom of everything drawn so far.
    pub bottom: f64,
}

/// The label lines of category `i`, with its respondents line.
fn label_lines(ctx: &Ctx, i: usize, width: f64, max: usize) -> Vec<String> {
    let mut lines = ctx.wrap(&ctx.data.categories[i], width, FONT, max);
    lines.extend(ctx.n_line(i));
    lines
}

/// Whether every word of every category fits `width` and no label needs more than `max`
/// lines.
fn labels_fit(ctx: &Ctx, width: f64, max: usize) -> bool {
    ctx.data.categories.iter().all(|c| {
        c.split_whitespace().all(|w| ctx.width(w, FONT) <= width)
            && ctx.wrap(c, width, FONT, usize::MAX).len() <= max
    }) && (0..ctx.data.categories.len())
        .filter_map(|i| ctx.n_line(i))
        .all(|n| ctx.width(&n, FONT) <= width)
}

impl Band {
    /// Lays out the chart's categories and value `axis`.
    pub fn layout(ctx: &Ctx, axis: Axis, needs: Needs) -> Band {
        let rows = match needs.layout {
            Layout::Rows => true,
            Layout::Columns => false,
            Layout::Either => !columns_fit(ctx, &axis, &needs),
        };
        if rows {
            Band::rows(ctx, axis, needs)
        } else {
            Band::columns(ctx, axis, needs)
        }
    }

    fn columns(ctx: &Ctx, axis: Axis, needs: Needs) -> Band {
        let n = ctx.data.categories.len();
        let titled = ctx.spec.y_title.is_some() || ctx.spec.y2_title.is_some();
        let title_room = if titled { line_height(FONT) + 6.0 } else { 0.0 };
        let top = needs.top + title_room + FONT;
        let left = MARGIN + tick_width(ctx, &axis, Side::Left) + 8.0;
        let right = WIDTH - MARGIN - needs.right;
        let band = (right - left) / n as f64;
        let (labels, slanted) = column_labels(ctx, band, needs.layout);
        let label_room = if slanted {
            let widest = labels
                .iter()
                .flatten()
                .map(|l| ctx.width(l, FONT))
                .fold(0.0, f64::max);
            widest * std::f64::consts::FRAC_1_SQRT_2 + FONT + 6.0
        } else {
            labels.iter().map(Vec::len).max().unwrap_or(1).max(1) as f64 * line_height(FONT) + 6.0
        };
        let bottom_of_plot = top + PLOT_HEIGHT;
        let mut bottom = bottom_of_plot + label_room;
        if ctx.spec.x_title.is_some() {
            bottom += line_height(FONT) + 4.0;
        }
        let thick = (band * 0.72 / needs.slots as f64).min(56.0);
        let value_labels = match needs.labels {
            Some(wanted) => wanted,
            None => needs.value_label > 0.0 && needs.value_label <= band / needs.slots as f64 - 2.0,
        };
        Band {
            rows: false,
            cats: (0..n).map(|i| (left + i as f64 * band, band)).collect(),
            axis,
            v0: bottom_of_plot,
            v1: top,
            plot: (left, top, right - left, PLOT_HEIGHT),
            thick,
            slots: needs.slots,
            value_labels,
            labels,
            slanted,
            label_right: 0.0,
            bottom,
        }
    }

    fn rows(ctx: &Ctx, axis: Axis, needs: Needs) -> Band {
        let n = ctx.data.categories.len();
        let widest = (0..n)
            .map(|i| {
                let name = ctx.width(&ctx.data.categories[i], FONT);
                let respondents = ctx.n_line(i).map_or(0.0, |l| ctx.width(&l, FONT));
                name.max(respondents)
            })
            .fold(0.0, f64::max);
        let label_w = widest.clamp(FONT, WIDTH * ROW_LABEL_SHARE);
        let labels: Vec<Vec<String>> = (0..n)
            .map(|i| label_lines(ctx, i, label_w, ROW_LINES))
            .collect();
        let value_labels = needs.labels.unwrap_or(needs.value_label > 0.0);
        let value_room = if value_labels {
            needs.value_label + 6.0
        } else {
            0.0
        };
        let ticks = tick_width(ctx, &axis, Side::Left);
        let label_right = MARGIN + label_w;
        let below_zero = if axis.lo < 0.0 { value_room } else { 0.0 };
        let left = label_right + 12.0 + below_zero;
        let right = WIDTH - MARGIN - needs.right - value_room.max(ticks / 2.0);
        let mut y = needs.top
            + if ctx.spec.x_title.is_some() {
                line_height(FONT) + 6.0
            } else {
                4.0
            };
        let top = y;
        let block = needs.row_thickness * needs.slots as f64;
        let cats: Vec<(f64, f64)> = labels
            .iter()
            .map(|l| {
                let size = (block + 10.0).max(l.len() as f64 * line_height(FONT) + 8.0);
                y += size;
                (y - size, size)
            })
            .collect();
        let mut bottom = y + 4.0 + line_height(SMALL);
        if ctx.spec.y_title.is_some() {
            bottom += line_height(FONT) + 4.0;
        }
        Band {
            rows: true,
            cats,
            axis,
            v0: left,
            v1: right,
            plot: (left, top, right - left, y - top),
            thick: needs.row_thickness,
            slots: needs.slots,
            value_labels,
            labels,
            slanted: false,
            label_right,
            bottom,
        }
    }

    /// Where `v` lies along the value direction.
    pub fn v(&self, v: f64) -> f64 {
        self.axis.map(v, self.v0, self.v1)
    }

    /// The centre of category `i` along the category direction.
    pub fn centre(&self, i: usize) -> f64 {
        self.cats[i].0 + self.cats[i].1 / 2.0
    }

    /// Start and size of mark `slot` of category `cat` along the category direction.
    pub fn slot(&self, cat: usize, slot: usize) -> (f64, f64) {
        let block = self.thick * self.slots as f64;
        let start = self.centre(cat) - block / 2.0 + slot as f64 * self.thick;
        let gap = if self.slots > 1 {
            (self.thick * 0.12).min(2.0)
        } else {
            0.0
        };
        (start + gap / 2.0, self.thick - gap)
    }

    /// The rectangle (x, y, w, h) of a bar from `from` to `to` in mark `slot` of `cat`.
    pub fn rect(&self, cat: usize, slot: usize, from: f64, to: f64) -> (f64, f64, f64, f64) {
        let (start, size) = self.slot(cat, slot);
        let (a, b) = (self.v(from), self.v(to));
        if self.rows {
            (a.min(b), start, (b - a).abs(), size)
        } else {
            (start, a.min(b), size, (b - a).abs())
        }
    }

    /// A point (x, y) at value `v` in the middle of mark `slot` of `cat`.
    pub fn point(&self, cat: usize, slot: usize, v: f64) -> (f64, f64) {
        let (start, size) = self.slot(cat, slot);
        let along = start + size / 2.0;
        if self.rows {
            (self.v(v), along)
        } else {
            (along, self.v(v))
        }
    }

    /// Where a value label goes beyond the end `v` of a bar, and its anchor.
    pub fn label_at(&self, cat: usize, slot: usize, v: f64, base: f64) -> (f64, f64, Anchor) {
        let (x, y) = self.point(cat, slot, v);
        let up = v >= base;
        match (self.rows, up) {
            (true, true) => (x + 4.0, y + SMALL * 0.35, Anchor::Start),
            (true, false) => (x - 4.0, y + SMALL * 0.35, Anchor::End),
            (false, true) => (x, y - 4.0, Anchor::Middle),
            (false, false) => (x, y + SMALL + 2.0, Anchor::Middle),
        }
    }

    /// Grid lines and tick labels of the value axis; drawn before the marks.
    pub fn grid(&self, ctx: &Ctx, out: &mut String) {
        let (x, y, w, h) = self.plot;
        let tick_style = ctx.style(SMALL, &ctx.theme.muted, Anchor::End, "chart-tick");
        for t in self.axis.ticks() {
            let p = self.v(t);
            let label = ctx.tick(t, &self.axis, Side::Left);
            if self.rows {
                svg::line(out, (p, y), (p, y + h), &ctx.theme.grid, "");
                let style = svg::Style {
                    anchor: Anchor::Middle,
                    ..tick_style
                };
                svg::label(out, p, y + h + line_height(SMALL), &label, style);
            } else {
                svg::line(out, (x, p), (x + w, p), &ctx.theme.grid, "");
                svg::label(out, x - 6.0, p + SMALL * 0.35, &label, tick_style);
            }
        }
    }

    /// The finished drawing: `body` with the frame over it, and its height.
    pub fn finish(&self, ctx: &Ctx, mut body: String, defs: String) -> Drawing {
        self.frame(ctx, &mut body);
        Drawing {
            body,
            defs,
            height: self.bottom,
        }
    }

    /// Whether a label `text_w` wide fits inside a bar `w` × `h`, with `extra` room along it.
    pub fn has_room(&self, text_w: f64, (w, h): (f64, f64), extra: f64) -> bool {
        if self.rows {
            w >= text_w + 6.0 + extra && h >= SMALL + 2.0
        } else {
            h >= SMALL + 4.0 + extra && w >= text_w + 4.0
        }
    }

    /// The zero line over the marks, the category labels and the axis titles.
    pub fn frame(&self, ctx: &Ctx, out: &mut String) {
        let (x, y, w, h) = self.plot;
        let zero = self.v(0.0_f64.clamp(self.axis.lo, self.axis.hi));
        let width = " stroke-width=\"1.5\"";
        if self.rows {
            svg::line(out, (zero, y), (zero, y + h), &ctx.theme.text, width);
        } else {
            svg::line(out, (x, zero), (x + w, zero), &ctx.theme.text, width);
        }
        self.category_labels(ctx, out);
        self.titles(ctx, out);
    }

    fn category_labels(&self, ctx: &Ctx, out: &mut String) {
        let lh = line_height(FONT);
        let (_, y, _, h) = self.plot;
        for (i, lines) in self.labels.iter().enumerate() {
            if lines.is_empty() {
                continue;
            }
            if self.rows {
                let first = self.centre(i) - (lines.len() as f64 - 1.0) * lh / 2.0 + FONT * 0.35;
                let style = ctx.style(FONT, &ctx.theme.text, Anchor::End, "chart-category");
                svg::text(out, self.label_right, first, lines, style);
            } else if self.slanted {
                let (x, y) = (self.centre(i) + FONT * 0.35, y + h + 8.0);
                let _ = write!(
                    out,
                    "<g transform=\"rotate(-45 {} {})\">",
                    svg::N(x),
                    svg::N(y)
                );
                let style = ctx.style(FONT, &ctx.theme.text, Anchor::End, "chart-category");
                svg::text(out, x, y, lines, style);
                out.push_str("</g>");
            } else {
                // Keep the lines of the outermost labels inside the chart.
                let half = lines.iter().map(|l| ctx.width(l, FONT)).fold(0.0, f64::max) / 2.0;
                let x = self
                    .centre(i)
                    .clamp(MARGIN + half, (WIDTH - MARGIN - half).max(MARGIN + half));
                let style = ctx.style(FONT, &ctx.theme.text, Anchor::Middle, "chart-category");
                svg::text(out, x, y + h + FONT + 5.0, lines, style);
            }
        }
    }

    fn titles(&self, ctx: &Ctx, out: &mut String) {
        let (x, y, w, _) = self.plot;
        let style = ctx.style(FONT, &ctx.theme.text, Anchor::Start, "chart-axis-title");
        let lh = line_height(FONT);
        if let Some(t) = &ctx.spec.y_title {
            let lines = ctx.wrap(t, WIDTH / 2.0, FONT, 1);
            if self.rows {
                let s = svg::Style {
                    anchor: Anchor::Middle,
                    ..style
                };
                svg::text(out, x + w / 2.0, self.bottom - 4.0, &lines, s);
            } else {
                svg::text(out, MARGIN, y - FONT - 6.0, &lines, style);
            }
        }
        if let Some(t) = &ctx.spec.x_title {
            let lines = ctx.wrap(t, WIDTH - 2.0 * MARGIN, FONT, 1);
            if self.rows {
                svg::text(out, MARGIN, y - lh + FONT - 6.0, &lines, style);
            } else {
                let s = svg::Style {
                    anchor: Anchor::Middle,
                    ..style
                };
                svg::text(out, x + w / 2.0, self.bottom - 4.0, &lines, s);
            }
        }
    }
}

/// The widest tick label of `axis`.
pub fn tick_width(ctx: &Ctx, axis: &Axis, side: Side) -> f64 {
    axis.ticks()
        .iter()
        .map(|t| ctx.width(&ctx.tick(*t, axis, side), SMALL))
        .fold(0.0, f64::max)
}

/// Whether the chart's categories fit as columns: labels wrap on words in at most three
/// lines, and value labels (when asked for) fit over their bars.
fn columns_fit(ctx: &Ctx, axis: &Axis, needs: &Needs) -> bool {
    let n = ctx.data.categories.len() as f64;
    let left = MARGIN + tick_width(ctx, axis, Side::Left) + 8.0;
    let band = (WIDTH - MARGIN - needs.right - left) / n;
    let per_mark = band / needs.slots as f64;
    let values_fit = needs.labels != Some(true) || needs.value_label <= per_mark - 2.0;
    per_mark >= 6.0 && values_fit && labels_fit(ctx, band - 6.0, COLUMN_LINES)
}

/// The labels under columns of width `band`: all of them wrapped on words when they fit;
/// for a chart that must keep its columns, slanted at 45 degrees when the columns are wide
/// enough for a line of text each, else every k-th label with the room of k columns.
/// Returns the labels and whether they are slanted.
fn column_labels(ctx: &Ctx, band: f64, layout: Layout) -> (Vec<Vec<String>>, bool) {
    let n = ctx.data.categories.len();
    if layout == Layout::Columns
        && band >= line_height(FONT) + 2.0
        && !labels_fit(ctx, band - 6.0, COLUMN_LINES)
    {
        let labels = (0..n)
            .map(|i| {
                let mut text = ctx.data.categories[i].clone();
                if let Some(respondents) = ctx.n_line(i) {
                    text = format!("{text}, {respondents}");
                }
                ctx.wrap(&text, SLANTED, FONT, 1)
            })
            .collect();
        return (labels, true);
    }
    let step = (1..=n)
        .find(|k| labels_fit(ctx, *k as f64 * band - 6.0, COLUMN_LINES))
        .unwrap_or(n);
    let width = (step as f64 * band - 6.0).max(FONT);
    let labels = (0..n)
        .map(|i| {
            if i % step == 0 {
                label_lines(ctx, i, width, COLUMN_LINES)
            } else {
                Vec::new()
            }
        })
        .collect();
    (labels, false)
}
