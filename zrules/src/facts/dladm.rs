//! `dladm show-vnic` and `dladm show-link` in parsable mode.

use crate::mac::Mac;

/// One row of `dladm show-vnic -p -o link,over,macaddress,macaddrtype`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vnic {
    /// Link name without a zone prefix.
    pub link: String,
    /// Solaris 11 shows a link held by a running zone as `zone/link`.
    pub zone: Option<String>,
    pub over: String,
    pub mac: Mac,
    /// `fixed`, `random`, `factory, slot N`, `vrrp, …`, `auto` …
    pub mac_type: String,
}

/// One row of `dladm show-link -p -o link,class,over`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub link: String,
    pub zone: Option<String>,
    /// `phys`, `vnic`, `aggr`, `etherstub`, `vlan`, `iptun`, `part`, `bridge` …
    pub class: String,
    pub over: Vec<String>,
}
