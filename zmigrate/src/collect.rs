//! Collecting a host capture: running the read-only commands of zrules'
//! capture layout on a global zone and keeping their outputs, unedited.
//!
//! zrules defines the capture layout (one table: file → command, see
//! `zrules layout`); this module is the only thing that runs it. The order
//! is the table's: first every GZ command, once; then, from the
//! `zoneadm list -cp` just captured, `zonecfg -z ZONE export` for every
//! non-global zone and the `zlogin ZONE …` commands for each zone that is
//! running. Zone names read from the host are validated before they reach
//! a command line or a path.
//!
//! A command that fails on the host does not stop the collection. Its file
//! is *not* written (so zrules reports the checks that need it as skipped,
//! never as passed on a partial output); what it printed on stdout, if
//! anything, is kept under `failed/` with the same relative path; and an
//! entry goes into the `collect-errors` file, which zrules ignores (it reads
//! only the layout's files):
//!
//! ```text
//! FILE<TAB>COMMAND<TAB>WHAT HAPPENED
//! <TAB>each line of the command's standard error
//! ```
//!
//! `FILE` is `-` for problems that are not one command's (a zone whose name
//! is unusable, zones that could not be listed). A capture without problems
//! has no `collect-errors` file. Only a lost connection stops a collection
//! early; what was captured until then is kept all the same.
//!
//! One failure is a fact rather than a problem: `svcs -d FMRI` of a service
//! that is not installed (sendmail, usually) ends with svcs(1)'s
//! `Pattern 'FMRI' doesn't match any instances`. Its file is not written
//! either, which zrules reads as "the service is absent" (house rule 11 asks
//! about sendmail only where it is present), and the path is listed in
//! [`Capture::absent`] instead of the failures.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use zrules::capture::{CaptureCommand, Content, LAYOUT, Scope};
use zrules::facts::zoneadm::{self, ZoneEntry, ZoneState};
use zrules::names::validate_zone_name;

use crate::exec::{Cmd, ExecError, Executor, Output};

/// The file listing what could not be collected.
pub const ERRORS_FILE: &str = "collect-errors";
/// The directory holding the standard output of commands that failed.
pub const FAILED_DIR: &str = "failed";

/// One command to run, and where its output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    /// The layout entry.
    pub entry: &'static CaptureCommand,
    /// The zone, for zone-scoped entries.
    pub zone: Option<String>,
    /// Relative path in the capture (`zones/www/pkg-list`).
    pub path: String,
    /// What runs in the GZ (`zlogin www pkg list -H` for in-zone entries).
    pub cmd: Cmd,
}

impl Planned {
    fn new(entry: &'static CaptureCommand, zone: Option<&str>) -> Self {
        let inner = Cmd::new(
            entry.program,
            entry.argv(zone).into_iter().skip(entry_prefix(entry) + 1),
        );
        let cmd = match (entry.scope, zone) {
            (Scope::InZone, Some(z)) => Cmd::in_zone(z, &inner),
            _ => inner,
        };
        Planned {
            entry,
            zone: zone.map(str::to_owned),
            path: entry.path(zone),
            cmd,
        }
    }
}

/// How many words `CaptureCommand::argv` puts before the program
/// (`zlogin ZONE` for in-zone entries).
fn entry_prefix(entry: &CaptureCommand) -> usize {
    if entry.scope == Scope::InZone { 2 } else { 0 }
}

/// The commands run once in the GZ, in layout order.
pub fn global_plan() -> Vec<Planned> {
    LAYOUT
        .iter()
        .filter(|c| c.scope == Scope::Global)
        .map(|c| Planned::new(c, None))
        .collect()
}

