//! The site policy (`zrules.yaml`): parameters of the house rules, selection,
//! severity overrides and per-zone exceptions.
//!
//! Defaults reproduce the write-up the house rules come from, so a site that
//! follows it needs no policy file at all. Parsing goes through serde-saphyr
//! with unknown keys refused, so a misspelt key is an error with its line
//! rather than a silently ignored setting.

use std::collections::BTreeMap;

use serde::Deserialize;

use std::str::FromStr;

use crate::diagnostic::{Check, Code, Severity, UnknownName};
use crate::mac::MacPrefix;

/// The policy file's name, looked for in the current directory and its parents.
pub const FILE_NAME: &str = "zrules.yaml";

/// The policy file for a run started in `start`: `zrules.yaml` there or in
/// the nearest parent, not looking above the repository root (a directory
/// holding `.git`). `exists` answers whether a path exists, so the library
/// itself touches no file system.
pub fn discover(
    start: &std::path::Path,
    exists: impl Fn(&std::path::Path) -> bool,
) -> Option<std::path::PathBuf> {
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if exists(&candidate) {
            return Some(candidate);
        }
        if exists(&dir.join(".git")) {
            break;
        }
    }
    None
}

/// A loaded policy and the file it came from (`None`: the defaults).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    pub policy: Policy,
    pub path: Option<std::path::PathBuf>,
}

/// A policy file that cannot be used. The message names the file as found
/// (`--policy` as given, or the discovered path) and, for a bad setting,
/// its line and column.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read policy {}: {source}", path.display())]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("cannot find the current directory to look for {FILE_NAME}: {0}")]
    CurrentDir(std::io::Error),
    #[error("invalid policy {}{}: {}", path.display(), at(error), error.message)]
    Invalid {
        path: std::path::PathBuf,
        error: PolicyError,
    },
}

fn at(e: &PolicyError) -> String {
    match (e.line, e.column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

/// The policy of a run: `explicit` (`--policy FILE`) when given, else the
/// file [`discover`] finds from the current directory, else the defaults.
/// The one loader of `zrules`, `zgen` and `zmigrate`; `fs` is the file
/// system ([`crate::os::StdFs`] in the binaries).
pub fn load(
    fs: &dyn crate::input::Fs,
    explicit: Option<&std::path::Path>,
) -> Result<Loaded, LoadError> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => {
            let cwd = fs.current_dir().map_err(LoadError::CurrentDir)?;
            discover(&cwd, |p| fs.metadata(p).is_ok())
        }
    };
    let Some(path) = path else {
        return Ok(Loaded {
            policy: Policy::default(),
            path: None,
        });
    };
    let invalid = |message: String| LoadError::Invalid {
        path: path.clone(),
        error: PolicyError {
            line: None,
            column: None,
            message,
        },
    };
    let limit = crate::input::MAX_FILE_SIZE;
    let bytes = fs.read(&path, limit).map_err(|source| LoadError::Read {
        path: path.clone(),
        source,
    })?;
    if bytes.len() as u64 > limit {
        return Err(invalid(format!(
            "larger than the {} MiB limit",
            limit / (1024 * 1024)
        )));
    }
    let text = match crate::input::decode(bytes) {
        Ok(t) => t,
        Err(crate::input::Problem::NotUtf8 { text, offset, .. }) => {
            let lc = crate::span::LineIndex::new(&text).line_col(&text, offset);
            return Err(LoadError::Invalid {
                path,
                error: PolicyError {
                    line: Some(lc.line as u64),
                    column: Some(lc.column as u64),
                    message: "not UTF-8 text".into(),
                },
            });
        }
        Err(other) => return Err(invalid(other.to_string())),
    };
    match Policy::from_yaml(&text) {
        Ok(policy) => Ok(Loaded {
            policy,
            path: Some(path),
        }),
        Err(error) => Err(LoadError::Invalid { path, error }),
    }
}

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
    pub select: Vec<RuleSpec>,
    /// Never report these codes or `code check` pairs.
    pub ignore: Vec<RuleSpec>,
    /// Severity overrides, keyed by code (`Z05`) or `code check` (`Z06 mac-slot`).
    pub severity: BTreeMap<RuleSpec, Severity>,
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
    pub rules: Vec<RuleSpec>,
    /// Why this is acceptable. Required: an exception nobody can explain is a finding.
    #[serde(deserialize_with = "de_reason")]
    pub reason: String,
}

