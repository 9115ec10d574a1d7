//! `dladm show-vnic` and `dladm show-link` in parsable mode.
//!
//! Both go through libofmt (`usr/src/lib/libofmt/common/ofmt.c` in
//! illumos-gate): with `-p`, fields are separated by `:` without a header,
//! and when two or more fields are requested every `:` and `\` inside a
//! value is prefixed with `\` (so a MAC prints as `2\:8\:20\:e8\:42\:11`, see
//! `fixtures/real/dladm-show-vnic-p-o-oracle-puppet-providers.txt`). With a
//! single field the value is printed raw. MAC octets are unpadded lower-case
//! hex; [`Mac`] normalises them.
//!
//! Solaris 11 shows a link held by a running zone as `zone/link`; the
//! global zone's own view of the same VNIC (`vnic1`) is listed as well
//! (see `fixtures/real/dladm-show-vnic-borges-cookbook-2.txt`), so a VNIC
//! assigned to a running zone appears twice. [`merge_zone_views`] folds the
//! two rows into one for consumers that count VNICs.

use std::str::FromStr;

use super::{FieldError, Rows, parse_lines};
use crate::mac::{Mac, MacAddrType};
use crate::span::Span;

/// What a capture's `dladm show-vnic` line looks like, for error messages.
pub const EXPECTED_VNIC: &str = "4 colon-separated fields (link:over:macaddress:macaddrtype, `:` inside values escaped as `\\:`)";
/// What a capture's `dladm show-link` line looks like, for error messages.
pub const EXPECTED_LINK: &str = "3 colon-separated fields (link:class:over)";

/// One row of `dladm show-vnic -p -o link,over,macaddress,macaddrtype`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vnic {
    /// Link name without a zone prefix.
    pub link: String,
    /// Solaris 11 shows a link held by a running zone as `zone/link`.
    pub zone: Option<String>,
    pub over: String,
    pub mac: Mac,
    /// Where MACADDRESS stands in its row (byte range within the line), so
    /// a finding about the MAC can underline it rather than the whole row.
    pub mac_span: Span,
    /// MACADDRTYPE (`fixed`, `random`, `factory, slot N`, …);
    /// [`MacAddrType::NotRequested`] when it was not among the fields.
    pub mac_type: MacAddrType,
}

impl Vnic {
    /// The name as dladm printed it (`zone/link` or `link`).
    pub fn qualified_name(&self) -> String {
        qualified(self.zone.as_deref(), &self.link)
    }
}

/// One row of `dladm show-link -p -o link,class,over`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub link: String,
    pub zone: Option<String>,
    /// `phys`, `vnic`, `aggr`, `etherstub`, `vlan`, `iptun`, `part`, `bridge` …
    pub class: String,
    /// Empty for a physical link; the ports of an aggregation (dladm prints
    /// them space-separated in one OVER value).
    pub over: Vec<String>,
}

impl Link {
    /// The name as dladm printed it (`zone/link` or `link`).
    pub fn qualified_name(&self) -> String {
        qualified(self.zone.as_deref(), &self.link)
    }
}

fn qualified(zone: Option<&str>, link: &str) -> String {
    match zone {
        Some(z) => format!("{z}/{link}"),
        None => link.to_owned(),
    }
}

/// Splits `zone/link` (Solaris 11, link held by a running zone) from `link`.
fn split_zone(name: &str) -> (Option<String>, String) {
    match name.split_once('/') {
        Some((zone, link)) => (Some(zone.to_owned()), link.to_owned()),
        None => (None, name.to_owned()),
    }
}

/// Splits one libofmt parsable line into its (unescaped) field values and
/// their spans. `\x` stands for `x` (libofmt escapes only `:` and `\`); a
/// lone backslash at the end of the line is kept literally. Use only when
/// two or more fields were requested: a single field is printed unescaped.
pub fn split_ofmt(line: &str) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut value = String::new();
    let mut start = 0;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, escaped)) => value.push(escaped),
                None => value.push('\\'),
            },
            ':' => {
                out.push((std::mem::take(&mut value), Span::new(start, i)));
                start = i + 1;
            }
            c => value.push(c),
        }
    }
    out.push((value, Span::new(start, line.len())));
    out
}

/// Escapes one value the way libofmt does in multi-field parsable mode
/// (the inverse of [`split_ofmt`]; used by emulators and tests).
pub fn escape_ofmt(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c == ':' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A `dladm show-vnic -o` field name (the illumos and Solaris 11 names; the
/// last column is `VID`, `VIDS` or `IDS` depending on the release).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VnicField {
    Link,
    Over,
    Speed,
    MacAddress,
    MacAddrType,
    /// `VID`/`VIDS`/`IDS`: read and ignored.
    Vid,
}

impl VnicField {
    pub const fn name(self) -> &'static str {
        match self {
            VnicField::Link => "LINK",
            VnicField::Over => "OVER",
            VnicField::Speed => "SPEED",
            VnicField::MacAddress => "MACADDRESS",
            VnicField::MacAddrType => "MACADDRTYPE",
            VnicField::Vid => "VID",
        }
    }
}

