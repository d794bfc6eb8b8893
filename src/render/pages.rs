//! Resolved site -> the site-wide pages of the `render` stage: the index (with the 404 and
//! search pages, which share its context), the programme pages and the datasets page, each
//! rendered or kept through [`Keeper`] (see [`memo`](super::memo)). Report pages are
//! rendered in `render`; nothing here reads files.

use serde::Serialize;

use super::body::BodyWriter;
use super::datapages::{self, DATA_FOLDER};
use super::memo::{Filler, Keeper};
use super::series::{self, PROGRAMME_FOLDER, ProgrammeView, RoundView};
use super::{OutputFile, ReportView, SeriesOrder, SiteInput, SiteView, programme_label, put_base};
use crate::diagnostics::Diagnostic;
use crate::locale::Locale;

/// A group of the index: a programme's reports, or the reports of no programme. Its reports
/// are the values of `reports` (shared, not serialised again: see [`Pages::front_pages`]); for
/// the page's digest, their places in `reports`.
#[derive(Serialize)]
struct GroupView<R> {
    label: Option<String>,
    url: Option<String>,
    reports: Vec<R>,
}

/// What the site-wide pages share.
pub(super) struct Pages<'p, 'a> {
    pub keeper: Keeper<'p>,
    pub site: &'p SiteInput<'a>,
    pub site_view: &'p SiteView<'a>,
    pub locale: &'p Locale,
    pub views: &'p [ReportView<'a>],
    /// Of each view's JSON, by report index; `None` when no digests are made.
    pub digests: Option<&'p [crate::digest::Digest]>,
    pub base: &'p str,
}

impl Pages<'_, '_> {
    fn put_base(&self, f: &mut Filler, title: &str, description: &str, url: &str) {
        put_base(f, (self.site_view, self.locale), title, description, url);
    }

    /// The views of `indices` into a page's digest, or the digest marked incomplete.
    fn put_digests(&self, f: &mut Filler, key: &'static str, indices: &[usize]) {
        let Filler::Digest(h) = f else { return };
        match self.digests {
            Some(d) => h.put(key, &indices.iter().map(|&i| d[i]).collect::<Vec<_>>()),
            None => h.fail(),
        }
    }

    /// The listed reports, newest first, by report index.
    fn listed(&self) -> Vec<usize> {
        let v = self.views;
        let mut listed: Vec<usize> = (0..v.len()).filter(|&i| v[i].kind != "side").collect();
        listed.sort_by(|&a, &b| {
            let (a, b) = (&v[a], &v[b]);
            b.date.cmp(&a.date).then(a.title.cmp(b.title))
        });
        listed
    }

    /// The groups of the index, their reports as places in `listed`.
    fn groups(&self, listed: &[usize]) -> Vec<GroupView<usize>> {
        let mut groups: Vec<GroupView<usize>> = Vec::new();
        let mut others = Vec::new();
        for (at, r) in listed.iter().map(|&i| &self.views[i]).enumerate() {
            let Some(p) = r.programme else {
                others.push(at);
                continue;
            };
            match groups
                .iter_mut()
                .find(|g| g.url.as_deref() == r.series.as_ref().map(|s| s.programme_url.as_str()))
            {
                Some(g) => g.reports.push(at),
                None => groups.push(GroupView {
                    label: r.programme_label.clone(),
                    url: Some(series::programme_url(self.base, p)),
                    reports: vec![at],
                }),
            }
        }
        if !others.is_empty() {
            groups.push(GroupView {
                label: None,
                url: None,
                reports: others,
            });
        }
        groups
    }

