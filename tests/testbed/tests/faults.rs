//! Each injectable fault does what it says, and clears.

mod common;

use common::running_zone;
use std::time::Duration;
use zone_testbed::{Fault, Options, Testbed, stderr};

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