/// The fields the capture asks for: `-o link,over,macaddress,macaddrtype`.
pub const CAPTURE_VNIC_FIELDS: [VnicField; 4] = [
    VnicField::Link,
    VnicField::Over,
    VnicField::MacAddress,
    VnicField::MacAddrType,
];

fn parse_vnic_row(line: &str, fields: &[VnicField]) -> Result<Vnic, FieldError> {
    let values = if fields.len() == 1 {
        vec![(line.to_owned(), Span::new(0, line.len()))]
    } else {
        split_ofmt(line)
    };
    if values.len() != fields.len() {
        let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
        return Err(FieldError::new(
            "row",
            Span::new(0, line.len()),
            format!(
                "found {} field(s), expected {} ({})",
                values.len(),
                fields.len(),
                names.join(":")
            ),
        ));
    }
    let get = |want: VnicField| fields.iter().position(|f| *f == want).map(|i| &values[i]);
    let (name, name_span) = get(VnicField::Link).ok_or_else(|| {
        FieldError::new(
            "LINK",
            Span::new(0, line.len()),
            "LINK is not among the requested fields",
        )
    })?;
    if name.is_empty() {
        return Err(FieldError::new(
            "LINK",
            *name_span,
            "the link name is empty",
        ));
    }
    let (mac_text, mac_span) = get(VnicField::MacAddress).ok_or_else(|| {
        FieldError::new(
            "MACADDRESS",
            Span::new(0, line.len()),
            "MACADDRESS is not among the requested fields",
        )
    })?;
    let mac = mac_text
        .parse::<Mac>()
        .map_err(|e| FieldError::new("MACADDRESS", *mac_span, e.to_string()))?;
    let (zone, link) = split_zone(name);
    Ok(Vnic {
        link,
        zone,
        mac_span: *mac_span,
        over: get(VnicField::Over)
            .map(|(v, _)| v.clone())
            .unwrap_or_default(),
        mac,
        mac_type: get(VnicField::MacAddrType)
            .map_or(MacAddrType::NotRequested, |(v, _)| MacAddrType::parse(v)),
    })
}

impl FromStr for Vnic {
    type Err = FieldError;

    /// One line of the capture's 4-field form.
    fn from_str(line: &str) -> Result<Self, Self::Err> {
        parse_vnic_row(line, &CAPTURE_VNIC_FIELDS)
    }
}

/// Parses `dladm show-vnic -p -o F1,F2,…` output for the given field list.
pub fn parse_vnics(text: &str, fields: &[VnicField]) -> Rows<Vnic> {
    parse_lines(text, |line| parse_vnic_row(line, fields))
}

/// Parses the capture's `dladm show-vnic -p -o link,over,macaddress,macaddrtype`.
pub fn parse_vnic_capture(text: &str) -> Rows<Vnic> {
    parse_vnics(text, &CAPTURE_VNIC_FIELDS)
}

impl FromStr for Link {
    type Err = FieldError;

    fn from_str(line: &str) -> Result<Self, Self::Err> {
        let values = split_ofmt(line);
        if values.len() != 3 {
            return Err(FieldError::new(
                "row",
                Span::new(0, line.len()),
                format!("found {} field(s), expected {EXPECTED_LINK}", values.len()),
            ));
        }
        let (name, name_span) = &values[0];
        if name.is_empty() {
            return Err(FieldError::new(
                "LINK",
                *name_span,
                "the link name is empty",
            ));
        }
        let (class, class_span) = &values[1];
        if class.is_empty() {
            return Err(FieldError::new(
                "CLASS",
                *class_span,
                "the link class is empty",
            ));
        }
        let (zone, link) = split_zone(name);
        Ok(Link {
            link,
            zone,
            class: class.clone(),
            over: values[2].0.split_whitespace().map(str::to_owned).collect(),
        })
    }
}

/// Parses the capture's `dladm show-link -p -o link,class,over`.
pub fn parse_links(text: &str) -> Rows<Link> {
    parse_lines(text, str::parse)
}

