//! `/etc/passwd` entries.
//!
//! Seven colon-separated fields (passwd(4)): `name:x:uid:gid:gecos:home:shell`.
//! Lines starting with `+` or `-` are NIS compatibility entries (`+`,
//! `+@netgroup`, `-name`, see passwd(4) on older Solaris and nsswitch.conf
//! `compat`); they name no local account, so they are skipped, not reported.

use std::str::FromStr;
use std::sync::Arc;

use super::{Fact, FieldError, Rows, parse_lines_except, split_plain};
use crate::source::Location;
use crate::span::Span;

/// What an `/etc/passwd` line looks like, for error messages.
pub const EXPECTED: &str = "7 colon-separated fields (name:password:uid:gid:gecos:home:shell)";

/// One line of `/etc/passwd` (`name:x:uid:gid:gecos:home:shell`) as the
/// places of its fields in the line, read through [`Passwd`]. A passwd of
/// many accounts held a copy of every name, home and shell (72 bytes a
/// row); the spans take 32. The comment field (gecos) is not kept: no check
/// reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswdRow {
    name: Span,
    pub uid: u32,
    pub gid: u32,
    home: Span,
    shell: Span,
}

impl FromStr for PasswdRow {
    type Err = FieldError;

    fn from_str(line: &str) -> Result<Self, Self::Err> {
        let f = split_plain(line, ':');
        if f.len() != 7 {
            return Err(FieldError::new(
                "row",
                Span::new(0, line.len()),
                format!("found {} field(s), expected {EXPECTED}", f.len()),
            ));
        }
        if f[0].0.is_empty() {
            return Err(FieldError::new("name", f[0].1, "the user name is empty"));
        }
        let id = |i: usize, field: &'static str| {
            f[i].0.parse::<u32>().map_err(|_| {
                FieldError::new(field, f[i].1, format!("'{}' is not a numeric ID", f[i].0))
            })
        };
        Ok(PasswdRow {
            name: f[0].1,
            uid: id(2, "uid")?,
            gid: id(3, "gid")?,
            home: f[5].1,
            shell: f[6].1,
        })
    }
}

/// The accounts of one `/etc/passwd`, read from its text: the rows hold
/// only where each field is.
#[derive(Clone, Debug)]
pub struct Passwd {
    text: Arc<String>,
    rows: Vec<Fact<PasswdRow>>,
}

/// One account of a [`Passwd`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswdEntry<'a> {
    pub name: &'a str,
    pub uid: u32,
    pub gid: u32,
    pub home: &'a str,
    /// Empty means the default shell (`/usr/bin/sh`), which is a login shell.
    pub shell: &'a str,
    /// The row.
    pub loc: Location,
    /// Where the name and the home are in the text, for findings that
    /// quote them ([`crate::diagnostic::Quoting`]).
    pub name_at: Span,
    pub home_at: Span,
}

impl Passwd {
    /// The rows parsed from `text` (by [`parse`]), which they point into:
    /// any other rows would read the wrong text, so only the capture
    /// reader makes one.
    pub(crate) fn new(text: Arc<String>, rows: Vec<Fact<PasswdRow>>) -> Self {
        Self { text, rows }
    }

    /// The text the rows were read from.
    pub fn text(&self) -> &Arc<String> {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The accounts, in file order.
    pub fn iter(&self) -> impl Iterator<Item = PasswdEntry<'_>> {
        self.rows.iter().map(|r| {
            // The row's spans are within its line; the line starts where
            // the row does.
            let at = |s: Span| s.shift(r.loc.span.start());
            let field = |s: Span| &self.text[at(s).range()];
            PasswdEntry {
                name: field(r.value.name),
                uid: r.value.uid,
                gid: r.value.gid,
                home: field(r.value.home),
                shell: field(r.value.shell),
                loc: r.loc,
                name_at: at(r.value.name),
                home_at: at(r.value.home),
            }
        })
    }
}

/// Parses `/etc/passwd`, skipping blank lines and NIS `+`/`-` entries.
pub fn parse(text: &str) -> Rows<PasswdRow> {
    parse_lines_except(text, |l| l.starts_with(['+', '-']), str::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_nis_lines() {
        let text = "root:x:0:0:Super-User:/root:/usr/bin/bash\n\
                    alice:x:101:10:Alice:/local/home/alice:/usr/bin/bash\n\
                    +@admins\n-mallory\n+\n\
                    nobody:x:60001:60001:NFS Anonymous Access User:/:\n";
        let rows = parse(text).into_result().expect("rows");
        assert_eq!(rows[1].span.start, 42);
        let file = crate::source::FileId(3);
        let rows = rows
            .into_iter()
            .map(|r| Fact::from_spanned(r, file))
            .collect();
        let passwd = Passwd::new(Arc::new(text.to_owned()), rows);
        let names: Vec<&str> = passwd.iter().map(|e| e.name).collect();
        assert_eq!(names, vec!["root", "alice", "nobody"]);
        let alice = passwd.iter().nth(1).expect("alice");
        assert_eq!((alice.uid, alice.gid), (101, 10));
        assert_eq!(
            (alice.home, alice.shell),
            ("/local/home/alice", "/usr/bin/bash")
        );
        assert_eq!(&text[alice.name_at.range()], "alice");
        assert_eq!(&text[alice.home_at.range()], "/local/home/alice");
        assert_eq!(alice.loc, Location::new(file, Span::new(42, 94)));
        assert_eq!(passwd.iter().nth(2).expect("nobody").shell, "");
    }

    #[test]
    fn bad_uid_and_field_count() {
        let errs = parse("root:x:0:0:Super-User:/root:/usr/bin/bash\nbob:x:1o1:10::/home/bob:/bin/sh\ncarol:x:102:10\n")
            .into_result().expect_err("bad");
        assert_eq!(errs.len(), 2);
        assert_eq!((errs[0].line, errs[0].span), (2, Span::new(48, 51)));
        assert!(errs[0].message.starts_with("uid:"), "{}", errs[0].message);
        assert_eq!(errs[1].line, 3);
    }
}
