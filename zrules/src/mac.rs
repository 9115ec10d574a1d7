//! MAC addresses and the site's derivation scheme (house rule 6).
//!
//! The value is [`macaddr::MacAddr6`]; [`Mac`] is a thin adapter for
//! Solaris' spelling. Solaris and illumos print MACs with unpadded
//! lower-case octets (`2:8:20:d:b:3b`, dladm(8)), and in dladm's parsable
//! mode with escaped colons (`2\:8\:20…`); the site writes them padded.
//! [`Mac`] reads all three, prints the padded lower-case form, and gives
//! dladm's own with [`Mac::unpadded`], so comparisons never depend on
//! spelling. (macaddr's own parser wants two digits per octet and prints
//! upper case, so neither is used for text.)
//! The scheme itself — prefix, the GZ primary IP's 3rd and 4th octets, and a
//! slot `L` — lives here because the check needs it; allocation of free slots
//! is the generator's business.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// A 48-bit MAC address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mac(pub macaddr::MacAddr6);

/// Why a MAC address (or prefix) could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid MAC address '{text}': {reason}")]
pub struct MacError {
    pub text: String,
    pub reason: &'static str,
}

fn parse_octets<const N: usize>(s: &str) -> Result<[u8; N], MacError> {
    let err = |reason| MacError {
        text: s.to_owned(),
        reason,
    };
    let mut out = [0u8; N];
    let mut parts = s.split(':');
    for slot in &mut out {
        let part = parts.next().ok_or_else(|| err("too few octets"))?;
        if part.is_empty() || part.len() > 2 || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(err("each octet is one or two hex digits"));
        }
        *slot = u8::from_str_radix(part, 16).map_err(|_| err("bad hex"))?;
    }
    if parts.next().is_some() {
        return Err(err("too many octets"));
    }
    Ok(out)
}

impl FromStr for Mac {
    type Err = MacError;
    /// Accepts `0:0:1:1f:c:10` and `00:00:01:1F:0C:10`, and dladm's
    /// parsable-mode escaping `0\:0\:1…`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let octets = if s.contains('\\') {
            parse_octets(&s.replace("\\:", ":"))?
        } else {
            parse_octets(s)?
        };
        Ok(Mac::new(octets))
    }
}

impl fmt::Display for Mac {
    /// Padded lower case: `00:00:01:1f:0c:10`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.octets();
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

impl From<macaddr::MacAddr6> for Mac {
    fn from(m: macaddr::MacAddr6) -> Self {
        Mac(m)
    }
}

impl Mac {
    pub const fn new(octets: [u8; 6]) -> Self {
        let [a, b, c, d, e, f] = octets;
        Mac(macaddr::MacAddr6::new(a, b, c, d, e, f))
    }

    pub const fn octets(self) -> [u8; 6] {
        self.0.into_array()
    }

    /// As dladm prints it: unpadded lower-case octets, `0:0:1:1f:c:10`.
    pub fn unpadded(self) -> String {
        let [a, b, c, d, e, g] = self.octets();
        format!("{a:x}:{b:x}:{c:x}:{d:x}:{e:x}:{g:x}")
    }

    pub const fn prefix(self) -> MacPrefix {
        let [a, b, c, ..] = self.octets();
        MacPrefix([a, b, c])
    }

    /// Octets 4 and 5: in the scheme, the GZ primary IP's octets 3 and 4.
    pub const fn ip_bytes(self) -> [u8; 2] {
        let [_, _, _, d, e, _] = self.octets();
        [d, e]
    }

    /// The last octet, `L`.
    pub const fn slot(self) -> u8 {
        self.octets()[5]
    }
}

/// The first three octets of the site's MACs (policy `mac_prefix`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MacPrefix(pub [u8; 3]);

impl MacPrefix {
    /// The write-up's default `00:00:01`.
    pub const DEFAULT: MacPrefix = MacPrefix([0, 0, 1]);

    /// The prefix's first address, for asking macaddr about its bits.
    const fn first(self) -> macaddr::MacAddr6 {
        let [a, b, c] = self.0;
        macaddr::MacAddr6::new(a, b, c, 0, 0, 0)
    }

    /// Bit 0x02 of the first octet: a locally administered address.
    pub const fn is_locally_administered(self) -> bool {
        self.first().is_local()
    }

