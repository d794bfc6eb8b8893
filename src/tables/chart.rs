//! The `chart` directive: its query's published table -> a numbered figure with the chart as
//! inline SVG, its numbers in a `<details>` table and as a CSV download, its source and notes.
//!
//! Part of the `tables` stage, which runs every query whose numbers reach a page. Input: a
//! chart element whose YAML the markdown stage kept, the report's query environment and the
//! site's [`Charting`] (the theme's palette and font, made once per site; the chart words,
//! once per locale). Output: the element's view, title, source, note and download, or
//! diagnostics at their line and column in the Markdown file. The drawing is the `charts`
//! stage's; it receives only published cells (see `chart_data`).

use std::collections::{BTreeMap, BTreeSet};

use super::chart_data::{self, Here};
use super::{Env, chart_spec, notes};
use crate::charts::{self, Chart, ChartSpec, ChartWords, Context, Figure, Kind, Theme, Unit};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::disclosure::{self, Format, Published};
use crate::locale::Locale;
use crate::model::{Element, Node, ParsedReport, ThemeSource, View};
use crate::render::escape;

/// The stylesheet whose custom properties give the chart palette.
const STYLESHEET: &str = "static/style.css";

/// What drawing charts needs, made once per site.
#[derive(Debug)]
pub struct Charting {
    pub theme: Theme,
    /// The chart words of each locale (by language code) that a report with a chart uses.
    words: BTreeMap<String, ChartWords>,
}

impl Charting {
    /// The palette of the theme's stylesheet and the words of every locale that a report with
    /// a chart uses; `None` when no report has a chart. Problems are errors on those files.
    pub fn new(
        theme: &ThemeSource,
        locales: &BTreeMap<String, Locale>,
        reports: &[ParsedReport],
    ) -> (Option<Charting>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let codes: BTreeSet<&str> = reports
            .iter()
            .filter(|r| r.nodes.iter().any(is_chart))
            .map(|r| r.locale.as_str())
            .collect();
        if codes.is_empty() {
            return (None, diags);
        }
        let mut words = BTreeMap::new();
        for code in codes {
            let (Some(locale), Some(file)) = (locales.get(code), theme.locales.get(code)) else {
                continue;
            };
            match ChartWords::from_words(&locale.words) {
                Ok(w) => {
                    words.insert(locale.lang.clone(), w);
                }
                Err(why) => diags.push(
                    Diagnostic::error(&file.path, crate::config::key_pos(&file.text, "words"), format!("the locale `{code}` cannot show charts: {why}"))
                        .help("add the word under `words:` (themes/default/locales/ has every word charts use)"),
                ),
            }
        }
        let palette = chart_theme(theme).map_err(|d| diags.push(d)).ok();
        (palette.map(|theme| Charting { theme, words }), diags)
    }
}

/// The chart palette of the theme's stylesheet; an error points at the property.
fn chart_theme(theme: &ThemeSource) -> Result<Theme, Diagnostic> {
    let Some(asset) = theme.assets.iter().find(|a| a.to == STYLESHEET) else {
        return Err(Diagnostic::error(
            "themes",
            Pos::FILE,
            "the theme has no static/style.css, whose colours charts use",
        )
        .help(
            "add static/style.css to the theme, or remove it from the theme to use the default one",
        ));
    };
    let css = crate::load::asset_text(asset)?;
    Theme::from_css(&css).map_err(|e| {
        let pos = e
            .offset(&css)
            .map_or(Pos::FILE, |at| Pos::of_offset(&css, at));
        Diagnostic::error(&asset.source, pos, format!("the chart palette: {}", e.message))
            .help("charts take their colours from `--chart-N`, `--chart-N-text`, `--scale-N`, `--text`, `--muted` and `--border` in the stylesheet; see themes/default/static/style.css")
    })
}

fn is_chart(node: &Node) -> bool {
    matches!(node, Node::Element(el) if el.generated.as_ref().is_some_and(|g| g.directive == "chart"))
}

