//! The site policy (`zrules.yaml`): parameters of the house rules, selection,
//! severity overrides and per-zone exceptions.
//!
//! Defaults reproduce the write-up the house rules come from, so a site that
//! follows it needs no policy file at all. Parsing goes through serde-saphyr
//! with unknown keys refused, so a misspelt key is an error with its line
//! rather than a silently ignored setting.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::mac::MacPrefix;

/// The policy file's name, looked for in the current directory and its parents.
pub const FILE_NAME: &str = "zrules.yaml";

/// All parameters of the checks. Every field has the write-up's default.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// First three MAC octets (rule 6).
    #[serde(deserialize_with = "de_prefix")]
    pub mac_prefix: MacPrefix,
    /// Where zonepaths live (rule 8).
    pub zones_root: String,
    /// The dataset mounted at `zones_root` (rule 9).
    pub zones_dataset: String,
    /// Data pools that may be delegated to zones (rule 10).
    pub data_pools: Vec<String>,
    /// Where local homes live (rule 11).
    pub home_root: String,
    /// UIDs of local login accounts (rule 11), inclusive.
    pub uid_range: [u32; 2],
    /// The package group every NGZ is installed from (rule 1).
    pub zone_base_group: String,
    /// NGZ packages counted as bloat (rule 1), as globs.
    pub zone_package_deny: Vec<String>,
    /// GZ packages counted as applications (rule 2), as globs.
    pub gz_package_deny: Vec<String>,
    /// GZ packages allowed even when they match `gz_package_deny`.
    pub gz_package_allow: Vec<String>,
    /// Basename of the GZ's own VNICs; default the GZ's nodename (rule 5).
    pub gz_vnic_basename: Option<String>,
    /// The interface (e.g. `net0`) or address object (`net0/v4`) whose IPv4
    /// address is the GZ's primary (rule 6); needed when there are several.
    pub primary_interface: Option<String>,
    /// Services that must not depend on autofs (rule 11).
    pub autofs_free_services: Vec<String>,
    /// Run only these codes or `code check` pairs (empty: all).
    pub select: Vec<String>,
    /// Never report these codes or `code check` pairs.
    pub ignore: Vec<String>,
    /// Severity overrides, keyed by code (`Z05`) or `code check` (`Z06 mac-slot`).
    pub severity: BTreeMap<String, Severity>,
    /// Findings at or above this level make `zrules check` exit 1.
    pub fail_level: Severity,
    /// Accepted deviations, each with the reason a reviewer agreed to.
    pub exceptions: Vec<Exception>,
}

/// One accepted deviation.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// The zone it applies to (`global` for the GZ's own findings).
    pub zone: String,
    /// Restrict to one host capture; all hosts when absent.
    #[serde(default)]
    pub host: Option<String>,
    /// Codes (`Z06`) or `code check` pairs (`Z06 mac-slot`).
    pub rules: Vec<String>,
    /// Why this is acceptable. Required: an exception nobody can explain is a finding.
    pub reason: String,
}

fn de_prefix<'de, D: serde::Deserializer<'de>>(d: D) -> Result<MacPrefix, D::Error> {
    let s = String::deserialize(d)?;
    s.parse().map_err(serde::de::Error::custom)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            mac_prefix: MacPrefix::DEFAULT,
            zones_root: "/zones".into(),
            zones_dataset: "rpool/zones".into(),
            data_pools: strings(&["pool1", "pool2", "pool3", "pool4"]),
            home_root: "/local/home".into(),
            uid_range: [100, 59999],
            zone_base_group: "group/system/solaris-small-server".into(),
            zone_package_deny: strings(&["documentation/*", "*/documentation", "system/manual*"]),
            gz_package_deny: strings(&[
                "web/*",
                "database/*",
                "developer/*",
                "desktop/*",
                "x11/*",
                "gnome/*",
                "service/network/samba",
                "service/network/ftp",
                "service/file-system/smb",
                "service/file-system/nfs",
            ]),
            gz_package_allow: Vec::new(),
            gz_vnic_basename: None,
            primary_interface: None,
            autofs_free_services: strings(&[
                "svc:/network/ssh:default",
                "svc:/system/system-log:default",
                "svc:/network/smtp:sendmail",
            ]),
            select: Vec::new(),
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            fail_level: Severity::Warning,
            exceptions: Vec::new(),
        }
    }
}

impl Policy {
    /// `{zones_root}/{zone}`
    pub fn zonepath(&self, zone: &str) -> String {
        format!("{}/{zone}", self.zones_root.trim_end_matches('/'))
    }

    /// `{zones_dataset}/{zone}`
    pub fn zone_dataset(&self, zone: &str) -> String {
        format!("{}/{zone}", self.zones_dataset)
    }

    /// `{home_root}/{user}`
    pub fn home(&self, user: &str) -> String {
        format!("{}/{user}", self.home_root.trim_end_matches('/'))
    }
}
