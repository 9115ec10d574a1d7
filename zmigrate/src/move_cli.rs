//! The binary's glue for `zmigrate plan` and `zmigrate move`: opening the
//! two hosts, pre-flight, asking once, the progress log and the report.
//! Compiled into the `zmigrate` binary only; what a move does is decided in
//! the library (`migrate`) and done by its runner (`run`).

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};

use zmigrate::exec::Executor;
use zmigrate::exec::local::LocalExecutor;
use zmigrate::exec::ssh::{SshExecutor, SshOptions};
use zmigrate::migrate::journal::Outcome;
use zmigrate::migrate::plan::{self, MovePlan, Options};
use zmigrate::migrate::script;
use zmigrate::run::journal_store::{self, Journal, ZoneLock};
use zmigrate::run::preflight::{self, PathChoice};
use zmigrate::run::runner::{self, Report, Transport};
use zmigrate::run::watch::{MoveLog, human_bytes};
use zrules::os::StdFs;

/// Where the zone goes from and to, and how to reach them.
#[derive(Debug)]
pub struct Hosts {
    /// `None`: the source is this machine.
    pub from: Option<String>,
    pub to: String,
    pub ssh_config: Option<PathBuf>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// The target's name as the source's ssh knows it.
    pub target_from_source: Option<String>,
    pub relay: bool,
}

/// The label of this machine as a source.
const HERE: &str = "localhost";

impl Hosts {
    fn open(&self) -> Result<(Box<dyn Executor>, Box<dyn Executor>)> {
        if let Some(cfg) = self.ssh_config.as_ref().filter(|c| !c.is_file()) {
            bail!("ssh config {} does not exist", cfg.display());
        }
        let opts = SshOptions {
            config: self.ssh_config.clone(),
            connect_timeout: self.connect_timeout,
            command_timeout: self.timeout,
            ..SshOptions::default()
        };
        let source: Box<dyn Executor> = match &self.from {
            Some(h) => Box::new(
                SshExecutor::connect(h, opts.clone()).with_context(|| format!("source {h}"))?,
            ),
            None => {
                let local = LocalExecutor::new(HERE).timeout(self.timeout);
                zmigrate::exec::probe::ensure_global_zone(&local).map_err(|e| {
                    anyhow::anyhow!(
                        "{e}: --from-here needs zmigrate to run on the source global zone"
                    )
                })?;
                Box::new(local)
            }
        };
        let target =
            SshExecutor::connect(&self.to, opts).with_context(|| format!("target {}", self.to))?;
        Ok((source, Box::new(target)))
    }

    fn path(&self) -> PathChoice {
        if self.relay {
            PathChoice::Relay
        } else {
            PathChoice::Auto {
                target: self
                    .target_from_source
                    .clone()
                    .unwrap_or_else(|| self.to.clone()),
            }
        }
    }
}

