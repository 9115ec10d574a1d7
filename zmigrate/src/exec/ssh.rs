//! The ssh executor: commands on a remote global zone over one multiplexed
//! OpenSSH connection.
//!
//! A collection runs a few dozen short commands; a fresh ssh connection for
//! each would cost a key exchange and an authentication every time (and the
//! move procedure wants connection set-up done before downtime starts). So
//! [`SshExecutor::connect`] starts one OpenSSH control master for the host
//! (`-o ControlMaster=yes -o ControlPath=… -N`) as a child process it owns,
//! waits until `ssh -O check` answers, and every command then rides on that
//! connection (`-o ControlMaster=no -o ControlPath=…`). Owning the master,
//! rather than letting the first command leave a `ControlPersist` daemon
//! behind, means connection errors surface once, up front, with ssh's own
//! message, and nothing outlives the executor: dropping it sends
//! `ssh -O exit` and, failing that, kills the master by its process id.
//!
//! Safety: the host name is validated (a name starting with `-` would be an
//! ssh option) and always follows `--`; `BatchMode=yes` makes ssh fail
//! instead of prompting; the remote command line is the command's
//! [`Command::to_shell`] (zrules' one quoter) and is built nowhere else.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use zrules::names::validate_host_name;
use zrules::shell::Command;

use super::{ExecError, Executor, Limit, Output, Status, process};

/// How to reach hosts.
#[derive(Clone, Debug)]
pub struct SshOptions {
    /// `ssh -F FILE`: an ssh_config to use instead of the user's (the
    /// testbed's `DIR/ssh_config`, a bastion set-up, …).
    pub config: Option<PathBuf>,
    /// The ssh program.
    pub program: PathBuf,
    /// `ConnectTimeout`: how long to wait for the host to answer.
    pub connect_timeout: Duration,
    /// How long one command may run.
    pub command_timeout: Duration,
}

impl Default for SshOptions {
    fn default() -> Self {
        SshOptions {
            config: None,
            program: PathBuf::from("ssh"),
            connect_timeout: Duration::from_secs(15),
            command_timeout: super::DEFAULT_TIMEOUT,
        }
    }
}

/// Where a host is reached when that is not its name: an Ansible
/// inventory's `ansible_host`, `ansible_port` and `ansible_user`. Each
/// value is validated and passed as its own word before `--` (`-p PORT`,
/// `-l USER`, the address as the host operand), never as option text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoint {
    /// The address or name ssh connects to, instead of the host's name.
    pub address: Option<String>,
    /// `ssh -p PORT`.
    pub port: Option<u16>,
    /// `ssh -l USER`.
    pub user: Option<String>,
}

impl Endpoint {
    /// Refuses an address, port or user that could not safely be an ssh
    /// argument: an address must be a host name (`zrules::names`) or an
    /// IPv6 address, a user a login name, a port not 0.
    pub fn validate(&self) -> Result<(), ExecError> {
        if let Some(a) = &self.address {
            validate_address(a)?;
        }
        if let Some(u) = &self.user {
            zrules::names::validate_user_name(u)?;
        }
        if self.port == Some(0) {
            return Err(ExecError::Connection {
                host: self.address.clone().unwrap_or_default(),
                message: "port 0 is no ssh port".to_owned(),
            });
        }
        Ok(())
    }

    /// The words that go before the other options: `-p PORT`, `-l USER`.
    fn args(&self) -> Vec<OsString> {
        let mut a = Vec::new();
        if let Some(p) = self.port {
            a.push("-p".into());
            a.push(p.to_string().into());
        }
        if let Some(u) = &self.user {
            a.push("-l".into());
            a.push(u.into());
        }
        a
    }
}

/// A host name, or an IPv6 address (which holds `:`, refused in names).
pub fn validate_address(address: &str) -> Result<(), zrules::names::NameError> {
    match validate_host_name(address) {
        Ok(()) => Ok(()),
        Err(_) if address.parse::<std::net::Ipv6Addr>().is_ok() => Ok(()),
        Err(e) => Err(e),
    }
}

/// Runs commands on one host over a multiplexed ssh connection.
#[derive(Debug)]
pub struct SshExecutor {
    host: String,
    /// The host operand given to ssh: the endpoint's address, else `host`.
    target: String,
    /// `-p PORT -l USER` from the endpoint, before every other option.
    endpoint_args: Vec<OsString>,
    opts: SshOptions,
    control_path: PathBuf,
    /// Holds the control socket's directory (mode 0700) until drop.
    _control_dir: tempfile::TempDir,
    master: Mutex<Child>,
    master_stderr: Arc<Mutex<Vec<u8>>>,
}

