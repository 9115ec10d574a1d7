//! Z08: the zonepath is `{zones_root}/{zone}`.

use super::{Sink, ZoneCx, check};
use crate::diagnostic::{Check, Code, Severity};

rule! {
    /// ## What it checks
    /// The zone's `zonepath` equals the policy's `zones_root` joined with the
    /// zone name: `/zones/www` for zone `www` by default.
    ///
    /// ## Why
    /// Tools, backups and the move procedure find a zone's files by its name
    /// alone; one zone elsewhere breaks every script that assumes the layout.
    /// Solaris 11.2 and later default to `/system/zones/%{zonename}`, so a
    /// zone created without an explicit zonepath lands outside the layout.
    ///
    /// ## Example
    /// ```text
    /// set zonepath=/export/zones/www
    /// ```
    /// Use instead:
    /// ```text
    /// set zonepath=/zones/www
    /// ```
    /// A zonepath cannot be changed in place: move the zone (`zmigrate`).
    pub(crate) const RULE = RuleDef {
        code: Code::Z08,
        name: "the zonepath is {zones_root}/{zone}",
        checks: &[check(Check::Zonepath, Severity::Error, "zone config")],
        zone: Some(check_zone),
        host: None,
        fleet: None,
    };
}

fn check_zone(cx: &ZoneCx<'_>, out: &mut Sink<'_>) {
    let want = cx.policy.zonepath(cx.zone);
    let zp = cx.config.global("zonepath");
    match zp.and_then(|p| Some((p.simple()?, p.from_template()))) {
        Some((p, _)) if p.value.trim_end_matches('/') == want => {}
        Some((p, from_template)) => {
            out.emit(
                Check::Zonepath,
                Some(cx.loc(p.span)),
                format!(
                    "zonepath is {}, expected {want}{}",
                    p.value,
                    super::implied(from_template)
                ),
            )
            .set_help(format!(
                "the zone must live at {want}: move it there (zmigrate), a zonepath cannot change in place"
            ));
        }
        None => {
            out.emit(
                Check::Zonepath,
                Some(cx.file_start()),
                format!("no zonepath is set; expected {want}"),
            )
            .set_help(format!(
                "set zonepath={want} (Solaris 11.2+ would default to /system/zones/{})",
                cx.zone
            ));
        }
    }
}
