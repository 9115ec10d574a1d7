//! `zgen zone`: everything a new zone needs to meet house rules 4–6 and
//! 8–11, in the order it must happen.
//!
//! On the global zone: the zonepath dataset (rules 8, 9), the delegated
//! data datasets and their parents (rule 10), the VNICs (rules 5, 6) and
//! the zonecfg command file (exclusive IP over those VNICs, rule 4;
//! datasets with aliases, rule 10). Inside the zone, once it is installed
//! and booted (which the plan leaves to the operator: `zoneadm -z Z
//! install`, `zoneadm -z Z boot`): home datasets under the home root,
//! accounts whose home is there, and the autofs dependencies removed from
//! the services rule 11 names.

use zrules::names;
use zrules::policy::Policy;

use crate::config::{self, Block, Command};
use crate::host::HostContext;
use crate::platform::Platform;
use crate::step::{Guard, InputFile, Plan, Program, Step};
use crate::vnic;
use crate::{GenError, validate};

/// What `zgen zone` was asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneRequest {
    pub zone: String,
    /// How many VNICs (`ZONE0` …).
    pub vnics: u32,
    pub over: Option<String>,
    /// Data pools to delegate (`pool1` at least).
    pub pools: Vec<String>,
    /// Local login accounts to create with homes under the home root.
    pub users: Vec<String>,
    pub autoboot: bool,
    pub platform: Platform,
}

/// The zone's own dataset under which its root pool appears, as the GZ
/// names it: `{zones_dataset}/{zone}/rpool`. Inside the zone it is `rpool`.
pub const ZONE_RPOOL: &str = "rpool";

/// How rule 11's services depend on autofs, per their SMF manifests
/// (illumos-gate: `ssh.xml` declares dependency `fs-autofs` on the service
/// `network/ssh`; `system-log.xml` declares `autofs` on the service
/// `system/system-log`; `smtp-sendmail.xml` declares `autofs` on the
/// instance `network/smtp:sendmail`). Solaris 11 is assumed to use the same
/// manifests: that is not confirmed from an Oracle source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AutofsDependency {
    /// The FMRI rule 11 names (an instance).
    pub instance: &'static str,
    /// Where the dependency property group lives (service or instance).
    pub entity: &'static str,
    pub pg: &'static str,
    /// Not every zone has it (sendmail): guard with `svcs -H`.
    pub optional: bool,
}

pub const AUTOFS_DEPENDENCIES: [AutofsDependency; 3] = [
    AutofsDependency {
        instance: "svc:/network/ssh:default",
        entity: "svc:/network/ssh",
        pg: "fs-autofs",
        optional: false,
    },
    AutofsDependency {
        instance: "svc:/system/system-log:default",
        entity: "svc:/system/system-log",
        pg: "autofs",
        optional: false,
    },
    AutofsDependency {
        instance: "svc:/network/smtp:sendmail",
        entity: "svc:/network/smtp:sendmail",
        pg: "autofs",
        optional: true,
    },
];

/// The steps that remove one service's autofs dependency: svccfg(1M)
/// `delpg` on the entity that holds the property group, then svcadm(1M)
/// `refresh` so the running snapshot follows.
pub fn autofs_steps(zone: &str, dep: &AutofsDependency) -> Vec<Step> {
    let mut delpg = Step::in_zone(
        zone,
        Program::Svccfg,
        &["-s", dep.entity, "delpg", dep.pg],
        format!(
            "remove {}'s dependency on svc:/system/filesystem/autofs (property group {}; rule 11)",
            dep.instance, dep.pg
        ),
    );
    let mut refresh = Step::in_zone(
        zone,
        Program::Svcadm,
        &["refresh", dep.instance],
        format!(
            "make {} use its configuration without the autofs dependency",
            dep.instance
        ),
    );
    if dep.optional {
        let guard = Guard::when(Program::Svcs.command(&["-H", dep.instance]));
        delpg = delpg.only_if(guard.clone());
        refresh = refresh.only_if(guard);
    }
    vec![delpg, refresh]
}

