//! The move engine's pure core: what a move is and decides, without a host
//! or a clock.
//!
//! Nothing here runs a command, opens a connection, reads a file or asks
//! the time; the runner ([`crate::run`]) does, and hands the results in.
//! So every decision of a move (what to refuse, which steps in which order,
//! when to stop pre-copying, what a journal says happened, whether the two
//! sides match) is a function tested with plain values.
//!
//! * [`dialect`]: the command forms that differ between Solaris 11 and
//!   illumos.
//! * [`plan`]: pre-flight facts in, the move as ordered steps out, or every
//!   reason to refuse.
//! * [`script`]: the plan as the shell script `zmigrate plan` prints.
//! * [`converge`]: when to stop copying while the zone runs.
//! * [`journal`]: the events a move records, and what they say happened.
//! * [`resume`]: where an interrupted move stands on the hosts, and what
//!   resume, rollback and finalize do from there.
//! * [`verify`]: whether the target holds what the source had.

pub mod converge;
pub mod dialect;
pub mod journal;
pub mod plan;
pub mod resume;
pub mod script;
pub mod verify;
