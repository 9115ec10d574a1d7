//! Running commands on hosts: the one door through which zmigrate touches a
//! machine.
//!
//! A command is data ([`zrules::shell::Command`]: a program and its
//! arguments, the one command type of the toolkit), never a shell string
//! built by hand. An [`Executor`] runs it on one host and hands back what
//! the command printed and how it ended; whether that end is a failure is
//! the caller's decision (a `svcs -d` of a service that is not installed
//! fails, and that is a fact, not an error of the executor). An executor
//! returns an error only when it could not run the command at all: the
//! program could not be started, the connection to the host is gone, or the
//! command ran past its time limit.
//!
//! Three executors: [`local::LocalExecutor`] runs on this machine,
//! [`ssh::SshExecutor`] runs on a remote global zone over one multiplexed
//! OpenSSH connection, and [`fake::FakeExecutor`] answers from a table, for
//! tests. Arguments that cross a shell (ssh joins its argv into one string
//! for the remote shell; `zlogin` does the same inside the zone) are quoted
//! by zrules' one quoter ([`zrules::shell::quote`]): the ssh executor
//! through [`Command::to_shell`], `zlogin` wrapping through
//! [`Command::in_zone`].

pub mod fake;
pub mod local;
pub mod probe;
mod process;
pub mod ssh;

use std::fmt;
use std::time::Duration;

use zrules::shell::Command;

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// It exited with this code.
    Exited(i32),
    /// It was killed by this signal (on the host, or ssh was).
    Signaled(i32),
}

impl Status {
    pub fn success(self) -> bool {
        self == Status::Exited(0)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Exited(c) => write!(f, "exit status {c}"),
            Status::Signaled(s) => write!(f, "signal {s}"),
        }
    }
}

/// What a command printed and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub status: Status,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Output {
    /// A successful run that printed `stdout`.
    pub fn ok(stdout: impl Into<Vec<u8>>) -> Self {
        Output {
            status: Status::Exited(0),
            stdout: stdout.into(),
            stderr: Vec::new(),
        }
    }

    /// A run that exited with `code` and printed `stderr`.
    pub fn failed(code: i32, stderr: impl Into<Vec<u8>>) -> Self {
        Output {
            status: Status::Exited(code),
            stdout: Vec::new(),
            stderr: stderr.into(),
        }
    }

    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// Standard error as text, trailing blank lines dropped.
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).trim_end().to_owned()
    }
}

/// Why an executor could not run a command at all.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// The program (locally: the command itself; remotely: ssh) could not be started.
    #[error("{command}: could not start: {source}")]
    Start {
        command: String,
        #[source]
        source: std::io::Error,
    },
    /// The host cannot be reached, or the connection to it was lost.
    #[error("cannot reach {host}: {message}")]
    Connection { host: String, message: String },
    /// The command ran longer than allowed and was stopped.
    #[error("{command}: no answer within {} s; stopped", .limit.as_secs())]
    Timeout { command: String, limit: Duration },
    /// The host name would be unsafe on a command line.
    #[error(transparent)]
    Name(#[from] zrules::names::NameError),
    /// Waiting for or reading from the command failed.
    #[error("{command}: {source}")]
    Io {
        command: String,
        #[source]
        source: std::io::Error,
    },
}

/// How long a command may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// The executor's own limit (`--timeout`, [`DEFAULT_TIMEOUT`]).
    Default,
    /// This long.
    After(Duration),
    /// As long as it takes: a transfer of a large dataset, or a command
    /// that carries its own deadline.
    None,
}

impl Limit {
    /// The time limit to apply, given the executor's own; `None`: none.
    pub fn resolve(self, executors: Duration) -> Option<Duration> {
        match self {
            Limit::Default => Some(executors),
            Limit::After(d) => Some(d),
            Limit::None => None,
        }
    }
}

/// Runs commands on one host.
///
/// Object-safe and `Send + Sync`, so a move can hold the source's and the
/// target's executors as `Box<dyn Executor>` and drive them from several
/// threads (a `zfs send` on one host feeding a `zfs receive` on the other).
/// [`Executor::run`] is the common case (no input, the whole output at the
/// end, the executor's time limit); [`Executor::run_with`] adds standard
/// input and another limit; [`Executor::spawn`] streams.
pub trait Executor: Send + Sync {
    /// The host the commands run on, as the user named it (`localhost` for
    /// the local executor).
    fn host(&self) -> &str;

    /// Runs `cmd` with no standard input and returns its output, whatever
    /// its exit status.
    fn run(&self, cmd: &Command) -> Result<Output, ExecError> {
        self.run_with(cmd, None, Limit::Default)
    }

    /// Runs `cmd` with `input` on its standard input (none when `None`),
    /// stopped when `limit` passes.
    fn run_with(
        &self,
        cmd: &Command,
        input: Option<&[u8]>,
        limit: Limit,
    ) -> Result<Output, ExecError>;

    /// Starts `cmd` with its standard input, output and error as pipes and
    /// hands the running process over: the caller streams through it and
    /// waits for it. (For remote hosts the process is the local `ssh`
    /// carrying the command.)
    fn spawn(&self, cmd: &Command) -> Result<std::process::Child, ExecError>;
}

/// How a local process ended, in the executors' terms.
pub(crate) fn status_of(s: std::process::ExitStatus) -> Status {
    process::status(s)
}

/// How long one command may run before it is stopped (a zlogin into a hung
/// zone must not stall a collection forever).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executors_can_be_shared_between_threads_as_trait_objects() {
        fn shareable<T: Send + Sync + ?Sized>() {}
        shareable::<dyn Executor>();
        let boxed: Vec<Box<dyn Executor>> = vec![
            Box::new(fake::FakeExecutor::new("a")),
            Box::new(local::LocalExecutor::new("b")),
        ];
        let hosts: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = boxed
                .iter()
                .map(|x| s.spawn(move || x.host().to_owned()))
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        assert_eq!(hosts, ["a", "b"]);
    }

    #[test]
    fn status_words() {
        assert!(Output::ok("x").success());
        assert!(!Output::failed(1, "no").success());
        assert_eq!(Status::Exited(3).to_string(), "exit status 3");
        assert_eq!(Status::Signaled(9).to_string(), "signal 9");
        assert_eq!(Output::failed(1, "boom\n\n").stderr_text(), "boom");
    }
}
