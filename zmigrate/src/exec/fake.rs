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

use super::{ExecError, Executor, Output};

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

    fn run(&self, cmd: &Command) -> Result<Output, ExecError> {
        let argv = cmd.argv();
        self.asked
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(argv.clone());
        match self.answers.get(&argv) {
            Some(Answer::Output(o)) => Ok(o.clone()),
            Some(Answer::Error(f)) => Err(f(&self.host)),
            None => Ok(Output::failed(
                127,
                format!("sh: {}: not found in the fake's table\n", cmd.program),
            )),
        }
    }
}
