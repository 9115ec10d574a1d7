//! Reading the local global zone's facts, for `zgen` run on a GZ with no
//! facts given.
//!
//! This is the one place `zgen` runs programs, and it only runs read-only
//! commands: first `zrules::global_zone`'s probes (is this a Solaris or
//! illumos global zone at all?), then the global-zone entries of the capture
//! layout (`zrules::capture::LAYOUT`), exactly as a capture would, without a
//! shell. Their outputs go through the same decoding as a capture directory
//! (`zrules::input::capture_from_bytes`), so a local run and a capture of
//! the same host give the same facts. It lives in the binary: the library
//! stays pure.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use anyhow::{Result, anyhow};
use zrules::capture::{LAYOUT, Scope};
use zrules::global_zone;
use zrules::shell;

/// Runs one command here; `Ok(None)` when the program does not exist.
fn run(cmd: &shell::Command) -> std::io::Result<Option<std::process::Output>> {
    match Command::new(&cmd.program)
        .args(&cmd.args)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
    {
        Ok(out) => Ok(Some(out)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The standard output of a probe that ran and succeeded.
fn probe(cmd: &shell::Command) -> Option<String> {
    run(cmd)
        .ok()
        .flatten()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

/// Runs the global-zone commands of the capture layout here. Returns the
/// host label and the outputs keyed by capture file name. A command that
/// fails, or prints what is not text, leaves its file out (its facts stay
/// unknown), with a warning. Refused outside a Solaris or illumos global
/// zone: there the layout's commands describe some other machine.
pub fn read_local_host() -> Result<(String, BTreeMap<String, String>)> {
    let [uname, zonename] = global_zone::probes();
    global_zone::decide(probe(&uname).as_deref(), probe(&zonename).as_deref()).map_err(|why| {
        anyhow!(
            "this host is not a Solaris or illumos global zone: {why}; \
             give the facts with --gz-ip (and --zone-id, --over), or a host capture with --capture DIR"
        )
    })?;
    let mut outputs = BTreeMap::new();
    let mut warnings = Vec::new();
    for entry in LAYOUT.iter().filter(|c| c.scope == Scope::Global) {
        let cmd = entry.command(None);
        match run(&cmd) {
            Ok(Some(out)) if out.status.success() => {
                outputs.insert(entry.file.to_owned(), out.stdout);
            }
            Ok(Some(out)) => warnings.push(format!(
                "warning: `{cmd}` failed ({}): {}; its facts are unknown",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )),
            Ok(None) => warnings.push(format!(
                "warning: `{}` is not installed; the facts of `{cmd}` are unknown",
                cmd.program
            )),
            Err(e) => warnings.push(format!("warning: cannot run `{cmd}`: {e}")),
        }
    }
    let mut problems = Vec::new();
    let capture =
        zrules::input::capture_from_bytes("localhost", "localhost", &outputs, &mut problems);
    for p in problems {
        warnings.push(format!(
            "warning: the output of `{}` cannot be read ({}); its facts are unknown",
            p.name, p.problem
        ));
    }
    for w in warnings {
        eprintln!("{w}");
    }
    let label = capture
        .files
        .get("nodename")
        .and_then(|n| n.lines().next())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("localhost")
        .to_owned();
    Ok((label, capture.files))
}
