//! The `zmigrate` binary as a user runs it, without the testbed: `--local`
//! against a fake global zone made of shell scripts on `PATH` that print a
//! fixture capture (each script answers the layout's exact command lines
//! and nothing else), plus the refusals that must happen before any
//! process is started.

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use zrules::check::{CaptureInput, CheckInput};
use zrules::shell::quote;

#[path = "../../tests/support/closed_stdout.rs"]
mod closed_stdout;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/fleet/baremetal");

/// A directory of fake programs answering the layout's commands from the
/// files of `capture` (relative path → text), and the global-zone probes
/// (`uname -s`: SunOS, `zonename`: global); any other command line fails
/// with exit 1 and says so on stderr.
fn fake_gz(capture: &Path, skip: &[&str]) -> tempfile::TempDir {
    fake_host(capture, skip, "global")
}

/// [`fake_gz`] whose `zonename` prints `zonename`.
fn fake_host(capture: &Path, skip: &[&str], zonename: &str) -> tempfile::TempDir {
    let bin = tempfile::tempdir().expect("tempdir");
    let mut cases = format!("  'uname -s') echo SunOS ;;\n  zonename) echo {zonename} ;;\n");
    let mut programs = std::collections::BTreeSet::from(["zonename".to_owned()]);
    for path in common::read_tree(capture).keys() {
        let Some((entry, zone)) = zrules::capture::classify(path) else {
            continue;
        };
        if skip.contains(&path.as_str()) {
            continue;
        }
        let argv = entry.argv(zone);
        programs.insert(argv[0].clone());
        let file = capture.join(path);
        cases.push_str(&format!(
            "  {}) exec /bin/cat {} ;;\n",
            quote(&argv.join(" ")),
            quote(&file.to_string_lossy())
        ));
    }
    // Programs whose every answer was skipped must still exist (and fail).
    for entry in zrules::capture::LAYOUT {
        programs.insert(entry.argv(Some("z"))[0].clone());
    }
    let script = format!(
        "#!/bin/sh\ncase \"${{0##*/}}${{*:+ $*}}\" in\n{cases}  *) echo \"fake: no answer for: ${{0##*/}}${{*:+ $*}}\" >&2; exit 1 ;;\nesac\n"
    );
    let fake = bin.path().join("fake");
    fs::write(&fake, script).expect("write fake");
    std::process::Command::new("/bin/chmod")
        .arg("755")
        .arg(&fake)
        .status()
        .expect("chmod");
    for p in programs {
        symlink(&fake, bin.path().join(p)).expect("symlink");
    }
    bin
}

fn zmigrate(path: &Path) -> Command {
    let mut c = Command::cargo_bin("zmigrate").expect("binary");
    c.env("PATH", path).env_remove("NO_COLOR");
    c
}

fn policy_file(dir: &Path) -> PathBuf {
    let p = dir.join("policy.yaml");
    fs::write(&p, "fail_level: warning\n").expect("policy");
    p
}

