//! What a person or a program sees while a move runs.
//!
//! [`MoveLog`] is the one observer of the `zmigrate move` binary. For a
//! person (stderr is a terminal) it prints a phase log with the seconds
//! since the start, and draws one indicatif bar per stream while it runs
//! (bytes and rate when relayed, elapsed time when sent directly, where the
//! bytes are not seen here). For automation (`--json`) it prints every
//! event as one JSON object per line on stdout, with its time. Without a
//! terminal and without `--json` it prints only the log, no control
//! sequences.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::runner::{Observer, Progress};
use crate::migrate::converge::Decision;

/// The move's observer for the binary.
#[derive(Debug)]
pub struct MoveLog {
    json: bool,
    start: f64,
    multi: MultiProgress,
    bars: Mutex<BTreeMap<String, ProgressBar>>,
}

impl MoveLog {
    /// `start`: the Unix time the log counts from; `bars`: draw progress
    /// bars (stderr is a terminal).
    pub fn new(json: bool, start: f64, bars: bool) -> Self {
        let target = if bars && !json {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        MoveLog {
            json,
            start,
            multi: MultiProgress::with_draw_target(target),
            bars: Mutex::new(BTreeMap::new()),
        }
    }

    fn line(&self, text: String) {
        // Printed above the bars when they are drawn, plainly otherwise.
        if self.multi.is_hidden() {
            eprintln!("{text}");
        } else {
            let _ = self.multi.println(text);
        }
    }

    fn bar_for(&self, key: &str) -> Option<ProgressBar> {
        self.bars.lock().ok()?.get(key).cloned()
    }
}

/// Bytes as a person reads them (KiB, MiB, …).
pub fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

impl Observer for MoveLog {
    fn event(&self, at: f64, p: &Progress<'_>) {
        if self.json {
            let mut v = serde_json::to_value(p).unwrap_or_default();
            v["at"] = serde_json::json!(at);
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{v}");
            let _ = out.flush();
            return;
        }
        let t = at - self.start;
        let stamp = |s: String| format!("[{t:7.2}s] {s}");
        match p {
            Progress::Phase { phase } => self.line(stamp(format!("---- {phase}"))),
            Progress::Step { key, command, .. } => {
                self.line(stamp(format!("{key}: {command}")));
                if key.contains("/send/") && !self.multi.is_hidden() {
                    let bar = self.multi.add(ProgressBar::new_spinner());
                    let style = ProgressStyle::with_template(
                        "  {spinner} {prefix} {elapsed_precise} {msg}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_spinner());
                    bar.set_style(style);
                    bar.set_prefix(key.to_string());
                    bar.enable_steady_tick(Duration::from_millis(100));
                    if let Ok(mut b) = self.bars.lock() {
                        b.insert(key.to_string(), bar);
                    }
                }
            }
            Progress::Bytes { key, bytes, .. } => {
                if let Some(bar) = self.bar_for(key) {
                    let secs = bar.elapsed().as_secs_f64().max(1e-3);
                    bar.set_message(format!(
                        "{} ({}/s)",
                        human_bytes(*bytes),
                        human_bytes((*bytes as f64 / secs) as u64)
                    ));
                }
            }
            Progress::Done { key, seconds } => {
                if let Some(bar) = self.bars.lock().ok().and_then(|mut b| b.remove(*key)) {
                    bar.finish_and_clear();
                }
                self.line(stamp(format!("{key}: done in {seconds:.2} s")));
            }
            Progress::Failed { key, error } => {
                if let Some(bar) = self.bars.lock().ok().and_then(|mut b| b.remove(*key)) {
                    bar.finish_and_clear();
                }
                self.line(stamp(format!("{key}: FAILED: {error}")));
            }
            Progress::Round {
                round,
                bytes,
                seconds,
                decision,
            } => {
                let next = match decision {
                    Decision::Continue {
                        predicted_bytes: Some(b),
                    } => format!("next predicted {}: another round", human_bytes(*b)),
                    Decision::Continue {
                        predicted_bytes: None,
                    } => "another round".to_owned(),
                    Decision::Switch(_) => "switch".to_owned(),
                };
                self.line(stamp(format!(
                    "round {round}: {} in {seconds:.2} s; {next}",
                    human_bytes(*bytes)
                )));
            }
            Progress::Note { text } => self.line(stamp(format!("note: {text}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_as_a_person_reads_them() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(200 << 20), "200.0 MiB");
    }
}
