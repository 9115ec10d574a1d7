//! `zgen fix`: repairs applied to the configuration or the fake host make
//! the findings go away, and what cannot be repaired is listed with why.

mod common;

use std::net::Ipv4Addr;

use common::SimHost;
use zgen::fix::{self, FixRequest, Overrides};
use zgen::step::Phase;
use zgen::zone::ZoneRequest;
use zgen::{Format, HostContext, Platform, Program, render};
use zrules::Severity;
use zrules::check::{self, CaptureInput, CheckInput, ConfigInput};
use zrules::policy::Policy;

const ANET_ZONE: &str = "\
create -b
set brand=solaris
set zonepath=/zones/www
set autoboot=true
set ip-type=exclusive
add anet
\tset linkname=net0
\tset lower-link=auto
\tset mac-address=random
end
";

fn config_input(text: &str) -> CheckInput {
    CheckInput {
        configs: vec![ConfigInput {
            zone: None,
            name: "www.zonecfg".into(),
            text: text.into(),
        }],
        captures: vec![],
        problems: Vec::new(),
    }
}

fn seed_overrides() -> Overrides {
    Overrides {
        gz_ip: Some(Ipv4Addr::new(192, 168, 31, 12)),
        over: Some("net0".into()),
    }
}

fn rules_found(input: &CheckInput, policy: &Policy) -> Vec<String> {
    check::run(input, policy)
        .report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .map(|d| d.rule_id())
        .collect()
}

#[test]
fn anet_and_missing_pool1_are_repaired_in_the_configuration() {
    let policy = Policy::default();
    let input = config_input(ANET_ZONE);
    let before = rules_found(&input, &policy);
    for r in ["Z04 anet", "Z06 mac-not-fixed", "Z10 pool1-missing"] {
        assert!(before.contains(&r.to_owned()), "{before:?}");
    }
    let req = FixRequest {
        input: &input,
        selection: None,
        zone: None,
        overrides: seed_overrides(),
        platform: Platform::Solaris11,
    };
    let plan = fix::plan(&req, &policy).expect("plan");
    insta::assert_snapshot!("fix_anet_pool1_sh", render(&plan, Format::Sh));
    assert!(plan.unfixable.is_empty(), "{:?}", plan.unfixable);
    assert!(plan.steps.iter().any(|s| s.command.args
        == [
            "create-vnic",
            "-l",
            "net0",
            "-m",
            "00:00:01:1f:0c:10",
            "www0"
        ]));

    // zonecfg applies the command file on top of the existing configuration.
    let fixed = format!("{ANET_ZONE}{}", render(&plan, Format::Zonecfg));
    let after = rules_found(&config_input(&fixed), &policy);
    assert!(after.is_empty(), "{after:?}\n{fixed}");
}

#[test]
fn a_wrong_zonepath_is_listed_as_needing_a_move() {
    let policy = Policy::default();
    let text = "create -b\nset brand=solaris\nset zonepath=/export/zones/www\nset ip-type=exclusive\nadd dataset\n\tset name=pool1/www/pool1\n\tset alias=pool1\nend\n";
    let input = config_input(text);
    let req = FixRequest {
        input: &input,
        selection: None,
        zone: None,
        overrides: seed_overrides(),
        platform: Platform::Solaris11,
    };
    let plan = fix::plan(&req, &policy).expect("plan");
    let z08 = plan
        .unfixable
        .iter()
        .find(|u| u.rule == "Z08 zonepath")
        .expect("Z08 listed");
    assert!(z08.reason.contains("move"), "{z08:?}");
    assert!(plan.steps.is_empty(), "{:?}", plan.steps);
    assert!(
        render(&plan, Format::Sh)
            .contains("# - Z08 zonepath (zone www): zonepath is /export/zones/www")
    );
}

#[test]
fn dataset_alias_and_ip_type_are_set() {
    let policy = Policy::default();
    let text = "create -b\nset brand=solaris\nset zonepath=/zones/www\nset ip-type=shared\nadd net\n\tset physical=www0\nend\nadd dataset\n\tset name=pool1/www/pool1\nend\n";
    let input = config_input(text);
    let req = FixRequest {
        input: &input,
        selection: None,
        zone: None,
        overrides: seed_overrides(),
        platform: Platform::Solaris11,
    };
    let plan = fix::plan(&req, &policy).expect("plan");
    let fixed = format!("{text}{}", render(&plan, Format::Zonecfg));
    let after = rules_found(&config_input(&fixed), &policy);
    assert!(after.is_empty(), "{after:?}\n{fixed}");
}

#[test]
fn shared_ip_addresses_are_left_to_a_person() {
    let policy = Policy::default();
    let text = "create -b\nset zonepath=/zones/www\nset ip-type=shared\nadd net\n\tset address=192.168.31.20/24\n\tset physical=net0\nend\nadd dataset\n\tset name=pool1/www/pool1\n\tset alias=pool1\nend\n";
    let input = config_input(text);
    let req = FixRequest {
        input: &input,
        selection: None,
        zone: None,
        overrides: seed_overrides(),
        platform: Platform::Solaris11,
    };
    let plan = fix::plan(&req, &policy).expect("plan");
    assert!(
        plan.unfixable
            .iter()
            .any(|u| u.rule == "Z04 ip-type" && u.reason.contains("ipadm")),
        "{:?}",
        plan.unfixable
    );
}

#[test]
fn illumos_is_refused() {
    let input = config_input(ANET_ZONE);
    let req = FixRequest {
        input: &input,
        selection: None,
        zone: None,
        overrides: seed_overrides(),
        platform: Platform::Illumos,
    };
    let e = fix::plan(&req, &Policy::default()).expect_err("illumos");
    assert!(e.to_string().contains("alias"), "{e}");
}

