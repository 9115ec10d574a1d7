//! The fact parsers on real published command outputs (`fixtures/real/`,
//! provenance in `fixtures/real/SOURCES.md`).
//!
//! Where the only real samples are in the human (column) format, the test
//! rebuilds the parsable line from the sample's columns with the same
//! escaping libofmt applies, so the values under test (unpadded MACs,
//! `zone/link` names, `from-gz` types, IPv6 loopback) are the real ones.

use std::path::PathBuf;

use zrules::facts::dladm::{self, VnicField, escape_ofmt, merge_zone_views};
use zrules::facts::{ZoneState, ipadm, share, zfs, zoneadm};
use zrules::span::Span;

fn real(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "fixtures", "real", name]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The data rows of a human-format table (header line dropped), split on blanks.
fn table_rows(text: &str) -> Vec<Vec<&str>> {
    text.lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect()
}

#[test]
fn zoneadm_solaris_11_nine_fields() {
    let rows = zoneadm::parse(&real("zoneadm-list-p-facter-pr-1329.txt"))
        .into_result()
        .expect("parses");
    insta::assert_debug_snapshot!(
        "zoneadm_facter",
        rows.iter().map(|r| &r.value).collect::<Vec<_>>()
    );
    let testzone = &rows[1].value;
    assert_eq!(testzone.id, None);
    assert_eq!(testzone.state, ZoneState::Configured);
    assert_eq!(testzone.uuid, None);
    assert_eq!(testzone.file_mac_profile.as_deref(), Some(""));
}

#[test]
fn zoneadm_illumos_eight_fields() {
    let text = real("zoneadm-list-p-rust-test-clean-zone.txt");
    let rows = zoneadm::parse(&text).into_result().expect("parses");
    let z = &rows[1].value;
    assert_eq!(
        (z.id, z.name.as_str(), &z.state),
        (None, "clean-zone", &ZoneState::Installed)
    );
    assert_eq!(
        z.uuid.as_deref(),
        Some("311a4f36-779f-4d14-bc9d-c85cb9817327")
    );
    assert_eq!((z.brand.as_str(), z.ip_type.as_str()), ("lipkg", "excl"));
    assert_eq!(z.debugid.as_deref(), Some("216"));
    assert_eq!(
        &text[rows[1].span.range()],
        text.lines().nth(1).expect("line 2")
    );
}

#[test]
fn zoneadm_smartos_elision_is_reported_at_line_2() {
    let text = real("zoneadm-list-p-smartos-imgapi-comment.txt");
    let rows = zoneadm::parse(&text);
    let errs = &rows.errors;
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].line, 2);
    assert_eq!(&text[errs[0].span.range()], "...");
    // Only that row is lost.
    assert_eq!(rows.rows.len(), text.lines().count() - 1);
    // The global line with its empty 8th field and the UUID-named zones
    // around the elision are fine on their own.
    let kept: String = text
        .lines()
        .filter(|l| *l != "...")
        .map(|l| format!("{l}\n"))
        .collect();
    let rows = zoneadm::parse(&kept)
        .into_result()
        .expect("without the elision");
    assert_eq!(rows[0].value.debugid.as_deref(), Some(""));
    assert_eq!(rows[1].value.id, Some(21));
    assert_eq!(rows[2].value.brand, "kvm");
}

#[test]
fn dladm_three_field_puppet_sample() {
    let text = real("dladm-show-vnic-p-o-oracle-puppet-providers.txt");
    let rows = dladm::parse_vnics(
        &text,
        &[VnicField::Link, VnicField::Over, VnicField::MacAddress],
    )
    .into_result()
    .expect("parses");
    assert_eq!(rows.len(), 10);
    insta::assert_debug_snapshot!("dladm_puppet_first", &rows[0]);
    assert!(
        rows.iter()
            .all(|r| r.value.link == "net0" && r.value.over == "net0")
    );
    assert!(rows.iter().all(|r| {
        r.value
            .zone
            .as_deref()
            .is_some_and(|z| z.starts_with("foo-ld"))
    }));
    // The capture's 4-field form must refuse this 3-field text: no row
    // parses, so one error says why the first did not.
    let errs = dladm::parse_vnic_capture(&text)
        .into_result()
        .expect_err("3 fields");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].line, 1);
    assert!(
        errs[0].message.starts_with("none of its lines parses"),
        "{}",
        errs[0].message
    );
}

/// Rebuilds `dladm show-vnic -p -o link,over,macaddress,macaddrtype` from a
/// human `dladm show-vnic` table (LINK OVER SPEED MACADDRESS MACADDRTYPE VID).
fn vnic_capture_from_table(text: &str) -> String {
    table_rows(text)
        .iter()
        .map(|cols| {
            assert_eq!(cols.len(), 6, "{cols:?}");
            format!(
                "{}:{}:{}:{}\n",
                escape_ofmt(cols[0]),
                escape_ofmt(cols[1]),
                escape_ofmt(cols[3]),
                escape_ofmt(cols[4])
            )
        })
        .collect()
}

