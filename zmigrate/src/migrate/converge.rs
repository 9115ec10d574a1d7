//! When to stop copying while the zone runs: the convergence rule.
//!
//! Every pre-copy round sends what the zone wrote since the previous
//! snapshot. While the zone keeps writing, rounds never reach zero; the
//! question is when the increment left for the downtime window is small
//! enough. The rule is a pure function of the rounds measured so far (bytes
//! and seconds of each), so it is tested without a host or a clock:
//!
//! * **Predict the next increment.** A round that took `t` seconds leaves
//!   behind what the zone wrote during those `t` seconds (plus the
//!   snapshot's own round trip). The dirty rate is measured from the last
//!   increment: its bytes over the wall time between its snapshot and the
//!   one before, which is the previous round's duration. So the next
//!   increment ≈ dirty rate × duration of the last round.
//! * **Switch** when that prediction is at most `converge_bytes`, or when
//!   sending it at the measured transfer rate would fit in the downtime
//!   target; at the round limit; or when increments stop shrinking for
//!   [`STALL_ROUNDS`] rounds in a row (the zone writes as fast as the link
//!   carries it, and more rounds only add load).
//! * Otherwise **continue** with another incremental round.
//!
//! The first round (the full send) says nothing about the dirty rate, so
//! the rule always asks for at least one increment after it: that is what
//! makes the final, in-downtime increment small.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Increments that do not shrink for this many rounds in a row end the
/// pre-copy.
pub const STALL_ROUNDS: usize = 3;

/// One measured pre-copy round: every dataset tree of the zone sent once.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Round {
    /// Bytes in the round's streams.
    pub bytes: u64,
    /// Wall time from the round's snapshot to the end of its last receive.
    pub seconds: f64,
}

/// The limits the operator gave (`--max-rounds`, `--converge-bytes`,
/// `--downtime-target`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// Rounds at most, the full send included.
    pub max_rounds: usize,
    /// Switch when the next increment is predicted at most this many bytes.
    pub converge_bytes: u64,
    /// Switch when the next increment is predicted to take at most this
    /// long to send.
    #[serde(with = "super::plan::secs")]
    pub downtime_target: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_rounds: 8,
            converge_bytes: 4 << 20,
            downtime_target: Duration::from_secs(2),
        }
    }
}

/// Why the pre-copy ends.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "reason")]
pub enum Switch {
    /// The next increment is predicted below `converge_bytes`.
    SmallEnough { predicted_bytes: u64 },
    /// The next increment is predicted to send within the downtime target.
    FastEnough { predicted_seconds: f64 },
    /// `max_rounds` rounds were made.
    RoundLimit,
    /// Increments stopped shrinking.
    Stalled,
}

impl std::fmt::Display for Switch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Switch::SmallEnough { predicted_bytes } => write!(
                f,
                "the next increment is predicted at {predicted_bytes} bytes, within --converge-bytes"
            ),
            Switch::FastEnough { predicted_seconds } => write!(
                f,
                "the next increment is predicted to send in {predicted_seconds:.2} s, within --downtime-target"
            ),
            Switch::RoundLimit => f.write_str("--max-rounds was reached"),
            Switch::Stalled => write!(
                f,
                "increments stopped shrinking for {STALL_ROUNDS} rounds (the zone writes about as fast as the link carries)"
            ),
        }
    }
}

/// What to do after the rounds so far.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Decision {
    /// Another incremental round while the zone runs.
    Continue { predicted_bytes: Option<u64> },
    /// Shut the zone down and send the last increment.
    Switch(Switch),
}

/// The prediction of the next increment's size, from the last two rounds:
/// the last increment's bytes were written during the round before it.
pub fn predict_next(rounds: &[Round]) -> Option<u64> {
    let [.., before, last] = rounds else {
        return None;
    };
    if before.seconds <= 0.0 {
        return Some(last.bytes);
    }
    let dirty_rate = last.bytes as f64 / before.seconds;
    Some((dirty_rate * last.seconds).ceil() as u64)
}

