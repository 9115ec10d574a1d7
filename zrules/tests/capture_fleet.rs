//! The example fleet (`fixtures/fleet/`) read through the capture layout:
//! every file parses, and the facts agree with each other the way the
//! fleet's README describes (MACs derived from each GZ's address and the
//! zone IDs, one config and one nodename per running zone).

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use zrules::Sources;
use zrules::capture::{self, LAYOUT, Scope};
use zrules::facts::{HostFacts, ZoneState};
use zrules::mac::{self, MacPrefix};

fn fleet_dir() -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "..", "fixtures", "fleet"]
        .iter()
        .collect()
}

fn read_tree(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).expect("readable fleet directory") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            read_tree(root, &path, files);
        } else {
            let rel = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, std::fs::read_to_string(&path).expect("utf-8 text"));
        }
    }
}

fn load(host: &str) -> (HostFacts, BTreeMap<String, String>) {
    let dir = fleet_dir().join(host);
    let mut files = BTreeMap::new();
    read_tree(&dir, &dir, &mut files);
    let mut sources = Sources::new();
    let (facts, diags) = capture::load(host, &files, &mut sources);
    assert!(diags.is_empty(), "{host}: {diags:#?}");
    (facts, files)
}

fn primary(facts: &HostFacts) -> Ipv4Addr {
    let addrs = facts.addrs.as_ref().expect("ipadm-show-addr");
    let v4: Vec<Ipv4Addr> = addrs
        .iter()
        .filter(|a| !a.value.is_loopback())
        .filter_map(|a| match a.value.ip() {
            Some(IpAddr::V4(ip)) => Some(ip),
            _ => None,
        })
        .collect();
    assert_eq!(v4.len(), 1, "exactly one non-loopback IPv4 address");
    v4[0]
}

#[test]
fn every_layout_file_is_present_for_every_zone() {
    for host in ["baremetal", "second"] {
        let (facts, files) = load(host);
        let running: Vec<&str> = facts
            .zones
            .as_ref()
            .expect("zones")
            .iter()
            .filter(|z| !z.value.is_global() && z.value.state == ZoneState::Running)
            .map(|z| z.value.name.as_str())
            .collect();
        assert!(running.len() >= 2, "{host}");
        for cmd in LAYOUT {
            match cmd.scope {
                Scope::Global => assert!(
                    files.contains_key(&cmd.path(None)),
                    "{host}: {}",
                    cmd.path(None)
                ),
                Scope::ZoneConfig | Scope::InZone => {
                    for z in &running {
                        assert!(
                            files.contains_key(&cmd.path(Some(z))),
                            "{host}: {}",
                            cmd.path(Some(z))
                        );
                    }
                }
            }
        }
        assert_eq!(facts.ngz.len(), running.len(), "{host}");
    }
}

#[test]
fn macs_follow_the_scheme() {
    let mut all = Vec::new();
    for host in ["baremetal", "second"] {
        let (facts, _) = load(host);
        let ip = primary(&facts);
        let node = facts.gz.nodename.as_ref().expect("nodename").value.clone();
        assert_eq!(node, host);
        let ids: BTreeMap<String, u32> = facts
            .zones
            .as_ref()
            .expect("zones")
            .iter()
            .filter_map(|z| Some((z.value.name.clone(), z.value.id?)))
            .collect();
        for v in facts.distinct_vnics().expect("vnics") {
            let vnic = &v.value;
            assert_eq!(
                vnic.mac_type,
                zrules::mac::MacAddrType::Fixed,
                "{}",
                vnic.qualified_name()
            );
            let (base, slot) = match &vnic.zone {
                None => (node.as_str(), 0),
                Some(z) => (z.as_str(), 16 * ids[z]),
            };
            let index: u32 = vnic
                .link
                .strip_prefix(base)
                .and_then(|i| i.parse().ok())
                .expect("BASE + index");
            let slot = u8::try_from(slot + index).expect("slot fits");
            assert_eq!(
                vnic.mac,
                mac::derive(MacPrefix::DEFAULT, ip, slot),
                "{host} {}",
                vnic.qualified_name()
            );
            all.push(vnic.mac);
        }
    }
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), count, "a MAC is used twice across the fleet");
}

#[test]
fn zones_name_themselves_and_have_their_datasets() {
    for host in ["baremetal", "second"] {
        let (facts, _) = load(host);
        let datasets = facts.datasets.as_ref().expect("zfs-list");
        let has = |name: &str| {
            datasets
                .iter()
                .any(|d| d.value.name == name && d.value.mounted)
        };
        assert!(has("rpool/zones"));
        for (zone, cap) in &facts.ngz {
            assert!(cap.config.is_some(), "{host}/{zone}: zonecfg export");
            assert_eq!(
                cap.system.nodename.as_ref().map(|n| n.value.as_str()),
                Some(zone.as_str())
            );
            assert!(has(&format!("rpool/zones/{zone}")), "{host}/{zone}");
            assert!(has(&format!("pool1/{zone}/pool1")), "{host}/{zone}");
            let pkgs = cap.system.packages.as_ref().expect("zone pkg-list");
            assert!(
                pkgs.iter()
                    .any(|p| p.value.name == "group/system/solaris-small-server")
            );
            for e in cap
                .system
                .passwd
                .as_ref()
                .expect("zone passwd")
                .iter()
                .filter(|e| (100..60000).contains(&e.uid))
            {
                let user = e.name;
                assert_eq!(e.home, format!("/local/home/{user}"));
                assert!(
                    has(&format!("rpool/zones/{zone}/rpool/local/home/{user}")),
                    "{host}/{zone}/{user}"
                );
            }
            for deps in cap.system.svc_deps.values() {
                assert!(
                    deps.fmris.iter().all(|f| !f.value.contains("autofs")),
                    "{host}/{zone}"
                );
            }
        }
        assert!(facts.shares.as_ref().expect("share").is_empty());
        assert!(
            facts
                .share_props
                .as_ref()
                .expect("zfs-get-share")
                .iter()
                .all(|p| !p.value.shares())
        );
    }
}
