//! Z06: MAC addresses are explicit and derived from the GZ's IP.

use std::collections::BTreeMap;

use super::{FleetCx, HostCx, Sink, ZoneCx, check};
use crate::diagnostic::{Check, Code, Severity};
use crate::facts::{Fact, Vnic};
use crate::mac::{self, Mac};
use crate::names::vnic_index;
use crate::source::Location;

rule! {
    /// ## What it checks
    /// A MAC is `P1:P2:P3:I3:I4:L`: the policy's `mac_prefix` (default
    /// `00:00:01`), the 3rd and 4th octets of the GZ's primary IPv4 address,
    /// and a slot `L`. GZ VNIC n has `L = n`; the VNIC n of a zone with ID k
    /// has `L = 16·k + n` where possible (zone IDs change across reboots).
    /// GZ 192.168.31.12: its VNIC `00:00:01:1f:0c:00`, zone 1's first VNIC
    /// `00:00:01:1f:0c:10`, its second `00:00:01:1f:0c:11`.
    /// * `mac-not-fixed`: the MAC is random, factory or automatic (also an
    ///   `anet` with `mac-address` unset, `random`, `auto` or `factory`).
    /// * `mac-prefix`: the first three octets are not `mac_prefix`.
    /// * `mac-ip-bytes`: octets 4–5 are not the GZ primary IP's octets 3–4.
    /// * `mac-duplicate`: two VNICs on one host, or on two hosts of the
    ///   captures checked together, share a MAC (two GZs whose IPs agree in
    ///   octets 3–4 collide).
    /// * `mac-gz-range`: a zone's VNIC uses a slot 0x00–0x0f, the GZ's range.
    /// * `mac-slot` (info): `L` is not `16·k + n` for the running zone's ID k.
    /// * `mac-index` (warning): `L mod 16` is not the VNIC's index n.
    ///
    /// Exactly one IPv4 address must be identifiable as the GZ's primary
    /// (policy `primary_interface` names it when there are several);
    /// otherwise `mac-ip-bytes` is skipped with the reason.
    ///
    /// ## Why
    /// A MAC that says which host and which zone it belongs to can be traced
    /// from a switch's table to a zone without any inventory, survives a
    /// reboot (random MACs do not), and never collides across the fleet as
    /// long as the GZs' addresses differ.
    ///
    /// ## Example
    /// ```text
    /// www0:net0:2\:8\:20\:9c\:1\:44:random
    /// ```
    /// Use instead (zone ID 1 on GZ 192.168.31.12):
    /// ```text
    /// dladm create-vnic -l net0 -m 00:00:01:1f:0c:10 www0
    /// ```
    pub(crate) const RULE = RuleDef {
        code: Code::Z06,
        name: "MAC addresses are explicit and derived from the GZ's IP",
        checks: &[
            check(Check::MacNotFixed, Severity::Error, "zone config, capture: dladm-show-vnic"),
            check(Check::MacPrefix, Severity::Error, "capture: dladm-show-vnic"),
            check(Check::MacIpBytes, Severity::Error, "capture: dladm-show-vnic, ipadm-show-addr"),
            check(Check::MacDuplicate, Severity::Error, "capture: dladm-show-vnic (one or more hosts)"),
            check(Check::MacGzRange, Severity::Error, "capture: dladm-show-vnic"),
            check(Check::MacSlot, Severity::Info, "capture: dladm-show-vnic, zoneadm-list-cp"),
            check(Check::MacIndex, Severity::Warning, "capture: dladm-show-vnic"),
        ],
        zone: Some(check_zone),
        host: Some(check_host),
        fleet: Some(check_fleet),
    };
}

const VNIC_CHECKS: &[Check] = &[
    Check::MacNotFixed,
    Check::MacPrefix,
    Check::MacIpBytes,
    Check::MacGzRange,
    Check::MacSlot,
    Check::MacIndex,
];

