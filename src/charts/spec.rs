//! The YAML of a `chart` directive: which kind of chart and how its numbers are written.
//!
//! Part of the `charts` stage. Shapes only, read with unknown keys refused; which data the
//! chart shows is the query's business, and the values are checked when the chart is drawn.

use serde::Deserialize;
use serde::de::IgnoredAny;

/// The chart kinds, each seen in the seed reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// One series, vertical bars (horizontal when the labels need the room).
    Bar,
    /// One series, horizontal bars.
    BarHorizontal,
    /// Several series side by side per category (started per municipality, one bar a year).
    GroupedBar,
    /// Several series stacked per category.
    StackedBar,
    /// Several series stacked to 100 % per category (shares).
    #[serde(rename = "stacked-100")]
    Stacked100,
    /// Several series over time.
    Line,
    /// The first series as bars (actual), the second as markers (target).
    TargetActual,
    /// Answer distributions per group: series are the steps of the scale, lowest first.
    Likert,
    /// A mean per group on a fixed scale (`scale_min`..`scale_max`).
    MeanScore,
    /// The first series as bars on the left axis, the second as a line on the right axis.
    BarLine,
}

impl Kind {
    /// Every kind, in the order the documentation lists them.
    pub const ALL: [Kind; 10] = [
        Kind::Bar,
        Kind::BarHorizontal,
        Kind::GroupedBar,
        Kind::StackedBar,
        Kind::Stacked100,
        Kind::Line,
        Kind::TargetActual,
        Kind::Likert,
        Kind::MeanScore,
        Kind::BarLine,
    ];

    /// The name as written in YAML and used in CSS classes.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Bar => "bar",
            Kind::BarHorizontal => "bar-horizontal",
            Kind::GroupedBar => "grouped-bar",
            Kind::StackedBar => "stacked-bar",
            Kind::Stacked100 => "stacked-100",
            Kind::Line => "line",
            Kind::TargetActual => "target-actual",
            Kind::Likert => "likert",
            Kind::MeanScore => "mean-score",
            Kind::BarLine => "bar-line",
        }
    }
}

/// How values are written: plain numbers, percentages (`84 %`), or numbers with a unit
/// after them on value labels (`25,3 mio. kr.`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Unit {
    #[default]
    None,
    Percent,
    Text(String),
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(match text.trim() {
            "" | "none" => Unit::None,
            "percent" | "%" => Unit::Percent,
            other => Unit::Text(other.to_string()),
        })
    }
}

/// A `chart` directive's YAML. The keys every element shares (label, title, source, note)
/// are read by the markdown stage and only accepted here.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    pub kind: Kind,
    /// Numbers on the bars and points: `true`, `false`, or (unset) where they fit.
    #[serde(default)]
    pub value_labels: Option<bool>,
    /// Decimals of values; unset: none for whole numbers, else one.
    #[serde(default)]
    pub decimals: Option<u8>,
    #[serde(default)]
    pub unit: Unit,
    /// The value axis's title, set above it (`mio. kr.`, `Antal`).
    #[serde(default)]
    pub y_title: Option<String>,
    /// The category axis's title; also the first column's header in the data table.
    #[serde(default)]
    pub x_title: Option<String>,
    /// bar-line: the right axis's title, decimals and unit.
    #[serde(default)]
    pub y2_title: Option<String>,
    #[serde(default)]
    pub decimals2: Option<u8>,
    #[serde(default)]
    pub unit2: Unit,
    /// mean-score (required) and line (optional): the ends of the value axis.
    #[serde(default)]
    pub scale_min: Option<f64>,
    #[serde(default)]
    pub scale_max: Option<f64>,
    /// The text alternative, written by the author; unset: generated from the data.
    #[serde(default)]
    pub description: Option<String>,
    /// Invented numbers: the figure says so on its face.
    #[serde(default)]
    pub illustrative: bool,
    #[serde(default, rename = "label")]
    _label: Option<IgnoredAny>,
    #[serde(default, rename = "title")]
    _title: Option<IgnoredAny>,
    #[serde(default, rename = "source")]
    _source: Option<IgnoredAny>,
    #[serde(default, rename = "note")]
    _note: Option<IgnoredAny>,
}

impl ChartSpec {
    /// A spec of `kind` with every option unset, for code and tests.
    pub fn of(kind: Kind) -> ChartSpec {
        ChartSpec {
            kind,
            value_labels: None,
            decimals: None,
            unit: Unit::None,
            y_title: None,
            x_title: None,
            y2_title: None,
            decimals2: None,
            unit2: Unit::None,
            scale_min: None,
            scale_max: None,
            description: None,
            illustrative: false,
            _label: None,
            _title: None,
            _source: None,
            _note: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Pos;
    use std::path::Path;

    fn parse(yaml: &str) -> Result<ChartSpec, String> {
        crate::yaml::parse(yaml, Path::new("r.md"), Pos::new(1, 1)).map_err(|d| d.to_string())
    }

    #[test]
    fn every_kind_reads() {
        for kind in Kind::ALL {
            let spec = parse(&format!("kind: {}", kind.name())).unwrap();
            assert_eq!(spec.kind, kind);
        }
    }

    #[test]
    fn options_read_and_unknown_keys_are_refused() {
        let spec = parse(
            "kind: mean-score\ntitle: Tilfredshed\nscale_min: 1\nscale_max: 10\ndecimals: 1\nunit: percent\nillustrative: true\n",
        )
        .unwrap();
        assert_eq!((spec.scale_min, spec.scale_max), (Some(1.0), Some(10.0)));
        assert_eq!(spec.unit, Unit::Percent);
        assert!(spec.illustrative);
        let unit = parse("kind: bar\nunit: mio. kr.").unwrap().unit;
        assert_eq!(unit, Unit::Text("mio. kr.".into()));
        let err = parse("kind: bar\ncolour: red").unwrap_err();
        assert!(err.contains("colour"), "{err}");
        assert!(parse("kind: pie").unwrap_err().contains("pie"));
    }
}
