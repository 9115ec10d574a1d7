//! What the generators need to know about the global zone they write for.
//!
//! A [`HostContext`] is filled either from a host capture (parsed by
//! `zrules`, the same facts the checks use) or field by field from the
//! command line; flags given on the command line override what a capture
//! says. Every field may be unknown: a generator that needs an unknown
//! fact says which flag supplies it rather than guess.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use zrules::facts::HostFacts;
use zrules::mac::Mac;
use zrules::policy::Policy;

/// One VNIC that exists on the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingVnic {
    pub link: String,
    pub over: String,
    pub mac: Mac,
}

/// Facts about one global zone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostContext {
    /// The capture's label or the host's nodename (for messages).
    pub name: Option<String>,
    /// The GZ's primary IPv4 address (house rule 6).
    pub gz_ip: Option<Ipv4Addr>,
    /// Why the primary address is unknown, when a capture could not tell.
    pub gz_ip_unknown: Option<String>,
    /// The GZ's nodename (default basename of its own VNICs, rule 5).
    pub nodename: Option<String>,
    /// Current zone IDs (only ready or running zones have one).
    pub zone_ids: BTreeMap<String, u32>,
    /// Zones configured on the host (any state).
    pub zones: BTreeSet<String>,
    /// Every MAC of every VNIC on the host.
    pub macs_in_use: BTreeSet<Mac>,
    /// The VNICs on the host, one entry per link (a zone-held VNIC that
    /// Solaris lists twice counts once).
    pub vnics: Vec<ExistingVnic>,
    /// Filesystem datasets, when the capture has `zfs list`.
    pub datasets: Option<BTreeMap<String, String>>,
    /// The datalink a new VNIC goes over by default: the link under the
    /// GZ's primary interface.
    pub default_over: Option<String>,
}

impl HostContext {
    /// Reads what a parsed capture says. Nothing here fails: an unknown
    /// fact stays `None` (with the reason, for the primary address).
    pub fn from_facts(facts: &HostFacts, policy: &Policy) -> Self {
        let mut ctx = HostContext {
            name: Some(facts.name.clone()),
            ..Self::default()
        };
        ctx.nodename = facts.gz.nodename.as_ref().map(|n| n.value.clone());
        if let Some(zones) = &facts.zones {
            for z in zones {
                if z.value.name == "global" {
                    continue;
                }
                ctx.zones.insert(z.value.name.clone());
                if let Some(id) = z.value.id {
                    ctx.zone_ids.insert(z.value.name.clone(), id);
                }
            }
        }
        if let Some(vnics) = &facts.vnics {
            for v in vnics {
                ctx.macs_in_use.insert(v.value.mac);
                if !ctx.vnics.iter().any(|e| e.link == v.value.link) {
                    ctx.vnics.push(ExistingVnic {
                        link: v.value.link.clone(),
                        over: v.value.over.clone(),
                        mac: v.value.mac,
                    });
                }
            }
        }
        if let Some(ds) = &facts.datasets {
            ctx.datasets = Some(
                ds.iter()
                    .map(|d| (d.value.name.clone(), d.value.mountpoint.clone()))
                    .collect(),
            );
        }
        let primary = zrules::rules::primary_address(facts, policy);
        match primary {
            Ok((ip, _)) => {
                ctx.gz_ip = Some(ip);
                ctx.default_over = facts.addrs.as_ref().and_then(|addrs| {
                    let iface = addrs
                        .iter()
                        .find(|a| a.value.ip() == Some(std::net::IpAddr::V4(ip)))?
                        .value
                        .interface
                        .clone();
                    // On Solaris 11 an IP interface is named after its
                    // datalink; when that link is itself a VNIC (as rule 4
                    // wants for the GZ), new VNICs go over its lower link.
                    Some(match ctx.vnics.iter().find(|v| v.link == iface) {
                        Some(v) => v.over.clone(),
                        None => iface,
                    })
                });
            }
            Err(why) => ctx.gz_ip_unknown = Some(why),
        }
        ctx
    }

    /// The host's name for messages.
    pub fn label(&self) -> String {
        match (&self.name, self.gz_ip) {
            (Some(n), Some(ip)) => format!("{n} ({ip})"),
            (Some(n), None) => n.clone(),
            (None, Some(ip)) => format!("GZ {ip}"),
            (None, None) => "the GZ".to_owned(),
        }
    }

    /// The primary address, or an error naming the flag that supplies it.
    pub fn require_gz_ip(&self) -> Result<Ipv4Addr, crate::GenError> {
        self.gz_ip.ok_or_else(|| crate::GenError::MissingFact {
            what: "the GZ's primary IPv4 address (house rule 6)".to_owned(),
            how: match &self.gz_ip_unknown {
                Some(why) => format!("{why}; give it with --gz-ip"),
                None => "give it with --gz-ip, or read it from a host capture with --capture DIR"
                    .to_owned(),
            },
        })
    }

    /// Whether a dataset exists; `None` when the capture did not list them.
    pub fn has_dataset(&self, name: &str) -> Option<bool> {
        self.datasets.as_ref().map(|d| d.contains_key(name))
    }

    pub fn vnic(&self, link: &str) -> Option<&ExistingVnic> {
        self.vnics.iter().find(|v| v.link == link)
    }
}
