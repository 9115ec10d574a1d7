//! The order of a move: prepare, pre-copy until the convergence rule says
//! switch, the switch, and what follows once the zone runs on the target.
//!
//! The parent module holds the `Runner`'s primitives (run one step,
//! journal it, undo the target); this one strings them into the phases of
//! the move and decides, from where a failure happened, whether it ends
//! in a stop for `zmigrate resume`, a rollback or a report (the three
//! cases of the parent's module comment).

use super::*;

/// A failure inside the move: why, and whether the zone was down on the
/// source by then (so a rollback boots it again).
struct Abort {
    why: String,
    down: bool,
    /// A pre-copy stream was cut (a killed send, a dropped connection)
    /// while the zone still ran on the source: the move stops and keeps
    /// what arrived, for `zmigrate resume` to continue from the last
    /// common snapshot, instead of throwing the copy away (issue 9's
    /// "transfer cut, then resume"; a rollback is still one command).
    resumable: bool,
}

fn abort(why: impl Into<String>, down: bool) -> Abort {
    Abort {
        why: why.into(),
        down,
        resumable: false,
    }
}

/// Whether a failed pre-copy step is a cut transfer worth resuming: a
/// stream that failed for any reason but a full target pool (`out of
/// space`, zfs(8) receive; retrying cannot help there).
pub(super) fn is_cut(e: &StepError) -> bool {
    let StepError::Transfer(t) = e else {
        return false;
    };
    let text = t.to_string();
    !text.contains("out of space") && !text.contains("No space left")
}

pub(super) fn drive(
    r: &mut Runner<'_>,
    start: &Start,
    switch_reason: &mut Option<Switch>,
    differences: &mut Vec<String>,
) -> Outcome {
    match stages(r, start, switch_reason) {
        Ok(final_k) => finish(r, final_k, differences),
        Err(a) if a.resumable && !a.down => {
            r.note(format!("stopped: {}", a.why));
            Outcome::Stopped {
                reason: format!(
                    "{}; zone {} still runs on {}, and what arrived on {} is kept",
                    a.why, r.plan.zone, r.plan.source, r.plan.target
                ),
                recovery: format!("zmigrate resume {}", r.plan.id),
            }
        }
        Err(a) => r.roll_back(a.why, a.down),
    }
}

/// Everything up to the zone running on the target; the final round.
fn stages(
    r: &mut Runner<'_>,
    start: &Start,
    switch_reason: &mut Option<Switch>,
) -> Result<usize, Abort> {
    let plan = r.plan;
    let n = plan.trees.len();
    let next = match start {
        Start::Fresh => None,
        Start::Resume => {
            let o = r
                .observe()
                .map_err(|e| abort(format!("reading the hosts: {e}"), false))?;
            let next = resume::next(plan, &o).map_err(|e| abort(e.0, false))?;
            r.note(format!("resuming: {next}"));
            Some((next, o))
        }
    };
    // Where the rounds continue: after every round of this move the
    // source holds (a snapshot taken but never recorded included).
    let k0 = next.as_ref().map_or(0, |(_, o)| {
        o.trees
            .iter()
            .flat_map(|t| t.source_rounds.iter().copied())
            .max()
            .map_or(0, |k| k + 1)
    });
    let from: Vec<Option<usize>> = match &next {
        None => vec![None; n],
        Some((_, o)) => o.trees.iter().map(|t| t.last_common).collect(),
    };
    match next.as_ref().map(|(x, _)| x) {
        // A resume skips what the target already has (prepare's filter),
        // so a fresh move, a resume that must prepare and one that goes on
        // copying take the same path.
        None | Some(Next::Prepare | Next::PreCopy { .. }) => {
            prepare(r, next.as_ref().map(|(_, o)| o))?;
            r.open_source_master();
            if let Some((_, o)) = &next {
                r.clean_partial_trees(o).map_err(|e| abort(e, false))?;
            }
            let k = precopy(r, k0, from, next.is_some(), switch_reason)?;
            switch(r, k + 1, vec![Some(k); n], plan.running(), false)?;
            Ok(k + 1)
        }
        Some(Next::Switch { .. }) => {
            r.open_source_master();
            if let Some((_, o)) = &next {
                r.clean_partial_trees(o).map_err(|e| abort(e, true))?;
            }
            switch(r, k0, from, false, true)?;
            Ok(k0)
        }
        Some(Next::Boot) => {
            let steps = plan.switch_from(k0, &from, false, false);
            run_until_running(r, &steps, |s| s.key == "switch/boot")?;
            Ok(k0.saturating_sub(1))
        }
        Some(Next::Verify) => Ok(k0.saturating_sub(1)),
    }
}

