//! The one place where a move plan meets the hosts.
//!
//! [`run`] walks the plan's steps in order on the source's and target's
//! executors, records each in the journal before going on, asks the
//! convergence rule after every pre-copy round, and measures what the
//! report shows. Every decision is the pure core's; this file only runs
//! commands, keeps time and handles failure:
//!
//! * **Before the zone is shut down**, any failure removes what the move
//!   created on the target (the steps' undo commands, in reverse) and
//!   leaves the zone running on the source; except a pre-copy stream cut
//!   short (a killed send, a dropped connection): then the move stops with
//!   the zone running on the source, keeps what arrived, and names
//!   `zmigrate resume ID` (or rollback) as the way on.
//! * **After the shutdown and before the zone runs on the target** (the
//!   shutdown never finished, the last increment, attach or boot failed),
//!   the target is cleaned the same way and the zone is booted again on
//!   the source.
//! * **Once the zone runs on the target**, nothing is undone: a failed
//!   verification is reported with what differs and the command that moves
//!   the zone back.
//!
//! When an undo or the source's reboot itself fails (the target vanished,
//! say), the move stops with the one command that recovers, and the
//! journal says so.
//!
//! This file holds the runner's primitives (a step run, timed and
//! journalled; the undo of the target; the report's figures); the phases
//! themselves, in the order a move goes through them, are in `stages`.

use std::collections::BTreeMap;
use std::thread;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use zrules::shell::{Command, Role};

use crate::exec::{ExecError, Executor, Limit};
use crate::migrate::converge::{self, Decision, Round, Switch};
use crate::migrate::journal::{Event, Outcome};
use crate::migrate::plan::{
    Action, MovePlan, Phase, Step, TransferPath, hold_tag, snapshot_name, wait_command,
};
use crate::migrate::resume::{self, Next, Observed};
use crate::migrate::verify;

use super::journal_store::{Journal, StoreError};
use super::observe;
use super::transfer::{self, SourceSsh, TransferError};

mod stages;

/// What the runner tells whoever watches (progress bars, `--json`).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case", tag = "event")]
pub enum Progress<'a> {
    Phase {
        phase: Phase,
    },
    Step {
        key: &'a str,
        why: &'a str,
        command: String,
    },
    Done {
        key: &'a str,
        seconds: f64,
    },
    Failed {
        key: &'a str,
        error: String,
    },
    Bytes {
        key: &'a str,
        bytes: u64,
        estimate: Option<u64>,
    },
    Round {
        round: usize,
        bytes: u64,
        seconds: f64,
        decision: Decision,
    },
    Note {
        text: String,
    },
}

/// Watches a move. Called from the threads that carry a round's streams
/// too (byte counts), hence `&self` and `Sync`.
pub trait Observer: Sync {
    fn event(&self, at: f64, p: &Progress<'_>);
}

/// An observer that ignores everything.
#[derive(Debug, Default)]
pub struct Silent;

impl Observer for Silent {
    fn event(&self, _: f64, _: &Progress<'_>) {}
}

/// How the streams are carried, beyond the plan.
#[derive(Clone, Debug, Default)]
pub struct Transport {
    /// Bytes per second at most, relayed (the direct path has no portable
    /// limiter; the plan's path is overridden to relay when this is set).
    pub bwlimit: Option<u64>,
    /// ssh compression on the direct path.
    pub compress: bool,
}

/// The figures of one step.
#[derive(Clone, Debug, Serialize)]
pub struct StepFigure {
    pub key: String,
    /// Seconds since the move started.
    pub started: f64,
    pub seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    pub ok: bool,
}

/// One pre-copy or final round.
#[derive(Clone, Debug, Serialize)]
pub struct RoundFigure {
    pub round: usize,
    pub bytes: u64,
    pub seconds: f64,
    pub bytes_per_second: f64,
    /// Sent while the zone was down.
    pub final_round: bool,
}

/// The downtime window and where it went.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Downtime {
    /// From the shutdown request until the zone runs on the target.
    pub total: f64,
    /// Until the zone was installed (and its final snapshot taken).
    pub shutdown_wait: f64,
    pub final_transfer: f64,
    pub attach: f64,
    /// `boot` until `running`.
    pub boot: f64,
    /// Everything else inside the window.
    pub other: f64,
    /// Bytes sent while the zone was down.
    pub bytes: u64,
}

/// What `--report FILE` holds.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub id: String,
    pub zone: String,
    pub source: String,
    pub target: String,
    pub path: String,
    pub outcome: Outcome,
    pub rounds: Vec<RoundFigure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub switch_reason: Option<Switch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downtime: Option<Downtime>,
    pub steps: Vec<StepFigure>,
    pub total_seconds: f64,
    /// Differences found by verification (empty when the move verified).
    pub differences: Vec<String>,
    /// zrules' findings about the zone on the target after the move
    /// (filled by the caller, which holds the policy).
    pub findings: Vec<String>,
    /// Seconds pre-flight took before the run (filled by the caller;
    /// `total_seconds` counts from the first step).
    pub preflight_seconds: f64,
    pub notes: Vec<String>,
    pub journal: String,
}

