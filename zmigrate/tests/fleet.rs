//! Fleets with the `zmigrate` binary: many hosts collected in parallel give
//! exactly the captures of a sequential collection (byte for byte), with a
//! host that cannot be reached and a command that fails on another; hosts
//! come from Ansible inventories (aliases, ports and users reach ssh;
//! `--limit` selects); and an inventory host that could become an ssh
//! option is refused before anything runs.
//!
//! The testbed tests need root, zfs-fuse and sshd: under `CI=true` a
//! missing prerequisite fails them; elsewhere they are skipped with the
//! reason. The others run anywhere.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use zone_testbed::{Fault, Options, Testbed, stderr};

/// Zones for a GZ: `web` running, `db` installed, `new` configured (the
/// script the benchmark uses too).
const ZONES: &str = include_str!("../../tests/bench/fleet-zones.sh");

fn zmigrate(tb: &Testbed, args: &[&str], extra: &[&Path]) -> Output {
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

fn with_zones(tb: &Testbed, host: &str) {
    let out = tb.sh_with_input(host, "sh", ZONES.as_bytes());
    assert!(out.status.success(), "zones on {host}: {}", stderr(&out));
}

/// Where a text is first found in `haystack` (for ordering assertions).
fn at(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in:\n{haystack}"))
}

#[test]
fn parallel_collection_gives_the_sequential_captures_byte_for_byte() {
    let Some(tb) = Testbed::require(Options {
        hosts: 4,
        ..Options::default()
    }) else {
        return;
    };
    for h in ["gz-a", "gz-b", "gz-c"] {
        with_zones(&tb, h);
    }
    // One command fails on one host: gz-c's package database is broken
    // (the testbed keeps the GZ's in DIR/hosts/H/state/gz/pkg.json), so
    // its `pkg list -H` exits 1. One host cannot be reached at all.
    fs::write(tb.dir().join("hosts/gz-c/state/gz/pkg.json"), "{").expect("break pkg");
    tb.inject("gz-d", Fault::StopSshd).expect("stop sshd");

    let tmp = tempfile::tempdir().expect("tempdir");
    let hosts = ["gz-a", "gz-b", "gz-c", "gz-d"];
    let run = |jobs: &str, dir: &Path| {
        let mut args = vec!["collect"];
        args.extend(hosts);
        args.extend(["--connect-timeout", "3", "--jobs", jobs, "-o"]);
        zmigrate(&tb, &args, &[dir])
    };
    let (seq, par) = (tmp.path().join("seq"), tmp.path().join("par"));
    let s = run("1", &seq);
    let p = run("4", &par);
    let (s_err, p_err) = (text(&s.stderr), text(&p.stderr));
    assert_eq!(s.status.code(), Some(2), "{s_err}");
    assert_eq!(p.status.code(), Some(2), "{p_err}");
    let (s_tree, p_tree) = (common::read_tree(&seq), common::read_tree(&par));
    common::assert_same_files(&p_tree, &s_tree);

    // What the captures hold: every host has its directory; gz-a and gz-b
    // are complete, gz-c lacks its pkg-list and says why, gz-d says only
    // that it could not be reached.
    let files = |h: &str| -> Vec<&str> {
        s_tree
            .keys()
            .filter_map(|k| k.strip_prefix(&format!("{h}/")))
            .collect()
    };
    for h in ["gz-a", "gz-b"] {
        let f = files(h);
        assert!(
            f.contains(&"zones/web/pkg-list")
                && f.contains(&"zones/db/zonecfg-export")
                && f.contains(&"zones/new/zonecfg-export")
                && !f.contains(&"collect-errors"),
            "{h}: {f:?}"
        );
    }
    assert!(!files("gz-c").contains(&"pkg-list"));
    assert!(files("gz-c").contains(&"zones/web/pkg-list"));
    let c_errors = text(&s_tree["gz-c/collect-errors"]);
    assert!(
        c_errors.contains("\npkg-list\tpkg list -H\texit status 1\n\t"),
        "{c_errors}"
    );
    assert_eq!(files("gz-d"), ["collect-errors"]);
    let d_errors = text(&s_tree["gz-d/collect-errors"]);
    assert!(
        d_errors.contains("\n-\t-\tstopped early: cannot reach gz-d: "),
        "{d_errors}"
    );

    // stderr: the summaries in the hosts' order (whatever finished first),
    // then each problem, then one line for the fleet.
    for err in [&s_err, &p_err] {
        assert!(at(err, "gz-a: ") < at(err, "gz-b: ") && at(err, "gz-b: ") < at(err, "gz-c: "));
        assert!(err.contains("error: cannot reach gz-d: "), "{err}");
        assert!(err.contains("gz-c/collect-errors"), "{err}");
        assert!(
            err.contains("4 hosts: 2 complete, 1 with failed commands, 1 unreachable or cut off"),
            "{err}"
        );
    }
    assert_eq!(
        s_err.replace(&seq.display().to_string(), "DIR"),
        p_err.replace(&par.display().to_string(), "DIR"),
        "the same account, in the same order"
    );

    // One host named alone is collected into DIR itself, as it always
    // was, and is the same capture.
    let one = tmp.path().join("one");
    let o = zmigrate(&tb, &["collect", "gz-a", "-o"], &[&one]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let one_tree = common::read_tree(&one);
    let a_tree: std::collections::BTreeMap<String, Vec<u8>> = s_tree
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("gz-a/").map(|k| (k.to_owned(), v.clone())))
        .collect();
    common::assert_same_files(&one_tree, &a_tree);

    // check: the reachable hosts are checked, the same report whatever
    // --jobs; the unreachable one is an error (exit 2) and is left out.
    let check = |jobs: &str| {
        let mut args = vec!["check"];
        args.extend(hosts);
        args.extend(["--connect-timeout", "3", "--format", "json", "--jobs", jobs]);
        zmigrate(&tb, &args, &[])
    };
    let (c1, c4) = (check("1"), check("4"));
    assert_eq!(c1.status.code(), Some(2), "{}", text(&c1.stderr));
    assert_eq!(c4.status.code(), Some(2), "{}", text(&c4.stderr));
    assert_eq!(text(&c1.stdout), text(&c4.stdout));
    assert_eq!(text(&c1.stderr), text(&c4.stderr));
    assert!(
        text(&c4.stderr).contains("error: cannot reach gz-d: "),
        "{}",
        text(&c4.stderr)
    );
    let json = common::parse_json(&c4.stdout);
    let hosts_found: std::collections::BTreeSet<String> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["host"].as_str().map(str::to_owned))
        .collect();
    assert!(hosts_found.contains("gz-a") && hosts_found.contains("gz-c"));
    assert!(!hosts_found.contains("gz-d"), "{hosts_found:?}");
}

