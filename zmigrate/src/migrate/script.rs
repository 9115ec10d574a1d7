//! The plan as a POSIX shell script: what `zmigrate plan` prints.
//!
//! The script is for a Solaris administrator to read before a move, and to
//! run by hand on the source global zone if zmigrate cannot be used: each
//! step is a comment saying why, then its command; a target step goes
//! through `ssh "$TARGET"`, quoted by zrules' one quoter; a pipe is
//! `FROM | ssh "$TARGET" TO`, as the hand procedure writes its transfers.
//! Pre-copy shows the full send and one increment; zmigrate itself repeats
//! increments until the convergence rule says switch, and the comment says
//! so. A configuration is fed through a here-document.

use std::fmt::Write as _;

use zrules::shell::{Command, Role, quote};

use super::plan::{Action, MovePlan, Phase, Step, TransferPath};

/// The delimiter of here-documents; a configuration holding it on a line of
/// its own cannot be written this way (zonecfg values never are).
const EOF_WORD: &str = "ZMIGRATE_EOF";

/// `ssh "$TARGET" 'cmd'`: one word for the remote shell.
fn on_target(cmd: &Command) -> String {
    format!("ssh \"$TARGET\" {}", quote(&cmd.to_shell()))
}

fn line(step: &Step) -> String {
    match (&step.action, step.role) {
        (Action::Run { command, input }, role) => {
            let c = match role {
                Role::Target => on_target(command),
                Role::Source | Role::Local => command.to_shell(),
            };
            match input {
                Some(text) if !text.lines().any(|l| l == EOF_WORD) => {
                    let mut s = format!("{c} <<'{EOF_WORD}'\n{text}");
                    if !text.ends_with('\n') {
                        s.push('\n');
                    }
                    s.push_str(EOF_WORD);
                    s
                }
                Some(text) => format!("printf '%s' {} | {c}", quote(text)),
                None => c,
            }
        }
        (Action::Pipe { from, to }, _) => format!("{} | {}", from.to_shell(), on_target(to)),
    }
}

/// The script for a move with `rounds` pre-copy rounds.
pub fn render(plan: &MovePlan, rounds: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "#!/bin/sh");
    let _ = writeln!(
        out,
        "# zmigrate plan {}: move zone {} from {} to {} ({}).",
        plan.id, plan.zone, plan.source, plan.target, plan.dialect
    );
    let _ = writeln!(
        out,
        "# Run on the source global zone ({}) as root; the target is reached with ssh.",
        plan.source
    );
    if plan.path == TransferPath::Relay {
        let _ = writeln!(
            out,
            "# zmigrate relays the streams through the machine it runs on (the source cannot\n\
             # reach the target); by hand, run the pipes from a machine that reaches both."
        );
    }
    let _ = writeln!(
        out,
        "# Nothing here destroys data that existed before: the source keeps its zone,\n\
         # datasets and snapshots. To go back before the target boots, run the undo\n\
         # commands of the steps that ran, in reverse, and boot the zone on the source."
    );
    for f in &plan.forced {
        let _ = writeln!(out, "# forced past: {f}");
    }
    let _ = writeln!(out, "set -eu");
    let target = match &plan.path {
        TransferPath::Direct { target } => target.as_str(),
        TransferPath::Relay => plan.target.as_str(),
    };
    let _ = writeln!(out, "TARGET={}", quote(target));
    let mut phase = None;
    for step in plan.all_steps(rounds) {
        if phase != Some(step.phase) {
            phase = Some(step.phase);
            let _ = writeln!(out, "\n# ---- {} ----", step.phase);
            match step.phase {
                Phase::PreCopy => {
                    let _ = writeln!(
                        out,
                        "# zmigrate repeats incremental rounds while the zone runs, until the next\n\
                         # increment is predicted below {} bytes or {:.1} s, or after {} rounds.",
                        plan.options.limits.converge_bytes,
                        plan.options.limits.downtime_target.as_secs_f64(),
                        plan.options.limits.max_rounds
                    );
                }
                Phase::Switch if plan.running() => {
                    let _ = writeln!(
                        out,
                        "# The zone is down from the shutdown until it runs on the target."
                    );
                }
                _ => {}
            }
        }
        let _ = writeln!(out, "# {}", step.why);
        if let Some(undo) = &step.undo {
            let _ = writeln!(out, "#   undo: {}", on_target(undo));
        }
        let _ = writeln!(out, "{}", line(&step));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::plan::{Options, build, tests::facts};
    use super::*;

    #[test]
    fn the_script_reads_as_the_hand_procedure_and_quotes_once_per_shell() {
        let plan = build(&facts(), &Options::default()).expect("plan");
        let s = render(&plan, 2);
        assert!(s.starts_with(
            "#!/bin/sh\n# zmigrate plan 20261201T1000: move zone www from gz-a to gz-b"
        ));
        assert!(s.contains("\nTARGET=gz-b\n"));
        assert!(s.contains("\nzoneadm -z www detach -n | ssh \"$TARGET\" 'zoneadm attach -n -'\n"));
        assert!(
            s.contains("\nssh \"$TARGET\" 'zonecfg -z www -f -' <<'ZMIGRATE_EOF'\ncreate -b\n")
        );
        assert!(s.contains("set bootargs=\"-m verbose\"\n"));
        assert!(s.contains(
            "\nzfs send -rc rpool/zones/www@zmigrate-20261201T1000-0 | ssh \"$TARGET\" 'zfs receive -u -e rpool/zones'\n"
        ));
        assert!(s.contains("#   undo: ssh \"$TARGET\" 'zfs destroy -r pool1/www'\n"));
        assert!(s.contains("\nzlogin www init 5\n"));
        // The boot and its wait loop are one command; the loop's own quotes
        // survive the trip through ssh.
        assert!(
            s.contains("\nssh \"$TARGET\" 'sh -c '\\''zoneadm -z www boot && { i=0; while :;"),
            "{s}"
        );
        // The final snapshot follows the wait for `installed` in one command.
        assert!(
            s.contains("; sleep 0.05; done; } && zfs snapshot -r rpool/zones/www@"),
            "{s}"
        );
        assert!(s.ends_with("zonecfg -z www set autoboot=false\n"));
    }

    #[test]
    fn the_script_is_valid_sh() {
        let plan = build(&facts(), &Options::default()).expect("plan");
        let out = std::process::Command::new("sh")
            .args(["-n", "-c", &render(&plan, 3)])
            .output()
            .expect("sh");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
