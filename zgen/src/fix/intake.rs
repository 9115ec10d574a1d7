//! What each finding asks for: the per-rule repairs, recorded on the
//! zone's [`ZoneFix`] until every finding of the zone is in (a VNIC renamed
//! for Z05 may need a new MAC for Z06; a home moved for Z11 home-path makes
//! the home-dataset finding moot). Findings no step can repair are
//! recorded with the reason (see `unfixable`).

use zrules::Severity;

use super::findings::Found;
use super::unfixable;
use super::zone::{NetAction, ZoneFix};
use crate::config::{Block, Command};
use crate::step::Step;
use crate::validate;
use crate::zone::{self, AUTOFS_DEPENDENCIES};

impl ZoneFix<'_> {
    /// Records what finding `f` asks for.
    pub(super) fn finding(&mut self, f: &Found<'_>) {
        let rule = f.rule();
        if let Some(reason) = unfixable::never_mechanical(&rule) {
            self.unfixable.push(f.unfixable(reason));
            return;
        }
        match rule.as_str() {
            "Z04 ip-type" => self.ip_type(f),
            "Z04 anet" => self.anet(f),
            "Z06 mac-not-fixed"
                if self
                    .resource_at(f)
                    .is_some_and(|(_, r)| r.kind().value == "anet") =>
            {
                self.anet(f)
            }
            "Z04 physical-link" => self.physical_link(f),
            "Z05 vnic-name" => self.vnic_name(f),
            "Z06 mac-not-fixed" | "Z06 mac-prefix" | "Z06 mac-ip-bytes" | "Z06 mac-gz-range"
            | "Z06 mac-index" | "Z06 mac-duplicate" => self.mac(f),
            "Z10 pool1-missing" => self.pool1_missing(),
            "Z10 dataset-shape" => self.dataset_shape(f),
            "Z10 dataset-parent" => self.dataset_parent(f),
            "Z11 home-path" => self.home(f, true),
            "Z11 home-dataset" => self.home(f, false),
            "Z11 autofs-dependency" => self.autofs_dependency(f),
            _ => self.unfixable.push(f.unfixable(unfixable::OUTSIDE_RULES)),
        }
    }

    fn ip_type(&mut self, f: &Found<'_>) {
        let shared: Vec<&str> = self
            .config
            .resources_of("net")
            .filter(|r| r.get("address").is_some() || r.get("defrouter").is_some())
            .filter_map(|r| r.simple("physical").map(|p| p.value))
            .collect();
        if self
            .config
            .resources_of("net")
            .any(|r| r.get("address").is_some() || r.get("defrouter").is_some())
        {
            self.unfixable.push(f.unfixable(format!(
                "its net resources ({}) carry shared-IP addresses: an exclusive-IP zone configures its addresses itself (ipadm inside the zone), which needs a person",
                if shared.is_empty() { "without physical=".to_owned() } else { shared.join(", ") }
            )));
        } else {
            self.set_exclusive = Some(f.rule());
        }
    }

    fn net_replace(&mut self, f: &Found<'_>, over: Option<String>) {
        let Some((i, _)) = self.resource_at(f) else {
            self.unfixable
                .push(f.unfixable("the finding does not point at a resource of the configuration"));
            return;
        };
        let over = match over.or_else(|| self.ctx.default_over.clone()) {
            Some(o) => o,
            None => {
                self.unfixable.push(f.unfixable(
                    "the link to create the new VNIC over is unknown: give --over LINK or a host capture",
                ));
                return;
            }
        };
        let entry = self
            .nets
            .entry(i)
            .or_insert((NetAction::Replace { over: over.clone() }, Vec::new()));
        entry.0 = NetAction::Replace { over };
        entry.1.push(f.rule());
    }

    fn anet(&mut self, f: &Found<'_>) {
        let Some((_, r)) = self.resource_at(f) else {
            self.unfixable
                .push(f.unfixable("the finding does not point at an anet resource"));
            return;
        };
        if r.kind().value != "anet" {
            self.unfixable
                .push(f.unfixable("the finding does not point at an anet resource"));
            return;
        }
        // An anet's lower-link is where its automatic VNIC lived; `auto`
        // lets zoneadmd pick one, so fall back to the host's default.
        let lower = r
            .simple("lower-link")
            .map(|l| l.value.to_string())
            .filter(|l| l != "auto");
        self.net_replace(f, lower);
    }

    fn physical_link(&mut self, f: &Found<'_>) {
        if f.diag.severity == Severity::Info {
            self.unfixable.push(f.unfixable(
                "not confirmed to be wrong (no host capture says what the link is): check it with 'dladm show-link' and fix with a capture",
            ));
            return;
        }
        match self.resource_at(f) {
            Some((_, r)) if r.simple("physical").is_some() => self.net_replace(f, None),
            _ => self.unfixable.push(f.unfixable(
                "a net resource without physical= cannot be matched to a link: edit it by hand",
            )),
        }
    }

    fn vnic_name(&mut self, f: &Found<'_>) {
        let Some((i, r)) = self.resource_at(f) else {
            self.unfixable
                .push(f.unfixable("the finding does not point at a net resource"));
            return;
        };
        let Some(phys) = r.simple("physical") else {
            self.unfixable
                .push(f.unfixable("the net resource has no physical="));
            return;
        };
        if self.ctx.vnic(phys.value).is_none() {
            self.unfixable.push(f.unfixable(format!(
                "{} is not known to be a VNIC of this host (no capture lists it): renaming an unknown link could take it from someone else",
                phys.value
            )));
            return;
        }
        let entry = self
            .nets
            .entry(i)
            .or_insert((NetAction::Rename, Vec::new()));
        entry.1.push(f.rule());
    }

    fn mac(&mut self, f: &Found<'_>) {
        let Some(v) = self.vnic_at(f) else {
            self.unfixable.push(
                f.unfixable("the finding does not point at a VNIC of this zone's host capture"),
            );
            return;
        };
        if !self
            .config
            .resources_of("net")
            .any(|r| r.simple("physical").is_some_and(|p| p.value == v.link))
        {
            self.unfixable.push(f.unfixable(format!(
                "{} is not used by a net resource of zone {}",
                v.link, self.zone
            )));
            return;
        }
        self.readdress
            .entry(v.link.clone())
            .or_default()
            .push(f.rule());
    }

    fn pool1_missing(&mut self) {
        let pool = self
            .policy
            .data_pools
            .first()
            .cloned()
            .unwrap_or_else(|| "pool1".to_owned());
        self.add_pool(&pool, true);
    }

    /// Creates what is missing of `{pool}/{zone}/{pool}` and, when asked,
    /// adds the dataset resource.
    fn add_pool(&mut self, pool: &str, add_resource: bool) {
        let Ok((parent, delegated)) = zone::pool_datasets(pool, self.zone) else {
            return;
        };
        if !self.pools_done.insert(format!("{pool}:{add_resource}")) {
            return;
        }
        for ds in [&parent, &delegated] {
            if self.ctx.has_dataset(ds) != Some(true)
                && !self
                    .datasets
                    .iter()
                    .any(|s| s.command.args.last() == Some(ds))
            {
                let why = if *ds == parent {
                    format!(
                        "create {parent}, the GZ-side parent of the zone's {pool} data (rule 10)"
                    )
                } else {
                    format!(
                        "create {delegated}, delegated to the zone as virtual pool {pool} (rule 10)"
                    )
                };
                self.datasets
                    .push(Step::create_dataset(None, ds, None, why));
            }
        }
        if add_resource {
            self.dataset_cmds.push(Command::Add(Block::new(
                "dataset",
                &[("name", &delegated), ("alias", pool)],
            )));
        }
    }

    fn dataset_shape(&mut self, f: &Found<'_>) {
        let Some((_, r)) = self.resource_at(f) else {
            self.unfixable
                .push(f.unfixable("the finding does not point at a dataset resource"));
            return;
        };
        let Some(name) = r.simple("name") else {
            self.unfixable
                .push(f.unfixable("a dataset resource without name= must be edited by hand"));
            return;
        };
        let shape = self
            .policy
            .data_pools
            .iter()
            .find(|p| name.value == format!("{p}/{}/{p}", self.zone));
        match shape {
            Some(pool) => {
                self.aliases.insert(name.value.to_string(), pool.clone());
            }
            None => self.unfixable.push(f.unfixable(format!(
                "the zone's data lives in {}: delegating poolN/{}/poolN instead means copying the data (zfs send/receive) while the zone is down",
                name.value, self.zone
            ))),
        }
    }

    fn dataset_parent(&mut self, f: &Found<'_>) {
        let Some((_, r)) = self.resource_at(f) else {
            self.unfixable
                .push(f.unfixable("the finding does not point at a dataset resource"));
            return;
        };
        let Some(name) = r.simple("name") else { return };
        match self
            .policy
            .data_pools
            .iter()
            .find(|p| name.value == format!("{p}/{}/{p}", self.zone))
        {
            Some(pool) => {
                let pool = pool.clone();
                self.add_pool(&pool, false);
            }
            None => self.unfixable.push(f.unfixable(format!(
                "{} is not of the shape poolN/{}/poolN (see Z10 dataset-shape)",
                name.value, self.zone
            ))),
        }
    }

    fn home(&mut self, f: &Found<'_>, path_wrong: bool) {
        let Some(e) = self.passwd_at(f) else {
            // home-dataset may point at the dataset's zfs-list row instead.
            self.unfixable.push(f.unfixable(
                "the dataset exists but is mounted elsewhere: 'zfs set mountpoint' inside the zone moves it, which a person should time (files in use)",
            ));
            return;
        };
        if validate::validate_user_name(e.name).is_err() {
            self.unfixable.push(f.unfixable(format!(
                "account name '{}' is not safe to pass to usermod",
                e.name
            )));
            return;
        }
        if path_wrong {
            self.users.insert(e.name.to_string(), e.home.to_string());
        } else {
            // The home is at the right path as a plain directory (unless
            // home-path moves it, decided once every finding is in): a
            // dataset cannot be mounted over its files.
            let u = f.unfixable(format!(
                "{} holds {}'s files as a plain directory: move them aside, create the dataset ({}), copy them back (needs a person)",
                self.policy.home(e.name),
                e.name,
                zone::home_dataset(self.policy, e.name).unwrap_or_default()
            ));
            self.home_datasets.push((e.name.to_string(), u));
        }
    }

    fn autofs_dependency(&mut self, f: &Found<'_>) {
        let fmri = self.facts.and_then(|facts| {
            let sys = &facts.ngz.get(self.zone)?.system;
            sys.svc_deps
                .iter()
                .find(|(_, deps)| deps.fmris.iter().any(|d| self.same_place(d.loc, f)))
                .map(|(fmri, _)| fmri.clone())
        });
        match fmri.and_then(|fmri| AUTOFS_DEPENDENCIES.iter().find(|d| d.instance == fmri)) {
            Some(dep) => {
                self.autofs.insert(dep.instance);
            }
            None => self.unfixable.push(f.unfixable(
                "zgen does not know which property group holds this service's autofs dependency: find it with 'svccfg -s FMRI listpg' and remove it with delpg",
            )),
        }
    }
}
