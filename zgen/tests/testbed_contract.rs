//! The contract between zgen and a real-shaped global zone: the script
//! `zgen zone … --format sh` prints, piped into `ssh -F DIR/ssh_config gz-a
//! sh` (twice: the set-up phase is safe to run again), followed by
//! `zoneadm -z ZONE install` and `boot` and the in-zone phase, yields a
//! running zone that zrules finds compliant. Runs on the
//! testbed (simulated GZs, real ssh and ZFS); skipped with the reason
//! outside CI when the testbed cannot run, a failure under `CI=true`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use zone_testbed::{Options, Testbed, stderr, stdout};
use zrules::Severity;
use zrules::capture::{LAYOUT, Scope};
use zrules::check::{CaptureInput, CheckInput, run};
use zrules::facts::zoneadm;
use zrules::policy::Policy;

/// Runs the capture layout's commands on `host` over the testbed's ssh and
/// returns the files, as `zmigrate collect` would write them.
fn capture(tb: &Testbed, host: &str) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for c in LAYOUT.iter().filter(|c| c.scope == Scope::Global) {
        let out = tb.run(host, &c.argv(None));
        if out.status.success() {
            files.insert(c.path(None), stdout(&out));
        }
    }
    let zones = zoneadm::parse(&files["zoneadm-list-cp"])
        .into_result()
        .expect("zoneadm list -cp parses");
    for z in zones.iter().filter(|z| z.value.name != "global") {
        let name = z.value.name.as_str();
        let running = matches!(z.value.state, zoneadm::ZoneState::Running);
        for c in LAYOUT
            .iter()
            .filter(|c| c.scope == Scope::ZoneConfig || (running && c.scope == Scope::InZone))
        {
            let out = tb.run(host, &c.argv(Some(name)));
            if out.status.success() {
                files.insert(c.path(Some(name)), stdout(&out));
            }
        }
    }
    files
}

fn write_capture(dir: &Path, files: &BTreeMap<String, String>) {
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
}

/// `zgen ARGS | ssh -F DIR/ssh_config HOST sh`, as an operator would.
fn zgen_into_sh(tb: &Testbed, host: &str, args: &[&str]) {
    let script = Command::new(env!("CARGO_BIN_EXE_zgen"))
        .args(args)
        .output()
        .expect("zgen runs");
    assert!(
        script.status.success(),
        "zgen {args:?}: {}",
        String::from_utf8_lossy(&script.stderr)
    );
    let mut ssh = Command::new("ssh")
        .arg("-F")
        .arg(tb.ssh_config())
        .args(["--", host, "sh"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ssh starts");
    ssh.stdin
        .take()
        .expect("stdin")
        .write_all(&script.stdout)
        .expect("script sent");
    let out = ssh.wait_with_output().expect("ssh ends");
    assert!(
        out.status.success(),
        "script of zgen {args:?} failed on {host}: {}\n{}",
        stderr(&out),
        String::from_utf8_lossy(&script.stdout)
    );
}

#[test]
fn a_zgen_script_piped_into_ssh_sh_makes_a_running_compliant_zone() {
    let Some(tb) = Testbed::require(Options {
        hosts: 1,
        ..Options::default()
    }) else {
        return;
    };
    let host = "gz-a";
    let tmp = tempfile::tempdir().expect("tmp");
    let before = tmp.path().join("before");
    write_capture(&before, &capture(&tb, host));
    let cap = before.to_str().expect("utf-8 path");

    // The same request both times; only the phase differs.
    let zone = |phase| {
        [
            "zone",
            "web",
            "--capture",
            cap,
            "--vnics",
            "2",
            "--users",
            "alice",
            "--phase",
            phase,
        ]
    };
    zgen_into_sh(&tb, host, &zone("gz"));
    // Check, then create: the same set-up script runs again without error
    // (an operator re-runs a script that stopped halfway).
    zgen_into_sh(&tb, host, &zone("gz"));
    let install = tb.run(host, &["zoneadm", "-z", "web", "install"]);
    assert!(install.status.success(), "install: {}", stderr(&install));
    let boot = tb.run(host, &["zoneadm", "-z", "web", "boot"]);
    assert!(boot.status.success(), "boot: {}", stderr(&boot));
    assert!(
        tb.wait_state(host, "web", "running", Duration::from_secs(30)),
        "web is running"
    );
    zgen_into_sh(&tb, host, &zone("zone"));

    let files = capture(&tb, host);
    // The in-zone phase really ran: alice exists, homed by rule 11, in her
    // own dataset, and ssh no longer waits for autofs.
    let passwd = &files["zones/web/passwd"];
    assert!(
        passwd
            .lines()
            .any(|l| l.starts_with("alice:") && l.contains(":/local/home/alice:")),
        "{passwd}"
    );
    assert!(
        files["zfs-list"].contains("rpool/zones/web/rpool/local/home/alice\t"),
        "{}",
        files["zfs-list"]
    );
    assert!(
        !files["zones/web/svcs-d-ssh"].contains("autofs"),
        "{}",
        files["zones/web/svcs-d-ssh"]
    );
    assert!(
        files["zoneadm-list-cp"]
            .lines()
            .any(|l| l.contains(":web:running:")),
        "{}",
        files["zoneadm-list-cp"]
    );
    let outcome = run(
        &CheckInput {
            configs: vec![],
            captures: vec![CaptureInput::new(host, files)],
            problems: Vec::new(),
        },
        &Policy::default(),
    );
    let web: Vec<String> = outcome
        .report
        .diagnostics
        .iter()
        .filter(|d| d.zone() == Some("web") && d.severity >= Severity::Warning)
        .map(|d| {
            format!(
                "{} {}: {}",
                d.rule_id(),
                d.message(),
                d.help().unwrap_or_default()
            )
        })
        .collect();
    assert!(
        web.is_empty(),
        "zone web is not compliant:\n{}",
        web.join("\n")
    );
    let skipped: Vec<String> = outcome
        .report
        .skipped
        .iter()
        .filter(|s| s.zone.as_deref() == Some("web"))
        .map(|s| format!("{} {}: {}", s.code, s.check, s.reason))
        .collect();
    assert!(
        skipped.is_empty(),
        "every check ran for web:\n{}",
        skipped.join("\n")
    );
}
