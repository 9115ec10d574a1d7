//! What a check reports: findings, skipped checks and the run's summary.
//!
//! A [`Diagnostic`] names its rule [`Code`] and a short check slug
//! (`Z06 mac-ip-bytes`), a [`Severity`], a message a person can act on, an
//! optional help line (the fix), and where it points. Rules push into a
//! [`Diagnostics`] sink; the policy then drops ignored and excepted findings
//! and applies severity overrides, so rules never consult the policy's
//! selection themselves.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::source::Location;
use crate::span::Text;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(UnknownName::Severity(s.to_owned())),
        }
    }
}

/// A stable rule code. `Z01`–`Z11` are the house rules, `Z00` unreadable
/// input, `Z9x` lints beyond the eleven.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    Z00,
    Z01,
    Z02,
    Z03,
    Z04,
    Z05,
    Z06,
    Z07,
    Z08,
    Z09,
    Z10,
    Z11,
    Z90,
    Z91,
    Z92,
}

impl Code {
    pub const ALL: [Code; 15] = [
        Code::Z00,
        Code::Z01,
        Code::Z02,
        Code::Z03,
        Code::Z04,
        Code::Z05,
        Code::Z06,
        Code::Z07,
        Code::Z08,
        Code::Z09,
        Code::Z10,
        Code::Z11,
        Code::Z90,
        Code::Z91,
        Code::Z92,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Code::Z00 => "Z00",
            Code::Z01 => "Z01",
            Code::Z02 => "Z02",
            Code::Z03 => "Z03",
            Code::Z04 => "Z04",
            Code::Z05 => "Z05",
            Code::Z06 => "Z06",
            Code::Z07 => "Z07",
            Code::Z08 => "Z08",
            Code::Z09 => "Z09",
            Code::Z10 => "Z10",
            Code::Z11 => "Z11",
            Code::Z90 => "Z90",
            Code::Z91 => "Z91",
            Code::Z92 => "Z92",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Code {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.to_ascii_uppercase();
        Code::ALL
            .into_iter()
            .find(|c| c.as_str() == upper)
            .ok_or_else(|| UnknownName::Code(s.to_owned()))
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One check of one rule (`mac-ip-bytes` of Z06): the slug findings print
/// after their code. Every slug names exactly one check of one rule, so a
/// check knows its [`Code`]; a typo in a rule is a compile error, not a
/// finding nobody can select.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
    Parse,
    BaseGroup,
    Bloat,
    GzPackage,
    Share,
    IpType,
    PhysicalLink,
    Anet,
    GzInterface,
    VnicName,
    LinkNameInvalid,
    IndexGap,
    MacNotFixed,
    MacPrefix,
    MacIpBytes,
    MacDuplicate,
    MacGzRange,
    MacSlot,
    MacIndex,
    Nodename,
    Zonepath,
    ZonesDataset,
    ZonepathDataset,
    Pool1Missing,
    DatasetShape,
    DatasetParent,
    HomePath,
    HomeDataset,
    AutofsDependency,
    ExportQuirk,
    OuiNotLocal,
    ConfigDrift,
}

impl Check {
    pub const ALL: [Check; 32] = [
        Check::Parse,
        Check::BaseGroup,
        Check::Bloat,
        Check::GzPackage,
        Check::Share,
        Check::IpType,
        Check::PhysicalLink,
        Check::Anet,
        Check::GzInterface,
        Check::VnicName,
        Check::LinkNameInvalid,
        Check::IndexGap,
        Check::MacNotFixed,
        Check::MacPrefix,
        Check::MacIpBytes,
        Check::MacDuplicate,
        Check::MacGzRange,
        Check::MacSlot,
        Check::MacIndex,
        Check::Nodename,
        Check::Zonepath,
        Check::ZonesDataset,
        Check::ZonepathDataset,
        Check::Pool1Missing,
        Check::DatasetShape,
        Check::DatasetParent,
        Check::HomePath,
        Check::HomeDataset,
        Check::AutofsDependency,
        Check::ExportQuirk,
        Check::OuiNotLocal,
        Check::ConfigDrift,
    ];

    /// The slug, as findings print it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Check::Parse => "parse",
            Check::BaseGroup => "base-group",
            Check::Bloat => "bloat",
            Check::GzPackage => "gz-package",
            Check::Share => "share",
            Check::IpType => "ip-type",
            Check::PhysicalLink => "physical-link",
            Check::Anet => "anet",
            Check::GzInterface => "gz-interface",
            Check::VnicName => "vnic-name",
            Check::LinkNameInvalid => "link-name-invalid",
            Check::IndexGap => "index-gap",
            Check::MacNotFixed => "mac-not-fixed",
            Check::MacPrefix => "mac-prefix",
            Check::MacIpBytes => "mac-ip-bytes",
            Check::MacDuplicate => "mac-duplicate",
            Check::MacGzRange => "mac-gz-range",
            Check::MacSlot => "mac-slot",
            Check::MacIndex => "mac-index",
            Check::Nodename => "nodename",
            Check::Zonepath => "zonepath",
            Check::ZonesDataset => "zones-dataset",
            Check::ZonepathDataset => "zonepath-dataset",
            Check::Pool1Missing => "pool1-missing",
            Check::DatasetShape => "dataset-shape",
            Check::DatasetParent => "dataset-parent",
            Check::HomePath => "home-path",
            Check::HomeDataset => "home-dataset",
            Check::AutofsDependency => "autofs-dependency",
            Check::ExportQuirk => "export-quirk",
            Check::OuiNotLocal => "oui-not-local",
            Check::ConfigDrift => "config-drift",
        }
    }

