//! Charts stage: a chart spec + disclosure-controlled data -> a static, accessible SVG, its
//! text alternative and its numbers as an HTML table.
//!
//! Input: a [`ChartSpec`] (the `chart` directive's YAML), [`ChartData`] in which suppressed
//! values are already [`Value::Hidden`], the report's number formatter and chart words, and
//! the theme ([`Theme`]: palette from the stylesheet, the compiled-in font). Output: a
//! [`Chart`], or a [`ChartError`] with a message and a help line (the caller adds
//! file:line:col). The SVG is written by hand, with text measured in the compiled-in font,
//! so the same input gives the same bytes on every machine and thread; it carries
//! `role="img"`, a `<title>` and a `<desc>`, and every label is escaped. This stage reads no
//! files, never sees raw counts, and never takes a colour from data.
//!
//! The `chart` directive (its YAML, its query, the published table as [`ChartData`], the
//! figure's `<details>` table and CSV download) is wired in the `tables` stage, which runs
//! every query whose numbers reach a page; see `tables::chart`.
//!
//! One module per family of kinds: [`bars`] (bar, grouped, stacked, target-actual),
//! [`lines`] (line, bar-line), [`likert`], [`mean`]; [`band`] lays out category and value
//! axes for all of them; [`describe`] writes the description and the table.

mod band;
mod bars;
pub mod data;
mod describe;
pub mod font;
mod legend;
mod likert;
mod lines;
mod mean;
pub mod spec;
pub mod svg;
pub mod text;
pub mod theme;
mod ticks;
pub mod words;

use std::fmt;

pub use data::{ChartData, Series, Value};
pub use spec::{ChartSpec, Kind, Unit};
pub use theme::{CssError, Theme};
pub use words::{CHART_WORD_KEYS, ChartWords};

use crate::format::{NumberFormatter, PercentStyle};
use svg::{Anchor, N, Style, escape};

/// The width of every chart's viewBox; heights follow from the content.
pub const WIDTH: f64 = 640.0;
/// Label and tick text size, in viewBox units.
pub const FONT: f64 = 13.0;
/// Smaller text: value labels, notes.
pub const SMALL: f64 = 12.0;
/// The margin around the drawing.
pub const MARGIN: f64 = 10.0;

/// A drawn chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// `<svg ...>...</svg>`, valid inline in HTML and as a file of its own.
    pub svg: String,
    /// The text alternative (plain text, not escaped): the author's or one made from the data.
    pub description: String,
    /// `<table class="chart-data">` with the chart's numbers, for a `<details>` under it.
    pub table_html: String,
    /// Values hidden by disclosure control: the caller's note says why they are missing.
    pub hidden: usize,
    /// Values not available.
    pub missing: usize,
}

/// Why a chart cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartError {
    pub message: String,
    pub help: String,
    /// The spec key the problem is about, when there is one, so the caller can point at it.
    pub key: Option<&'static str>,
}

impl ChartError {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> ChartError {
        ChartError {
            message: message.into(),
            help: help.into(),
            key: None,
        }
    }

    /// The same error, about spec key `key`.
    pub fn at(mut self, key: &'static str) -> ChartError {
        self.key = Some(key);
        self
    }
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n  help: {}", self.message, self.help)
    }
}

impl std::error::Error for ChartError {}

/// What every chart needs besides its spec and data.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub numbers: &'a NumberFormatter,
    pub words: &'a ChartWords,
    pub theme: &'a Theme,
}

/// Which figure a chart belongs to: `id` prefixes the ids inside the SVG (unique on the
/// page, like the element's anchor) and `title` names it for assistive technology.
#[derive(Debug, Clone, Copy)]
pub struct Figure<'a> {
    pub id: &'a str,
    pub title: &'a str,
}

/// Draws `data` as the chart `spec` asks for.
pub fn render(
    spec: &ChartSpec,
    data: &ChartData,
    figure: Figure,
    cx: Context,
) -> Result<Chart, ChartError> {
    data::check(spec, data)?;
    let ctx = Ctx::new(spec, data, figure.id, cx);
    let drawing = match spec.kind {
        Kind::Bar
        | Kind::BarHorizontal
        | Kind::GroupedBar
        | Kind::StackedBar
        | Kind::Stacked100
        | Kind::TargetActual => bars::draw(&ctx),
        Kind::Line | Kind::BarLine => lines::draw(&ctx),
        Kind::Likert => likert::draw(&ctx),
        Kind::MeanScore => mean::draw(&ctx),
    }?;
    let description = describe::description(&ctx);
    let svg = assemble(&ctx, figure, drawing, &description);
    let (hidden, missing) = data.counts();
    Ok(Chart {
        svg,
        description,
        table_html: describe::table(&ctx),
        hidden,
        missing,
    })
}

/// What a kind draws: the body, pattern definitions, and the height it needs.
pub(crate) struct Drawing {
    pub body: String,
    pub defs: String,
    pub height: f64,
}

/// The finished `<svg>`: accessible name and description first, then the drawing, then the
/// "illustrative data" note when the numbers are invented.
fn assemble(ctx: &Ctx, figure: Figure, mut drawing: Drawing, description: &str) -> String {
    let mut height = drawing.height;
    if ctx.spec.illustrative {
        let lines = ctx.wrap(&ctx.words.illustrative, WIDTH - 2.0 * MARGIN, SMALL, 3);
        let style = ctx.style(SMALL, &ctx.theme.text, Anchor::Start, "chart-illustrative");
        svg::text(
            &mut drawing.body,
            MARGIN,
            height + SMALL + 6.0,
            &lines,
            Style {
                class: "chart-illustrative",
                ..style
            },
        );
        height += lines.len() as f64 * svg::line_height(SMALL) + 10.0;
    }
    let id = escape(figure.id);
    let defs = if drawing.defs.is_empty() {
        String::new()
    } else {
        format!("<defs>{}</defs>", drawing.defs)
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-{kind}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"{family}\"><title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>{defs}{body}</svg>",
        kind = ctx.spec.kind.name(),
        w = N(WIDTH),
        h = N((height + MARGIN).ceil()),
        family = font::FAMILY,
        title = escape(figure.title),
        desc = escape(description),
        body = drawing.body,
    )
}

