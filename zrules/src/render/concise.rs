//! One line per finding, for grep, editors' quickfix lists and long runs.
//!
//! `file:line:col: Z06 mac-ip-bytes message` is the shape compilers, ruff
//! and `grep -n` share, so editors jump to the place without a plugin.
//! Findings about the run as a whole have no place; they print `-` and, as
//! the file name cannot tell which zone or host they concern, a
//! `(zone …, host …)` suffix. Located findings skip the suffix: the file
//! (a zone's export or a host's capture) already says it. Whatever a
//! message holds, a finding stays on one line.

use std::fmt::Write as _;
use std::io;

use super::text::{self, BOLD, one_line, paint, severity_style};
use super::{Counts, RenderOptions, diagnostic_zone_host, region};
use crate::diagnostic::Report;
use crate::source::Sources;

/// Bytes of output gathered before they are written: a report of a
/// million findings is written as it is rendered, never held whole.
const CHUNK: usize = 64 * 1024;

/// Writes the report to `sink` a chunk at a time.
pub(super) fn render_to(
    report: &Report,
    sources: &Sources,
    opts: &RenderOptions,
    sink: &mut dyn io::Write,
) -> io::Result<()> {
    let mut out = String::new();
    if opts.statistics {
        out.push_str(&text::statistics_table(report, opts));
    } else {
        for d in &report.diagnostics {
            if out.len() >= CHUNK {
                sink.write_all(out.as_bytes())?;
                out.clear();
            }
            let place = match d.location() {
                Some(loc) => {
                    let r = region(sources, loc);
                    format!("{}:{}:{}:", r.file, r.start.line, r.start.column)
                }
                None => "-:".to_owned(),
            };
            let code = paint(opts, severity_style(d.severity), d.code.as_str());
            write!(
                out,
                "{} {code} {} {}",
                paint(opts, BOLD, &one_line(&place)),
                d.check,
                one_line(&d.message())
            )
            .expect("writing to a String");
            if d.location().is_none()
                && let Some(where_) = diagnostic_zone_host(d)
            {
                write!(out, " ({})", one_line(&where_)).expect("writing to a String");
            }
            out.push('\n');
        }
    }
    out.push_str(&text::assumptions_section(report, opts, true));
    out.push_str(&paint(opts, BOLD, &text::summary_line(&Counts::of(report))));
    out.push('\n');
    sink.write_all(out.as_bytes())
}
