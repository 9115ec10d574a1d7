//! Host facts: typed views of the raw outputs of read-only commands.
//!
//! One submodule per command parses its machine-readable output (`-p -o`,
//! `-H`) row by row; a row that does not parse is reported with its line and
//! field, never guessed at. [`HostFacts`] gathers what one capture directory
//! (see [`crate::capture`]) says about a global zone and its zones. Every
//! fact keeps the [`Location`] of the row it came from so a diagnostic about
//! a MAC address can point at the `dladm show-vnic` line that shows it.
//!
//! A field is `None` when the capture lacks the file: rules then report the
//! check as skipped, never as passed.

use std::collections::BTreeMap;

use crate::source::Location;

pub mod dladm;
pub mod ipadm;
pub mod passwd;
pub mod pkg;
pub mod share;
pub mod svcs;
pub mod zfs;
pub mod zoneadm;

pub use dladm::{Link, Vnic};
pub use ipadm::Addr;
pub use passwd::PasswdEntry;
pub use pkg::Package;
pub use zfs::{Dataset, ZfsProp};
pub use zoneadm::{ZoneEntry, ZoneState};

/// A parsed value and the row it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact<T> {
    pub value: T,
    pub loc: Location,
}

/// A command output that could not be parsed: which line and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RowError {
    /// 1-based line within the output.
    pub line: usize,
    /// Byte range of the offending text within the whole output.
    pub span: crate::span::Span,
    pub message: String,
}

/// Facts about one system (the GZ itself, or one NGZ seen through `zlogin`).
#[derive(Clone, Debug, Default)]
pub struct SystemFacts {
    /// `cat /etc/nodename`
    pub nodename: Option<Fact<String>>,
    /// `pkg list -H`
    pub packages: Option<Vec<Fact<Package>>>,
    /// `cat /etc/passwd`
    pub passwd: Option<Vec<Fact<PasswdEntry>>>,
    /// `svcs -H -o fmri -d FMRI`, keyed by the FMRI asked about. A key is
    /// absent when its capture file is.
    pub svc_deps: BTreeMap<String, SvcDeps>,
}

/// The dependencies of one service, from one `svcs -d` capture file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SvcDeps {
    /// The capture file (for diagnostics about the whole list).
    pub file: Option<Location>,
    pub fmris: Vec<Fact<String>>,
}

/// What a capture says about one non-global zone.
#[derive(Clone, Debug, Default)]
pub struct ZoneCapture {
    /// `zonecfg -z ZONE export`, added to the run's sources.
    pub config: Option<crate::source::FileId>,
    /// Facts read inside the zone (running zones only).
    pub system: SystemFacts,
}

/// Everything one capture directory says about one global zone.
#[derive(Clone, Debug, Default)]
pub struct HostFacts {
    /// The capture's label (directory name), used as `host` in diagnostics.
    pub name: String,
    /// `uname -v`, when captured (e.g. `11.4.0.15.0`, `omnios-r151048-…`).
    pub uname_v: Option<Fact<String>>,
    pub gz: SystemFacts,
    /// `zoneadm list -cp`
    pub zones: Option<Vec<Fact<ZoneEntry>>>,
    /// `dladm show-vnic -p -o link,over,macaddress,macaddrtype`
    pub vnics: Option<Vec<Fact<Vnic>>>,
    /// `dladm show-link -p -o link,class,over`
    pub links: Option<Vec<Fact<Link>>>,
    /// `ipadm show-addr -p -o addrobj,type,state,addr`
    pub addrs: Option<Vec<Fact<Addr>>>,
    /// `zfs list -H -o name,mountpoint,mounted -t filesystem`
    pub datasets: Option<Vec<Fact<Dataset>>>,
    /// `zfs get -H -o name,property,value,source -t filesystem sharenfs,sharesmb`
    pub share_props: Option<Vec<Fact<ZfsProp>>>,
    /// `share` (one line per published share)
    pub shares: Option<Vec<Fact<String>>>,
    /// Per-zone captures, keyed by zone name.
    pub ngz: BTreeMap<String, ZoneCapture>,
}
