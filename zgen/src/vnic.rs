//! `zgen vnic`: the `dladm create-vnic` commands for a zone's VNICs (house
//! rules 5 and 6), or for the global zone's own.
//!
//! dladm(1M) on Solaris 11 and illumos: `create-vnic [-t] -l LINK
//! [-m MACADDR] … VNIC`; `-m` with an explicit address makes the MAC
//! fixed, which rule 6 (`Z06 mac-not-fixed`) wants. The names come from
//! rule 5 (`ZONE0`, `ZONE1`, …), the addresses from the allocation rule in
//! [`crate::allocate`].

use std::fmt::Write as _;

use zrules::mac::Mac;
use zrules::names;
use zrules::policy::Policy;

use crate::GenError;
use crate::allocate;
use crate::host::HostContext;
use crate::platform::Platform;
use crate::step::{Plan, Program, Step};
use crate::validate;

/// Whose VNICs to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// A non-global zone, by name.
    Zone(String),
    /// The global zone; `None` takes policy `gz_vnic_basename`, else the
    /// host's nodename.
    Gz(Option<String>),
}

/// What `zgen vnic` was asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VnicRequest {
    pub owner: Owner,
    pub count: u32,
    /// Index of the first VNIC (`www0` is index 0).
    pub first_index: u32,
    /// The datalink to create them over; default the link under the GZ's
    /// primary interface.
    pub over: Option<String>,
    pub platform: Platform,
}

/// One VNIC to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewVnic {
    pub name: String,
    pub index: u32,
    pub over: String,
    pub mac: Mac,
}

impl NewVnic {
    /// `dladm create-vnic -l OVER -m MAC NAME`
    pub fn step(&self, why: &str) -> Step {
        let mac = self.mac.to_string();
        Step::gz(
            Program::Dladm,
            &["create-vnic", "-l", &self.over, "-m", &mac, &self.name],
            format!(
                "create VNIC {} over {} with MAC {} ({why})",
                self.name, self.over, self.mac
            ),
        )
    }
}

/// VNICs chosen for a zone, with how the MAC block was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VnicChoice {
    pub vnics: Vec<NewVnic>,
    pub note: String,
}

/// The datalink to create VNICs over.
pub fn resolve_over(over: Option<&str>, host: &HostContext) -> Result<String, GenError> {
    let over = match over {
        Some(o) => o.to_owned(),
        None => host.default_over.clone().ok_or_else(|| GenError::MissingFact {
            what: "the datalink to create the VNICs over".to_owned(),
            how: "give it with --over LINK (e.g. net0), or a host capture whose primary interface shows it".to_owned(),
        })?,
    };
    names::validate_link_name(&over)?;
    Ok(over)
}

/// Refuses VNIC names that already exist on the host.
pub fn refuse_existing(names: &[String], host: &HostContext) -> Result<(), GenError> {
    for n in names {
        if let Some(v) = host.vnic(n) {
            return Err(GenError::VnicExists {
                name: n.clone(),
                over: v.over.clone(),
                mac: v.mac.to_string(),
            });
        }
    }
    Ok(())
}

/// Chooses names and MACs for zone `zone`'s VNICs with indices `indices`,
/// preferring `extra_preferred` blocks first (e.g. the block its existing
/// VNICs use), then the zone's current ID.
pub fn choose_for_zone(
    zone: &str,
    indices: &[u32],
    over: &str,
    host: &HostContext,
    policy: &Policy,
    extra_preferred: &[u32],
) -> Result<VnicChoice, GenError> {
    let names = indices
        .iter()
        .map(|&n| validate::zone_vnic_name(zone, n))
        .collect::<Result<Vec<_>, _>>()?;
    refuse_existing(&names, host)?;
    let ip = host.require_gz_ip()?;
    let mut preferred = extra_preferred.to_vec();
    let current = host.zone_ids.get(zone).copied();
    preferred.extend(current);
    let a = allocate::allocate_ngz(
        policy.mac_prefix,
        ip,
        &host.macs_in_use,
        indices,
        &preferred,
    )?;
    let mut note = format!(
        "MAC block {} (L = 16*{} + n) on {}",
        a.block,
        a.block,
        host.label()
    );
    match (current, a.preferred) {
        (_, true) if !extra_preferred.is_empty() => {
            note.push_str(": the block the zone's VNICs already use")
        }
        (Some(id), true) => {
            let _ = write!(note, ": the zone's current ID {id}");
        }
        (Some(id), false) if zrules::mac::NGZ_BLOCKS.contains(&id) => {
            let _ = write!(
                note,
                ": block {id} (the zone's current ID) has a MAC in use, so the lowest free block"
            );
        }
        (Some(id), false) => {
            let _ = write!(
                note,
                ": the zone's current ID {id} is above 15, so the lowest free block"
            );
        }
        (None, _) => {
            note.push_str(": the zone has no current ID (not running), so the lowest free block")
        }
    }
    let vnics = names
        .into_iter()
        .zip(a.macs)
        .map(|(name, (index, mac))| NewVnic {
            name,
            index,
            over: over.to_owned(),
            mac,
        })
        .collect();
    Ok(VnicChoice { vnics, note })
}

/// The MAC block zone `zone`'s existing VNICs (`ZONE0` …) already use on
/// this host, when they follow the scheme: new VNICs of the zone belong
/// next to them.
pub fn existing_block(zone: &str, host: &HostContext, policy: &Policy) -> Option<u32> {
    let ip = host.gz_ip?;
    host.vnics.iter().find_map(|v| {
        let n = zrules::names::vnic_index(zone, &v.link)?;
        zrules::mac::ngz_block(v.mac, policy.mac_prefix, ip, n)
    })
}

