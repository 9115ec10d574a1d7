//! `share` without arguments: the shares currently published.
//!
//! The layout differs by platform, so each non-empty line is kept whole as
//! one published share and its path is picked out when one is visible:
//!
//! * illumos (and Solaris 10) print through sharemgr's legacy `share`
//!   (`out_share` in `usr/src/cmd/dfs.cmds/sharemgr/commands.c`):
//!   `%-14.14s  %s   %s   "%s"`, i.e. RESOURCE[@GROUP], PATH, OPTIONS,
//!   "DESCRIPTION", e.g. `-               /migration   rw   ""`
//!   (`fixtures/real/share-borges-cookbook-solaris10.txt`).
//! * Solaris 11 lists published shares too (share(1M): "share displays
//!   published shares"); its column layout is not confirmed from a real
//!   sample here. `/etc/dfs/sharetab` on Solaris 11 reads
//!   `PATH NAME PROTO OPTIONS` (Oracle "Legacy ZFS Sharing Syntax").
//!
//! In every known layout the path is the first blank-separated token that
//! starts with `/`, which is what [`Share::path`] reports. The mere presence
//! of a line is what the GZ-shares-nothing check needs.

use std::str::FromStr;

use super::{FieldError, Rows, parse_lines, split_blank};

/// One published share: the line as printed, and its path when visible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    /// The line with surrounding blanks trimmed.
    pub line: String,
    /// The first token starting with `/`, if any.
    pub path: Option<String>,
}

impl FromStr for Share {
    type Err = FieldError;

    fn from_str(line: &str) -> Result<Self, Self::Err> {
        let path = split_blank(line)
            .into_iter()
            .map(|(t, _)| t)
            .find(|t| t.starts_with('/'))
            .map(str::to_owned);
        Ok(Share {
            line: line.trim().to_owned(),
            path,
        })
    }
}

/// Parses `share` output: one share per non-blank line. Never fails; the
/// `Rows` type keeps the interface of the other parsers.
pub fn parse(text: &str) -> Rows<Share> {
    parse_lines(text, str::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn illumos_and_sharetab_layouts() {
        let rows = parse("-               /migration   rw   \"\"  \n\n-@tank/export   /export   sec=sys,rw   \"\"  \ntank_home\t/tank/home\tnfs\tsec=sys,rw\n")
            .into_result().expect("rows");
        let paths: Vec<Option<&str>> = rows.iter().map(|r| r.value.path.as_deref()).collect();
        assert_eq!(
            paths,
            vec![Some("/migration"), Some("/export"), Some("/tank/home")]
        );
        assert_eq!(rows[0].value.line, "-               /migration   rw   \"\"");
        assert_eq!(rows[1].span.start, 40);
    }

    #[test]
    fn no_path_still_counts_as_a_share() {
        let rows = parse("something odd\n").into_result().expect("rows");
        assert_eq!(rows[0].value.path, None);
    }
}
