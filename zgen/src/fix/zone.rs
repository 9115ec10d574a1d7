//! One zone under repair: what its findings asked for so far, and where
//! in the zone's texts a finding points. `intake` fills it finding by
//! finding; [`ZoneFix::finish`] turns it into steps once all are in.

use std::collections::{BTreeMap, BTreeSet};

use zrules::facts::HostFacts;
use zrules::policy::Policy;
use zrules::source::Sources;
use zrules::zonecfg::{Resource, ZoneConfig};

use super::findings::Found;
use super::inputs::ZoneItem;
use crate::GenError;
use crate::config::Command;
use crate::host::HostContext;
use crate::step::{Plan, Step, Unfixable};

/// What happens to one `net`/`anet` resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum NetAction {
    /// A new VNIC replaces it (anet, or net over a non-VNIC link).
    Replace { over: String },
    /// Its VNIC is renamed.
    Rename,
}

/// What the findings of one zone ask for.
pub(super) struct ZoneFix<'a> {
    pub(super) zone: &'a str,
    pub(super) config: &'a ZoneConfig,
    /// The configuration's display name: findings about it carry it.
    pub(super) config_file: &'a str,
    pub(super) ctx: &'a HostContext,
    pub(super) facts: Option<&'a HostFacts>,
    pub(super) sources: &'a Sources,
    pub(super) policy: &'a Policy,
    /// Resource index → action.
    pub(super) nets: BTreeMap<usize, (NetAction, Vec<String>)>,
    /// VNICs (current link names) whose MAC must change.
    pub(super) readdress: BTreeMap<String, Vec<String>>,
    pub(super) set_exclusive: Option<String>,
    pub(super) datasets: Vec<Step>,
    pub(super) dataset_cmds: Vec<Command>,
    pub(super) pools_done: BTreeSet<String>,
    pub(super) aliases: BTreeMap<String, String>,
    pub(super) users: BTreeMap<String, String>,
    /// home-dataset findings: repaired only if the home moves too.
    pub(super) home_datasets: Vec<(String, Unfixable)>,
    pub(super) autofs: BTreeSet<&'static str>,
    pub(super) unfixable: Vec<Unfixable>,
    pub(super) notes: Vec<String>,
}

impl<'a> ZoneFix<'a> {
    pub(super) fn new(
        z: &'a ZoneItem,
        ctx: &'a HostContext,
        facts: Option<&'a HostFacts>,
        sources: &'a Sources,
        policy: &'a Policy,
    ) -> Self {
        Self {
            zone: &z.name,
            config: &z.config,
            config_file: &z.file,
            ctx,
            facts,
            sources,
            policy,
            nets: BTreeMap::new(),
            readdress: BTreeMap::new(),
            set_exclusive: None,
            datasets: Vec::new(),
            dataset_cmds: Vec::new(),
            pools_done: BTreeSet::new(),
            aliases: BTreeMap::new(),
            users: BTreeMap::new(),
            home_datasets: Vec::new(),
            autofs: BTreeSet::new(),
            unfixable: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The resource a config finding points into.
    pub(super) fn resource_at(&self, f: &Found<'_>) -> Option<(usize, Resource<'a>)> {
        if f.file.as_deref() != Some(self.config_file) {
            return None;
        }
        let span = f.span?;
        self.config.resources().enumerate().find(|(_, r)| {
            let at = r.span();
            at.start <= span.start && span.start < at.end.max(at.start + 1)
        })
    }

    pub(super) fn same_place(&self, loc: zrules::Location, f: &Found<'_>) -> bool {
        f.span == Some(loc.span)
            && f.file.as_deref() == Some(self.sources.get(loc.file).name.as_str())
    }

    /// Whether finding `f` points inside `loc` (a row of a capture file:
    /// findings may underline one field of it, such as the MAC).
    fn within(&self, loc: zrules::Location, f: &Found<'_>) -> bool {
        f.span
            .is_some_and(|s| loc.span.start <= s.start && s.end <= loc.span.end)
            && f.file.as_deref() == Some(self.sources.get(loc.file).name.as_str())
    }

    /// The zone's VNIC fact a capture finding points at.
    pub(super) fn vnic_at(&self, f: &Found<'_>) -> Option<&'a zrules::facts::Vnic> {
        let vnics = self.facts?.vnics.as_ref()?;
        vnics
            .iter()
            .find(|v| self.within(v.loc, f))
            .map(|v| &v.value)
    }

    /// The account a passwd finding points at.
    pub(super) fn passwd_at(&self, f: &Found<'_>) -> Option<zrules::facts::PasswdEntry<'a>> {
        let sys = &self.facts?.ngz.get(self.zone)?.system;
        sys.passwd
            .as_ref()?
            .iter()
            .find(|e| self.same_place(e.loc, f))
    }

    /// The zone's repairs, once every finding is in.
    pub(super) fn finish(self) -> Result<Plan, GenError> {
        let mut plan = Plan::new(String::new());
        plan.unfixable = self.unfixable.clone();
        // A home-dataset finding is repaired only when the home moves too.
        for (user, u) in &self.home_datasets {
            if !self.users.contains_key(user) {
                plan.unfixable.push(u.clone());
            }
        }
        plan.notes = self.notes.clone();
        if let Some(links) = self.links(&mut plan)? {
            self.write_steps(&links, &mut plan)?;
        }
        Ok(plan)
    }
}
