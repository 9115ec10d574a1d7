//! What a move records, and what the record says happened.
//!
//! The runner appends one [`Entry`] per event to the move's journal (JSON
//! lines, written and synced before the next step relies on it; see
//! `run::journal_store`). Reading it back is pure: [`replay`] turns the
//! lines into a [`State`] (which steps completed, the rounds measured, how
//! the move ended), tolerating a last line cut short by a crash. `zmigrate
//! status` shows that state, and a resume starts from it.

use serde::{Deserialize, Serialize};

/// How a move ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum Outcome {
    /// The zone runs on the target and was verified.
    Moved,
    /// The move stopped and what it created on the target was removed; the
    /// zone is where it was (running on the source, if it ran).
    RolledBack { reason: String },
    /// The move stopped and could not restore a clean state by itself:
    /// `recovery` is the one command to run.
    Stopped { reason: String, recovery: String },
}

/// One event of a move.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "event")]
pub enum Event {
    /// The move began (after pre-flight passed).
    Started {
        zone: String,
        source: String,
        target: String,
        /// The plan, as `zmigrate plan --format json` prints it.
        plan: serde_json::Value,
    },
    /// A step is about to run.
    Begin { key: String },
    /// A step completed.
    Done {
        key: String,
        seconds: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bytes: Option<u64>,
    },
    /// A step failed.
    Failed { key: String, error: String },
    /// A pre-copy round completed.
    Round {
        round: usize,
        bytes: u64,
        seconds: f64,
    },
    /// Something worth knowing happened (a retry, a recovery, a decision).
    Note { text: String },
    /// The move ended.
    Finished(Outcome),
}

/// An event with the time it was recorded (seconds since the Unix epoch,
/// from the runner's clock).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub at: f64,
    #[serde(flatten)]
    pub event: Event,
}

/// One step as the journal recorded it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StepRecord {
    pub key: String,
    /// When it ended (Unix seconds).
    pub at: f64,
    pub seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// `None` when it completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a journal says.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct State {
    /// The plan the move was started with.
    #[serde(skip)]
    pub plan: Option<serde_json::Value>,
    /// Every step that ended, in order.
    pub steps: Vec<StepRecord>,
    pub notes: Vec<(f64, String)>,
    pub zone: Option<String>,
    pub source: Option<String>,
    pub target: Option<String>,
    /// Steps that completed, in order.
    pub done: Vec<String>,
    /// A step that began and neither completed nor failed (the journal
    /// ends there: the process was killed or the machine went down).
    pub interrupted: Option<String>,
    /// The last failure.
    pub failed: Option<(String, String)>,
    pub rounds: Vec<(usize, u64, f64)>,
    pub outcome: Option<Outcome>,
    /// The journal's last line was cut short (and ignored).
    pub truncated: bool,
    pub started_at: Option<f64>,
    pub last_at: Option<f64>,
}

/// A journal line that is not an entry, before the last line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("journal line {line} is not a zmigrate event: {message}")]
pub struct Corrupt {
    pub line: usize,
    pub message: String,
}

/// Reads a journal's text. A last line that does not parse (cut short by
/// a crash mid-write) is ignored and flagged; any other bad line is an
/// error, since the record can then not be trusted.
pub fn replay(text: &str) -> Result<State, Corrupt> {
    let mut st = State::default();
    let lines: Vec<&str> = text.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let entry: Entry = match serde_json::from_str(l) {
            Ok(e) => e,
            Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => {
                st.truncated = true;
                break;
            }
            Err(e) => {
                return Err(Corrupt {
                    line: i + 1,
                    message: e.to_string(),
                });
            }
        };
        st.started_at.get_or_insert(entry.at);
        st.last_at = Some(entry.at);
        match entry.event {
            Event::Started {
                zone,
                source,
                target,
                plan,
            } => {
                st.zone = Some(zone);
                st.source = Some(source);
                st.target = Some(target);
                st.plan = Some(plan);
            }
            Event::Begin { key } => st.interrupted = Some(key),
            Event::Done {
                key,
                seconds,
                bytes,
            } => {
                st.interrupted = None;
                st.steps.push(StepRecord {
                    key: key.clone(),
                    at: entry.at,
                    seconds,
                    bytes,
                    error: None,
                });
                st.done.push(key);
            }
            Event::Failed { key, error } => {
                st.interrupted = None;
                st.steps.push(StepRecord {
                    key: key.clone(),
                    at: entry.at,
                    error: Some(error.clone()),
                    ..StepRecord::default()
                });
                st.failed = Some((key, error));
            }
            Event::Round {
                round,
                bytes,
                seconds,
            } => st.rounds.push((round, bytes, seconds)),
            Event::Note { text } => st.notes.push((entry.at, text)),
            Event::Finished(o) => st.outcome = Some(o),
        }
    }
    Ok(st)
}

