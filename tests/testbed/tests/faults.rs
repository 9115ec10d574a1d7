//! Each injectable fault does what it says, and clears.

mod common;

use common::running_zone;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use zone_testbed::{Fault, Options, Testbed, stderr, stdout};

fn with_data(tb: &Testbed) {
    tb.ok("gz-a", "zfs create pool1/e && dd if=/dev/urandom of=/pool1/e/f bs=64k count=32 2>/dev/null && zfs snapshot pool1/e@s");
}

#[test]
fn transfer_and_connection_faults() {
    let Some(tb) = Testbed::require(Options::default()) else {
        return;
    };
    with_data(&tb);
    // send-abort: the sender is killed after N bytes; nothing is received.
    tb.inject("gz-a", Fault::SendAbort(100_000))
        .expect("inject");
    let out = tb.sh(
        "gz-a",
        "zfs send pool1/e@s | ssh gz-b zfs receive pool1/e; echo ${PIPESTATUS[0]}",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "137",
        "killed by SIGKILL"
    );
    assert!(tb.run("gz-b", &["zfs", "list", "pool1/e"]).status.code() == Some(1));
    // One-shot: the next send goes through.
    tb.ok("gz-a", "zfs send pool1/e@s | ssh gz-b zfs receive pool1/e");

    // ssh-drop: the receiving side's connection is cut after N bytes.
    tb.inject("gz-b", Fault::SshDrop(200_000)).expect("inject");
    let out = tb.sh(
        "gz-a",
        "zfs send pool1/e@s | ssh gz-b zfs receive pool1/e2; echo ${PIPESTATUS[1]}",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "255",
        "{}",
        stderr(&out)
    );
    // Which of the two the client says depends on whether it was reading or
    // writing when the connection went: both mean the session was cut.
    assert!(
        stderr(&out).contains("closed by remote host")
            || stderr(&out).contains("send disconnect: Broken pipe"),
        "{}",
        stderr(&out)
    );
    assert!(tb.run("gz-b", &["zfs", "list", "pool1/e2"]).status.code() == Some(1));
    tb.ok("gz-a", "zfs send pool1/e@s | ssh gz-b zfs receive pool1/e2");

    // stop-sshd drops the GZ; start-sshd brings it back.
    tb.inject("gz-b", Fault::StopSshd).expect("inject");
    let out = tb.sh("gz-a", "ssh gz-b true");
    assert_eq!(out.status.code(), Some(255));
    assert!(
        stderr(&out).contains("Connection refused"),
        "{}",
        stderr(&out)
    );
    tb.inject("gz-b", Fault::StartSshd).expect("inject");
    tb.ok("gz-a", "ssh gz-b true");
}

#[test]
fn pool_full_and_clear() {
    let Some(tb) = Testbed::require(Options::default()) else {
        return;
    };
    with_data(&tb);
    tb.inject("gz-b", Fault::PoolFull("pool1".into()))
        .expect("inject");
    let out = tb.sh("gz-a", "zfs send pool1/e@s | ssh gz-b zfs receive pool1/e");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("out of space"), "{}", stderr(&out));
    tb.clear_faults("gz-b").expect("clear");
    tb.ok("gz-a", "zfs send pool1/e@s | ssh gz-b zfs receive pool1/e");
}

#[test]
fn init_hang_and_attach_fail() {
    let Some(tb) = Testbed::require(Options {
        shutdown_seconds: Some(0.3),
        ..Options::default()
    }) else {
        return;
    };
    running_zone(&tb, "gz-a", "www", "0:0:1:1f:c:10");
    tb.inject("gz-a", Fault::InitHang(Some("www".into())))
        .expect("inject");
    tb.ok("gz-a", "zlogin www init 5");
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        tb.zone_state("gz-a", "www").as_deref(),
        Some("shutting_down")
    );
    // halt is the way out, and works at once.
    tb.ok("gz-a", "zoneadm -z www halt");
    assert_eq!(tb.zone_state("gz-a", "www").as_deref(), Some("installed"));
    tb.clear_faults("gz-a").expect("clear");

    tb.ok("gz-a", "zoneadm -z www detach");
    tb.inject("gz-a", Fault::AttachFail(Some("www".into())))
        .expect("inject");
    let out = tb.run("gz-a", &["zoneadm", "-z", "www", "attach"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("zoneadm: zone 'www': "),
        "{}",
        stderr(&out)
    );
    assert_eq!(tb.zone_state("gz-a", "www").as_deref(), Some("configured"));
    tb.clear_faults("gz-a").expect("clear");
    tb.ok("gz-a", "zoneadm -z www attach && zoneadm -z www boot");
    assert_eq!(tb.zone_state("gz-a", "www").as_deref(), Some("running"));
}

