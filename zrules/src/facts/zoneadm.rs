//! `zoneadm list -cp`: every configured zone with its state, ID and paths.

/// One row of `zoneadm list -cp`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneEntry {
    /// Kernel zone ID; `None` when the zone is not ready or running (`-`).
    pub id: Option<u32>,
    pub name: String,
    pub state: ZoneState,
    /// Unescaped (`\:` → `:`).
    pub zonepath: String,
    /// Empty before install.
    pub uuid: Option<String>,
    pub brand: String,
    /// `excl` or `shared` as zoneadm prints it.
    pub ip_type: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZoneState {
    Configured,
    Incomplete,
    Installed,
    Ready,
    Mounted,
    Running,
    ShuttingDown,
    Down,
    Unavailable,
    /// Anything else zoneadm prints (kept, e.g. `???`).
    Other(String),
}
