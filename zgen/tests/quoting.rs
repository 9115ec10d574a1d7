//! Every argument survives the shell: what a rendered script says, a real
//! POSIX shell reads back as the same word, including in-zone arguments,
//! which zlogin joins with blanks and hands to a second shell. The quoter
//! is `zrules::shell`'s (tested there too); these tests hold zgen's steps
//! and scripts to it.

use std::process::Command;

use proptest::prelude::*;
use zgen::step::{Plan, Program, Step};
use zgen::{Format, render};
use zrules::shell::quote_command;

/// Runs `sh -c SCRIPT` and returns the words `printf '%s\0'` printed.
fn words_after_sh(script: &str) -> Vec<String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .output()
        .expect("sh runs");
    assert!(
        out.status.success(),
        "sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8 back");
    text.split_terminator('\0').map(str::to_owned).collect()
}

fn arg() -> impl Strategy<Value = String> {
    // Any text but NUL (no argv can hold it), weighted towards shell syntax.
    prop_oneof![
        "[^\u{0}]{0,12}",
        "[ '\"$`\\\\;&|<>(){}*?#~!=\n\t-]{0,8}",
        "[a-z0-9/:.=_-]{1,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_rendered_gz_step_reads_back_as_its_arguments(args in proptest::collection::vec(arg(), 1..5)) {
        let words: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut plan = Plan::new("t");
        plan.push(Step::gz(Program::Chown, &words, "t"));
        let script = render(&plan, Format::Sh);
        // The step is the script's last command, after its comment; stand
        // `printf '%s\0'` in for the program to see the words it would get.
        let head = "# 1. [GZ] t\nchown ";
        let at = script.find(head).expect("the step's line") + head.len();
        let line = format!("printf '%s\\0' {}", script[at..].trim_end_matches('\n'));
        // An empty word comes back as an empty field.
        prop_assert_eq!(words_after_sh(&line), args);
    }

    #[test]
    fn zlogin_arguments_survive_both_shells(args in proptest::collection::vec(arg(), 1..4)) {
        let words: Vec<&str> = args.iter().map(String::as_str).collect();
        let step = Step::in_zone("www", Program::Usermod, &words, "t");
        let argv = step.gz_argv();
        prop_assert_eq!(&argv[..3], &["zlogin".to_owned(), "www".to_owned(), "usermod".to_owned()][..]);
        // The GZ shell gives zlogin argv[2..]; zlogin joins them with
        // blanks and runs the line with `sh -c` in the zone. Stand in
        // `printf '%s\0'` for the program to see what it would get.
        let outer = format!("printf '%s\\0' {}", quote_command(&argv[3..]));
        let zlogin_gets = words_after_sh(&outer);
        let inner = format!("printf '%s\\0' {}", zlogin_gets.join(" "));
        prop_assert_eq!(words_after_sh(&inner), args);
    }
}
