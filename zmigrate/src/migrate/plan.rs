//! The move as data: every step in the order it runs, on which host, with
//! the command and why.
//!
//! [`build`] takes what pre-flight read from the two global zones
//! ([`Facts`], gathered by the runner) and either refuses, with every
//! reason at once, or returns a [`MovePlan`]. The plan is what `zmigrate
//! plan` prints (as a shell script, [`super::script`], or as JSON) and what
//! `zmigrate move` runs: the runner adds only what cannot be known before
//! (how many pre-copy rounds the zone's writes need), by asking the plan
//! for round `k` ([`MovePlan::round`]) until the convergence rule says
//! switch.
//!
//! The steps follow the hand procedure of `docs/move-procedure.md` and fix
//! what it gets wrong: nothing is created on the target before every check
//! passed; the configuration travels through zrules' parser (the 11.1
//! `bootargs` export bug is repaired by re-exporting, never by sed); VNICs
//! get MACs derived from the *target's* address (house rule 6); datasets
//! are received unmounted; snapshot names carry the move's ID; the wait for
//! `installed` and the final snapshot are one command run on the source,
//! so no ssh round trip is spent polling inside the downtime window.

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use zrules::facts::HostFacts;
use zrules::facts::zoneadm::ZoneState;
use zrules::mac::Mac;
use zrules::shell::{Command, Role};
use zrules::zonecfg::ZoneConfig;

use super::converge::Limits;
use super::dialect::Dialect;

/// The parts of a move, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Read-only checks; nothing changes.
    Preflight,
    /// The target gets the configuration and the VNICs; the zone runs.
    Prepare,
    /// Snapshots are copied while the zone runs.
    PreCopy,
    /// Shutdown, last increment, attach, boot: the downtime window.
    Switch,
    /// The source is told not to boot the zone again.
    Finish,
}

impl Phase {
    pub const fn as_str(self) -> &'static str {
        match self {
            Phase::Preflight => "pre-flight",
            Phase::Prepare => "prepare",
            Phase::PreCopy => "pre-copy",
            Phase::Switch => "switch",
            Phase::Finish => "finish",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one step does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Action {
    /// Run a command on the step's host, with this text on its standard
    /// input when there is one.
    Run {
        command: Command,
        #[serde(skip_serializing_if = "Option::is_none")]
        input: Option<String>,
    },
    /// Run `from` on the source and feed its output to `to` on the target
    /// (a stream, a manifest).
    Pipe { from: Command, to: Command },
}

/// One step of the move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// A name unique within the move (`prepare/zonecfg`,
    /// `pre-copy/1/send/pool1/www`), under which the journal records it.
    pub key: String,
    pub phase: Phase,
    /// Where it runs (for a pipe: where its first command runs).
    pub role: Role,
    pub action: Action,
    /// Why, in words an administrator reads in the script.
    pub why: String,
    /// What removes its effect on the target, for a rollback. Only steps
    /// that create something have one, and it only ever removes what this
    /// move created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undo: Option<Command>,
}

impl Step {
    fn run(key: impl Into<String>, phase: Phase, role: Role, command: Command, why: &str) -> Self {
        Step {
            key: key.into(),
            phase,
            role,
            action: Action::Run {
                command,
                input: None,
            },
            why: why.to_owned(),
            undo: None,
        }
    }

    fn undo(mut self, undo: Command) -> Self {
        self.undo = Some(undo);
        self
    }

    /// The command that runs first (the sender of a pipe).
    pub fn command(&self) -> &Command {
        match &self.action {
            Action::Run { command, .. } => command,
            Action::Pipe { from, .. } => from,
        }
    }
}

/// One dataset tree of the zone that moves whole: the zonepath dataset
/// (`rpool/zones/www`) or a delegated dataset's parent (`pool1/www`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tree {
    /// The tree's top dataset, the same name on both hosts.
    pub root: String,
    /// Its parent, which must exist on the target (`zfs receive -e`).
    pub parent: String,
    /// The size estimate of its full stream (`zfs send -nvP`), bytes.
    pub estimate: u64,
}

