//! A running zone's writer: it changes files while the zone runs, stops on
//! shutdown, and its log proves that every byte written before shutdown
//! arrived after a (hand-made) move to the other GZ.

mod common;

use common::{WWW, running_zone};
use std::time::Duration;
use zone_testbed::{Options, Testbed, Workload};

fn log_lines(tb: &Testbed) -> usize {
    tb.workload_log("gz-a", "www").lines().count()
}

#[test]
fn writer_log_proves_the_move() {
    let Some(tb) = Testbed::require(Options {
        shutdown_seconds: Some(0.5),
        ..Options::default()
    }) else {
        return;
    };
    running_zone(&tb, "gz-a", "www", "0:0:1:1f:c:10");
    tb.workload(
        "gz-a",
        "www",
        Workload {
            rate: 256 * 1024,
            files: 3,
            size: 8192,
        },
    )
    .expect("workload");
    std::thread::sleep(Duration::from_millis(700));
    let n1 = log_lines(&tb);
    assert!(n1 > 3, "the writer writes ({n1} lines)");
    // It writes into the zone root and the delegated dataset.
    let log = tb.workload_log("gz-a", "www");
    assert!(
        log.contains("\t/zones/www/root/var/tmp/workload/f0\t"),
        "{log}"
    );
    assert!(log.contains("\t/pool1/www/pool1/workload/f0\t"), "{log}");

    // Pre-copy while it runs.
    tb.ok(
        "gz-a",
        "zfs snapshot -r rpool/zones/www@move && zfs snapshot -r pool1/www@move",
    );
    tb.ok(
        "gz-a",
        "zfs send -rc rpool/zones/www@move | ssh gz-b zfs receive -e -u rpool/zones",
    );
    tb.ok(
        "gz-a",
        "zfs send -rc pool1/www@move | ssh gz-b zfs receive -e -u pool1",
    );
    // Shut down: the writer stops before the zone is installed.
    tb.ok("gz-a", "zoneadm -z www shutdown");
    let n2 = log_lines(&tb);
    assert!(n2 > n1);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(log_lines(&tb), n2, "no writes after shutdown");

    // Final round, configuration, VNIC, attach and boot on gz-b.
    tb.ok(
        "gz-a",
        "zfs snapshot -r rpool/zones/www@move1 && zfs snapshot -r pool1/www@move1",
    );
    tb.ok(
        "gz-a",
        "zfs send -rc -i @move rpool/zones/www@move1 | ssh gz-b zfs receive -e -u rpool/zones",
    );
    tb.ok(
        "gz-a",
        "zfs send -rc -i @move pool1/www@move1 | ssh gz-b zfs receive -e -u pool1",
    );
    tb.ok(
        "gz-a",
        "zonecfg -z www export | ssh gz-b zonecfg -z www -f -",
    );
    assert_eq!(tb.ok("gz-b", "zonecfg -z www export"), WWW);
    tb.ok("gz-b", "dladm create-vnic -l net0 -m 0:0:1:1f:d:10 www0");
    tb.ok("gz-b", "zoneadm -z www attach && zoneadm -z www boot");
    assert_eq!(tb.zone_state("gz-b", "www").as_deref(), Some("running"));
    let checked = tb
        .verify_workload("gz-a", "gz-b", "www")
        .expect("every logged write arrived");
    assert_eq!(checked, 6, "3 files in the zone root, 3 in pool1");
    assert_eq!(tb.ok("gz-b", "zlogin www cat /etc/nodename"), "www\n");
}
