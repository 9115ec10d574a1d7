//! The compliant zone the move tests move: one definition for `moves.rs`
//! and `faults.rs`.

use zone_testbed::{Platform, Testbed, stderr};

/// A zone `zone` on gz-a that meets the house rules: zonepath dataset,
/// delegated `pool1/ZONE/pool1` (with `alias` on Solaris; illumos zonecfg
/// has none), a VNIC with the MAC rule 6 derives from gz-a's address and
/// block 1, `bootargs` with a blank (the 11.1 export prints it bare), no
/// service depending on autofs, and a static blob of `blob_bytes` random
/// bytes the move must carry unchanged. Returns the blob's checksum.
pub fn running_zone(tb: &Testbed, zone: &str, blob_bytes: usize) -> String {
    let (brand, link, alias) = match tb.platform() {
        Platform::Solaris11 => ("solaris", "net0", "set alias=pool1\n"),
        Platform::Illumos => ("ipkg", "e1000g0", ""),
    };
    let cfg = format!(
        "create -b\nset brand={brand}\nset zonepath=/zones/{zone}\nset autoboot=true\n\
         set bootargs=\"-m verbose\"\nset ip-type=exclusive\nadd net\nset physical={zone}0\nend\n\
         add dataset\nset name=pool1/{zone}/pool1\n{alias}end\n"
    );
    let script = format!(
        "set -e
zfs create -p pool1/{zone}/pool1
dladm create-vnic -l {link} -m 0:0:1:1f:c:10 {zone}0
cat > /tmp/{zone}.zonecfg
zonecfg -z {zone} -f /tmp/{zone}.zonecfg
zoneadm -z {zone} install >/dev/null
zoneadm -z {zone} boot
head -c {blob_bytes} /dev/urandom > /pool1/{zone}/pool1/blob"
    );
    let out = tb.sh_with_input("gz-a", &script, cfg.as_bytes());
    assert!(out.status.success(), "setup {zone}: {}", stderr(&out));
    // House rule 11: no service of the zone depends on autofs (zrules
    // knows which property group of which entity holds each dependency).
    for fmri in [
        "svc:/network/ssh:default",
        "svc:/system/system-log:default",
        "svc:/network/smtp:sendmail",
    ] {
        let (entity, pg) = zrules::rules::autofs_dependency_group(fmri).expect("a known service");
        tb.ok(
            "gz-a",
            &format!(
                "zlogin {zone} svccfg -s {entity} delpg {pg} && zlogin {zone} svcadm refresh {fmri}"
            ),
        );
    }
    blob_sum(tb, "gz-a", zone)
}

/// The checksum of the zone's static blob on `host`.
pub fn blob_sum(tb: &Testbed, host: &str, zone: &str) -> String {
    tb.ok(host, &format!("sha256sum < /pool1/{zone}/pool1/blob"))
}
