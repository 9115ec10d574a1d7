//! The binary's glue: choosing executors, the output directory, the policy
//! file, rendering and exit codes. Compiled into the `zmigrate` binary only;
//! everything that decides what to run or what a capture holds is in the
//! library.

use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, bail};

use zrules::options::LintOptions;
use zrules::os::StdFs;
use zrules::policy;

use zrules::render::plural;

use zmigrate::collect::{self, Capture};
use zmigrate::exec::local::LocalExecutor;
use zmigrate::exec::ssh::{SshExecutor, SshOptions};
use zmigrate::exec::{ExecError, Executor};
use zmigrate::fleet::inventory::{Inventory, InventoryHost};
use zmigrate::fleet::limit::Pattern;
use zmigrate::fleet::progress::FleetBar;
use zmigrate::fleet::{self, FleetHost, FleetObserver};

/// The label of this machine in `--local` runs.
const LOCAL: &str = "localhost";

/// Which hosts, or this machine.
#[derive(Debug)]
pub struct Target {
    hosts: Vec<FleetHost>,
    local: bool,
    /// The hosts came from an inventory (so `collect -o DIR` is a fleet's
    /// directory even when the inventory or `--limit` leaves one host).
    from_inventory: bool,
}

impl Target {
    /// Hosts named on the command line, or this machine.
    pub fn new(hosts: Vec<String>, local: bool) -> Self {
        Target {
            hosts: hosts.into_iter().map(FleetHost::named).collect(),
            local,
            from_inventory: false,
        }
    }

    /// The hosts of an inventory file, selected by a `--limit` pattern.
    pub fn from_inventory(file: &Path, limit: Option<&str>) -> Result<Self> {
        let text = fs::read_to_string(file)
            .map_err(|e| anyhow::anyhow!("inventory {}: {e}", file.display()))?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let inventory = Inventory::parse(&name, &text)
            .map_err(|e| anyhow::anyhow!("inventory {}: {e}", file.display()))?;
        let hosts: Vec<&InventoryHost> = match limit {
            Some(p) => {
                let pattern: Pattern =
                    p.parse().map_err(|e| anyhow::anyhow!("--limit {p}: {e}"))?;
                let selection = pattern.select(&inventory);
                // As ansible-playbook does: a term that matches nothing is
                // a warning, not an error.
                for term in &selection.unmatched {
                    eprintln!(
                        "warning: --limit: could not match supplied host pattern, ignoring: {term}"
                    );
                }
                selection.hosts
            }
            None => inventory.hosts().iter().collect(),
        };
        if hosts.is_empty() {
            bail!(
                "no host of {} matches{}",
                file.display(),
                limit.map_or_else(String::new, |p| format!(" --limit {p}"))
            );
        }
        Ok(Target {
            hosts: hosts
                .into_iter()
                .map(InventoryHost::to_fleet_host)
                .collect(),
            local: false,
            from_inventory: true,
        })
    }

    fn hosts(&self) -> Result<Vec<FleetHost>> {
        if self.local {
            return Ok(vec![FleetHost::named(LOCAL)]);
        }
        let mut seen = std::collections::BTreeSet::new();
        for h in &self.hosts {
            zrules::names::validate_host_name(&h.name)?;
            h.endpoint.validate()?;
            if !seen.insert(&h.name) {
                bail!("{} is named twice: each host is collected once", h.name);
            }
        }
        Ok(self.hosts.clone())
    }

    /// Whether `collect -o DIR` writes one capture per host, `DIR/HOST`:
    /// for several hosts or an inventory; one host named on the command
    /// line (or `--local`) is collected into DIR itself.
    fn per_host_dirs(&self) -> bool {
        !self.local && (self.from_inventory || self.hosts.len() > 1)
    }
}

/// How to reach hosts.
#[derive(Debug)]
pub struct How {
    pub ssh_config: Option<PathBuf>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// How many hosts are collected at once.
    pub jobs: usize,
}

