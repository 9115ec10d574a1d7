//! What a zone move leans on and the emulation must do as the real systems
//! do: dry runs of detach/attach (illumos zoneadm.c `detach_func`,
//! `attach_func`), a boot that mounts every file system of the zone, atomic
//! multi-operand `zfs snapshot`, and snapshot holds.

mod common;

use common::{WWW, running_zone};
use zone_testbed::{Options, Platform, Testbed, stderr, stdout};

#[test]
fn dry_run_detach_of_a_running_zone_and_zoneless_attach_check() {
    let Some(tb) = Testbed::require(Options::default()) else {
        return;
    };
    running_zone(&tb, "gz-a", "www", "0:0:1:1f:c:10");
    // detach -n checks no state: it prints the manifest of a running zone.
    let out = tb.run("gz-a", &["zoneadm", "-z", "www", "detach", "-n"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("<?xml"), "{}", stdout(&out));
    assert_eq!(tb.zone_state("gz-a", "www").as_deref(), Some("running"));
    // The real detach still refuses.
    let out = tb.run("gz-a", &["zoneadm", "-z", "www", "detach"]);
    assert_eq!(
        stderr(&out),
        "zoneadm: zone 'www': detach operation is invalid for running zones.\n"
    );

    // attach -n needs no zone: the target checks the manifest before the
    // zone is configured there, from a file or from stdin.
    tb.ok("gz-a", "zoneadm -z www detach -n > /tmp/www.xml");
    tb.ok("gz-a", "cat /tmp/www.xml | ssh gz-b 'cat > /tmp/www.xml'");
    tb.ok("gz-b", "zoneadm attach -n /tmp/www.xml");
    tb.ok(
        "gz-a",
        "zoneadm -z www detach -n | ssh gz-b zoneadm attach -n -",
    );
    // Relative paths are taken from / (zoneadm chdir()s there first).
    tb.ok("gz-b", "zoneadm attach -n tmp/www.xml");
    let refuse = |script: &str, text: &str| {
        let out = tb.sh("gz-b", script);
        assert_eq!(out.status.code(), Some(1), "{script}: {}", stderr(&out));
        assert_eq!(stderr(&out), text, "{script}");
    };
    refuse(
        "zoneadm attach -n /tmp/nosuch.xml",
        "zoneadm: could not open manifest path /tmp/nosuch.xml: No such file or directory\n",
    );
    refuse(
        "echo junk > /tmp/j; zoneadm attach -n /tmp/j",
        "zoneadm: /tmp/j is not an XML file\n",
    );
    refuse(
        "echo junk | zoneadm attach -n -",
        "zoneadm: Input is not a valid XML file\n",
    );
    refuse(
        "zoneadm -z www attach -n /tmp/www.xml",
        "zoneadm: www: No such zone configured\n",
    );
    refuse("zoneadm attach", "zoneadm: no zone specified\n");
    assert_eq!(tb.zone_state("gz-b", "www"), None, "nothing configured");
}

/// A hand-made move of `www` (zonepath tree and delegated pool1 dataset,
/// received with `-u`), ending with attach and boot on gz-b.
fn move_www(tb: &Testbed) {
    running_zone(tb, "gz-a", "www", "0:0:1:1f:c:10");
    tb.ok(
        "gz-a",
        "echo data > /zones/www/root/export/home/f && echo pool > /pool1/www/pool1/g",
    );
    tb.ok("gz-a", "zoneadm -z www halt");
    tb.ok(
        "gz-a",
        "zfs snapshot -r rpool/zones/www@m && zfs snapshot -r pool1/www@m",
    );
    tb.ok(
        "gz-a",
        "zfs send -rc rpool/zones/www@m | ssh gz-b zfs receive -e -u rpool/zones",
    );
    tb.ok(
        "gz-a",
        "zfs send -rc pool1/www@m | ssh gz-b zfs receive -e -u pool1",
    );
    tb.ok(
        "gz-a",
        "zonecfg -z www export | ssh gz-b zonecfg -z www -f -",
    );
    tb.ok("gz-b", "dladm create-vnic -l net0 -m 0:0:1:1f:d:10 www0");
}

#[test]
fn boot_mounts_the_zone_file_systems_and_delegated_datasets() {
    let Some(tb) = Testbed::require(Options::default()) else {
        return;
    };
    move_www(&tb);
    let mounted = |ds: &str| tb.ok("gz-b", &format!("zfs get -H -o value mounted {ds}"));
    // Received with -u: nothing is mounted yet.
    assert_eq!(mounted("rpool/zones/www/rpool/export"), "no\n");
    assert_eq!(mounted("pool1/www/pool1"), "no\n");
    tb.ok("gz-b", "zoneadm -z www attach");
    // attach mounts the zonepath and the zone root (it checks the root).
    assert_eq!(mounted("rpool/zones/www/rpool/ROOT/solaris"), "yes\n");
    tb.ok("gz-b", "zoneadm -z www boot");
    for ds in [
        "rpool/zones/www",
        "rpool/zones/www/rpool/ROOT/solaris",
        "rpool/zones/www/rpool/export",
        "rpool/zones/www/rpool/export/home",
        "pool1/www/pool1",
    ] {
        assert_eq!(mounted(ds), "yes\n", "{ds} after boot");
    }
    // canmount=off stays unmounted.
    assert_eq!(mounted("rpool/zones/www/rpool"), "no\n");
    assert_eq!(tb.ok("gz-b", "cat /zones/www/root/export/home/f"), "data\n");
    assert_eq!(tb.ok("gz-b", "cat /pool1/www/pool1/g"), "pool\n");
    assert_eq!(tb.ok("gz-b", "zlogin www cat /export/home/f"), "data\n");
    assert_eq!(tb.ok("gz-b", "zonecfg -z www export"), WWW);
}

#[test]
fn snapshot_takes_several_operands_atomically() {
    let Some(tb) = Testbed::require(Options {
        hosts: 1,
        ..Options::default()
    }) else {
        return;
    };
    tb.ok(
        "gz-a",
        "zfs create -p rpool/zones/z/a && zfs create -p pool1/z/b",
    );
    tb.ok("gz-a", "zfs snapshot -r rpool/zones/z@s pool1/z@s");
    assert_eq!(
        tb.ok("gz-a", "zfs list -H -o name -t snapshot -s name"),
        "pool1/z/b@s\npool1/z@s\nrpool/zones/z/a@s\nrpool/zones/z@s\n"
    );
    // Without -r only the named ones.
    tb.ok("gz-a", "zfs snapshot rpool/zones/z@t pool1/z@t");
    assert_eq!(
        tb.ok("gz-a", "zfs list -H -o name -t snapshot -s name | grep @t"),
        "pool1/z@t\nrpool/zones/z@t\n"
    );
    // One operand that cannot be made: none is made.
    let out = tb.sh("gz-a", "zfs snapshot -r rpool/zones/z@u pool1/z@s");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("pool1/z@s") && stderr(&out).contains("exists"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        tb.ok(
            "gz-a",
            "zfs list -H -o name -t snapshot | grep -c @u || true"
        ),
        "0\n",
        "all or nothing"
    );
    let out = tb.sh("gz-a", "zfs snapshot rpool/zones/z@v pool1/nosuch@v");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        tb.ok(
            "gz-a",
            "zfs list -H -o name -t snapshot | grep -c @v || true"
        ),
        "0\n"
    );
    // A single operand is still zfs-fuse's own command.
    tb.ok("gz-a", "zfs snapshot -r pool1/z@w");
}

