//! What one collection produced: the outputs, byte for byte, and what went
//! wrong. Filled by [`super::collect`], told by [`Capture::summary`],
//! written by [`Capture::write`], checked by `zmigrate check`.

use std::collections::BTreeMap;

use zrules::facts::zoneadm::ZoneState;

use super::Failure;
use crate::exec::ExecError;

/// What a collection produced.
#[derive(Debug)]
pub struct Capture {
    /// The host, as named to the executor.
    pub host: String,
    /// Relative path → the command's standard output, byte for byte.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Relative path (under [`super::FAILED_DIR`]) → standard output of failed commands.
    pub failed_stdout: BTreeMap<String, Vec<u8>>,
    pub failures: Vec<Failure>,
    /// Commands run.
    pub commands: usize,
    /// The non-global zones `zoneadm list -cp` named, with their states.
    pub zones: Vec<(String, ZoneState)>,
    /// The connection was lost: the collection stopped early.
    pub lost: Option<ExecError>,
    /// Files not written because the service asked about is not installed.
    pub absent: Vec<String>,
}

impl Capture {
    /// Nothing collected yet from `host`.
    pub(crate) fn new(host: &str) -> Self {
        Capture {
            host: host.to_owned(),
            files: BTreeMap::new(),
            failed_stdout: BTreeMap::new(),
            failures: Vec::new(),
            commands: 0,
            zones: Vec::new(),
            lost: None,
            absent: Vec::new(),
        }
    }

    /// Whether every command ran and succeeded.
    pub fn complete(&self) -> bool {
        self.failures.is_empty() && self.lost.is_none()
    }

    /// The files as text, for `zrules::check` (invalid UTF-8 is replaced,
    /// as the zrules parsers would reject it anyway).
    pub fn texts(&self) -> BTreeMap<String, String> {
        self.files
            .iter()
            .map(|(p, b)| (p.clone(), String::from_utf8_lossy(b).into_owned()))
            .collect()
    }
}
