//! Naming and addressing the zone's VNICs once every finding is in: which
//! resources get a new VNIC, which VNICs are renamed, which get the MAC
//! the scheme derives, and the one MAC block they all share (house rules 5
//! and 6). Indices already used by VNICs that stay are kept, so a new VNIC
//! takes the lowest free `ZONEn`.

use std::collections::{BTreeMap, BTreeSet};

use zrules::mac::Mac;
use zrules::names::vnic_index;

use super::zone::{NetAction, ZoneFix};
use crate::step::{Plan, Unfixable};
use crate::{GenError, allocate, validate};

/// The zone's VNICs after the repairs.
#[derive(Debug, Default)]
pub(super) struct Links {
    /// `(old link, new name)`: VNICs renamed in place.
    pub(super) renames: Vec<(String, String)>,
    /// `(resource index, link to create over, new name)`: VNICs created to
    /// replace a resource's link.
    pub(super) creates: Vec<(usize, String, String)>,
    /// Link (by its name after renames) → index: VNICs given the MAC the
    /// scheme derives.
    pub(super) readdress: BTreeMap<String, u32>,
    /// The MAC chosen for each created or readdressed VNIC.
    pub(super) macs: BTreeMap<String, Mac>,
}

impl ZoneFix<'_> {
    /// The zone's VNICs after the repairs; `None` when the zone's name
    /// cannot form VNIC names (recorded in `plan.unfixable`).
    pub(super) fn links(&self, plan: &mut Plan) -> Result<Option<Links>, GenError> {
        let Some(mut links) = self.name_links(plan) else {
            return Ok(None);
        };
        self.readdress_in_place(&mut links, plan);
        self.choose_macs(&mut links, plan)?;
        Ok(Some(links))
    }

    /// New names for the resources that get a new or renamed VNIC, and
    /// whether a renamed VNIC's MAC still fits its new index.
    fn name_links(&self, plan: &mut Plan) -> Option<Links> {
        let zone = self.zone;
        // Indices already taken by VNICs that stay as they are.
        let moving: BTreeSet<usize> = self.nets.keys().copied().collect();
        let mut taken: BTreeSet<u32> = self
            .config
            .resources()
            .enumerate()
            .filter(|(i, r)| r.kind().value == "net" && !moving.contains(i))
            .filter_map(|(_, r)| vnic_index(zone, r.simple("physical")?.value))
            .collect();
        let mut next_index = || {
            let n = (0..).find(|n| !taken.contains(n)).unwrap_or(0);
            taken.insert(n);
            n
        };

        let mut links = Links::default();
        for (&i, (action, _rules)) in &self.nets {
            let Some(r) = self.config.resource(i) else {
                continue;
            };
            let index = next_index();
            let new = match validate::zone_vnic_name(zone, index) {
                Ok(n) => n,
                Err(e) => {
                    plan.unfixable.push(Unfixable {
                        rule: "Z05 vnic-name".into(),
                        zone: Some(zone.to_owned()),
                        host: self.ctx.name.clone(),
                        message: format!("zone {zone} cannot name its VNICs"),
                        reason: e.to_string(),
                    });
                    return None;
                }
            };
            match action {
                NetAction::Replace { over } => links.creates.push((i, over.clone(), new)),
                NetAction::Rename => {
                    let old = r
                        .simple("physical")
                        .map(|p| p.value.to_string())
                        .unwrap_or_default();
                    // A renamed VNIC keeps its MAC unless that MAC is off
                    // the scheme for its new index.
                    let keep = self.ctx.vnic(&old).is_some_and(|v| {
                        self.ctx.gz_ip.is_some_and(|ip| {
                            zrules::mac::ngz_block(v.mac, self.policy.mac_prefix, ip, index)
                                .is_some()
                        })
                    });
                    if !keep || self.readdress.contains_key(&old) {
                        links.readdress.insert(new.clone(), index);
                    }
                    links.renames.push((old, new));
                }
            }
        }
        Some(links)
    }

    /// VNICs with a MAC off the scheme that keep their name.
    fn readdress_in_place(&self, links: &mut Links, plan: &mut Plan) {
        let zone = self.zone;
        for link in self.readdress.keys() {
            if links.renames.iter().any(|(old, _)| old == link) {
                continue;
            }
            match vnic_index(zone, link) {
                Some(n) => {
                    links.readdress.insert(link.clone(), n);
                }
                None => plan.unfixable.push(Unfixable {
                    rule: "Z06 mac".into(),
                    zone: Some(zone.to_owned()),
                    host: self.ctx.name.clone(),
                    message: format!("{link} has a MAC off the scheme"),
                    reason: format!("{link} is not named {zone}N, so its index (L mod 16) is unknown; rename it first (Z05)"),
                }),
            }
        }
    }

    /// MACs for every VNIC that gets one, in one block.
    fn choose_macs(&self, links: &mut Links, plan: &mut Plan) -> Result<(), GenError> {
        let zone = self.zone;
        // MACs for every VNIC that gets one, in one block.
        let mut want: Vec<(String, u32)> = links
            .creates
            .iter()
            .map(|(_, _, n)| n.clone())
            .zip(
                links
                    .creates
                    .iter()
                    .map(|(_, _, n)| vnic_index(zone, n).unwrap_or(0)),
            )
            .collect();
        want.extend(links.readdress.iter().map(|(l, &n)| (l.clone(), n)));
        if want.is_empty() {
            return Ok(());
        }
        {
            let exclude: BTreeSet<String> = links
                .renames
                .iter()
                .map(|(o, _)| o.clone())
                .chain(self.readdress.keys().cloned())
                .collect();
            let ip = self.ctx.require_gz_ip()?;
            let mut preferred: Vec<u32> = self.current_block(&exclude).into_iter().collect();
            preferred.extend(self.ctx.zone_ids.get(zone).copied());
            let indices: Vec<u32> = want.iter().map(|(_, n)| *n).collect();
            let a = allocate::allocate_ngz(
                self.policy.mac_prefix,
                ip,
                &self.ctx.macs_in_use,
                &indices,
                &preferred,
            )?;
            for ((link, _), (_, mac)) in want.iter().zip(a.macs) {
                links.macs.insert(link.clone(), mac);
            }
            plan.notes.push(format!(
                "zone {zone}: MAC block {} (L = 16*{} + n) on {}",
                a.block,
                a.block,
                self.ctx.label()
            ));
            if self.facts.is_none() {
                plan.notes.push(format!(
                    "zone {zone}: no host capture, so the MACs already in use on the host are unknown: check 'dladm show-vnic' for {}",
                    links.macs.values().map(Mac::to_string).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The block the zone's VNICs already use correctly, if any.
    fn current_block(&self, exclude: &BTreeSet<String>) -> Option<u32> {
        let ip = self.ctx.gz_ip?;
        self.config
            .resources_of("net")
            .filter_map(|r| r.simple("physical"))
            .filter(|p| !exclude.contains(p.value))
            .find_map(|p| {
                let n = vnic_index(self.zone, p.value)?;
                let v = self.ctx.vnic(p.value)?;
                zrules::mac::ngz_block(v.mac, self.policy.mac_prefix, ip, n)
            })
    }
}
