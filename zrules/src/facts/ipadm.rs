//! `ipadm show-addr -p -o addrobj,type,state,addr`.
//!
//! ipadm prints through libofmt like dladm, so with four fields the colons
//! of an IPv6 address are escaped: `lo0/v6:static:ok:\:\:1/128` (see
//! [`super::dladm::split_ofmt`]). ADDR is `?` for a DHCP address object that
//! is not bound yet (ipadm(1M), "show-addr"); an address object not created
//! through libipadm shows ADDROBJ `IF/?`. The prefix length follows `/`.

use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

use super::dladm::split_ofmt;
use super::{FieldError, Rows, parse_lines};
use crate::span::Span;

/// What a capture's `ipadm show-addr` line looks like, for error messages.
pub const EXPECTED: &str =
    "4 colon-separated fields (addrobj:type:state:addr, IPv6 colons escaped as `\\:`)";

/// One address object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Addr {
    /// e.g. `net0/v4`, `lo0/v6`, `net0/?`.
    pub addrobj: String,
    /// The interface part of the address object (before `/`).
    pub interface: String,
    /// `static`, `dhcp`, `addrconf`, `from-gz` …
    pub kind: String,
    /// `ok`, `duplicate`, `down`, `tentative`, `disabled`, `inaccessible`.
    pub state: String,
    /// The address with its prefix length (`192.168.1.10/24`); `None` for
    /// `?` (unbound DHCP). An ADDR printed without a prefix is read as a
    /// host address (`/32`, `/128`).
    pub addr: Option<IpNet>,
}

impl Addr {
    /// The address without its prefix length.
    pub fn ip(&self) -> Option<IpAddr> {
        self.addr.map(|n| n.addr())
    }

    /// Whether the address sits on a loopback interface (`lo0`, `lo1` …).
    pub fn is_loopback(&self) -> bool {
        self.ip().is_some_and(|ip| ip.is_loopback()) || self.interface.starts_with("lo")
    }
}

/// Reads `ADDR`: `?` or empty (not bound), or `ADDRESS[/PREFIX]`.
fn parse_addr(text: &str, span: Span) -> Result<Option<IpNet>, FieldError> {
    if text == "?" || text.is_empty() {
        return Ok(None);
    }
    let (ip_text, prefix) = match text.split_once('/') {
        Some((ip, p)) => (ip, Some(p)),
        None => (text, None),
    };
    let ip = ip_text
        .parse::<IpAddr>()
        .map_err(|_| FieldError::new("ADDR", span, format!("'{ip_text}' is not an IP address")))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix_len = match prefix {
        None => max,
        Some(p) => match p.parse::<u8>() {
            Ok(n) if n <= max => n,
            _ => {
                return Err(FieldError::new(
                    "ADDR",
                    span,
                    format!("'{p}' is not a prefix length (0–{max})"),
                ));
            }
        },
    };
    IpNet::new(ip, prefix_len)
        .map(Some)
        .map_err(|e| FieldError::new("ADDR", span, e.to_string()))
}

impl FromStr for Addr {
    type Err = FieldError;

    fn from_str(line: &str) -> Result<Self, Self::Err> {
        let values = split_ofmt(line);
        if values.len() != 4 {
            return Err(FieldError::new(
                "row",
                Span::new(0, line.len()),
                format!("found {} field(s), expected {EXPECTED}", values.len()),
            ));
        }
        let (addrobj, obj_span) = &values[0];
        let Some((interface, _)) = addrobj.split_once('/') else {
            return Err(FieldError::new(
                "ADDROBJ",
                *obj_span,
                format!("'{addrobj}' is not INTERFACE/NAME"),
            ));
        };
        if interface.is_empty() {
            return Err(FieldError::new(
                "ADDROBJ",
                *obj_span,
                "the interface name is empty",
            ));
        }
        let addr = parse_addr(&values[3].0, values[3].1)?;
        Ok(Addr {
            addrobj: addrobj.clone(),
            interface: interface.to_owned(),
            kind: values[1].0.clone(),
            state: values[2].0.clone(),
            addr,
        })
    }
}

/// Parses the capture's `ipadm show-addr -p -o addrobj,type,state,addr`.
pub fn parse(text: &str) -> Rows<Addr> {
    parse_lines(text, str::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_v6_and_unbound_dhcp() {
        let rows = parse(
            "lo0/v4:static:ok:127.0.0.1/8\nbaremetal0/v4:static:ok:192.168.31.12/24\n\
             lo0/v6:static:ok:\\:\\:1/128\nnet1/v4:dhcp:down:?\nnet0/v6:addrconf:ok:fe80\\:\\:8\\:20ff\\:fe3b\\:30ca/10\n",
        )
        .into_result().expect("rows");
        let a = &rows[1].value;
        assert_eq!(a.interface, "baremetal0");
        assert_eq!(a.ip(), Some("192.168.31.12".parse().expect("ip")));
        assert_eq!(a.addr, Some("192.168.31.12/24".parse().expect("net")));
        assert_eq!(
            a.addr.map(|n| n.network().to_string()).as_deref(),
            Some("192.168.31.0")
        );
        assert!(!a.is_loopback());
        assert_eq!(rows[2].value.ip(), Some("::1".parse().expect("ip")));
        assert!(rows[2].value.is_loopback());
        assert_eq!(rows[3].value.addr, None);
        assert_eq!(rows[4].value.addr.map(|n| n.prefix_len()), Some(10));
        // Without a prefix: a host address.
        let a: Addr = "net0/v4:static:ok:10.0.0.1".parse().expect("row");
        assert_eq!(a.addr.map(|n| n.prefix_len()), Some(32));
    }

    #[test]
    fn unescaped_v6_is_a_field_count_error() {
        let errs = parse("lo0/v4:static:ok:127.0.0.1/8\nlo0/v6:static:ok:::1/128\n")
            .into_result()
            .expect_err("bad");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 2);
        assert!(
            errs[0].message.contains("found 6 field(s)"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn bad_address_and_prefix() {
        let e = "net0/v4:static:ok:192.168.1.300/24"
            .parse::<Addr>()
            .expect_err("bad ip");
        assert_eq!((e.field, e.span), ("ADDR", Span::new(18, 34)));
        let e = "net0/v4:static:ok:10.0.0.1/33"
            .parse::<Addr>()
            .expect_err("bad prefix");
        assert!(e.message.contains("prefix"), "{}", e.message);
        let e = "net0:static:ok:10.0.0.1/8"
            .parse::<Addr>()
            .expect_err("no slash");
        assert_eq!(e.field, "ADDROBJ");
    }
}
