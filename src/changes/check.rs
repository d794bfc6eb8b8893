//! The stale-prose check of a whole build: every computed report's literal numbers against
//! what its data publishes now and what the previous builds into the output published (see
//! [`stale`]), with the warning that the kept numbers cannot be read. Part of the `changes`
//! stage; reads the state folder through [`state`], never prints.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::state::{self, Index, Pending};
use super::{Snapshot, stale};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::locale::Locale;
use crate::model::ParsedReport;

/// The stale-prose warnings of one report, as its record keeps them for the builds that keep
/// it: against its own numbers only (what a build with new numbers elsewhere says of it, its
/// baseline being the last build, where it published what it does now), and against the
/// baseline of the build that made them (what a build with the same numbers says again).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Prose {
    pub own: Vec<Diagnostic>,
    pub baseline: Vec<Diagnostic>,
}

impl Prose {
    /// The warnings of a kept report in a build whose numbers differ from the last build's
    /// (`rotates`) or not; see [`Pending::rotates`].
    pub fn kept(&self, rotates: bool) -> &[Diagnostic] {
        if rotates { &self.own } else { &self.baseline }
    }
}

/// What the prose check of a build gives.
pub struct Checked {
    pub diagnostics: Diagnostics,
    /// By slug, for the reports `snapshot` holds (the computed ones).
    pub prose: BTreeMap<String, Prose>,
    /// What recording the build's numbers will do once it is published.
    pub pending: Pending,
}

/// The stale-prose check of the reports `snapshot` holds (the ones this build computed; the
/// other reports of `reports` were kept, their numbers and warnings as their records have
/// them), against what their data publishes now and what the previous builds into the output
/// published (`index`, read already, and the report files in `dir` it names; see [`state`]).
/// Also returns what recording `snapshot` will do once the build is published, decided from
/// the numbers read here.
pub fn prose<'a>(
    dir: &Path,
    reports: &[ParsedReport],
    (snapshot, index): (&Snapshot, Result<Option<Index>, Diagnostic>),
    locale_of: &(dyn Fn(&str) -> Option<&'a Locale> + Sync),
) -> Checked {
    let mut diagnostics = Diagnostics::new();
    let present: BTreeSet<&str> = reports.iter().map(|r| r.slug.as_str()).collect();
    let index = index.unwrap_or_else(|d| {
        diagnostics.push(d);
        None
    });
    let compared = state::compare(dir, index.as_ref(), snapshot, &present).unwrap_or_else(|why| {
        diagnostics.push(unreadable(why));
        state::afresh(index.as_ref(), snapshot, &present)
    });
    let found: Vec<(String, Prose)> = reports
        .par_iter()
        .filter_map(|r| {
            let now = snapshot.reports.get(&r.slug)?;
            let locale = locale_of(&r.locale)?;
            let words = stale::ProseWords::from_words(&locale.words);
            let own = stale::check(&r.literals, now, None, &words);
            // A baseline equal to the numbers now finds nothing more than none.
            let baseline = match compared.baseline.get(&r.slug) {
                Some(old) if old != now => stale::check(&r.literals, now, Some(old), &words),
                _ => own.clone(),
            };
            Some((r.slug.clone(), Prose { own, baseline }))
        })
        .collect();
    for (_, p) in &found {
        diagnostics.extend(p.baseline.iter().cloned());
    }
    Checked {
        diagnostics,
        prose: found.into_iter().collect(),
        pending: compared.pending,
    }
}

/// The warning that the kept numbers cannot be read.
pub fn unreadable(why: String) -> Diagnostic {
    Diagnostic::warning(".evalpress", Pos::FILE, format!("the previous build's numbers cannot be read: {why}"))
        .help("the next `evalpress build` starts the list of changes afresh (or delete .evalpress/changes/ in the site root)")
}
