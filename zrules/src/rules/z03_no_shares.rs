//! Z03: the global zone shares nothing over NFS or SMB.

use super::{HostCx, Sink, check};
use crate::diagnostic::{Check, Code, Severity};

rule! {
    /// ## What it checks
    /// * No GZ dataset has sharing switched on: `sharenfs`/`sharesmb` (and on
    ///   Solaris 11.1+ their aliases `share.nfs`/`share.smb`) are `off`
    ///   everywhere. Only the dataset where sharing is set is reported, not
    ///   every descendant inheriting it.
    /// * `share` lists no published share.
    ///
    /// ## Why
    /// A GZ that serves files is a file server with zones on it: its shares
    /// tie clients to the hardware, survive no zone move, and open the host
    /// that controls every zone to the network. Serve files from a zone.
    ///
    /// ## Example
    /// ```text
    /// pool1/export	sharenfs	on	local
    /// ```
    /// Use instead:
    /// ```text
    /// zfs set sharenfs=off pool1/export
    /// ```
    /// and share the data from a zone that has the dataset delegated.
    pub(crate) const RULE = RuleDef {
        code: Code::Z03,
        name: "the GZ shares nothing over NFS or SMB",
        checks: &[check(Check::Share, Severity::Error, "capture: zfs-get-share, share")],
        zone: None,
        host: Some(check_host),
        fleet: None,
    };
}

const SHARE_PROPS: &[&str] = &["sharenfs", "sharesmb", "share.nfs", "share.smb"];

fn check_host(cx: &HostCx<'_>, out: &mut Sink<'_>) {
    let facts = cx.facts;
    if facts.share_props.is_none() && facts.shares.is_none() {
        out.skip(
            Check::Share,
            "the capture has neither zfs-get-share nor share",
        );
        return;
    }
    for p in facts.share_props.iter().flatten() {
        let v = &p.value;
        if !SHARE_PROPS.contains(&v.property.as_str())
            || matches!(v.value.as_str(), "off" | "-" | "")
        {
            continue;
        }
        if v.source.starts_with("inherited") {
            continue;
        }
        out.emit(
            Check::Share,
            Some(p.loc),
            format!(
                "dataset {} has {}={} ({})",
                v.name, v.property, v.value, v.source
            ),
        )
        .set_help(format!(
            "zfs set {}=off {}; share the data from a zone instead",
            v.property, v.name
        ));
    }
    for s in facts.shares.iter().flatten() {
        out.emit(
            Check::Share,
            Some(s.loc),
            format!("the GZ publishes a share: {}", s.value.trim()),
        )
        .set_help("unshare it and switch sharing off on its dataset");
    }
}