fn check_zone(cx: &ZoneCx<'_>, out: &mut Sink<'_>) {
    for anet in cx.config.resources_of("anet") {
        match anet.simple("mac-address") {
            Some(m) if !matches!(m.value, "random" | "auto" | "factory") => {}
            Some(m) => {
                out.emit(Check::MacNotFixed, Some(cx.loc(m.span)), format!("anet mac-address is {}: the MAC is not chosen by the site", m.value))
                    .set_help("use a net resource over a VNIC created with an explicit derived MAC (zgen vnic)");
            }
            None => {
                out.emit(Check::MacNotFixed, Some(cx.loc(anet.kind().span)), format!("anet without mac-address gets an automatic MAC{}", super::implied(anet.from_template())))
                    .set_help("use a net resource over a VNIC created with an explicit derived MAC (zgen vnic)");
            }
        }
    }
    // Walked twice rather than collected (see Z05).
    let nets = || {
        cx.config
            .resources_of("net")
            .filter_map(|n| n.simple("physical"))
    };
    if nets().next().is_none() {
        return;
    }
    let Some(host) = cx.host.filter(|h| h.facts.vnics.is_some()) else {
        for slug in VNIC_CHECKS {
            out.skip(*slug, "needs the host's dladm-show-vnic (a host capture)");
        }
        return;
    };
    if let Err(why) = &host.primary {
        out.skip(Check::MacIpBytes, why.clone());
    }
    let zone_id = cx.zone_id();
    if zone_id.is_none() {
        out.skip(Check::MacSlot, "the zone is not running: it has no zone ID");
    }
    for phys in nets() {
        // A missing VNIC is Z04's finding.
        let Some(vnic) = host.vnic(Some(cx.zone), phys.value) else {
            continue;
        };
        let index = vnic_index(cx.zone, phys.value);
        if !fixed(vnic, out) {
            continue;
        }
        common(host, vnic, out);
        let slot = vnic.value.mac.slot();
        // A slot in the GZ's range is one cause; its slot/ID mismatch is not
        // reported again as mac-slot.
        let in_gz_range = mac::is_gz_slot(slot);
        if in_gz_range {
            out.emit(
                Check::MacGzRange,
                Some(mac_loc(vnic)),
                format!(
                    "{} of zone {} has MAC {} in the GZ's slot range 00–0f",
                    vnic.value.link, cx.zone, vnic.value.mac
                ),
            )
            .set_help("give the zone a slot 16·k+n (zgen vnic picks a free one)");
        }
        if let Some(n) = index {
            if u32::from(slot) % mac::BLOCK != n {
                out.emit(
                    Check::MacIndex,
                    Some(mac_loc(vnic)),
                    format!(
                        "{} has MAC slot {slot:#04x}, whose low nibble is not its index {n}",
                        vnic.value.link
                    ),
                );
            }
            if let Some(k) = zone_id.filter(|_| !in_gz_range) {
                let want = mac::ngz_slot(k, n);
                if want != Some(slot) {
                    let msg = match want {
                        Some(w) => format!(
                            "{} has MAC slot {slot:#04x}; zone ID {k} and index {n} give {w:#04x}",
                            vnic.value.link
                        ),
                        None => format!(
                            "{} has MAC slot {slot:#04x}; zone ID {k} is too large for the 16·k+n scheme",
                            vnic.value.link
                        ),
                    };
                    out.emit(Check::MacSlot, Some(mac_loc(vnic)), msg)
                        .set_help("zone IDs change across reboots; this is expected after one, and fine while the MAC is unique");
                }
            }
        }
    }
}

/// `mac-not-fixed` for one VNIC; false when the MAC is not explicit (the
/// other checks are then meaningless).
fn fixed(vnic: &Fact<Vnic>, out: &mut Sink<'_>) -> bool {
    if vnic.value.mac_type.is_fixed() {
        return true;
    }
    out.emit(
        Check::MacNotFixed,
        Some(mac_loc(vnic)),
        format!(
            "{} has a {} MAC ({})",
            vnic.value.link, vnic.value.mac_type, vnic.value.mac
        ),
    )
    .set_help(format!(
        "recreate it with an explicit MAC: dladm create-vnic -l {} -m MAC {}",
        vnic.value.over, vnic.value.link
    ));
    false
}

/// `mac-prefix` and `mac-ip-bytes`, shared by zone and GZ VNICs.
fn common(host: &HostCx<'_>, vnic: &Fact<Vnic>, out: &mut Sink<'_>) {
    let m = vnic.value.mac;
    let prefix = host.policy.mac_prefix;
    if m.prefix() != prefix {
        out.emit(
            Check::MacPrefix,
            Some(mac_loc(vnic)),
            format!(
                "{} has MAC {m}, whose prefix is not {prefix}",
                vnic.value.link
            ),
        );
    }
    if let Ok((ip, ip_loc)) = &host.primary {
        let [_, _, i3, i4] = ip.octets();
        if m.ip_bytes() != [i3, i4] {
            out.emit(Check::MacIpBytes, Some(mac_loc(vnic)), format!("{} has MAC {m}; octets 4–5 should be {i3:02x}:{i4:02x} from the GZ's primary address {ip}", vnic.value.link))
                .push_related(*ip_loc, format!("primary address {ip}"));
        }
    }
}

