//! POSIX shell quoting: the one place where words become a command line.
//!
//! ssh does not pass an argument vector to the remote host: it joins its
//! arguments with blanks and the remote user's login shell parses the
//! result (ssh(1), "the command is executed by the user's login shell").
//! `zlogin ZONE cmd args…` does the same inside the zone. So every word that
//! crosses either boundary goes through [`quote`] exactly once per shell it
//! crosses, and nowhere else is a command line assembled.
//!
//! The form is the POSIX one (XCU 2.2.2): inside single quotes every
//! character is literal, and a single quote is written as `'\''` (close,
//! escaped quote, reopen). Words made only of characters no shell treats
//! specially are left bare so messages stay readable. The remote login shell
//! must be a POSIX-family shell (sh, ksh, bash, zsh; Solaris 11's root uses
//! bash, illumos' ksh93 or bash); csh-family shells treat `!` and newlines
//! inside single quotes differently.

/// Quotes one word for a POSIX shell.
pub fn quote(word: &str) -> String {
    // `=` is left out on purpose: a bare `a=b` as the first word is an
    // assignment, not a command.
    let bare = |b: u8| b.is_ascii_alphanumeric() || b"-_./:@%+,".contains(&b);
    if !word.is_empty() && word.bytes().all(bare) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Quotes each word and joins them with blanks: one command line.
pub fn quote_command<S: AsRef<str>>(words: &[S]) -> String {
    words
        .iter()
        .map(|w| quote(w.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::process::Command;

    #[test]
    fn bare_and_quoted() {
        assert_eq!(
            quote("svc:/network/ssh:default"),
            "svc:/network/ssh:default"
        );
        assert_eq!(quote("name,mountpoint,mounted"), "name,mountpoint,mounted");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("a=b"), "'a=b'");
        assert_eq!(quote("~root"), "'~root'");
        assert_eq!(quote("-oProxyCommand=x"), "'-oProxyCommand=x'");
        assert_eq!(
            quote_command(&["zlogin", "www", "pkg list"]),
            "zlogin www 'pkg list'"
        );
    }

    /// What `sh -c LINE` passes to `printf '%s\0'`, split back into words.
    fn through_sh(line: &str) -> Vec<String> {
        let out = Command::new("/bin/sh")
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

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        /// Any words (NUL cannot be in an argument) come out of `sh -c` as
        /// they went in.
        #[test]
        fn round_trips_through_sh(words in prop::collection::vec("[^\u{0}]{0,12}", 1..6)) {
            prop_assert_eq!(through_sh(&quote_command(&words)), words);
        }

        /// Quoting twice survives two shells, as a `zlogin` line crossing
        /// ssh does.
        #[test]
        fn round_trips_through_two_shells(words in prop::collection::vec("[^\u{0}]{0,8}", 1..4)) {
            let inner = format!("printf '%s\\0' {}", quote_command(&words));
            let out = Command::new("/bin/sh").arg("-c").arg(format!("/bin/sh -c {}", quote(&inner))).output().expect("sh");
            let mut got: Vec<String> = out.stdout.split(|b| *b == 0).map(|w| String::from_utf8_lossy(w).into_owned()).collect();
            let tail = got.pop();
            prop_assert_eq!(tail.as_deref(), Some(""));
            prop_assert_eq!(got, words);
        }
    }
}
