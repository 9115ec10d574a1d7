//! Moving one stream from the source to the target: `zfs send` into
//! `zfs receive`, or a manifest into `zoneadm attach -n -`.
//!
//! Two paths, as the issue and `docs/move-procedure.md` describe:
//!
//! * **Direct** (the default): the pipe runs on the source, as the hand
//!   procedure runs it, `zfs send … | ssh TARGET 'zfs receive …'`: the data
//!   crosses one encrypted hop. POSIX `sh` gives a pipeline the status of
//!   its last command only, so the sender's status is written to standard
//!   error behind a marker (`zmigrate-send-status N`) and read back here;
//!   a failed send is never mistaken for a good receive. When the source's
//!   ssh is OpenSSH, the runner first opens one control master from the
//!   source to the target, and every pipe rides on it (`-o ControlPath=…`):
//!   no connection is set up inside the downtime window.
//! * **Relay**: `ssh SOURCE zfs send` and `ssh TARGET zfs receive` both run
//!   from here over zmigrate's own connections, and the bytes are copied
//!   between them, counted (for progress and the report) and, with a
//!   bandwidth limit, paced. Two hops, as syncoid does; used when the
//!   source cannot reach the target or when asked.

use std::io::{Read, Write};
use std::thread;
use std::time::{Duration, Instant};

use zrules::shell::{Command, quote};

use crate::exec::{ExecError, Executor, Limit, Output, Status};

/// The marker line the direct pipe writes with the sender's exit status.
const SEND_STATUS: &str = "zmigrate-send-status";

/// Why a stream did not arrive.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error(transparent)]
    Exec(#[from] ExecError),
    #[error("`{command}` on the source ended with {status}: {stderr}")]
    Send {
        command: String,
        status: Status,
        stderr: String,
    },
    #[error("`{command}` on the target ended with {status}: {stderr}")]
    Receive {
        command: String,
        status: Status,
        stderr: String,
    },
    #[error("copying the stream: {0}")]
    Copy(std::io::Error),
}

impl TransferError {
    /// The receive failed because the target dataset changed since its last
    /// snapshot (zfs's "destination … has been modified since most recent
    /// snapshot", `docs/solaris-commands.md` §5).
    pub fn target_modified(&self) -> bool {
        matches!(self, TransferError::Receive { stderr, .. }
            if stderr.contains("has been modified") || stderr.contains("since most recent snapshot"))
    }
}

/// The ssh options of the source's own ssh to the target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceSsh {
    /// The target's name as the source's ssh knows it (validated).
    pub target: String,
    /// A control socket on the source (its master opened by the runner).
    pub control_path: Option<String>,
    /// `-o Compression=yes`.
    pub compress: bool,
}

impl SourceSsh {
    /// `ssh -o BatchMode=yes [options] -- TARGET`, the words before the
    /// remote command.
    pub fn words(&self) -> Vec<String> {
        let mut w = vec![
            "ssh".to_owned(),
            "-o".to_owned(),
            "BatchMode=yes".to_owned(),
        ];
        if let Some(p) = &self.control_path {
            w.push("-o".to_owned());
            w.push(format!("ControlPath={p}"));
        }
        if self.compress {
            w.push("-o".to_owned());
            w.push("Compression=yes".to_owned());
        }
        w.push("--".to_owned());
        w.push(self.target.clone());
        w
    }
}

/// `sh -c '(FROM; echo "zmigrate-send-status $?" >&2) | ssh … TARGET TO'`:
/// the direct pipe, run on the source.
pub fn direct_command(from: &Command, to: &Command, ssh: &SourceSsh) -> Command {
    let ssh_words: Vec<String> = ssh.words().iter().map(|w| quote(w)).collect();
    let script = format!(
        "({}; echo \"{SEND_STATUS} $?\" >&2) | {} {}",
        from.to_shell(),
        ssh_words.join(" "),
        quote(&to.to_shell())
    );
    Command::new("sh", ["-c", script.as_str()])
}

/// Splits the direct pipe's standard error into the sender's status and
/// the rest.
fn split_status(stderr: &[u8]) -> (Option<i32>, String) {
    let text = String::from_utf8_lossy(stderr);
    let mut status = None;
    let mut rest = Vec::new();
    for l in text.lines() {
        match l.strip_prefix(SEND_STATUS) {
            Some(n) => status = n.trim().parse().ok(),
            None => rest.push(l),
        }
    }
    (status, rest.join("\n"))
}

/// Runs the direct pipe on the source. No time limit: a stream takes as
/// long as the data needs.
pub fn direct(
    source: &dyn Executor,
    from: &Command,
    to: &Command,
    ssh: &SourceSsh,
) -> Result<(), TransferError> {
    let out = source.run_with(&direct_command(from, to, ssh), None, Limit::None)?;
    let (send, rest) = split_status(&out.stderr);
    if send != Some(0) {
        return Err(TransferError::Send {
            command: from.to_string(),
            status: send.map_or(out.status, Status::Exited),
            stderr: rest,
        });
    }
    if !out.success() {
        return Err(TransferError::Receive {
            command: to.to_string(),
            status: out.status,
            stderr: rest,
        });
    }
    Ok(())
}

/// Runs `from` on the source, then `to` on the target with its output as
/// input: for small outputs (a manifest), not streams.
pub fn small(
    source: &dyn Executor,
    target: &dyn Executor,
    from: &Command,
    to: &Command,
) -> Result<Output, TransferError> {
    let out = source.run(from)?;
    if !out.success() {
        return Err(TransferError::Send {
            command: from.to_string(),
            status: out.status,
            stderr: out.stderr_text(),
        });
    }
    let got = target.run_with(to, Some(&out.stdout), Limit::Default)?;
    if !got.success() {
        return Err(TransferError::Receive {
            command: to.to_string(),
            status: got.status,
            stderr: got.stderr_text(),
        });
    }
    Ok(got)
}

