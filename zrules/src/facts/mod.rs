//! Host facts: typed views of the raw outputs of read-only commands.
//!
//! One submodule per command parses its machine-readable output (`-p -o`,
//! `-H`) row by row; a row that does not parse is reported with its line and
//! field, never guessed at. [`HostFacts`] gathers what one capture directory
//! (see [`crate::capture`]) says about a global zone and its zones. Every
//! fact keeps the [`Location`] of the row it came from so a diagnostic about
//! a MAC address can point at the `dladm show-vnic` line that shows it.
//!
//! A field is `None` when the capture lacks the file: rules then report the
//! check as skipped, never as passed.

use std::collections::BTreeMap;

use crate::source::{FileId, Location};
use crate::span::{Span, Spanned};

pub mod dladm;
pub mod ipadm;
pub mod passwd;
pub mod pkg;
pub mod share;
pub mod svcs;
pub mod zfs;
pub mod zoneadm;

pub use dladm::{Link, Vnic, VnicField};
pub use ipadm::Addr;
pub use passwd::{Passwd, PasswdEntry, PasswdRow};
pub use pkg::Package;
pub use share::Share;
pub use zfs::{Dataset, ZfsProp};
pub use zoneadm::{ZoneEntry, ZoneState};

/// A parsed value and the row it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact<T> {
    pub value: T,
    pub loc: Location,
}

impl<T> Fact<T> {
    /// Ties a parsed row to the file it was read from.
    pub fn from_spanned(row: Spanned<T>, file: FileId) -> Self {
        Self {
            value: row.value,
            loc: Location::new(file, row.span),
        }
    }
}

/// What every parser returns: the rows that parsed, with their byte spans,
/// and one error per row that did not. One bad row (an elided `...` in a
/// pasted listing, a truncated line) costs that row only: the capture loader
/// keeps the others and reports the bad one as `Z00`, which fails the run,
/// so a rule's verdict on the partial list is never the only word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rows<T> {
    pub rows: Vec<Spanned<T>>,
    pub errors: Vec<RowError>,
}

impl<T> Rows<T> {
    /// All or nothing: the rows when every line parsed, else every error.
    /// For callers that act on the list as a whole (the zones to collect).
    pub fn into_result(self) -> Result<Vec<Spanned<T>>, Vec<RowError>> {
        if self.errors.is_empty() {
            Ok(self.rows)
        } else {
            Err(self.errors)
        }
    }
}

/// A command output that could not be parsed: which line and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RowError {
    /// 1-based line within the output.
    pub line: usize,
    /// Byte range of the offending text within the whole output.
    pub span: crate::span::Span,
    pub message: String,
}

impl RowError {
    pub fn new(line: usize, span: Span, message: impl Into<String>) -> Self {
        Self {
            line,
            span,
            message: message.into(),
        }
    }
}

/// Why one self-contained row (one line) did not parse: which field, where
/// in the line, and what was expected. The `FromStr` impls of the row types
/// return it; the whole-output parsers turn it into a [`RowError`] with the
/// line number and a span into the whole output.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The column name as the command's man page spells it (`ZONEPATH`,
    /// `MACADDRESS`), or a description (`row`) when no one field is at fault.
    pub field: &'static str,
    /// Byte range within the line.
    pub span: Span,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, span: Span, message: impl Into<String>) -> Self {
        Self {
            field,
            span,
            message: message.into(),
        }
    }

    /// This error as a [`RowError`] of line `line` starting at byte `start`.
    pub fn at_line(self, line: usize, start: usize) -> RowError {
        RowError::new(line, self.span.shift(start), self.to_string())
    }
}

/// One line of a command output, without its line terminator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    /// 1-based.
    pub number: usize,
    /// Byte offset of the line's first character in the whole output.
    pub start: usize,
    pub text: &'a str,
}

impl Line<'_> {
    /// The span of the whole line within the output.
    pub fn span(&self) -> Span {
        Span::new(self.start, self.start + self.text.len())
    }
}

/// The lines of `text`. A final line without `\n` counts; the empty string
/// after a final `\n` does not. A `\r` before `\n` is dropped so a capture
/// that went through a Windows editor still parses.
pub fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut start = 0;
    let mut number = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let rest = &text[start..];
        let (raw, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        let line_text = raw.strip_suffix('\r').unwrap_or(raw);
        number += 1;
        let line = Line {
            number,
            start,
            text: line_text,
        };
        start += advance;
        Some(line)
    })
}

/// Parses every non-blank line of `text` with `row`, collecting all errors.
/// Blank lines carry no row in any of the outputs parsed here (they only
/// appear as a trailing newline or around hand-pasted text), so they are
/// skipped rather than reported.
pub(crate) fn parse_lines<T>(
    text: &str,
    row: impl FnMut(&str) -> Result<T, FieldError>,
) -> Rows<T> {
    parse_lines_except(text, |_| false, row)
}