#[test]
fn help_teaches_the_commands_and_exit_codes() {
    let out = Command::cargo_bin("zmigrate")
        .expect("binary")
        .arg("--help")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for want in [
        "zmigrate collect gz1 -o captures/gz1",
        "zmigrate check gz1 gz2",
        "Exit codes: 0",
        "batch mode",
        "zrules layout",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    let out = Command::cargo_bin("zmigrate")
        .expect("binary")
        .args(["collect", "--help"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("collect-errors") && text.contains("zlogin"),
        "{text}"
    );
}

#[test]
fn hosts_that_look_like_options_are_refused_before_anything_runs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out_dir = tmp.path().join("cap");
    let marker = tmp.path().join("pwned");
    let evil = format!("-oProxyCommand=touch {}", marker.display());
    let out = Command::cargo_bin("zmigrate")
        .expect("binary")
        .args(["collect", "-o"])
        .arg(&out_dir)
        .arg("--")
        .arg(&evil)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("would be read as an option"), "{err}");
    assert!(!out_dir.exists() && !marker.exists());
    let out = Command::cargo_bin("zmigrate")
        .expect("binary")
        .args(["check", "--", "-v", "gz1"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid host name '-v'"));
    let out = Command::cargo_bin("zmigrate")
        .expect("binary")
        .args(["check", "gz1", "gz1"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gz1 is named twice"));
    let out = Command::cargo_bin("zmigrate")
        .expect("binary")
        .arg("check")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "no host is a usage error");
}

#[test]
fn local_collect_reproduces_the_capture_byte_for_byte() {
    let fixture = Path::new(FIXTURE);
    let bin = fake_gz(fixture, &[]);
    let tmp = tempfile::tempdir().expect("tempdir");
    let out_dir = tmp.path().join("cap");
    let out = zmigrate(bin.path())
        .args(["collect", "--local", "-o"])
        .arg(&out_dir)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("localhost: 28 commands, 28 files, 2 non-global zones (2 running)\n"),
        "{err}"
    );
    common::assert_same_files(&common::read_tree(&out_dir), &common::read_tree(fixture));
    // A second collection into the same directory is refused.
    let again = zmigrate(bin.path())
        .args(["collect", "--local", "-o"])
        .arg(&out_dir)
        .output()
        .expect("run");
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not empty"));
}

#[test]
fn local_check_is_zrules_check_of_the_capture() {
    let fixture = Path::new(FIXTURE);
    let bin = fake_gz(fixture, &[]);
    let tmp = tempfile::tempdir().expect("tempdir");
    let policy = policy_file(tmp.path());
    let out = zmigrate(bin.path())
        .current_dir(tmp.path())
        .args(["check", "--local", "--format", "json", "--policy"])
        .arg(&policy)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = common::parse_json(&out.stdout);
    assert_eq!(common::findings(&json), ["Z91 oui-not-local - -"]);
    // Byte for byte what zrules renders for the same files.
    let input = CheckInput {
        configs: vec![],
        captures: vec![CaptureInput::new("localhost", common::read_texts(fixture))],
        problems: Vec::new(),
    };
    let pol = zrules::policy::Policy::from_yaml("fail_level: warning\n").expect("policy");
    let o = zrules::check::run(&input, &pol);
    let opts = zrules::render::RenderOptions {
        color: false,
        statistics: false,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let want = zrules::render::render(&o.report, &o.sources, zrules::render::Format::Json, &opts);
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);
}

#[test]
fn a_failing_command_is_reported_with_its_stderr_and_the_rest_is_kept() {
    let fixture = Path::new(FIXTURE);
    let bin = fake_gz(fixture, &["zones/db/pkg-list"]);
    let tmp = tempfile::tempdir().expect("tempdir");
    let out_dir = tmp.path().join("cap");
    let out = zmigrate(bin.path())
        .args(["collect", "--local", "-o"])
        .arg(&out_dir)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("  zones/db/pkg-list: `zlogin db pkg list -H`: exit status 1: fake: no answer for: zlogin db pkg list -H\n"),
        "{err}"
    );
    let mut want = common::read_tree(fixture);
    want.remove("zones/db/pkg-list");
    let mut got = common::read_tree(&out_dir);
    let errors =
        String::from_utf8(got.remove("collect-errors").expect("collect-errors")).expect("utf-8");
    common::assert_same_files(&got, &want);
    let entries: Vec<&str> = errors.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        entries,
        [
            "zones/db/pkg-list\tzlogin db pkg list -H\texit status 1",
            "\tfake: no answer for: zlogin db pkg list -H"
        ]
    );

    // check: same findings, the failure on stderr, the checks needing the file skipped.
    let policy = policy_file(tmp.path());
    let out = zmigrate(bin.path())
        .args(["check", "--local", "--format", "json", "--policy"])
        .arg(&policy)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("zones/db/pkg-list: `zlogin db pkg list -H`: exit status 1")
    );
    let json = common::parse_json(&out.stdout);
    assert_eq!(common::findings(&json), ["Z91 oui-not-local - -"]);
    let skipped: Vec<String> = json["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| {
            format!(
                "{} {} {}",
                s["code"].as_str().unwrap_or(""),
                s["check"].as_str().unwrap_or(""),
                s["zone"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(skipped, ["Z01 base-group db", "Z01 bloat db"]);
}

/// A `PATH` whose `ssh` only records that it was started (in `ran`).
fn recording_ssh(dir: &Path) -> (PathBuf, PathBuf) {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).expect("bin");
    let ran = dir.join("ssh-ran");
    let ssh = bin.join("ssh");
    fs::write(
        &ssh,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" >> {}\nexit 255\n",
            quote(&ran.to_string_lossy())
        ),
    )
    .expect("ssh");
    std::process::Command::new("/bin/chmod")
        .arg("755")
        .arg(&ssh)
        .status()
        .expect("chmod");
    (bin, ran)
}

