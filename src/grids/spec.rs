//! The YAML of each generated directive, read in full with unknown keys refused. The keys
//! every element shares (label, title, source, note) were already used by the markdown stage
//! and are only accepted here (`directive_spec!`).
//!
//! Part of the `grids` stage. Shapes only; the views check what the values name.

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::markdown::directives::directive_spec;

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

directive_spec!(
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

directive_spec!(
    /// `status`: each item -> its overall step and explanation.
    StatusSpec {
        pub ratings: Spanned<String>,
        #[serde(default)]
        pub headers: Option<Spanned<Vec<String>>>,
    }
);

directive_spec!(
    /// `distribution`: items x steps, the number of projects at each step.
    DistributionSpec {
        pub ratings: Spanned<String>,
        #[serde(default)]
        pub headers: Option<Spanned<Vec<String>>>,
    }
);

directive_spec!(
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

directive_spec!(
    /// `list`: a structured list as a table.
    ListSpec {
        pub list: Spanned<String>,
        #[serde(default)]
        pub headers: Option<Spanned<Vec<String>>>,
    }
);

directive_spec!(
    /// `theory-of-change`: the model's core elements and expected changes as a diagram.
    TheorySpec {
        pub model: Spanned<String>,
        #[serde(default)]
        pub round: Option<u32>,
    }
);