impl Tree {
    /// The pool the tree lives in.
    pub fn pool(&self) -> &str {
        self.root.split('/').next().unwrap_or(&self.root)
    }
}

/// A VNIC the zone needs on the target, with the MAC house rule 6 derives
/// from the target's address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedVnic {
    pub name: String,
    pub over: String,
    #[serde(serialize_with = "display", deserialize_with = "parse")]
    pub mac: Mac,
    /// Its MAC on the source, for the report.
    #[serde(serialize_with = "display_opt", deserialize_with = "parse_opt")]
    pub source_mac: Option<Mac>,
}

/// A MAC in JSON as Solaris spells it (`0:0:1:1f:d:10`).
fn display<S: serde::Serializer>(m: &Mac, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(m)
}

fn parse<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Mac, D::Error> {
    let s = String::deserialize(d)?;
    s.parse().map_err(serde::de::Error::custom)
}

fn parse_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Mac>, D::Error> {
    match Option::<String>::deserialize(d)? {
        Some(s) => s.parse().map(Some).map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

fn display_opt<S: serde::Serializer>(m: &Option<Mac>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.collect_str(m),
        None => s.serialize_none(),
    }
}

/// How the streams travel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "path")]
pub enum TransferPath {
    /// `zfs send … | ssh TARGET zfs receive …` run on the source, as the
    /// hand procedure does: one hop. `target` is the target's name as the
    /// source's ssh knows it.
    Direct { target: String },
    /// Through the machine zmigrate runs on (two hops), when the source
    /// cannot reach the target or when asked.
    Relay,
}

/// What the operator asked for, beyond the zone and the hosts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Options {
    pub limits: Limits,
    /// How long the clean shutdown may take before the switch is abandoned.
    #[serde(with = "secs")]
    pub shutdown_timeout: Duration,
    /// How long the boot on the target may take to reach `running`.
    #[serde(with = "secs")]
    pub boot_timeout: Duration,
    /// Free space to keep in each target pool beyond the estimate, as a
    /// fraction of the estimate.
    pub space_margin: f64,
    /// Findings of error level do not block, for this reason.
    pub force: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            shutdown_timeout: Duration::from_secs(300),
            boot_timeout: Duration::from_secs(300),
            space_margin: 0.1,
            force: None,
        }
    }
}

pub(crate) mod secs {
    //! A duration as seconds (a float) in JSON.
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let v = f64::deserialize(d)?;
        Duration::try_from_secs_f64(v).map_err(serde::de::Error::custom)
    }
}

/// One global zone as pre-flight saw it.
#[derive(Clone, Debug)]
pub struct HostView {
    /// The name zmigrate reaches it by.
    pub name: String,
    pub dialect: Dialect,
    /// Its capture, read by zrules.
    pub facts: HostFacts,
    /// Every snapshot name under the zone's trees (source) or in the pools
    /// (target), `DATASET@SNAP`.
    pub snapshots: BTreeSet<String>,
    /// Available bytes per pool (target).
    pub available: Vec<(String, u64)>,
}

/// What pre-flight read, the input of [`build`].
#[derive(Clone, Debug)]
pub struct Facts {
    pub zone: String,
    /// The move's ID (unique per move; in every snapshot name).
    pub id: String,
    pub source: HostView,
    pub target: HostView,
    /// `zonecfg -z ZONE export` on the source, as printed.
    pub export: String,
    /// The trees to move with their estimates, from the source.
    pub trees: Vec<Tree>,
    /// The VNICs planned on the target (zgen's allocation).
    pub vnics: Vec<PlannedVnic>,
    pub path: TransferPath,
    /// zrules findings of error level that concern the move (`CODE check:
    /// message`), which block unless forced.
    pub blocking: Vec<String>,
}

