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
use std::sync::Arc;

use crate::source::Location;
use crate::span::{Span, Text};

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
/// breaking the home-path rule), so a finding is kept small (56 bytes, see
/// the test below; it was 128). Its texts (message, help, zone and host)
/// are either formatted when found and share one allocation of their exact
/// length, or, for the checks that may fire once per row, formatted when
/// read from the spans they quote ([`Quoting`]), which allocates nothing per
/// finding. Either way they are read through [`Diagnostic::message`],
/// [`Diagnostic::help`], [`Diagnostic::zone`] and [`Diagnostic::host`]. The
/// related places, which few findings have, sit behind one pointer.
#[derive(Clone)]
pub struct Diagnostic {
    pub code: Code,
    /// The check within the rule, e.g. `mac-ip-bytes`.
    pub check: Check,
    pub severity: Severity,
    texts: Texts,
    /// Where it points, when `located` (see [`Diagnostic::location`]); an
    /// `Option<Location>` would take 4 bytes more for its tag, 8 with the
    /// padding.
    located: bool,
    place: Location,
    /// Further places worth showing (e.g. the other VNIC of a duplicate
    /// MAC); `None` when there are none. A boxed `Vec` is one pointer, 8
    /// bytes in every finding instead of a `Vec`'s 24 or a boxed slice's 16.
    #[allow(clippy::box_collection)]
    related: Option<Box<Vec<(Location, String)>>>,
}

/// Where a finding's texts come from.
#[derive(Clone)]
enum Texts {
    /// Formatted when found: the message, then the help, zone and host that
    /// are present, in one allocation.
    Formatted {
        /// Which of the optional texts `text` holds (an empty one still
        /// counts).
        has_help: bool,
        has_zone: bool,
        has_host: bool,
        /// Where the message, the help and the zone end in `text`; the
        /// host runs to its end.
        ends: [u32; 3],
        text: Box<str>,
    },
    /// Formatted when read, from two spans of the text `by` quotes.
    Quoted { by: Arc<Quoting>, args: [Span; 2] },
}

/// How the findings of one check over one text format their message and
/// help from the two spans each quotes, shared by all of them: a check that
/// fires once per row of a large file (an account whose home is elsewhere)
/// then holds two spans per finding instead of its formatted texts, which
/// were twice the size of the row (`zrules/benches/memory.rs`).
///
/// Made by [`crate::rules::Sink::quoting`]; the texts are formatted again at
/// each read, which only renderers do, once or twice per finding.
pub struct Quoting {
    /// The text the spans are in (the file the findings point into).
    text: Arc<String>,
    zone: Option<Box<str>>,
    host: Option<Box<str>>,
    /// The message and the help, from the two quoted texts.
    #[allow(clippy::type_complexity)]
    format: Box<dyn Fn([&str; 2]) -> (String, Option<String>) + Send + Sync>,
}

impl Quoting {
    pub(crate) fn new(
        text: Arc<String>,
        zone: Option<&str>,
        host: Option<&str>,
        format: impl Fn([&str; 2]) -> (String, Option<String>) + Send + Sync + 'static,
    ) -> Self {
        Self {
            text,
            zone: zone.map(Box::from),
            host: host.map(Box::from),
            format: Box::new(format),
        }
    }

    /// The message and help for the texts at `args`.
    fn texts(&self, args: [Span; 2]) -> (String, Option<String>) {
        (self.format)(args.map(|s| &self.text[s.range()]))
    }
}

impl fmt::Debug for Quoting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Quoting")
            .field("zone", &self.zone)
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

/// `len` as an offset into a finding's text. Its parts are formatted from
/// texts of at most 64 MiB ([`crate::input::MAX_FILE_SIZE`]), so 4 GiB is a
/// bug.
fn text_offset(len: usize) -> u32 {
    u32::try_from(len).expect("a finding's text shorter than 4 GiB")
}

impl Texts {
    /// `message` followed by the parts given.
    fn assemble(
        mut text: String,
        help: Option<&str>,
        zone: Option<&str>,
        host: Option<&str>,
    ) -> Self {
        // The message's own buffer (from `format!`, with room to spare)
        // takes the other parts, then is boxed to its length: a run with a
        // finding per input row may keep every text.
        text.reserve_exact(
            [help, zone, host]
                .iter()
                .map(|p| p.map_or(0, str::len))
                .sum(),
        );
        let message_end = text_offset(text.len());
        text.push_str(help.unwrap_or_default());
        let help_end = text_offset(text.len());
        text.push_str(zone.unwrap_or_default());
        let zone_end = text_offset(text.len());
        text.push_str(host.unwrap_or_default());
        Texts::Formatted {
            has_help: help.is_some(),
            has_zone: zone.is_some(),
            has_host: host.is_some(),
            ends: [message_end, help_end, zone_end],
            text: text.into_boxed_str(),
        }
    }
}