/// A rule code, optionally narrowed to one check: `Z06`, `Z06 mac-slot`
/// (also written `Z06/mac-slot`, or `mac-slot` alone: every check name
/// belongs to one rule). Only codes and checks that exist parse, so a typo
/// in the policy or on the command line is an error, not a no-op.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleSpec {
    pub code: Code,
    pub check: Option<Check>,
}

impl RuleSpec {
    pub fn matches(&self, code: Code, check: Check) -> bool {
        self.code == code && self.check.is_none_or(|c| c == check)
    }
}

impl std::fmt::Display for RuleSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.check {
            Some(c) => write!(f, "{} {c}", self.code),
            None => write!(f, "{}", self.code),
        }
    }
}

/// Why a rule selector (`Z06`, `Z06 mac-slot`, `mac-slot`) names nothing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleSpecError {
    #[error("unknown rule code or check '{0}' (see `zrules rules`)")]
    Unknown(String),
    #[error(transparent)]
    Code(#[from] UnknownName),
    #[error("{code} has no check '{check}' (it has: {known})")]
    NoSuchCheck {
        code: Code,
        check: String,
        known: String,
    },
}

impl FromStr for RuleSpec {
    type Err = RuleSpecError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (code, check) = match s.split_once([' ', '/']) {
            Some((c, k)) => (c, Some(k.trim())),
            None => (s, None),
        };
        // A bare check name, as findings print it (`mac-ip-bytes`).
        if check.is_none() && code.parse::<Code>().is_err() {
            let check: Check = code
                .parse()
                .map_err(|_| RuleSpecError::Unknown(code.to_owned()))?;
            return Ok(RuleSpec {
                code: check.code(),
                check: Some(check),
            });
        }
        let code: Code = code.parse()?;
        let rule = crate::rules::lookup(code);
        let check = match check {
            None => None,
            Some(k) => Some(rule.check_named(k).map(|c| c.slug).ok_or_else(|| {
                RuleSpecError::NoSuchCheck {
                    code,
                    check: k.to_owned(),
                    known: rule
                        .checks
                        .iter()
                        .map(|c| c.slug.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            })?),
        };
        Ok(RuleSpec { code, check })
    }
}

impl<'de> Deserialize<'de> for RuleSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

fn de_reason<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        return Err(serde::de::Error::custom("an exception needs a reason"));
    }
    Ok(s)
}

/// A policy file that cannot be used: the message names the line.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct PolicyError {
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
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
    /// Reads a policy file. Unknown keys, unknown rule codes or checks, bad
    /// MAC prefixes, bad globs and exceptions without a reason are errors
    /// that name their line.
    pub fn from_yaml(text: &str) -> Result<Self, PolicyError> {
        if text.trim().is_empty() {
            return Ok(Policy::default());
        }
        let policy: Policy = serde_saphyr::from_str(text).map_err(|e| {
            let loc = e.location();
            // Without the snippet: serde-saphyr's own rendering repeats
            // `error:` and calls the file `<input>`; the caller names the
            // file and the place, so the message's own trailer goes too.
            let mut message = e.without_snippet().to_string();
            if let Some(l) = loc {
                let trailer = format!(" at line {}, column {}", l.line(), l.column());
                if let Some(m) = message.strip_suffix(&trailer) {
                    message = m.to_owned();
                }
            }
            PolicyError {
                line: loc.map(|l| l.line()),
                column: loc.map(|l| l.column()),
                message,
            }
        })?;
        crate::rules::PolicyGlobs::new(&policy).map_err(|e| PolicyError {
            line: None,
            column: None,
            message: format!("bad package glob: {e}"),
        })?;
        if policy.uid_range[0] > policy.uid_range[1] {
            return Err(PolicyError {
                line: None,
                column: None,
                message: "uid_range: the first UID is above the second".into(),
            });
        }
        Ok(policy)
    }

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
        home_under(&self.home_root, user)
    }
}