/// The inputs of one chart, with the helpers every kind uses.
pub(crate) struct Ctx<'a> {
    pub spec: &'a ChartSpec,
    pub data: &'a ChartData,
    pub id: &'a str,
    pub numbers: &'a NumberFormatter,
    pub words: &'a ChartWords,
    pub theme: &'a Theme,
    /// Decimals of the values of the (left) axis and of the right axis.
    decimals: [u8; 2],
    /// Decimals of the left values as the data holds them: differs from `decimals[0]` where
    /// the drawing shows shares of counts (100 % bars, Likert).
    data_decimals: u8,
}

/// Which value axis a number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Left,
    Right,
}

impl<'a> Ctx<'a> {
    fn new(spec: &'a ChartSpec, data: &'a ChartData, id: &'a str, cx: Context<'a>) -> Ctx<'a> {
        let inferred = |series: &[Series]| -> u8 {
            let whole = series
                .iter()
                .flat_map(|s| s.values.iter().filter_map(|v| v.shown()))
                .all(|v| v.fract() == 0.0);
            if whole { 0 } else { 1 }
        };
        let (left, right) = match spec.kind {
            Kind::BarLine => data.series.split_at(1),
            _ => (&data.series[..], &[][..]),
        };
        let mut decimals = [
            spec.decimals.unwrap_or_else(|| inferred(left)),
            spec.decimals2.unwrap_or_else(|| inferred(right)),
        ];
        let data_decimals = decimals[0];
        if spec.decimals.is_none() {
            match spec.kind {
                Kind::Stacked100 | Kind::Likert => decimals[0] = 0,
                Kind::MeanScore => decimals[0] = 1,
                _ => {}
            }
        }
        Ctx {
            spec,
            data,
            id,
            numbers: cx.numbers,
            words: cx.words,
            theme: cx.theme,
            decimals,
            data_decimals,
        }
    }

    fn unit(&self, side: Side) -> &Unit {
        static PERCENT: Unit = Unit::Percent;
        if side == Side::Left && matches!(self.spec.kind, Kind::Stacked100 | Kind::Likert) {
            return &PERCENT;
        }
        match side {
            Side::Left => &self.spec.unit,
            Side::Right => &self.spec.unit2,
        }
    }

    /// A value as its label shows it: `25,3`, `84 %`, `25,3 mio. kr.`.
    pub fn value(&self, v: f64, side: Side) -> String {
        self.format(v, self.decimals[side as usize], self.unit(side))
    }

    /// A value of the data as the data table and the description give it: in the spec's
    /// unit, also where the drawing turns counts into shares (`23`, not `23 %`).
    pub fn data_value(&self, v: f64, side: Side) -> String {
        match side {
            Side::Left => self.format(v, self.data_decimals, &self.spec.unit),
            Side::Right => self.value(v, side),
        }
    }

    fn format(&self, v: f64, d: u8, unit: &Unit) -> String {
        let number = || self.numbers.number(v, d).unwrap_or_default();
        match unit {
            Unit::None => number(),
            Unit::Percent => self
                .numbers
                .percent(v, d, PercentStyle::Sign)
                .unwrap_or_default(),
            Unit::Text(u) => format!("{}\u{a0}{u}", number()),
        }
    }

    /// A tick label: the number, with the percent sign when values are percentages.
    pub fn tick(&self, v: f64, axis: &ticks::Axis, side: Side) -> String {
        match self.unit(side) {
            Unit::Percent => self.numbers.percent(v, axis.decimals, PercentStyle::Sign),
            _ => self.numbers.number(v, axis.decimals),
        }
        .unwrap_or_default()
    }

    /// The width of `text` at `size`.
    pub fn width(&self, text: &str, size: f64) -> f64 {
        self.theme.font.width(text, size)
    }

    /// `text` in lines no wider than `width`, at most `max` of them.
    pub fn wrap(&self, text: &str, width: f64, size: f64, max: usize) -> Vec<String> {
        let fits = |s: &str| self.width(s, size) <= width;
        text::clamp_lines(text::wrap(text, fits), max, fits)
    }

    pub fn style(&self, size: f64, fill: &'a str, anchor: Anchor, class: &'a str) -> Style<'a> {
        Style {
            size,
            fill,
            anchor,
            class,
        }
    }

    /// The respondents line of category `i` ("N = 25"), when the data has one.
    pub fn n_line(&self, i: usize) -> Option<String> {
        let n = self.data.n_per_category.as_ref()?.get(i)?;
        let text = match n {
            Value::Shown(v) => self.numbers.number(*v, 0)?,
            Value::Hidden => self.words.hidden_marker.clone(),
            Value::Missing => self.words.missing_marker.clone(),
        };
        Some(words::fill(&self.words.n_equals, &[("n", &text)]))
    }

    /// The marker drawn instead of a value that is not shown.
    pub fn marker(&self, value: Value) -> &'a str {
        match value {
            Value::Hidden => &self.words.hidden_marker,
            _ => &self.words.missing_marker,
        }
    }

    /// The id of pattern `n` of this chart, escaped for an attribute.
    pub fn pattern_id(&self, n: usize) -> String {
        format!("{}-pattern-{n}", escape(self.id))
    }
}
