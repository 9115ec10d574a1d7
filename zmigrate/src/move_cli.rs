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
    report_html: Option<PathBuf>,
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
    let preflight = std::time::Instant::now();
    let Prepared {
        plan,
        policy,
        source,
        target,
    } = prepare(req).map_err(|e| with_unfinished_moves(e, &dir, &req.zone))?;
    let preflight = preflight.elapsed().as_secs_f64();
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
    rep.preflight_seconds = preflight;
    if rep.outcome == Outcome::Moved {
        rep.findings = target_findings(target.as_ref(), &plan.zone, &policy);
    }
    write_reports(&rep, report.as_ref(), report_html.as_ref())?;
    eprint!("{}", summary(&rep));
    drop(lock);
    Ok(exit_for(&rep))
}

/// A pre-flight refusal because the target already has the zone or its
/// datasets is most often what an earlier, interrupted move of the same
/// zone left: name those moves (from the journals) and the command that
/// removes what they left, rather than leave the operator to guess.
fn with_unfinished_moves(e: anyhow::Error, dir: &std::path::Path, zone: &str) -> anyhow::Error {
    let text = format!("{e:#}");
    if !text.contains("already exists on") && !text.contains("already configured on") {
        return e;
    }
    let unfinished: Vec<String> = journal_store::list(dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|i| {
            journal_store::read(dir, i).is_ok_and(|st| {
                st.zone.as_deref() == Some(zone)
                    && !matches!(
                        st.outcome,
                        Some(Outcome::Moved | Outcome::RolledBack { .. })
                    )
            })
        })
        .collect();
    if unfinished.is_empty() {
        return e;
    }
    // The refusal first, then one line per unfinished move.
    let mut msg = text;
    for i in &unfinished {
        msg.push_str(&format!(
            "\nmove {i} of zone {zone} did not finish and may have left this (zmigrate status {i}): \
             zmigrate rollback {i} removes what it created, zmigrate resume {i} continues it"
        ));
    }
    anyhow::anyhow!(msg)
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
        .filter(|d| d.zone() == Some(zone))
        .map(|d| format!("{} {} {}: {}", d.severity, d.code, d.check, d.message()))
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
    let _ = writeln!(
        s,
        "  total {:.1} s (and {:.1} s of pre-flight before it)",
        r.total_seconds, r.preflight_seconds
    );
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

/// How to reach the hosts of a recorded move.
#[derive(Debug)]
pub struct Reach {
    pub ssh_config: Option<PathBuf>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub journal_dir: Option<PathBuf>,
}

impl Reach {
    fn dir(&self) -> PathBuf {
        self.journal_dir
            .clone()
            .unwrap_or_else(journal_store::default_dir)
    }

    fn hosts(&self, plan: &MovePlan) -> Hosts {
        Hosts {
            from: (plan.source != HERE).then(|| plan.source.clone()),
            to: plan.target.clone(),
            ssh_config: self.ssh_config.clone(),
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            target_from_source: None,
            relay: false,
        }
    }
}

/// A recorded move: its plan (from the journal's first line) and state.
fn recorded(
    dir: &std::path::Path,
    id: &str,
) -> Result<(MovePlan, zmigrate::migrate::journal::State)> {
    let state = journal_store::read(dir, id)?;
    let value = state
        .plan
        .clone()
        .with_context(|| format!("the journal of move {id} does not start with its plan"))?;
    let plan: MovePlan = serde_json::from_value(value)
        .with_context(|| format!("the plan in the journal of move {id}"))?;
    Ok((plan, state))
}

fn unix_now_f64() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Writes the JSON report and the timeline page, when asked.
fn write_reports(rep: &Report, json: Option<&PathBuf>, html: Option<&PathBuf>) -> Result<()> {
    if let Some(path) = json {
        std::fs::write(path, serde_json::to_string_pretty(rep)? + "\n")
            .with_context(|| format!("writing the report {}", path.display()))?;
    }
    if let Some(path) = html {
        std::fs::write(path, zmigrate::run::timeline::html(rep))
            .with_context(|| format!("writing the timeline {}", path.display()))?;
    }
    Ok(())
}

fn exit_for(rep: &Report) -> ExitCode {
    match &rep.outcome {
        Outcome::Moved => ExitCode::SUCCESS,
        Outcome::Stopped { .. } if !rep.differences.is_empty() => ExitCode::from(1),
        _ => ExitCode::from(2),
    }
}

/// `zmigrate resume ID`.
pub fn resume(
    reach: &Reach,
    id: &str,
    json: bool,
    report: Option<PathBuf>,
    report_html: Option<PathBuf>,
) -> Result<ExitCode> {
    let dir = reach.dir();
    let (plan, state) = recorded(&dir, id)?;
    if state.verified() {
        bail!(
            "move {id} is complete: zone {} runs on {} and was verified (see zmigrate status {id})",
            plan.zone,
            plan.target
        );
    }
    // A rollback removed the move's copy and snapshots: resuming it would
    // be a new move without pre-flight. Refused, with the way on.
    if let Some(Outcome::RolledBack { reason }) = &state.outcome {
        bail!(
            "move {id} was rolled back ({}): start a new move (zmigrate move {} --from {} --to {})",
            first_line(reason),
            plan.zone,
            plan.source,
            plan.target
        );
    }
    let lock = ZoneLock::take(&dir, &plan.zone)?;
    if let Some(pid) = lock.took_over {
        eprintln!(
            "note: took over a stale lock on zone {} (process {pid} is gone)",
            plan.zone
        );
    }
    if state.truncated {
        eprintln!(
            "note: the journal's last line was cut short (a crash while writing it) and is ignored"
        );
    }
    let (source, target) = reach.hosts(&plan).open()?;
    let mut journal = Journal::open(&dir, id)?;
    eprintln!(
        "resuming move {id}: zone {} from {} to {} (last completed step: {})",
        plan.zone,
        plan.source,
        plan.target,
        state.done.last().map_or("none", String::as_str)
    );
    let log = MoveLog::new(json, unix_now_f64(), std::io::stderr().is_terminal());
    let rep = runner::run(
        &plan,
        source.as_ref(),
        target.as_ref(),
        &mut journal,
        &log,
        Transport::default(),
        runner::Start::Resume,
    )?;
    write_reports(&rep, report.as_ref(), report_html.as_ref())?;
    eprint!("{}", summary(&rep));
    drop(lock);
    Ok(exit_for(&rep))
}

/// `zmigrate rollback ID`.
pub fn rollback(reach: &Reach, id: &str, json: bool) -> Result<ExitCode> {
    let dir = reach.dir();
    let (plan, state) = recorded(&dir, id)?;
    let lock = ZoneLock::take(&dir, &plan.zone)?;
    let (source, target) = reach.hosts(&plan).open()?;
    let seen = zmigrate::run::observe::observe(&plan, source.as_ref(), target.as_ref())?;
    if let Err(e) = zmigrate::migrate::resume::may_roll_back(&plan, state.verified(), &seen) {
        bail!("rollback of move {id} refused: {e}");
    }
    let mut journal = Journal::open(&dir, id)?;
    let log = MoveLog::new(json, unix_now_f64(), std::io::stderr().is_terminal());
    let outcome = runner::roll_back(
        &plan,
        source.as_ref(),
        target.as_ref(),
        &mut journal,
        &log,
        "asked by the operator",
    )?;
    drop(lock);
    match outcome {
        Outcome::RolledBack { .. } => {
            eprintln!(
                "ROLLED BACK: zone {} is on {} ({}); nothing of move {id} remains on {}",
                plan.zone,
                plan.source,
                zmigrate::run::observe::zone_state(source.as_ref(), &plan.zone)?
                    .unwrap_or_else(|| "not configured".to_owned()),
                plan.target
            );
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Stopped { reason, recovery } => {
            eprintln!("STOPPED: {reason}\nto recover, run: {recovery}");
            Ok(ExitCode::from(2))
        }
        Outcome::Moved => Ok(ExitCode::SUCCESS),
    }
}

/// `zmigrate finalize ID`.
pub fn finalize(
    reach: &Reach,
    id: &str,
    destroy_source: bool,
    keep_none: bool,
    yes: bool,
) -> Result<ExitCode> {
    use zmigrate::migrate::resume;
    let dir = reach.dir();
    let (plan, state) = recorded(&dir, id)?;
    if !state.verified() {
        bail!(
            "finalize of move {id} refused: the move is not complete and verified (phase {}); \
             resume or roll it back first",
            state.phase()
        );
    }
    let lock = ZoneLock::take(&dir, &plan.zone)?;
    let (source, target) = reach.hosts(&plan).open()?;
    let seen = zmigrate::run::observe::observe(&plan, source.as_ref(), target.as_ref())?;
    if seen.target_state.as_deref() != Some("running") {
        bail!(
            "finalize of move {id} refused: zone {} is {} on {}, not running",
            plan.zone,
            seen.target_state.as_deref().unwrap_or("not configured"),
            plan.target
        );
    }
    if destroy_source && seen.source_state.as_deref() == Some("running") {
        bail!(
            "finalize of move {id} refused: zone {} runs on {} too; halt it there first",
            plan.zone,
            plan.source
        );
    }
    let (src_snaps, dst_snaps) = resume::finalize_snapshots(&plan, &seen, keep_none);
    let mut src_cmds: Vec<zrules::shell::Command> = Vec::new();
    let tag = zmigrate::migrate::plan::hold_tag(&plan.id);
    let rounds: std::collections::BTreeSet<usize> = seen
        .trees
        .iter()
        .flat_map(|t| t.source_rounds.iter().copied())
        .collect();
    let roots = plan.roots();
    for k in &rounds {
        let snap = zmigrate::migrate::plan::snapshot_name(&plan.id, *k);
        src_cmds.push(plan.dialect.release(&tag, &roots, &snap));
    }
    let releases = src_cmds.len();
    src_cmds.extend(src_snaps);
    if destroy_source {
        let z = plan.zone.as_str();
        src_cmds.push(zrules::shell::Command::new(
            "zoneadm",
            ["-z", z, "uninstall", "-F"],
        ));
        src_cmds.push(zrules::shell::Command::new(
            "zonecfg",
            ["-z", z, "delete", "-F"],
        ));
        for v in &plan.vnics {
            src_cmds.push(zrules::shell::Command::new(
                "dladm",
                ["delete-vnic", v.name.as_str()],
            ));
        }
        for t in &plan.trees {
            src_cmds.push(zrules::shell::Command::new(
                "zfs",
                ["destroy", "-r", t.root.as_str()],
            ));
        }
    }
    eprintln!("finalize move {id}: on {}:", plan.source);
    for c in &src_cmds {
        eprintln!("  {c}");
    }
    eprintln!("on {}:", plan.target);
    for c in &dst_snaps {
        eprintln!("  {c}");
    }
    if !yes
        && !confirm(&format!(
            "Run these {} commands?",
            src_cmds.len() + dst_snaps.len()
        ))?
    {
        eprintln!("nothing was changed");
        return Ok(ExitCode::from(2));
    }
    let mut journal = Journal::open(&dir, id)?;
    let mut failed = 0;
    for (i, c) in src_cmds.iter().enumerate() {
        let out = source.run(c)?;
        // A release of a round that holds nothing is expected (the runner
        // releases older rounds as it goes).
        if !out.success() && i >= releases {
            // Uninstall destroys the zonepath dataset: a destroy after it
            // finds nothing, which is the result wanted.
            if !out.stderr_text().contains("does not exist") {
                failed += 1;
                eprintln!("{}: `{c}` failed: {}", plan.source, out.stderr_text());
            }
        }
    }
    for c in &dst_snaps {
        let out = target.run(c)?;
        if !out.success() {
            failed += 1;
            eprintln!("{}: `{c}` failed: {}", plan.target, out.stderr_text());
        }
    }
    journal.record(
        unix_now_f64(),
        zmigrate::migrate::journal::Event::Note {
            text: format!(
                "finalized{}{} ({failed} commands failed)",
                if destroy_source {
                    ", source destroyed"
                } else {
                    ""
                },
                if keep_none { ", no snapshot kept" } else { "" }
            ),
        },
    )?;
    drop(lock);
    if failed > 0 {
        eprintln!("{failed} commands failed; run zmigrate finalize {id} again after fixing them");
        return Ok(ExitCode::from(2));
    }
    eprintln!("FINALIZED: move {id}");
    Ok(ExitCode::SUCCESS)
}

/// `zmigrate status [ID]`.
pub fn status(reach: &Reach, id: Option<&str>, json: bool) -> Result<ExitCode> {
    let dir = reach.dir();
    let ids = match id {
        Some(i) => vec![i.to_owned()],
        None => journal_store::list(&dir)?,
    };
    let mut rows = Vec::new();
    let mut unreadable = Vec::new();
    for i in &ids {
        let (plan, state) = match recorded(&dir, i) {
            Ok(x) => x,
            // Asked for by ID, a bad journal is an error; in the list of
            // all moves it is one line, and the others are still shown.
            Err(e) if id.is_none() => {
                unreadable.push(format!("{i}: unreadable journal: {e:#}"));
                continue;
            }
            Err(e) => return Err(e),
        };
        // The zone's state on both hosts, read live (a host that cannot be
        // reached says so instead).
        let live = |h: Option<String>, name: &str| -> String {
            let opened = match h {
                Some(host) => SshExecutor::connect(
                    &host,
                    SshOptions {
                        config: reach.ssh_config.clone(),
                        connect_timeout: reach.connect_timeout,
                        command_timeout: reach.timeout,
                        ..SshOptions::default()
                    },
                )
                .map(|x| Box::new(x) as Box<dyn Executor>),
                None => Ok(Box::new(LocalExecutor::new(HERE)) as Box<dyn Executor>),
            };
            match opened {
                Ok(x) => match zmigrate::run::observe::zone_state(x.as_ref(), &plan.zone) {
                    Ok(Some(s)) => s,
                    Ok(None) => "not configured".to_owned(),
                    Err(e) => format!("unknown ({e})"),
                },
                Err(e) => format!("unreachable ({name}: {e})"),
            }
        };
        let src = live(
            (plan.source != HERE).then(|| plan.source.clone()),
            &plan.source,
        );
        let dst = live(Some(plan.target.clone()), &plan.target);
        rows.push((i.clone(), plan, state, src, dst));
    }
    if json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|(i, plan, st, src, dst)| {
                serde_json::json!({
                    "id": i,
                    "zone": plan.zone,
                    "source": {"host": plan.source, "zone_state": src},
                    "target": {"host": plan.target, "zone_state": dst},
                    "phase": st.phase(),
                    "last_step": st.done.last(),
                    "interrupted": st.interrupted,
                    "outcome": st.outcome,
                    "rounds": st.rounds.iter().map(|(k, b, s)| serde_json::json!({"round": k, "bytes": b, "seconds": s})).collect::<Vec<_>>(),
                    "steps": st.steps,
                    "notes": st.notes.iter().map(|(at, t)| serde_json::json!({"at": at, "text": t})).collect::<Vec<_>>(),
                    "truncated": st.truncated,
                })
            })
            .collect();
        zrules::os::print(&(serde_json::to_string_pretty(&v)? + "\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    use std::fmt::Write as _;
    let mut out = String::new();
    if rows.is_empty() && unreadable.is_empty() {
        let _ = writeln!(out, "no moves recorded in {}", dir.display());
    }
    for u in &unreadable {
        let _ = writeln!(out, "{u}");
    }
    for (i, plan, st, src, dst) in &rows {
        let what = match &st.outcome {
            Some(Outcome::Moved) => "moved and verified".to_owned(),
            Some(Outcome::RolledBack { reason }) => {
                format!("rolled back ({})", first_line(reason))
            }
            Some(Outcome::Stopped { reason, recovery }) => {
                format!("STOPPED: {}; to recover: {recovery}", first_line(reason))
            }
            None => match &st.interrupted {
                Some(k) => {
                    format!("INTERRUPTED during {k}: zmigrate resume {i} or zmigrate rollback {i}")
                }
                None => format!(
                    "INTERRUPTED after {}: zmigrate resume {i} or zmigrate rollback {i}",
                    st.done.last().map_or("start", String::as_str)
                ),
            },
        };
        let _ = writeln!(
            out,
            "{i}  zone {}  {} ({src}) -> {} ({dst})\n    {what}",
            plan.zone, plan.source, plan.target
        );
        if id.is_some() {
            let start = st.started_at.unwrap_or(0.0);
            for s in &st.steps {
                let _ = writeln!(
                    out,
                    "    [{:8.2}s] {:<40} {:7.2} s{}{}",
                    s.at - start,
                    s.key,
                    s.seconds,
                    s.bytes
                        .map(|b| format!("  {}", human_bytes(b)))
                        .unwrap_or_default(),
                    s.error
                        .as_ref()
                        .map(|e| format!("  FAILED: {e}"))
                        .unwrap_or_default()
                );
            }
            for (k, b, secs) in &st.rounds {
                let _ = writeln!(out, "    round {k}: {} in {secs:.2} s", human_bytes(*b));
            }
            for (at, n) in &st.notes {
                let _ = writeln!(out, "    [{:8.2}s] note: {n}", at - start);
            }
            if st.truncated {
                let _ = writeln!(
                    out,
                    "    (the journal's last line was cut short and is ignored)"
                );
            }
        }
    }
    zrules::os::print(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// The first line of a message (a command's stderr can run to many).
fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}