/// The per-zone commands for the zones `zoneadm list -cp` printed: the
/// configuration of every non-global zone, and the in-zone commands of the
/// running ones. Zones whose names are unusable are returned as problems.
pub fn zone_plan(zones: &[ZoneEntry]) -> (Vec<Planned>, Vec<Failure>) {
    let mut plan = Vec::new();
    let mut problems = Vec::new();
    for z in zones.iter().filter(|z| !z.is_global()) {
        if let Err(e) = validate_zone_name(&z.name) {
            problems.push(Failure::note(format!("zone not collected: {e}")));
            continue;
        }
        let running = z.state == ZoneState::Running;
        for entry in LAYOUT {
            let wanted = match entry.scope {
                Scope::Global => false,
                Scope::ZoneConfig => true,
                Scope::InZone => running,
            };
            if wanted {
                plan.push(Planned::new(entry, Some(&z.name)));
            }
        }
    }
    (plan, problems)
}

/// Something that could not be collected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The file that was not written, when the problem is one command's.
    pub path: Option<String>,
    /// The command, as a shell would read it.
    pub command: Option<String>,
    /// What happened (`exit status 1`, `no answer within 120 s; stopped`, …).
    pub what: String,
    /// The command's standard error.
    pub stderr: String,
    /// Where its standard output was kept, when it printed any.
    pub kept_stdout: Option<String>,
}

impl Failure {
    fn note(what: String) -> Self {
        Failure {
            path: None,
            command: None,
            what,
            stderr: String::new(),
            kept_stdout: None,
        }
    }

    /// The entry as written to `collect-errors`.
    fn entry(&self) -> String {
        let one_line = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        let mut what = one_line(&self.what);
        if let Some(k) = &self.kept_stdout {
            what.push_str(&format!(" (its standard output is in {k})"));
        }
        let mut out = format!(
            "{}\t{}\t{}\n",
            self.path.as_deref().unwrap_or("-"),
            self.command
                .as_deref()
                .map_or_else(|| "-".to_owned(), one_line),
            what
        );
        for line in self.stderr.lines() {
            out.push('\t');
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for Failure {
    /// One line for people: `zones/db/pkg-list: `zlogin db pkg list -H`: exit status 1: <first stderr line>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.path {
            write!(f, "{p}: ")?;
        }
        if let Some(c) = &self.command {
            write!(f, "`{c}`: ")?;
        }
        f.write_str(&self.what)?;
        let stderr = self.stderr.trim();
        if !stderr.is_empty() {
            write!(f, ": {}", stderr.lines().collect::<Vec<_>>().join(" / "))?;
        }
        Ok(())
    }
}

/// What a collection produced.
#[derive(Debug)]
pub struct Capture {
    /// The host, as named to the executor.
    pub host: String,
    /// Relative path → the command's standard output, byte for byte.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Relative path (under [`FAILED_DIR`]) → standard output of failed commands.
    pub failed_stdout: BTreeMap<String, Vec<u8>>,
    pub failures: Vec<Failure>,
    /// Commands run.
    pub commands: usize,
    /// The non-global zones `zoneadm list -cp` named, with their states.
    pub zones: Vec<(String, ZoneState)>,
    /// The connection was lost: the collection stopped early.
    pub lost: Option<ExecError>,
    /// Files not written because the service asked about is not installed.
    pub absent: Vec<String>,
}

impl Capture {
    /// Whether every command ran and succeeded.
    pub fn complete(&self) -> bool {
        self.failures.is_empty() && self.lost.is_none()
    }

    /// The files as text, for `zrules::check` (invalid UTF-8 is replaced,
    /// as the zrules parsers would reject it anyway).
    pub fn texts(&self) -> BTreeMap<String, String> {
        self.files
            .iter()
            .map(|(p, b)| (p.clone(), String::from_utf8_lossy(b).into_owned()))
            .collect()
    }

    /// A one-paragraph account for stderr: what was collected and each problem.
    pub fn summary(&self) -> String {
        let running = self
            .zones
            .iter()
            .filter(|(_, s)| *s == ZoneState::Running)
            .count();
        let mut out = format!(
            "{}: {} commands, {} files, {} non-global zones ({} running)",
            self.host,
            self.commands,
            self.files.len(),
            self.zones.len(),
            running
        );
        match self.failures.len() {
            0 => {}
            1 => out.push_str(", 1 problem"),
            n => out.push_str(&format!(", {n} problems")),
        }
        out.push('\n');
        if !self.absent.is_empty() {
            let list = self.absent.join(", ");
            out.push_str(&format!("  not installed, so not captured: {list}\n"));
        }
        for f in &self.failures {
            out.push_str(&format!("  {f}\n"));
        }
        if let Some(e) = &self.lost {
            out.push_str(&format!("  stopped early: {e}\n"));
        }
        out
    }

