//! The stale-prose check of a whole build: every report's literal numbers against what its
//! data publishes now and what the previous builds into the output published (see [`stale`]),
//! with the warning that the kept snapshots cannot be read. Part of the `changes` stage; reads
//! the state folder through [`store`], never prints.

use std::path::Path;

use rayon::prelude::*;

use super::{Snapshot, stale, store};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::locale::Locale;
use crate::model::ParsedReport;

/// The stale-prose check of every report, against what its data publishes now (`snapshot`)
/// and what the previous builds into the output published (`current`, read already, and the
/// one before it in `dir`; see [`stale`]). Also returns what recording `snapshot` will do
/// once the build is published, decided from the snapshots read here (see [`store::Pending`]).
pub fn prose<'a>(
    dir: &Path,
    reports: &[ParsedReport],
    (snapshot, current): (&Snapshot, Result<Option<Snapshot>, Diagnostic>),
    locale_of: &(dyn Fn(&str) -> Option<&'a Locale> + Sync),
) -> (Diagnostics, store::Pending) {
    let mut diags = Diagnostics::new();
    let kept = current
        .and_then(|c| store::with_previous(dir, c, snapshot).map_err(unreadable))
        .unwrap_or_else(|d| {
            diags.push(d);
            (None, None)
        });
    let before = store::baseline(&kept, snapshot);
    let found: Vec<Vec<Diagnostic>> = reports
        .par_iter()
        .filter_map(|r| {
            let now = snapshot.reports.get(&r.slug)?;
            let locale = locale_of(&r.locale)?;
            let words = stale::ProseWords::from_words(&locale.words);
            let old = before.and_then(|b| b.reports.get(&r.slug));
            Some(stale::check(&r.literals, now, old, &words))
        })
        .collect();
    found.into_iter().for_each(|d| diags.extend(d));
    (diags, store::prepare(kept, snapshot))
}

/// The snapshots kept in `dir` for the prose check, or the warning that they cannot be read.
pub fn kept(dir: &Path, snapshot: &Snapshot) -> Result<store::Kept, Diagnostic> {
    store::snapshots(dir, snapshot).map_err(unreadable)
}

/// The warning that the kept snapshots cannot be read.
pub fn unreadable(why: String) -> Diagnostic {
    Diagnostic::warning(".evalpress", Pos::FILE, format!("the previous build's numbers cannot be read: {why}"))
        .help("the next `evalpress build` starts the list of changes afresh (or delete .evalpress/changes/ in the site root)")
}