/// `zgen vnic`: the plan.
pub fn plan(req: &VnicRequest, host: &HostContext, policy: &Policy) -> Result<Plan, GenError> {
    if req.count == 0 {
        return Err(GenError::Invalid("--count must be at least 1".to_owned()));
    }
    let indices: Vec<u32> = (req.first_index..req.first_index.saturating_add(req.count)).collect();
    let over = resolve_over(req.over.as_deref(), host)?;
    match &req.owner {
        Owner::Zone(zone) => {
            let existing: Vec<u32> = existing_block(zone, host, policy).into_iter().collect();
            let choice = choose_for_zone(zone, &indices, &over, host, policy, &existing)?;
            let mut plan = Plan::new(format!(
                "VNICs for zone {zone} on {} (house rules 5 and 6)",
                host.label()
            ));
            plan.notes.push(choice.note);
            for v in &choice.vnics {
                plan.push(v.step(&format!(
                    "rule 5 name; rule 6 MAC, L = 0x{:02x}",
                    v.mac.slot()
                )));
            }
            Ok(plan)
        }
        Owner::Gz(base) => {
            let base = match base
                .clone()
                .or_else(|| policy.gz_vnic_basename.clone())
                .or_else(|| host.nodename.clone())
            {
                Some(b) => b,
                None => {
                    return Err(GenError::MissingFact {
                        what: "the GZ's VNIC basename (house rule 5)".to_owned(),
                        how: "give it as the NAME argument, set gz_vnic_basename in zrules.yaml, or use a capture with the GZ's nodename".to_owned(),
                    });
                }
            };
            let names = indices
                .iter()
                .map(|&n| validate::gz_vnic_name(&base, n))
                .collect::<Result<Vec<_>, _>>()?;
            refuse_existing(&names, host)?;
            let ip = host.require_gz_ip()?;
            let macs = allocate::allocate_gz(policy.mac_prefix, ip, &host.macs_in_use, &indices)?;
            let mut plan = Plan::new(format!(
                "the GZ's own VNICs ({base}) on {} (house rules 5 and 6)",
                host.label()
            ));
            for (name, (index, mac)) in names.into_iter().zip(macs) {
                let v = NewVnic {
                    name,
                    index,
                    over: over.clone(),
                    mac,
                };
                plan.push(v.step(&format!("rule 6: GZ VNIC {index} has L = {index}")));
            }
            Ok(plan)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::render_sh;

    fn seed_host() -> HostContext {
        let mut h = HostContext {
            gz_ip: Some("192.168.31.12".parse().expect("ip")),
            ..HostContext::default()
        };
        h.zone_ids.insert("www".into(), 1);
        h
    }

    fn req(owner: Owner, count: u32) -> VnicRequest {
        VnicRequest {
            owner,
            count,
            first_index: 0,
            over: Some("net0".into()),
            platform: Platform::Solaris11,
        }
    }

    #[test]
    fn seed_example() {
        let p = plan(
            &req(Owner::Zone("www".into()), 2),
            &seed_host(),
            &Policy::default(),
        )
        .expect("plan");
        let sh = render_sh(&p);
        assert!(
            sh.contains("\ndladm create-vnic -l net0 -m 00:00:01:1f:0c:10 www0\n"),
            "{sh}"
        );
        assert!(
            sh.contains("\ndladm create-vnic -l net0 -m 00:00:01:1f:0c:11 www1\n"),
            "{sh}"
        );
    }

    #[test]
    fn gz_vnics_use_l_equal_n() {
        let mut h = seed_host();
        h.nodename = Some("gza".into());
        let p = plan(&req(Owner::Gz(None), 1), &h, &Policy::default()).expect("plan");
        assert_eq!(
            p.steps[0].command.args,
            [
                "create-vnic",
                "-l",
                "net0",
                "-m",
                "00:00:01:1f:0c:00",
                "gza0"
            ]
        );
    }

    #[test]
    fn existing_vnic_name_is_refused() {
        let mut h = seed_host();
        h.vnics.push(crate::host::ExistingVnic {
            link: "www0".into(),
            over: "net0".into(),
            mac: "0:0:1:1f:c:10".parse().expect("mac"),
        });
        let e =
            plan(&req(Owner::Zone("www".into()), 1), &h, &Policy::default()).expect_err("exists");
        assert!(e.to_string().contains("already exists"), "{e}");
    }

    #[test]
    fn more_vnics_join_the_block_the_zone_already_uses() {
        let mut h = seed_host();
        h.zone_ids.insert("www".into(), 4);
        h.vnics.push(crate::host::ExistingVnic {
            link: "www0".into(),
            over: "net0".into(),
            mac: "0:0:1:1f:c:30".parse().expect("mac"),
        });
        h.macs_in_use.insert("0:0:1:1f:c:30".parse().expect("mac"));
        let mut r = req(Owner::Zone("www".into()), 1);
        r.first_index = 1;
        let p = plan(&r, &h, &Policy::default()).expect("plan");
        assert_eq!(
            p.steps[0].command.args,
            [
                "create-vnic",
                "-l",
                "net0",
                "-m",
                "00:00:01:1f:0c:31",
                "www1"
            ]
        );
    }

    #[test]
    fn missing_facts_name_the_flag() {
        let mut r = req(Owner::Zone("www".into()), 1);
        let e = plan(&r, &HostContext::default(), &Policy::default()).expect_err("no ip");
        assert!(e.to_string().contains("--gz-ip"), "{e}");
        r.over = None;
        let e = plan(&r, &seed_host(), &Policy::default()).expect_err("no over");
        assert!(e.to_string().contains("--over"), "{e}");
    }
}
