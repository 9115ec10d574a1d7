//! The contract between the crates: what zgen emits, applied to a host,
//! passes zrules' checks; and the zonecfg text it writes parses back
//! through zrules into the configuration it meant.
//!
//! Hosts are the fake GZ of `common` (state plus the real capture formats);
//! facts for each plan are read back from that host's capture with zrules'
//! own loader, as `zgen --capture` does.

mod common;

use std::net::Ipv4Addr;

use common::SimHost;
use proptest::prelude::*;
use zgen::HostContext;
use zgen::Platform;
use zgen::step::{Phase, Plan};
use zgen::zone::ZoneRequest;
use zrules::Severity;
use zrules::check::{self, CaptureInput, CheckInput};
use zrules::policy::Policy;

fn facts_of(host: &SimHost, policy: &Policy) -> HostContext {
    let mut sources = zrules::Sources::new();
    let (facts, diags) = zrules::capture::load(&host.name, &host.capture(), &mut sources);
    assert!(
        diags.is_empty(),
        "the fake's capture must parse: {:?}",
        diags.iter().map(|d| d.message()).collect::<Vec<_>>()
    );
    HostContext::from_facts(&facts, policy)
}

fn check_fleet(hosts: &[SimHost], policy: &Policy) -> Vec<String> {
    let input = CheckInput {
        configs: vec![],
        captures: hosts
            .iter()
            .map(|h| CaptureInput::new(h.name.clone(), h.capture()))
            .collect(),
        problems: Vec::new(),
    };
    let o = check::run(&input, policy);
    o.report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .map(|d| {
            format!(
                "{} {:?}/{:?}: {}",
                d.rule_id(),
                d.host(),
                d.zone(),
                d.message()
            )
        })
        .collect()
}

/// Creates a zone with zgen on the fake host: GZ steps, then (when
/// `boot`) install, boot and the in-zone steps.
fn create_zone(
    host: &mut SimHost,
    req: &ZoneRequest,
    boot: bool,
    policy: &Policy,
) -> Result<Plan, String> {
    let ctx = facts_of(host, policy);
    let plan = zgen::zone::plan(req, &ctx, policy).map_err(|e| e.to_string())?;
    host.apply(&plan.filter(Phase::Gz))?;
    if boot {
        host.install_and_boot(&req.zone, true)?;
        host.apply(&plan.filter(Phase::Zone))?;
    }
    Ok(plan)
}

fn request(zone: &str, vnics: u32, pools: &[&str], users: &[&str]) -> ZoneRequest {
    ZoneRequest {
        zone: zone.to_owned(),
        vnics,
        over: None,
        pools: pools.iter().map(|p| (*p).to_owned()).collect(),
        users: users.iter().map(|u| (*u).to_owned()).collect(),
        autoboot: true,
        platform: Platform::Solaris11,
    }
}