impl Diagnostic {
    /// The place of a finding that points nowhere.
    const NOWHERE: Location = Location::new(crate::source::FileId(0), crate::span::Span::at(0));

    pub fn new(code: Code, check: Check, severity: Severity, message: impl Into<String>) -> Self {
        Self::with_place(code, check, severity, message.into(), None, None)
    }

    /// A finding with its zone and host, its texts allocated once.
    pub(crate) fn with_place(
        code: Code,
        check: Check,
        severity: Severity,
        message: String,
        zone: Option<&str>,
        host: Option<&str>,
    ) -> Self {
        Self::with_texts(
            code,
            check,
            severity,
            Texts::assemble(message, None, zone, host),
        )
    }

    /// A finding whose texts `by` formats, when read, from the two spans
    /// `args` of the text it quotes.
    pub(crate) fn quoted(
        code: Code,
        check: Check,
        severity: Severity,
        by: &Arc<Quoting>,
        args: [Span; 2],
    ) -> Self {
        Self::with_texts(
            code,
            check,
            severity,
            Texts::Quoted {
                by: Arc::clone(by),
                args,
            },
        )
    }

    fn with_texts(code: Code, check: Check, severity: Severity, texts: Texts) -> Self {
        Self {
            code,
            check,
            severity,
            texts,
            located: false,
            place: Self::NOWHERE,
            related: None,
        }
    }

    /// Rebuilds the texts with one part replaced; a quoted finding is
    /// formatted first.
    fn replace(
        &mut self,
        help: Option<Option<&str>>,
        zone: Option<Option<&str>>,
        host: Option<Option<&str>>,
    ) {
        let message = self.message().into_owned();
        let old_help = self.help().map(Cow::into_owned);
        let help = help.unwrap_or(old_help.as_deref());
        let zone = zone.unwrap_or(self.zone());
        let host = host.unwrap_or(self.host());
        self.texts = Texts::assemble(message, help, zone, host);
    }

    /// What was found, for a person to act on.
    pub fn message(&self) -> Cow<'_, str> {
        match &self.texts {
            Texts::Formatted { ends, text, .. } => Cow::Borrowed(&text[..ends[0] as usize]),
            Texts::Quoted { by, args } => Cow::Owned(by.texts(*args).0),
        }
    }

    /// What to do about it, when there is a concrete fix.
    pub fn help(&self) -> Option<Cow<'_, str>> {
        match &self.texts {
            Texts::Formatted {
                has_help,
                ends,
                text,
                ..
            } => has_help.then(|| Cow::Borrowed(&text[ends[0] as usize..ends[1] as usize])),
            Texts::Quoted { by, args } => by.texts(*args).1.map(Cow::Owned),
        }
    }

    /// The zone it is about, if any.
    pub fn zone(&self) -> Option<&str> {
        match &self.texts {
            Texts::Formatted {
                has_zone,
                ends,
                text,
                ..
            } => has_zone.then(|| &text[ends[1] as usize..ends[2] as usize]),
            Texts::Quoted { by, .. } => by.zone.as_deref(),
        }
    }

    /// The host it is about, if any.
    pub fn host(&self) -> Option<&str> {
        match &self.texts {
            Texts::Formatted {
                has_host,
                ends,
                text,
                ..
            } => has_host.then(|| &text[ends[2] as usize..]),
            Texts::Quoted { by, .. } => by.host.as_deref(),
        }
    }

    /// Further places worth showing, each with its label.
    pub fn related(&self) -> &[(Location, String)] {
        self.related.as_deref().map_or(&[], Vec::as_slice)
    }

    /// Where it points; `None` for findings about the run as a whole.
    pub fn location(&self) -> Option<Location> {
        self.located.then_some(self.place)
    }

    pub fn at(self, location: Location) -> Self {
        self.at_opt(Some(location))
    }

    pub fn at_opt(mut self, location: Option<Location>) -> Self {
        self.located = location.is_some();
        // A finding without a place keeps the default one, so equal
        // findings compare equal.
        self.place = location.unwrap_or(Self::NOWHERE);
        self
    }

    pub fn with_help(mut self, help: impl AsRef<str>) -> Self {
        self.set_help(help);
        self
    }

    /// Sets (or replaces) the help line.
    pub fn set_help(&mut self, help: impl AsRef<str>) {
        self.replace(Some(Some(help.as_ref())), None, None);
    }

    pub fn with_related(mut self, location: Location, label: impl Into<String>) -> Self {
        self.push_related(location, label);
        self
    }

    /// Adds a further place worth showing.
    pub fn push_related(&mut self, location: Location, label: impl Into<String>) {
        self.related
            .get_or_insert_with(Box::default)
            .push((location, label.into()));
    }

    pub fn with_zone(self, zone: impl AsRef<str>) -> Self {
        self.with_zone_opt(Some(zone.as_ref()))
    }

    pub fn with_zone_opt(mut self, zone: Option<&str>) -> Self {
        self.replace(None, Some(zone), None);
        self
    }

    pub fn with_host(self, host: impl AsRef<str>) -> Self {
        self.with_host_opt(Some(host.as_ref()))
    }

    pub fn with_host_opt(mut self, host: Option<&str>) -> Self {
        self.replace(None, None, Some(host));
        self
    }

    /// `Z06 mac-ip-bytes`
    pub fn rule_id(&self) -> String {
        format!("{} {}", self.code, self.check)
    }
}

