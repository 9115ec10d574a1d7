//! The parts the two human formats share: the summary line, the list of
//! skipped checks and the `--statistics` table.
//!
//! The summary is worded so a clean run with skipped checks never reads as
//! "everything passed": a check that could not run (a missing capture, an
//! unreadable file) proves nothing, and the house rules are only as good as
//! the checks that actually ran.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use annotate_snippets::renderer::{AnsiColor, Effects, Style};

use super::{Counts, RenderOptions, plural};
use crate::diagnostic::{Code, Report, Severity};

pub(super) const BOLD: Style = Style::new().effects(Effects::BOLD);
pub(super) const ERROR: Style = AnsiColor::BrightRed.on_default().effects(Effects::BOLD);
pub(super) const WARNING: Style = AnsiColor::Yellow.on_default().effects(Effects::BOLD);
pub(super) const INFO: Style = AnsiColor::BrightBlue.on_default().effects(Effects::BOLD);

/// `text` wrapped in `style`'s escapes when colour is on.
pub(super) fn paint(opts: &RenderOptions, style: Style, text: &str) -> String {
    if opts.color {
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

pub(super) fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => ERROR,
        Severity::Warning => WARNING,
        Severity::Info => INFO,
    }
}

/// `s` safe to print on one terminal line: control characters (an escape
/// sequence smuggled in through a zone name or a capture) shown as their
/// visible symbols, line breaks as spaces.
pub(super) fn one_line(s: &str) -> String {
    annotate_snippets::normalize_untrusted_str(&s.replace("\r\n", " ").replace(['\n', '\r'], " "))
}

/// `in 4 zones on 2 hosts`; hosts are left out when no capture was read.
fn scope(c: &Counts) -> String {
    let mut s = format!("in {}", plural(c.zones, "zone", "zones"));
    if c.hosts > 0 {
        write!(s, " on {}", plural(c.hosts, "host", "hosts")).expect("writing to a String");
    }
    s
}

/// The closing line of `full` and `concise` output.
pub(super) fn summary_line(c: &Counts) -> String {
    let skipped = plural(c.skipped, "check", "checks");
    if c.findings() == 0 {
        return if c.skipped == 0 {
            format!("No findings {}; every selected check ran.", scope(c))
        } else {
            format!(
                "No findings {}, but {skipped} could not run and prove nothing.",
                scope(c)
            )
        };
    }
    let mut s = format!(
        "Found {} ({}, {}, {} info) {}",
        plural(c.findings(), "finding", "findings"),
        plural(c.errors, "error", "errors"),
        plural(c.warnings, "warning", "warnings"),
        c.info,
        scope(c),
    );
    if c.skipped > 0 {
        write!(s, "; {skipped} skipped").expect("writing to a String");
    }
    s.push('.');
    s
}

/// Skipped checks folded by (code, check, reason): one reason usually
/// strikes many zones at once (a host without a `zfs list` capture skips
/// Z09 for every zone on it), and listing each would bury the one fix.
struct SkipGroup<'a> {
    count: usize,
    zones: BTreeSet<&'a str>,
    hosts: BTreeSet<&'a str>,
}

pub(super) fn skipped_section(report: &Report, opts: &RenderOptions) -> String {
    let mut groups: BTreeMap<(Code, &str, &str), SkipGroup<'_>> = BTreeMap::new();
    for s in &report.skipped {
        let g = groups
            .entry((s.code, s.check.as_str(), s.reason.as_ref()))
            .or_insert_with(|| SkipGroup {
                count: 0,
                zones: BTreeSet::new(),
                hosts: BTreeSet::new(),
            });
        g.count += 1;
        g.zones.extend(s.zone.as_deref());
        g.hosts.extend(s.host.as_deref());
    }
    if groups.is_empty() {
        return String::new();
    }
    let mut out = paint(opts, WARNING, "Skipped checks (not run, so not passed):");
    out.push('\n');
    for ((code, check, reason), g) in &groups {
        let id = paint(opts, BOLD, &format!("{code} {check}"));
        let times = if g.count == 1 {
            String::new()
        } else {
            format!(" ({}×)", g.count)
        };
        writeln!(out, "  {id}{times}: {}", one_line(reason)).expect("writing to a String");
        if !g.zones.is_empty() {
            let label = if g.zones.len() == 1 { "zone" } else { "zones" };
            writeln!(out, "      {label}: {}", join(&g.zones)).expect("writing to a String");
        }
        if !g.hosts.is_empty() {
            let label = if g.hosts.len() == 1 { "host" } else { "hosts" };
            writeln!(out, "      {label}: {}", join(&g.hosts)).expect("writing to a String");
        }
    }
    out
}