#[test]
fn send_abort_fires_only_on_a_longer_stream() {
    let Some(tb) = Testbed::require(Options::default()) else {
        return;
    };
    with_data(&tb);
    tb.ok(
        "gz-a",
        "zfs create pool1/small && zfs snapshot pool1/small@s",
    );
    tb.inject("gz-a", Fault::SendAbort(1 << 20))
        .expect("inject");
    // A stream shorter than the limit goes through whole...
    let out = tb.sh(
        "gz-a",
        "zfs send pool1/small@s | ssh gz-b zfs receive pool1/small; echo ${PIPESTATUS[0]}",
    );
    assert_eq!(stdout(&out).trim(), "0", "{}", stderr(&out));
    tb.ok("gz-b", "zfs list pool1/small@s");
    // ...and leaves the fault armed for the next, longer one (2 MiB).
    let out = tb.sh("gz-a", "zfs send pool1/e@s | wc -c; echo ${PIPESTATUS[0]}");
    assert_eq!(stdout(&out), "1048576\n137\n", "{}", stderr(&out));
    // One-shot.
    tb.ok("gz-a", "zfs send pool1/e@s | ssh gz-b zfs receive pool1/e");
}

#[test]
fn ssh_drop_waits_for_a_session_that_carries_the_bytes() {
    let Some(tb) = Testbed::require(Options::default()) else {
        return;
    };
    with_data(&tb);
    tb.inject("gz-b", Fault::SshDrop(200_000)).expect("inject");
    // Sessions without stdin, or with less than the limit, are unaffected.
    for _ in 0..3 {
        tb.ok("gz-a", "ssh gz-b true");
        assert_eq!(tb.ok("gz-b", "zoneadm list"), "global\n");
    }
    assert_eq!(tb.ok("gz-a", "echo hi | ssh gz-b cat"), "hi\n");
    let out = tb.sh_with_input("gz-b", "wc -c", &[7u8; 1000]);
    assert_eq!(stdout(&out).trim(), "1000");
    // The first one carrying 200 000 bytes is cut.
    let out = tb.sh(
        "gz-a",
        "zfs send pool1/e@s | ssh gz-b zfs receive pool1/e; echo ${PIPESTATUS[1]}",
    );
    assert_eq!(stdout(&out).trim(), "255", "{}", stderr(&out));
    assert_eq!(
        tb.run("gz-b", &["zfs", "list", "pool1/e"]).status.code(),
        Some(1)
    );
    tb.ok("gz-a", "zfs send pool1/e@s | ssh gz-b zfs receive pool1/e");
}

