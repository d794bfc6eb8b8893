//! The charts of the snapshot tests: the seed reports' figures where the seeds print the
//! numbers, invented numbers marked `illustrative: true` where they do not.

use std::collections::BTreeMap;
use std::path::Path;

use evalpress::charts::{
    self, Chart, ChartData, ChartError, ChartSpec, ChartWords, Context, Figure, Kind, Series,
    Theme, Unit, Value,
};
use evalpress::diagnostics::Pos;
use evalpress::format::{NumberFormatter, UnitWords};
use evalpress::locale::Locale;

/// The formatter, words and theme of both languages, made once.
pub struct Env {
    langs: BTreeMap<&'static str, (NumberFormatter, ChartWords)>,
    theme: Theme,
}

impl Env {
    pub fn new() -> Env {
        let mut langs = BTreeMap::new();
        for lang in ["da", "en"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("themes/default/locales/{lang}.yaml"));
            let text = std::fs::read_to_string(&path).unwrap();
            let locale: Locale = evalpress::yaml::parse(&text, &path, Pos::new(1, 1)).unwrap();
            // The unit words arrive with the data stage's locale keys; until then, the
            // patterns the number formatter's own tests use.
            let units = UnitWords::from_words(&locale.words).unwrap_or_else(|_| match lang {
                "da" => UnitWords {
                    percent: "{n} %".into(),
                    percent_prose: "{n} pct.".into(),
                    percentage_points: "{n} procentpoint".into(),
                },
                _ => UnitWords {
                    percent: "{n}%".into(),
                    percent_prose: "{n} per cent".into(),
                    percentage_points: "{n} percentage points".into(),
                },
            });
            let numbers = NumberFormatter::new(lang, units).unwrap();
            let words = ChartWords::from_words(&locale.words).unwrap();
            langs.insert(lang, (numbers, words));
        }
        Env {
            langs,
            theme: Theme::default_theme(),
        }
    }

    pub fn words(&self, lang: &str) -> &ChartWords {
        &self.langs[lang].1
    }
}

/// One chart to draw.
pub struct Case {
    pub name: &'static str,
    pub title: &'static str,
    pub lang: &'static str,
    pub spec: ChartSpec,
    pub data: ChartData,
}

pub fn render(env: &Env, case: &Case) -> Result<Chart, ChartError> {
    let (numbers, words) = &env.langs[case.lang];
    let cx = Context {
        numbers,
        words,
        theme: &env.theme,
    };
    let figure = Figure {
        id: case.name,
        title: case.title,
    };
    charts::render(&case.spec, &case.data, figure, cx)
}

fn spec(kind: Kind, set: impl FnOnce(&mut ChartSpec)) -> ChartSpec {
    let mut s = ChartSpec::of(kind);
    set(&mut s);
    s
}

fn data(categories: &[&str], series: &[(&str, &[f64])]) -> ChartData {
    ChartData {
        categories: categories.iter().map(|c| c.to_string()).collect(),
        series: series
            .iter()
            .map(|(name, values)| Series {
                name: name.to_string(),
                values: values.iter().map(|v| Value::Shown(*v)).collect(),
            })
            .collect(),
        n_per_category: None,
    }
}

const GROUPS: [&str; 3] = [
    "Uddannelsesambassadør II",
    "Uddannelsesambassadør I",
    "Alle andre kommuner",
];
const BEFORE: &str = "Før indsatsen (2018×2)";
const DURING: &str = "Under indsatsen (2019-2020)";

