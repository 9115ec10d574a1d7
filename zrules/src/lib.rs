//! `zrules`: read Solaris 11 / illumos zone configurations and host command
//! outputs, and check them against the site's eleven house rules.
//!
//! The library is pure: it takes texts and returns values. Which files a run
//! reads and how their bytes become texts is decided here too ([`input`],
//! [`policy::load`]), over a file system passed in; the one implementation
//! on the real disk is [`os::StdFs`], so `zrules`, `zgen` and `zmigrate`
//! read the same directory the same way.
//!
//! Data flow: text → [`zonecfg`] parser (lossless, with spans) → typed
//! [`zonecfg::ZoneConfig`]; capture directory → [`facts`] parsers →
//! [`facts::HostFacts`]; both → [`rules`] → [`diagnostic::Diagnostic`]s →
//! [`render`].

pub mod capture;
pub mod check;
pub mod diagnostic;
pub mod facts;
pub mod input;
pub mod mac;
pub mod names;
pub mod options;
pub mod os;
pub mod policy;
pub mod render;
pub mod rules;
pub mod shell;
pub mod source;
pub mod span;
pub mod zonecfg;

pub use diagnostic::{Code, Diagnostic, Diagnostics, Report, Severity, Skipped};
pub use source::{FileId, Location, SourceFile, Sources};
pub use span::{Span, Spanned};
