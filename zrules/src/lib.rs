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
//!
//! # Checking a configuration
//!
//! [`check::run`] is the front door: texts and a [`policy::Policy`] in, a
//! report of findings out. Here a zone exported with a shared IP stack and
//! its zonepath outside `/zones`:
//!
//! ```
//! use zrules::check::{self, CheckInput, ConfigInput};
//! use zrules::policy::Policy;
//!
//! let text = "\
//! create -b
//! set zonepath=/export/zones/www
//! set brand=solaris
//! set autoboot=true
//! set ip-type=shared
//! ";
//! let input = CheckInput {
//!     configs: vec![ConfigInput {
//!         zone: None, // taken from the file name: `www`
//!         name: "www.zonecfg".to_owned(),
//!         text: text.to_owned(),
//!     }],
//!     ..CheckInput::default()
//! };
//! let outcome = check::run(&input, &Policy::default());
//! let found: Vec<String> = (outcome.report.diagnostics.iter())
//!     .map(|d| format!("{} {}", d.code, d.check))
//!     .collect();
//! assert!(found.contains(&"Z04 ip-type".to_owned()));
//! assert!(found.contains(&"Z08 zonepath".to_owned()));
//! assert_eq!(outcome.report.zones, 1);
//! ```
//!
//! # The MAC scheme (house rule 6)
//!
//! [`mac::derive`] gives `PREFIX:I3:I4:L`: the policy's prefix, the 3rd and
//! 4th octets of the global zone's primary IPv4 address, and a slot `L`
//! (`16·k + n` for VNIC `n` of the zone with ID `k`, see [`mac::ngz_slot`]).
//! The write-up's example: GZ 192.168.31.12, zone ID 1, first VNIC:
//!
//! ```
//! use std::net::Ipv4Addr;
//! use zrules::mac::{self, MacPrefix};
//!
//! let slot = mac::ngz_slot(1, 0).expect("fits in one octet");
//! let mac = mac::derive(MacPrefix::DEFAULT, Ipv4Addr::new(192, 168, 31, 12), slot);
//! assert_eq!(mac.to_string(), "00:00:01:1f:0c:10");
//! // Zone IDs above 15 have no block of their own.
//! assert_eq!(mac::ngz_slot(16, 0), None);
//! ```

pub mod capture;
pub mod check;
pub mod diagnostic;
pub mod facts;
pub mod generate;
pub mod global_zone;
mod grow;
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

pub use diagnostic::{Assumption, Check, Code, Diagnostic, Diagnostics, Report, Severity, Skipped};
pub use source::{FileId, Location, SourceFile, Sources};
pub use span::{Span, Spanned};
