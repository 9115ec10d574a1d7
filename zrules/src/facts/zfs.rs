//! `zfs list -H` and `zfs get -H`: tab-separated dataset facts.
//!
//! With `-H` zfs prints no header and separates fields by a single tab
//! (zfs(1M), "-H: Used for scripting mode"); a value that does not apply is
//! `-`. Values may contain spaces (a SOURCE of `inherited from rpool/a`),
//! never tabs, so splitting on tabs is exact. `zfs get` is run without `-t`
//! because Solaris 11's `zfs get` has no such option (only illumos added it,
//! illumos issue 1936): snapshots and volumes then show `-` for the share
//! properties. On Solaris 11.1 and later the share properties may be named
//! `share.nfs`/`share.smb` (with `sharenfs`/`sharesmb` as aliases); rows keep
//! whatever property name zfs printed.

use std::str::FromStr;

use super::{FieldError, Rows, parse_lines, split_plain};
use crate::span::Span;

/// What a capture's `zfs list` line looks like, for error messages.
pub const EXPECTED_LIST: &str = "3 tab-separated fields (name, mountpoint, mounted)";
/// What a capture's `zfs get` line looks like, for error messages.
pub const EXPECTED_GET: &str = "4 tab-separated fields (name, property, value, source)";

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

impl ZfsProp {
    /// Whether this row turns NFS or SMB sharing on: a share property
    /// (`sharenfs`, `sharesmb`, `share.nfs`, `share.smb`) whose value is
    /// neither `off` nor `-`. (`sharenfs=rw=@10.0.0.0/8` shares as much as
    /// `on` does.)
    pub fn shares(&self) -> bool {
        matches!(
            self.property.as_str(),
            "sharenfs" | "sharesmb" | "share.nfs" | "share.smb"
        ) && !matches!(self.value.as_str(), "off" | "-" | "")
    }
}

fn tab_fields<'a>(
    line: &'a str,
    n: usize,
    expected: &str,
) -> Result<Vec<(&'a str, Span)>, FieldError> {
    let fields = split_plain(line, '\t');
    if fields.len() != n {
        return Err(FieldError::new(
            "row",
            Span::new(0, line.len()),
            format!("found {} field(s), expected {expected}", fields.len()),
        ));
    }
    if let Some((_, span)) = fields.iter().find(|(v, _)| v.is_empty()) {
        return Err(FieldError::new(
            "row",
            *span,
            format!("empty field, expected {expected}"),
        ));
    }
    Ok(fields)
}

impl FromStr for Dataset {
    type Err = FieldError;

    fn from_str(line: &str) -> Result<Self, Self::Err> {
        let f = tab_fields(line, 3, EXPECTED_LIST)?;
        let mounted = match f[2].0 {
            "yes" => true,
            "no" | "-" => false,
            other => {
                return Err(FieldError::new(
                    "MOUNTED",
                    f[2].1,
                    format!("'{other}' is not yes, no or -"),
                ));
            }
        };
        Ok(Dataset {
            name: f[0].0.to_owned(),
            mountpoint: f[1].0.to_owned(),
            mounted,
        })
    }
}

impl FromStr for ZfsProp {
    type Err = FieldError;

    fn from_str(line: &str) -> Result<Self, Self::Err> {
        let f = tab_fields(line, 4, EXPECTED_GET)?;
        Ok(ZfsProp {
            name: f[0].0.to_owned(),
            property: f[1].0.to_owned(),
            value: f[2].0.to_owned(),
            source: f[3].0.to_owned(),
        })
    }
}

/// Parses the capture's `zfs list -H -o name,mountpoint,mounted -t filesystem`.
pub fn parse_list(text: &str) -> Rows<Dataset> {
    parse_lines(text, str::parse)
}

/// Parses the capture's `zfs get -H -o name,property,value,source sharenfs,sharesmb`.
pub fn parse_get(text: &str) -> Rows<ZfsProp> {
    parse_lines(text, str::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_rows() {
        let rows =
            parse_list("rpool\t/rpool\tyes\nrpool/ROOT\tlegacy\tno\nrpool/zones\t/zones\tyes\n")
                .into_result()
                .expect("rows");
        assert_eq!(rows.len(), 3);
        assert!(!rows[1].value.mounted);
        assert_eq!(rows[2].value.mountpoint, "/zones");
        assert_eq!(rows[2].span, Span::new(38, 60));
    }

    #[test]
    fn space_aligned_human_output_is_rejected_with_its_line() {
        let errs = parse_list(
            "rpool\t/rpool\tyes\nmyzones                  314K  78.3G    33K  /myzones\n",
        )
        .into_result()
        .expect_err("human");
        assert_eq!(errs[0].line, 2);
        assert!(errs[0].message.contains("found 1 field(s)"));
    }

    #[test]
    fn bad_mounted_value() {
        let e = "rpool\t/rpool\tmaybe"
            .parse::<Dataset>()
            .expect_err("mounted");
        assert_eq!((e.field, e.span), ("MOUNTED", Span::new(13, 18)));
    }

    #[test]
    fn get_rows_with_inherited_source_and_new_names() {
        let rows = parse_get(
            "rpool\tsharenfs\toff\tdefault\n\
             tank/home\tshare.nfs\ton\tlocal\n\
             tank/home/a\tshare.nfs\ton\tinherited from tank/home\n\
             rpool/dump\tsharenfs\t-\t-\n",
        )
        .into_result()
        .expect("rows");
        assert_eq!(rows[2].value.source, "inherited from tank/home");
        let shared: Vec<bool> = rows.iter().map(|r| r.value.shares()).collect();
        assert_eq!(shared, vec![false, true, true, false]);
    }

    #[test]
    fn get_with_three_fields_is_an_error() {
        let errs = parse_get("rpool\tsharenfs\toff\n")
            .into_result()
            .expect_err("short");
        assert_eq!((errs[0].line, errs[0].span), (1, Span::new(0, 18)));
    }
}