    /// The index, the 404 page and the search page (one context).
    pub fn front_pages(&self) -> Vec<Result<OutputFile, Diagnostic>> {
        let site = self.site;
        let listed = self.listed();
        let groups = self.groups(&listed);
        let (front_title, front_description, front_nodes) =
            site.front_page.clone().unwrap_or((None, None, &[]));
        let intro = BodyWriter::new(self.locale).write(front_nodes);
        let title = front_title.as_deref().unwrap_or(&site.config.title);
        let description = front_description
            .as_deref()
            .unwrap_or(&site.config.description);
        let search = site.search.map(|_| ("search.html", crate::search::PAGE));
        let pages: Vec<(&str, String)> = [("index.html", "index.html"), ("404.html", "404.html")]
            .into_iter()
            .chain(search)
            .map(|(template, path)| (template, path.to_string()))
            .collect();
        let fill = |f: &mut Filler| {
            self.put_base(f, title, description, self.base);
            f.put("intro_html", &intro);
            f.put("search_ready", &(site.search == Some(true)));
            if let Filler::Context(c) = f {
                // Each listed report is serialised once: `reports` and `groups` share its value
                // (tera values are reference-counted), hundreds of megabytes less at 10,000.
                let values: Vec<tera::Value> = listed
                    .iter()
                    .map(|&i| tera::Value::from_serializable(&self.views[i]))
                    .collect();
                let groups: Vec<GroupView<tera::Value>> = groups
                    .iter()
                    .map(|g| GroupView {
                        label: g.label.clone(),
                        url: g.url.clone(),
                        reports: g.reports.iter().map(|&at| values[at].clone()).collect(),
                    })
                    .collect();
                c.insert("reports", &values);
                c.insert("groups", &groups);
            } else {
                self.put_digests(f, "reports", &listed);
                f.put("groups", &groups);
            }
        };
        let source = std::path::Path::new("content/_index.md");
        self.keeper.pages(&pages, source, &fill)
    }

    /// One page per programme, its rounds side by side.
    pub fn programme_pages(&self, order: &SeriesOrder) -> Vec<Result<OutputFile, Diagnostic>> {
        order
            .iter()
            .flat_map(|(id, indices)| {
                let view = self.programme_view(id, indices, &|i| &self.views[i]);
                let description = self
                    .locale
                    .word("programme_description")
                    .replace("{name}", &view.label);
                let fill = |f: &mut Filler| {
                    self.put_base(f, &view.label, &description, &view.url);
                    match (&*f, self.digests) {
                        (Filler::Context(_), _) => f.put("programme", &view),
                        (Filler::Digest(_), Some(d)) => {
                            f.put("programme", &self.programme_view(id, indices, &|i| &d[i]));
                        }
                        (Filler::Digest(_), None) => self.put_digests(f, "programme", &[]),
                    }
                };
                let pages = [(
                    "programme.html",
                    format!("{PROGRAMME_FOLDER}/{id}/index.html"),
                )];
                let source = std::path::Path::new(crate::config::CONFIG_FILE);
                self.keeper.pages(&pages, source, &fill)
            })
            .collect()
    }

    /// The view of the programme `id` (its reports `indices`), each round's report as `report`
    /// gives it: its view for the page, its view's digest for the page's digest.
    fn programme_view<'v, R: Serialize>(
        &self,
        id: &'v str,
        indices: &[usize],
        report: &dyn Fn(usize) -> &'v R,
    ) -> ProgrammeView<'v, R>
    where
        Self: 'v,
    {
        let rounds: Vec<RoundView<R>> = indices
            .iter()
            .map(|&i| {
                let v = &self.views[i];
                RoundView {
                    report: report(i),
                    criteria: series::criteria(self.site.catalog, id, v.round),
                    key_figures: v.key_figures,
                }
            })
            .collect();
        ProgrammeView {
            id,
            url: series::programme_url(self.base, id),
            model_title: self.site.catalog.models.get(id).map(|m| m.title.clone()),
            has_criteria: rounds.iter().any(|r| !r.criteria.is_empty()),
            has_key_figures: rounds.iter().any(|r| !r.key_figures.is_empty()),
            rounds,
            label: programme_label(self.site.config, id),
        }
    }

    /// The list of every dataset with the elements that use it.
    pub fn datasets_page(&self) -> Vec<Result<OutputFile, Diagnostic>> {
        let listed: Vec<datapages::Listed> = self
            .listed()
            .into_iter()
            .map(|i| &self.views[i])
            .map(|v| datapages::Listed {
                title: v.title,
                lang: v.lang,
                url: &v.url,
                rows: &v.elements,
            })
            .collect();
        let datasets =
            datapages::datasets(self.site.store, self.site.catalog, &listed, self.locale);
        let words = &self.locale;
        let url = format!("{}{DATA_FOLDER}/", self.base);
        let fill = |f: &mut Filler| {
            let (title, description) = (words.word("datasets"), words.word("datasets_description"));
            self.put_base(f, title, description, &url);
            f.put("datasets", &datasets);
        };
        let pages = [("datasets.html", format!("{DATA_FOLDER}/index.html"))];
        self.keeper
            .pages(&pages, std::path::Path::new("data"), &fill)
    }
}