impl Env<'_> {
    /// Runs the query of a chart element and draws it: the figure's view, title, source,
    /// note and download.
    pub(super) fn chart(
        &self,
        el: &mut Element,
        kit: &Charting,
    ) -> Result<Option<Published>, Vec<Diagnostic>> {
        let words = self.words;
        let g = el.generated.as_mut().expect("a chart element");
        let key = super::coordinate::element_key(&el.anchor);
        let parsed;
        let d = match self.hiding.spec(self.source, &key) {
            Some(super::coordinate::Spec::Chart(d)) => d,
            _ => {
                parsed = chart_spec::parse(&g.yaml, &g.file, g.origin, g.pos)?;
                &parsed
            }
        };
        let (t, data) = self.run(&d.query, &g.file, &key, |data, ctx| d.query.run(data, ctx))?;
        let meta = data.meta();
        super::from_sidecar(
            &mut el.title,
            &mut el.source,
            g,
            d.query.data(),
            meta,
            words,
        )?;
        let here = Here {
            file: &g.file,
            origin: g.origin,
            data: d.query.data_pos(),
        };
        let (t, chart_data, formats) = chart_data::shape(t, &d.mapping, words, &here)?;
        let mut spec = d.chart.clone();
        inherit(&mut spec, &formats);
        spec.illustrative |= meta.illustrative;
        // Without the locale's chart words the locale file has an error already.
        let Some(chart_words) = kit.words.get(&words.locale.lang) else {
            return Ok(None);
        };
        let figure = Figure {
            id: &el.anchor,
            title: &el.title,
        };
        let cx = Context {
            numbers: &words.numbers,
            words: chart_words,
            theme: &kit.theme,
        };
        let chart = charts::render(&spec, &chart_data, figure, cx).map_err(|e| {
            let at = e.key.and_then(|k| d.keys.get(k)).copied().unwrap_or(g.pos);
            vec![Diagnostic::error(&g.file, at, e.message).help(e.help)]
        })?;
        let illustrative = spec
            .illustrative
            .then_some(chart_words.illustrative.as_str());
        el.note = notes(el.note.take(), &t, illustrative, words);
        g.view = Some(View {
            table: None,
            html: html(&chart, chart_words, &el.anchor),
        });
        let dialect = meta.downloads.over(self.downloads);
        g.download = Some(super::download(&t, &el.anchor, g, words, dialect)?);
        Ok(Some(t))
    }
}

/// The chart, then its numbers behind a native disclosure widget, in a region that scrolls
/// sideways on a narrow screen.
fn html(chart: &Chart, words: &ChartWords, anchor: &str) -> String {
    let id = escape(anchor);
    format!(
        "{svg}<details class=\"chart-numbers\"><summary id=\"{id}-numbers\">{summary}</summary><div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"{id}-numbers {id}-caption\">{table}</div></details>",
        svg = chart.svg,
        summary = escape(&words.data_table),
        table = chart.table_html,
    )
}

/// Numbers on the chart as the table would write them: the decimals and the percent unit of
/// the series columns (for a bar-line chart, of each axis's column), unless the spec sets them.
/// Charts that draw shares of the values keep their own decimals.
fn inherit(spec: &mut ChartSpec, formats: &[Format]) {
    let common = |formats: &[Format]| -> Option<(u8, disclosure::Unit)> {
        let mut numbers = formats.iter().map(|f| match f {
            Format::Number { decimals, unit } => Some((*decimals, *unit)),
            _ => None,
        });
        let first = numbers.next()??;
        numbers.all(|n| n == Some(first)).then_some(first)
    };
    let split = usize::from(spec.kind == Kind::BarLine).min(formats.len());
    let (left, right) = if split == 1 {
        formats.split_at(1)
    } else {
        (formats, &[][..])
    };
    let shares = matches!(spec.kind, Kind::Stacked100 | Kind::Likert);
    if let Some((decimals, unit)) = common(left) {
        if !shares {
            spec.decimals = spec.decimals.or(Some(decimals));
        }
        if spec.unit == Unit::None && unit == disclosure::Unit::Percent {
            spec.unit = Unit::Percent;
        }
    }
    if let Some((decimals, unit)) = common(right) {
        spec.decimals2 = spec.decimals2.or(Some(decimals));
        if spec.unit2 == Unit::None && unit == disclosure::Unit::Percent {
            spec.unit2 = Unit::Percent;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(decimals: u8, unit: disclosure::Unit) -> Format {
        Format::Number { decimals, unit }
    }

    #[test]
    fn numbers_follow_the_columns_unless_the_spec_says_otherwise() {
        let pct = number(1, disclosure::Unit::Percent);
        let mut spec = ChartSpec::of(Kind::Bar);
        inherit(&mut spec, &[pct]);
        assert_eq!((spec.decimals, &spec.unit), (Some(1), &Unit::Percent));
        let mut own = ChartSpec::of(Kind::Bar);
        own.decimals = Some(0);
        own.unit = Unit::Text("mio. kr.".into());
        inherit(&mut own, &[pct]);
        assert_eq!(
            (own.decimals, &own.unit),
            (Some(0), &Unit::Text("mio. kr.".into()))
        );
        // Columns that disagree leave the chart to infer its decimals.
        let mut mixed = ChartSpec::of(Kind::GroupedBar);
        inherit(&mut mixed, &[number(0, disclosure::Unit::None), pct]);
        assert_eq!((mixed.decimals, &mixed.unit), (None, &Unit::None));
        // A bar-line chart takes each axis from its own column.
        let mut two = ChartSpec::of(Kind::BarLine);
        inherit(&mut two, &[number(0, disclosure::Unit::None), pct]);
        assert_eq!((two.decimals, two.decimals2), (Some(0), Some(1)));
        assert_eq!((&two.unit, &two.unit2), (&Unit::None, &Unit::Percent));
        // Shares of counts keep their own decimals.
        let mut shares = ChartSpec::of(Kind::Stacked100);
        inherit(&mut shares, &[number(2, disclosure::Unit::None)]);
        assert_eq!(shares.decimals, None);
    }
}
