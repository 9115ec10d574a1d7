//! The account of a collection a person reads on stderr: counts, services
//! not installed, then one line per problem.

use zrules::facts::zoneadm::ZoneState;
use zrules::render::plural;

use super::Capture;

impl Capture {
    /// A one-paragraph account for stderr: what was collected and each problem.
    pub fn summary(&self) -> String {
        let running = self
            .zones
            .iter()
            .filter(|(_, s)| *s == ZoneState::Running)
            .count();
        let mut out = format!(
            "{}: {}, {}, {} ({running} running)",
            self.host,
            plural(self.commands, "command", "commands"),
            plural(self.files.len(), "file", "files"),
            plural(self.zones.len(), "non-global zone", "non-global zones"),
        );
        match self.failures.len() {
            0 => {}
            1 => out.push_str(", 1 problem"),
            n => out.push_str(&format!(", {n} problems")),
        }
        out.push('\n');
        if !self.absent.is_empty() {
            let list = self.absent.join(", ");
            out.push_str(&format!("  not installed, so not captured: {list}\n"));
        }
        for f in &self.failures {
            out.push_str(&format!("  {f}\n"));
        }
        if let Some(e) = &self.lost {
            out.push_str(&format!("  stopped early: {e}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::host;
    use super::super::{Quiet, collect};

    #[test]
    fn the_summary_counts_one_zone_in_the_singular() {
        let fake = host(
            "0:global:running:/::solaris:shared:-:none\n-:db:installed:/zones/db:u-2:solaris:excl:-:none\n",
        );
        let cap = collect(&fake, &mut Quiet);
        assert!(
            cap.summary().contains(", 1 non-global zone (0 running)"),
            "{}",
            cap.summary()
        );
    }
}
