//! The account of a collection a person reads on stderr: counts, services
//! not installed, then one line per problem.

use zrules::facts::zoneadm::ZoneState;

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
            "{}: {} commands, {} files, {} non-global zones ({} running)",
            self.host,
            self.commands,
            self.files.len(),
            self.zones.len(),
            running
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