/// The whole move.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MovePlan {
    pub id: String,
    pub zone: String,
    pub source: String,
    pub target: String,
    pub dialect: Dialect,
    pub path: TransferPath,
    pub options: Options,
    /// The configuration the target gets (the source's, re-exported).
    pub config: String,
    pub trees: Vec<Tree>,
    pub vnics: Vec<PlannedVnic>,
    /// Available bytes of the target's pools, as pre-flight read them.
    #[serde(default)]
    pub available: Vec<(String, u64)>,
    /// The zone's state on the source when planned (`running` or
    /// `installed`: an installed zone has no downtime to minimise).
    pub source_state: String,
    /// Every step up to the pre-copy's full send, then the first
    /// increment; the switch and finish follow ([`MovePlan::switch`]).
    pub steps: Vec<Step>,
    /// The findings that were forced past, with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forced: Vec<String>,
}

/// Why a move cannot be planned. All reasons are collected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the move cannot start:\n  - {}", .0.join("\n  - "))]
pub struct Refused(pub Vec<String>);

/// What every snapshot name of move `id` starts with: `zmigrate-ID-`.
pub fn snapshot_prefix(id: &str) -> String {
    format!("zmigrate-{id}-")
}

/// The tag of this move's holds on the source: `zmigrate-ID`.
pub fn hold_tag(id: &str) -> String {
    format!("zmigrate-{id}")
}

/// A snapshot name of this move: `zmigrate-ID-ROUND`.
pub fn snapshot_name(id: &str, round: usize) -> String {
    format!("{}{round}", snapshot_prefix(id))
}

/// The target's configuration: the source's export read by zrules' parser
/// and written back, which quotes what the 11.1 export left bare.
pub fn target_config(export: &str) -> Result<String, String> {
    let cfg: ZoneConfig = zrules::zonecfg::parse(export)
        .map_err(|e| format!("the source's zonecfg export does not parse: {e}"))?;
    Ok(cfg.export())
}

/// A POSIX `sh` loop, run on the host itself, that waits until the zone is
/// in one of `states` (as `zoneadm -z Z list -p` prints the third field),
/// polling every 0.05 s, and fails after `timeout`. Run there, the wait costs
/// no ssh round trip per poll.
pub fn wait_command(zone: &str, states: &[&str], timeout: Duration) -> Command {
    // Every poll inside the downtime window costs its lag: 50 ms keeps it
    // below the snapshot's own time (the benchmark measured 0.1 s polls as
    // most of zmigrate's overhead in the window).
    let tries = (timeout.as_millis() / 50).max(1);
    let want = states.join("|");
    let zone_q = zrules::shell::quote(zone);
    let script = format!(
        "i=0; while :; do s=$(zoneadm -z {zone_q} list -p | cut -d: -f3); \
         case $s in {want}) break;; esac; i=$((i+1)); \
         if [ $i -ge {tries} ]; then echo \"zone {zone} is $s after {secs} s\" >&2; exit 3; fi; \
         sleep 0.05; done",
        secs = timeout.as_secs()
    );
    Command::new("sh", ["-c", script.as_str()])
}

/// `sh -c 'FIRST && THEN'`: two commands in one round trip (a wait for
/// `installed` and the final snapshot; a boot and the check that the zone
/// runs). A `sh -c` operand is chained as its script in braces (so `&&`
/// binds to the whole script, not to its last statement), anything else as
/// the command line.
fn and_then(first: &Command, then: &Command) -> Command {
    let part = |c: &Command| match c.args.as_slice() {
        [dash_c, script] if c.program == "sh" && dash_c == "-c" => format!("{{ {script}; }}"),
        _ => c.to_shell(),
    };
    let script = format!("{} && {}", part(first), part(then));
    Command::new("sh", ["-c", script.as_str()])
}

