//! The house rules: one module per rule, one registry table.
//!
//! Each rule module declares a [`RuleDef`] with the [`rule!`] macro: the
//! doc comment on the definition is the rule's documentation (`zrules
//! explain` prints it, rustdoc renders it), the `checks` table lists its
//! check slugs with their default severities, and up to three functions run
//! it at the level of one zone, one host or the whole fleet. [`REGISTRY`]
//! lists them all, so `zrules rules`, `zrules explain`, policy validation
//! and the checks themselves read one table and cannot drift apart.

use std::net::Ipv4Addr;

use crate::diagnostic::{Check, Code, Diagnostic, Diagnostics, Severity};
use crate::facts::{Fact, HostFacts, SystemFacts, ZoneEntry};
use crate::policy::Policy;
use crate::source::{FileId, Location};
use crate::span::Span;
use crate::zonecfg::ZoneConfig;

/// Declares a rule: the doc comment becomes both rustdoc and [`RuleDef::doc`].
macro_rules! rule {
    ($(#[doc = $doc:literal])* pub(crate) const $name:ident = RuleDef { $($field:ident : $val:expr),* $(,)? };) => {
        $(#[doc = $doc])*
        pub(crate) const $name: $crate::rules::RuleDef = $crate::rules::RuleDef {
            doc: concat!($($doc, "\n"),*),
            $($field: $val),*
        };
    };
}

mod extra;
mod z01_small_server;
mod z02_minimal_gz;
mod z03_no_shares;
mod z04_exclusive_vnic;
mod z05_vnic_names;
mod z06_mac;
mod z07_nodename;
mod z08_zonepath;
mod z09_zonepath_dataset;
mod z10_delegated_data;
mod z11_local_homes;

pub use z11_local_homes::autofs_dependency_group;

/// One check of a rule: its slug and default severity.
#[derive(Clone, Copy, Debug)]
pub struct CheckInfo {
    pub slug: Check,
    pub severity: Severity,
    /// What it looks at, e.g. "zone config", "capture: dladm-show-vnic".
    pub input: &'static str,
}

/// Shorthand for the check tables.
const fn check(slug: Check, severity: Severity, input: &'static str) -> CheckInfo {
    CheckInfo {
        slug,
        severity,
        input,
    }
}

pub(crate) type ZoneFn = fn(&ZoneCx<'_>, &mut Sink<'_>);
pub(crate) type HostFn = fn(&HostCx<'_>, &mut Sink<'_>);
pub(crate) type FleetFn = fn(&FleetCx<'_>, &mut Sink<'_>);

/// A rule: its code, documentation, checks, and where it runs.
#[derive(Debug)]
pub struct RuleDef {
    pub code: Code,
    pub name: &'static str,
    /// The rule's documentation (what, why, example, fix), from its doc comment.
    pub doc: &'static str,
    pub checks: &'static [CheckInfo],
    pub(crate) zone: Option<ZoneFn>,
    pub(crate) host: Option<HostFn>,
    pub(crate) fleet: Option<FleetFn>,
}

impl RuleDef {
    pub fn check(&self, slug: Check) -> Option<&'static CheckInfo> {
        self.checks.iter().find(|c| c.slug == slug)
    }

    /// The check of this rule with that name, as a user types it.
    pub fn check_named(&self, name: &str) -> Option<&'static CheckInfo> {
        self.checks.iter().find(|c| c.slug.as_str() == name)
    }

    /// The documentation with rustdoc's leading space removed from each line.
    pub fn documentation(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Every rule, in code order.
pub static REGISTRY: &[&RuleDef] = &[
    &extra::Z00,
    &z01_small_server::RULE,
    &z02_minimal_gz::RULE,
    &z03_no_shares::RULE,
    &z04_exclusive_vnic::RULE,
    &z05_vnic_names::RULE,
    &z06_mac::RULE,
    &z07_nodename::RULE,
    &z08_zonepath::RULE,
    &z09_zonepath_dataset::RULE,
    &z10_delegated_data::RULE,
    &z11_local_homes::RULE,
    &extra::Z90,
    &extra::Z91,
    &extra::Z92,
];

/// The rule with this code.
pub fn lookup(code: Code) -> &'static RuleDef {
    REGISTRY
        .iter()
        .find(|r| r.code == code)
        .copied()
        .expect("every code is registered")
}

/// One-line summary of a rule, for listings and SARIF rule metadata.
pub fn rule_summary(code: Code) -> &'static str {
    lookup(code).name
}

/// Default severity of `code check`, when the check exists.
pub fn default_severity(code: Code, slug: Check) -> Option<Severity> {
    lookup(code).check(slug).map(|c| c.severity)
}

