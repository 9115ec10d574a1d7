//! Z11: local accounts live in the rpool, each home its own dataset.

use super::{HostCx, Sink, ZoneCx, check};
use crate::diagnostic::{Check, Code, Severity};
use crate::facts::{Dataset, Fact, SystemFacts};
use crate::policy::{Policy, home_under};

rule! {
    /// ## What it checks
    /// For every local login account (UID within the policy's `uid_range`,
    /// default 100–59999, and a shell that is not `false`/`nologin`):
    /// * `home-path`: its home in `/etc/passwd` is `{home_root}/{user}`
    ///   (default `/local/home/alice`).
    /// * `home-dataset`: the home is its own dataset: in a zone
    ///   `{zones_dataset}/{zone}/rpool/local/home/{user}`, in the GZ
    ///   `rpool/{nodename}/local/home/{user}`, mounted at the home.
    ///
    /// And for the system:
    /// * `autofs-dependency`: `svc:/network/ssh:default`,
    ///   `svc:/system/system-log:default` and (when present)
    ///   `svc:/network/smtp:sendmail` no longer depend on
    ///   `svc:/system/filesystem/autofs` (`svcs -d`).
    ///
    /// ## Why
    /// Local accounts must work when the network or the automounter does
    /// not: that is when an operator needs to log in. A home of its own in
    /// the zone's root pool moves with the zone and can get its own quota
    /// and snapshots. ssh, syslog and sendmail wait for autofs by default;
    /// with the homes local, that dependency only delays or blocks them.
    ///
    /// ## Example
    /// ```text
    /// alice:x:101:10:Alice:/export/home/alice:/usr/bin/bash
    /// ```
    /// Use instead (in the zone):
    /// ```text
    /// zfs create -p -o mountpoint=/local/home/alice rpool/local/home/alice
    /// usermod -d /local/home/alice alice
    /// svccfg -s svc:/network/ssh delpg fs-autofs
    /// svcadm refresh svc:/network/ssh:default
    /// ```
    pub(crate) const RULE = RuleDef {
        code: Code::Z11,
        name: "local accounts live in the rpool",
        checks: &[
            check(Check::HomePath, Severity::Error, "capture: passwd"),
            check(Check::HomeDataset, Severity::Error, "capture: passwd, zfs-list"),
            check(Check::AutofsDependency, Severity::Error, "capture: svcs-d-*"),
        ],
        zone: Some(check_zone),
        host: Some(check_host),
        fleet: None,
    };
}

const AUTOFS: &str = "svc:/system/filesystem/autofs";

/// Where each service's manifest declares its dependency on autofs: the
/// entity (service or instance) that holds the property group, and the
/// group's name. From the illumos manifests (`ssh.xml`: `fs-autofs` on the
/// service; `system-log.xml`: `autofs` on the service; `sendmail.xml`:
/// `autofs` on the instance); Solaris 11 ships the same manifests.
const AUTOFS_GROUPS: &[(&str, &str, &str)] = &[
    ("svc:/network/ssh:default", "svc:/network/ssh", "fs-autofs"),
    (
        "svc:/system/system-log:default",
        "svc:/system/system-log",
        "autofs",
    ),
    (
        "svc:/network/smtp:sendmail",
        "svc:/network/smtp:sendmail",
        "autofs",
    ),
];

/// For an instance FMRI, the `svccfg -s ENTITY delpg GROUP` that removes its
/// dependency on autofs, when known.
pub fn autofs_dependency_group(fmri: &str) -> Option<(&'static str, &'static str)> {
    AUTOFS_GROUPS
        .iter()
        .find(|(f, _, _)| *f == fmri)
        .map(|(_, e, g)| (*e, *g))
}

fn check_zone(cx: &ZoneCx<'_>, out: &mut Sink<'_>) {
    let Some(system) = cx.system else {
        let why =
            "needs /etc/passwd and svcs from inside the zone (a host capture of the running zone)";
        for slug in [Check::HomePath, Check::HomeDataset, Check::AutofsDependency] {
            out.skip(slug, why);
        }
        return;
    };
    let prefix = format!("{}/rpool/local/home", cx.policy.zone_dataset(cx.zone));
    let datasets = cx.host.and_then(|h| h.facts.datasets.as_deref());
    check_system(system, &prefix, datasets, cx.policy, out);
}

fn check_host(cx: &HostCx<'_>, out: &mut Sink<'_>) {
    match cx.nodename() {
        Some(node) => {
            let prefix = format!("rpool/{node}/local/home");
            check_system(
                &cx.facts.gz,
                &prefix,
                cx.facts.datasets.as_deref(),
                cx.policy,
                out,
            );
        }
        None => {
            out.skip(
                Check::HomeDataset,
                "the capture has no readable nodename: the GZ's home datasets are unknown",
            );
            check_system(&cx.facts.gz, "", None, cx.policy, out);
        }
    }
}

