//! What a chart is drawn from: categories, series of values that disclosure control has
//! already passed, and optionally the number of respondents per category.
//!
//! Part of the `charts` stage. Input: `ChartData` made by the query and disclosure stages
//! (a chart never sees raw counts: a suppressed value arrives as `Hidden`, with no number).
//! Output: the data checked against what the chart kind needs, or a `ChartError` saying
//! what is wrong and how to fix it. It computes nothing that could reveal a hidden value.

use super::ChartError;
use super::spec::{ChartSpec, Kind};

/// One value of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A published number.
    Shown(f64),
    /// Suppressed by disclosure control: no bar, point or label, only a marker.
    Hidden,
    /// Not available (a register code for "no value", a division by zero).
    Missing,
}

impl Value {
    pub fn shown(self) -> Option<f64> {
        match self {
            Value::Shown(v) => Some(v),
            _ => None,
        }
    }
}

/// A named row of values, one per category.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Value>,
}

/// A chart's data, already disclosure-controlled.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartData {
    /// The categories (years, municipalities, groups) in the order they are drawn.
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// Respondents per category ("Leder N = 25"), shown with the category's label.
    pub n_per_category: Option<Vec<Value>>,
}

/// The most categories a chart draws; beyond that a table serves readers better.
pub const MAX_CATEGORIES: usize = 500;

/// The most series a chart tells apart.
pub const MAX_SERIES: usize = 12;

/// Values beyond this size are refused, so every value has an exact decimal text.
const MAX_MAGNITUDE: f64 = 1e15;

impl ChartData {
    /// Every shown value of `series` with its category index.
    pub fn shown(&self, series: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.series[series]
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.shown().map(|x| (i, x)))
    }

    /// The number of hidden and of missing values.
    pub fn counts(&self) -> (usize, usize) {
        let all = self.series.iter().flat_map(|s| &s.values);
        let hidden = all.clone().filter(|v| **v == Value::Hidden).count();
        let missing = all.filter(|v| **v == Value::Missing).count();
        (hidden, missing)
    }
}

fn error(message: impl Into<String>, help: impl Into<String>) -> ChartError {
    ChartError::new(message, help)
}

/// Checks that `data` has a shape and values the chart of `spec` can draw.
pub fn check(spec: &ChartSpec, data: &ChartData) -> Result<(), ChartError> {
    let n = data.categories.len();
    if n == 0 {
        return Err(error(
            "the chart has no data: the query gave no categories",
            "check the query's filter and grouping; a chart needs at least one row",
        ));
    }
    if n > MAX_CATEGORIES {
        return Err(error(
            format!(
                "the chart has {n} categories, more than the {MAX_CATEGORIES} a chart can show readably"
            ),
            "group or filter the data, or show it as a table",
        ));
    }
    if data.series.is_empty() {
        return Err(error(
            "the chart has no series",
            "the query must give at least one column of values",
        ));
    }
    if data.series.len() > MAX_SERIES {
        return Err(error(
            format!(
                "the chart has {} series, more than the {MAX_SERIES} it can tell apart",
                data.series.len()
            ),
            "split the chart in two or combine small series into one",
        ));
    }
    for s in &data.series {
        if s.values.len() != n {
            return Err(error(
                format!(
                    "series `{}` has {} values for {n} categories",
                    s.name,
                    s.values.len()
                ),
                "every series needs one value per category (use a missing value for a gap)",
            ));
        }
        if let Some(v) = s
            .values
            .iter()
            .filter_map(|v| v.shown())
            .find(|v| !v.is_finite() || v.abs() > MAX_MAGNITUDE)
        {
            return Err(error(
                format!(
                    "series `{}` holds the value {v}, which a chart cannot show",
                    s.name
                ),
                "values must be finite numbers no larger than 10^15 in size",
            ));
        }
    }
    if let Some(ns) = &data.n_per_category
        && ns.len() != n
    {
        return Err(error(
            format!("{} respondent counts (N) for {n} categories", ns.len()),
            "give one N per category",
        ));
    }
    check_kind(spec, data)
}

