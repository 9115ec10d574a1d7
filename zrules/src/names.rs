//! The naming rules of zones, datalinks, datasets and hosts.
//!
//! Names end up as arguments of `zonecfg`, `dladm`, `zfs` and `ssh`, so every
//! crate validates them here before building a command. The rules follow the
//! system libraries, not taste: `zonecfg_validate_zonename()` in libzonecfg
//! and `dladm_valid_linkname()` in libdladm (see
//! `docs/solaris-commands.md` and `docs/house-rules.md`, Z05).

use std::fmt;

/// What kind of name was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    Zone,
    Link,
    Dataset,
    Host,
    User,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameKind::Zone => "zone name",
            NameKind::Link => "datalink name",
            NameKind::Dataset => "dataset name",
            NameKind::Host => "host name",
            NameKind::User => "user name",
        })
    }
}

/// A name that cannot be used, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} '{name}': {reason}")]
pub struct NameError {
    pub kind: NameKind,
    pub name: String,
    pub reason: String,
}

fn fail(kind: NameKind, name: &str, reason: impl Into<String>) -> NameError {
    NameError {
        kind,
        name: name.to_owned(),
        reason: reason.into(),
    }
}

/// Longest zone name: `ZONENAME_MAX` (64) counts the terminating NUL.
pub const ZONENAME_MAX_CHARS: usize = 63;
/// Longest datalink name: `MAXLINKNAMELEN` (32) counts the terminating NUL.
pub const LINKNAME_MAX_CHARS: usize = 31;
/// Longest dataset name: `ZFS_MAX_DATASET_NAME_LEN` (256) counts the NUL.
pub const DATASET_MAX_CHARS: usize = 255;