#[test]
fn dladm_real_tables_unpadded_macs_and_zone_views() {
    let rows = dladm::parse_vnic_capture(&vnic_capture_from_table(&real(
        "dladm-show-vnic-omicron-pr-7037.txt",
    )))
    .into_result()
    .expect("omicron");
    let macs: Vec<String> = rows.iter().map(|r| r.value.mac.to_string()).collect();
    assert_eq!(macs[1], "a8:e1:de:01:70:1d");
    assert_eq!(macs[4], "02:08:20:d7:56:0a");
    assert_eq!(rows[1].value.mac_type, zrules::mac::MacAddrType::Fixed);
    assert_eq!(rows.len(), 7);

    let rows = dladm::parse_vnic_capture(&vnic_capture_from_table(&real(
        "dladm-show-vnic-omicron-networking-link.txt",
    )))
    .into_result()
    .expect("networking doc");
    assert_eq!(rows.len(), 22);
    assert_eq!(rows[13].value.mac.to_string(), "02:08:20:57:00:a9");

    let two = dladm::parse_vnic_capture(&vnic_capture_from_table(&real(
        "dladm-show-vnic-borges-cookbook-2.txt",
    )))
    .into_result()
    .expect("borges 2");
    let merged: Vec<String> = merge_zone_views(&two, |r| &r.value)
        .iter()
        .map(|r| r.value.qualified_name())
        .collect();
    assert_eq!(
        merged,
        [
            "vnic0",
            "zone1/vnic1",
            "zone2/vnic2",
            "zone1/net0",
            "zone2/net0"
        ]
    );

    // The author's cut `zone1/vnic` differs from `vnic1` by name: both stay.
    let three = dladm::parse_vnic_capture(&vnic_capture_from_table(&real(
        "dladm-show-vnic-borges-cookbook-3.txt",
    )))
    .into_result()
    .expect("borges 3");
    let merged = merge_zone_views(&three, |r| &r.value);
    assert_eq!(merged.len(), 7);
    assert!(
        merged
            .iter()
            .any(|r| r.value.link == "vnic1" && r.value.zone.is_none())
    );
}

#[test]
fn dladm_human_table_is_not_parsable_output() {
    let text = real("dladm-show-vnic-borges-cookbook-1.txt");
    let errs = dladm::parse_vnic_capture(&text)
        .into_result()
        .expect_err("human");
    // One error for the table, at its header, not one per line.
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].line, 1);
    assert_eq!(
        &text[errs[0].span.range()],
        text.lines().next().expect("header")
    );
    assert!(
        errs[0]
            .message
            .contains("human-readable table (header `LINK OVER SPEED MACADDRESS MACADDRTYPE VID`)"),
        "{}",
        errs[0].message
    );
}

/// Rebuilds `ipadm show-addr -p -o addrobj,type,state,addr` from the human table.
fn addr_capture_from_table(text: &str) -> String {
    table_rows(text)
        .iter()
        .map(|c| {
            format!(
                "{}\n",
                c.iter()
                    .map(|v| escape_ofmt(v))
                    .collect::<Vec<_>>()
                    .join(":")
            )
        })
        .collect()
}

#[test]
fn ipadm_real_rows() {
    let text = addr_capture_from_table(&real("ipadm-show-addr-borges-cookbook.txt"));
    assert!(text.contains(r"lo0/v6:static:ok:\:\:1/128"), "{text}");
    let rows = ipadm::parse(&text).into_result().expect("borges");
    let net1 = &rows[2].value;
    assert_eq!(net1.interface, "net1");
    assert_eq!(net1.addr, Some("192.168.5.77/24".parse().expect("net")));
    assert!(rows[3].value.is_loopback());

    let rows = ipadm::parse(&addr_capture_from_table(&real(
        "ipadm-show-addr-omniosorg-firstzone.txt",
    )))
    .into_result()
    .expect("omnios");
    let a = &rows[1].value;
    assert_eq!(
        (a.addrobj.as_str(), a.interface.as_str(), a.kind.as_str()),
        ("firstzone0/_a", "firstzone0", "from-gz")
    );
}

#[test]
fn zfs_human_listings_are_rejected_with_their_lines() {
    for (name, header) in [
        ("zfs-list-borges-cookbook.txt", false),
        ("zfs-list-omniosorg-migrate-pool-1.txt", true),
        ("zfs-list-pkg5-issue-330.txt", true),
    ] {
        let errs = zfs::parse_list(&real(name)).into_result().expect_err(name);
        assert_eq!(errs.len(), 1, "{name}: {errs:?}");
        assert_eq!(errs[0].line, 1, "{name}");
        let m = &errs[0].message;
        if header {
            assert!(
                m.contains("human-readable table (header `NAME USED AVAIL REFER MOUNTPOINT`)"),
                "{name}: {m}"
            );
        } else {
            // No header: the first row's own error says what was expected.
            assert!(
                m.starts_with("none of its lines parses") && m.contains("tab-separated"),
                "{name}: {m}"
            );
        }
    }
}

#[test]
fn share_solaris_10_listing() {
    let text = real("share-borges-cookbook-solaris10.txt");
    let rows = share::parse(&text).into_result().expect("share");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].value.path.as_deref(), Some("/migration"));
    assert_eq!(rows[0].span, Span::new(0, text.trim_end().len()));
}