/// Builds the plan, or refuses with every reason found.
pub fn build(facts: &Facts, options: &Options) -> Result<MovePlan, Refused> {
    let mut why = Vec::new();
    let zone = facts.zone.as_str();
    let src = &facts.source;
    let dst = &facts.target;
    if src.name == dst.name {
        why.push(format!("the source and the target are both {}", src.name));
    }
    if !src.dialect.same_family(dst.dialect) {
        why.push(format!(
            "{} runs {} and {} runs {}: a zone moves only between GZs of the same family",
            src.name, src.dialect, dst.name, dst.dialect
        ));
    }
    let state = match src.facts.zone_entry(zone) {
        None => {
            why.push(format!("zone {zone} is not configured on {}", src.name));
            String::new()
        }
        Some(e) => {
            let s = e.value.state.clone();
            if !matches!(s, ZoneState::Running | ZoneState::Installed) {
                why.push(format!(
                    "zone {zone} is {s} on {}: only a running or installed zone can move",
                    src.name
                ));
            }
            s.to_string()
        }
    };
    if dst.facts.zone_entry(zone).is_some() {
        why.push(format!(
            "a zone named {zone} is already configured on {}",
            dst.name
        ));
    }
    let config = match target_config(&facts.export) {
        Ok(c) => Some(c),
        Err(e) => {
            why.push(e);
            None
        }
    };
    if facts.trees.is_empty() {
        why.push(format!(
            "no dataset of zone {zone} was found on {}",
            src.name
        ));
    }
    let target_datasets: BTreeSet<&str> = dst
        .facts
        .datasets
        .iter()
        .flatten()
        .map(|d| d.value.name.as_str())
        .collect();
    for t in &facts.trees {
        if target_datasets.contains(t.root.as_str()) {
            why.push(format!(
                "dataset {} already exists on {}: a move never overwrites data",
                t.root, dst.name
            ));
        }
        if !target_datasets.contains(t.parent.as_str()) {
            why.push(format!(
                "dataset {} does not exist on {}: {} is received under it",
                t.parent, dst.name, t.root
            ));
        }
    }
    // Space: each target pool must hold its trees' estimates plus the margin.
    let mut need: Vec<(String, u64)> = Vec::new();
    for t in &facts.trees {
        let add = t.estimate + (t.estimate as f64 * options.space_margin).ceil() as u64;
        match need.iter_mut().find(|(p, _)| p == t.pool()) {
            Some((_, n)) => *n += add,
            None => need.push((t.pool().to_owned(), add)),
        }
    }
    for (pool, bytes) in &need {
        match dst.available.iter().find(|(p, _)| p == pool) {
            Some((_, avail)) if avail >= bytes => {}
            Some((_, avail)) => why.push(format!(
                "pool {pool} on {} has {avail} bytes available; the zone's streams need about {bytes} (estimate plus {:.0} %)",
                dst.name,
                options.space_margin * 100.0
            )),
            None => why.push(format!("pool {pool} does not exist on {}", dst.name)),
        }
    }
    // Snapshot names of this move must be new on both hosts.
    let prefix = format!("@{}", snapshot_prefix(&facts.id));
    for s in src.snapshots.iter().chain(&dst.snapshots) {
        if s.contains(&prefix) {
            why.push(format!(
                "snapshot {s} already exists: move ID {} was used before",
                facts.id
            ));
            break;
        }
    }
    for v in &facts.vnics {
        if dst
            .facts
            .vnics
            .iter()
            .flatten()
            .any(|x| x.value.link == v.name)
        {
            why.push(format!("VNIC {} already exists on {}", v.name, dst.name));
        }
    }
    if !facts.blocking.is_empty() && options.force.is_none() {
        why.push(format!(
            "zrules found errors (give --force REASON to move anyway): {}",
            facts.blocking.join("; ")
        ));
    }
    let Some(config) = config.filter(|_| why.is_empty()) else {
        return Err(Refused(why));
    };
    let mut plan = MovePlan {
        id: facts.id.clone(),
        zone: zone.to_owned(),
        source: src.name.clone(),
        target: dst.name.clone(),
        dialect: src.dialect,
        path: facts.path.clone(),
        options: options.clone(),
        config,
        trees: facts.trees.clone(),
        vnics: facts.vnics.clone(),
        available: dst.available.clone(),
        source_state: state,
        steps: Vec::new(),
        forced: if options.force.is_some() {
            facts.blocking.clone()
        } else {
            Vec::new()
        },
    };
    plan.steps = plan.fixed_steps();
    Ok(plan)
}

