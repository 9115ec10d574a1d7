//! A fake global zone for the round-trip tests: it applies zgen's steps with
//! the semantics of the real commands (as far as zgen uses them) and prints
//! a host capture in the real output formats, which `zrules` then checks.
//!
//! It is a fake, not a mock: it keeps state and refuses what the real
//! commands refuse (a dataset whose parent is missing, a link name or MAC
//! already in use, zlogin into a zone that is not running, svccfg delpg of
//! a property group that does not exist), so a plan that only works by
//! accident fails here.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use zgen::step::{Guard, Plan, Step};
use zrules::mac::{self, Mac, MacPrefix};

pub const AUTOFS: &str = "svc:/system/filesystem/autofs:default";

/// One zone on the fake host.
#[derive(Clone, Debug, Default)]
pub struct SimZone {
    pub id: Option<u32>,
    pub state: String,
    /// The configuration as zonecfg holds it (command text, replayed).
    pub config: String,
    pub passwd: Vec<(String, u32, String)>,
    /// Service instances present in the zone.
    pub services: BTreeSet<String>,
    /// Dependency property groups on autofs that exist: (entity, pg).
    pub autofs_pgs: BTreeSet<(String, String)>,
}

/// The fake global zone.
#[derive(Clone, Debug)]
pub struct SimHost {
    pub name: String,
    pub nodename: String,
    pub ip: Ipv4Addr,
    pub phys: Vec<String>,
    /// link → (over, MAC)
    pub vnics: BTreeMap<String, (String, Mac)>,
    /// dataset → mountpoint property value
    pub datasets: BTreeMap<String, String>,
    pub zones: BTreeMap<String, SimZone>,
}

impl SimHost {
    /// A GZ with a physical `net0`, its own VNIC `{nodename}0` (MAC slot 0)
    /// carrying the primary address, the zones dataset and data pools.
    pub fn new(name: &str, nodename: &str, ip: Ipv4Addr, pools: &[&str]) -> Self {
        let mut h = SimHost {
            name: name.to_owned(),
            nodename: nodename.to_owned(),
            ip,
            phys: vec!["net0".to_owned()],
            vnics: BTreeMap::new(),
            datasets: BTreeMap::new(),
            zones: BTreeMap::new(),
        };
        h.vnics.insert(
            format!("{nodename}0"),
            ("net0".to_owned(), mac::derive(MacPrefix::DEFAULT, ip, 0)),
        );
        for (ds, mp) in [
            ("rpool", "/rpool"),
            ("rpool/ROOT", "legacy"),
            ("rpool/zones", "/zones"),
        ] {
            h.datasets.insert(ds.to_owned(), mp.to_owned());
        }
        for p in pools {
            h.datasets.insert((*p).to_owned(), format!("/{p}"));
        }
        h
    }

    fn zone_mut(&mut self, zone: &str) -> Result<&mut SimZone, String> {
        self.zones
            .get_mut(zone)
            .ok_or_else(|| format!("{zone}: No such zone configured"))
    }

    fn mac_in_use(&self, m: &Mac) -> Option<&str> {
        self.vnics
            .iter()
            .find(|(_, (_, x))| x == m)
            .map(|(l, _)| l.as_str())
    }

    /// `zoneadm install` then `boot`: the zone gets its root datasets, an
    /// ID (the lowest free), the stock accounts and services.
    pub fn install_and_boot(&mut self, zone: &str, sendmail: bool) -> Result<(), String> {
        let used: BTreeSet<u32> = self.zones.values().filter_map(|z| z.id).collect();
        let id = (1..).find(|i| !used.contains(i)).expect("an ID");
        let zds = format!("rpool/zones/{zone}");
        if !self.datasets.contains_key(&zds) {
            return Err(format!("zoneadm: zonepath dataset {zds} missing"));
        }
        self.datasets
            .insert(format!("{zds}/rpool"), "/rpool".to_owned());
        self.datasets
            .insert(format!("{zds}/rpool/ROOT"), "legacy".to_owned());
        let z = self.zone_mut(zone)?;
        if z.state != "configured" {
            return Err(format!("zoneadm: zone '{zone}': is already installed."));
        }
        z.state = "running".to_owned();
        z.id = Some(id);
        z.passwd = vec![
            ("root".into(), 0, "/root".into()),
            ("daemon".into(), 1, "/".into()),
        ];
        z.services = ["svc:/network/ssh:default", "svc:/system/system-log:default"]
            .map(str::to_owned)
            .into();
        z.autofs_pgs
            .insert(("svc:/network/ssh".into(), "fs-autofs".into()));
        z.autofs_pgs
            .insert(("svc:/system/system-log".into(), "autofs".into()));
        if sendmail {
            z.services.insert("svc:/network/smtp:sendmail".into());
            z.autofs_pgs
                .insert(("svc:/network/smtp:sendmail".into(), "autofs".into()));
        }
        Ok(())
    }

