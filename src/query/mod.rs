//! Query stage: a declarative query ([`QuerySpec`], YAML) + a sealed dataset -> a
//! disclosure-controlled [`Published`] table. The one engine behind tables, charts and inline
//! values.
//!
//! Input: the spec as written in a directive or front matter (with the file and the place its
//! YAML starts, so every error points into the Markdown), the dataset it names as a [`Sealed`]
//! value, and a [`Context`] (disclosure rules, the locale's "I alt"). Output: a `Published`
//! table, or every problem with the spec as diagnostics with "did you mean".
//!
//! Order of work: filter rows -> group and aggregate, or pivot -> totals row and column ->
//! disclosure control on the raw counts (`disclosure::publish`) -> computed columns from the
//! published cells -> format, rename, sort, select. This module is the only reader of a
//! dataset's cells besides `data` itself: [`Sealed`] has no accessor for them, so code that
//! holds one can reach numbers only through a query. It never formats numbers or renders HTML.
//!
//! Files: `spec` (the YAML form), `plan` (names checked against the data), `filter`, `group`
//! (the aggregation loop), `assemble` (the raw grid with its sum relations), `lineage` (which
//! dataset rows each cell adds up, for coordinated suppression), `expr` (the expression
//! language), `finish` (computed columns and presentation).

mod assemble;
pub mod expr;
mod filter;
mod finish;
mod group;
mod lineage;
mod plan;
pub mod spec;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde_saphyr::Spanned;

pub use spec::QuerySpec;

use crate::data::{Dataset, DatasetMeta};
use crate::diagnostics::{Diagnostic, Pos};
use crate::disclosure::{self, Grid, Lineage, Published, Rules, Sheet};

/// A dataset whose cells only the query engine can read.
///
/// ```compile_fail
/// fn raw(s: &evalpress::query::Sealed) -> usize { s.0.columns.len() }
/// ```
#[derive(Debug, Clone)]
pub struct Sealed(Dataset);

impl Sealed {
    pub fn new(dataset: Dataset) -> Sealed {
        Sealed(dataset)
    }

    /// The data file, relative to the site root.
    pub fn path(&self) -> &Path {
        &self.0.path
    }

    /// Title, source ("Kilde:") and disclosure settings from the sidecar.
    pub fn meta(&self) -> &DatasetMeta {
        &self.0.meta
    }

    /// The column names, in file order.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.0.columns.iter().map(|c| c.name.as_str())
    }

    /// The disclosure rules the dataset declares (or the site default it fell back to).
    pub fn rules(&self) -> Rules {
        Rules::of(&self.0.meta)
    }

    /// The number of rows in the file.
    pub fn row_count(&self) -> usize {
        self.0.row_count()
    }
}

/// What a query needs from its surroundings.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The rules in force: for a table, `site.strictest(report).strictest(dataset)`.
    pub rules: Rules,
    /// The label of totals ("I alt"), from the locale.
    pub total_label: &'a str,
    /// Cells (row, column of the raw grid) to hide besides the table's own suppression: what
    /// coordination with the dataset's other publications asks for.
    pub hide: &'a [(usize, usize)],
    /// The query's raw grid over this dataset, when coordination made it already
    /// ([`Query::survey`]): running the query then only publishes it.
    pub raw: Option<&'a Grid>,
}

/// A query spec with the place it was written.
#[derive(Debug)]
pub struct Query {
    spec: QuerySpec,
    here: Here,
}

/// Where a spec is: its file, where its YAML starts, and (when known) the YAML text.
#[derive(Debug, Clone)]
pub(crate) struct Here {
    file: PathBuf,
    origin: Pos,
    text: Option<String>,
}

impl Here {
    fn at<T>(&self, s: &Spanned<T>) -> Pos {
        spec::place(s, self.origin)
    }

    /// The place of character `offset` inside the string value `s` (past an opening quote).
    fn inside(&self, s: &Spanned<String>, offset: usize) -> Pos {
        let quoted = self
            .text
            .as_deref()
            .zip(s.referenced.span().byte_offset())
            .is_some_and(|(t, b)| matches!(t.as_bytes().get(b as usize), Some(b'"' | b'\'')));
        let mut pos = self.at(s);
        pos.col += offset + usize::from(quoted);
        pos
    }

    fn error(&self, pos: Pos, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.file, pos, message).help(help)
    }
}

