//! The `zrules` binary as a user runs it, for what the rules make of a
//! configuration: zonecfg tokens, `create`'s template defaults, the
//! once-per-run notes and `explain`.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

#[path = "../../tests/support/tree.rs"]
mod tree;
use tree::copy_tree;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// `zrules ARGS` in `dir`: exit code and stdout.
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::cargo_bin("zrules")
        .expect("binary")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// A scratch repository (with `.git`, so policy discovery stops there)
/// holding `www.zonecfg` with `text`.
fn repo(text: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    fs::create_dir(d.path().join(".git")).expect("git dir");
    fs::write(d.path().join("www.zonecfg"), text).expect("write");
    d
}

const BODY: &str = "set autoboot=true\nadd net\nset physical=www0\nend\n\
add dataset\nset name=pool1/www/pool1\nset alias=pool1\nend\n";

#[test]
fn zonename_tokens_are_expanded_where_solaris_expands_them() {
    let d = repo(&format!(
        "create -b\nset brand=solaris\nset zonepath=/zones/%{{zonename}}\nset ip-type=exclusive\n{}",
        BODY.replace("pool1/www/pool1", "pool1/%{zonename}/pool1")
    ));
    let (code, out) = run(d.path(), &["check", "www.zonecfg", "--format", "concise"]);
    assert!(!out.contains("Z08"), "{out}");
    assert!(!out.contains("Z10"), "{out}");
    assert_eq!(code, Some(0), "{out}");

    // A token that expands to the wrong place is still wrong, and the
    // finding points at the text as written.
    let d = repo(&format!(
        "create -b\nset brand=solaris\nset zonepath=/export/%{{zonename}}\nset ip-type=exclusive\n{BODY}"
    ));
    let (code, out) = run(d.path(), &["check", "www.zonecfg", "--format", "concise"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("www.zonecfg:3:14: Z08 zonepath zonepath is /export/www, expected /zones/www"),
        "{out}"
    );
}

#[test]
fn create_without_b_brings_the_solaris_11_default_template() {
    let d = repo(&format!("create\nset zonepath=/zones/www\n{BODY}"));
    let (code, out) = run(d.path(), &["check", "www.zonecfg", "--format", "concise"]);
    assert_eq!(code, Some(1), "{out}");
    // brand solaris, ip-type exclusive: no ip-type finding ...
    assert!(!out.contains("Z04 ip-type"), "{out}");
    // ... but the automatic anet net0 is judged, at `create`, and the
    // finding says the release was assumed.
    assert!(
        out.contains("www.zonecfg:1:1: Z04 anet anet net0 (from the default template of 'create' on Solaris 11.2+, assumed as no capture says which release)"),
        "{out}"
    );
    assert!(out.contains("www.zonecfg:1:1: Z06 mac-not-fixed"), "{out}");

    let d = repo(&format!(
        "create -t SYSdefault\nset zonepath=/zones/www\nremove anet\n{BODY}"
    ));
    let (code, out) = run(d.path(), &["check", "www.zonecfg", "--format", "concise"]);
    assert!(!out.contains("Z04"), "{out}");
    assert_eq!(code, Some(0), "{out}");

    // `create -b` is blank: no brand, so no exclusive default.
    let d = repo(&format!("create -b\nset zonepath=/zones/www\n{BODY}"));
    let (_, out) = run(d.path(), &["check", "www.zonecfg", "--format", "concise"]);
    assert!(out.contains("Z04 ip-type"), "{out}");
    assert!(!out.contains("Z04 anet"), "{out}");
}

#[test]
fn the_capture_release_decides_the_create_defaults() {
    let d = tempfile::tempdir().expect("tempdir");
    fs::create_dir(d.path().join(".git")).expect("git dir");
    let host = d.path().join("gz");
    copy_tree(&fixtures().join("fleet/baremetal"), &host);
    let export = host.join("zones/www/zonecfg-export");
    let text = fs::read_to_string(&export).expect("read");
    fs::write(
        &export,
        text.replace("create -b\nset brand=solaris\n", "create\n")
            .replace("set ip-type=exclusive\n", ""),
    )
    .expect("write");
    // 11.3: the template applies, the release is named.
    let (_, out) = run(
        d.path(),
        &["check", "--capture", "gz", "--format", "concise"],
    );
    assert!(
        out.contains("Z04 anet anet net0 (from the default template of 'create' on Solaris 11.3, per uname -v 11.3)"),
        "{out}"
    );
    assert!(!out.contains("Z04 ip-type"), "{out}");
    // illumos: no Solaris template; brand and ip-type are unset.
    fs::write(host.join("uname-v"), "omnios-r151048-b04d8b1b3a\n").expect("write");
    let (_, out) = run(
        d.path(),
        &["check", "--capture", "gz", "--format", "concise"],
    );
    assert!(!out.contains("Z04 anet"), "{out}");
    assert!(out.contains("Z04 ip-type"), "{out}");
}

#[test]
fn the_mac_prefix_note_comes_once_and_only_when_a_mac_is_in_play() {
    // No networking: the prefix governs nothing, so `--fail-level info`
    // passes.
    let d = repo(&format!(
        "create -b\nset brand=solaris\nset zonepath=/zones/www\nset ip-type=exclusive\n{}",
        "add dataset\nset name=pool1/www/pool1\nset alias=pool1\nend\n"
    ));
    let (code, out) = run(
        d.path(),
        &[
            "check",
            "www.zonecfg",
            "--format",
            "concise",
            "--fail-level",
            "info",
        ],
    );
    assert!(!out.contains("Z91"), "{out}");
    assert_eq!(code, Some(0), "{out}");

    // Two zones with VNICs: one note for the run.
    let d = repo(&format!(
        "create -b\nset brand=solaris\nset zonepath=/zones/www\nset ip-type=exclusive\n{BODY}"
    ));
    fs::write(
        d.path().join("db.zonecfg"),
        format!(
            "create -b\nset brand=solaris\nset zonepath=/zones/db\nset ip-type=exclusive\n{}",
            BODY.replace("www", "db")
        ),
    )
    .expect("write");
    let (code, out) = run(d.path(), &["check", ".", "--format", "concise"]);
    assert_eq!(out.matches("Z91 oui-not-local").count(), 1, "{out}");
    assert_eq!(code, Some(0), "{out}");
    let (code, _) = run(d.path(), &["check", ".", "--fail-level", "info"]);
    assert_eq!(code, Some(1));
}

#[test]
fn explain_takes_a_check_name_as_findings_print_it() {
    let d = tempfile::tempdir().expect("tempdir");
    for args in [
        &["explain", "mac-ip-bytes"][..],
        &["explain", "Z06", "mac-ip-bytes"],
        &["explain", "Z06 mac-ip-bytes"],
        &["explain", "Z06/mac-ip-bytes"],
    ] {
        let (code, out) = run(d.path(), args);
        assert_eq!(code, Some(0), "{args:?}: {out}");
        assert!(out.starts_with("Z06 — "), "{args:?}: {out}");
        assert!(out.contains("Z06 mac-ip-bytes"), "{args:?}: {out}");
        assert!(!out.contains("mac-slot  "), "one check only: {out}");
    }
    let (code, out) = run(d.path(), &["explain", "mac-nothing"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("unknown rule code or check 'mac-nothing'"),
        "{out}"
    );
}

#[test]
fn the_assumed_release_is_said_even_when_nothing_is_found() {
    // Compliant once the template's anet is removed: the clean result rests
    // on reading `create` as Solaris 11.2+, and the output says so.
    let d = repo(&format!(
        "create\nset zonepath=/zones/www\nremove anet\n{BODY}"
    ));
    let (code, out) = run(d.path(), &["check", "www.zonecfg", "--format", "full"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("Assumed (no input said otherwise):"), "{out}");
    assert!(out.contains("read as on Solaris 11.2+"), "{out}");
    assert!(out.contains("zone: www"), "{out}");
    let (_, out) = run(d.path(), &["check", "www.zonecfg", "--format", "concise"]);
    assert!(
        out.contains("note: 'create' without -b read as on Solaris 11.2+"),
        "{out}"
    );
    let (_, out) = run(d.path(), &["check", "www.zonecfg", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(doc["assumptions"][0]["zone"], "www", "{out}");
    let (_, out) = run(d.path(), &["check", "www.zonecfg", "--format", "sarif"]);
    assert!(
        out.contains("assumed for zone www: 'create' without -b"),
        "{out}"
    );

    // `create -b` assumes nothing.
    let d = repo(&format!(
        "create -b\nset brand=solaris\nset zonepath=/zones/www\nset ip-type=exclusive\n{BODY}"
    ));
    let (_, out) = run(d.path(), &["check", "www.zonecfg", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(doc["assumptions"], serde_json::json!([]), "{out}");
}