/// A short directory for the control socket: a Unix socket path must fit in
/// `sun_path` (104–108 bytes), and `TMPDIR` can be long.
fn socket_dir() -> PathBuf {
    let tmp = std::env::temp_dir();
    if tmp.as_os_str().len() <= 64 {
        tmp
    } else {
        PathBuf::from("/tmp")
    }
}

impl SshExecutor {
    /// Validates `host`, opens the master connection and waits until it is
    /// ready.
    pub fn connect(host: &str, opts: SshOptions) -> Result<Self, ExecError> {
        Self::connect_to(host, &Endpoint::default(), opts)
    }

    /// [`SshExecutor::connect`] to `endpoint` (an inventory's address, port,
    /// user), naming the host `host` in messages and in [`Executor::host`].
    pub fn connect_to(
        host: &str,
        endpoint: &Endpoint,
        opts: SshOptions,
    ) -> Result<Self, ExecError> {
        validate_host_name(host)?;
        endpoint.validate()?;
        let target = endpoint.address.clone().unwrap_or_else(|| host.to_owned());
        let endpoint_args = endpoint.args();
        let dir = tempfile::Builder::new()
            .prefix("zmigrate-ssh-")
            .tempdir_in(socket_dir())
            .map_err(|source| ExecError::Io {
                command: "creating the ssh control socket directory".to_owned(),
                source,
            })?;
        let control_path = dir.path().join("cm");
        let mut master = Process::new(&opts.program);
        master
            .args(&endpoint_args)
            .args(master_args(&opts, &control_path, &target))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let shown = format!("{} … -N {host}", opts.program.display());
        let mut child = master.spawn().map_err(|source| ExecError::Start {
            command: shown,
            source,
        })?;
        let master_stderr = Arc::new(Mutex::new(Vec::new()));
        if let Some(mut pipe) = child.stderr.take() {
            let sink = Arc::clone(&master_stderr);
            thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut s) = sink.lock() {
                        s.extend_from_slice(&buf[..n]);
                    }
                }
            });
        }
        let exec = SshExecutor {
            host: host.to_owned(),
            target,
            endpoint_args,
            opts,
            control_path,
            _control_dir: dir,
            master: Mutex::new(child),
            master_stderr,
        };
        exec.wait_ready()?;
        Ok(exec)
    }

    fn master_message(&self, fallback: &str) -> String {
        // Give the reader thread a moment to see the last bytes.
        thread::sleep(Duration::from_millis(20));
        let text = self
            .master_stderr
            .lock()
            .map(|s| String::from_utf8_lossy(&s).trim().to_owned())
            .unwrap_or_default();
        if text.is_empty() {
            fallback.to_owned()
        } else {
            text
        }
    }

    /// `Some(status)` when the master has exited.
    fn master_exited(&self) -> Option<std::process::ExitStatus> {
        self.master
            .lock()
            .ok()
            .and_then(|mut m| m.try_wait().ok().flatten())
    }

    fn wait_ready(&self) -> Result<(), ExecError> {
        let end = Instant::now() + self.opts.connect_timeout + Duration::from_secs(5);
        loop {
            if let Some(status) = self.master_exited() {
                let message =
                    self.master_message(&format!("ssh exited with {status} before connecting"));
                return Err(ExecError::Connection {
                    host: self.host.clone(),
                    message,
                });
            }
            if self.control_path.exists() && self.control("check").is_ok_and(|o| o.success()) {
                return Ok(());
            }
            if Instant::now() >= end {
                self.stop_master();
                return Err(ExecError::Connection {
                    host: self.host.clone(),
                    message: self.master_message("no connection within the connect timeout"),
                });
            }
            thread::sleep(Duration::from_millis(25));
        }
    }

    /// `ssh -O CTL … -- HOST`: ask the master something.
    fn control(&self, ctl: &str) -> Result<Output, ExecError> {
        let mut c = Process::new(&self.opts.program);
        c.args(&self.endpoint_args)
            .args(common_args(&self.opts, &self.control_path))
            .args(["-O", ctl, "--", &self.target]);
        process::run(
            c,
            &format!("ssh -O {ctl} {}", self.host),
            Duration::from_secs(10),
        )
    }

    fn stop_master(&self) {
        let _ = self.control("exit");
        let Ok(mut m) = self.master.lock() else {
            return;
        };
        let end = Instant::now() + Duration::from_secs(2);
        while Instant::now() < end {
            if m.try_wait().ok().flatten().is_some() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = m.kill();
        let _ = m.wait();
    }

    /// The full ssh argument vector for `cmd` (without the program).
    pub fn ssh_args(&self, cmd: &Command) -> Vec<OsString> {
        let mut a = self.endpoint_args.clone();
        a.extend(command_args(
            &self.opts,
            &self.control_path,
            &self.target,
            cmd,
        ));
        a
    }

    pub fn control_path(&self) -> &Path {
        &self.control_path
    }
}