fn seed_cases() -> Vec<Case> {
    vec![
        // 002 Tabel 1.1: Bevilling til VEU-koordination, mio. kr.
        Case {
            name: "bar-tabel-1-1",
            title: "Bevilling til VEU-koordination, mio. kr.",
            lang: "da",
            spec: spec(Kind::Bar, |s| {
                s.y_title = Some("mio. kr.".into());
                s.decimals = Some(1);
                s.value_labels = Some(true);
            }),
            data: data(
                &["2018", "2019", "2020", "2021"],
                &[("Bevilling i alt", &[25.0, 25.3, 28.2, 40.9])],
            ),
        },
        Case {
            name: "bar-tabel-1-1-en",
            title: "Funding for adult education coordination, DKK million",
            lang: "en",
            spec: spec(Kind::Bar, |s| {
                s.y_title = Some("DKK million".into());
                s.decimals = Some(1);
            }),
            data: data(
                &["2018", "2019", "2020", "2021"],
                &[("Total funding", &[25.0, 25.3, 28.2, 40.9])],
            ),
        },
        // 002 Figur 8.6: mean satisfaction by actor, 1-10.
        Case {
            name: "mean-score-figur-8-6",
            title: "Tilfredshed med deltagelse i Job-VEU projekter (10 er mest tilfreds)",
            lang: "da",
            spec: spec(Kind::MeanScore, |s| {
                (s.scale_min, s.scale_max) = (Some(1.0), Some(10.0));
                s.y_title = Some("Gennemsnitlig tilfredshed (1-10)".into());
            }),
            data: data(
                &[
                    "Alle aktører",
                    "Uddannelsesinstitutioner",
                    "Virksomheder",
                    "Jobcentre",
                    "Arbejdsmarkedets parter",
                ],
                &[("Gennemsnit", &[8.6, 8.9, 8.6, 8.5, 7.7])],
            ),
        },
        diagram_3_shares(),
        diagram_3_likert(),
    ]
}

/// 001 Boks 2 and 3: started upskilling and adult apprenticeships before vs during.
fn boks_cases() -> Vec<Case> {
    vec![
        // 001 Boks 2: started upskilling before vs during, and the change.
        Case {
            name: "grouped-bar-boks-2",
            title: "Antal påbegyndte uddannelsesløft før og under indsatsen",
            lang: "da",
            spec: spec(Kind::GroupedBar, |s| s.y_title = Some("Antal".into())),
            data: data(
                &GROUPS,
                &[
                    (BEFORE, &[326.0, 476.0, 514.0]),
                    (DURING, &[599.0, 429.0, 690.0]),
                ],
            ),
        },
        Case {
            name: "bar-boks-2-change",
            title: "Procentudvikling i påbegyndte uddannelsesløft",
            lang: "da",
            spec: spec(Kind::Bar, |s| {
                s.unit = Unit::Percent;
                s.value_labels = Some(true);
            }),
            data: data(&GROUPS, &[("Procentudvikling", &[84.0, -10.0, 34.0])]),
        },
        // 001 Boks 3: started adult apprenticeships, with the total row.
        Case {
            name: "grouped-bar-boks-3",
            title: "Antal påbegyndte voksenlærlingeforløb fra ledighed",
            lang: "da",
            spec: spec(Kind::GroupedBar, |s| s.value_labels = Some(true)),
            data: data(
                &[GROUPS[0], GROUPS[1], GROUPS[2], "I alt"],
                &[
                    (BEFORE, &[1340.0, 1424.0, 2632.0, 4996.0]),
                    (DURING, &[2046.0, 1633.0, 3578.0, 6831.0]),
                ],
            ),
        },
    ]
}

/// 001 Diagram 3: the share with good knowledge of the scheme at the end measurement.
fn diagram_3_shares() -> Case {
    let mut d = data(
        &["Leder", "Jobrådgiver", "Virksomhedskonsulent"],
        &[("Godt kendskab, slutmåling", &[97.0, 79.0, 50.0])],
    );
    d.n_per_category = Some(vec![
        Value::Shown(30.0),
        Value::Shown(107.0),
        Value::Shown(24.0),
    ]);
    Case {
        name: "bar-horizontal-diagram-3",
        title: "Andel med godt kendskab til uddannelsesløftsordningen, slutmåling",
        lang: "da",
        spec: spec(Kind::BarHorizontal, |s| s.unit = Unit::Percent),
        data: d,
    }
}

/// 001 Diagram 3 as a distribution, start vs end, from the shares the text prints.
fn diagram_3_likert() -> Case {
    let mut d = data(
        &[
            "Leder, start",
            "Leder, slut",
            "Jobrådgiver, start",
            "Jobrådgiver, slut",
            "Virksomhedskonsulent, start",
            "Virksomhedskonsulent, slut",
        ],
        &[
            ("Ikke godt kendskab", &[8.0, 3.0, 27.0, 21.0, 61.0, 50.0]),
            ("Godt kendskab", &[92.0, 97.0, 73.0, 79.0, 39.0, 50.0]),
        ],
    );
    d.n_per_category = Some(
        [25.0, 30.0, 123.0, 107.0, 33.0, 24.0]
            .iter()
            .map(|n| Value::Shown(*n))
            .collect(),
    );
    Case {
        name: "likert-diagram-3",
        title: "Kendskab til uddannelsesløftsordningen, start- og slutmåling",
        lang: "da",
        spec: spec(Kind::Likert, |s| s.unit = Unit::Percent),
        data: d,
    }
}