/// Pre-flight's dry run (on a fresh move) and prepare: the zone runs,
/// nothing of the source changes. A resume skips what the target has.
fn prepare(r: &mut Runner<'_>, seen: Option<&Observed>) -> Result<(), Abort> {
    let plan = r.plan;
    let fixed: Vec<Step> = plan
        .steps
        .iter()
        .filter(|s| match s.phase {
            Phase::Preflight => seen.is_none(),
            Phase::Prepare => match seen {
                None => true,
                Some(o) if s.key == "prepare/zonecfg" => o.target_state.is_none(),
                Some(o) => !plan.vnics.iter().any(|v| {
                    s.key == format!("prepare/vnic/{}", v.name) && o.target_vnics.contains(&v.name)
                }),
            },
            _ => false,
        })
        .cloned()
        .collect();
    let mut phase = None;
    for s in &fixed {
        if phase != Some(s.phase) {
            phase = Some(s.phase);
            r.phase(s.phase);
        }
        r.step(s)
            .map_err(|e| abort(format!("{}: {e}", s.key), false))?;
    }
    Ok(())
}

/// Pre-copy rounds from round `k0` (each tree from its own base the first
/// time), until the convergence rule says switch. Returns the last round.
fn precopy(
    r: &mut Runner<'_>,
    k0: usize,
    from: Vec<Option<usize>>,
    resumed: bool,
    switch_reason: &mut Option<Switch>,
) -> Result<usize, Abort> {
    let plan = r.plan;
    r.phase(Phase::PreCopy);
    let mut measured = Vec::new();
    let mut k = k0;
    let mut first = Some(from);
    loop {
        let base = first.take();
        match r.round(k, base.as_deref(), resumed && k == k0) {
            Ok(round) => measured.push(round),
            Err(e) => {
                let mut a = abort(format!("pre-copy round {k}: {e}"), false);
                a.resumable = is_cut(&e);
                return Err(a);
            }
        }
        // An installed zone writes nothing: the full copy is all there is.
        let decision = if plan.running() {
            converge::decide(&measured, &plan.options.limits)
        } else {
            Decision::Switch(Switch::SmallEnough { predicted_bytes: 0 })
        };
        let last = measured.last().copied().unwrap_or(Round {
            bytes: 0,
            seconds: 0.0,
        });
        r.tell(&Progress::Round {
            round: k,
            bytes: last.bytes,
            seconds: last.seconds,
            decision,
        });
        if let Decision::Switch(why) = decision {
            *switch_reason = Some(why);
            r.note(format!("pre-copy ends after round {k}: {why}"));
            return Ok(k);
        }
        k += 1;
    }
}

/// Runs switch steps (those `pick` keeps) until the zone runs on the
/// target; streams of one round go side by side.
fn run_until_running(
    r: &mut Runner<'_>,
    steps: &[Step],
    pick: impl Fn(&Step) -> bool,
) -> Result<(), Abort> {
    let plan = r.plan;
    let steps: Vec<Step> = steps
        .iter()
        .filter(|s| s.phase == Phase::Switch && pick(s))
        .cloned()
        .collect();
    let mut down = !matches!(r.state(Role::Source).as_deref(), Ok("running"));
    let mut i = 0;
    while i < steps.len() {
        let s = &steps[i];
        if matches!(s.action, Action::Pipe { .. }) {
            let j = steps[i..]
                .iter()
                .position(|x| !matches!(x.action, Action::Pipe { .. }))
                .map_or(steps.len(), |p| i + p);
            let t = Instant::now();
            let k = s
                .key
                .split('/')
                .nth(1)
                .and_then(|k| k.parse().ok())
                .unwrap_or(0);
            match r.streams(&steps[i..j]) {
                Ok(counted) => {
                    let seconds = t.elapsed().as_secs_f64();
                    r.rounds.push(RoundFigure {
                        round: k,
                        bytes: counted,
                        seconds,
                        bytes_per_second: 0.0,
                        final_round: true,
                    });
                }
                Err(e) => return Err(abort(format!("final increment: {e}"), down)),
            }
            i = j;
            continue;
        }
        if s.key == "switch/shutdown" {
            down = true;
        }
        if let Err(e) = r.step(s) {
            let why = if s.key.ends_with("/snapshot") && down {
                format!(
                    "the zone did not shut down within {} s ({e})",
                    plan.options.shutdown_timeout.as_secs()
                )
            } else {
                format!("{}: {e}", s.key)
            };
            return Err(abort(why, down));
        }
        i += 1;
    }
    Ok(())
}

