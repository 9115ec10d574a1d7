//! The binary as users run it: output, exit codes, facts from captures.

mod common;

use std::net::Ipv4Addr;
use std::path::Path;

use assert_cmd::Command;
use common::SimHost;

#[path = "../../tests/support/tree.rs"]
mod tree;
use tree::copy_tree;

#[path = "../../tests/support/closed_stdout.rs"]
mod closed_stdout;

fn zgen() -> Command {
    let mut c = Command::cargo_bin("zgen").expect("binary");
    // No zrules.yaml from the developer's tree may leak in.
    c.current_dir(std::env::temp_dir());
    c
}

fn stdout(c: &mut Command) -> (i32, String, String) {
    let out = c.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write_capture(dir: &Path, host: &SimHost) {
    for (rel, text) in host.capture() {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
}

#[test]
fn seed_example_prints_the_dladm_line() {
    let (code, out, err) = stdout(zgen().args([
        "vnic",
        "www",
        "--gz-ip",
        "192.168.31.12",
        "--zone-id",
        "1",
        "--over",
        "net0",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .any(|l| l == "dladm create-vnic -l net0 -m 00:00:01:1f:0c:10 www0"),
        "{out}"
    );
    let (code, out, _) = stdout(zgen().args([
        "vnic",
        "www",
        "--gz-ip",
        "192.168.31.12",
        "--zone-id",
        "1",
        "--over",
        "net0",
        "--count",
        "2",
    ]));
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .any(|l| l == "dladm create-vnic -l net0 -m 00:00:01:1f:0c:11 www1"),
        "{out}"
    );
}

#[test]
fn a_zone_name_that_cannot_name_vnics_is_refused_with_exit_2() {
    let (code, out, err) = stdout(zgen().args([
        "vnic",
        "web-01",
        "--gz-ip",
        "192.168.31.12",
        "--over",
        "net0",
    ]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("cannot name its VNICs") && err.contains("'-' is not allowed"),
        "{err}"
    );
}

#[test]
fn names_that_reach_a_shell_are_validated() {
    for bad in [["zone", "a;reboot"], ["zone", "$(id)"]] {
        let (code, _, err) = stdout(
            zgen()
                .args(bad)
                .args(["--gz-ip", "10.0.0.1", "--over", "net0"]),
        );
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("invalid zone name"), "{err}");
    }
    let (code, _, err) =
        stdout(zgen().args(["zone", "www", "--gz-ip", "10.0.0.1", "--over", "net0;x"]));
    assert_eq!(code, 2);
    assert!(err.contains("invalid datalink name"), "{err}");
    let (code, _, err) = stdout(zgen().args([
        "zone", "www", "--gz-ip", "10.0.0.1", "--over", "net0", "--users", "al ice",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("invalid user name"), "{err}");
}

#[test]
fn illumos_zone_is_refused_but_vnic_works() {
    let (code, _, err) = stdout(zgen().args([
        "zone",
        "www",
        "--gz-ip",
        "10.0.0.1",
        "--over",
        "net0",
        "--platform",
        "illumos",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("alias"), "{err}");
    let (code, out, _) = stdout(zgen().args([
        "vnic",
        "www",
        "--gz-ip",
        "10.0.0.1",
        "--over",
        "net0",
        "--platform",
        "illumos",
    ]));
    assert_eq!(code, 0);
    assert!(
        out.contains("dladm create-vnic -l net0 -m 00:00:01:00:01:10 www0"),
        "{out}"
    );
}

#[test]
fn zonecfg_format_is_just_the_command_file() {
    let (code, out, _) = stdout(zgen().args([
        "zone",
        "www",
        "--gz-ip",
        "192.168.31.12",
        "--over",
        "net0",
        "--vnics",
        "2",
        "--datasets",
        "pool1,pool2",
        "--format",
        "zonecfg",
    ]));
    assert_eq!(code, 0);
    assert!(out.starts_with("create -b\n"), "{out}");
    assert!(!out.contains("zfs") && !out.contains("dladm"), "{out}");
    zrules::zonecfg::parse(&out).expect("parses");
}

#[test]
fn phases_split_the_script() {
    let base = [
        "zone",
        "www",
        "--gz-ip",
        "192.168.31.12",
        "--over",
        "net0",
        "--users",
        "alice",
    ];
    let (_, gz, _) = stdout(zgen().args(base).args(["--phase", "gz"]));
    assert!(
        gz.contains("dladm create-vnic") && !gz.contains("zlogin www"),
        "{gz}"
    );
    let (_, zone, _) = stdout(zgen().args(base).args(["--phase", "zone"]));
    assert!(
        !zone.contains("dladm create-vnic")
            && zone.contains("zlogin www useradd -d /local/home/alice alice </dev/null"),
        "{zone}"
    );
}

#[test]
fn json_format_is_steps_as_data() {
    let (code, out, _) = stdout(zgen().args([
        "vnic",
        "www",
        "--gz-ip",
        "192.168.31.12",
        "--zone-id",
        "1",
        "--over",
        "net0",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let step = &v["steps"][0];
    assert_eq!(step["host"], "gz");
    assert_eq!(step["program"], "dladm");
    assert_eq!(
        step["args"],
        serde_json::json!([
            "create-vnic",
            "-l",
            "net0",
            "-m",
            "00:00:01:1f:0c:10",
            "www0"
        ])
    );
}

#[test]
fn facts_come_from_a_capture_and_flags_override_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let cap = dir.path().join("gz-a");
    let mut host = SimHost::new("gz-a", "gza", Ipv4Addr::new(192, 168, 31, 12), &["pool1"]);
    // Block 1 is taken by another zone's VNIC.
    host.vnics.insert(
        "db0".into(),
        ("net0".into(), "0:0:1:1f:c:10".parse().expect("mac")),
    );
    write_capture(&cap, &host);
    let (code, out, err) = stdout(zgen().args(["vnic", "www", "--capture"]).arg(&cap));
    assert_eq!(code, 0, "{err}");
    // The link under the primary interface (gza0 over net0) and the next free block.
    assert!(
        out.contains("\ndladm create-vnic -l net0 -m 00:00:01:1f:0c:20 www0\n"),
        "{out}"
    );
    // With another primary address, db0's MAC no longer collides.
    let (_, out, _) = stdout(
        zgen()
            .args([
                "vnic",
                "www",
                "--over",
                "aggr1",
                "--gz-ip",
                "10.1.2.3",
                "--capture",
            ])
            .arg(&cap),
    );
    assert!(
        out.contains("\ndladm create-vnic -l aggr1 -m 00:00:01:02:03:10 www0\n"),
        "{out}"
    );
}

#[test]
fn fix_exits_1_when_something_needs_a_person() {
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = dir.path().join("www.zonecfg");
    std::fs::write(&cfg, "create -b\nset zonepath=/export/www\nset ip-type=exclusive\nadd anet\n\tset linkname=net0\nend\n").expect("write");
    let (code, out, err) = stdout(
        zgen()
            .args([
                "fix",
                "--gz-ip",
                "192.168.31.12",
                "--over",
                "net0",
                "--config",
            ])
            .arg(&cfg),
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("remove anet linkname=net0"), "{out}");
    assert!(out.contains("# - Z08 zonepath"), "{out}");
    let (code, _, err) = stdout(zgen().args(["fix"]));
    assert_eq!(code, 2);
    assert!(err.contains("--config"), "{err}");
}

#[test]
fn fix_reads_the_files_a_findings_report_names() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = "create -b\nset zonepath=/zones/www\nset ip-type=exclusive\nadd net\n\tset physical=www0\nend\n";
    std::fs::write(dir.path().join("www.zonecfg"), text).expect("write");
    let input = zrules::check::CheckInput {
        configs: vec![zrules::check::ConfigInput {
            zone: None,
            name: "www.zonecfg".into(),
            text: text.into(),
        }],
        captures: vec![],
        problems: Vec::new(),
    };
    let o = zrules::check::run(&input, &zrules::policy::Policy::default());
    let opts = zrules::render::RenderOptions {
        color: false,
        statistics: false,
        tool_version: "test",
    };
    std::fs::write(
        dir.path().join("f.json"),
        zrules::render::render(&o.report, &o.sources, zrules::render::Format::Json, &opts),
    )
    .expect("write");
    let (code, out, err) =
        stdout(
            zgen()
                .current_dir(dir.path())
                .args(["fix", "--findings", "f.json"]),
        );
    assert_eq!(code, 0, "{err}\n{out}");
    assert!(out.contains("set name=pool1/www/pool1"), "{out}");
}

#[test]
fn help_teaches_with_examples() {
    let (code, out, _) = stdout(zgen().args(["vnic", "--help"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("zgen vnic www --gz-ip 192.168.31.12 --zone-id 1 --over net0"),
        "{out}"
    );
}

#[test]
fn the_zonecfg_file_is_printed_without_over() {
    // The command file names the VNICs (www0, www1) but never the link
    // under them: that appears only in the dladm steps of the script.
    let (code, out, err) = stdout(zgen().args([
        "zone",
        "www",
        "--gz-ip",
        "192.168.31.12",
        "--vnics",
        "2",
        "--format",
        "zonecfg",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("create -b\n"), "{out}");
    assert!(
        out.contains("\tset physical=www0\n") && out.contains("\tset physical=www1\n"),
        "{out}"
    );
    assert!(!out.contains("net0") && !out.contains("dladm"), "{out}");
    // The script creates the VNICs, so it still needs the link.
    let (code, _, err) = stdout(zgen().args(["zone", "www", "--gz-ip", "192.168.31.12"]));
    assert_eq!(code, 2);
    assert!(err.contains("--over"), "{err}");
}

#[test]
fn zone_id_0_is_refused_as_the_global_zones() {
    let (code, out, err) = stdout(zgen().args([
        "vnic",
        "www",
        "--gz-ip",
        "192.168.31.12",
        "--zone-id",
        "0",
        "--over",
        "net0",
    ]));
    assert_eq!(code, 2, "{out}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("--zone-id") && err.contains("global zone") && !err.contains("above 15"),
        "{err}"
    );
}

#[test]
fn a_system_account_is_refused_before_any_script() {
    for user in ["root", "daemon", "nobody"] {
        let (code, out, err) = stdout(zgen().args([
            "zone",
            "www",
            "--gz-ip",
            "192.168.31.12",
            "--over",
            "net0",
            "--users",
            &format!("alice,{user}"),
        ]));
        assert_eq!(code, 2, "{user}: {out}");
        assert!(out.is_empty(), "{out}");
        assert!(
            err.contains(&format!("'{user}'"))
                && err.contains("system account")
                && err.contains("uid_range 100-59999"),
            "{err}"
        );
    }
}

fn seed_capture(dir: &Path) -> std::path::PathBuf {
    let cap = dir.join("gz-a");
    let mut host = SimHost::new("gz-a", "gza", Ipv4Addr::new(192, 168, 31, 12), &["pool1"]);
    host.vnics.insert(
        "db0".into(),
        ("net0".into(), "0:0:1:1f:c:10".parse().expect("mac")),
    );
    write_capture(&cap, &host);
    cap
}

#[test]
fn a_capture_is_read_as_zrules_reads_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let cap = seed_capture(dir.path());
    // Leftovers a capture may hold: zrules ignores them, so zgen does too.
    std::fs::write(cap.join(".DS_Store"), [0u8, 0, 0, 1, 0xff, 0xfe]).expect("write");
    std::fs::write(cap.join("notes.bin"), [0xffu8, 0xfe]).expect("write");
    // A Latin-1 passwd: its facts are unknown, the rest is used.
    std::fs::write(
        cap.join("passwd"),
        b"root:x:0:0:Super-User:/root:/usr/bin/bash\njose:x:2001:10:Jos\xe9:/local/home/jose:/usr/bin/bash\n",
    )
    .expect("write");
    let (code, out, err) = stdout(zgen().args(["vnic", "www", "--capture"]).arg(&cap));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\ndladm create-vnic -l net0 -m 00:00:01:1f:0c:20 www0\n"),
        "{out}"
    );
    assert!(
        err.contains("passwd (line ") && err.contains("not UTF-8 text"),
        "{err}"
    );
}

#[test]
fn policy_discovery_stops_at_the_repository_root() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("zrules.yaml"), "mac_prefix: \"02:00:01\"\n").expect("policy");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).expect("repo");
    let args = [
        "vnic",
        "www",
        "--gz-ip",
        "192.168.31.12",
        "--zone-id",
        "1",
        "--over",
        "net0",
    ];
    let (code, out, err) = stdout(zgen().current_dir(&repo).args(args));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("-m 00:00:01:1f:0c:10 www0"), "{out}");
    // Outside the repository, the file applies.
    let (_, out, _) = stdout(zgen().current_dir(dir.path()).args(args));
    assert!(out.contains("-m 02:00:01:1f:0c:10 www0"), "{out}");
    // A bad policy is one error naming the file.
    std::fs::write(dir.path().join("zrules.yaml"), "mac_prefx: 1\n").expect("policy");
    let (code, _, err) = stdout(zgen().current_dir(dir.path()).args(args));
    assert_eq!(code, 2);
    assert_eq!(err.matches("error").count(), 1, "{err}");
    assert!(
        err.contains("zrules.yaml:1:1: unknown field `mac_prefx`"),
        "{err}"
    );
}

#[test]
fn fix_finds_the_capture_a_report_names_by_its_path() {
    let dir = tempfile::tempdir().expect("tmp");
    let legacy = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/violations/legacy"
    ));
    let cap = Path::new("captures/legacy");
    copy_tree(legacy, &dir.path().join(cap));
    // The report `zrules check --capture captures/legacy --format json` writes.
    let mut read = zrules::input::Read::default();
    zrules::input::captures(&zrules::os::StdFs, &dir.path().join(cap), &mut read).expect("capture");
    read.input.captures[0].root = cap.display().to_string();
    let o = zrules::check::run(&read.input, &zrules::policy::Policy::default());
    let opts = zrules::render::RenderOptions {
        color: false,
        statistics: false,
        tool_version: "test",
    };
    let report = zrules::render::render(&o.report, &o.sources, zrules::render::Format::Json, &opts);
    assert!(
        report.contains("\"captures/legacy/ipadm-show-addr\""),
        "{report}"
    );
    std::fs::write(dir.path().join("f.json"), report).expect("write");
    let (code, out, err) =
        stdout(
            zgen()
                .current_dir(dir.path())
                .args(["fix", "--findings", "f.json"]),
        );
    assert_eq!(code, 1, "{err}\n{out}");
    assert!(out.contains("# - Z08 zonepath"), "{out}");
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("zgen"));
    cmd.current_dir(std::env::temp_dir()).args([
        "zone",
        "www",
        "--gz-ip",
        "192.168.31.12",
        "--zone-id",
        "1",
        "--over",
        "net0",
    ]);
    let (code, err) = closed_stdout::run(cmd);
    assert!(err.is_empty(), "{err}");
    assert_eq!(code, Some(0));
}

/// With no facts given, zgen reads the machine it runs on, and refuses one
/// that is not a Solaris or illumos global zone by the same decision as
/// `zmigrate --local` (zrules::global_zone): a fake non-global zone, a fake
/// Linux, and this machine when it is not a GZ.
#[test]
fn the_local_host_must_be_a_global_zone() {
    let bin = tempfile::tempdir().expect("tmp");
    let script = |name: &str, body: &str| {
        let p = bin.path().join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).expect("write");
        std::process::Command::new("/bin/chmod")
            .arg("755")
            .arg(&p)
            .status()
            .expect("chmod");
    };
    script("uname", "echo SunOS");
    script("zonename", "echo www");
    let (code, out, err) =
        stdout(
            zgen()
                .env("PATH", bin.path())
                .args(["vnic", "www", "--zone-id", "1"]),
        );
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("not a Solaris or illumos global zone")
            && err.contains("non-global zone www")
            && err.contains("--capture"),
        "{err}"
    );
    script("uname", "echo Linux");
    let (code, _, err) =
        stdout(
            zgen()
                .env("PATH", bin.path())
                .args(["vnic", "www", "--zone-id", "1"]),
        );
    assert_eq!(code, 2);
    assert!(err.contains("runs Linux"), "{err}");
    if cfg!(target_os = "linux") {
        let (code, _, err) = stdout(zgen().args(["vnic", "www", "--zone-id", "1"]));
        assert_eq!(code, 2);
        assert!(err.contains("runs Linux"), "{err}");
    }
}
