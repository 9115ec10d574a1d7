//! Output formats for a [`crate::Report`].
//!
//! One report, five audiences: a person at a terminal (`full`, `concise`),
//! scripts (`json`, a versioned schema in `zrules/schema/`), code-scanning
//! dashboards (`sarif`) and GitHub Actions logs (`github`). Every format
//! takes positions from the same [`Region`] computation, so a finding points
//! at the same line and column whichever way it is printed. Renderers never
//! sort: the caller hands them diagnostics in their final order, and all
//! grouping here uses ordered maps so output is byte-for-byte repeatable.

mod concise;
mod full;
mod github;
mod json;
mod sarif;
mod text;

use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::source::{Location, Sources};
use crate::span::LineCol;

/// The output formats `zrules check --format` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Caret snippets of the offending text, like rustc or ruff.
    Full,
    /// One line per finding: `file:line:col: code check message`.
    Concise,
    /// The versioned JSON document described in `docs/json-output.md`.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::…`).
    Github,
}

/// Knobs that do not change what is reported, only how.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// Emit ANSI colours (`full` and `concise` only).
    pub color: bool,
    /// Print a count per rule instead of each finding (`full` and `concise`
    /// only; the machine formats always carry every finding).
    pub statistics: bool,
    /// The version written into machine-readable output.
    pub tool_version: &'static str,
}

/// Renders `report` in `format`, written to `out` as it is rendered, a
/// finding at a time: a run with a finding per input line does not also
/// hold its whole report as text (`zrules/benches/memory.rs`). The report
/// ends with a newline unless it is empty (GitHub output of a clean run is
/// empty).
pub fn render_to(
    report: &Report,
    sources: &Sources,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Full => full::render_to(report, sources, opts, out),
        Format::Concise => concise::render_to(report, sources, opts, out),
        Format::Json => json::render_to(report, sources, opts, out),
        Format::Sarif => sarif::render_to(report, sources, opts, out),
        Format::Github => github::render_to(report, sources, out),
    }
}

/// A sequence serialized from the iterator `F` makes when it is
/// serialized, one item at a time: the machine formats write a report's
/// findings and skipped checks as they convert them, never holding them
/// all converted.
pub(crate) struct Seq<F>(pub F);

impl<F, I> serde::Serialize for Seq<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// `1 zone`, `2 zones`, `0 zones`: a count with its noun, for every summary
/// line a person reads (zrules, zgen and zmigrate alike).
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// [`render_to`], as one text.
pub fn render(report: &Report, sources: &Sources, format: Format, opts: &RenderOptions) -> String {
    let mut buf = Vec::new();
    render_to(report, sources, format, opts, &mut buf).expect("writing to a Vec");
    String::from_utf8(buf).expect("the report is text")
}

/// Where a location lies, in the terms every format shares: the file's
/// display name, a 1-based start, and an end that is exclusive (the
/// position just past the last character, as SARIF defines `endColumn`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Region<'a> {
    pub file: &'a str,
    pub start: LineCol,
    pub end: LineCol,
}

/// The span of `loc` clamped to its text and to character boundaries, with a
/// trailing line break dropped: rules often span a whole line including its
/// `\n`, and "ends at column 1 of the next line" would point readers (and
/// GitHub annotations) at a line the finding is not about.
pub(crate) fn display_range(sources: &Sources, loc: Location) -> std::ops::Range<usize> {
    let text = sources.get(loc.file).text.as_str();
    let start = floor_char_boundary(text, loc.span.start());
    let mut end = floor_char_boundary(text, loc.span.end()).max(start);
    let bytes = text.as_bytes();
    if end > start && bytes[end - 1] == b'\n' {
        end -= 1;
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
    }
    start..end
}

pub(crate) fn region(sources: &Sources, loc: Location) -> Region<'_> {
    let file = sources.get(loc.file);
    let range = display_range(sources, loc);
    Region {
        file: file.name.as_str(),
        start: file.line_col(range.start),
        end: file.line_col(range.end),
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut i = offset.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The counts every format reports after the findings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    pub skipped: usize,
    pub files: usize,
    pub zones: usize,
    pub hosts: usize,
}

impl Counts {
    pub fn of(report: &Report) -> Self {
        let of = |s: Severity| {
            report
                .diagnostics
                .iter()
                .filter(|d| d.severity == s)
                .count()
        };
        Self {
            errors: of(Severity::Error),
            warnings: of(Severity::Warning),
            info: of(Severity::Info),
            skipped: report.skipped.len(),
            files: report.files,
            zones: report.zones,
            hosts: report.hosts,
        }
    }

    pub fn findings(&self) -> usize {
        self.errors + self.warnings + self.info
    }
}