/// `zmigrate plan`'s and `move`'s shared request.
#[derive(Debug)]
pub struct MoveRequest {
    pub zone: String,
    pub hosts: Hosts,
    pub options: Options,
    pub policy: Option<PathBuf>,
    pub journal_dir: Option<PathBuf>,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A plan with the connections it was made over (kept open for the move:
/// no new connection is needed later).
struct Prepared {
    plan: MovePlan,
    policy: zrules::policy::Policy,
    source: Box<dyn Executor>,
    target: Box<dyn Executor>,
}

/// Opens the hosts, runs pre-flight and builds the plan.
fn prepare(req: &MoveRequest) -> Result<Prepared> {
    zrules::names::validate_zone_name(&req.zone)?;
    let policy = zrules::policy::load(&StdFs, req.policy.as_deref())?.policy;
    let (source, target) = req.hosts.open()?;
    let id = zmigrate::run::new_id(unix_now(), std::process::id());
    eprintln!(
        "pre-flight: reading {} and {} (nothing is changed)",
        source.host(),
        target.host()
    );
    let (facts, _caps) = preflight::gather(
        source.as_ref(),
        target.as_ref(),
        &preflight::Request {
            zone: &req.zone,
            id: &id,
            policy: &policy,
            path: req.hosts.path(),
        },
    )?;
    let plan = plan::build(&facts, &req.options)?;
    Ok(Prepared {
        plan,
        policy,
        source,
        target,
    })
}

/// `zmigrate plan`.
pub fn plan(req: &MoveRequest, json: bool) -> Result<ExitCode> {
    let plan = prepare(req)?.plan;
    let text = if json {
        let mut v = serde_json::to_value(&plan)?;
        v["script_rounds"] = serde_json::json!(2);
        v["all_steps"] = serde_json::to_value(plan.all_steps(2))?;
        serde_json::to_string_pretty(&v)? + "\n"
    } else {
        script::render(&plan, 2)
    };
    zrules::os::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Asks once on the terminal.
fn confirm(question: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("{question}: standard input is not a terminal; give --yes to move without asking");
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// `zmigrate move`.
pub fn do_move(
    req: &MoveRequest,
    yes: bool,
    json: bool,
    report: Option<PathBuf>,
    transport: Transport,
) -> Result<ExitCode> {
    let dir = req
        .journal_dir
        .clone()
        .unwrap_or_else(journal_store::default_dir);
    let lock = ZoneLock::take(&dir, &req.zone)?;
    if let Some(pid) = lock.took_over {
        eprintln!(
            "note: took over a stale lock on zone {} (process {pid} is gone)",
            req.zone
        );
    }
    let Prepared {
        plan,
        policy,
        source,
        target,
    } = prepare(req)?;
    if !yes {
        eprint!("{}", script::render(&plan, 2));
        if !confirm(&format!(
            "Move zone {} from {} to {}?",
            plan.zone, plan.source, plan.target
        ))? {
            eprintln!("nothing was changed");
            return Ok(ExitCode::from(2));
        }
    }
    let mut journal = Journal::create(&dir, &plan.id)?;
    eprintln!(
        "move {}: zone {} from {} to {} (journal {})",
        plan.id,
        plan.zone,
        plan.source,
        plan.target,
        journal.path().display()
    );
    let start = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let log = MoveLog::new(json, start, std::io::stderr().is_terminal());
    let mut rep = runner::run(
        &plan,
        source.as_ref(),
        target.as_ref(),
        &mut journal,
        &log,
        transport,
        runner::Start::Fresh,
    )?;
    if rep.outcome == Outcome::Moved {
        rep.findings = target_findings(target.as_ref(), &plan.zone, &policy);
    }
    if let Some(path) = &report {
        std::fs::write(path, serde_json::to_string_pretty(&rep)? + "\n")
            .with_context(|| format!("writing the report {}", path.display()))?;
    }
    eprint!("{}", summary(&rep));
    drop(lock);
    Ok(match &rep.outcome {
        Outcome::Moved => ExitCode::SUCCESS,
        Outcome::Stopped { .. } if !rep.differences.is_empty() => ExitCode::from(1),
        _ => ExitCode::from(2),
    })
}

/// zrules' findings about the zone on the target, read live after the
/// move (the same collection and checks as `zmigrate check TARGET`).
fn target_findings(
    target: &dyn Executor,
    zone: &str,
    policy: &zrules::policy::Policy,
) -> Vec<String> {
    let cap = zmigrate::collect::collect(target, &mut zmigrate::collect::Quiet);
    let outcome = zmigrate::check::lint(std::slice::from_ref(&cap), None, policy);
    outcome
        .report
        .diagnostics
        .iter()
        .filter(|d| d.zone.as_deref() == Some(zone))
        .map(|d| format!("{} {} {}: {}", d.severity, d.code, d.check, d.message))
        .collect()
}

/// The account printed at the end of a move.
pub fn summary(r: &Report) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\nmove {} of zone {}: {} → {}",
        r.id, r.zone, r.source, r.target
    );
    for x in &r.rounds {
        let _ = writeln!(
            s,
            "  round {}{}: {} in {:.2} s",
            x.round,
            if x.final_round {
                " (final, zone down)"
            } else {
                ""
            },
            human_bytes(x.bytes),
            x.seconds
        );
    }
    if let Some(d) = &r.downtime {
        let _ = writeln!(
            s,
            "  downtime {:.2} s: shutdown {:.2}, final transfer {:.2}, attach {:.2}, boot {:.2}, other {:.2}",
            d.total, d.shutdown_wait, d.final_transfer, d.attach, d.boot, d.other
        );
    }
    let _ = writeln!(s, "  total {:.1} s", r.total_seconds);
    match &r.outcome {
        Outcome::Moved => {
            let _ = writeln!(
                s,
                "MOVED: zone {} runs on {}; {} keeps the zone (autoboot=false), its datasets and snapshots",
                r.zone, r.target, r.source
            );
        }
        Outcome::RolledBack { reason } => {
            let _ = writeln!(
                s,
                "ROLLED BACK: {reason}\nzone {} is on {} as before; nothing the move created remains on {}",
                r.zone, r.source, r.target
            );
        }
        Outcome::Stopped { reason, recovery } => {
            let _ = writeln!(s, "STOPPED: {reason}\nto recover, run: {recovery}");
        }
    }
    for d in &r.differences {
        let _ = writeln!(s, "  difference: {d}");
    }
    for f in &r.findings {
        let _ = writeln!(s, "  zrules on {}: {f}", r.target);
    }
    let _ = writeln!(s, "journal: {}", r.journal);
    s
}