    /// The rule this check belongs to.
    pub const fn code(self) -> Code {
        match self {
            Check::Parse => Code::Z00,
            Check::BaseGroup => Code::Z01,
            Check::Bloat => Code::Z01,
            Check::GzPackage => Code::Z02,
            Check::Share => Code::Z03,
            Check::IpType => Code::Z04,
            Check::PhysicalLink => Code::Z04,
            Check::Anet => Code::Z04,
            Check::GzInterface => Code::Z04,
            Check::VnicName => Code::Z05,
            Check::LinkNameInvalid => Code::Z05,
            Check::IndexGap => Code::Z05,
            Check::MacNotFixed => Code::Z06,
            Check::MacPrefix => Code::Z06,
            Check::MacIpBytes => Code::Z06,
            Check::MacDuplicate => Code::Z06,
            Check::MacGzRange => Code::Z06,
            Check::MacSlot => Code::Z06,
            Check::MacIndex => Code::Z06,
            Check::Nodename => Code::Z07,
            Check::Zonepath => Code::Z08,
            Check::ZonesDataset => Code::Z09,
            Check::ZonepathDataset => Code::Z09,
            Check::Pool1Missing => Code::Z10,
            Check::DatasetShape => Code::Z10,
            Check::DatasetParent => Code::Z10,
            Check::HomePath => Code::Z11,
            Check::HomeDataset => Code::Z11,
            Check::AutofsDependency => Code::Z11,
            Check::ExportQuirk => Code::Z90,
            Check::OuiNotLocal => Code::Z91,
            Check::ConfigDrift => Code::Z92,
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Check {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Check::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownName::Check(s.to_owned()))
    }
}

impl Serialize for Check {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A check name read from text (a fix selection, a JSON report) compares
/// with the check it names.
impl PartialEq<&str> for Check {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Check> for String {
    fn eq(&self, other: &Check) -> bool {
        self == other.as_str()
    }
}

/// A severity, rule code or check name that does not exist.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnknownName {
    #[error("unknown severity '{0}' (expected info, warning or error)")]
    Severity(String),
    #[error("unknown rule code '{0}' (see `zrules rules`)")]
    Code(String),
    #[error("unknown check '{0}' (see `zrules rules`)")]
    Check(String),
}

/// One finding.
///
/// A run may hold one per input row (every account of a large `passwd`
/// breaking the home-path rule), so its texts are stored tight: message and
/// help as boxed strings of their exact length (16 bytes, not a `String`'s
/// 24 and its spare room), zone and host as inline [`Text`]s (no
/// allocation for names of up to 15 bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    /// The check within the rule, e.g. `mac-ip-bytes`.
    pub check: Check,
    pub severity: Severity,
    pub message: Box<str>,
    /// What to do about it, when there is a concrete fix.
    pub help: Option<Box<str>>,
    /// Where it points; `None` for findings about the run as a whole.
    pub location: Option<Location>,
    /// Further places worth showing (e.g. the other VNIC of a duplicate MAC).
    pub related: Vec<(Location, String)>,
    pub zone: Option<Text>,
    pub host: Option<Text>,
}

impl Diagnostic {
    pub fn new(code: Code, check: Check, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            code,
            check,
            severity,
            // `format!` leaves room to grow (often half the string again); a
            // run with a finding per input row keeps every message.
            message: message.into().into_boxed_str(),
            help: None,
            location: None,
            related: Vec::new(),
            zone: None,
            host: None,
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn at_opt(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into().into_boxed_str());
        self
    }

