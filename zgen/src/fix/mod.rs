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
//! The work is split by what each part knows: `findings` reads the
//! findings and where they point, `inputs` re-reads the texts, `intake`
//! turns each finding into what it asks for (or into a reason it needs a
//! person, `unfixable`), and once every finding of a zone is in, `links`
//! names the VNICs and chooses their MACs and `order` writes the steps in
//! the order they can run.
//!
//! Sources: `dladm rename-link [-R root-dir] link new-link` and
//! `dladm modify-vnic -m MAC-address VNIC` (dladm(1M), and "Modifying VNIC
//! MAC Addresses" in the Solaris 11.2 and 11.4 network virtualization
//! guides); zonecfg(1M) `select`/`remove RES P=V`; usermod(1M) `-d`.

mod findings;
mod inputs;
mod intake;
mod links;
mod order;
mod unfixable;
mod zone;

use std::net::Ipv4Addr;

use zrules::check::{self, CheckInput};
use zrules::policy::Policy;

use crate::GenError;
use crate::platform::Platform;
use crate::step::Plan;

use findings::Found;
pub use findings::{Selection, read_findings_json};
use inputs::Inputs;
use zone::ZoneFix;

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

/// `zgen fix`: the plan.
pub fn plan(req: &FixRequest<'_>, policy: &Policy) -> Result<Plan, GenError> {
    req.platform.require_zone_support("zgen fix")?;
    let outcome = check::run(req.input, policy);
    let found = findings::locate(&outcome, req, policy);
    let inputs = Inputs::read(req, policy);

    let mut plan = Plan::new(String::new());
    let mut fixed_zones = Vec::new();
    for z in &inputs.zones {
        let host_name = inputs.host_name(z);
        let mine: Vec<&Found<'_>> = found
            .iter()
            .filter(|f| f.diag.zone() == Some(z.name.as_str()) && f.diag.host() == host_name)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let (ctx, facts) = inputs.context(z);
        let mut zf = ZoneFix::new(z, ctx, facts, &inputs.sources, policy);
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
        let covered = inputs.zones.iter().any(|z| {
            f.diag.zone() == Some(z.name.as_str()) && f.diag.host() == inputs.host_name(z)
        });
        if !covered {
            plan.unfixable.push(unfixable::outside_zones(f));
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
