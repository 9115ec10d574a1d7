//! Which commands a collection runs on one global zone, and where each
//! output goes: the capture layout (zrules) turned into a list, in the
//! table's order.
//!
//! The GZ's own commands come first and need nothing from the host. The
//! per-zone ones are planned from the `zoneadm list -cp` just captured: the
//! configuration of every non-global zone, and the in-zone commands of each
//! running one. A zone name read from the host is validated
//! (`zrules::names`) before it reaches a command line or a path; the
//! command itself, `zlogin` wrapping included, is the layout's
//! ([`CaptureCommand::command`]), never assembled here.

use zrules::capture::{CaptureCommand, LAYOUT, Scope};
use zrules::facts::zoneadm::{ZoneEntry, ZoneState};
use zrules::names::validate_zone_name;
use zrules::shell::Command;

use super::Failure;

/// One command to run, and where its output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    /// The layout entry.
    pub entry: &'static CaptureCommand,
    /// The zone, for zone-scoped entries.
    pub zone: Option<String>,
    /// Relative path in the capture (`zones/www/pkg-list`).
    pub path: String,
    /// What runs in the GZ (`zlogin www pkg list -H` for in-zone entries).
    pub cmd: Command,
}

impl Planned {
    pub(crate) fn new(entry: &'static CaptureCommand, zone: Option<&str>) -> Self {
        Planned {
            entry,
            zone: zone.map(str::to_owned),
            path: entry.path(zone),
            cmd: entry.command(zone),
        }
    }
}

/// The commands run once in the GZ, in layout order.
pub fn global_plan() -> Vec<Planned> {
    LAYOUT
        .iter()
        .filter(|c| c.scope == Scope::Global)
        .map(|c| Planned::new(c, None))
        .collect()
}

/// The per-zone commands for the zones `zoneadm list -cp` printed: the
/// configuration of every non-global zone, and the in-zone commands of the
/// running ones. Zones whose names are unusable are returned as problems.
pub fn zone_plan(zones: &[ZoneEntry]) -> (Vec<Planned>, Vec<Failure>) {
    let mut plan = Vec::new();
    let mut problems = Vec::new();
    for z in zones.iter().filter(|z| !z.is_global()) {
        if let Err(e) = validate_zone_name(&z.name) {
            problems.push(Failure::note(format!("zone not collected: {e}")));
            continue;
        }
        let running = z.state == ZoneState::Running;
        for entry in LAYOUT {
            let wanted = match entry.scope {
                Scope::Global => false,
                Scope::ZoneConfig => true,
                Scope::InZone => running,
            };
            if wanted {
                plan.push(Planned::new(entry, Some(&z.name)));
            }
        }
    }
    (plan, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_zone_commands_are_the_layouts_wrapped_once() {
        let zones = zrules::facts::zoneadm::parse(
            "0:global:running:/::solaris:shared:-:none\n\
             1:www:running:/zones/www:u-1:solaris:excl:-:none\n",
        )
        .into_result()
        .expect("zones")
        .into_iter()
        .map(|r| r.value)
        .collect::<Vec<_>>();
        let (plan, problems) = zone_plan(&zones);
        assert!(problems.is_empty());
        let pkg = plan
            .iter()
            .find(|p| p.path == "zones/www/pkg-list")
            .expect("pkg-list");
        assert_eq!(pkg.cmd, Command::new("pkg", ["list", "-H"]).in_zone("www"));
        assert_eq!(pkg.cmd.to_string(), "zlogin www pkg list -H");
        let cfg = plan
            .iter()
            .find(|p| p.path == "zones/www/zonecfg-export")
            .expect("config");
        assert_eq!(cfg.cmd.argv(), ["zonecfg", "-z", "www", "export"]);
    }
}
