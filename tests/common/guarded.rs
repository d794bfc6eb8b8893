//! Running the real `evalpress` binary with a hang guard: a run that has not ended after
//! [`HANG`] is killed and fails the test, so a hostile input that blocks (a pipe, `/dev/zero`)
//! or loops shows up as a failure instead of a stuck suite. Output goes to a file, so a chatty
//! run cannot block on a full pipe.
#![allow(dead_code)] // not every test crate that includes `mod common` uses every helper

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A run that has not finished after this long is a hang.
pub const HANG: Duration = Duration::from_secs(60);

/// `evalpress <args>` inside `dir`, with no build date in the environment.
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_evalpress"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        // no Pagefind: the same output on every machine (tests/search.rs runs it)
        .env("EVALPRESS_PAGEFIND", "off");
    cmd
}

/// Runs `cmd` to its end; returns the exit code (`None` when a signal ended it, e.g. a stack
/// overflow) and stderr. Panics when it hangs.
pub fn finish(mut cmd: Command) -> (Option<i32>, String) {
    let logs = tempfile::tempdir().unwrap();
    let err_path = logs.path().join("stderr");
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("start the command");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} hung for {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    (status.code(), fs::read_to_string(&err_path).unwrap())
}

/// `evalpress <args>` inside `dir` with `env` set, to its end.
pub fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = command(dir, args);
    cmd.envs(env.iter().copied());
    finish(cmd)
}
