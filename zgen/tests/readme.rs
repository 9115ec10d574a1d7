//! The README's console examples are the binary's real output: each
//! ```console block whose first line is `$ zgen ARGS` and which shows output
//! is run and compared byte for byte. A block marked
//! `<!-- readme-test: run on the fake GZ gza -->` runs against a capture of
//! that host (the same facts `zgen` reads on the GZ itself).

mod common;

use std::net::Ipv4Addr;

use assert_cmd::Command;
use common::{SimHost, SimZone};

const README: &str = include_str!("../README.md");
/// The project's README repeats the seed example.
const TOP_README: &str = include_str!("../../README.md");

fn gza_capture(dir: &std::path::Path) -> std::path::PathBuf {
    let mut host = SimHost::new("gza", "gza", Ipv4Addr::new(192, 168, 31, 12), &["pool1"]);
    host.zones.insert(
        "www".into(),
        SimZone {
            id: Some(1),
            state: "running".into(),
            config: "create -b\nset zonepath=/zones/www\nset ip-type=exclusive\nadd anet\n\tset linkname=net0\nend\n".into(),
            ..SimZone::default()
        },
    );
    let cap = dir.join("gza");
    for (rel, text) in host.capture() {
        let p = cap.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    cap
}

#[test]
fn console_examples_match_the_binary() {
    assert_eq!(check_examples(README), 2, "both seed examples were checked");
    assert_eq!(
        check_examples(TOP_README),
        1,
        "the top README's seed example was checked"
    );
}

/// Runs every console example of `readme`; returns how many it compared.
fn check_examples(readme: &str) -> usize {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut checked = 0;
    let mut fake_gz = false;
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("<!-- readme-test: run on the fake GZ gza") {
            fake_gz = true;
            continue;
        }
        if line != "```console" {
            if !line.trim().is_empty() {
                fake_gz = false;
            }
            continue;
        }
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        let Some(cmd) = block.first().and_then(|l| l.strip_prefix("$ zgen ")) else {
            continue;
        };
        if block.len() == 1 || block[1..].iter().any(|l| l.starts_with("$ ")) {
            continue; // a command without shown output
        }
        let mut c = Command::cargo_bin("zgen").expect("binary");
        c.current_dir(tmp.path()).args(cmd.split_whitespace());
        if fake_gz {
            c.arg("--capture").arg(gza_capture(tmp.path()));
        }
        let out = c.output().expect("runs");
        let want = format!("{}\n", block[1..].join("\n"));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            want,
            "README example `zgen {cmd}`"
        );
        checked += 1;
        fake_gz = false;
    }
    checked
}
