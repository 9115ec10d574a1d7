//! Inputs written to break the parsers (deep nesting, huge files, damaged
//! or human-readable command outputs), run through the `zrules` binary as a
//! user would: each is a `Z00` finding at its line and column, and every
//! other file is still checked.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

#[path = "../../tests/support/tree.rs"]
mod tree;
use tree::copy_tree;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// `zrules ARGS` in `dir`: exit code and standard output.
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::cargo_bin("zrules")
        .expect("binary")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code().is_some(),
        "killed by a signal (stack overflow?)\n{text}\n{err}"
    );
    (out.status.code(), format!("{text}{err}"))
}

/// A scratch directory with `.git`, so policy discovery stops there.
fn scratch() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    fs::create_dir(d.path().join(".git")).expect("git dir");
    d
}

/// `add value (a=(a=(a=…` nested `depth` levels, inside an rctl. The issue
/// saw 13,000 levels overflow a debug build's stack; 200,000 overflow a
/// release build's too.
fn deep_value(depth: usize) -> String {
    format!(
        "create -b\nset zonepath=/zones/app\nadd rctl\nset name=zone.cpu-shares\nadd value {}{}\nend\n",
        "(a=".repeat(depth),
        "b)".repeat(depth)
    )
}

#[test]
fn a_value_nested_200_000_deep_is_z00_at_its_column() {
    let d = scratch();
    fs::write(d.path().join("app.zonecfg"), deep_value(200_000)).expect("write");
    let (code, out) = run(d.path(), &["check", "app.zonecfg", "--format", "concise"]);
    assert_eq!(code, Some(1), "{out}");
    // The second `(` (line 5, column 14) is where zonecfg's grammar wants a
    // simple value.
    assert!(
        out.contains(
            "app.zonecfg:5:14: Z00 parse cannot read zone configuration: expected a simple value"
        ),
        "{out}"
    );
}

#[test]
fn a_deeply_nested_config_in_a_capture_leaves_the_fleet_checked() {
    let d = scratch();
    let host = d.path().join("second");
    copy_tree(&fixtures().join("fleet/second"), &host);
    fs::write(host.join("zones/app/zonecfg-export"), deep_value(200_000)).expect("write");
    // A finding in the other zone shows it was still checked.
    let mail = host.join("zones/mail/zonecfg-export");
    let text = fs::read_to_string(&mail).expect("read");
    fs::write(&mail, text.replace("/zones/mail", "/export/mail")).expect("write");
    let (code, out) = run(
        d.path(),
        &["check", "--capture", "second", "--format", "concise"],
    );
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("zones/app/zonecfg-export:5:14: Z00 parse"),
        "{out}"
    );
    assert!(
        out.contains("Z08 zonepath zonepath is /export/mail"),
        "{out}"
    );
}

/// The example fleet's host `second`, copied into a scratch directory.
fn fleet_copy() -> tempfile::TempDir {
    let d = scratch();
    copy_tree(&fixtures().join("fleet/second"), &d.path().join("second"));
    d
}

#[test]
fn an_elided_zoneadm_row_costs_that_row_only() {
    let d = fleet_copy();
    let list = d.path().join("second/zoneadm-list-cp");
    let text = fs::read_to_string(&list).expect("read");
    let (global, rest) = text.split_once('\n').expect("two lines");
    fs::write(&list, format!("{global}\n...\n{rest}")).expect("write");
    let (code, out) = run(
        d.path(),
        &["check", "--capture", "second", "--format", "concise"],
    );
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(out.matches(" Z00 ").count(), 1, "{out}");
    assert!(
        out.contains("second/zoneadm-list-cp:2:1: Z00 parse"),
        "{out}"
    );
    // The zones' rows were kept: the MAC slot check had their zone IDs
    // (without them it is reported as skipped).
    let (_, json) = run(
        d.path(),
        &["check", "--capture", "second", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(report["skipped"], serde_json::json!([]), "{json}");
}

#[test]
fn a_human_readable_table_in_a_capture_is_one_finding() {
    let d = fleet_copy();
    // `dladm show-vnic` without -p, as published.
    fs::copy(
        fixtures().join("real/dladm-show-vnic-borges-cookbook-1.txt"),
        d.path().join("second/dladm-show-vnic"),
    )
    .expect("copy");
    let (code, out) = run(
        d.path(),
        &["check", "--capture", "second", "--format", "concise"],
    );
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(out.matches(" Z00 ").count(), 1, "{out}");
    assert!(
        out.contains("second/dladm-show-vnic:1:1: Z00 parse unreadable `dladm show-vnic -p -o link,over,macaddress,macaddrtype` output, line 1: this is a human-readable table"),
        "{out}"
    );
}

/// zonecfg's `set`, `select` and `remove` find what they change by
/// scanning, so a crafted file of many distinct `set`s in one resource, or
/// many `select`s of many resources, costs time quadratic in its size. Past
/// a budget proportional to the input (16 comparisons per byte) the file is
/// a Z00 at the command that went over, and the run goes on; a hand-written
/// command file of a realistic size, `select`s included, is read as ever.
#[test]
fn quadratic_command_files_are_refused_at_the_command_that_costs_too_much() {
    let d = scratch();
    let mut sets = String::from("create -b\nset zonepath=/zones/sets\nadd attr\n");
    for i in 0..50_000 {
        sets.push_str(&format!("set p{i}=v\n"));
    }
    sets.push_str("end\n");
    fs::write(d.path().join("sets.zonecfg"), sets).expect("write");
    let mut sel = String::from("create -b\nset zonepath=/zones/sel\n");
    for i in 0..10_000 {
        sel.push_str(&format!("add net\nset physical=sel{i}\nend\n"));
    }
    for i in 0..10_000 {
        sel.push_str(&format!(
            "select net physical=sel{i}\nset defrouter=10.0.0.1\nend\n"
        ));
    }
    fs::write(d.path().join("sel.zonecfg"), sel).expect("write");
    // Realistic: 300 resources, each selected again once.
    let mut ok = String::from("create -b\nset zonepath=/zones/ok\nset ip-type=exclusive\n");
    for i in 0..300 {
        ok.push_str(&format!(
            "add fs\nset dir=/data/{i}\nset special=pool1/ok/{i}\nset type=lofs\nend\n"
        ));
    }
    for i in 0..300 {
        ok.push_str(&format!("select fs dir=/data/{i}\nset options=ro\nend\n"));
    }
    fs::write(d.path().join("ok.zonecfg"), ok).expect("write");
    let (code, out) = run(d.path(), &["check", "--format", "concise", "."]);
    assert_eq!(code, Some(1), "{out}");
    let costly: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("Z00") && l.contains("too costly to read"))
        .collect();
    assert_eq!(costly.len(), 2, "{out}");
    // At a command past the point where the scans outgrow the file: a
    // `set` deep inside the attr resource, a `select` among the selects.
    let line_of = |file: &str| -> usize {
        let l = costly
            .iter()
            .find(|l| l.starts_with(file))
            .unwrap_or_else(|| panic!("{file}: {out}"));
        l.split(':').nth(1).expect("line").parse().expect("number")
    };
    assert!(line_of("./sets.zonecfg") > 1_000, "{out}");
    assert!(line_of("./sel.zonecfg") > 30_000, "{out}");
    assert!(
        !out.lines()
            .any(|l| l.starts_with("./ok.zonecfg") && l.contains("Z00")),
        "{out}"
    );
}
