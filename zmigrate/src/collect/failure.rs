//! What could not be collected, and the two ways it is told: one line for
//! a person on stderr, one entry of the `collect-errors` file.

use std::fmt;

/// Something that could not be collected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The file that was not written, when the problem is one command's.
    pub path: Option<String>,
    /// The command, as a shell would read it.
    pub command: Option<String>,
    /// What happened (`exit status 1`, `no answer within 120 s; stopped`, …).
    pub what: String,
    /// The command's standard error.
    pub stderr: String,
    /// Where its standard output was kept, when it printed any.
    pub kept_stdout: Option<String>,
}

impl Failure {
    /// A problem that is not one command's (a zone whose name is unusable,
    /// zones that could not be listed).
    pub(crate) fn note(what: String) -> Self {
        Failure {
            path: None,
            command: None,
            what,
            stderr: String::new(),
            kept_stdout: None,
        }
    }

    /// The entry as written to `collect-errors`:
    /// `FILE<TAB>COMMAND<TAB>WHAT`, then each stderr line after a tab.
    pub(crate) fn entry(&self) -> String {
        let one_line = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        let mut what = one_line(&self.what);
        if let Some(k) = &self.kept_stdout {
            what.push_str(&format!(" (its standard output is in {k})"));
        }
        let mut out = format!(
            "{}\t{}\t{}\n",
            self.path.as_deref().unwrap_or("-"),
            self.command
                .as_deref()
                .map_or_else(|| "-".to_owned(), one_line),
            what
        );
        for line in self.stderr.lines() {
            out.push('\t');
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for Failure {
    /// One line for people: `zones/db/pkg-list: `zlogin db pkg list -H`: exit status 1: <first stderr line>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.path {
            write!(f, "{p}: ")?;
        }
        if let Some(c) = &self.command {
            write!(f, "`{c}`: ")?;
        }
        f.write_str(&self.what)?;
        let stderr = self.stderr.trim();
        if !stderr.is_empty() {
            write!(f, ": {}", stderr.lines().collect::<Vec<_>>().join(" / "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_newlines_cannot_break_an_entry() {
        let f = Failure {
            path: Some("share".into()),
            command: Some("share".into()),
            what: "a\tb\nc".into(),
            stderr: "one\ntwo\n".into(),
            kept_stdout: Some("failed/share".into()),
        };
        assert_eq!(
            f.entry(),
            "share\tshare\ta b c (its standard output is in failed/share)\n\tone\n\ttwo\n"
        );
        assert_eq!(f.to_string(), "share: `share`: a\tb\nc: one / two");
        assert_eq!(Failure::note("x".into()).entry(), "-\t-\tx\n");
    }
}