fn holds_for(platform: Platform) {
    let Some(tb) = Testbed::require(Options {
        hosts: 1,
        platform,
        ..Options::default()
    }) else {
        return;
    };
    tb.ok(
        "gz-a",
        "zfs create -p pool1/h/c && zfs snapshot -r pool1/h@s",
    );
    tb.ok("gz-a", "zfs hold -r keep pool1/h@s");
    tb.ok("gz-a", "zfs hold move pool1/h@s");
    let busy = if platform == Platform::Solaris11 {
        "cannot destroy 'pool1/h@s': dataset is busy\n"
    } else {
        "cannot destroy snapshot pool1/h@s: dataset is busy\n"
    };
    let out = tb.run("gz-a", &["zfs", "destroy", "pool1/h@s"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), busy);
    // zfs holds: NAME TAG TIMESTAMP; -H: no header, tab-separated.
    let text = tb.ok("gz-a", "zfs holds pool1/h@s");
    let mut lines = text.lines();
    let head = lines.next().unwrap_or_default();
    assert!(head.starts_with("NAME       TAG   TIMESTAMP"), "{text}");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows.iter().any(|r| r.starts_with("pool1/h@s  keep  ")),
        "{text}"
    );
    assert!(
        rows.iter().any(|r| r.starts_with("pool1/h@s  move  ")),
        "{text}"
    );
    let rec = tb.ok("gz-a", "zfs holds -r pool1/h@s");
    assert!(rec.contains("pool1/h/c@s  keep  "), "{rec}");
    if platform == Platform::Illumos {
        let h = tb.ok("gz-a", "zfs holds -H pool1/h/c@s");
        let fields: Vec<&str> = h.trim_end().split('\t').collect();
        assert_eq!(fields.len(), 3, "{h:?}");
        assert_eq!(fields[0].trim_end(), "pool1/h/c@s");
        assert_eq!(fields[1].trim_end(), "keep");
    }
    // release: the tag must exist.
    let out = tb.run("gz-a", &["zfs", "release", "nosuch", "pool1/h@s"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    tb.ok("gz-a", "zfs release move pool1/h@s");
    let text = tb.ok("gz-a", "zfs holds pool1/h@s");
    assert!(!text.contains("move"), "{text}");
    tb.ok("gz-a", "zfs release -r keep pool1/h@s");
    tb.ok("gz-a", "zfs destroy -r pool1/h@s");
    assert_eq!(
        tb.ok(
            "gz-a",
            "zfs list -H -t snapshot -o name | grep -c pool1/h || true"
        ),
        "0\n"
    );
}

#[test]
fn holds_on_solaris() {
    holds_for(Platform::Solaris11);
}

#[test]
fn holds_on_illumos() {
    holds_for(Platform::Illumos);
}
