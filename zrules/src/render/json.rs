//! The JSON report, version 1: the format scripts and other tools read.
//!
//! The shape is a contract, written down twice: as a JSON Schema
//! (`zrules/schema/report-v1.schema.json`, checked against this output by
//! the tests) and in prose (`docs/json-output.md`). Every key is always
//! present, with `null` for an absent value, so consumers never have to tell
//! "missing" from "empty". Fields may be added within version 1; renaming,
//! removing or changing the meaning of one bumps [`VERSION`].

use std::borrow::Cow;
use std::io;

use serde::Serialize;

use super::{Counts, RenderOptions, Seq, region};
use crate::diagnostic::{Code, Diagnostic, Report, Severity, Skipped};
use crate::source::{Location, Sources};

/// The `version` field: bump on any incompatible change.
pub(crate) const VERSION: u32 = 1;

/// The report; `D` serializes the findings and `S` the skipped checks (see
/// [`Seq`]).
#[derive(Serialize)]
struct Document<'a, D, S> {
    version: u32,
    tool: Tool<'a>,
    diagnostics: D,
    skipped: S,
    assumptions: &'a [crate::diagnostic::Assumption],
    summary: Summary,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

/// A place in a file. Flattened into diagnostics so the common case
/// (`d.file`, `d.line`) needs no nesting.
#[derive(Serialize)]
struct Position<'a> {
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
}

impl<'a> Position<'a> {
    fn of(sources: &'a Sources, loc: Option<Location>) -> Self {
        match loc {
            Some(loc) => {
                let r = region(sources, loc);
                Self {
                    file: Some(r.file),
                    line: Some(r.start.line),
                    column: Some(r.start.column),
                    end_line: Some(r.end.line),
                    end_column: Some(r.end.column),
                }
            }
            None => Self {
                file: None,
                line: None,
                column: None,
                end_line: None,
                end_column: None,
            },
        }
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: Code,
    check: &'a str,
    severity: Severity,
    zone: Option<&'a str>,
    host: Option<&'a str>,
    #[serde(flatten)]
    position: Position<'a>,
    message: Cow<'a, str>,
    help: Option<Cow<'a, str>>,
    related: Vec<Related<'a>>,
}

#[derive(Serialize)]
struct Related<'a> {
    #[serde(flatten)]
    position: Position<'a>,
    label: &'a str,
}

#[derive(Serialize)]
struct JsonSkipped<'a> {
    code: Code,
    check: &'a str,
    zone: Option<&'a str>,
    host: Option<&'a str>,
    reason: &'a str,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    info: usize,
    skipped: usize,
    files: usize,
    zones: usize,
    hosts: usize,
}

fn diagnostic<'a>(d: &'a Diagnostic, sources: &'a Sources) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        code: d.code,
        check: d.check.as_str(),
        severity: d.severity,
        zone: d.zone(),
        host: d.host(),
        position: Position::of(sources, d.location()),
        message: d.message(),
        help: d.help(),
        related: d
            .related()
            .iter()
            .map(|(loc, label)| Related {
                position: Position::of(sources, Some(*loc)),
                label,
            })
            .collect(),
    }
}

fn skipped(s: &Skipped) -> JsonSkipped<'_> {
    JsonSkipped {
        code: s.code,
        check: s.check.as_str(),
        zone: s.zone.as_deref(),
        host: s.host.as_deref(),
        reason: &s.reason,
    }
}

/// Writes the report to `sink`, each finding converted as it is written.
pub(super) fn render_to(
    report: &Report,
    sources: &Sources,
    opts: &RenderOptions,
    sink: &mut dyn io::Write,
) -> io::Result<()> {
    let c = Counts::of(report);
    let doc = Document {
        version: VERSION,
        tool: Tool {
            name: "zrules",
            version: opts.tool_version,
        },
        diagnostics: Seq(|| report.diagnostics.iter().map(|d| diagnostic(d, sources))),
        skipped: Seq(|| report.skipped.iter().map(skipped)),
        assumptions: &report.assumptions,
        summary: Summary {
            errors: c.errors,
            warnings: c.warnings,
            info: c.info,
            skipped: c.skipped,
            files: c.files,
            zones: c.zones,
            hosts: c.hosts,
        },
    };
    // Only a failed write can fail: the report holds plain strings and
    // integers.
    serde_json::to_writer_pretty(&mut *sink, &doc).map_err(io::Error::from)?;
    sink.write_all(b"\n")
}
