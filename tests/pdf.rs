//! `evalpress pdf` on the example site: one PDF per report, each holding its report's title and a
//! figure caption (a table caption where the report has no figure), read back with `pdftotext`.
//! Skipped, with a message, when Chromium or pdftotext is not installed (`.ci/run` installs both,
//! so CI always runs it); the finding and the arguments are unit tests in `src/pdf/tests.rs`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::html::{page, select, text};
use common::run::{evalpress, stderr};

fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
        .unwrap_or(false)
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("EVALPRESS_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(p.into());
    }
    evalpress::pdf::find_chromium(None, None, std::env::var_os("PATH")).ok()
}

/// Text of a PDF without whitespace and hyphens: pdftotext breaks lines and joins words that
/// were hyphenated at a line end ("a-" + "kassesamarbejde" -> "akassesamarbejde").
fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    squash(&String::from_utf8_lossy(&out.stdout))
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}' | '\u{2010}' | '\u{2011}'))
        .collect()
}

/// `evalpress pdf --out <pdfs> --chromium <chromium>` on the example site.
fn print_example(pdfs: &Path, chromium: &Path) -> std::process::Output {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (out, exe) = (pdfs.to_str().unwrap(), chromium.to_str().unwrap());
    evalpress(&root, &["pdf", "--out", out, "--chromium", exe])
}

#[test]
fn every_report_of_the_example_site_prints_with_its_title_and_a_caption() {
    let Some(chromium) = chromium() else {
        eprintln!("skipped: no Chromium (install chromium, or set EVALPRESS_CHROMIUM)");
        return;
    };
    if !on_path("pdftotext") {
        eprintln!("skipped: no pdftotext (install poppler-utils)");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let pdfs = tmp.path().join("pdf");
    let html = tmp.path().join("html");
    let run = print_example(&pdfs, &chromium);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(stderr(&run).contains("wrote 5 PDFs"), "{}", stderr(&run));
    let built = evalpress(&root, &["build", "--out", html.to_str().unwrap(), "-q"]);
    assert!(built.status.success(), "{}", stderr(&built));

    let mut printed: Vec<String> = std::fs::read_dir(&pdfs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    printed.sort();
    let slugs: Vec<String> = printed
        .iter()
        .map(|f| f.strip_suffix(".pdf").expect("only PDFs").to_string())
        .collect();
    assert!(
        !slugs.contains(&"tilgaengelighedserklaering".to_string()),
        "plain pages are not printed: {slugs:?}"
    );
    for slug in &slugs {
        let doc = page(&html, slug);
        let title = text(select(doc.root_element(), "h1")[0]);
        let caption = select(doc.root_element(), "figcaption, caption")
            .into_iter()
            .next()
            .map(text)
            .unwrap_or_else(|| panic!("{slug} has neither a figure nor a table"));
        let pdf = pdfs.join(format!("{slug}.pdf"));
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{slug}.pdf is not a PDF");
        let got = pdf_text(&pdf);
        assert!(
            got.contains(&squash(&title)),
            "{slug}.pdf lacks its title {title:?}"
        );
        assert!(
            got.contains(&squash(&caption)),
            "{slug}.pdf lacks the caption {caption:?}"
        );
        // the site chrome is not printed
        for chrome in [
            "Gå til indholdet",
            "Lavet med evalpress",
            "Tilgængelighedserklæring",
        ] {
            assert!(!got.contains(&squash(chrome)), "{slug}.pdf has {chrome:?}");
        }
    }
}

#[test]
fn a_missing_chromium_is_a_clear_error_that_writes_nothing() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let pdfs = tmp.path().join("pdf");
    let out = Command::new(env!("CARGO_BIN_EXE_evalpress"))
        .args(["pdf", "--out", pdfs.to_str().unwrap()])
        .current_dir(&root)
        .env("PATH", tmp.path())
        .env_remove("EVALPRESS_CHROMIUM")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: no Chromium found"), "{err}");
    assert!(
        err.contains("help: install it (Debian/Ubuntu: `sudo apt-get install chromium`"),
        "{err}"
    );
    assert!(!pdfs.exists());
}

#[test]
fn a_browser_that_writes_no_pdf_fails_and_replaces_no_earlier_pdf() {
    let tmp = tempfile::tempdir().unwrap();
    let fake = tmp.path().join("fake-chromium");
    std::fs::write(&fake, "#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let pdfs = tmp.path().join("pdf");
    std::fs::create_dir_all(&pdfs).unwrap();
    std::fs::write(pdfs.join("job-veu-evaluering-2021.pdf"), "earlier").unwrap();
    let out = print_example(&pdfs, &fake);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("wrote no PDF for a-kassesamarbejde-koebenhavn-2024"),
        "{err}"
    );
    assert!(err.contains("cannot open display"), "{err}");
    assert_eq!(
        std::fs::read_to_string(pdfs.join("job-veu-evaluering-2021.pdf")).unwrap(),
        "earlier"
    );
}
