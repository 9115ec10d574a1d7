//! Helpers shared by the testbed's integration tests.
#![allow(dead_code)]

use zone_testbed::{Testbed, stderr};

pub const WWW: &str = "create -b
set brand=solaris
set zonepath=/zones/www
set autoboot=false
set ip-type=exclusive
add net
set physical=www0
end
add dataset
set name=pool1/www/pool1
set alias=pool1
end
";

/// What `zgen zone … --format sh` is expected to run (see README: forms
/// the emulation accepts).
pub fn setup_zone(tb: &Testbed, host: &str, zone: &str, mac: &str) {
    let cfg = WWW.replace("www", zone);
    let script = format!(
        "set -e
zfs create -p pool1/{zone}/pool1
dladm create-vnic -l net0 -m {mac} {zone}0
cat > /tmp/{zone}.zonecfg
zonecfg -z {zone} -f /tmp/{zone}.zonecfg"
    );
    let out = tb.sh_with_input(host, &script, cfg.as_bytes());
    assert!(out.status.success(), "setup {zone}: {}", stderr(&out));
}

/// Configure, install and boot a zone with a delegated pool1 dataset.
pub fn running_zone(tb: &Testbed, host: &str, zone: &str, mac: &str) {
    setup_zone(tb, host, zone, mac);
    tb.ok(
        host,
        &format!("zoneadm -z {zone} install && zoneadm -z {zone} boot"),
    );
}
