//! `ipadm show-addr -p -o addrobj,type,state,addr`.

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
    /// The address without the prefix length; `None` for `?` (unbound DHCP).
    pub ip: Option<std::net::IpAddr>,
    pub prefix_len: Option<u8>,
}
