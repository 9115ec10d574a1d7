//! Test support for the simulated global zones (see tests/testbed/README.md).
//!
//! A [`Testbed`] is a set of simulated Solaris 11 or illumos global zones
//! (`gz-a`, `gz-b`, …) started by `tests/testbed/up`: each is a private
//! mount namespace with its own zfs-fuse pools (`rpool`, `pool1`), its own
//! sshd on a loopback address, and emulated zone/network/SMF commands first
//! on the PATH. Tests reach the GZs over real ssh with the testbed's
//! `ssh_config`, exactly as the tools will. Dropping a `Testbed` (also while
//! a test panics) runs `tests/testbed/down`, which leaves no process, mount or
//! file behind.

use std::ffi::OsStr;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The testbed's own directory (its scripts live here).
pub const SRC: &str = env!("CARGO_MANIFEST_DIR");

/// Which personality the GZs' commands have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// Oracle Solaris 11.1: `zfs send -r/-c`, 9-field `zoneadm list -p`.
    Solaris11,
    /// illumos (OmniOS): `zfs send -R`, 8-field `zoneadm list -p`.
    Illumos,
}

impl Platform {
    fn as_str(self) -> &'static str {
        match self {
            Platform::Solaris11 => "solaris11",
            Platform::Illumos => "illumos",
        }
    }
}

/// How to start a testbed.
#[derive(Clone, Debug)]
pub struct Options {
    /// Number of GZs (named `gz-a`, `gz-b`, …).
    pub hosts: usize,
    pub platform: Platform,
    /// Size of each pool's file vdev, e.g. `"256M"`.
    pub pool_size: String,
    /// Seconds a zone takes from `init 5`/`zoneadm shutdown` to `installed`.
    pub shutdown_seconds: Option<f64>,
    /// Bytes per second that may flow into each GZ over ssh (the stdin of
    /// every session, whoever the client); `None`: no limit. Per GZ and at
    /// any time: [`Testbed::set_ingress_bps`].
    pub ingress_bps: Option<u64>,
    /// Round-trip time of the link into each GZ, in milliseconds: every ssh
    /// session into a GZ waits two round trips before its command runs
    /// (channel open, then exec request and output; RFC 4254 sections 5.1
    /// and 6.5); `None`: no latency. Per GZ and at any time:
    /// [`Testbed::set_rtt_ms`].
    pub rtt_ms: Option<f64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            hosts: 2,
            platform: Platform::Solaris11,
            pool_size: "256M".into(),
            shutdown_seconds: None,
            ingress_bps: None,
            rtt_ms: None,
        }
    }
}

/// A fault to inject into one GZ (see `tests/testbed/fault`).
#[derive(Clone, Debug)]
pub enum Fault {
    /// The first `zfs send` on the GZ whose stream is longer than this many
    /// bytes writes that many and is SIGKILLed (exit 137); shorter streams
    /// are sent whole and leave the fault armed.
    SendAbort(u64),
    /// The first ssh session into the GZ whose stdin carries this many
    /// bytes has its connection cut there (client exit 255); sessions with
    /// less (or no) stdin are unaffected and leave the fault armed.
    SshDrop(u64),
    /// The named pool has (almost) no space left.
    PoolFull(String),
    /// `init 5` / `zoneadm shutdown` never finish (for one zone, or all).
    InitHang(Option<String>),
    /// `zoneadm attach` fails (for one zone, or all).
    AttachFail(Option<String>),
    /// Write a file into a dataset (e.g. a received one) right now.
    Modify(String),
    /// Drop the GZ off the network: its sshd stops (new connections are
    /// refused), every established connection into it, a ControlMaster's
    /// included, is cut, and its own outgoing ssh clients are killed.
    StopSshd,
    /// Bring a dropped GZ's sshd back.
    StartSshd,
}

impl Fault {
    fn args(&self) -> Vec<String> {
        match self {
            Fault::SendAbort(n) => vec!["send-abort".into(), n.to_string()],
            Fault::SshDrop(n) => vec!["ssh-drop".into(), n.to_string()],
            Fault::PoolFull(p) => vec!["pool-full".into(), p.clone()],
            Fault::InitHang(z) => std::iter::once("init-hang".to_string())
                .chain(z.clone())
                .collect(),
            Fault::AttachFail(z) => std::iter::once("attach-fail".to_string())
                .chain(z.clone())
                .collect(),
            Fault::Modify(ds) => vec!["modify".into(), ds.clone()],
            Fault::StopSshd => vec!["stop-sshd".into()],
            Fault::StartSshd => vec!["start-sshd".into()],
        }
    }
}

