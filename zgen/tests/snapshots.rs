//! The emitted scripts, reviewed like code: the seed example (GZ
//! 192.168.31.12, zone www) and a two-VNIC, two-dataset zone, in each
//! output format.

use std::net::Ipv4Addr;

use zgen::vnic::{Owner, VnicRequest};
use zgen::zone::ZoneRequest;
use zgen::{Format, HostContext, Platform, render};
use zrules::policy::Policy;

fn seed_host() -> HostContext {
    let mut h = HostContext {
        gz_ip: Some(Ipv4Addr::new(192, 168, 31, 12)),
        default_over: Some("net0".into()),
        ..HostContext::default()
    };
    h.zone_ids.insert("www".into(), 1);
    h
}

fn vnic_plan(count: u32) -> zgen::Plan {
    let req = VnicRequest {
        owner: Owner::Zone("www".into()),
        count,
        first_index: 0,
        over: None,
        platform: Platform::Solaris11,
    };
    zgen::vnic::plan(&req, &seed_host(), &Policy::default()).expect("seed plan")
}

fn zone_plan(vnics: u32, pools: &[&str], users: &[&str]) -> zgen::Plan {
    let req = ZoneRequest {
        zone: "www".into(),
        vnics,
        over: None,
        pools: pools.iter().map(|p| (*p).to_owned()).collect(),
        users: users.iter().map(|u| (*u).to_owned()).collect(),
        autoboot: true,
        platform: Platform::Solaris11,
    };
    zgen::zone::plan(&req, &seed_host(), &Policy::default()).expect("zone plan")
}

#[test]
fn seed_vnic_sh() {
    insta::assert_snapshot!("seed_vnic_sh", render(&vnic_plan(1), Format::Sh));
}

#[test]
fn seed_vnic_two_sh() {
    insta::assert_snapshot!("seed_vnic_two_sh", render(&vnic_plan(2), Format::Sh));
}

#[test]
fn seed_vnic_json() {
    insta::assert_snapshot!("seed_vnic_json", render(&vnic_plan(1), Format::Json));
}

#[test]
fn seed_zone_sh() {
    insta::assert_snapshot!(
        "seed_zone_sh",
        render(&zone_plan(1, &["pool1"], &[]), Format::Sh)
    );
}

#[test]
fn two_vnic_two_dataset_zone_sh() {
    insta::assert_snapshot!(
        "two_vnic_two_dataset_zone_sh",
        render(
            &zone_plan(2, &["pool1", "pool2"], &["alice", "bob"]),
            Format::Sh
        )
    );
}

#[test]
fn two_vnic_two_dataset_zone_zonecfg() {
    insta::assert_snapshot!(
        "two_vnic_two_dataset_zone_zonecfg",
        render(&zone_plan(2, &["pool1", "pool2"], &[]), Format::Zonecfg)
    );
}

#[test]
fn two_vnic_two_dataset_zone_json() {
    insta::assert_snapshot!(
        "two_vnic_two_dataset_zone_json",
        render(&zone_plan(2, &["pool1", "pool2"], &["alice"]), Format::Json)
    );
}