    /// `zoneadm halt` / `boot` of an installed zone (a halted zone has no ID).
    pub fn set_running(&mut self, zone: &str, running: bool) -> Result<(), String> {
        let used: BTreeSet<u32> = self.zones.values().filter_map(|z| z.id).collect();
        let z = self.zone_mut(zone)?;
        if z.state == "configured" {
            return Err(format!(
                "zoneadm: zone '{zone}': must be installed before boot."
            ));
        }
        if running {
            z.id = Some((1..).find(|i| !used.contains(i)).expect("an ID"));
            z.state = "running".into();
        } else {
            z.id = None;
            z.state = "installed".into();
        }
        Ok(())
    }

    /// Runs every step in order; the first refusal stops, as `set -e` does.
    pub fn apply(&mut self, plan: &Plan) -> Result<(), String> {
        for (i, step) in plan.steps.iter().enumerate() {
            self.step(step)
                .map_err(|e| format!("step {} ({}): {e}", i + 1, step.command))?;
        }
        Ok(())
    }

    /// Whether a guard lets its step run: the guard commands zgen uses,
    /// answered from the fake's state as the real commands would.
    fn guard(&self, zone: Option<&str>, g: &Guard) -> Result<bool, String> {
        let args: Vec<&str> = g.command.args.iter().map(String::as_str).collect();
        let ok = match (zone, g.command.program.as_str(), args.as_slice()) {
            (Some(zone), "svcs", ["-H", fmri]) => self
                .zones
                .get(zone)
                .is_some_and(|z| z.services.contains(*fmri)),
            (_, "zfs", ["list", "-H", "-o", "name", name]) => {
                self.datasets.contains_key(&self.full_dataset(zone, name)?)
            }
            (None, "dladm", ["show-vnic", link]) => self.vnics.contains_key(*link),
            (None, "zonecfg", ["-z", zone, "info"]) => self.zones.contains_key(*zone),
            _ => return Err(format!("unknown guard {} in {zone:?}", g.command)),
        };
        Ok(ok != g.negate)
    }

    /// A dataset as the GZ names it: inside a zone, `rpool` is the zone's
    /// own `rpool/zones/ZONE/rpool`.
    fn full_dataset(&self, zone: Option<&str>, name: &str) -> Result<String, String> {
        match zone {
            Some(z) => {
                let rest = name
                    .strip_prefix("rpool")
                    .ok_or(format!("cannot open '{name}': no such pool"))?;
                Ok(format!("rpool/zones/{z}/rpool{rest}"))
            }
            None => Ok(name.to_owned()),
        }
    }

