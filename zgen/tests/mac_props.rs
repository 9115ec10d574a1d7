//! Properties of the MAC scheme as zgen uses it (house rule 6).

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use proptest::prelude::*;
use zgen::allocate::{AllocError, allocate_gz, allocate_ngz};
use zrules::mac::{self, Mac, MacPrefix};

fn prefix() -> impl Strategy<Value = MacPrefix> {
    any::<[u8; 3]>().prop_map(MacPrefix)
}

fn ip() -> impl Strategy<Value = Ipv4Addr> {
    any::<[u8; 4]>().prop_map(Ipv4Addr::from)
}

/// MACs in use: some on the scheme for this host (so they collide), some
/// anywhere.
fn in_use(prefix: MacPrefix, ip: Ipv4Addr) -> impl Strategy<Value = BTreeSet<Mac>> {
    (
        proptest::collection::btree_set(any::<u8>(), 0..200),
        proptest::collection::btree_set(any::<[u8; 6]>().prop_map(Mac::new), 0..20),
    )
        .prop_map(move |(slots, other)| {
            slots
                .into_iter()
                .map(|l| mac::derive(prefix, ip, l))
                .chain(other)
                .collect()
        })
}

fn indices() -> impl Strategy<Value = Vec<u32>> {
    (0u32..16, 1u32..=16).prop_map(|(first, count)| (first..(first + count).min(16)).collect())
}

/// The lowest block whose slots for `idx` are all free, by brute force.
fn brute_force(
    prefix: MacPrefix,
    ip: Ipv4Addr,
    used: &BTreeSet<Mac>,
    idx: &[u32],
    preferred: &[u32],
) -> Option<u32> {
    let free = |k: u32| {
        idx.iter().all(|&n| {
            !used.contains(&mac::derive(
                prefix,
                ip,
                u8::try_from(16 * k + n).expect("fits"),
            ))
        })
    };
    preferred
        .iter()
        .copied()
        .filter(|k| (1..=15).contains(k))
        .find(|&k| free(k))
        .or_else(|| (1..=15).find(|&k| free(k)))
}

proptest! {
    #[test]
    fn derived_macs_carry_the_prefix_and_ip_octets(p in prefix(), ip in ip(), slot in any::<u8>()) {
        let m = mac::derive(p, ip, slot);
        prop_assert_eq!(m.prefix(), p);
        prop_assert_eq!(m.ip_bytes(), [ip.octets()[2], ip.octets()[3]]);
        prop_assert_eq!(m.slot(), slot);
        // What zgen prints is what zrules reads back.
        prop_assert_eq!(m.to_string().parse::<Mac>().expect("reads back"), m);
    }

    #[test]
    fn ngz_allocation_is_free_outside_the_gz_range_and_as_the_rule_says(
        (p, ip, used) in (prefix(), ip()).prop_flat_map(|(p, ip)| (Just(p), Just(ip), in_use(p, ip))),
        idx in indices(),
        preferred in proptest::collection::vec(0u32..40, 0..3),
    ) {
        let got = allocate_ngz(p, ip, &used, &idx, &preferred);
        // Deterministic.
        prop_assert_eq!(&got, &allocate_ngz(p, ip, &used, &idx, &preferred));
        match (got, brute_force(p, ip, &used, &idx, &preferred)) {
            (Ok(a), Some(k)) => {
                prop_assert_eq!(a.block, k);
                prop_assert_eq!(a.macs.len(), idx.len());
                for ((n, m), want) in a.macs.iter().zip(&idx) {
                    prop_assert_eq!(n, want);
                    prop_assert!(!used.contains(m), "{} is in use", m);
                    prop_assert!(!mac::is_gz_slot(m.slot()), "{} is in the GZ's range", m);
                    prop_assert_eq!(u32::from(m.slot()), 16 * a.block + n);
                    prop_assert_eq!(m.prefix(), p);
                    prop_assert_eq!(m.ip_bytes(), [ip.octets()[2], ip.octets()[3]]);
                }
            }
            (Err(AllocError::NoFreeBlock { .. }), None) => {}
            (got, want) => prop_assert!(false, "allocate gave {:?}, brute force {:?}", got, want),
        }
    }

    #[test]
    fn the_zones_own_block_is_preferred_when_free(ip in ip(), id in 1u32..=15, count in 1u32..=16) {
        let idx: Vec<u32> = (0..count).collect();
        let a = allocate_ngz(MacPrefix::DEFAULT, ip, &BTreeSet::new(), &idx, &[id]).expect("empty host");
        prop_assert_eq!(a.block, id);
        prop_assert!(a.preferred);
    }

    #[test]
    fn zone_ids_above_15_get_the_lowest_free_block(ip in ip(), id in 16u32..10_000, taken in 0u32..15) {
        let used: BTreeSet<Mac> = (1..=taken).map(|k| mac::derive(MacPrefix::DEFAULT, ip, u8::try_from(16 * k).expect("fits"))).collect();
        let a = allocate_ngz(MacPrefix::DEFAULT, ip, &used, &[0], &[id]).expect("a block is free");
        prop_assert_eq!(a.block, taken + 1);
        prop_assert!(!a.preferred);
    }

    #[test]
    fn a_full_host_is_a_clear_error(ip in ip(), n in 0u32..16) {
        let used: BTreeSet<Mac> = (1..=15u32).map(|k| mac::derive(MacPrefix::DEFAULT, ip, u8::try_from(16 * k + n).expect("fits"))).collect();
        let e = allocate_ngz(MacPrefix::DEFAULT, ip, &used, &[n], &[3]).expect_err("full");
        prop_assert!(e.to_string().contains("no free MAC block"), "{}", e);
    }

    #[test]
    fn gz_vnics_get_l_equal_n_or_an_error(ip in ip(), used_slots in proptest::collection::btree_set(0u8..16, 0..16), n in 0u32..20) {
        let used: BTreeSet<Mac> = used_slots.iter().map(|&l| mac::derive(MacPrefix::DEFAULT, ip, l)).collect();
        match allocate_gz(MacPrefix::DEFAULT, ip, &used, &[n]) {
            Ok(v) => {
                prop_assert_eq!(v.len(), 1);
                prop_assert_eq!(u32::from(v[0].1.slot()), n);
                prop_assert!(!used.contains(&v[0].1));
            }
            Err(AllocError::GzSlotInUse { index, .. }) => prop_assert!(used_slots.contains(&u8::try_from(index).expect("small"))),
            Err(AllocError::IndexTooLarge { index }) => prop_assert!(index >= 16),
            Err(e) => prop_assert!(false, "unexpected {}", e),
        }
    }
}