fn is_login_shell(shell: &str) -> bool {
    !["/false", "/nologin", "/noshell"]
        .iter()
        .any(|s| shell.ends_with(s))
}

/// Checks one system's accounts and services. `home_prefix` is the dataset
/// under which each home must be its own dataset; `datasets` the GZ's
/// `zfs list` (which shows a zone's datasets too).
fn check_system(
    sys: &SystemFacts,
    home_prefix: &str,
    datasets: Option<&[Fact<Dataset>]>,
    policy: &Policy,
    out: &mut Sink<'_>,
) {
    match &sys.passwd {
        None => {
            out.skip(Check::HomePath, "the capture has no readable passwd");
            out.skip(Check::HomeDataset, "the capture has no readable passwd");
        }
        Some(passwd) => {
            if datasets.is_none() && !home_prefix.is_empty() {
                out.skip(Check::HomeDataset, "needs the host's zfs-list");
            }
            // A passwd of many accounts may break these checks on every
            // row: the findings quote the row's name and home and are
            // formatted when read (see `Quoting`), rather than each holding
            // texts twice the row's size.
            let root = policy.home_root.clone();
            let home_path = out.quoting(passwd.text(), move |[user, home]| {
                let want = home_under(&root, user);
                (
                    format!("account {user} has home {home}, expected {want}"),
                    Some(format!("usermod -d {want} {user}")),
                )
            });
            let (root, prefix) = (policy.home_root.clone(), home_prefix.to_owned());
            let no_dataset = out.quoting(passwd.text(), move |[user, _]| {
                let want = home_dataset(&prefix, user);
                (
                    format!("account {user} has no home dataset {want}"),
                    Some(format!(
                        "zfs create -p -o mountpoint={} {}",
                        home_under(&root, user),
                        want_in_system(&want)
                    )),
                )
            });
            let [lo, hi] = policy.uid_range;
            for e in passwd
                .iter()
                .filter(|e| (lo..=hi).contains(&e.uid) && is_login_shell(e.shell))
            {
                let home = policy.home(e.name);
                let fields = [e.name_at, e.home_at];
                if e.home.trim_end_matches('/') != home {
                    out.emit_quoted(Check::HomePath, e.loc, &home_path, fields);
                }
                let (Some(ds), false) = (datasets, home_prefix.is_empty()) else {
                    continue;
                };
                let want = home_dataset(home_prefix, e.name);
                match ds.iter().find(|d| d.value.name == want) {
                    None => {
                        out.emit_quoted(Check::HomeDataset, e.loc, &no_dataset, fields);
                    }
                    // From the GZ, a zone's dataset may show its mountpoint
                    // under the zone's root; either form ends with the home.
                    Some(d) if !d.value.mountpoint.ends_with(&home) => {
                        out.emit(
                            Check::HomeDataset,
                            Some(d.loc),
                            format!(
                                "{want} is mounted at {}, expected {home}",
                                d.value.mountpoint
                            ),
                        )
                        .set_help(format!(
                            "zfs set mountpoint={home} {}",
                            want_in_system(&want)
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
    }
    for fmri in &policy.autofs_free_services {
        match sys.svc_deps.get(fmri) {
            None if fmri.ends_with(":sendmail") => {}
            None => out.skip(
                Check::AutofsDependency,
                format!("the capture has no readable dependencies of {fmri}"),
            ),
            Some(deps) => {
                for d in deps.fmris.iter().filter(|d| d.value.starts_with(AUTOFS)) {
                    let help = match autofs_dependency_group(fmri) {
                        Some((entity, pg)) => {
                            format!("svccfg -s {entity} delpg {pg}; svcadm refresh {fmri}")
                        }
                        None => format!(
                            "find the dependency's property group with `svccfg -s {fmri} listpg`, delpg it, then svcadm refresh {fmri}"
                        ),
                    };
                    out.emit(
                        Check::AutofsDependency,
                        Some(d.loc),
                        format!("{fmri} depends on {}", d.value),
                    )
                    .set_help(help);
                }
            }
        }
    }
}

/// The dataset an account's home must be: `{prefix}/{user}`.
fn home_dataset(prefix: &str, user: &str) -> String {
    format!("{prefix}/{user}")
}

/// The dataset's name as seen inside a zone (`rpool/…`), for fix hints.
fn want_in_system(name: &str) -> &str {
    name.find("/rpool/").map_or(name, |i| &name[i + 1..])
}