    /// Bit 0x01 of the first octet: a multicast address, never valid for a NIC.
    pub const fn is_multicast(self) -> bool {
        self.first().is_multicast()
    }
}

impl FromStr for MacPrefix {
    type Err = MacError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_octets(s).map(MacPrefix)
    }
}

impl fmt::Display for MacPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}")
    }
}

/// The MAC the scheme gives: `P1:P2:P3:I3:I4:L`.
pub fn derive(prefix: MacPrefix, gz_ip: Ipv4Addr, slot: u8) -> Mac {
    let [p1, p2, p3] = prefix.0;
    let [_, _, i3, i4] = gz_ip.octets();
    Mac::new([p1, p2, p3, i3, i4, slot])
}

/// How a VNIC got its MAC: dladm's MACADDRTYPE field of `show-vnic`
/// (dladm(8): `fixed`, `random`, `factory, slot N`, `vrrp, VRID/inet`;
/// Solaris 11 also prints `auto`-created ones as `random` or `factory`).
/// Only [`MacAddrType::Fixed`] is a MAC someone chose (`create-vnic -m MAC`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MacAddrType {
    Fixed,
    Random,
    /// `factory, slot N`: one of the NIC's own addresses.
    Factory {
        slot: Option<u32>,
    },
    /// `vrrp, 12/inet`: the VRRP virtual router's address; the text after
    /// `vrrp, ` is kept.
    Vrrp(String),
    /// A type this reader does not know, kept as printed.
    Other(String),
    /// MACADDRTYPE was not among the requested fields.
    NotRequested,
}

impl MacAddrType {
    /// Reads the field as dladm prints it (never fails: an unknown type is
    /// [`MacAddrType::Other`], which no check counts as fixed).
    pub fn parse(field: &str) -> Self {
        let field = field.trim();
        match field {
            "" => MacAddrType::NotRequested,
            "fixed" => MacAddrType::Fixed,
            "random" => MacAddrType::Random,
            "factory" => MacAddrType::Factory { slot: None },
            _ => {
                if let Some(rest) = field.strip_prefix("factory, slot ")
                    && let Ok(slot) = rest.trim().parse()
                {
                    return MacAddrType::Factory { slot: Some(slot) };
                }
                if let Some(rest) = field.strip_prefix("vrrp, ") {
                    return MacAddrType::Vrrp(rest.to_owned());
                }
                MacAddrType::Other(field.to_owned())
            }
        }
    }

    /// A MAC the site chose (`dladm create-vnic -m MAC`).
    pub const fn is_fixed(&self) -> bool {
        matches!(self, MacAddrType::Fixed)
    }
}

impl fmt::Display for MacAddrType {
    /// As dladm prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MacAddrType::Fixed => f.write_str("fixed"),
            MacAddrType::Random => f.write_str("random"),
            MacAddrType::Factory { slot: None } => f.write_str("factory"),
            MacAddrType::Factory { slot: Some(n) } => write!(f, "factory, slot {n}"),
            MacAddrType::Vrrp(rest) => write!(f, "vrrp, {rest}"),
            MacAddrType::Other(s) => f.write_str(s),
            MacAddrType::NotRequested => Ok(()),
        }
    }
}

/// Slots per block: a zone's VNIC with index `n` in block `k` has
/// `L = 16·k + n`, so `L mod 16` is the index.
pub const BLOCK: u32 = 16;

/// Blocks `1..=15` belong to non-global zones; block 0 (`L` 0x00–0x0f) is
/// the GZ's.
pub const NGZ_BLOCKS: std::ops::RangeInclusive<u32> = 1..=15;

/// The scheme's slot for VNIC `index` of the zone in block (zone ID)
/// `zone_id`: `16·k + n`. `None` when it does not fit in one octet (zone
/// IDs above 15, or an index above 15).
pub fn ngz_slot(zone_id: u32, index: u32) -> Option<u8> {
    if index >= BLOCK {
        return None;
    }
    u8::try_from(zone_id.checked_mul(BLOCK)?.checked_add(index)?).ok()
}

/// GZ VNIC n has `L = n` (slots 0x00–0x0f are the GZ's).
pub const fn is_gz_slot(slot: u8) -> bool {
    (slot as u32) < BLOCK
}

