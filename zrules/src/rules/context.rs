//! What a rule may ask while it runs: the contexts of one zone
//! ([`ZoneCx`]), one host capture ([`HostCx`]) and the whole run
//! ([`FleetCx`]), and what is computed once per run for them (the GZ's
//! primary address, the policy's compiled globs). Where findings go is the
//! registry's [`super::Sink`]: it knows each rule's checks and severities.

use std::net::Ipv4Addr;

use crate::facts::{Fact, HostFacts, SystemFacts, ZoneEntry};
use crate::policy::Policy;
use crate::source::{FileId, Location};
use crate::span::Span;
use crate::zonecfg::ZoneConfig;

/// The GZ's primary IPv4 address, or why there is none to use.
pub type Primary = Result<(Ipv4Addr, Location), String>;

/// What the rules may ask about one host capture.
#[derive(Debug)]
pub struct HostCx<'a> {
    pub facts: &'a HostFacts,
    pub policy: &'a Policy,
    pub globs: &'a PolicyGlobs,
    pub primary: Primary,
}

impl HostCx<'_> {
    pub fn name(&self) -> &str {
        &self.facts.name
    }

    /// The VNIC `link` as seen by `zone` (`None`: the GZ). Solaris shows a
    /// link held by a running zone as `zone/link`, so a zone sees its own
    /// `zone/link` rows and the GZ's unqualified ones, never another zone's
    /// (two zones' anets are both called `net0`).
    pub fn vnic(&self, zone: Option<&str>, link: &str) -> Option<&Fact<crate::facts::Vnic>> {
        self.facts
            .vnics
            .as_ref()?
            .iter()
            .find(|v| v.value.link == link && visible(v.value.zone.as_deref(), zone))
    }

    /// The class of a datalink (`vnic`, `phys`, `aggr`, `etherstub` …) as
    /// seen by `zone`: from `show-link`, or `vnic` when only `show-vnic`
    /// knows it.
    pub fn link_class(&self, zone: Option<&str>, link: &str) -> Option<(&str, Location)> {
        if let Some(l) = self.facts.links.as_ref().and_then(|ls| {
            ls.iter()
                .find(|l| l.value.link == link && visible(l.value.zone.as_deref(), zone))
        }) {
            return Some((l.value.class.as_str(), l.loc));
        }
        self.vnic(zone, link).map(|v| ("vnic", v.loc))
    }

    /// The GZ's nodename, when captured.
    pub fn nodename(&self) -> Option<&str> {
        self.facts.gz.nodename.as_ref().map(|n| n.value.as_str())
    }
}

/// Whether a row held by `holder` (`None`: the GZ) is visible to `viewer`.
fn visible(holder: Option<&str>, viewer: Option<&str>) -> bool {
    holder.is_none() || holder == viewer
}

/// What the rules may ask about one zone.
#[derive(Debug)]
pub struct ZoneCx<'a> {
    pub zone: &'a str,
    pub file: FileId,
    pub config: &'a ZoneConfig,
    pub policy: &'a Policy,
    pub globs: &'a PolicyGlobs,
    /// The zone's `zoneadm list -cp` row, when from a capture.
    pub entry: Option<&'a Fact<ZoneEntry>>,
    /// Facts read inside the zone, when from a capture of a running zone.
    pub system: Option<&'a SystemFacts>,
    /// The host capture the zone came from.
    pub host: Option<&'a HostCx<'a>>,
}

impl ZoneCx<'_> {
    pub fn loc(&self, span: Span) -> Location {
        Location::new(self.file, span)
    }

    /// The start of the file: where findings about something missing point.
    pub fn file_start(&self) -> Location {
        self.loc(self.config.create.as_ref().map_or(Span::at(0), |c| c.span))
    }

    pub fn host_name(&self) -> Option<&str> {
        self.host.map(HostCx::name)
    }

    /// The zone's ID when it is ready or running.
    pub fn zone_id(&self) -> Option<u32> {
        self.entry.and_then(|e| e.value.id)
    }
}

