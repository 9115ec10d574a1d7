//! The rule registry: what a rule is ([`RuleDef`]), the table of every
//! rule ([`REGISTRY`]), and the loop that runs them over one run's zones,
//! hosts and fleet.
//!
//! `zrules rules`, `zrules explain`, policy validation and the checks
//! themselves read this one table, so they cannot drift apart. What a rule
//! may ask while it runs lives in [`super::context`].

use std::sync::Arc;

use crate::diagnostic::{Check, Code, Diagnostic, Diagnostics, Quoting, Severity};
use crate::policy::Policy;
use crate::source::Location;
use crate::span::Span;

use super::context::{FleetCx, HostCx, ZoneCx};
use super::{
    extra, z01_small_server, z02_minimal_gz, z03_no_shares, z04_exclusive_vnic, z05_vnic_names,
    z06_mac, z07_nodename, z08_zonepath, z09_zonepath_dataset, z10_delegated_data, z11_local_homes,
};

/// One check of a rule: its slug and default severity.
#[derive(Clone, Copy, Debug)]
pub struct CheckInfo {
    pub slug: Check,
    pub severity: Severity,
    /// What it looks at, e.g. "zone config", "capture: dladm-show-vnic".
    pub input: &'static str,
}

/// Shorthand for the check tables.
pub(crate) const fn check(slug: Check, severity: Severity, input: &'static str) -> CheckInfo {
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
        let d = Diagnostic::with_place(
            self.rule.code,
            slug,
            self.severity(slug),
            message.into(),
            self.zone,
            self.host,
        )
        .at_opt(at);
        self.out.push_mut(d)
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
        let d = Diagnostic::with_place(
            self.rule.code,
            slug,
            self.severity(slug),
            message.into(),
            zone,
            host,
        )
        .at_opt(at);
        self.out.push_mut(d)
    }

    /// How this sink's findings quote `text`: `format` makes a finding's
    /// message and help from the two texts it quotes. For checks that may
    /// fire once per row of a large file: see [`Sink::emit_quoted`].
    pub fn quoting(
        &self,
        text: &Arc<String>,
        format: impl Fn([&str; 2]) -> (String, Option<String>) + Send + Sync + 'static,
    ) -> Arc<Quoting> {
        Arc::new(Quoting::new(Arc::clone(text), self.zone, self.host, format))
    }

    /// Reports a finding whose message and help `by` formats, when read,
    /// from the texts at `args`: it holds two spans rather than its texts.
    pub fn emit_quoted(
        &mut self,
        slug: Check,
        at: Location,
        by: &Arc<Quoting>,
        args: [Span; 2],
    ) -> &mut Diagnostic {
        let d = Diagnostic::quoted(self.rule.code, slug, self.severity(slug), by, args).at(at);
        self.out.push_mut(d)
    }

    /// Records that a check could not run, and why.
    pub fn skip(&mut self, slug: Check, reason: impl Into<std::borrow::Cow<'static, str>>) {
        let _ = self.severity(slug);
        self.out
            .skip(self.rule.code, slug, self.zone, self.host, reason);
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
            let owners = REGISTRY.iter().filter(|r| r.check(c).is_some()).count();
            assert_eq!(owners, 1, "{c}");
            assert_eq!(c.as_str().parse::<Check>(), Ok(c));
        }
    }
}