/// `zone www, host gz1`, or `None` when the finding names neither.
pub(crate) fn zone_host(zone: Option<&str>, host: Option<&str>) -> Option<String> {
    match (zone, host) {
        (Some(z), Some(h)) => Some(format!("zone {z}, host {h}")),
        (Some(z), None) => Some(format!("zone {z}")),
        (None, Some(h)) => Some(format!("host {h}")),
        (None, None) => None,
    }
}

pub(crate) fn diagnostic_zone_host(d: &Diagnostic) -> Option<String> {
    zone_host(d.zone(), d.host())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::diagnostic::{Check, Code, Diagnostic, Severity};
    use crate::span::Span;

    /// Records the size of each write, so a test sees a report arrive in
    /// pieces.
    #[derive(Default)]
    pub(crate) struct Writes {
        pub sizes: Vec<usize>,
        pub bytes: Vec<u8>,
    }

    impl std::io::Write for Writes {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.sizes.push(buf.len());
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A report of many findings is written as it is rendered, in every
    /// format: no write holds more than a small part of it.
    #[test]
    fn every_format_writes_a_long_report_a_piece_at_a_time() {
        let n = 3000;
        let mut sources = Sources::new();
        let file = sources.add("big.zonecfg", "set zonepath=/export/www\n".repeat(n));
        let diagnostics = (0..n)
            .map(|i| {
                Diagnostic::new(
                    Code::Z08,
                    Check::Zonepath,
                    Severity::Error,
                    format!("zonepath {i} is /export/www, expected /zones/www"),
                )
                .with_help("set zonepath=/zones/www")
                .with_zone("www")
                .at(Location::new(file, Span::new(25 * i, 25 * i + 24)))
            })
            .collect();
        let report = Report {
            diagnostics,
            zones: 1,
            files: 1,
            ..Report::default()
        };
        let opts = RenderOptions {
            color: false,
            statistics: false,
            tool_version: "0",
        };
        for format in [
            Format::Full,
            Format::Concise,
            Format::Json,
            Format::Sarif,
            Format::Github,
        ] {
            let mut out = Writes::default();
            render_to(&report, &sources, format, &opts, &mut out).expect("written");
            let largest = out.sizes.iter().max().copied().unwrap_or(0);
            assert!(
                out.bytes.len() > 200 * 1024 && largest <= 128 * 1024,
                "{format:?}: {} bytes, largest write {largest}",
                out.bytes.len()
            );
            let text = String::from_utf8(out.bytes).expect("text");
            assert_eq!(text, render(&report, &sources, format, &opts));
            let mentions = text.matches("zonepath 2999 is").count();
            assert_eq!(mentions, 1, "{format:?} has the last finding once");
            if format == Format::Concise {
                // Chunked, yet every line whole and in order.
                let lines: Vec<&str> = text.lines().collect();
                for (i, line) in lines.iter().take(n).enumerate() {
                    assert_eq!(
                        *line,
                        format!(
                            "big.zonecfg:{}:1: Z08 zonepath zonepath {i} is /export/www, expected /zones/www",
                            i + 1
                        )
                    );
                }
                assert!(lines[n].starts_with("Found 3000 findings"), "{}", lines[n]);
            }
            if matches!(format, Format::Json | Format::Sarif) {
                let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
                let found = match format {
                    Format::Json => &doc["diagnostics"],
                    _ => &doc["runs"][0]["results"],
                };
                assert_eq!(found.as_array().map(Vec::len), Some(n), "{format:?}");
            }
        }
    }

    #[test]
    fn region_drops_a_trailing_line_break_and_ends_past_the_last_character() {
        let mut sources = Sources::new();
        let id = sources.add("z.cfg", "create -b\nset zonepath=/zones/www\r\nend\n");
        // The whole second line, CRLF included.
        let r = region(&sources, Location::new(id, Span::new(10, 35)));
        assert_eq!(r.file, "z.cfg");
        assert_eq!(r.start, LineCol { line: 2, column: 1 });
        assert_eq!(
            r.end,
            LineCol {
                line: 2,
                column: 24
            }
        );
    }

    #[test]
    fn region_of_an_empty_span_starts_and_ends_at_the_same_place() {
        let mut sources = Sources::new();
        let id = sources.add("z.cfg", "ab\ncd");
        let r = region(&sources, Location::new(id, Span::at(5)));
        assert_eq!(r.start, r.end);
        assert_eq!(r.start, LineCol { line: 2, column: 3 });
    }

    #[test]
    fn region_clamps_out_of_range_and_mid_character_offsets() {
        let mut sources = Sources::new();
        let id = sources.add("z.cfg", "é\n");
        // Offset 1 is inside the two-byte é; 99 is past the end.
        let r = region(&sources, Location::new(id, Span::new(1, 99)));
        assert_eq!(r.start, LineCol { line: 1, column: 1 });
        assert_eq!(r.end, LineCol { line: 1, column: 2 });
    }
}
