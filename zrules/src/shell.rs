//! Commands as data, and the one POSIX shell quoter.
//!
//! Every command the toolkit reads about, generates or runs is a
//! [`Command`]: a program and its arguments, each one word. The capture
//! layout's read-only commands, `zgen`'s set-up and fix steps and
//! `zmigrate`'s executors and move plan all hold this type, so there is one
//! way to wrap a command in `zlogin` and one way to turn words into a
//! command line. It sits at the bottom of the layering (zrules) because the
//! capture layout, the lowest user of commands, lives here.
//!
//! Words become a line only where a shell will read it: ssh joins its
//! arguments with blanks and the remote user's login shell parses the
//! result (ssh(1): "the command is executed by the user's login shell"), and
//! `zlogin ZONE cmd args…` joins the words after the zone name and hands
//! them to the zone's shell (illumos `zlogin.c`, `prep_args`). So every word
//! that crosses either boundary goes through [`quote`] exactly once per
//! shell it crosses, and nowhere else is a command line assembled.
//!
//! The form is the POSIX one (XCU 2.2.2): inside single quotes every
//! character is literal, and a single quote is written as `'\''` (close,
//! escaped quote, reopen). Words made only of characters no shell treats
//! specially are left bare so scripts and messages stay readable. The
//! remote login shell must be a POSIX-family shell (sh, ksh, bash, zsh;
//! Solaris 11's root uses bash, illumos' ksh93 or bash); csh-family shells
//! treat `!` and newlines inside single quotes differently.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Which host of an operation a command runs on.
///
/// A move has two global zones, the one the zone leaves and the one it
/// arrives on, and the machine `zmigrate` runs on (which may be either).
/// `zgen`'s scripts run on the one global zone they are generated for,
/// which is their [`Role::Target`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The machine the tool itself runs on.
    Local,
    /// The global zone the zone leaves (a move's source).
    Source,
    /// The global zone a command is for: a move's target, or the host a
    /// generated script sets up or fixes.
    Target,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Local => "local",
            Role::Source => "source",
            Role::Target => "target",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One command: a program and its arguments, each passed as one word.
///
/// ```
/// use zrules::shell::Command;
///
/// let pkg = Command::new("pkg", ["list", "-H"]);
/// let inside = pkg.in_zone("www");
/// assert_eq!(inside.argv(), ["zlogin", "www", "pkg", "list", "-H"]);
/// // A word a shell would read differently is quoted, once per shell.
/// let odd = Command::new("echo", ["a b"]).in_zone("www");
/// assert_eq!(odd.to_string(), r#"zlogin www echo ''\''a b'\'''"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Command {
    pub program: String,
    pub args: Vec<String>,
}

impl Command {
    pub fn new<P, I, S>(program: P, args: I) -> Self
    where
        P: Into<String>,
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Command {
            program: program.into(),
            args: args.into_iter().map(Into::into).collect(),
        }
    }

    /// From an argument vector whose first word is the program. `None` when
    /// empty.
    pub fn from_argv<S: AsRef<str>>(argv: &[S]) -> Option<Self> {
        let (program, args) = argv.split_first()?;
        Some(Command::new(
            program.as_ref(),
            args.iter().map(AsRef::as_ref),
        ))
    }

    /// The program followed by its arguments.
    pub fn argv(&self) -> Vec<String> {
        std::iter::once(self.program.clone())
            .chain(self.args.iter().cloned())
            .collect()
    }

    /// This command run inside `zone` from its global zone, as
    /// `zlogin ZONE program args…`.
    ///
    /// zlogin(1) joins the words after the zone name with blanks and hands
    /// the line to the zone's shell, like ssh does, so each word is quoted
    /// here for that inner shell; whoever hands the `zlogin` command to the
    /// GZ's shell (ssh, a generated script) quotes it once more.
    pub fn in_zone(&self, zone: &str) -> Command {
        let mut args = Vec::with_capacity(self.args.len() + 2);
        args.push(zone.to_owned());
        args.push(quote(&self.program));
        args.extend(self.args.iter().map(|w| quote(w)));
        Command {
            program: ZLOGIN.to_owned(),
            args,
        }
    }

    /// The command line a POSIX shell reads back as exactly these words.
    pub fn to_shell(&self) -> String {
        quote_command(&self.argv())
    }
}

impl fmt::Display for Command {
    /// The command as a shell would read it (each word quoted only where
    /// needed), for scripts, messages and logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_shell())
    }
}

/// zlogin(1), the program that runs a command inside a non-global zone.
pub const ZLOGIN: &str = "zlogin";

/// Bytes no POSIX shell treats specially anywhere in a word.
fn is_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_./:@%+,=".contains(&b)
}

