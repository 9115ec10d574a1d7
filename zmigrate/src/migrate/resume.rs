//! Where an interrupted move stands, read from the hosts themselves, and
//! what resuming, rolling back or finalising it means.
//!
//! A journal says what zmigrate *saw complete*; after a crash the hosts may
//! be further along (a step finished after the last journal line) or hold
//! half of a step (a receive cut short). So the decisions here take what
//! the hosts show now ([`Observed`], read by the runner) and the plan, and
//! every step they lead to checks before it acts:
//!
//! * a tree's **last common snapshot** is the newest `@zmigrate-ID-K` that
//!   every dataset of the tree has on both hosts with the same GUID; an
//!   increment starts there (received with `-F`, which discards a partial
//!   receive: the target's copy belongs to the move);
//! * a tree on the target without a common snapshot is a partial full
//!   receive: destroyed (it is the move's; pre-flight saw no such dataset)
//!   and sent again whole;
//! * the zone's states on both hosts say which part of the switch is left.
//!
//! Rollback and finalize are refused where they would lose something: a
//! zone that runs on the target and was verified is not rolled back (going
//! back is a new move in the other direction), and nothing is finalised
//! before that point.

use std::collections::BTreeMap;

use serde::Serialize;
use zrules::shell::Command;

use super::plan::{MovePlan, snapshot_name, snapshot_prefix};

/// One tree as the hosts show it now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeObserved {
    /// The tree's root exists on the target.
    pub on_target: bool,
    /// The newest round both hosts hold for every dataset of the tree.
    pub last_common: Option<usize>,
    /// Rounds of this move whose snapshot exists on the source (some
    /// datasets at least).
    pub source_rounds: Vec<usize>,
    /// Rounds of this move whose snapshot exists on the target.
    pub target_rounds: Vec<usize>,
}

/// What the hosts show now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observed {
    /// The zone's state on the source (`None`: not configured there).
    pub source_state: Option<String>,
    /// The zone's state on the target (`None`: not configured there).
    pub target_state: Option<String>,
    /// The plan's VNICs that exist on the target.
    pub target_vnics: Vec<String>,
    /// Per tree of the plan, in its order.
    pub trees: Vec<TreeObserved>,
}

/// Snapshot → GUID for every dataset under a tree, from
/// `zfs list -H -o name,guid -t snapshot -r ROOT`.
pub fn snapshot_guids(output: &str) -> BTreeMap<String, String> {
    output
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(n, g)| (n.to_owned(), g.trim().to_owned()))
        .collect()
}

/// The rounds of move `id` among `snapshots` (`DS@zmigrate-ID-K`).
fn rounds_of(id: &str, snapshots: &BTreeMap<String, String>) -> Vec<usize> {
    let prefix = format!("@{}", snapshot_prefix(id));
    let prefix = prefix.as_str();
    let mut ks: Vec<usize> = snapshots
        .keys()
        .filter_map(|n| n.split_once(prefix).map(|(_, k)| k))
        .filter_map(|k| k.parse().ok())
        .collect();
    ks.sort_unstable();
    ks.dedup();
    ks
}

/// A tree's state from both hosts' snapshot lists (`None` for the target
/// when the tree is not there).
pub fn observe_tree(
    id: &str,
    source: &BTreeMap<String, String>,
    target: Option<&BTreeMap<String, String>>,
) -> TreeObserved {
    let source_rounds = rounds_of(id, source);
    let Some(target) = target else {
        return TreeObserved {
            source_rounds,
            ..TreeObserved::default()
        };
    };
    let target_rounds = rounds_of(id, target);
    let last_common = source_rounds.iter().rev().copied().find(|&k| {
        let suffix = format!("@{}", snapshot_name(id, k));
        let mut any = false;
        let all = source
            .iter()
            .filter(|(n, _)| n.ends_with(&suffix))
            .all(|(n, g)| {
                any = true;
                target.get(n) == Some(g)
            });
        any && all
    });
    TreeObserved {
        on_target: true,
        last_common,
        source_rounds,
        target_rounds,
    }
}

