//! The capture layout: which file of a capture directory holds the output of
//! which read-only command. One table, read by `zrules` and filled by
//! `zmigrate collect` (or by a person on a real host).
//!
//! A capture directory describes one global zone. Each file is the unedited
//! standard output of one command from [`LAYOUT`], run in the GZ, or in the
//! GZ once per non-global zone (`zonecfg -z ZONE export`), or inside each
//! running zone through `zlogin ZONE …`. [`load`] reads such a directory
//! (handed over as a map of relative path → text, because the library does
//! no I/O) into [`HostFacts`], registering every file in [`Sources`] so
//! diagnostics can quote it. A file that is absent leaves its fact `None`
//! and the checks that need it are reported as skipped; a file that does not
//! parse is a `Z00 parse` error pointing at the offending line.
//!
//! Every command and flag here was checked against the Solaris 11 and
//! illumos man pages (see `docs` notes on each entry). One deliberate
//! difference from a first draft: `zfs get` carries no `-t filesystem`,
//! because Solaris 11's `zfs get` has no `-t` option (its synopsis is
//! `zfs get [-rHpe|-d max] [-o …] [-s …] all | property[,…] …`); illumos
//! added `-t` only in 2012 (illumos issue 1936).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{Check, Code, Diagnostic, Severity};
use crate::facts::{
    self, Fact, HostFacts, RowError, Rows, SvcDeps, SystemFacts, ZoneCapture, dladm, ipadm, passwd,
    pkg, share, svcs, zfs, zoneadm,
};
use crate::shell;
use crate::source::{FileId, Location, Sources};
use crate::span::Spanned;

/// Where a command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Once, in the global zone.
    Global,
    /// In the global zone, once per non-global zone of `zoneadm list -cp`.
    ZoneConfig,
    /// Inside each running zone, through `zlogin ZONE`.
    InZone,
}

/// How a capture file is read (which parser, which fact it fills).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Content {
    Nodename,
    UnameV,
    Zones,
    Vnics,
    Links,
    Addrs,
    Datasets,
    ShareProps,
    Shares,
    Packages,
    Passwd,
    /// `svcs -d` of the FMRI that is the command's last argument.
    SvcDeps,
    /// Kept as text for the zonecfg parser.
    ZoneConfig,
}

/// One read-only command of the capture layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaptureCommand {
    /// File name; zone-scoped files live under `zones/ZONE/`.
    pub file: &'static str,
    pub scope: Scope,
    pub program: &'static str,
    /// Arguments; [`ZONE`] stands for the zone name.
    pub args: &'static [&'static str],
    /// What the output is used for (shown in `describe_layout`).
    pub purpose: &'static str,
    /// The rules whose checks read this output.
    pub checks: &'static [Code],
    pub content: Content,
}

/// The placeholder for the zone name in [`CaptureCommand::args`] and paths.
pub const ZONE: &str = "ZONE";

/// The directory holding per-zone files.
pub const ZONES_DIR: &str = "zones";

const fn global(
    file: &'static str,
    program: &'static str,
    args: &'static [&'static str],
    (purpose, checks): (&'static str, &'static [Code]),
    content: Content,
) -> CaptureCommand {
    CaptureCommand {
        file,
        scope: Scope::Global,
        program,
        args,
        purpose,
        checks,
        content,
    }
}

const fn in_zone(
    file: &'static str,
    program: &'static str,
    args: &'static [&'static str],
    (purpose, checks): (&'static str, &'static [Code]),
    content: Content,
) -> CaptureCommand {
    CaptureCommand {
        file,
        scope: Scope::InZone,
        program,
        args,
        purpose,
        checks,
        content,
    }
}

/// The FMRIs whose dependencies are captured (house rule 11).
pub const SSH_FMRI: &str = "svc:/network/ssh:default";
pub const SYSTEM_LOG_FMRI: &str = "svc:/system/system-log:default";
pub const SENDMAIL_FMRI: &str = "svc:/network/smtp:sendmail";