/// Why a step failed.
#[derive(Debug, thiserror::Error)]
enum StepError {
    #[error(transparent)]
    Exec(#[from] ExecError),
    #[error(transparent)]
    Transfer(#[from] TransferError),
    #[error("`{command}` ended with {status}: {stderr}")]
    Failed {
        command: String,
        status: crate::exec::Status,
        stderr: String,
    },
    #[error(transparent)]
    Journal(#[from] StoreError),
    #[error("{0}")]
    Space(String),
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// What a stream needs, shareable between the threads of one round.
#[derive(Clone, Copy)]
struct Streamer<'a> {
    source: &'a dyn Executor,
    target: &'a dyn Executor,
    ssh: Option<&'a SourceSsh>,
    bwlimit: Option<u64>,
    obs: &'a dyn Observer,
}

impl Streamer<'_> {
    fn stream(&self, step: &Step, from: &Command, to: &Command) -> Result<Option<u64>, StepError> {
        if step.phase == Phase::Preflight {
            transfer::small(self.source, self.target, from, to)?;
            return Ok(None);
        }
        match self.ssh {
            Some(ssh) if self.bwlimit.is_none() => {
                transfer::direct(self.source, from, to, ssh)?;
                Ok(None)
            }
            _ => {
                // Byte counts, at most four a second (a JSON consumer
                // does not want one line per 128 KiB).
                let last = std::sync::Mutex::new(Instant::now());
                let counted = |bytes: u64| {
                    let Ok(mut l) = last.lock() else { return };
                    if l.elapsed() >= std::time::Duration::from_millis(250) {
                        *l = Instant::now();
                        self.obs.event(
                            now(),
                            &Progress::Bytes {
                                key: &step.key,
                                bytes,
                                estimate: None,
                            },
                        );
                    }
                };
                Ok(Some(transfer::relay(
                    self.source,
                    self.target,
                    from,
                    to,
                    self.bwlimit,
                    &counted,
                )?))
            }
        }
    }
}

struct Runner<'a> {
    plan: &'a MovePlan,
    source: &'a dyn Executor,
    target: &'a dyn Executor,
    journal: &'a mut Journal,
    obs: &'a dyn Observer,
    transport: Transport,
    t0: Instant,
    figures: Vec<StepFigure>,
    rounds: Vec<RoundFigure>,
    notes: Vec<String>,
    /// The source's own ssh to the target (direct path).
    source_ssh: Option<SourceSsh>,
    /// Rounds whose snapshots this run holds on the source.
    held: Vec<usize>,
}

impl Runner<'_> {
    fn tell(&mut self, p: &Progress<'_>) {
        self.obs.event(now(), p);
    }

    fn note(&mut self, text: String) {
        self.tell(&Progress::Note { text: text.clone() });
        let _ = self
            .journal
            .record(now(), Event::Note { text: text.clone() });
        self.notes.push(text);
    }

    fn exec(&self, role: Role) -> &dyn Executor {
        match role {
            Role::Target => self.target,
            Role::Source | Role::Local => self.source,
        }
    }

    fn since(&self) -> f64 {
        self.t0.elapsed().as_secs_f64()
    }

