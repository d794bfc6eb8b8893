//! The `evalpress` command: arguments -> library calls -> printed diagnostics and exit code.

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};
use evalpress::changes::{self, store};
use evalpress::serve::{ServeEvent, ServeOptions, Server};
use evalpress::{BuildOptions, Outcome, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The allocator of the binary (the library leaves it to its user). jemalloc keeps peak memory
/// lower than glibc malloc, whose per-thread arenas hold freed memory apart, and is no slower
/// (README, "Benchmark").
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "evalpress",
    version,
    about = "Static site generator for evaluation reports: Markdown, YAML and CSV in, accessible HTML out.",
    after_help = "Examples:\n  evalpress build                         build the site in this folder into public/\n  evalpress build --base-url /rapporter/  build for a site served under a sub-path\n  evalpress check --strict                validate everything, warnings count as errors\n  evalpress changes                       list every number that changed in the last build\n  evalpress new report min-evaluering     start a new report in content/min-evaluering/"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate the site and write it to the output folder (default: public/).
    #[command(
        after_help = "Example:\n  evalpress build --root site --out site/public --base-url /rapporter/"
    )]
    Build {
        #[command(flatten)]
        common: Common,
        /// Output folder (default: <root>/public).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Write every file, ignoring what earlier builds left in .evalpress/cache/.
        #[arg(long)]
        no_cache: bool,
    },
    /// Validate everything a build would, writing nothing.
    #[command(after_help = "Example:\n  evalpress check --strict")]
    Check {
        #[command(flatten)]
        common: Common,
    },
    /// Build into .evalpress/serve/, serve it on 127.0.0.1 and rebuild and reload on every change.
    #[command(
        after_help = "Examples:\n  evalpress serve                     preview on http://127.0.0.1:1111/\n  evalpress serve --port 0 --drafts   any free port, drafts included\n  evalpress serve --bind 0.0.0.0      reachable from the network (prints a warning)"
    )]
    Serve {
        /// Site root (the folder with evalpress.yaml).
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
        /// Port to listen on; 0 picks a free one (the URL is printed).
        #[arg(long, default_value_t = evalpress::serve::DEFAULT_PORT)]
        port: u16,
        /// Address to listen on. Anything but loopback shows the preview, drafts and unpublished
        /// data included, to every machine that can reach this one.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Base URL or path to build the preview for (default: /).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Include reports marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Build the search index on every rebuild too (Pagefind; slow on large sites).
        #[arg(long)]
        search: bool,
        /// Print only errors and warnings.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Show what the last build changed: every published number, per report (run after build).
    #[command(
        after_help = "Examples:\n  evalpress changes\n  evalpress changes --format markdown > changes.md\n  cp -r .evalpress/changes/public ../before-update\n  evalpress changes --since ../before-update"
    )]
    Changes {
        /// Site root (the folder with evalpress.yaml).
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
        /// The output folder the builds went to (default: <root>/public).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// How to print the changes.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Compare the last build with the last build of this copy of a state folder (taken
        /// before the builds to compare with), or with a current.json an earlier evalpress kept,
        /// instead of the build before it.
        #[arg(long, value_name = "PATH")]
        since: Option<PathBuf>,
    },
    /// Print every report to an A4 PDF through headless Chromium.
    #[command(
        after_help = "Without --out, builds the site into public/ and writes public/pdf/<slug>.pdf.\nChromium: --chromium, else $EVALPRESS_CHROMIUM, else chromium, chromium-browser or google-chrome on PATH.\n\nExample:\n  evalpress pdf --out rapporter-pdf"
    )]
    Pdf {
        #[command(flatten)]
        common: Common,
        /// Folder for the PDFs (default: build the site into public/ and use public/pdf/).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The Chromium or Chrome executable to print with.
        #[arg(long, value_name = "PATH")]
        chromium: Option<PathBuf>,
    },
    /// Create something new.
    New {
        #[command(subcommand)]
        what: New,
    },
}

