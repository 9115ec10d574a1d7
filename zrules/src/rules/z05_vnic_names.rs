//! Z05: VNIC names follow the zone name.

use super::{HostCx, Sink, ZoneCx, check};
use crate::diagnostic::{Check, Code, Severity};
use crate::names::validate_link_name;
use crate::names::vnic_index;

rule! {
    /// ## What it checks
    /// * `vnic-name`: every VNIC a zone uses (`net` `physical=`) is the zone
    ///   name followed by a decimal index: zone `www` uses `www0`, `www1`, ….
    ///   (A link that a host capture shows is not a VNIC is left to Z04.)
    ///   The GZ's own VNICs (those its IP interfaces sit on) use the GZ's
    ///   basename, policy `gz_vnic_basename`, default its nodename.
    /// * `link-name-invalid`: the zone name plus an index is not a legal
    ///   datalink name. libdladm accepts letters, digits and `_`, no leading
    ///   digit, a trailing digit, fewer than 32 characters; so a zone name
    ///   with `-` or `.`, starting with a digit, or longer than 30 characters
    ///   can never satisfy this rule.
    /// * `index-gap`: the indices run 0..N without gaps (info).
    ///
    /// ## Why
    /// `dladm show-vnic` then says at a glance which zone owns which link,
    /// and scripts (and the move procedure) can derive the VNICs to create
    /// on a target host from the zone name alone.
    ///
    /// ## Example
    /// ```text
    /// add net
    /// set physical=vnic7
    /// end
    /// ```
    /// Use instead (`dladm rename-link vnic7 www0` while the zone is down):
    /// ```text
    /// add net
    /// set physical=www0
    /// end
    /// ```
    pub(crate) const RULE = RuleDef {
        code: Code::Z05,
        name: "VNIC names follow the zone name",
        checks: &[
            check(Check::VnicName, Severity::Error, "zone config, capture: ipadm-show-addr"),
            check(Check::LinkNameInvalid, Severity::Error, "zone name"),
            check(Check::IndexGap, Severity::Info, "zone config"),
        ],
        zone: Some(check_zone),
        host: Some(check_host),
        fleet: None,
    };
}

fn check_zone(cx: &ZoneCx<'_>, out: &mut Sink<'_>) {
    // Walked twice rather than collected: a configuration of a million
    // nets would hold a second list of them.
    let nets = || {
        cx.config
            .resources_of("net")
            .filter_map(|n| n.simple("physical"))
    };
    if let Err(e) = validate_link_name(&format!("{}0", cx.zone)) {
        let at = nets()
            .next()
            .map_or_else(|| cx.file_start(), |p| cx.loc(p.span));
        out.emit(Check::LinkNameInvalid, Some(at), format!("zone name '{}' cannot form VNIC names: {}", cx.zone, e.reason))
            .set_help("choose a zone name of letters, digits and '_' that starts with a letter and has at most 30 characters");
        return;
    }
    let mut indices = Vec::new();
    for phys in nets() {
        // A link the capture shows to be no VNIC at all is Z04's finding;
        // naming it like a VNIC would fix nothing.
        if let Some(host) = cx.host
            && matches!(host.link_class(Some(cx.zone), phys.value), Some((class, _)) if class != "vnic")
        {
            continue;
        }
        match vnic_index(cx.zone, phys.value) {
            Some(i) => indices.push(i),
            None => {
                let want = format!("{}{}", cx.zone, indices.len());
                out.emit(
                    Check::VnicName,
                    Some(cx.loc(phys.span)),
                    format!(
                        "VNIC {} of zone {} is not named {}N",
                        phys.value, cx.zone, cx.zone
                    ),
                )
                .set_help(format!(
                    "rename it while the zone is down: dladm rename-link {} {want}",
                    phys.value
                ));
            }
        }
    }
    indices.sort_unstable();
    if !indices.is_empty() && indices.iter().enumerate().any(|(i, &n)| n != i as u32) {
        let list: Vec<String> = indices.iter().map(u32::to_string).collect();
        let at = nets().next().map(|p| cx.loc(p.span));
        out.emit(
            Check::IndexGap,
            at,
            format!(
                "VNIC indices of zone {} are {}, expected 0..{}",
                cx.zone,
                list.join(", "),
                indices.len() - 1
            ),
        );
    }
}

fn check_host(cx: &HostCx<'_>, out: &mut Sink<'_>) {
    let Some(base) = cx.policy.gz_vnic_basename.as_deref().or(cx.nodename()) else {
        out.skip(Check::VnicName, "the GZ's VNIC basename is unknown: no nodename in the capture and no gz_vnic_basename in the policy");
        return;
    };
    if let Err(e) = validate_link_name(&format!("{base}0")) {
        out.emit(
            Check::VnicName,
            None,
            format!(
                "the GZ's VNIC basename '{base}' cannot form VNIC names: {}",
                e.reason
            ),
        )
        .set_help("set gz_vnic_basename in zrules.yaml to a name of letters, digits and '_'");
        return;
    }
    let Some(addrs) = cx.facts.addrs.as_ref() else {
        out.skip(
            Check::VnicName,
            "the capture has no readable ipadm-show-addr: the GZ's VNICs are unknown",
        );
        return;
    };
    let mut seen = std::collections::BTreeSet::new();
    for a in addrs {
        let ifname = a.value.interface.as_str();
        if !seen.insert(ifname) || !matches!(cx.link_class(None, ifname), Some(("vnic", _))) {
            continue;
        }
        if vnic_index(base, ifname).is_none() {
            out.emit(
                Check::VnicName,
                Some(a.loc),
                format!("GZ VNIC {ifname} is not named {base}N"),
            )
            .set_help(format!(
                "rename it: dladm rename-link {ifname} {base}0 (with the interface unplumbed)"
            ));
        }
    }
}
