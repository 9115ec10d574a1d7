//! Reading where a move stands on the hosts themselves: the zone's state on
//! both, the plan's VNICs on the target, and each tree's snapshots of the
//! move with their GUIDs on both. Resume, rollback, finalize and status
//! decide from this ([`crate::migrate::resume`]), never from the journal
//! alone: the journal can lag the hosts by one step.

use zrules::shell::Command;

use crate::exec::{ExecError, Executor};
use crate::migrate::plan::MovePlan;
use crate::migrate::resume::{self, Observed};
use crate::migrate::verify;

/// The zone's state on a host (`zoneadm -z Z list -p`, third field), or
/// `None` when it is not configured there.
pub fn zone_state(exec: &dyn Executor, zone: &str) -> Result<Option<String>, ExecError> {
    let out = exec.run(&Command::new("zoneadm", ["-z", zone, "list", "-p"]))?;
    if !out.success() {
        // `zoneadm: Z: No such zone configured`
        return Ok(None);
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .and_then(|l| l.split(':').nth(2))
        .map(|s| s.trim().to_owned()))
}

/// Snapshot → GUID under `root` on a host; `None` when the tree is not
/// there.
fn guids(
    exec: &dyn Executor,
    root: &str,
) -> Result<Option<std::collections::BTreeMap<String, String>>, ExecError> {
    let out = exec.run(&verify::guid_command(root))?;
    if !out.success() {
        // `cannot open 'ROOT': dataset does not exist`
        return Ok(None);
    }
    Ok(Some(resume::snapshot_guids(&String::from_utf8_lossy(
        &out.stdout,
    ))))
}

/// What both hosts show of move `plan` now.
pub fn observe(
    plan: &MovePlan,
    source: &dyn Executor,
    target: &dyn Executor,
) -> Result<Observed, ExecError> {
    let source_state = zone_state(source, &plan.zone)?;
    let target_state = zone_state(target, &plan.zone)?;
    let links = target.run(&Command::new("dladm", ["show-vnic", "-p", "-o", "link"]))?;
    let links = String::from_utf8_lossy(&links.stdout).into_owned();
    let target_vnics = plan
        .vnics
        .iter()
        .filter(|v| {
            // Solaris shows a running zone's VNIC as `ZONE/LINK`.
            links
                .lines()
                .any(|l| l == v.name || l.rsplit('/').next() == Some(v.name.as_str()))
        })
        .map(|v| v.name.clone())
        .collect();
    let mut trees = Vec::new();
    for t in &plan.trees {
        let src = guids(source, &t.root)?.unwrap_or_default();
        let dst = guids(target, &t.root)?;
        trees.push(resume::observe_tree(&plan.id, &src, dst.as_ref()));
    }
    Ok(Observed {
        source_state,
        target_state,
        target_vnics,
        trees,
    })
}