/// What resuming does next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "next")]
pub enum Next {
    /// Configure the zone and create the VNICs that are missing on the
    /// target, then pre-copy.
    Prepare,
    /// The zone runs on the source: pre-copy rounds from each tree's last
    /// common round (`None`: send it whole), then the switch.
    PreCopy { from: Vec<Option<usize>> },
    /// The zone is down on the source and not yet attached on the target:
    /// the rest of the switch (wait for `installed`, final snapshot and
    /// increment, attach, boot).
    Switch { from: Vec<Option<usize>> },
    /// Attached on the target: boot it there.
    Boot,
    /// It runs on the target: verify and finish.
    Verify,
}

impl std::fmt::Display for Next {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bases = |from: &[Option<usize>]| {
            from.iter()
                .map(|b| b.map_or_else(|| "whole".to_owned(), |k| format!("from round {k}")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Next::Prepare => {
                f.write_str("the target lacks the configuration or VNICs: prepare, then pre-copy")
            }
            Next::PreCopy { from } => write!(
                f,
                "the zone runs on the source: pre-copy goes on (trees {})",
                bases(from)
            ),
            Next::Switch { from } => write!(
                f,
                "the zone is down on the source: the rest of the switch (trees {})",
                bases(from)
            ),
            Next::Boot => f.write_str("the zone is attached on the target: boot it there"),
            Next::Verify => f.write_str("the zone runs on the target: verify and finish"),
        }
    }
}

/// Why a resume, rollback or finalize is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

/// The next thing a resume does, from the hosts' state.
pub fn next(plan: &MovePlan, o: &Observed) -> Result<Next, Refusal> {
    let z = &plan.zone;
    let from: Vec<Option<usize>> = o.trees.iter().map(|t| t.last_common).collect();
    match o.target_state.as_deref() {
        Some("running") => return Ok(Next::Verify),
        Some("installed") => return Ok(Next::Boot),
        Some("configured") | None => {}
        Some(other) => {
            return Err(Refusal(format!(
                "zone {z} is {other} on {}: resume waits for a settled state (configured, installed or running)",
                plan.target
            )));
        }
    }
    let missing_vnic = plan.vnics.iter().any(|v| !o.target_vnics.contains(&v.name));
    if o.target_state.is_none() || missing_vnic {
        if o.source_state.as_deref() != Some(plan.source_state.as_str())
            && o.source_state.as_deref() != Some("running")
        {
            return Err(Refusal(format!(
                "zone {z} is {} on {} and not configured on {}: it was not moved; boot it on the source (zmigrate rollback)",
                o.source_state.as_deref().unwrap_or("not configured"),
                plan.source,
                plan.target
            )));
        }
        return Ok(Next::Prepare);
    }
    match o.source_state.as_deref() {
        Some("running") => Ok(Next::PreCopy { from }),
        Some("installed" | "shutting_down" | "down") => Ok(Next::Switch { from }),
        Some(other) => Err(Refusal(format!(
            "zone {z} is {other} on {}: resume cannot tell what to do",
            plan.source
        ))),
        None => Err(Refusal(format!(
            "zone {z} is no longer configured on {}, and not attached on {}: nothing to resume from",
            plan.source, plan.target
        ))),
    }
}

/// The commands that remove what move `plan` created on the target, from
/// what the target shows now (newest first): halt, detach, delete the
/// configuration, the VNICs, the trees. Only things pre-flight saw absent
/// are named, so nothing that existed before the move is touched.
pub fn undo_target(plan: &MovePlan, o: &Observed) -> Vec<Command> {
    let z = plan.zone.as_str();
    let mut cmds = Vec::new();
    match o.target_state.as_deref() {
        Some("running" | "ready" | "shutting_down" | "down") => {
            cmds.push(Command::new("zoneadm", ["-z", z, "halt"]));
            cmds.push(Command::new("zoneadm", ["-z", z, "detach"]));
            cmds.push(Command::new("zonecfg", ["-z", z, "delete", "-F"]));
        }
        Some("installed") => {
            cmds.push(Command::new("zoneadm", ["-z", z, "detach"]));
            cmds.push(Command::new("zonecfg", ["-z", z, "delete", "-F"]));
        }
        Some(_) => cmds.push(Command::new("zonecfg", ["-z", z, "delete", "-F"])),
        None => {}
    }
    for v in &plan.vnics {
        if o.target_vnics.contains(&v.name) {
            cmds.push(Command::new("dladm", ["delete-vnic", v.name.as_str()]));
        }
    }
    for (t, ob) in plan.trees.iter().zip(&o.trees) {
        if ob.on_target {
            cmds.push(Command::new("zfs", ["destroy", "-r", t.root.as_str()]));
        }
    }
    cmds
}

/// Whether a rollback may run: not once the zone ran on the target and was
/// verified.
pub fn may_roll_back(plan: &MovePlan, verified: bool, o: &Observed) -> Result<(), Refusal> {
    if verified {
        return Err(Refusal(format!(
            "zone {} was moved to {} and verified: going back is a new move in the other \
             direction (zmigrate move {} --from {} --to {}); the source still has its datasets \
             until finalize",
            plan.zone, plan.target, plan.zone, plan.target, plan.source
        )));
    }
    if o.source_state.is_none() {
        return Err(Refusal(format!(
            "zone {} is not configured on {} any more: there is nothing to go back to",
            plan.zone, plan.source
        )));
    }
    Ok(())
}

/// What finalize destroys: every snapshot of this move on both hosts except
/// the last common one (all of them with `keep_none`), as
/// `zfs destroy -r ROOT@SNAP` per tree and round.
pub fn finalize_snapshots(
    plan: &MovePlan,
    o: &Observed,
    keep_none: bool,
) -> (Vec<Command>, Vec<Command>) {
    let mut src = Vec::new();
    let mut dst = Vec::new();
    for (t, ob) in plan.trees.iter().zip(&o.trees) {
        let keep = if keep_none { None } else { ob.last_common };
        for &k in &ob.source_rounds {
            if Some(k) != keep {
                let s = format!("{}@{}", t.root, snapshot_name(&plan.id, k));
                src.push(Command::new("zfs", ["destroy", "-r", s.as_str()]));
            }
        }
        for &k in &ob.target_rounds {
            if Some(k) != keep {
                let s = format!("{}@{}", t.root, snapshot_name(&plan.id, k));
                dst.push(Command::new("zfs", ["destroy", "-r", s.as_str()]));
            }
        }
    }
    (src, dst)
}

#[cfg(test)]
mod tests {
    use super::super::plan::{Options, build, tests::facts};
    use super::*;

