//! The lints beyond the eleven: unreadable input, export quirks, the MAC
//! prefix, and configuration drift during a move.

use super::{FleetCx, Sink, ZoneCx, check};
use crate::diagnostic::{Check, Code, Severity};

rule! {
    /// ## What it checks
    /// The input can be read: a zone configuration parses as the zonecfg
    /// command language, and every capture file parses as the output of its
    /// command. The diagnostic says where reading stopped and what was
    /// expected there.
    ///
    /// ## Why
    /// A file the checks cannot read is a file nobody checked. Other files
    /// are still checked.
    ///
    /// ## Example
    /// A hand-elided export:
    /// ```text
    /// create -b
    /// ...
    /// ```
    /// Use instead: the unedited output of `zonecfg -z ZONE export`.
    pub(crate) const Z00 = RuleDef {
        code: Code::Z00,
        name: "input that cannot be read",
        checks: &[check(Check::Parse, Severity::Error, "any input")],
        zone: None,
        host: None,
        fleet: None,
    };
}

rule! {
    /// ## What it checks
    /// The configuration carries no value that zonecfg prints but cannot read
    /// back: the Solaris 11.1 export bug prints global properties raw, so
    /// `bootargs` with blanks comes out unquoted (`set bootargs=-m verbose`);
    /// older illumos exports print attr values with `=` unquoted. zrules
    /// reads both leniently (the value runs to the end of the command) and
    /// says so.
    ///
    /// ## Why
    /// Feeding such an export to `zonecfg -f` on another host fails with a
    /// syntax error, half-way through a move. The hand procedure repaired it
    /// with sed; generated configurations always quote.
    ///
    /// ## Example
    /// ```text
    /// set bootargs=-m verbose
    /// ```
    /// Use instead:
    /// ```text
    /// set bootargs="-m verbose"
    /// ```
    pub(crate) const Z90 = RuleDef {
        code: Code::Z90,
        name: "export quirk that zonecfg cannot read back",
        checks: &[check(Check::ExportQuirk, Severity::Warning, "zone config")],
        zone: Some(quirks),
        host: None,
        fleet: None,
    };
}

fn quirks(cx: &ZoneCx<'_>, out: &mut Sink<'_>) {
    for q in &cx.config.quirks {
        out.emit(q.check, Some(cx.loc(q.span)), q.message.clone())
            .set_help(q.help.clone());
    }
}

rule! {
    /// ## What it checks
    /// Once per run, when the run checked a zone with a `net` or `anet`
    /// resource or a host capture listing VNICs: the policy's `mac_prefix`
    /// is a locally administered address (bit 0x02 of the first octet set).
    /// The write-up's `00:00:01` is not: it is a registered vendor OUI. A
    /// multicast prefix is always an error.
    ///
    /// ## Why
    /// A MAC from someone else's OUI may collide with real hardware on the
    /// same segment. Locally administered prefixes (`02:…`) are reserved for
    /// exactly this use. The default is kept for compatibility; this note
    /// suggests the change.
    ///
    /// ## Example
    /// ```text
    /// mac_prefix: "00:00:01"
    /// ```
    /// Use instead:
    /// ```text
    /// mac_prefix: "02:00:01"
    /// ```
    pub(crate) const Z91 = RuleDef {
        code: Code::Z91,
        name: "the MAC prefix is not locally administered",
        checks: &[check(Check::OuiNotLocal, Severity::Info, "policy")],
        zone: None,
        host: None,
        fleet: Some(oui),
    };
}

fn oui(cx: &FleetCx<'_>, out: &mut Sink<'_>) {
    let policy = cx.policy;
    let p = policy.mac_prefix;
    if p.is_multicast() {
        out.emit(
            Check::OuiNotLocal,
            None,
            format!("mac_prefix {p} has the multicast bit set: no NIC may use it"),
        )
        .severity = Severity::Error;
    } else if !p.is_locally_administered() && uses_mac_prefix(cx) {
        out.emit(
            Check::OuiNotLocal,
            None,
            format!("mac_prefix {p} is a registered vendor OUI, not a locally administered prefix"),
        )
        .set_help(format!(
            "consider mac_prefix: \"{:02x}:{:02x}:{:02x}\" in zrules.yaml",
            p.0[0] | 0x02,
            p.0[1],
            p.0[2]
        ));
    }
}

/// Whether the run checked anything whose MAC the prefix governs: a zone
/// with a `net` or `anet` resource, or a host capture listing VNICs. A run
/// without one (no zones, or zones without networking) has no use for the
/// note, and `--fail-level info` must not fail on it.
fn uses_mac_prefix(cx: &FleetCx<'_>) -> bool {
    cx.zones.iter().any(|z| {
        z.config
            .resources()
            .any(|r| matches!(r.kind().value, "net" | "anet"))
    }) || cx
        .hosts
        .iter()
        .any(|h| h.facts.vnics.as_ref().is_some_and(|v| !v.is_empty()))
}

rule! {
    /// ## What it checks
    /// After a move (`zmigrate`), the zone's configuration on the target is
    /// the source's, except where the move intends a change (VNIC MACs
    /// re-derived for the target GZ's address).
    ///
    /// ## Why
    /// A move that silently drops a dataset or a resource control leaves a
    /// zone that boots but is not the zone that was moved.
    ///
    /// ## Example
    /// Source `set autoboot=true`, target `set autoboot=false`.
    /// Use instead: the source's configuration, fed to `zonecfg -z ZONE -f`
    /// on the target.
    pub(crate) const Z92 = RuleDef {
        code: Code::Z92,
        name: "the configuration drifted during a move",
        checks: &[check(Check::ConfigDrift, Severity::Error, "source and target zone configs (zmigrate)")],
        zone: None,
        host: None,
        fleet: None,
    };
}
