//! Z04: non-global zones use exclusive IP over VNICs only.

use super::{HostCx, Sink, ZoneCx, check};
use crate::diagnostic::{Check, Code, Severity};
use crate::names::vnic_index;

rule! {
    /// ## What it checks
    /// * `ip-type`: the zone's `ip-type` is `exclusive`. (Unset counts as
    ///   exclusive only for the `solaris` and `solaris-kz` brands, whose
    ///   Solaris 11.2+ default it is; illumos defaults to shared. `create`
    ///   without `-b` on Solaris 11.2+ means brand `solaris`, ip-type
    ///   `exclusive` and an automatic `anet net0`, judged as if written; a
    ///   file checked without a capture's `uname -v` is read so, and the
    ///   findings say it was assumed.)
    /// * `physical-link`: every `net` resource's `physical=` names a VNIC,
    ///   not a physical NIC, aggregation or etherstub (known from the host
    ///   capture's `dladm show-link`). From the configuration alone a name
    ///   that does not follow Z05 cannot be confirmed to be a VNIC (info).
    /// * `anet`: no `anet` resource. Solaris creates an automatic VNIC named
    ///   `ZONE/LINK` for it, with a random MAC by default, so Z05 and Z06
    ///   cannot hold.
    /// * `gz-interface`: every IP interface of the GZ other than loopback sits
    ///   on a VNIC.
    ///
    /// ## Why
    /// An exclusive-IP zone owns its network stack (addresses, routes,
    /// firewall) and can be moved with it. VNICs give every stack its own
    /// named link with a MAC the site controls; interfaces on the bare NIC
    /// tie the configuration to the hardware.
    ///
    /// ## Example
    /// ```text
    /// set ip-type=shared
    /// add anet
    /// set linkname=net0
    /// set lower-link=auto
    /// end
    /// ```
    /// Use instead (after `dladm create-vnic -l net0 -m 00:00:01:1f:0c:10 www0`):
    /// ```text
    /// set ip-type=exclusive
    /// add net
    /// set physical=www0
    /// end
    /// ```
    pub(crate) const RULE = RuleDef {
        code: Code::Z04,
        name: "NGZs use exclusive IP over VNICs only",
        checks: &[
            check(Check::IpType, Severity::Error, "zone config"),
            check(Check::PhysicalLink, Severity::Error, "zone config, capture: dladm-show-link"),
            check(Check::Anet, Severity::Warning, "zone config"),
            check(Check::GzInterface, Severity::Error, "capture: ipadm-show-addr, dladm-show-link"),
        ],
        zone: Some(check_zone),
        host: Some(check_host),
        fleet: None,
    };
}

fn check_zone(cx: &ZoneCx<'_>, out: &mut Sink<'_>) {
    match cx.config.ip_type() {
        Some(t) if t.value == "exclusive" => {}
        Some(t) => {
            out.emit(
                Check::IpType,
                Some(cx.loc(t.span)),
                format!("ip-type is {}, expected exclusive", t.value),
            )
            .set_help("set ip-type=exclusive and give the zone net resources over its own VNICs");
        }
        None => {
            let brand = cx.config.brand().map(|b| b.value);
            if !matches!(brand, Some("solaris" | "solaris-kz")) {
                out.emit(
                    Check::IpType,
                    Some(cx.file_start()),
                    "ip-type is not set; it defaults to shared for this brand",
                )
                .set_help("set ip-type=exclusive");
            }
        }
    }
    for net in cx.config.resources_of("net") {
        let Some(phys) = net.simple("physical") else {
            out.emit(
                Check::PhysicalLink,
                Some(cx.loc(net.kind().span)),
                "net resource without physical=: it cannot name a VNIC",
            )
            .set_help(format!(
                "set physical={}N to a VNIC created for the zone",
                cx.zone
            ));
            continue;
        };
        let at = Some(cx.loc(phys.span));
        match cx.host {
            Some(host) if host.facts.links.is_some() || host.facts.vnics.is_some() => {
                match host.link_class(Some(cx.zone), phys.value) {
                    Some(("vnic", _)) => {}
                    Some((class, _)) => {
                        out.emit(
                            Check::PhysicalLink,
                            at,
                            format!("physical={} is a {class} link, not a VNIC", phys.value),
                        )
                        .set_help(format!(
                            "create a VNIC over it (dladm create-vnic -l {} …) and use that",
                            phys.value
                        ));
                    }
                    None => {
                        out.emit(
                            Check::PhysicalLink,
                            at,
                            format!(
                                "physical={} names no datalink on host {}",
                                phys.value,
                                host.name()
                            ),
                        )
                        .set_help("create the VNIC before the zone boots");
                    }
                }
            }
            _ if vnic_index(cx.zone, phys.value).is_some() => {}
            _ => {
                let d = out.emit(
                    Check::PhysicalLink,
                    at,
                    format!(
                        "cannot confirm that physical={} is a VNIC without a host capture",
                        phys.value
                    ),
                );
                d.severity = Severity::Info;
            }
        }
    }
    for anet in cx.config.resources_of("anet") {
        let what = anet
            .simple("linkname")
            .map_or_else(|| "anet".to_owned(), |l| format!("anet {}", l.value));
        let what = format!("{what}{}", super::implied(anet.from_template()));
        out.emit(
            Check::Anet,
            Some(cx.loc(anet.kind().span)),
            format!("{what}: an automatic VNIC gets a name and MAC the site does not choose"),
        )
        .set_help(format!(
            "replace it by a net resource over a VNIC named {}N with a derived MAC (zgen fix)",
            cx.zone
        ));
    }
}

fn check_host(cx: &HostCx<'_>, out: &mut Sink<'_>) {
    let (Some(addrs), true) = (
        cx.facts.addrs.as_ref(),
        cx.facts.links.is_some() || cx.facts.vnics.is_some(),
    ) else {
        out.skip(
            Check::GzInterface,
            "needs ipadm-show-addr and dladm-show-link in the capture",
        );
        return;
    };
    let mut seen = std::collections::BTreeSet::new();
    for a in addrs {
        let ifname = a.value.interface.as_str();
        if ifname.starts_with("lo")
            || a.value.ip().is_some_and(|ip| ip.is_loopback())
            || !seen.insert(ifname)
        {
            continue;
        }
        // IPMP and virtual interfaces have no datalink of their own; only a
        // datalink known to be something else than a VNIC is a finding.
        if let Some((class, _)) = cx.link_class(None, ifname)
            && class != "vnic"
        {
            out.emit(
                Check::GzInterface,
                Some(a.loc),
                format!("GZ IP interface {ifname} sits on a {class} link, not a VNIC"),
            )
            .set_help(format!(
                "move the address to a VNIC over {ifname} named after the GZ and with MAC slot 0"
            ));
        }
    }
}
