//! Is a machine a Solaris or illumos global zone? The one decision, for
//! every tool that runs commands on "this machine" (`zmigrate --local`,
//! `zgen` reading the local host's facts).
//!
//! The capture layout's commands mean something only in a global zone: on
//! Linux `cat /etc/passwd` prints a real but unrelated file, and in a
//! non-global zone `zoneadm` and `dladm` see only that zone. So a tool asked
//! to read the local host first runs [`probes`] and hands their outputs to
//! [`decide`]; running them is the caller's (this crate does no I/O).
//!
//! Two facts, each from the command that states it:
//! * `uname -s` prints `SunOS` on Oracle Solaris and on every illumos
//!   distribution (uname(1); e.g. OmniOS'
//!   `SunOS bloody 5.11 omnios-… i86pc i386 i86pc`). `uname -v` names the
//!   release, not the kernel family, so it cannot answer this.
//! * `zonename` prints the name of the zone it runs in, `global` in the
//!   global zone (zonename(1), Solaris 10 and later, illumos).

use crate::shell::Command;

/// The kernel name `uname -s` prints on Solaris and illumos.
pub const SUNOS: &str = "SunOS";
/// The name `zonename` prints in the global zone.
pub const GLOBAL: &str = "global";

/// The read-only commands whose outputs [`decide`] reads, in its argument
/// order: `uname -s`, then `zonename`.
pub fn probes() -> [Command; 2] {
    [
        Command::new("uname", ["-s"]),
        Command::new("zonename", std::iter::empty::<&str>()),
    ]
}

/// Why a machine is not a Solaris or illumos global zone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotGlobalZone {
    #[error("`uname -s` did not run, so this machine cannot be told to be Solaris or illumos")]
    NoUname,
    #[error("this machine runs {0}, not Solaris or illumos (`uname -s` prints `{SUNOS}` there)")]
    OtherOs(String),
    #[error(
        "`zonename` did not run, so this machine cannot be told to be a global zone (zonename(1) ships with Solaris and illumos)"
    )]
    NoZonename,
    #[error(
        "this is the non-global zone {0}, not a global zone (`zonename` prints `{GLOBAL}` there)"
    )]
    NonGlobal(String),
}

/// Decides from the outputs of [`probes`] (`None` for a command that could
/// not be run or failed) whether the machine is a Solaris or illumos global
/// zone. Only the first line of each output counts, without surrounding
/// blanks.
pub fn decide(uname_s: Option<&str>, zonename: Option<&str>) -> Result<(), NotGlobalZone> {
    let first = |s: &str| s.lines().next().unwrap_or("").trim().to_owned();
    let os = first(uname_s.ok_or(NotGlobalZone::NoUname)?);
    if os != SUNOS {
        return Err(NotGlobalZone::OtherOs(if os.is_empty() {
            "an unnamed system".to_owned()
        } else {
            os
        }));
    }
    let zone = first(zonename.ok_or(NotGlobalZone::NoZonename)?);
    if zone != GLOBAL {
        return Err(NotGlobalZone::NonGlobal(zone));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solaris_and_illumos_global_zones_pass() {
        assert_eq!(decide(Some("SunOS\n"), Some("global\n")), Ok(()));
        assert_eq!(decide(Some("SunOS"), Some("global")), Ok(()));
    }

    #[test]
    fn everything_else_is_refused_with_the_reason() {
        assert_eq!(
            decide(Some("Linux\n"), None),
            Err(NotGlobalZone::OtherOs("Linux".into()))
        );
        assert_eq!(
            decide(Some("\n"), Some("global\n")),
            Err(NotGlobalZone::OtherOs("an unnamed system".into()))
        );
        assert_eq!(decide(None, Some("global")), Err(NotGlobalZone::NoUname));
        assert_eq!(
            decide(Some("SunOS\n"), None),
            Err(NotGlobalZone::NoZonename)
        );
        assert_eq!(
            decide(Some("SunOS\n"), Some("www\n")),
            Err(NotGlobalZone::NonGlobal("www".into()))
        );
        assert_eq!(
            NotGlobalZone::OtherOs("Linux".into()).to_string(),
            "this machine runs Linux, not Solaris or illumos (`uname -s` prints `SunOS` there)"
        );
    }

    #[test]
    fn the_probes_are_the_documented_commands() {
        let [uname, zonename] = probes();
        assert_eq!(uname.to_string(), "uname -s");
        assert_eq!(zonename.to_string(), "zonename");
    }
}