/// `zmigrate collect -F cfg '-oProxyCommand=…' gz-a` was read by clap as
/// `-o ProxyCommand=…`: a capture directory of that name, and ssh started
/// for gz-a. A host operand starting with `-` is refused however it is
/// spelled, before ssh or any directory is touched.
#[test]
fn a_host_starting_with_a_dash_is_refused_however_it_is_spelled() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cfg = tmp.path().join("ssh_config");
    fs::write(&cfg, "Host gz-a\n  HostName 127.0.0.1\n").expect("config");
    let (bin, ran) = recording_ssh(tmp.path());
    let work = tmp.path().join("work");
    fs::create_dir(&work).expect("work");
    let marker = tmp.path().join("pwned");
    let evil = format!("-oProxyCommand=touch {}", marker.display());
    let cfg_s = cfg.to_string_lossy().into_owned();
    let cfg_attached = format!("-F{cfg_s}");
    let attached = "is refused: a host name never starts with '-'";
    let operand = "it starts with '-' and would be read as an option";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["collect", "-F", &cfg_s, &evil, "gz-a"], attached),
        (vec!["collect", "-F", &cfg_s, "gz-a", &evil], attached),
        (
            vec!["collect", "-F", &cfg_s, "-o", "cap", "--", &evil],
            operand,
        ),
        (
            vec!["collect", "-o", "cap", "-F", &cfg_s, "--", "-v"],
            operand,
        ),
        (vec!["check", "-F", &cfg_s, &evil, "gz-a"], attached),
        (vec!["check", "-F", &cfg_s, "gz-a", "--", &evil], operand),
        (
            vec!["check", &cfg_attached, "gz-a"],
            "(-F VALUE, not -FVALUE)",
        ),
    ];
    for (args, why) in cases {
        let out = zmigrate(&bin)
            .current_dir(&work)
            .args(&args)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(why),
            "{args:?}: {err}"
        );
        assert!(!ran.exists(), "{args:?}: ssh was started");
        let left: Vec<_> = fs::read_dir(&work).expect("work").collect();
        assert!(left.is_empty(), "{args:?}: {left:?}");
        assert!(!marker.exists());
    }
    // The spelled-out forms still work (and reach ssh).
    let out = zmigrate(&bin)
        .current_dir(&work)
        .args(["collect", "-F", &cfg_s, "--output=cap", "gz-a"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(ran.exists(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `--local` on a machine that is not a Solaris or illumos global zone
/// linted that machine's own files (a Linux passwd) and exited 1.
#[test]
fn local_runs_are_refused_outside_a_global_zone() {
    // A Linux machine: uname says so, there is no zonename, cat is real.
    let linux = tempfile::tempdir().expect("tempdir");
    let uname = linux.path().join("uname");
    fs::write(
        &uname,
        "#!/bin/sh\ncase \"$1\" in -s) echo Linux ;; -v) echo '#1 SMP' ;; esac\n",
    )
    .expect("uname");
    std::process::Command::new("/bin/chmod")
        .arg("755")
        .arg(&uname)
        .status()
        .expect("chmod");
    symlink("/bin/cat", linux.path().join("cat")).expect("cat");
    // A non-global zone of a real host.
    let ngz = fake_host(Path::new(FIXTURE), &[], "www");
    let tmp = tempfile::tempdir().expect("tempdir");
    let policy = policy_file(tmp.path());
    for (path, why) in [
        (
            linux.path(),
            "this machine runs Linux, not Solaris or illumos",
        ),
        (
            ngz.path(),
            "this is the non-global zone www, not a global zone",
        ),
    ] {
        let out = zmigrate(path)
            .args(["check", "--local", "--policy"])
            .arg(&policy)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("localhost is not a Solaris or illumos global zone") && err.contains(why),
            "{err}"
        );
        assert!(out.stdout.is_empty(), "no findings about the wrong machine");
        let dir = tmp.path().join("cap");
        let out = zmigrate(path)
            .args(["collect", "--local", "-o"])
            .arg(&dir)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2));
        assert!(!dir.exists(), "no capture directory is left behind");
    }
    // This very machine, as a user runs it, when it is not a GZ.
    if cfg!(target_os = "linux") {
        let out = Command::cargo_bin("zmigrate")
            .expect("binary")
            .args(["check", "--local", "--policy"])
            .arg(&policy)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("runs Linux"));
    }
}

