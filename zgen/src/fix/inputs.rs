//! The texts under repair, re-read with `zrules`' own parsers: the same
//! names and the same spans the checks saw, so a finding's location finds
//! the resource or fact it is about.

use zrules::check;
use zrules::facts::HostFacts;
use zrules::policy::Policy;
use zrules::source::Sources;
use zrules::zonecfg::{self, ZoneConfig};

use super::{FixRequest, Overrides};
use crate::host::HostContext;

/// One zone under repair: its configuration and where it came from.
pub(super) struct ZoneItem {
    pub(super) name: String,
    /// Index into [`Inputs::hosts`]; `None` for a configuration file.
    pub(super) host: Option<usize>,
    /// The configuration's display name: findings about it carry it.
    pub(super) file: String,
    pub(super) config: ZoneConfig,
}

/// One host capture, re-read for its facts.
pub(super) struct HostItem {
    pub(super) facts: HostFacts,
    pub(super) ctx: HostContext,
}

/// Every zone and host of the request. A configuration that does not
/// parse is left out: its findings are reported as needing a person.
pub(super) struct Inputs {
    pub(super) sources: Sources,
    pub(super) hosts: Vec<HostItem>,
    pub(super) zones: Vec<ZoneItem>,
    /// The facts given on the command line, for zones without a capture.
    pub(super) bare: HostContext,
}

impl Inputs {
    pub(super) fn read(req: &FixRequest<'_>, policy: &Policy) -> Self {
        let mut sources = Sources::new();
        let mut hosts = Vec::new();
        let mut zones = Vec::new();
        for cap in &req.input.captures {
            let (facts, _) = zrules::capture::load(&cap.host, &cap.files, &mut sources);
            let mut ctx = HostContext::from_facts(&facts, policy);
            apply_overrides(&mut ctx, &req.overrides);
            for (name, zc) in &facts.ngz {
                if let Some(file) = zc.config {
                    let f = sources.get(file);
                    let release = zonecfg::Release::of(&facts);
                    if let Ok(config) =
                        zonecfg::parse_resolved(std::sync::Arc::clone(&f.text), name, &release)
                    {
                        zones.push(ZoneItem {
                            name: name.clone(),
                            host: Some(hosts.len()),
                            file: f.name.clone(),
                            config,
                        });
                    }
                }
            }
            hosts.push(HostItem { facts, ctx });
        }
        for c in &req.input.configs {
            let name = c
                .zone
                .clone()
                .unwrap_or_else(|| check::zone_from_file_name(&c.name));
            if let Ok(config) = zonecfg::parse_resolved(&c.text, &name, &zonecfg::Release::Assumed)
            {
                zones.push(ZoneItem {
                    name,
                    host: None,
                    file: c.name.clone(),
                    config,
                });
            }
        }
        let mut bare = HostContext::default();
        apply_overrides(&mut bare, &req.overrides);
        Inputs {
            sources,
            hosts,
            zones,
            bare,
        }
    }

    /// The capture's host name of a zone (`None` for a configuration file).
    pub(super) fn host_name(&self, z: &ZoneItem) -> Option<&str> {
        z.host.map(|i| self.hosts[i].facts.name.as_str())
    }

    /// The host facts a zone's repairs rely on.
    pub(super) fn context(&self, z: &ZoneItem) -> (&HostContext, Option<&HostFacts>) {
        match z.host {
            Some(i) => (&self.hosts[i].ctx, Some(&self.hosts[i].facts)),
            None => (&self.bare, None),
        }
    }
}

/// Flags override what a capture says.
fn apply_overrides(ctx: &mut HostContext, o: &Overrides) {
    if let Some(ip) = o.gz_ip {
        ctx.gz_ip = Some(ip);
    }
    if let Some(over) = &o.over {
        ctx.default_over = Some(over.clone());
    }
}