impl MovePlan {
    /// The roots of the zone's trees.
    pub fn roots(&self) -> Vec<String> {
        self.trees.iter().map(|t| t.root.clone()).collect()
    }

    /// Whether the zone runs on the source (so the switch shuts it down).
    pub fn running(&self) -> bool {
        self.source_state == "running"
    }

    /// Pre-flight's dry runs, prepare, and the full send (round 0).
    fn fixed_steps(&self) -> Vec<Step> {
        let z = self.zone.as_str();
        let mut steps = vec![Step {
            key: "pre-flight/attach-dry-run".to_owned(),
            phase: Phase::Preflight,
            role: Role::Source,
            action: Action::Pipe {
                from: Command::new("zoneadm", ["-z", z, "detach", "-n"]),
                to: Command::new("zoneadm", ["attach", "-n", "-"]),
            },
            why: "dry runs: the source writes the zone's manifest without detaching, the target \
                  checks it would attach"
                .to_owned(),
            undo: None,
        }];
        steps.push(Step {
            key: "prepare/zonecfg".to_owned(),
            phase: Phase::Prepare,
            role: Role::Target,
            action: Action::Run {
                command: Command::new("zonecfg", ["-z", z, "-f", "-"]),
                input: Some(self.config.clone()),
            },
            why: "configure the zone on the target from the source's export, re-exported by \
                  zrules so values with blanks are quoted"
                .to_owned(),
            undo: Some(Command::new("zonecfg", ["-z", z, "delete", "-F"])),
        });
        for v in &self.vnics {
            let mac = v.mac.to_string();
            steps.push(
                Step::run(
                    format!("prepare/vnic/{}", v.name),
                    Phase::Prepare,
                    Role::Target,
                    Command::new(
                        "dladm",
                        ["create-vnic", "-l", v.over.as_str(), "-m", &mac, &v.name],
                    ),
                    &format!(
                        "the zone's VNIC {} with the MAC house rule 6 derives from the target's address",
                        v.name
                    ),
                )
                .undo(Command::new("dladm", ["delete-vnic", v.name.as_str()])),
            );
        }
        steps.extend(self.round(0));
        steps.extend(self.round(1));
        steps
    }

    /// Round `k` of the pre-copy: a recursive snapshot of every tree, in
    /// one command (so all trees are taken at one instant), then one
    /// stream per tree, the full stream for `k == 0`, else the increment
    /// from round `k - 1`.
    pub fn round(&self, k: usize) -> Vec<Step> {
        self.round_from(k, &vec![k.checked_sub(1); self.trees.len()], false)
    }

    /// Round `k` where each tree has its own base (`None`: send it whole),
    /// as a resume needs; with `force`, received with `-F` (discarding what
    /// a receive cut short left on the target's copy, which is the move's).
    pub fn round_from(&self, k: usize, from: &[Option<usize>], force: bool) -> Vec<Step> {
        let snap = snapshot_name(&self.id, k);
        let mut steps = vec![Step::run(
            format!("pre-copy/{k}/snapshot"),
            Phase::PreCopy,
            Role::Source,
            self.dialect.snapshot(&self.roots(), &snap),
            if k == 0 {
                "snapshot every tree of the zone at one instant while it runs"
            } else {
                "snapshot again: the increment holds what the zone wrote meanwhile"
            },
        )];
        steps.extend(self.sends(k, Phase::PreCopy, from, &snap, force));
        steps
    }