/// Findings are equal when they read the same, however their texts are
/// held.
impl PartialEq for Diagnostic {
    fn eq(&self, other: &Self) -> bool {
        (self.code, self.check, self.severity, self.location())
            == (other.code, other.check, other.severity, other.location())
            && self.message() == other.message()
            && self.help() == other.help()
            && self.zone() == other.zone()
            && self.host() == other.host()
            && self.related() == other.related()
    }
}

impl Eq for Diagnostic {}

impl fmt::Debug for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diagnostic")
            .field("code", &self.code)
            .field("check", &self.check)
            .field("severity", &self.severity)
            .field("message", &self.message())
            .field("help", &self.help())
            .field("zone", &self.zone())
            .field("host", &self.host())
            .field("location", &self.location())
            .field("related", &self.related())
            .finish()
    }
}

/// A check that could not run, and why. Never counted as passed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub code: Code,
    pub check: Check,
    /// Inline texts (no allocation for names of up to 15 bytes): a run
    /// without captures skips 14 checks for every zone.
    pub zone: Option<Text>,
    pub host: Option<Text>,
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
///
/// Findings are kept in chunks of at most [`CHUNK`] rather than one growing
/// `Vec`: a run with a finding per input row would otherwise copy its
/// findings at every doubling, holding the old buffer and the new at once,
/// and the allocator keeps a freed buffer resident for a while (mimalloc:
/// about a second). [`Diagnostics::into_found`] moves them into one vector
/// of exactly the size kept, after the run has freed its models and facts,
/// whose memory it can take (`zrules/benches/memory.rs`).
#[derive(Debug, Default)]
pub struct Diagnostics {
    found: Vec<Vec<Diagnostic>>,
    pub skipped: Vec<Skipped>,
}

