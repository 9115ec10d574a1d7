//! The Ansible role `ansible/roles/zone_capture` against `zmigrate`: the
//! role must leave exactly the capture directories `zmigrate collect`
//! writes, and its final check must end as `zmigrate check` does.
//!
//! Four tests:
//! * the role's controller-side filters, driven by `ansible/tests/fake_host.py`
//!   through a real `/bin/sh`, against zmigrate's collect on its fake executor,
//!   for the same table of host answers, including the failing and hostile
//!   ones a testbed does not produce (needs only python3);
//! * the role with real `ansible-playbook` against a 3-GZ testbed, compared
//!   byte for byte with `zmigrate check --keep` (captures and SARIF), re-run
//!   for idempotence, in check mode, and with a host down;
//! * `ansible-lint` on the role and the playbook;
//! * the testbed's sftp, for scp and Ansible's own file transfers.
//!
//! Ansible comes from PyPI into a virtualenv (`tests/run-all` installs
//! ansible-core and ansible-lint at /opt/zone-ansible, or `$ZONE_ANSIBLE_VENV`).
//! Under `CI=true` a missing Ansible or testbed prerequisite fails the test;
//! elsewhere it is skipped with the reason.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output as ProcessOutput};

use zmigrate::collect::{self, Quiet};
use zmigrate::exec::fake::FakeExecutor;
use zmigrate::exec::{Output, Status};
use zone_testbed::{Fault, Options, Testbed, stderr};
use zrules::capture::{LAYOUT, Scope};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_owned()
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Under CI a missing prerequisite is a failure; elsewhere a skip.
fn missing(what: &str) {
    assert!(!ci(), "CI=true and {what}");
    eprintln!("skipped: {what}");
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The virtualenv holding ansible-core and ansible-lint.
fn ansible_venv() -> Option<PathBuf> {
    let dir = std::env::var_os("ZONE_ANSIBLE_VENV")
        .map_or_else(|| PathBuf::from("/opt/zone-ansible"), PathBuf::from);
    if dir.join("bin/ansible-playbook").is_file() && dir.join("bin/ansible-lint").is_file() {
        Some(dir)
    } else {
        missing(&format!(
            "ansible-core/ansible-lint are not installed in {} (tests/run-all installs them; or set ZONE_ANSIBLE_VENV)",
            dir.display()
        ));
        None
    }
}

/// The zrules binary the role runs on the controller: the workspace's,
/// built beside zmigrate (`cargo nextest run --workspace` and
/// `tests/run-all` build every binary).
fn zrules_bin() -> Option<PathBuf> {
    let zmigrate = assert_cmd::cargo::cargo_bin("zmigrate");
    let zrules = zmigrate.with_file_name("zrules");
    if zrules.is_file() {
        Some(zrules)
    } else {
        missing(&format!(
            "{} is not built (cargo build -p zrules)",
            zrules.display()
        ));
        None
    }
}

fn python() -> Option<&'static str> {
    let ok = Process::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some("python3")
    } else {
        missing("python3 is not installed");
        None
    }
}

// --- the filters against zmigrate's collect, on one table of answers -------

/// One host's answers: argument vector -> what the command printed and how it ended.
type Answers = Vec<(Vec<String>, Output)>;

fn argv_of(entry: &zrules::capture::CaptureCommand, zone: Option<&str>) -> Vec<String> {
    entry.argv(zone)
}

/// A host answering every layout command with `G:FILE` (global) or
/// `Z:ZONE:FILE` (zones), and `zoneadm` with `zones`.
fn answers(zones: &str, zone_names: &[&str]) -> Answers {
    let mut out = Answers::new();
    for e in LAYOUT.iter().filter(|c| c.scope == Scope::Global) {
        let stdout = if e.file == "zoneadm-list-cp" {
            zones.to_owned()
        } else {
            format!("G:{}\n", e.file)
        };
        out.push((argv_of(e, None), Output::ok(stdout)));
    }
    for z in zone_names {
        for e in LAYOUT.iter().filter(|c| c.scope != Scope::Global) {
            out.push((
                argv_of(e, Some(z)),
                Output::ok(format!("Z:{z}:{}\n", e.file)),
            ));
        }
    }
    out
}