/// The series counts and value ranges each kind needs.
fn check_kind(spec: &ChartSpec, data: &ChartData) -> Result<(), ChartError> {
    let count = data.series.len();
    let kind = spec.kind.name();
    let exactly = |k: usize, what: &str| {
        if count == k {
            Ok(())
        } else {
            Err(error(
                format!("a {kind} chart shows {what}; the data has {count} series"),
                match spec.kind {
                    Kind::Bar | Kind::BarHorizontal | Kind::MeanScore => {
                        "choose one value column, or use `kind: grouped-bar` for several"
                    }
                    _ => "the query must give exactly these columns, in this order",
                },
            ))
        }
    };
    match spec.kind {
        Kind::Bar | Kind::BarHorizontal => exactly(1, "one series"),
        Kind::TargetActual => exactly(2, "two series: the actual values, then the targets"),
        Kind::BarLine => exactly(
            2,
            "two series: the bars (left axis), then the line (right axis)",
        ),
        Kind::MeanScore => {
            exactly(1, "one series of means")?;
            check_scale(spec, data)
        }
        Kind::Stacked100 | Kind::Likert => {
            if spec.kind == Kind::Likert && count < 2 {
                return Err(error(
                    "a likert chart needs one series per answer step; the data has one",
                    "the query must give the share (or count) of each answer step as a column, lowest step first",
                ));
            }
            no_negatives(data, kind)
        }
        Kind::GroupedBar | Kind::StackedBar | Kind::Line => Ok(()),
    }?;
    if let (Some(lo), Some(hi)) = (spec.scale_min, spec.scale_max)
        && !(lo < hi && lo.is_finite() && hi.is_finite())
    {
        return Err(ChartError::new(
            format!("`scale_min` ({lo}) must be below `scale_max` ({hi})"),
            "write the lowest and highest point of the scale, e.g. `scale_min: 1` and `scale_max: 10`",
        )
        .at("scale_min"));
    }
    Ok(())
}

fn check_scale(spec: &ChartSpec, data: &ChartData) -> Result<(), ChartError> {
    let (Some(lo), Some(hi)) = (spec.scale_min, spec.scale_max) else {
        return Err(error(
            "a mean-score chart needs the ends of its scale",
            "add `scale_min:` and `scale_max:`, e.g. 1 and 10 for a 1-10 satisfaction scale",
        )
        .at("kind"));
    };
    if let Some((i, v)) = data.shown(0).find(|(_, v)| *v < lo || *v > hi) {
        return Err(error(
            format!(
                "the mean of `{}` is {v}, outside the scale {lo} to {hi}",
                data.categories[i]
            ),
            "check the query, or the scale's ends",
        )
        .at("scale_max"));
    }
    Ok(())
}

fn no_negatives(data: &ChartData, kind: &str) -> Result<(), ChartError> {
    for s in &data.series {
        if let Some(v) = s.values.iter().filter_map(|v| v.shown()).find(|v| *v < 0.0) {
            return Err(error(
                format!(
                    "a {kind} chart shows parts of a whole, but series `{}` holds {v}",
                    s.name
                ),
                "use counts or shares, which are never negative; for changes use `kind: bar`",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(series: &[&[Value]]) -> ChartData {
        let n = series.first().map_or(0, |s| s.len());
        ChartData {
            categories: (0..n).map(|i| format!("c{i}")).collect(),
            series: series
                .iter()
                .enumerate()
                .map(|(i, v)| Series {
                    name: format!("s{i}"),
                    values: v.to_vec(),
                })
                .collect(),
            n_per_category: None,
        }
    }

    use Value::{Hidden, Missing, Shown};

    #[test]
    fn shapes_are_checked() {
        let bar = ChartSpec::of(Kind::Bar);
        assert!(check(&bar, &data(&[&[Shown(1.0), Hidden, Missing]])).is_ok());
        let empty = check(&bar, &ChartData::default()).unwrap_err();
        assert!(empty.message.contains("no data"), "{empty}");
        let two = check(&bar, &data(&[&[Shown(1.0)], &[Shown(2.0)]])).unwrap_err();
        assert!(two.help.contains("grouped-bar"), "{two}");
        let mut short = data(&[&[Shown(1.0), Shown(2.0)]]);
        short.series[0].values.pop();
        assert!(
            check(&bar, &short)
                .unwrap_err()
                .message
                .contains("1 values for 2")
        );
        let nan = check(&bar, &data(&[&[Shown(f64::NAN)]])).unwrap_err();
        assert!(nan.message.contains("NaN"), "{nan}");
    }

    #[test]
    fn kinds_get_what_they_need() {
        let mean = ChartSpec::of(Kind::MeanScore);
        assert_eq!(
            check(&mean, &data(&[&[Shown(8.6)]])).unwrap_err().key,
            Some("kind")
        );
        let mut scaled = ChartSpec::of(Kind::MeanScore);
        (scaled.scale_min, scaled.scale_max) = (Some(1.0), Some(10.0));
        assert!(check(&scaled, &data(&[&[Shown(8.6)]])).is_ok());
        assert!(check(&scaled, &data(&[&[Shown(11.0)]])).is_err());
        let likert = ChartSpec::of(Kind::Likert);
        assert!(check(&likert, &data(&[&[Shown(1.0)]])).is_err());
        assert!(check(&likert, &data(&[&[Shown(1.0)], &[Shown(-1.0)]])).is_err());
        let ta = ChartSpec::of(Kind::TargetActual);
        assert!(check(&ta, &data(&[&[Shown(1.0)]])).is_err());
    }

    #[test]
    fn hidden_and_missing_are_counted_apart() {
        let d = data(&[
            &[Hidden, Missing, Hidden],
            &[Shown(0.0), Missing, Shown(2.0)],
        ]);
        assert_eq!(d.counts(), (2, 2));
    }
}
