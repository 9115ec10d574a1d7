//! GitHub Actions workflow commands: each finding becomes an annotation on
//! the run (and on the pull request's diff when the file is in it).
//!
//! Syntax and escaping follow GitHub's "Workflow commands for GitHub
//! Actions": `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=T::M`
//! with `warning` and `notice` for the lower severities. In the message `%`,
//! `\r` and `\n` are escaped as `%25`, `%0D`, `%0A`; property values also
//! escape `:` and `,`, which would otherwise end the value. GitHub accepts
//! columns only for a region on one line, so multi-line findings carry
//! `line`/`endLine` alone. `endColumn` is exclusive, as in the other formats.
//! Statistics, skipped checks and the summary are not annotations and are
//! left out: the job log of a `--format full` step is the place for them.

use std::fmt::Write as _;
use std::io;

use super::{diagnostic_zone_host, region};
use crate::diagnostic::{Report, Severity};
use crate::source::Sources;

/// Writes one annotation per finding to `sink` as it goes: a run with a
/// finding per input row does not also hold its report as text.
pub(super) fn render_to(
    report: &Report,
    sources: &Sources,
    sink: &mut dyn io::Write,
) -> io::Result<()> {
    let mut out = String::new();
    for d in &report.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props: Vec<String> = Vec::new();
        if let Some(loc) = d.location() {
            let r = region(sources, loc);
            props.push(format!("file={}", escape_property(r.file)));
            props.push(format!("line={}", r.start.line));
            if r.start.line == r.end.line {
                props.push(format!("col={}", r.start.column));
                props.push(format!("endLine={}", r.end.line));
                props.push(format!("endColumn={}", r.end.column));
            } else {
                props.push(format!("endLine={}", r.end.line));
            }
        }
        props.push(format!("title={}", escape_property(&d.rule_id())));
        let mut message = d.message().to_string();
        if let Some(where_) = diagnostic_zone_host(d) {
            write!(message, "\n{where_}").expect("writing to a String");
        }
        if let Some(help) = d.help() {
            write!(message, "\nhelp: {help}").expect("writing to a String");
        }
        writeln!(
            out,
            "::{command} {}::{}",
            props.join(","),
            escape_data(&message)
        )
        .expect("writing to a String");
        sink.write_all(out.as_bytes())?;
        out.clear();
    }
    Ok(())
}

/// Escapes a command's message.
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`).
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_first_so_escapes_are_not_escaped_twice() {
        assert_eq!(escape_data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c%d\n"), "a%3Ab%2Cc%25d%0A");
    }
}
