//! `zmigrate check`: lint live hosts with zrules.
//!
//! The captures are collected (see [`crate::collect`]) and handed to
//! `zrules::check::run` exactly as `zrules check --capture DIR` would hand
//! over the directory those captures are written to: same relative paths,
//! same bytes, the host's name as the label. So a finding of
//! `zmigrate check gz-a` and one of `zrules check --capture gz-a/` (after
//! `zmigrate collect gz-a -o gz-a`) are the same finding.

use zrules::check::{self, CaptureInput, CheckInput, Outcome};
use zrules::policy::Policy;

use crate::collect::Capture;

/// The zrules input for these captures (a fleet when there are several, so
/// MAC collisions between hosts are found too).
pub fn input(captures: &[Capture]) -> CheckInput {
    CheckInput {
        configs: Vec::new(),
        captures: captures
            .iter()
            .map(|c| CaptureInput {
                host: c.host.clone(),
                files: c.texts(),
            })
            .collect(),
    }
}

/// Lints the captures with zrules.
pub fn lint(captures: &[Capture], policy: &Policy) -> Outcome {
    check::run(&input(captures), policy)
}