/// Quotes one word for a POSIX shell, as an argument (not the first word of
/// a command: see [`quote_command`]).
///
/// ```
/// use zrules::shell::quote;
/// assert_eq!(quote("mountpoint=/zones/www"), "mountpoint=/zones/www");
/// assert_eq!(quote("it's"), r"'it'\''s'");
/// assert_eq!(quote(""), "''");
/// ```
pub fn quote(word: &str) -> String {
    if !word.is_empty() && word.bytes().all(is_bare) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Quotes each word and joins them with blanks: one command line.
///
/// `=` is bare in arguments (`zfs create -o mountpoint=/zones/www` reads as
/// it is typed), but a first word holding `=` is quoted: in that position a
/// shell reads `NAME=value` as an assignment, not as the command (XCU 2.9.1).
pub fn quote_command<S: AsRef<str>>(words: &[S]) -> String {
    let mut line = String::new();
    for (i, word) in words.iter().enumerate() {
        let word = word.as_ref();
        if i > 0 {
            line.push(' ');
        }
        if i == 0 && word.contains('=') {
            line.push_str(&format!("'{}'", word.replace('\'', r"'\''")));
        } else {
            line.push_str(&quote(word));
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::process::Command as Process;

    #[test]
    fn bare_and_quoted() {
        assert_eq!(
            quote("svc:/network/ssh:default"),
            "svc:/network/ssh:default"
        );
        assert_eq!(quote("name,mountpoint,mounted"), "name,mountpoint,mounted");
        assert_eq!(quote("00:00:01:1f:0c:10"), "00:00:01:1f:0c:10");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("$(reboot)"), "'$(reboot)'");
        assert_eq!(quote("~root"), "'~root'");
        assert_eq!(quote("#x"), "'#x'");
        assert_eq!(quote("-oProxyCommand=x"), "-oProxyCommand=x");
        assert_eq!(quote_command(&["a=b", "c=d"]), "'a=b' c=d");
        assert_eq!(
            quote_command(&["zlogin", "www", "pkg list"]),
            "zlogin www 'pkg list'"
        );
    }

    #[test]
    fn commands() {
        let svcs = Command::new(
            "svcs",
            ["-H", "-o", "fmri", "-d", "svc:/network/ssh:default"],
        );
        assert_eq!(
            svcs.in_zone("www").argv(),
            [
                "zlogin",
                "www",
                "svcs",
                "-H",
                "-o",
                "fmri",
                "-d",
                "svc:/network/ssh:default"
            ]
        );
        let odd = Command::new("echo", ["a b", "it's"]).in_zone("www");
        assert_eq!(odd.argv(), ["zlogin", "www", "echo", "'a b'", r"'it'\''s'"]);
        assert_eq!(
            Command::new("zfs", ["list", "-H", "-o", "name,mountpoint"]).to_string(),
            "zfs list -H -o name,mountpoint"
        );
        assert_eq!(
            Command::new("echo", ["", "$HOME"]).to_string(),
            "echo '' '$HOME'"
        );
        assert_eq!(Command::from_argv::<String>(&[]), None);
        assert_eq!(
            Command::from_argv(&["uname", "-v"]),
            Some(Command::new("uname", ["-v"]))
        );
        assert_eq!(Role::Source.to_string(), "source");
    }

    /// What `sh -c LINE` passes to `printf '%s\0'`, split back into words.
    fn through_sh(line: &str) -> Vec<String> {
        let out = Process::new("/bin/sh")
            .arg("-c")
            .arg(format!("printf '%s\\0' {line}"))
            .output()
            .expect("run /bin/sh");
        assert!(
            out.status.success(),
            "sh failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut words: Vec<String> = out
            .stdout
            .split(|b| *b == 0)
            .map(|w| String::from_utf8(w.to_vec()).expect("utf-8"))
            .collect();
        // printf ends with a NUL, so the split leaves one empty tail.
        assert_eq!(words.pop().as_deref(), Some(""));
        words
    }

    #[test]
    fn nasty_words_round_trip() {
        let words = [
            "", " ", "'", "''", "\"", "\\", "$HOME", "`id`", "$(id)", "a\nb", "*", "?", "[a]", "~",
            "#x", "a;b", "a|b", "a&b", "!x", "{a,b}", "-n", "--", "é ü", "\t", "%s", "a=b",
        ];
        assert_eq!(through_sh(&quote_command(&words)), words);
    }

    #[test]
    fn an_assignment_shaped_program_is_not_an_assignment() {
        // Unquoted, `A=1 printf …` would set A and run printf.
        let out = Process::new("/bin/sh")
            .arg("-c")
            .arg(format!("{} 2>/dev/null; echo $?", quote_command(&["A=1"])))
            .output()
            .expect("sh");
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "127");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        /// Any words (NUL cannot be in an argument) come out of `sh -c` as
        /// they went in.
        #[test]
        fn round_trips_through_sh(words in prop::collection::vec("[^\u{0}]{0,12}", 1..6)) {
            prop_assert_eq!(through_sh(&quote_command(&words)), words);
        }

        /// A command wrapped for a zone and quoted for ssh survives two
        /// shells, as a `zlogin` line crossing ssh does.
        #[test]
        fn round_trips_through_two_shells(words in prop::collection::vec("[^\u{0}]{0,8}", 1..4)) {
            let inner = Command::new("printf", std::iter::once("%s\\0".to_owned()).chain(words.iter().cloned()));
            // The outer shell stands for the GZ's; `sh -c` for zlogin's.
            let zlogin_line = inner.in_zone("z").args[1..].join(" ");
            let out = Process::new("/bin/sh").arg("-c").arg(format!("/bin/sh -c {}", quote(&zlogin_line))).output().expect("sh");
            let mut got: Vec<String> = out.stdout.split(|b| *b == 0).map(|w| String::from_utf8_lossy(w).into_owned()).collect();
            let tail = got.pop();
            prop_assert_eq!(tail.as_deref(), Some(""));
            prop_assert_eq!(got, words);
        }
    }
}