    pub fn step(&mut self, step: &Step) -> Result<(), String> {
        if let Some(z) = &step.requires_halted
            && self.zones.get(z).is_some_and(|z| z.state == "running")
        {
            return Err(format!("zone {z} is running"));
        }
        if let Some(z) = &step.zone
            && self.zones.get(z).is_none_or(|z| z.state != "running")
        {
            return Err(format!("zlogin: zone '{z}' not running"));
        }
        if let Some(g) = &step.only_if
            && !self.guard(step.zone.as_deref(), g)?
        {
            return Ok(());
        }
        let args: Vec<&str> = step.command.args.iter().map(String::as_str).collect();
        match (step.zone.as_deref(), step.command.program.as_str()) {
            (zone, "zfs") => self.zfs(zone, &args),
            (None, "chmod") => match args.as_slice() {
                ["700", path] if self.datasets.values().any(|m| m == path) => Ok(()),
                _ => Err(format!("chmod: bad arguments {args:?}")),
            },
            (None, "dladm") => self.dladm(&args),
            (None, "zonecfg") => {
                let ["-z", zone, "-f", file] = args.as_slice() else {
                    return Err(format!("zonecfg: bad arguments {args:?}"));
                };
                let input = step
                    .input
                    .as_ref()
                    .filter(|i| i.name == *file)
                    .ok_or("zonecfg: command file not written")?;
                let zone = (*zone).to_owned();
                // zonecfg(1M) in file mode: `create` on a zone that exists
                // asks to confirm, and with no terminal gives up (illumos
                // zonecfg.c, check_if_zone_already_exists).
                if self.zones.contains_key(&zone)
                    && input
                        .text
                        .lines()
                        .any(|l| l.trim_start().starts_with("create"))
                {
                    return Err(format!(
                        "Zone exists, input not from terminal and -F not specified:\ncreate command ignored, exiting. ({zone})"
                    ));
                }
                let old = self
                    .zones
                    .get(&zone)
                    .map(|z| z.config.clone())
                    .unwrap_or_default();
                let text = format!("{old}{}", input.text);
                zrules::zonecfg::parse(&text).map_err(|e| format!("zonecfg: {}", e.message))?;
                let z = self.zones.entry(zone).or_insert_with(|| SimZone {
                    state: "configured".into(),
                    ..SimZone::default()
                });
                z.config = text;
                Ok(())
            }
            (Some(z), "useradd") => {
                let ["-d", home, user] = args.as_slice() else {
                    return Err(format!("useradd: bad arguments {args:?}"));
                };
                let zone = self.zone_mut(z)?;
                if zone.passwd.iter().any(|(u, _, _)| u == user) {
                    return Err(format!("UX: useradd: {user} is already in use."));
                }
                let uid = zone
                    .passwd
                    .iter()
                    .map(|(_, uid, _)| *uid)
                    .filter(|u| *u >= 100)
                    .max()
                    .map_or(100, |u| u + 1);
                zone.passwd
                    .push(((*user).to_owned(), uid, (*home).to_owned()));
                Ok(())
            }
            (Some(z), "usermod") => {
                let ["-d", home, user] = args.as_slice() else {
                    return Err(format!("usermod: bad arguments {args:?}"));
                };
                let zone = self.zone_mut(z)?;
                let e = zone
                    .passwd
                    .iter_mut()
                    .find(|(u, _, _)| u == user)
                    .ok_or(format!("UX: usermod: {user} does not exist."))?;
                e.2 = (*home).to_owned();
                Ok(())
            }
            (Some(z), "chown") => {
                let [user, path] = args.as_slice() else {
                    return Err(format!("chown: bad arguments {args:?}"));
                };
                let zone = self.zones.get(z).ok_or("no zone")?;
                if !zone.passwd.iter().any(|(u, _, _)| u == user) {
                    return Err(format!("chown: unknown user id {user}"));
                }
                let prefix = format!("rpool/zones/{z}/rpool");
                if !self
                    .datasets
                    .iter()
                    .any(|(d, m)| d.starts_with(&prefix) && m == path)
                {
                    return Err(format!("chown: {path}: No such file or directory"));
                }
                Ok(())
            }
            (Some(z), "svccfg") => {
                let ["-s", entity, "delpg", pg] = args.as_slice() else {
                    return Err(format!("svccfg: bad arguments {args:?}"));
                };
                let zone = self.zone_mut(z)?;
                if !zone
                    .autofs_pgs
                    .remove(&((*entity).to_owned(), (*pg).to_owned()))
                {
                    return Err(format!("svccfg: no property group {pg} on {entity}"));
                }
                Ok(())
            }
            (Some(z), "svcadm") => {
                let ["refresh", fmri] = args.as_slice() else {
                    return Err(format!("svcadm: bad arguments {args:?}"));
                };
                if !self
                    .zones
                    .get(z)
                    .is_some_and(|zz| zz.services.contains(*fmri))
                {
                    return Err(format!(
                        "svcadm: Pattern '{fmri}' doesn't match any instances"
                    ));
                }
                Ok(())
            }
            (zone, p) => Err(format!("the fake host does not run {p} in {zone:?}")),
        }
    }