/// Wait up to 20 s for a child; None if it is still running (then killed).
fn wait_exit(child: &mut std::process::Child) -> Option<i32> {
    for _ in 0..200 {
        if let Ok(Some(st)) = child.try_wait() {
            return Some(st.code().unwrap_or(-1));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn stop_sshd_cuts_established_connections_and_control_masters() {
    let Some(tb) = Testbed::require(Options::default()) else {
        return;
    };
    let cp = tb.dir().join("cm-%h");
    let cp = cp.to_string_lossy();
    let master = |extra: &[&str], remote: &[&str]| {
        let mut c = Command::new("/usr/bin/ssh");
        c.arg("-F")
            .arg(tb.ssh_config())
            .args(["-o", &format!("ControlPath={cp}")])
            .args(extra)
            .arg("gz-b")
            .args(remote)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    };
    let out = master(
        &["-o", "ControlMaster=yes", "-o", "ControlPersist=yes"],
        &["true"],
    )
    .output()
    .expect("ssh");
    assert!(out.status.success(), "{}", stderr(&out));
    let check = || {
        master(&["-O", "check"], &[])
            .output()
            .expect("ssh -O check")
    };
    assert!(check().status.success(), "the master runs");
    // A session in the middle of a transfer (its stdin stays open).
    let mut long = tb.ssh_raw("gz-b", "cat > /dev/null; echo finished");
    long.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut long = long.spawn().expect("ssh");
    let mut feed = long.stdin.take().expect("stdin");
    feed.write_all(&[0u8; 4096]).expect("write");
    // And a transfer gz-b itself runs to gz-a, outside any session.
    tb.ok(
        "gz-b",
        "setsid sh -c 'ssh gz-a sleep 60; echo $? > /tmp/out-rc' < /dev/null > /dev/null 2>&1 &",
    );
    std::thread::sleep(Duration::from_millis(500));

    tb.inject("gz-b", Fault::StopSshd).expect("inject");
    assert_eq!(
        wait_exit(&mut long),
        Some(255),
        "the established session is cut"
    );
    let mut rc = String::new();
    for _ in 0..100 {
        rc = stdout(&tb.enter("gz-b", &["cat", "/tmp/out-rc"]));
        if !rc.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(rc, "137\n", "gz-b's own ssh client lost the network");
    drop(feed);
    assert!(!check().status.success(), "the ControlMaster is gone");
    let out = tb.sh("gz-a", "ssh gz-b true");
    assert_eq!(out.status.code(), Some(255));
    assert!(
        stderr(&out).contains("Connection refused"),
        "{}",
        stderr(&out)
    );
    // Other GZs are untouched.
    tb.ok("gz-a", "true");
    tb.inject("gz-b", Fault::StartSshd).expect("inject");
    tb.ok("gz-a", "ssh gz-b true");
    // And it can be dropped again.
    tb.inject("gz-b", Fault::StopSshd).expect("inject");
    assert_eq!(tb.sh("gz-a", "ssh gz-b true").status.code(), Some(255));
    tb.inject("gz-b", Fault::StartSshd).expect("inject");
    tb.ok("gz-b", "true");
}

#[test]
fn ingress_limit_paces_every_ssh_into_the_gz() {
    let Some(tb) = Testbed::require(Options::default()) else {
        return;
    };
    let bytes: usize = 2 << 20;
    let rate: u64 = 1 << 20;
    tb.set_ingress_bps("gz-b", Some(rate)).expect("knob");
    // From the admin host (the test) and from gz-a: the data arrives whole,
    // and not faster than the limit (a rate limiter's lower bound; a slow
    // machine only makes it longer).
    let data: Vec<u8> = (0..bytes).map(|i| (i * 7 % 251) as u8).collect();
    let t = Instant::now();
    let out = tb.sh_with_input("gz-b", "md5sum", &data);
    let relayed = t.elapsed();
    let sum = tb.ok("gz-a", &format!("head -c {bytes} /dev/zero | md5sum"));
    assert!(out.status.success(), "{}", stderr(&out));
    let t = Instant::now();
    let direct = tb.ok(
        "gz-a",
        &format!("head -c {bytes} /dev/zero | ssh gz-b md5sum"),
    );
    let gz_to_gz = t.elapsed();
    assert_eq!(direct, sum, "gz-a -> gz-b arrives whole");
    let floor = Duration::from_secs_f64(bytes as f64 / rate as f64 * 0.9);
    eprintln!(
        "ingress 1 MiB/s, 2 MiB: admin->gz-b {relayed:?}, gz-a->gz-b {gz_to_gz:?} (floor {floor:?})"
    );
    assert!(relayed >= floor, "admin -> gz-b took {relayed:?}");
    assert!(gz_to_gz >= floor, "gz-a -> gz-b took {gz_to_gz:?}");
    // Other GZs and the other direction are not limited; clearing lifts it.
    let t = Instant::now();
    tb.ok(
        "gz-b",
        &format!("head -c {bytes} /dev/zero | ssh gz-a 'cat > /dev/null'"),
    );
    eprintln!("gz-b -> gz-a unlimited: {:?}", t.elapsed());
    tb.set_ingress_bps("gz-b", None).expect("knob");
    let t = Instant::now();
    let out = tb.sh_with_input("gz-b", "wc -c", &data);
    eprintln!("admin -> gz-b after clear: {:?}", t.elapsed());
    assert_eq!(stdout(&out).trim(), bytes.to_string());
}

#[test]
fn rtt_delays_every_ssh_session_into_the_gz() {
    let Some(tb) = Testbed::require(Options {
        rtt_ms: Some(200.0),
        ..Options::default()
    }) else {
        return;
    };
    // Two round trips per session (channel open; exec request and output):
    // lower bounds only, a slow machine only makes a session longer.
    let t = Instant::now();
    assert_eq!(tb.ok("gz-a", "hostname").trim(), "gz-a");
    let admin = t.elapsed();
    eprintln!("rtt 200 ms (up --rtt-ms): admin -> gz-a {admin:?}");
    assert!(admin >= Duration::from_millis(400), "took {admin:?}");
    // Per GZ and whoever the client: gz-b's own value, timed inside gz-a.
    tb.set_rtt_ms("gz-b", Some(300.0)).expect("knob");
    let ms = tb.ok(
        "gz-a",
        "s=$(date +%s%N); ssh gz-b true; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))",
    );
    let gz_to_gz = Duration::from_millis(ms.trim().parse().expect("milliseconds"));
    eprintln!("rtt 300 ms: gz-a -> gz-b {gz_to_gz:?}");
    assert!(gz_to_gz >= Duration::from_millis(600), "took {gz_to_gz:?}");
    // Cleared, the knob is gone (no timing bound: the session just runs).
    tb.set_rtt_ms("gz-b", None).expect("knob");
    let knob = Command::new(std::path::Path::new(zone_testbed::SRC).join("knob"))
        .arg(tb.dir())
        .args(["gz-b", "rtt-ms"])
        .output()
        .expect("knob");
    assert_eq!(stdout(&knob).trim(), "unset");
    let t = Instant::now();
    assert_eq!(tb.ok("gz-b", "hostname").trim(), "gz-b");
    eprintln!("admin -> gz-b after clear: {:?}", t.elapsed());
}