/// The capture layout. Sources for the flags:
/// * `zoneadm list -cp`: zoneadm(1M) `list [-cipv]`, `-p` parsable.
/// * `dladm show-vnic|show-link -p -o …`: dladm(1M); `-p` requires `-o`;
///   OVER is a show-link field on both platforms.
/// * `ipadm show-addr -p -o addrobj,type,state,addr`: ipadm(1M).
/// * `zfs list -H -o … -t filesystem`, `zfs get -H -o …`: zfs(1M); Solaris 11
///   `zfs get` has no `-t` (see the module comment).
/// * `svcs -H -o fmri -d FMRI`: svcs(1) second form
///   `svcs {-d | -D} [-Hpv?] [-o col[,col]]… [FMRI]`.
/// * `pkg list -H`: pkg(1). `share`: share(1M) with no arguments.
/// * `zlogin ZONE cmd args…`: zlogin(1) runs the utility in the zone; the
///   wrapping (and the quoting for the zone's shell it needs) is
///   [`shell::Command::in_zone`]'s, see [`CaptureCommand::command`].
pub const LAYOUT: &[CaptureCommand] = &[
    global(
        "nodename",
        "cat",
        &["/etc/nodename"],
        (
            "GZ host name; default basename of GZ VNICs and home datasets",
            &[Code::Z05, Code::Z06, Code::Z11],
        ),
        Content::Nodename,
    ),
    global(
        "uname-v",
        "uname",
        &["-v"],
        ("OS release: Solaris 11 or illumos dialect", &[]),
        Content::UnameV,
    ),
    global(
        "zoneadm-list-cp",
        "zoneadm",
        &["list", "-cp"],
        ("zones, states, IDs, zonepaths", &[Code::Z06, Code::Z08]),
        Content::Zones,
    ),
    global(
        "dladm-show-vnic",
        "dladm",
        &["show-vnic", "-p", "-o", "link,over,macaddress,macaddrtype"],
        (
            "VNICs, lower links and MACs",
            &[Code::Z04, Code::Z05, Code::Z06],
        ),
        Content::Vnics,
    ),
    global(
        "dladm-show-link",
        "dladm",
        &["show-link", "-p", "-o", "link,class,over"],
        ("link classes: which links are VNICs", &[Code::Z04]),
        Content::Links,
    ),
    global(
        "ipadm-show-addr",
        "ipadm",
        &["show-addr", "-p", "-o", "addrobj,type,state,addr"],
        (
            "GZ addresses: primary IPv4, interfaces on links",
            &[Code::Z04, Code::Z05, Code::Z06],
        ),
        Content::Addrs,
    ),
    global(
        "zfs-list",
        "zfs",
        &[
            "list",
            "-H",
            "-o",
            "name,mountpoint,mounted",
            "-t",
            "filesystem",
        ],
        (
            "datasets and mountpoints",
            &[Code::Z09, Code::Z10, Code::Z11],
        ),
        Content::Datasets,
    ),
    global(
        "zfs-get-share",
        "zfs",
        &[
            "get",
            "-H",
            "-o",
            "name,property,value,source",
            "sharenfs,sharesmb",
        ],
        ("NFS/SMB sharing properties", &[Code::Z03]),
        Content::ShareProps,
    ),
    global(
        "share",
        "share",
        &[],
        ("published shares", &[Code::Z03]),
        Content::Shares,
    ),
    global(
        "pkg-list",
        "pkg",
        &["list", "-H"],
        ("GZ packages", &[Code::Z02]),
        Content::Packages,
    ),
    global(
        "passwd",
        "cat",
        &["/etc/passwd"],
        ("GZ local accounts and homes", &[Code::Z11]),
        Content::Passwd,
    ),
    global(
        "svcs-d-ssh",
        "svcs",
        &["-H", "-o", "fmri", "-d", SSH_FMRI],
        ("ssh dependencies: no autofs", &[Code::Z11]),
        Content::SvcDeps,
    ),
    global(
        "svcs-d-system-log",
        "svcs",
        &["-H", "-o", "fmri", "-d", SYSTEM_LOG_FMRI],
        ("system-log dependencies: no autofs", &[Code::Z11]),
        Content::SvcDeps,
    ),
    global(
        "svcs-d-sendmail",
        "svcs",
        &["-H", "-o", "fmri", "-d", SENDMAIL_FMRI],
        ("sendmail dependencies: no autofs", &[Code::Z11]),
        Content::SvcDeps,
    ),
    CaptureCommand {
        file: "zonecfg-export",
        scope: Scope::ZoneConfig,
        program: "zonecfg",
        args: &["-z", ZONE, "export"],
        purpose: "zone configuration",
        checks: &[
            Code::Z04,
            Code::Z05,
            Code::Z06,
            Code::Z07,
            Code::Z08,
            Code::Z09,
            Code::Z10,
        ],
        content: Content::ZoneConfig,
    },
    in_zone(
        "nodename",
        "cat",
        &["/etc/nodename"],
        ("zone host name", &[Code::Z07]),
        Content::Nodename,
    ),
    in_zone(
        "pkg-list",
        "pkg",
        &["list", "-H"],
        ("zone packages", &[Code::Z01]),
        Content::Packages,
    ),
    in_zone(
        "passwd",
        "cat",
        &["/etc/passwd"],
        ("zone local accounts and homes", &[Code::Z11]),
        Content::Passwd,
    ),
    in_zone(
        "svcs-d-ssh",
        "svcs",
        &["-H", "-o", "fmri", "-d", SSH_FMRI],
        ("ssh dependencies: no autofs", &[Code::Z11]),
        Content::SvcDeps,
    ),
    in_zone(
        "svcs-d-system-log",
        "svcs",
        &["-H", "-o", "fmri", "-d", SYSTEM_LOG_FMRI],
        ("system-log dependencies: no autofs", &[Code::Z11]),
        Content::SvcDeps,
    ),
    in_zone(
        "svcs-d-sendmail",
        "svcs",
        &["-H", "-o", "fmri", "-d", SENDMAIL_FMRI],
        ("sendmail dependencies: no autofs", &[Code::Z11]),
        Content::SvcDeps,
    ),
];

