//! The progress bar shown on stderr while a host is collected: a person
//! waits for a few dozen remote commands (more with many zones), and should
//! see that something happens and which command is slow.
//!
//! indicatif draws only when stderr is a terminal, so scripts and CI logs
//! get no control sequences; the summary printed afterwards is plain text.

use indicatif::{ProgressBar, ProgressStyle};

use crate::collect::{Observer, Planned};

/// A bar for one host's collection.
#[derive(Debug)]
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new(host: &str) -> Self {
        let bar = ProgressBar::new(0);
        let style =
            ProgressStyle::with_template("{prefix:.bold} [{bar:24}] {pos}/{len} {wide_msg}")
                .map(|s| s.progress_chars("=> "))
                .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_prefix(host.to_owned());
        Bar { bar }
    }

    /// Removes the bar (the caller prints a summary instead).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for Bar {
    fn planned(&mut self, n: usize) {
        self.bar.inc_length(n as u64);
    }

    fn running(&mut self, p: &Planned) {
        self.bar.set_message(p.cmd.to_string());
    }

    fn done(&mut self, _: &Planned, _: bool) {
        self.bar.inc(1);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::fake::FakeExecutor;

    #[test]
    fn the_bar_counts_every_planned_command() {
        let fake = FakeExecutor::new("gz1").ok(
            &["zoneadm", "list", "-cp"],
            "0:global:running:/::solaris:shared:-:none\n",
        );
        let mut bar = Bar::new("gz1");
        let cap = crate::collect::collect(&fake, &mut bar);
        assert_eq!(bar.bar.length(), Some(cap.commands as u64));
        assert_eq!(bar.bar.position(), cap.commands as u64);
        bar.finish();
        assert!(bar.bar.is_finished());
    }
}