    fn guids(lines: &[(&str, &str)]) -> BTreeMap<String, String> {
        lines
            .iter()
            .map(|(n, g)| ((*n).to_owned(), (*g).to_owned()))
            .collect()
    }

    const ID: &str = "20261201T1000";

    #[test]
    fn the_last_common_round_needs_every_dataset_with_the_same_guid() {
        let src = guids(&[
            ("pool1/www@zmigrate-20261201T1000-0", "1"),
            ("pool1/www/pool1@zmigrate-20261201T1000-0", "2"),
            ("pool1/www@zmigrate-20261201T1000-1", "3"),
            ("pool1/www/pool1@zmigrate-20261201T1000-1", "4"),
            ("pool1/www@other", "9"),
        ]);
        // Round 1 reached the parent only: a receive cut short.
        let dst = guids(&[
            ("pool1/www@zmigrate-20261201T1000-0", "1"),
            ("pool1/www/pool1@zmigrate-20261201T1000-0", "2"),
            ("pool1/www@zmigrate-20261201T1000-1", "3"),
        ]);
        let t = observe_tree(ID, &src, Some(&dst));
        assert_eq!(t.last_common, Some(0));
        assert_eq!(t.source_rounds, [0, 1]);
        assert_eq!(t.target_rounds, [0, 1]);
        assert!(t.on_target);
        // A different GUID is not common (another stream with the name).
        let odd = guids(&[
            ("pool1/www@zmigrate-20261201T1000-0", "1"),
            ("pool1/www/pool1@zmigrate-20261201T1000-0", "7"),
        ]);
        assert_eq!(observe_tree(ID, &src, Some(&odd)).last_common, None);
        let absent = observe_tree(ID, &src, None);
        assert!(!absent.on_target && absent.last_common.is_none());
    }