impl CaptureCommand {
    /// The command as it runs in the global zone: the entry's program and
    /// arguments with the zone name in place of [`ZONE`], wrapped once in
    /// `zlogin ZONE` ([`shell::Command::in_zone`]) for entries run inside a
    /// zone. With `zone` `None` the placeholder stays (for documentation).
    pub fn command(&self, zone: Option<&str>) -> shell::Command {
        let zone_name = zone.unwrap_or(ZONE);
        let inner = self.unwrapped(zone);
        match self.scope {
            Scope::InZone => inner.in_zone(zone_name),
            Scope::Global | Scope::ZoneConfig => inner,
        }
    }

    /// The entry's own program and arguments, before any `zlogin`.
    fn unwrapped(&self, zone: Option<&str>) -> shell::Command {
        let zone_name = zone.unwrap_or(ZONE);
        shell::Command::new(
            self.program,
            self.args
                .iter()
                .map(|arg| if *arg == ZONE { zone_name } else { arg }),
        )
    }

    /// The full argument vector of [`CaptureCommand::command`].
    pub fn argv(&self, zone: Option<&str>) -> Vec<String> {
        self.command(zone).argv()
    }

    /// The command as one line, for messages (`zlogin www pkg list -H`):
    /// the [`shell::Command`]'s display, quoted where a shell would need it.
    pub fn command_line(&self, zone: Option<&str>) -> String {
        self.command(zone).to_string()
    }

    /// The file's path relative to the capture directory
    /// (`dladm-show-vnic`, `zones/www/pkg-list`).
    pub fn path(&self, zone: Option<&str>) -> String {
        match self.scope {
            Scope::Global => self.file.to_owned(),
            Scope::ZoneConfig | Scope::InZone => {
                format!("{ZONES_DIR}/{}/{}", zone.unwrap_or(ZONE), self.file)
            }
        }
    }