impl Query {
    /// Parses the YAML `text`, which starts at `origin` in `file`.
    pub fn parse(text: &str, file: &Path, origin: Pos) -> Result<Query, Diagnostic> {
        let spec: QuerySpec = crate::yaml::parse(text, file, origin)?;
        Ok(Query {
            spec,
            here: Here {
                file: file.to_path_buf(),
                origin,
                text: Some(text.to_string()),
            },
        })
    }

    /// A spec already read as part of a larger YAML (front matter) that starts at `origin`.
    pub fn new(spec: QuerySpec, file: &Path, origin: Pos) -> Query {
        Query {
            spec,
            here: Here {
                file: file.to_path_buf(),
                origin,
                text: None,
            },
        }
    }

    /// The `data:` path as written (relative to `data/`).
    pub fn data(&self) -> &str {
        &self.spec.data.value
    }

    /// Where `data:` is written, for "no such data file" errors.
    pub fn data_pos(&self) -> Pos {
        self.here.at(&self.spec.data)
    }

    /// Runs the query over `data` (the dataset `data()` names).
    pub fn run(&self, data: &Sealed, ctx: &Context) -> Result<Published, Vec<Diagnostic>> {
        let grid = match ctx.raw {
            Some(raw) => raw.clone(),
            None => self.grid(data, ctx, false)?.0,
        };
        let mut published = disclosure::publish_hiding(grid, &ctx.rules, ctx.hide);
        finish::finish(&mut published, &self.spec, &self.here, ctx.total_label)?;
        Ok(published)
    }

    /// The query's grid under its own disclosure control, with the dataset rows each cell
    /// adds up: what coordinating it with the dataset's other publications needs; and the raw
    /// grid, which [`Query::run`] can publish later without computing it again.
    pub fn survey(&self, data: &Sealed, ctx: &Context) -> Result<(Sheet, Grid), Vec<Diagnostic>> {
        let (grid, lineage) = self.grid(data, ctx, true)?;
        let sheet = disclosure::survey(&grid, lineage.unwrap_or_default(), &ctx.rules);
        Ok((sheet, grid))
    }

    /// The published table and the raw values of the cells it hides, for the output audit
    /// (see [`disclosure::exposed`]).
    pub fn audit(
        &self,
        data: &Sealed,
        ctx: &Context,
    ) -> Result<(Published, Vec<disclosure::Exposed>), Vec<Diagnostic>> {
        let (grid, _) = self.grid(data, ctx, false)?;
        let exposed = disclosure::exposed(&grid, &ctx.rules, ctx.hide);
        let mut published = disclosure::publish_hiding(grid, &ctx.rules, ctx.hide);
        finish::finish(&mut published, &self.spec, &self.here, ctx.total_label)?;
        Ok((published, exposed))
    }

    /// The raw grid; with `trace`, its lineage too.
    fn grid(
        &self,
        data: &Sealed,
        ctx: &Context,
        trace: bool,
    ) -> Result<(Grid, Option<Lineage>), Vec<Diagnostic>> {
        let ds = &data.0;
        let plan = plan::plan(&self.spec, ds, &self.here, ctx.total_label)?;
        let rows = filter::rows(ds.row_count(), &plan.tests);
        match &plan.shape {
            None => Ok((
                assemble::rows(ds, &rows, &plan.counts, plan.totals_row, ctx.total_label),
                trace.then(|| lineage::rows(ds, &rows, plan.totals_row)),
            )),
            Some(shape) => assemble::grouped(&rows, shape, trace.then_some(ds)).map_err(|e| {
                vec![self.here.error(
                    self.data_pos(),
                    e,
                    "filter those rows out, or group by another column",
                )]
            }),
        }
    }

    /// Runs a query that must give one value (an inline value): one body row, one column
    /// besides the keys. Returns the table and the value's column.
    pub fn run_value(
        &self,
        data: &Sealed,
        ctx: &Context,
    ) -> Result<(Published, usize), Vec<Diagnostic>> {
        let published = self.run(data, ctx)?;
        let values: Vec<usize> = (0..published.heads().len())
            .filter(|&c| published.heads()[c].role != disclosure::Role::Key)
            .collect();
        let body = (0..published.row_count())
            .filter(|&r| published.row_kind(r) == disclosure::RowKind::Body)
            .count();
        match (values.as_slice(), body) {
            ([col], 1) => Ok((published, *col)),
            _ => Err(vec![self.here.error(
                self.data_pos(),
                format!("an inline value needs one row and one value column; this query gives {body} rows and {} value columns", values.len()),
                "narrow it with `filter:`, aggregate without `group:`, and `select:` the one column to show",
            )]),
        }
    }
}