fn drain(mut r: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut b = Vec::new();
        let _ = r.read_to_end(&mut b);
        String::from_utf8_lossy(&b).trim_end().to_owned()
    })
}

/// Relays `from` (on the source) into `to` (on the target) through this
/// machine, counting the bytes (`counted` is called as they pass) and,
/// with `limit` bytes per second, pacing them. Returns the bytes relayed.
pub fn relay(
    source: &dyn Executor,
    target: &dyn Executor,
    from: &Command,
    to: &Command,
    limit: Option<u64>,
    counted: &(dyn Fn(u64) + Sync),
) -> Result<u64, TransferError> {
    let mut send = source.spawn(from)?;
    let mut recv = match target.spawn(to) {
        Ok(r) => r,
        Err(e) => {
            let _ = send.kill();
            let _ = send.wait();
            return Err(e.into());
        }
    };
    drop(send.stdin.take());
    let send_err = send.stderr.take().map(drain);
    let recv_err = recv.stderr.take().map(drain);
    let recv_out = recv.stdout.take().map(drain);
    let mut total = 0u64;
    let copy = (|| -> std::io::Result<()> {
        let (Some(mut input), Some(mut output)) = (send.stdout.take(), recv.stdin.take()) else {
            return Ok(());
        };
        let start = Instant::now();
        let mut buf = vec![0u8; 128 * 1024];
        loop {
            let n = input.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            output.write_all(&buf[..n])?;
            total += n as u64;
            counted(total);
            if let Some(bps) = limit.filter(|b| *b > 0) {
                // Sleep until the bytes so far fit the rate.
                let due = Duration::from_secs_f64(total as f64 / bps as f64);
                if let Some(wait) = due.checked_sub(start.elapsed()) {
                    thread::sleep(wait);
                }
            }
        }
    })();
    // The receiver sees the end of its input when the pipe is dropped
    // (inside the closure); now both ends finish.
    let send_status = send.wait().map_err(TransferError::Copy)?;
    let recv_status = recv.wait().map_err(TransferError::Copy)?;
    let text =
        |h: Option<thread::JoinHandle<String>>| h.and_then(|h| h.join().ok()).unwrap_or_default();
    let send_stderr = text(send_err);
    let recv_stderr = text(recv_err);
    let _ = text(recv_out);
    let send_status = crate::exec::status_of(send_status);
    let recv_status = crate::exec::status_of(recv_status);
    if !send_status.success() {
        return Err(TransferError::Send {
            command: from.to_string(),
            status: send_status,
            stderr: send_stderr,
        });
    }
    if !recv_status.success() {
        return Err(TransferError::Receive {
            command: to.to_string(),
            status: recv_status,
            stderr: recv_stderr,
        });
    }
    copy.map_err(TransferError::Copy)?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::local::LocalExecutor;

    fn ssh() -> SourceSsh {
        SourceSsh {
            target: "gz-b".to_owned(),
            control_path: Some("/tmp/zmigrate-x/cm".to_owned()),
            compress: false,
        }
    }

    #[test]
    fn the_direct_pipe_reads_as_the_hand_procedure_and_keeps_the_senders_status() {
        let c = direct_command(
            &Command::new("zfs", ["send", "-rc", "pool1/www@s"]),
            &Command::new("zfs", ["receive", "-u", "-e", "pool1"]),
            &ssh(),
        );
        assert_eq!(
            c.args[1],
            "(zfs send -rc pool1/www@s; echo \"zmigrate-send-status $?\" >&2) | \
             ssh -o BatchMode=yes -o ControlPath=/tmp/zmigrate-x/cm -- gz-b 'zfs receive -u -e pool1'"
        );
        let (s, rest) = split_status(b"cannot open 'x': no such pool\nzmigrate-send-status 1\n");
        assert_eq!(
            (s, rest.as_str()),
            (Some(1), "cannot open 'x': no such pool")
        );
    }

    #[test]
    fn a_relay_copies_counts_and_reports_which_side_failed() {
        let here = LocalExecutor::new("here");
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("got");
        let to = Command::new("sh", ["-c", &format!("cat > {}", out.display())]);
        let seen = std::sync::atomic::AtomicU64::new(0);
        let n = relay(
            &here,
            &here,
            &Command::new("head", ["-c", "300000", "/dev/zero"]),
            &to,
            None,
            &|b| seen.store(b, std::sync::atomic::Ordering::Relaxed),
        )
        .expect("relayed");
        assert_eq!(n, 300_000);
        assert_eq!(seen.load(std::sync::atomic::Ordering::Relaxed), 300_000);
        assert_eq!(std::fs::metadata(&out).expect("written").len(), 300_000);

        let e = relay(
            &here,
            &here,
            &Command::new("sh", ["-c", "echo partial; echo broken >&2; exit 3"]),
            &Command::new("sh", ["-c", "cat >/dev/null"]),
            None,
            &|_| {},
        )
        .expect_err("send fails");
        assert!(matches!(e, TransferError::Send { .. }), "{e}");
        assert!(e.to_string().contains("broken"), "{e}");

        let e = relay(
            &here,
            &here,
            &Command::new("echo", ["x"]),
            &Command::new(
                "sh",
                ["-c", "cat >/dev/null; echo 'cannot receive incremental stream: destination pool1/www has been modified' >&2; exit 1"],
            ),
            None,
            &|_| {},
        )
        .expect_err("receive fails");
        assert!(e.target_modified(), "{e}");
    }
}