#[test]
fn seed_zone_applied_to_a_host_passes_the_checks() {
    let policy = Policy::default();
    let mut host = SimHost::new(
        "gz-a",
        "gza",
        Ipv4Addr::new(192, 168, 31, 12),
        &["pool1", "pool2"],
    );
    let plan = create_zone(
        &mut host,
        &request("www", 2, &["pool1", "pool2"], &["alice", "bob"]),
        true,
        &policy,
    )
    .expect("applies");
    assert!(plan.steps.iter().any(|s| s.command.args
        == [
            "create-vnic",
            "-l",
            "net0",
            "-m",
            "00:00:01:1f:0c:10",
            "www0"
        ]));
    let findings = check_fleet(&[host], &policy);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn the_gz_phase_can_run_again_after_a_stop_and_after_it_finished() {
    // Check, then create: a script stopped halfway (or run twice) must
    // not fail at the datasets, VNICs or configuration it already made.
    let policy = Policy::default();
    let mut host = SimHost::new(
        "gz-a",
        "gza",
        Ipv4Addr::new(192, 168, 31, 12),
        &["pool1", "pool2"],
    );
    let ctx = facts_of(&host, &policy);
    let plan = zgen::zone::plan(
        &request("www", 2, &["pool1", "pool2"], &["alice"]),
        &ctx,
        &policy,
    )
    .expect("plan");
    let gz = plan.filter(Phase::Gz);
    for step in &gz.steps[..gz.steps.len() / 2] {
        host.step(step).expect("the first half");
    }
    host.apply(&gz).expect("the whole phase after a stop");
    host.apply(&gz).expect("the whole phase once more");
    host.install_and_boot("www", true).expect("boot");
    host.apply(&plan.filter(Phase::Zone)).expect("zone phase");
    let findings = check_fleet(&[host], &policy);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn the_checks_notice_when_a_step_is_left_out() {
    // Guards the test above: drop the autofs steps and zrules must object.
    let policy = Policy::default();
    let mut host = SimHost::new("gz-a", "gza", Ipv4Addr::new(192, 168, 31, 12), &["pool1"]);
    let ctx = facts_of(&host, &policy);
    let plan = zgen::zone::plan(&request("www", 1, &["pool1"], &[]), &ctx, &policy).expect("plan");
    host.apply(&plan.filter(Phase::Gz)).expect("gz");
    host.install_and_boot("www", false).expect("boot");
    let mut partial = plan.filter(Phase::Zone);
    partial
        .steps
        .retain(|s| s.command.program != zgen::Program::Svccfg.name());
    host.apply(&partial).expect("zone");
    let findings = check_fleet(&[host], &policy);
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with("Z11 autofs-dependency")),
        "{findings:#?}"
    );
}

#[test]
fn zonecfg_text_parses_back_into_the_intended_model() {
    let policy = Policy::default();
    let mut ctx = HostContext {
        gz_ip: Some(Ipv4Addr::new(10, 0, 3, 4)),
        default_over: Some("net0".into()),
        ..HostContext::default()
    };
    ctx.zone_ids.insert("db_1".into(), 2);
    let plan = zgen::zone::plan(&request("db_1", 3, &["pool1", "pool3"], &[]), &ctx, &policy)
        .expect("plan");
    let text = &plan
        .steps
        .iter()
        .find_map(|s| s.input.as_ref())
        .expect("zonecfg step")
        .text;
    assert_model(
        text,
        "db_1",
        &["db_10", "db_11", "db_12"],
        &[("pool1/db_1/pool1", "pool1"), ("pool3/db_1/pool3", "pool3")],
        &policy,
    );
}

fn assert_model(text: &str, zone: &str, nets: &[&str], datasets: &[(&str, &str)], policy: &Policy) {
    let cfg = zrules::zonecfg::parse(text).expect("zrules reads what zgen writes");
    assert!(cfg.create.as_ref().is_some_and(|c| c.blank), "create -b");
    assert_eq!(cfg.brand().map(|b| b.value), Some("solaris"));
    assert_eq!(
        cfg.zonepath().map(|b| b.value.to_string()),
        Some(policy.zonepath(zone))
    );
    assert_eq!(cfg.ip_type().map(|b| b.value), Some("exclusive"));
    assert_eq!(cfg.global_simple("autoboot").map(|b| b.value), Some("true"));
    let got_nets: Vec<&str> = cfg
        .resources_of("net")
        .filter_map(|r| r.simple("physical"))
        .map(|p| p.value)
        .collect();
    assert_eq!(got_nets, nets);
    assert!(cfg.resources_of("anet").next().is_none());
    let got_ds: Vec<(&str, &str)> = cfg
        .resources_of("dataset")
        .map(|r| {
            (
                r.simple("name").map_or("", |v| v.value),
                r.simple("alias").map_or("", |v| v.value),
            )
        })
        .collect();
    assert_eq!(got_ds, datasets);
    // The canonical export of what was read reads back the same.
    let again = zrules::zonecfg::parse(cfg.export()).expect("export parses");
    assert_eq!(again.export(), cfg.export());
}

