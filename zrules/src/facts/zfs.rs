//! `zfs list -H` and `zfs get -H`: tab-separated dataset facts.

/// One row of `zfs list -H -o name,mountpoint,mounted -t filesystem`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    pub name: String,
    /// `-`, `legacy`, `none` or a path.
    pub mountpoint: String,
    /// `mounted` is `yes`/`no` (`-` for volumes and snapshots → false).
    pub mounted: bool,
}

/// One row of `zfs get -H -o name,property,value,source`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZfsProp {
    pub name: String,
    pub property: String,
    pub value: String,
    /// `-`, `default`, `local`, `temporary`, `received`, `inherited from X`.
    pub source: String,
}