/// A zone name as `zonecfg_validate_zonename()` accepts it: 1–63 characters,
/// first alphanumeric, then alphanumerics, `-`, `_`, `.`; not `global`, and
/// not starting with the reserved `SUNW`.
pub fn validate_zone_name(name: &str) -> Result<(), NameError> {
    let k = NameKind::Zone;
    let Some(first) = name.chars().next() else {
        return Err(fail(k, name, "it is empty"));
    };
    if name.len() > ZONENAME_MAX_CHARS {
        return Err(fail(
            k,
            name,
            format!("it is longer than {ZONENAME_MAX_CHARS} characters"),
        ));
    }
    if !first.is_ascii_alphanumeric() {
        return Err(fail(k, name, "it must start with a letter or digit"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(fail(
            k,
            name,
            format!(
                "'{}' is not allowed (letters, digits, '-', '_', '.')",
                c.escape_default()
            ),
        ));
    }
    if name == "global" {
        return Err(fail(k, name, "'global' is the global zone's name"));
    }
    if name.starts_with("SUNW") {
        return Err(fail(k, name, "names starting with SUNW are reserved"));
    }
    Ok(())
}

/// A datalink name as `dladm_valid_linkname()` accepts it on both Solaris 11
/// and illumos: letters, digits and `_`, not starting with a digit, ending
/// in a digit (the PPA), at most 31 characters. (Newer illumos also takes
/// `.`; Solaris does not, so it is refused here.)
pub fn validate_link_name(name: &str) -> Result<(), NameError> {
    let k = NameKind::Link;
    let Some(first) = name.chars().next() else {
        return Err(fail(k, name, "it is empty"));
    };
    if name.len() > LINKNAME_MAX_CHARS {
        return Err(fail(
            k,
            name,
            format!("it is longer than {LINKNAME_MAX_CHARS} characters (MAXLINKNAMELEN)"),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(fail(
            k,
            name,
            format!(
                "'{}' is not allowed (letters, digits, '_')",
                c.escape_default()
            ),
        ));
    }
    if first.is_ascii_digit() {
        return Err(fail(k, name, "it must not start with a digit"));
    }
    if !name.ends_with(|c: char| c.is_ascii_digit()) {
        return Err(fail(k, name, "it must end with a digit"));
    }
    Ok(())
}

/// The index of a VNIC named `{base}{n}` (house rule 5): `www0` → 0,
/// `www12` → 12; `None` for any other name, including a leading zero
/// (`www01`), which would let two names share an index.
pub fn vnic_index(base: &str, link: &str) -> Option<u32> {
    let digits = link.strip_prefix(base)?;
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    digits.parse().ok()
}

/// The VNIC name rule 5 gives zone (or GZ basename) `base` for index `n`,
/// validated as a datalink name.
pub fn vnic_name(base: &str, index: u32) -> Result<String, NameError> {
    let name = format!("{base}{index}");
    validate_link_name(&name)?;
    Ok(name)
}

/// A ZFS dataset name: `/`-separated components of letters, digits and
/// `_ - : .`, the pool (first component) starting with a letter, no empty
/// component, at most 255 characters. Snapshots (`@`) are not datasets here.
pub fn validate_dataset_name(name: &str) -> Result<(), NameError> {
    let k = NameKind::Dataset;
    if name.is_empty() {
        return Err(fail(k, name, "it is empty"));
    }
    if name.len() > DATASET_MAX_CHARS {
        return Err(fail(
            k,
            name,
            format!("it is longer than {DATASET_MAX_CHARS} characters"),
        ));
    }
    for (i, comp) in name.split('/').enumerate() {
        if comp.is_empty() {
            return Err(fail(
                k,
                name,
                "it has an empty component (leading, trailing or double '/')",
            ));
        }
        if let Some(c) = comp
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.')))
        {
            return Err(fail(
                k,
                name,
                format!(
                    "'{}' is not allowed (letters, digits, '_', '-', ':', '.')",
                    c.escape_default()
                ),
            ));
        }
        if i == 0 && !comp.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(fail(k, name, "the pool name must start with a letter"));
        }
        if comp == "." || comp == ".." {
            return Err(fail(k, name, "'.' and '..' are not dataset names"));
        }
    }
    Ok(())
}

/// A host as given to ssh: a DNS name, an ssh config alias or an IPv4
/// address. Never starts with `-` (it would be read as an ssh option).
pub fn validate_host_name(name: &str) -> Result<(), NameError> {
    let k = NameKind::Host;
    if name.is_empty() {
        return Err(fail(k, name, "it is empty"));
    }
    if name.starts_with('-') {
        return Err(fail(
            k,
            name,
            "it starts with '-' and would be read as an option",
        ));
    }
    if name.len() > 253 {
        return Err(fail(k, name, "it is longer than 253 characters"));
    }
    // `.` and `..` are no host, and as `DIR/HOST` of a fleet's captures
    // they would name the directory itself or its parent.
    if name.bytes().all(|b| b == b'.') {
        return Err(fail(k, name, "it is made of dots only"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    {
        return Err(fail(
            k,
            name,
            format!(
                "'{}' is not allowed (letters, digits, '-', '.', '_')",
                c.escape_default()
            ),
        ));
    }
    Ok(())
}

/// Longest login name on Solaris 11: `LOGNAME_MAX` (32).
pub const LOGNAME_MAX: usize = 32;

/// A login name as given to `ssh -l`: passwd(4)'s characters (letters,
/// digits, `.`, `_`, `-`), the first not a `-` (it would be read as an
/// option; POSIX XBD 3.437 "User Name" says the same), at most
/// [`LOGNAME_MAX`] characters.
pub fn validate_user_name(name: &str) -> Result<(), NameError> {
    let k = NameKind::User;
    if name.is_empty() {
        return Err(fail(k, name, "it is empty"));
    }
    if name.starts_with('-') {
        return Err(fail(
            k,
            name,
            "it starts with '-' and would be read as an option",
        ));
    }
    if name.chars().count() > LOGNAME_MAX {
        return Err(fail(
            k,
            name,
            format!("it is longer than {LOGNAME_MAX} characters"),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    {
        return Err(fail(
            k,
            name,
            format!(
                "'{}' is not allowed (letters, digits, '-', '.', '_')",
                c.escape_default()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vnic_indices() {
        assert_eq!(vnic_index("www", "www0"), Some(0));
        assert_eq!(vnic_index("www", "www12"), Some(12));
        assert_eq!(vnic_index("www", "www01"), None);
        assert_eq!(vnic_index("www", "wwwx0"), None);
        assert_eq!(vnic_index("www", "www"), None);
        assert_eq!(vnic_index("www", "db0"), None);
    }

    #[test]
    fn zone_names() {
        for ok in ["www", "a", "web-01", "db_2.prod", "9lives"] {
            assert!(validate_zone_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-x",
            "global",
            "SUNWdefault",
            "a b",
            "a/b",
            &"x".repeat(64),
        ] {
            assert!(validate_zone_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn link_names() {
        for ok in ["www0", "net0", "a_b12", &format!("{}0", "x".repeat(30))] {
            assert!(validate_link_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "www",
            "0www0",
            "web-010",
            "a.b0",
            &format!("{}0", "x".repeat(31)),
        ] {
            assert!(validate_link_name(bad).is_err(), "{bad}");
        }
        assert!(vnic_name("web-01", 0).is_err());
        assert_eq!(vnic_name("www", 1).expect("name"), "www1");
    }

    #[test]
    fn dataset_names() {
        for ok in ["rpool/zones/www", "pool1/www/pool1", "rpool"] {
            assert!(validate_dataset_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/rpool",
            "rpool/",
            "rpool//x",
            "1pool/x",
            "rpool/a b",
            "rpool/x;rm",
            "rpool/x@snap",
        ] {
            assert!(validate_dataset_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn host_names() {
        assert!(validate_host_name("gz-a").is_ok());
        assert!(validate_host_name("10.0.0.1").is_ok());
        assert!(validate_host_name("-oProxyCommand=x").is_err());
        assert!(validate_host_name("a b").is_err());
        assert!(validate_host_name("root@x").is_err());
        for dots in [".", ".."] {
            assert!(validate_host_name(dots).is_err(), "{dots}");
        }
        assert!(validate_host_name("a..b").is_ok());
    }

    #[test]
    fn user_names() {
        for ok in ["root", "zoneadmin", "svc_1.a-b"] {
            assert!(validate_user_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-oX", "a b", "root@x", "a;b", &"x".repeat(33)] {
            assert!(validate_user_name(bad).is_err(), "{bad}");
        }
    }
}