#[test]
fn an_inventory_names_the_fleet_and_its_addresses_ports_and_users_reach_ssh() {
    let Some(tb) = Testbed::require(Options {
        hosts: 3,
        ..Options::default()
    }) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    // Aliases whose ansible_host is a testbed GZ (its ssh_config entry
    // has the key and the pinned host key); `closed` has the right host
    // but a port nothing listens on, `stranger` a user with no key.
    let ini = tmp.path().join("hosts.ini");
    fs::write(
        &ini,
        "\
gz-a

[zones]
alpha ansible_host=gz-b
beta  ansible_host=gz-c ansible_port=2222 ansible_user=root

[broken]
closed   ansible_host=gz-a ansible_port=1
stranger ansible_host=gz-a ansible_user=nosuchuser

[fleet:children]
zones
broken
",
    )
    .expect("inventory");
    let out_dir = tmp.path().join("caps");
    let o = zmigrate(
        &tb,
        &[
            "collect",
            "-i",
            ini.to_str().expect("utf-8"),
            "--limit",
            "all:!broken",
            "-o",
        ],
        &[&out_dir],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let names: Vec<String> = fs::read_dir(&out_dir)
        .expect("caps")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(names, ["alpha", "beta", "gz-a"]);
    // Named by the inventory, collected from the address it gives.
    assert_eq!(
        fs::read_to_string(out_dir.join("alpha/nodename")).expect("n"),
        "gz-b\n"
    );
    assert_eq!(
        fs::read_to_string(out_dir.join("beta/nodename")).expect("n"),
        "gz-c\n"
    );
    let err = text(&o.stderr);
    assert!(
        at(&err, "gz-a: ") < at(&err, "alpha: ") && at(&err, "alpha: ") < at(&err, "beta: "),
        "inventory order: {err}"
    );

    // The port and the user really reach ssh: with them, gz-a is not
    // reached; each directory says why, the exit status is 2.
    let broken = tmp.path().join("broken");
    let o = zmigrate(
        &tb,
        &[
            "collect",
            "-i",
            ini.to_str().expect("utf-8"),
            "--limit",
            "broken",
            "--connect-timeout",
            "3",
            "-o",
        ],
        &[&broken],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let closed = fs::read_to_string(broken.join("closed/collect-errors")).expect("closed");
    assert!(
        closed.contains("stopped early: cannot reach closed: ") && closed.contains("port 1"),
        "{closed}"
    );
    let stranger = fs::read_to_string(broken.join("stranger/collect-errors")).expect("stranger");
    assert!(
        stranger.contains("cannot reach stranger: ") && stranger.contains("Permission denied"),
        "{stranger}"
    );

    // The same fleet in YAML, checked: findings are labelled with the
    // inventory names, and only the hosts --limit keeps are checked.
    let yaml = tmp.path().join("hosts.yml");
    fs::write(
        &yaml,
        "\
all:
  children:
    zones:
      hosts:
        alpha:
          ansible_host: gz-b
        beta:
          ansible_host: gz-c
          ansible_port: 2222
    lab:
      hosts:
        gz-a:
",
    )
    .expect("yaml");
    let o = zmigrate(
        &tb,
        &[
            "check",
            "-i",
            yaml.to_str().expect("utf-8"),
            "--limit",
            "zones",
            "--format",
            "json",
        ],
        &[],
    );
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        text(&o.stderr)
    );
    let json = common::parse_json(&o.stdout);
    let labelled: std::collections::BTreeSet<String> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["host"].as_str().map(str::to_owned))
        .collect();
    assert!(
        labelled.iter().all(|h| h == "alpha" || h == "beta") && !labelled.is_empty(),
        "{labelled:?}"
    );
}

