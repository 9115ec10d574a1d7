//! The order a zone's repairs can run in, written as steps: datasets on
//! the GZ first; then what needs the zone halted (renaming its VNICs and
//! changing their MACs: it holds its links while it runs); the new VNICs;
//! one zonecfg command file with every configuration change (effective at
//! the next boot); and last what runs inside the zone (homes, accounts,
//! autofs dependencies), which needs it running.

use zrules::names::vnic_index;
use zrules::zonecfg::Resource;

use super::links::Links;
use super::zone::ZoneFix;
use crate::GenError;
use crate::config::{self, Block, Command};
use crate::step::{InputFile, Plan, Program, Step, Unfixable};
use crate::vnic::NewVnic;
use crate::zone::{self, AUTOFS_DEPENDENCIES};

impl ZoneFix<'_> {
    /// Appends the zone's repairs to `plan`, in the order they can run.
    pub(super) fn write_steps(&self, links: &Links, plan: &mut Plan) -> Result<(), GenError> {
        let mut zonecfg: Vec<Command> = Vec::new();
        plan.steps.extend(self.datasets.iter().cloned());
        self.halted_steps(links, &mut zonecfg, plan);
        self.new_vnic_steps(links, &mut zonecfg, plan);
        self.config_step(zonecfg, plan)?;
        self.in_zone_steps(plan)
    }

    /// Renames and new MACs, with the `net` resources that follow a rename.
    fn halted_steps(&self, links: &Links, zonecfg: &mut Vec<Command>, plan: &mut Plan) {
        let zone = self.zone;
        for (old, new) in &links.renames {
            plan.push(
                Step::gz(
                    Program::Dladm,
                    &["rename-link", old, new],
                    format!("rename VNIC {old} to {new} (rule 5)"),
                )
                .requires_halted(zone),
            );
            zonecfg.push(Command::Select {
                kind: "net".into(),
                key: ("physical".into(), old.clone()),
                set: vec![("physical".into(), new.clone())],
            });
            plan.notes.push(format!(
                "zone {zone}: inside the zone the datalink {old} is now {new}; move its IP configuration (ipadm) to {new}"
            ));
        }
        for link in links.readdress.keys() {
            let Some(mac) = links.macs.get(link) else {
                continue;
            };
            let m = mac.to_string();
            plan.push(
                Step::gz(
                    Program::Dladm,
                    &["modify-vnic", "-m", &m, link],
                    format!("give {link} the MAC {m} the scheme derives (rule 6)"),
                )
                .requires_halted(zone),
            );
        }
    }

    /// New VNICs, and the resources that move to them.
    fn new_vnic_steps(&self, links: &Links, zonecfg: &mut Vec<Command>, plan: &mut Plan) {
        let zone = self.zone;
        for (i, over, new) in &links.creates {
            let Some(r) = self.config.resource(*i) else {
                continue;
            };
            let Some(&mac) = links.macs.get(new) else {
                continue;
            };
            let v = NewVnic {
                name: new.clone(),
                index: vnic_index(zone, new).unwrap_or(0),
                over: over.clone(),
                mac,
            };
            plan.push(v.step(&format!("replaces {}; rules 4, 5 and 6", describe(r))));
            let old_link = if r.kind().value == "anet" {
                let key = r.simple("linkname").map(|l| l.value.to_string());
                match key.clone() {
                    Some(l) => zonecfg.push(Command::Remove {
                        kind: "anet".into(),
                        key: ("linkname".into(), l),
                    }),
                    None => {
                        // Solaris exports always name an anet's link; a hand-written
                        // one without it can only be removed by type when alone.
                        if self.config.resources_of("anet").count() == 1 {
                            zonecfg.push(Command::RemoveAll("anet".into()));
                        } else {
                            plan.unfixable.push(Unfixable {
                                rule: "Z04 anet".into(),
                                zone: Some(zone.to_owned()),
                                host: self.ctx.name.clone(),
                                message: "anet without linkname".into(),
                                reason: "several anet resources and this one has no linkname to select it by: remove it by hand".into(),
                            });
                        }
                    }
                }
                zonecfg.push(Command::Add(Block::new("net", &[("physical", new)])));
                key.unwrap_or_else(|| "net0".to_owned())
            } else {
                let old = r
                    .simple("physical")
                    .map(|p| p.value.to_string())
                    .unwrap_or_default();
                zonecfg.push(Command::Select {
                    kind: "net".into(),
                    key: ("physical".into(), old.clone()),
                    set: vec![("physical".into(), new.clone())],
                });
                old
            };
            plan.notes.push(format!(
                "zone {zone}: after its next boot the zone sees datalink {new} instead of {old_link}; move its IP configuration (ipadm) to {new}"
            ));
        }
    }

    /// One zonecfg command file with every change to the configuration.
    fn config_step(&self, mut zonecfg: Vec<Command>, plan: &mut Plan) -> Result<(), GenError> {
        let zone = self.zone;
        if self.set_exclusive.is_some() {
            zonecfg.push(Command::Set("ip-type".into(), "exclusive".into()));
        }
        zonecfg.extend(self.dataset_cmds.iter().cloned());
        for (name, pool) in &self.aliases {
            zonecfg.push(Command::Select {
                kind: "dataset".into(),
                key: ("name".into(), name.clone()),
                set: vec![("alias".into(), pool.clone())],
            });
        }
        if !zonecfg.is_empty() {
            let text = config::write(&zonecfg)?;
            let file = format!("{zone}.zonecfg");
            plan.push(
                Step::gz(
                    Program::Zonecfg,
                    &["-z", zone, "-f", &file],
                    format!("update zone {zone}'s configuration (takes effect at its next boot)"),
                )
                .with_input(InputFile {
                    name: file.clone(),
                    text,
                }),
            );
        }
        Ok(())
    }

    /// Homes, accounts and autofs dependencies, inside the zone.
    fn in_zone_steps(&self, plan: &mut Plan) -> Result<(), GenError> {
        let zone = self.zone;
        if !self.users.is_empty() {
            let zone_rpool = format!("{}/{}", self.policy.zone_dataset(zone), zone::ZONE_RPOOL);
            for (ds, mountpoint) in zone::home_root_datasets(self.policy)? {
                let gz_name = format!(
                    "{zone_rpool}{}",
                    ds.strip_prefix(zone::ZONE_RPOOL).unwrap_or(&ds)
                );
                if self.ctx.has_dataset(&gz_name) == Some(true) {
                    continue;
                }
                let purpose = match &mountpoint {
                    Some(mp) => format!("create {ds} mounted at {mp} (rule 11)"),
                    None => format!("create {ds} (rule 11)"),
                };
                plan.push(Step::create_dataset(
                    Some(zone),
                    &ds,
                    mountpoint.as_deref(),
                    purpose,
                ));
            }
            for (user, old_home) in &self.users {
                let ds = zone::home_dataset(self.policy, user)?;
                let home = self.policy.home(user);
                let gz_name = format!(
                    "{zone_rpool}{}",
                    ds.strip_prefix(zone::ZONE_RPOOL).unwrap_or(&ds)
                );
                if self.ctx.has_dataset(&gz_name) != Some(true) {
                    plan.push(Step::create_dataset(
                        Some(zone),
                        &ds,
                        None,
                        format!("create {user}'s home dataset {ds} at {home} (rule 11)"),
                    ));
                    plan.push(Step::in_zone(
                        zone,
                        Program::Chown,
                        &[user, &home],
                        format!("give {user} its new home directory"),
                    ));
                }
                plan.push(Step::in_zone(
                    zone,
                    Program::Usermod,
                    &["-d", &home, user],
                    format!("set {user}'s home to {home} (rule 11)"),
                ));
                plan.notes.push(format!("zone {zone}: {user}'s files stay in {old_home}; copy what is needed into {home}"));
            }
        }
        for dep in AUTOFS_DEPENDENCIES
            .iter()
            .filter(|d| self.autofs.contains(d.instance))
        {
            plan.steps.extend(zone::autofs_steps(zone, dep));
        }
        Ok(())
    }
}

fn describe(r: Resource<'_>) -> String {
    match (r.kind().value, r.simple("linkname"), r.simple("physical")) {
        ("anet", Some(l), _) => format!("anet {}", l.value),
        ("anet", None, _) => "the anet".to_owned(),
        (kind, _, Some(p)) => format!("{kind} over {}", p.value),
        (kind, _, None) => kind.to_owned(),
    }
}
