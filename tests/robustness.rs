//! Hostile and broken input, built by the real binary: every case ends in a clear error at its
//! place (the exact diagnostics are pinned here) or in safe output, never in a crash, a hang or a
//! changed file. For every refused case the build runs over a previous good output, which must
//! stay byte for byte, and the sources must stay as they were.
//!
//! Covered here: YAML (alias bombs, 100,000-deep nesting, files over the size cap, devices and
//! pipes, duplicate keys, `NO` that stays text, dates under any time zone), Markdown attacks that
//! `tests/escaping.rs` does not already carry (`tests/sites/hostile-markdown/`), the file system
//! (link loops, links out of the root, dangling links, slugs that collide by case or Unicode
//! normalisation), templates (`| safe` is the only way around escaping), and the output scanner
//! (`common::scan`) on the example site. The output folder under a full disk, a read-only
//! parent and a killed build is in `tests/robustness_output.rs`; Markdown timing in
//! `tests/robustness_timing.rs`.

mod common;

use common::guarded::run;
use common::refused::refused;
use common::run::copy_dir;
use common::scan::{scan_markup, scan_site};
use common::tree::{small_site, snapshot, write_files};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// [`refused`] for a new site made by `common::tree::small_site(dir, index, files)`.
#[track_caller]
fn refuse(index: &str, files: &[(&str, &str)]) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let site = small_site(tmp.path(), index, files);
    refused(tmp.path(), &site)
}

/// The front matter of a valid report with `fields` added.
fn index(fields: &str) -> String {
    format!("---\ntitle: R\n{fields}---\n\nTekst.\n")
}

// ---------------------------------------------------------------- YAML

/// About 1 KB of nested anchors that would expand to 9^9 strings.
fn alias_bomb() -> String {
    let mut text = String::from(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..9 {
        let alias = format!("*a{}", i - 1);
        text.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            [alias.as_str(); 9].join(",")
        ));
    }
    text
}

#[test]
fn alias_bombs_are_refused_in_front_matter_and_config() {
    // The nested bomb never expands: evalpress's schemas have no field that takes it.
    assert_eq!(
        refuse(&index(&alias_bomb()), &[]),
        [
            "content/r/index.md:3:1: error: unknown field `a0`, expected one of title, subtitle, kind, date, publisher, authors, evaluator, identifiers, programme, round, summary, draft, locale, chapters, numbering, disclosure, values, key_figures",
            "  help: remove the key or correct its spelling (the message lists the keys allowed here)",
        ]
    );
    assert_eq!(
        refuse(
            &index(""),
            &[("evalpress.yaml", &format!("title: T\n{}", alias_bomb()))]
        )[0],
        "evalpress.yaml:2:1: error: unknown field `a0`, expected one of title, locale, base_url, theme, numbering, disclosure, raw_html, footer, description, programmes, data, format, downloads, search"
    );

    // Where a field takes a list, aliases are limited in number and in the text they add up to.
    let many = vec!["*t"; 20_000].join(", ");
    assert_eq!(
        refuse(&format!("---\ntitle: &t R\nauthors: [{many}]\n---\n"), &[]),
        [
            "content/r/index.md:2:11: error: YAML aliases (`*name`) expand to more than 10000 values, the limit",
            "  help: write the values out instead of repeating an anchor (`&name`) through aliases",
        ]
    );
    let long = "x".repeat(100_000);
    let hundred = vec!["*t"; 100].join(", ");
    assert_eq!(
        refuse(
            &format!("---\ntitle: &t \"{long}\"\nauthors: [{hundred}]\n---\n"),
            &[]
        ),
        [
            "content/r/index.md:3:171: error: YAML values add up to more than 4194304 bytes of text (aliases expanded), the limit",
            "  help: write the values out instead of repeating a long anchored value (`&name`) through aliases",
        ]
    );
    let links = vec!["*l"; 20_000].join(", ");
    let config = format!("title: T\nfooter:\n  links: [&l {{label: a, url: /}}, {links}]\n");
    assert_eq!(
        refuse(&index(""), &[("evalpress.yaml", &config)])[0],
        "evalpress.yaml:3:6698: error: YAML aliases (`*name`) expand to more than 10000 values, the limit"
    );
}

