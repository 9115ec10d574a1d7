//! Why some findings are left to a person: the rules no mechanical step
//! repairs, with what to do instead, and findings that are about no zone
//! this command repairs.

use super::findings::Found;
use crate::step::Unfixable;

/// Findings of rules outside house rules 4-6 and 8-11.
pub(super) const OUTSIDE_RULES: &str = "outside what zgen repairs (house rules 4-6 and 8-11 on a zone's network, datasets and accounts)";

/// Why a rule's findings are never repaired mechanically, or `None` when
/// `intake` may have a repair for them.
pub(super) fn never_mechanical(rule: &str) -> Option<&'static str> {
    Some(match rule {
        "Z05 link-name-invalid" => {
            "the zone's name cannot form VNIC names: the zone needs a new name, and its zonepath and datasets follow the name (a move with zmigrate)"
        }
        "Z05 index-gap" => {
            "left as is: renaming a VNIC renames the datalink inside the zone, which breaks its IP configuration for a cosmetic gain"
        }
        "Z06 mac-slot" => {
            "left as is: zone IDs change across reboots, so a MAC block other than the current ID's is expected"
        }
        "Z08 zonepath" => {
            "a zonepath cannot be changed in place: move the zone to the right zonepath (zmigrate)"
        }
        "Z09 zonepath-dataset" => {
            "the zone's files live in another dataset: moving them into the zonepath dataset is a move (zmigrate)"
        }
        _ => return None,
    })
}

/// A finding about no zone whose configuration was read: about the GZ
/// itself, or about a zone whose configuration did not parse.
pub(super) fn outside_zones(f: &Found<'_>) -> Unfixable {
    f.unfixable(match f.diag.zone() {
        None => "a finding about the global zone itself: zgen repairs zones; change the GZ by hand",
        Some(_) => {
            "the zone's configuration could not be read, so nothing can be repaired mechanically"
        }
    })
}
