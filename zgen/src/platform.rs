//! The platform dialect a plan is written for.
//!
//! Solaris 11 is the default and the platform the house rules come from.
//! illumos shares `dladm create-vnic -l LINK -m MAC NAME` (illumos dladm.c
//! usage), so VNIC plans work for both. A whole zone or its repair does
//! not: illumos zonecfg has no `alias` property on `dataset` resources
//! (illumos zonecfg.c: `dataset_res_scope_cmds` offers only `set name=`), so house rule
//! 10 (`alias=poolN`) cannot be expressed, and there is no `solaris`
//! brand. Those plans refuse illumos with that reason instead of emitting
//! something zonecfg would reject.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Platform {
    #[default]
    Solaris11,
    Illumos,
}

impl Platform {
    pub const fn as_str(self) -> &'static str {
        match self {
            Platform::Solaris11 => "solaris11",
            Platform::Illumos => "illumos",
        }
    }

    /// Refuses platforms on which a zone configuration that meets the house
    /// rules cannot be written.
    pub fn require_zone_support(self, what: &str) -> Result<(), crate::GenError> {
        match self {
            Platform::Solaris11 => Ok(()),
            Platform::Illumos => Err(crate::GenError::Platform {
                platform: self,
                what: what.to_owned(),
                reason: "illumos zonecfg's dataset resource has no 'alias' property, so house rule 10 \
                         (dataset poolN/ZONE/poolN with alias=poolN) cannot be met, and the 'solaris' brand \
                         does not exist there; only 'zgen vnic' supports illumos"
                    .to_owned(),
            }),
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A platform name that is neither `solaris11` nor `illumos`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown platform '{0}' (expected solaris11 or illumos)")]
pub struct UnknownPlatform(pub String);

impl FromStr for Platform {
    type Err = UnknownPlatform;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "solaris11" | "solaris" => Ok(Platform::Solaris11),
            "illumos" => Ok(Platform::Illumos),
            _ => Err(UnknownPlatform(s.to_owned())),
        }
    }
}
