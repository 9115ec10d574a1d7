//! End to end on the testbed: two simulated global zones reached over real
//! OpenSSH, a fleet of compliant zones (built with zgen's plans) and
//! non-compliant ones (built by hand), collected and checked with the
//! `zmigrate` binary as a user runs it. The findings must be exactly the
//! ones the non-compliant zones were built to have.
//!
//! Needs the testbed (root, zfs-fuse, sshd): under `CI=true` a missing
//! prerequisite fails the test; elsewhere it is skipped with the reason.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use zgen::step::Phase;
use zgen::zone::ZoneRequest;
use zgen::{Format, HostContext, Platform};
use zmigrate::collect::{self, Quiet};
use zmigrate::exec::Executor;
use zmigrate::exec::ssh::{SshExecutor, SshOptions};
use zone_testbed::{Fault, Options, Testbed, stderr};
use zrules::policy::Policy;
use zrules::shell::Command as HostCommand;

/// The testbed's GZs show this machine's `/etc/passwd` (their `/etc` is the
/// host's), whose accounts differ from machine to machine; its GZ-level
/// home findings are excepted so the expectation does not depend on it.
const POLICY: &str = "exceptions:
  - zone: global
    rules: [\"Z11 home-path\", \"Z11 home-dataset\"]
    reason: the testbed's global zones show this machine's /etc/passwd
";

/// What the fleet below must produce: `CODE check host zone`, sorted.
const EXPECTED: &[&str] = &[
    // old: configured only, zonepath outside /zones, an anet, no pool1/old.
    "Z04 anet gz-a old",
    // The testbed names its GZs gz-a, gz-b: `gz-a0` is no datalink name.
    "Z05 vnic-name gz-a -",
    "Z05 vnic-name gz-b -",
    // bad's VNIC has a random MAC; old's anet an automatic one.
    "Z06 mac-not-fixed gz-a bad",
    "Z06 mac-not-fixed gz-a old",
    "Z08 zonepath gz-a old",
    "Z09 zonepath-dataset gz-a old",
    "Z10 dataset-parent gz-a old",
    // bad has no delegated dataset.
    "Z10 pool1-missing gz-a bad",
    // bad keeps the autofs dependencies of ssh, system-log and sendmail.
    "Z11 autofs-dependency gz-a bad",
    "Z11 autofs-dependency gz-a bad",
    "Z11 autofs-dependency gz-a bad",
    // bob's home is /export/home/bob, not his own dataset at /local/home/bob.
    "Z11 home-dataset gz-a bad",
    "Z11 home-path gz-a bad",
    // Once per run: the default prefix 00:00:01 is a vendor OUI.
    "Z91 oui-not-local - -",
];

fn connect(tb: &Testbed, host: &str) -> SshExecutor {
    let opts = SshOptions {
        config: Some(tb.ssh_config()),
        ..SshOptions::default()
    };
    SshExecutor::connect(host, opts).unwrap_or_else(|e| panic!("connect {host}: {e}"))
}

fn ok(x: &dyn Executor, cmd: HostCommand) -> String {
    let out = x.run(&cmd).unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        out.success(),
        "{}: `{cmd}` ended with {}: {}",
        x.host(),
        out.status,
        out.stderr_text()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Removes the autofs dependencies of house rule 11, in the GZ or (through
/// zlogin) in a zone, where each service's manifest puts them (zrules knows:
/// ssh and system-log on the service, sendmail on its instance); each shows
/// after a refresh.
fn drop_autofs(x: &dyn Executor, zone: Option<&str>) {
    let mut fmris = vec!["svc:/network/ssh:default", "svc:/system/system-log:default"];
    if zone.is_some() {
        fmris.push("svc:/network/smtp:sendmail");
    }
    for fmri in fmris {
        let (entity, pg) = zrules::rules::autofs_dependency_group(fmri).expect("a known service");
        for cmd in [
            HostCommand::new("svccfg", ["-s", entity, "delpg", pg]),
            HostCommand::new("svcadm", ["refresh", fmri]),
        ] {
            ok(x, zone.map_or_else(|| cmd.clone(), |z| cmd.in_zone(z)));
        }
    }
}

/// A compliant zone: zgen's GZ steps planned from a fresh collection of the
/// host (so MAC blocks in use are seen), then install, and when `boot`,
/// boot and the in-zone autofs repairs.
fn zgen_zone(tb: &Testbed, x: &SshExecutor, zone: &str, boot: bool) {
    let policy = Policy::default();
    let cap = collect::collect(x, &mut Quiet);
    assert!(
        cap.lost.is_none() && cap.failures.is_empty(),
        "{}",
        cap.summary()
    );
    let mut sources = zrules::Sources::new();
    let (facts, _) = zrules::capture::load(x.host(), &cap.texts(), &mut sources);
    let ctx = HostContext::from_facts(&facts, &policy);
    let req = ZoneRequest {
        zone: zone.to_owned(),
        vnics: 1,
        over: None,
        pools: vec!["pool1".to_owned()],
        users: vec![],
        autoboot: true,
        platform: Platform::Solaris11,
    };
    let plan =
        zgen::zone::plan(&req, &ctx, &policy).unwrap_or_else(|e| panic!("zgen zone {zone}: {e}"));
    let script = zgen::render(&plan.filter(Phase::Gz), Format::Sh);
    let out = tb.sh_with_input(x.host(), "sh", script.as_bytes());
    assert!(
        out.status.success(),
        "zgen's script for {zone}: {}\n{script}",
        stderr(&out)
    );
    ok(x, HostCommand::new("zoneadm", ["-z", zone, "install"]));
    if boot {
        ok(x, HostCommand::new("zoneadm", ["-z", zone, "boot"]));
        drop_autofs(x, Some(zone));
    }
}

/// The non-compliant zones, by hand: `bad` runs with a random MAC, no
/// delegated dataset, an account homed in /export/home and every autofs
/// dependency; `old` is only configured, under /export, with an anet.
const BAD_ZONES: &str = "set -e
zfs create -o mountpoint=/zones/bad rpool/zones/bad
chmod 700 /zones/bad
dladm create-vnic -l net0 -m random bad0
cat > /tmp/bad.zonecfg <<'EOF'
create -b
set brand=solaris
set zonepath=/zones/bad
set autoboot=true
set ip-type=exclusive
add net
set physical=bad0
end
EOF
zonecfg -z bad -f /tmp/bad.zonecfg
zoneadm -z bad install >/dev/null
zoneadm -z bad boot
zlogin bad useradd -d /export/home/bob -m bob
cat > /tmp/old.zonecfg <<'EOF'
create -b
set brand=solaris
set zonepath=/export/zones/old
set autoboot=false
set ip-type=exclusive
add anet
set linkname=net0
set lower-link=net0
end
add dataset
set name=pool1/old/pool1
set alias=pool1
end
EOF
zonecfg -z old -f /tmp/old.zonecfg
";

fn run_zmigrate(tb: &Testbed, args: &[&str], extra: &[&Path]) -> std::process::Output {
    // `-F` belongs to the subcommand.
    let mut c = Command::cargo_bin("zmigrate").expect("binary");
    c.arg(args[0])
        .arg("-F")
        .arg(tb.ssh_config())
        .args(&args[1..])
        .args(extra);
    c.output().expect("run zmigrate")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_fleet_is_collected_and_checked_with_exactly_the_expected_findings() {
    let Some(tb) = Testbed::require(Options {
        hosts: 2,
        ..Options::default()
    }) else {
        return;
    };
    let (a, b) = (connect(&tb, "gz-a"), connect(&tb, "gz-b"));
    for x in [&a, &b] {
        drop_autofs(x, None);
    }
    zgen_zone(&tb, &a, "www", true);
    zgen_zone(&tb, &a, "db", false);
    zgen_zone(&tb, &b, "app", true);
    let out = tb.sh_with_input("gz-a", "sh", BAD_ZONES.as_bytes());
    assert!(out.status.success(), "bad zones: {}", stderr(&out));
    drop((a, b));

    let tmp = tempfile::tempdir().expect("tempdir");
    let policy = tmp.path().join("policy.yaml");
    std::fs::write(&policy, POLICY).expect("policy");

    // collect: every command succeeds; the GZ has no sendmail to ask about.
    let dir_a = tmp.path().join("gz-a");
    let out = run_zmigrate(&tb, &["collect", "gz-a", "-o"], &[&dir_a]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).starts_with(
            "gz-a: 30 commands, 29 files, 4 non-global zones (2 running)\n  not installed, so not captured: svcs-d-sendmail\n"
        ),
        "{}",
        text(&out.stderr)
    );
    let files = common::read_tree(&dir_a);
    let zone_files = |z: &str| -> Vec<String> {
        files
            .keys()
            .filter_map(|p| p.strip_prefix(&format!("zones/{z}/")).map(str::to_owned))
            .collect()
    };
    let in_zone = [
        "nodename",
        "passwd",
        "pkg-list",
        "svcs-d-sendmail",
        "svcs-d-ssh",
        "svcs-d-system-log",
        "zonecfg-export",
    ];
    assert_eq!(zone_files("www"), in_zone);
    assert_eq!(zone_files("bad"), in_zone);
    assert_eq!(
        zone_files("db"),
        ["zonecfg-export"],
        "an installed zone: its configuration only"
    );
    assert_eq!(zone_files("old"), ["zonecfg-export"]);
    assert!(!files.contains_key(collect::ERRORS_FILE));
    assert!(text(&files["zones/www/zonecfg-export"]).contains("set physical=www0\n"));
    let dir_b = tmp.path().join("gz-b");
    let out = run_zmigrate(&tb, &["collect", "gz-b", "-o"], &[&dir_b]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // check: the fleet's findings, exactly (and --keep writes what it linted).
    let kept = tmp.path().join("kept");
    let keep = format!("--keep={}", kept.display());
    let out = run_zmigrate(
        &tb,
        &[
            "check", "gz-a", "gz-b", "--format", "json", &keep, "--policy",
        ],
        &[&policy],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        out.stderr.is_empty(),
        "nothing went wrong: {}",
        text(&out.stderr)
    );
    common::assert_same_files(&common::read_tree(&kept.join("gz-a")), &files);
    let json = common::parse_json(&out.stdout);
    assert_eq!(common::findings(&json), EXPECTED);
    // Only the zones that are not running have skipped checks, and db's
    // in-zone checks are skipped, not passed.
    let skipped: BTreeSet<String> = json["skipped"]
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
    assert!(
        skipped.contains("Z07 nodename db") && skipped.contains("Z11 autofs-dependency old"),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .all(|s| s.ends_with(" db") || s.ends_with(" old")),
        "{skipped:?}"
    );

    // The same as `zrules check --capture KEPT/gz-a --capture KEPT/gz-b`:
    // with --keep, findings name the kept files, which exist.
    let mut read = zrules::input::Read::default();
    for h in ["gz-a", "gz-b"] {
        zrules::input::captures(&zrules::os::StdFs, &kept.join(h), &mut read).expect("kept");
    }
    let pol = Policy::from_yaml(POLICY).expect("policy");
    let o = zrules::check::run(&read.input, &pol);
    let opts = zrules::render::RenderOptions {
        color: false,
        statistics: false,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    assert_eq!(
        text(&out.stdout),
        zrules::render::render(&o.report, &o.sources, zrules::render::Format::Json, &opts)
    );

    // A command that fails on the host: bad's package database is broken
    // (the testbed keeps it in the zone root: tests/testbed/README.md).
    tb.ok(
        "gz-a",
        "echo '{' > /zones/bad/root/var/pkg/testbed-installed.json",
    );
    let dir_a2 = tmp.path().join("gz-a-again");
    let out = run_zmigrate(&tb, &["collect", "gz-a", "-o"], &[&dir_a2]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("\n  zones/bad/pkg-list: `zlogin bad pkg list -H`: exit status 1: "),
        "{err}"
    );
    let mut again = common::read_tree(&dir_a2);
    let errors = text(&again.remove(collect::ERRORS_FILE).expect("collect-errors"));
    let mut want = files.clone();
    want.remove("zones/bad/pkg-list");
    common::assert_same_files(&again, &want);
    let entries: Vec<&str> = errors.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        entries[0],
        "zones/bad/pkg-list\tzlogin bad pkg list -H\texit status 1"
    );
    assert!(
        entries[1..].iter().all(|l| l.starts_with('\t')) && errors.contains("JSONDecodeError"),
        "{errors}"
    );
    // check still lints what it has: the same findings, bad's packages skipped.
    let out = run_zmigrate(
        &tb,
        &["check", "gz-a", "gz-b", "--format", "json", "--policy"],
        &[&policy],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("zones/bad/pkg-list: `zlogin bad pkg list -H`: exit status 1")
    );
    let json = common::parse_json(&out.stdout);
    assert_eq!(common::findings(&json), EXPECTED);
    assert!(
        json["skipped"]
            .as_array()
            .expect("skipped")
            .iter()
            .any(|s| s["zone"] == "bad" && s["check"] == "base-group")
    );

    // A host that cannot be reached: exit 2, only the others linted
    // (docs/fleet.md), no directory left.
    tb.inject("gz-b", Fault::StopSshd).expect("stop sshd");
    let out = run_zmigrate(
        &tb,
        &[
            "check",
            "gz-a",
            "gz-b",
            "--connect-timeout",
            "3",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("error: cannot reach gz-b: "),
        "{}",
        text(&out.stderr)
    );
    let json = common::parse_json(&out.stdout);
    assert!(
        common::findings(&json)
            .iter()
            .all(|f| !f.contains(" gz-b "))
    );
    let dir_b2 = tmp.path().join("gz-b-again");
    let out = run_zmigrate(
        &tb,
        &["collect", "gz-b", "--connect-timeout", "3", "-o"],
        &[&dir_b2],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir_b2.exists());
}

/// Every word reaches the remote program as it was given, over real ssh
/// (one shell) and through zlogin into a zone (two shells): the quoting
/// happens in one place and is right for both.
#[test]
fn words_survive_ssh_and_zlogin_unchanged() {
    let Some(tb) = Testbed::require(Options {
        hosts: 1,
        ..Options::default()
    }) else {
        return;
    };
    let cfg = "create -b\nset zonepath=/zones/q\nset ip-type=exclusive\n";
    let out = tb.sh_with_input("gz-a", "cat > /tmp/q.cfg && zonecfg -z q -f /tmp/q.cfg && zoneadm -z q install >/dev/null && zoneadm -z q boot", cfg.as_bytes());
    assert!(out.status.success(), "zone q: {}", stderr(&out));
    let x = connect(&tb, "gz-a");
    let words = [
        "",
        " ",
        "'",
        "''",
        "\"",
        "\\",
        "$HOME",
        "`id`",
        "$(id)",
        "a\nb",
        "*",
        "?",
        "[a]",
        "~",
        "#x",
        "a;b",
        "a|b",
        "a&b",
        "!x",
        "{a,b}",
        "-n",
        "--",
        "é ü",
        "\t",
        "%s",
        "a=b",
        "> /tmp/pwned",
    ];
    let printf = HostCommand::new("printf", std::iter::once("%s\\0").chain(words));
    for cmd in [printf.clone(), printf.in_zone("q")] {
        let got = ok(&x, cmd.clone());
        let mut got: Vec<&str> = got.split('\0').collect();
        assert_eq!(got.pop(), Some(""), "{cmd}");
        assert_eq!(got, words, "{cmd}");
    }
    assert!(!tb.ok("gz-a", "ls /tmp").contains("pwned"));
}
