//! Fleets: collecting and checking many global zones at once.
//!
//! Operators run zones on fleets of hosts and describe those fleets in
//! Ansible inventories. This module turns such a description (or hosts
//! named on the command line) into a list of [`FleetHost`]s and collects
//! them with bounded parallelism: [`inventory`] reads an Ansible inventory
//! (INI or YAML), [`limit`] selects hosts with an Ansible host pattern
//! (`--limit`), [`parallel`] runs [`crate::collect::collect`] on up to
//! `--jobs` hosts at a time, one ssh connection per host, and hands the
//! captures back in the order the hosts were given, and [`progress`] is
//! the one progress display for the whole fleet.
//!
//! Each host is still collected exactly as `zmigrate collect HOST` collects
//! it, one command after another over its own connection, so a capture is
//! the same byte for byte whether the fleet is collected with `--jobs 1` or
//! `--jobs 16`: only hosts run side by side, never one host's commands.

pub mod inventory;
pub mod limit;
pub mod parallel;
pub mod progress;

pub use parallel::{FleetObserver, QuietFleet, collect_all};

use crate::exec::ssh::Endpoint;

/// One host of a fleet: its name (the label of its capture, `DIR/NAME`,
/// and of its findings) and where ssh reaches it, when that is not the
/// name itself (an inventory's `ansible_host`, `ansible_port`,
/// `ansible_user`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FleetHost {
    pub name: String,
    pub endpoint: Endpoint,
}

impl FleetHost {
    /// A host reached by its name, with ssh_config's port and user.
    pub fn named(name: impl Into<String>) -> Self {
        FleetHost {
            name: name.into(),
            endpoint: Endpoint::default(),
        }
    }
}