/// The switch: shutdown (unless it is under way), the wait and final
/// snapshot, the final streams, attach, boot, the wait for `running`.
fn switch(
    r: &mut Runner<'_>,
    k: usize,
    from: Vec<Option<usize>>,
    shutdown: bool,
    force: bool,
) -> Result<(), Abort> {
    r.phase(Phase::Switch);
    let steps = r.plan.switch_from(k, &from, shutdown, force);
    run_until_running(r, &steps, |_| true)
}

/// After the zone runs on the target: the final round's size, holds,
/// verification and autoboot=false on the source. Nothing is undone here.
fn finish(r: &mut Runner<'_>, final_k: usize, differences: &mut Vec<String>) -> Outcome {
    let plan = r.plan;
    // Direct path: the size of the final increment, asked now that the
    // zone runs again (outside the window).
    if r.rounds.iter().any(|x| x.final_round && x.bytes == 0) {
        let b = r.estimate(final_k, None).map_or(0, |s| s.iter().sum());
        if let Some(fin) = r.rounds.iter_mut().find(|x| x.final_round) {
            fin.bytes = b;
            fin.bytes_per_second = if fin.seconds > 0.0 {
                b as f64 / fin.seconds
            } else {
                0.0
            };
        }
    }
    r.phase(Phase::Finish);
    r.hold(final_k);
    *differences = verify_move(r, final_k);
    let steps = plan.switch(final_k.saturating_sub(1));
    for s in steps.iter().filter(|s| s.phase == Phase::Finish) {
        if let Err(e) = r.step(s) {
            r.note(format!("{}: {e}", s.key));
            return Outcome::Stopped {
                reason: format!(
                    "zone {} runs on {}, but autoboot could not be turned off on {}: {e}",
                    plan.zone, plan.target, plan.source
                ),
                recovery: format!(
                    "ssh {} zonecfg -z {} set autoboot=false",
                    plan.source, plan.zone
                ),
            };
        }
    }
    if differences.is_empty() {
        Outcome::Moved
    } else {
        Outcome::Stopped {
            reason: format!(
                "zone {} runs on {}, but verification found differences: {}",
                plan.zone,
                plan.target,
                differences.join("; ")
            ),
            recovery: format!(
                "zmigrate move {} --from {} --to {}",
                plan.zone, plan.target, plan.source
            ),
        }
    }
}

/// GUIDs of the final snapshot on both sides, and the configuration.
fn verify_move(r: &mut Runner<'_>, final_k: usize) -> Vec<String> {
    let plan = r.plan;
    let snap = snapshot_name(&plan.id, final_k);
    let mut diffs = Vec::new();
    let read = |x: &dyn Executor, c: &Command| -> Result<String, String> {
        match x.run(c) {
            Ok(o) if o.success() => Ok(String::from_utf8_lossy(&o.stdout).into_owned()),
            Ok(o) => Err(format!("`{c}` on {}: {}", x.host(), o.stderr_text())),
            Err(e) => Err(e.to_string()),
        }
    };
    let mut src = BTreeMap::new();
    let mut dst = BTreeMap::new();
    for t in &plan.trees {
        let c = verify::guid_command(&t.root);
        match (read(r.source, &c), read(r.target, &c)) {
            (Ok(a), Ok(b)) => {
                src.extend(verify::guids_of(&a, &snap));
                dst.extend(verify::guids_of(&b, &snap));
            }
            (Err(e), _) | (_, Err(e)) => diffs.push(e),
        }
    }
    diffs.extend(verify::compare_guids(&src, &dst));
    let export = Command::new("zonecfg", ["-z", plan.zone.as_str(), "export"]);
    match read(r.target, &export) {
        Ok(text) => diffs.extend(verify::compare_configs(&plan.config, &text)),
        Err(e) => diffs.push(e),
    }
    if plan.running() {
        match r.state(Role::Target) {
            Ok(s) if s == "running" => {}
            Ok(s) => diffs.push(format!("the zone is {s} on {}", plan.target)),
            Err(e) => diffs.push(e.to_string()),
        }
    }
    let n = src.len();
    if diffs.is_empty() {
        r.note(format!(
            "verified: {n} snapshot GUIDs equal on both hosts, configuration identical"
        ));
    }
    diffs
}