fn illustrative(kind: Kind, set: impl FnOnce(&mut ChartSpec)) -> ChartSpec {
    spec(kind, |s| {
        s.illustrative = true;
        set(s);
    })
}

const YEARS: [&str; 5] = ["2016", "2017", "2018", "2019", "2020"];

/// Started per municipality 2016-2020, with counts under 3 hidden, and project types
/// over time (one hidden count).
fn municipalities_and_types() -> (ChartData, ChartData) {
    let municipalities = [
        "Gladsaxe",
        "Hedensted",
        "Herning",
        "Hørsholm",
        "Middelfart",
        "Aarhus",
    ];
    let mut started = data(
        &municipalities,
        &[
            ("2016", &[12.0, 8.0, 15.0, 4.0, 9.0, 31.0]),
            ("2017", &[14.0, 9.0, 13.0, 5.0, 11.0, 35.0]),
            ("2018", &[11.0, 12.0, 17.0, 6.0, 10.0, 38.0]),
            ("2019", &[18.0, 10.0, 16.0, 4.0, 12.0, 44.0]),
            ("2020", &[22.0, 14.0, 12.0, 3.0, 10.0, 52.0]),
        ],
    );
    started.series[0].values[3] = Value::Hidden;
    started.series[4].values[3] = Value::Hidden;
    let mut types = data(
        &YEARS,
        &[
            ("Efteruddannelse", &[20.0, 26.0, 31.0, 28.0, 35.0]),
            ("Jobrotation", &[8.0, 7.0, 11.0, 14.0, 12.0]),
            ("Opkvalificering af ledige", &[5.0, 9.0, 8.0, 12.0, 15.0]),
        ],
    );
    types.series[1].values[0] = Value::Hidden;
    (started, types)
}

fn illustrative_cases() -> Vec<Case> {
    let (started, types) = municipalities_and_types();
    vec![
        Case {
            name: "grouped-bar-municipalities",
            title: "Påbegyndte uddannelsesløft pr. kommune 2016-2020",
            lang: "da",
            spec: illustrative(Kind::GroupedBar, |_| {}),
            data: started,
        },
        Case {
            name: "stacked-bar-project-types",
            title: "Projekter efter type og år",
            lang: "da",
            spec: illustrative(Kind::StackedBar, |s| {
                s.y_title = Some("Antal projekter".into())
            }),
            data: types.clone(),
        },
        Case {
            name: "stacked-100-project-types",
            title: "Projekttypernes andel af projekterne",
            lang: "da",
            spec: illustrative(Kind::Stacked100, |_| {}),
            data: types,
        },
        Case {
            name: "line-started-per-year",
            title: "Påbegyndte forløb pr. år",
            lang: "da",
            spec: illustrative(Kind::Line, |s| s.y_title = Some("Antal forløb".into())),
            data: data(
                &YEARS,
                &[
                    (
                        "Uddannelsesambassadør II",
                        &[210.0, 190.0, 163.0, 223.0, 376.0],
                    ),
                    (
                        "Uddannelsesambassadør I",
                        &[260.0, 251.0, 238.0, 220.0, 209.0],
                    ),
                    ("Alle andre kommuner", &[240.0, 251.0, 257.0, 330.0, 360.0]),
                ],
            ),
        },
        Case {
            name: "target-actual-projects",
            title: "Mål og påbegyndte uddannelsesløft pr. projekt, 2022",
            lang: "da",
            spec: illustrative(Kind::TargetActual, |s| s.value_labels = Some(true)),
            data: data(
                &[
                    "Projekt A",
                    "Projekt B",
                    "Projekt C",
                    "Projekt D",
                    "Projekt E",
                ],
                &[
                    ("Påbegyndt", &[48.0, 95.0, 31.0, 60.0, 12.0]),
                    ("Mål", &[60.0, 80.0, 40.0, 60.0, 30.0]),
                ],
            ),
        },
        Case {
            name: "bar-line-rar-areas",
            title: "Deltagere pr. RAR-område og pr. 1.000 i arbejdsstyrken",
            lang: "da",
            spec: illustrative(Kind::BarLine, |s| {
                s.y_title = Some("Deltagere".into());
                s.y2_title = Some("Pr. 1.000 i arbejdsstyrken".into());
                s.decimals2 = Some(1);
            }),
            data: data(
                &[
                    "Hovedstaden",
                    "Sjælland",
                    "Fyn",
                    "Sydjylland",
                    "Østjylland",
                    "Vestjylland",
                    "Nordjylland",
                    "Bornholm",
                ],
                &[
                    (
                        "Deltagere",
                        &[2450.0, 1210.0, 980.0, 1330.0, 1720.0, 890.0, 1105.0, 140.0],
                    ),
                    (
                        "Pr. 1.000 i arbejdsstyrken",
                        &[2.1, 3.4, 4.0, 3.8, 3.1, 4.6, 3.9, 6.2],
                    ),
                ],
            ),
        },
        likert_four_steps(),
    ]
}

