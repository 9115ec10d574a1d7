//! Running the plan over an executor: the GZ's commands, then the zones'
//! from the zone list just captured, each output sorted into the capture's
//! files, the failures, or the services that are not installed.
//!
//! A command that fails on the host does not stop the collection; only a
//! lost connection does, and what was captured until then is kept.

use zrules::capture::{CaptureCommand, Content, LAYOUT};
use zrules::facts::zoneadm;

use super::{Capture, FAILED_DIR, Failure, Planned, global_plan, zone_plan};
use crate::exec::{ExecError, Executor, Output};

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
    let mut cap = Capture::new(exec.host());
    let global = global_plan();
    obs.planned(global.len());
    if !run_all(exec, &global, &mut cap, obs) {
        return cap;
    }
    let Some(zones) = listed_zones(&mut cap) else {
        return cap;
    };
    let (plan, problems) = zone_plan(&zones);
    cap.failures.extend(problems);
    obs.planned(plan.len());
    run_all(exec, &plan, &mut cap, obs);
    cap
}

/// The zones of the `zoneadm list -cp` just captured, recorded in `cap`;
/// `None`, with the reason among the failures, when there is no usable list.
fn listed_zones(cap: &mut Capture) -> Option<Vec<zoneadm::ZoneEntry>> {
    let list = LAYOUT
        .iter()
        .find(|c| c.content == Content::Zones)
        .map(|c| c.path(None));
    let Some(text) = list.as_ref().and_then(|p| cap.files.get(p)) else {
        cap.failures.push(Failure::note(
            "no zone was collected: the list of zones (zoneadm list -cp) is missing".to_owned(),
        ));
        return None;
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
            return None;
        }
    };
    cap.zones = zones
        .iter()
        .filter(|z| !z.is_global())
        .map(|z| (z.name.clone(), z.state.clone()))
        .collect();
    Some(zones)
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
    use super::super::testing::{ZONES, host, joined};
    use super::*;
    use crate::exec::Status;
    use zrules::capture::Scope;

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
}
