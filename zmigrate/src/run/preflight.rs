//! Pre-flight: read both global zones, change nothing, and hand the pure
//! planner ([`crate::migrate::plan::build`]) everything it decides on.
//!
//! Both hosts are collected with the capture layout (the same commands and
//! the same reading as `zmigrate check`) at the same time, and checked with
//! zrules: findings of error level about the zone that moves block the move
//! unless forced. Then, read-only: the size of each dataset tree
//! (`zfs get -Hp used`, the space check's estimate; the exact stream size
//! is asked with `zfs send -nvP` once the first snapshot exists), the
//! available space of the target's pools, the snapshots already under the
//! zone's trees, and whether the source reaches the target with ssh (the
//! direct transfer path). The VNICs are planned with zgen's allocation
//! against the target's MACs in use, from the target's address (house
//! rule 6).

use std::collections::BTreeSet;
use std::thread;

use zgen::HostContext;
use zrules::Sources;
use zrules::diagnostic::Severity;
use zrules::policy::Policy;
use zrules::shell::Command;

use crate::collect::{self, Capture, Quiet};
use crate::exec::{ExecError, Executor, Limit};
use crate::migrate::dialect::Dialect;
use crate::migrate::plan::{Facts, HostView, PlannedVnic, TransferPath, Tree};

/// Why pre-flight could not read what the plan needs.
#[derive(Debug, thiserror::Error)]
pub enum PreflightError {
    #[error(transparent)]
    Exec(#[from] ExecError),
    #[error("{host}: the collection stopped: {reason}")]
    Lost { host: String, reason: String },
    #[error("{host}: {what}")]
    Host { host: String, what: String },
}

/// How the streams should travel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathChoice {
    /// Direct when the source reaches the target with ssh (by this name),
    /// else relayed.
    Auto { target: String },
    /// Always through zmigrate.
    Relay,
}

/// What pre-flight was asked.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub zone: &'a str,
    pub id: &'a str,
    pub policy: &'a Policy,
    pub path: PathChoice,
}

fn host_err(exec: &dyn Executor, what: impl Into<String>) -> PreflightError {
    PreflightError::Host {
        host: exec.host().to_owned(),
        what: what.into(),
    }
}

