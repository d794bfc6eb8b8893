//! The YAML of each generated directive, read in full with unknown keys refused. The keys
//! every element shares (label, title, source, note) were already used by the markdown stage
//! and are only accepted here.
//!
//! Part of the `grids` stage. Shapes only; the views check what the values name.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_saphyr::Spanned;

/// A directive spec with the shared keys added.
macro_rules! spec {
    ($(#[$meta:meta])* $name:ident { $($body:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            #[serde(default, rename = "label")]
            _label: Option<IgnoredAny>,
            #[serde(default, rename = "title")]
            _title: Option<IgnoredAny>,
            #[serde(default, rename = "source")]
            _source: Option<IgnoredAny>,
            #[serde(default, rename = "note")]
            _note: Option<IgnoredAny>,
            $($body)*
        }
    };
}

/// Which wording grid cells show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellText {
    #[default]
    Short,
    Label,
}

fn yes() -> bool {
    true
}

spec!(
    /// `grid`: projects x rated items, a step on its colour in every cell.
    GridSpec {
        pub ratings: Spanned<String>,
        #[serde(default)]
        pub cells: CellText,
        /// Per column, the number of projects at each step.
        #[serde(default = "yes")]
        pub counts: bool,
        /// Per row, how many items reach `summary_from` or higher.
        #[serde(default = "yes")]
        pub summary: bool,
        #[serde(default)]
        pub summary_from: Option<Spanned<String>>,
    }
);

spec!(
    /// `status`: each item -> its overall step and explanation.
    StatusSpec {
        pub ratings: Spanned<String>,
        #[serde(default)]
        pub headers: Option<Spanned<Vec<String>>>,
    }
);

spec!(
    /// `distribution`: items x steps, the number of projects at each step.
    DistributionSpec {
        pub ratings: Spanned<String>,
        #[serde(default)]
        pub headers: Option<Spanned<Vec<String>>>,
    }
);

spec!(
    /// `model`: success criteria and core elements grouped by target.
    ModelSpec {
        pub model: Spanned<String>,
        /// The round whose items are shown; the report's `round` when missing.
        #[serde(default)]
        pub round: Option<u32>,
        #[serde(default = "yes")]
        pub criteria: bool,
        #[serde(default = "yes")]
        pub core_elements: bool,
    }
);

spec!(
    /// `list`: a structured list as a table.
    ListSpec {
        pub list: Spanned<String>,
        #[serde(default)]
        pub headers: Option<Spanned<Vec<String>>>,
    }
);

spec!(
    /// `theory-of-change`: the model's core elements and expected changes as a diagram.
    TheorySpec {
        pub model: Spanned<String>,
        #[serde(default)]
        pub round: Option<u32>,
    }
);