/// A zone name that can name VNICs, and is not the GZ's basename (zgen
/// refuses `lo`, whose first VNIC would be the loopback's `lo0`).
fn zone_name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,10}".prop_filter("a zone zgen accepts", |n| {
        !["gza", "global", "lo"].contains(&n.as_str())
    })
}

/// Login accounts zgen may create: not one of the system accounts every
/// zone already has (`lp`, `sys`, … are refused, and a test of refusals
/// covers that).
fn user_names() -> impl Strategy<Value = Vec<String>> {
    let name = "[a-z][a-z0-9]{0,6}".prop_filter("an account zgen may create", |n| {
        !zgen::validate::SYSTEM_ACCOUNTS.contains(&n.as_str())
    });
    proptest::collection::btree_set(name, 0..3).prop_map(|s| s.into_iter().collect())
}

#[derive(Clone, Debug)]
struct ZoneSpec {
    name: String,
    vnics: u32,
    extra_pools: Vec<bool>,
    users: Vec<String>,
    boot: bool,
}

fn zone_spec() -> impl Strategy<Value = ZoneSpec> {
    (
        zone_name(),
        1u32..=3,
        proptest::collection::vec(any::<bool>(), 3),
        user_names(),
        any::<bool>(),
    )
        .prop_map(|(name, vnics, extra_pools, users, boot)| ZoneSpec {
            name,
            vnics,
            extra_pools,
            users,
            boot,
        })
}

/// A fleet: hosts with distinct third/fourth IP octets (two GZs that share
/// them collide by construction of the scheme, which Z06 reports), each
/// with zones created one after the other.
fn fleet() -> impl Strategy<Value = Vec<((u8, u8), Vec<ZoneSpec>)>> {
    proptest::collection::btree_map(
        (any::<u8>(), 1u8..=254),
        proptest::collection::vec(zone_spec(), 1..4),
        1..3,
    )
    .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn generated_fleets_pass_the_checks(fleet in fleet()) {
        let policy = Policy::default();
        let mut hosts = Vec::new();
        for (h, ((i3, i4), zones)) in fleet.iter().enumerate() {
            let mut host = SimHost::new(&format!("gz-{h}"), "gza", Ipv4Addr::new(10, 20, *i3, *i4), &["pool1", "pool2", "pool3", "pool4"]);
            let mut names = std::collections::BTreeSet::new();
            for z in zones {
                if !names.insert(z.name.clone()) {
                    continue;
                }
                let mut pools = vec!["pool1"];
                for (p, on) in ["pool2", "pool3", "pool4"].iter().zip(&z.extra_pools) {
                    if *on { pools.push(p); }
                }
                let users: Vec<&str> = z.users.iter().map(String::as_str).collect();
                let req = request(&z.name, z.vnics, &pools, &users);
                let plan = create_zone(&mut host, &req, z.boot, &policy).map_err(TestCaseError::fail)?;
                // Every step names its host, and the zonecfg text round-trips.
                let text = &plan.steps.iter().find_map(|s| s.input.as_ref()).expect("zonecfg").text;
                let nets: Vec<String> = (0..z.vnics).map(|n| format!("{}{n}", z.name)).collect();
                let nets: Vec<&str> = nets.iter().map(String::as_str).collect();
                let ds: Vec<(String, String)> = pools.iter().map(|p| (format!("{p}/{}/{p}", z.name), (*p).to_owned())).collect();
                let ds: Vec<(&str, &str)> = ds.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
                assert_model(text, &z.name, &nets, &ds, &policy);
                prop_assert!(plan.steps.iter().all(|s| s.zone.is_none() || s.zone.as_deref() == Some(z.name.as_str())));
            }
            hosts.push(host);
        }
        let findings = check_fleet(&hosts, &policy);
        prop_assert!(findings.is_empty(), "{:#?}", findings);
    }
}