#[test]
fn nesting_100_000_deep_is_refused_without_a_crash() {
    let deep =
        |open: &str, close: &str| format!("{}{}", open.repeat(100_000), close.repeat(100_000));
    assert_eq!(
        refuse(&index(&format!("authors: {}\n", deep("[", "]"))), &[]),
        [
            "content/r/index.md:3:74: error: YAML nested deeper than 64 levels, the limit",
            "  help: evalpress's YAML needs only a few levels of lists and maps; check the brackets and indentation here",
        ]
    );
    // A field that takes one value refuses the first bracket.
    assert_eq!(
        refuse(&index(&format!("summary: {}\n", deep("{a: ", "}"))), &[]),
        [
            "content/r/index.md:3:10: error: expected a single value here, found a list or map",
            "  help: quote the value if it starts with [ or {, e.g. title: \"[a]\"",
        ]
    );
    let config = format!("title: T\nfooter:\n  links: {}\n", deep("[", "]"));
    let lines = refuse(&index(""), &[("evalpress.yaml", &config)]);
    assert!(lines[0].starts_with("evalpress.yaml:3:"), "{lines:?}");
}

#[test]
fn files_over_the_size_cap_are_refused_unread() {
    // A sparse 1 GB chapter: refused from its size, before a byte is read.
    let tmp = tempfile::tempdir().unwrap();
    let site = small_site(tmp.path(), &index("chapters: [01-stor.md]\n"), &[]);
    fs::File::create(site.join("content/r/01-stor.md"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    assert_eq!(
        refused(tmp.path(), &site)[..2],
        [
            "content/r/01-stor.md: error: file is 1073741824 bytes, over the limit of 8388608 bytes (8 MiB)",
            "  help: split the text into chapter files",
        ]
    );
    // Front matter under the file cap but over the YAML cap.
    let huge = "x".repeat(5_000_000);
    assert_eq!(
        refuse(&index(&format!("summary: \"{huge}\"\n")), &[]),
        [
            "content/r/index.md:2:1: error: YAML block is 5000021 bytes, larger than the limit of 4194304 bytes (4 MiB)",
            "  help: split the data into smaller files",
        ]
    );
}

#[cfg(unix)]
#[test]
fn devices_pipes_and_links_to_dev_zero_are_refused_without_reading() {
    // A link to /dev/zero (which says its size is 0 and never ends) leaves the root.
    let tmp = tempfile::tempdir().unwrap();
    let site = small_site(tmp.path(), &index("chapters: [01-nul.md]\n"), &[]);
    std::os::unix::fs::symlink("/dev/zero", site.join("content/r/01-nul.md")).unwrap();
    assert_eq!(
        refused(tmp.path(), &site)[..2],
        [
            "content/r/01-nul.md: error: symbolic link points outside the site root, to /dev/zero",
            "  help: copy the file into the site instead of linking to it",
        ]
    );
    // A pipe as the front page would block the read forever; it is refused unopened.
    refuse_special("content/_index.md", "mkfifo", &[]);
    // The device /dev/zero itself inside the site.
    refuse_special("content/r/index.md", "mknod", &["c", "1", "5"]);
}

/// Replaces `rel` in a new site by what `make <path> <args>` creates (a pipe, a device) and
/// pins that the build refuses it unopened; skipped, saying so, when `make` fails (`mknod`
/// needs root).
fn refuse_special(rel: &str, make: &str, args: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let site = small_site(tmp.path(), &index(""), &[]);
    let _ = fs::remove_file(site.join(rel));
    let made = Command::new(make)
        .arg(site.join(rel))
        .args(args)
        .stderr(Stdio::null())
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED the `{make}` case: it cannot run here (mknod needs root)");
        return;
    }
    assert_eq!(
        refused(tmp.path(), &site),
        [
            format!("{rel}: error: not a regular file (a device, pipe or socket)"),
            "  help: remove it, or replace it with an ordinary file".to_string(),
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_config_that_links_to_dev_zero_or_is_1_gb_is_refused_unread() {
    let tmp = tempfile::tempdir().unwrap();
    let site = small_site(tmp.path(), &index(""), &[]);
    fs::remove_file(site.join("evalpress.yaml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", site.join("evalpress.yaml")).unwrap();
    let lines = refused(tmp.path(), &site);
    assert!(lines[0].starts_with("evalpress.yaml: error: "), "{lines:?}");
    assert!(lines[0].contains("not a regular file"), "{lines:?}");
    let tmp = tempfile::tempdir().unwrap();
    let site = small_site(tmp.path(), &index(""), &[]);
    fs::File::options()
        .append(true)
        .open(site.join("evalpress.yaml"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let lines = refused(tmp.path(), &site);
    assert!(
        lines[0].contains("over the limit of 8388608 bytes (8 MiB)"),
        "{lines:?}"
    );
}

#[test]
fn duplicate_keys_are_refused_in_front_matter_and_config() {
    assert_eq!(
        refuse("---\ntitle: R\ntitle: S\n---\n", &[]),
        [
            "content/r/index.md:3:1: error: the key `title` appears twice",
            "  help: each key may appear only once; remove one of them",
        ]
    );
    assert_eq!(
        refuse(
            &index(""),
            &[("evalpress.yaml", "title: T\nlocale: da\nlocale: en\n")]
        ),
        [
            "evalpress.yaml:3:1: error: the key `locale` appears twice",
            "  help: each key may appear only once; remove one of them",
        ]
    );
}

#[test]
fn no_off_and_yes_stay_text_where_the_schema_says_text() {
    let tmp = tempfile::tempdir().unwrap();
    let site = small_site(
        tmp.path(),
        "---\ntitle: NO\nsubtitle: off\npublisher: no\nauthors: [yes, On, n]\nevaluator: Y\nidentifiers:\n  - { label: NO, value: 0x1F }\nsummary: 1e3\n---\n\nTekst.\n",
        &[("evalpress.yaml", "title: NO\n")],
    );
    let out = tmp.path().join("out");
    let (code, err) = run(&site, &["build", "--out", out.to_str().unwrap()], &[]);
    assert_eq!(code, Some(0), "{err}");
    let page = fs::read_to_string(out.join("r/index.html")).unwrap();
    for text in [
        "<title>NO – NO</title>",
        "<meta name=\"description\" content=\"1e3\">",
        "<h1>NO</h1>",
        "<p class=\"report-subtitle\">off</p>",
        "<dd>no</dd>",
        "<dd>yes, On, n</dd>",
        "<dd>Y</dd>",
        "<dt>NO</dt><dd>0x1F</dd>",
    ] {
        assert!(page.contains(text), "`{text}` is missing:\n{page}");
    }
    // Where the schema says true or false, the YAML 1.1 spellings are refused, not guessed.
    assert_eq!(
        refuse(&index("draft: no\n"), &[]),
        [
            "content/r/index.md:3:8: error: expected true or false here",
            "  help: write true or false (yes, no, on and off are text in evalpress's YAML)",
        ]
    );
}

#[test]
fn dates_give_the_same_pages_in_every_time_zone() {
    let tmp = tempfile::tempdir().unwrap();
    let site = small_site(
        tmp.path(),
        &index("date: 2024-01-01\n"),
        &[("content/s/index.md", &index("date: 2023-12-31\n"))],
    );
    let mut trees = Vec::new();
    // UTC+14 and UTC-12: a date read as midnight in one zone is another day in the other.
    for tz in ["Pacific/Kiritimati", "Etc/GMT+12", "UTC"] {
        let out = tmp.path().join(format!("out-{}", tz.replace('/', "-")));
        let (code, err) = run(
            &site,
            &["build", "--out", out.to_str().unwrap()],
            &[("TZ", tz)],
        );
        assert_eq!(code, Some(0), "{err}");
        let page = fs::read_to_string(out.join("r/index.html")).unwrap();
        assert!(page.contains("1. januar 2024"), "TZ={tz}:\n{page}");
        assert!(page.contains("datetime=\"2024-01-01\""), "TZ={tz}:\n{page}");
        let other = fs::read_to_string(out.join("s/index.html")).unwrap();
        assert!(other.contains("31. december 2023"), "TZ={tz}:\n{other}");
        trees.push(snapshot(&out));
    }
    assert!(
        trees.windows(2).all(|w| w[0] == w[1]),
        "the time zone changed the output"
    );
}

// ---------------------------------------------------------------- Markdown

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sites")
        .join(name)
}

#[test]
fn hidden_schemes_raw_html_and_broken_out_attributes_stay_inert() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&fixture("hostile-markdown"), &site);
    let out = tmp.path().join("out");
    let (code, err) = run(&site, &["build", "--out", out.to_str().unwrap()], &[]);
    assert_eq!(code, Some(0), "{err}");
    let removed: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("warning: link target"))
        .collect();
    assert_eq!(
        removed,
        [
            "content/angreb/index.md:6:1: warning: link target `javascript:alert(1)` removed",
            "content/angreb/index.md:7:1: warning: link target `javascript:alert(1)` removed",
            "content/angreb/index.md:8:1: warning: link target `javascript:alert(1)` removed",
            "content/angreb/index.md:9:1: warning: link target `java\\nscript:alert(1)` removed",
            "content/angreb/index.md:10:1: warning: link target `jav\\tascript:alert(1)` removed",
            "content/angreb/index.md:12:19: warning: link target `JAVASCRIPT:alert(1)` removed",
            "content/angreb/index.md:13:1: warning: link target `VBSCRIPT:msgbox(1)` removed",
            "content/angreb/index.md:15:1: warning: link target `\\u{a0}javascript:alert(1)` removed",
            "content/angreb/index.md:16:1: warning: link target `file:///etc/passwd` removed",
            "content/angreb/index.md:17:1: warning: link target `javascript:alert(1)` removed",
            "content/angreb/index.md:53:26: warning: link target `javascript:alert(1)` removed",
        ]
    );
    assert_eq!(scan_site(&out), Vec::<String>::new());
    let page = fs::read_to_string(out.join("angreb/index.html")).unwrap();
    for text in [
        // A percent-encoded colon is no scheme: the browser reads a relative path.
        r#"<a href="javascript%3Aalert(1)">"#,
        "&lt;svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;",
        "&lt;!-- &lt;script&gt;",
        "&lt;![CDATA[&lt;script&gt;",
        "&lt;style&gt;body",
        r#"<pre><code class="language-&quot;">"#,
        r#"<pre><code class="language-&lt;script&gt;alert(1)&lt;/script&gt;">"#,
        r#"<pre><code class="language-box&quot;&gt;&lt;img">"#,
    ] {
        assert!(page.contains(text), "`{text}` is missing");
    }
}

#[test]
fn a_heading_id_that_leaves_its_attribute_is_refused() {
    assert_eq!(
        refuse(
            "---\ntitle: R\n---\n\n# Overskrift {#x\" onmouseover=\"alert(1)}\n",
            &[]
        ),
        [
            "content/r/index.md:5:1: error: heading id `x\"` is not a valid label",
            "  help: use lowercase letters a-z, digits, `-` and `_`, starting with a letter or digit",
        ]
    );
}

// ---------------------------------------------------------------- file system

#[cfg(unix)]
#[test]
fn link_loops_links_out_of_the_root_and_dangling_links_are_named() {
    use std::os::unix::fs::symlink;
    let cases: [(&str, &str, &[&str]); 5] = [
        (
            "content/r/loop",
            "..",
            &[
                "content/r/loop: error: symbolic link loop",
                "  help: remove the link that points back to its own folder",
            ],
        ),
        (
            "content/r/a.md",
            "a.md",
            &[
                "content/r/a.md: error: symbolic link to `a.md` never reaches a file (a loop of links)",
                "  help: remove the link or point it at a file inside the site",
            ],
        ),
        (
            "content/r/hemmelig.txt",
            "/etc/passwd",
            &[
                "content/r/hemmelig.txt: error: symbolic link points outside the site root, to /etc/passwd",
                "  help: copy the file into the site instead of linking to it",
            ],
        ),
        (
            "content/r/figur.png",
            "findes-ikke.png",
            &[
                "content/r/figur.png: error: symbolic link points to `findes-ikke.png`, which does not exist",
                "  help: remove the link or point it at a file inside the site",
            ],
        ),
        (
            "themes/default/templates/base.html",
            "../../../../base.html",
            &[
                "themes/default/templates/base.html: error: symbolic link points outside the site root, to BASE",
                "  help: copy the file into the site instead of linking to it",
            ],
        ),
    ];
    for (link, target, expected) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let site = small_site(tmp.path(), &index(""), &[]);
        fs::create_dir_all(site.join(link).parent().unwrap()).unwrap();
        fs::write(tmp.path().join("base.html"), "{{ page_title }}").unwrap();
        symlink(target, site.join(link)).unwrap();
        let base = fs::canonicalize(tmp.path().join("base.html")).unwrap();
        let expected: Vec<String> = expected
            .iter()
            .map(|l| l.replace("BASE", &base.display().to_string()))
            .collect();
        assert_eq!(refused(tmp.path(), &site), expected, "{link} -> {target}");
    }
}

#[test]
fn report_folders_that_collide_by_case_or_normalisation_are_refused() {
    // Folder names become URLs, so they are limited to a-z, 0-9 and `-`: `Rapport` beside
    // `rapport`, and `café` in NFC beside `café` in NFD, cannot both be published.
    let nfc = "caf\u{e9}";
    let nfd = "cafe\u{301}";
    let tmp = tempfile::tempdir().unwrap();
    let site = small_site(tmp.path(), &index(""), &[]);
    for name in ["rapport", "Rapport", nfc, nfd] {
        write_files(&site, &[(&format!("content/{name}/index.md"), &index(""))]);
    }
    let lines = refused(tmp.path(), &site);
    let mut expected = Vec::new();
    for name in ["Rapport", nfc, nfd] {
        let suggestion = if name == "Rapport" { "rapport" } else { "cafe" };
        expected.push(format!(
            "content/{name}: error: report folder name `{name}` is not a valid slug"
        ));
        expected.push(format!("  help: use lowercase letters a-z, digits and hyphens, e.g. `{suggestion}`; the name becomes the URL"));
    }
    expected.sort();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(sorted, expected, "{lines:#?}");
}

#[test]
fn lone_carriage_returns_are_line_ends_for_every_position() {
    // Found by fuzzing: YAML counted each lone `\r` as a line, the line index did not, and the
    // error landed on line 48 of an 11-line file. Both now see the same lines.
    let lines = refuse(
        "---\ntitle: R\n---\n\r\r\rTekst.\r\r```box\rtitle: \u{3}\r```\r",
        &[],
    );
    assert_eq!(
        lines[0],
        "content/r/index.md:10:8: error: unexpected character: `\\u{3}'"
    );
}

#[test]
fn assets_that_differ_only_in_case_are_refused() {
    assert_eq!(
        refuse(
            &index(""),
            &[("content/r/Figur.png", "a"), ("content/r/figur.png", "b")]
        ),
        [
            "content/r/figur.png: error: output path `r/figur.png` and `r/Figur.png` (from content/r/Figur.png) are one file where names ignore case or Unicode normalisation",
            "  help: rename one of the two sources: names that differ only in case, or in an accent written as one or two characters, become one file on macOS and Windows",
        ]
    );
}

#[test]
fn assets_that_differ_only_in_unicode_normalisation_are_refused() {
    // `é` as one code point (NFC) and as `e` + a combining acute accent (NFD, as macOS writes it).
    assert_eq!(
        refuse(
            &index(""),
            &[
                ("content/r/caf\u{e9}.png", "a"),
                ("content/r/cafe\u{301}.png", "b")
            ]
        ),
        [
            "content/r/caf\u{e9}.png: error: output path `r/caf\u{e9}.png` and `r/cafe\u{301}.png` (from content/r/cafe\u{301}.png) are one file where names ignore case or Unicode normalisation",
            "  help: rename one of the two sources: names that differ only in case, or in an accent written as one or two characters, become one file on macOS and Windows",
        ]
    );
}

// ---------------------------------------------------------------- templates

/// A site whose theme overrides `report.html` with `body`, and whose report title is script.
fn site_with_template(dir: &Path, body: &str) -> PathBuf {
    small_site(
        dir,
        "---\ntitle: \"<script>alert(1)</script>\"\nsummary: \"\\\"><img src=x onerror=alert(1)>\"\n---\n\nTekst.\n",
        &[(
            "themes/default/templates/report.html",
            &format!(
                "{{% extends \"base.html\" %}}\n{{% block main %}}\n{body}\n{{% endblock main %}}\n"
            ),
        )],
    )
}

#[test]
fn site_templates_escape_every_field_unless_marked_safe() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_template(
        tmp.path(),
        "<h1>{{ report.title }}</h1><p title=\"{{ report.summary }}\">{{ report.summary }}</p>",
    );
    let out = tmp.path().join("out");
    let (code, err) = run(&site, &["build", "--out", out.to_str().unwrap()], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(scan_site(&out), Vec::<String>::new());
    let page = fs::read_to_string(out.join("r/index.html")).unwrap();
    assert!(
        page.contains(
            "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1><p title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\">"
        ),
        "{page}"
    );

    // `| safe` is the one way around escaping, and the scanner sees what it lets through.
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_template(tmp.path(), "<h1>{{ report.title | safe }}</h1>");
    let out = tmp.path().join("out");
    let (code, err) = run(&site, &["build", "--out", out.to_str().unwrap()], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        scan_site(&out),
        [
            "r/index.html: the text contains `<script`",
            "r/index.html: <script> element"
        ]
    );
}

#[test]
fn the_default_theme_marks_only_evalpress_built_html_safe() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    let mut safe = Vec::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            for part in line.split("{{").skip(1) {
                let expr = part.split("}}").next().unwrap_or("");
                if expr.contains("safe") {
                    let name = path.file_name().unwrap().to_string_lossy();
                    safe.push(format!("{name}:{}: {}", i + 1, expr.trim()));
                }
            }
            assert!(
                !line.contains("autoescape"),
                "{}:{}: {line}",
                path.display(),
                i + 1
            );
        }
    }
    safe.sort();
    // Each is HTML that evalpress built with every piece of author text escaped; README's
    // "Security and robustness" names them. A new one must be justified there first.
    let allowed = [
        "report.body_html | safe",
        "report.footnotes_html | safe",
        "intro_html | safe",
    ];
    for use_ in &safe {
        assert!(
            allowed.iter().any(|a| use_.ends_with(a)),
            "unjustified `| safe` in the default theme: {use_}"
        );
    }
    assert_eq!(safe.len(), 5, "{safe:#?}");
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("## Security and robustness")
        .nth(1)
        .expect("README has a `Security and robustness` section");
    for name in ["body_html", "footnotes_html", "intro_html"] {
        assert!(
            section.contains(name),
            "README's security section does not justify `{name}`"
        );
    }
}