/// The datasets (inside the zone, `rpool/…`) that make up the home root:
/// the first one carries the mountpoint, the others inherit it, so a user's
/// dataset `…/USER` mounts at `{home_root}/USER` with no property of its own.
pub fn home_root_datasets(policy: &Policy) -> Result<Vec<(String, Option<String>)>, GenError> {
    let root = policy.home_root.trim_end_matches('/');
    let Some(rel) = root.strip_prefix('/') else {
        return Err(GenError::Invalid(format!(
            "policy home_root '{}' is not an absolute path",
            policy.home_root
        )));
    };
    if rel.is_empty() {
        return Err(GenError::Invalid(
            "policy home_root must not be '/'".to_owned(),
        ));
    }
    let mut out = Vec::new();
    let mut ds = ZONE_RPOOL.to_owned();
    for (i, comp) in rel.split('/').enumerate() {
        ds = format!("{ds}/{comp}");
        names::validate_dataset_name(&ds)?;
        let mountpoint = (i == 0).then(|| format!("/{comp}"));
        out.push((ds.clone(), mountpoint));
    }
    Ok(out)
}

/// The home dataset of `user` inside the zone.
pub fn home_dataset(policy: &Policy, user: &str) -> Result<String, GenError> {
    let base = home_root_datasets(policy)?
        .pop()
        .map(|(d, _)| d)
        .unwrap_or_else(|| ZONE_RPOOL.to_owned());
    let ds = format!("{base}/{user}");
    names::validate_dataset_name(&ds)?;
    Ok(ds)
}

/// Validates the pools to delegate: known to the policy, pool1 among them,
/// none twice.
pub fn check_pools(pools: &[String], policy: &Policy) -> Result<(), GenError> {
    for (i, p) in pools.iter().enumerate() {
        names::validate_dataset_name(p)?;
        if !policy.data_pools.contains(p) {
            return Err(GenError::UnknownPool {
                pool: p.clone(),
                known: policy.data_pools.join(", "),
            });
        }
        if pools[..i].contains(p) {
            return Err(GenError::Duplicate {
                what: "data pool".to_owned(),
                value: p.clone(),
            });
        }
    }
    if !pools.iter().any(|p| p == "pool1") {
        return Err(GenError::Pool1Missing);
    }
    Ok(())
}

/// `{pool}/{zone}` and `{pool}/{zone}/{pool}` (rule 10).
pub fn pool_datasets(pool: &str, zone: &str) -> Result<(String, String), GenError> {
    let parent = format!("{pool}/{zone}");
    let delegated = format!("{parent}/{pool}");
    names::validate_dataset_name(&delegated)?;
    Ok((parent, delegated))
}

/// The zonecfg commands for a new zone.
pub fn zonecfg_commands(
    zone: &str,
    vnics: &[String],
    pools: &[String],
    autoboot: bool,
    policy: &Policy,
) -> Result<Vec<Command>, GenError> {
    let mut cmds = vec![
        Command::CreateBlank,
        Command::Set("brand".into(), "solaris".into()),
        Command::Set("zonepath".into(), policy.zonepath(zone)),
        Command::Set("autoboot".into(), autoboot.to_string()),
        Command::Set("ip-type".into(), "exclusive".into()),
    ];
    for v in vnics {
        cmds.push(Command::Add(Block::new("net", &[("physical", v)])));
    }
    for p in pools {
        let (_, delegated) = pool_datasets(p, zone)?;
        cmds.push(Command::Add(Block::new(
            "dataset",
            &[("name", &delegated), ("alias", p)],
        )));
    }
    Ok(cmds)
}

/// What every part of `zgen zone` checks first: the request is valid and
/// the zone is new on this host.
fn check_request(req: &ZoneRequest, host: &HostContext, policy: &Policy) -> Result<(), GenError> {
    req.platform.require_zone_support("zgen zone")?;
    let zone = req.zone.as_str();
    names::validate_zone_name(zone)?;
    if req.vnics == 0 {
        return Err(GenError::Invalid(
            "a zone needs at least one VNIC (--vnics 1 or more)".to_owned(),
        ));
    }
    check_pools(&req.pools, policy)?;
    for (i, u) in req.users.iter().enumerate() {
        validate::validate_new_account(u, policy)?;
        if req.users[..i].contains(u) {
            return Err(GenError::Duplicate {
                what: "user".to_owned(),
                value: u.clone(),
            });
        }
    }
    if host.zones.contains(zone) {
        return Err(GenError::Invalid(format!(
            "zone {zone} is already configured on {}: use 'zgen fix' for an existing zone",
            host.label()
        )));
    }
    names::validate_dataset_name(&policy.zone_dataset(zone))?;
    names::validate_dataset_name(&policy.zones_dataset)?;
    Ok(())
}

