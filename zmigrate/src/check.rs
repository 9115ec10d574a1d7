//! `zmigrate check`: lint live hosts with zrules.
//!
//! The captures are collected (see [`crate::collect`]) and handed to
//! `zrules::check::run` exactly as `zrules check --capture DIR` would hand
//! over the directory those captures are written to: same relative paths,
//! the same reading of the bytes (`zrules::input`: size limit, byte-order
//! mark, a file that is not UTF-8 is a `Z00` finding at its first invalid
//! byte), the host's name as the label. So a finding of `zmigrate check
//! gz-a` and one of `zrules check --capture gz-a/` (after `zmigrate collect
//! gz-a -o gz-a`) are the same finding.

use std::path::Path;

use zrules::check::{self, CheckInput, Outcome};
use zrules::input;
use zrules::policy::Policy;

use crate::collect::Capture;

/// The zrules input for these captures (a fleet when there are several, so
/// MAC collisions between hosts are found too). With `kept`, the directory
/// each capture was also written to (`--keep DIR` → `DIR/HOST`), files are
/// named by their path there; otherwise `HOST/relative/path`.
pub fn input(captures: &[Capture], kept: Option<&Path>) -> CheckInput {
    let mut problems = Vec::new();
    let captures = captures
        .iter()
        .map(|c| {
            let root =
                kept.map_or_else(|| c.host.clone(), |k| k.join(&c.host).display().to_string());
            input::capture_from_bytes(&c.host, &root, &c.files, &mut problems)
        })
        .collect();
    CheckInput {
        configs: Vec::new(),
        captures,
        problems,
    }
}

/// Lints the captures with zrules.
pub fn lint(captures: &[Capture], kept: Option<&Path>, policy: &Policy) -> Outcome {
    check::run(&input(captures, kept), policy)
}
