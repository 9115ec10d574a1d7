//! Why a plan could not be made.
//!
//! Each variant carries what a person needs to act: the name that was
//! refused and the rule it broke, the fact that is missing and the flag
//! that supplies it. The binary maps every one of these to exit code 2
//! (bad input or host facts): a generator never half-succeeds.

use zrules::names::NameError;

use crate::allocate::AllocError;
use crate::platform::Platform;

#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error(transparent)]
    Name(#[from] NameError),

    #[error(
        "zone name '{zone}' cannot name its VNICs (house rule 5 wants {zone}0, {zone}1, ...): {reason}"
    )]
    ZoneNameNotLinkable { zone: String, reason: String },

    #[error(transparent)]
    Alloc(#[from] AllocError),

    #[error("{what} is not known: {how}")]
    MissingFact { what: String, how: String },

    #[error(
        "VNIC {name} already exists on this host (over {over}, MAC {mac}); choose other indices with --first-index"
    )]
    VnicExists {
        name: String,
        over: String,
        mac: String,
    },

    #[error("{what} is not supported with --platform {platform}: {reason}")]
    Platform {
        platform: Platform,
        what: String,
        reason: String,
    },

    #[error(
        "data pool '{pool}' is not one of the policy's data_pools ({known}); house rule 10 delegates poolN/ZONE/poolN"
    )]
    UnknownPool { pool: String, known: String },

    #[error("house rule 10 needs the pool1 dataset for every zone: add pool1 to --datasets")]
    Pool1Missing,

    #[error("invalid user name '{name}': {reason}")]
    UserName { name: String, reason: String },

    #[error(
        "user '{name}' is a system account every zone is installed with (its UID is outside the policy's uid_range {low}-{high}): --users creates new login accounts with useradd for house rule 11; choose another name"
    )]
    SystemAccount { name: String, low: u32, high: u32 },

    #[error(
        "zone ID {id} is the global zone's own (zoneadm list -cp shows global with ID 0), so no non-global zone has it; its MAC block (L = 0x00-0x0f) holds the GZ's VNICs. Give the zone's ID from zoneadm list (1 or more), or leave --zone-id out"
    )]
    GlobalZoneId { id: u32 },

    #[error("{what} '{value}' is given twice")]
    Duplicate { what: String, value: String },

    #[error("{0}")]
    Invalid(String),
}
