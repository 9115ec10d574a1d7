//! `zgen fix`: mechanical repairs for `zrules` findings, and an honest list
//! of what needs a person.
//!
//! The findings come from running `zrules`' checks here on the same
//! configurations and captures (optionally narrowed to the findings of a
//! `zrules check --format json` report, so a reviewed and trimmed report
//! decides what gets fixed). Each finding points at the text it is about;
//! this module re-reads the same texts with `zrules`' parsers and finds the
//! resource or fact at that place, so a repair always acts on exactly what
//! the check saw.
//!
//! What is mechanical (Solaris 11 commands):
//! * an `anet` (Z04, Z06) becomes a `net` over a new VNIC with a derived MAC;
//!   a `net` over a non-VNIC link (Z04) moves to a new VNIC;
//! * a badly named VNIC of the zone (Z05) is renamed (`dladm rename-link`,
//!   zone halted) and its `net` resource follows;
//! * a VNIC of the zone with a MAC off the scheme (Z06) gets its derived
//!   MAC (`dladm modify-vnic -m`, zone halted);
//! * `ip-type` (Z04) when no `net` carries shared-IP addresses;
//! * the pool1 dataset, missing parents and aliases (Z10);
//! * account homes (`usermod -d`, with a new home dataset) and the autofs
//!   dependencies of ssh, system-log and sendmail (Z11), inside the zone.
//!
//! Everything else is listed with the reason, e.g. a wrong zonepath needs a
//! move (`zmigrate`), data in a wrongly named dataset needs copying.
//!
//! Sources: `dladm rename-link [-R root-dir] link new-link` and
//! `dladm modify-vnic -m MAC-address VNIC` (dladm(1M), and "Modifying VNIC
//! MAC Addresses" in the Solaris 11.2 and 11.4 network virtualization
//! guides); zonecfg(1M) `select`/`remove RES P=V`; usermod(1M) `-d`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use serde::Deserialize;
use zrules::check::{self, CheckInput};
use zrules::facts::HostFacts;
use zrules::mac::Mac;
use zrules::names::vnic_index;
use zrules::policy::Policy;
use zrules::source::Sources;
use zrules::span::Span;
use zrules::zonecfg::{self, Resource, ZoneConfig};
use zrules::{Diagnostic, Severity};

use crate::config::{self, Block, Command};
use crate::host::HostContext;
use crate::platform::Platform;
use crate::step::{InputFile, Plan, Program, Step, Unfixable};
use crate::vnic::NewVnic;
use crate::zone::{self, AUTOFS_DEPENDENCIES};
use crate::{GenError, allocate, validate};

/// One finding of a `zrules check --format json` report: the fields that
/// identify it (the report has more; they are ignored).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Selection {
    pub code: String,
    pub check: String,
    pub zone: Option<String>,
    pub host: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
}

#[derive(Deserialize)]
struct JsonReport {
    version: u32,
    diagnostics: Vec<Selection>,
}

/// Reads the findings of a `zrules check --format json` report (version 1).
pub fn read_findings_json(text: &str) -> Result<Vec<Selection>, GenError> {
    let r: JsonReport = serde_json::from_str(text)
        .map_err(|e| GenError::Invalid(format!("not a zrules JSON report: {e}")))?;
    if r.version != 1 {
        return Err(GenError::Invalid(format!(
            "zrules JSON report version {} is not supported (expected 1)",
            r.version
        )));
    }
    Ok(r.diagnostics)
}

/// Facts given on the command line, for zones without a host capture (or
/// overriding one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    pub gz_ip: Option<Ipv4Addr>,
    pub over: Option<String>,
}

/// What `zgen fix` was asked for.
#[derive(Clone, Debug)]
pub struct FixRequest<'a> {
    pub input: &'a CheckInput,
    /// Only these findings (from a JSON report); all when `None`.
    pub selection: Option<&'a [Selection]>,
    /// Only this zone.
    pub zone: Option<&'a str>,
    pub overrides: Overrides,
    pub platform: Platform,
}

/// A finding located in the texts: the file's display name and the span.
#[derive(Clone, Debug)]
struct Found<'d> {
    diag: &'d Diagnostic,
    file: Option<String>,
    span: Option<Span>,
    line: Option<usize>,
}

