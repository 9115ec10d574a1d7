//! `/etc/passwd` entries.
//!
//! Seven colon-separated fields (passwd(4)): `name:x:uid:gid:gecos:home:shell`.
//! Lines starting with `+` or `-` are NIS compatibility entries (`+`,
//! `+@netgroup`, `-name`, see passwd(4) on older Solaris and nsswitch.conf
//! `compat`); they name no local account, so they are skipped, not reported.

use std::str::FromStr;

use super::{FieldError, Rows, parse_lines_except, split_plain};
use crate::span::{Span, Text};

/// What an `/etc/passwd` line looks like, for error messages.
pub const EXPECTED: &str = "7 colon-separated fields (name:password:uid:gid:gecos:home:shell)";

/// One line of `/etc/passwd` (`name:x:uid:gid:gecos:home:shell`). The
/// comment field (gecos) is not kept: no check reads it, and a passwd of
/// many accounts held it once per row. Fields are [`Text`]: names, homes
/// and shells are short, held inline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswdEntry {
    pub name: Text,
    pub uid: u32,
    pub gid: u32,
    pub home: Text,
    /// Empty means the default shell (`/usr/bin/sh`), which is a login shell.
    pub shell: Text,
}

impl FromStr for PasswdEntry {
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
        Ok(PasswdEntry {
            name: f[0].0.into(),
            uid: id(2, "uid")?,
            gid: id(3, "gid")?,
            home: f[5].0.into(),
            shell: f[6].0.into(),
        })
    }
}

/// Parses `/etc/passwd`, skipping blank lines and NIS `+`/`-` entries.
pub fn parse(text: &str) -> Rows<PasswdEntry> {
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
        let names: Vec<&str> = rows.iter().map(|r| r.value.name.as_str()).collect();
        assert_eq!(names, vec!["root", "alice", "nobody"]);
        assert_eq!(rows[1].value.home, "/local/home/alice");
        assert_eq!(rows[2].value.shell, "");
        assert_eq!(rows[1].span.start, 42);
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
