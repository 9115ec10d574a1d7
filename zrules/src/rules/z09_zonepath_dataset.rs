//! Z09: every zonepath is its own dataset under `{zones_dataset}`.

use super::{HostCx, Sink, ZoneCx, check};
use crate::diagnostic::{Check, Code, Severity};

rule! {
    /// ## What it checks
    /// * `zones-dataset`: the GZ has the dataset `zones_dataset` (default
    ///   `rpool/zones`), mounted at `zones_root` (default `/zones`).
    /// * `zonepath-dataset`: the zone's zonepath is the dataset
    ///   `{zones_dataset}/{zone}`, mounted at the zonepath.
    ///
    /// ## Why
    /// A zone whose root is its own dataset can be snapshotted, sent to
    /// another host and destroyed as one unit: the move procedure relies on
    /// `zfs send -r rpool/zones/www`. A zonepath that is a plain directory,
    /// or a dataset elsewhere, cannot be moved that way.
    ///
    /// ## Example
    /// ```text
    /// rpool/export/zones/www	/export/zones/www	yes
    /// ```
    /// Use instead:
    /// ```text
    /// zfs create -o mountpoint=/zones rpool/zones
    /// ```
    /// and install (or move) the zone with `zonepath=/zones/www`; zoneadm
    /// creates `rpool/zones/www` itself.
    pub(crate) const RULE = RuleDef {
        code: Code::Z09,
        name: "the zonepath is its own dataset under {zones_dataset}",
        checks: &[
            check(Check::ZonesDataset, Severity::Error, "capture: zfs-list"),
            check(Check::ZonepathDataset, Severity::Error, "zone config, capture: zfs-list"),
        ],
        zone: Some(check_zone),
        host: Some(check_host),
        fleet: None,
    };
}

fn check_host(cx: &HostCx<'_>, out: &mut Sink<'_>) {
    let Some(datasets) = cx.facts.datasets.as_ref() else {
        out.skip(Check::ZonesDataset, "the capture has no readable zfs-list");
        return;
    };
    let (name, root) = (&cx.policy.zones_dataset, &cx.policy.zones_root);
    match datasets.iter().find(|d| d.value.name == *name) {
        None => {
            out.emit(
                Check::ZonesDataset,
                datasets.first().map(|d| d.loc),
                format!("the GZ has no dataset {name}"),
            )
            .set_help(format!("zfs create -o mountpoint={root} {name}"));
        }
        Some(d) if d.value.mountpoint != *root => {
            out.emit(
                Check::ZonesDataset,
                Some(d.loc),
                format!(
                    "{name} has mountpoint {}, expected {root}",
                    d.value.mountpoint
                ),
            )
            .set_help(format!("zfs set mountpoint={root} {name}"));
        }
        Some(d) if !d.value.mounted => {
            out.emit(
                Check::ZonesDataset,
                Some(d.loc),
                format!("{name} is not mounted (at {root})"),
            )
            .set_help(format!(
                "zfs mount {name} (if its canmount property is off: zfs set canmount=on {name})"
            ));
        }
        Some(_) => {}
    }
}

fn check_zone(cx: &ZoneCx<'_>, out: &mut Sink<'_>) {
    let Some(datasets) = cx.host.and_then(|h| h.facts.datasets.as_ref()) else {
        out.skip(
            Check::ZonepathDataset,
            "needs the host's zfs-list (a host capture)",
        );
        return;
    };
    let want = cx.policy.zone_dataset(cx.zone);
    let zonepath = cx.config.zonepath();
    let at = Some(zonepath.map_or_else(|| cx.file_start(), |z| cx.loc(z.span)));
    match datasets.iter().find(|d| d.value.name == want) {
        None => {
            out.emit(
                Check::ZonepathDataset,
                at,
                format!("the GZ has no dataset {want} for zone {}", cx.zone),
            )
            .set_help(if zonepath
                    .is_some_and(|z| z.value.trim_end_matches('/') == cx.policy.zonepath(cx.zone))
                {
                    format!(
                        "the dataset mounted at the zonepath must be named {want}: with the zone halted, `zfs list {}` shows it; zfs rename it to {want}",
                        cx.policy.zonepath(cx.zone)
                    )
                } else {
                    format!(
                        "move the zone to zonepath {} so that zoneadm creates {want}",
                        cx.policy.zonepath(cx.zone)
                    )
                });
        }
        Some(d) => {
            if let Some(z) = zonepath
                && d.value.mountpoint != z.value.trim_end_matches('/')
            {
                out.emit(
                    Check::ZonepathDataset,
                    at,
                    format!(
                        "zonepath {} is not dataset {want}, which is mounted at {}",
                        z.value, d.value.mountpoint
                    ),
                )
                .push_related(d.loc, want.clone());
            }
        }
    }
}