/// The `zonecfg -z ZONE -f ZONE.zonecfg` step with its command file,
/// skipped when the zone is already configured (a script run again).
fn config_step(req: &ZoneRequest, vnics: &[String], policy: &Policy) -> Result<Step, GenError> {
    let zone = req.zone.as_str();
    let text = config::write(&zonecfg_commands(
        zone,
        vnics,
        &req.pools,
        req.autoboot,
        policy,
    )?)?;
    let file = format!("{zone}.zonecfg");
    Ok(Step::gz(
        Program::Zonecfg,
        &["-z", zone, "-f", &file],
        format!(
            "configure zone {zone}: zonepath {}, exclusive IP over {} (rule 4), datasets with aliases (rule 10)",
            policy.zonepath(zone),
            vnics.join(", ")
        ),
    )
    .with_input(InputFile { name: file, text })
    .only_if(Guard::zone_not_configured(zone)))
}

/// `zgen zone --format zonecfg`: only the configuration step. The command
/// file names the zone's VNICs (rule 5) but not the link they are created
/// over nor their MACs, which appear only in the dladm steps, so neither
/// `--over` nor a free MAC block is needed for it.
pub fn config_plan(
    req: &ZoneRequest,
    host: &HostContext,
    policy: &Policy,
) -> Result<Plan, GenError> {
    check_request(req, host, policy)?;
    let zone = req.zone.as_str();
    let vnics = (0..req.vnics)
        .map(|n| validate::zone_vnic_name(zone, n))
        .collect::<Result<Vec<_>, _>>()?;
    vnic::refuse_existing(&vnics, host)?;
    let mut plan = Plan::new(format!(
        "configuration of new zone {zone} on {} (house rules 4, 5 and 10)",
        host.label()
    ));
    plan.push(config_step(req, &vnics, policy)?);
    Ok(plan)
}

