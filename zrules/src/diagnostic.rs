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
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(format!(
                "unknown severity '{s}' (expected info, warning or error)"
            )),
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
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.to_ascii_uppercase();
        Code::ALL
            .into_iter()
            .find(|c| c.as_str() == upper)
            .ok_or_else(|| format!("unknown rule code '{s}' (see `zrules rules`)"))
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    /// Short slug of the check within the rule, e.g. `mac-ip-bytes`.
    pub check: &'static str,
    pub severity: Severity,
    pub message: String,
    /// What to do about it, when there is a concrete fix.
    pub help: Option<String>,
    /// Where it points; `None` for findings about the run as a whole.
    pub location: Option<Location>,
    /// Further places worth showing (e.g. the other VNIC of a duplicate MAC).
    pub related: Vec<(Location, String)>,
    pub zone: Option<String>,
    pub host: Option<String>,
}

impl Diagnostic {
    pub fn new(
        code: Code,
        check: &'static str,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code,
            check,
            severity,
            message: message.into(),
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
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, location: Location, label: impl Into<String>) -> Self {
        self.related.push((location, label.into()));
        self
    }

    pub fn zone(mut self, zone: impl Into<String>) -> Self {
        self.zone = Some(zone.into());
        self
    }

    pub fn zone_opt(mut self, zone: Option<&str>) -> Self {
        self.zone = zone.map(str::to_owned);
        self
    }

    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    pub fn host_opt(mut self, host: Option<&str>) -> Self {
        self.host = host.map(str::to_owned);
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
    pub check: &'static str,
    pub zone: Option<String>,
    pub host: Option<String>,
    /// Mostly a fixed sentence per check, so not allocated per zone.
    pub reason: Cow<'static, str>,
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
        check: &'static str,
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
