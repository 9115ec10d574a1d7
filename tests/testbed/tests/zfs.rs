//! The platform `zfs` fronts: Solaris 11 `send -rc` and illumos `send -R`
//! from GZ to GZ over ssh into `receive -e -u`, incrementals, GUIDs equal on
//! both sides, dry-run estimates, `list -p`, and the "modified since most
//! recent snapshot" error after a modification fault.

mod common;

use common::running_zone;
use zone_testbed::{Fault, Options, Platform, Testbed, stderr, stdout};

fn guid(tb: &Testbed, host: &str, snap: &str) -> String {
    tb.ok(host, &format!("zfs get -H -p -o value guid {snap}"))
        .trim()
        .to_string()
}

#[test]
fn solaris11_send_rc_full_and_incremental() {
    let Some(tb) = Testbed::require(Options::default()) else {
        return;
    };
    running_zone(&tb, "gz-a", "www", "0:0:1:1f:c:10");
    tb.ok(
        "gz-a",
        "dd if=/dev/urandom of=/pool1/www/pool1/data bs=64k count=16 2>/dev/null",
    );
    tb.ok(
        "gz-a",
        "zfs snapshot -r rpool/zones/www@move && zfs snapshot -r pool1/www@move",
    );

    // Dry run: one line per snapshot step and a total, in libzfs wording.
    let est = tb.ok("gz-a", "zfs send -n -v -rc rpool/zones/www@move");
    assert!(
        est.starts_with("full send of rpool/zones/www@move estimated size is "),
        "{est}"
    );
    assert!(
        est.contains("\nfull send of rpool/zones/www/rpool/ROOT/solaris@move estimated size is "),
        "{est}"
    );
    assert!(
        est.lines()
            .last()
            .is_some_and(|l| l.starts_with("total estimated size is ")),
        "{est}"
    );
    let parsable = tb.ok("gz-a", "zfs send -nvP -r pool1/www@move");
    let size: u64 = parsable
        .lines()
        .last()
        .and_then(|l| l.strip_prefix("size\t"))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{parsable}"));
    // The estimate counts real streams: the 1 MiB of data is in it.
    assert!(size > 1 << 20, "{parsable}");
    assert!(
        parsable.contains("full\tpool1/www/pool1@move\t"),
        "{parsable}"
    );

    let send = "zfs send -rc rpool/zones/www@move | ssh gz-b zfs receive -e -u rpool/zones \
                && zfs send -rc pool1/www@move | ssh gz-b zfs receive -e -u pool1";
    tb.ok("gz-a", send);
    let got = tb.ok(
        "gz-b",
        "zfs list -H -o name,mounted -r rpool/zones/www pool1/www",
    );
    assert!(
        got.contains("rpool/zones/www/rpool/ROOT/solaris\tno\n"),
        "received unmounted: {got}"
    );
    assert!(got.contains("pool1/www/pool1\tno\n"), "{got}");

    // Changes while the zone runs, then the incremental round.
    tb.ok(
        "gz-a",
        "echo more > /zones/www/root/var/tmp/more && zfs snapshot -r rpool/zones/www@move1",
    );
    let inc = tb.ok("gz-a", "zfs send -nv -r -i @move rpool/zones/www@move1");
    assert!(
        inc.contains(
            "send from @move to rpool/zones/www/rpool/ROOT/solaris@move1 estimated size is "
        ),
        "{inc}"
    );
    tb.ok(
        "gz-a",
        "zfs send -rc -i @move rpool/zones/www@move1 | ssh gz-b zfs receive -e -u rpool/zones",
    );
    let snap = "rpool/zones/www/rpool/ROOT/solaris@move1";
    assert_eq!(guid(&tb, "gz-a", snap), guid(&tb, "gz-b", snap));
    assert!(!guid(&tb, "gz-a", snap).is_empty());
    // list -p prints exact numbers.
    let used = tb.ok("gz-b", "zfs list -Hp -o name,used rpool/zones/www");
    let n: u64 = used
        .trim()
        .split('\t')
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{used}"));
    assert!(n > 0);
}

#[test]
fn modified_target_refuses_the_next_incremental() {
    let Some(tb) = Testbed::require(Options::default()) else {
        return;
    };
    tb.ok("gz-a", "zfs create -p pool1/www/pool1 && echo a > /pool1/www/pool1/f && zfs snapshot -r pool1/www@a");
    tb.ok(
        "gz-a",
        "zfs send -r pool1/www@a | ssh gz-b zfs receive -e -u pool1",
    );
    tb.inject("gz-b", Fault::Modify("pool1/www/pool1".into()))
        .expect("modify");
    tb.ok(
        "gz-a",
        "echo b > /pool1/www/pool1/f && zfs snapshot -r pool1/www@b",
    );
    let out = tb.sh(
        "gz-a",
        "zfs send -r -i @a pool1/www@b | ssh gz-b zfs receive -e -u pool1",
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot receive incremental stream: destination pool1/www/pool1 has been modified\nsince most recent snapshot"),
        "{}",
        stderr(&out)
    );
    // receive -F rolls the target back and the round goes through.
    tb.ok(
        "gz-a",
        "zfs send -r -i @a pool1/www@b | ssh gz-b zfs receive -e -u -F pool1",
    );
    assert_eq!(
        guid(&tb, "gz-a", "pool1/www/pool1@b"),
        guid(&tb, "gz-b", "pool1/www/pool1@b")
    );
}

#[test]
fn illumos_send_capital_r_and_refusals() {
    let Some(tb) = Testbed::require(Options {
        platform: Platform::Illumos,
        ..Options::default()
    }) else {
        return;
    };
    tb.ok("gz-a", "zfs create -p pool1/d/pool1 && dd if=/dev/urandom of=/pool1/d/pool1/f bs=64k count=4 2>/dev/null");
    tb.ok("gz-a", "zfs snapshot -r pool1/d@s1");
    // illumos has no -r: refused with zfs's usage.
    let out = tb.run("gz-a", &["zfs", "send", "-r", "pool1/d@s1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("invalid option 'r'\nusage:\n\tsend "),
        "{}",
        stderr(&out)
    );
    // -c means compressed on illumos: accepted.
    tb.ok(
        "gz-a",
        "zfs send -R -c pool1/d@s1 | ssh gz-b zfs receive -e -u pool1",
    );
    tb.ok(
        "gz-a",
        "echo x > /pool1/d/pool1/g && zfs snapshot -r pool1/d@s2",
    );
    let est = tb.ok("gz-a", "zfs send -nvP -R -i @s1 pool1/d@s2");
    assert!(
        est.contains("incremental\t@s1\tpool1/d/pool1@s2\t"),
        "{est}"
    );
    assert!(
        est.lines().last().is_some_and(|l| l.starts_with("size\t")),
        "{est}"
    );
    tb.ok(
        "gz-a",
        "zfs send -R -i @s1 pool1/d@s2 | ssh gz-b zfs receive -e -u pool1",
    );
    assert_eq!(
        guid(&tb, "gz-a", "pool1/d/pool1@s2"),
        guid(&tb, "gz-b", "pool1/d/pool1@s2")
    );
    // Resumable receive is not to be had here; the refusal says so.
    let out = tb.run("gz-b", &["zfs", "receive", "-s", "-e", "pool1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("resumable receive (-s) is not available"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
}
