//! `zgen`: turn the site's house rules into commands an operator can read
//! and run on a Solaris 11 global zone.
//!
//! The library is pure, like `zrules` beneath it: facts in (a host
//! capture parsed by `zrules`, or values given on the command line), steps
//! out. Each generator returns a [`Plan`] of [`Step`]s (which host, which
//! program, which arguments, why); [`render`](mod@render) turns a plan into a POSIX
//! shell script, a zonecfg command file or JSON, quoting every argument in
//! one place. Names are validated by `zrules::names` before they reach any
//! step.
//!
//! * [`vnic`]: `dladm create-vnic` with rule-5 names and rule-6 MACs,
//!   slots chosen by [`allocate`].
//! * [`zone`]: everything a new compliant zone needs.
//! * [`fix`]: mechanical repairs for `zrules` findings, and what cannot be
//!   repaired mechanically.
//!
//! # A zone's VNICs
//!
//! The facts of the global zone (here given by hand, as `zgen vnic
//! --gz-ip 192.168.31.12 --zone-id 1 --over net0` does) and a request in;
//! a plan out, rendered as the script an operator reviews and runs:
//!
//! ```
//! use std::net::Ipv4Addr;
//! use zgen::vnic::{self, Owner, VnicRequest};
//! use zgen::{Format, HostContext, Platform};
//! use zrules::policy::Policy;
//!
//! let mut host = HostContext::default();
//! host.gz_ip = Some(Ipv4Addr::new(192, 168, 31, 12));
//! host.zone_ids.insert("www".to_owned(), 1);
//! let request = VnicRequest {
//!     owner: Owner::Zone("www".to_owned()),
//!     count: 2,
//!     first_index: 0,
//!     over: Some("net0".to_owned()),
//!     platform: Platform::Solaris11,
//! };
//! let plan = vnic::plan(&request, &host, &Policy::default())?;
//! let script = zgen::render(&plan, Format::Sh);
//! assert!(script.contains("dladm create-vnic -l net0 -m 00:00:01:1f:0c:10 www0\n"));
//! assert!(script.contains("dladm create-vnic -l net0 -m 00:00:01:1f:0c:11 www1\n"));
//!
//! // A name that can never be a datalink name (house rule 5) is refused
//! // before it reaches a command.
//! let bad = VnicRequest { owner: Owner::Zone("web-1".to_owned()), ..request };
//! assert!(vnic::plan(&bad, &host, &Policy::default()).is_err());
//! # Ok::<(), zgen::GenError>(())
//! ```

pub mod allocate;
pub mod config;
pub mod error;
pub mod fix;
pub mod host;
pub mod platform;
pub mod render;
pub mod step;
pub mod validate;
pub mod vnic;
pub mod zone;

pub use error::GenError;
pub use host::HostContext;
pub use platform::Platform;
pub use render::{Format, render};
pub use step::{Guard, Phase, Plan, Program, Step, Unfixable};