/// A zone workload: a writer that rewrites files at `rate` bytes per second.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    pub rate: u64,
    pub files: u32,
    pub size: u32,
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            rate: 64 * 1024,
            files: 4,
            size: 4096,
        }
    }
}

/// Why a testbed operation failed.
#[derive(Debug, thiserror::Error)]
pub enum TestbedError {
    #[error("the testbed cannot run here: {}", .0.join("; "))]
    Missing(Vec<String>),
    #[error("{command}: could not start: {source}")]
    Spawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{command}: exited with {status}: {stderr}")]
    Failed {
        command: String,
        status: i32,
        stderr: String,
    },
}

/// What is missing on this machine to run a testbed (empty when nothing).
pub fn missing_prerequisites() -> Vec<String> {
    let mut out = Vec::new();
    let root = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false);
    if !root {
        out.push("not running as root".to_string());
    }
    if !Path::new("/dev/fuse").exists() {
        out.push("/dev/fuse is absent".to_string());
    }
    for (exe, pkg) in [
        ("/usr/sbin/zfs-fuse", "zfs-fuse"),
        ("/usr/sbin/sshd", "openssh-server"),
        ("/usr/bin/ssh", "openssh-client"),
        ("/usr/bin/ssh-keygen", "openssh-client"),
        ("/usr/bin/unshare", "util-linux"),
        ("/usr/bin/nsenter", "util-linux"),
        ("/usr/bin/python3", "python3"),
    ] {
        if !Path::new(exe).exists() {
            out.push(format!(
                "{exe} missing (package {pkg}; run tests/testbed/install-deps)"
            ));
        }
    }
    out
}

/// A running testbed; `down` runs when it is dropped.
#[derive(Debug)]
pub struct Testbed {
    dir: PathBuf,
    hosts: Vec<String>,
    platform: Platform,
    stopped: bool,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn fresh_dir() -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    std::env::temp_dir().join(format!("zone-testbed-{}-{n}-{nanos:x}", std::process::id()))
}

fn run_cmd(cmd: &mut Command) -> Result<Output, TestbedError> {
    let command = format!("{cmd:?}");
    cmd.output()
        .map_err(|source| TestbedError::Spawn { command, source })
}