    /// The `collect-errors` text, or `None` when there is nothing to say.
    pub fn errors_text(&self) -> Option<String> {
        if self.complete() {
            return None;
        }
        let mut out = format!(
            "# zmigrate collect: what could not be collected from {}.\n\
             # FILE<TAB>COMMAND<TAB>WHAT, then the command's standard error indented by a tab.\n\
             # The files named here were not written.\n",
            self.host
        );
        for f in &self.failures {
            out.push_str(&f.entry());
        }
        if let Some(e) = &self.lost {
            out.push_str(&format!(
                "-\t-\tstopped early: {}\n",
                e.to_string().replace(['\t', '\n'], " ")
            ));
        }
        Some(out)
    }

    /// Writes the capture into `dir` (which [`prepare_dir`] made ready):
    /// each file as it was printed, failed commands' output under
    /// [`FAILED_DIR`], and [`ERRORS_FILE`] when something went wrong.
    pub fn write(&self, dir: &Path) -> Result<(), WriteError> {
        for (rel, bytes) in &self.files {
            write_file(&dir.join(rel), bytes)?;
        }
        for (rel, bytes) in &self.failed_stdout {
            write_file(&dir.join(rel), bytes)?;
        }
        if let Some(text) = self.errors_text() {
            write_file(&dir.join(ERRORS_FILE), text.as_bytes())?;
        }
        Ok(())
    }
}

/// A capture directory could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} is not empty: collect into a new or empty directory, so no file of an older capture is mistaken for this one's", .0.display())]
    NotEmpty(PathBuf),
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io)?;
    }
    fs::write(path, bytes).map_err(io)
}

/// Creates `dir` if needed and makes sure it is empty.
pub fn prepare_dir(dir: &Path) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: dir.to_owned(),
        source,
    };
    fs::create_dir_all(dir).map_err(io)?;
    if fs::read_dir(dir).map_err(io)?.next().is_some() {
        return Err(WriteError::NotEmpty(dir.to_owned()));
    }
    Ok(())
}

/// Told about a collection's progress (a progress bar, or nothing).
pub trait Observer {
    /// `n` more commands are planned.
    fn planned(&mut self, n: usize);
    /// A command starts.
    fn running(&mut self, p: &Planned);
    /// A command ended; `ok` unless it failed.
    fn done(&mut self, p: &Planned, ok: bool);
}

/// An observer that ignores everything.
#[derive(Debug, Default)]
pub struct Quiet;

impl Observer for Quiet {
    fn planned(&mut self, _: usize) {}
    fn running(&mut self, _: &Planned) {}
    fn done(&mut self, _: &Planned, _: bool) {}
}

/// Runs the capture layout on the executor's host.
pub fn collect(exec: &dyn Executor, obs: &mut dyn Observer) -> Capture {
    let mut cap = Capture {
        host: exec.host().to_owned(),
        files: BTreeMap::new(),
        failed_stdout: BTreeMap::new(),
        failures: Vec::new(),
        commands: 0,
        zones: Vec::new(),
        lost: None,
        absent: Vec::new(),
    };
    let global = global_plan();
    obs.planned(global.len());
    if !run_all(exec, &global, &mut cap, obs) {
        return cap;
    }

    let list = LAYOUT
        .iter()
        .find(|c| c.content == Content::Zones)
        .map(|c| c.path(None));
    let Some(text) = list.as_ref().and_then(|p| cap.files.get(p)) else {
        cap.failures.push(Failure::note(
            "no zone was collected: the list of zones (zoneadm list -cp) is missing".to_owned(),
        ));
        return cap;
    };
    let zones = match zoneadm::parse(&String::from_utf8_lossy(text)).into_result() {
        Ok(rows) => rows.into_iter().map(|r| r.value).collect::<Vec<_>>(),
        Err(errors) => {
            let why = errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            cap.failures.push(Failure::note(format!(
                "no zone was collected: zoneadm list -cp is unreadable: {why}"
            )));
            return cap;
        }
    };
    cap.zones = zones
        .iter()
        .filter(|z| !z.is_global())
        .map(|z| (z.name.clone(), z.state.clone()))
        .collect();
    let (plan, problems) = zone_plan(&zones);
    cap.failures.extend(problems);
    obs.planned(plan.len());
    run_all(exec, &plan, &mut cap, obs);
    cap
}