    /// For `svcs -d` entries, the FMRI asked about.
    pub fn svc_fmri(&self) -> Option<&'static str> {
        match self.content {
            Content::SvcDeps => self.args.last().copied(),
            _ => None,
        }
    }

    /// What a well-formed line of this output looks like.
    pub fn expected(&self) -> &'static str {
        match self.content {
            Content::Nodename => "one host name on the first line",
            Content::UnameV => "the OS version on the first line",
            Content::Zones => zoneadm::EXPECTED,
            Content::Vnics => dladm::EXPECTED_VNIC,
            Content::Links => dladm::EXPECTED_LINK,
            Content::Addrs => ipadm::EXPECTED,
            Content::Datasets => zfs::EXPECTED_LIST,
            Content::ShareProps => zfs::EXPECTED_GET,
            Content::Shares => "one published share per line",
            Content::Packages => pkg::EXPECTED,
            Content::Passwd => passwd::EXPECTED,
            Content::SvcDeps => svcs::EXPECTED,
            Content::ZoneConfig => "zonecfg export text",
        }
    }
}

/// Which layout entry a relative path belongs to, and for which zone.
/// `None` for files outside the layout (they are ignored).
pub fn classify(path: &str) -> Option<(&'static CaptureCommand, Option<&str>)> {
    if let Some(rest) = path
        .strip_prefix(ZONES_DIR)
        .and_then(|r| r.strip_prefix('/'))
    {
        let (zone, file) = rest.split_once('/')?;
        if zone.is_empty() || file.contains('/') {
            return None;
        }
        return LAYOUT
            .iter()
            .find(|c| c.scope != Scope::Global && c.file == file)
            .map(|c| (c, Some(zone)));
    }
    LAYOUT
        .iter()
        .find(|c| c.scope == Scope::Global && c.file == path)
        .map(|c| (c, None))
}

/// Reads one capture directory (relative path → file text) into facts.
///
/// Every file of the layout that is present is added to `sources` as
/// `HOST/relative/path`; files outside the layout are ignored. Each parse
/// failure becomes a `Z00 parse` error at the offending line, and the fact
/// that file would have filled stays `None`. Every non-global zone named by
/// `zoneadm-list-cp` gets an entry in [`HostFacts::ngz`], even when none of
/// its files was captured.
pub fn load(
    host: &str,
    files: &BTreeMap<String, String>,
    sources: &mut Sources,
) -> (HostFacts, Vec<Diagnostic>) {
    load_at(host, host, files.clone(), sources)
}

/// [`load`], naming each file `ROOT/relative/path`: `root` is the capture
/// directory as the user gave it, so the names are paths that exist. The
/// texts are moved into `sources`, not copied: a capture's text is then
/// held once for the run (see `zrules/benches/memory.rs`).
pub fn load_at(
    root: &str,
    host: &str,
    files: BTreeMap<String, String>,
    sources: &mut Sources,
) -> (HostFacts, Vec<Diagnostic>) {
    let mut facts = HostFacts {
        name: host.to_owned(),
        ..HostFacts::default()
    };
    let mut diags = Vec::new();
    for (path, text) in files {
        let Some((cmd, zone)) = classify(&path) else {
            continue;
        };
        let file = sources.add(join(root, &path), text);
        let text = Arc::clone(&sources.get(file).text);
        let mut cx = Loader {
            host,
            cmd,
            zone,
            file,
            diags: &mut diags,
        };
        match zone {
            None => cx.global(&mut facts, &text),
            Some(z) => {
                let capture = facts.ngz.entry(z.to_owned()).or_default();
                cx.zone(capture, &text);
            }
        }
    }
    if let Some(zones) = &facts.zones {
        for z in zones.iter().filter(|z| !z.value.is_global()) {
            facts.ngz.entry(z.value.name.clone()).or_default();
        }
    }
    (facts, diags)
}