/// The convergence decision after `rounds` (the full send first).
pub fn decide(rounds: &[Round], limits: &Limits) -> Decision {
    if rounds.len() >= limits.max_rounds.max(1) {
        return Decision::Switch(Switch::RoundLimit);
    }
    let Some(predicted) = predict_next(rounds) else {
        // Only the full send so far: one increment is always worth it.
        return Decision::Continue {
            predicted_bytes: None,
        };
    };
    if predicted <= limits.converge_bytes {
        return Decision::Switch(Switch::SmallEnough {
            predicted_bytes: predicted,
        });
    }
    // The transfer rate of the last increment (bytes/s); a round too short
    // to measure says nothing.
    if let Some(last) = rounds.last().filter(|r| r.seconds > 0.0 && r.bytes > 0) {
        let rate = last.bytes as f64 / last.seconds;
        let predicted_seconds = predicted as f64 / rate;
        if predicted_seconds <= limits.downtime_target.as_secs_f64() {
            return Decision::Switch(Switch::FastEnough { predicted_seconds });
        }
    }
    // Increments (rounds after the full send) that did not shrink.
    let increments = &rounds[1..];
    if increments.len() > STALL_ROUNDS {
        let tail = &increments[increments.len() - STALL_ROUNDS - 1..];
        if tail.windows(2).all(|w| w[1].bytes >= w[0].bytes) {
            return Decision::Switch(Switch::Stalled);
        }
    }
    Decision::Continue {
        predicted_bytes: Some(predicted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r(bytes: u64, seconds: f64) -> Round {
        Round { bytes, seconds }
    }

    fn strict() -> Limits {
        Limits {
            max_rounds: 10,
            converge_bytes: 1000,
            downtime_target: Duration::from_millis(1),
        }
    }

    #[test]
    fn the_full_send_alone_always_asks_for_an_increment() {
        assert_eq!(
            decide(&[r(1 << 30, 60.0)], &Limits::default()),
            Decision::Continue {
                predicted_bytes: None
            }
        );
    }

    #[test]
    fn a_small_predicted_increment_switches() {
        // 200 MB in 10 s, then 50 KB written during those 10 s, sent in
        // 0.5 s: 5 KB/s dirty, so about 2.5 KB next.
        let d = decide(&[r(200_000_000, 10.0), r(50_000, 0.5)], &Limits::default());
        assert_eq!(
            d,
            Decision::Switch(Switch::SmallEnough {
                predicted_bytes: 2500
            })
        );
    }

    #[test]
    fn a_large_increment_that_sends_fast_enough_switches() {
        let limits = Limits {
            converge_bytes: 1,
            ..Limits::default()
        };
        // 100 MB/s link, 10 MB/s dirty; 40 MB increment in 0.4 s → 4 MB next,
        // 0.04 s to send.
        match decide(&[r(1_000_000_000, 4.0), r(40_000_000, 0.4)], &limits) {
            Decision::Switch(Switch::FastEnough { predicted_seconds }) => {
                assert!(
                    (predicted_seconds - 0.04).abs() < 1e-9,
                    "{predicted_seconds}"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn shrinking_increments_continue_until_small() {
        let rounds = [r(10_000_000, 10.0), r(500_000, 2.0), r(100_000, 0.5)];
        // 100 KB written in 2 s = 50 KB/s; 0.5 s round → 25 KB > 1000 B.
        assert_eq!(
            decide(&rounds, &strict()),
            Decision::Continue {
                predicted_bytes: Some(25_000)
            }
        );
    }

    #[test]
    fn the_round_limit_switches() {
        let limits = Limits {
            max_rounds: 2,
            ..strict()
        };
        assert_eq!(
            decide(&[r(10, 1.0), r(10_000, 1.0)], &limits),
            Decision::Switch(Switch::RoundLimit)
        );
    }

    #[test]
    fn increments_that_stop_shrinking_for_three_rounds_switch() {
        let mut rounds = vec![r(10_000_000, 10.0), r(100_000, 1.0)];
        for _ in 0..STALL_ROUNDS - 1 {
            rounds.push(r(100_000, 1.0));
        }
        assert!(matches!(
            decide(&rounds, &strict()),
            Decision::Continue { .. }
        ));
        rounds.push(r(120_000, 1.0));
        assert_eq!(
            decide(&rounds, &strict()),
            Decision::Switch(Switch::Stalled)
        );
    }

    proptest! {
        /// Whatever was measured, the rule ends the pre-copy by the round
        /// limit, and never switches before one increment followed the
        /// full send.
        #[test]
        fn the_rule_terminates_and_always_makes_one_increment(
            sizes in proptest::collection::vec((0u64..1 << 40, 0.0f64..1e4), 1..20),
            max_rounds in 1usize..12,
            converge_bytes in 0u64..1 << 30,
        ) {
            let limits = Limits { max_rounds, converge_bytes, downtime_target: Duration::from_secs(3) };
            let rounds: Vec<Round> = sizes.iter().map(|&(b, s)| r(b, s)).collect();
            let d = decide(&rounds, &limits);
            if rounds.len() >= max_rounds {
                prop_assert_eq!(d, Decision::Switch(Switch::RoundLimit));
            } else if rounds.len() == 1 {
                prop_assert_eq!(d, Decision::Continue { predicted_bytes: None });
            }
        }
    }
}
