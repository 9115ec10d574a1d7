//! Choosing free MAC slots on one host (house rule 6, "Allocation").
//!
//! The scheme (in `zrules::mac`) says which MAC a slot `L` gives; this
//! module says which `L` to use. A non-global zone's VNIC with index `n`
//! goes in block `k` at `L = 16*k + n`, `k ≥ 1` (block 0, `L` 0x00–0x0f,
//! is the global zone's). The block wanted is the lowest one whose slots
//! are all free on the host, preferring blocks the caller names first (the
//! zone's current ID, or the block its existing VNICs already use). A slot
//! is taken when the MAC it derives already exists on the host: never hand
//! out an address in use. Zone IDs change across reboots, so a zone ID
//! above 15 simply has no block of its own and falls back to the lowest
//! free one.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use zrules::mac::{self, BLOCK, Mac, MacPrefix, NGZ_BLOCKS};

/// Why no slot could be chosen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AllocError {
    #[error(
        "VNIC index {index} does not fit the MAC scheme: a block holds 16 slots (L = 16*k + n, n <= 15)"
    )]
    IndexTooLarge { index: u32 },
    #[error("no VNIC index was asked for")]
    Empty,
    #[error(
        "no free MAC block on this host for VNIC indices {indices}: every block 16*k (k = 1..15) already has one of the MACs {prefix}:{ip3:02x}:{ip4:02x}:(16*k+n) in use"
    )]
    NoFreeBlock {
        indices: String,
        prefix: MacPrefix,
        ip3: u8,
        ip4: u8,
    },
    #[error("GZ VNIC index {index} would use MAC {mac}, which is already in use on this host")]
    GzSlotInUse { index: u32, mac: Mac },
}

/// The slots chosen for a non-global zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    /// The block `k` (the zone ID the scheme pretends).
    pub block: u32,
    /// `(index n, MAC)` in the order asked.
    pub macs: Vec<(u32, Mac)>,
    /// Whether the first preferred block was used.
    pub preferred: bool,
}

fn check_indices(indices: &[u32]) -> Result<(), AllocError> {
    if indices.is_empty() {
        return Err(AllocError::Empty);
    }
    match indices.iter().find(|&&n| n >= BLOCK) {
        Some(&index) => Err(AllocError::IndexTooLarge { index }),
        None => Ok(()),
    }
}

fn block_macs(
    prefix: MacPrefix,
    gz_ip: Ipv4Addr,
    block: u32,
    indices: &[u32],
) -> Option<Vec<(u32, Mac)>> {
    indices
        .iter()
        .map(|&n| mac::ngz_slot(block, n).map(|slot| (n, mac::derive(prefix, gz_ip, slot))))
        .collect()
}

/// Chooses the block for a non-global zone's VNICs `indices`: the first of
/// `preferred` (blocks outside 1..=15 are ignored) whose slots are all
/// free, else the lowest free block. Deterministic: the same inputs give
/// the same answer.
pub fn allocate_ngz(
    prefix: MacPrefix,
    gz_ip: Ipv4Addr,
    in_use: &BTreeSet<Mac>,
    indices: &[u32],
    preferred: &[u32],
) -> Result<Allocation, AllocError> {
    check_indices(indices)?;
    let first_preferred = preferred.iter().copied().find(|k| NGZ_BLOCKS.contains(k));
    let candidates = preferred
        .iter()
        .copied()
        .filter(|k| NGZ_BLOCKS.contains(k))
        .chain(NGZ_BLOCKS);
    for block in candidates {
        let Some(macs) = block_macs(prefix, gz_ip, block, indices) else {
            continue;
        };
        if macs.iter().all(|(_, m)| !in_use.contains(m)) {
            return Ok(Allocation {
                block,
                macs,
                preferred: Some(block) == first_preferred,
            });
        }
    }
    let [_, _, ip3, ip4] = gz_ip.octets();
    Err(AllocError::NoFreeBlock {
        indices: indices
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(","),
        prefix,
        ip3,
        ip4,
    })
}

/// The global zone's own VNICs: index `n` has `L = n`, no choice. An
/// address already in use is an error, never silently skipped.
pub fn allocate_gz(
    prefix: MacPrefix,
    gz_ip: Ipv4Addr,
    in_use: &BTreeSet<Mac>,
    indices: &[u32],
) -> Result<Vec<(u32, Mac)>, AllocError> {
    check_indices(indices)?;
    indices
        .iter()
        .map(|&index| {
            let mac = mac::derive(
                prefix,
                gz_ip,
                u8::try_from(index).map_err(|_| AllocError::IndexTooLarge { index })?,
            );
            if in_use.contains(&mac) {
                Err(AllocError::GzSlotInUse { index, mac })
            } else {
                Ok((index, mac))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip() -> Ipv4Addr {
        Ipv4Addr::new(192, 168, 31, 12)
    }

    fn mac(s: &str) -> Mac {
        s.parse().expect("mac")
    }

    #[test]
    fn seed_example_first_zone() {
        let a =
            allocate_ngz(MacPrefix::DEFAULT, ip(), &BTreeSet::new(), &[0, 1], &[1]).expect("alloc");
        assert_eq!(a.block, 1);
        assert!(a.preferred);
        assert_eq!(
            a.macs,
            vec![(0, mac("00:00:01:1f:0c:10")), (1, mac("00:00:01:1f:0c:11"))]
        );
    }

    #[test]
    fn preferred_block_taken_falls_back_to_lowest_free() {
        let used: BTreeSet<Mac> = [mac("00:00:01:1f:0c:11"), mac("00:00:01:1f:0c:20")].into();
        let a = allocate_ngz(MacPrefix::DEFAULT, ip(), &used, &[0, 1], &[1]).expect("alloc");
        assert_eq!(a.block, 3);
        assert!(!a.preferred);
    }

    #[test]
    fn zone_id_above_15_has_no_block_of_its_own() {
        let a =
            allocate_ngz(MacPrefix::DEFAULT, ip(), &BTreeSet::new(), &[0], &[42]).expect("alloc");
        assert_eq!(a.block, 1);
        assert!(!a.preferred);
    }

    #[test]
    fn full_host_is_an_error() {
        let used: BTreeSet<Mac> = (1..=15u8)
            .map(|k| mac::derive(MacPrefix::DEFAULT, ip(), k * 16))
            .collect();
        let e = allocate_ngz(MacPrefix::DEFAULT, ip(), &used, &[0], &[]).expect_err("full");
        assert!(e.to_string().contains("no free MAC block"), "{e}");
    }

    #[test]
    fn gz_slots_are_fixed() {
        let used: BTreeSet<Mac> = [mac("00:00:01:1f:0c:00")].into();
        assert_eq!(
            allocate_gz(MacPrefix::DEFAULT, ip(), &used, &[1]).expect("gz"),
            vec![(1, mac("00:00:01:1f:0c:01"))]
        );
        assert!(matches!(
            allocate_gz(MacPrefix::DEFAULT, ip(), &used, &[0]),
            Err(AllocError::GzSlotInUse { .. })
        ));
        assert!(matches!(
            allocate_gz(MacPrefix::DEFAULT, ip(), &used, &[16]),
            Err(AllocError::IndexTooLarge { .. })
        ));
    }
}