/// Options every ssh invocation of one executor shares.
fn common_args(opts: &SshOptions, control_path: &Path) -> Vec<OsString> {
    let mut a: Vec<OsString> = Vec::new();
    if let Some(cfg) = &opts.config {
        a.push("-F".into());
        a.push(cfg.into());
    }
    let mut control = OsString::from("ControlPath=");
    control.push(control_path);
    for o in [
        OsString::from("BatchMode=yes"),
        control,
        format!("ConnectTimeout={}", opts.connect_timeout.as_secs().max(1)).into(),
        "ServerAliveInterval=15".into(),
        "ServerAliveCountMax=4".into(),
    ] {
        a.push("-o".into());
        a.push(o);
    }
    a
}

/// The argument vector of the control master for `host`: options, `-N`
/// (no command), `--`, the host.
fn master_args(opts: &SshOptions, control_path: &Path, host: &str) -> Vec<OsString> {
    let mut a = common_args(opts, control_path);
    for s in [
        "-o",
        "ControlMaster=yes",
        "-o",
        "ControlPersist=no",
        "-N",
        "--",
        host,
    ] {
        a.push(s.into());
    }
    a
}

/// The argument vector that runs `cmd` on `host` over the master: options,
/// `--`, the host, then the command line quoted in one place.
fn command_args(
    opts: &SshOptions,
    control_path: &Path,
    host: &str,
    cmd: &Command,
) -> Vec<OsString> {
    let mut a = common_args(opts, control_path);
    for s in ["-o", "ControlMaster=no", "-T", "--", host] {
        a.push(s.into());
    }
    a.push(cmd.to_shell().into());
    a
}

impl Executor for SshExecutor {
    fn host(&self) -> &str {
        &self.host
    }

    fn run_with(
        &self,
        cmd: &Command,
        input: Option<&[u8]>,
        limit: Limit,
    ) -> Result<Output, ExecError> {
        let mut c = Process::new(&self.opts.program);
        c.args(self.ssh_args(cmd));
        let shown = format!("{}: {cmd}", self.host);
        let limit = limit.resolve(self.opts.command_timeout);
        let out = process::run_with(c, &shown, input, limit)?;
        // ssh exits 255 for its own errors; a remote command may too. Only
        // when the master is gone is it the connection.
        if out.status == Status::Exited(255) && self.master_exited().is_some() {
            let stderr = out.stderr_text();
            let message = if stderr.is_empty() {
                self.master_message("the connection was lost")
            } else {
                stderr
            };
            return Err(ExecError::Connection {
                host: self.host.clone(),
                message,
            });
        }
        Ok(out)
    }

    fn spawn(&self, cmd: &Command) -> Result<std::process::Child, ExecError> {
        let mut c = Process::new(&self.opts.program);
        c.args(self.ssh_args(cmd));
        process::spawn(c, &format!("{}: {cmd}", self.host))
    }
}

impl SshExecutor {
    /// Whether the control master still runs: after a command failed with
    /// ssh's 255, this tells a lost connection from a command's own 255.
    pub fn connected(&self) -> bool {
        self.master_exited().is_none()
    }
}