/// The most findings in one chunk of [`Diagnostics`] (56 bytes each, so
/// under half a MiB).
const CHUNK: usize = 8192;

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.push_mut(d);
    }

    /// Stores a finding and returns it, for a rule to add its help and
    /// related places.
    pub fn push_mut(&mut self, d: Diagnostic) -> &mut Diagnostic {
        let len = self.found.last().map_or(0, Vec::len);
        if self.found.last().is_none_or(|c| c.len() == c.capacity()) {
            // Chunks grow as a vector would up to the cap, so a run with a
            // few findings does not reserve a whole chunk.
            let cap = (len * 2).clamp(8, CHUNK);
            self.found.push(Vec::with_capacity(cap));
        }
        let chunk = self.found.last_mut().expect("a chunk was just ensured");
        chunk.push(d);
        chunk.last_mut().expect("just pushed")
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
            zone: zone.map(Text::from),
            host: host.map(Text::from),
            reason: reason.into(),
        });
    }

    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.found.into_iter().flatten() {
            self.push(d);
        }
        self.skipped.extend(other.skipped);
    }

    /// The findings `keep` keeps, in the order found, in a vector of exactly
    /// their number; each chunk is freed once moved.
    pub fn into_found(
        self,
        mut keep: impl FnMut(&Diagnostic) -> bool,
    ) -> (Vec<Diagnostic>, Vec<Skipped>) {
        let mut chunks = self.found;
        for c in &mut chunks {
            c.retain(&mut keep);
        }
        let mut found = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for c in chunks {
            found.extend(c);
        }
        (found, self.skipped)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    /// Checks message, help, zone and host, as read.
    #[track_caller]
    fn assert_parts(d: &Diagnostic, want: [Option<&str>; 4]) {
        let got = [
            Some(d.message()),
            d.help(),
            d.zone().map(Cow::Borrowed),
            d.host().map(Cow::Borrowed),
        ];
        assert_eq!(got, want.map(|p| p.map(Cow::Borrowed)));
    }

    /// A run with a finding per input row holds one of these per row: a
    /// field that grows it is felt in `zrules/benches/memory.rs`.
    #[test]
    fn a_finding_stays_small() {
        assert!(
            std::mem::size_of::<Diagnostic>() <= 56,
            "{}",
            std::mem::size_of::<Diagnostic>()
        );
    }

    #[test]
    fn message_and_help_read_back() {
        let d = Diagnostic::new(Code::Z11, Check::HomePath, Severity::Error, "msg");
        assert_eq!((d.message().as_ref(), d.help().as_deref()), ("msg", None));
        let mut d = d.with_help("fix it");
        assert_eq!(
            (d.message().as_ref(), d.help().as_deref()),
            ("msg", Some("fix it"))
        );
        d.set_help("");
        assert_eq!(
            (d.message().as_ref(), d.help().as_deref()),
            ("msg", Some(""))
        );
        let bare = Diagnostic::new(Code::Z11, Check::HomePath, Severity::Error, "msg");
        assert_ne!(d, bare, "an empty help line is still one");
    }

    #[test]
    fn every_part_reads_back_whatever_was_set_and_in_which_order() {
        let d = Diagnostic::new(Code::Z11, Check::HomePath, Severity::Error, "msg");
        assert_eq!((d.zone(), d.host()), (None, None));
        let d = d.with_host("gz1").with_help("fix it").with_zone("www");
        assert_parts(&d, [Some("msg"), Some("fix it"), Some("www"), Some("gz1")]);
        let mut d = d.with_zone_opt(None).with_host("gz2");
        d.set_help("again");
        assert_parts(&d, [Some("msg"), Some("again"), None, Some("gz2")]);
        let d = Diagnostic::with_place(
            Code::Z11,
            Check::HomePath,
            Severity::Error,
            "m".into(),
            Some(""),
            Some("h"),
        );
        assert_eq!(
            (d.message().as_ref(), d.zone(), d.host()),
            ("m", Some(""), Some("h"))
        );
    }

    #[test]
    fn findings_come_out_in_order_filtered_and_exactly_sized() {
        let mut out = Diagnostics::new();
        let n = 2 * CHUNK + 5;
        for i in 0..n {
            out.push(Diagnostic::new(
                Code::Z11,
                Check::HomePath,
                Severity::Error,
                i.to_string(),
            ));
        }
        out.push_mut(Diagnostic::new(
            Code::Z11,
            Check::HomePath,
            Severity::Error,
            "end",
        ))
        .set_help("help");
        let (found, _) = out.into_found(|d| d.message().len() % 2 == 1);
        let want: Vec<String> = (0..n)
            .map(|i| i.to_string())
            .chain(["end".to_owned()])
            .filter(|m| m.len() % 2 == 1)
            .collect();
        let got: Vec<String> = found.iter().map(|d| d.message().into_owned()).collect();
        assert_eq!(got, want);
        assert_eq!(found.last().and_then(|d| d.help()).as_deref(), Some("help"));
        assert_eq!(found.capacity(), found.len());
    }

    #[test]
    fn a_quoted_finding_reads_like_its_formatted_twin() {
        let text = Arc::new("alice:x:101:10::/home/alice:/bin/sh\n".to_owned());
        let by = Arc::new(Quoting::new(
            Arc::clone(&text),
            Some("www"),
            Some("gz1"),
            |[user, home]| {
                (
                    format!("account {user} has home {home}"),
                    Some(format!("usermod -d /local/home/{user} {user}")),
                )
            },
        ));
        let at = Location::new(crate::source::FileId(1), Span::new(0, 35));
        let args = [Span::new(0, 5), Span::new(16, 27)];
        let quoted =
            Diagnostic::quoted(Code::Z11, Check::HomePath, Severity::Error, &by, args).at(at);
        let formatted = Diagnostic::with_place(
            Code::Z11,
            Check::HomePath,
            Severity::Error,
            "account alice has home /home/alice".into(),
            Some("www"),
            Some("gz1"),
        )
        .with_help("usermod -d /local/home/alice alice")
        .at(at);
        assert_eq!(quoted.message(), "account alice has home /home/alice");
        assert_eq!(
            quoted.help().as_deref(),
            Some("usermod -d /local/home/alice alice")
        );
        assert_eq!((quoted.zone(), quoted.host()), (Some("www"), Some("gz1")));
        assert_eq!(quoted, formatted);
        // Changing a part formats the texts first, and keeps the others.
        let mut changed = quoted.clone().with_zone("db");
        changed.set_help("another fix");
        assert_parts(
            &changed,
            [
                Some("account alice has home /home/alice"),
                Some("another fix"),
                Some("db"),
                Some("gz1"),
            ],
        );
        assert_ne!(changed, quoted);
    }

    #[test]
    fn related_places_read_back() {
        let at = Location::new(crate::source::FileId(0), Span::new(1, 2));
        let d = Diagnostic::new(Code::Z06, Check::MacDuplicate, Severity::Error, "dup");
        assert!(d.related().is_empty());
        let d = d.with_related(at, "one").with_related(at, "two");
        let labels: Vec<_> = d.related().iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["one", "two"]);
    }
}