    fn observed(source: &str, target: Option<&str>, vnic: bool, common: Option<usize>) -> Observed {
        Observed {
            source_state: Some(source.to_owned()),
            target_state: target.map(str::to_owned),
            target_vnics: if vnic {
                vec!["www0".to_owned()]
            } else {
                vec![]
            },
            trees: vec![
                TreeObserved {
                    on_target: common.is_some(),
                    last_common: common,
                    source_rounds: vec![0, 1],
                    target_rounds: common.into_iter().collect(),
                };
                2
            ],
        }
    }

    #[test]
    fn resume_continues_from_what_the_hosts_show() {
        let plan = build(&facts(), &Options::default()).expect("plan");
        assert_eq!(
            next(&plan, &observed("running", None, false, None)),
            Ok(Next::Prepare)
        );
        assert_eq!(
            next(&plan, &observed("running", Some("configured"), false, None)),
            Ok(Next::Prepare)
        );
        assert_eq!(
            next(
                &plan,
                &observed("running", Some("configured"), true, Some(1))
            ),
            Ok(Next::PreCopy {
                from: vec![Some(1), Some(1)]
            })
        );
        assert_eq!(
            next(
                &plan,
                &observed("installed", Some("configured"), true, Some(1))
            ),
            Ok(Next::Switch {
                from: vec![Some(1), Some(1)]
            })
        );
        assert_eq!(
            next(
                &plan,
                &observed("installed", Some("installed"), true, Some(2))
            ),
            Ok(Next::Boot)
        );
        assert_eq!(
            next(
                &plan,
                &observed("installed", Some("running"), true, Some(2))
            ),
            Ok(Next::Verify)
        );
        assert!(
            next(
                &plan,
                &observed("installed", Some("incomplete"), true, Some(2))
            )
            .is_err()
        );
    }

    #[test]
    fn rollback_removes_only_what_the_target_shows_of_the_move() {
        let plan = build(&facts(), &Options::default()).expect("plan");
        let o = observed("installed", Some("installed"), true, Some(1));
        let cmds: Vec<String> = undo_target(&plan, &o)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            cmds,
            [
                "zoneadm -z www detach",
                "zonecfg -z www delete -F",
                "dladm delete-vnic www0",
                "zfs destroy -r rpool/zones/www",
                "zfs destroy -r pool1/www",
            ]
        );
        assert!(undo_target(&plan, &observed("running", None, false, None)).is_empty());
        let e = may_roll_back(&plan, true, &o).expect_err("verified");
        assert!(
            e.0.contains("zmigrate move www --from gz-b --to gz-a"),
            "{e}"
        );
        assert!(may_roll_back(&plan, false, &o).is_ok());
    }

    #[test]
    fn finalize_keeps_the_last_common_snapshot_unless_told() {
        let plan = build(&facts(), &Options::default()).expect("plan");
        let mut o = observed("installed", Some("running"), true, Some(1));
        for t in &mut o.trees {
            t.target_rounds = vec![0, 1];
        }
        let (src, dst) = finalize_snapshots(&plan, &o, false);
        assert_eq!(src.len(), 2);
        assert_eq!(
            src[0].to_string(),
            "zfs destroy -r rpool/zones/www@zmigrate-20261201T1000-0"
        );
        assert_eq!(dst.len(), 2);
        let (src, dst) = finalize_snapshots(&plan, &o, true);
        assert_eq!((src.len(), dst.len()), (4, 4));
    }
}
