//! A fake executor for tests: answers each command from a table of argument
//! vectors and records what was asked, so a test can state both what a
//! host "printed" and which commands were run, in order.
//!
//! It is a plain fake, not a mock: it has no expectations of its own, and
//! a command missing from the table gets the answer a real shell gives for
//! an unknown command (exit 127), so code under test sees a realistic
//! failure rather than a panic.

use std::collections::BTreeMap;
use std::sync::Mutex;

use zrules::shell::Command;

use super::{ExecError, Executor, Limit, Output};

/// What the fake does for one command.
#[derive(Debug)]
pub enum Answer {
    Output(Output),
    /// The executor fails (e.g. [`ExecError::Connection`]); built on demand
    /// because errors are not `Clone`.
    Error(fn(&str) -> ExecError),
}

/// Answers commands from a table keyed by the full argument vector.
#[derive(Debug, Default)]
pub struct FakeExecutor {
    host: String,
    answers: BTreeMap<Vec<String>, Answer>,
    asked: Mutex<Vec<Vec<String>>>,
    fed: Mutex<Vec<(Vec<String>, Vec<u8>)>>,
}

impl FakeExecutor {
    pub fn new(host: impl Into<String>) -> Self {
        FakeExecutor {
            host: host.into(),
            ..Self::default()
        }
    }

    fn key(argv: &[&str]) -> Vec<String> {
        argv.iter().map(|s| (*s).to_owned()).collect()
    }

    /// `argv` succeeds and prints `stdout`.
    pub fn ok(mut self, argv: &[&str], stdout: &str) -> Self {
        self.answers
            .insert(Self::key(argv), Answer::Output(Output::ok(stdout)));
        self
    }

    /// `argv` ends with `output`.
    pub fn answer(mut self, argv: &[&str], output: Output) -> Self {
        self.answers.insert(Self::key(argv), Answer::Output(output));
        self
    }

    /// Running `argv` makes the executor fail with `error(host)`.
    pub fn error(mut self, argv: &[&str], error: fn(&str) -> ExecError) -> Self {
        self.answers.insert(Self::key(argv), Answer::Error(error));
        self
    }

    /// Every argument vector run so far, in order.
    pub fn asked(&self) -> Vec<Vec<String>> {
        self.asked
            .lock()
            .map(|a| a.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }
}

impl Executor for FakeExecutor {
    fn host(&self) -> &str {
        &self.host
    }

    fn run_with(
        &self,
        cmd: &Command,
        input: Option<&[u8]>,
        _limit: Limit,
    ) -> Result<Output, ExecError> {
        let argv = cmd.argv();
        self.asked
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(argv.clone());
        if let Some(bytes) = input {
            self.fed
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push((argv.clone(), bytes.to_vec()));
        }
        self.answer_for(cmd, &argv)
    }

    /// A local `sh` that prints the table's answer and exits with its
    /// status, reading (and dropping) whatever it is fed.
    fn spawn(&self, cmd: &Command) -> Result<std::process::Child, ExecError> {
        let out = self.run(cmd)?;
        let code = match out.status {
            super::Status::Exited(c) => c,
            super::Status::Signaled(s) => 128 + s,
        };
        let mut c = std::process::Command::new("/bin/sh");
        c.args([
            "-c",
            "cat >/dev/null; printf %s \"$1\"; printf %s \"$2\" >&2; exit \"$3\"",
            "fake",
        ])
        .arg(String::from_utf8_lossy(&out.stdout).as_ref())
        .arg(String::from_utf8_lossy(&out.stderr).as_ref())
        .arg(code.to_string());
        super::process::spawn(c, &cmd.to_string())
    }
}

impl FakeExecutor {
    /// What each command run with input was fed, in order.
    pub fn fed(&self) -> Vec<(Vec<String>, Vec<u8>)> {
        self.fed
            .lock()
            .map(|a| a.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    fn answer_for(&self, cmd: &Command, argv: &[String]) -> Result<Output, ExecError> {
        match self.answers.get(argv) {
            Some(Answer::Output(o)) => Ok(o.clone()),
            Some(Answer::Error(f)) => Err(f(&self.host)),
            None => Ok(Output::failed(
                127,
                format!("sh: {}: not found in the fake's table\n", cmd.program),
            )),
        }
    }
}
