//! `evalpress pdf`: the built reports -> one A4 PDF each, printed by headless Chromium with the
//! theme's print stylesheet (cover, table of contents, numbered figures and tables, no site chrome).
//!
//! Input: the build options of the site and the Chromium to use (found by [`find_chromium`]).
//! The site is built once more into a private staging folder whose base path is that folder's
//! own absolute path, so every page, stylesheet and chart loads from `file://` with no server.
//! Each report is printed into the staging folder; only when every report printed are the PDFs
//! copied into the chosen folder, so a failed run leaves earlier PDFs as they were. This module
//! finds the browser and plans the work; [`chromium`] runs the processes. It never prints.

mod chromium;

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Pos};
use crate::{BuildOptions, PublishedReport};

/// Names tried on `PATH`, in order, when neither `--chromium` nor `EVALPRESS_CHROMIUM` names one.
pub const CHROMIUM_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The environment variable that names the Chromium to use.
pub const CHROMIUM_ENV: &str = "EVALPRESS_CHROMIUM";

/// What to print and where.
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// The site to build (its `out` and `base_url` are replaced by the staging folder's).
    pub build: BuildOptions,
    /// The folder the PDFs go to (`<slug>.pdf`), created when missing.
    pub pdf_dir: PathBuf,
    pub chromium: PathBuf,
    /// A fresh folder for the staging site and Chromium's profiles; removed afterwards.
    pub staging: PathBuf,
}

/// Progress of a PDF run, for the binary to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfProgress {
    Building,
    Printing { slug: String, n: usize, of: usize },
}

/// The result of a PDF run: every problem, and the PDFs written when it succeeded.
#[derive(Debug, Default)]
pub struct PdfOutcome {
    pub diagnostics: Vec<Diagnostic>,
    pub pdfs: Vec<PathBuf>,
}

impl PdfOutcome {
    pub fn succeeded(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// One report to print: the page to open and the PDF to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub slug: String,
    pub page: PathBuf,
    pub pdf: PathBuf,
}

/// The Chromium to use: `explicit` (`--chromium`), else `env` (`EVALPRESS_CHROMIUM`), else the
/// first of [`CHROMIUM_NAMES`] found in the folders of `path` (`PATH`). A named file that does
/// not exist, or no browser at all, is an error saying how to install one.
pub fn find_chromium(
    explicit: Option<&Path>,
    env: Option<OsString>,
    path: Option<OsString>,
) -> Result<PathBuf, Diagnostic> {
    let named = explicit
        .map(|p| (p.to_path_buf(), "--chromium"))
        .or_else(|| {
            env.filter(|e| !e.is_empty())
                .map(|e| (PathBuf::from(e), CHROMIUM_ENV))
        });
    if let Some((file, from)) = named {
        return if file.is_file() {
            Ok(file)
        } else {
            Err(Diagnostic::error(
                &file,
                Pos::FILE,
                format!("the Chromium named by {from} does not exist"),
            )
            .help(format!(
                "give the path of a Chromium or Chrome executable, or leave {from} out to use the one on PATH"
            )))
        };
    }
    crate::programs::on_path(path, CHROMIUM_NAMES, Path::is_file).ok_or_else(not_installed)
}

fn not_installed() -> Diagnostic {
    Diagnostic::error(
        "chromium",
        Pos::FILE,
        format!(
            "no Chromium found: evalpress pdf prints through headless Chromium (looked for {} on PATH)",
            CHROMIUM_NAMES.join(", ")
        ),
    )
    .help(format!(
        "install it (Debian/Ubuntu: `sudo apt-get install chromium`; Fedora: `sudo dnf install chromium`; \
         macOS: `brew install --cask chromium`), or point --chromium or {CHROMIUM_ENV} at a Chromium or Chrome executable"
    ))
}

/// The command-line arguments that print `page` to `pdf` with a fresh `profile`.
pub fn chromium_args(page: &Path, pdf: &Path, profile: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--no-pdf-header-footer",
        "--allow-file-access-from-files",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    let mut with = |flag: &str, value: &Path| {
        let mut arg = OsString::from(flag);
        arg.push(value);
        args.push(arg);
    };
    with("--user-data-dir=", profile);
    with("--print-to-pdf=", pdf);
    args.push(file_url(page).into());
    args
}

/// The `file://` URL of an absolute path, every byte outside the unreserved set escaped.
pub fn file_url(path: &Path) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const PATH: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let text = path.to_string_lossy().replace('\\', "/");
    let text = if text.starts_with('/') {
        text
    } else {
        format!("/{text}") // a Windows path such as C:/site
    };
    format!("file://{}", utf8_percent_encode(&text, PATH))
}

/// The print jobs of the built `reports`: pages in `site`, PDFs in `pdfs`, one per report.
pub fn jobs(reports: &[PublishedReport], site: &Path, pdfs: &Path) -> Vec<Job> {
    reports
        .iter()
        .map(|r| Job {
            slug: r.slug.clone(),
            page: site.join(&r.slug).join("index.html"),
            pdf: pdfs.join(format!("{}.pdf", r.slug)),
        })
        .collect()
}

/// Builds the site for `file://` and prints every report (see the module comment).
pub fn print_site(opts: &PdfOptions, progress: &dyn Fn(PdfProgress)) -> PdfOutcome {
    let mut outcome = PdfOutcome::default();
    let result = stage_and_print(opts, progress, &mut outcome);
    let _ = fs::remove_dir_all(&opts.staging);
    if let Err(d) = result {
        outcome.diagnostics.push(d);
        outcome.pdfs.clear();
    }
    outcome
}

fn stage_and_print(
    opts: &PdfOptions,
    progress: &dyn Fn(PdfProgress),
    outcome: &mut PdfOutcome,
) -> Result<(), Diagnostic> {
    let io = |what: &str, path: &Path, e: std::io::Error| {
        Diagnostic::error(path, Pos::FILE, format!("cannot {what}: {e}"))
            .help("check that the folder exists and can be written, or choose another with --out")
    };
    let _ = fs::remove_dir_all(&opts.staging);
    fs::create_dir_all(&opts.staging)
        .map_err(|e| io("create the staging folder", &opts.staging, e))?;
    let staging = std::path::absolute(&opts.staging)
        .map_err(|e| io("resolve the staging folder", &opts.staging, e))?;
    let site = staging.join("site");
    progress(PdfProgress::Building);
    let built = crate::build(
        &BuildOptions {
            out: Some(site.clone()),
            base_url: Some(format!("{}/", site.to_string_lossy().replace('\\', "/"))),
            write: true,
            search_index: false,
            ..opts.build.clone()
        },
        &|_| {},
    );
    let ok = built.succeeded();
    outcome.diagnostics = built.diagnostics;
    if !ok {
        return Ok(());
    }
    let printed = staging.join("pdf");
    fs::create_dir_all(&printed).map_err(|e| io("create a folder", &printed, e))?;
    let jobs = jobs(&built.published, &site, &printed);
    for (n, job) in jobs.iter().enumerate() {
        progress(PdfProgress::Printing {
            slug: job.slug.clone(),
            n: n + 1,
            of: jobs.len(),
        });
        let profile = staging.join(format!("profile-{n}"));
        chromium::print(&opts.chromium, job, &profile)?;
    }
    fs::create_dir_all(&opts.pdf_dir).map_err(|e| io("create the PDF folder", &opts.pdf_dir, e))?;
    for job in &jobs {
        let to = opts.pdf_dir.join(job.pdf.file_name().unwrap_or_default());
        fs::copy(&job.pdf, &to).map_err(|e| io("write the PDF", &to, e))?;
        outcome.pdfs.push(to);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