/// What the rules may ask about the whole run: every zone and host checked
/// together.
#[derive(Debug)]
pub struct FleetCx<'a> {
    pub zones: &'a [ZoneCx<'a>],
    pub hosts: &'a [HostCx<'a>],
    pub policy: &'a Policy,
}

/// Finds the primary IPv4 address of a GZ: exactly one static or DHCP IPv4
/// address in state `ok` on a non-loopback interface, or the one the policy
/// names.
pub fn primary_address(facts: &HostFacts, policy: &Policy) -> Primary {
    let addrs = facts
        .addrs
        .as_ref()
        .ok_or("the capture has no readable ipadm-show-addr")?;
    let candidates: Vec<(Ipv4Addr, &Fact<crate::facts::Addr>)> = addrs
        .iter()
        .filter_map(|a| match a.value.ip() {
            Some(std::net::IpAddr::V4(ip)) if !ip.is_loopback() && a.value.interface != "lo0" => {
                Some((ip, a))
            }
            _ => None,
        })
        .filter(|(_, a)| {
            a.value.state == "ok" && matches!(a.value.kind.as_str(), "static" | "dhcp")
        })
        .filter(|(_, a)| {
            policy
                .primary_interface
                .as_deref()
                .is_none_or(|want| a.value.addrobj == want || a.value.interface == want)
        })
        .collect();
    match candidates.as_slice() {
        [(ip, a)] => Ok((*ip, a.loc)),
        [] => Err(match &policy.primary_interface {
            Some(want) => {
                format!("no IPv4 address in state ok on '{want}' (policy primary_interface)")
            }
            None => "the GZ has no static or DHCP IPv4 address in state ok".to_owned(),
        }),
        many => Err(format!(
            "the GZ has {} IPv4 addresses ({}); name the primary one with primary_interface in zrules.yaml",
            many.len(),
            many.iter()
                .map(|(ip, a)| format!("{} on {}", ip, a.value.addrobj))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// ` (from …)` after a finding about something `create`'s template added,
/// saying which template and whether the release was assumed.
pub(crate) fn implied(from_template: Option<&str>) -> String {
    from_template.map_or_else(String::new, |why| format!(" (from {why})"))
}

/// A compiled list of package globs (`documentation/*`, `*/documentation`),
/// built once per run. `*` matches across `/`, as package FMRIs are paths.
#[derive(Debug)]
pub struct Globs {
    patterns: Vec<String>,
    set: globset::GlobSet,
}

impl Globs {
    pub fn new(patterns: &[String]) -> Result<Self, globset::Error> {
        let mut b = globset::GlobSetBuilder::new();
        for p in patterns {
            b.add(
                globset::GlobBuilder::new(p)
                    .literal_separator(false)
                    .build()?,
            );
        }
        Ok(Self {
            patterns: patterns.to_vec(),
            set: b.build()?,
        })
    }

    /// The first pattern that matches `name`.
    pub fn first_match(&self, name: &str) -> Option<&str> {
        self.set
            .matches(name)
            .first()
            .map(|&i| self.patterns[i].as_str())
    }
}

/// The policy's globs, compiled.
#[derive(Debug)]
pub struct PolicyGlobs {
    pub zone_deny: Globs,
    pub gz_deny: Globs,
    pub gz_allow: Globs,
}

impl PolicyGlobs {
    pub fn new(policy: &Policy) -> Result<Self, globset::Error> {
        Ok(Self {
            zone_deny: Globs::new(&policy.zone_package_deny)?,
            gz_deny: Globs::new(&policy.gz_package_deny)?,
            gz_allow: Globs::new(&policy.gz_package_allow)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_globs() {
        let g = Globs::new(&Policy::default().zone_package_deny).expect("globs");
        assert_eq!(
            g.first_match("documentation/foo/bar"),
            Some("documentation/*")
        );
        assert_eq!(
            g.first_match("developer/documentation"),
            Some("*/documentation")
        );
        assert_eq!(
            g.first_match("system/manual/locale"),
            Some("system/manual*")
        );
        assert_eq!(g.first_match("system/web"), None);
    }
}