impl How {
    /// Checks what can be checked before any host is reached: `--local`
    /// on a machine that is not a global zone, an ssh_config that is not
    /// there.
    fn ready(&self, target: &Target) -> Result<()> {
        if target.local {
            let local = LocalExecutor::new(LOCAL).timeout(self.timeout);
            // The layout's commands mean nothing elsewhere (a Linux passwd).
            zmigrate::exec::probe::ensure_global_zone(&local).map_err(|e| {
                anyhow::anyhow!("{e}: --local runs the capture commands on this machine; run zmigrate on the global zone, or name the global zone as a host to reach it over ssh")
            })?;
        } else if let Some(cfg) = self.ssh_config.as_ref().filter(|c| !c.is_file()) {
            bail!("ssh config {} does not exist", cfg.display());
        }
        Ok(())
    }

    /// Opens the connection to `host` (after [`How::ready`]).
    fn executor(&self, local: bool, host: &FleetHost) -> Result<Box<dyn Executor>, ExecError> {
        if local {
            return Ok(Box::new(LocalExecutor::new(LOCAL).timeout(self.timeout)));
        }
        let opts = SshOptions {
            config: self.ssh_config.clone(),
            connect_timeout: self.connect_timeout,
            command_timeout: self.timeout,
            ..SshOptions::default()
        };
        Ok(Box::new(SshExecutor::connect_to(
            &host.name,
            &host.endpoint,
            opts,
        )?))
    }

    /// Collects every host, `jobs` at a time, with one progress display;
    /// `each` runs as each host is done, `in_order` in the hosts' order.
    fn collect_all<T: Send>(
        &self,
        target: &Target,
        hosts: &[FleetHost],
        each: &(dyn Fn(usize, Capture) -> T + Sync),
        in_order: &(dyn Fn(&dyn FleetObserver, usize, &T) + Sync),
    ) -> Vec<T> {
        let names: Vec<String> = hosts.iter().map(|h| h.name.clone()).collect();
        let bar = FleetBar::new(&names);
        let connect = |h: &FleetHost| self.executor(target.local, h);
        let results = fleet::collect_all(hosts, self.jobs, &connect, &bar, each, &|i, r| {
            in_order(&bar, i, r)
        });
        bar.finish();
        results
    }
}

/// A host that could not be reached at all (nothing ran).
fn unreachable(cap: &Capture) -> bool {
    cap.commands == 0 && cap.lost.is_some()
}

/// Prints on stderr without breaking the progress display.
fn note(bar: &dyn FleetObserver, text: &str) {
    bar.suspend(&mut || eprint!("{text}"));
}

#[derive(Debug)]
pub struct CollectRequest {
    pub target: Target,
    pub output: PathBuf,
    pub how: How,
}

