//! Where the move plan meets the hosts: pre-flight reads them, the runner
//! changes them, the journal store remembers what happened.
//!
//! * [`preflight`]: collect and check both global zones, read-only, into
//!   the planner's input.
//! * [`observe`]: where a move stands on the hosts, read live.
//! * [`runner`]: run a plan step by step, measure it, roll back on failure.
//! * [`transfer`]: one stream from the source to the target, direct or
//!   relayed.
//! * [`journal_store`]: journals (JSON lines, synced) and the per-zone lock.
//! * [`watch`]: the log, progress bars and `--json` events of a move.

pub mod journal_store;
pub mod observe;
pub mod preflight;
pub mod runner;
pub mod timeline;
pub mod transfer;
pub mod watch;

/// A move ID from the time it starts (UTC, to the second) and this
/// process's ID: sortable, unique per machine, and usable in a snapshot
/// name (`zmigrate-20261201T093512-4242-0`).
pub fn new_id(unix_seconds: u64, pid: u32) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let secs = unix_seconds % 86_400;
    // Howard Hinnant's civil-from-days (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}-{pid}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_utc_times_and_the_pid() {
        assert_eq!(super::new_id(0, 7), "19700101T000000-7");
        // 2026-12-01 09:35:12 UTC
        assert_eq!(super::new_id(1_796_117_712, 4242), "20261201T093512-4242");
        assert_eq!(super::new_id(951_782_400, 1), "20000229T000000-1");
    }
}
