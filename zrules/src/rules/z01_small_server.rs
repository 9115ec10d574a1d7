//! Z01: non-global zones are installed from `solaris-small-server`, minus bloat.

use super::{Sink, ZoneCx, check};
use crate::diagnostic::{Check, Code, Severity};

rule! {
    /// ## What it checks
    /// * `base-group`: the zone's package list (`pkg list -H` in the zone)
    ///   contains the policy's `zone_base_group`
    ///   (`group/system/solaris-small-server`). When a larger group such as
    ///   `group/system/solaris-large-server` is installed instead, it is named.
    /// * `bloat`: no installed package matches `zone_package_deny` (default:
    ///   documentation and manual pages, `documentation/*`, `*/documentation`,
    ///   `system/manual*`).
    ///
    /// ## Why
    /// A small base keeps zones quick to install, patch and move, and leaves
    /// less to attack. Every zone starting from the same group makes them
    /// interchangeable.
    ///
    /// ## Example
    /// ```text
    /// group/system/solaris-large-server                 0.5.11-0.175.1.0.0.24.2    i--
    /// system/manual                                     0.5.11-0.175.1.0.0.24.2    i--
    /// ```
    /// Use instead: install the zone with the small-server group
    /// (`pkg:/group/system/solaris-small-server` in the AI manifest of
    /// `zoneadm install -m`) and `pkg uninstall system/manual` in the zone.
    pub(crate) const RULE = RuleDef {
        code: Code::Z01,
        name: "NGZs are installed from solaris-small-server, minus bloat",
        checks: &[
            check(Check::BaseGroup, Severity::Warning, "capture: zones/ZONE/pkg-list"),
            check(Check::Bloat, Severity::Warning, "capture: zones/ZONE/pkg-list"),
        ],
        zone: Some(check_zone),
        host: None,
        fleet: None,
    };
}

fn check_zone(cx: &ZoneCx<'_>, out: &mut Sink<'_>) {
    let Some(pkgs) = cx.system.and_then(|s| s.packages.as_ref()) else {
        let why = "needs `pkg list -H` from inside the zone (a host capture of the running zone)";
        out.skip(Check::BaseGroup, why);
        out.skip(Check::Bloat, why);
        return;
    };
    let base = &cx.policy.zone_base_group;
    if !pkgs.iter().any(|p| p.value.name == *base) {
        let groups: Vec<&str> = pkgs
            .iter()
            .map(|p| p.value.name.as_str())
            .filter(|n| n.starts_with("group/system/"))
            .collect();
        let msg = match groups.as_slice() {
            [] => format!("the zone does not have {base} installed"),
            g => format!(
                "the zone does not have {base} installed; it has {} instead",
                g.join(", ")
            ),
        };
        let loc = pkgs
            .iter()
            .find(|p| p.value.name.starts_with("group/system/"))
            .map(|p| p.loc);
        out.emit(Check::BaseGroup, loc, msg)
            .set_help(format!("install the zone from pkg:/{base}"));
    }
    for p in pkgs {
        if let Some(pattern) = cx.globs.zone_deny.first_match(&p.value.name) {
            out.emit(
                Check::Bloat,
                Some(p.loc),
                format!(
                    "package {} is installed (matches '{pattern}' in zone_package_deny)",
                    p.value.name
                ),
            )
            .set_help(format!("in the zone: pkg uninstall {}", p.value.name));
        }
    }
}