fn likert_four_steps() -> Case {
    let mut d = data(
        &[
            "Uddannelsesambassadør, start",
            "Uddannelsesambassadør, slut",
            "Jobrådgiver, start",
            "Jobrådgiver, slut",
        ],
        &[
            ("Slet ikke", &[7.0, 3.0, 9.0, 4.0]),
            ("I mindre grad", &[22.0, 7.0, 25.0, 16.0]),
            ("I nogen grad", &[41.0, 38.0, 40.0, 45.0]),
            ("I høj grad", &[30.0, 52.0, 26.0, 35.0]),
        ],
    );
    d.n_per_category = Some(
        [27.0, 29.0, 134.0, 123.0]
            .iter()
            .map(|n| Value::Shown(*n))
            .collect(),
    );
    Case {
        name: "likert-four-steps",
        title: "Tydelig ledelsesmæssig opbakning, start- og slutmåling",
        lang: "da",
        // Shares of the respondents: the data table writes them as percentages too.
        spec: illustrative(Kind::Likert, |s| s.unit = Unit::Percent),
        data: d,
    }
}

fn robustness_cases() -> Vec<Case> {
    let long = "Uddannelsesambassadørernes vurdering af ledelsens kommunikation om uddannelsesløft og voksenlærlingeforløb i jobcentrene";
    let names: Vec<String> = (1..=40).map(|i| format!("Jobcenter {i}")).collect();
    let many: Vec<f64> = (1..=40).map(|i| f64::from((i * 37) % 101)).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut missing = data(&YEARS, &[("Deltagere", &[10.0, 0.0, 12.0, 0.0, 9.0])]);
    missing.series[0].values[1] = Value::Missing;
    missing.series[0].values[3] = Value::Hidden;
    vec![
        Case {
            name: "robust-long-labels",
            title: "Lange kategorinavne",
            lang: "da",
            spec: ChartSpec::of(Kind::Bar),
            data: data(
                &[long, "Jobrådgiver", "Virksomhedskonsulent"],
                &[("Andel", &[45.0, 12.0, 30.0])],
            ),
        },
        Case {
            name: "robust-many-categories",
            title: "Mange kategorier",
            lang: "da",
            spec: ChartSpec::of(Kind::Bar),
            data: data(&refs, &[("Antal", &many)]),
        },
        Case {
            name: "robust-all-zero",
            title: "Lutter nuller",
            lang: "da",
            spec: ChartSpec::of(Kind::Bar),
            data: data(&["A", "B"], &[("Antal", &[0.0, 0.0])]),
        },
        Case {
            name: "robust-hidden-and-missing-line",
            title: "Skjulte og manglende værdier",
            lang: "da",
            spec: ChartSpec::of(Kind::Line),
            data: missing,
        },
    ]
}

/// Every snapshot case, in file order.
pub fn cases() -> Vec<Case> {
    let mut all = seed_cases();
    all.extend(boks_cases());
    all.extend(illustrative_cases());
    all.extend(robustness_cases());
    all
}