/// A copy of `from` (a capture) in `to`.
fn copy_capture(from: &Path, to: &Path) {
    for (rel, bytes) in common::read_tree(from) {
        let p = to.join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, bytes).expect("write");
    }
}

#[test]
fn a_file_that_is_not_utf8_is_the_same_z00_as_in_zrules_check() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cap = tmp.path().join("cap");
    copy_capture(Path::new(FIXTURE), &cap);
    let mut passwd = fs::read(cap.join("passwd")).expect("passwd");
    passwd.extend_from_slice(b"jose:x:2001:10:Jos\xe9:/local/home/jose:/usr/bin/bash\n");
    fs::write(cap.join("passwd"), &passwd).expect("write");
    let bin = fake_gz(&cap, &[]);
    let policy = policy_file(tmp.path());
    let out = zmigrate(bin.path())
        .current_dir(tmp.path())
        .args(["check", "--local", "--format", "json", "--policy"])
        .arg(&policy)
        .output()
        .expect("run");
    let json = common::parse_json(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    let line = passwd.iter().filter(|b| **b == b'\n').count();
    assert!(
        common::findings(&json).contains(&"Z00 parse localhost -".to_owned()),
        "{json}"
    );
    let z00 = &json["diagnostics"][0];
    assert_eq!(z00["file"], "localhost/passwd");
    assert_eq!(
        (z00["line"].as_u64(), z00["column"].as_u64()),
        (Some(line as u64), Some(19))
    );
    // What `zrules check --capture cap` reads from the same bytes: the one
    // reader, so the same report, byte for byte, once the capture is
    // labelled and named as zmigrate names it.
    let mut read = zrules::input::Read::default();
    zrules::input::captures(&zrules::os::StdFs, &cap, &mut read).expect("capture");
    let prefix = cap.display().to_string();
    read.input.captures[0].host = "localhost".into();
    read.input.captures[0].root = "localhost".into();
    for p in &mut read.input.problems {
        p.host = Some("localhost".into());
        p.name = p.name.replacen(&prefix, "localhost", 1);
    }
    let pol = zrules::policy::Policy::from_yaml("fail_level: warning\n").expect("policy");
    let o = zrules::check::run(&read.input, &pol);
    let opts = zrules::render::RenderOptions {
        color: false,
        statistics: false,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    let want = zrules::render::render(&o.report, &o.sources, zrules::render::Format::Json, &opts);
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let bin = fake_gz(Path::new(FIXTURE), &[]);
    let tmp = tempfile::tempdir().expect("tempdir");
    let policy = policy_file(tmp.path());
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("zmigrate"));
    cmd.env("PATH", bin.path())
        .current_dir(tmp.path())
        .args(["check", "--local", "--format", "json", "--policy"])
        .arg(&policy);
    let (code, err) = closed_stdout::run(cmd);
    assert!(!err.contains("error"), "{err}");
    assert_eq!(code, Some(0), "{err}");
}