/// `root/path`, without doubling a trailing `/` (`captures/gz1/`).
fn join(root: &str, path: &str) -> String {
    match root.trim_end_matches('/') {
        "" if root.starts_with('/') => format!("/{path}"),
        r => format!("{r}/{path}"),
    }
}

/// The state of loading one file.
struct Loader<'a> {
    host: &'a str,
    cmd: &'static CaptureCommand,
    zone: Option<&'a str>,
    file: FileId,
    diags: &'a mut Vec<Diagnostic>,
}

impl Loader<'_> {
    fn report(&mut self, errors: Vec<RowError>) {
        for e in errors {
            let message = format!(
                "unreadable `{}` output, line {}: {}",
                self.cmd.command_line(self.zone),
                e.line,
                e.message
            );
            self.diags.push(
                Diagnostic::new(Code::Z00, Check::Parse, Severity::Error, message)
                    .with_help(format!("each line should be {}", self.cmd.expected()))
                    .at(Location::new(self.file, e.span))
                    .with_host(self.host)
                    .with_zone_opt(self.zone),
            );
        }
    }

    /// The rows that parsed; each one that did not is a `Z00`. A file none
    /// of whose lines parsed stands for nothing (`None`), as if absent, so
    /// the checks that need it say they were skipped.
    fn rows<T>(&mut self, rows: Rows<T>) -> Option<Vec<Fact<T>>> {
        let Rows { rows, errors } = rows;
        let nothing = rows.is_empty() && !errors.is_empty();
        self.report(errors);
        if nothing {
            return None;
        }
        Some(
            rows.into_iter()
                .map(|r| Fact::from_spanned(r, self.file))
                .collect(),
        )
    }

    fn single(&mut self, value: Result<Spanned<String>, RowError>) -> Option<Fact<String>> {
        match value {
            Ok(v) => Some(Fact::from_spanned(v, self.file)),
            Err(e) => {
                self.report(vec![e]);
                None
            }
        }
    }

    fn global(&mut self, facts: &mut HostFacts, text: &Arc<String>) {
        match self.cmd.content {
            Content::UnameV => {
                facts.uname_v = self.single(facts::parse_first_line(text, "the OS version"))
            }
            Content::Zones => facts.zones = self.rows(zoneadm::parse(text)),
            Content::Vnics => facts.vnics = self.rows(dladm::parse_vnic_capture(text)),
            Content::Links => facts.links = self.rows(dladm::parse_links(text)),
            Content::Addrs => facts.addrs = self.rows(ipadm::parse(text)),
            Content::Datasets => facts.datasets = self.rows(zfs::parse_list(text)),
            Content::ShareProps => facts.share_props = self.rows(zfs::parse_get(text)),
            Content::Shares => {
                facts.shares = self.rows(share::parse(text)).map(|rows| {
                    rows.into_iter()
                        .map(|f| Fact {
                            value: f.value.line,
                            loc: f.loc,
                        })
                        .collect()
                });
            }
            _ => self.system(&mut facts.gz, text),
        }
    }

    fn zone(&mut self, capture: &mut ZoneCapture, text: &Arc<String>) {
        match self.cmd.content {
            Content::ZoneConfig => capture.config = Some(self.file),
            _ => self.system(&mut capture.system, text),
        }
    }

    /// `text` is shared with the run's sources, so facts that read their
    /// fields from it (`passwd`) hold no copies.
    fn system(&mut self, sys: &mut SystemFacts, text: &Arc<String>) {
        match self.cmd.content {
            Content::Nodename => {
                sys.nodename = self.single(facts::parse_first_line(text, "a host name"))
            }
            Content::Packages => sys.packages = self.rows(pkg::parse(text)),
            Content::Passwd => {
                sys.passwd = self
                    .rows(passwd::parse(text))
                    .map(|rows| passwd::Passwd::new(Arc::clone(text), rows))
            }
            Content::SvcDeps => {
                let Some(fmri) = self.cmd.svc_fmri() else {
                    return;
                };
                if let Some(fmris) = self.rows(svcs::parse(text)) {
                    let whole = Location::new(self.file, crate::span::Span::new(0, text.len()));
                    sys.svc_deps.insert(
                        fmri.to_owned(),
                        SvcDeps {
                            file: Some(whole),
                            fmris,
                        },
                    );
                }
            }
            // Global-only contents never reach here: `classify` maps zone
            // paths only to zone-scoped entries, and `global` handles the rest.
            _ => {}
        }
    }
}

