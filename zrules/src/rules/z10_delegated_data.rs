//! Z10: data lives in datasets delegated to the zone.

use super::{Sink, ZoneCx, check};
use crate::diagnostic::{Check, Code, Severity};

rule! {
    /// ## What it checks
    /// * `pool1-missing`: the zone has a `dataset` resource named
    ///   `pool1/{zone}/pool1` (the first of the policy's `data_pools`).
    /// * `dataset-shape`: every `dataset` resource is `poolN/{zone}/poolN`
    ///   with `alias=poolN`, for a pool of `data_pools` (e.g.
    ///   `pool2/www/pool2`, alias `pool2`).
    /// * `dataset-parent`: the GZ has the parent `poolN/{zone}` of every
    ///   delegated dataset (host capture needed).
    ///
    /// ## Why
    /// Important data never sits in a zone's root pool: a delegated dataset
    /// on a data pool can be snapshotted, replicated and moved on its own,
    /// survives a reinstall of the zone, and is where every operator looks
    /// for it. The parent `poolN/{zone}` stays in the GZ's hands, so the
    /// zone cannot change its quota or destroy its own container.
    ///
    /// ## Example
    /// ```text
    /// add dataset
    /// set name=pool1/wwwdata
    /// end
    /// ```
    /// Use instead (after `zfs create -p pool1/www/pool1`):
    /// ```text
    /// add dataset
    /// set name=pool1/www/pool1
    /// set alias=pool1
    /// end
    /// ```
    pub(crate) const RULE = RuleDef {
        code: Code::Z10,
        name: "data lives in datasets delegated to the zone",
        checks: &[
            check(Check::Pool1Missing, Severity::Error, "zone config"),
            check(Check::DatasetShape, Severity::Error, "zone config"),
            check(Check::DatasetParent, Severity::Error, "zone config, capture: zfs-list"),
        ],
        zone: Some(check_zone),
        host: None,
        fleet: None,
    };
}

fn check_zone(cx: &ZoneCx<'_>, out: &mut Sink<'_>) {
    let zone = cx.zone;
    let pools = &cx.policy.data_pools;
    let first = pools.first().map_or("pool1", String::as_str);
    let want_first = format!("{first}/{zone}/{first}");
    let datasets: Vec<_> = cx.config.resources_of("dataset").collect();
    if !datasets
        .iter()
        .any(|d| d.simple("name").is_some_and(|n| n.value == want_first))
    {
        out.emit(
            Check::Pool1Missing,
            Some(cx.file_start()),
            format!("zone {zone} has no delegated dataset {want_first}"),
        )
        .set_help(format!(
            "zfs create -p {want_first}; then in zonecfg: add dataset; set name={want_first}; set alias={first}; end"
        ));
    }
    let host_datasets = cx.host.and_then(|h| h.facts.datasets.as_ref());
    if host_datasets.is_none() && !datasets.is_empty() {
        out.skip(
            Check::DatasetParent,
            "needs the host's zfs-list (a host capture)",
        );
    }
    for d in datasets {
        let Some(name) = d.simple("name") else {
            out.emit(
                Check::DatasetShape,
                Some(cx.loc(d.kind().span)),
                "dataset resource without name=",
            );
            continue;
        };
        let parts: Vec<&str> = name.value.split('/').collect();
        let pool = parts[0];
        let shaped = parts.len() == 3
            && parts[1] == zone
            && parts[2] == pool
            && pools.iter().any(|p| p == pool);
        if !shaped {
            let suggestion = if pools.iter().any(|p| p == pool) {
                pool
            } else {
                first
            };
            out.emit(
                Check::DatasetShape,
                Some(cx.loc(name.span)),
                format!("delegated dataset {} is not poolN/{zone}/poolN", name.value),
            )
            .set_help(format!(
                "delegate {suggestion}/{zone}/{suggestion} with alias={suggestion} and move the data there"
            ));
            continue;
        }
        match d.simple("alias") {
            Some(a) if a.value == pool => {}
            Some(a) => {
                out.emit(
                    Check::DatasetShape,
                    Some(cx.loc(a.span)),
                    format!(
                        "dataset {} has alias {}, expected {pool}",
                        name.value, a.value
                    ),
                )
                .set_help(format!("set alias={pool}"));
            }
            None => {
                out.emit(
                    Check::DatasetShape,
                    Some(cx.loc(name.span)),
                    format!("dataset {} has no alias; expected alias={pool}", name.value),
                )
                .set_help(format!(
                    "select dataset name={}; set alias={pool}; end",
                    name.value
                ));
            }
        }
        if let Some(hd) = host_datasets {
            let parent = format!("{pool}/{zone}");
            if !hd.iter().any(|x| x.value.name == parent) {
                out.emit(
                    Check::DatasetParent,
                    Some(cx.loc(name.span)),
                    format!(
                        "the GZ has no dataset {parent}, the parent of {}",
                        name.value
                    ),
                )
                .set_help(format!("zfs create -p {}", name.value));
            }
        }
    }
}
