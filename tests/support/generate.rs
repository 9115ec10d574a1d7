//! The hidden `generate` subcommand as a packager runs it, for any of the
//! three binaries: the bash completion loads in bash and completes every
//! subcommand, and every man page renders through groff without a warning
//! (zrules::generate). Each crate's `tests/generate.rs` names its binary and
//! subcommands and includes this file, so the three are tested alike.

use std::process::Command as Process;

use assert_cmd::Command;

use super::{BIN, SUBCOMMANDS};

fn run(args: &[&str]) -> std::process::Output {
    let mut c = Command::cargo_bin(BIN).expect("binary");
    // No zrules.yaml from the developer's tree may leak in.
    c.current_dir(std::env::temp_dir());
    c.args(args).output().expect("runs")
}

fn generate(args: &[&str]) -> Vec<u8> {
    let out = run(&[&["generate"], args].concat());
    assert!(
        out.status.success(),
        "{BIN} generate {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn bash_completion_loads_and_completes_every_subcommand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join(format!("{BIN}.bash"));
    std::fs::write(&script, generate(&["completion", "bash"])).expect("write");
    // What bash does on `BIN <TAB>`: call the registered function with the
    // command, the word being completed and the word before it.
    let probe = format!(
        r#"set -e; source "$1"; complete -p {BIN} >/dev/null
COMP_WORDS=({BIN} ""); COMP_CWORD=1; COMP_LINE="{BIN} "; COMP_POINT=${{#COMP_LINE}}
_{BIN} {BIN} "" {BIN}; printf '%s\n' "${{COMPREPLY[@]}}""#
    );
    let out = Process::new("bash")
        .args(["--norc", "--noprofile", "-c", &probe, "probe"])
        .arg(&script)
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "bash: {stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let words: Vec<&str> = stdout.lines().collect();
    for sub in SUBCOMMANDS {
        assert!(words.contains(sub), "{sub} not completed: {words:?}");
    }
}

#[test]
fn every_man_page_renders_and_names_the_subcommands() {
    let groff = Process::new("groff").arg("--version").output().is_ok();
    for sub in std::iter::once("").chain(SUBCOMMANDS.iter().copied()) {
        let (args, title) = match sub {
            "" => (vec!["man"], BIN.to_owned()),
            _ => (vec!["man", sub], format!("{BIN}-{sub}")),
        };
        let page = generate(&args);
        let text = if groff {
            // -k: the help texts hold UTF-8 (preconv); -ww: every warning.
            let mut child = Process::new("groff")
                .args(["-k", "-man", "-ww", "-Tutf8", "-P", "-cbou"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("groff runs");
            std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), &page)
                .expect("write page");
            let out = child.wait_with_output().expect("groff ends");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && stderr.is_empty(),
                "{title}: {stderr}"
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        } else {
            // No groff here: check the roff structure instead.
            let roff = String::from_utf8(page).expect("UTF-8 roff");
            assert!(roff.contains(&format!(".TH {title} 1")), "{roff}");
            roff
        };
        // The footer names the binary and its version, on subcommand pages too.
        let source = format!("{BIN} {}", env!("CARGO_PKG_VERSION"));
        assert!(text.contains(&source), "{title} lacks {source}:\n{text}");
        for heading in ["NAME", "SYNOPSIS", "DESCRIPTION"] {
            assert!(text.contains(heading), "{title} lacks {heading}:\n{text}");
        }
        if sub.is_empty() {
            for s in SUBCOMMANDS {
                assert!(
                    text.contains(&format!("{BIN}-{s}(1)")),
                    "{title} lacks {s}:\n{text}"
                );
            }
        }
    }
}

#[test]
fn generate_is_hidden_and_refuses_an_unknown_page() {
    let help = run(&["--help"]);
    assert!(!String::from_utf8_lossy(&help.stdout).contains("generate"));
    let out = run(&["generate", "man", "no-such"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no-such") && stderr.contains(SUBCOMMANDS[0]),
        "{stderr}"
    );
}