impl State {
    /// Whether the move completed and was verified: from then on it is
    /// not rolled back, and it may be finalised.
    pub fn verified(&self) -> bool {
        self.outcome == Some(Outcome::Moved)
    }

    /// The phase of the last step that completed (`pre-copy`, `switch`, …).
    pub fn phase(&self) -> &str {
        self.done
            .last()
            .and_then(|k| k.split('/').next())
            .unwrap_or("started")
    }
}

/// One entry as its journal line (without the newline).
pub fn line(entry: &Entry) -> String {
    // An Entry holds only strings, numbers and JSON values: it always
    // serialises.
    serde_json::to_string(entry).unwrap_or_else(|e| format!("{{\"unserialisable\":\"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(at: f64, event: Event) -> String {
        line(&Entry { at, event }) + "\n"
    }

    #[test]
    fn a_journal_replays_into_what_happened() {
        let mut text = e(
            1.0,
            Event::Started {
                zone: "www".into(),
                source: "gz-a".into(),
                target: "gz-b".into(),
                plan: serde_json::json!({}),
            },
        );
        text += &e(
            2.0,
            Event::Begin {
                key: "prepare/zonecfg".into(),
            },
        );
        text += &e(
            3.0,
            Event::Done {
                key: "prepare/zonecfg".into(),
                seconds: 1.0,
                bytes: None,
            },
        );
        text += &e(
            4.0,
            Event::Round {
                round: 0,
                bytes: 10,
                seconds: 0.5,
            },
        );
        text += &e(
            5.0,
            Event::Begin {
                key: "pre-copy/1/snapshot".into(),
            },
        );
        let st = replay(&text).expect("replays");
        assert_eq!(st.zone.as_deref(), Some("www"));
        assert_eq!(st.done, ["prepare/zonecfg"]);
        assert_eq!(st.interrupted.as_deref(), Some("pre-copy/1/snapshot"));
        assert_eq!(st.rounds, [(0, 10, 0.5)]);
        assert!(!st.truncated && st.outcome.is_none());
        assert_eq!((st.started_at, st.last_at), (Some(1.0), Some(5.0)));

        // Killed mid-write: the cut last line is ignored and flagged.
        let cut = format!("{text}{{\"at\":6.0,\"event\":\"do");
        let st = replay(&cut).expect("tolerated");
        assert!(st.truncated);
        assert_eq!(st.done, ["prepare/zonecfg"]);

        // A bad line in the middle is not tolerated.
        let bad = format!("{{oops\n{text}");
        assert_eq!(replay(&bad).expect_err("corrupt").line, 1);
    }

    #[test]
    fn outcomes_round_trip() {
        for o in [
            Outcome::Moved,
            Outcome::RolledBack {
                reason: "attach failed".into(),
            },
            Outcome::Stopped {
                reason: "target unreachable".into(),
                recovery: "zoneadm -z www boot".into(),
            },
        ] {
            let text = e(1.0, Event::Finished(o.clone()));
            assert_eq!(replay(&text).expect("ok").outcome, Some(o));
        }
    }
}