/// Folds Solaris 11's two views of a VNIC held by a running zone (`vnic1`
/// and `zone1/vnic1`, same link name and MAC) into one, keeping the
/// zone-qualified row because it says which zone holds the link. Rows keep
/// their order; nothing else is dropped (two different VNICs sharing a MAC
/// stay two rows, so a duplicate-MAC check still sees them).
pub fn merge_zone_views<T>(rows: &[T], vnic: impl Fn(&T) -> &Vnic) -> Vec<&T> {
    rows.iter()
        .filter(|row| {
            let v = vnic(row);
            v.zone.is_some()
                || !rows.iter().any(|other| {
                    let o = vnic(other);
                    o.zone.is_some() && o.link == v.link && o.mac == v.mac
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn capture_row_with_zone_prefix() {
        let v: Vnic = r"www/www0:net0:0\:0\:1\:1f\:c\:10:fixed"
            .parse()
            .expect("row");
        assert_eq!(v.zone.as_deref(), Some("www"));
        assert_eq!(v.link, "www0");
        assert_eq!(v.over, "net0");
        assert_eq!(v.mac.to_string(), "00:00:01:1f:0c:10");
        assert_eq!(v.mac_type, MacAddrType::Fixed);
        assert_eq!(v.qualified_name(), "www/www0");
    }

    #[test]
    fn factory_type_keeps_its_comma_and_space() {
        let v: Vnic = r"vnic3:e1000g0:0\:14\:4f\:f9\:9b\:d2:factory, slot 1"
            .parse()
            .expect("row");
        assert_eq!(v.mac_type, MacAddrType::Factory { slot: Some(1) });
    }

    #[test]
    fn bad_mac_is_reported_on_its_field() {
        let e = r"vnic1:net0:2\:8\:20:random"
            .parse::<Vnic>()
            .expect_err("short mac");
        assert_eq!(e.field, "MACADDRESS");
        assert_eq!(e.span, Span::new(11, 19));
    }

    #[test]
    fn unescaped_mac_gives_a_field_count_error() {
        let e = "vnic1:net0:2:8:20:1:2:3:random"
            .parse::<Vnic>()
            .expect_err("unescaped");
        assert_eq!(e.field, "row");
        assert!(e.message.contains("found 9 field(s)"), "{}", e.message);
    }

    #[test]
    fn single_field_output_is_not_unescaped() {
        let rows = parse_vnics("zone1/vnic1\n", &[VnicField::Link])
            .into_result()
            .expect_err("no mac field");
        assert!(rows[0].message.contains("MACADDRESS is not among"));
    }

    #[test]
    fn other_field_lists() {
        let text = r"vnic1:e1000g0:1000:2\:8\:20\:46\:d4\:ba:random:0";
        let fields = [
            VnicField::Link,
            VnicField::Over,
            VnicField::Speed,
            VnicField::MacAddress,
            VnicField::MacAddrType,
            VnicField::Vid,
        ];
        let rows = parse_vnics(text, &fields)
            .into_result()
            .expect("six fields");
        assert_eq!(rows[0].value.mac.to_string(), "02:08:20:46:d4:ba");
        assert_eq!(rows[0].value.mac_type, MacAddrType::Random);
    }

    #[test]
    fn links_with_aggregation_and_empty_over() {
        let links = parse_links("net0:phys:\naggr0:aggr:net2 net3\nzone1/net0:vnic:net0\n")
            .into_result()
            .expect("links");
        assert_eq!(links[0].value.over, Vec::<String>::new());
        assert_eq!(links[1].value.over, vec!["net2", "net3"]);
        assert_eq!(links[2].value.zone.as_deref(), Some("zone1"));
        assert_eq!(links[2].value.class, "vnic");
        let errs = parse_links("net0:phys\n\nnet1::\nnet2:phys:\n")
            .into_result()
            .expect_err("bad rows");
        assert_eq!(errs.iter().map(|e| e.line).collect::<Vec<_>>(), vec![1, 3]);
        assert!(errs[1].message.starts_with("CLASS"), "{}", errs[1].message);
    }

    #[test]
    fn merge_keeps_zone_view_and_distinct_macs() {
        let text = "\
vnic0:vswitch1:2\\:8\\:20\\:d\\:b\\:3b:random
vnic1:vswitch1:2\\:8\\:20\\:ef\\:b6\\:63:random
zone1/vnic1:vswitch1:2\\:8\\:20\\:ef\\:b6\\:63:random
zone1/net0:net0:2\\:8\\:20\\:ac\\:7d\\:b1:random
other:vswitch1:2\\:8\\:20\\:ef\\:b6\\:63:fixed
";
        let rows = parse_vnic_capture(text).into_result().expect("rows");
        let kept: Vec<String> = merge_zone_views(&rows, |r| &r.value)
            .into_iter()
            .map(|r| r.value.qualified_name())
            .collect();
        assert_eq!(kept, vec!["vnic0", "zone1/vnic1", "zone1/net0", "other"]);
    }

    proptest! {
        #[test]
        fn ofmt_split_round_trips(values in proptest::collection::vec("[a-z0-9:\\\\/, ]{0,12}", 2..6)) {
            let line = values.iter().map(|v| escape_ofmt(v)).collect::<Vec<_>>().join(":");
            let split = split_ofmt(&line);
            let got: Vec<String> = split.iter().map(|(v, _)| v.clone()).collect();
            prop_assert_eq!(&got, &values);
            // Each span covers exactly the escaped text of its field.
            for ((_, span), v) in split.iter().zip(&values) {
                prop_assert_eq!(&line[span.range()], escape_ofmt(v));
            }
        }
    }
}