/// What the run assumed, one line per assumption with the zones it holds
/// for: `Assumed (no input said otherwise):` in `full`, `note:` lines in
/// `concise`. Empty when nothing was assumed.
pub(super) fn assumptions_section(report: &Report, opts: &RenderOptions, concise: bool) -> String {
    let mut groups: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
    for a in &report.assumptions {
        let g = groups.entry(a.text.as_ref()).or_default();
        g.0.extend(a.zone.as_deref());
        g.1.extend(a.host.as_deref());
    }
    let mut out = String::new();
    if groups.is_empty() {
        return out;
    }
    let where_ = |zones: &BTreeSet<&str>, hosts: &BTreeSet<&str>| {
        let mut parts = Vec::new();
        if !zones.is_empty() {
            let label = if zones.len() == 1 { "zone" } else { "zones" };
            parts.push(format!("{label}: {}", join(zones)));
        }
        if !hosts.is_empty() {
            let label = if hosts.len() == 1 { "host" } else { "hosts" };
            parts.push(format!("{label}: {}", join(hosts)));
        }
        parts
    };
    if concise {
        for (text, (zones, hosts)) in &groups {
            let parts = where_(zones, hosts);
            let at = if parts.is_empty() {
                String::new()
            } else {
                format!(" ({})", parts.join("; "))
            };
            writeln!(out, "{}: {}{at}", paint(opts, INFO, "note"), one_line(text))
                .expect("writing to a String");
        }
        return out;
    }
    out.push_str(&paint(opts, INFO, "Assumed (no input said otherwise):"));
    out.push('\n');
    for (text, (zones, hosts)) in &groups {
        writeln!(out, "  {}", one_line(text)).expect("writing to a String");
        for part in where_(zones, hosts) {
            writeln!(out, "      {part}").expect("writing to a String");
        }
    }
    out
}

/// How many zone or host names a skipped group lists before it counts the
/// rest: a fleet run skips a check on hundreds of zones for one reason, and
/// the reason matters more than the full list (which `json` carries).
const NAMES_SHOWN: usize = 8;

fn join(set: &BTreeSet<&str>) -> String {
    let mut names: Vec<String> = set.iter().take(NAMES_SHOWN).map(|s| one_line(s)).collect();
    if set.len() > NAMES_SHOWN {
        names.push(format!("and {} more", set.len() - NAMES_SHOWN));
    }
    names.join(", ")
}

/// `--statistics`: a count per rule id and severity, most frequent first
/// (ties by code, so the order is stable), in the shape of
/// `ruff --statistics`. Severity is part of the key because a policy can
/// raise or lower one rule for some zones only.
pub(super) fn statistics_table(report: &Report, opts: &RenderOptions) -> String {
    let mut counts: BTreeMap<(Code, &str, std::cmp::Reverse<Severity>), usize> = BTreeMap::new();
    for d in &report.diagnostics {
        *counts
            .entry((d.code, d.check.as_str(), std::cmp::Reverse(d.severity)))
            .or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    // Stable sort: equal counts keep the map's (code, check, severity) order.
    rows.sort_by_key(|row| std::cmp::Reverse(row.1));
    // At least four wide, so the column stays put while counts grow.
    let count_w = rows
        .iter()
        .map(|(_, n)| n.to_string().len())
        .max()
        .unwrap_or(1)
        .max(4);
    let id_w = rows
        .iter()
        .map(|((code, check, _), _)| code.as_str().len() + 1 + check.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for ((code, check, std::cmp::Reverse(sev)), n) in rows {
        let id = format!("{code} {check}");
        let pad = " ".repeat(id_w - (code.as_str().len() + 1 + check.chars().count()));
        writeln!(
            out,
            "{n:>count_w$}  {}{pad}  {}",
            paint(opts, BOLD, &id),
            paint(opts, severity_style(sev), sev.as_str()),
        )
        .expect("writing to a String");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(errors: usize, warnings: usize, info: usize, skipped: usize) -> Counts {
        Counts {
            errors,
            warnings,
            info,
            skipped,
            files: 3,
            zones: 4,
            hosts: 2,
        }
    }

    #[test]
    fn summary_counts_findings_by_severity_and_mentions_skips() {
        assert_eq!(
            summary_line(&counts(2, 1, 0, 5)),
            "Found 3 findings (2 errors, 1 warning, 0 info) in 4 zones on 2 hosts; 5 checks skipped."
        );
        assert_eq!(
            summary_line(&counts(1, 0, 0, 0)),
            "Found 1 finding (1 error, 0 warnings, 0 info) in 4 zones on 2 hosts."
        );
    }

    #[test]
    fn a_clean_run_with_skipped_checks_does_not_claim_success() {
        let line = summary_line(&counts(0, 0, 0, 1));
        assert_eq!(
            line,
            "No findings in 4 zones on 2 hosts, but 1 check could not run and prove nothing."
        );
        assert!(!line.contains("every selected check ran"));
    }

    #[test]
    fn long_name_lists_are_cut_with_a_count_of_the_rest() {
        let ten: BTreeSet<&str> =
            ["z0", "z1", "z2", "z3", "z4", "z5", "z6", "z7", "z8", "z9"].into();
        assert_eq!(join(&ten), "z0, z1, z2, z3, z4, z5, z6, z7, and 2 more");
        let eight: BTreeSet<&str> = ten.iter().copied().take(8).collect();
        assert_eq!(join(&eight), "z0, z1, z2, z3, z4, z5, z6, z7");
    }

    #[test]
    fn hosts_are_left_out_when_no_capture_was_read() {
        let c = Counts {
            zones: 1,
            ..Counts::default()
        };
        assert_eq!(
            summary_line(&c),
            "No findings in 1 zone; every selected check ran."
        );
    }
}