#[derive(Subcommand)]
enum New {
    /// Scaffold content/<slug>/index.md with every front-matter field.
    #[command(after_help = "Example:\n  evalpress new report evaluering-2025")]
    Report {
        /// Folder name and URL of the report: lowercase letters, digits and hyphens.
        slug: String,
        /// Site root (the folder with evalpress.yaml).
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Markdown,
    Json,
}

#[derive(Args)]
struct Common {
    /// Site root (the folder with evalpress.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Base URL or path the site is served under, e.g. /rapporter/ (overrides the config).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
    /// Include reports marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Print only errors and warnings.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            common,
            out,
            no_cache,
        } => run_build(common, out, true, no_cache),
        Command::Check { common } => run_build(common, None, false, false),
        Command::Serve {
            root,
            port,
            bind,
            base_url,
            drafts,
            search,
            quiet,
        } => {
            let opts = evalpress::serve::ServeOptions {
                port,
                bind,
                base_url,
                drafts,
                search,
                build_date: build_date(),
                ..evalpress::serve::ServeOptions::new(root)
            };
            run_serve(&opts, quiet)
        }
        Command::Changes {
            root,
            out,
            format,
            since,
        } => run_changes(&root, out, format, since.as_deref()),
        Command::Pdf {
            common,
            out,
            chromium,
        } => run_pdf(common, out, chromium),
        Command::New {
            what: New::Report { slug, root },
        } => {
            let today = jiff::ZonedDateTime::now().date().to_string();
            match evalpress::scaffold::new_report(&root, &slug, &today) {
                Ok(path) => {
                    println!("created {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    eprintln!("{d}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn run_build(common: Common, out: Option<PathBuf>, write: bool, no_cache: bool) -> ExitCode {
    let started = Instant::now();
    let opts = BuildOptions {
        root: common.root,
        out,
        base_url: common.base_url,
        strict: common.strict,
        drafts: common.drafts,
        write,
        build_date: build_date(),
        no_cache,
        search_index: true,
    };
    // A bar only on a terminal; in CI, in a pipe or with --quiet there is nothing to redraw.
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    let bar = (!common.quiet && !ci && std::io::stderr().is_terminal()).then(progress_bar);
    let progress = |p: Progress| {
        if p == Progress::Waiting {
            if !common.quiet {
                let line = "waiting for another evalpress build into the same folder to finish…";
                match &bar {
                    Some(bar) => bar.println(line),
                    None => eprintln!("{line}"),
                }
            }
        } else if let Some(bar) = &bar {
            show(bar, p);
        }
    };
    let mut outcome = evalpress::build(&opts, &progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    shown_from(&opts.root, &mut outcome);
    report(&outcome, write, common.quiet, started.elapsed())
}

fn run_serve(opts: &ServeOptions, quiet: bool) -> ExitCode {
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}, not on loopback: every machine that can reach this one can read the preview, drafts and unpublished data included\n  help: leave out --bind to serve on 127.0.0.1 only",
            opts.bind
        );
    }
    let root = opts.root.clone();
    let on_event = move |event: ServeEvent| match event {
        ServeEvent::Rebuilding { changed } if !quiet => {
            // The empty path means the watcher lost events and the whole site is rebuilt.
            let what = match changed.as_slice() {
                _ if changed.iter().any(|p| p.as_os_str().is_empty()) => "the sources".into(),
                [] => "the sources".into(),
                [one] => one.display().to_string(),
                [first, rest @ ..] => format!("{} and {} more", first.display(), rest.len()),
            };
            eprintln!("changed: {what}; rebuilding…");
        }
        ServeEvent::Rebuilding { .. } => {}
        ServeEvent::Built { mut outcome, took } => {
            shown_from(&root, &mut outcome);
            for d in &outcome.diagnostics {
                eprintln!("{d}");
            }
            let secs = took.as_secs_f64();
            if !outcome.succeeded() {
                let errors = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
                eprintln!(
                    "build failed in {secs:.2} s: {errors} error(s); the last good pages stay up with the errors over them"
                );
            } else if !quiet {
                eprintln!(
                    "built {} reports, {} files in {secs:.2} s",
                    outcome.reports, outcome.files
                );
                if let Some(diff) = &outcome.changes {
                    eprintln!("{}", changes_hint(diff, SEE_PAGE));
                }
            }
        }
    };
    match Server::start(opts, on_event) {
        Ok(server) => {
            // Ctrl-C stops the watcher and the listener; `wait` then returns and we exit 0.
            let stopper = server.stopper();
            if let Err(e) = ctrlc::set_handler(move || stopper.stop()) {
                eprintln!("warning: Ctrl-C cannot stop the preview cleanly: {e}");
            }
            eprintln!(
                "serving {} at {} (Ctrl-C to stop)",
                server.out().display(),
                server.url()
            );
            eprintln!(
                "what changed since the previous build: {}",
                server.changes_url()
            );
            server.wait();
            eprintln!("stopped: the preview server and the watcher have shut down");
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprintln!("{d}");
            ExitCode::FAILURE
        }
    }
}

/// Paths are relative to the site root; shown relative to where the command was run.
fn shown_from(root: &Path, outcome: &mut Outcome) {
    for d in &mut outcome.diagnostics {
        if root != Path::new(".")
            && d.file.is_relative()
            && root.join(&d.file).symlink_metadata().is_ok()
        {
            d.file = root.join(&d.file);
        }
    }
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{msg:20} [{bar:30}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// One progress event on the bar: stages as its message, reports generated as its position.
fn show(bar: &ProgressBar, p: Progress) {
    match p {
        // Printed as a line of its own by the caller.
        Progress::Waiting => {}
        Progress::Loading => bar.set_message("loading sources"),
        Progress::Parsing { reports } => {
            bar.set_length(reports as u64);
            bar.set_message("parsing reports");
        }
        Progress::Generating { reports } => {
            bar.set_length(reports as u64);
            bar.set_position(0);
            bar.set_message("tables and charts");
        }
        Progress::Generated => bar.inc(1),
        Progress::Rendering => bar.set_message("rendering pages"),
        Progress::Writing { files } => {
            bar.set_message(format!("writing {files} files"));
        }
    }
}

fn report(outcome: &Outcome, write: bool, quiet: bool, elapsed: Duration) -> ExitCode {
    for d in &outcome.diagnostics {
        eprintln!("{d}");
    }
    let errors = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = outcome.diagnostics.len() - errors;
    if !outcome.succeeded() {
        let untouched = if write {
            "; the output folder was not changed"
        } else {
            ""
        };
        eprintln!("failed: {errors} error(s), {warnings} warning(s){untouched}");
        return ExitCode::FAILURE;
    }
    if !quiet {
        let line = outcome
            .summary
            .line(elapsed, warnings, !write)
            .unwrap_or_else(|| {
                let s = &outcome.summary;
                format!(
                    "{} reports, {} tables, {} figures in {} ms; {warnings} warnings",
                    s.reports,
                    s.tables,
                    s.figures,
                    elapsed.as_millis()
                )
            });
        eprintln!("{line}");
        if let Some(diff) = &outcome.changes {
            eprintln!("{}", changes_hint(diff, RUN_CHANGES));
        }
    }
    ExitCode::SUCCESS
}

/// Where the changes line of `build` points.
const RUN_CHANGES: &str = "run `evalpress changes` to list them";
/// Where the changes line of `serve` points.
const SEE_PAGE: &str = "the changes page lists them";

/// One line after a build about what changed, pointing at `how` to list them.
fn changes_hint(diff: &changes::Diff, how: &str) -> String {
    if !diff.baseline {
        return "changes: first build into this folder, nothing to compare with yet".into();
    }
    let cells: usize = diff
        .reports
        .iter()
        .map(|r| {
            r.elements
                .iter()
                .map(|e| e.cells.len().max(1))
                .sum::<usize>()
                + r.values.len()
        })
        .sum();
    if cells == 0 {
        "changes: no published number changed".into()
    } else {
        format!(
            "changes: {cells} change(s) in {} report(s); {how}",
            diff.reports.len()
        )
    }
}

fn run_changes(
    root: &Path,
    out: Option<PathBuf>,
    format: Format,
    since: Option<&Path>,
) -> ExitCode {
    let out = out.unwrap_or_else(|| root.join("public"));
    let dir = store::state_dir(root, &out);
    let diff = match since {
        Some(file) => store::read_snapshot(file).and_then(|old| {
            let old = old.ok_or_else(|| format!("{} does not exist", file.display()))?;
            let new = store::read_current(&dir)?;
            Ok(new.map(|new| changes::diff(Some(&old), &new)))
        }),
        None => store::last_diff(&dir),
    };
    let diff = match diff {
        Ok(Some(diff)) => diff,
        Ok(None) => {
            eprintln!(
                "error: no build of {} into {} is recorded\n  help: run `evalpress build` first; `evalpress changes` lists what it changed",
                root.display(),
                out.display()
            );
            return ExitCode::FAILURE;
        }
        Err(why) => {
            let help = match since {
                Some(_) => {
                    "pass a copy of a state folder in .evalpress/changes/ (taken before the builds to compare with), or a current.json an earlier evalpress kept there"
                        .to_string()
                }
                None => format!("build again, or delete {} first", dir.display()),
            };
            eprintln!("error: {why}\n  help: {help}");
            return ExitCode::FAILURE;
        }
    };
    match format {
        Format::Text => print!("{}", changes::text(&diff)),
        Format::Markdown => print!("{}", changes::markdown(&diff)),
        Format::Json => match serde_json::to_string_pretty(&diff) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        },
    }
    ExitCode::SUCCESS
}

fn run_pdf(common: Common, out: Option<PathBuf>, chromium: Option<PathBuf>) -> ExitCode {
    use evalpress::pdf;
    let started = Instant::now();
    let chromium = match pdf::find_chromium(
        chromium.as_deref(),
        std::env::var_os(pdf::CHROMIUM_ENV),
        std::env::var_os("PATH"),
    ) {
        Ok(path) => path,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let quiet = common.quiet;
    let opts = BuildOptions {
        root: common.root.clone(),
        out: None,
        base_url: common.base_url.clone(),
        strict: common.strict,
        drafts: common.drafts,
        write: true,
        build_date: build_date(),
        no_cache: false,
        search_index: true,
    };
    // Without --out the PDFs join a freshly built site, so public/ is evalpress's own folder.
    let pdf_dir = match out {
        Some(dir) => dir,
        None => {
            let mut built = evalpress::build(&opts, &|_| {});
            shown_from(&opts.root, &mut built);
            let code = report(&built, true, quiet, started.elapsed());
            if !built.succeeded() {
                return code;
            }
            built.out.join("pdf")
        }
    };
    let staging = std::env::temp_dir().join(format!("evalpress-pdf-{}", std::process::id()));
    let pdf_opts = pdf::PdfOptions {
        build: opts,
        pdf_dir: pdf_dir.clone(),
        chromium,
        staging,
    };
    let progress = |p: pdf::PdfProgress| {
        if !quiet {
            match p {
                pdf::PdfProgress::Building => eprintln!("building the site for print…"),
                pdf::PdfProgress::Printing { slug, n, of } => {
                    eprintln!("printing {n}/{of}: {slug}.pdf")
                }
            }
        }
    };
    let outcome = pdf::print_site(&pdf_opts, &progress);
    for d in &outcome.diagnostics {
        eprintln!("{d}");
    }
    if !outcome.succeeded() {
        eprintln!("failed: no PDF was written or replaced");
        return ExitCode::FAILURE;
    }
    if !quiet {
        eprintln!(
            "wrote {} PDFs into {} in {:.1} s",
            outcome.pdfs.len(),
            pdf_dir.display(),
            started.elapsed().as_secs_f64()
        );
    }
    ExitCode::SUCCESS
}

/// The build date from `SOURCE_DATE_EPOCH`, so output never depends on the wall clock.
fn build_date() -> Option<String> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let ts = jiff::Timestamp::from_second(secs).ok()?;
    Some(
        ts.to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_counts_the_reports_generated() {
        let bar = ProgressBar::hidden();
        for p in [
            Progress::Loading,
            Progress::Parsing { reports: 5 },
            Progress::Generating { reports: 4 },
            Progress::Generated,
            Progress::Generated,
        ] {
            show(&bar, p);
        }
        assert_eq!((bar.position(), bar.length()), (2, Some(4)));
        assert_eq!(bar.message(), "tables and charts");
        show(&bar, Progress::Writing { files: 12 });
        assert_eq!(bar.message(), "writing 12 files");
    }

    #[test]
    fn the_changes_line_after_a_build() {
        assert_eq!(
            changes_hint(&changes::Diff::default(), RUN_CHANGES),
            "changes: first build into this folder, nothing to compare with yet"
        );
        let none = changes::Diff {
            baseline: true,
            reports: vec![],
        };
        assert_eq!(
            changes_hint(&none, RUN_CHANGES),
            "changes: no published number changed"
        );
        let element = changes::ElementDiff {
            anchor: "f".into(),
            label: "Figur 1".into(),
            title: "F".into(),
            status: changes::Status::Added,
            cells: vec![],
        };
        let some = changes::Diff {
            baseline: true,
            reports: vec![changes::ReportDiff {
                slug: "r".into(),
                title: "R".into(),
                status: changes::Status::Changed,
                elements: vec![element],
                values: vec![],
            }],
        };
        assert_eq!(
            changes_hint(&some, RUN_CHANGES),
            "changes: 1 change(s) in 1 report(s); run `evalpress changes` to list them"
        );
        assert_eq!(
            changes_hint(&some, SEE_PAGE),
            "changes: 1 change(s) in 1 report(s); the changes page lists them"
        );
    }
}
