//! Running one local process with a time limit, shared by the local and the
//! ssh executors.
//!
//! Both pipes are drained on their own threads so a command that fills
//! stderr while we read stdout cannot deadlock, and the child is polled so
//! that one that hangs (a zlogin into a wedged zone, an ssh whose peer went
//! silent) is killed, by its own id, when its time is up.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::{ExecError, Output, Status};

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> JoinHandle<std::io::Result<Vec<u8>>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            p.read_to_end(&mut buf)?;
        }
        Ok(buf)
    })
}

fn status_of(s: std::process::ExitStatus) -> Status {
    use std::os::unix::process::ExitStatusExt;
    match (s.code(), s.signal()) {
        (Some(c), _) => Status::Exited(c),
        (None, Some(sig)) => Status::Signaled(sig),
        (None, None) => Status::Exited(-1),
    }
}

/// Waits for `child` up to `limit` (forever with `None`); kills it when the
/// limit passes. Returns `None` on timeout.
fn wait_limited(
    child: &mut Child,
    limit: Option<Duration>,
) -> std::io::Result<Option<std::process::ExitStatus>> {
    let Some(limit) = limit else {
        return child.wait().map(Some);
    };
    let end = Instant::now() + limit;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(s) = child.try_wait()? {
            return Ok(Some(s));
        }
        if Instant::now() >= end {
            child.kill()?;
            child.wait()?;
            return Ok(None);
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// Runs `cmd` with stdin closed and both outputs captured. `shown` is the
/// command as messages should name it.
pub(crate) fn run(cmd: Command, shown: &str, limit: Duration) -> Result<Output, ExecError> {
    run_with(cmd, shown, None, Some(limit))
}

/// Runs `cmd` with `input` on its standard input (closed when `None`) and
/// both outputs captured, stopped after `limit` (never with `None`: a
/// transfer of a large dataset takes as long as it takes).
pub(crate) fn run_with(
    mut cmd: Command,
    shown: &str,
    input: Option<&[u8]>,
    limit: Option<Duration>,
) -> Result<Output, ExecError> {
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|source| ExecError::Start {
        command: shown.to_owned(),
        source,
    })?;
    // The input is written on its own thread, so a command that prints
    // before it has read everything cannot deadlock against us; a command
    // that exits without reading it all is not an error here (its status
    // says what happened).
    let feeder = match (input, child.stdin.take()) {
        (Some(bytes), Some(mut pipe)) => {
            let bytes = bytes.to_vec();
            Some(thread::spawn(move || {
                use std::io::Write;
                let _ = pipe.write_all(&bytes);
            }))
        }
        _ => None,
    };
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let io = |source| ExecError::Io {
        command: shown.to_owned(),
        source,
    };
    let status = wait_limited(&mut child, limit).map_err(io)?;
    // A grandchild may still hold the pipes after a kill; the reader
    // threads end when it does. On timeout we do not wait for them.
    let Some(status) = status else {
        return Err(ExecError::Timeout {
            command: shown.to_owned(),
            limit: limit.unwrap_or_default(),
        });
    };
    let join = |h: JoinHandle<std::io::Result<Vec<u8>>>| {
        h.join()
            .unwrap_or_else(|_| Err(std::io::Error::other("output reader panicked")))
    };
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let stdout = join(out).map_err(io)?;
    let stderr = join(err).map_err(io)?;
    Ok(Output {
        status: status_of(status),
        stdout,
        stderr,
    })
}

/// Starts `cmd` with all three streams as pipes, for a caller that streams
/// through it (a relayed `zfs send` into a `zfs receive`).
pub(crate) fn spawn(mut cmd: Command, shown: &str) -> Result<Child, ExecError> {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().map_err(|source| ExecError::Start {
        command: shown.to_owned(),
        source,
    })
}

/// How a child ended, in the executors' terms.
pub(crate) fn status(s: std::process::ExitStatus) -> Status {
    status_of(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("/bin/sh");
        c.arg("-c").arg(script);
        c
    }

    #[test]
    fn captures_both_streams_and_status() {
        let o = run(
            sh("echo out; echo err >&2; exit 3"),
            "t",
            Duration::from_secs(10),
        )
        .expect("ran");
        assert_eq!(
            (o.status, o.stdout.as_slice(), o.stderr.as_slice()),
            (Status::Exited(3), &b"out\n"[..], &b"err\n"[..])
        );
    }

    #[test]
    fn large_outputs_on_both_pipes_do_not_deadlock() {
        let o = run(
            sh("head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2"),
            "t",
            Duration::from_secs(20),
        )
        .expect("ran");
        assert_eq!((o.stdout.len(), o.stderr.len()), (300_000, 300_000));
    }

    #[test]
    fn a_hung_command_is_stopped() {
        let start = Instant::now();
        let e =
            run(sh("exec sleep 30"), "sleepy", Duration::from_millis(300)).expect_err("timeout");
        assert!(matches!(e, ExecError::Timeout { .. }), "{e}");
        assert!(start.elapsed() < Duration::from_secs(10));
        assert_eq!(e.to_string(), "sleepy: no answer within 0 s; stopped");
    }

    #[test]
    fn input_reaches_the_command_and_no_limit_waits() {
        let o =
            run_with(sh("tr a-z A-Z; echo done >&2"), "t", Some(b"hello\n"), None).expect("ran");
        assert_eq!(o.stdout, b"HELLO\n");
        assert_eq!(o.stderr, b"done\n");
        // A command that ignores its input still ends normally.
        let big = vec![b'x'; 1 << 20];
        let o =
            run_with(sh("exit 4"), "t", Some(&big), Some(Duration::from_secs(10))).expect("ran");
        assert_eq!(o.status, Status::Exited(4));
    }

    #[test]
    fn signals_are_reported() {
        let o = run(sh("kill -TERM $$"), "t", Duration::from_secs(10)).expect("ran");
        assert_eq!(o.status, Status::Signaled(15));
    }

    #[test]
    fn a_missing_program_cannot_start() {
        let e = run(
            Command::new("/nonexistent/zmigrate-test"),
            "nope",
            Duration::from_secs(1),
        )
        .expect_err("start");
        assert!(matches!(e, ExecError::Start { .. }), "{e}");
    }
}
