//! up/down leave nothing behind; GZs reach each other by ssh with pinned
//! host keys; each GZ has its own name, pools and zonepath root.

use std::path::Path;
use zone_testbed::{Options, Testbed, stderr, stdout};

/// Processes whose command line or environment mentions `dir`.
fn processes_mentioning(dir: &Path) -> Vec<String> {
    let needle = dir.to_string_lossy().into_owned();
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        for f in ["cmdline", "environ"] {
            if let Ok(bytes) = std::fs::read(e.path().join(f))
                && String::from_utf8_lossy(&bytes).contains(&needle)
            {
                out.push(format!(
                    "{name}: {}",
                    String::from_utf8_lossy(&bytes).replace('\0', " ")
                ));
            }
        }
    }
    out
}

#[test]
fn up_then_down_leaves_nothing_behind() {
    let Some(tb) = Testbed::require(Options::default()) else {
        return;
    };
    let dir = tb.dir().to_path_buf();
    assert!(dir.join("ssh_config").exists());
    assert!(
        !processes_mentioning(&dir).is_empty(),
        "the GZ supervisors run"
    );
    // Namespaces are private: the machine sees neither /zones nor the pools' mounts.
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    assert!(
        !mounts.contains(&*dir.to_string_lossy()),
        "a testbed mount leaked into the machine's namespace"
    );
    let zones_before = Path::new("/zones").exists();
    tb.down().expect("down");
    assert!(!dir.exists(), "down removes DIR");
    assert!(
        processes_mentioning(&dir).is_empty(),
        "stray processes: {:?}",
        processes_mentioning(&dir)
    );
    assert_eq!(Path::new("/zones").exists(), zones_before);
}

#[test]
fn gz_to_gz_ssh_with_pinned_keys() {
    let Some(tb) = Testbed::require(Options {
        hosts: 3,
        ..Options::default()
    }) else {
        return;
    };
    let cfg = std::fs::read_to_string(tb.ssh_config()).expect("ssh_config");
    assert!(cfg.contains("Host gz-c") && cfg.contains("StrictHostKeyChecking yes"));
    assert!(!cfg.contains("StrictHostKeyChecking no"));
    assert_eq!(tb.ok("gz-a", "cat /etc/nodename"), "gz-a\n");
    assert_eq!(tb.ok("gz-a", "ssh gz-b cat /etc/nodename"), "gz-b\n");
    assert_eq!(tb.ok("gz-b", "ssh gz-c hostname"), "gz-c\n");
    // Each GZ has its own pools: a dataset made on gz-a is not on gz-b.
    tb.ok("gz-a", "zfs create rpool/only-on-a");
    assert!(!tb.ok("gz-b", "zfs list -H -o name").contains("only-on-a"));
    assert_eq!(
        tb.ok("gz-a", "zfs get -H -o value mountpoint rpool/zones"),
        "/zones\n"
    );
    // A wrong host key is refused: pin gz-b's key under gz-a's address.
    let out = tb.sh("gz-a", "ssh -o HostKeyAlias=gz-a -o HostName=$(ssh -G gz-b | awk '/^hostname/{print $2}') gz-b true");
    assert!(
        !out.status.success(),
        "a host key mismatch must fail: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("HOST IDENTIFICATION HAS CHANGED")
            || stderr(&out).contains("verification failed"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn gz_identity_per_platform() {
    let Some(tb) = Testbed::require(Options {
        hosts: 1,
        platform: zone_testbed::Platform::Illumos,
        ..Options::default()
    }) else {
        return;
    };
    let out = tb.run("gz-a", &["uname", "-a"]);
    assert!(
        stdout(&out).starts_with("SunOS gz-a 5.11 omnios-r151046-"),
        "{}",
        stdout(&out)
    );
    assert_eq!(tb.ok("gz-a", "uname -r"), "5.11\n");
    assert!(
        tb.ok("gz-a", "cat /etc/release")
            .starts_with("  OmniOS v11 r151046\n")
    );
    assert_eq!(
        tb.ok("gz-a", "zoneadm list -cp"),
        "0:global:running:/::ipkg:shared:0\n"
    );
    // The machine's init and reboot are never reachable from a GZ.
    // (Checked by content, never by running them.)
    for p in ["/usr/sbin/reboot", "/usr/sbin/init", "/usr/sbin/halt"] {
        assert_eq!(
            tb.ok("gz-a", &format!("head -1 {p}")),
            "#!/usr/bin/python3 -S\n",
            "{p}"
        );
    }
}
