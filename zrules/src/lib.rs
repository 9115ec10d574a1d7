//! `zrules`: read Solaris 11 / illumos zone configurations and host command
//! outputs, and check them against the site's eleven house rules.
//!
//! The library is pure: it takes texts and returns values. Reading files,
//! discovering the policy file and choosing an output format are the
//! binary's job (`main.rs`), so the same checks run unchanged in CI, in
//! `zgen` and in `zmigrate`.
//!
//! Data flow: text → [`zonecfg`] parser (lossless, with spans) → typed
//! [`zonecfg::ZoneConfig`]; capture directory → [`facts`] parsers →
//! [`facts::HostFacts`]; both → [`rules`] → [`diagnostic::Diagnostic`]s →
//! [`render`].

pub mod capture;
pub mod check;
pub mod diagnostic;
pub mod facts;
pub mod mac;
pub mod names;
pub mod options;
pub mod policy;
pub mod render;
pub mod rules;
pub mod shell;
pub mod source;
pub mod span;
pub mod zonecfg;

pub use diagnostic::{Assumption, Check, Code, Diagnostic, Diagnostics, Report, Severity, Skipped};
pub use source::{FileId, Location, SourceFile, Sources};
pub use span::{Span, Spanned};
