//! Reading the local global zone's facts, for `zgen` run on a GZ with no
//! facts given.
//!
//! This is the one place `zgen` runs programs, and it only runs the
//! read-only commands of the capture layout (`zrules::capture::LAYOUT`, the
//! global-zone entries), exactly as a capture would, without a shell. Their
//! outputs go through the same loader as a capture directory, so a local
//! run and a capture of the same host give the same facts. It lives in the
//! binary: the library stays pure.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use anyhow::{Result, bail};
use zrules::capture::{LAYOUT, Scope};

/// Runs the global-zone commands of the capture layout here. Returns the
/// host label and the outputs keyed by capture file name. A command that
/// fails leaves its file out (its facts stay unknown), with a warning.
pub fn read_local_host() -> Result<(String, BTreeMap<String, String>)> {
    let mut files = BTreeMap::new();
    let mut warnings = Vec::new();
    let mut ran_any = false;
    for cmd in LAYOUT.iter().filter(|c| c.scope == Scope::Global) {
        let argv = cmd.argv(None);
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        match Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .output()
        {
            Ok(out) if out.status.success() => {
                ran_any = true;
                files.insert(
                    cmd.file.to_owned(),
                    String::from_utf8_lossy(&out.stdout).into_owned(),
                );
            }
            Ok(out) => {
                ran_any = true;
                warnings.push(format!(
                    "warning: `{}` failed ({}): {}; its facts are unknown",
                    cmd.command_line(None),
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => warnings.push(format!(
                "warning: cannot run `{}`: {e}",
                cmd.command_line(None)
            )),
        }
    }
    if !ran_any || !files.contains_key("zoneadm-list-cp") && !files.contains_key("dladm-show-vnic")
    {
        bail!(
            "this host does not look like a Solaris or illumos global zone (zoneadm and dladm did not run): \
             give the facts with --gz-ip (and --zone-id, --over), or a host capture with --capture DIR"
        );
    }
    // Only now are the warnings worth showing: this is a GZ that could not
    // tell everything.
    for w in warnings {
        eprintln!("{w}");
    }
    let label = files
        .get("nodename")
        .and_then(|n| n.lines().next())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("localhost")
        .to_owned();
    Ok((label, files))
}