/// One row per VNIC: Solaris shows a zone-held VNIC twice (`www0` and
/// `www/www0`); the zone's row is kept, as it names the zone.
fn distinct(vnics: &[Fact<Vnic>]) -> Vec<&Fact<Vnic>> {
    crate::facts::dladm::merge_zone_views(vnics, |f| &f.value)
}

/// The MAC field of a `dladm show-vnic` row.
fn mac_loc(v: &Fact<Vnic>) -> Location {
    let row = v.loc.span.start();
    Location::new(
        v.loc.file,
        crate::span::Span::new(row + v.value.mac_span.start(), row + v.value.mac_span.end()),
    )
}

/// `zone/link` for a zone-held row, `link` for the GZ's.
fn shown(v: &Vnic) -> String {
    match &v.zone {
        Some(z) => format!("{z}/{}", v.link),
        None => v.link.clone(),
    }
}

fn check_host(cx: &HostCx<'_>, out: &mut Sink<'_>) {
    let Some(vnics) = cx.facts.vnics.as_ref() else {
        out.skip(
            Check::MacDuplicate,
            "the capture has no readable dladm-show-vnic",
        );
        return;
    };
    let rows = distinct(vnics);
    let mut by_mac: BTreeMap<Mac, &Fact<Vnic>> = BTreeMap::new();
    for v in &rows {
        if let Some(first) = by_mac.get(&v.value.mac) {
            out.emit_for(
                Check::MacDuplicate,
                Some(mac_loc(v)),
                v.value.zone.as_deref(),
                Some(cx.name()),
                format!(
                    "{} and {} share MAC {}",
                    shown(&v.value),
                    shown(&first.value),
                    v.value.mac
                ),
            )
            .push_related(
                mac_loc(first),
                format!("{} has it too", shown(&first.value)),
            );
        } else {
            by_mac.insert(v.value.mac, v);
        }
    }
    // The GZ's own VNICs: those its IP interfaces sit on. `L` is their index.
    let base = cx.policy.gz_vnic_basename.as_deref().or(cx.nodename());
    let gz_links: std::collections::BTreeSet<&str> = cx
        .facts
        .addrs
        .iter()
        .flatten()
        .map(|a| a.value.interface.as_str())
        .collect();
    for v in rows
        .iter()
        .filter(|v| v.value.zone.is_none() && gz_links.contains(v.value.link.as_str()))
    {
        if !fixed(v, out) {
            continue;
        }
        common(cx, v, out);
        if let Some(n) = base.and_then(|b| vnic_index(b, &v.value.link))
            && u32::from(v.value.mac.slot()) != n
        {
            out.emit(
                Check::MacIndex,
                Some(mac_loc(v)),
                format!(
                    "GZ VNIC {} has MAC slot {:#04x}, expected its index {n}",
                    v.value.link,
                    v.value.mac.slot()
                ),
            );
        }
    }
}

fn check_fleet(cx: &FleetCx<'_>, out: &mut Sink<'_>) {
    let hosts = cx.hosts;
    let mut seen: BTreeMap<Mac, (&str, String, Location)> = BTreeMap::new();
    for h in hosts {
        let mut on_this_host = std::collections::BTreeSet::new();
        for v in h.facts.vnics.as_deref().map(distinct).unwrap_or_default() {
            if !on_this_host.insert(v.value.mac) {
                continue; // a same-host duplicate, reported by check_host
            }
            match seen.get(&v.value.mac) {
                Some((other_host, other_link, loc)) => {
                    out.emit_for(
                        Check::MacDuplicate,
                        Some(mac_loc(v)),
                        v.value.zone.as_deref(),
                        Some(h.name()),
                        format!(
                            "{} on {} has MAC {}, as {other_link} on {other_host} does",
                            shown(&v.value),
                            h.name(),
                            v.value.mac
                        ),
                    )
                    .push_related(*loc, format!("{other_link} on {other_host}"));
                }
                None => {
                    seen.insert(v.value.mac, (h.name(), shown(&v.value), mac_loc(v)));
                }
            }
        }
    }
}