pub fn collect(req: CollectRequest) -> Result<ExitCode> {
    let hosts = req.target.hosts()?;
    let per_host = req.target.per_host_dirs();
    let dirs: Vec<PathBuf> = if per_host {
        hosts.iter().map(|h| req.output.join(&h.name)).collect()
    } else {
        vec![req.output.clone()]
    };
    // Before connecting: a directory that cannot take the capture should
    // not cost a collection.
    let output_existed = req.output.exists();
    let existed: Vec<bool> = dirs.iter().map(|d| d.exists()).collect();
    // Only ever removes the empty directories made just now.
    let unmake = || {
        for (d, e) in dirs.iter().zip(&existed) {
            if !e {
                let _ = fs::remove_dir(d);
            }
        }
        if per_host && !output_existed {
            let _ = fs::remove_dir(&req.output);
        }
    };
    for d in &dirs {
        if let Err(e) = collect::prepare_dir(d) {
            unmake();
            return Err(e.into());
        }
    }
    if let Err(e) = req.how.ready(&req.target) {
        unmake();
        return Err(e);
    }
    let each = |i: usize, cap: Capture| {
        // One host named on the command line that cannot be reached
        // leaves nothing behind, as it always did; in a fleet its
        // directory says what happened (collect-errors).
        let written = if unreachable(&cap) && !per_host {
            Ok(())
        } else {
            cap.write(&dirs[i])
        };
        (cap, written)
    };
    let results = req
        .how
        .collect_all(&req.target, &hosts, &each, &|bar, i, (cap, written)| {
            let text = match written {
                // The error at the end says it.
                Ok(()) if unreachable(cap) => return,
                Ok(()) => format!(
                    "{}capture written to {}\n",
                    cap.summary(),
                    dirs[i].display()
                ),
                Err(e) => format!("{}error: {e}\n", cap.summary()),
            };
            note(bar, &text);
        });

    let mut lost = 0;
    let mut incomplete = 0;
    let mut write_failed = None;
    for ((cap, written), dir) in results.iter().zip(&dirs) {
        if let Err(e) = written {
            write_failed.get_or_insert_with(|| e.to_string());
            continue;
        }
        if let Some(e) = &cap.lost {
            lost += 1;
            if !unreachable(cap) {
                eprintln!(
                    "error: {e} (what was captured before is in {})",
                    dir.display()
                );
            } else if per_host {
                eprintln!(
                    "error: {e} ({} says so)",
                    dir.join(collect::ERRORS_FILE).display()
                );
            } else {
                unmake();
                eprintln!("error: {e}");
            }
        } else if !cap.complete() {
            incomplete += 1;
            eprintln!(
                "some commands failed: see {}",
                dir.join(collect::ERRORS_FILE).display()
            );
        }
    }
    if per_host {
        let unwritten = results.iter().filter(|(_, w)| w.is_err()).count();
        eprintln!(
            "{}: {} complete, {} with failed commands, {} unreachable or cut off; captures in {}",
            plural(hosts.len(), "host", "hosts"),
            results.len() - lost - incomplete - unwritten,
            incomplete,
            lost,
            req.output.display(),
        );
    }
    if let Some(e) = write_failed {
        bail!("{e}");
    }
    Ok(if lost > 0 {
        ExitCode::from(2)
    } else if incomplete > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
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
    let hosts = req.target.hosts()?;
    let mut policy = policy::load(&StdFs, req.lint.policy.as_deref())?.policy;
    req.lint.apply_to(&mut policy);
    if let Some(keep) = &req.keep {
        for h in &hosts {
            collect::prepare_dir(&keep.join(&h.name))?;
        }
    }
    req.how.ready(&req.target)?;
    let each = |_: usize, cap: Capture| {
        let written = match &req.keep {
            Some(keep) => cap.write(&keep.join(&cap.host)),
            None => Ok(()),
        };
        (cap, written)
    };
    let results = req
        .how
        .collect_all(&req.target, &hosts, &each, &|bar, _, (cap, written)| {
            let mut text = String::new();
            if !cap.complete() && !unreachable(cap) {
                text.push_str(&cap.summary());
            }
            if let Err(e) = written {
                text.push_str(&format!("error: {e}\n"));
            }
            note(bar, &text);
        });

    let mut captures = Vec::new();
    let mut unchecked = 0;
    for (cap, written) in results {
        written?;
        match &cap.lost {
            Some(e) => {
                unchecked += 1;
                eprintln!(
                    "error: {e}: {} not checked (the check needs a complete collection)",
                    cap.host
                );
            }
            None => captures.push(cap),
        }
    }
    if captures.is_empty() {
        bail!("no host could be collected: nothing was checked");
    }
    let outcome = zmigrate::check::lint(&captures, req.keep.as_deref(), &policy);

    let done = req.lint.finish(
        &outcome,
        &policy,
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    zrules::os::print(&done.text)?;
    Ok(if unchecked > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::from(done.exit_code)
    })
}
