//! `pkg list -H`: installed packages.

/// One row of `pkg list -H`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// FMRI stem without `pkg:/`, e.g. `group/system/solaris-small-server`.
    pub name: String,
    /// Present only when not the first publisher in search order.
    pub publisher: Option<String>,
    pub version: String,
    /// The IFO column, e.g. `i--`, `if-`, `i-o`.
    pub flags: String,
}