/// The codes of an entry's `checks` for the text table: `(Z04, Z05)`, a run
/// of four or more consecutive codes as a range (`Z04-Z10`); empty when the
/// output feeds no rule directly.
fn codes_note(checks: &[Code]) -> String {
    if checks.is_empty() {
        return String::new();
    }
    let index = |c: &Code| Code::ALL.iter().position(|a| a == c).unwrap_or(usize::MAX);
    let mut parts = Vec::new();
    let mut i = 0;
    while i < checks.len() {
        let mut j = i;
        while j + 1 < checks.len() && index(&checks[j + 1]) == index(&checks[j]).wrapping_add(1) {
            j += 1;
        }
        if j - i >= 3 {
            parts.push(format!("{}-{}", checks[i], checks[j]));
        } else {
            parts.extend(checks[i..=j].iter().map(Code::to_string));
        }
        i = j + 1;
    }
    format!(" ({})", parts.join(", "))
}

/// The layout as a plain-text table, for the README and `--help`.
pub fn describe_layout() -> String {
    let rows: Vec<[String; 4]> = LAYOUT
        .iter()
        .map(|c| {
            let run = match c.scope {
                Scope::Global => "GZ",
                Scope::ZoneConfig => "GZ, per zone",
                Scope::InZone => "in running zone",
            };
            [
                c.path(None),
                run.to_owned(),
                c.command_line(None),
                format!("{}{}", c.purpose, codes_note(c.checks)),
            ]
        })
        .collect();
    let header = ["FILE", "RUN", "COMMAND", "PURPOSE"].map(str::to_owned);
    let mut widths = [0usize; 3];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The schema name and version of [`describe_layout_json`]'s document.
pub const LAYOUT_SCHEMA: &str = "zrules-layout/1";

/// The zone-name placeholder of [`describe_layout_json`]: other collectors
/// replace it, in `file`, `argv` and `via`, by each zone's name.
pub const JSON_ZONE_PLACEHOLDER: &str = "{zone}";

/// The layout for programs (`zrules layout --format json`, documented in
/// `docs/layout.md`).
#[derive(Debug, Serialize)]
pub struct LayoutDocument {
    pub schema: &'static str,
    pub zone_placeholder: &'static str,
    pub entries: Vec<LayoutEntry>,
}

/// One entry of [`LayoutDocument`]: one row of [`LAYOUT`].
#[derive(Debug, Serialize)]
pub struct LayoutEntry {
    /// Path under the capture directory, with the placeholder for the zone.
    pub file: String,
    pub scope: &'static str,
    /// The command's own words; for `in-zone` entries, before the `zlogin`.
    pub argv: Vec<String>,
    /// The wrapper for `in-zone` entries (`["zlogin", "{zone}"]`): the words
    /// of `argv` follow it, each quoted for the zone's shell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<Vec<String>>,
    pub purpose: &'static str,
    pub checks: Vec<&'static str>,
}

impl Scope {
    /// The scope's name in [`describe_layout_json`].
    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::ZoneConfig => "per-zone",
            Scope::InZone => "in-zone",
        }
    }
}

/// [`LAYOUT`] as a [`LayoutDocument`], generated from the table: `argv` is
/// the entry's unwrapped command ([`CaptureCommand::command`] before the
/// `zlogin`), `via` the words `zlogin` and the zone that
/// [`shell::Command::in_zone`] puts before it.
pub fn layout_document() -> LayoutDocument {
    let zone = Some(JSON_ZONE_PLACEHOLDER);
    let entries = LAYOUT
        .iter()
        .map(|c| {
            let via = (c.scope == Scope::InZone).then(|| {
                let wrapped = c.command(zone).argv();
                wrapped[..2].to_vec()
            });
            LayoutEntry {
                file: c.path(zone),
                scope: c.scope.as_str(),
                argv: c.unwrapped(zone).argv(),
                via,
                purpose: c.purpose,
                checks: c.checks.iter().map(|k| k.as_str()).collect(),
            }
        })
        .collect();
    LayoutDocument {
        schema: LAYOUT_SCHEMA,
        zone_placeholder: JSON_ZONE_PLACEHOLDER,
        entries,
    }
}

