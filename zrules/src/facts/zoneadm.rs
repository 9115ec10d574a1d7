//! `zoneadm list -cp`: every configured zone with its state, ID and paths.
//!
//! The parsable form is one zone per line, fields separated by `:` and read
//! by position, because the field count differs by platform (see
//! `zoneadm.c`'s `zone_print` in illumos-gate and the Solaris 11.2 guide,
//! "Listing Zones"):
//!
//! * 7 fields, old illumos/OpenSolaris:
//!   `zoneid:zonename:state:zonepath:uuid:brand:ip-type`
//! * 8 fields, illumos: `...:ip-type:debugid` (debugid may be empty;
//!   SmartOS prints `shared:` for the global zone)
//! * 9 fields, Solaris 11: `...:ip-type:r/w:file-mac-profile`, e.g.
//!   `0:global:running:/::solaris:shared:-:none` (real sample in
//!   `fixtures/real/zoneadm-list-p-facter-pr-1329.txt`).
//!
//! Further trailing fields are accepted and ignored, so a later release that
//! appends one does not break old captures. Only the zonepath escapes `:`
//! (as `\:`); a backslash is never escaped, so `\` not followed by `:` is a
//! literal backslash. A kernel zone ID of `-` means the zone is not ready or
//! running; the UUID is empty until the zone is installed.

use std::str::FromStr;

use super::{FieldError, Rows, parse_lines};
use crate::span::Span;

/// What a `zoneadm list -cp` line looks like, for error messages.
pub const EXPECTED: &str = "7 to 9 colon-separated fields \
    (zoneid:zonename:state:zonepath:uuid:brand:ip-type[:debugid | :r/w:file-mac-profile])";

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
    /// illumos 8th field; `None` on other layouts, `Some("")` when unset.
    pub debugid: Option<String>,
    /// Solaris 11 8th field `r/w`: `R`, `W` or `-`; `None` elsewhere.
    pub read_write: Option<String>,
    /// Solaris 11 9th field, e.g. `none`, `fixed-configuration`; may be
    /// empty for a configured zone. `None` elsewhere.
    pub file_mac_profile: Option<String>,
}

impl ZoneEntry {
    /// Whether this row is the global zone.
    pub fn is_global(&self) -> bool {
        self.name == "global"
    }
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

impl ZoneState {
    /// The word zoneadm prints (`zone_state_str` in libzonecfg; Solaris 11
    /// adds `unavailable`).
    pub fn as_str(&self) -> &str {
        match self {
            ZoneState::Configured => "configured",
            ZoneState::Incomplete => "incomplete",
            ZoneState::Installed => "installed",
            ZoneState::Ready => "ready",
            ZoneState::Mounted => "mounted",
            ZoneState::Running => "running",
            ZoneState::ShuttingDown => "shutting_down",
            ZoneState::Down => "down",
            ZoneState::Unavailable => "unavailable",
            ZoneState::Other(s) => s,
        }
    }