    fn sends(
        &self,
        k: usize,
        phase: Phase,
        from: &[Option<usize>],
        snap: &str,
        force: bool,
    ) -> Vec<Step> {
        let phase_key = if phase == Phase::Switch {
            "switch"
        } else {
            "pre-copy"
        };
        self.trees
            .iter()
            .zip(from)
            .map(|(t, from)| {
                let from = from.map(|f| snapshot_name(&self.id, f));
                let from = from.as_deref();
                let mut step = Step {
                    key: format!("{phase_key}/{k}/send/{}", t.root),
                    phase,
                    role: Role::Source,
                    action: Action::Pipe {
                        from: self.dialect.send(&t.root, from, snap),
                        to: self.dialect.receive(&t.parent, force && from.is_some()),
                    },
                    why: match from {
                        None => format!(
                            "full stream of {} into {} on the target, received unmounted",
                            t.root, t.parent
                        ),
                        Some(f) => format!("increment of {} from @{f}", t.root),
                    },
                    undo: None,
                };
                if from.is_none() {
                    // The full receive created the tree: a rollback destroys
                    // it, and only it.
                    step.undo = Some(Command::new("zfs", ["destroy", "-r", t.root.as_str()]));
                }
                step
            })
            .collect()
    }

    /// The switch after `last` pre-copy rounds (`last` is the last round
    /// sent while the zone ran): shutdown, wait for `installed` and take
    /// the final snapshot in one command on the source, the final
    /// increments, attach, and the boot with its check that the zone runs
    /// on the target.
    pub fn switch(&self, last: usize) -> Vec<Step> {
        self.switch_from(
            last + 1,
            &vec![Some(last); self.trees.len()],
            self.running(),
            false,
        )
    }

    /// The switch with its final snapshot at round `k` and each tree's own
    /// base; without `shutdown` the zone is already going down (a resume)
    /// and only the wait is left.
    pub fn switch_from(
        &self,
        k: usize,
        from: &[Option<usize>],
        shutdown: bool,
        force: bool,
    ) -> Vec<Step> {
        let z = self.zone.as_str();
        let snap = snapshot_name(&self.id, k);
        let mut steps = Vec::new();
        let snapshot = self.dialect.snapshot(&self.roots(), &snap);
        if shutdown {
            steps.push(Step::run(
                "switch/shutdown",
                Phase::Switch,
                Role::Source,
                self.dialect.shutdown(z),
                "clean shutdown of the zone (never halt): the downtime starts here",
            ));
        }
        if self.running() {
            let wait = wait_command(z, &["installed"], self.options.shutdown_timeout);
            steps.push(Step::run(
                format!("switch/{k}/snapshot"),
                Phase::Switch,
                Role::Source,
                and_then(&wait, &snapshot),
                "wait on the source until the zone is installed, then take the final snapshot",
            ));
        } else {
            steps.push(Step::run(
                format!("switch/{k}/snapshot"),
                Phase::Switch,
                Role::Source,
                snapshot,
                "the final snapshot (the zone is not running)",
            ));
        }
        steps.extend(self.sends(k, Phase::Switch, from, &snap, force));
        steps.push(
            Step::run(
                "switch/attach",
                Phase::Switch,
                Role::Target,
                Command::new("zoneadm", ["-z", z, "attach"]),
                "attach the zone to its received zonepath",
            )
            .undo(Command::new("zoneadm", ["-z", z, "detach"])),
        );
        if self.running() {
            // zoneadm boot returns once the zone runs (zoneadmd's
            // zone_bootup); the check that it does runs in the same
            // command, so the window closes without another round trip.
            let boot = Command::new("zoneadm", ["-z", z, "boot"]);
            let wait = wait_command(z, &["running"], self.options.boot_timeout);
            steps.push(Step::run(
                "switch/boot",
                Phase::Switch,
                Role::Target,
                and_then(&boot, &wait),
                "boot the zone on the target and see it running: the downtime ends here",
            ));
        }
        steps.push(Step::run(
            "finish/source-autoboot",
            Phase::Finish,
            Role::Source,
            Command::new("zonecfg", ["-z", z, "set", "autoboot=false"]),
            "the source keeps the zone, its datasets and snapshots, but must not boot it again",
        ));
        steps
    }

