//! SARIF 2.1.0, the log format code-scanning dashboards (GitHub code
//! scanning, Azure DevOps, SARIF viewers) import.
//!
//! Choices the standard leaves open, documented in `docs/json-output.md`:
//! - Rule ids are `Z06/mac-ip-bytes`: SARIF treats `/` as the separator of a
//!   hierarchical id, so viewers can group by house rule (`Z06`) and still
//!   tell its checks apart. `tool.driver.rules` lists each id that appears in
//!   a result or a skipped check, in order of first appearance, and every
//!   reference carries its index.
//! - Columns count Unicode code points (`columnKind`), as the rest of zrules
//!   does, and `endColumn` is exclusive, as SARIF defines it.
//! - The help line and the zone/host have no SARIF field of their own: help
//!   is appended to the message text after a line break (viewers show the
//!   first line as the title), zone and host go into the result's property
//!   bag.
//! - Skipped checks become `toolExecutionNotifications` of the single
//!   invocation, level `note`, tied to their rule through `associatedRule`:
//!   a dashboard then shows that a rule did not run instead of a clean bill.
//! - Findings without a location have no `locations` (GitHub code scanning
//!   rejects such results; use `--format github` or `json` there).

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;

use super::{RenderOptions, Seq, region, zone_host};
use crate::diagnostic::{Assumption, Check, Code, Diagnostic, Report, Severity, Skipped};
use crate::rules::rule_summary;
use crate::source::{Location, Sources};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The log; `R` serializes the results and `N` the notifications (see
/// [`Seq`]).
#[derive(Serialize)]
struct Log<R, N> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<R, N>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<R, N> {
    tool: Tool,
    invocations: [Invocation<N>; 1],
    column_kind: &'static str,
    results: R,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: String,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

/// `N` serializes the notifications (see [`Seq`]).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<N> {
    execution_successful: bool,
    tool_execution_notifications: N,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Text,
    /// The skipped check; `None` for an assumption, which is the run's.
    #[serde(skip_serializing_if = "Option::is_none")]
    associated_rule: Option<RuleRef>,
    #[serde(skip_serializing_if = "Properties::is_empty")]
    properties: Properties,
}

#[derive(Serialize)]
struct RuleRef {
    id: String,
    index: usize,
}

#[derive(Serialize, Default)]
struct Properties {
    #[serde(skip_serializing_if = "Option::is_none")]
    zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    host: Option<String>,
}

impl Properties {
    fn is_empty(&self) -> bool {
        self.zone.is_none() && self.host.is_none()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Properties::is_empty")]
    properties: Properties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// `Z06/mac-ip-bytes`.
pub(crate) fn rule_id(code: Code, check: &str) -> String {
    format!("{code}/{check}")
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A display name as a relative or absolute URI reference: SARIF requires
/// `uri` to be one, and a path with a space or `#` is not. Everything but
/// RFC 3986's unreserved characters, sub-delimiters, `@` and `/` is
/// percent-encoded, byte by byte, so ordinary paths come out unchanged. `:`
/// is encoded too: in a relative path's first segment it would read as a
/// URI scheme (`gz1:capture/x`).
pub(crate) fn path_to_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn location(
    sources: &Sources,
    loc: Location,
    id: Option<usize>,
    label: Option<&str>,
) -> SarifLocation {
    let r = region(sources, loc);
    SarifLocation {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: path_to_uri(r.file),
            },
            region: Region {
                start_line: r.start.line,
                start_column: r.start.column,
                end_line: r.end.line,
                end_column: r.end.column,
            },
        },
        message: label.map(|l| Text { text: l.to_owned() }),
    }
}

/// Rule descriptors in order of first appearance, with their indices.
#[derive(Default)]
struct Rules {
    index: BTreeMap<Check, usize>,
    list: Vec<Rule>,
}

impl Rules {
    /// Lists `check`'s rule unless it is listed already.
    fn list(&mut self, check: Check) {
        if self.index.contains_key(&check) {
            return;
        }
        self.index.insert(check, self.list.len());
        self.list.push(Rule {
            id: rule_id(check.code(), check.as_str()),
            name: check.as_str().to_owned(),
            short_description: Text {
                text: rule_summary(check.code()).to_owned(),
            },
        });
    }

    /// The index of a rule [`Rules::list`] has listed.
    fn index(&self, check: Check) -> usize {
        self.index[&check]
    }
}

/// Writes the log to `sink`, each result converted as it is written.
pub(super) fn render_to(
    report: &Report,
    sources: &Sources,
    opts: &RenderOptions,
    sink: &mut dyn io::Write,
) -> io::Result<()> {
    // The rules come before the notifications and results in the log, so
    // they are listed first, in order of first appearance (results, then
    // skipped checks).
    let mut rules = Rules::default();
    let checks = report.diagnostics.iter().map(|d| d.check);
    for check in checks.chain(report.skipped.iter().map(|s| s.check)) {
        rules.list(check);
    }
    let result = |d: &Diagnostic, rules: &Rules| {
        let mut text = d.message().to_string();
        if let Some(help) = d.help() {
            text.push_str("\nhelp: ");
            text.push_str(&help);
        }
        SarifResult {
            rule_id: rule_id(d.code, d.check.as_str()),
            rule_index: rules.index(d.check),
            level: level(d.severity),
            message: Text { text },
            locations: d
                .location()
                .map(|l| location(sources, l, None, None))
                .into_iter()
                .collect(),
            related_locations: d
                .related()
                .iter()
                .enumerate()
                .map(|(i, (l, label))| location(sources, *l, Some(i + 1), Some(label)))
                .collect(),
            properties: Properties {
                zone: d.zone().map(str::to_owned),
                host: d.host().map(str::to_owned),
            },
        }
    };
    let skipped = |s: &Skipped, rules: &Rules| Notification {
        level: "note",
        message: Text {
            text: match zone_host(s.zone.as_deref(), s.host.as_deref()) {
                Some(where_) => {
                    format!("{} {} skipped for {where_}: {}", s.code, s.check, s.reason)
                }
                None => format!("{} {} skipped: {}", s.code, s.check, s.reason),
            },
        },
        associated_rule: Some(RuleRef {
            id: rule_id(s.code, s.check.as_str()),
            index: rules.index(s.check),
        }),
        properties: Properties {
            zone: s.zone.as_deref().map(str::to_owned),
            host: s.host.as_deref().map(str::to_owned),
        },
    };
    let assumed = |a: &Assumption| Notification {
        level: "note",
        message: Text {
            text: match zone_host(a.zone.as_deref(), a.host.as_deref()) {
                Some(where_) => format!("assumed for {where_}: {}", a.text),
                None => format!("assumed: {}", a.text),
            },
        },
        associated_rule: None,
        properties: Properties {
            zone: a.zone.clone(),
            host: a.host.clone(),
        },
    };
    let list = std::mem::take(&mut rules.list);
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "zrules",
                    version: opts.tool_version.to_owned(),
                    rules: list,
                },
            },
            invocations: [Invocation {
                execution_successful: true,
                tool_execution_notifications: Seq(|| {
                    let skips = report.skipped.iter().map(|s| skipped(s, &rules));
                    skips.chain(report.assumptions.iter().map(assumed))
                }),
            }],
            column_kind: "unicodeCodePoints",
            results: Seq(|| report.diagnostics.iter().map(|d| result(d, &rules))),
        }],
    };
    // Only a failed write can fail: the log holds plain strings and
    // integers.
    serde_json::to_writer_pretty(&mut *sink, &log).map_err(io::Error::from)?;
    sink.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_paths_are_already_uri_references() {
        assert_eq!(path_to_uri("zones/www.cfg"), "zones/www.cfg");
        assert_eq!(path_to_uri("/zones/www@gz1/cfg"), "/zones/www@gz1/cfg");
        assert_eq!(path_to_uri("gz1:capture/zfs"), "gz1%3Acapture/zfs");
    }

    #[test]
    fn spaces_hashes_and_non_ascii_are_percent_encoded() {
        assert_eq!(path_to_uri("my zones/#1é.cfg"), "my%20zones/%231%C3%A9.cfg");
    }
}
