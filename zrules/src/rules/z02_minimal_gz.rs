//! Z02: the global zone carries nothing but its base, drivers and tools.

use super::{HostCx, Sink, check};
use crate::diagnostic::{Check, Code, Severity};

rule! {
    /// ## What it checks
    /// No package of the global zone (`pkg list -H` in the GZ) matches the
    /// policy's `gz_package_deny` globs — application categories such as
    /// `web/*`, `database/*`, `developer/*`, `desktop/*`, `x11/*`, `gnome/*`
    /// and file-sharing servers — unless it also matches `gz_package_allow`.
    ///
    /// ## Why
    /// The GZ hosts every zone: whatever runs there shares the fate of all of
    /// them, must be patched with the platform, and does not move when a zone
    /// moves. Applications belong in zones; the GZ keeps drivers, network and
    /// diagnostic utilities and storage tools.
    ///
    /// ## Example
    /// ```text
    /// web/server/apache-24                              2.4.6-0.175.1.0.0.24.0     i--
    /// ```
    /// Use instead: run Apache in a zone and `pkg uninstall web/server/apache-24`
    /// in the GZ, or allow it explicitly with a reason (`gz_package_allow`).
    pub(crate) const RULE = RuleDef {
        code: Code::Z02,
        name: "the GZ has nothing beyond its base, drivers and tools",
        checks: &[check(Check::GzPackage, Severity::Warning, "capture: pkg-list")],
        zone: None,
        host: Some(check_host),
        fleet: None,
    };
}

fn check_host(cx: &HostCx<'_>, out: &mut Sink<'_>) {
    let Some(pkgs) = cx.facts.gz.packages.as_ref() else {
        out.skip(Check::GzPackage, "the capture has no readable pkg-list");
        return;
    };
    for p in pkgs {
        let Some(pattern) = cx.globs.gz_deny.first_match(&p.value.name) else {
            continue;
        };
        if cx.globs.gz_allow.first_match(&p.value.name).is_some() {
            continue;
        }
        out.emit(
            Check::GzPackage,
            Some(p.loc),
            format!(
                "the GZ has {} installed (matches '{pattern}' in gz_package_deny)",
                p.value.name
            ),
        )
        .set_help(format!(
            "move it into a zone and `pkg uninstall {}` in the GZ, or list it in gz_package_allow",
            p.value.name
        ));
    }
}