    /// Every step of a move with `rounds` pre-copy rounds (the full send
    /// and `rounds - 1` increments), as `zmigrate plan` shows it.
    pub fn all_steps(&self, rounds: usize) -> Vec<Step> {
        let rounds = rounds.max(1);
        let mut steps: Vec<Step> = self
            .steps
            .iter()
            .filter(|s| s.phase != Phase::PreCopy)
            .cloned()
            .collect();
        for k in 0..rounds {
            steps.extend(self.round(k));
        }
        steps.extend(self.switch(rounds - 1));
        steps
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use zrules::Sources;

    pub const EXPORT_11_1: &str = "create -b\nset brand=solaris\nset zonepath=/zones/www\nset autoboot=true\nset bootargs=-m verbose\nset ip-type=exclusive\nadd net\nset physical=www0\nend\nadd dataset\nset name=pool1/www/pool1\nset alias=pool1\nend\n";

    fn host(name: &str, files: &[(&str, &str)]) -> HostView {
        let files = files
            .iter()
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
            .collect();
        let (facts, _) = zrules::capture::load(name, &files, &mut Sources::new());
        HostView {
            name: name.to_owned(),
            dialect: Dialect::Solaris11 { update: 1 },
            facts,
            snapshots: BTreeSet::new(),
            available: vec![("rpool".to_owned(), 1 << 30), ("pool1".to_owned(), 1 << 30)],
        }
    }

    pub fn facts() -> Facts {
        let src = host(
            "gz-a",
            &[
                (
                    "zoneadm-list-cp",
                    "0:global:running:/::solaris:shared:-:none\n1:www:running:/zones/www:u-1:solaris:excl:-:none\n",
                ),
                (
                    "zfs-list",
                    "rpool\t/rpool\tyes\nrpool/zones\t/zones\tyes\nrpool/zones/www\t/zones/www\tyes\npool1\t/pool1\tyes\npool1/www\t/pool1/www\tyes\n",
                ),
            ],
        );
        let dst = host(
            "gz-b",
            &[
                (
                    "zoneadm-list-cp",
                    "0:global:running:/::solaris:shared:-:none\n",
                ),
                (
                    "zfs-list",
                    "rpool\t/rpool\tyes\nrpool/zones\t/zones\tyes\npool1\t/pool1\tyes\n",
                ),
            ],
        );
        Facts {
            zone: "www".to_owned(),
            id: "20261201T1000".to_owned(),
            source: src,
            target: dst,
            export: EXPORT_11_1.to_owned(),
            trees: vec![
                Tree {
                    root: "rpool/zones/www".to_owned(),
                    parent: "rpool/zones".to_owned(),
                    estimate: 100 << 20,
                },
                Tree {
                    root: "pool1/www".to_owned(),
                    parent: "pool1".to_owned(),
                    estimate: 200 << 20,
                },
            ],
            vnics: vec![PlannedVnic {
                name: "www0".to_owned(),
                over: "net0".to_owned(),
                mac: "0:0:1:1f:d:10".parse().expect("mac"),
                source_mac: "0:0:1:1f:c:10".parse().ok(),
            }],
            path: TransferPath::Direct {
                target: "gz-b".to_owned(),
            },
            blocking: vec![],
        }
    }

    #[test]
    fn a_plan_configures_creates_copies_and_switches_in_order() {
        let plan = build(&facts(), &Options::default()).expect("plan");
        let keys: Vec<String> = plan.all_steps(2).iter().map(|s| s.key.clone()).collect();
        assert_eq!(
            keys,
            [
                "pre-flight/attach-dry-run",
                "prepare/zonecfg",
                "prepare/vnic/www0",
                "pre-copy/0/snapshot",
                "pre-copy/0/send/rpool/zones/www",
                "pre-copy/0/send/pool1/www",
                "pre-copy/1/snapshot",
                "pre-copy/1/send/rpool/zones/www",
                "pre-copy/1/send/pool1/www",
                "switch/shutdown",
                "switch/2/snapshot",
                "switch/2/send/rpool/zones/www",
                "switch/2/send/pool1/www",
                "switch/attach",
                "switch/boot",
                "finish/source-autoboot",
            ]
        );
        // The 11.1 bootargs bug is repaired through the parser.
        assert!(
            plan.config.contains("set bootargs=\"-m verbose\"\n"),
            "{}",
            plan.config
        );
        let shutdown = &plan.all_steps(2)[9];
        assert_eq!(shutdown.command().to_string(), "zlogin www init 5");
        let Action::Pipe { from, to } = &plan.all_steps(2)[11].action else {
            panic!("a pipe")
        };
        assert_eq!(
            from.to_string(),
            "zfs send -rc -i @zmigrate-20261201T1000-1 rpool/zones/www@zmigrate-20261201T1000-2"
        );
        assert_eq!(to.to_string(), "zfs receive -u -e rpool/zones");
    }

    #[test]
    fn every_reason_to_refuse_is_given_at_once() {
        let mut f = facts();
        f.target.dialect = Dialect::Illumos;
        f.target.available = vec![("rpool".to_owned(), 10)];
        f.blocking = vec!["Z06 mac-not-fixed: www0".to_owned()];
        f.source
            .snapshots
            .insert("pool1/www@zmigrate-20261201T1000-0".to_owned());
        let e = build(&f, &Options::default()).expect_err("refused");
        let text = e.to_string();
        for want in [
            "gz-a runs Solaris 11.1 and gz-b runs illumos",
            "pool rpool on gz-b has 10 bytes available",
            "pool pool1 does not exist on gz-b",
            "already exists: move ID 20261201T1000 was used before",
            "zrules found errors",
        ] {
            assert!(text.contains(want), "{want}\n{text}");
        }
        // Forcing past findings needs a reason and is recorded.
        let mut f = facts();
        f.blocking = vec!["Z06 mac-not-fixed: www0".to_owned()];
        let opts = Options {
            force: Some("known".to_owned()),
            ..Options::default()
        };
        assert_eq!(build(&f, &opts).expect("forced").forced.len(), 1);
    }

    #[test]
    fn existing_zone_dataset_or_vnic_on_the_target_refuses() {
        let mut f = facts();
        f.target = host(
            "gz-b",
            &[
                (
                    "zoneadm-list-cp",
                    "0:global:running:/::solaris:shared:-:none\n-:www:configured:/zones/www::solaris:excl:-:\n",
                ),
                (
                    "zfs-list",
                    "rpool\t/rpool\tyes\nrpool/zones\t/zones\tyes\npool1\t/pool1\tyes\npool1/www\t/pool1/www\tyes\n",
                ),
                (
                    "dladm-show-vnic",
                    "www0:net0:0\\:0\\:1\\:1f\\:d\\:10:fixed\n",
                ),
            ],
        );
        let text = build(&f, &Options::default())
            .expect_err("refused")
            .to_string();
        for want in [
            "a zone named www is already configured on gz-b",
            "dataset pool1/www already exists on gz-b",
            "VNIC www0 already exists on gz-b",
        ] {
            assert!(text.contains(want), "{want}\n{text}");
        }
    }

    #[test]
    fn a_plan_reads_back_from_its_json() {
        let plan = build(&facts(), &Options::default()).expect("plan");
        let json = serde_json::to_value(&plan).expect("json");
        let back: MovePlan = serde_json::from_value(json.clone()).expect("reads back");
        assert_eq!(serde_json::to_value(&back).expect("json"), json);
        assert_eq!(back.all_steps(3), plan.all_steps(3));
    }

    #[test]
    fn the_wait_loop_runs_on_the_host_with_its_own_deadline() {
        let c = wait_command("www", &["installed"], Duration::from_secs(2));
        assert_eq!(c.program, "sh");
        assert!(c.args[1].contains("zoneadm -z www list -p | cut -d: -f3"));
        assert!(c.args[1].contains("-ge 40 ]"));
    }
}
