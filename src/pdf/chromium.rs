//! Running headless Chromium for `pdf`: one print job -> one PDF file. This is the only place
//! evalpress starts another program.
//!
//! Input: the executable, the job and a fresh profile folder. Output: the PDF at the job's path,
//! checked to be a PDF, or a diagnostic with Chromium's own last lines. Its output goes to a log
//! file beside the profile (a pipe could fill up and stall it), never to the terminal; a browser
//! that hangs is stopped after [`TIMEOUT`].

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Job, chromium_args};
use crate::diagnostics::{Diagnostic, Pos};

/// How long one report may take to print.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// Prints `job` with the Chromium at `exe`.
pub fn print(exe: &Path, job: &Job, profile: &Path) -> Result<(), Diagnostic> {
    let fail = |why: String| {
        Diagnostic::error(&job.page, Pos::FILE, why).help(format!(
            "check that {} starts (try `{} --headless --version`), or point --chromium at another Chromium",
            exe.display(),
            exe.display()
        ))
    };
    let log_path = profile.with_extension("log");
    let log = std::fs::File::create(&log_path)
        .map_err(|e| fail(format!("cannot create {}: {e}", log_path.display())))?;
    let log_err = log
        .try_clone()
        .map_err(|e| fail(format!("cannot share {}: {e}", log_path.display())))?;
    let mut child = Command::new(exe)
        .args(chromium_args(&job.page, &job.pdf, profile))
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log_err))
        .spawn()
        .map_err(|e| fail(format!("cannot start {}: {e}", exe.display())))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!(
                    "Chromium did not finish printing {} within {} s",
                    job.slug,
                    TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(fail(format!("cannot wait for Chromium: {e}"))),
        }
    };
    let is_pdf = std::fs::read(&job.pdf).is_ok_and(|b| b.starts_with(b"%PDF-"));
    if status.success() && is_pdf {
        return Ok(());
    }
    let said = std::fs::read(&log_path).unwrap_or_default();
    let said = String::from_utf8_lossy(&said);
    let tail: Vec<&str> = said.lines().rev().take(5).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(fail(format!(
        "Chromium ({status}) wrote no PDF for {}{}",
        job.slug,
        if tail.is_empty() {
            String::new()
        } else {
            format!(": {}", tail.join(" | "))
        }
    )))
}
