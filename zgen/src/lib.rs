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