/// A zone made by zgen, then damaged the way hosts drift: a VNIC renamed
/// by hand, a random MAC, the autofs dependencies back, an account with its
/// home elsewhere.
fn damaged_host(policy: &Policy) -> SimHost {
    let mut host = SimHost::new("gz-a", "gza", Ipv4Addr::new(192, 168, 31, 12), &["pool1"]);
    let mut sources = zrules::Sources::new();
    let (facts, _) = zrules::capture::load(&host.name, &host.capture(), &mut sources);
    let ctx = HostContext::from_facts(&facts, policy);
    let req = ZoneRequest {
        zone: "www".into(),
        vnics: 2,
        over: None,
        pools: vec!["pool1".into()],
        users: vec!["alice".into()],
        autoboot: true,
        platform: Platform::Solaris11,
    };
    let plan = zgen::zone::plan(&req, &ctx, policy).expect("plan");
    host.apply(&plan.filter(Phase::Gz)).expect("gz steps");
    host.install_and_boot("www", true).expect("boot");
    let mut zone_steps = plan.filter(Phase::Zone);
    zone_steps
        .steps
        .retain(|s| s.command.program != Program::Svccfg.name());
    host.apply(&zone_steps).expect("zone steps");
    // Damage.
    let (over, _) = host.vnics.remove("www1").expect("www1");
    host.vnics.insert(
        "vnic7".into(),
        (over, "2:8:20:aa:bb:cc".parse().expect("mac")),
    );
    host.vnics.get_mut("www0").expect("www0").1 = "2:8:20:d:b:3b".parse().expect("mac");
    let z = host.zones.get_mut("www").expect("zone");
    z.config
        .push_str("select net physical=www1\nset physical=vnic7\nend\n");
    z.passwd
        .push(("carol".into(), 200, "/export/home/carol".into()));
    host
}

fn capture_input(host: &SimHost) -> CheckInput {
    CheckInput {
        configs: vec![],
        captures: vec![CaptureInput::new(host.name.clone(), host.capture())],
        problems: Vec::new(),
    }
}

#[test]
fn a_drifted_zone_on_a_host_is_repaired() {
    let policy = Policy::default();
    let mut host = damaged_host(&policy);
    let input = capture_input(&host);
    let before = rules_found(&input, &policy);
    for r in [
        "Z05 vnic-name",
        "Z06 mac-prefix",
        "Z11 autofs-dependency",
        "Z11 home-path",
    ] {
        assert!(
            before.contains(&r.to_owned()),
            "{r} missing from {before:?}"
        );
    }
    let req = FixRequest {
        input: &input,
        selection: None,
        zone: None,
        overrides: Overrides::default(),
        platform: Platform::Solaris11,
    };
    let plan = fix::plan(&req, &policy).expect("plan");
    insta::assert_snapshot!("fix_drifted_zone_sh", render(&plan, Format::Sh));

    // Renames and MAC changes refuse a running zone, as dladm would.
    assert!(host.clone().apply(&plan.filter(Phase::Gz)).is_err());
    host.set_running("www", false).expect("halt");
    host.apply(&plan.filter(Phase::Gz)).expect("gz repairs");
    host.set_running("www", true).expect("boot");
    host.apply(&plan.filter(Phase::Zone)).expect("zone repairs");
    let after = rules_found(&capture_input(&host), &policy);
    assert!(after.is_empty(), "{after:?}");
}

#[test]
fn a_findings_report_narrows_what_is_repaired() {
    let policy = Policy::default();
    let host = damaged_host(&policy);
    let input = capture_input(&host);
    let outcome = check::run(&input, &policy);
    let opts = zrules::render::RenderOptions {
        color: false,
        statistics: false,
        tool_version: "test",
    };
    let json = zrules::render::render(
        &outcome.report,
        &outcome.sources,
        zrules::render::Format::Json,
        &opts,
    );
    let mut selection = fix::read_findings_json(&json).expect("report");
    selection.retain(|s| s.code == "Z11" && s.check == "autofs-dependency");
    assert!(!selection.is_empty());
    let req = FixRequest {
        input: &input,
        selection: Some(&selection),
        zone: None,
        overrides: Overrides::default(),
        platform: Platform::Solaris11,
    };
    let plan = fix::plan(&req, &policy).expect("plan");
    assert!(!plan.steps.is_empty());
    assert!(
        plan.steps
            .iter()
            .all(|s| [Program::Svccfg.name(), Program::Svcadm.name()]
                .contains(&s.command.program.as_str())),
        "{:?}",
        plan.steps
    );
}

#[test]
fn a_report_of_another_version_is_refused() {
    assert!(fix::read_findings_json(r#"{"version": 2, "diagnostics": []}"#).is_err());
    assert!(fix::read_findings_json("not json").is_err());
}

#[test]
fn a_home_without_its_dataset_is_left_to_a_person() {
    let policy = Policy::default();
    let mut host = damaged_host(&policy);
    host.datasets
        .remove("rpool/zones/www/rpool/local/home/alice")
        .expect("alice's dataset");
    let input = capture_input(&host);
    let req = FixRequest {
        input: &input,
        selection: None,
        zone: None,
        overrides: Overrides::default(),
        platform: Platform::Solaris11,
    };
    let plan = fix::plan(&req, &policy).expect("plan");
    let u = plan
        .unfixable
        .iter()
        .find(|u| u.rule == "Z11 home-dataset")
        .expect("listed");
    assert!(u.message.contains("alice"), "{u:?}");
    assert!(
        !plan.unfixable.iter().any(|u| u.message.contains("carol")),
        "carol's home moves: {:?}",
        plan.unfixable
    );
}
