//! The default terminal format: rustc/ruff-style caret snippets.
//!
//! A zone administrator fixes a finding in the text `zonecfg export` or a
//! capture printed, so the finding is shown on that text: the header names
//! both the rule code and the check (`error[Z06 mac-ip-bytes]`), the snippet
//! underlines the offending value, related places (the other VNIC with the
//! same MAC) are underlined beside it or shown as their own snippet when they
//! live in another file, and zone, host and fix follow as notes. Drawing is
//! left to `annotate-snippets`, so this module only decides what to show.

use std::io;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet, normalize_untrusted_str};

use super::text::{self, BOLD, paint};
use super::{Counts, RenderOptions, diagnostic_zone_host, display_range};
use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::source::{FileId, Location, Sources};

/// Writes the report to `sink` a block at a time (one per finding, then
/// the skipped checks, assumptions and summary), blocks separated by a
/// blank line: a run with a finding per input row does not also hold its
/// report as text.
pub(super) fn render_to(
    report: &Report,
    sources: &Sources,
    opts: &RenderOptions,
    sink: &mut dyn io::Write,
) -> io::Result<()> {
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut first = true;
    let mut block = |text: &str| -> io::Result<()> {
        if !std::mem::take(&mut first) {
            sink.write_all(b"\n\n")?;
        }
        sink.write_all(text.trim_end().as_bytes())
    };
    if opts.statistics {
        let table = text::statistics_table(report, opts);
        if !table.is_empty() {
            block(&table)?;
        }
    } else {
        for d in &report.diagnostics {
            block(&renderer.render(&groups(d, sources)))?;
        }
    }
    let skipped = text::skipped_section(report, opts);
    if !skipped.is_empty() {
        block(&skipped)?;
    }
    let assumed = text::assumptions_section(report, opts, false);
    if !assumed.is_empty() {
        block(&assumed)?;
    }
    block(&paint(opts, BOLD, &text::summary_line(&Counts::of(report))))?;
    sink.write_all(b"\n")
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// One `annotate-snippets` report for one diagnostic: the primary group
/// (header, snippet of the primary file, notes) and one secondary group per
/// related place in another file.
fn groups<'a>(d: &'a Diagnostic, sources: &'a Sources) -> Vec<Group<'a>> {
    let title = level(d.severity).primary_title(d.message()).id(d.rule_id());
    let mut primary = Group::with_title(title);
    let mut secondary = Vec::new();
    if let Some(loc) = d.location() {
        let mut marks = vec![Mark {
            range: display_range(sources, loc),
            kind: AnnotationKind::Primary,
            label: None,
        }];
        for (rel, label) in d.related() {
            if rel.file == loc.file {
                marks.push(Mark {
                    range: display_range(sources, *rel),
                    kind: AnnotationKind::Context,
                    label: Some(label.as_str()),
                });
            } else {
                secondary.push(related_group(sources, *rel, label));
            }
        }
        primary = primary.element(snippet(sources, loc.file, marks));
    } else {
        // Without a primary snippet there is nothing to hang related
        // places on but their own groups.
        for (rel, label) in d.related() {
            secondary.push(related_group(sources, *rel, label));
        }
    }
    if let Some(where_) = diagnostic_zone_host(d) {
        primary = primary.element(Level::NOTE.message(normalize_untrusted_str(&where_)));
    }
    if let Some(help) = d.help() {
        primary = primary.element(Level::HELP.message(normalize_untrusted_str(&help)));
    }
    let mut all = vec![primary];
    all.extend(secondary);
    all
}

fn related_group<'a>(sources: &'a Sources, rel: Location, label: &str) -> Group<'a> {
    let mark = Mark {
        range: display_range(sources, rel),
        kind: AnnotationKind::Primary,
        label: None,
    };
    Group::with_title(Level::NOTE.secondary_title(normalize_untrusted_str(label))).element(snippet(
        sources,
        rel.file,
        vec![mark],
    ))
}

struct Mark<'a> {
    range: Range<usize>,
    kind: AnnotationKind,
    label: Option<&'a str>,
}

/// A snippet of only the lines the marks touch: capture files run to
/// thousands of lines, and handing the whole text to the renderer for every
/// finding would make output time grow with file size times findings.
fn snippet<'a>(
    sources: &'a Sources,
    file: FileId,
    marks: Vec<Mark<'a>>,
) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
    let src = sources.get(file);
    let text = src.text.as_str();
    let first = marks.iter().map(|m| m.range.start).min().unwrap_or(0);
    let last = marks.iter().map(|m| m.range.end).max().unwrap_or(0);
    let from = text[..first].rfind('\n').map_or(0, |i| i + 1);
    let to = text[last..].find('\n').map_or(text.len(), |i| last + i);
    let mut snippet = Snippet::source(&text[from..to])
        .line_start(src.line_col(from).line)
        .path(src.name.as_str());
    for m in marks {
        let span = (m.range.start - from)..(m.range.end - from);
        snippet = snippet.annotation(m.kind.span(span).label(m.label));
    }
    snippet
}