fn check(command: String, out: Output) -> Result<Output, TestbedError> {
    if out.status.success() {
        Ok(out)
    } else {
        Err(TestbedError::Failed {
            command,
            status: out.status.code().unwrap_or(-1),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }
}

/// Quote one word for a POSIX shell.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

impl Testbed {
    /// Start a testbed in a fresh directory under the system temp dir.
    pub fn start(opts: Options) -> Result<Testbed, TestbedError> {
        let missing = missing_prerequisites();
        if !missing.is_empty() {
            return Err(TestbedError::Missing(missing));
        }
        let dir = fresh_dir();
        let mut cmd = Command::new(Path::new(SRC).join("up"));
        cmd.arg(&dir)
            .args(["--hosts", &opts.hosts.to_string()])
            .args(["--platform", opts.platform.as_str()])
            .args(["--pool-size", &opts.pool_size])
            // Should this process die without dropping the testbed, the GZs stop.
            .args(["--owner", &std::process::id().to_string()]);
        if let Some(s) = opts.shutdown_seconds {
            cmd.args(["--shutdown-seconds", &s.to_string()]);
        }
        if let Some(b) = opts.ingress_bps {
            cmd.args(["--ingress-bps", &b.to_string()]);
        }
        if let Some(ms) = opts.rtt_ms {
            cmd.args(["--rtt-ms", &ms.to_string()]);
        }
        let command = format!("{cmd:?}");
        check(command, run_cmd(&mut cmd)?)?;
        let hosts = (0..opts.hosts)
            .map(|i| format!("gz-{}", (b'a' + i as u8) as char))
            .collect();
        Ok(Testbed {
            dir,
            hosts,
            platform: opts.platform,
            stopped: false,
        })
    }

    /// For tests: start a testbed, or explain why it cannot run. Under
    /// `CI=true` missing prerequisites fail the test; elsewhere they are
    /// printed and `None` is returned, so the test returns early (a skip
    /// that says why).
    pub fn require(opts: Options) -> Option<Testbed> {
        let missing = missing_prerequisites();
        if !missing.is_empty() {
            let msg = format!("testbed prerequisites missing: {}", missing.join("; "));
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg}");
            }
            eprintln!("skipped: {msg}");
            return None;
        }
        match Testbed::start(opts) {
            Ok(tb) => Some(tb),
            Err(e) => panic!("testbed failed to start: {e}"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn ssh_config(&self) -> PathBuf {
        self.dir.join("ssh_config")
    }

    pub fn hosts(&self) -> &[String] {
        &self.hosts
    }

    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// `ssh -F DIR/ssh_config HOST ARGS…` with each argument shell-quoted
    /// (the remote side runs them through a shell, as real ssh does).
    pub fn ssh_command<S: AsRef<str>>(&self, host: &str, args: &[S]) -> Command {
        let remote: Vec<String> = args.iter().map(|a| shell_quote(a.as_ref())).collect();
        self.ssh_raw(host, &remote.join(" "))
    }

    /// `ssh -F DIR/ssh_config HOST SCRIPT`, the script passed as is.
    pub fn ssh_raw(&self, host: &str, script: &str) -> Command {
        let mut cmd = Command::new("/usr/bin/ssh");
        cmd.arg("-F")
            .arg(self.ssh_config())
            .arg("--")
            .arg(host)
            .arg(script);
        cmd.stdin(Stdio::null());
        cmd
    }

    /// Run a command in a GZ over ssh; the output whatever the exit status.
    pub fn run<S: AsRef<str>>(&self, host: &str, args: &[S]) -> Output {
        self.ssh_command(host, args)
            .output()
            .unwrap_or_else(|e| panic!("ssh {host}: {e}"))
    }

    /// Run a shell script in a GZ over ssh.
    pub fn sh(&self, host: &str, script: &str) -> Output {
        self.ssh_raw(host, script)
            .output()
            .unwrap_or_else(|e| panic!("ssh {host}: {e}"))
    }

    /// Run a shell script in a GZ, feeding `input` on its stdin.
    pub fn sh_with_input(&self, host: &str, script: &str, input: &[u8]) -> Output {
        let mut cmd = self.ssh_raw(host, script);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("ssh {host}: {e}"));
        if let Some(mut stdin) = child.stdin.take() {
            // A fault may cut the connection: a write error is the test's to see.
            let _ = stdin.write_all(input);
        }
        child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("ssh {host}: {e}"))
    }

    /// Like [`Testbed::sh`] but panics with the stderr unless the exit is 0;
    /// returns stdout.
    pub fn ok(&self, host: &str, script: &str) -> String {
        let out = self.sh(host, script);
        assert!(
            out.status.success(),
            "{host}: `{script}` exited {:?}\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn tool<I, S>(&self, name: &str, args: I) -> Result<Output, TestbedError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new(Path::new(SRC).join(name));
        cmd.arg(&self.dir).args(args);
        let command = format!("{cmd:?}");
        check(command, run_cmd(&mut cmd)?)
    }

    /// Inject a fault into one GZ.
    pub fn inject(&self, host: &str, fault: Fault) -> Result<(), TestbedError> {
        let mut args = vec![host.to_string()];
        args.extend(fault.args());
        self.tool("fault", args).map(|_| ())
    }

    /// Limit the bytes per second flowing into one GZ over ssh (`None`:
    /// no limit). Sessions started afterwards are paced; a paced session
    /// follows later changes within half a second.
    pub fn set_ingress_bps(&self, host: &str, bps: Option<u64>) -> Result<(), TestbedError> {
        self.knob(host, "ingress-bps", bps)
    }

    /// Give the link into one GZ a round-trip time in milliseconds (`None`:
    /// none, as loopback). Every ssh session started afterwards into that
    /// GZ, whoever the client, waits 2 x `ms` before its command runs: what
    /// a session over an established connection costs before its output
    /// reaches the client (see `lib/testbed/session.py`).
    pub fn set_rtt_ms(&self, host: &str, ms: Option<f64>) -> Result<(), TestbedError> {
        self.knob(host, "rtt-ms", ms)
    }

    /// Set (or with `None` clear) the time a zone of one GZ takes to shut
    /// down.
    pub fn set_shutdown_seconds(
        &self,
        host: &str,
        seconds: Option<f64>,
    ) -> Result<(), TestbedError> {
        self.knob(host, "shutdown-seconds", seconds)
    }

    /// Set (or with `None` clear) how many seconds `zoneadm shutdown`
    /// waits before it gives up (SMF's stop timeout of the zones service,
    /// 60 by default).
    pub fn set_zones_stop_timeout(
        &self,
        host: &str,
        seconds: Option<u32>,
    ) -> Result<(), TestbedError> {
        self.knob(host, "zones-stop-timeout", seconds)
    }

    /// `knob HOST NAME VALUE`, or `clear` for `None`: the one way the
    /// setters above reach the testbed's knobs.
    fn knob(
        &self,
        host: &str,
        name: &str,
        value: Option<impl std::fmt::Display>,
    ) -> Result<(), TestbedError> {
        let v = value.map_or("clear".to_string(), |v| v.to_string());
        self.tool("knob", [host, name, v.as_str()]).map(|_| ())
    }

    /// Disarm every fault of one GZ (undoing pool-full).
    pub fn clear_faults(&self, host: &str) -> Result<(), TestbedError> {
        self.tool("fault", [host, "clear"]).map(|_| ())
    }

    /// Give a zone a workload (started now if the zone runs, else at boot).
    pub fn workload(&self, host: &str, zone: &str, w: Workload) -> Result<(), TestbedError> {
        let (rate, files, size) = (w.rate.to_string(), w.files.to_string(), w.size.to_string());
        self.tool(
            "workload",
            [
                host, zone, "--rate", &rate, "--files", &files, "--size", &size,
            ],
        )
        .map(|_| ())
    }

    /// The writer log of a zone's workload on `source` (lines `SEQ PATH SIZE SHA256`).
    pub fn workload_log(&self, source: &str, zone: &str) -> String {
        std::fs::read_to_string(
            self.dir
                .join("hosts")
                .join(source)
                .join("workload")
                .join(format!("{zone}.log")),
        )
        .unwrap_or_default()
    }

    /// Check, inside `holder`, that every file the workload of `zone` on
    /// `source` wrote holds its last logged content. Returns the number of
    /// files checked.
    pub fn verify_workload(
        &self,
        source: &str,
        holder: &str,
        zone: &str,
    ) -> Result<usize, TestbedError> {
        let log = self
            .dir
            .join("hosts")
            .join(source)
            .join("workload")
            .join(format!("{zone}.log"));
        let log = log.to_string_lossy().into_owned();
        let out = self.tool("workload", [holder, zone, "verify", log.as_str()])?;
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(text
            .lines()
            .next()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0))
    }

    /// Run a command inside a GZ's namespace without ssh (setup, inspection).
    pub fn enter<S: AsRef<OsStr>>(&self, host: &str, args: &[S]) -> Output {
        let mut cmd = Command::new(Path::new(SRC).join("enter"));
        cmd.arg(&self.dir).arg(host).args(args).stdin(Stdio::null());
        cmd.output().unwrap_or_else(|e| panic!("enter {host}: {e}"))
    }

    /// Poll `zoneadm list -p` on `host` until `zone` is in `state`.
    pub fn wait_state(&self, host: &str, zone: &str, state: &str, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        loop {
            if self.zone_state(host, zone).as_deref() == Some(state) {
                return true;
            }
            if Instant::now() > end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A zone's state from `zoneadm -z ZONE list -p`.
    pub fn zone_state(&self, host: &str, zone: &str) -> Option<String> {
        let out = self.run(host, &["zoneadm", "-z", zone, "list", "-p"]);
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines()
            .next()
            .and_then(|l| l.split(':').nth(2))
            .map(str::to_string)
    }

    /// Stop everything (also done on drop).
    pub fn down(mut self) -> Result<(), TestbedError> {
        self.stop()
    }

    fn stop(&mut self) -> Result<(), TestbedError> {
        if self.stopped {
            return Ok(());
        }
        self.stopped = true;
        let mut cmd = Command::new(Path::new(SRC).join("down"));
        cmd.arg(&self.dir);
        let command = format!("{cmd:?}");
        check(command, run_cmd(&mut cmd)?).map(|_| ())
    }
}

impl Drop for Testbed {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            eprintln!("testbed down failed for {}: {e}", self.dir.display());
        }
    }
}

impl fmt::Display for Testbed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "testbed {} ({})",
            self.dir.display(),
            self.platform.as_str()
        )
    }
}

/// Standard output of a command as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error of a command as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
