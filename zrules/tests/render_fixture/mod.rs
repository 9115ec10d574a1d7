//! A hand-built report shared by the renderer tests: one zone export and one
//! capture file, and diagnostics built directly (not by the rules) so the
//! renderers are tested on every shape a finding can take, independently of
//! what the rules currently report.

#![allow(dead_code)]

use zrules::{Check, Code, Diagnostic, FileId, Location, Report, Severity, Sources, Span};

pub const TOOL_VERSION: &str = "0.1.0-test";

pub const WWW_EXPORT: &str = "\
create -b
set brand=solaris
set zonepath=/export/zones/www
set autoboot=true
set ip-type=exclusive
add net
set physical=vnic0
end
add net
set physical=www1
end
add anet
set linkname=net0
set lower-link=net0
set mac-address=0:0:1:aa:bb:10
end
add fs
set dir=/data
set special=pool1/www/data
set type=zfs
end
";

pub const IPADM: &str = "\
ADDROBJ           TYPE     STATE        ADDR
lo0/v4            static   ok           127.0.0.1/8
net0/v4           static   ok           192.168.31.12/24
";

/// The span of the first `needle` in `text`.
pub fn span_of(text: &str, needle: &str) -> Span {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is in the fixture"));
    Span::new(start, start + needle.len())
}

pub struct Fixture {
    pub sources: Sources,
    pub www: FileId,
    pub ipadm: FileId,
}

pub fn sources() -> Fixture {
    let mut sources = Sources::new();
    let www = sources.add("zones/www.cfg", WWW_EXPORT);
    let ipadm = sources.add("captures/gz1/ipadm-show-addr", IPADM);
    Fixture {
        sources,
        www,
        ipadm,
    }
}

/// Every shape at once: a zone+host finding with help, a warning with a
/// related place in the same file, an error with a related place in another
/// file, a finding spanning several lines, one without a location, and
/// skipped checks (two that fold into one group).
pub fn sample() -> (Report, Sources) {
    let f = sources();
    let at = |file: FileId, text: &str, needle: &str| Location::new(file, span_of(text, needle));
    let fs_block = {
        let start = span_of(WWW_EXPORT, "add fs").start();
        let end = span_of(WWW_EXPORT, "set type=zfs\nend\n").end();
        Location::new(f.www, Span::new(start, end))
    };
    let diagnostics = vec![
        Diagnostic::new(Code::Z08, Check::Zonepath, Severity::Error, "zonepath is /export/zones/www, expected /zones/www")
            .at(at(f.www, WWW_EXPORT, "/export/zones/www"))
            .with_help("a zonepath cannot change in place: move the zone to /zones/www (zmigrate)")
            .with_zone("www")
            .with_host("gz1"),
        Diagnostic::new(Code::Z05, Check::VnicName, Severity::Warning, "VNIC vnic0 of zone www is not named www<N>")
            .at(at(f.www, WWW_EXPORT, "vnic0"))
            .with_related(at(f.www, WWW_EXPORT, "www1"), "this VNIC follows the scheme")
            .with_help("rename it: dladm rename-link vnic0 www0")
            .with_zone("www"),
        Diagnostic::new(
            Code::Z06,
            Check::MacIpBytes,
            Severity::Error,
            "MAC 0:0:1:aa:bb:10 does not carry octets 3-4 of the GZ's address (1f:0c)",
        )
        .at(at(f.www, WWW_EXPORT, "0:0:1:aa:bb:10"))
        .with_related(at(f.ipadm, IPADM, "192.168.31.12/24"), "the GZ's primary address")
        .with_help("set mac-address=0:0:1:1f:c:10")
        .with_zone("www"),
        Diagnostic::new(
            Code::Z10,
            Check::DatasetShape,
            Severity::Error,
            "file system /data mounts pool1/www/data from the GZ instead of a dataset delegated to the zone",
        )
        .at(fs_block)
        .with_help("delegate the dataset: add dataset; set name=pool1/www/data; end")
        .with_zone("www"),
        Diagnostic::new(
            Code::Z91,
            Check::OuiNotLocal,
            Severity::Info,
            "MAC prefix 00:00:01 is a registered vendor OUI, not a locally administered address",
        )
        .with_help("a 02:xx:xx prefix is locally administered (policy: mac_prefix)"),
    ];
    let skipped = vec![
        zrules::Skipped {
            code: Code::Z09,
            check: Check::ZonepathDataset,
            zone: Some("www".into()),
            host: Some("gz1".into()),
            reason: "no `zfs list` capture for host gz1".into(),
        },
        zrules::Skipped {
            code: Code::Z09,
            check: Check::ZonepathDataset,
            zone: Some("db".into()),
            host: Some("gz1".into()),
            reason: "no `zfs list` capture for host gz1".into(),
        },
        zrules::Skipped {
            code: Code::Z11,
            check: Check::HomePath,
            zone: Some("www".into()),
            host: None,
            reason: "no passwd capture for the zone".into(),
        },
    ];
    let report = Report {
        diagnostics,
        skipped,
        assumptions: Vec::new(),
        files: 1,
        zones: 2,
        hosts: 1,
    };
    (report, f.sources)
}

/// A run that found nothing and skipped nothing.
pub fn clean() -> (Report, Sources) {
    let f = sources();
    (
        Report {
            diagnostics: Vec::new(),
            skipped: Vec::new(),
            assumptions: Vec::new(),
            files: 1,
            zones: 1,
            hosts: 0,
        },
        f.sources,
    )
}

/// A run that found nothing but could not run every check.
pub fn clean_but_skipped() -> (Report, Sources) {
    let (sample, sources) = sample();
    (
        Report {
            diagnostics: Vec::new(),
            skipped: sample.skipped,
            assumptions: Vec::new(),
            files: 1,
            zones: 2,
            hosts: 1,
        },
        sources,
    )
}

/// Many findings of few rules, for `--statistics`: Z06 most often, and Z05
/// at two severities (a policy override for some zones).
pub fn repetitive() -> (Report, Sources) {
    let f = sources();
    let mut diagnostics = Vec::new();
    for zone in ["a", "b", "c"] {
        diagnostics.push(
            Diagnostic::new(Code::Z06, Check::MacIpBytes, Severity::Error, "wrong bytes")
                .with_zone(zone),
        );
    }
    diagnostics.push(
        Diagnostic::new(Code::Z05, Check::VnicName, Severity::Error, "bad name").with_zone("a"),
    );
    diagnostics.push(
        Diagnostic::new(Code::Z05, Check::VnicName, Severity::Warning, "bad name").with_zone("b"),
    );
    diagnostics
        .push(Diagnostic::new(Code::Z05, Check::IndexGap, Severity::Info, "gap").with_zone("b"));
    diagnostics
        .push(Diagnostic::new(Code::Z05, Check::IndexGap, Severity::Info, "gap").with_zone("c"));
    (
        Report {
            diagnostics,
            skipped: Vec::new(),
            assumptions: Vec::new(),
            files: 3,
            zones: 3,
            hosts: 0,
        },
        f.sources,
    )
}