    /// Runs one command step's command.
    fn run_command(
        &self,
        role: Role,
        command: &Command,
        input: Option<&str>,
    ) -> Result<(), StepError> {
        // A wait loop carries its own deadline; everything else gets the
        // executor's limit.
        let limit = if command.program == "sh" {
            Limit::None
        } else {
            Limit::Default
        };
        let out = self
            .exec(role)
            .run_with(command, input.map(str::as_bytes), limit)?;
        if !out.success() {
            return Err(StepError::Failed {
                command: command.to_string(),
                status: out.status,
                stderr: out.stderr_text(),
            });
        }
        Ok(())
    }

    /// Runs one stream (a pipe step): direct or relayed.
    fn stream(&self, step: &Step, from: &Command, to: &Command) -> Result<Option<u64>, StepError> {
        self.streamer().stream(step, from, to)
    }

    fn streamer(&self) -> Streamer<'_> {
        Streamer {
            source: self.source,
            target: self.target,
            ssh: self.source_ssh.as_ref(),
            bwlimit: self.transport.bwlimit,
            obs: self.obs,
        }
    }

    fn begin(&mut self, step: &Step) -> Result<(), StepError> {
        self.journal.record(
            now(),
            Event::Begin {
                key: step.key.clone(),
            },
        )?;
        self.tell(&Progress::Step {
            key: &step.key,
            why: &step.why,
            command: step.command().to_string(),
        });
        Ok(())
    }

    fn end(
        &mut self,
        step: &Step,
        started: f64,
        result: Result<Option<u64>, StepError>,
    ) -> Result<Option<u64>, StepError> {
        let seconds = self.since() - started;
        let ok = result.is_ok();
        let kill = ok && test_kill_after(&step.key);
        self.figures.push(StepFigure {
            key: step.key.clone(),
            started,
            seconds,
            bytes: result.as_ref().ok().copied().flatten(),
            ok,
        });
        match result {
            Ok(bytes) => {
                self.journal.record(
                    now(),
                    Event::Done {
                        key: step.key.clone(),
                        seconds,
                        bytes,
                    },
                )?;
                self.tell(&Progress::Done {
                    key: &step.key,
                    seconds,
                });
                if kill {
                    kill_self();
                }
                Ok(bytes)
            }
            Err(e) => {
                let error = e.to_string();
                let _ = self.journal.record(
                    now(),
                    Event::Failed {
                        key: step.key.clone(),
                        error: error.clone(),
                    },
                );
                self.tell(&Progress::Failed {
                    key: &step.key,
                    error,
                });
                Err(e)
            }
        }
    }

    /// Runs one step and records it.
    fn step(&mut self, step: &Step) -> Result<Option<u64>, StepError> {
        self.begin(step)?;
        let started = self.since();
        let result = match &step.action {
            Action::Run { command, input } => self
                .run_command(step.role, command, input.as_deref())
                .map(|()| None),
            Action::Pipe { from, to } => self.stream(step, from, to),
        };
        self.end(step, started, result)
    }

    /// Runs the streams of one round, all trees at once (they share the
    /// link; sending them side by side hides each stream's set-up time).
    /// A receive refused because the target changed since its last
    /// snapshot is retried once with `receive -F`: the target datasets are
    /// the move's own.
    fn streams(&mut self, steps: &[Step]) -> Result<u64, StepError> {
        for s in steps {
            self.begin(s)?;
        }
        let started = self.since();
        let results: Vec<(Result<Option<u64>, StepError>, f64, bool)> = {
            let streamer = self.streamer();
            let dialect = self.plan.dialect;
            let t0 = self.t0;
            thread::scope(|sc| {
                let handles: Vec<_> = steps
                    .iter()
                    .map(|s| {
                        sc.spawn(move || {
                            let Action::Pipe { from, to } = &s.action else {
                                return (Ok(None), 0.0, false);
                            };
                            let mut r = streamer.stream(s, from, to);
                            let retried =
                                matches!(&r, Err(StepError::Transfer(t)) if t.target_modified());
                            if retried {
                                let parent = to.args.last().cloned().unwrap_or_default();
                                let forced = dialect.receive(&parent, true);
                                r = streamer.stream(s, from, &forced);
                            }
                            (r, t0.elapsed().as_secs_f64(), retried)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect()
            })
        };
        let mut first_err = None;
        let mut total = 0;
        for (s, (r, ended, retried)) in steps.iter().zip(results) {
            if retried {
                self.note(format!(
                    "{}: the target's copy changed since its last snapshot; received again with \
                     receive -F (the dataset is this move's own)",
                    s.key
                ));
            }
            let r = self.end(s, started, r);
            if let Some(f) = self.figures.last_mut() {
                f.seconds = ended - started;
            }
            match r {
                Ok(b) => total += b.unwrap_or(0),
                Err(e) if first_err.is_none() => first_err = Some(e),
                Err(_) => {}
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(total),
        }
    }

    /// The exact size of round `k`'s streams, per tree, asked of the
    /// source with `zfs send -nvP` (one command for all trees; each prints
    /// its `size\tN` last): the direct path does not count bytes itself.
    /// `None` when the source could not tell.
    fn estimate(&mut self, k: usize, base: Option<&[Option<usize>]>) -> Option<Vec<u64>> {
        let snap = snapshot_name(&self.plan.id, k);
        let parts: Vec<String> = self
            .plan
            .trees
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let from = match base {
                    Some(b) => b.get(i).copied().flatten(),
                    None => k.checked_sub(1),
                }
                .map(|p| snapshot_name(&self.plan.id, p));
                self.plan
                    .dialect
                    .estimate(&t.root, from.as_deref(), &snap)
                    .to_shell()
            })
            .collect();
        let cmd = Command::new("sh", ["-c", &parts.join(" && ")]);
        let why = match self.source.run(&cmd) {
            Ok(o) if o.success() => {
                let sizes: Vec<u64> = String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .filter_map(|l| l.strip_prefix("size\t"))
                    .filter_map(|n| n.trim().parse::<u64>().ok())
                    .collect();
                if sizes.len() == self.plan.trees.len() {
                    return Some(sizes);
                }
                "the estimate did not name every tree".to_owned()
            }
            Ok(o) => o.stderr_text(),
            Err(e) => e.to_string(),
        };
        self.note(format!("size estimate of round {k} failed: {why}"));
        None
    }

    /// After the first snapshot, the exact size of the full streams is
    /// known: each target pool must hold its trees' streams plus the
    /// margin (pre-flight could only use `used`).
    fn check_space(&self, sizes: &[u64]) -> Result<(), StepError> {
        let margin = 1.0 + self.plan.options.space_margin;
        let mut need: BTreeMap<&str, u64> = BTreeMap::new();
        for (t, n) in self.plan.trees.iter().zip(sizes) {
            *need.entry(t.pool()).or_default() += (*n as f64 * margin).ceil() as u64;
        }
        for (pool, bytes) in need {
            let avail = self
                .plan
                .available
                .iter()
                .find(|(p, _)| p == pool)
                .map_or(0, |(_, a)| *a);
            if avail < bytes {
                return Err(StepError::Space(format!(
                    "pool {pool} on {} has {avail} bytes available; the full streams need {bytes} \
                     (zfs send -nvP, plus {:.0} %)",
                    self.plan.target,
                    self.plan.options.space_margin * 100.0
                )));
            }
        }
        Ok(())
    }

    /// One pre-copy round: snapshot, streams, figures.
    fn round(
        &mut self,
        k: usize,
        base: Option<&[Option<usize>]>,
        force: bool,
    ) -> Result<Round, StepError> {
        let steps = match base {
            Some(from) => self.plan.round_from(k, from, force),
            None => self.plan.round(k),
        };
        let whole = base.map_or(k == 0, |b| b.iter().all(Option::is_none));
        let t = Instant::now();
        self.step(&steps[0])?;
        // The space check's size estimate is not part of the copy: its time
        // is left out of the round's (it would understate the rate).
        let checking = Instant::now();
        let full = if whole {
            let sizes = self.estimate(k, base);
            if let Some(s) = &sizes {
                self.check_space(s)?;
            }
            sizes
        } else {
            None
        };
        let checked = checking.elapsed();
        let counted = self.streams(&steps[1..])?;
        let seconds = t.elapsed().saturating_sub(checked).as_secs_f64();
        self.hold(k);
        let bytes = if counted > 0 {
            counted
        } else if let Some(sizes) = full {
            sizes.iter().sum()
        } else {
            self.estimate(k, base).map_or(0, |s| s.iter().sum())
        };
        self.journal.record(
            now(),
            Event::Round {
                round: k,
                bytes,
                seconds,
            },
        )?;
        self.rounds.push(RoundFigure {
            round: k,
            bytes,
            seconds,
            bytes_per_second: if seconds > 0.0 {
                bytes as f64 / seconds
            } else {
                0.0
            },
            final_round: false,
        });
        Ok(Round { bytes, seconds })
    }

    /// The zone's state on a host (`zoneadm -z Z list -p`, third field).
    fn state(&self, role: Role) -> Result<String, StepError> {
        let cmd = Command::new("zoneadm", ["-z", self.plan.zone.as_str(), "list", "-p"]);
        let out = self.exec(role).run(&cmd)?;
        Ok(String::from_utf8_lossy(&out.stdout)
            .split(':')
            .nth(2)
            .unwrap_or("")
            .trim()
            .to_owned())
    }

    /// What both hosts show of the move now.
    fn observe(&self) -> Result<Observed, StepError> {
        Ok(observe::observe(self.plan, self.source, self.target)?)
    }

    /// Removes what the move created on the target, read from the target
    /// itself (a step cut short counts too): newest first, each command
    /// naming only what pre-flight saw absent. Returns the commands that
    /// failed, as the operator would run them.
    fn undo_target(&mut self) -> Vec<String> {
        let o = match self.observe() {
            Ok(o) => o,
            Err(e) => {
                self.note(format!("cannot read {}: {e}", self.plan.target));
                return vec![format!("zmigrate rollback {}", self.plan.id)];
            }
        };
        let mut failed = Vec::new();
        for undo in resume::undo_target(self.plan, &o) {
            match self.run_command(Role::Target, &undo, None) {
                Ok(()) => self.note(format!("undone on {}: {undo}", self.plan.target)),
                Err(e) => {
                    self.note(format!(
                        "could not undo on {}: {undo}: {e}",
                        self.plan.target
                    ));
                    failed.push(format!(
                        "ssh {} {}",
                        self.plan.target,
                        zrules::shell::quote(&undo.to_shell())
                    ));
                }
            }
        }
        failed
    }

    /// Destroys partial copies on the target before a resume sends again:
    /// a tree there without a common snapshot is what a full receive cut
    /// short left (pre-flight saw no such dataset, so it is the move's).
    fn clean_partial_trees(&mut self, o: &Observed) -> Result<(), String> {
        for (t, ob) in self.plan.trees.iter().zip(&o.trees) {
            if ob.on_target && ob.last_common.is_none() {
                let c = Command::new("zfs", ["destroy", "-r", t.root.as_str()]);
                self.run_command(Role::Target, &c, None)
                    .map_err(|e| format!("removing the partial copy of {}: {e}", t.root))?;
                self.note(format!(
                    "removed the partial copy of {} on {} (a receive cut short); sending it again whole",
                    t.root, self.plan.target
                ));
            }
        }
        Ok(())
    }

    /// Holds round `k`'s snapshots on the source (the incremental base of
    /// the next round, or of a resume) and releases the older rounds'.
    /// Where the platform has no holds, the journal's record of the base is
    /// the protection, and the note says so.
    fn hold(&mut self, k: usize) {
        let tag = hold_tag(&self.plan.id);
        let tag = tag.as_str();
        let roots = self.plan.roots();
        let snap = snapshot_name(&self.plan.id, k);
        let hold = self.plan.dialect.hold(tag, &roots, &snap);
        match self.source.run(&hold) {
            Ok(o) if o.success() => {}
            Ok(o) => {
                self.note(format!(
                    "zfs hold failed on {} ({}): round {k}'s snapshots are protected by the journal only",
                    self.plan.source,
                    o.stderr_text()
                ));
                return;
            }
            Err(e) => {
                self.note(format!("zfs hold on {}: {e}", self.plan.source));
                return;
            }
        }
        for old in self.held.drain(..).collect::<Vec<_>>() {
            let snap = snapshot_name(&self.plan.id, old);
            let _ = self
                .source
                .run(&self.plan.dialect.release(tag, &roots, &snap));
        }
        self.held.push(k);
    }

    /// Releases every hold of this move on the source.
    fn release_all(&mut self, rounds: &[usize]) {
        let tag = hold_tag(&self.plan.id);
        let tag = tag.as_str();
        let roots = self.plan.roots();
        for k in rounds {
            let snap = snapshot_name(&self.plan.id, *k);
            let _ = self
                .source
                .run(&self.plan.dialect.release(tag, &roots, &snap));
        }
        self.held.clear();
    }

    /// Brings the zone back up on the source after an abandoned switch:
    /// a zone stuck shutting down is halted first (the shutdown already
    /// stopped its services; halt only ends the wait), then booted, and
    /// the runner waits until it runs.
    fn restart_source(&mut self) -> Result<(), StepError> {
        let z = self.plan.zone.clone();
        let state = self.state(Role::Source)?;
        match state.as_str() {
            "running" => return Ok(()),
            "shutting_down" | "down" => {
                self.note(format!(
                    "zone {z} is {state} on {}: halting it to boot it again",
                    self.plan.source
                ));
                self.run_command(
                    Role::Source,
                    &Command::new("zoneadm", ["-z", z.as_str(), "halt"]),
                    None,
                )?;
            }
            _ => {}
        }
        self.run_command(
            Role::Source,
            &Command::new("zoneadm", ["-z", z.as_str(), "boot"]),
            None,
        )?;
        self.run_command(
            Role::Source,
            &wait_command(&z, &["running"], self.plan.options.boot_timeout),
            None,
        )?;
        self.note(format!("zone {z} runs on {} again", self.plan.source));
        Ok(())
    }

    /// Abandons the move: the target cleaned, the zone running on the
    /// source (booted again if it was shut down).
    fn roll_back(&mut self, reason: String, was_down: bool) -> Outcome {
        self.note(format!("rolling back: {reason}"));
        let failed = self.undo_target();
        self.drop_source_snapshots();
        let boot = if was_down && self.plan.running() {
            self.restart_source().err()
        } else {
            None
        };
        match (failed.is_empty(), boot) {
            (true, None) => Outcome::RolledBack { reason },
            (_, Some(e)) => Outcome::Stopped {
                reason: format!(
                    "{reason}; then booting the zone on {} failed: {e}",
                    self.plan.source
                ),
                recovery: format!(
                    "ssh {} zoneadm -z {} boot",
                    self.plan.source, self.plan.zone
                ),
            },
            (false, None) => Outcome::Stopped {
                reason: format!(
                    "{reason}; the zone runs on {}, but what the move created on {} could not all be removed",
                    self.plan.source, self.plan.target
                ),
                recovery: failed.join("; "),
            },
        }
    }

    /// After a rollback, the move's own snapshots on the source are of no
    /// use: their holds are released and they are destroyed (they did not
    /// exist before the move; the datasets themselves are untouched).
    fn drop_source_snapshots(&mut self) {
        let Ok(o) = self.observe() else { return };
        let rounds: Vec<usize> = o
            .trees
            .iter()
            .flat_map(|t| t.source_rounds.iter().copied())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        self.release_all(&rounds);
        for (t, ob) in self.plan.trees.iter().zip(&o.trees) {
            for k in &ob.source_rounds {
                let snap = format!("{}@{}", t.root, snapshot_name(&self.plan.id, *k));
                let c = Command::new("zfs", ["destroy", "-r", snap.as_str()]);
                if let Err(e) = self.run_command(Role::Source, &c, None) {
                    self.note(format!(
                        "could not remove {snap} on {}: {e}",
                        self.plan.source
                    ));
                }
            }
        }
    }

    fn phase(&mut self, phase: Phase) {
        self.tell(&Progress::Phase { phase });
    }

    /// Opens the source's control master to the target (OpenSSH only;
    /// SunSSH has no multiplexing, and then each pipe connects anew).
    fn open_source_master(&mut self) {
        let TransferPath::Direct { target } = &self.plan.path else {
            return;
        };
        let mut ssh = SourceSsh {
            target: target.clone(),
            control_path: None,
            compress: self.transport.compress,
        };
        let version = self
            .source
            .run(&Command::new("ssh", ["-V"]))
            .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
            .unwrap_or_default();
        if version.contains("OpenSSH") {
            let path = format!("/tmp/zmigrate-{}.ctl", self.plan.id);
            let master = Command::new(
                "ssh",
                [
                    "-o",
                    "BatchMode=yes",
                    "-o",
                    "ControlMaster=yes",
                    "-o",
                    &format!("ControlPath={path}"),
                    "-o",
                    "ControlPersist=3600",
                    "-f",
                    "-N",
                    "--",
                    target.as_str(),
                ],
            );
            match self.source.run(&master) {
                Ok(o) if o.success() => ssh.control_path = Some(path),
                Ok(o) => self.note(format!(
                    "no shared ssh connection from {} to {target} ({}): each stream connects anew",
                    self.plan.source,
                    o.stderr_text()
                )),
                Err(e) => self.note(format!("no shared ssh connection from the source: {e}")),
            }
        } else {
            self.note(format!(
                "{}'s ssh is not OpenSSH ({}): each stream opens its own connection",
                self.plan.source,
                version.trim()
            ));
        }
        self.source_ssh = Some(ssh);
    }

    fn close_source_master(&mut self) {
        let Some(SourceSsh {
            target,
            control_path: Some(path),
            ..
        }) = self.source_ssh.clone()
        else {
            return;
        };
        let exit = Command::new(
            "ssh",
            [
                "-o",
                &format!("ControlPath={path}"),
                "-O",
                "exit",
                "--",
                target.as_str(),
            ],
        );
        let _ = self.source.run(&exit);
    }
}

/// The figures of the downtime window from the step figures.
fn downtime(figures: &[StepFigure], bytes: u64) -> Option<Downtime> {
    let find = |p: &str| figures.iter().find(|f| f.key.starts_with(p) && f.ok);
    let start = find("switch/shutdown")?;
    let end = find("switch/boot")?;
    let total = end.started + end.seconds - start.started;
    let sum = |p: &str| -> f64 {
        figures
            .iter()
            .filter(|f| f.key.starts_with(p))
            .map(|f| f.seconds)
            .fold(0.0, f64::max)
    };
    let shutdown_wait = start.seconds
        + figures
            .iter()
            .filter(|f| f.key.starts_with("switch/") && f.key.ends_with("/snapshot"))
            .map(|f| f.seconds)
            .sum::<f64>();
    // Streams of one round run side by side: the round takes as long as
    // the longest.
    let final_transfer = figures
        .iter()
        .filter(|f| f.key.starts_with("switch/") && f.key.contains("/send/"))
        .map(|f| f.seconds)
        .fold(0.0, f64::max);
    let attach = sum("switch/attach");
    let boot = sum("switch/boot");
    let other = (total - shutdown_wait - final_transfer - attach - boot).max(0.0);
    Some(Downtime {
        total,
        shutdown_wait,
        final_transfer,
        attach,
        boot,
        other,
        bytes,
    })
}

/// The fault matrix's hook: with `ZMIGRATE_TEST_KILL_AFTER=PATTERN` in
/// the environment (a step key, `*` matching any text), the process sends
/// itself SIGKILL right after the first matching step is journalled, which
/// is what an operator's `kill -9` or a crash at that point does. Tests
/// use it to interrupt a move at every phase boundary exactly; it is not
/// a user option.
fn test_kill_after(key: &str) -> bool {
    let Some(pattern) = std::env::var_os("ZMIGRATE_TEST_KILL_AFTER") else {
        return false;
    };
    glob_match(&pattern.to_string_lossy(), key)
}

/// `*` matches any text; everything else itself.
fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

fn kill_self() {
    let pid = std::process::id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-9", &pid])
        .status();
    // `kill` always exists on the platforms zmigrate runs on; if it did
    // not, abort is the closest thing.
    std::process::abort();
}

/// Where a run begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// A new move: pre-flight's dry run, prepare, pre-copy from round 0.
    Fresh,
    /// An interrupted move: from what the hosts show now.
    Resume,
}

/// Runs the move. Whatever happens, the outcome is in the report and the
/// journal; an `Err` means the journal itself could not be written.
pub fn run(
    plan: &MovePlan,
    source: &dyn Executor,
    target: &dyn Executor,
    journal: &mut Journal,
    obs: &dyn Observer,
    transport: Transport,
    start: Start,
) -> Result<Report, StoreError> {
    match start {
        Start::Fresh => {
            let plan_json = serde_json::to_value(plan).unwrap_or(serde_json::Value::Null);
            journal.record(
                now(),
                Event::Started {
                    zone: plan.zone.clone(),
                    source: plan.source.clone(),
                    target: plan.target.clone(),
                    plan: plan_json,
                },
            )?;
        }
        Start::Resume => journal.record(
            now(),
            Event::Note {
                text: "resumed".to_owned(),
            },
        )?,
    }
    let journal_path = journal.path().display().to_string();
    let direct = matches!(plan.path, TransferPath::Direct { .. });
    let mut r = Runner {
        plan,
        source,
        target,
        journal,
        obs,
        transport,
        t0: Instant::now(),
        figures: Vec::new(),
        rounds: Vec::new(),
        notes: Vec::new(),
        source_ssh: None,
        held: Vec::new(),
    };
    if r.transport.bwlimit.is_some() && direct {
        r.note(
            "the bandwidth limit is applied by relaying the streams through this machine: \
                the source has no portable rate limiter"
                .to_owned(),
        );
    }
    if r.transport.compress && (!direct || r.transport.bwlimit.is_some()) {
        r.note("compression applies to the direct path (ssh from the source); relayed streams are not compressed".to_owned());
    }
    let mut switch_reason = None;
    let mut differences = Vec::new();
    let outcome = stages::drive(&mut r, &start, &mut switch_reason, &mut differences);
    r.close_source_master();
    r.journal.record(now(), Event::Finished(outcome.clone()))?;
    let down_bytes = r
        .rounds
        .iter()
        .filter(|x| x.final_round)
        .map(|x| x.bytes)
        .sum();
    Ok(Report {
        id: plan.id.clone(),
        zone: plan.zone.clone(),
        source: plan.source.clone(),
        target: plan.target.clone(),
        path: match &plan.path {
            TransferPath::Direct { .. } if r.transport.bwlimit.is_none() => "direct".to_owned(),
            _ => "relay".to_owned(),
        },
        outcome,
        rounds: r.rounds.clone(),
        switch_reason,
        downtime: downtime(&r.figures, down_bytes),
        steps: r.figures.clone(),
        total_seconds: r.since(),
        differences,
        findings: Vec::new(),
        preflight_seconds: 0.0,
        notes: r.notes.clone(),
        journal: journal_path,
    })
}

/// `zmigrate rollback`: removes what move `plan` left on the target (read
/// from the target itself), drops the move's snapshots on the source, and
/// boots the zone there again if the move had stopped it. The caller has
/// checked that the move may be rolled back
/// ([`crate::migrate::resume::may_roll_back`]).
pub fn roll_back(
    plan: &MovePlan,
    source: &dyn Executor,
    target: &dyn Executor,
    journal: &mut Journal,
    obs: &dyn Observer,
    reason: &str,
) -> Result<Outcome, StoreError> {
    journal.record(
        now(),
        Event::Note {
            text: format!("rollback asked: {reason}"),
        },
    )?;
    let mut r = Runner {
        plan,
        source,
        target,
        journal,
        obs,
        transport: Transport::default(),
        t0: Instant::now(),
        figures: Vec::new(),
        rounds: Vec::new(),
        notes: Vec::new(),
        source_ssh: None,
        held: Vec::new(),
    };
    let outcome = r.roll_back(reason.to_owned(), true);
    r.journal.record(now(), Event::Finished(outcome.clone()))?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cut_stream_is_resumable_a_full_pool_is_not() {
        use super::stages::is_cut;
        use super::{StepError, TransferError};
        let send = |stderr: &str| {
            StepError::Transfer(TransferError::Send {
                command: "zfs send -rc pool1/www@s".into(),
                status: crate::exec::Status::Exited(137),
                stderr: stderr.into(),
            })
        };
        assert!(is_cut(&send("")));
        assert!(is_cut(&send(
            "Connection to gz-b closed by remote host.\ncannot receive: failed to read from stream"
        )));
        assert!(!is_cut(&send(
            "cannot receive new filesystem stream: out of space"
        )));
        assert!(!is_cut(&StepError::Space("pool pool1 on gz-b".into())));
    }

    #[test]
    fn kill_patterns_match_step_keys() {
        use super::glob_match as g;
        assert!(g("switch/attach", "switch/attach"));
        assert!(!g("switch/attach", "switch/attach2"));
        assert!(g("switch/*/snapshot", "switch/3/snapshot"));
        assert!(g("pre-copy/1/send/*", "pre-copy/1/send/pool1/www"));
        assert!(!g("pre-copy/1/send/*", "pre-copy/2/send/pool1/www"));
        assert!(g("*", "anything"));
    }
}
