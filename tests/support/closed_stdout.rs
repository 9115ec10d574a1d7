//! Running a binary whose reader has gone away (`zrules check | head -1`):
//! its standard output is closed before it writes. Shared by the three
//! binaries' CLI tests, which each assert what their command must do then
//! (end quietly, with the exit code the run earned).

use std::process::{Command, Stdio};

/// Runs `cmd` with its standard output closed from the start; returns its
/// exit code and what it printed on standard error.
pub fn run(mut cmd: Command) -> (Option<i32>, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