    fn zfs(&mut self, zone: Option<&str>, args: &[&str]) -> Result<(), String> {
        let ["create", rest @ ..] = args else {
            return Err(format!("zfs: bad arguments {args:?}"));
        };
        let mut parents = false;
        let mut mountpoint = None;
        let mut it = rest.iter();
        let mut name = None;
        while let Some(a) = it.next() {
            match *a {
                "-p" => parents = true,
                "-o" => {
                    let kv = it.next().ok_or("zfs: -o needs a value")?;
                    let (k, v) = kv.split_once('=').ok_or("zfs: bad property")?;
                    if k != "mountpoint" {
                        return Err(format!("zfs: property {k} not simulated"));
                    }
                    mountpoint = Some(v.to_owned());
                }
                n if name.is_none() && !n.starts_with('-') => name = Some(n),
                other => return Err(format!("zfs: unexpected {other}")),
            }
        }
        let name = name.ok_or("zfs: missing dataset name")?;
        zrules::names::validate_dataset_name(name).map_err(|e| e.to_string())?;
        let full = self.full_dataset(zone, name)?;
        if self.datasets.contains_key(&full) {
            return if parents {
                Ok(())
            } else {
                Err(format!("cannot create '{name}': dataset already exists"))
            };
        }
        let (parent, last) = full
            .rsplit_once('/')
            .ok_or(format!("cannot create '{name}': no such pool"))?;
        if !self.datasets.contains_key(parent) {
            if !parents {
                return Err(format!("cannot create '{name}': parent does not exist"));
            }
            let pname = match zone {
                Some(z) => format!(
                    "rpool{}",
                    parent
                        .strip_prefix(&format!("rpool/zones/{z}/rpool"))
                        .unwrap_or("")
                ),
                None => parent.to_owned(),
            };
            self.zfs(zone, &["create", "-p", &pname])?;
        }
        let inherited = match self.datasets.get(parent).map(String::as_str) {
            Some("legacy" | "none") | None => "none".to_owned(),
            Some(p) => format!("{}/{last}", p.trim_end_matches('/')),
        };
        self.datasets.insert(full, mountpoint.unwrap_or(inherited));
        Ok(())
    }

    fn dladm(&mut self, args: &[&str]) -> Result<(), String> {
        match args {
            ["create-vnic", "-l", over, "-m", m, name] => {
                zrules::names::validate_link_name(name)
                    .map_err(|_| format!("dladm: invalid link name '{name}'"))?;
                if !self.phys.iter().any(|p| p == over) && !self.vnics.contains_key(*over) {
                    return Err(format!("dladm: invalid link name '{over}'"));
                }
                if self.vnics.contains_key(*name) || self.phys.iter().any(|p| p == name) {
                    return Err(format!(
                        "dladm: vnic creation over {over} failed: object already exists"
                    ));
                }
                let mac: Mac = m
                    .parse()
                    .map_err(|_| "dladm: invalid MAC address".to_owned())?;
                if let Some(other) = self.mac_in_use(&mac) {
                    return Err(format!("dladm: MAC address {mac} already used by {other}"));
                }
                self.vnics
                    .insert((*name).to_owned(), ((*over).to_owned(), mac));
                Ok(())
            }
            ["modify-vnic", "-m", m, name] => {
                let mac: Mac = m
                    .parse()
                    .map_err(|_| "dladm: invalid MAC address".to_owned())?;
                if let Some(other) = self.mac_in_use(&mac).filter(|o| o != name) {
                    return Err(format!("dladm: MAC address {mac} already used by {other}"));
                }
                let v = self.vnics.get_mut(*name).ok_or(format!(
                    "dladm: invalid vnic name '{name}': object not found"
                ))?;
                v.1 = mac;
                Ok(())
            }
            ["rename-link", old, new] => {
                zrules::names::validate_link_name(new)
                    .map_err(|_| format!("dladm: invalid link name '{new}'"))?;
                if self.vnics.contains_key(*new) {
                    return Err(format!(
                        "dladm: rename operation failed: object already exists ({new})"
                    ));
                }
                let v = self
                    .vnics
                    .remove(*old)
                    .ok_or(format!("dladm: invalid link name '{old}'"))?;
                self.vnics.insert((*new).to_owned(), v);
                Ok(())
            }
            _ => Err(format!("dladm: not simulated: {args:?}")),
        }
    }