impl Drop for SshExecutor {
    fn drop(&mut self) {
        self.stop_master();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(a: &[OsString]) -> Vec<String> {
        a.iter().map(|s| s.to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn the_host_follows_double_dash_and_the_command_is_one_quoted_word() {
        let opts = SshOptions {
            config: Some("/tb/ssh_config".into()),
            ..SshOptions::default()
        };
        let cmd = Command::new("pkg", ["list", "-H"]).in_zone("www");
        let a = strings(&command_args(&opts, Path::new("/tmp/x/cm"), "gz-a", &cmd));
        assert_eq!(&a[..2], ["-F", "/tb/ssh_config"]);
        assert!(a.windows(2).any(|w| w == ["-o", "BatchMode=yes"]));
        assert!(a.windows(2).any(|w| w == ["-o", "ControlPath=/tmp/x/cm"]));
        assert!(a.windows(2).any(|w| w == ["-o", "ControlMaster=no"]));
        let n = a.len();
        assert_eq!(&a[n - 3..], ["--", "gz-a", "zlogin www pkg list -H"]);
        // Defence in depth: every ssh invocation ends its options with
        // `--` before the host, though the host name was validated.
        let m = strings(&master_args(&opts, Path::new("/c"), "gz-a"));
        assert_eq!(&m[m.len() - 3..], ["-N", "--", "gz-a"]);
        let odd = Command::new("echo", ["a b; rm -rf /"]);
        let a = strings(&command_args(&opts, Path::new("/c"), "gz-a", &odd));
        assert_eq!(a.last().map(String::as_str), Some("echo 'a b; rm -rf /'"));
    }

    #[test]
    fn hosts_that_would_be_options_are_refused_before_ssh_runs() {
        let opts = SshOptions {
            program: "/nonexistent/ssh".into(),
            ..SshOptions::default()
        };
        for bad in [
            "-oProxyCommand=touch /tmp/pwned",
            "-v",
            "a b",
            "root@gz-a",
            "",
        ] {
            let e = SshExecutor::connect(bad, opts.clone()).expect_err(bad);
            assert!(matches!(e, ExecError::Name(_)), "{bad}: {e}");
        }
        assert!(
            SshExecutor::connect("-x", opts)
                .expect_err("refused")
                .to_string()
                .contains("would be read as an option")
        );
    }

    #[test]
    fn an_unreachable_host_is_a_connection_error_with_sshs_message() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = dir.path().join("ssh_config");
        // Port 1 on loopback: nothing listens, the refusal is immediate.
        std::fs::write(
            &cfg,
            "Host closed\n  HostName 127.0.0.1\n  Port 1\n  UserKnownHostsFile /dev/null\n",
        )
        .expect("write config");
        let opts = SshOptions {
            config: Some(cfg),
            connect_timeout: Duration::from_secs(5),
            ..SshOptions::default()
        };
        let start = Instant::now();
        let e = SshExecutor::connect("closed", opts).expect_err("no connection");
        let ExecError::Connection { host, message } = &e else {
            panic!("{e}")
        };
        assert_eq!(host, "closed");
        assert!(message.contains("refused"), "{message}");
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn an_endpoint_reaches_ssh_as_separate_words_and_the_name_labels_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let argv = dir.path().join("argv");
        let fake = dir.path().join("ssh");
        std::fs::write(
            &fake,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$@\" --- >> {}\necho 'no route' >&2\nexit 255\n",
                argv.display()
            ),
        )
        .expect("fake ssh");
        std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
        let opts = SshOptions {
            program: fake,
            ..SshOptions::default()
        };
        let endpoint = Endpoint {
            address: Some("10.0.0.5".into()),
            port: Some(2222),
            user: Some("zadmin".into()),
        };
        let e = SshExecutor::connect_to("gz1", &endpoint, opts.clone()).expect_err("fails");
        assert_eq!(e.to_string(), "cannot reach gz1: no route");
        let text = std::fs::read_to_string(&argv).expect("argv");
        let runs: Vec<Vec<&str>> = text
            .split("---\n")
            .filter(|r| !r.is_empty())
            .map(|r| r.lines().collect())
            .collect();
        // The master, then (dropping the failed executor) `-O exit`.
        assert!(!runs.is_empty());
        for words in &runs {
            assert_eq!(&words[..4], ["-p", "2222", "-l", "zadmin"], "{words:?}");
            assert_eq!(words.last(), Some(&"10.0.0.5"), "{words:?}");
        }
        assert_eq!(&runs[0][runs[0].len() - 3..], ["-N", "--", "10.0.0.5"]);
        let v6 = Endpoint {
            address: Some("fe80::1".into()),
            ..Endpoint::default()
        };
        assert!(v6.validate().is_ok());
        for bad in [
            Endpoint {
                address: Some("-oProxyCommand=x".into()),
                ..Endpoint::default()
            },
            Endpoint {
                user: Some("-oProxyCommand=x".into()),
                ..Endpoint::default()
            },
            Endpoint {
                user: Some("root@x".into()),
                ..Endpoint::default()
            },
            Endpoint {
                port: Some(0),
                ..Endpoint::default()
            },
        ] {
            let _ = std::fs::remove_file(&argv);
            assert!(SshExecutor::connect_to("gz1", &bad, opts.clone()).is_err());
            assert!(!argv.exists(), "ssh never ran for {bad:?}");
        }
    }
}