/// Replaces (or adds) the answer to `argv`.
fn set(a: &mut Answers, argv: &[&str], o: Output) {
    let key: Vec<String> = argv.iter().map(|s| (*s).to_owned()).collect();
    a.retain(|(k, _)| *k != key);
    a.push((key, o));
}

fn drop_answer(a: &mut Answers, argv: &[&str]) {
    a.retain(|(k, _)| k.iter().map(String::as_str).ne(argv.iter().copied()));
}

fn output(status: i32, stdout: &[u8], stderr: &[u8]) -> Output {
    Output {
        status: Status::Exited(status),
        stdout: stdout.to_vec(),
        stderr: stderr.to_vec(),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// zmigrate's capture of `answers` and the role's, each written to a
/// directory, with their summaries.
fn both(tmp: &Path, name: &str, a: &Answers) {
    let mut fake = FakeExecutor::new("gz1");
    for (argv, o) in a {
        let words: Vec<&str> = argv.iter().map(String::as_str).collect();
        fake = fake.answer(&words, o.clone());
    }
    let cap = collect::collect(&fake, &mut Quiet);
    let want_dir = tmp.join(name).join("zmigrate");
    collect::prepare_dir(&want_dir).expect("dir");
    cap.write(&want_dir).expect("write");

    let table: Vec<serde_json::Value> = a
        .iter()
        .map(|(argv, o)| {
            let Status::Exited(status) = o.status else {
                panic!("the stand-ins only exit")
            };
            serde_json::json!({
                "argv": argv, "status": status, "stdout": hex(&o.stdout), "stderr": hex(&o.stderr),
            })
        })
        .collect();
    let answers_file = tmp.join(name).join("answers.json");
    fs::write(&answers_file, serde_json::to_vec(&table).expect("json")).expect("answers");
    let layout_file = tmp.join("layout.json");
    if !layout_file.exists() {
        fs::write(&layout_file, zrules::capture::describe_layout_json()).expect("layout");
    }
    let got_dir = tmp.join(name).join("role");
    let out = Process::new("python3")
        .arg(repo().join("ansible/tests/fake_host.py"))
        .arg(&layout_file)
        .arg(&answers_file)
        .arg("gz1")
        .arg(&got_dir)
        .output()
        .expect("python3");
    assert!(out.status.success(), "{name}: {}", text(&out.stderr));
    common::assert_same_files(&common::read_tree(&got_dir), &common::read_tree(&want_dir));
    assert_eq!(text(&out.stdout), cap.summary(), "{name}: the summary");
}

const ZONES: &str = "0:global:running:/::solaris:shared:-:none\n\
    1:www:running:/zones/www:u-1:solaris:excl:-:none\n\
    -:db:installed:/zones/db:u-2:solaris:excl:-:none\n\
    -:new:configured:/zones/new::solaris:excl:-:\n";

#[test]
fn the_roles_filters_write_what_zmigrate_collect_writes() {
    let Some(_) = python() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = tmp.path();
    let names = ["www", "db", "new"];

    // Everything succeeds; outputs that are not UTF-8, empty, or without a
    // final newline are kept as they are; the GZ has no sendmail.
    let mut a = answers(ZONES, &names);
    set(
        &mut a,
        &["uname", "-v"],
        Output::ok(vec![0xff, b'\t', b'\r', b'\n', 0]),
    );
    set(&mut a, &["share"], Output::ok(""));
    set(&mut a, &["cat", "/etc/nodename"], Output::ok("gz1"));
    let sendmail = [
        "svcs",
        "-H",
        "-o",
        "fmri",
        "-d",
        "svc:/network/smtp:sendmail",
    ];
    set(
        &mut a,
        &sendmail,
        Output::failed(
            1,
            "svcs: Pattern 'svc:/network/smtp:sendmail' doesn't match any instances\n",
        ),
    );
    both(t, "clean", &a);

    // Failures: stdout kept under failed/, multi-line stderr with tabs and
    // CRs, stderr that is not UTF-8, an svcs failure that is not an absent
    // service, a program that is not there (exit 127), in a zone too.
    let mut a = answers(ZONES, &names);
    set(
        &mut a,
        &["zlogin", "www", "pkg", "list", "-H"],
        output(
            1,
            b"entire  0.5.11  i--\n\xfe",
            b"pkg: cannot lock the image\r\n\tretry\tlater\n\n  \n",
        ),
    );
    set(
        &mut a,
        &[
            "dladm",
            "show-vnic",
            "-p",
            "-o",
            "link,over,macaddress,macaddrtype",
        ],
        output(2, b"", b"dladm: \xff insufficient privileges\n"),
    );
    set(
        &mut a,
        &["svcs", "-H", "-o", "fmri", "-d", "svc:/network/ssh:default"],
        Output::failed(1, "svcs: out of memory\n"),
    );
    drop_answer(&mut a, &["share"]);
    drop_answer(&mut a, &["zlogin", "www", "cat", "/etc/passwd"]);
    set(
        &mut a,
        &["zonecfg", "-z", "db", "export"],
        output(255, b"create -b\n", b""),
    );
    both(t, "failures", &a);

    // Zone names a host must not be trusted with: never in a command or a
    // path, each a collect-errors note; the good zone is still collected.
    let hostile = "0:global:running:/::solaris:shared:-:none\n\
        1:-oProxyCommand=x:running:/zones/x:u:solaris:excl:-:none\n\
        2:..:running:/zones/y:u:solaris:excl:-:none\n\
        3:SUNWfoo:running:/zones/s:u:solaris:excl:-:none\n\
        4:caf\u{e9}:running:/zones/c:u:solaris:excl:-:none\n\
        5:a'b:installed:/zones/q:u:solaris:excl:-:none\n\
        6:www:running:/zones/www\\:odd:u:solaris:excl:-:none\n\
        7:x234567890123456789012345678901234567890123456789012345678901234:installed:/z::s:excl\n";
    both(t, "hostile names", &answers(hostile, &["www"]));

    // No usable zone list: zoneadm fails; prints the human-readable table;
    // prints rows of which one is broken; prints a lot of garbage.
    let mut a = answers(ZONES, &names);
    set(
        &mut a,
        &["zoneadm", "list", "-cp"],
        output(1, b"0:global", b"zoneadm: permission denied\n"),
    );
    both(t, "zoneadm fails", &a);
    let table = "  ID NAME             STATUS     PATH                           BRAND    IP\n   0 global           running    /                              solaris  shared\n";
    both(t, "zoneadm table", &answers(table, &names));
    let broken =
        format!("{ZONES}1:www:running:zones/www:u:solaris:excl:-:none\n:::\n-:db::/x:u:s:excl\n");
    both(t, "zoneadm broken rows", &answers(&broken, &names));
    let garbage: String = (0..150).map(|i| format!("garbage {i}\n")).collect();
    both(t, "zoneadm garbage", &answers(&garbage, &names));
    let ids = "0:global:running:/::solaris:shared:-:none\nx:www:running:/zones/www:u:solaris:excl\n+7:db:running:/zones/db:u:solaris:excl\n";
    both(t, "zoneadm ids", &answers(ids, &names));
}

// --- the role with real Ansible on a testbed ----------------------------------

const POLICY: &str = "exceptions:
  - zone: global
    rules: [\"Z11 home-path\", \"Z11 home-dataset\"]
    reason: the testbed's global zones show this machine's /etc/passwd
";

/// The zones: gz-a runs www (whose passwd holds bytes that are not UTF-8)
/// and has db installed; gz-b runs app, whose package database is broken
/// (`pkg list` fails: a failed command); gz-c has none.
const ZONE_SETUP: &[(&str, &str)] = &[
    (
        "gz-a",
        "set -e
for z in www db; do
  printf 'create -b\\nset zonepath=/zones/%s\\nset ip-type=exclusive\\n' $z > /tmp/$z.cfg
  zonecfg -z $z -f /tmp/$z.cfg
  zoneadm -z $z install >/dev/null
done
zoneadm -z www boot
printf 'odd:x:1234:1234:caf\\351 \\377:/export/home/odd:/bin/sh\\n' >> /zones/www/root/etc/passwd
",
    ),
    (
        "gz-b",
        "set -e
printf 'create -b\\nset zonepath=/zones/app\\nset ip-type=exclusive\\n' > /tmp/app.cfg
zonecfg -z app -f /tmp/app.cfg
zoneadm -z app install >/dev/null
zoneadm -z app boot
echo '{' > /zones/app/root/var/pkg/testbed-installed.json
",
    ),
];

struct Play<'a> {
    venv: &'a Path,
    inventory: PathBuf,
    zrules: &'a Path,
    policy: &'a Path,
    home: PathBuf,
}

impl Play<'_> {
    /// `ansible-playbook -i INVENTORY ansible/playbooks/capture.yml -e capture_dir=captures …`
    /// run in `cwd`, with Ansible's state (control sockets, temp files)
    /// kept under the test's directory.
    fn run(&self, cwd: &Path, extra: &[&str]) -> ProcessOutput {
        self.run_with_sockets(cwd, "cp", extra)
    }

    /// [`Play::run`] with the ssh control sockets in `sockets`: a new
    /// directory means new connections (the masters of earlier plays persist
    /// for a minute, and a stopped sshd does not end them).
    fn run_with_sockets(&self, cwd: &Path, sockets: &str, extra: &[&str]) -> ProcessOutput {
        let mut c = Process::new(self.venv.join("bin/ansible-playbook"));
        c.current_dir(cwd)
            .env("ANSIBLE_HOME", &self.home)
            .env("ANSIBLE_LOCAL_TEMP", self.home.join("tmp"))
            .env("ANSIBLE_SSH_CONTROL_PATH_DIR", self.home.join(sockets))
            .env("ANSIBLE_NOCOLOR", "1")
            .env("ANSIBLE_FORCE_COLOR", "0")
            .env("ANSIBLE_RETRY_FILES_ENABLED", "0")
            .arg("-i")
            .arg(&self.inventory)
            .arg(repo().join("ansible/playbooks/capture.yml"))
            .arg("-e")
            .arg("capture_dir=captures")
            .arg("-e")
            .arg(format!("zone_capture_zrules={}", self.zrules.display()))
            .arg("-e")
            .arg(format!("zone_capture_policy={}", self.policy.display()))
            .args(extra);
        c.output().expect("ansible-playbook")
    }
}

fn zmigrate_check(tb: &Testbed, cwd: &Path, policy: &Path, extra: &[&str]) -> ProcessOutput {
    let mut c = Process::new(assert_cmd::cargo::cargo_bin("zmigrate"));
    c.current_dir(cwd)
        .arg("check")
        .arg("-F")
        .arg(tb.ssh_config())
        .args([
            "gz-a", "gz-b", "gz-c", "--keep", "captures", "--format", "sarif", "--policy",
        ])
        .arg(policy)
        .args(extra);
    c.output().expect("zmigrate")
}

/// `changed=N` of each host in the play recap.
fn recap(out: &str) -> BTreeMap<String, String> {
    out.lines()
        .skip_while(|l| !l.starts_with("PLAY RECAP"))
        .skip(1)
        .filter_map(|l| {
            let (host, rest) = l.split_once(':')?;
            Some((
                host.trim().to_owned(),
                rest.split_whitespace().collect::<Vec<_>>().join(" "),
            ))
        })
        .collect()
}

#[test]
fn the_role_captures_what_zmigrate_collects_and_checks_the_same() {
    let Some(venv) = ansible_venv() else { return };
    let Some(zrules) = zrules_bin() else { return };
    let Some(tb) = Testbed::require(Options {
        hosts: 3,
        ..Options::default()
    }) else {
        return;
    };
    for (host, script) in ZONE_SETUP {
        let out = tb.sh_with_input(host, "sh", script.as_bytes());
        assert!(out.status.success(), "{host}: {}", stderr(&out));
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = tmp.path();
    let policy = t.join("policy.yaml");
    fs::write(&policy, POLICY).expect("policy");
    let inventory = t.join("inventory.ini");
    fs::write(
        &inventory,
        format!(
            "[zones]\ngz-a\ngz-b\ngz-c\n\n[zones:vars]\nansible_ssh_common_args=-F {}\n",
            tb.ssh_config().display()
        ),
    )
    .expect("inventory");
    let play = Play {
        venv: &venv,
        inventory,
        zrules: &zrules,
        policy: &policy,
        home: t.join("ansible-home"),
    };
    let (zm, an) = (t.join("zmigrate"), t.join("ansible"));
    for d in [&zm, &an] {
        fs::create_dir(d).expect("dir");
    }

    // zmigrate: findings (exit 1), one failed command on gz-b.
    let want = zmigrate_check(&tb, &zm, &policy, &[]);
    assert_eq!(want.status.code(), Some(1), "{}", text(&want.stderr));
    assert!(
        text(&want.stderr).contains("zones/app/pkg-list: `zlogin app pkg list -H`: exit status 1"),
        "{}",
        text(&want.stderr)
    );

    // The role, in a directory of its own but with the same relative
    // capture directory, so the report names the same files.
    let out = play.run(&an, &["-e", "zone_capture_report=report.sarif"]);
    let log = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the play fails on findings:\n{log}{}",
        text(&out.stderr)
    );
    assert!(
        log.contains("zrules found problems at or above the failing level (exit status 1)"),
        "{log}"
    );
    assert!(
        log.contains("zones/app/pkg-list: `zlogin app pkg list -H`: exit status 1"),
        "the failed command is shown: {log}"
    );
    let captured = common::read_tree(&an.join("captures"));
    common::assert_same_files(&captured, &common::read_tree(&zm.join("captures")));
    for must in [
        "gz-a/zones/www/passwd",
        "gz-a/zones/db/zonecfg-export",
        "gz-b/collect-errors",
        "gz-c/zoneadm-list-cp",
    ] {
        assert!(captured.contains_key(must), "{must}: {:?}", captured.keys());
    }
    assert!(captured["gz-a/zones/www/passwd"].contains(&0xff));
    // The same SARIF, byte for byte: nothing to normalise, since both ran
    // zrules on `captures/` relative to where they ran.
    let report = fs::read(an.join("report.sarif")).expect("report");
    assert!(
        report == want.stdout,
        "SARIF differs:\n{}\n---\n{}",
        text(&report),
        text(&want.stdout)
    );

    // Again: nothing changes (idempotent).
    let out = play.run(&an, &["-e", "zone_capture_report=report.sarif"]);
    let log = text(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{log}{}", text(&out.stderr));
    let r = recap(&log);
    assert_eq!(r.len(), 3, "{log}");
    for (host, line) in &r {
        assert!(line.contains("changed=0"), "{host}: {line}\n{log}");
    }
    common::assert_same_files(&common::read_tree(&an.join("captures")), &captured);

    // Without www's odd account (a Z00: not UTF-8) a selection finds
    // nothing: zmigrate check exits 0, and so does the play, with the same
    // report.
    tb.ok("gz-a", "sed -i '/^odd:/d' /zones/www/root/etc/passwd");
    let zm2 = t.join("zmigrate-again");
    fs::create_dir(&zm2).expect("dir");
    let want = zmigrate_check(&tb, &zm2, &policy, &["--select", "Z03"]);
    assert_eq!(
        want.status.code(),
        Some(0),
        "{}{}",
        text(&want.stdout),
        text(&want.stderr)
    );
    let out = play.run(
        &an,
        &[
            "-e",
            "zone_capture_report=report.sarif",
            "-e",
            r#"{"zone_capture_check_args": ["--select", "Z03"]}"#,
        ],
    );
    let log = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{log}{}", text(&out.stderr));
    common::assert_same_files(
        &common::read_tree(&an.join("captures")),
        &common::read_tree(&zm2.join("captures")),
    );
    let report = fs::read(an.join("report.sarif")).expect("report");
    assert!(
        report == want.stdout,
        "SARIF differs:\n{}\n---\n{}",
        text(&report),
        text(&want.stdout)
    );

    // Check mode: the commands run (read-only), nothing is written.
    let out = play.run(&an, &["--check", "-e", "capture_dir=fresh"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(!an.join("fresh").exists());

    // A host down: its directory says so (and only that), the others are
    // captured and checked, the play fails.
    tb.inject("gz-c", Fault::StopSshd).expect("stop sshd");
    let out = play.run_with_sockets(&an, "cp-down", &[]);
    let log = text(&out.stdout);
    assert_ne!(out.status.code(), Some(0), "{log}");
    let errors = text(&fs::read(an.join("captures/gz-c/collect-errors")).expect("collect-errors"));
    assert_eq!(
        fs::read_dir(an.join("captures/gz-c")).expect("dir").count(),
        1,
        "only collect-errors is left of gz-c"
    );
    assert!(
        errors.starts_with("# zmigrate collect: what could not be collected from gz-c.\n")
            && errors.contains("\n-\t-\tstopped early: cannot reach gz-c: ssh: connect to host ")
            && errors.ends_with(": Connection refused\n"),
        "{errors}"
    );
    assert!(
        log.contains("zrules found problems"),
        "gz-a and gz-b are still checked: {log}"
    );
}

#[test]
fn ansible_lint_passes_on_the_role_and_the_playbook() {
    let Some(venv) = ansible_venv() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    // A copy, so the linter's cache (.ansible/) lands outside the repository.
    let dir = tmp.path().join("ansible");
    let out = Process::new("cp")
        .arg("-a")
        .arg(repo().join("ansible"))
        .arg(&dir)
        .output()
        .expect("cp");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = Process::new(venv.join("bin/ansible-lint"))
        .current_dir(&dir)
        .env("HOME", tmp.path())
        .env("NO_COLOR", "1")
        .args([
            "--offline",
            "--strict",
            "roles/zone_capture",
            "playbooks/capture.yml",
        ])
        .output()
        .expect("ansible-lint");
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("0 failure(s), 0 warning(s)"), "{all}");
}

/// The testbed serves sftp (its sshd's `Subsystem sftp`, let through the
/// session wrapper), so scp and Ansible's file transfers work against the
/// simulated GZs, from inside the GZ, without the piped fallback.
#[test]
fn the_testbed_serves_sftp_to_scp_and_ansible() {
    let Some(venv) = ansible_venv() else { return };
    let Some(tb) = Testbed::require(Options {
        hosts: 1,
        ..Options::default()
    }) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = tmp.path();
    let got = t.join("nodename");
    let out = Process::new("scp")
        .arg("-F")
        .arg(tb.ssh_config())
        .arg("gz-a:/etc/nodename")
        .arg(&got)
        .output()
        .expect("scp");
    assert!(out.status.success(), "scp: {}", text(&out.stderr));
    assert_eq!(fs::read_to_string(&got).expect("fetched"), "gz-a\n");
    let inventory = t.join("inventory.ini");
    fs::write(
        &inventory,
        format!(
            "gz-a ansible_ssh_common_args='-F {}' ansible_python_interpreter=auto_silent\n",
            tb.ssh_config().display()
        ),
    )
    .expect("inventory");
    let out = Process::new(venv.join("bin/ansible"))
        .current_dir(t)
        .env("ANSIBLE_HOME", t.join("ansible-home"))
        .env("ANSIBLE_LOCAL_TEMP", t.join("ansible-home/tmp"))
        .env("ANSIBLE_SSH_CONTROL_PATH_DIR", t.join("ansible-home/cp"))
        .env("ANSIBLE_NOCOLOR", "1")
        .arg("-i")
        .arg(&inventory)
        .arg("gz-a")
        .args(["-m", "ansible.builtin.fetch", "-a"])
        .arg(format!(
            "src=/etc/nodename dest={}/fetched/ flat=true",
            t.display()
        ))
        .output()
        .expect("ansible");
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{all}");
    assert!(!all.contains("transfer mechanism failed"), "{all}");
    assert_eq!(
        fs::read_to_string(t.join("fetched/nodename")).expect("fetched"),
        "gz-a\n"
    );
}
