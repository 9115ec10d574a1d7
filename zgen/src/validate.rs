//! Name checks before anything reaches a command.
//!
//! Zone, datalink and dataset names follow the rules in `zrules::names`
//! (one definition, shared with the checks and with zmigrate). This module
//! adds what only the generator needs: the reason a zone cannot name its
//! VNICs, and login names, which become home dataset names and arguments of
//! useradd/usermod.

use zrules::names;
use zrules::policy::Policy;

use crate::GenError;

/// The VNIC name house rule 5 gives zone `zone` for index `n`, or why the
/// zone name cannot form one (a `-`, a leading digit, or too long for
/// MAXLINKNAMELEN).
pub fn zone_vnic_name(zone: &str, index: u32) -> Result<String, GenError> {
    names::validate_zone_name(zone)?;
    let not_linkable = |reason: String| GenError::ZoneNameNotLinkable {
        zone: zone.to_owned(),
        reason,
    };
    let name = names::vnic_name(zone, index).map_err(|e| not_linkable(e.to_string()))?;
    refuse_loopback(&name).map_err(not_linkable)?;
    Ok(name)
}

/// `lo0` is the loopback IP interface of every IP stack, the GZ's and each
/// exclusive-IP zone's (ipadm(1M) lists it as `lo0/v4`); a datalink of
/// that name would clash with it on both sides.
fn refuse_loopback(name: &str) -> Result<(), String> {
    if name == "lo0" {
        return Err(format!("'{name}' is the loopback interface's name"));
    }
    Ok(())
}

/// The VNIC name for the GZ's own basename (policy `gz_vnic_basename`, or
/// its nodename).
pub fn gz_vnic_name(base: &str, index: u32) -> Result<String, GenError> {
    let name = names::vnic_name(base, index)?;
    refuse_loopback(&name).map_err(|reason| {
        GenError::Invalid(format!(
            "GZ VNIC basename '{base}' cannot be used: {reason}"
        ))
    })?;
    Ok(name)
}

/// Longest login name accepted here. Solaris 11 allows longer names than
/// the historical 8 characters; 32 keeps the name usable everywhere a
/// utmpx-based tool prints it (conservative choice).
pub const USER_MAX_CHARS: usize = 32;

/// A login name as passwd(4) describes it: letters, digits, `.`, `_` and
/// `-`, starting with a letter. It also becomes a dataset name component
/// (`rpool/local/home/USER`), which those characters satisfy.
pub fn validate_user_name(name: &str) -> Result<(), GenError> {
    let fail = |reason: &str| GenError::UserName {
        name: name.to_owned(),
        reason: reason.to_owned(),
    };
    let Some(first) = name.chars().next() else {
        return Err(fail("it is empty"));
    };
    if !first.is_ascii_alphabetic() {
        return Err(fail("it must start with a letter"));
    }
    if name.len() > USER_MAX_CHARS {
        return Err(fail("it is longer than 32 characters"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(GenError::UserName {
            name: name.to_owned(),
            reason: format!(
                "'{}' is not allowed (letters, digits, '.', '_', '-')",
                c.escape_default()
            ),
        });
    }
    Ok(())
}

/// The accounts a zone is installed with: illumos' stock `/etc/passwd`
/// (illumos-gate `usr/src/cmd/Adm/sun/passwd`) and the further system
/// accounts a Solaris 11 zone's `/etc/passwd` lists (zfssnap, xvm, mysql,
/// openldap, svctag, netadm, aiuser, dhcpserv, pkg5srv, ocm). All have UIDs
/// below 100 or above 60000, outside any sensible `uid_range`: they exist
/// before zgen runs, so `useradd` would stop the script halfway.
pub const SYSTEM_ACCOUNTS: [&str; 27] = [
    "root", "daemon", "bin", "sys", "adm", "lp", "uucp", "nuucp", "dladm", "netadm", "smmsp",
    "listen", "gdm", "zfssnap", "xvm", "mysql", "openldap", "webservd", "postgres", "svctag",
    "aiuser", "dhcpserv", "pkg5srv", "ocm", "nobody", "noaccess", "nobody4",
];

/// A login account `zgen zone --users` may create: a valid name that is not
/// one of the [`SYSTEM_ACCOUNTS`] every zone already has.
pub fn validate_new_account(name: &str, policy: &Policy) -> Result<(), GenError> {
    validate_user_name(name)?;
    if SYSTEM_ACCOUNTS.contains(&name) {
        let [low, high] = policy.uid_range;
        return Err(GenError::SystemAccount {
            name: name.to_owned(),
            low,
            high,
        });
    }
    Ok(())
}

/// A non-global zone's ID as given on the command line. The global zone's
/// ID is always 0 (`GLOBAL_ZONEID`, zones(5)); every other zone gets a
/// positive one when it boots.
pub fn validate_zone_id(id: u32) -> Result<u32, GenError> {
    if id == 0 {
        return Err(GenError::GlobalZoneId { id });
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_names_that_cannot_name_vnics_are_refused_with_the_reason() {
        assert_eq!(zone_vnic_name("www", 0).expect("www0"), "www0");
        let e = zone_vnic_name("web-01", 0).expect_err("dash");
        assert!(e.to_string().contains("cannot name its VNICs"), "{e}");
        assert!(e.to_string().contains("'-' is not allowed"), "{e}");
        let e = zone_vnic_name("9lives", 0).expect_err("digit");
        assert!(e.to_string().contains("must not start with a digit"), "{e}");
        let e = zone_vnic_name(&"a".repeat(31), 0).expect_err("long");
        assert!(e.to_string().contains("MAXLINKNAMELEN"), "{e}");
        assert!(matches!(
            zone_vnic_name("global", 0),
            Err(GenError::Name(_))
        ));
        let e = zone_vnic_name("lo", 0).expect_err("loopback");
        assert!(e.to_string().contains("loopback"), "{e}");
        assert!(gz_vnic_name("lo", 0).is_err());
        assert_eq!(zone_vnic_name("lo", 1).expect("lo1 is no loopback"), "lo1");
    }

    #[test]
    fn system_accounts_and_zone_ids() {
        let p = Policy::default();
        assert!(validate_new_account("alice", &p).is_ok());
        let e = validate_new_account("root", &p).expect_err("root");
        assert!(e.to_string().contains("uid_range 100-59999"), "{e}");
        assert!(validate_new_account("a b", &p).is_err());
        assert!(validate_zone_id(0).is_err());
        assert_eq!(validate_zone_id(1).expect("1"), 1);
    }

    #[test]
    fn user_names() {
        for ok in ["alice", "bob.smith", "a_b-c1"] {
            assert!(validate_user_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "1x", "-x", "a b", "a:b", "a/b", "x;rm", &"a".repeat(33)] {
            assert!(validate_user_name(bad).is_err(), "{bad}");
        }
    }
}