/// [`parse_lines`], also skipping the lines `skip` says carry no row.
///
/// When no line parses and the output looks like a human-readable table
/// (`dladm show-vnic` without `-p`, `zoneadm list -cv`, `zfs list` without
/// `-H`: a header of capitalised column names, or several lines none of
/// which parses), the whole output is one error at its first line rather
/// than one per line: the fix is to capture the machine-readable form, not
/// to repair rows.
pub(crate) fn parse_lines_except<T>(
    text: &str,
    mut skip: impl FnMut(&str) -> bool,
    mut row: impl FnMut(&str) -> Result<T, FieldError>,
) -> Rows<T> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut header = None;
    let mut unreported: Option<(Line<'_>, usize)> = None;
    for line in lines(text) {
        if line.text.trim().is_empty() || skip(line.text) {
            continue;
        }
        match row(line.text) {
            Ok(value) => {
                // Grown by the density of the rows read so far, not by
                // doubling, so a long output is not copied at each doubling
                // (see `grow.rs`); unparsable lines make no room.
                crate::grow::reserve_for_rest(&mut rows, line.start, text.len());
                rows.push(Spanned::new(value, line.span()));
            }
            Err(e) => {
                if rows.is_empty() && errors.is_empty() && is_table_header(line.text) {
                    header = Some(line);
                }
                if errors.len() < MAX_ROW_ERRORS {
                    errors.push(e.at_line(line.number, line.start));
                } else {
                    unreported.get_or_insert((line, 0)).1 += 1;
                }
            }
        }
    }
    if let Some((line, n)) = unreported {
        errors.push(RowError::new(
            line.number,
            line.span(),
            format!("this line and {} more do not parse either", n - 1),
        ));
    }
    if let Some(h) = header {
        // The header's own error (always the first) becomes the hint; the
        // table's rows go with it unless some parsed (`pkg list` without
        // `-H` prints parsable rows under its header).
        let table = RowError::new(
            h.number,
            h.span(),
            format!(
                "this is a human-readable table (header `{}`), not the command's parsable output",
                split_blank(h.text)
                    .iter()
                    .map(|(w, _)| *w)
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        );
        if rows.is_empty() {
            errors = vec![table];
        } else {
            errors[0] = table;
        }
    } else if rows.is_empty() && errors.len() > 1 {
        let first = errors.swap_remove(0);
        errors = vec![RowError::new(
            first.line,
            first.span,
            format!(
                "none of its lines parses (is it the human-readable form?); line {}: {}",
                first.line, first.message
            ),
        )];
    }
    Rows { rows, errors }
}

/// Bad rows reported one by one per output; the rest are counted in one
/// more error, so a large garbage file costs no more than a small one.
const MAX_ROW_ERRORS: usize = 100;

/// A line of column names as the human-readable listings print them:
/// `LINK  OVER  SPEED …`, `  ID NAME  STATUS …`, `NAME (PUBLISHER) VERSION IFO`.
fn is_table_header(line: &str) -> bool {
    let words = split_blank(line);
    words.len() >= 2
        && words.iter().all(|(w, _)| {
            w.chars().any(|c| c.is_ascii_uppercase())
                && w.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "()/-_".contains(c))
        })
}

/// Splits `line` on `sep`, returning each field with its span in the line.
pub(crate) fn split_plain(line: &str, sep: char) -> Vec<(&str, Span)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in line.char_indices() {
        if c == sep {
            out.push((&line[start..i], Span::new(start, i)));
            start = i + c.len_utf8();
        }
    }
    out.push((&line[start..], Span::new(start, line.len())));
    out
}

/// Splits `line` on runs of blanks (space or tab), with spans.
pub(crate) fn split_blank(line: &str) -> Vec<(&str, Span)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        let blank = c == ' ' || c == '\t';
        match (blank, start) {
            (true, Some(s)) => {
                out.push((&line[s..i], Span::new(s, i)));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((&line[s..], Span::new(s, line.len())));
    }
    out
}

/// The first line of a one-value output (`cat /etc/nodename`, `uname -v`),
/// trimmed, with its span. `what` names the value for the error message.
pub fn parse_first_line(text: &str, what: &str) -> Result<Spanned<String>, RowError> {
    match lines(text).next() {
        Some(line) if !line.text.trim().is_empty() => {
            let trimmed = line.text.trim();
            let offset = line.text.find(trimmed).unwrap_or(0);
            let start = line.start + offset;
            Ok(Spanned::new(
                trimmed.to_owned(),
                Span::new(start, start + trimmed.len()),
            ))
        }
        Some(line) => Err(RowError::new(
            line.number,
            line.span(),
            format!("expected {what} on the first line, found a blank line"),
        )),
        None => Err(RowError::new(
            1,
            Span::at(0),
            format!("expected {what}, found empty output"),
        )),
    }
}

/// Facts about one system (the GZ itself, or one NGZ seen through `zlogin`).
#[derive(Clone, Debug, Default)]
pub struct SystemFacts {
    /// `cat /etc/nodename`
    pub nodename: Option<Fact<String>>,
    /// `pkg list -H`
    pub packages: Option<Vec<Fact<Package>>>,
    /// `cat /etc/passwd`
    pub passwd: Option<Passwd>,
    /// `svcs -H -o fmri -d FMRI`, keyed by the FMRI asked about. A key is
    /// absent when its capture file is.
    pub svc_deps: BTreeMap<String, SvcDeps>,
}