// ---------------------------------------------------------------- the scanner

#[test]
fn the_scanner_finds_each_planted_fault() {
    let faults = [
        ("<p>x</p><SCRIPT>alert(1)</SCRIPT>", false),
        ("<p onclick=\"x\">x</p>", false),
        ("<a href=\" JaVa&#9;ScRiPt:alert(1)\">x</a>", false),
        ("<img srcset=\"a.png 1x, javascript:alert(1) 2x\">", false),
        ("<a href=\"data:text/html,x\">x</a>", false),
        ("<iframe src=\"https://example.org/\"></iframe>", false),
        (
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            false,
        ),
        ("<svg><foreignObject><p>x</p></foreignObject></svg>", false),
        (
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><a><animate attributeName=\"href\" to=\"x\"/></a></svg>",
            true,
        ),
        (
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><a><set attributeName=\"href\" to=\"x\"/></a></svg>",
            true,
        ),
        (
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
            true,
        ),
    ];
    for (markup, svg) in faults {
        assert!(
            !scan_markup(markup, svg).is_empty(),
            "not found in {markup}"
        );
    }
    let clean = "<p>&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1) onclick=x</p><img src=\"data:image/png;base64,AA\" alt=\"\"><a href=\"/a/\">a</a>";
    assert_eq!(scan_markup(clean, false), Vec::<String>::new());
}

#[test]
fn the_example_site_and_the_escaping_fixture_pass_the_scanner() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, root) in [
        ("example", PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
        ("escaping", fixture("escaping")),
    ] {
        let out = tmp.path().join(name);
        let (code, err) = run(
            &root,
            &["build", "--out", out.to_str().unwrap(), "--quiet"],
            &[],
        );
        assert_eq!(code, Some(0), "{name}: {err}");
        assert_eq!(scan_site(&out), Vec::<String>::new(), "{name}");
    }
    // With `raw_html: true` authors are trusted, and the scanner says so.
    let tmp = tempfile::tempdir().unwrap();
    let site = small_site(
        tmp.path(),
        "---\ntitle: R\n---\n\n<script>alert(1)</script>\n",
        &[("evalpress.yaml", "title: T\nraw_html: true\n")],
    );
    let out = tmp.path().join("out");
    let (code, err) = run(&site, &["build", "--out", out.to_str().unwrap()], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!scan_site(&out).is_empty());
}