    pub fn related(mut self, location: Location, label: impl Into<String>) -> Self {
        self.related.push((location, label.into()));
        self
    }

    pub fn zone(mut self, zone: impl AsRef<str>) -> Self {
        self.zone = Some(zone.as_ref().into());
        self
    }

    pub fn zone_opt(mut self, zone: Option<&str>) -> Self {
        self.zone = zone.map(Text::from);
        self
    }

    pub fn host(mut self, host: impl AsRef<str>) -> Self {
        self.host = Some(host.as_ref().into());
        self
    }

    pub fn host_opt(mut self, host: Option<&str>) -> Self {
        self.host = host.map(Text::from);
        self
    }

    /// `Z06 mac-ip-bytes`
    pub fn rule_id(&self) -> String {
        format!("{} {}", self.code, self.check)
    }
}

/// A check that could not run, and why. Never counted as passed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub code: Code,
    pub check: Check,
    pub zone: Option<String>,
    pub host: Option<String>,
    /// Mostly a fixed sentence per check, so not allocated per zone.
    pub reason: Cow<'static, str>,
}

/// Something the run had to assume because no input said it, stated so the
/// reader can judge the findings (and their absence) by it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assumption {
    pub zone: Option<String>,
    pub host: Option<String>,
    pub text: Cow<'static, str>,
}

/// The sink rules write into.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub found: Vec<Diagnostic>,
    pub skipped: Vec<Skipped>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.found.push(d);
    }

    pub fn skip(
        &mut self,
        code: Code,
        check: Check,
        zone: Option<&str>,
        host: Option<&str>,
        reason: impl Into<Cow<'static, str>>,
    ) {
        self.skipped.push(Skipped {
            code,
            check,
            zone: zone.map(str::to_owned),
            host: host.map(str::to_owned),
            reason: reason.into(),
        });
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.found.extend(other.found);
        self.skipped.extend(other.skipped);
    }
}

/// The outcome of one run: findings (sorted), skipped checks, and counts.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub skipped: Vec<Skipped>,
    /// What was assumed where no input said (e.g. the release a zone
    /// configuration is for).
    pub assumptions: Vec<Assumption>,
    /// Zone configuration files read.
    pub files: usize,
    /// Zones checked (from files and captures).
    pub zones: usize,
    /// Host captures read.
    pub hosts: usize,
}

impl Report {
    /// Findings at or above `level`.
    pub fn count_at_least(&self, level: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity >= level)
            .count()
    }
}