/// Whether a failed `svcs -d FMRI` says the service is not installed
/// (svcs(1): "Pattern '…' doesn't match any instances").
fn service_absent(entry: &CaptureCommand, stderr: &[u8]) -> bool {
    entry.content == Content::SvcDeps
        && String::from_utf8_lossy(stderr).contains("doesn't match any instances")
}

/// Runs `plan` in order; `false` when the connection was lost.
fn run_all(
    exec: &dyn Executor,
    plan: &[Planned],
    cap: &mut Capture,
    obs: &mut dyn Observer,
) -> bool {
    for p in plan {
        obs.running(p);
        cap.commands += 1;
        let result = exec.run(&p.cmd);
        let ok = matches!(&result, Ok(o) if o.success());
        match result {
            Ok(o) if !o.success() && service_absent(p.entry, &o.stderr) => {
                cap.absent.push(p.path.clone())
            }
            Ok(Output {
                status,
                stdout,
                stderr,
            }) if !status.success() => {
                let kept = (!stdout.is_empty()).then(|| format!("{FAILED_DIR}/{}", p.path));
                if let Some(k) = &kept {
                    cap.failed_stdout.insert(k.clone(), stdout);
                }
                cap.failures.push(Failure {
                    path: Some(p.path.clone()),
                    command: Some(p.cmd.to_string()),
                    what: status.to_string(),
                    stderr: String::from_utf8_lossy(&stderr).trim_end().to_owned(),
                    kept_stdout: kept,
                });
            }
            Ok(o) => {
                cap.files.insert(p.path.clone(), o.stdout);
            }
            Err(e @ ExecError::Connection { .. }) => {
                obs.done(p, false);
                cap.lost = Some(e);
                return false;
            }
            Err(e) => cap.failures.push(Failure {
                path: Some(p.path.clone()),
                command: Some(p.cmd.to_string()),
                what: e.to_string(),
                stderr: String::new(),
                kept_stdout: None,
            }),
        }
        obs.done(p, ok);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::fake::FakeExecutor;
    use crate::exec::{Output, Status};

    const ZONES: &str = "0:global:running:/::solaris:shared:-:none\n\
        1:www:running:/zones/www:u-1:solaris:excl:-:none\n\
        -:db:installed:/zones/db:u-2:solaris:excl:-:none\n\
        -:new:configured:/zones/new::solaris:excl:-:\n";

    /// A GZ whose every global command prints `G:FILE`, and whose zones
    /// answer with `Z:ZONE:FILE`.
    fn host(zoneadm: &str) -> FakeExecutor {
        let mut f = FakeExecutor::new("gz1");
        for p in global_plan() {
            let text = if p.path == "zoneadm-list-cp" {
                zoneadm.to_owned()
            } else {
                format!("G:{}\n", p.path)
            };
            f = f.ok(&argv(&p), &text);
        }
        for zone in ["www", "db", "new"] {
            for p in LAYOUT
                .iter()
                .filter(|c| c.scope != Scope::Global)
                .map(|c| Planned::new(c, Some(zone)))
            {
                f = f.ok(&argv(&p), &format!("Z:{zone}:{}\n", p.entry.file));
            }
        }
        f
    }

    fn argv(p: &Planned) -> Vec<&str> {
        std::iter::once(p.cmd.program.as_str())
            .chain(p.cmd.args.iter().map(String::as_str))
            .collect()
    }

    fn joined(asked: &[Vec<String>]) -> Vec<String> {
        asked.iter().map(|a| a.join(" ")).collect()
    }

    #[test]
    fn global_first_then_config_of_every_zone_then_zlogin_into_running_ones() {
        let fake = host(ZONES);
        let cap = collect(&fake, &mut Quiet);
        assert!(cap.complete(), "{}", cap.summary());
        let asked = joined(&fake.asked());
        let n_global = LAYOUT.iter().filter(|c| c.scope == Scope::Global).count();
        let n_in_zone = LAYOUT.iter().filter(|c| c.scope == Scope::InZone).count();
        assert_eq!(asked.len(), n_global + 3 + n_in_zone);
        assert_eq!(asked[0], "cat /etc/nodename");
        assert!(asked[..n_global].contains(&"zoneadm list -cp".to_owned()));
        assert_eq!(asked[n_global], "zonecfg -z www export");
        assert_eq!(asked[n_global + 1], "zlogin www cat /etc/nodename");
        assert!(asked.contains(&"zlogin www pkg list -H".to_owned()));
        assert!(
            asked.contains(&"zlogin www svcs -H -o fmri -d svc:/network/smtp:sendmail".to_owned())
        );
        // Installed and configured zones: their configuration only.
        assert_eq!(
            asked[asked.len() - 2..],
            ["zonecfg -z db export", "zonecfg -z new export"]
        );
        assert!(
            !asked
                .iter()
                .any(|a| a.starts_with("zlogin db") || a.starts_with("zlogin new"))
        );
        assert!(
            !asked.iter().any(|a| a.contains("global")),
            "nothing is run for the global zone's own row"
        );
        assert_eq!(cap.commands, asked.len());
        assert_eq!(cap.files.len(), asked.len());
        assert_eq!(cap.files["zones/www/pkg-list"], b"Z:www:pkg-list\n");
        assert_eq!(
            cap.files["zones/db/zonecfg-export"],
            b"Z:db:zonecfg-export\n"
        );
        assert_eq!(cap.files["zoneadm-list-cp"], ZONES.as_bytes());
        assert_eq!(cap.zones.len(), 3);
        assert_eq!(cap.errors_text(), None);
        assert_eq!(
            cap.summary(),
            "gz1: 23 commands, 23 files, 3 non-global zones (1 running)\n"
        );
    }

    #[test]
    fn a_failing_command_is_recorded_with_its_stderr_and_the_rest_is_kept() {
        let fake = host(ZONES)
            .answer(
                &["zlogin", "www", "pkg", "list", "-H"],
                Output {
                    status: Status::Exited(1),
                    stdout: b"entire  0.5.11  i--\n".to_vec(),
                    stderr: b"pkg: cannot lock the image\nretry later\n".to_vec(),
                },
            )
            .answer(
                &[
                    "dladm",
                    "show-vnic",
                    "-p",
                    "-o",
                    "link,over,macaddress,macaddrtype",
                ],
                Output::failed(1, "dladm: insufficient privileges\n"),
            );
        let cap = collect(&fake, &mut Quiet);
        assert!(!cap.complete());
        assert!(
            !cap.files.contains_key("zones/www/pkg-list"),
            "a failed command's file is not written"
        );
        assert!(!cap.files.contains_key("dladm-show-vnic"));
        assert_eq!(
            cap.failed_stdout["failed/zones/www/pkg-list"],
            b"entire  0.5.11  i--\n"
        );
        assert!(
            cap.files.contains_key("zones/www/passwd"),
            "the commands after it ran"
        );
        assert_eq!(cap.files.len(), cap.commands - 2);
        assert_eq!(cap.failures.len(), 2);
        assert_eq!(
            cap.failures[1].to_string(),
            "zones/www/pkg-list: `zlogin www pkg list -H`: exit status 1: pkg: cannot lock the image / retry later"
        );
        let text = cap.errors_text().expect("errors");
        let entries: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            entries,
            [
                "dladm-show-vnic\tdladm show-vnic -p -o link,over,macaddress,macaddrtype\texit status 1",
                "\tdladm: insufficient privileges",
                "zones/www/pkg-list\tzlogin www pkg list -H\texit status 1 (its standard output is in failed/zones/www/pkg-list)",
                "\tpkg: cannot lock the image",
                "\tretry later",
            ]
        );
        assert!(
            cap.summary()
                .contains(", 2 problems\n  dladm-show-vnic: `dladm show-vnic"),
            "{}",
            cap.summary()
        );
    }

    #[test]
    fn a_service_that_is_not_installed_is_absent_not_a_failure() {
        let sendmail = [
            "svcs",
            "-H",
            "-o",
            "fmri",
            "-d",
            "svc:/network/smtp:sendmail",
        ];
        let missing = "svcs: Pattern 'svc:/network/smtp:sendmail' doesn't match any instances\n";
        let fake = host(ZONES)
            .answer(&sendmail, Output::failed(1, missing))
            .answer(
                &["svcs", "-H", "-o", "fmri", "-d", "svc:/network/ssh:default"],
                Output::failed(1, "svcs: out of memory\n"),
            );
        let cap = collect(&fake, &mut Quiet);
        assert_eq!(cap.absent, ["svcs-d-sendmail"]);
        assert!(!cap.files.contains_key("svcs-d-sendmail"));
        assert_eq!(
            cap.failures.len(),
            1,
            "another svcs failure is still a failure"
        );
        assert!(
            cap.summary()
                .contains("\n  not installed, so not captured: svcs-d-sendmail\n"),
            "{}",
            cap.summary()
        );
        let clean = collect(
            &host(ZONES).answer(&sendmail, Output::failed(1, missing)),
            &mut Quiet,
        );
        assert!(clean.complete() && clean.errors_text().is_none());
    }

    #[test]
    fn a_lost_connection_stops_early_and_keeps_what_was_captured() {
        let fake = host(ZONES).error(
            &[
                "zfs",
                "list",
                "-H",
                "-o",
                "name,mountpoint,mounted",
                "-t",
                "filesystem",
            ],
            |h| ExecError::Connection {
                host: h.to_owned(),
                message: "Connection reset by peer".to_owned(),
            },
        );
        let cap = collect(&fake, &mut Quiet);
        let asked = joined(&fake.asked());
        assert_eq!(
            asked.last().map(String::as_str),
            Some("zfs list -H -o name,mountpoint,mounted -t filesystem")
        );
        assert!(
            cap.files.contains_key("zoneadm-list-cp") && !cap.files.contains_key("zfs-get-share")
        );
        assert!(cap.zones.is_empty(), "no zone command was planned");
        let lost = cap.lost.as_ref().expect("lost").to_string();
        assert_eq!(lost, "cannot reach gz1: Connection reset by peer");
        assert!(
            cap.errors_text()
                .expect("errors")
                .ends_with("-\t-\tstopped early: cannot reach gz1: Connection reset by peer\n")
        );
    }

    #[test]
    fn other_executor_errors_are_failures_and_the_collection_goes_on() {
        let fake = host(ZONES).error(&["zlogin", "www", "cat", "/etc/passwd"], |_| {
            ExecError::Timeout {
                command: "gz1: zlogin www cat /etc/passwd".to_owned(),
                limit: std::time::Duration::from_secs(120),
            }
        });
        let cap = collect(&fake, &mut Quiet);
        assert!(cap.lost.is_none());
        assert_eq!(cap.failures.len(), 1);
        assert_eq!(
            cap.failures[0].what,
            "gz1: zlogin www cat /etc/passwd: no answer within 120 s; stopped"
        );
        assert!(cap.files.contains_key("zones/www/svcs-d-ssh"));
    }

    #[test]
    fn without_a_zone_list_no_zone_is_collected() {
        let fake = host(ZONES).answer(
            &["zoneadm", "list", "-cp"],
            Output::failed(1, "zoneadm: permission denied\n"),
        );
        let cap = collect(&fake, &mut Quiet);
        assert_eq!(cap.commands, global_plan().len());
        let whats: Vec<_> = cap.failures.iter().map(|f| f.to_string()).collect();
        assert_eq!(
            whats,
            [
                "zoneadm-list-cp: `zoneadm list -cp`: exit status 1: zoneadm: permission denied",
                "no zone was collected: the list of zones (zoneadm list -cp) is missing"
            ]
        );
        let unreadable = collect(&host("0:global:running\n"), &mut Quiet);
        assert_eq!(unreadable.commands, global_plan().len());
        assert!(
            unreadable.failures[0]
                .what
                .starts_with("no zone was collected: zoneadm list -cp is unreadable: line 1: ")
        );
    }

    #[test]
    fn zone_names_from_the_host_are_validated_before_use() {
        let zones = "0:global:running:/::solaris:shared:-:none\n\
            1:-oProxyCommand=x:running:/zones/x:u:solaris:excl:-:none\n\
            2:..:running:/zones/y:u:solaris:excl:-:none\n\
            3:www:running:/zones/www:u:solaris:excl:-:none\n";
        let fake = host(zones);
        let cap = collect(&fake, &mut Quiet);
        let asked = joined(&fake.asked());
        assert!(
            asked
                .iter()
                .all(|a| !a.contains("ProxyCommand") && !a.contains("..")),
            "{asked:?}"
        );
        assert!(asked.contains(&"zlogin www pkg list -H".to_owned()));
        assert!(
            cap.files
                .keys()
                .all(|p| !p.contains("..") && !p.contains("Proxy"))
        );
        let notes: Vec<_> = cap.failures.iter().map(|f| f.to_string()).collect();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].starts_with("zone not collected: invalid zone name '-oProxyCommand=x'"),
            "{notes:?}"
        );
        assert!(
            notes[1].starts_with("zone not collected: invalid zone name '..'"),
            "{notes:?}"
        );
        assert!(
            cap.errors_text()
                .expect("errors")
                .contains("\n-\t-\tzone not collected: invalid zone name '..'")
        );
    }

    #[test]
    fn write_keeps_bytes_and_errors_and_refuses_a_used_directory() {
        let fake = host(ZONES)
            .answer(
                &["uname", "-v"],
                Output {
                    status: Status::Exited(0),
                    stdout: vec![0xff, b'\t', b'\n'],
                    stderr: vec![],
                },
            )
            .answer(
                &["share"],
                Output {
                    status: Status::Exited(2),
                    stdout: b"-@x\n".to_vec(),
                    stderr: b"share: no\n".to_vec(),
                },
            );
        let cap = collect(&fake, &mut Quiet);
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("gz1");
        prepare_dir(&dir).expect("new dir");
        cap.write(&dir).expect("write");
        assert_eq!(
            fs::read(dir.join("uname-v")).expect("uname-v"),
            [0xff, b'\t', b'\n']
        );
        assert_eq!(
            fs::read_to_string(dir.join("zones/www/pkg-list")).expect("pkg"),
            "Z:www:pkg-list\n"
        );
        assert!(!dir.join("share").exists());
        assert_eq!(
            fs::read_to_string(dir.join("failed/share")).expect("failed"),
            "-@x\n"
        );
        let errors = fs::read_to_string(dir.join(ERRORS_FILE)).expect("errors");
        assert!(errors.contains("\nshare\tshare\texit status 2 (its standard output is in failed/share)\n\tshare: no\n"), "{errors}");
        let e = prepare_dir(&dir).expect_err("not empty");
        assert!(matches!(e, WriteError::NotEmpty(_)), "{e}");
        // zrules reads the directory and ignores what is not in the layout.
        let texts = cap.texts();
        let mut sources = zrules::Sources::new();
        let (facts, _) = zrules::capture::load("gz1", &texts, &mut sources);
        assert_eq!(facts.ngz.len(), 3);
        assert!(
            facts.shares.is_none(),
            "the failed command's fact is absent, not empty"
        );
    }
}
