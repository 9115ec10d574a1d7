//! zonecfg command files and export round trip, the zoneadm state machine
//! with its refusals, zone IDs, the shutdown delay seen by `list -pi`
//! pollers, zlogin, and the forms the generated setup scripts use.

use std::time::{Duration, Instant};
mod common;

use common::{WWW, setup_zone};
use zone_testbed::{Fault, Options, Platform, Testbed, stderr, stdout};

#[test]
fn zonecfg_round_trip_and_errors() {
    let Some(tb) = Testbed::require(Options {
        hosts: 1,
        ..Options::default()
    }) else {
        return;
    };
    setup_zone(&tb, "gz-a", "www", "0:0:1:1f:c:10");
    // export prints the command file back (Solaris 11 order: brand first).
    assert_eq!(tb.ok("gz-a", "zonecfg -z www export"), WWW);
    // An export re-imports unchanged under another name.
    tb.ok(
        "gz-a",
        "zonecfg -z www export > /tmp/x && zonecfg -z www2 -f /tmp/x",
    );
    assert_eq!(tb.ok("gz-a", "zonecfg -z www2 export"), WWW);
    // One-command mode with `;`.
    tb.ok("gz-a", "zonecfg -z www 'set autoboot=true; commit'");
    assert_eq!(
        tb.ok("gz-a", "zonecfg -z www info autoboot"),
        "autoboot: true\n"
    );
    let info = tb.ok("gz-a", "zonecfg -z www info");
    assert!(info.starts_with(
        "zonename: www\nzonepath: /zones/www\nbrand: solaris\nautoboot: true\nbootargs: \n"
    ));
    assert!(
        info.contains("net:\n\taddress not specified\n\tallowed-address not specified\n"),
        "{info}"
    );
    assert!(
        info.contains("dataset:\n\tname: pool1/www/pool1\n\talias: pool1\n"),
        "{info}"
    );

    // The 11.1 export bug: a bootargs value with blanks is printed raw, and
    // re-importing it is a syntax error at the second word, with the line.
    tb.ok("gz-a", "zonecfg -z www 'set bootargs=\"-m verbose\"'");
    let export = tb.ok("gz-a", "zonecfg -z www export");
    assert!(export.contains("\nset bootargs=-m verbose\n"), "{export}");
    let out = tb.sh(
        "gz-a",
        "zonecfg -z www export > /tmp/b && zonecfg -z www3 -f /tmp/b",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).lines().next(),
        Some("syntax error on line 5 at 'verbose'")
    );
    // A command file stops at its first error: nothing was committed.
    let out = tb.run("gz-a", &["zonecfg", "-z", "www3", "info"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "www3: No such zone configured\nUse 'create' to begin configuring a new zone.\n"
    );
    // `-f -` goes on after an error (like an interactive session) and commits.
    let out = tb.sh("gz-a", "zonecfg -z www export | zonecfg -z www4 -f -");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("syntax error on line 5 at 'verbose'\n"),
        "{}",
        stderr(&out)
    );
    assert!(!tb.ok("gz-a", "zonecfg -z www4 export").contains("bootargs"));
    // Semantic errors in `-f -` name the line.
    let out = tb.sh_with_input(
        "gz-a",
        "zonecfg -z bad -f -",
        b"create -b\nset zonepath=/zones/bad\nadd net\nend\n",
    );
    assert_eq!(stderr(&out), "On line 4:\nphysical not specified\n");
    // A newline where a value belongs: the lexer has already counted it.
    let out = tb.sh_with_input(
        "gz-a",
        "cat > /tmp/c; zonecfg -z bad -f /tmp/c",
        b"create -b\nset zonepath=\nend\n",
    );
    assert_eq!(
        stderr(&out).lines().next(),
        Some("syntax error on line 3 at '\\n'")
    );
    // Unknown keywords are tokens: the error is at the token after them.
    let out = tb.run("gz-a", &["zonecfg", "-z", "www", "set foo=bar"]);
    assert_eq!(stderr(&out).lines().next(), Some("syntax error at '='"));
    // delete needs -F without a terminal.
    let out = tb.run("gz-a", &["zonecfg", "-z", "www2", "delete"]);
    assert_eq!(
        stderr(&out),
        "Input not from terminal and -F not specified:\n\tdelete not done.\n"
    );
    tb.ok("gz-a", "zonecfg -z www2 delete -F");
    assert_eq!(
        tb.run("gz-a", &["zonecfg", "-z", "www2", "export"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn zoneadm_state_machine_and_refusals() {
    let Some(tb) = Testbed::require(Options {
        hosts: 1,
        shutdown_seconds: Some(0.5),
        ..Options::default()
    }) else {
        return;
    };
    setup_zone(&tb, "gz-a", "www", "0:0:1:1f:c:10");
    let refuse = |cmd: &str, code: i32, text: &str| {
        let out = tb.sh("gz-a", cmd);
        assert_eq!(out.status.code(), Some(code), "{cmd}: {}", stderr(&out));
        assert_eq!(stderr(&out), text, "{cmd}");
    };
    assert_eq!(
        tb.ok("gz-a", "zoneadm list -cp"),
        "0:global:running:/::solaris:shared:-:none\n-:www:configured:/zones/www::solaris:excl:-:\n"
    );
    refuse(
        "zoneadm -z www boot",
        1,
        "zoneadm: zone 'www': must be installed before boot.\n",
    );
    refuse(
        "zoneadm -z www detach",
        1,
        "zoneadm: zone 'www': must be installed before detach.\n",
    );
    refuse(
        "zoneadm -z www uninstall -F",
        1,
        "zoneadm: zone 'www': is already in state 'configured'.\n",
    );
    refuse(
        "zoneadm -z www shutdown",
        1,
        "zoneadm: zone 'www': not running\n",
    );
    refuse(
        "zoneadm -z nosuch boot",
        1,
        "zoneadm: nosuch: No such zone configured\n",
    );
    refuse(
        "zoneadm -z global halt",
        1,
        "zoneadm: zone 'global': halt operation is invalid for the global zone.\n",
    );
    let out = tb.run("gz-a", &["zoneadm", "-z", "www", "install"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Done: Installation completed"));
    refuse(
        "zoneadm -z www install",
        1,
        "zoneadm: zone 'www': is already installed.\n",
    );
    refuse(
        "zoneadm -z www attach",
        1,
        "zoneadm: zone 'www': is already installed.\n",
    );
    refuse(
        "zoneadm -z www halt",
        0,
        "zoneadm: zone 'www': zone is already halted\n",
    );
    // The install laid out the zone's datasets and root.
    let ds = tb.ok("gz-a", "zfs list -H -o name,mountpoint -r rpool/zones/www");
    assert!(ds.contains("rpool/zones/www\t/zones/www\n"));
    assert!(ds.contains("rpool/zones/www/rpool/ROOT/solaris\t/zones/www/root\n"));
    assert_eq!(tb.ok("gz-a", "cat /zones/www/root/etc/nodename"), "www\n");
    let uuid = tb.ok("gz-a", "zoneadm -z www list -p");
    assert!(
        uuid.starts_with("-:www:installed:/zones/www:") && uuid.ends_with(":solaris:excl:-:none\n"),
        "{uuid}"
    );

    tb.ok("gz-a", "zoneadm -z www boot");
    refuse(
        "zoneadm -z www boot",
        0,
        "zoneadm: zone 'www': zone is already booted\n",
    );
    refuse(
        "zoneadm -z www detach",
        1,
        "zoneadm: zone 'www': detach operation is invalid for running zones.\n",
    );
    refuse(
        "zoneadm -z www uninstall -F",
        1,
        "zoneadm: zone 'www': uninstall operation is invalid for running zones.\n",
    );
    refuse(
        "zoneadm -z www install",
        1,
        "zoneadm: zone 'www': install operation is invalid for running zones.\n",
    );
    assert_eq!(tb.ok("gz-a", "zoneadm list"), "global\nwww\n");
    let v = tb.ok("gz-a", "zoneadm list -v");
    assert_eq!(
        v.lines().next(),
        Some("  ID NAME             STATUS     PATH                           BRAND    IP    ")
    );
    assert_eq!(
        v.lines().nth(2),
        Some("   1 www              running    /zones/www                     solaris  excl  ")
    );
    // A running zone's VNIC shows as zone/link on Solaris.
    assert!(
        tb.ok("gz-a", "dladm show-vnic -p -o link")
            .contains("www/www0\n")
    );
    assert_eq!(tb.ok("gz-a", "zlogin www cat /etc/nodename"), "www\n");

    // halt is immediate; detach/attach round trip; uninstall.
    tb.ok("gz-a", "zoneadm -z www halt");
    assert_eq!(tb.zone_state("gz-a", "www").as_deref(), Some("installed"));
    let manifest = tb.ok("gz-a", "zoneadm -z www detach -n");
    assert!(manifest.starts_with("<?xml"));
    assert_eq!(
        tb.zone_state("gz-a", "www").as_deref(),
        Some("installed"),
        "detach -n changes nothing"
    );
    tb.ok(
        "gz-a",
        "zoneadm -z www detach -n > /tmp/m && zoneadm -z www attach -n /tmp/m",
    );
    tb.ok("gz-a", "zoneadm -z www detach");
    assert_eq!(tb.zone_state("gz-a", "www").as_deref(), Some("configured"));
    refuse(
        "zoneadm -z www attach -F -n /tmp/m",
        1,
        "zoneadm: zone 'www': -F and -n flags are mutually exclusive\n",
    );
    tb.ok("gz-a", "zoneadm -z www attach -u");
    assert_eq!(tb.zone_state("gz-a", "www").as_deref(), Some("installed"));
    tb.ok("gz-a", "zoneadm -z www uninstall -F");
    assert_eq!(tb.zone_state("gz-a", "www").as_deref(), Some("configured"));
    assert!(
        !tb.ok("gz-a", "zfs list -H -o name")
            .contains("rpool/zones/www")
    );
    // attach needs the zone's datasets.
    let out = tb.run("gz-a", &["zoneadm", "-z", "www", "attach"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).ends_with("zoneadm: zone 'www': could not verify zonepath /zones/www because of the above errors.\n"),
        "{}", stderr(&out));
}

#[test]
fn zone_ids_are_lowest_free_and_shutdown_takes_time() {
    let Some(tb) = Testbed::require(Options {
        hosts: 1,
        shutdown_seconds: Some(1.5),
        ..Options::default()
    }) else {
        return;
    };
    for (i, z) in ["za", "zb", "zc"].iter().enumerate() {
        setup_zone(&tb, "gz-a", z, &format!("0:0:1:1f:c:{:x}", 0x10 * (i + 1)));
        tb.ok("gz-a", &format!("zoneadm -z {z} install"));
    }
    tb.ok(
        "gz-a",
        "zoneadm -z za boot; zoneadm -z zb boot; zoneadm -z zc boot",
    );
    assert_eq!(
        tb.ok("gz-a", "zoneadm list -p | cut -d: -f1,2"),
        "0:global\n1:za\n2:zb\n3:zc\n"
    );
    tb.ok(
        "gz-a",
        "zoneadm -z za halt; zoneadm -z zb halt; zoneadm -z zb boot",
    );
    // zb gets the lowest free ID, 1; za then 2.
    tb.ok("gz-a", "zoneadm -z za boot");
    assert_eq!(
        tb.ok("gz-a", "zoneadm list -p | cut -d: -f1,2"),
        "0:global\n1:zb\n2:za\n3:zc\n"
    );

    // `init 5` returns at once; pollers see shutting_down, then installed.
    let start = Instant::now();
    tb.ok("gz-a", "zlogin zc init 5");
    let mut seen = Vec::new();
    while start.elapsed() < Duration::from_secs(10) {
        let line = tb.ok("gz-a", "zoneadm list -pi | grep ':zc:'");
        let state = line.split(':').nth(2).unwrap_or("").to_string();
        if seen.last() != Some(&state) {
            seen.push(state.clone());
        }
        if state == "installed" {
            break;
        }
    }
    assert_eq!(
        seen.first().map(String::as_str),
        Some("shutting_down"),
        "{seen:?}"
    );
    assert_eq!(
        seen.last().map(String::as_str),
        Some("installed"),
        "{seen:?}"
    );
    assert!(
        start.elapsed() >= Duration::from_millis(1400),
        "the shutdown took its time"
    );
    // zoneadm shutdown waits for it, as zoneadmd does: a state check after
    // each second (zone_wait_shutdown), so it returns on a whole second.
    let start = Instant::now();
    tb.ok("gz-a", "zoneadm -z za shutdown");
    assert!(start.elapsed() >= Duration::from_millis(1900));
    assert_eq!(tb.zone_state("gz-a", "za").as_deref(), Some("installed"));
    // A shutdown that never ends: zoneadmd gives up after SMF's stop
    // timeout (here 2 s) and the zone stays shutting down.
    tb.inject("gz-a", Fault::InitHang(Some("zb".into())))
        .expect("fault");
    tb.set_zones_stop_timeout("gz-a", Some(2)).expect("knob");
    let start = Instant::now();
    let out = tb.run("gz-a", &["zoneadm", "-z", "zb", "shutdown"]);
    assert!(start.elapsed() >= Duration::from_millis(1900));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "zoneadm: zone 'zb': unable to shutdown zone\n"
    );
    assert_eq!(
        tb.zone_state("gz-a", "zb").as_deref(),
        Some("shutting_down")
    );
    let out = tb.run("gz-a", &["zlogin", "za", "true"]);
    assert_eq!(
        stderr(&out),
        "zlogin: login allowed only to running zones (za is 'installed').\n"
    );
}

#[test]
fn zone_services_packages_and_users() {
    let Some(tb) = Testbed::require(Options {
        hosts: 1,
        ..Options::default()
    }) else {
        return;
    };
    setup_zone(&tb, "gz-a", "www", "0:0:1:1f:c:10");
    tb.ok("gz-a", "zoneadm -z www install && zoneadm -z www boot");
    let pkgs = tb.ok("gz-a", "zlogin www pkg list -H");
    assert!(
        pkgs.starts_with(
            "entire                                            0.5.11-0.175.1.0.0.24.2    i--\n"
        ),
        "{pkgs}"
    );
    assert!(pkgs.contains("\ngroup/system/solaris-small-server "));
    let deps = "svcs -H -o fmri -d svc:/network/ssh:default";
    assert!(
        tb.ok("gz-a", &format!("zlogin www {deps}"))
            .contains("svc:/system/filesystem/autofs:default\n")
    );
    assert_eq!(
        tb.ok(
            "gz-a",
            "zlogin www svcprop -p fs-autofs svc:/network/ssh:default"
        ),
        "fs-autofs/entities fmri svc:/system/filesystem/autofs\nfs-autofs/grouping astring optional_all\n\
         fs-autofs/restart_on astring none\nfs-autofs/type astring service\n"
    );
    // The generated script's forms: delpg on the service, refresh the instance.
    tb.ok(
        "gz-a",
        "zlogin www svccfg -s svc:/network/ssh delpg fs-autofs",
    );
    assert!(
        tb.ok("gz-a", &format!("zlogin www {deps}"))
            .contains("autofs"),
        "visible only after refresh"
    );
    tb.ok("gz-a", "zlogin www svcadm refresh svc:/network/ssh:default");
    assert!(
        !tb.ok("gz-a", &format!("zlogin www {deps}"))
            .contains("autofs")
    );
    let out = tb.run(
        "gz-a",
        &[
            "zlogin",
            "www",
            "svccfg",
            "-s",
            "svc:/network/ssh",
            "delpg",
            "fs-autofs",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    // The GZ's repository is its own.
    assert!(tb.ok("gz-a", deps).contains("autofs"));
    // Accounts: the zone's passwd, not the GZ's.
    tb.ok(
        "gz-a",
        "zlogin www useradd -d /local/home/alice -m alice; zlogin www usermod -s /bin/sh alice",
    );
    assert_eq!(
        tb.ok("gz-a", "zlogin www grep alice /etc/passwd"),
        "alice:x:100:10::/local/home/alice:/bin/sh\n"
    );
    assert!(!tb.ok("gz-a", "cat /etc/passwd").contains("alice"));
    // A shell command runs with the zone root as cwd and the zone's name.
    assert_eq!(
        tb.ok("gz-a", "zlogin www 'pwd; hostname; uname -n'"),
        "/zones/www/root\nwww\nwww\n"
    );
}

#[test]
fn network_commands_print_like_libofmt() {
    let Some(tb) = Testbed::require(Options {
        hosts: 1,
        platform: Platform::Illumos,
        ..Options::default()
    }) else {
        return;
    };
    tb.ok("gz-a", "dladm create-vnic -l e1000g0 -m 0:0:1:1f:c:10 www0; dladm create-vnic -t -l e1000g0 -m 2:8:20:d:b:3b oxControlService10");
    let human = tb.ok("gz-a", "dladm show-vnic");
    // Header and overflow behaviour of the illumos samples
    // (fixtures/real/dladm-show-vnic-omicron-*.txt).
    assert_eq!(
        human,
        "LINK         OVER         SPEED    MACADDRESS        MACADDRTYPE         VID\n\
         gza0         e1000g0      1000     0:0:1:1f:c:0      fixed               0\n\
         www0         e1000g0      1000     0:0:1:1f:c:10     fixed               0\n\
         oxControlService10 e1000g0 1000    2:8:20:d:b:3b     fixed               0\n"
    );
    assert_eq!(
        tb.ok("gz-a", "dladm show-vnic -p -o link,over,macaddress www0"),
        "www0:e1000g0:0\\:0\\:1\\:1f\\:c\\:10\n"
    );
    assert_eq!(
        tb.ok("gz-a", "dladm show-vnic -p -o MACADDRESS www0"),
        "0:0:1:1f:c:10\n"
    );
    let out = tb.run("gz-a", &["dladm", "show-vnic", "-p"]);
    assert_eq!(stderr(&out), "dladm: -p requires -o\n");
    let out = tb.run("gz-a", &["dladm", "show-vnic", "nosuch0"]);
    assert_eq!(
        stderr(&out),
        "dladm: invalid vnic name 'nosuch0': object not found\n"
    );
    let out = tb.run(
        "gz-a",
        &[
            "dladm",
            "create-vnic",
            "-l",
            "e1000g0",
            "-m",
            "0:0:1:1f:c:11",
            "www0",
        ],
    );
    assert_eq!(
        stderr(&out),
        "dladm: vnic creation over e1000g0 failed: object already exists\n"
    );
    let out = tb.run(
        "gz-a",
        &[
            "dladm",
            "create-vnic",
            "-l",
            "e1000g0",
            "-m",
            "0:0:1:1f:c:11",
            "www-0",
        ],
    );
    assert_eq!(stderr(&out), "dladm: invalid link name 'www-0'\n");
    let out = tb.run(
        "gz-a",
        &[
            "dladm",
            "create-vnic",
            "-l",
            "e1000g0",
            "-m",
            "fixed",
            "www1",
        ],
    );
    assert_eq!(stderr(&out), "dladm: 'fixed' is not a valid MAC address\n");
    tb.ok("gz-a", "dladm delete-vnic www0");
    let out = tb.run("gz-a", &["dladm", "delete-vnic", "e1000g0"]);
    assert_eq!(stderr(&out), "dladm: 'e1000g0' is not a vnic\n");
    assert_eq!(
        tb.ok("gz-a", "dladm show-link -p -o link,class,over"),
        "e1000g0:phys:\ngza0:vnic:e1000g0\noxControlService10:vnic:e1000g0\n"
    );
    assert_eq!(
        tb.ok("gz-a", "ipadm show-addr"),
        "ADDROBJ           TYPE     STATE        ADDR\nlo0/v4            static   ok           127.0.0.1/8\n\
         gza0/v4           static   ok           192.168.31.12/24\nlo0/v6            static   ok           ::1/128\n"
    );
    assert_eq!(
        tb.ok("gz-a", "ipadm show-addr -p -o addrobj,type,state,addr"),
        "lo0/v4:static:ok:127.0.0.1/8\ngza0/v4:static:ok:192.168.31.12/24\nlo0/v6:static:ok:\\:\\:1/128\n"
    );
    assert_eq!(
        tb.ok("gz-a", "ipadm show-if").lines().nth(1),
        Some("lo0        LOOPBACK ok       -m-v------46 -46")
    );
}
