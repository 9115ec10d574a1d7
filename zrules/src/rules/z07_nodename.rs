//! Z07: the zone's host name is the zone name.

use super::{Sink, ZoneCx, check};
use crate::diagnostic::{Check, Code, Severity};

rule! {
    /// ## What it checks
    /// The nodename of a non-global zone (`/etc/nodename` read through
    /// `zlogin`), unqualified (its first label), equals the zone name.
    ///
    /// ## Why
    /// Operators reach a zone by its host name and manage it by its zone
    /// name; when the two differ, someone reboots the wrong machine.
    ///
    /// ## Example
    /// Zone `www` whose `/etc/nodename` reads:
    /// ```text
    /// webserver1
    /// ```
    /// Use instead:
    /// ```text
    /// www
    /// ```
    /// (`www.example.com` is fine too: only the first label counts.) On
    /// Solaris 11 set it with `svccfg -s svc:/system/identity:node setprop
    /// config/nodename = astring: www` in the zone, then refresh the service.
    pub(crate) const RULE = RuleDef {
        code: Code::Z07,
        name: "the zone's host name is the zone name",
        checks: &[check(Check::Nodename, Severity::Error, "capture: zones/ZONE/nodename")],
        zone: Some(check_zone),
        host: None,
        fleet: None,
    };
}

fn check_zone(cx: &ZoneCx<'_>, out: &mut Sink<'_>) {
    let Some(node) = cx.system.and_then(|s| s.nodename.as_ref()) else {
        out.skip(
            Check::Nodename,
            "needs the zone's /etc/nodename (a host capture of the running zone)",
        );
        return;
    };
    let first = node.value.split('.').next().unwrap_or_default();
    if first != cx.zone {
        out.emit(
            Check::Nodename,
            Some(node.loc),
            format!(
                "the zone's nodename is '{}', expected '{}'",
                node.value, cx.zone
            ),
        )
        .set_help(format!(
            "in the zone: svccfg -s svc:/system/identity:node setprop config/nodename = astring: {}; svcadm refresh svc:/system/identity:node",
            cx.zone
        ));
    }
}