/// Runs `cmd`; its standard output when it succeeds, else an error with
/// its standard error.
pub(crate) fn read(exec: &dyn Executor, cmd: &Command) -> Result<String, PreflightError> {
    let out = exec.run(cmd)?;
    if !out.success() {
        return Err(host_err(
            exec,
            format!("`{cmd}` ended with {}: {}", out.status, out.stderr_text()),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `zfs get -Hp -o name,value PROP DS…` as (name, number) pairs.
fn numbers(
    exec: &dyn Executor,
    prop: &str,
    datasets: &[String],
) -> Result<Vec<(String, u64)>, PreflightError> {
    if datasets.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = vec!["get", "-Hp", "-o", "name,value", prop];
    args.extend(datasets.iter().map(String::as_str));
    let text = read(exec, &Command::new("zfs", args))?;
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(n, v)| {
            v.trim()
                .parse()
                .map(|v| (n.to_owned(), v))
                .map_err(|_| host_err(exec, format!("zfs get -p {prop} printed {v:?} for {n}")))
        })
        .collect()
}

/// The zone's trees: the dataset mounted at its zonepath, and for each
/// delegated dataset `POOL/ZONE/…` the tree `POOL/ZONE` (house rule 10
/// puts them there; a dataset delegated elsewhere moves on its own).
pub fn trees(
    zone: &str,
    export: &str,
    facts: &zrules::facts::HostFacts,
) -> Result<Vec<String>, String> {
    let cfg = zrules::zonecfg::parse(export).map_err(|e| format!("zonecfg export: {e}"))?;
    let datasets: Vec<(&str, &str)> = facts
        .datasets
        .iter()
        .flatten()
        .map(|d| (d.value.name.as_str(), d.value.mountpoint.as_str()))
        .collect();
    let mut roots = Vec::new();
    let zonepath = cfg
        .zonepath()
        .map(|z| z.value.to_owned())
        .ok_or_else(|| format!("zone {zone} has no zonepath"))?;
    let zp = datasets
        .iter()
        .find(|(_, m)| *m == zonepath)
        .map(|(n, _)| (*n).to_owned())
        .ok_or_else(|| format!("no dataset is mounted at zone {zone}'s zonepath {zonepath}"))?;
    roots.push(zp);
    for r in cfg.resources_of("dataset") {
        let Some(name) = r.simple("name") else {
            continue;
        };
        let parts: Vec<&str> = name.value.split('/').collect();
        let root = if parts.len() >= 3 && parts[1] == zone {
            format!("{}/{}", parts[0], parts[1])
        } else {
            name.value.to_string()
        };
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    for r in &roots {
        zrules::names::validate_dataset_name(r).map_err(|e| e.to_string())?;
    }
    Ok(roots)
}

fn parent(root: &str) -> String {
    root.rsplit_once('/')
        .map_or_else(|| root.to_owned(), |(p, _)| p.to_owned())
}

fn collect_both(source: &dyn Executor, target: &dyn Executor) -> (Capture, Capture) {
    thread::scope(|s| {
        let a = s.spawn(|| collect::collect(source, &mut Quiet));
        let b = collect::collect(target, &mut Quiet);
        let a = a.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (a, b)
    })
}

fn view(cap: &Capture, exec: &dyn Executor) -> Result<HostView, PreflightError> {
    if let Some(e) = &cap.lost {
        return Err(PreflightError::Lost {
            host: cap.host.clone(),
            reason: e.to_string(),
        });
    }
    let (facts, _) = zrules::capture::load(&cap.host, &cap.texts(), &mut Sources::new());
    let uname = facts
        .uname_v
        .as_ref()
        .map(|v| v.value.clone())
        .ok_or_else(|| host_err(exec, "uname -v could not be read"))?;
    let dialect = Dialect::from_uname_v(&uname).map_err(|e| host_err(exec, e.to_string()))?;
    Ok(HostView {
        name: cap.host.clone(),
        dialect,
        facts,
        snapshots: BTreeSet::new(),
        available: Vec::new(),
    })
}

/// The error-level findings of zrules about the zone on the source, and
/// about either host as a whole, as `CODE check: message`.
fn blocking(caps: &[Capture], zone: &str, policy: &Policy) -> Vec<String> {
    let source = &caps[0].host;
    let outcome = crate::check::lint(caps, None, policy);
    outcome
        .report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter(|d| d.zone() == Some(zone) && d.host() == Some(source))
        .map(|d| format!("{} {}: {}", d.code, d.check, d.message()))
        .collect()
}

/// Reads both hosts and returns the planner's input.
pub fn gather(
    source: &dyn Executor,
    target: &dyn Executor,
    req: &Request<'_>,
) -> Result<(Facts, Vec<Capture>), PreflightError> {
    let zone = req.zone;
    zrules::names::validate_zone_name(zone).map_err(|e| host_err(source, e.to_string()))?;
    let (scap, tcap) = collect_both(source, target);
    let mut src = view(&scap, source)?;
    let mut dst = view(&tcap, target)?;
    let export_path = format!("zones/{zone}/zonecfg-export");
    let export = scap
        .files
        .get(&export_path)
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .ok_or_else(|| {
            host_err(
                source,
                format!("zone {zone} is not configured (no zonecfg export)"),
            )
        })?;
    let roots = trees(zone, &export, &src.facts).map_err(|e| host_err(source, e))?;
    let used = numbers(source, "used", &roots)?;
    let trees: Vec<Tree> = roots
        .iter()
        .map(|r| Tree {
            root: r.clone(),
            parent: parent(r),
            estimate: used.iter().find(|(n, _)| n == r).map_or(0, |(_, v)| *v),
        })
        .collect();
    // Snapshots already under the trees: names this move must not reuse.
    let mut args = vec!["list", "-H", "-o", "name", "-t", "snapshot", "-r"];
    args.extend(roots.iter().map(String::as_str));
    src.snapshots = read(source, &Command::new("zfs", args))?
        .lines()
        .map(str::to_owned)
        .collect();
    let pools: BTreeSet<String> = trees.iter().map(|t| t.pool().to_owned()).collect();
    let pools: Vec<String> = pools
        .into_iter()
        .filter(|p| {
            dst.facts
                .datasets
                .iter()
                .flatten()
                .any(|d| &d.value.name == p)
        })
        .collect();
    dst.available = numbers(target, "available", &pools)?;
    let vnics =
        plan_vnics(zone, &export, &src, &dst, req.policy).map_err(|e| host_err(target, e))?;
    let path = match &req.path {
        PathChoice::Relay => TransferPath::Relay,
        PathChoice::Auto { target: name } => {
            if reaches(source, name)? {
                TransferPath::Direct {
                    target: name.clone(),
                }
            } else {
                TransferPath::Relay
            }
        }
    };
    let caps = vec![scap, tcap];
    let blocking = blocking(&caps, zone, req.policy);
    Ok((
        Facts {
            zone: zone.to_owned(),
            id: req.id.to_owned(),
            source: src,
            target: dst,
            export,
            trees,
            vnics,
            path,
            blocking,
        },
        caps,
    ))
}

/// `ssh -o BatchMode=yes -o ConnectTimeout=10 TARGET true`, run on the
/// source: whether it can send streams to the target itself.
fn reaches(source: &dyn Executor, target: &str) -> Result<bool, PreflightError> {
    zrules::names::validate_host_name(target).map_err(|e| host_err(source, e.to_string()))?;
    let cmd = Command::new(
        "ssh",
        [
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=10",
            "--",
            target,
            "true",
        ],
    );
    Ok(source
        .run_with(&cmd, None, Limit::After(std::time::Duration::from_secs(30)))?
        .success())
}

/// The zone's `net` VNICs on the target: the same names (house rule 5),
/// MACs from the target's address and a free block there (rule 6),
/// preferring the block they use on the source.
fn plan_vnics(
    zone: &str,
    export: &str,
    src: &HostView,
    dst: &HostView,
    policy: &Policy,
) -> Result<Vec<PlannedVnic>, String> {
    let cfg = zrules::zonecfg::parse(export).map_err(|e| e.to_string())?;
    let names: Vec<String> = cfg
        .resources_of("net")
        .filter_map(|r| r.simple("physical").map(|p| p.value.to_string()))
        .collect();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut indices = Vec::new();
    for n in &names {
        let i = zrules::names::vnic_index(zone, n).ok_or_else(|| {
            format!("the zone's VNIC {n} is not named {zone}N (house rule 5): zmigrate cannot derive its MAC on the target")
        })?;
        indices.push(i);
    }
    let sctx = HostContext::from_facts(&src.facts, policy);
    let tctx = HostContext::from_facts(&dst.facts, policy);
    let over = zgen::vnic::resolve_over(None, &tctx).map_err(|e| e.to_string())?;
    let preferred: Vec<u32> = zgen::vnic::existing_block(zone, &sctx, policy)
        .into_iter()
        .collect();
    let choice = zgen::vnic::choose_for_zone(zone, &indices, &over, &tctx, policy, &preferred)
        .map_err(|e| e.to_string())?;
    Ok(choice
        .vnics
        .into_iter()
        .map(|v| PlannedVnic {
            source_mac: sctx.vnic(&v.name).map(|e| e.mac),
            name: v.name,
            over: v.over,
            mac: v.mac,
        })
        .collect())
}
