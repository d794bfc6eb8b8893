//! The disclosure audit, for tests and QA: every query of the site and every count disclosure
//! control hides, with its raw value, under the same coordinated suppression as a build. No
//! build calls it; it runs the stages up to coordination the way [`build`](crate::build) does.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::locale::Locale;
use crate::{BuildOptions, data, incremental, load, model, tables};
use crate::{parse_all, parse_report, read_config, read_locales};

/// What the output audit checks a built site against: every query of the site (report, key,
/// dataset) and every count disclosure control hides, with its raw value.
#[derive(Debug, Default)]
pub struct DisclosureAudit {
    pub publications: Vec<(PathBuf, String, String)>,
    pub hidden: Vec<tables::HiddenCount>,
}

/// The [`DisclosureAudit`] of the site `opts` describes, under the same coordinated suppression
/// as [`build`](crate::build); the diagnostics when the site does not build. For tests and QA only: it is
/// the one function that returns raw values of hidden cells, and no build calls it.
pub fn disclosure_audit(opts: &BuildOptions) -> Result<DisclosureAudit, Vec<Diagnostic>> {
    let mut diags = Diagnostics::new();
    let root = &opts.root;
    let audit = read_config(root, opts.base_url.as_deref(), &mut diags).map(|config| {
        let (sources, d) = load::load(root, &config.theme);
        diags.extend(d);
        let (store, d) = data::store::load(root, &config.data_defaults());
        diags.extend(d);
        let locales = read_locales(&sources.theme, &mut diags);
        let parse = |listing: &model::ReportListing| parse_report(root, listing, &config, &locales);
        let none = (
            &incremental::shell::Shells::none(),
            &parse as incremental::shell::ParseOne,
        );
        let (parsed, _) = parse_all((root, &sources), &config, opts.drafts, none, &mut diags);
        let reports = parsed.reports;
        let site = tables::Site {
            store: &store,
            rules: config.disclosure.rules(),
            format: config.format,
            downloads: config.downloads,
            charts: None,
        };
        let locale = |code: &str| locale_of(&locales, &config, code);
        let (hiding, d) = tables::coordinate(&reports, &site, &locale);
        diags.extend(d);
        let (publications, hidden) = tables::audit(&reports, &site, &locale, &hiding);
        DisclosureAudit {
            publications,
            hidden,
        }
    });
    match audit {
        Some(a) if !diags.has_errors() => Ok(a),
        _ => Err(diags.into_sorted()),
    }
}

/// The locale `code`, or the site's when there is no such locale (already reported).
fn locale_of<'a>(
    locales: &'a BTreeMap<String, Locale>,
    config: &Config,
    code: &str,
) -> Option<&'a Locale> {
    locales.get(code).or_else(|| locales.get(&config.locale))
}