/// The inverse of the scheme for a zone's VNIC: the block `k` that `mac`
/// puts VNIC `index` in, when `mac` follows the scheme for GZ `gz_ip`
/// (prefix and IP octets match, `L = 16·k + index` with `k ≥ 1`).
pub fn ngz_block(mac: Mac, prefix: MacPrefix, gz_ip: Ipv4Addr, index: u32) -> Option<u32> {
    let want = derive(prefix, gz_ip, 0);
    let slot = u32::from(mac.slot());
    (mac.prefix() == prefix
        && mac.ip_bytes() == want.ip_bytes()
        && !is_gz_slot(mac.slot())
        && slot % BLOCK == index)
        .then_some(slot / BLOCK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_example() {
        let ip: Ipv4Addr = "192.168.31.12".parse().expect("ip");
        assert_eq!(
            derive(MacPrefix::DEFAULT, ip, 0).to_string(),
            "00:00:01:1f:0c:00"
        );
        let slot = ngz_slot(1, 0).expect("slot");
        assert_eq!(
            derive(MacPrefix::DEFAULT, ip, slot).to_string(),
            "00:00:01:1f:0c:10"
        );
        let slot = ngz_slot(1, 1).expect("slot");
        assert_eq!(
            derive(MacPrefix::DEFAULT, ip, slot).to_string(),
            "00:00:01:1f:0c:11"
        );
    }

    #[test]
    fn reads_unpadded_and_escaped() {
        assert_eq!(
            "2:8:20:d:b:3b".parse::<Mac>().expect("mac").to_string(),
            "02:08:20:0d:0b:3b"
        );
        assert_eq!(
            r"2\:8\:20\:e8\:42\:11"
                .parse::<Mac>()
                .expect("mac")
                .to_string(),
            "02:08:20:e8:42:11"
        );
        assert!("2:8:20:d:b".parse::<Mac>().is_err());
        assert!("2:8:20:d:b:3b:1".parse::<Mac>().is_err());
        assert!("2:8:20:d:b:3bb".parse::<Mac>().is_err());
        assert!("random".parse::<Mac>().is_err());
    }

    #[test]
    fn the_inverse_finds_the_block() {
        let ip: Ipv4Addr = "192.168.31.12".parse().expect("ip");
        let p = MacPrefix::DEFAULT;
        let m = derive(p, ip, ngz_slot(3, 2).expect("slot"));
        assert_eq!(ngz_block(m, p, ip, 2), Some(3));
        assert_eq!(ngz_block(m, p, ip, 1), None, "another index");
        assert_eq!(
            ngz_block(derive(p, ip, 2), p, ip, 2),
            None,
            "the GZ's block"
        );
        let other: Ipv4Addr = "192.168.32.12".parse().expect("ip");
        assert_eq!(ngz_block(m, p, other, 2), None, "another GZ");
        assert_eq!(
            ngz_block(m, MacPrefix([2, 0, 1]), ip, 2),
            None,
            "another prefix"
        );
    }

    #[test]
    fn renders_as_dladm_and_as_the_site() {
        let m: Mac = "0:0:1:1f:c:10".parse().expect("mac");
        assert_eq!(m.unpadded(), "0:0:1:1f:c:10");
        assert_eq!(m.to_string(), "00:00:01:1f:0c:10");
        assert_eq!(m.unpadded().parse::<Mac>(), Ok(m));
        assert!(!m.0.is_local(), "00:00:01 is a vendor OUI");
    }

    #[test]
    fn slots_beyond_one_octet_are_refused() {
        assert_eq!(ngz_slot(15, 15), Some(255));
        assert_eq!(ngz_slot(16, 0), None);
        assert_eq!(ngz_slot(1, 16), None);
    }

    #[test]
    fn mac_address_types_as_dladm_prints_them() {
        for text in [
            "fixed",
            "random",
            "factory, slot 1",
            "vrrp, 12/inet",
            "weird",
            "",
        ] {
            assert_eq!(MacAddrType::parse(text).to_string(), text);
        }
        assert_eq!(
            MacAddrType::parse("factory, slot 1"),
            MacAddrType::Factory { slot: Some(1) }
        );
        assert!(MacAddrType::parse("fixed").is_fixed());
        assert!(!MacAddrType::parse("Fixed").is_fixed());
        assert!(!MacAddrType::parse("").is_fixed());
    }

    #[test]
    fn default_prefix_is_not_local() {
        assert!(!MacPrefix::DEFAULT.is_locally_administered());
        assert!(
            "02:00:01"
                .parse::<MacPrefix>()
                .expect("prefix")
                .is_locally_administered()
        );
    }
}