/// Where a rule's findings go: fills in code, default severity, zone and host.
#[derive(Debug)]
pub struct Sink<'a> {
    rule: &'static RuleDef,
    zone: Option<&'a str>,
    host: Option<&'a str>,
    out: &'a mut Diagnostics,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(
        rule: &'static RuleDef,
        zone: Option<&'a str>,
        host: Option<&'a str>,
        out: &'a mut Diagnostics,
    ) -> Self {
        Self {
            rule,
            zone,
            host,
            out,
        }
    }

    fn severity(&self, slug: Check) -> Severity {
        // A slug missing from the table is a bug in the rule; fail loudly in tests.
        debug_assert!(
            slug.code() == self.rule.code && self.rule.check(slug).is_some(),
            "{} has no check {slug}",
            self.rule.code
        );
        self.rule
            .check(slug)
            .map_or(Severity::Error, |c| c.severity)
    }

    /// Reports a finding and returns it for `help`/`related`.
    pub fn emit(
        &mut self,
        slug: Check,
        at: Option<Location>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::new(self.rule.code, slug, self.severity(slug), message)
            .at_opt(at)
            .zone_opt(self.zone)
            .host_opt(self.host);
        self.out.push(d);
        self.out.found.last_mut().expect("just pushed")
    }

    /// Reports a finding about another zone than the sink's (fleet checks).
    pub fn emit_for(
        &mut self,
        slug: Check,
        at: Option<Location>,
        zone: Option<&str>,
        host: Option<&str>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::new(self.rule.code, slug, self.severity(slug), message)
            .at_opt(at)
            .zone_opt(zone)
            .host_opt(host);
        self.out.push(d);
        self.out.found.last_mut().expect("just pushed")
    }

    /// Records that a check could not run, and why.
    pub fn skip(&mut self, slug: Check, reason: impl Into<std::borrow::Cow<'static, str>>) {
        let _ = self.severity(slug);
        self.out
            .skip(self.rule.code, slug, self.zone, self.host, reason);
    }
}

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
        .filter_map(|a| match a.value.ip {
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
pub(crate) fn implied(from_template: &Option<String>) -> String {
    from_template
        .as_deref()
        .map_or_else(String::new, |why| format!(" (from {why})"))
}

/// The index of a VNIC named `{base}{n}`, if it is so named.
pub fn vnic_index(base: &str, link: &str) -> Option<u32> {
    let digits = link.strip_prefix(base)?;
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    digits.parse().ok()
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

/// Runs every rule over the zones and hosts of one run: zone by zone (so
/// each zone's findings and skips come out together, in registry order),
/// then host by host, then across the fleet.
pub(crate) fn run<'a>(
    zones: &'a [ZoneCx<'a>],
    hosts: &'a [HostCx<'a>],
    policy: &'a Policy,
    out: &mut Diagnostics,
) {
    for cx in zones {
        for rule in REGISTRY {
            if let Some(f) = rule.zone {
                f(cx, &mut Sink::new(rule, Some(cx.zone), cx.host_name(), out));
            }
        }
    }
    for h in hosts {
        for rule in REGISTRY {
            if let Some(f) = rule.host {
                f(h, &mut Sink::new(rule, None, Some(h.name()), out));
            }
        }
    }
    let fleet = FleetCx {
        zones,
        hosts,
        policy,
    };
    for rule in REGISTRY {
        if let Some(f) = rule.fleet {
            f(&fleet, &mut Sink::new(rule, None, None, out));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_complete_and_ordered() {
        let codes: Vec<Code> = REGISTRY.iter().map(|r| r.code).collect();
        assert_eq!(codes, Code::ALL.to_vec());
        for r in REGISTRY {
            assert!(!r.checks.is_empty(), "{} has checks", r.code);
            let doc = r.documentation();
            for heading in ["## What it checks", "## Why", "## Example"] {
                assert!(doc.contains(heading), "{} doc lacks {heading}", r.code);
            }
            for c in r.checks {
                assert_eq!(c.slug.code(), r.code, "{} lists {}", r.code, c.slug);
            }
        }
        // Every check is in exactly one rule's table, and reads back.
        for c in Check::ALL {
            let owners = REGISTRY
                .iter()
                .filter(|r| r.check(c).is_some())
                .count();
            assert_eq!(owners, 1, "{c}");
            assert_eq!(c.as_str().parse::<Check>(), Ok(c));
        }
    }

    #[test]
    fn vnic_indices() {
        assert_eq!(vnic_index("www", "www0"), Some(0));
        assert_eq!(vnic_index("www", "www12"), Some(12));
        assert_eq!(vnic_index("www", "www01"), None);
        assert_eq!(vnic_index("www", "wwwx0"), None);
        assert_eq!(vnic_index("www", "www"), None);
        assert_eq!(vnic_index("www", "db0"), None);
    }

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