/// `zgen zone`: the plan.
pub fn plan(req: &ZoneRequest, host: &HostContext, policy: &Policy) -> Result<Plan, GenError> {
    check_request(req, host, policy)?;
    let zone = req.zone.as_str();
    let zonepath = policy.zonepath(zone);
    let zone_ds = policy.zone_dataset(zone);
    let indices: Vec<u32> = (0..req.vnics).collect();
    let over = vnic::resolve_over(req.over.as_deref(), host)?;
    let choice = vnic::choose_for_zone(zone, &indices, &over, host, policy, &[])?;

    let mut plan = Plan::new(format!(
        "new zone {zone} on {} (house rules 4-6 and 8-11)",
        host.label()
    ));
    plan.notes.push(choice.note.clone());
    plan.notes.push(format!(
        "between the GZ steps and the in-zone steps, install and boot the zone: zoneadm -z {zone} install; zoneadm -z {zone} boot"
    ));

    // Rule 9: the zones dataset mounted at the zones root. `zfs create -p`
    // succeeds without change when it exists (zfs(1M)), so it is safe when
    // the host's datasets are unknown.
    let zones_root = policy.zones_root.trim_end_matches('/').to_owned();
    let mp = format!("mountpoint={zones_root}");
    match host.has_dataset(&policy.zones_dataset) {
        Some(true) => {}
        Some(false) => plan.push(Step::create_dataset(
            None,
            &policy.zones_dataset,
            Some(&zones_root),
            format!("create the zones dataset {} mounted at {zones_root} (rule 9)", policy.zones_dataset),
        )),
        None => plan.push(Step::gz(
            Program::Zfs,
            &["create", "-p", "-o", &mp, &policy.zones_dataset],
            format!("make sure the zones dataset {} exists, mounted at {zones_root} (rule 9; no change if it exists)", policy.zones_dataset),
        )),
    }
    plan.push(Step::create_dataset(
        None,
        &zone_ds,
        Some(&zonepath),
        format!("create the zonepath dataset {zone_ds} mounted at {zonepath} (rules 8 and 9)"),
    ));
    plan.push(Step::gz(
        Program::Chmod,
        &["700", &zonepath],
        "zoneadm wants the zonepath readable by root only (zoneadm verify: 'must not be group readable')",
    ));
    for pool in &req.pools {
        let (parent, delegated) = pool_datasets(pool, zone)?;
        if host.has_dataset(pool) == Some(false) {
            return Err(GenError::MissingFact {
                what: format!("pool {pool} on {}", host.label()),
                how: format!(
                    "the capture lists no dataset '{pool}'; create the pool first or drop it from --datasets"
                ),
            });
        }
        if host.has_dataset(&parent) != Some(true) {
            plan.push(Step::create_dataset(
                None,
                &parent,
                None,
                format!("create {parent}, the GZ-side parent of the zone's {pool} data (rule 10)"),
            ));
        }
        plan.push(Step::create_dataset(
            None,
            &delegated,
            None,
            format!("create {delegated}, delegated to the zone as virtual pool {pool} (rule 10)"),
        ));
    }
    for v in &choice.vnics {
        plan.push(
            v.step(&format!("rules 5 and 6, L = 0x{:02x}", v.mac.slot()))
                .only_if(Guard::no_vnic(&v.name)),
        );
    }
    let names: Vec<String> = choice.vnics.iter().map(|v| v.name.clone()).collect();
    plan.push(config_step(req, &names, policy)?);

    // Rule 11, inside the zone.
    if !req.users.is_empty() {
        for (ds, mountpoint) in home_root_datasets(policy)? {
            let purpose = match &mountpoint {
                Some(mp) => {
                    format!("create {ds} mounted at {mp}, the top of the home root (rule 11)")
                }
                None => format!("create {ds} (inherits its mountpoint; rule 11)"),
            };
            plan.push(Step::create_dataset(
                Some(zone),
                &ds,
                mountpoint.as_deref(),
                purpose,
            ));
        }
    }
    for user in &req.users {
        let ds = home_dataset(policy, user)?;
        let home = policy.home(user);
        plan.push(Step::create_dataset(
            Some(zone),
            &ds,
            None,
            format!("create {user}'s home dataset {ds}, mounted at {home} (rule 11)"),
        ));
        plan.push(Step::in_zone(
            zone,
            Program::Useradd,
            &["-d", &home, user],
            format!("create account {user} with home {home} (rule 11)"),
        ));
        plan.push(Step::in_zone(
            zone,
            Program::Chown,
            &[user, &home],
            format!("give {user} its home directory"),
        ));
    }
    for fmri in &policy.autofs_free_services {
        match AUTOFS_DEPENDENCIES.iter().find(|d| d.instance == fmri) {
            Some(dep) => plan.steps.extend(autofs_steps(zone, dep)),
            None => plan.notes.push(format!(
                "policy lists {fmri} among the services that must not depend on autofs, but zgen does not know which property group holds that dependency: list them with 'svccfg -s {fmri} listpg' inside the zone and remove it with delpg"
            )),
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_root_datasets_carry_one_mountpoint() {
        let p = Policy::default();
        assert_eq!(
            home_root_datasets(&p).expect("ds"),
            vec![
                ("rpool/local".to_owned(), Some("/local".to_owned())),
                ("rpool/local/home".to_owned(), None)
            ]
        );
        assert_eq!(
            home_dataset(&p, "alice").expect("ds"),
            "rpool/local/home/alice"
        );
    }

    #[test]
    fn pools_are_checked() {
        let p = Policy::default();
        assert!(check_pools(&["pool1".into(), "pool2".into()], &p).is_ok());
        assert!(matches!(
            check_pools(&["pool2".into()], &p),
            Err(GenError::Pool1Missing)
        ));
        assert!(matches!(
            check_pools(&["tank".into()], &p),
            Err(GenError::UnknownPool { .. })
        ));
        assert!(matches!(
            check_pools(&["pool1".into(), "pool1".into()], &p),
            Err(GenError::Duplicate { .. })
        ));
    }

    #[test]
    fn illumos_is_refused_with_the_reason() {
        let req = ZoneRequest {
            zone: "www".into(),
            vnics: 1,
            over: Some("net0".into()),
            pools: vec!["pool1".into()],
            users: vec![],
            autoboot: true,
            platform: Platform::Illumos,
        };
        let e = plan(&req, &HostContext::default(), &Policy::default()).expect_err("illumos");
        assert!(e.to_string().contains("alias"), "{e}");
    }
}