/// The binary with `ssh` on the PATH replaced by a script that leaves a
/// mark: so a test can tell that nothing was run.
fn zmigrate_without_ssh(dir: &Path, args: &[&str]) -> (Output, bool) {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).expect("bin");
    let mark = dir.join("ssh-ran");
    let ssh = bin.join("ssh");
    fs::write(
        &ssh,
        format!("#!/bin/sh\ntouch {}\nexit 255\n", mark.display()),
    )
    .expect("ssh");
    fs::set_permissions(&ssh, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::cargo_bin("zmigrate")
        .expect("binary")
        .args(args)
        .env("PATH", path)
        .output()
        .expect("run");
    let ran = mark.exists();
    (out, ran)
}

#[test]
fn an_inventory_host_that_could_be_an_ssh_option_is_refused_before_anything_runs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inv = tmp.path().join("hosts");
    for (body, line, what) in [
        (
            "[zones]\ngz1\n'-oProxyCommand=touch /tmp/x'\n",
            3,
            "host '-oProxyCommand=touch /tmp/x' is refused",
        ),
        (
            "[zones]\ngz1 ansible_host=-oProxyCommand=x\n",
            2,
            "ansible_host of host 'gz1' is refused",
        ),
        (
            "[zones]\ngz1\n[zones:vars]\nansible_user=-lroot\n",
            4,
            "ansible_user of host 'gz1' is refused",
        ),
        (
            "[zones]\ngz1 ansible_port=22;reboot\n",
            2,
            "ansible_port of host 'gz1' is refused",
        ),
    ] {
        fs::write(&inv, body).expect("inventory");
        let out_dir = tmp.path().join("out");
        let (o, ran) = zmigrate_without_ssh(
            tmp.path(),
            &[
                "collect",
                "-i",
                inv.to_str().expect("utf-8"),
                "-o",
                out_dir.to_str().expect("utf-8"),
            ],
        );
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!("inventory {}: line {line}: {what}", inv.display())),
            "{body}: {err}"
        );
        assert!(!ran, "ssh ran for {body}");
        assert!(!out_dir.exists(), "nothing was written for {body}");
    }
}

#[test]
fn fleet_flags_are_checked_before_anything_runs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inv = tmp.path().join("hosts.ini");
    fs::write(&inv, "[web]\nweb[1:2]\n").expect("inventory");
    let inv = inv.to_str().expect("utf-8");
    for (args, want) in [
        (vec!["check", "gz1", "--jobs", "0"], "0 is not in 1..=256"),
        (vec!["check", "--limit", "web", "gz1"], "--inventory"),
        (vec!["check", "-i", inv, "gz1"], "cannot be used with"),
        (vec!["check", "-i", inv, "--local"], "cannot be used with"),
        (vec!["check", "-i", inv, "--limit", "db"], "no host of"),
        (
            vec!["check", "-i", inv, "--limit", "~web.*"],
            "regular expressions",
        ),
        (
            vec!["collect", "gz1", "gz1", "-o", "x"],
            "gz1 is named twice",
        ),
        (vec!["collect", "-j8", "gz1", "-o", "x"], "'-j8' is refused"),
    ] {
        let (o, ran) = zmigrate_without_ssh(tmp.path(), &args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!ran, "{args:?}");
    }
    // A used DIR/HOST refuses the whole run before any host is reached,
    // and leaves no directory behind.
    let used = tmp.path().join("used");
    fs::create_dir_all(used.join("gz2")).expect("dir");
    fs::write(used.join("gz2/nodename"), "old\n").expect("file");
    let (o, ran) = zmigrate_without_ssh(
        tmp.path(),
        &["collect", "gz1", "gz2", "-o", used.to_str().expect("utf-8")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("gz2 is not empty"),
        "{}",
        text(&o.stderr)
    );
    assert!(!ran && !used.join("gz1").exists());
    // As ansible-playbook: a term that matches nothing is a warning.
    let (o, _) = zmigrate_without_ssh(
        tmp.path(),
        &[
            "collect",
            "-i",
            inv,
            "--limit",
            "web1:nosuch",
            "--connect-timeout",
            "1",
            "-o",
            tmp.path().join("w").to_str().expect("utf-8"),
        ],
    );
    let err = text(&o.stderr);
    assert!(
        err.contains("warning: --limit: could not match supplied host pattern, ignoring: nosuch"),
        "{err}"
    );
    assert!(tmp.path().join("w/web1/collect-errors").is_file(), "{err}");
    assert!(!tmp.path().join("w/web2").exists());
}
