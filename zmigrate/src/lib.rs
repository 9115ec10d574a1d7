//! `zmigrate`: the one crate of the zone toolkit that touches hosts.
//!
//! `zrules` and `zgen` are pure (text in, findings or steps out); everything
//! that runs a process, opens an ssh connection or writes a capture
//! directory lives here, behind the [`exec::Executor`] trait so the logic
//! above it is tested with a fake host and, end to end, on the simulated
//! global zones of the testbed.
//!
//! * [`exec`]: zrules' commands ([`zrules::shell::Command`]) run locally or
//!   over one multiplexed ssh connection per host, every remote word quoted
//!   by zrules' one quoter; and whether a host is a global zone at all.
//! * [`collect`]: run zrules' capture layout on a global zone (and, through
//!   `zlogin`, in its running zones) and write the capture directory.
//! * [`check`]: collect and lint with zrules in one go.
//! * [`fleet`]: many hosts at once, from the command line or an Ansible
//!   inventory, with bounded parallelism.
//! * [`migrate`]: the move engine's pure core (plan, convergence, journal,
//!   resume decisions, verification).
//! * [`run`]: where a move meets the hosts (pre-flight, the runner,
//!   transfers, journals and locks).

pub mod check;
pub mod collect;
pub mod exec;
pub mod fleet;
pub mod migrate;
pub mod run;
