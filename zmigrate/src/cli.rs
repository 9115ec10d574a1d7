//! The binary's glue: choosing executors, the output directory, the policy
//! file, rendering and exit codes. Compiled into the `zmigrate` binary only;
//! everything that decides what to run or what a capture holds is in the
//! library.

use std::fs;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, bail};

use zrules::options::LintOptions;
use zrules::os::StdFs;
use zrules::policy;

use zmigrate::collect::{self, Capture};
use zmigrate::exec::Executor;
use zmigrate::exec::local::LocalExecutor;
use zmigrate::exec::ssh::{SshExecutor, SshOptions};
use zmigrate::progress::Bar;

/// The label of this machine in `--local` runs.
const LOCAL: &str = "localhost";

/// Which hosts, or this machine.
#[derive(Debug)]
pub struct Target {
    hosts: Vec<String>,
    local: bool,
}

impl Target {
    pub fn new(hosts: Vec<String>, local: bool) -> Self {
        Target { hosts, local }
    }

    fn names(&self) -> Result<Vec<String>> {
        if self.local {
            return Ok(vec![LOCAL.to_owned()]);
        }
        let mut seen = std::collections::BTreeSet::new();
        for h in &self.hosts {
            zrules::names::validate_host_name(h)?;
            if !seen.insert(h) {
                bail!("{h} is named twice: each host is collected once");
            }
        }
        Ok(self.hosts.clone())
    }
}

/// How to reach hosts.
#[derive(Debug)]
pub struct How {
    pub ssh_config: Option<PathBuf>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
}

impl How {
    fn executor(&self, target: &Target, host: &str) -> Result<Box<dyn Executor>> {
        if target.local {
            let local = LocalExecutor::new(LOCAL).timeout(self.timeout);
            // The layout's commands mean nothing elsewhere (a Linux passwd).
            zmigrate::exec::probe::ensure_global_zone(&local).map_err(|e| {
                anyhow::anyhow!("{e}: --local runs the capture commands on this machine; run zmigrate on the global zone, or name the global zone as a host to reach it over ssh")
            })?;
            return Ok(Box::new(local));
        }
        if let Some(cfg) = self.ssh_config.as_ref().filter(|c| !c.is_file()) {
            bail!("ssh config {} does not exist", cfg.display());
        }
        let opts = SshOptions {
            config: self.ssh_config.clone(),
            connect_timeout: self.connect_timeout,
            command_timeout: self.timeout,
            ..SshOptions::default()
        };
        Ok(Box::new(SshExecutor::connect(host, opts)?))
    }
}

/// Collects one host with a progress bar, then prints the summary.
fn collect_one(exec: &dyn Executor) -> Capture {
    let mut bar = Bar::new(exec.host());
    let cap = collect::collect(exec, &mut bar);
    bar.finish();
    cap
}

#[derive(Debug)]
pub struct CollectRequest {
    pub target: Target,
    pub output: PathBuf,
    pub how: How,
}

pub fn collect(req: CollectRequest) -> Result<ExitCode> {
    let host = req.target.names()?.remove(0);
    // Before connecting: a directory that cannot take the capture should
    // not cost a collection.
    let existed = req.output.exists();
    collect::prepare_dir(&req.output)?;
    let exec = match req.how.executor(&req.target, &host) {
        Ok(e) => e,
        Err(e) => {
            if !existed {
                // Only ever removes the empty directory made just now.
                let _ = fs::remove_dir(&req.output);
            }
            return Err(e);
        }
    };
    let cap = collect_one(exec.as_ref());
    cap.write(&req.output)?;
    eprint!("{}", cap.summary());
    eprintln!("capture written to {}", req.output.display());
    if let Some(e) = &cap.lost {
        bail!(
            "{e} (what was captured before is in {})",
            req.output.display()
        );
    }
    Ok(if cap.complete() {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "some commands failed: see {}",
            req.output.join(collect::ERRORS_FILE).display()
        );
        ExitCode::from(1)
    })
}

#[derive(Debug)]
pub struct CheckRequest {
    pub target: Target,
    pub keep: Option<PathBuf>,
    /// The flags `zrules check` has too.
    pub lint: LintOptions,
    pub how: How,
}

pub fn check(req: CheckRequest) -> Result<ExitCode> {
    let hosts = req.target.names()?;
    let mut policy = policy::load(&StdFs, req.lint.policy.as_deref())?.policy;
    req.lint.apply_to(&mut policy);
    if let Some(keep) = &req.keep {
        for h in &hosts {
            collect::prepare_dir(&keep.join(h))?;
        }
    }

    let mut captures = Vec::new();
    for h in &hosts {
        let exec = req.how.executor(&req.target, h)?;
        let cap = collect_one(exec.as_ref());
        if let Some(keep) = &req.keep {
            cap.write(&keep.join(h))?;
        }
        if !cap.complete() {
            eprint!("{}", cap.summary());
        }
        if let Some(e) = &cap.lost {
            bail!("{e}: the check needs a complete collection");
        }
        captures.push(cap);
    }
    let outcome = zmigrate::check::lint(&captures, req.keep.as_deref(), &policy);

    let done = req.lint.finish(
        &outcome,
        &policy,
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    zrules::os::print(&done.text)?;
    Ok(ExitCode::from(done.exit_code))
}
