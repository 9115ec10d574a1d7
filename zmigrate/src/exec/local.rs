//! The local executor: runs a command on this machine, for `--local` runs
//! on a global zone itself, and for tests.
//!
//! No shell is involved: the program is started with its arguments as they
//! are, so nothing is quoted here.

use std::process::Command as Process;
use std::time::Duration;

use zrules::shell::Command;

use super::{ExecError, Executor, Limit, Output, process};

/// Runs commands on this machine.
#[derive(Clone, Debug)]
pub struct LocalExecutor {
    label: String,
    timeout: Duration,
    path: Option<std::ffi::OsString>,
}

impl LocalExecutor {
    /// `label` names this machine in reports (e.g. its nodename).
    pub fn new(label: impl Into<String>) -> Self {
        LocalExecutor {
            label: label.into(),
            timeout: super::DEFAULT_TIMEOUT,
            path: None,
        }
    }

    /// The time one command may take.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = limit;
        self
    }

    /// Look programs up in this `PATH` instead of the inherited one.
    pub fn path(mut self, path: impl Into<std::ffi::OsString>) -> Self {
        self.path = Some(path.into());
        self
    }
}

impl LocalExecutor {
    fn process(&self, cmd: &Command) -> Process {
        let mut c = Process::new(&cmd.program);
        c.args(&cmd.args);
        if let Some(p) = &self.path {
            c.env("PATH", p);
        }
        c
    }
}

impl Executor for LocalExecutor {
    fn host(&self) -> &str {
        &self.label
    }

    fn run_with(
        &self,
        cmd: &Command,
        input: Option<&[u8]>,
        limit: Limit,
    ) -> Result<Output, ExecError> {
        let limit = limit.resolve(self.timeout);
        process::run_with(self.process(cmd), &cmd.to_string(), input, limit)
    }

    fn spawn(&self, cmd: &Command) -> Result<std::process::Child, ExecError> {
        process::spawn(self.process(cmd), &cmd.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_without_a_shell() {
        let x = LocalExecutor::new("here");
        assert_eq!(x.host(), "here");
        let o = x
            .run(&Command::new("printf", ["%s|", "$HOME", "a b"]))
            .expect("ran");
        assert_eq!(String::from_utf8_lossy(&o.stdout), "$HOME|a b|");
    }
}