    /// Reads a state word; never fails (unknown words become [`ZoneState::Other`]).
    pub fn parse(s: &str) -> Self {
        match s {
            "configured" => ZoneState::Configured,
            "incomplete" => ZoneState::Incomplete,
            "installed" => ZoneState::Installed,
            "ready" => ZoneState::Ready,
            "mounted" => ZoneState::Mounted,
            "running" => ZoneState::Running,
            "shutting_down" => ZoneState::ShuttingDown,
            "down" => ZoneState::Down,
            "unavailable" => ZoneState::Unavailable,
            other => ZoneState::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for ZoneState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Splits a `zoneadm list -p` line on unescaped `:`. `\:` becomes `:` (only
/// the zonepath is escaped that way); any other backslash is kept as is,
/// because zoneadm does not escape backslashes.
fn split_fields(line: &str) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut value = String::new();
    let mut start = 0;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some((_, ':'))) => {
                value.push(':');
                chars.next();
            }
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

impl FromStr for ZoneEntry {
    type Err = FieldError;

    fn from_str(line: &str) -> Result<Self, Self::Err> {
        let fields = split_fields(line);
        if fields.len() < 7 {
            return Err(FieldError::new(
                "row",
                Span::new(0, line.len()),
                format!("found {} field(s), expected {EXPECTED}", fields.len()),
            ));
        }
        let (id_text, id_span) = &fields[0];
        let id = match id_text.as_str() {
            "-" => None,
            t => Some(t.parse::<u32>().map_err(|_| {
                FieldError::new(
                    "zoneid",
                    *id_span,
                    format!("'{t}' is neither a zone ID nor '-'"),
                )
            })?),
        };
        let (name, name_span) = &fields[1];
        if name.is_empty() {
            return Err(FieldError::new(
                "zonename",
                *name_span,
                "the zone name is empty",
            ));
        }
        let (state, state_span) = &fields[2];
        if state.is_empty() {
            return Err(FieldError::new("state", *state_span, "the state is empty"));
        }
        let (zonepath, zonepath_span) = &fields[3];
        if !zonepath.starts_with('/') {
            return Err(FieldError::new(
                "zonepath",
                *zonepath_span,
                format!("'{zonepath}' is not an absolute path"),
            ));
        }
        let (ip_type, ip_span) = &fields[6];
        if ip_type.is_empty() {
            return Err(FieldError::new(
                "ip-type",
                *ip_span,
                "the IP type is empty (expected excl or shared)",
            ));
        }
        let field = |i: usize| fields.get(i).map(|(v, _)| v.clone());
        let (debugid, read_write, file_mac_profile) = match fields.len() {
            7 => (None, None, None),
            8 => (field(7), None, None),
            _ => (None, field(7), field(8)),
        };
        Ok(ZoneEntry {
            id,
            name: name.clone(),
            state: ZoneState::parse(state),
            zonepath: zonepath.clone(),
            uuid: Some(fields[4].0.clone()).filter(|u| !u.is_empty()),
            brand: fields[5].0.clone(),
            ip_type: ip_type.clone(),
            debugid,
            read_write,
            file_mac_profile,
        })
    }
}

/// Parses the whole output of `zoneadm list -cp`.
pub fn parse(text: &str) -> Rows<ZoneEntry> {
    parse_lines(text, str::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solaris_nine_fields() {
        let z: ZoneEntry = "-:testzone:installed:/export/zones/testzone:4f3c0b1a-0000-4000-8000-000000000001:solaris:excl:-:fixed-configuration"
            .parse()
            .expect("row");
        assert_eq!(z.id, None);
        assert_eq!(z.state, ZoneState::Installed);
        assert_eq!(z.read_write.as_deref(), Some("-"));
        assert_eq!(z.file_mac_profile.as_deref(), Some("fixed-configuration"));
        assert_eq!(z.debugid, None);
    }

    #[test]
    fn illumos_eight_and_old_seven_fields() {
        let z: ZoneEntry = "3:web:running:/zones/web:abc:ipkg:excl:216"
            .parse()
            .expect("row");
        assert_eq!(
            (z.id, z.debugid.as_deref(), z.read_write),
            (Some(3), Some("216"), None)
        );
        let z: ZoneEntry = "0:global:running:/::native:shared".parse().expect("row");
        assert_eq!((z.uuid, z.debugid, z.file_mac_profile), (None, None, None));
    }

    #[test]
    fn extra_trailing_fields_are_accepted() {
        let z: ZoneEntry = "1:a:running:/zones/a::solaris:excl:-:none:future:more"
            .parse()
            .expect("row");
        assert_eq!(z.file_mac_profile.as_deref(), Some("none"));
    }

    #[test]
    fn only_zonepath_colons_are_unescaped() {
        let z: ZoneEntry = r"-:odd:configured:/zones/a\:b\c::solaris:excl:-:"
            .parse()
            .expect("row");
        assert_eq!(z.zonepath, r"/zones/a:b\c");
        assert_eq!(z.file_mac_profile.as_deref(), Some(""));
    }

    #[test]
    fn states_including_transient_and_unknown() {
        for (word, state) in [
            ("shutting_down", ZoneState::ShuttingDown),
            ("down", ZoneState::Down),
            ("unavailable", ZoneState::Unavailable),
            ("???", ZoneState::Other("???".into())),
        ] {
            let z: ZoneEntry = format!("-:z:{word}:/zones/z::solaris:excl:-:none")
                .parse()
                .expect("row");
            assert_eq!(z.state, state);
            assert_eq!(z.state.as_str(), word);
        }
    }

    #[test]
    fn bad_id_names_the_field_and_its_span() {
        let e = "x1:z:running:/zones/z::solaris:excl"
            .parse::<ZoneEntry>()
            .expect_err("bad id");
        assert_eq!(e.field, "zoneid");
        assert_eq!(e.span, Span::new(0, 2));
        let e = "1:z:running:zones/z::solaris:excl"
            .parse::<ZoneEntry>()
            .expect_err("relative path");
        assert_eq!((e.field, e.span), ("zonepath", Span::new(12, 19)));
    }

    #[test]
    fn elision_line_is_an_error_on_its_line() {
        let text = "0:global:running:/::liveimg:shared:\n...\n";
        let errs = parse(text).into_result().expect_err("elided");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 2);
        assert_eq!(errs[0].span, Span::new(36, 39));
        assert!(
            errs[0].message.contains("found 1 field"),
            "{}",
            errs[0].message
        );
    }

    proptest::proptest! {
        /// zoneadm escapes only the zonepath's colons; any path survives,
        /// except one ending in `\`, which zoneadm's format cannot tell from
        /// an escaped separator.
        #[test]
        fn zonepath_round_trips(path in "/[a-z0-9:\\\\/._-]{0,30}") {
            proptest::prop_assume!(!path.ends_with('\\'));
            let line = format!("-:z:installed:{}:u:solaris:excl:-:none", path.replace(':', "\\:"));
            let z: ZoneEntry = line.parse().map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}")))?;
            proptest::prop_assert_eq!(z.zonepath, path);
        }
    }

    #[test]
    fn empty_output_is_no_zones() {
        assert_eq!(parse("").into_result().expect("empty"), vec![]);
    }
}
