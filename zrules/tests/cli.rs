//! The `zrules` binary as a user runs it: exit codes, formats, policy
//! discovery, selection, and the documentation subcommands.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

#[path = "../../tests/support/tree.rs"]
mod tree;
use tree::copy_tree;

#[path = "../../tests/support/closed_stdout.rs"]
mod closed_stdout;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn zrules(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("zrules").expect("binary");
    c.current_dir(dir).env_remove("NO_COLOR");
    c
}

const COMPLIANT: &str = "create -b\nset brand=solaris\nset zonepath=/zones/www\nset autoboot=true\nset ip-type=exclusive\n\
add net\nset physical=www0\nend\nadd dataset\nset name=pool1/www/pool1\nset alias=pool1\nend\n";

/// The exit code of `zrules ARGS` run in `dir`.
fn exit(dir: &Path, args: &[&str]) -> Option<i32> {
    zrules(dir).args(args).output().expect("run").status.code()
}

/// A scratch repository (with `.git`, so policy discovery stops there).
fn repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    fs::create_dir(d.path().join(".git")).expect("git dir");
    fs::create_dir(d.path().join("configs")).expect("configs");
    fs::write(d.path().join("configs/www.zonecfg"), COMPLIANT).expect("write");
    d
}

#[test]
fn clean_config_exits_zero() {
    let d = repo();
    let out = zrules(d.path())
        .args(["check", "configs", "--format", "concise"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Z91 oui-not-local"), "{text}");
    assert!(text.contains("(0 errors, 0 warnings, 1 info)"), "{text}");
}

#[test]
fn findings_exit_one_and_exit_zero_overrides() {
    let d = repo();
    fs::write(
        d.path().join("configs/db.zonecfg"),
        COMPLIANT
            .replace("www", "db")
            .replace("/zones/db", "/export/db"),
    )
    .expect("write");
    let out = zrules(d.path())
        .args(["check", "configs", "--format", "concise"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "configs/db.zonecfg:3:14: Z08 zonepath zonepath is /export/db, expected /zones/db"
        ),
        "{text}"
    );
    assert_eq!(
        exit(d.path(), &["check", "configs", "--exit-zero"]),
        Some(0)
    );
    // Selection: ignoring Z08 makes the run clean.
    assert_eq!(
        exit(d.path(), &["check", "configs", "--ignore", "Z08"]),
        Some(0)
    );
    assert_eq!(
        exit(d.path(), &["check", "configs", "--select", "Z05,Z06"]),
        Some(0)
    );
    assert_eq!(
        exit(d.path(), &["check", "configs", "--select", "Z08 zonepath"]),
        Some(1)
    );
}

#[test]
fn unparseable_file_is_z00_and_others_are_still_checked() {
    let d = repo();
    fs::write(d.path().join("configs/bad.zonecfg"), "create -b\n...\n").expect("write");
    fs::write(
        d.path().join("configs/db.zonecfg"),
        COMPLIANT
            .replace("www", "db")
            .replace("ip-type=exclusive", "ip-type=shared"),
    )
    .expect("write");
    let out = zrules(d.path())
        .args(["check", "configs", "--format", "concise"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("configs/bad.zonecfg:2:1: Z00 parse"),
        "{text}"
    );
    assert!(
        text.contains("configs/db.zonecfg:5:13: Z04 ip-type"),
        "{text}"
    );
}

#[test]
fn usage_and_input_errors_exit_two() {
    let d = repo();
    assert_eq!(exit(d.path(), &["check"]), Some(2));
    assert_eq!(exit(d.path(), &["check", "nonexistent"]), Some(2));
    assert_eq!(exit(d.path(), &["check", "--capture", "configs"]), Some(2));
    assert_eq!(
        exit(d.path(), &["check", "configs", "--select", "Z77"]),
        Some(2)
    );
    assert_eq!(
        exit(d.path(), &["check", "configs/www.zonecfg", "--zone", "www"]),
        Some(0)
    ); // one file: fine
    fs::write(d.path().join("configs/db.zonecfg"), COMPLIANT).expect("write");
    assert_eq!(
        exit(
            d.path(),
            &[
                "check",
                "configs/www.zonecfg",
                "configs/db.zonecfg",
                "--zone",
                "www"
            ]
        ),
        Some(2)
    ); // two files
    assert_eq!(exit(d.path(), &["explain", "Z42"]), Some(2));
}

#[test]
fn policy_is_discovered_upwards_and_errors_name_the_line() {
    let d = repo();
    fs::write(
        d.path().join("configs/db.zonecfg"),
        COMPLIANT
            .replace("www", "db")
            .replace("/zones/db", "/export/db"),
    )
    .expect("write");
    fs::write(
        d.path().join("zrules.yaml"),
        "exceptions:\n  - zone: db\n    rules: [Z08]\n    reason: moves to /zones in the March window\n",
    )
    .expect("policy");
    // Run from a subdirectory: the policy in the repository root applies.
    assert_eq!(exit(&d.path().join("configs"), &["check", "."]), Some(0));
    fs::write(
        d.path().join("zrules.yaml"),
        "zones_root: /zones\nzone_root: /x\n",
    )
    .expect("policy");
    let out = zrules(d.path())
        .args(["check", "configs"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("zrules.yaml:2:1: unknown field `zone_root`"),
        "{err}"
    );
}

#[test]
fn zone_name_from_flag() {
    let d = repo();
    fs::write(
        d.path().join("exported.txt"),
        COMPLIANT.replace("www", "db"),
    )
    .expect("write");
    assert_eq!(exit(d.path(), &["check", "exported.txt"]), Some(1)); // zone "exported"
    assert_eq!(
        exit(d.path(), &["check", "--zone", "db", "exported.txt"]),
        Some(0)
    );
}

#[test]
fn json_output_validates_against_the_schema() {
    let d = repo();
    fs::write(
        d.path().join("configs/db.zonecfg"),
        "create -b\nset zonepath=/zones/db\n",
    )
    .expect("write");
    let out = zrules(d.path())
        .args(["check", "configs", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/report-v1.schema.json"),
        )
        .expect("schema"),
    )
    .expect("schema json");
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    assert!(validator.is_valid(&doc), "{doc:#}");
    assert_eq!(doc["version"], 1);
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"Z10") && codes.contains(&"Z04"),
        "{codes:?}"
    );
}

#[test]
fn example_fleet_is_clean_and_checks_everything() {
    let out = zrules(&fixtures())
        .args(["check", "--capture", "fleet", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<String> = doc["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["code"].as_str().unwrap_or(""),
                d["check"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(ids, ["Z91 oui-not-local"]);
    assert_eq!(
        doc["skipped"].as_array().map(Vec::len),
        Some(0),
        "{:#}",
        doc["skipped"]
    );
    assert_eq!(doc["summary"]["hosts"], 2);
}

#[test]
fn colour_follows_no_color_and_the_flag() {
    let d = repo();
    fs::write(d.path().join("configs/db.zonecfg"), "create -b\n").expect("write");
    let out = zrules(d.path())
        .args(["check", "configs", "--format", "full", "--color", "always"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
    // Not a terminal: auto means no colour.
    let out = zrules(d.path())
        .args(["check", "configs", "--format", "full"])
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn documentation_commands() {
    let d = repo();
    let out = zrules(d.path())
        .args(["explain", "Z06"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("## What it checks")
            && text.contains("mac-ip-bytes")
            && text.contains("00:00:01:1f:0c:10"),
        "{text}"
    );
    let out = zrules(d.path())
        .args(["explain", "Z06/mac-slot"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("mac-slot") && !text.contains("  Z06 mac-prefix "),
        "{text}"
    );
    let out = zrules(d.path()).args(["rules"]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    for code in ["Z00", "Z01", "Z06", "Z11", "Z90", "Z91", "Z92"] {
        assert!(text.contains(code), "{code} in {text}");
    }
    let out = zrules(d.path()).args(["layout"]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("dladm show-vnic -p -o link,over,macaddress,macaddrtype"),
        "{text}"
    );
}

#[test]
fn files_outside_the_capture_layout_are_not_read() {
    let d = repo();
    let cap = d.path().join("baremetal");
    copy_tree(&fixtures().join("fleet/baremetal"), &cap);
    fs::create_dir(cap.join("failed")).expect("mkdir");
    fs::write(cap.join("failed/pkg-list"), [0xff, 0xfe, 0x00]).expect("binary leftover");
    fs::write(
        cap.join("collect-errors"),
        "pkg-list\tpkg list -H\texit 1\n",
    )
    .expect("write");
    assert_eq!(
        exit(d.path(), &["check", "--capture", "baremetal"]),
        Some(0)
    );
}

// ---- Reading inputs: every file the run finds is either checked or a
// finding of its own; nothing hangs, aborts or passes on nothing.

/// `zrules ARGS` in `dir`: exit code, stdout, stderr (killed after 20 s, so a
/// hang fails the test instead of stalling the suite).
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = zrules(dir)
        .args(args)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn a_fifo_under_a_checked_directory_is_skipped_with_a_note() {
    let d = repo();
    let status = std::process::Command::new("mkfifo")
        .arg(d.path().join("configs/p.zonecfg"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let (code, out, err) = run(d.path(), &["check", "configs", "--format", "concise"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        err.contains("note: skipped configs/p.zonecfg: a FIFO, not a regular file"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_utf8_is_z00_at_its_first_invalid_byte() {
    let d = repo();
    fs::write(
        d.path().join("configs/bad.zonecfg"),
        b"create -b\n# caf\xe9\n",
    )
    .expect("write");
    fs::write(
        d.path().join("configs/db.zonecfg"),
        COMPLIANT
            .replace("www", "db")
            .replace("ip-type=exclusive", "ip-type=shared"),
    )
    .expect("write");
    fs::write(d.path().join("configs/zz.zonecfg"), [0u8, 159, 146, 150]).expect("binary");
    let (code, out, err) = run(d.path(), &["check", "configs", "--format", "concise"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.contains("configs/bad.zonecfg:2:6: Z00 parse not UTF-8 text: byte 0xe9"),
        "{out}"
    );
    assert!(out.contains("configs/zz.zonecfg:1:2: Z00 parse"), "{out}");
    // The other files are still checked.
    assert!(
        out.contains("configs/db.zonecfg:5:13: Z04 ip-type"),
        "{out}"
    );
    // Findings stay in file order.
    let at = |s: &str| out.find(s).expect("present");
    assert!(
        at("configs/bad.zonecfg") < at("configs/db.zonecfg"),
        "{out}"
    );
}

#[test]
fn a_latin1_passwd_in_a_capture_is_z00_and_the_rest_is_checked() {
    let d = repo();
    let cap = d.path().join("baremetal");
    copy_tree(&fixtures().join("fleet/baremetal"), &cap);
    let mut passwd = fs::read(cap.join("passwd")).expect("passwd");
    passwd.extend_from_slice(b"jose:x:2001:10:Jos\xe9 Garc\xeda:/local/home/jose:/usr/bin/bash\n");
    fs::write(cap.join("passwd"), &passwd).expect("write");
    fs::write(
        cap.join("dladm-show-vnic"),
        "www0:net0:2\\:0\\:1\\:1f\\:c\\:10:fixed\n",
    )
    .expect("vnic");
    let (code, out, err) = run(
        d.path(),
        &["check", "--capture", "baremetal", "--format", "concise"],
    );
    assert_eq!(code, Some(1), "{err}");
    let line = passwd.iter().filter(|b| **b == b'\n').count();
    assert!(
        out.contains(&format!(
            "baremetal/passwd:{line}:19: Z00 parse not UTF-8 text"
        )),
        "{out}"
    );
    assert!(out.contains("baremetal/dladm-show-vnic:1:"), "{out}");
}

#[test]
fn a_byte_order_mark_is_dropped() {
    let d = repo();
    fs::write(
        d.path().join("configs/www.zonecfg"),
        format!("\u{feff}{COMPLIANT}"),
    )
    .expect("write");
    fs::write(d.path().join("configs/bad.zonecfg"), "\u{feff}crate -b\n").expect("write");
    let (code, out, _) = run(d.path(), &["check", "configs", "--format", "concise"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(!out.contains('\u{feff}'), "{out}");
    assert!(!out.contains("configs/www.zonecfg"), "{out}");
    assert!(out.contains("configs/bad.zonecfg:1:1: Z00 parse"), "{out}");
}

#[test]
fn a_file_over_the_size_limit_is_z00_and_not_read() {
    let d = repo();
    // Sparse: 65 MiB on paper, nothing on disk.
    let f = fs::File::create(d.path().join("configs/huge.zonecfg")).expect("create");
    f.set_len(65 * 1024 * 1024).expect("set_len");
    let (code, out, err) = run(d.path(), &["check", "configs", "--format", "concise"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.contains(
            "configs/huge.zonecfg:1:1: Z00 parse the file is larger than the 64 MiB limit (68157440 bytes)"
        ),
        "{out}"
    );
}

#[test]
fn an_empty_file_is_z00_not_an_empty_zone() {
    let d = repo();
    fs::write(d.path().join("configs/db.zonecfg"), "").expect("write");
    let (code, out, _) = run(d.path(), &["check", "configs", "--format", "concise"]);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("configs/db.zonecfg:1:1: Z00 parse the file is empty"),
        "{out}"
    );
    assert!(!out.contains("Z04") && !out.contains("Z08"), "{out}");
    let (code, out, _) = run(d.path(), &["check", "/dev/null", "--format", "concise"]);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("/dev/null:1:1: Z00 parse the file is empty"),
        "{out}"
    );
    assert!(!out.contains("Z04") && !out.contains("Z10"), "{out}");
}

#[test]
fn a_run_that_checks_nothing_fails() {
    let d = repo();
    fs::create_dir(d.path().join("e")).expect("mkdir");
    fs::write(d.path().join("e/notes.txt"), "not a config").expect("write");
    let (code, _, err) = run(d.path(), &["check", "e"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("error: no zone configuration found in e: it holds no regular *.zonecfg file"),
        "{err}"
    );
}

#[test]
fn zone_is_refused_with_a_directory() {
    let d = repo();
    let (code, _, err) = run(d.path(), &["check", "configs", "--zone", "db"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("--zone names the zone of a single file, but configs is a directory"),
        "{err}"
    );
}

#[test]
fn capture_paths_are_printed_as_given() {
    let root = fixtures().join("..");
    let (code, out, _) = run(
        &root,
        &[
            "check",
            "--capture",
            "fixtures/violations/legacy",
            "--format",
            "concise",
        ],
    );
    assert_eq!(code, Some(1));
    assert!(
        out.contains("fixtures/violations/legacy/ipadm-show-addr:3:1: Z04 gz-interface"),
        "{out}"
    );
    let (_, out, _) = run(
        &root,
        &[
            "check",
            "--capture",
            "fixtures/violations/legacy/",
            "--format",
            "github",
        ],
    );
    assert!(
        out.contains("file=fixtures/violations/legacy/ipadm-show-addr,line=3"),
        "{out}"
    );
    // The host label is still the directory's name.
    let (_, out, _) = run(
        &root.join("fixtures/violations/legacy"),
        &["check", "--capture", ".", "--format", "json"],
    );
    assert!(out.contains("\"file\": \"./ipadm-show-addr\""), "{out}");
    assert!(out.contains("\"host\": \"legacy\""), "{out}");
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let d = repo();
    // Enough findings to overflow a pipe's buffer.
    for i in 0..300 {
        fs::write(
            d.path().join(format!("configs/z{i}.zonecfg")),
            "create -b\nset zonepath=/export/z\nset ip-type=shared\n",
        )
        .expect("write");
    }
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("zrules"));
    cmd.args(["check", "configs", "--format", "full"])
        .current_dir(d.path());
    let (code, err) = closed_stdout::run(cmd);
    assert!(err.is_empty(), "{err}");
    assert_eq!(code, Some(1));
}

#[test]
fn policy_errors_name_the_file_once() {
    let d = repo();
    fs::write(
        d.path().join("site.yaml"),
        "zones_root: /zones\nzone_root: /x\n",
    )
    .expect("policy");
    let (code, _, err) = run(d.path(), &["check", "configs", "--policy", "site.yaml"]);
    assert_eq!(code, Some(2));
    assert_eq!(err.matches("error").count(), 1, "{err}");
    assert!(!err.contains("<input>"), "{err}");
    assert!(
        err.starts_with("error: invalid policy site.yaml:2:1: unknown field `zone_root`"),
        "{err}"
    );
    assert!(!err.contains("at line"), "{err}");
}
