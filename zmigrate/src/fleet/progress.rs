//! The one progress display of a fleet's collection, on stderr.
//!
//! With one host it is the per-command bar `zmigrate collect HOST` always
//! had (which command is slow). With several, one bar counts hosts:
//! finished of all, and beside it how many are done, failed and running,
//! the commands run so far and which hosts are running, so a person watching a
//! hundred hosts sees one line, not a hundred. indicatif draws only when
//! stderr is a terminal; logs and CI get the plain summaries printed
//! afterwards.

use std::sync::{Mutex, PoisonError};

use indicatif::{ProgressBar, ProgressStyle};

use super::FleetObserver;
use crate::collect::{Capture, Planned};

/// What the bar shows of a fleet.
#[derive(Debug, Default)]
struct State {
    names: Vec<String>,
    running: Vec<usize>,
    done: usize,
    failed: usize,
    commands: usize,
}

impl State {
    /// `12 done · 1 failed · 3 running · 318 commands: gz-a, gz-b, gz-c`:
    /// the counts first, so a narrow terminal cuts only names.
    fn message(&self) -> String {
        let mut m = format!("{} done", self.done);
        if self.failed > 0 {
            m.push_str(&format!(" · {} failed", self.failed));
        }
        m.push_str(&format!(
            " · {} running · {} commands",
            self.running.len(),
            self.commands
        ));
        let mut shown: Vec<&str> = self
            .running
            .iter()
            .take(4)
            .map(|&i| self.names[i].as_str())
            .collect();
        if self.running.len() > 4 {
            shown.push("…");
        }
        if !shown.is_empty() {
            m.push_str(&format!(": {}", shown.join(", ")));
        }
        m
    }
}

/// The progress display of one collection of `names`.
#[derive(Debug)]
pub struct FleetBar {
    bar: ProgressBar,
    /// One host: count its commands, as the single-host bar always did.
    single: bool,
    state: Mutex<State>,
}

impl FleetBar {
    pub fn new(names: &[String]) -> Self {
        let single = names.len() == 1;
        let bar = ProgressBar::new(if single { 0 } else { names.len() as u64 });
        let template = if single {
            "{prefix:.bold} [{bar:24}] {pos}/{len} {wide_msg}"
        } else {
            "{prefix:.bold} [{bar:24}] {pos}/{len} hosts {wide_msg}"
        };
        let style = ProgressStyle::with_template(template)
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_prefix(if single {
            names[0].clone()
        } else {
            "fleet".to_owned()
        });
        FleetBar {
            bar,
            single,
            state: Mutex::new(State {
                names: names.to_vec(),
                ..State::default()
            }),
        }
    }

    fn update(&self, f: impl FnOnce(&mut State)) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut s);
        if !self.single {
            self.bar.set_message(s.message());
        }
    }

    /// Removes the bar (the caller prints summaries instead).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl FleetObserver for FleetBar {
    fn started(&self, index: usize) {
        self.update(|s| s.running.push(index));
    }

    fn planned(&self, _: usize, n: usize) {
        if self.single {
            self.bar.inc_length(n as u64);
        }
    }

    fn running(&self, _: usize, p: &Planned) {
        if self.single {
            self.bar.set_message(p.cmd.to_string());
        }
    }

    fn command_done(&self, _: usize, _: bool) {
        if self.single {
            self.bar.inc(1);
        }
        self.update(|s| s.commands += 1);
    }

    fn finished(&self, index: usize, cap: &Capture) {
        self.update(|s| {
            s.running.retain(|&i| i != index);
            s.done += 1;
            if !cap.complete() {
                s.failed += 1;
            }
        });
        if !self.single {
            self.bar.inc(1);
        }
    }

    fn suspend(&self, f: &mut dyn FnMut()) {
        self.bar.suspend(f);
    }
}

impl Drop for FleetBar {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_counts_hosts_and_names_a_few_running_ones() {
        let names: Vec<String> = (0..6).map(|i| format!("gz{i}")).collect();
        let bar = FleetBar::new(&names);
        for i in 0..6 {
            bar.started(i);
        }
        bar.command_done(0, true);
        let mut cap = Capture::new("gz5");
        bar.finished(5, &cap);
        cap.lost = Some(crate::exec::ExecError::Connection {
            host: "gz4".into(),
            message: "refused".into(),
        });
        bar.finished(4, &cap);
        let s = bar.state.lock().expect("state");
        assert_eq!(
            s.message(),
            "2 done · 1 failed · 4 running · 1 commands: gz0, gz1, gz2, gz3"
        );
        assert_eq!(bar.bar.position(), 2);
        assert_eq!(bar.bar.length(), Some(6));
    }
}