/// The dependencies of one service, from one `svcs -d` capture file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SvcDeps {
    /// The capture file (for diagnostics about the whole list).
    pub file: Option<Location>,
    pub fmris: Vec<Fact<String>>,
}

/// What a capture says about one non-global zone.
#[derive(Clone, Debug, Default)]
pub struct ZoneCapture {
    /// `zonecfg -z ZONE export`, added to the run's sources.
    pub config: Option<crate::source::FileId>,
    /// Facts read inside the zone (running zones only).
    pub system: SystemFacts,
}

/// Everything one capture directory says about one global zone.
#[derive(Clone, Debug, Default)]
pub struct HostFacts {
    /// The capture's label (directory name), used as `host` in diagnostics.
    pub name: String,
    /// `uname -v`, when captured (e.g. `11.4.0.15.0`, `omnios-r151048-…`).
    pub uname_v: Option<Fact<String>>,
    pub gz: SystemFacts,
    /// `zoneadm list -cp`
    pub zones: Option<Vec<Fact<ZoneEntry>>>,
    /// `dladm show-vnic -p -o link,over,macaddress,macaddrtype`
    pub vnics: Option<Vec<Fact<Vnic>>>,
    /// `dladm show-link -p -o link,class,over`
    pub links: Option<Vec<Fact<Link>>>,
    /// `ipadm show-addr -p -o addrobj,type,state,addr`
    pub addrs: Option<Vec<Fact<Addr>>>,
    /// `zfs list -H -o name,mountpoint,mounted -t filesystem`
    pub datasets: Option<Vec<Fact<Dataset>>>,
    /// `zfs get -H -o name,property,value,source sharenfs,sharesmb` (no `-t`:
    /// Solaris 11's `zfs get` has none, so snapshots and volumes appear too,
    /// with value `-`)
    pub share_props: Option<Vec<Fact<ZfsProp>>>,
    /// `share` (one line per published share)
    pub shares: Option<Vec<Fact<String>>>,
    /// Per-zone captures, keyed by zone name.
    pub ngz: BTreeMap<String, ZoneCapture>,
}

impl HostFacts {
    /// The VNIC rows with Solaris 11's double listing of a VNIC held by a
    /// running zone (`vnic1` and `zone1/vnic1`) merged into the zone's row;
    /// `None` when the capture lacks `dladm show-vnic`.
    pub fn distinct_vnics(&self) -> Option<Vec<&Fact<Vnic>>> {
        self.vnics
            .as_ref()
            .map(|v| dladm::merge_zone_views(v, |f| &f.value))
    }

    /// The `zoneadm list -cp` row of zone `name`.
    pub fn zone_entry(&self, name: &str) -> Option<&Fact<ZoneEntry>> {
        self.zones.as_ref()?.iter().find(|z| z.value.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_human_table_is_one_error_at_its_header() {
        // `zoneadm list -cv`, the layout of the Oracle Solaris 11 guide
        // ("Listing Zones"); none of its rows is a `-p` row.
        let text = "  ID NAME             STATUS     PATH                           BRAND    IP\n   \
                    0 global           running    /                              solaris  shared\n   \
                    - myzone           configured /zones/myzone                  solaris  excl\n";
        let rows = zoneadm::parse(text);
        assert!(rows.rows.is_empty());
        assert_eq!(rows.errors.len(), 1, "{:?}", rows.errors);
        assert_eq!(rows.errors[0].line, 1);
        assert!(
            rows.errors[0]
                .message
                .contains("(header `ID NAME STATUS PATH BRAND IP`)"),
            "{}",
            rows.errors[0].message
        );
    }

    #[test]
    fn a_header_over_parsable_rows_costs_the_header_only() {
        // `pkg list` without -H: the rows are the -H rows.
        let text = "NAME (PUBLISHER)        VERSION        IFO\n\
                    system/zones            0.5.11-0.175.1.0.0.24.2  i--\n";
        let rows = pkg::parse(text);
        assert_eq!(rows.rows.len(), 1);
        assert_eq!(rows.errors.len(), 1);
        assert!(
            rows.errors[0].message.contains("human-readable table"),
            "{}",
            rows.errors[0].message
        );
    }

    #[test]
    fn row_errors_are_capped() {
        let text = "bad\n".repeat(1000) + "0:global:running:/::solaris:shared:-:none\n";
        let rows = zoneadm::parse(&text);
        assert_eq!(rows.rows.len(), 1);
        assert_eq!(rows.errors.len(), MAX_ROW_ERRORS + 1);
        assert_eq!(
            rows.errors[MAX_ROW_ERRORS].message,
            "this line and 899 more do not parse either"
        );
        assert_eq!(rows.errors[MAX_ROW_ERRORS].line, 101);
    }
}