    /// The host capture, in the layout and output formats zrules reads.
    pub fn capture(&self) -> BTreeMap<String, String> {
        let mut f = BTreeMap::new();
        f.insert("nodename".to_owned(), format!("{}\n", self.nodename));
        let mut zl = "0:global:running:/::solaris:shared:-:none\n".to_owned();
        for (name, z) in &self.zones {
            let id = z.id.map_or("-".to_owned(), |i| i.to_string());
            let uuid = if z.state == "configured" {
                String::new()
            } else {
                format!("{:08x}-0000-0000-0000-000000000000", name.len())
            };
            zl.push_str(&format!(
                "{id}:{name}:{}:/zones/{name}:{uuid}:solaris:excl:-:\n",
                z.state
            ));
        }
        f.insert("zoneadm-list-cp".to_owned(), zl);
        // dladm's parsable form: unpadded octets, colons escaped.
        let esc = |m: &Mac| m.unpadded().replace(':', "\\:");
        let mut sv = String::new();
        let mut sl = String::new();
        for p in &self.phys {
            sl.push_str(&format!("{p}:phys:\n"));
        }
        for (link, (over, m)) in &self.vnics {
            sv.push_str(&format!("{link}:{over}:{}:fixed\n", esc(m)));
            sl.push_str(&format!("{link}:vnic:{over}\n"));
        }
        f.insert("dladm-show-vnic".to_owned(), sv);
        f.insert("dladm-show-link".to_owned(), sl);
        f.insert(
            "ipadm-show-addr".to_owned(),
            format!(
                "lo0/v4:static:ok:127.0.0.1/8\n{}0/v4:static:ok:{}/24\n",
                self.nodename, self.ip
            ),
        );
        let mut zfs = String::new();
        let mut share = String::new();
        for (ds, mp) in &self.datasets {
            let in_zone = ds
                .split('/')
                .nth(2)
                .and_then(|z| self.zones.get(z))
                .filter(|_| ds.starts_with("rpool/zones/") && ds.split('/').count() > 3);
            let mounted = match in_zone {
                Some(z) => z.state == "running",
                None => mp != "none" && mp != "legacy",
            };
            zfs.push_str(&format!(
                "{ds}\t{mp}\t{}\n",
                if mounted { "yes" } else { "no" }
            ));
            share.push_str(&format!(
                "{ds}\tsharenfs\toff\tdefault\n{ds}\tsharesmb\toff\tdefault\n"
            ));
        }
        f.insert("zfs-list".to_owned(), zfs);
        f.insert("zfs-get-share".to_owned(), share);
        f.insert("share".to_owned(), String::new());
        for (name, z) in &self.zones {
            let export = zrules::zonecfg::parse(&z.config)
                .expect("the fake only stores parsable configs")
                .export();
            f.insert(format!("zones/{name}/zonecfg-export"), export);
            if z.state != "running" {
                continue;
            }
            f.insert(format!("zones/{name}/nodename"), format!("{name}\n"));
            let pw: String = z
                .passwd
                .iter()
                .map(|(u, uid, home)| {
                    let shell = if *uid < 100 { "" } else { "/usr/bin/bash" };
                    format!("{u}:x:{uid}:10::{home}:{shell}\n")
                })
                .collect();
            f.insert(format!("zones/{name}/passwd"), pw);
            for (file, instance) in [
                ("svcs-d-ssh", "svc:/network/ssh:default"),
                ("svcs-d-system-log", "svc:/system/system-log:default"),
                ("svcs-d-sendmail", "svc:/network/smtp:sendmail"),
            ] {
                if !z.services.contains(instance) {
                    continue;
                }
                let service = instance.rsplit_once(':').map_or(instance, |(s, _)| s);
                let mut deps =
                    "svc:/network/loopback:default\nsvc:/system/filesystem/local:default\n"
                        .to_owned();
                if z.autofs_pgs
                    .iter()
                    .any(|(e, _)| e == instance || e == service)
                {
                    deps.push_str(AUTOFS);
                    deps.push('\n');
                }
                f.insert(format!("zones/{name}/{file}"), deps);
            }
        }
        f
    }
}