impl Found<'_> {
    fn rule(&self) -> String {
        self.diag.rule_id()
    }

    fn unfixable(&self, reason: impl Into<String>) -> Unfixable {
        Unfixable {
            rule: self.rule(),
            zone: self.diag.zone.clone(),
            host: self.diag.host.clone(),
            message: self.diag.message.clone(),
            reason: reason.into(),
        }
    }

    fn selected(&self, sel: &Selection) -> bool {
        sel.code.eq_ignore_ascii_case(self.diag.code.as_str())
            && sel.check == self.diag.check
            && sel.zone == self.diag.zone
            && sel.host == self.diag.host
            && sel.file == self.file
            && sel.line == self.line
    }
}

/// One zone under repair: its configuration and where it came from.
struct ZoneItem {
    name: String,
    host: Option<usize>,
    file: String,
    config: ZoneConfig,
}

/// One host capture, re-read for its facts.
struct HostItem {
    facts: HostFacts,
    ctx: HostContext,
}

/// `zgen fix`: the plan.
pub fn plan(req: &FixRequest<'_>, policy: &Policy) -> Result<Plan, GenError> {
    req.platform.require_zone_support("zgen fix")?;
    let outcome = check::run(req.input, policy);
    let found: Vec<Found<'_>> = outcome
        .report
        .diagnostics
        .iter()
        .map(|d| {
            let (file, span, line) = match d.location {
                Some(loc) => {
                    let f = outcome.sources.get(loc.file);
                    (
                        Some(f.name.clone()),
                        Some(loc.span),
                        Some(f.line_col(loc.span.start).line),
                    )
                }
                None => (None, None, None),
            };
            Found {
                diag: d,
                file,
                span,
                line,
            }
        })
        // Below the policy's fail level a finding is advice, not a failure:
        // nothing to repair and nothing to hand to a person.
        .filter(|f| f.diag.severity >= policy.fail_level)
        .filter(|f| {
            req.selection
                .is_none_or(|sel| sel.iter().any(|s| f.selected(s)))
        })
        .filter(|f| req.zone.is_none_or(|z| f.diag.zone.as_deref() == Some(z)))
        .collect();

    // Re-read the same texts with the same parsers: same names, same spans.
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
                if let Ok(config) = zonecfg::parse_resolved(&f.text, name, &release) {
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
        if let Ok(config) = zonecfg::parse_resolved(&c.text, &name, &zonecfg::Release::Assumed) {
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

    let mut plan = Plan::new(String::new());
    let mut fixed_zones = Vec::new();
    for z in &zones {
        let host_name = z.host.map(|i| hosts[i].facts.name.as_str());
        let mine: Vec<&Found<'_>> = found
            .iter()
            .filter(|f| {
                f.diag.zone.as_deref() == Some(z.name.as_str())
                    && f.diag.host.as_deref() == host_name
            })
            .collect();
        if mine.is_empty() {
            continue;
        }
        let (ctx, facts) = match z.host {
            Some(i) => (&hosts[i].ctx, Some(&hosts[i].facts)),
            None => (&bare, None),
        };
        let mut zf = ZoneFix::new(z, ctx, facts, &sources, policy);
        for f in &mine {
            zf.finding(f);
        }
        plan.extend(zf.finish()?);
        fixed_zones.push(match host_name {
            Some(h) => format!("{} on {h}", z.name),
            None => z.name.clone(),
        });
    }
    // Findings about a host as a whole, or about zones whose configuration
    // could not be read, are not the zone repairs this command makes.
    for f in &found {
        let covered = zones.iter().any(|z| {
            f.diag.zone.as_deref() == Some(z.name.as_str())
                && f.diag.host.as_deref() == z.host.map(|i| hosts[i].facts.name.as_str())
        });
        if !covered {
            plan.unfixable.push(f.unfixable(match f.diag.zone {
                None => "a finding about the global zone itself: zgen repairs zones; change the GZ by hand".to_owned(),
                Some(_) => "the zone's configuration could not be read, so nothing can be repaired mechanically".to_owned(),
            }));
        }
    }
    plan.title = if fixed_zones.is_empty() {
        "repairs: nothing to fix mechanically".to_owned()
    } else {
        format!(
            "repairs for zone{} {} (house rules 4-6 and 8-11)",
            if fixed_zones.len() > 1 { "s" } else { "" },
            fixed_zones.join(", ")
        )
    };
    Ok(plan)
}

fn apply_overrides(ctx: &mut HostContext, o: &Overrides) {
    if let Some(ip) = o.gz_ip {
        ctx.gz_ip = Some(ip);
    }
    if let Some(over) = &o.over {
        ctx.default_over = Some(over.clone());
    }
}

/// What happens to one `net`/`anet` resource.
#[derive(Clone, Debug, PartialEq, Eq)]
enum NetAction {
    /// A new VNIC replaces it (anet, or net over a non-VNIC link).
    Replace { over: String },
    /// Its VNIC is renamed.
    Rename,
}

struct ZoneFix<'a> {
    zone: &'a str,
    config: &'a ZoneConfig,
    /// The configuration's display name: findings about it carry it.
    config_file: &'a str,
    ctx: &'a HostContext,
    facts: Option<&'a HostFacts>,
    sources: &'a Sources,
    policy: &'a Policy,
    /// Resource index → action.
    nets: BTreeMap<usize, (NetAction, Vec<String>)>,
    /// VNICs (current link names) whose MAC must change.
    readdress: BTreeMap<String, Vec<String>>,
    set_exclusive: Option<String>,
    datasets: Vec<Step>,
    dataset_cmds: Vec<Command>,
    pools_done: BTreeSet<String>,
    aliases: BTreeMap<String, String>,
    users: BTreeMap<String, String>,
    /// home-dataset findings: repaired only if the home moves too.
    home_datasets: Vec<(String, Unfixable)>,
    autofs: BTreeSet<&'static str>,
    unfixable: Vec<Unfixable>,
    notes: Vec<String>,
}

impl<'a> ZoneFix<'a> {
    fn new(
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
    fn resource_at(&self, f: &Found<'_>) -> Option<(usize, &'a Resource)> {
        if f.file.as_deref() != Some(self.config_file) {
            return None;
        }
        let span = f.span?;
        self.config.resources.iter().enumerate().find(|(_, r)| {
            r.span.start <= span.start && span.start < r.span.end.max(r.span.start + 1)
        })
    }

    fn same_place(&self, loc: zrules::Location, f: &Found<'_>) -> bool {
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
    fn vnic_at(&self, f: &Found<'_>) -> Option<&'a zrules::facts::Vnic> {
        let vnics = self.facts?.vnics.as_ref()?;
        vnics
            .iter()
            .find(|v| self.within(v.loc, f))
            .map(|v| &v.value)
    }

    fn finding(&mut self, f: &Found<'_>) {
        let rule = f.rule();
        match rule.as_str() {
            "Z04 ip-type" => self.ip_type(f),
            "Z04 anet" => self.anet(f),
            "Z06 mac-not-fixed" if self.resource_at(f).is_some_and(|(_, r)| r.kind.value == "anet") => self.anet(f),
            "Z04 physical-link" => self.physical_link(f),
            "Z05 vnic-name" => self.vnic_name(f),
            "Z05 link-name-invalid" => self.unfixable.push(f.unfixable(
                "the zone's name cannot form VNIC names: the zone needs a new name, and its zonepath and datasets follow the name (a move with zmigrate)",
            )),
            "Z05 index-gap" => self.unfixable.push(f.unfixable(
                "left as is: renaming a VNIC renames the datalink inside the zone, which breaks its IP configuration for a cosmetic gain",
            )),
            "Z06 mac-slot" => self.unfixable.push(f.unfixable(
                "left as is: zone IDs change across reboots, so a MAC block other than the current ID's is expected",
            )),
            "Z06 mac-not-fixed" | "Z06 mac-prefix" | "Z06 mac-ip-bytes" | "Z06 mac-gz-range" | "Z06 mac-index" | "Z06 mac-duplicate" => {
                self.mac(f)
            }
            "Z08 zonepath" => self.unfixable.push(f.unfixable(
                "a zonepath cannot be changed in place: move the zone to the right zonepath (zmigrate)",
            )),
            "Z09 zonepath-dataset" => self.unfixable.push(f.unfixable(
                "the zone's files live in another dataset: moving them into the zonepath dataset is a move (zmigrate)",
            )),
            "Z10 pool1-missing" => self.pool1_missing(),
            "Z10 dataset-shape" => self.dataset_shape(f),
            "Z10 dataset-parent" => self.dataset_parent(f),
            "Z11 home-path" => self.home(f, true),
            "Z11 home-dataset" => self.home(f, false),
            "Z11 autofs-dependency" => self.autofs_dependency(f),
            _ => self.unfixable.push(f.unfixable(
                "outside what zgen repairs (house rules 4-6 and 8-11 on a zone's network, datasets and accounts)",
            )),
        }
    }

    fn ip_type(&mut self, f: &Found<'_>) {
        let shared: Vec<&str> = self
            .config
            .resources_of("net")
            .filter(|r| r.get("address").is_some() || r.get("defrouter").is_some())
            .filter_map(|r| r.simple("physical").map(|p| p.value.as_str()))
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
        if r.kind.value != "anet" {
            self.unfixable
                .push(f.unfixable("the finding does not point at an anet resource"));
            return;
        }
        // An anet's lower-link is where its automatic VNIC lived; `auto`
        // lets zoneadmd pick one, so fall back to the host's default.
        let lower = r
            .simple("lower-link")
            .map(|l| l.value.clone())
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
        if self.ctx.vnic(&phys.value).is_none() {
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
                && !self.datasets.iter().any(|s| s.args.last() == Some(ds))
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
                    .push(Step::gz(Program::Zfs, &["create", ds], why));
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
                self.aliases.insert(name.value.clone(), pool.clone());
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

    fn passwd_at(&self, f: &Found<'_>) -> Option<&'a zrules::facts::PasswdEntry> {
        let sys = &self.facts?.ngz.get(self.zone)?.system;
        sys.passwd
            .as_ref()?
            .iter()
            .find(|e| self.same_place(e.loc, f))
            .map(|e| &e.value)
    }

    fn home(&mut self, f: &Found<'_>, path_wrong: bool) {
        let Some(e) = self.passwd_at(f) else {
            // home-dataset may point at the dataset's zfs-list row instead.
            self.unfixable.push(f.unfixable(
                "the dataset exists but is mounted elsewhere: 'zfs set mountpoint' inside the zone moves it, which a person should time (files in use)",
            ));
            return;
        };
        if validate::validate_user_name(&e.name).is_err() {
            self.unfixable.push(f.unfixable(format!(
                "account name '{}' is not safe to pass to usermod",
                e.name
            )));
            return;
        }
        if path_wrong {
            self.users.insert(e.name.clone(), e.home.clone());
        } else {
            // The home is at the right path as a plain directory (unless
            // home-path moves it, decided once every finding is in): a
            // dataset cannot be mounted over its files.
            let u = f.unfixable(format!(
                "{} holds {}'s files as a plain directory: move them aside, create the dataset ({}), copy them back (needs a person)",
                self.policy.home(&e.name),
                e.name,
                zone::home_dataset(self.policy, &e.name).unwrap_or_default()
            ));
            self.home_datasets.push((e.name.clone(), u));
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

    /// The block the zone's VNICs already use correctly, if any.
    fn current_block(&self, exclude: &BTreeSet<String>) -> Option<u32> {
        let ip = self.ctx.gz_ip?;
        self.config
            .resources_of("net")
            .filter_map(|r| r.simple("physical"))
            .filter(|p| !exclude.contains(&p.value))
            .find_map(|p| {
                let n = vnic_index(self.zone, &p.value)?;
                let v = self.ctx.vnic(&p.value)?;
                zrules::mac::ngz_block(v.mac, self.policy.mac_prefix, ip, n)
            })
    }

    fn finish(self) -> Result<Plan, GenError> {
        let zone = self.zone;
        let mut plan = Plan::new(String::new());
        plan.unfixable = self.unfixable.clone();
        for (user, u) in &self.home_datasets {
            if !self.users.contains_key(user) {
                plan.unfixable.push(u.clone());
            }
        }
        plan.notes = self.notes.clone();
        let mut zonecfg: Vec<Command> = Vec::new();

        // Indices already taken by VNICs that stay as they are.
        let moving: BTreeSet<usize> = self.nets.keys().copied().collect();
        let mut taken: BTreeSet<u32> = self
            .config
            .resources
            .iter()
            .enumerate()
            .filter(|(i, r)| r.kind.value == "net" && !moving.contains(i))
            .filter_map(|(_, r)| vnic_index(zone, &r.simple("physical")?.value))
            .collect();
        let mut next_index = || {
            let n = (0..).find(|n| !taken.contains(n)).unwrap_or(0);
            taken.insert(n);
            n
        };

        // Plan names: (resource index, old physical or anet linkname, new name, action).
        let mut renames: Vec<(String, String)> = Vec::new();
        let mut creates: Vec<(usize, String, String)> = Vec::new();
        let mut readdress: BTreeMap<String, u32> = BTreeMap::new();
        for (&i, (action, _rules)) in &self.nets {
            let r = &self.config.resources[i];
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
                    return Ok(plan);
                }
            };
            match action {
                NetAction::Replace { over } => creates.push((i, over.clone(), new)),
                NetAction::Rename => {
                    let old = r
                        .simple("physical")
                        .map(|p| p.value.clone())
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
                        readdress.insert(new.clone(), index);
                    }
                    renames.push((old, new));
                }
            }
        }
        for link in self.readdress.keys() {
            if renames.iter().any(|(old, _)| old == link) {
                continue;
            }
            match vnic_index(zone, link) {
                Some(n) => {
                    readdress.insert(link.clone(), n);
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

        // MACs for every VNIC that gets one, in one block.
        let mut want: Vec<(String, u32)> = creates
            .iter()
            .map(|(_, _, n)| n.clone())
            .zip(
                creates
                    .iter()
                    .map(|(_, _, n)| vnic_index(zone, n).unwrap_or(0)),
            )
            .collect();
        want.extend(readdress.iter().map(|(l, &n)| (l.clone(), n)));
        let mut macs: BTreeMap<String, Mac> = BTreeMap::new();
        if !want.is_empty() {
            let exclude: BTreeSet<String> = renames
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
                macs.insert(link.clone(), mac);
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
                    macs.values().map(Mac::to_string).collect::<Vec<_>>().join(", ")
                ));
            }
        }

        // 1. Datasets on the GZ.
        plan.steps.extend(self.datasets.iter().cloned());
        // 2. Renames and new MACs need the zone halted (it holds its links).
        for (old, new) in &renames {
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
        for link in readdress.keys() {
            let Some(mac) = macs.get(link) else { continue };
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
        // 3. New VNICs, and the resources that move to them.
        for (i, over, new) in &creates {
            let r = &self.config.resources[*i];
            let Some(&mac) = macs.get(new) else { continue };
            let v = NewVnic {
                name: new.clone(),
                index: vnic_index(zone, new).unwrap_or(0),
                over: over.clone(),
                mac,
            };
            plan.push(v.step(&format!("replaces {}; rules 4, 5 and 6", describe(r))));
            let old_link = if r.kind.value == "anet" {
                let key = r.simple("linkname").map(|l| l.value.clone());
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
                    .map(|p| p.value.clone())
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
        // 4. The configuration.
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
        // 5. Inside the zone.
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
                plan.push(match &mountpoint {
                    Some(mp) => Step::in_zone(
                        zone,
                        Program::Zfs,
                        &["create", "-o", &format!("mountpoint={mp}"), &ds],
                        format!("create {ds} mounted at {mp} (rule 11)"),
                    ),
                    None => Step::in_zone(
                        zone,
                        Program::Zfs,
                        &["create", &ds],
                        format!("create {ds} (rule 11)"),
                    ),
                });
            }
            for (user, old_home) in &self.users {
                let ds = zone::home_dataset(self.policy, user)?;
                let home = self.policy.home(user);
                let gz_name = format!(
                    "{zone_rpool}{}",
                    ds.strip_prefix(zone::ZONE_RPOOL).unwrap_or(&ds)
                );
                if self.ctx.has_dataset(&gz_name) != Some(true) {
                    plan.push(Step::in_zone(
                        zone,
                        Program::Zfs,
                        &["create", &ds],
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
        Ok(plan)
    }
}

fn describe(r: &Resource) -> String {
    match (
        r.kind.value.as_str(),
        r.simple("linkname"),
        r.simple("physical"),
    ) {
        ("anet", Some(l), _) => format!("anet {}", l.value),
        ("anet", None, _) => "the anet".to_owned(),
        (kind, _, Some(p)) => format!("{kind} over {}", p.value),
        (kind, _, None) => kind.to_owned(),
    }
}