/// `{root}/{user}`: where an account's home is under a home root
/// ([`Policy::home`]), for code that keeps the root without the policy.
pub fn home_under(root: &str, user: &str) -> String {
    format!("{}/{user}", root.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_stops_at_the_repository_root() {
        use std::path::{Path, PathBuf};
        let present =
            |set: &'static [&'static str]| move |p: &Path| set.iter().any(|s| Path::new(s) == p);
        let found = discover(Path::new("/r/a/b"), present(&["/r/zrules.yaml", "/r/.git"]));
        assert_eq!(found, Some(PathBuf::from("/r/zrules.yaml")));
        let nearest = discover(
            Path::new("/r/a/b"),
            present(&["/r/zrules.yaml", "/r/a/zrules.yaml"]),
        );
        assert_eq!(nearest, Some(PathBuf::from("/r/a/zrules.yaml")));
        assert_eq!(
            discover(Path::new("/r/a"), present(&["/zrules.yaml", "/r/.git"])),
            None
        );
    }

    #[test]
    fn load_discovers_reads_and_names_the_file() {
        use crate::input::tests::MemFs;
        use std::path::Path;
        // The in-memory file system's current directory is `/`.
        let fs = MemFs::default().file("/zrules.yaml", b"mac_prefix: \"02:00:01\"\n");
        let loaded = load(&fs, None).expect("discovered");
        assert_eq!(loaded.path.as_deref(), Some(Path::new("/zrules.yaml")));
        assert!(loaded.policy.mac_prefix.is_locally_administered());
        let fs = MemFs::default()
            .file("/site.yaml", b"zones_root: /zones\nzone_root: /x\n")
            .file("/latin.yaml", b"# caf\xe9\n");
        let e = load(&fs, Some(Path::new("/site.yaml"))).expect_err("unknown key");
        assert!(
            e.to_string()
                .starts_with("invalid policy /site.yaml:2:1: unknown field `zone_root`"),
            "{e}"
        );
        let e = load(&fs, Some(Path::new("/latin.yaml"))).expect_err("latin-1");
        assert_eq!(
            e.to_string(),
            "invalid policy /latin.yaml:1:6: not UTF-8 text"
        );
        let e = load(&fs, Some(Path::new("/none.yaml"))).expect_err("missing");
        assert!(
            e.to_string().starts_with("cannot read policy /none.yaml"),
            "{e}"
        );
        assert_eq!(
            load(&MemFs::default(), None).expect("defaults").policy,
            Policy::default()
        );
    }

    #[test]
    fn empty_file_is_the_default() {
        assert_eq!(Policy::from_yaml("").expect("empty"), Policy::default());
        assert_eq!(
            Policy::from_yaml("# nothing\n").expect("comment only"),
            Policy::default()
        );
    }

    #[test]
    fn settings_and_specs() {
        let p = Policy::from_yaml(
            "mac_prefix: \"02:00:01\"\nselect: [Z06, \"Z05 vnic-name\"]\nseverity:\n  Z06/mac-slot: warning\n\
             exceptions:\n  - zone: www\n    rules: [Z08]\n    reason: legacy path until the move in March\n",
        )
        .expect("valid");
        assert!(p.mac_prefix.is_locally_administered());
        assert_eq!(p.select[1].to_string(), "Z05 vnic-name");
        assert_eq!(
            p.severity.get(&"Z06 mac-slot".parse().expect("spec")),
            Some(&Severity::Warning)
        );
        assert_eq!(p.exceptions[0].rules[0].code, Code::Z08);
    }

    #[test]
    fn errors_name_the_line() {
        let e = Policy::from_yaml("zones_root: /zones\nzones_rot: /x\n").expect_err("unknown key");
        assert_eq!(e.line, Some(2));
        assert!(
            e.message.contains("unknown field `zones_rot`"),
            "{}",
            e.message
        );
        let e = Policy::from_yaml("ignore: [Z06 mac-colour]\n").expect_err("unknown check");
        assert_eq!(e.line, Some(1));
        assert!(
            e.message.contains("Z06 has no check 'mac-colour'"),
            "{}",
            e.message
        );
        let e =
            Policy::from_yaml("exceptions:\n  - zone: www\n    rules: [Z08]\n    reason: \"\"\n")
                .expect_err("no reason");
        assert_eq!(e.line, Some(4));
        assert!(Policy::from_yaml("exceptions:\n  - zone: www\n    rules: [Z08]\n").is_err());
        assert!(Policy::from_yaml("zone_package_deny: [\"a[\"]\n").is_err());
    }
}
