//! Reports + the programme display names and evaluation models -> the series views of the
//! `render` stage: the previous and next round of each report, the programme pages (rounds
//! side by side: success criteria and headline results) and the index grouped by programme.
//!
//! Reports with the same `programme` in their front matter form a series ordered by `round`
//! (then date). Display names come from `programmes:` in the config, words from the locale;
//! this module holds no words and writes no HTML.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::KeyFigure;
use crate::models::Catalog;

/// The folder of the programme pages inside the output.
pub const PROGRAMME_FOLDER: &str = "programmer";

/// A link to another round of the same programme.
#[derive(Debug, Clone, Serialize)]
pub struct RoundLink {
    pub title: String,
    pub url: String,
    pub round: Option<u32>,
}

/// What a report's page shows of its series.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesNav {
    pub programme_label: String,
    pub programme_url: String,
    /// This report's place in the series, from 1, and the number of reports in it.
    pub position: usize,
    pub count: usize,
    pub previous: Option<RoundLink>,
    pub next: Option<RoundLink>,
}

/// One report as the series views need it.
pub struct Member<'a> {
    pub index: usize,
    pub programme: &'a str,
    pub round: Option<u32>,
    pub date: Option<&'a str>,
    pub title: &'a str,
    pub url: String,
}

/// Programme id -> the indices of its reports, in series order (round, then date, then title).
pub fn series<'a>(members: &[Member<'a>]) -> BTreeMap<&'a str, Vec<usize>> {
    let mut by: BTreeMap<&str, Vec<&Member>> = BTreeMap::new();
    for m in members {
        by.entry(m.programme).or_default().push(m);
    }
    by.into_iter()
        .map(|(p, mut ms)| {
            ms.sort_by(|a, b| {
                (a.round, a.date, a.title, a.index).cmp(&(b.round, b.date, b.title, b.index))
            });
            (p, ms.into_iter().map(|m| m.index).collect())
        })
        .collect()
}

/// The URL path of a programme's page.
pub fn programme_url(base: &str, programme: &str) -> String {
    format!("{base}{PROGRAMME_FOLDER}/{programme}/")
}

/// The series navigation of every member, by report index.
pub fn navigation(
    members: &[Member],
    series: &BTreeMap<&str, Vec<usize>>,
    label: &dyn Fn(&str) -> String,
    base: &str,
) -> BTreeMap<usize, SeriesNav> {
    let by_index: BTreeMap<usize, &Member> = members.iter().map(|m| (m.index, m)).collect();
    let link = |i: usize| {
        let m = by_index[&i];
        RoundLink {
            title: m.title.to_string(),
            url: m.url.clone(),
            round: m.round,
        }
    };
    let mut out = BTreeMap::new();
    for (programme, order) in series {
        for (at, &i) in order.iter().enumerate() {
            let nav = SeriesNav {
                programme_label: label(programme),
                programme_url: programme_url(base, programme),
                position: at + 1,
                count: order.len(),
                previous: at.checked_sub(1).map(|p| link(order[p])),
                next: order.get(at + 1).map(|&n| link(n)),
            };
            out.insert(i, nav);
        }
    }
    out
}

/// One round on a programme page.
#[derive(Debug, Serialize)]
pub struct RoundView<'a, R: Serialize> {
    pub report: &'a R,
    /// The success criteria of the programme's evaluation model for this round.
    pub criteria: Vec<String>,
    pub key_figures: &'a [KeyFigure],
}

/// A programme page: the rounds side by side.
#[derive(Debug, Serialize)]
pub struct ProgrammeView<'a, R: Serialize> {
    pub id: &'a str,
    pub label: String,
    pub url: String,
    /// The title of the evaluation model named like the programme, when there is one.
    pub model_title: Option<String>,
    pub rounds: Vec<RoundView<'a, R>>,
    /// Whether any round has success criteria or headline results (else the rows are left out).
    pub has_criteria: bool,
    pub has_key_figures: bool,
}

/// The success criteria of round `round` in the evaluation model `data/models/<programme>.yaml`.
pub fn criteria(catalog: &Catalog, programme: &str, round: Option<u32>) -> Vec<String> {
    catalog
        .models
        .get(programme)
        .map(|m| {
            m.criteria
                .iter()
                .filter(|c| round.is_some() && c.in_round(round))
                .map(|c| c.text.clone())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(index: usize, programme: &'static str, round: Option<u32>) -> Member<'static> {
        Member {
            index,
            programme,
            round,
            date: None,
            title: ["a", "b", "c", "d"][index],
            url: ["/a/", "/b/", "/c/", "/d/"][index].to_string(),
        }
    }

    #[test]
    fn rounds_order_the_series_and_link_their_neighbours() {
        let members = [
            member(0, "p", Some(3)),
            member(1, "p", Some(1)),
            member(2, "q", None),
            member(3, "p", Some(2)),
        ];
        let s = series(&members);
        assert_eq!(s["p"], vec![1, 3, 0]);
        assert_eq!(s["q"], vec![2]);
        let nav = navigation(&members, &s, &|p| p.to_uppercase(), "/x/");
        let middle = &nav[&3];
        assert_eq!(middle.previous.as_ref().unwrap().url, "/b/");
        assert_eq!(middle.next.as_ref().unwrap().url, "/a/");
        assert_eq!((middle.position, middle.count), (2, 3));
        assert_eq!(middle.programme_url, "/x/programmer/p/");
        assert_eq!(middle.programme_label, "P");
        assert!(nav[&1].previous.is_none());
        assert!(nav[&0].next.is_none());
        assert!(nav[&2].previous.is_none() && nav[&2].next.is_none());
    }
}