/// [`layout_document`] as pretty-printed JSON followed by a newline.
pub fn describe_layout_json() -> String {
    let mut text = serde_json::to_string_pretty(&layout_document())
        .expect("the layout serializes: plain strings only");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::ZoneState;

    fn find(path: &str) -> &'static CaptureCommand {
        classify(path).expect("in layout").0
    }

    #[test]
    fn argv_and_paths() {
        let vnic = find("dladm-show-vnic");
        assert_eq!(
            vnic.argv(None),
            [
                "dladm",
                "show-vnic",
                "-p",
                "-o",
                "link,over,macaddress,macaddrtype"
            ]
        );
        assert_eq!(vnic.path(Some("www")), "dladm-show-vnic");
        let cfg = find("zones/www/zonecfg-export");
        assert_eq!(cfg.argv(Some("www")), ["zonecfg", "-z", "www", "export"]);
        assert_eq!(cfg.path(Some("www")), "zones/www/zonecfg-export");
        let pkg = find("zones/db/pkg-list");
        assert_eq!(pkg.scope, Scope::InZone);
        assert_eq!(pkg.argv(Some("db")), ["zlogin", "db", "pkg", "list", "-H"]);
        assert_eq!(pkg.command_line(None), "zlogin ZONE pkg list -H");
        // Wrapped once, by the one zlogin wrapper, so zmigrate runs exactly
        // what a message names.
        assert_eq!(
            pkg.command(Some("db")),
            shell::Command::new("pkg", ["list", "-H"]).in_zone("db")
        );
        assert_eq!(
            cfg.command(Some("www")),
            shell::Command::new("zonecfg", ["-z", "www", "export"])
        );
        for entry in LAYOUT {
            assert_eq!(
                entry.command_line(Some("z")),
                entry.command(Some("z")).to_string()
            );
        }
        assert_eq!(find("zones/db/svcs-d-ssh").svc_fmri(), Some(SSH_FMRI));
    }

    #[test]
    fn paths_outside_the_layout_are_not_classified() {
        for path in [
            "README.md",
            "zones/www",
            "zones//pkg-list",
            "zones/www/sub/pkg-list",
            "zones/www/zoneadm-list-cp",
            "zonecfg-export",
        ] {
            assert!(classify(path).is_none(), "{path}");
        }
    }

    #[test]
    fn every_entry_round_trips_through_classify() {
        for cmd in LAYOUT {
            let path = cmd.path(Some("z1"));
            let (found, zone) = classify(&path).expect("classified");
            assert_eq!(found, cmd);
            assert_eq!(zone, (cmd.scope != Scope::Global).then_some("z1"));
        }
    }

    #[test]
    fn describe_lists_every_file() {
        let table = describe_layout();
        assert_eq!(table.lines().count(), LAYOUT.len() + 1);
        assert!(table.contains("zones/ZONE/svcs-d-sendmail"));
        assert!(table.contains("zlogin ZONE svcs -H -o fmri -d svc:/network/smtp:sendmail"));
    }

    fn capture(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries
            .iter()
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
            .collect()
    }

    #[test]
    fn load_builds_facts_and_sources() {
        let files = capture(&[
            ("nodename", "baremetal\n"),
            (
                "zoneadm-list-cp",
                "0:global:running:/::solaris:shared:-:none\n1:www:running:/zones/www:6c1d-1:solaris:excl:-:none\n-:db:installed:/zones/db:6c1d-2:solaris:excl:-:none\n",
            ),
            (
                "dladm-show-vnic",
                "www0:net0:0\\:0\\:1\\:1f\\:c\\:10:fixed\nwww/www0:net0:0\\:0\\:1\\:1f\\:c\\:10:fixed\n",
            ),
            ("svcs-d-ssh", "svc:/network/loopback:default\n"),
            (
                "zones/www/zonecfg-export",
                "create -b\nset zonepath=/zones/www\n",
            ),
            ("zones/www/nodename", "www\n"),
            ("notes.txt", "ignored"),
        ]);
        let mut sources = Sources::new();
        let (facts, diags) = load("baremetal", &files, &mut sources);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(sources.len(), 6);
        assert_eq!(facts.name, "baremetal");
        assert_eq!(
            facts.gz.nodename.as_ref().map(|f| f.value.as_str()),
            Some("baremetal")
        );
        let zones = facts.zones.as_ref().expect("zones");
        assert_eq!(zones[1].value.state, ZoneState::Running);
        assert_eq!(facts.ngz.keys().collect::<Vec<_>>(), ["db", "www"]);
        let www = &facts.ngz["www"];
        let cfg = www.config.expect("config");
        assert_eq!(sources.get(cfg).name, "baremetal/zones/www/zonecfg-export");
        assert_eq!(
            www.system.nodename.as_ref().map(|f| f.value.as_str()),
            Some("www")
        );
        assert!(facts.ngz["db"].config.is_none());
        assert_eq!(facts.distinct_vnics().expect("vnics").len(), 1);
        let deps = &facts.gz.svc_deps[SSH_FMRI];
        assert_eq!(deps.fmris.len(), 1);
        assert!(facts.vnics.is_some() && facts.links.is_none() && facts.datasets.is_none());
        let loc = zones[2].loc;
        assert_eq!(sources.get(loc.file).name, "baremetal/zoneadm-list-cp");
        assert_eq!(
            &sources.get(loc.file).text[loc.span.range()],
            "-:db:installed:/zones/db:6c1d-2:solaris:excl:-:none"
        );
    }

    #[test]
    fn parse_failures_become_z00_at_the_line() {
        let files = capture(&[
            (
                "zoneadm-list-cp",
                "0:global:running:/::liveimg:shared:\n...\n",
            ),
            (
                "zones/www/passwd",
                "root:x:0:0:Super-User:/root:/usr/bin/bash\nalice:x:abc:10::/local/home/alice:/usr/bin/bash\n",
            ),
            ("uname-v", ""),
        ]);
        let mut sources = Sources::new();
        let (facts, diags) = load("h1", &files, &mut sources);
        // The bad rows are dropped, the good ones kept.
        let zones = facts.zones.as_ref().expect("the global zone's row");
        assert_eq!(zones.len(), 1);
        assert!(facts.uname_v.is_none());
        let passwd = facts.ngz["www"].system.passwd.as_ref().expect("root");
        assert_eq!(passwd.len(), 1);
        assert_eq!(passwd.iter().next().map(|e| e.name), Some("root"));
        assert_eq!(diags.len(), 3);
        for d in &diags {
            assert_eq!(
                (d.code, d.check, d.severity),
                (Code::Z00, Check::Parse, Severity::Error)
            );
            assert_eq!(d.host(), Some("h1"));
        }
        let zd = diags
            .iter()
            .find(|d| d.message().contains("zlogin www cat /etc/passwd"))
            .expect("passwd diag");
        assert!(zd.message().contains("line 2: uid:"), "{}", zd.message());
        assert_eq!(zd.zone(), Some("www"));
        let loc = zd.location().expect("location");
        assert_eq!(&sources.get(loc.file).text[loc.span.range()], "abc");
        let zl = diags
            .iter()
            .find(|d| d.message().contains("zoneadm list -cp"))
            .expect("zoneadm diag");
        let loc = zl.location().expect("location");
        assert_eq!(sources.get(loc.file).line_col(loc.span.start()).line, 2);
        assert!(zl.help().is_some_and(|h| h.contains("colon-separated")));
    }
}
